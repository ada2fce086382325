"""The Pod: one or more containers that share a network, IPC and UTS namespace.

Mirrors k8s.io/api/core/v1 Pod, PodSpec, Container and PodStatus, with the
fields the course uses: containers and init containers (sidecars too) with command, args, env, ports,
resources, volume mounts, probes and security contexts (api/security.py); volumes; restartPolicy;
nodeName, nodeSelector, affinity and topologySpreadConstraints (api/affinity.py);
tolerations. Defaults are Kubernetes' (restartPolicy Always,
terminationGracePeriodSeconds 30, probe timings 1/10/1/3). Fields that real
pods may carry but k8slite does not model (runtimeClassName, hostNetwork, ...)
are listed in IGNORED: accepted, reported once, not acted on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from k8slite.api.affinity import Affinity, TopologySpreadConstraint
from k8slite.api.meta import OMITEMPTY, TIME, TIME_OR_NULL, KubeObject, ObjectMeta
from k8slite.api.quantity import parse_quantity
from k8slite.api.security import PodSecurityContext, SecurityContext


@dataclass(slots=True)
class ContainerPort:
    name: str = ""
    container_port: int = 0
    protocol: str = "TCP"
    host_port: int | None = None
    host_ip: str = ""


@dataclass(slots=True)
class EnvVar:
    name: str = ""
    value: str | None = None
    value_from: dict[str, Any] | None = None


@dataclass(slots=True)
class ResourceRequirements:
    requests: dict[str, str | int | float] = field(default_factory=dict)
    limits: dict[str, str | int | float] = field(default_factory=dict)
    IGNORED: ClassVar[frozenset[str]] = frozenset({"claims"})


@dataclass(slots=True)
class VolumeMount:
    name: str = ""
    mount_path: str = ""
    read_only: bool | None = None
    sub_path: str = ""
    IGNORED: ClassVar[frozenset[str]] = frozenset({"mountPropagation", "subPathExpr", "recursiveReadOnly"})


@dataclass(slots=True)
class ExecAction:
    command: list[str] = field(default_factory=list)


@dataclass(slots=True)
class HTTPGetAction:
    path: str = "/"
    port: int | str = 0
    host: str = ""
    scheme: str = "HTTP"
    IGNORED: ClassVar[frozenset[str]] = frozenset({"httpHeaders"})


@dataclass(slots=True)
class TCPSocketAction:
    port: int | str = 0
    host: str = ""


@dataclass(slots=True)
class Probe:
    exec: ExecAction | None = None
    http_get: HTTPGetAction | None = None
    tcp_socket: TCPSocketAction | None = None
    initial_delay_seconds: int = field(default=0, metadata=OMITEMPTY)
    timeout_seconds: int = 1
    period_seconds: int = 10
    success_threshold: int = 1
    failure_threshold: int = 3
    IGNORED: ClassVar[frozenset[str]] = frozenset({"grpc", "terminationGracePeriodSeconds"})


@dataclass(slots=True)
class Container:
    name: str = ""
    image: str = ""
    image_pull_policy: str = ""
    command: list[str] = field(default_factory=list)
    args: list[str] = field(default_factory=list)
    working_dir: str = ""
    ports: list[ContainerPort] = field(default_factory=list)
    env: list[EnvVar] = field(default_factory=list)
    env_from: list[dict[str, Any]] = field(default_factory=list)
    resources: ResourceRequirements = field(default_factory=ResourceRequirements)
    volume_mounts: list[VolumeMount] = field(default_factory=list)
    liveness_probe: Probe | None = None
    readiness_probe: Probe | None = None
    startup_probe: Probe | None = None
    restart_policy: str = ""
    """Only on init containers, and only `Always`: a sidecar (KEP-753), started before the app containers."""
    termination_message_path: str = ""
    """The file whose text becomes the terminated state's message (defaulted to /dev/termination-log)."""
    termination_message_policy: str = ""
    """`File` (the default), or `FallbackToLogsOnError`: with the file empty and a failure, the log's tail."""
    security_context: SecurityContext | None = None
    IGNORED: ClassVar[frozenset[str]] = frozenset({
        "stdin", "stdinOnce", "tty", "lifecycle", "volumeDevices", "resizePolicy"})

    def is_sidecar(self) -> bool:
        """podutil.IsRestartableInitContainer: an init container with restartPolicy Always."""
        return self.restart_policy == "Always"


