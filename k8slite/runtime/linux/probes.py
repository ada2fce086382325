"""HTTP probes on the Linux runtime: busybox wget, from the node's network namespace or the pod's own.

Mirrors the kubelet's prober (pkg/probe/http): a GET whose status decides;
connection errors read as Go's net.Dial reports them ("dial tcp
10.244.1.5:8080: connect: connection refused"). The kubelet runs on the node,
so with nodes as network namespaces (nodenet.py) the GET goes from the
node's namespace to the pod's IP; without them the pod's address is not
reachable from anywhere but inside, so the GET runs in the pod's sandbox on
127.0.0.1.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from k8slite.errors import dial_tcp

WGET = ["/bin/busybox", "wget", "-q", "-O", "-"]


def http_get(run: Callable[[list[str]], tuple[int, str]], ip: str, port: int, path: str,
             shown_ip: str = "") -> tuple[int, str]:
    """GET http://ip:port/path with `run(argv) -> (exit code, output)`; ConnectionError when nothing answers."""
    code, output = run([*WGET, f"http://{ip}:{port}{path}"])
    if code == 0:
        return 200, output
    status = re.search(r"HTTP/1\.[01] (\d{3})", output)
    if status:
        return int(status.group(1)), ""
    raise ConnectionError(dial_tcp(f"{shown_ip or ip}:{port}", "connection refused"))
