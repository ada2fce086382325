"""Other answers to chapter 03's exercises (format: tests/course/answers/__init__.py)."""

RIGHT = {
    "03.1": """
target = c.get("pod", to_pod)
port = [k for k in target.spec.containers if k.name == container][0].ports[0].container_port
if from_pod == to_pod:
    return "http://localhost:" + str(port)
return "http://" + target.status.pod_ip + ":" + str(port)
""",
    "03.2": """
def without_free_fields(spec):
    spec = copy.deepcopy(spec)
    for k in spec["containers"]:
        k.pop("image", None)
    for key in ("activeDeadlineSeconds", "tolerations"):
        spec.pop(key, None)
    return spec

if without_free_fields(old["spec"]) != without_free_fields(new["spec"]):
    return False
before, after = old["spec"].get("activeDeadlineSeconds"), new["spec"].get("activeDeadlineSeconds")
if before is not None and (after is None or after > before):
    return False
kept = new["spec"].get("tolerations", [])
return all(t in kept for t in old["spec"].get("tolerations", []))
""",
}

WRONG = {
    "03.1": [
        ("always the pod IP, even inside the pod", """
pod = c.get("pod", to_pod)
port = next(k for k in pod.spec.containers if k.name == container).ports[0].container_port
return f"http://{pod.status.pod_ip}:{port}/"
"""),
        ("the first container's port, not the named one's", """
pod = c.get("pod", to_pod)
host = "localhost" if from_pod == to_pod else pod.status.pod_ip
return f"http://{host}:{pod.spec.containers[0].ports[0].container_port}/"
"""),
        ("the pod's name as a host name: pods get no DNS name of their own", """
pod = c.get("pod", to_pod)
port = next(k for k in pod.spec.containers if k.name == container).ports[0].container_port
return f"http://{'localhost' if from_pod == to_pod else to_pod}:{port}/"
"""),
    ],
    "03.2": [
        ("only images may change: tolerations and deadlines refused", """
def strip(m):
    spec = copy.deepcopy(m["spec"])
    for k in spec["containers"]:
        k.pop("image", None)
    return spec
return strip(old) == strip(new)
"""),
        ("tolerations compared in order", """
def fixed_part(m):
    spec = copy.deepcopy(m["spec"])
    for k in spec["containers"]:
        k.pop("image", None)
    spec.pop("activeDeadlineSeconds", None)
    spec.pop("tolerations", None)
    return spec
was, wanted = old["spec"].get("activeDeadlineSeconds"), new["spec"].get("activeDeadlineSeconds")
deadline_ok = wanted == was or (wanted is not None and (was is None or wanted <= was))
olds, news = old["spec"].get("tolerations", []), new["spec"].get("tolerations", [])
return fixed_part(old) == fixed_part(new) and deadline_ok and news[:len(olds)] == olds
"""),
    ],
}
