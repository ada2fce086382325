"""Other answers to chapter 13's exercises (format: tests/course/answers/__init__.py)."""

RIGHT = {
    "13.1": """
names = {}
for d in containers:
    names[d["Name"][1:] if d["Name"].startswith("/") else d["Name"]] = d["Id"]
result = {}
for d in containers:
    kind, _, ref = d["HostConfig"]["NetworkMode"].partition(":")
    if kind != "container":
        continue
    if ref in names:
        result[d["Id"]] = names[ref]
    else:
        candidates = [other["Id"] for other in containers if other["Id"].startswith(ref)]
        result[d["Id"]] = candidates[0] if len(candidates) == 1 else None
return result
""",
    "13.2": """
probe_port = 8080
web_pod = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "content-site"},
    "spec": {"containers": [{
        "name": "web",
        "image": "busybox",
        "command": ["sh", "-c", "mkdir -p /www && httpd -f -p 8080 -h /www"],
        "readinessProbe": {"httpGet": {"path": "/index.html", "port": probe_port}, "periodSeconds": 3},
        "livenessProbe": {"tcpSocket": {"port": probe_port}},
    }]},
}
""",
}

WRONG = {
    "13.1": [
        ("names only: an Id prefix is not resolved", """
by_name = {d["Name"].lstrip("/"): d["Id"] for d in containers}
joined = {}
for d in containers:
    mode = d["HostConfig"]["NetworkMode"]
    if mode.startswith("container:"):
        ref = mode[len("container:"):]
        joined[d["Id"]] = by_name.get(ref, ref)
return joined
"""),
        ("pods found by their k8slite labels: hand-started containers are missed", """
pauses = {(d["Config"]["Labels"].get("k8slite.pod-uid")): d["Id"] for d in containers
          if d["Config"]["Labels"].get("k8slite.role") == "pause"}
return {d["Id"]: pauses[d["Config"]["Labels"]["k8slite.pod-uid"]] for d in containers
        if d["Config"]["Labels"].get("k8slite.role") == "app"}
"""),
    ],
    "13.2": [
        ("liveness asks the readiness question: it restarts a server with no page", """
web_pod = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "site"},
    "spec": {"containers": [{
        "name": "httpd",
        "image": "busybox",
        "command": ["sh", "-c", "mkdir -p /www; httpd -f -p 8080 -h /www"],
        "readinessProbe": {"httpGet": {"path": "/index.html", "port": 8080}, "periodSeconds": 2},
        "livenessProbe": {"httpGet": {"path": "/index.html", "port": 8080}, "periodSeconds": 2},
    }]},
}
"""),
        ("writes the page itself: Ready before anyone put content there", """
web_pod = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "site"},
    "spec": {"containers": [{
        "name": "httpd",
        "image": "busybox",
        "command": ["sh", "-c", "mkdir -p /www; echo hi > /www/index.html; httpd -f -p 8080 -h /www"],
        "readinessProbe": {"httpGet": {"path": "/index.html", "port": 8080}, "periodSeconds": 2},
        "livenessProbe": {"tcpSocket": {"port": 8080}},
    }]},
}
"""),
    ],
}
