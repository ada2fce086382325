"""Record what the real kubectl prints for commands it can answer without a server.

`python tests/golden/make_kubectl_golden.py` runs each command with the
installed kubectl (1.32 when these were recorded) and writes
kubectl_golden.json beside this file: {command: what kubectl printed,
stdout then stderr}. tests/test_kubectl_golden.py checks that k8slite prints
the same, and, where kubectl is installed, that the recording is current.
"""

from __future__ import annotations

import json
import shlex
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "kubectl_golden.json"
DRY = "--dry-run=client -o yaml"
COMMANDS = [
    f"create namespace team-a {DRY}",
    f"create quota q --hard=pods=2,requests.cpu=1 {DRY}",
    f"create quota q --hard=pods=2 {DRY.replace('yaml', 'name')}",
    f"create deployment web --image=nginx {DRY}",
    f"create deployment multi --image=nginx:1.25 --image=registry.k8s.io/busybox:1.27.2 --replicas=3 --port=80 {DRY}",
    f"create deployment sleeper --image=busybox {DRY} -- sleep 3600",
    "create deployment web --image=nginx --dry-run=client",
    f"create configmap cfg --from-literal=a=1 --from-literal=b=two {DRY}",
    f"create secret generic s --from-literal=password=x --from-literal=user=admin {DRY}",
    f"create secret generic t --from-literal=a=b --type=kubernetes.io/basic-auth {DRY}",
    f"create configmap x --from-literal=a {DRY}",
    "create namespace team-a --dry-run=maybe",
    f"create cronjob hello --image=busybox --schedule='*/1 * * * *' {DRY} -- sh -c 'date; echo Hello'",
    f"create cj nightly --image=busybox:1.36 --schedule=@daily --restart=Never -n batch {DRY}",
    "create cronjob hello --image=busybox --schedule='*/1 * * * *' --dry-run=client",
    f"create cronjob hello --image=busybox --schedule='0 9 * * 1-5' {DRY.replace('yaml', 'name')}",
    "create cj --image=busybox --schedule=@hourly --dry-run=client",
    "create cronjob a b --image=busybox --schedule=@hourly --dry-run=client",
    "create job pi --image=busybox --from=cronjob/hello --dry-run=client",
    "create job pi --from=cronjob/hello --dry-run=client -- date",
]


def real_kubectl(command: str) -> str:
    done = subprocess.run(["kubectl", *shlex.split(command)], capture_output=True, text=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin:/usr/local/bin", "KUBECONFIG": "/nonexistent"})
    return done.stdout + done.stderr


def record() -> dict[str, str]:
    return {command: real_kubectl(command) for command in COMMANDS}


if __name__ == "__main__":
    GOLDEN.write_text(json.dumps(record(), indent=1) + "\n")
    print(f"wrote {GOLDEN}")