@dataclass(slots=True)
class EmptyDirVolumeSource:
    medium: str = ""
    size_limit: str | None = None


@dataclass(slots=True)
class HostPathVolumeSource:
    path: str = ""
    type: str = field(default="", metadata={"empty_string": True})
    """SetDefaults_HostPathVolumeSource makes the pointer "" (HostPathUnset: no check), so it is written `type: ""`."""


@dataclass(slots=True)
class PersistentVolumeClaimVolumeSource:
    claim_name: str = ""
    read_only: bool | None = None


@dataclass(slots=True)
class ProjectedVolumeSource:
    """Several sources in one directory; each source a dict with one key: serviceAccountToken
    (expirationSeconds, path), configMap or secret (name, items) or downwardAPI (items)."""

    sources: list[dict[str, Any]] = field(default_factory=list)
    default_mode: int | None = None


@dataclass(slots=True)
class Volume:
    name: str = ""
    empty_dir: EmptyDirVolumeSource | None = None
    host_path: HostPathVolumeSource | None = None
    persistent_volume_claim: PersistentVolumeClaimVolumeSource | None = None
    config_map: dict[str, Any] | None = None
    secret: dict[str, Any] | None = None
    projected: ProjectedVolumeSource | None = None
    IGNORED: ClassVar[frozenset[str]] = frozenset({
        "downwardAPI", "nfs", "csi", "ephemeral", "awsElasticBlockStore",
        "gcePersistentDisk", "azureDisk", "azureFile", "iscsi", "cephfs", "rbd", "fc"})


@dataclass(slots=True)
class Toleration:
    key: str = ""
    operator: str = "Equal"
    value: str = ""
    effect: str = ""
    toleration_seconds: int | None = None

    def tolerates(self, taint: Taint) -> bool:
        """Kubernetes' ToleratesTaint: same effect (or any), same key (or any), value by operator."""
        if self.effect and self.effect != taint.effect:
            return False
        if self.key and self.key != taint.key:
            return False
        if self.operator == "Exists":
            return True
        return self.value == taint.value


@dataclass(slots=True)
class Taint:
    key: str = ""
    value: str = ""
    effect: str = ""
    time_added: float | None = field(default=None, metadata=TIME)


@dataclass(slots=True)
class PodSpec:
    containers: list[Container] = field(default_factory=list)
    init_containers: list[Container] = field(default_factory=list)
    """Run one at a time, in order, each to success, before the containers start (kubelet/init_containers.py)."""
    volumes: list[Volume] = field(default_factory=list)
    restart_policy: str = "Always"
    termination_grace_period_seconds: int = 30
    active_deadline_seconds: int | None = None
    dns_policy: str = "ClusterFirst"
    node_selector: dict[str, str] = field(default_factory=dict)
    node_name: str = ""
    hostname: str = ""
    subdomain: str = ""
    share_process_namespace: bool | None = None
    scheduler_name: str = "default-scheduler"
    tolerations: list[Toleration] = field(default_factory=list)
    affinity: Affinity | None = None
    topology_spread_constraints: list[TopologySpreadConstraint] = field(default_factory=list)
    enable_service_links: bool | None = None
    """None or True: every container gets variables for the namespace's Services (network/envvars.py)."""
    service_account_name: str = ""
    """Set to `default` by the ServiceAccount admission plugin when empty (admission/serviceaccount.py)."""
    service_account: str = ""
    """The deprecated twin of serviceAccountName, which the API server keeps equal to it."""
    automount_service_account_token: bool | None = None
    priority_class_name: str = ""
    priority: int | None = None
    """Set from the PriorityClass (0 without one) by the Priority admission plugin (admission/priority.py)."""
    preemption_policy: str | None = None
    security_context: PodSecurityContext | None = None
    """Set to an empty one (`securityContext: {}`) by the API server when a pod has none."""
    IGNORED: ClassVar[frozenset[str]] = frozenset({
        "ephemeralContainers", "dnsConfig", "hostNetwork",
        "hostPID", "hostIPC", "imagePullSecrets", "runtimeClassName", "overhead",
        "readinessGates", "setHostnameAsFQDN", "os",
        "hostAliases", "schedulingGates", "resourceClaims", "hostUsers"})


@dataclass(slots=True)
class PodTemplateSpec:
    metadata: ObjectMeta = field(default_factory=ObjectMeta)
    spec: PodSpec = field(default_factory=PodSpec)


