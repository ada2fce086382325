"""The Docker runtime: real containers on the local Docker engine.

Mirrors dockershim, the kubelet's Docker adapter before containerd: a pod's
sandbox is a *pause* container that owns the pod's network and IPC
namespaces (hostname = pod name); each app container joins them with
`network_mode="container:<pause>"` and `ipc_mode="container:<pause>"`
(and `pid_mode` for shareProcessNamespace), so the containers of a pod share
one IP, localhost and /dev/shm, as Kubernetes promises. Docker refuses to
join another container's UTS namespace, so each container gets its own,
with the pod's hostname copied in (containerd and CRI-O share one). emptyDir volumes are
host directories bind-mounted into each container; resources become Docker
limits. Restarts stay the kubelet's decision: Docker's restart policy is
"no". Every container carries `k8slite.` labels, so a cluster can find and
remove exactly what it made, even after a crashed notebook kernel.

Starting is asynchronous, as in the kubelet's per-pod workers: containers
are *created* at once on the kubelet's thread (one API call each, so ids are
real), but *started* on a small pool of worker threads owned by this
runtime. The pause container starts while the app containers are created;
each app container starts the moment its pause container is running (Docker
refuses to join the namespaces of one that is not). Until then a container
is `created` (the kubelet shows ContainerCreating, and the pod has no IP
yet); the result comes back on the clock's thread through
`RealClock.call_soon_threadsafe`, which wakes the clock at once, and the
runtime calls `on_started` (or `on_exit` with StartError). The kubelet and
the simulation stay single-threaded: workers only make engine calls.
What remains of a pod's start-up is the engine's: two container starts one
after the other (250-300 ms for the pause container, which gets a new
network namespace, then about 130 ms for the app), against one for `docker
run` (benchmarks/pod_startup.py measures both).

Reaching the engine and removing what dead clusters left is in
`docker_engine`; the volume directories are in `docker_volumes`; naming an
exit's reason (OOMKilled even when the engine's flag lost a race) is in
`docker_exit`; the user and privileges a securityContext asks for are in
`docker_security`.

Simplified: every simulated node shares the one engine; the runtime relists
the engine's containers every second (like the kubelet's PLEG) to notice
exits; an image already on the machine is used even with imagePullPolicy
Always, so the course works offline.
"""

from __future__ import annotations

import io
import os
import shutil
import socket
import urllib.error
import urllib.request
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from k8slite.api.pod import Container, Pod
from k8slite.api.quantity import bytes_of, millicores
from k8slite.clock import RealClock
from k8slite.errors import dial_tcp
from k8slite.images.docker_context import build_context
from k8slite.images.image import Image
from k8slite.runtime.cri import (
    CREATED,
    EXITED,
    RUNNING,
    ContainerInfo,
    ImageInfo,
    ImagePullError,
    LinuxSecurity,
    PulledImage,
    image_user,
    linux_security,
)
from k8slite.runtime.docker_engine import HOW_TO_START, RuntimeUnavailable, available, connect
from k8slite.runtime.docker_exec import exec_with_stdin
from k8slite.runtime.docker_exit import OOM_CHECKS, exit_reason, parse_stamp
from k8slite.runtime.docker_security import docker_user, security_options
from k8slite.runtime.docker_volumes import DockerVolumes, bind_spec
from k8slite.runtime.registry import NotInRegistry, Registry
from k8slite.runtime.termination import message_file, read_message

POLL_PERIOD = 1.0
WORKERS = 8  # engine calls in flight at once: a start waiting for its pod's pause container holds one
PAUSE_COMMAND = ["sh", "-c", "trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done"]


@dataclass
class DockerSandbox:
    id: str
    pod: str
    uid: str
    ip: str
    volume_dirs: dict[str, Path] = field(default_factory=dict)
    memory_volumes: dict[str, str] = field(default_factory=dict)  # emptyDirs on tmpfs: Docker volume names
    started: Future[None] | None = None  # the pause container's start, which its app containers wait for


