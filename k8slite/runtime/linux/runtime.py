"""The Linux runtime: a CRI runtime whose containers are OCI bundles run by runc, crun or minirunc.

Mirrors containerd with its CRI plugin, the overlayfs snapshotter and the
runc shim, which is what a kubelet talks to on a real node:
`run_pod_sandbox` starts the pause container (here `busybox sleep`, as
registry.k8s.io/pause only sleeps too) in new network, IPC and UTS
namespaces with the pod's name as hostname; each app container's config.json
joins those three through /proc/<pause pid>/ns/..., and the PID namespace too
when the pod sets shareProcessNamespace, so the containers of a pod share
localhost. Resources become `linux.resources` in the container's own cgroup
(/k8slite/<cluster>/<container>); an exit at 137 counts as OOMKilled when the
kernel's OOM counter of that cgroup moved (containerd hears the same from the
cgroup's OOM events).
Stopping is SIGTERM, then SIGKILL when the grace period is over; stdout and
stderr go to a file per container that `logs` reads, as the kubelet reads
/var/log/pods.

Everything lives under one directory per cluster (`LinuxHost.root`): images,
bundles with their overlays, the OCI runtime's state, the logs; cleanup.py
removes all of it, even after a killed notebook kernel.

With a NodeNetwork (nodenet.py, as LinuxHost sets up) the pod's namespace
gets an eth0 with the IP the kubelet chose, on its node's bridge, routed to
the other nodes; without one it has loopback only (the IP is reported but
reachable from nowhere). In a Cluster, each app container gets the
kubelet's /etc/resolv.conf (cluster DNS at 10.96.0.10, coredns.py) and
/etc/hosts. Simplified: one image (busybox); every pod's dnsPolicy is
ClusterFirst; volumes are bind
mounts of host directories (kubelet/volume_manager.py); the runtime polls its children
every 0.2 s instead of waiting for a shim's exit events.
"""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from k8slite.api.pod import Container, Pod
from k8slite.api.quantity import bytes_of, millicores
from k8slite.clock import RealClock
from k8slite.runtime.busybox import ETC
from k8slite.runtime.capabilities import container_capabilities
from k8slite.runtime.cri import CREATED, EXITED, RUNNING, ContainerInfo, linux_security
from k8slite.runtime.linux import cgroups, probes
from k8slite.runtime.linux.bundle import Isolation, write_bundle
from k8slite.runtime.linux.nodenet import NodeNetwork
from k8slite.runtime.linux.oci import OciRuntime
from k8slite.runtime.linux.rootfs import LinuxImages, busybox_image, mount_overlay, unmount_overlay
from k8slite.runtime.linux.volumes import LinuxVolumes
from k8slite.runtime.termination import message_file, read_message
from k8slite.runtime.users import ROOT, process_user

POLL_PERIOD = 0.2
PodFiles = Callable[[Pod, str], dict[str, str]]
PAUSE_COMMAND = ["/bin/busybox", "sleep", "2147483647"]
SHARED = {"network": "net", "ipc": "ipc", "uts": "uts"}  # what every container of a pod joins
_serial = itertools.count(1)


@dataclass
class LinuxContainer:
    """One bundle and the `run` process that is its parent."""

    info: ContainerInfo
    layer: Path
    log: Path
    cgroups_path: str
    process: subprocess.Popen[bytes] | None = None
    pid: int = 0
    memory_limited: bool = False
    message: Path | None = None
    """Its termination-message file (runtime/termination.py)."""


