"""The kubelet's node Lease: its heartbeat (pkg/kubelet/nodelease, component-helpers' lease controller).

Every 10 s (a quarter of the Lease's 40 s duration, NodeLeaseRenewIntervalFraction;
the kubelet's heartbeat timer, STATUS_UPDATE_PERIOD, which also looks at its node's status)
the kubelet renews the Lease named after its node in `kube-node-lease`: holder
the node, renewTime now. The first renewal creates the Lease, owned by the
Node (so deleting the Node deletes it). Like the lease controller, it keeps
the Lease it wrote last and updates that (no read per renewal); after a conflict (someone else
wrote it) it reads the Lease again. The node lifecycle controller reads
renewTime to tell a live node from a dead one (controllers/node_lifecycle.py).
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import replace

from k8slite.api.coordination import NODE_LEASE_NAMESPACE, Lease, LeaseSpec
from k8slite.api.meta import ObjectMeta, OwnerReference, shallow
from k8slite.apiserver import APIServer
from k8slite.errors import Conflict, NotFound

LEASE_DURATION_SECONDS = 40  # the kubelet's --node-lease-duration-seconds


class NodeLease:
    """Renews one node's Lease through the API server."""

    def __init__(self, api: APIServer, node_name: str) -> None:
        self.api, self.node_name = api, node_name
        self.latest: Lease | None = None  # the Lease as this kubelet last wrote it

    def renew(self) -> None:
        """Set renewTime to now, creating the Lease if there is none; a refused write waits for the next turn."""
        with suppress(Conflict, NotFound):
            self.latest = self.write()

    def write(self) -> Lease:
        if self.latest is None:
            try:
                found = self.api.get("leases", self.node_name, NODE_LEASE_NAMESPACE)
            except NotFound:
                return self.api.create(self.new_lease())
            assert isinstance(found, Lease)
            self.latest = found
        new = shallow(self.latest)  # the API server copies what it stores; only the spec is new here
        new.spec = replace(self.latest.spec, holder_identity=self.node_name,
                           lease_duration_seconds=LEASE_DURATION_SECONDS, renew_time=self.api.clock.now)
        try:
            return self.api.update(new)
        except (Conflict, NotFound):
            self.latest = None  # read it again next time
            raise

    def new_lease(self) -> Lease:
        """A new Lease, owned by the Node when there is one (setNodeOwnerFunc)."""
        try:
            owners = [OwnerReference(api_version="v1", kind="Node", name=self.node_name,
                                     uid=self.api.get("nodes", self.node_name).metadata.uid)]
        except NotFound:
            owners = []
        return Lease(metadata=ObjectMeta(name=self.node_name, namespace=NODE_LEASE_NAMESPACE,
                                         owner_references=owners),
                     spec=LeaseSpec(holder_identity=self.node_name, lease_duration_seconds=LEASE_DURATION_SECONDS,
                                    renew_time=self.api.clock.now))
