"""One bundle, two OCI runtimes: what the process sees under runc and under minirunc is the same.

The runtime spec (opencontainers/runtime-spec runtime.md) defines the states a container goes
through, "created", "running" and "stopped", and config.json defines what the process sees: that is
what is compared here, not how each runtime gets there."""

from __future__ import annotations

import os
import subprocess

import pytest
from linux_builders import need_linux

from k8slite.runtime.linux import cgroups
from k8slite.runtime.linux.bundle import Isolation, write_bundle
from k8slite.runtime.linux.host import LinuxHost
from k8slite.runtime.linux.oci import OciRuntime
from k8slite.runtime.linux.rootfs import busybox_image, mount_overlay, unmount_overlay

LOOK = ("for ns in pid net uts ipc mnt; do echo ns $ns $(readlink /proc/self/ns/$ns); done; "
        "echo hostname $(hostname); echo pid $$; grep CapEff /proc/self/status | sed 's/:\\t*/ /'; "
        "echo memory $(cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max); "
        "while read -r source point rest; do echo mount $point; done < /proc/self/mounts")
CONFIG_MOUNTS = {"/", "/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup"}


def run_bundle(host: LinuxHost, oci_name: str, command: str, uid: int = 0) -> tuple[int, list[str]]:
    """Lay out a busybox bundle, `run` it to the end under `oci_name`, return (exit code, output lines)."""
    cid = f"look-{oci_name}"
    layer = host.root / "bundles" / cid
    mount_overlay(busybox_image(host.root / "images"), layer, "look")
    write_bundle(layer, Isolation(["sh", "-c", command], hostname="look", memory=48 << 20, uid=uid, gid=uid,
                                  cgroups_path=f"/k8slite/{host.cluster_id}/{cid}"))
    oci = OciRuntime(oci_name, host.root / "state" / oci_name)
    log = layer / "out.log"
    with open(log, "wb") as out:
        code = oci.run(layer, cid, out).wait(timeout=20)
    oci.delete(cid)
    text = log.read_text()
    unmount_overlay(layer)
    return code, text.splitlines()


def seen(lines: list[str], key: str) -> list[str]:
    return [line.split(" ", 1)[1] for line in lines if line.startswith(key + " ")]


def view(lines: list[str]) -> dict[str, list[str]]:
    """What the process saw, without what differs by design: namespace numbers, the runtime's extra mounts
    (runc mounts every cgroup controller, minirunc binds device files where runc makes nodes)."""
    found = {key: seen(lines, key) for key in ("hostname", "pid", "memory", "CapEff", "uid")}
    found["mount"] = sorted(CONFIG_MOUNTS & set(seen(lines, "mount")))
    return found


@pytest.mark.parametrize("name", ["runc", "minirunc", "crun"])
def test_every_oci_runtime_shows_the_process_the_same_world(host: LinuxHost, name: str) -> None:
    need_linux(name)
    host_ns = {ns: os.readlink(f"/proc/self/ns/{ns}") for ns in ("pid", "net", "uts", "ipc", "mnt")}
    code, lines = run_bundle(host, name, LOOK + "; exit 3")
    assert code == 3, (name, lines)
    inside = dict(line.split(" ", 1) for line in seen(lines, "ns"))
    assert all(inside[ns] != host_ns[ns] for ns in host_ns), (name, inside)  # five new namespaces
    assert view(lines) == {"hostname": ["look"], "pid": ["1"],  # the first process of a new PID namespace
                           "CapEff": ["00000000a80425fb"],  # containerd's 14 default capabilities
                           "memory": [str(48 << 20)],  # linux.resources.memory.limit, read inside
                           "mount": sorted(CONFIG_MOUNTS), "uid": []}
    assert seen(lines, "mount")[0] == "/"  # the overlay is the root of the mount table


def test_runc_and_minirunc_agree_on_what_a_non_root_process_sees(host: LinuxHost) -> None:
    need_linux("minirunc")
    look = LOOK + "; echo uid $(id -u)"
    runc, minirunc = (view(run_bundle(host, name, look, uid=65534)[1]) for name in ("runc", "minirunc"))
    assert minirunc == runc
    assert minirunc["uid"] == ["65534"] and minirunc["CapEff"] == ["0000000000000000"]  # a user has none


def test_minirunc_goes_through_the_spec_states(host: LinuxHost) -> None:
    # runtime-spec runtime.md: create -> "created", start -> "running", the process ends -> "stopped"
    need_linux("minirunc")
    cid = "states"
    layer = host.root / "bundles" / cid
    mount_overlay(busybox_image(host.root / "images"), layer, cid)
    path = f"/k8slite/{host.cluster_id}/{cid}"
    write_bundle(layer, Isolation(["sleep", "30"], cgroups_path=path, pids=20))
    oci = OciRuntime("minirunc", host.root / "state" / "minirunc")
    subprocess.run([*oci.argv, "create", "--bundle", str(layer), cid], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=True, timeout=20)
    try:
        created = oci.state(cid)
        assert created is not None and created["status"] == "created" and created["pid"] > 0
        assert (cgroups.directories(path)[-1] / "pids.max").read_text().strip() == "20"
        assert oci.call("start", cid).returncode == 0
        assert oci.state(cid)["status"] == "running"  # type: ignore[index]
        oci.kill(cid, "KILL")
        for _ in range(100):
            if oci.state(cid)["status"] == "stopped":  # type: ignore[index]
                break
        assert oci.state(cid)["status"] == "stopped"  # type: ignore[index]
    finally:
        oci.delete(cid)
        unmount_overlay(layer)
    assert oci.state(cid) is None
    assert not any(d.exists() for d in cgroups.directories(path))


@pytest.mark.parametrize("oci_name", ["runc", "minirunc"])
def test_a_program_that_is_not_there_exits_127(host: LinuxHost, oci_name: str) -> None:
    need_linux(oci_name)
    code, _ = run_bundle(host, oci_name, "exec no-such-program")
    assert code == 127  # sh's "not found", the code a kubelet then shows as the container's exit code
