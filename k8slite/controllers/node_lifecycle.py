"""The node lifecycle controller: notice when a node stops renewing its Lease.

Mirrors pkg/controller/nodelifecycle. Every 5 s (node-monitor-period) it
looks at each node's last sign of life: its Lease's renewTime (the kubelet
renews it every 10 s), or the Ready condition's lastHeartbeatTime when the
kubelet's last status post is more recent. A node silent for longer than the
grace period (50 s, node-monitor-grace-period, since Kubernetes 1.32) has
its Ready condition, and MemoryPressure, DiskPressure and PIDPressure, set
to Unknown (reason NodeStatusUnknown, "Kubelet stopped posting node
status."), its pods marked not Ready, and the taints
`node.kubernetes.io/unreachable` NoSchedule and NoExecute. When the kubelet
posts again, the taints go. A cordoned node (spec.unschedulable, `kubectl
cordon`) gets `node.kubernetes.io/unschedulable` NoSchedule until it is
uncordoned (TaintNodesByCondition). It does not delete pods itself: the NoExecute
taint hands that to the taint eviction controller, which waits out each
pod's toleration (300 s by default). That is why pods on a dead node are
replaced only after about five minutes. Simplified: the silence is counted
from the renewTime itself (Kubernetes counts from the moment the controller
saw it change, up to one monitor period later); k8slite's kubelet posts
only Ready, so the pressure conditions change only if someone posted them,
and a condition never posted is not added (Kubernetes adds it as Unknown,
NodeStatusNeverUpdated).
"""

from __future__ import annotations

from contextlib import suppress

from k8slite.api.coordination import NODE_LEASE_NAMESPACE, Lease
from k8slite.api.meta import KubeObject
from k8slite.api.node import NOT_READY, UNREACHABLE, UNSCHEDULABLE, Node
from k8slite.api.pod import Pod, Taint
from k8slite.apiserver import APIServer, set_pod_condition
from k8slite.controllers import Controller
from k8slite.errors import Aggregate, NotFound
from k8slite.informer import Informer

NODE_MONITOR_PERIOD = 5.0
NODE_MONITOR_GRACE_PERIOD = 50.0  # kube-controller-manager's default since 1.32 (kubernetes PR 126287)
WATCHED_CONDITIONS = ("Ready", "MemoryPressure", "DiskPressure", "PIDPressure")  # tryUpdateNodeHealth's list
STOPPED_POSTING = "Kubelet stopped posting node status."


class NodeLifecycleController(Controller):
    name = "node-controller"

    def __init__(self, api: APIServer, grace_period: float = NODE_MONITOR_GRACE_PERIOD) -> None:
        super().__init__(api)
        self.grace_period = grace_period
        self.nodes = self.informer("nodes", self.enqueue)
        self.pods = self.informer("pods", lambda t, o: None)
        self.leases = Informer(api, "leases", lambda t, o: None, NODE_LEASE_NAMESPACE)

    def start(self) -> None:
        self.clock.call_later(NODE_MONITOR_PERIOD, self.monitor)

    def monitor(self) -> None:
        """monitorNodeHealth: look at every node, every node-monitor-period."""
        for key in sorted(self.nodes.cache):
            self.queue.add(key)
        self.clock.call_later(NODE_MONITOR_PERIOD, self.monitor)

    def sync(self, key: str) -> None:
        node = self.nodes.get(key)
        if not isinstance(node, Node):
            return
        ready = node.status.condition("Ready")
        if ready is None:
            return
        silent_for = self.clock.now - self.last_heard(node, ready.last_heartbeat_time or 0.0)
        if ready.status != "Unknown" and silent_for > self.grace_period:
            self.mark_unknown(node)
            return
        if self.queue.num_requeues(key) and ready.status != "True":
            self.mark_pods_not_ready(node)  # nodesToRetry: the last try left some pods Ready
        self.update_taints(node, ready.status)

    def last_heard(self, node: Node, heartbeat: float) -> float:
        """The node's last sign of life: its Lease's renewTime, or its status' heartbeat if that is later."""
        lease = self.leases.get(f"{NODE_LEASE_NAMESPACE}/{node.name}")
        renewed = lease.spec.renew_time if isinstance(lease, Lease) else None
        return max(heartbeat, renewed or 0.0)

    def mark_unknown(self, node: Node) -> None:
        """tryUpdateNodeHealth: Ready and the pressure conditions become Unknown, in the controller's words."""
        new = node.copy()
        for condition in new.status.conditions:
            if condition.type in WATCHED_CONDITIONS and condition.status != "Unknown":
                condition.status, condition.reason = "Unknown", "NodeStatusUnknown"
                condition.message, condition.last_transition_time = STOPPED_POSTING, self.clock.now
        node = self.api.update_status(new)
        self.recorder.normal(node, "NodeNotReady", f"Node {node.name} status is now: NodeNotReady")
        try:
            self.mark_pods_not_ready(node)
        finally:  # taint the node whatever became of its pods
            self.update_taints(node, "Unknown")

    def mark_pods_not_ready(self, node: Node) -> None:
        """MarkPodsNotReady: every pod on the node; a refusal is raised after the rest were tried."""
        errors = Aggregate()
        for pod in self.pods.list():
            if isinstance(pod, Pod) and pod.spec.node_name == node.name:
                new = pod.copy()
                if set_pod_condition(new, "Ready", "False", "", "", self.clock.now):
                    with errors, suppress(NotFound):
                        self.api.update_status(new)
                        self.recorder.warning(pod, "NodeNotReady", "Node is not ready")
        errors.raise_first()

    def update_taints(self, node: Node, ready: str) -> None:
        """doNoScheduleTaintingPass and doNoExecuteTaintingPass: unreachable for Unknown, not-ready for False,
        none for True, NoSchedule and NoExecute; and unschedulable NoSchedule while the node is cordoned."""
        key = {"Unknown": UNREACHABLE, "False": NOT_READY}.get(ready)
        wanted = {(key, effect) for effect in ("NoSchedule", "NoExecute")} if key else set()
        if node.spec.unschedulable:
            wanted.add((UNSCHEDULABLE, "NoSchedule"))
        ours = {UNREACHABLE, NOT_READY, UNSCHEDULABLE}
        have = {(t.key, t.effect) for t in node.spec.taints if t.key in ours}
        if have == wanted:
            return
        fresh = self.api.get("nodes", node.name)
        assert isinstance(fresh, Node)
        new = fresh.copy()
        new.spec.taints = [t for t in new.spec.taints if t.key not in ours or (t.key, t.effect) in wanted]
        kept = {(t.key, t.effect) for t in new.spec.taints}
        for k, effect in sorted(wanted - kept):
            new.spec.taints.append(Taint(key=k, effect=effect, time_added=self.clock.now))
        self.api.update(new)


def on_node(pod: KubeObject, node_name: str) -> bool:
    return isinstance(pod, Pod) and pod.spec.node_name == node_name
