"""The kubelet: the node agent that turns pods bound to its node into containers.

Mirrors pkg/kubelet: it registers its Node, renews the node's Lease every
10 s (the heartbeat the control plane watches, node_lease.py), posts the
node's status when it changes or every 5 minutes, watches the pods whose
spec.nodeName is its node, and for each one runs `sync_pod`: make the
sandbox, pull images, create and start containers, restart the ones that
exited according to restartPolicy with CrashLoopBackOff, run probes, and
write the pod's status back. It also finishes graceful deletion: stop the
containers, then delete the pod for good.

The kubelet restarts containers, not pods; a pod whose node dies is replaced
by a controller, never by a kubelet. Init containers and sidecars run in
their order (init_containers.py). Simplified: no static pods, no cgroups;
pod IPs come from the node's podCIDR (network/ipam.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from k8slite.api.meta import KubeObject, ObjectMeta, shallow
from k8slite.api.node import ContainerImage, Node, NodeAddress, NodeCondition, NodeSpec, NodeStatus
from k8slite.api.pod import Container, Pod
from k8slite.apiserver import APIServer
from k8slite.clock import INSTANT, Timer, go_duration
from k8slite.errors import Conflict, NotFound
from k8slite.events import EventRecorder
from k8slite.informer import Informer, WorkQueue, object_key
from k8slite.kubelet.backoff import Backoff
from k8slite.kubelet.image_gc import GC_PERIOD, ImageGC
from k8slite.kubelet.image_manager import ERR_IMAGE_PULL, IMAGE_PULL_BACK_OFF, PULLING, ImageManager, waiting_to_start
from k8slite.kubelet.init_containers import stop_group, stop_order, sync_containers
from k8slite.kubelet.node_lease import NodeLease
from k8slite.kubelet.phase import restart_policy_for, should_restart
from k8slite.kubelet.prober import Prober, ProbeWorker
from k8slite.kubelet.security_context import verify_run_as_non_root
from k8slite.kubelet.status import container_status, pod_status, sandbox_failed_status
from k8slite.kubelet.volume_manager import VolumeManager
from k8slite.network.ipam import HostLocalIPAM, RangeExhausted
from k8slite.runtime.cri import EXITED, PLEG_RELIST_PERIOD, RUNNING, ContainerRuntime, ImageInfo, image_user
from k8slite.store import FieldMatch

STATUS_UPDATE_PERIOD = 10.0  # --node-status-update-frequency: how often the kubelet looks at its node's status
NODE_STATUS_REPORT_FREQUENCY = 300.0  # --node-status-report-frequency: post it unchanged only this often
WORKER_BACKOFF_PERIOD = 10.0  # pod_workers.go workerBackOffPeriod: a pod whose sync failed syncs again (no jitter here)
NODE_CONDITIONS = (  # what the kubelet posts, in its order; this one never feels memory, disk or PID pressure
    ("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
    ("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
    ("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
    ("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
)
POD_RESYNC_EVERY = 6  # heartbeats: a full resync of this node's pods every minute
NODE_STATUS_MAX_IMAGES = 50  # the kubelet's --node-status-max-images
MAX_NAMES_PER_IMAGE = 5  # nodestatus.MaxNamesPerImageInNodeStatus


def status_changed(status: NodeStatus, images: list[ContainerImage]) -> bool:
    """nodeStatusHasChanged: would the conditions the kubelet posts (heartbeat times aside), or its images, differ?"""
    posted = {c.type: (c.status, c.reason, c.message) for c in status.conditions}
    return images != status.images or any(posted.get(t) != (s, r, m) for t, s, r, m in NODE_CONDITIONS)


def node_images(images: list[ImageInfo]) -> list[ContainerImage]:
    """nodestatus.Images: the largest images first, at most 50, each named by its digests then its tags."""
    largest = sorted(images, key=lambda i: -i.size)[:NODE_STATUS_MAX_IMAGES]
    return [ContainerImage([*i.repo_digests, *i.repo_tags][:MAX_NAMES_PER_IMAGE], i.size) for i in largest]


@dataclass(slots=True)
class ContainerRecord:
    """What the kubelet remembers of one container of a pod across restarts."""

    name: str
    current_id: str = ""
    previous_id: str = ""
    restart_count: int = 0
    waiting_reason: str = "ContainerCreating"
    waiting_message: str = ""
    stopping: bool = False  # SIGTERM sent for a graceful deletion; wait for the exit
    started_id: str = ""  # the container whose start the kubelet has announced (Started event, probes)
    backoff_said_at: float = float("-inf")  # the last BackOff event, said again at each sync in the back-off

    def next_backoff_event(self) -> float:
        """When the pod's next sync in a back-off says BackOff again (workerBackOffPeriod after the last)."""
        return self.backoff_said_at + WORKER_BACKOFF_PERIOD


