"""Control groups: the limits of a container, in cgroup v1 or v2, whichever the host has.

Mirrors runc's libcontainer/cgroups (fs for v1, fs2 for v2): a container's
`linux.cgroupsPath` becomes a directory in each controller's hierarchy (v1:
/sys/fs/cgroup/memory/<path>, /sys/fs/cgroup/cpu/<path>, ...) or one
directory in the unified tree (v2: /sys/fs/cgroup/<path>); limits are files
written there (memory.limit_in_bytes or memory.max, cpu.cfs_quota_us or
cpu.max, pids.max) and a process joins by writing its pid to cgroup.procs.
The kernel counts the OOM kills of a group (`oom_kill` in v1's
memory.oom_control, v2's memory.events): that counter is how a runtime tells
OOMKilled from another SIGKILL.

Simplified: only the memory, cpu and pids controllers; v2 needs the host to
delegate them (cgroup.subtree_control), which `enable_v2` asks for.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

ROOT = Path("/sys/fs/cgroup")
V1_CONTROLLERS = ("memory", "cpu", "pids")


def version() -> int:
    """1 when the host mounts the v1 memory controller (a hybrid host counts as v1, as runc does), else 2."""
    return 1 if (ROOT / "memory" / "memory.limit_in_bytes").exists() else 2


def directories(path: str) -> list[Path]:
    """Where a group of `path` lives: one directory per v1 controller, or the single v2 one."""
    relative = path.strip("/")
    if version() == 1:
        return [ROOT / controller / relative for controller in V1_CONTROLLERS]
    return [ROOT / relative]


def limit_files(resources: dict[str, Any]) -> dict[str, str]:
    """`linux.resources` as {controller/file: value}, in the host's cgroup version."""
    memory, cpu, pids = resources.get("memory", {}), resources.get("cpu", {}), resources.get("pids", {})
    v1 = version() == 1
    files: dict[str, str] = {}
    if "limit" in memory:
        files["memory/memory.limit_in_bytes" if v1 else "memory.max"] = str(memory["limit"])
    if "shares" in cpu:  # v2 weight from v1 shares: runc's ConvertCPUSharesToCgroupV2Value
        files["cpu/cpu.shares" if v1 else "cpu.weight"] = str(
            cpu["shares"] if v1 else 1 + ((cpu["shares"] - 2) * 9999) // 262142)
    if "quota" in cpu:
        if v1:
            files["cpu/cpu.cfs_period_us"] = str(cpu.get("period", 100_000))
            files["cpu/cpu.cfs_quota_us"] = str(cpu["quota"])
        else:
            files["cpu.max"] = f"{cpu['quota']} {cpu.get('period', 100_000)}"
    if "limit" in pids:
        files["pids/pids.max" if v1 else "pids.max"] = str(pids["limit"])
    return files


def enable_v2(path: str) -> None:
    """Delegate memory, cpu and pids down to `path`'s parent (v2 only lets leaves hold processes)."""
    parts = Path(path.strip("/")).parts
    for depth in range(len(parts)):
        control = ROOT.joinpath(*parts[:depth]) / "cgroup.subtree_control"
        for controller in ("memory", "cpu", "pids"):
            try:
                control.write_text(f"+{controller}")
            except OSError:
                pass  # not offered by the host: that limit is then not enforced


def create(path: str, resources: dict[str, Any], pid: int) -> None:
    """Make the group, write its limits, then move `pid` in (limits first: no moment without them)."""
    if version() == 2:
        enable_v2(path)
    for directory in directories(path):
        directory.mkdir(parents=True, exist_ok=True)
    for name, value in limit_files(resources).items():
        controller, _, filename = name.rpartition("/")  # "memory/memory.limit_in_bytes" or "memory.max"
        (ROOT / controller / path.strip("/") / filename).write_text(value)
    for directory in directories(path):
        (directory / "cgroup.procs").write_text(str(pid))


def oom_kills(path: str) -> int:
    """How many processes of the group the kernel's OOM killer ended."""
    name = "memory/" + path.strip("/") + "/memory.oom_control" if version() == 1 else path.strip("/") + "/memory.events"
    try:
        text = (ROOT / name).read_text()
    except OSError:
        return 0
    for line in text.splitlines():
        key, _, value = line.partition(" ")
        if key == "oom_kill":
            return int(value)
    return 0


def remove(path: str) -> None:
    """Remove the group's directories, deepest first (only empty groups can go: rmdir, never rm -r)."""
    for directory in directories(path):
        if not directory.exists():
            continue
        for sub, _, _ in sorted(os.walk(directory), key=lambda w: -len(w[0])):
            try:
                os.rmdir(sub)
            except OSError:
                pass  # still has a process: the caller kills first
