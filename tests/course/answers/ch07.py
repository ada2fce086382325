"""Other answers to chapter 07's exercises (format: tests/course/answers/__init__.py)."""

RIGHT = {
    "07.1": """
alive = []
for p in pods:
    if p.metadata.deletion_timestamp is not None or p.status.phase in ("Succeeded", "Failed"):
        continue
    alive.append(p)
missing = desired - len(alive)
if missing >= 0:
    return missing, []
phase_rank = {"Pending": 0, "Unknown": 1}
alive.sort(key=lambda p: (bool(p.spec.node_name), phase_rank.get(p.status.phase, 2), p.is_ready(),
                          -p.metadata.creation_timestamp))
return 0, [p.name for p in alive[:-missing]]
""",
    "07.2": """
beat = failure_time - failure_time % heartbeat_period
check = monitor_period * (int((beat + grace) // monitor_period) + 1)
return check + toleration_seconds
""",
    "07.3": """
import http.client
from urllib.parse import urlsplit
where = urlsplit(url)
connection = http.client.HTTPSConnection(where.hostname, where.port,
                                         context=ssl.create_default_context(cadata=ca))
connection.request("GET", "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases",
                   headers={"Authorization": "Bearer " + token})
leases = json.loads(connection.getresponse().read())["items"]
connection.close()
cutoff = now - dt.timedelta(seconds=grace)
return sorted(lease["spec"]["holderIdentity"] for lease in leases
              if dt.datetime.strptime(lease["spec"]["renewTime"], "%Y-%m-%dT%H:%M:%S.%fZ")
              .replace(tzinfo=dt.timezone.utc) < cutoff)
""",
    "07.4": """
daemon = {("node.kubernetes.io/not-ready", "NoExecute"), ("node.kubernetes.io/unreachable", "NoExecute"),
          ("node.kubernetes.io/disk-pressure", "NoSchedule"), ("node.kubernetes.io/memory-pressure", "NoSchedule"),
          ("node.kubernetes.io/pid-pressure", "NoSchedule"), ("node.kubernetes.io/unschedulable", "NoSchedule")}
spec = ds.spec.template.spec

def fits(node):
    if not all(node.metadata.labels.get(k) == v for k, v in spec.node_selector.items()):
        return False
    for taint in node.spec.taints:
        if taint.effect == "PreferNoSchedule" or (taint.key, taint.effect) in daemon:
            continue
        if not any(t.tolerates(taint) for t in spec.tolerations):
            return False
    return True

return sorted(n.name for n in nodes if fits(n))
""",
}

# The ranking the book asks for, with one rule changed in each wrong answer below.
RANKED = """
active = [p for p in pods
          if p.metadata.deletion_timestamp is None and p.status.phase not in ("Succeeded", "Failed")]
if len(active) <= desired:
    return desired - len(active), []
return 0, [p.name for p in sorted(active, key=lambda p: {key})[:len(active) - desired]]
"""