@dataclass(slots=True)
class PodRecord:
    uid: str
    sandbox_id: str
    ip: str
    prober: Prober
    containers: dict[str, ContainerRecord] = field(default_factory=dict)
    allocated: str = ""  # the address IPAM reserved (a real runtime may have given the pod another)
    status_from: tuple[str, object] | None = None  # (resourceVersion, inputs) its stored status was made from
    written: str = ""  # the resourceVersion of the last status this kubelet wrote itself



def node_name_of(obj: KubeObject) -> str | None:
    """A pod's spec.nodeName (None for anything else): what a kubelet's pod watch selects on."""
    return obj.spec.node_name if isinstance(obj, Pod) else None

class Kubelet:
    """One node's agent. `start()` joins the cluster; `stop()` is the machine going down."""

    def __init__(self, api: APIServer, runtime: ContainerRuntime, node: Node) -> None:
        self.api, self.runtime, self.template = api, runtime, node
        self.node_name = node.name
        self.clock = api.clock
        self.recorder = EventRecorder(api, "kubelet", self.node_name)
        self.backoff = Backoff()
        self.images = ImageManager(runtime, self.recorder, self.clock)  # pulls, and their back-off
        self.image_gc = ImageGC(runtime, self.recorder, self.clock)  # deletes unused images when the disk fills
        self.pods: dict[str, PodRecord] = {}
        self.queue = WorkQueue(self.clock, self.sync_pod)
        self.volumes = VolumeManager(api, runtime, self.recorder, self.node_name, self.queue.add_after)
        self.informer: Informer | None = None
        self.running = False
        self.heartbeat_timer: Timer | None = None
        self.status_update_period = STATUS_UPDATE_PERIOD  # --node-status-update-frequency
        self.gc_timer: Timer | None = None
        self.heartbeats = 0
        self.lease = NodeLease(api, self.node_name)
        self.status_reported_at = float("-inf")  # when the node's status was last posted
        self.pod_cidr = node.spec.pod_cidr
        self.ipam: HostLocalIPAM | None = None
        self.connected = True  # False: the machine runs but is cut off the network (NodeHandle.disconnect)
        runtime.on_exit = self.container_exited
        runtime.on_started = self.container_started

    # ------------------------------------------------------------ lifecycle
    def start(self) -> None:
        self.running = True
        self.status_reported_at, self.lease.latest = float("-inf"), None  # a new process remembers nothing
        self.register_node()
        self.informer = Informer(self.api, "pods", self.pod_changed,
                                 match=self.is_mine)
        self.volumes.services = Informer(self.api, "services", lambda *_: None)  # for containers' Service env
        self.heartbeat()
        self.collect_images()

    def stop(self) -> None:
        """The machine stops: no heartbeats, every container dies."""
        self.running = False
        for timer in (self.heartbeat_timer, self.gc_timer):
            if timer:
                timer.cancel()
        if self.informer:
            self.informer.stop()
        if self.volumes.services:
            self.volumes.services.stop()
        for record in self.pods.values():
            record.prober.stop()
        self.runtime.crash()

    @property
    def is_mine(self) -> FieldMatch:
        """The field selector spec.nodeName=<this node>."""
        return FieldMatch("spec.nodeName", node_name_of, self.node_name)

    def register_node(self) -> None:
        try:
            node = self.api.get("nodes", self.node_name)
        except NotFound:
            node = self.api.create(self.new_node())
        assert isinstance(node, Node)
        endpoints = self.template.status.daemon_endpoints
        if endpoints and node.status.daemon_endpoints != endpoints:  # a kubelet process listens on a new port
            node = node.copy()
            node.status.daemon_endpoints = dict(endpoints)
            node = self.api.update_status(node)
        self.pod_cidr = node.spec.pod_cidr or self.template.spec.pod_cidr or "10.244.0.0/24"
        if self.ipam is None or str(self.ipam.cidr) != self.pod_cidr:
            self.ipam = HostLocalIPAM(self.pod_cidr)

    def new_node(self) -> Node:
        node = self.template.copy()
        node.metadata = ObjectMeta(name=self.node_name, labels={
            "kubernetes.io/hostname": self.node_name, "kubernetes.io/os": "linux",
            **self.template.metadata.labels})
        node.spec = NodeSpec(pod_cidr=node.spec.pod_cidr, pod_cidrs=list(node.spec.pod_cidrs),
                             taints=list(node.spec.taints), unschedulable=node.spec.unschedulable)
        allocatable = node.status.allocatable or node.status.capacity
        node.status = NodeStatus(capacity=dict(node.status.capacity), allocatable=dict(allocatable),
                                 addresses=node.status.addresses or [NodeAddress("Hostname", self.node_name)],
                                 daemon_endpoints=dict(self.template.status.daemon_endpoints),
                                 node_info={"kubeletVersion": "v1.32.0-k8slite", "containerRuntimeVersion":
                                            "fake://0.1", "operatingSystem": "linux", "architecture": "amd64"})
        return node

    def heartbeat(self) -> None:
        """Every 10 s: renew the node's Lease (the heartbeat); post the node's status if it changed or 5 min passed."""
        if not self.running:
            return
        try:
            self.lease.renew()
            self.post_node_status()
            self.heartbeats += 1
            if self.heartbeats % POD_RESYNC_EVERY == 0:  # level-triggered: look at every pod now and then
                for key in sorted(self.informer.cache if self.informer else {}):
                    self.queue.add(key)
        finally:  # an API server out of reach (a kubelet process, k8slite.client) must not end the heartbeats
            self.heartbeat_timer = self.clock.call_later(self.status_update_period, self.heartbeat)

    def post_node_status(self) -> None:
        """tryUpdateNodeStatus: the conditions (Ready, no pressure) and images, written only when they changed
        (heartbeat times aside) or NODE_STATUS_REPORT_FREQUENCY has passed since the last post."""
        try:
            node = self.api.get("nodes", self.node_name)
        except NotFound:
            return  # deleted under a running kubelet: it registers again only when it restarts
        assert isinstance(node, Node)
        images = node_images(self.runtime.list_images())
        due = self.clock.now - self.status_reported_at >= NODE_STATUS_REPORT_FREQUENCY
        if not due and not status_changed(node.status, images):
            return
        new = node.copy()
        for type_, status, reason, message in NODE_CONDITIONS:
            self.set_node_condition(new, type_, status, reason, message)
        new.status.images = images
        self.api.update_status(new)
        self.status_reported_at = self.clock.now

    def collect_images(self) -> None:
        """StartGarbageCollection: the image garbage collector now and every 5 minutes (image_gc.py)."""
        if not self.running:
            return
        try:
            node = self.api.get("nodes", self.node_name)
            assert isinstance(node, Node)
            ids = [i for record in self.pods.values() for rec in record.containers.values()
                   for i in (rec.current_id, rec.previous_id) if i]
            in_use = {self.runtime.container_status(i).image_id for i in ids}
            self.image_gc.garbage_collect(node, node.status.capacity.get("ephemeral-storage"), in_use)
        finally:
            self.gc_timer = self.clock.call_later(GC_PERIOD, self.collect_images)

    def set_node_condition(self, node: Node, type_: str, status: str, reason: str, message: str) -> None:
        """One condition of the status the kubelet posts (pkg/kubelet/nodestatus/setters.go), heartbeat now."""
        now = self.clock.now
        condition = node.status.condition(type_)
        if condition is None:
            condition = NodeCondition(type_, status, last_transition_time=now)
            node.status.conditions.append(condition)
        if condition.status != status:
            condition.status, condition.last_transition_time = status, now
            if type_ == "Ready":
                self.recorder.normal(node, "NodeReady", f"Node {self.node_name} status is now: NodeReady")
        condition.reason, condition.message, condition.last_heartbeat_time = reason, message, now

    # ------------------------------------------------------------ events in
    def pod_changed(self, event_type: str, obj: KubeObject) -> None:
        if self.running and self.connected and not self.echo(event_type, obj):  # cut off, its watch hears nothing
            self.queue.add(object_key(obj))

    def echo(self, event_type: str, obj: KubeObject) -> bool:
        """The watch bringing back the status this kubelet has just written: nothing to sync. (Its config
        source tells a status-only change apart and reconciles it without a sync: checkAndUpdatePod.)"""
        record = self.pods.get(object_key(obj)) if event_type == "MODIFIED" else None
        return record is not None and record.written == obj.metadata.resource_version

    def container_exited(self, container_id: str) -> None:
        for key, record in self.pods.items():
            if any(c.current_id == container_id for c in record.containers.values()):
                self.queue.add(key)

    def container_started(self, container_id: str) -> None:
        """A start the runtime finished after start_container returned (PLEG's ContainerStarted)."""
        for key, record in self.pods.items():
            for rec in [r for r in record.containers.values() if r.current_id == container_id]:
                pod = self.informer.get(key) if self.informer else None
                container = pod.container(rec.name) if isinstance(pod, Pod) else None
                if isinstance(pod, Pod) and container is not None:
                    self.announce_start(pod, record, container, rec)
                self.queue.add(key)

    # ------------------------------------------------------------ sync
    def sync_pod(self, key: str) -> None:
        if not self.running or self.informer is None:
            return
        pod = self.informer.get(key)
        if not isinstance(pod, Pod) or pod.spec.node_name != self.node_name:
            self.forget(key)
            return
        if pod.metadata.deletion_timestamp is not None:
            self.terminate(key, pod)
            return
        if pod.status.reason == "Evicted":
            return  # stopped for good; its controller makes a replacement
        record = self.pods.get(key)
        if record is not None and record.uid != pod.metadata.uid:
            self.forget(key)
            record = None
        if record is None:
            new_record = self.create_sandbox(pod)
            if new_record is None:
                self.write_sandbox_failed(pod)
                return
            record = self.pods[key] = new_record
        if pod.status.phase not in ("Succeeded", "Failed") and self.volumes.mount_all(pod, record.sandbox_id, key):
            sync_containers(self, pod, record)  # init containers first (init_containers.py)
            evicted = self.volumes.size_limit_exceeded(pod, record.sandbox_id, key)
            if evicted:
                self.volumes.evict(pod, record.sandbox_id, evicted)
                return
        self.write_status(pod, record)

    def create_sandbox(self, pod: Pod) -> PodRecord | None:
        allocated = self.allocate_ip(pod)
        if not allocated:
            return None  # the network plugin failed: allocate_ip said why and will try again
        sandbox_id = self.runtime.run_pod_sandbox(pod, allocated)
        ip = self.runtime.sandbox_ip(sandbox_id)  # a real runtime's network may choose its own
        key = object_key(pod)
        prober = Prober(self.clock, self.runtime, sandbox_id, ip,
                        lambda w, c, ok, out: self.probe_result(key, w, c, ok, out))
        record = PodRecord(pod.metadata.uid, sandbox_id, ip, prober, allocated=allocated)
        waiting = "PodInitializing" if pod.spec.init_containers else "ContainerCreating"
        record.containers = {c.name: ContainerRecord(c.name, waiting_reason=waiting)
                             for c in [*pod.spec.init_containers, *pod.spec.containers]}
        return record

    def allocate_ip(self, pod: Pod) -> str:
        """The CNI plugin's IPAM step: an address from this node's podCIDR (network/ipam.py); "" if none is left."""
        if self.ipam is None:
            self.ipam = HostLocalIPAM(self.pod_cidr or "10.244.0.0/24")
        try:
            return self.ipam.allocate(object_key(pod))
        except RangeExhausted as e:  # sandbox creation fails; the kubelet tries again later
            self.recorder.warning(pod, "FailedCreatePodSandBox", "Failed to create pod sandbox: rpc error: code = "
                                  f'Unknown desc = failed to setup network for sandbox "{pod.name}": plugin '
                                  f'type="flannel" failed (add): failed to delegate add: {e}')
            self.queue.add_after(object_key(pod), STATUS_UPDATE_PERIOD)
            return ""

    def sync_container(self, pod: Pod, record: PodRecord, container: Container, init: bool = False) -> None:
        rec = record.containers[container.name]
        if rec.stopping:  # a sidecar stopped because the pod is done
            return
        if not rec.current_id:
            self.start_container(pod, record, container, rec)
            return
        info = self.runtime.container_status(rec.current_id)
        policy = restart_policy_for(pod.spec.restart_policy, container, init)
        if info.state != EXITED or not should_restart(policy, info.exit_code):
            return
        backoff_key = f"{pod.metadata.uid}/{container.name}"
        finished = info.finished_at or 0.0
        if self.backoff.in_backoff_since(backoff_key, finished, self.clock.now):
            self.crash_loop(pod, rec, backoff_key, finished)
            return
        self.backoff.next(backoff_key, finished)
        rec.previous_id, rec.current_id = rec.current_id, ""
        self.start_container(pod, record, container, rec)

    def crash_loop(self, pod: Pod, rec: ContainerRecord, backoff_key: str, finished: float) -> None:
        """In the back-off: every sync says BackOff again (so describe shows x30 over 5m), the last at its end."""
        delay, now = self.backoff.get(backoff_key), self.clock.now
        message = (f"back-off {go_duration(delay)} restarting failed container={rec.name} "
                   f"pod={pod.name}_{pod.namespace}({pod.metadata.uid})")
        if rec.waiting_message != message or rec.next_backoff_event() - now < INSTANT:
            self.recorder.warning(pod, "BackOff", f"Back-off restarting failed container {rec.name} in pod "
                                  f"{pod.name}_{pod.namespace}({pod.metadata.uid})")
            rec.backoff_said_at = now
        next_sync = min(finished + delay, rec.next_backoff_event())
        self.queue.add_after(object_key(pod), next_sync - now)
        rec.waiting_reason, rec.waiting_message = "CrashLoopBackOff", message

    def start_container(self, pod: Pod, record: PodRecord, container: Container, rec: ContainerRecord) -> None:
        if not self.pull_image(pod, container, rec):
            return
        config = self.volumes.container_config(pod, container, record.ip)  # env resolved, or why not
        if isinstance(config, str):
            self.config_error(pod, rec, config)
            return
        refused = verify_run_as_non_root(pod, container, lambda: image_user(self.runtime, container.image))
        if refused:
            self.config_error(pod, rec, refused)
            return
        rec.current_id = self.runtime.create_container(record.sandbox_id, pod, config)
        rec.restart_count += bool(rec.previous_id)  # counted when the new container exists, after its pull
        self.recorder.normal(pod, "Created", f"Created container {container.name}")
        rec.waiting_reason, rec.waiting_message = "", ""
        self.runtime.start_container(rec.current_id)
        self.announce_start(pod, record, container, rec)

    def announce_start(self, pod: Pod, record: PodRecord, container: Container, rec: ContainerRecord) -> None:
        """Once the runtime has started the current container (at once, or later): Started, then probes."""
        if rec.started_id == rec.current_id or self.runtime.container_status(rec.current_id).started_at is None:
            return
        rec.started_id = rec.current_id
        self.recorder.normal(pod, "Started", f"Started container {container.name}")
        if self.runtime.container_status(rec.current_id).state == RUNNING:
            record.prober.start(container, rec.current_id)

    def config_error(self, pod: Pod, rec: ContainerRecord, message: str) -> None:
        """startContainer's generateContainerConfig failed: said at every attempt (the events fold, `x3 over`)."""
        self.recorder.warning(pod, "Failed", f"Error: {message}")
        rec.waiting_reason, rec.waiting_message = "CreateContainerConfigError", message
        self.queue.add_after(object_key(pod), WORKER_BACKOFF_PERIOD)

    def pull_image(self, pod: Pod, container: Container, rec: ContainerRecord) -> bool:
        """EnsureImageExists (image_manager.py); on failure the container waits with its reason and
        message, and the kubelet says `Error: <reason>` (kuberuntime_container.go, startContainer)."""
        key, now = object_key(pod), self.clock.now
        ago, left = self.images.failed_ago(pod, container), self.images.backoff_left(pod, container)
        # Said already: ErrImagePull shows until the next PLEG relist (1 s); in the back-off the pod's
        # worker syncs again every 10 s and says it again, until the back-off ends.
        if rec.waiting_reason == ERR_IMAGE_PULL and ago < PLEG_RELIST_PERIOD:
            self.queue.add_after(key, PLEG_RELIST_PERIOD - ago)
            return False
        said = rec.next_backoff_event() - now
        if rec.waiting_reason == IMAGE_PULL_BACK_OFF and left > 0 and said > INSTANT:
            self.queue.add_after(key, min(left, said))
            return False
        reason, message = self.images.ensure_image_exists(pod, container)
        if not reason:
            return True
        if reason == PULLING:  # the pod's worker waits for the pull, then starts the container
            self.queue.add_after(key, self.images.pulling_left(pod))
            return False
        self.recorder.warning(pod, "Failed", f"Error: {reason}")
        rec.waiting_reason, rec.waiting_message = reason, message
        left = self.images.backoff_left(pod, container)
        if reason == IMAGE_PULL_BACK_OFF:
            rec.backoff_said_at = now
        retry = {ERR_IMAGE_PULL: PLEG_RELIST_PERIOD, IMAGE_PULL_BACK_OFF: min(left, WORKER_BACKOFF_PERIOD)}
        self.queue.add_after(key, retry.get(reason, STATUS_UPDATE_PERIOD))
        return False

    def probe_result(self, key: str, worker: ProbeWorker, container: Container, ok: bool, output: str) -> None:
        pod = self.informer.get(key) if self.informer else None
        if not isinstance(pod, Pod) or not self.running:
            return
        if not ok:
            self.recorder.warning(pod, "Unhealthy", f"{worker.kind} probe failed: {output}")
        if worker.kind == "Liveness" and worker.result is False:
            self.recorder.normal(pod, "Killing", f"Container {container.name} failed liveness probe, "
                                 "will be restarted")
            worker.stop()
            self.runtime.stop_container(worker.container_id, pod.spec.termination_grace_period_seconds)
        self.queue.add(key)

    # ------------------------------------------------------------ status
    def write_status(self, pod: Pod, record: PodRecord) -> None:
        if not self.connected:  # the update cannot reach the API server; the next sync writes it
            return
        if not record.ip:  # a real sandbox has its address once it has started
            record.ip = record.prober.pod_ip = self.runtime.sandbox_ip(record.sandbox_id)
        statuses = [container_status(self.runtime, c, record.containers[c.name], record.prober, pod)
                    for c in pod.spec.containers]
        init_statuses = [container_status(self.runtime, c, record.containers[c.name], record.prober, pod, init=True)
                         for c in pod.spec.init_containers]
        inputs = (statuses, init_statuses, record.ip)
        if (pod.metadata.resource_version, inputs) == record.status_from:
            return  # the informer's copy is the one the status was made from: a later write would sync again
        try:  # the status manager writes on top of the latest copy, not the informer's
            latest = self.api.get("pods", pod.name, pod.namespace)
        except NotFound:
            return
        assert isinstance(latest, Pod)
        if (latest.metadata.resource_version, inputs) == record.status_from:
            return  # the stored status was made from these very inputs: it would come out the same
        status = pod_status(latest, statuses, record.ip, self.template_host_ip(), self.clock.now, init_statuses)
        if status != latest.status:
            new = shallow(latest)
            new.status = status
            latest = self.api.update_status(new, owned=True)  # a status made for this write
            record.written = latest.metadata.resource_version
        record.status_from = (latest.metadata.resource_version, inputs)

    def write_sandbox_failed(self, pod: Pod) -> None:
        """The sandbox could not be made: say so in PodReadyToStartContainers."""
        status = sandbox_failed_status(pod, self.clock.now)
        if self.connected and status != pod.status:
            new = shallow(pod)
            new.status = status
            try:
                self.api.update_status(new)
            except (NotFound, Conflict):
                pass  # the next sync tries again

    def template_host_ip(self) -> str:
        addresses = self.template.status.addresses
        return next((a.address for a in addresses if a.type == "InternalIP"), "")

    # ------------------------------------------------------------ deletion
    def terminate(self, key: str, pod: Pod) -> None:
        """Graceful deletion: stop every container (sidecars last), then delete the pod object for good."""
        record = self.pods.get(key)
        if record is not None:
            record.prober.stop()
            grace = pod.metadata.deletion_grace_period_seconds or 0
            for group in stop_order(pod):
                if stop_group(self, pod, record, group, grace):
                    return  # the next group stops once this one has
            self.forget(key)
        try:
            self.api.delete("pods", pod.name, pod.namespace, grace_period=0)
        except NotFound:
            pass

    def forget(self, key: str) -> None:
        record = self.pods.pop(key, None)
        if record is not None:
            self.images.forget(record.uid)
            record.prober.stop()
            self.runtime.remove_pod_sandbox(record.sandbox_id)
            self.volumes.unmount_all(record.sandbox_id)
            if self.ipam is not None:
                self.ipam.release(record.allocated)

    def pod_record(self, pod: Pod) -> PodRecord | None:
        return self.pods.get(object_key(pod))

    def find_container(self, pod: Pod, name: str | None, previous: bool = False) -> tuple[str, Container]:
        """The runtime id of a pod's container, for logs and exec."""
        record = self.pod_record(pod)
        container = pod.container(name) if name else pod.spec.containers[0]
        if record is None or container is None:
            raise NotFound(f'container "{name}" in pod "{pod.name}" is not available')
        rec = record.containers[container.name]
        cid = rec.previous_id if previous else rec.current_id
        if not cid and not previous:
            raise NotFound(waiting_to_start(container.name, pod.name, rec.waiting_reason or "ContainerCreating"))
        if not cid:
            raise NotFound(f'previous terminated container "{container.name}" in pod "{pod.name}" not found')
        return cid, container

    def running_container(self, pod: Pod, name: str | None) -> str:
        """The runtime id of a pod's container, NotFound unless it is running now (crashed, waiting for its
        restart): what exec, attach and a terminal need."""
        cid, container = self.find_container(pod, name)
        if self.runtime.container_status(cid).state != RUNNING:
            raise NotFound(f'container "{container.name}" in pod "{pod.name}" is not running')
        return cid
