"""The ``k8slite`` command: the course's pieces that run on their own.

    k8slite demo                  a 3-node simulated cluster running a ReplicaSet, as kubectl shows it
    k8slite registry [--port N]   an OCI registry on 127.0.0.1 (chapter 02), as `registry:2` would be
    k8slite serve [--port N ...]  a cluster's Kubernetes API on 127.0.0.1, for the real kubectl
    k8slite kubelet --kubeconfig PATH --node NAME   a node's kubelet as a process of its own

Each subcommand lives with what it runs; this module only picks one.
"""

from __future__ import annotations

import sys
from importlib import import_module

COMMANDS = {  # subcommand -> (module with main(argv), what it does)
    "demo": ("k8slite.kubectl.demo", "a 3-node simulated cluster running a ReplicaSet"),
    "registry": ("k8slite.registry_server.cli", "an OCI registry on 127.0.0.1 (--port N, default 5000)"),
    "serve": ("k8slite.server.__main__", "a new cluster's API on 127.0.0.1 for kubectl (--help)"),
    "kubelet": ("k8slite.kubelet.process", "one node's kubelet, talking to `k8slite serve` over HTTPS (--help)"),
}


def usage() -> str:
    return "usage:\n" + "".join(f"  k8slite {name:<10} {what}\n" for name, (_, what) in COMMANDS.items())


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] not in COMMANDS:
        print(usage(), end="", file=sys.stderr)
        return 2
    module = import_module(COMMANDS[args[0]][0])
    return int(module.main(args[1:]) or 0)


if __name__ == "__main__":  # python -m k8slite.cli serve ...: the same as the k8slite command
    sys.exit(main())