class DockerRuntime(DockerVolumes):
    """A CRI runtime for one simulated node, on the shared Docker engine."""

    def __init__(self, clock: RealClock, client: Any, node_name: str, cluster_id: str, root: Path,
                 wall_origin: float, images: Registry | None = None) -> None:
        self.clock, self.client, self.node_name = clock, client, node_name
        self.registry = images  # the cluster's registry: images built by k8slite and pushed there
        self.cluster_id, self.root, self.wall_origin = cluster_id, root, wall_origin
        self.on_exit: Callable[[str], None] | None = None
        self.on_started: Callable[[str], None] | None = None
        self.sandboxes: dict[str, DockerSandbox] = {}
        self.containers: dict[str, ContainerInfo] = {}
        self.down = False
        self.image_ids: dict[str, str] = {}
        self.memory_limited: set[str] = set()  # containers the kernel's OOM killer may end
        self.message_files: dict[str, Path | None] = {}  # container -> its termination-message file
        self.killed: set[str] = set()  # containers this runtime sent SIGKILL
        self.oom_checks: dict[str, int] = {}  # exits at 137 still waiting for the engine's oom event
        self.workers = ThreadPoolExecutor(WORKERS, thread_name_prefix=f"k8slite-{node_name}")
        self.clock.call_later(POLL_PERIOD, self.poll)

    def in_background(self, work: Callable[[], Any], done: Callable[[Future[Any]], None] | None = None) -> Future[Any]:
        """Run engine calls on a worker thread; `done(future)` runs afterwards on the clock's thread."""
        future = self.workers.submit(work)
        if done is not None:
            future.add_done_callback(lambda f: self.clock.call_soon_threadsafe(lambda: done(f)))
        return future

    def labels(self, pod: Pod, role: str, container: str = "") -> dict[str, str]:
        return {"k8slite.cluster": self.cluster_id, "k8slite.node": self.node_name, "k8slite.pod": pod.name,
                "k8slite.namespace": pod.namespace, "k8slite.pod-uid": pod.metadata.uid,
                "k8slite.role": role, "k8slite.container": container, "k8slite.pid": str(os.getpid()),
                "k8slite.host": socket.gethostname()}

    def cluster_seconds(self, stamp: str) -> float | None:
        moment = parse_stamp(stamp)
        return None if moment is None else round(moment.timestamp() - self.wall_origin, 3)

    # ------------------------------------------------------------ images
    def image_status(self, image: str) -> PulledImage | None:
        import docker.errors

        try:
            found = self.client.images.get(image)
        except docker.errors.ImageNotFound:
            return None
        self.image_ids[image] = str(found.id)
        return PulledImage(str(found.id), int(found.attrs.get("Size", 0)),
                           user=str((found.attrs.get("Config") or {}).get("User") or ""))

    def list_images(self) -> list[ImageInfo]:
        """Left out on Docker: the engine's images are shared by every simulated node of the machine."""
        return []

    def remove_image(self, image_id: str) -> None:
        """Left out on Docker, as list_images is."""

    def pull_image(self, image: str) -> PulledImage:
        """An image on the engine already is used as it is, even for Always (the course works offline)."""
        import docker.errors

        present = self.image_status(image)
        if present is not None:
            return present
        started = self.clock.now
        built = self.built_image(image)
        if built is not None:
            loaded = self.load(image, built)
            return PulledImage(image, int(loaded.attrs.get("Size", 0)), self.clock.now - started, str(loaded.id))
        try:
            pulled = self.client.images.pull(image)
        except docker.errors.APIError as e:
            raise ImagePullError(f"rpc error: code = Unknown desc = {e.explanation or e}") from None
        self.image_ids[image] = str(pulled.id)
        return PulledImage(str(pulled.id), int(pulled.attrs.get("Size", 0)), self.clock.now - started)

    def built_image(self, image: str) -> Image | None:
        """The image k8slite built, if the cluster's registry has it with its layers (not a mirrored one)."""
        if self.registry is None:
            return None
        try:
            ref, manifest = self.registry.resolve(image)
        except NotInRegistry:
            return None
        return self.registry.image(ref, manifest)

    def load(self, image: str, built: Image) -> Any:
        """Put a built image into the engine under its reference: the engine's busybox and the image's own
        layers and config, by an offline docker build (images/docker_context.py)."""
        import docker.errors

        try:
            loaded, _ = self.client.images.build(fileobj=io.BytesIO(build_context(built)), custom_context=True,
                                                 tag=image, rm=True, pull=False)
        except docker.errors.APIError as e:
            raise ImagePullError(f"rpc error: code = Unknown desc = {e.explanation or e}") from None
        self.image_ids[image] = str(loaded.id)
        return loaded

    # ------------------------------------------------------------ sandboxes
    def run_pod_sandbox(self, pod: Pod, ip: str) -> str:
        dirs = self.make_volume_dirs(pod, self.root / "pods" / pod.metadata.uid)
        pause = self.client.api.create_container(
            "busybox:latest", PAUSE_COMMAND, hostname=pod.name[:63], labels=self.labels(pod, "pause"),
            host_config=self.client.api.create_host_config(ipc_mode="shareable"),
            name=f"k8slite-{self.cluster_id}-{pod.metadata.uid[:8]}-pause")
        sandbox_id = str(pause["Id"])
        box = self.sandboxes[sandbox_id] = DockerSandbox(sandbox_id, pod.name, pod.metadata.uid, "", dirs,
                                                         self.memory_volumes(pod))
        box.started = self.in_background(lambda: self.client.api.start(sandbox_id))  # apps are created meanwhile
        return sandbox_id

    def sandbox_ip(self, sandbox_id: str) -> str:
        """The pod's IP, or "" while its pause container is still starting."""
        box = self.sandboxes[sandbox_id]
        if not box.ip and box.started is not None and box.started.done() and box.started.exception() is None:
            box.ip = str(self.client.api.inspect_container(sandbox_id)["NetworkSettings"]["IPAddress"])
        return box.ip

    def stop_pod_sandbox(self, sandbox_id: str) -> None:
        for info in list(self.containers.values()):
            if info.sandbox_id == sandbox_id and info.state == RUNNING:
                self.signal(info.id, "SIGKILL")

    def remove_pod_sandbox(self, sandbox_id: str) -> None:
        for cid in [c.id for c in self.containers.values() if c.sandbox_id == sandbox_id]:
            self.remove_container(cid)
        self.force_remove(sandbox_id)
        box = self.sandboxes.pop(sandbox_id, None)
        if box is not None:
            shutil.rmtree(self.root / "pods" / box.uid, ignore_errors=True)
            self.remove_memory_volumes(box.memory_volumes.values())

    # ------------------------------------------------------------ containers
    def create_container(self, sandbox_id: str, pod: Pod, container: Container) -> str:
        box = self.sandboxes[sandbox_id]
        message = message_file(self.root / "pods" / box.uid, container.name) \
            if container.termination_message_path else None
        security = linux_security(pod, container)
        options: dict[str, Any] = {
            "labels": self.labels(pod, "app", container.name),
            "environment": {e.name: e.value or "" for e in container.env if e.value is not None},
            "host_config": self.host_config(box, pod, container, message, security),
        }
        if security.run_as_user is not None or security.run_as_group is not None:
            options["user"] = docker_user(security, lambda: image_user(self, container.image))
        if container.command:
            options["entrypoint"] = container.command
        if container.args or container.command:
            options["command"] = container.args or []
        if container.working_dir:
            options["working_dir"] = container.working_dir
        created = self.client.api.create_container(container.image, **options)  # one call, no inspect
        cid = str(created["Id"])
        self.message_files[cid] = message
        if "memory" in container.resources.limits:
            self.memory_limited.add(cid)
        self.containers[cid] = ContainerInfo(cid, container.name, sandbox_id, container.image,
                                             image_id=self.image_ids.get(container.image, ""))
        return cid

    def host_config(self, box: DockerSandbox, pod: Pod, container: Container, message: Path | None = None,
                    security: LinuxSecurity | None = None) -> Any:
        """Join the pause container's namespaces; bind the pod's volumes and the termination-message file;
        limits from resources; groups, privileges and a read-only root from the security context."""
        shared = f"container:{box.id}"
        binds = [bind_spec(box, m) for m in container.volume_mounts]
        if message is not None:
            binds.append(f"{message}:{container.termination_message_path}:rw")
        options: dict[str, Any] = {"network_mode": shared, "ipc_mode": shared, "binds": binds}
        if pod.spec.share_process_namespace:
            options["pid_mode"] = shared
        limits = container.resources.limits
        if "memory" in limits:
            options["mem_limit"] = bytes_of(limits["memory"])
        if "cpu" in limits:
            options["nano_cpus"] = millicores(limits["cpu"]) * 1_000_000
        options.update(security_options(security or LinuxSecurity()))
        return self.client.api.create_host_config(**options)

    def start_container(self, container_id: str) -> None:
        """Start on a worker, after the pod's pause container (whose namespaces it joins); until then the
        container is `created`. The outcome comes back on the clock's thread: on_started, or on_exit."""
        info = self.containers[container_id]
        sandbox = self.sandboxes[info.sandbox_id].started

        def start() -> None:
            if sandbox is not None:
                sandbox.result()  # raises if the pause container could not start
            self.client.api.start(container_id)

        self.in_background(start, lambda future: self.container_started(info, future))

    def container_started(self, info: ContainerInfo, future: Future[None]) -> None:
        if self.containers.get(info.id) is not info or info.state != CREATED:  # removed or crashed meanwhile
            if future.exception() is None:
                self.signal(info.id, "SIGKILL")
            return
        error = future.exception()
        if error is None:
            info.state, info.started_at = RUNNING, self.clock.now
        else:  # as containerd reports it: exit code 128, reason StartError
            info.state, info.exit_code, info.reason, info.finished_at = EXITED, 128, "StartError", self.clock.now
        hook = self.on_started if error is None else self.on_exit
        if hook:
            hook(info.id)

    def signal(self, container_id: str, sig: str) -> None:
        import docker.errors

        if sig == "SIGKILL":
            self.killed.add(container_id)
        try:
            self.client.api.kill(container_id, signal=sig)
        except docker.errors.APIError:
            pass  # already stopped

    def stop_container(self, container_id: str, timeout: float) -> None:
        """SIGTERM now, SIGKILL when the grace period runs out, as `docker stop` does, without blocking."""
        if self.containers[container_id].state != RUNNING:
            return
        if timeout <= 0:
            self.signal(container_id, "SIGKILL")
            return
        self.signal(container_id, "SIGTERM")
        self.clock.call_later(timeout, lambda: self.kill_if_running(container_id))

    def kill_if_running(self, container_id: str) -> None:
        """The grace period is over: SIGKILL, unless the container already exited or is gone."""
        info = self.containers.get(container_id)
        if info is not None and info.state == RUNNING:
            self.signal(container_id, "SIGKILL")

    def force_remove(self, container_id: str) -> None:
        import docker.errors

        try:
            self.client.api.remove_container(container_id, force=True)
        except docker.errors.APIError:
            pass

    def remove_container(self, container_id: str) -> None:
        self.containers.pop(container_id, None)
        self.message_files.pop(container_id, None)
        self.memory_limited.discard(container_id)
        self.killed.discard(container_id)
        self.oom_checks.pop(container_id, None)
        self.force_remove(container_id)

    def container_status(self, container_id: str) -> ContainerInfo:
        return self.containers[container_id]

    def poll(self) -> None:
        """The PLEG relist: notice containers that exited since the last look (one list call)."""
        running = [info for info in self.containers.values() if info.state == RUNNING]
        if not self.down and running:
            listed = self.client.api.containers(all=True, filters={"label": [
                f"k8slite.cluster={self.cluster_id}", f"k8slite.node={self.node_name}"]})
            states = {c["Id"]: c["State"] for c in listed}
            for info in running:
                if states.get(info.id) != "running":
                    self.refresh(info)
        self.clock.call_later(POLL_PERIOD, self.poll)

    def refresh(self, info: ContainerInfo) -> None:
        import docker.errors

        try:
            state = self.client.api.inspect_container(info.id)["State"]
        except docker.errors.NotFound:
            state = {"Status": "exited", "ExitCode": 137, "FinishedAt": ""}
        if state["Status"] in ("exited", "dead"):
            checks = self.oom_checks.get(info.id, 0) + 1
            suspect = info.id in self.memory_limited and info.id not in self.killed
            reason = exit_reason(self.client, info.id, state, suspect, final=checks >= OOM_CHECKS,
                                 now=self.wall_origin + self.clock.now)
            if reason is None:  # maybe an OOM kill whose event the engine has not logged yet: ask at the next relist
                self.oom_checks[info.id] = checks
                return
            self.oom_checks.pop(info.id, None)
            info.state, info.exit_code, info.reason = EXITED, int(state.get("ExitCode", 0)), reason
            info.finished_at = self.cluster_seconds(state.get("FinishedAt", "")) or self.clock.now
            if self.on_exit:
                self.on_exit(info.id)

    def exec_sync(self, container_id: str, command: list[str], timeout: float,
                  stdin: str | None = None) -> tuple[int, str]:
        if stdin is not None:
            return exec_with_stdin(self.client.api, container_id, command, stdin)
        result = self.client.api.exec_create(container_id, command)
        output = self.client.api.exec_start(result["Id"])
        code = self.client.api.exec_inspect(result["Id"]).get("ExitCode") or 0
        return int(code), output.decode(errors="replace")

    def http_get(self, sandbox_id: str, host: str, port: int, path: str) -> tuple[int, str]:
        ip = host or self.sandbox_ip(sandbox_id)
        try:
            with urllib.request.urlopen(f"http://{ip}:{port}{path}", timeout=1) as response:
                return int(response.status), response.read().decode(errors="replace")
        except urllib.error.HTTPError as e:
            return int(e.code), ""
        except (urllib.error.URLError, OSError):
            raise ConnectionError(dial_tcp(f"{ip}:{port}", "connection refused")) from None

    def logs(self, container_id: str) -> str:
        data: bytes = self.client.api.logs(container_id, stdout=True, stderr=True)
        return data.decode(errors="replace")

    def termination_message(self, container_id: str) -> str | None:
        return read_message(self.message_files.get(container_id))

    def crash(self) -> None:
        """The machine stops: kill every container of this node, pause containers too."""
        for info in self.containers.values():
            if info.state in (RUNNING, CREATED):  # one still starting is killed when its start returns
                if info.state == RUNNING:
                    self.signal(info.id, "SIGKILL")
                info.state, info.exit_code, info.reason = EXITED, 137, "Unknown"
                info.finished_at = self.clock.now
        for sandbox_id in self.sandboxes:
            self.signal(sandbox_id, "SIGKILL")

    def close(self) -> None:
        self.workers.shutdown(wait=True, cancel_futures=True)
        for cid in list(self.containers):
            self.remove_container(cid)
        for sandbox_id in list(self.sandboxes):
            self.remove_pod_sandbox(sandbox_id)


# engine helpers, from docker_engine
__all__ = ["HOW_TO_START", "DockerRuntime", "RuntimeUnavailable", "available", "connect"]
