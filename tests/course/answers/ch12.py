"""Other answers to chapter 12's exercises (format: tests/course/answers/__init__.py)."""

RIGHT = {
    "12.1": """
owners = [n.name for n in nodes if ipaddress.ip_address(ip) in ipaddress.ip_network(n.spec.pod_cidr)]
return owners[0] if owners else None
""",
    "12.2": """
wanted = service.spec.ports[0].target_port
result = []
for pod in pods:
    if any(pod.metadata.labels.get(key) != value for key, value in service.spec.selector.items()):
        continue
    if pod.metadata.deletion_timestamp is not None or pod.status.phase in ("Succeeded", "Failed"):
        continue
    if not pod.status.pod_ip or not pod.is_ready():
        continue
    if isinstance(wanted, int):
        result.append((pod.status.pod_ip, wanted))
        continue
    named = [p.container_port for k in pod.spec.containers for p in k.ports if p.name == wanted]
    if named:
        result.append((pod.status.pod_ip, named[0]))
return result
""",
    "12.3": """
result = []
for i, p in enumerate(probabilities):
    reached = 1.0
    for earlier in probabilities[:i]:
        reached *= 1 - earlier
    result.append(reached * p)
return result
""",
}

WRONG = {
    "12.1": [
        ("compares the first three octets, as if every block were a /24", """
prefix = ip.rsplit(".", 1)[0]
for node in nodes:
    if node.spec.pod_cidr.rsplit(".", 1)[0] == prefix:
        return node.name
return None
"""),
    ],
    "12.2": [
        ("keeps pods that are not Ready", """
target = service.spec.ports[0].target_port
found = []
for pod in pods:
    selected = all(pod.metadata.labels.get(k) == v for k, v in service.spec.selector.items())
    alive = pod.metadata.deletion_timestamp is None and pod.status.phase not in ("Succeeded", "Failed")
    if not (selected and alive and pod.status.pod_ip):
        continue
    port = target if isinstance(target, int) else next(
        (p.container_port for ctr in pod.spec.containers for p in ctr.ports if p.name == target), None)
    if port is not None:
        found.append((pod.status.pod_ip, port))
return found
"""),
        ("uses the Service's port, not the target port", """
found = []
for pod in pods:
    selected = all(pod.metadata.labels.get(k) == v for k, v in service.spec.selector.items())
    alive = pod.metadata.deletion_timestamp is None and pod.status.phase not in ("Succeeded", "Failed")
    if selected and alive and pod.status.pod_ip and pod.is_ready():
        found.append((pod.status.pod_ip, service.spec.ports[0].port))
return found
"""),
    ],
    "12.3": [
        ("each rule takes its own probability, as if it were the only one", "return list(probabilities)"),
        ("scales the probabilities to add up to 1", """
total = sum(probabilities)
return [p / total for p in probabilities] if total else [0.0 for _ in probabilities]
"""),
        ("the last rule takes whatever is left, whatever its probability", """
left, result = 1.0, []
for p in probabilities[:-1]:
    result.append(left * p)
    left *= 1 - p
return result + [left]
"""),
        ("multiplies by the earlier probabilities, not by what they leave", """
before, result = 1.0, []
for p in probabilities:
    result.append(before * p)
    before *= p
return result
"""),
    ],
}