class LinuxRuntime(LinuxImages, LinuxVolumes):
    """A CRI runtime for one node, on this machine's kernel."""

    def __init__(self, clock: RealClock, node_name: str, cluster_id: str, root: Path, oci: str = "runc",
                 network: NodeNetwork | None = None, pod_files: PodFiles | None = None) -> None:
        self.clock, self.node_name, self.cluster_id, self.root = clock, node_name, cluster_id, root
        self.network = network  # nodes as network namespaces, or None: pods have loopback only
        self.pod_files = pod_files  # (pod, ip) -> /etc/resolv.conf and /etc/hosts, in a Cluster
        self.oci = OciRuntime(oci, root / "state" / oci)
        self.on_exit: Callable[[str], None] | None = None
        self.on_started: Callable[[str], None] | None = None
        self.sandboxes: dict[str, LinuxContainer] = {}
        self.sandbox_ips: dict[str, str] = {}
        self.pod_dirs: dict[str, Path] = {}
        self.volume_dirs: dict[str, dict[str, Path]] = {}
        self.containers: dict[str, LinuxContainer] = {}
        self.down = False
        self.killed: set[str] = set()  # containers this runtime sent SIGKILL
        self.clock.call_later(POLL_PERIOD, self.poll)

    # ------------------------------------------------------------ bundles
    def bundle(self, pod: Pod, name: str, iso: Isolation, image: str) -> LinuxContainer:
        """Mount an overlay and write config.json: a bundle ready for `run`."""
        cid = f"{self.node_name}-{re.sub(r'[^A-Za-z0-9_.-]', '-', pod.name)[:40]}-{name}-{next(_serial)}"
        layer = self.root / "bundles" / cid
        iso.cgroups_path = f"/k8slite/{self.cluster_id}/{cid}"
        mount_overlay(busybox_image(self.root / "images"), layer, pod.name[:63])
        write_bundle(layer, iso)
        log = self.pod_dir(pod) / name / f"{cid}.log"  # as /var/log/pods/<namespace>_<pod>_<uid>/<container>/
        log.parent.mkdir(parents=True, exist_ok=True)
        return LinuxContainer(ContainerInfo(cid, name, "", image), layer, log, iso.cgroups_path)

    def launch(self, box: LinuxContainer) -> None:
        with open(box.log, "ab") as log:
            box.process = self.oci.run(box.layer, box.info.id, log)
        box.info.state, box.info.started_at = RUNNING, self.clock.now

    # ------------------------------------------------------------ sandboxes
    def run_pod_sandbox(self, pod: Pod, ip: str) -> str:
        """Start the pause container and wait until it runs: app containers need its namespaces' paths."""
        pause = self.bundle(pod, "POD", Isolation(PAUSE_COMMAND, hostname=pod.name[:63]), "pause")
        self.launch(pause)
        assert pause.process is not None
        try:
            pause.pid = self.oci.wait_running(pause.info.id, pause.process)
            if self.network is not None:
                self.network.attach_pod(self.node_name, pause.pid, ip)  # the CNI plugin's ADD
        except (RuntimeError, subprocess.SubprocessError):
            self.discard(pause)  # nothing half-made stays behind
            raise
        self.sandboxes[pause.info.id] = pause
        self.sandbox_ips[pause.info.id] = ip
        self.make_volumes(pause.info.id, pod)
        return pause.info.id

    def sandbox_ip(self, sandbox_id: str) -> str:
        return self.sandbox_ips.get(sandbox_id, "")

    def stop_pod_sandbox(self, sandbox_id: str) -> None:
        for box in self.containers.values():
            if box.info.sandbox_id == sandbox_id and box.info.state == RUNNING:
                self.sigkill(box.info.id)
        self.sigkill(sandbox_id)

    def remove_pod_sandbox(self, sandbox_id: str) -> None:
        for cid in [c for c, box in self.containers.items() if box.info.sandbox_id == sandbox_id]:
            self.remove_container(cid)
        pause = self.sandboxes.pop(sandbox_id, None)
        self.sandbox_ips.pop(sandbox_id, None)
        if pause is not None:
            self.discard(pause)
        self.forget_volumes(sandbox_id)

    def discard(self, box: LinuxContainer) -> None:
        """delete --force (kills what runs, removes the cgroup), then the overlay and the bundle."""
        self.oci.delete(box.info.id)
        if box.process is not None:
            box.process.wait(timeout=10)
        unmount_overlay(box.layer)
        shutil.rmtree(box.layer, ignore_errors=True)

    # ------------------------------------------------------------ containers
    def create_container(self, sandbox_id: str, pod: Pod, container: Container) -> str:
        pause = self.sandboxes[sandbox_id]
        joins = {kind: f"/proc/{pause.pid}/ns/{name}" for kind, name in SHARED.items()}
        if pod.spec.share_process_namespace:
            joins["pid"] = f"/proc/{pause.pid}/ns/pid"
        limits, requests = container.resources.limits, container.resources.requests
        cpu_request = requests.get("cpu", limits.get("cpu"))
        mounts = self.bind_mounts(sandbox_id, container)
        message = message_file(self.pod_dir(pod), container.name) \
            if container.termination_message_path else None
        if message is not None:
            mounts.append({"destination": container.termination_message_path, "type": "bind",
                           "source": str(message), "options": ["rbind", "rw"]})
        security = linux_security(pod, container)
        user = process_user(security, "", ETC["etc/passwd"])  # the busybox image has no USER
        iso = Isolation([*container.command, *container.args] or ["sh"], joins=joins,
                        env=[f"HOSTNAME={pod.name}", *(f"{e.name}={e.value}" for e in container.env
                                                       if e.value is not None)],
                        cwd=container.working_dir or "/", volumes=mounts,
                        memory=bytes_of(limits["memory"]) if "memory" in limits else None,
                        cpu_millis=millicores(limits["cpu"]) if "cpu" in limits else None,
                        cpu_shares=max(2, millicores(cpu_request) * 1024 // 1000) if cpu_request else None,
                        uid=user.uid, gid=user.gid, groups=list(user.groups) if user != ROOT else [],
                        readonly_root=security.readonly_rootfs, no_new_privileges=security.no_new_privs,
                        capabilities=list(container_capabilities(security.add_capabilities,
                                                                 security.drop_capabilities, security.privileged)))
        box = self.bundle(pod, container.name, iso, container.image)
        box.info.sandbox_id, box.memory_limited, box.message = sandbox_id, iso.memory is not None, message
        if self.pod_files is not None:  # the kubelet's DNS files, written through the container's overlay
            for path, text in self.pod_files(pod, self.sandbox_ips[sandbox_id]).items():
                (box.layer / "rootfs" / path.lstrip("/")).write_text(text)
        self.containers[box.info.id] = box
        return box.info.id

    def start_container(self, container_id: str) -> None:
        self.launch(self.containers[container_id])

    def stop_container(self, container_id: str, timeout: float) -> None:
        """SIGTERM now, SIGKILL when the grace period runs out (the kubelet's killContainer)."""
        if self.containers[container_id].info.state != RUNNING:
            return
        if timeout <= 0:
            self.sigkill(container_id)
            return
        self.oci.kill(container_id, "TERM")
        self.clock.call_later(timeout, lambda: self.kill_if_running(container_id))

    def sigkill(self, container_id: str) -> None:
        self.killed.add(container_id)
        self.oci.kill(container_id, "KILL", all_processes=True)

    def kill_if_running(self, container_id: str) -> None:
        box = self.containers.get(container_id)
        if box is not None and box.info.state == RUNNING:
            self.sigkill(container_id)

    def remove_container(self, container_id: str) -> None:
        box = self.containers.pop(container_id, None)
        self.killed.discard(container_id)
        if box is not None:
            self.discard(box)

    def container_status(self, container_id: str) -> ContainerInfo:
        return self.containers[container_id].info

    def poll(self) -> None:
        """The PLEG relist: which `run` processes have returned, and with what."""
        if self.down:
            return
        for box in list(self.containers.values()):
            if box.info.state == RUNNING and box.process is not None and box.process.poll() is not None:
                self.exited(box, box.process.returncode)
        self.clock.call_later(POLL_PERIOD, self.poll)

    def exited(self, box: LinuxContainer, code: int) -> None:
        """OOMKilled: 137 and the cgroup's OOM counter moved (or, without it, a SIGKILL nobody here sent)."""
        unexplained = not self.oci.keeps and box.memory_limited and box.info.id not in self.killed
        oom = code == 137 and (cgroups.oom_kills(box.cgroups_path) > 0 or unexplained)
        box.info.state, box.info.exit_code, box.info.finished_at = EXITED, code, self.clock.now
        box.info.reason = "OOMKilled" if oom else "Completed" if code == 0 else "Error"
        if self.on_exit:
            self.on_exit(box.info.id)

    # ------------------------------------------------------------ inside containers
    def exec_sync(self, container_id: str, command: list[str], timeout: float,
                  stdin: str | None = None) -> tuple[int, str]:
        return self.oci.exec(container_id, command, timeout, stdin)

    def http_get(self, sandbox_id: str, host: str, port: int, path: str) -> tuple[int, str]:
        """A probe from the node (probes.py): to the pod's IP, or inside the pod without a node network."""
        ip = host or self.sandbox_ip(sandbox_id)
        network = self.network
        if network is not None and self.node_name in network.nodes:
            def on_node(argv: list[str]) -> tuple[int, str]:
                done = network.run_on(self.node_name, argv)
                return done.returncode, done.stdout + done.stderr
            return probes.http_get(on_node, ip, port, path)
        return probes.http_get(lambda argv: self.oci.exec(sandbox_id, argv, 2.0), "127.0.0.1", port, path, ip)

    def logs(self, container_id: str) -> str:
        box = self.containers[container_id]
        return box.log.read_text(errors="replace") if box.log.exists() else ""

    def termination_message(self, container_id: str) -> str | None:
        return read_message(self.containers[container_id].message)

    def crash(self) -> None:
        """The machine stops: every process of this node dies at once."""
        for box in [*self.containers.values(), *self.sandboxes.values()]:
            self.sigkill(box.info.id)
            if box.info.state in (RUNNING, CREATED) and box.info.id in self.containers:
                box.info.state, box.info.exit_code, box.info.reason = EXITED, 137, "Unknown"
                box.info.finished_at = self.clock.now

    def close(self) -> None:
        self.down = True
        for cid in list(self.containers):
            self.remove_container(cid)
        for sandbox_id in list(self.sandboxes):
            self.remove_pod_sandbox(sandbox_id)
