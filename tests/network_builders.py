"""Manifests for the Service tests: a Deployment whose pods answer with their own name, and a Service."""

from __future__ import annotations


def hostname_app(name: str = "who", replicas: int = 3, namespace: str = "default", port_name: str = "http",
                 port: int = 8080) -> str:
    """Pods that serve their hostname on `port` (a containerPort called `port_name`), with a readiness probe."""
    return f"""
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: {namespace}}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers:
      - name: web
        image: busybox
        command: ["sh", "-c", "mkdir -p /www && hostname > /www/index.html && httpd -f -p {port} -h /www"]
        ports: [{{name: {port_name}, containerPort: {port}}}]
        readinessProbe:
          httpGet: {{path: /, port: {port}}}
          periodSeconds: 2
"""


def service(name: str = "who", namespace: str = "default", target: int | str = "http", extra: str = "",
            selector: str = "") -> str:
    return f"""
apiVersion: v1
kind: Service
metadata: {{name: {name}, namespace: {namespace}}}
spec:
  selector: {{app: {selector or name}}}
  ports: [{{port: 80, targetPort: {target}}}]
{extra}
"""


def client(name: str = "client", namespace: str = "default", node: str = "") -> str:
    node_line = f"nodeName: {node}" if node else ""
    return f"""
apiVersion: v1
kind: Pod
metadata: {{name: {name}, namespace: {namespace}}}
spec:
  {node_line}
  containers: [{{name: c, image: busybox, command: [sleep, "86400"]}}]
"""
