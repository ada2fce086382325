"""The fake container runtime: simulated containers on the virtual clock.

Mirrors what containerd does for a kubelet, without a kernel: a sandbox
gets the pod's IP, hostname and a /dev/shm shared by its containers (the
network, UTS and IPC namespaces); each container gets its own filesystem
from its image plus the pod's volumes at their mount paths; its command runs
in the shell subset of runtime/shell, and each `sleep` becomes a callback on
the virtual clock. Servers (nginx, httpd, redis) register on a port of the
pod's IP in a FakeNetwork shared by every node, so `wget` from another pod
reaches them.

Stopping follows signals as Linux does for PID 1: a server exits on SIGTERM
(code 0); a shell that set `trap ... TERM` runs its trap (runtime/shell/traps.py:
after a foreground `sleep` ends, at once in `wait`) and exits as the trap says;
anything else has no handler, so it runs out the grace period and is killed
(137). Images come from the cluster's registry (runtime/registry.py):
an image it does not have fails to pull with containerd's error, and a node
keeps what it pulled, by digest, and the layers, so a pull fetches only the
layers the node lacks. An image built by k8slite.images and pushed runs with
its own files and config (images/runtime_image.py). Simplified: no cgroups; a pull is instant (0s), so
starting a pod costs no virtual time.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from k8slite.api.pod import Container, Pod
from k8slite.api.quantity import bytes_of
from k8slite.api.serialize import EPOCH
from k8slite.clock import Timer, VirtualClock
from k8slite.errors import dial_tcp
from k8slite.images.runtime_image import to_runtime_image
from k8slite.runtime import registry
from k8slite.runtime.capabilities import container_capabilities, proc_status
from k8slite.runtime.cri import (
    EXITED,
    RUNNING,
    ContainerInfo,
    ImageInfo,
    ImagePullError,
    LinuxSecurity,
    PulledImage,
    linux_security,
)
from k8slite.runtime.filesystem import FileSystem, Volume
from k8slite.runtime.images import Image as RuntimeImage
from k8slite.runtime.images import lookup, resolve_argv
from k8slite.runtime.processes import ProcessEntry, shown_command
from k8slite.runtime.shell import OutOfMemory, ProcessContext, ShellSyntaxError, exec_sync, run_argv
from k8slite.runtime.shell.interactive import InteractiveShell, is_interactive
from k8slite.runtime.shell.interp import DEFAULT_MEMORY_LIMIT
from k8slite.runtime.shell.jobs import Process
from k8slite.runtime.shell.traps import SIGTERM, Signals
from k8slite.runtime.storage import NetworkStorage, VolumeSource, memory_backed, tmpfs_size
from k8slite.runtime.terminal import TerminalSession
from k8slite.runtime.termination import MAX_MESSAGE_BYTES, last_bytes
from k8slite.runtime.users import ROOT, ProcessUser, process_user

HttpHandler = Callable[[str], "tuple[int, str]"]
# servers that stop on SIGTERM; busybox httpd does not, nor does the kubernetes-bootcamp image's PID 1 (the
# `sh -c "node server.js"` of its shell-form CMD)
SERVERS = ("nginx", "httpd-foreground", "redis-server", "/hello", "/hello-app", "/agnhost", "/goproxy", "fluentd")


class FakeNetwork:
    """Who listens on which pod IP and port, across every node of a simulated cluster."""

    def __init__(self) -> None:
        self.listeners: dict[tuple[str, int], tuple[str, HttpHandler]] = {}
        self.storage = NetworkStorage()  # network-attached volumes every node reaches
        self.services: Any = None  # network.services.ServiceNetwork (DNS, kube-proxy), set by the Cluster
        self.hosts: dict[str, str] = {}  # pod IP -> the node its sandbox runs on
        self.cut_off: set[str] = set()  # nodes disconnected from the network (NodeHandle.disconnect)

    def listen(self, ip: str, port: int, owner: str, handler: HttpHandler) -> None:
        """Bind ip:port; OSError (EADDRINUSE) when another process holds it."""
        holder = self.listeners.get((ip, port))
        if holder is not None and holder[0] != owner:
            raise OSError(98, "Address in use")
        self.listeners[ip, port] = (owner, handler)

    def close(self, owner: str) -> None:
        self.listeners = {k: v for k, v in self.listeners.items() if v[0] != owner}

    def http_get(self, ip: str, port: int, path: str, source_node: str = "") -> tuple[int, str]:
        target_node = self.hosts.get(ip, "")
        if source_node != target_node and {source_node, target_node} & self.cut_off:
            raise ConnectionError(dial_tcp(f"{ip}:{port}", "connection timed out"))  # the SYN is lost: ETIMEDOUT
        found = self.listeners.get((ip, port))
        if found is None:
            raise ConnectionError(dial_tcp(f"{ip}:{port}", "connection refused"))
        return found[1](path)


@dataclass
class Sandbox:
    id: str
    pod_name: str
    namespace: str
    ip: str
    volumes: dict[str, Volume] = field(default_factory=dict)
    shm: Volume = field(default_factory=Volume)
    shared_pids: bool = False
    """shareProcessNamespace: one PID namespace for the pod, whose PID 1 is the pause container's."""
    last_pid: int = 1
    """The shared namespace's last PID given (1: /pause)."""


