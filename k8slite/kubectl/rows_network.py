"""kubectl get's rows for Services, Endpoints and EndpointSlices (pkg/printers/internalversion).

A Service shows TYPE, CLUSTER-IP (`None` when headless), EXTERNAL-IP
(`<none>`, or `<pending>` for a LoadBalancer no cloud will ever fill) and
PORT(S) as `80/TCP` or, with a node port, `80:30080/TCP`. Endpoints show up
to three `ip:port` pairs and `+ N more...`; only ready addresses count.
An EndpointSlice shows its ADDRESSTYPE, PORTS and the addresses of its
endpoints, ready or not, again three at most. -o wide adds a Service's SELECTOR.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from k8slite.api.service import Endpoints, EndpointSlice, Service
from k8slite.kubectl.durations import since
from k8slite.kubectl.generic_rows import endpoints_cells, service_cells
from k8slite.kubectl.rows import Row

HEADERS: dict[str, tuple[Row, Row]] = {
    "Service": (["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"], ["SELECTOR"]),
    "Endpoints": (["NAME", "ENDPOINTS", "AGE"], []),
    "EndpointSlice": (["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"], []),
}


def service_row(svc: Service, now: float, wide: bool) -> Row:
    cells, extra = service_cells(svc.to_dict(), now, wide)
    return [svc.name, *cells, since(now, svc.metadata.creation_timestamp), *(extra if wide else [])]


def endpoints_row(ep: Endpoints, now: float, wide: bool) -> Row:
    cells, _ = endpoints_cells(ep.to_dict(), now, wide)
    return [ep.name, *cells, since(now, ep.metadata.creation_timestamp)]


def first_three(items: list[str]) -> str:
    """kubectl's formatting of a long list: three items, then `+ N more...`."""
    if not items:
        return "<unset>"
    return ",".join(items[:3]) + (f" + {len(items) - 3} more..." if len(items) > 3 else "")


def endpointslice_row(eps: EndpointSlice, now: float, wide: bool) -> Row:
    ports = first_three([str(p.port) for p in eps.ports])
    addresses = first_three([a for e in eps.endpoints for a in e.addresses])
    return [eps.name, eps.address_type, ports, addresses, since(now, eps.metadata.creation_timestamp)]


ROWS: dict[str, Callable[[Any, float, bool], Row]] = {
    "Service": service_row, "Endpoints": endpoints_row, "EndpointSlice": endpointslice_row}
