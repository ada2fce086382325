"""PID namespaces on the fake runtime, as `ps` shows them: a container's first process is PID 1 and it sees no
neighbour; with shareProcessNamespace the pod's containers share one namespace whose PID 1 is /pause (the docs'
task "Share Process Namespace between Containers in a Pod"). Docker and the Linux runtime run the real ps."""

from __future__ import annotations

from k8slite import Cluster
from k8slite.runtime.processes import shown_command

SHARED = """
apiVersion: v1
kind: Pod
metadata: {name: nginx}
spec:
  shareProcessNamespace: true
  containers:
  - name: nginx
    image: nginx:1.27
  - name: shell
    image: busybox:1.28
    command: ["sleep", "3600"]
    securityContext:
      capabilities:
        add: [SYS_PTRACE]
---
apiVersion: v1
kind: Pod
metadata: {name: apart}
spec:
  containers:
  - {name: web, image: nginx:1.27}
  - {name: shell, image: busybox:1.28, command: [sh, -c, "echo started; sleep 3600"]}
"""


def test_shared_and_separate_pid_namespaces() -> None:
    c = Cluster(nodes=1)
    c.apply(SHARED)
    c.run(30)
    assert c.exec("nginx", "ps ax", container="shell") == (
        "PID   USER     TIME  COMMAND\n"
        "    1 65535     0:00 /pause\n"  # registry.k8s.io/pause:3.10 runs as 65535
        "    2 root      0:00 nginx -g daemon off;\n"
        "    3 root      0:00 sleep 3600\n"
        "    4 root      0:00 ps ax\n")
    assert c.exec("nginx", "ps", container="nginx").splitlines()[-1] == "    5 root      0:00 ps"  # one namespace
    assert c.exec("apart", "ps", container="shell") == (
        "PID   USER     TIME  COMMAND\n    1 root      0:00 sh -c echo started; sleep 3600\n    2 root      0:00 ps\n")
    assert c.exec("apart", "ps", container="web") == (
        "PID   USER     TIME  COMMAND\n    1 root      0:00 nginx -g daemon off;\n    2 root      0:00 ps\n")


def test_a_shell_given_one_simple_command_runs_it_in_its_place() -> None:
    assert shown_command(["sh", "-c", "sleep 1h"]) == "sleep 1h"
    assert shown_command(["/bin/sh", "-c", " exec-me now "]) == "exec-me now"
    assert shown_command(["sh", "-c", "echo a; sleep 1"]) == "sh -c echo a; sleep 1"
    assert shown_command(["sh", "-c", "sleep $T"]) == "sh -c sleep $T"
    assert shown_command(["sleep", "3600"]) == "sleep 3600"
