"""config.json as the OCI runtime spec writes it, cgroup files from linux.resources, images (no root needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from k8slite.runtime.capabilities import DEFAULT, container_capabilities
from k8slite.runtime.cri import ImagePullError
from k8slite.runtime.linux import cgroups
from k8slite.runtime.linux.bundle import Isolation, config
from k8slite.runtime.linux.rootfs import BUSYBOX, LinuxImages
from k8slite.runtime.linux.syscalls import MS_NODEV, MS_NOSUID, mount_flags


def test_a_new_container_gets_every_namespace_and_its_hostname() -> None:
    # opencontainers/runtime-spec config-linux.md: a namespace without `path` is created new
    spec = config(Isolation(["sleep", "1"], hostname="web-1"))
    assert spec["ociVersion"].startswith("1.")
    assert [ns["type"] for ns in spec["linux"]["namespaces"]] == ["pid", "ipc", "uts", "mount", "network"]
    assert all("path" not in ns for ns in spec["linux"]["namespaces"])
    assert spec["hostname"] == "web-1"
    assert spec["root"] == {"path": "rootfs", "readonly": False}
    assert spec["process"]["env"][0].startswith("PATH=")


def test_a_security_context_becomes_user_groups_readonly_root_and_capabilities() -> None:
    """containerd's spec options: additionalGids, root.readonly, noNewPrivileges, and its capability arithmetic
    (privileged: all; ALL added or dropped first, then each name)."""
    spec = config(Isolation(["sh"], uid=1000, gid=3000, groups=[2000, 3000], readonly_root=True,
                            no_new_privileges=True, capabilities=list(container_capabilities((), ("ALL",), False))))
    assert spec["process"]["user"] == {"uid": 1000, "gid": 3000, "additionalGids": [2000, 3000]}
    assert spec["root"]["readonly"] is True and spec["process"]["noNewPrivileges"] is True
    assert spec["process"]["capabilities"]["effective"] == []
    assert config(Isolation(["sh"]))["process"]["noNewPrivileges"] is False  # allowPrivilegeEscalation's default
    assert container_capabilities(("NET_BIND_SERVICE",), ("ALL",), False) == ("CAP_NET_BIND_SERVICE",)
    assert container_capabilities(("NET_ADMIN", "SYS_TIME"), ("NET_RAW",), False) == (
        *(c for c in DEFAULT if c != "CAP_NET_RAW"), "CAP_NET_ADMIN", "CAP_SYS_TIME")
    privileged = container_capabilities((), (), True)
    assert len(privileged) == 41 and "CAP_SYS_ADMIN" in privileged


def test_an_app_container_joins_the_sandbox_namespaces_and_sets_no_hostname() -> None:
    # runc refuses a hostname without a UTS namespace of the container's own (libcontainer/configs/validate)
    joins = {"network": "/proc/42/ns/net", "ipc": "/proc/42/ns/ipc", "uts": "/proc/42/ns/uts"}
    spec = config(Isolation(["sh"], hostname="web-1", joins=joins))
    paths = {ns["type"]: ns.get("path") for ns in spec["linux"]["namespaces"]}
    assert paths == {"pid": None, "ipc": "/proc/42/ns/ipc", "uts": "/proc/42/ns/uts", "mount": None,
                     "network": "/proc/42/ns/net"}
    assert "hostname" not in spec


def test_resources_follow_the_kubelet_conversion() -> None:
    # pkg/kubelet/cm: limits.cpu 500m -> quota 50000 per 100000 us period; requests.cpu 250m -> 256 shares
    spec = config(Isolation(["sh"], memory=64 << 20, cpu_millis=500, cpu_shares=256, pids=100,
                            cgroups_path="/k8slite/c/x"))
    assert spec["linux"]["resources"] == {"memory": {"limit": 67108864},
                                          "cpu": {"shares": 256, "quota": 50000, "period": 100000},
                                          "pids": {"limit": 100}}
    assert spec["linux"]["cgroupsPath"] == "/k8slite/c/x"


@pytest.mark.parametrize(("version", "expected"), [
    (1, {"memory/memory.limit_in_bytes": "1024", "cpu/cpu.shares": "256", "cpu/cpu.cfs_period_us": "100000",
         "cpu/cpu.cfs_quota_us": "50000", "pids/pids.max": "10"}),
    (2, {"memory.max": "1024", "cpu.weight": "10", "cpu.max": "50000 100000", "pids.max": "10"}),
])
def test_limit_files_in_either_cgroup_version(monkeypatch: pytest.MonkeyPatch, version: int,
                                              expected: dict[str, str]) -> None:
    # runc libcontainer/cgroups/fs (v1) and fs2 (v2); weight = 1 + (256 - 2) * 9999 / 262142 = 10
    monkeypatch.setattr(cgroups, "version", lambda: version)
    resources = {"memory": {"limit": 1024}, "cpu": {"shares": 256, "quota": 50000, "period": 100000},
                 "pids": {"limit": 10}}
    assert cgroups.limit_files(resources) == expected


def test_mount_options_become_flags_and_data() -> None:
    assert mount_flags(["nosuid", "nodev", "mode=755", "size=65536k"]) == (MS_NOSUID | MS_NODEV, "mode=755,size=65536k")


def test_the_oom_counter_is_read_from_the_cgroup(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # the kernel's memory.oom_control (v1) lists "oom_kill <n>": containerd reports OOMKilled from it
    (tmp_path / "memory" / "k" / "x").mkdir(parents=True)
    (tmp_path / "memory" / "k" / "x" / "memory.oom_control").write_text("oom_kill_disable 0\nunder_oom 0\noom_kill 1\n")
    monkeypatch.setattr(cgroups, "ROOT", tmp_path)
    monkeypatch.setattr(cgroups, "version", lambda: 1)
    assert cgroups.oom_kills("/k/x") == 1
    assert cgroups.oom_kills("/k/missing") == 0


def test_busybox_is_the_one_image_and_others_fail_in_containerds_words(tmp_path: Path) -> None:
    # the pull error is containerd's rpc error, as the kubelet's ErrImagePull event shows it
    images = LinuxImages()
    images.root = tmp_path
    assert images.image_status("busybox:1.36") is None  # a new node has no image yet
    with pytest.raises(ImagePullError, match=r'failed to pull and unpack image "localhost:5999/k8slite/nope:1"'
                                             r".*dial tcp 127.0.0.1:5999: connect: connection refused"):
        images.pull_image("localhost:5999/k8slite/nope:1")
    with pytest.raises(ImagePullError, match='"docker.io/library/nginx:latest": the Linux runtime has busybox only'):
        images.pull_image("nginx")
    if not BUSYBOX.exists():
        pytest.skip("no /bin/busybox: apt-get install -y busybox-static")
    pulled = images.pull_image("busybox")
    assert pulled.ref == "docker.io/library/busybox:latest" and pulled.size > 0
    assert images.image_status("registry.k8s.io/busybox:1.27.2") is not None
    assert (tmp_path / "images" / "busybox" / "bin" / "sh").is_symlink()  # an applet link
