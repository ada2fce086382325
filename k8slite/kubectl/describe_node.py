"""kubectl describe node, describe.go's NodeDescriber: a node's taints, conditions, capacity and what runs on it.

After the node's labels and taints come its Lease (the kubelet's heartbeat:
holder and renewTime), its conditions (Ready and the pressure conditions,
with the time the kubelet last posted them), addresses, Capacity and
Allocatable, the System Info the kubelet reported, then every pod bound to
it that has not finished, with its CPU and memory requests and limits as a
share of what the node can allocate, and their totals. Left out:
ephemeral storage (always 0) and extended resources.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from k8slite.api.coordination import NODE_LEASE_NAMESPACE, Lease
from k8slite.api.node import Node
from k8slite.api.pod import Pod
from k8slite.api.quantity import bytes_of, format_bytes, format_cpu, millicores
from k8slite.errors import NotFound
from k8slite.kubectl.describe_writer import (
    PrefixWriter,
    annotations_multiline,
    describe_events,
    events_for,
    labels_multiline,
    rfc1123,
    taint_text,
)
from k8slite.kubectl.durations import since
from k8slite.kubectl.rows import node_roles

if TYPE_CHECKING:
    from k8slite.cluster import Cluster

SYSTEM_INFO = (("Machine ID", "machineID"), ("System UUID", "systemUUID"), ("Boot ID", "bootID"),
               ("Kernel Version", "kernelVersion"), ("OS Image", "osImage"),
               ("Operating System", "operatingSystem"), ("Architecture", "architecture"),
               ("Container Runtime Version", "containerRuntimeVersion"),
               ("Kubelet Version", "kubeletVersion"), ("Kube-Proxy Version", "kubeProxyVersion"))
AMOUNTS = ("cpu_req", "cpu_lim", "mem_req", "mem_lim")


def describe_node(cluster: Cluster, node: Node) -> str:
    w = PrefixWriter()
    describe_node_spec(w, node)
    describe_lease(w, cluster, node)
    describe_node_status(w, node)
    if node.spec.pod_cidr:
        w.write(0, f"PodCIDR:\t{node.spec.pod_cidr}\n")
    if node.spec.pod_cidrs:
        w.write(0, f"PodCIDRs:\t{','.join(node.spec.pod_cidrs)}\n")
    if node.spec.provider_id:
        w.write(0, f"ProviderID:\t{node.spec.provider_id}\n")
    describe_node_pods(w, cluster, node)
    describe_events(w, events_for(cluster, node), cluster.now)
    return w.result()


def describe_node_spec(w: PrefixWriter, node: Node) -> None:
    """Name, Roles, labels, annotations, Taints (sorted by effect, then key) and Unschedulable."""
    w.write(0, f"Name:\t{node.name}\nRoles:\t{node_roles(node)}\n")
    labels_multiline(w, "Labels", node.metadata.labels)
    annotations_multiline(w, "Annotations", node.metadata.annotations)
    w.write(0, f"CreationTimestamp:\t{rfc1123(node.metadata.creation_timestamp)}\nTaints:\t")
    taints = sorted(node.spec.taints, key=lambda t: f"{t.effect},{t.key}")
    w.write(0, "".join(("" if i == 0 else "\t") + taint_text(t) + "\n" for i, t in enumerate(taints)) or "<none>\n")
    w.write(0, f"Unschedulable:\t{'true' if node.spec.unschedulable else 'false'}\n")


def describe_lease(w: PrefixWriter, cluster: Cluster, node: Node) -> None:
    """The node's Lease in kube-node-lease: who holds it and when it was last renewed (<unset> if none)."""
    try:
        lease = cluster.api.get("leases", node.name, NODE_LEASE_NAMESPACE)
    except NotFound:
        lease = Lease()
    assert isinstance(lease, Lease)
    spec = lease.spec
    w.write(0, "Lease:\n")
    w.write(1, f"HolderIdentity:\t{spec.holder_identity or '<unset>'}\n")
    for title, moment in (("AcquireTime", spec.acquire_time), ("RenewTime", spec.renew_time)):
        w.write(1, f"{title}:\t{'<unset>' if moment is None else rfc1123(moment)}\n")


