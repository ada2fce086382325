"""Service environment variables: what the kubelet puts in every container's environment.

Mirrors pkg/kubelet/envvars and kubelet_pods.go (getServiceEnvVarMap): for
each Service with a ClusterIP that exists when a container starts, in the
pod's namespace (and `kubernetes` in `default`, always), the container gets
`<NAME>_SERVICE_HOST` and `<NAME>_SERVICE_PORT` (plus one
`<NAME>_SERVICE_PORT_<PORTNAME>` per named port) and the Docker-links style
`<NAME>_PORT=tcp://10.96.0.12:80`, `<NAME>_PORT_80_TCP`, `..._PROTO`,
`..._PORT`, `..._ADDR`. Names are upper case with `-` turned into `_`.
The container's own `env` wins over these. `enableServiceLinks: false`
leaves out all but the `kubernetes` Service's. The lesson the docs teach with
them: a pod started before its Service has none of these variables (DNS
has no such order problem); restarting it is what brings them.

Simplified: variables come in name order (the kubelet's come from a Go map,
in no order); no `$(VAR)` expansion of them in other values. With the Docker
runtime they name the ClusterIP as on a real node, but nothing there answers
on it (k8slite's Services on Docker are reached by name: docker_services.py).
"""

from __future__ import annotations

from k8slite.api.pod import EnvVar, Pod
from k8slite.api.service import Service

MASTER_SERVICE = ("default", "kubernetes")


def env_name(name: str) -> str:
    return name.upper().replace("-", "_")


def visible_services(pod: Pod, services: list[Service]) -> list[Service]:
    """The Services whose variables the pod's containers get, by name (a same-named one in the pod's
    namespace shadows `kubernetes` from default, as the kubelet's map does)."""
    links = pod.spec.enable_service_links is not False
    chosen: dict[str, Service] = {}
    for service in services:
        if not service.spec.cluster_ip or service.spec.cluster_ip == "None" or not service.spec.ports:
            continue
        if (service.namespace, service.name) == MASTER_SERVICE:
            chosen.setdefault(service.name, service)
        elif service.namespace == pod.namespace and links:
            chosen[service.name] = service
    return [chosen[name] for name in sorted(chosen)]


def service_env(service: Service) -> list[EnvVar]:
    """The variables of one Service, in the kubelet's order."""
    prefix, ip = env_name(service.name), service.spec.cluster_ip
    first = service.spec.ports[0]
    env = [EnvVar(f"{prefix}_SERVICE_HOST", ip), EnvVar(f"{prefix}_SERVICE_PORT", str(first.port))]
    env += [EnvVar(f"{prefix}_SERVICE_PORT_{env_name(p.name)}", str(p.port)) for p in service.spec.ports if p.name]
    for i, port in enumerate(service.spec.ports):
        protocol = (port.protocol or "TCP").lower()
        url = f"{protocol}://{ip}:{port.port}"
        if i == 0:
            env.append(EnvVar(f"{prefix}_PORT", url))
        base = f"{prefix}_PORT_{port.port}_{protocol.upper()}"
        env += [EnvVar(base, url), EnvVar(f"{base}_PROTO", protocol), EnvVar(f"{base}_PORT", str(port.port)),
                EnvVar(f"{base}_ADDR", ip)]
    return env


def with_service_env(pod: Pod, env: list[EnvVar], services: list[Service]) -> list[EnvVar]:
    """The container's env, then every Service variable it does not set itself."""
    own = {e.name for e in env}
    extra = [e for s in visible_services(pod, services) for e in service_env(s) if e.name not in own]
    return env + extra
