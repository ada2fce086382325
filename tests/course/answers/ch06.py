"""Other answers to chapter 06's exercises (format: tests/course/answers/__init__.py)."""

RIGHT = {
    "06.1": """
if "app" not in pod.metadata.labels:
    return None
app = pod.metadata.labels["app"]
count = 0
for other in node.pods.values():
    if other.namespace == pod.namespace and other.metadata.labels.get("app") == app:
        count += 1
if count < 2:
    return None
return unschedulable(REASON)
""",
    "06.2": [
        """
left = node.allocatable.memory - node.requested.memory
return left - pod_requests(pod).memory
""",
        """
best = max(scores.values())
worst = min(scores.values())
if best == worst:
    return {name: 100 for name in scores}
return {name: (score - worst) * 100 // (best - worst) for name, score in scores.items()}
""",
    ],
    "06.3": """
asked = pod_requests(pod)
for node in nodes:
    spec = node.node.spec
    if spec.unschedulable:
        reasons[CORDONED] = reasons.get(CORDONED, 0) + 1
        continue
    untolerated = None
    for taint in spec.taints:
        if taint.effect == "PreferNoSchedule":
            continue
        if not any(t.tolerates(taint) for t in pod.spec.tolerations):
            untolerated = taint
            break
    if untolerated is not None:
        key = taint_reason(untolerated)
        reasons[key] = reasons.get(key, 0) + 1
        continue
    if any(node.labels.get(k) != v for k, v in pod.spec.node_selector.items()):
        reasons[SELECTOR] = reasons.get(SELECTOR, 0) + 1
        continue
    free = node.allocatable
    if node.requested.pods + 1 > free.pods:
        reasons["Too many pods"] = reasons.get("Too many pods", 0) + 1
    if asked.milli_cpu > free.milli_cpu - node.requested.milli_cpu:
        reasons["Insufficient cpu"] = reasons.get("Insufficient cpu", 0) + 1
    if asked.memory > free.memory - node.requested.memory:
        reasons["Insufficient memory"] = reasons.get("Insufficient memory", 0) + 1
""",
}

WRONG = {
    "06.1": [
        ("counts pods of the same app in every namespace", """
app = pod.metadata.labels.get("app")
if app is None:
    return None
same = [p for p in node.pods.values() if p.metadata.labels.get("app") == app]
return unschedulable(REASON) if len(same) >= 2 else None
"""),
        ("allows three: > 2 instead of >= 2", """
app = pod.metadata.labels.get("app")
if app is None:
    return None
same = [p for p in node.pods.values()
        if p.namespace == pod.namespace and p.metadata.labels.get("app") == app]
return unschedulable(REASON) if len(same) > 2 else None
"""),
        ("says unresolvable: preemption would then not even try", """
from k8slite.scheduler.framework import unresolvable
app = pod.metadata.labels.get("app")
if app is None:
    return None
same = [p for p in node.pods.values()
        if p.namespace == pod.namespace and p.metadata.labels.get("app") == app]
return unresolvable(REASON) if len(same) >= 2 else None
"""),
    ],
    "06.2": [
        ("the fraction of memory free, not bytes", [
            "free = node.allocatable.memory - node.requested.memory - pod_requests(pod).memory\n"
            "return free * 100 // node.allocatable.memory",
            "return default_normalize_score(scores)",
        ]),
        ("the node's whole memory, not what is left of it", [
            "return node.allocatable.memory",
            "return default_normalize_score(scores)",
        ]),
        ("scaled by the sum of the scores: the best node does not get 100", [
            "return node.allocatable.memory - node.requested.memory",
            "total = sum(scores.values())\nreturn {name: score * 100 // total for name, score in scores.items()}",
        ]),
    ],
    "06.3": [
        ("counts every reason of every node, not the first filter's", """
asked = pod_requests(pod)
for node in nodes:
    spec = node.node.spec
    why = []
    if spec.unschedulable:
        why.append(CORDONED)
    for t in spec.taints:
        if t.effect in ("NoSchedule", "NoExecute") and not any(tol.tolerates(t) for tol in pod.spec.tolerations):
            why.append(taint_reason(t))
            break
    if any(node.labels.get(k) != v for k, v in pod.spec.node_selector.items()):
        why.append(SELECTOR)
    if asked.milli_cpu > node.allocatable.milli_cpu - node.requested.milli_cpu:
        why.append("Insufficient cpu")
    if asked.memory > node.allocatable.memory - node.requested.memory:
        why.append("Insufficient memory")
    for reason in why:
        reasons[reason] = reasons.get(reason, 0) + 1
"""),
        ("exactly as much free as asked counted as insufficient (>= for >)", """
asked = pod_requests(pod)
for node in nodes:
    spec = node.node.spec
    bad = [t for t in spec.taints if t.effect != "PreferNoSchedule"
           and not any(tol.tolerates(t) for tol in pod.spec.tolerations)]
    if spec.unschedulable:
        why = [CORDONED]
    elif bad:
        why = [taint_reason(bad[0])]
    elif any(node.labels.get(k) != v for k, v in pod.spec.node_selector.items()):
        why = [SELECTOR]
    else:
        used, has = node.requested, node.allocatable
        why = []
        if used.pods + 1 > has.pods:
            why.append("Too many pods")
        if asked.milli_cpu >= has.milli_cpu - used.milli_cpu:
            why.append("Insufficient cpu")
        if asked.memory >= has.memory - used.memory:
            why.append("Insufficient memory")
    for reason in why:
        reasons[reason] = reasons.get(reason, 0) + 1
"""),
    ],
}