TERMINATION_FILE = "termination-log"
PAUSE_USER = process_user(LinuxSecurity(), lookup("pause").user, "")  # registry.k8s.io/pause's USER 65535:65535


def sub_path_mount(volume: Volume, sub_path: str) -> Volume | tuple[Volume, str]:
    """The volume, or with `subPath` one folder of it (made if missing, as the kubelet does) or one file. A file
    is bound as it is when the container starts: a ConfigMap update, which replaces the file, never reaches it."""
    sub_path = sub_path.strip("/")
    if not sub_path:
        return volume
    if sub_path in volume.files:
        return Volume(files={sub_path: volume.files[sub_path]}), sub_path
    volume.add_dir(sub_path)
    return volume, sub_path


@dataclass(slots=True)
class FakeContainer:
    info: ContainerInfo
    argv: list[str]
    fs: FileSystem
    env: dict[str, str]
    working_dir: str
    memory_limit: int
    log: list[str] = field(default_factory=list)
    process: Process | None = None
    timer: Timer | None = None
    signals: Signals = field(default_factory=Signals)
    """PID 1's traps and the signals sent to it (runtime/shell/traps.py)."""
    slept_at: float = 0.0
    """When the process last went to sleep: a signal that wakes it early says how long it slept."""
    termination: Volume | None = None
    """The file at its terminationMessagePath (the kubelet's, bound in; it outlives the container)."""
    user: ProcessUser = ROOT
    """Who its processes run as (runAsUser, runAsGroup, fsGroup ...: runtime/users.py)."""
    pid: int = 1
    """Its first process's PID, in its own namespace (1) or in the pod's shared one."""
    last_pid: int = 1
    """Its own PID namespace's last PID given."""


def read_only_paths(pod: Pod, container: Container, security: LinuxSecurity) -> frozenset[str]:
    """Where the container may not write: its root with readOnlyRootFilesystem, a mount with readOnly, and
    the kubelet's configMap, secret and projected volumes, which it always mounts read-only."""
    kubelet_files = {v.name for v in pod.spec.volumes if v.config_map or v.secret or v.projected}
    mounts = {m.mount_path for m in container.volume_mounts if m.read_only or m.name in kubelet_files}
    return frozenset(mounts | ({"/"} if security.readonly_rootfs else set()))


def memory_limit(container: Container) -> int:
    """The container's memory limit in bytes (a simulated process holds its data in shell variables)."""
    limit = container.resources.limits.get("memory")
    return bytes_of(limit) if limit is not None else DEFAULT_MEMORY_LIMIT


@dataclass(slots=True)
class NodeImage:
    """An image in a node's store: its manifest, its ID by digest, and what the fake runtime runs of it."""

    manifest: registry.Manifest
    image_id: str
    """repository@digest: docker.io/library/nginx@sha256:..."""
    runtime_image: RuntimeImage | None = None
    """An image built by k8slite.images: its files and config. None: a public image runtime/images.py knows."""


