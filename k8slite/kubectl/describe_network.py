"""kubectl describe for Services, Endpoints and EndpointSlices (describe.go's describers).

A Service's description names its selector, type and addresses, then one
block per port: `Port: <name> 80/TCP`, `TargetPort: 8080/TCP` (or the port's
name), `NodePort:` for NodePort and LoadBalancer Services, and `Endpoints:`,
the ready addresses for that port (three at most, then `+ N more...`) from
its EndpointSlices, as kubectl 1.32 reads them: empty when none is ready,
`<none>` when it has no slice (no selector). Endpoints: per subset, the ready
and not-ready addresses and a table of ports. An EndpointSlice: its address
type, a table of ports, and each endpoint with its conditions, hostname,
target and node (`<unset>` for what it does not say). Left out:
LoadBalancer Ingress, external IPs and health-check node ports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from k8slite.api.service import SERVICE_NAME_LABEL, Endpoints, EndpointSlice, Service
from k8slite.kubectl.describe_writer import PrefixWriter, describe_events, events_for, heading
from k8slite.kubectl.selectors import labels_cell

if TYPE_CHECKING:
    from k8slite.cluster import Cluster


def endpoints_for(cluster: Cluster, svc: Service, port_name: str) -> str:
    """formatEndpointSlices: the ready addresses of the Service's EndpointSlices for one port (three, then
    `+ N more...`); `<none>` only when it has no slices at all (no selector), empty when none is ready."""
    slices = [s for s in cluster.api.list("endpointslices", svc.namespace)
              if isinstance(s, EndpointSlice) and s.metadata.labels.get(SERVICE_NAME_LABEL) == svc.name]
    if not slices:
        return "<none>"
    pairs = [f"{address}:{port.port}" for eps in slices for port in eps.ports if port.name == port_name
             for endpoint in eps.endpoints if endpoint.conditions.ready is not False for address in endpoint.addresses]
    return ",".join(pairs[:3]) + (f" + {len(pairs) - 3} more..." if len(pairs) > 3 else "")


def describe_service(cluster: Cluster, svc: Service) -> str:
    spec = svc.spec
    w = PrefixWriter()
    heading(w, svc)
    w.write(0, f"Selector:\t{labels_cell(spec.selector)}\nType:\t{spec.type}\n")
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


def describe_endpoints(cluster: Cluster, ep: Endpoints) -> str:
    w = PrefixWriter()
    heading(w, ep)
    w.write(0, "Subsets:\n")
    for subset in ep.subsets:
        w.write(1, f"Addresses:\t{','.join(a.ip for a in subset.addresses) or '<none>'}\n")
        w.write(1, f"NotReadyAddresses:\t{','.join(a.ip for a in subset.not_ready_addresses) or '<none>'}\n")
        if subset.ports:
            w.write(1, "Ports:\n")
            w.write(2, "Name\tPort\tProtocol\n")
            w.write(2, "----\t----\t--------\n")
            for port in subset.ports:
                w.write(2, f"{port.name or '<unset>'}\t{port.port}\t{port.protocol}\n")
        w.write(0, "\n")
    describe_events(w, events_for(cluster, ep), cluster.now)
    return w.result()


def describe_endpointslice(cluster: Cluster, eps: EndpointSlice) -> str:
    w = PrefixWriter()
    heading(w, eps)
    w.write(0, f"AddressType:\t{eps.address_type}\n")
    if not eps.ports:
        w.write(0, "Ports: <unset>\n")
    else:
        w.write(0, "Ports:\n")
        w.write(1, "Name\tPort\tProtocol\n")
        w.write(1, "----\t----\t--------\n")
        for port in eps.ports:
            w.write(1, f"{port.name or '<unset>'}\t{port.port}\t{port.protocol}\n")
    w.write(0, "Endpoints:\n" if eps.endpoints else "Endpoints: <none>\n")
    for endpoint in eps.endpoints:
        w.write(1, f"- Addresses:\t{', '.join(endpoint.addresses) or '<none>'}\n")
        ready = endpoint.conditions.ready
        w.write(2, "Conditions:\n")
        w.write(3, f"Ready:\t{'<unset>' if ready is None else str(ready).lower()}\n")
        w.write(2, f"Hostname:\t{endpoint.hostname or '<unset>'}\n")
        if endpoint.target_ref is not None:
            w.write(2, f"TargetRef:\t{endpoint.target_ref.kind}/{endpoint.target_ref.name}\n")
        w.write(2, f"NodeName:\t{endpoint.node_name or '<unset>'}\n")
        w.write(2, f"Zone:\t{endpoint.zone or '<unset>'}\n")
    describe_events(w, events_for(cluster, eps), cluster.now)
    return w.result()
