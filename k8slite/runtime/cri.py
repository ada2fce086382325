"""The Container Runtime Interface, as a Python Protocol.

Mirrors the CRI (k8s.io/cri-api RuntimeService and ImageService) that the
kubelet uses to talk to containerd or CRI-O: a pod is first a *sandbox*
(the namespaces its containers share, held by the pause container), then
containers are created in it, started, stopped and removed; the kubelet
asks for their status and for exec and logs. The kubelet never learns how
a runtime does this, which is why the same kubelet runs simulated or real
containers. Images follow the ImageService: `image_status` says whether an
image is on the node, `pull_image` fetches it; the kubelet decides from
imagePullPolicy whether to pull. A container's user and privileges travel
as the CRI's LinuxContainerSecurityContext (`LinuxSecurity`, made from the
pod's and the container's securityContext). Simplified: no pull secrets, and a runtime
tells the kubelet when a container exits (instead of the kubelet relisting).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from k8slite.api.pod import Container, Pod
from k8slite.api.security import Capabilities, SecurityContext, effective

CREATED, RUNNING, EXITED = "created", "running", "exited"
PLEG_RELIST_PERIOD = 1.0  # pkg/kubelet/pleg: how soon after a failure the kubelet's next sync of the pod comes


@dataclass(slots=True)
class ContainerInfo:
    """What the runtime knows of one container (CRI ContainerStatus)."""

    id: str
    name: str
    sandbox_id: str
    image: str
    state: str = CREATED
    exit_code: int = 0
    reason: str = ""
    started_at: float | None = None
    finished_at: float | None = None
    image_id: str = ""


class ImagePullError(Exception):
    """The image could not be pulled; the message is the runtime's answer (containerd's rpc error)."""


@dataclass(slots=True, frozen=True)
class PulledImage:
    """An image on the node (CRI ImageStatus / PullImageResponse)."""

    ref: str
    """The fully qualified reference, e.g. docker.io/library/busybox:latest."""
    size: int
    """Bytes, as the kubelet's Pulled event reports them."""
    seconds: float = 0.0
    """How long the pull itself took (0 for an image already present)."""
    image_id: str = ""
    """The image by digest, as a container's imageID says: docker.io/library/busybox@sha256:..."""
    user: str = ""
    """The image config's User (`1000`, `1000:3000`, `nginx`; "" is root): CRI's uid or username."""


@dataclass(slots=True, frozen=True)
class ImageInfo:
    """One image in the node's store (CRI ListImages): its tags, its digests, its size."""

    repo_tags: tuple[str, ...]
    repo_digests: tuple[str, ...]
    size: int


@dataclass(frozen=True, slots=True)
class LinuxSecurity:
    """The user and privileges a container gets (CRI LinuxContainerSecurityContext, the fields k8slite models)."""

    run_as_user: int | None = None
    """None: the image's USER (root without one)."""
    run_as_group: int | None = None
    """None: that user's group (from the image's /etc/passwd, else 0)."""
    supplemental_groups: tuple[int, ...] = ()
    """The pod's fsGroup, then its supplementalGroups."""
    readonly_rootfs: bool = False
    privileged: bool = False
    no_new_privs: bool = False
    """allowPrivilegeEscalation: false (the process's no_new_privs flag)."""
    add_capabilities: tuple[str, ...] = ()
    drop_capabilities: tuple[str, ...] = ()


def linux_security(pod: Pod, container: Container) -> LinuxSecurity:
    """kuberuntime's determineEffectiveSecurityContext: the container's effective securityContext, the pod's
    fsGroup and supplementalGroups as supplemental groups, no_new_privs from allowPrivilegeEscalation."""
    sc = effective(pod, container) or SecurityContext()
    pod_sc, caps = pod.spec.security_context, sc.capabilities or Capabilities()
    groups: list[int] = []
    if pod_sc is not None:
        groups = ([pod_sc.fs_group] if pod_sc.fs_group is not None else []) + pod_sc.supplemental_groups
    return LinuxSecurity(sc.run_as_user, sc.run_as_group, tuple(groups), bool(sc.read_only_root_filesystem),
                         bool(sc.privileged), sc.allow_privilege_escalation is False, tuple(caps.add),
                         tuple(caps.drop))


def image_user(runtime: ContainerRuntime, image: str) -> str:
    """kuberuntime's getImageUser: the image's USER as the runtime's image status gives it ("" when absent)."""
    status = runtime.image_status(image)
    return status.user if status is not None else ""


class ContainerRuntime(Protocol):
    """What a kubelet needs from a runtime."""

    on_exit: Callable[[str], None] | None

    def image_status(self, image: str) -> PulledImage | None:
        """The image if it is on this node, else None."""
        ...

    def pull_image(self, image: str) -> PulledImage:
        """Fetch the image from its registry; ImagePullError when that fails."""
        ...

    def list_images(self) -> list[ImageInfo]:
        """The images on this node."""
        ...

    def remove_image(self, image_id: str) -> None:
        """Delete an image (by repository@digest) and the layers no other image uses."""
        ...

    def run_pod_sandbox(self, pod: Pod, ip: str) -> str: ...

    def sandbox_ip(self, sandbox_id: str) -> str: ...

    def stop_pod_sandbox(self, sandbox_id: str) -> None: ...

    def remove_pod_sandbox(self, sandbox_id: str) -> None: ...

    def create_container(self, sandbox_id: str, pod: Pod, container: Container) -> str: ...

    def start_container(self, container_id: str) -> None: ...

    def stop_container(self, container_id: str, timeout: float) -> None: ...

    def remove_container(self, container_id: str) -> None: ...

    def container_status(self, container_id: str) -> ContainerInfo: ...

    def exec_sync(self, container_id: str, command: list[str], timeout: float,
                  stdin: str | None = None) -> tuple[int, str]:
        """Run a command in a running container to its end (ExecSync; with `stdin`, Exec's stdin stream,
        all of it given at once): its exit code and its output, stdout and stderr together."""
        ...

    def http_get(self, sandbox_id: str, host: str, port: int, path: str) -> tuple[int, str]:
        """An HTTP GET from the node (probes): (status, body); ConnectionError if refused."""
        ...

    def logs(self, container_id: str) -> str: ...

    def termination_message(self, container_id: str) -> str | None:
        """The file bound at the container's terminationMessagePath, its last 4,096 bytes (None if it has none).
        A real kubelet makes that file in the pod's folder, has the runtime bind it, and reads it itself."""
        ...

    def crash(self) -> None:
        """The machine stops: every process dies at once."""
        ...

    # A runtime may start a container after start_container returns (state `created` until then); it
    # then calls on_started, or on_exit with reason StartError.
    on_started: Callable[[str], None] | None