class FakeRuntime:
    """A CRI runtime for one simulated node."""

    def __init__(self, clock: VirtualClock, network: FakeNetwork, node_name: str,
                 images: registry.Registry | None = None) -> None:
        self.clock, self.network, self.node_name = clock, network, node_name
        self.registry = images if images is not None else registry.DEFAULT
        self.on_exit: Callable[[str], None] | None = None
        self.on_started: Callable[[str], None] | None = None  # never called: a fake start is immediate
        self.sandboxes: dict[str, Sandbox] = {}
        self.containers: dict[str, FakeContainer] = {}
        self.images: dict[str, NodeImage] = {}  # containerd's image store: the node's images by digest
        self.tags: dict[str, str] = {}  # fully qualified reference -> the digest this node pulled it as
        self.layers: set[str] = set()  # the layers on the node's disk, by digest
        self.host_paths: dict[str, Volume] = {}
        self._ids = 0

    def new_id(self, prefix: str) -> str:
        self._ids += 1
        return f"{prefix}{self.node_name.replace('-', '')}{self._ids:06x}"

    # ------------------------------------------------------------ images, sandboxes
    def node_image(self, image: str) -> NodeImage | None:
        """The image a reference names on this node: by digest, or the digest its tag was pulled as
        (nginx is docker.io/library/nginx:latest)."""
        ref = registry.parse(image)
        return self.images.get(ref.digest or self.tags.get(str(ref), ""))

    def image_status(self, image: str) -> PulledImage | None:
        found = self.node_image(image)
        return None if found is None else PulledImage(str(registry.parse(image)), found.manifest.size,
                                                      image_id=found.image_id, user=self.config(image, found).user)

    @staticmethod
    def config(image: str, found: NodeImage | None) -> RuntimeImage:
        """What a container of the image starts from: a built image's own config, else the image k8slite knows."""
        return found.runtime_image if found is not None and found.runtime_image else lookup(image)

    def list_images(self) -> list[ImageInfo]:
        tags: dict[str, list[str]] = {}
        for name, digest in sorted(self.tags.items()):
            tags.setdefault(digest, []).append(name)
        return [ImageInfo(tuple(tags.get(digest, [])), (image.image_id,), image.manifest.size)
                for digest, image in self.images.items()]

    def remove_image(self, image_id: str) -> None:
        digest = image_id.rpartition("@")[2]
        self.images.pop(digest, None)
        self.tags = {name: d for name, d in self.tags.items() if d != digest}
        self.layers = {layer for image in self.images.values() for layer, _ in image.manifest.layers}

    def pull_image(self, image: str) -> PulledImage:
        """Ask the cluster's registry; containerd's rpc error when it has no such image. Only the layers the
        node lacks are fetched; the pull's virtual duration (registry.pull_seconds) is the kubelet's to wait:
        the image is on the node at once. The tag now names what the registry had under it."""
        try:
            ref, manifest = self.registry.resolve(image)
        except registry.NotInRegistry as e:
            raise ImagePullError(str(e)) from None
        missing = sum(size for digest, size in manifest.layers if digest not in self.layers)
        self.layers.update(digest for digest, _ in manifest.layers)
        found = self.images.get(manifest.digest)
        if found is None:
            built = self.registry.image(ref, manifest)
            found = self.images[manifest.digest] = NodeImage(
                manifest, f"{ref.repository}@{manifest.digest}",
                to_runtime_image(built, ref.path.rpartition("/")[2]) if built is not None else None)
        if ref.tag:
            self.tags[str(ref)] = manifest.digest
        return PulledImage(str(ref), manifest.size, registry.pull_seconds(missing), found.image_id,
                           self.config(image, found).user)

    def run_pod_sandbox(self, pod: Pod, ip: str) -> str:
        box = Sandbox(self.new_id("sb-"), pod.spec.hostname or pod.name, pod.namespace, ip,  # the UTS namespace
                      shared_pids=bool(pod.spec.share_process_namespace))
        for volume in pod.spec.volumes:
            if volume.host_path is not None:
                box.volumes[volume.name] = self.host_paths.setdefault(volume.host_path.path, Volume())
            else:  # an emptyDir; with medium Memory a tmpfs of sizeLimit bytes
                box.volumes[volume.name] = Volume(capacity=tmpfs_size(volume) if memory_backed(volume) else None)
        self.sandboxes[box.id] = box
        self.network.hosts[ip] = self.node_name
        return box.id

    def sandbox_ip(self, sandbox_id: str) -> str:
        return self.sandboxes[sandbox_id].ip

    def mount_volume(self, sandbox_id: str, name: str, source: VolumeSource) -> None:
        """The kubelet's volume manager says where a volume's data is: the node, network storage, or files."""
        box = self.sandboxes[sandbox_id]
        if source.kind == "hostPath":
            box.volumes[name] = self.host_paths.setdefault(source.path, Volume())
        elif source.kind == "network":
            box.volumes[name] = self.network.storage.volume(source.handle)
        else:  # configMap or secret files, replaced in place when the object changes
            files = box.volumes.setdefault(name, Volume()).files
            files.clear()
            files.update(source.files)

    def volume_usage(self, sandbox_id: str, name: str) -> int:
        """Bytes in a pod's volume (what the kubelet's eviction manager measures)."""
        return sum(len(text.encode()) for text in self.sandboxes[sandbox_id].volumes[name].files.values())

    def write_host_file(self, path: str, content: str) -> None:
        """A file on this node's own disk, seen by hostPath volumes of its folder (or a parent folder)."""
        folder = max((p for p in self.host_paths if path.startswith(p.rstrip("/") + "/")), key=len,
                     default=path.rpartition("/")[0] or "/")
        self.host_paths.setdefault(folder, Volume()).files[path[len(folder):].strip("/")] = content

    def stop_pod_sandbox(self, sandbox_id: str) -> None:
        for c in list(self.containers.values()):
            if c.info.sandbox_id == sandbox_id and c.info.state == RUNNING:
                self.finish(c, 137, "Error")

    def remove_pod_sandbox(self, sandbox_id: str) -> None:
        self.stop_pod_sandbox(sandbox_id)
        self.containers = {k: c for k, c in self.containers.items() if c.info.sandbox_id != sandbox_id}
        box = self.sandboxes.pop(sandbox_id, None)
        if box is not None and self.network.hosts.get(box.ip) == self.node_name:
            del self.network.hosts[box.ip]

    # ------------------------------------------------------------ containers
    def create_container(self, sandbox_id: str, pod: Pod, container: Container) -> str:
        box = self.sandboxes[sandbox_id]
        pulled = self.node_image(container.image)
        image, security = self.config(container.image, pulled), linux_security(pod, container)
        mounts: dict[str, Volume | tuple[Volume, str]] = {"/dev/shm": box.shm}
        mounts.update({m.mount_path: sub_path_mount(box.volumes[m.name], m.sub_path)
                       for m in container.volume_mounts})
        termination = Volume(files={TERMINATION_FILE: ""}) if container.termination_message_path else None
        if termination is not None:
            mounts[container.termination_message_path] = (termination, TERMINATION_FILE)
        env = dict(image.env)
        env.update({"HOSTNAME": pod.spec.hostname or pod.name})
        env.update({e.name: e.value or "" for e in container.env if e.value is not None})
        files = dict(image.files)
        user = process_user(security, image.user, image.files.get("/etc/passwd", ""))
        argv = resolve_argv(image, container.command or None, container.args or None)
        status = proc_status(shown_command(argv).partition(" ")[0].rpartition("/")[2], user,
                             container_capabilities(security.add_capabilities, security.drop_capabilities,
                                                    security.privileged), security.no_new_privs)
        files.update({"/proc/1/status": status, "/proc/self/status": status})  # every process has PID 1's creds
        if self.network.services is not None:  # the kubelet's /etc/resolv.conf and /etc/hosts
            files.update(self.network.services.pod_files(pod, box.ip))
        info = ContainerInfo(self.new_id("c-"), container.name, sandbox_id, str(registry.parse(container.image)),
                             image_id=pulled.image_id if pulled is not None else "")
        self.containers[info.id] = FakeContainer(
            info, argv, FileSystem(files, mounts, read_only_paths(pod, container, security)), env,
            container.working_dir or image.working_dir, memory_limit(container), termination=termination, user=user)
        return info.id

    def context(self, c: FakeContainer, write: Callable[[str], None]) -> ProcessContext:
        box = self.sandboxes[c.info.sandbox_id]

        def http_get(host: str, port: int, path: str) -> tuple[int, str]:
            ip = box.ip if host in ("localhost", "127.0.0.1") else host
            return self.network.http_get(ip, port, path, self.node_name)

        def listen(port: int, handler: HttpHandler) -> None:
            self.network.listen(box.ip, port, c.info.id, handler)

        return ProcessContext(fs=c.fs, env=dict(c.env), hostname=box.pod_name, write=write,
                              http_get=http_get, listen=listen, cwd=c.working_dir, memory_limit=c.memory_limit,
                              clock=lambda: EPOCH.timestamp() + self.clock.now, user=c.user,
                              processes=lambda argv: self.processes(c, argv))

    def processes(self, c: FakeContainer, argv: list[str]) -> list[ProcessEntry]:
        """What `ps` (argv) run in c lists: the first processes of its PID namespace, then the ps, a new PID."""
        box = self.sandboxes[c.info.sandbox_id]
        if not box.shared_pids:
            c.last_pid += 1
            return [ProcessEntry(1, c.user, shown_command(c.argv)), ProcessEntry(c.last_pid, c.user, " ".join(argv))]
        box.last_pid += 1
        running = sorted((o for o in self.containers.values() if o.info.sandbox_id == box.id
                          and o.info.state == RUNNING), key=lambda o: o.pid)
        return [ProcessEntry(1, PAUSE_USER, "/pause"), *(ProcessEntry(o.pid, o.user, shown_command(o.argv))
                                                        for o in running),
                ProcessEntry(box.last_pid, c.user, " ".join(argv))]

    def pod_context(self, c: FakeContainer, write: Callable[[str], None]) -> ProcessContext:
        """context(), plus the cluster's Services: names through cluster DNS, connections through
        this node's kube-proxy rules (network/services.py)."""
        ctx, services = self.context(c, write), self.network.services
        if services is None:
            return ctx
        box, direct = self.sandboxes[c.info.sandbox_id], ctx.http_get

        def http_get(host: str, port: int, path: str) -> tuple[int, str]:
            if host in ("localhost", "127.0.0.1", box.ip) or direct is None:
                return direct(host, port, path) if direct else (0, "")
            return services.request(self.node_name, box.ip, host, port, path,  # type: ignore[no-any-return]
                                    lambda ip, p, path: self.network.http_get(ip, p, path, self.node_name))

        def ping(ip: str) -> int | None:
            target = self.network.hosts.get(ip, "")
            if target != self.node_name and {self.node_name, target} & self.network.cut_off:
                return None  # the echo request is lost on the wire
            return services.ping(self.node_name, ip)  # type: ignore[no-any-return]

        return dataclasses.replace(ctx, http_get=http_get, resolve=lambda name: services.resolve(name, box.namespace),
                                   ping=ping)

    def start_container(self, container_id: str) -> None:
        c = self.containers[container_id]
        c.info.state, c.info.started_at = RUNNING, self.clock.now
        box = self.sandboxes[c.info.sandbox_id]
        if box.shared_pids:  # its first process gets the shared namespace's next PID
            box.last_pid += 1
            c.pid = box.last_pid
        write = c.log.append
        try:
            c.process = run_argv(c.argv, self.pod_context(c, write), c.signals)
        except ShellSyntaxError as e:
            write(f"{e}\n")
            self.finish(c, 2, "Error")
            return
        self.advance(c)

    def advance(self, c: FakeContainer, slept: float | None = None) -> None:
        """Run the process until it sleeps or exits; ``slept``: a signal woke it that early."""
        c.timer = None
        if c.info.state != RUNNING or c.process is None:
            return
        try:
            delay = c.process.send(slept)
        except StopIteration as stop:
            code = int(stop.value or 0)
            self.finish(c, code, "Completed" if code == 0 else "Error")
            return
        except OutOfMemory:
            self.finish(c, 137, "OOMKilled")
            return
        c.slept_at = self.clock.now
        if not math.isinf(delay):
            c.timer = self.clock.call_later(max(delay, 0.0), lambda: self.advance(c))

    def finish(self, c: FakeContainer, exit_code: int, reason: str) -> None:
        if c.timer:
            c.timer.cancel()
        c.info.state, c.info.exit_code, c.info.reason = EXITED, exit_code, reason
        c.info.finished_at = self.clock.now
        c.process = None
        self.network.close(c.info.id)
        if self.on_exit:
            self.on_exit(c.info.id)

    def stop_container(self, container_id: str, timeout: float) -> None:
        """SIGTERM, then SIGKILL after `timeout` seconds: servers stop at once, a PID 1 shell runs its
        TERM trap (or ignores SIGTERM if it set none)."""
        c = self.containers[container_id]
        if c.info.state != RUNNING:
            return
        if timeout <= 0:
            self.finish(c, 137, "Error")
        elif any(c.argv[0].endswith(s) for s in SERVERS) if c.argv else False:
            self.finish(c, 0, "Completed")
        else:
            self.clock.call_later(timeout, lambda: self.kill(c))
            self.signal(c, SIGTERM)

    def signal(self, c: FakeContainer, signo: int) -> None:
        """Send PID 1 a signal: a shell with a trap for it runs the trap after its foreground command,
        or at once if it is in `wait`, which the signal interrupts."""
        if c.signals.deliver(signo) and c.process is not None:
            if c.timer:
                c.timer.cancel()
            self.advance(c, self.clock.now - c.slept_at)

    def kill(self, c: FakeContainer) -> None:
        if c.info.state == RUNNING:
            self.finish(c, 137, "Error")

    def remove_container(self, container_id: str) -> None:
        c = self.containers.pop(container_id, None)
        if c and c.info.state == RUNNING:
            self.finish(c, 137, "Error")

    def container_status(self, container_id: str) -> ContainerInfo:
        return self.containers[container_id].info

    def exec_sync(self, container_id: str, command: list[str], timeout: float,
                  stdin: str | None = None) -> tuple[int, str]:
        c = self.containers[container_id]
        if c.info.state != RUNNING:
            raise RuntimeError(f"container {c.info.name} is not running")
        out: list[str] = []
        try:
            code = exec_sync(command, self.pod_context(c, out.append), max_seconds=timeout, stdin=stdin or "")
        except ShellSyntaxError as e:
            return 2, f"{e}\n"
        except OutOfMemory:
            return 137, "".join(out)
        return code, "".join(out)

    def open_terminal(self, container_id: str, command: list[str]) -> TerminalSession | None:
        """An interactive shell on a terminal (`kubectl exec -it POD -- sh`); None for any other command,
        which runs with exec_sync. Not part of the CRI: its Exec with tty streams a real terminal."""
        c = self.containers[container_id]
        if c.info.state != RUNNING:
            raise RuntimeError(f"container {c.info.name} is not running")
        if not is_interactive(command):
            return None
        return TerminalSession(InteractiveShell(self.pod_context(c, lambda text: None)))

    def http_get(self, sandbox_id: str, host: str, port: int, path: str) -> tuple[int, str]:
        ip = host or self.sandboxes[sandbox_id].ip
        return self.network.http_get(ip, port, path, self.node_name)

    def logs(self, container_id: str) -> str:
        return "".join(self.containers[container_id].log)

    def termination_message(self, container_id: str) -> str | None:
        termination = self.containers[container_id].termination
        text = termination.files.get(TERMINATION_FILE) if termination is not None else None
        return None if text is None else last_bytes(text.encode(), MAX_MESSAGE_BYTES)

    def crash(self) -> None:
        for c in list(self.containers.values()):
            if c.info.state == RUNNING:
                on_exit, self.on_exit = self.on_exit, None
                self.finish(c, 255, "Unknown")
                self.on_exit = on_exit


__all__ = ["FakeRuntime", "FakeNetwork"]
