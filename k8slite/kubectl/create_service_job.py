"""`kubectl create service clusterip NAME --tcp=PORT[:TARGET]` and `kubectl create job NAME --image=IMAGE -- CMD`.

Mirrors k8s.io/kubectl/pkg/cmd/create (create_service.go, create_job.go): the objects
kubectl builds itself, in the shape `--dry-run=client -o yaml` prints, field for field.

- `create service clusterip NAME --tcp=80:8080` (repeatable): label and selector
  `app=NAME`, one port per `--tcp`, named `80-8080` (or `"6379"` when only a port
  is given, the target being the same); a target that is not a number is a port
  name. `--clusterip=None` makes a headless Service, which needs no `--tcp`.
- `create job NAME --image=IMAGE [-- COMMAND ARGS...]`: one container named NAME,
  its command the words after `--`, `restartPolicy: Never`.
Left out: the service types nodeport, loadbalancer and externalname, `--node-port`,
and `create job --from=cronjob/NAME`.
"""

from __future__ import annotations

from typing import Any

from k8slite.kubectl.command import Command, UsageError


def service_port(spec: str) -> dict[str, Any]:
    """"80:8080" -> {name: 80-8080, port: 80, protocol: TCP, targetPort: 8080}."""
    port_text, _, target_text = spec.partition(":")
    target_text = target_text or port_text
    if not port_text.isdigit():
        raise UsageError(f'strconv.ParseUint: parsing "{port_text}": invalid syntax')
    target: int | str = int(target_text) if target_text.isdigit() else target_text
    name = port_text if target_text == port_text else f"{port_text}-{target_text}"
    return {"name": name, "port": int(port_text), "protocol": "TCP", "targetPort": target}


def service_manifest(cmd: Command, meta: dict[str, Any], name: str) -> dict[str, Any]:
    """`create service clusterip NAME --tcp=...`."""
    cluster_ip = str(cmd.flags.get("clusterip", ""))
    tcp = list(cmd.flags.get("tcp", []))
    if not tcp and cluster_ip != "None":
        raise UsageError("at least one tcp port specifier must be provided")
    spec: dict[str, Any] = {}
    if cluster_ip:
        spec["clusterIP"] = cluster_ip
    if tcp:
        spec["ports"] = [service_port(t) for t in tcp]
    spec |= {"selector": {"app": name}, "type": "ClusterIP"}
    return {"apiVersion": "v1", "kind": "Service", "metadata": meta, "spec": spec,
            "status": {"loadBalancer": {}}}


def job_manifest(cmd: Command, meta: dict[str, Any], name: str) -> dict[str, Any]:
    """`create job NAME --image=IMAGE -- COMMAND...`."""
    given = cmd.flags.get("image", [])
    if not given:
        raise UsageError("either --image or --from must be specified")
    container: dict[str, Any] = {"image": given[-1], "name": name, "resources": {}}
    if cmd.rest:
        container["command"] = list(cmd.rest)
    template = {"metadata": {"creationTimestamp": None},
                "spec": {"containers": [container], "restartPolicy": "Never"}}
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": meta, "spec": {"template": template},
            "status": {}}