@dataclass(slots=True)
class ContainerStateWaiting:
    reason: str = ""
    message: str = ""


@dataclass(slots=True)
class ContainerStateRunning:
    started_at: float | None = field(default=None, metadata=TIME_OR_NULL)


@dataclass(slots=True)
class ContainerStateTerminated:
    exit_code: int = field(default=0, metadata={"keep_empty": True})
    reason: str = ""
    message: str = ""
    started_at: float | None = field(default=None, metadata=TIME_OR_NULL)
    finished_at: float | None = field(default=None, metadata=TIME_OR_NULL)
    container_id: str = ""


@dataclass(slots=True)
class ContainerState:
    waiting: ContainerStateWaiting | None = None
    running: ContainerStateRunning | None = None
    terminated: ContainerStateTerminated | None = None


@dataclass(slots=True)
class ContainerStatus:
    name: str = ""
    state: ContainerState = field(default_factory=ContainerState)
    last_state: ContainerState = field(default_factory=ContainerState)
    ready: bool = field(default=False, metadata={"keep_empty": True})
    restart_count: int = 0
    image: str = ""
    image_id: str = field(default="", metadata={"empty_string": True})  # `imageID: ""` until it runs
    container_id: str = ""
    started: bool | None = None


@dataclass(slots=True)
class PodCondition:
    type: str = ""
    status: str = ""
    reason: str = ""
    message: str = ""
    last_probe_time: float | None = field(default=None, metadata=TIME_OR_NULL)
    last_transition_time: float | None = field(default=None, metadata=TIME_OR_NULL)


@dataclass(slots=True)
class PodIP:
    ip: str = ""


@dataclass(slots=True)
class HostIP:
    ip: str = ""


@dataclass(slots=True)
class PodStatus:
    phase: str = "Pending"
    conditions: list[PodCondition] = field(default_factory=list)
    message: str = ""
    reason: str = ""
    host_ip: str = ""
    host_ips: list[HostIP] = field(default_factory=list)
    pod_ip: str = ""
    pod_ips: list[PodIP] = field(default_factory=list)
    start_time: float | None = field(default=None, metadata=TIME)
    container_statuses: list[ContainerStatus] = field(default_factory=list)
    init_container_statuses: list[ContainerStatus] = field(default_factory=list)
    qos_class: str = ""
    IGNORED: ClassVar[frozenset[str]] = frozenset({
        "ephemeralContainerStatuses", "nominatedNodeName",
        "resize", "resourceClaimStatuses"})

    def condition(self, type_: str) -> PodCondition | None:
        for c in self.conditions:
            if c.type == type_:
                return c
        return None


@dataclass(slots=True)
class Pod(KubeObject):
    KIND: ClassVar[str] = "Pod"
    spec: PodSpec = field(default_factory=PodSpec)
    status: PodStatus = field(default_factory=PodStatus)

    def is_ready(self) -> bool:
        ready = self.status.condition("Ready")
        return ready is not None and ready.status == "True"

    def container(self, name: str) -> Container | None:
        """The container or init container called name."""
        return next((c for c in [*self.spec.containers, *self.spec.init_containers] if c.name == name), None)


def qos_class(pod: Pod) -> str:
    """The pod's QoS class, as the API server writes it in status.qosClass at create (qos.ComputePodQOS).

    Only cpu and memory count, and only amounts above zero, summed over containers and init containers:
    none at all is BestEffort; limits for both on every container, with the sums of requests equal to the
    sums of limits, is Guaranteed (defaulting has copied limits into missing requests); anything else is
    Burstable."""
    requests: dict[str, Any] = {}
    limits: dict[str, Any] = {}
    guaranteed = True
    for c in [*pod.spec.containers, *pod.spec.init_containers]:
        for total, given in ((requests, c.resources.requests), (limits, c.resources.limits)):
            for name in ("cpu", "memory"):
                amount = parse_quantity(given[name]) if name in given else 0
                if amount > 0:
                    total[name] = total.get(name, 0) + amount
                elif total is limits:
                    guaranteed = False  # a container without both limits
    if not requests and not limits:
        return "BestEffort"
    if guaranteed and all(limits.get(name) == amount for name, amount in requests.items()) \
            and len(requests) == len(limits):
        return "Guaranteed"
    return "Burstable"
