"""kubectl describe for Services (describe.go's ServiceDescriber).

A Service's description names its selector, type and addresses, then one
block per port: `Port: <name> 80/TCP`, `TargetPort: 8080/TCP` (or the port's
name), `NodePort:` for NodePort and LoadBalancer Services, and `Endpoints:`,
the ready addresses for that port from the Endpoints object of the same
name (three at most, then `+ N more...`). Left out: LoadBalancer Ingress,
external IPs and health-check node ports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from k8slite.api.service import Endpoints, Service
from k8slite.errors import NotFound
from k8slite.kubectl.describe_writer import (
    PrefixWriter,
    annotations_multiline,
    describe_events,
    events_for,
    labels_multiline,
)

if TYPE_CHECKING:
    from k8slite.cluster import Cluster


def endpoints_for(cluster: Cluster, svc: Service, port_name: str) -> str:
    try:
        ep = cluster.api.get("endpoints", svc.name, svc.namespace)
    except NotFound:
        return "<none>"
    pairs = [f"{ip}:{port}" for ip, port in ep.ready_addresses(port_name)] if isinstance(ep, Endpoints) else []
    return ",".join(pairs[:3]) + (f" + {len(pairs) - 3} more..." if len(pairs) > 3 else "") or "<none>"


def describe_service(cluster: Cluster, svc: Service) -> str:
    spec = svc.spec
    w = PrefixWriter()
    w.write(0, f"Name:\t{svc.name}\nNamespace:\t{svc.namespace}\n")
    labels_multiline(w, "Labels", svc.metadata.labels)
    annotations_multiline(w, "Annotations", svc.metadata.annotations)
    selector = ",".join(f"{k}={v}" for k, v in sorted(spec.selector.items())) or "<none>"
    w.write(0, f"Selector:\t{selector}\nType:\t{spec.type}\n")
    w.write(0, f"IP Family Policy:\t{spec.ip_family_policy}\nIP Families:\t{','.join(spec.ip_families)}\n")
    w.write(0, f"IP:\t{spec.cluster_ip}\nIPs:\t{','.join(spec.cluster_ips) or spec.cluster_ip}\n")
    for port in spec.ports:
        name = port.name or "<unset>"
        w.write(0, f"Port:\t{name}  {port.port}/{port.protocol}\n")
        w.write(0, f"TargetPort:\t{port.target_port}/{port.protocol}\n")
        if port.node_port:
            w.write(0, f"NodePort:\t{name}  {port.node_port}/{port.protocol}\n")
        w.write(0, f"Endpoints:\t{endpoints_for(cluster, svc, port.name)}\n")
    w.write(0, f"Session Affinity:\t{spec.session_affinity}\n")
    if spec.external_traffic_policy:
        w.write(0, f"External Traffic Policy:\t{spec.external_traffic_policy}\n")
    w.write(0, f"Internal Traffic Policy:\t{spec.internal_traffic_policy}\n")
    describe_events(w, events_for(cluster, svc), cluster.now)
    return w.result()