WRONG = {
    "07.1": [
        ("deletes the oldest pods first", """
active = [p for p in pods
          if p.metadata.deletion_timestamp is None and p.status.phase not in ("Succeeded", "Failed")]
if len(active) <= desired:
    return desired - len(active), []
oldest_first = sorted(active, key=lambda p: p.metadata.creation_timestamp)
return 0, [p.name for p in oldest_first[:len(active) - desired]]
"""),
        ("counts terminating and finished pods", """
if len(pods) <= desired:
    return desired - len(pods), []

def first_to_go(p):
    return (p.spec.node_name != "", {"Pending": 0, "Unknown": 1}.get(p.status.phase, 2), p.is_ready(),
            -p.metadata.creation_timestamp)

return 0, [p.name for p in sorted(pods, key=first_to_go)[:len(pods) - desired]]
"""),
        ("tests `node_name is None` for an unscheduled pod (it is \"\")", RANKED.replace("{key}", (
            "(p.spec.node_name is not None, {'Pending': 0, 'Unknown': 1}.get(p.status.phase, 2), p.is_ready(), "
            "-p.metadata.creation_timestamp)"))),
        ("deletes Ready pods before not-ready ones", RANKED.replace("{key}", (
            "(p.spec.node_name != '', {'Pending': 0, 'Unknown': 1}.get(p.status.phase, 2), not p.is_ready(), "
            "-p.metadata.creation_timestamp)"))),
        ("Unknown before Pending", RANKED.replace("{key}", (
            "(p.spec.node_name != '', {'Unknown': 0, 'Pending': 1}.get(p.status.phase, 2), p.is_ready(), "
            "-p.metadata.creation_timestamp)"))),
        ("the oldest first among equals", RANKED.replace("{key}", (
            "(p.spec.node_name != '', {'Pending': 0, 'Unknown': 1}.get(p.status.phase, 2), p.is_ready(), "
            "p.metadata.creation_timestamp)"))),
        ("only Running pods count as active", """
running = [p for p in pods if p.metadata.deletion_timestamp is None and p.status.phase == "Running"]
if len(running) <= desired:
    return desired - len(running), []
ranked = sorted(running, key=lambda p: (p.is_ready(), -p.metadata.creation_timestamp))
return 0, [p.name for p in ranked[:len(running) - desired]]
"""),
    ],
    "07.2": [
        ("the grace period from the failure, not from the last heartbeat", """
return failure_time + grace + toleration_seconds
"""),
        ("marks NotReady at the check where the silence equals the grace period", """
last_heartbeat = math.floor(failure_time / heartbeat_period) * heartbeat_period
not_ready = math.ceil((last_heartbeat + grace) / monitor_period) * monitor_period
return not_ready + toleration_seconds
"""),
        ("forgets that a heartbeat due at the instant of the failure is still sent", """
last_heartbeat = (math.ceil(failure_time / heartbeat_period) - 1) * heartbeat_period
not_ready = (math.floor((last_heartbeat + grace) / monitor_period) + 1) * monitor_period
return not_ready + toleration_seconds
"""),
        ("NotReady exactly grace seconds after the last heartbeat, with no check period", """
last_heartbeat = math.floor(failure_time / heartbeat_period) * heartbeat_period
return last_heartbeat + grace + toleration_seconds
"""),
    ],
    "07.3": [
        ("reads the Node's Ready condition: the controller's verdict, with its own grace period", """
context = ssl.create_default_context(cadata=ca)
request = urllib.request.Request(url + "/api/v1/nodes", headers={"Authorization": f"Bearer {token}"})
nodes = json.load(urllib.request.urlopen(request, context=context))["items"]
return sorted(n["metadata"]["name"] for n in nodes
              if next(c for c in n["status"]["conditions"] if c["type"] == "Ready")["status"] != "True")
"""),
        ("reads the Node's lastHeartbeatTime, posted only when the status changes", """
context = ssl.create_default_context(cadata=ca)
request = urllib.request.Request(url + "/api/v1/nodes", headers={"Authorization": f"Bearer {token}"})
nodes = json.load(urllib.request.urlopen(request, context=context))["items"]
silent = []
for n in nodes:
    beat = next(c for c in n["status"]["conditions"] if c["type"] == "Ready")["lastHeartbeatTime"]
    if (now - dt.datetime.fromisoformat(beat.replace("Z", "+00:00"))).total_seconds() > grace:
        silent.append(n["metadata"]["name"])
return sorted(silent)
"""),
        ("counts from the Lease's creation, not its last renewal", """
context = ssl.create_default_context(cadata=ca)
request = urllib.request.Request(url + "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases",
                                 headers={"Authorization": f"Bearer {token}"})
leases = json.load(urllib.request.urlopen(request, context=context))["items"]
return sorted(lease["metadata"]["name"] for lease in leases if (now - dt.datetime.fromisoformat(
    lease["metadata"]["creationTimestamp"].replace("Z", "+00:00"))).total_seconds() > grace)
"""),
    ],
    "07.4": [
        ("ignores taints: a nodeSelector is not the only thing that keeps a daemon pod off a node", """
spec = ds.spec.template.spec
return sorted(n.name for n in nodes if all(n.metadata.labels.get(k) == v for k, v in spec.node_selector.items()))
"""),
        ("leaves out cordoned nodes (a daemon pod tolerates node.kubernetes.io/unschedulable)", """
spec = ds.spec.template.spec
daemon = [Toleration(key="node.kubernetes.io/" + k, operator="Exists", effect=e) for k, e in (
    ("not-ready", "NoExecute"), ("unreachable", "NoExecute"), ("disk-pressure", "NoSchedule"),
    ("memory-pressure", "NoSchedule"), ("pid-pressure", "NoSchedule"), ("unschedulable", "NoSchedule"))]
return sorted(n.name for n in nodes if not n.spec.unschedulable
              and all(n.metadata.labels.get(k) == v for k, v in spec.node_selector.items())
              and not any(t.effect in ("NoSchedule", "NoExecute") and not any(x.tolerates(t) for x in
                          spec.tolerations + daemon) for t in n.spec.taints))
"""),
        ("lets PreferNoSchedule keep the pod off (it only discourages the scheduler)", """
spec = ds.spec.template.spec
daemon = [Toleration(key="node.kubernetes.io/" + k, operator="Exists", effect=e) for k, e in (
    ("not-ready", "NoExecute"), ("unreachable", "NoExecute"), ("disk-pressure", "NoSchedule"),
    ("memory-pressure", "NoSchedule"), ("pid-pressure", "NoSchedule"), ("unschedulable", "NoSchedule"))]
return sorted(n.name for n in nodes if all(n.metadata.labels.get(k) == v for k, v in spec.node_selector.items())
              and not any(t.effect != "" and not any(x.tolerates(t) for x in spec.tolerations + daemon)
                          for t in n.spec.taints))
"""),
        ("only the template's own tolerations (forgets the ones every daemon pod gets)", """
spec = ds.spec.template.spec
return sorted(n.name for n in nodes if all(n.metadata.labels.get(k) == v for k, v in spec.node_selector.items())
              and not any(t.effect in ("NoSchedule", "NoExecute") and not any(x.tolerates(t) for x in
                          spec.tolerations) for t in n.spec.taints))
"""),
        ("tolerates every node.kubernetes.io/ taint: a failed node's unreachable:NoSchedule is not tolerated", """
spec = ds.spec.template.spec
return sorted(n.name for n in nodes if all(n.metadata.labels.get(k) == v for k, v in spec.node_selector.items())
              and not any(t.effect in ("NoSchedule", "NoExecute") and not t.key.startswith("node.kubernetes.io/")
                          and not any(x.tolerates(t) for x in spec.tolerations) for t in n.spec.taints))
"""),
        ("forgets to sort the names", """
spec = ds.spec.template.spec
daemon = [Toleration(key="node.kubernetes.io/" + k, operator="Exists", effect=e) for k, e in (
    ("not-ready", "NoExecute"), ("unreachable", "NoExecute"), ("disk-pressure", "NoSchedule"),
    ("memory-pressure", "NoSchedule"), ("pid-pressure", "NoSchedule"), ("unschedulable", "NoSchedule"))]
found = [n.name for n in nodes if all(n.metadata.labels.get(k) == v for k, v in spec.node_selector.items())
         and not any(t.effect in ("NoSchedule", "NoExecute") and not any(x.tolerates(t) for x in
                     spec.tolerations + daemon) for t in n.spec.taints)]
return found[::-1]
"""),
    ],
}