def describe_node_status(w: PrefixWriter, node: Node) -> None:
    """Conditions, Addresses, Capacity, Allocatable and System Info: what the kubelet reports."""
    if node.status.conditions:
        w.write(0, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n")
        w.write(1, "----\t------\t-----------------\t------------------\t------\t-------\n")
        for c in node.status.conditions:
            w.write(1, f"{c.type} \t{c.status} \t{rfc1123(c.last_heartbeat_time)} \t"
                       f"{rfc1123(c.last_transition_time)} \t{c.reason} \t{c.message}\n")
    w.write(0, "Addresses:\n" + "".join(f"  {a.type}:\t{a.address}\n" for a in node.status.addresses))
    for title, amounts in (("Capacity", node.status.capacity), ("Allocatable", node.status.allocatable)):
        if amounts:
            w.write(0, f"{title}:\n" + "".join(f"  {k}:\t{amounts[k]}\n" for k in sorted(amounts)))
    info = node.status.node_info
    w.write(0, "System Info:\n")
    for label, key in SYSTEM_INFO:
        w.write(1, f"{label}:\t{info.get(key, '')}\n")


def pod_amounts(pod: Pod) -> dict[str, int]:
    """Requests and limits of a pod in millicores and bytes (a missing request defaults to its limit)."""
    out = dict.fromkeys(AMOUNTS, 0)
    for c in pod.spec.containers:
        req, lim = {**c.resources.limits, **c.resources.requests}, c.resources.limits
        out["cpu_req"] += millicores(req.get("cpu", 0))
        out["cpu_lim"] += millicores(lim.get("cpu", 0))
        out["mem_req"] += bytes_of(req.get("memory", 0))
        out["mem_lim"] += bytes_of(lim.get("memory", 0))
    return out


def share_cells(a: dict[str, int], cpu: int, mem: int) -> list[str]:
    """`100m (5%)`: each amount, and its share of the node's allocatable cpu and memory."""
    return [f"{format_cpu(a['cpu_req'])} ({a['cpu_req'] * 100 // cpu}%)",
            f"{format_cpu(a['cpu_lim'])} ({a['cpu_lim'] * 100 // cpu}%)",
            f"{format_bytes(a['mem_req'])} ({a['mem_req'] * 100 // mem}%)",
            f"{format_bytes(a['mem_lim'])} ({a['mem_lim'] * 100 // mem}%)"]


def describe_node_pods(w: PrefixWriter, cluster: Cluster, node: Node) -> None:
    """Non-terminated Pods, one row each, then Allocated resources: their sums."""
    pods = [p for p in cluster.api.list("pods") if isinstance(p, Pod) and p.spec.node_name == node.name
            and p.status.phase not in ("Succeeded", "Failed")]
    alloc = node.status.allocatable or node.status.capacity
    cpu, mem = millicores(alloc.get("cpu", 0)) or 1, bytes_of(alloc.get("memory", 0)) or 1
    w.write(0, f"Non-terminated Pods:\t({len(pods)} in total)\n")
    w.write(1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n")
    w.write(1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n")
    total = dict.fromkeys(AMOUNTS, 0)
    for p in pods:
        a = pod_amounts(p)
        total = {k: total[k] + a[k] for k in total}
        cells = share_cells(a, cpu, mem)
        age = since(cluster.now, p.metadata.creation_timestamp)
        w.write(1, f"{p.namespace}\t{p.name}\t\t{cells[0]}\t{cells[1]}\t{cells[2]}\t{cells[3]}\t{age}\n")
    describe_allocated(w, share_cells(total, cpu, mem))


def describe_allocated(w: PrefixWriter, cells: list[str]) -> None:
    w.write(0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n")
    w.write(1, "Resource\tRequests\tLimits\n")
    w.write(1, "--------\t--------\t------\n")
    w.write(1, f"cpu\t{cells[0]}\t{cells[1]}\n")
    w.write(1, f"memory\t{cells[2]}\t{cells[3]}\n")
    w.write(1, "ephemeral-storage\t0 (0%)\t0 (0%)\n")
