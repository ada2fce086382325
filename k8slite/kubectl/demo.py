"""`k8slite demo`: a cluster shown the way kubectl's own main shows one.

kubectl's main (k8s.io/kubectl/pkg/cmd) talks to a cluster that is already
running; k8slite's starts one: three simulated nodes and a ReplicaSet of
three pods, run for thirty simulated seconds, then prints `kubectl get
nodes` and `kubectl get pods -o wide`, so the same seed always prints the
same text (in a notebook or a Python shell, `Cluster.kubectl` runs any
command). The `k8slite` command itself is k8slite/cli.py.
"""

from __future__ import annotations

import sys

DEMO = """\
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: busybox, command: [sh, -c, sleep 3600]}]
"""


def main(argv: list[str] | None = None) -> int:
    """`k8slite demo`: a three-node cluster running a small ReplicaSet, as kubectl shows it."""
    if argv:
        print(f"k8slite demo takes no arguments, got {' '.join(argv)}", file=sys.stderr)
        return 2
    from k8slite.cluster import Cluster
    cluster = Cluster(nodes=3)
    cluster.apply(DEMO)
    cluster.run(30)
    for i, command in enumerate(("get nodes", "get pods -o wide")):
        print(f"{chr(10) if i else ''}$ kubectl {command}")
        print(cluster.kubectl(command), end="")
    return 0
