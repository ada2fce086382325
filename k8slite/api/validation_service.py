"""Service validation and defaulting, in the API server's words.

Mirrors ValidateService in pkg/apis/core/validation and SetDefaults_Service:
a Service needs ports (unless headless); with more than one port each needs
a name; `targetPort` is a number 1-65535 or a port name (an IANA service
name: at most 15 lower-case letters, digits and hyphens); `nodePort` only on
NodePort and LoadBalancer Services; a headless Service (`clusterIP: None`)
cannot be a NodePort. Defaults: type ClusterIP, protocol TCP, targetPort =
port, sessionAffinity None (ClientIP sessions last 10800 s). k8slite rejects
type ExternalName, which it does not model.
"""

from __future__ import annotations

import ipaddress
import re

from k8slite.api.service import DEFAULT_AFFINITY_TIMEOUT, ClientIPConfig, Service, ServicePort, SessionAffinityConfig
from k8slite.api.validation_names import check_name
from k8slite.errors import FieldError, forbidden, invalid, required, unsupported

TYPES = ["ClusterIP", "LoadBalancer", "NodePort"]
PROTOCOLS = ["SCTP", "TCP", "UDP"]
AFFINITIES = ["ClientIP", "None"]
PORT_RANGE = "must be between 1 and 65535, inclusive"


def default_service(svc: Service) -> None:
    spec = svc.spec
    spec.type = spec.type or "ClusterIP"
    spec.session_affinity = spec.session_affinity or "None"
    if spec.session_affinity == "ClientIP" and spec.session_affinity_config is None:
        spec.session_affinity_config = SessionAffinityConfig(ClientIPConfig(DEFAULT_AFFINITY_TIMEOUT))
    spec.internal_traffic_policy = spec.internal_traffic_policy or "Cluster"
    if spec.type in ("NodePort", "LoadBalancer"):
        spec.external_traffic_policy = spec.external_traffic_policy or "Cluster"
    spec.ip_families = spec.ip_families or ["IPv4"]
    spec.ip_family_policy = spec.ip_family_policy or "SingleStack"
    for port in spec.ports:
        port.protocol = port.protocol or "TCP"
        if port.target_port is None or port.target_port == 0 or port.target_port == "":
            port.target_port = port.port


def validate_service(svc: Service) -> list[FieldError]:
    spec = svc.spec
    errors: list[FieldError] = []
    if spec.type not in TYPES:
        errors.append(unsupported("spec.type", spec.type, TYPES))
    if not spec.ports and not spec.headless():
        errors.append(required("spec.ports"))
    names: list[str] = []
    for i, port in enumerate(spec.ports):
        errors += validate_port(port, f"spec.ports[{i}]", len(spec.ports) > 1, names)
        names.append(port.name)
        if port.node_port and spec.type == "ClusterIP":
            errors.append(forbidden(f"spec.ports[{i}].nodePort", "may not be used when `type` is 'ClusterIP'"))
    errors += validate_cluster_ip(svc)
    if spec.session_affinity not in AFFINITIES:
        errors.append(unsupported("spec.sessionAffinity", spec.session_affinity, AFFINITIES))
    config = spec.session_affinity_config
    timeout = config.client_ip.timeout_seconds if config and config.client_ip else None
    if timeout is not None and not 0 < timeout <= 86400:
        errors.append(invalid("spec.sessionAffinityConfig.clientIP.timeoutSeconds", timeout,
                              "must be greater than 0 and less than 86400"))
    return errors


def validate_port(port: ServicePort, path: str, named: bool, seen: list[str]) -> list[FieldError]:
    errors: list[FieldError] = []
    if named and not port.name:
        errors.append(required(f"{path}.name"))
    elif port.name:
        errors.extend(check_name(f"{path}.name", port.name, label=True))  # ValidateDNS1123Label
    if port.name and port.name in seen:
        errors.append(FieldError(f"{path}.name", "Duplicate value", f'"{port.name}"'))
    if not 1 <= port.port <= 65535:
        errors.append(invalid(f"{path}.port", port.port, PORT_RANGE))
    if port.protocol not in PROTOCOLS:
        errors.append(unsupported(f"{path}.protocol", port.protocol, PROTOCOLS))
    errors += validate_target_port(port.target_port, f"{path}.targetPort")
    return errors


def validate_target_port(target: int | str | None, path: str) -> list[FieldError]:
    """A number 1-65535, or an IANA service name (what a containerPort's name must be)."""
    if isinstance(target, int):
        return [] if 1 <= target <= 65535 else [invalid(path, target, PORT_RANGE)]
    if target is None:
        return []
    if len(target) > 15:
        return [invalid(path, target, "must be no more than 15 characters")]
    if not re.fullmatch(r"[-a-z0-9]+", target):
        return [invalid(path, target, "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")]
    if not re.search(r"[a-z]", target):
        return [invalid(path, target, "must contain at least one letter (a-z)")]
    if target.startswith("-") or target.endswith("-") or "--" in target:
        return [invalid(path, target, "must not begin or end with a hyphen, or contain adjacent hyphens")]
    return []


def validate_cluster_ip(svc: Service) -> list[FieldError]:
    ip = svc.spec.cluster_ip
    if ip == "None":
        if svc.spec.type != "ClusterIP":
            return [invalid("spec.clusterIPs[0]", "None", f"may not be set to 'None' for {svc.spec.type} services")]
        return []
    if ip:
        try:
            ipaddress.IPv4Address(ip)
        except ValueError:
            return [invalid("spec.clusterIPs[0]", ip, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)")]
    return []
