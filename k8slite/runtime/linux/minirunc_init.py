"""minirunc's init: what the container's first process does before it becomes the container's program.

Mirrors runc's `runc init` (libcontainer/standard_init_linux.go and
rootfs_linux.go), one step per function, in runc's order: stop mount events
from reaching the host (make / private), turn the rootfs into a mount point,
mount what config.json lists inside it (/proc of the new PID namespace, a
tmpfs /dev with the device files bound from the host's, sysfs, the
container's own cgroup directories at /sys/fs/cgroup), set the hostname,
bring up loopback, pivot_root into the rootfs and detach the old root (and make
it read-only if asked), then become the configured user in the configured directory with the configured
capabilities, wait at the exec
FIFO for `start`, and execve the program. After execve nothing of Python
is left: the container is just that process.

By this point the process is already inside its namespaces (unshare or setns
happened in its parent, minirunc.py) and in its cgroup.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from k8slite.runtime.linux import cgroups
from k8slite.runtime.linux.syscalls import (
    MNT_DETACH,
    MS_BIND,
    MS_PRIVATE,
    MS_RDONLY,
    MS_REC,
    MS_REMOUNT,
    NAMESPACE_FLAGS,
    drop_bounding,
    keep_capabilities_across_setuid,
    loopback_up,
    mount,
    mount_flags,
    no_new_privileges,
    pivot_root,
    set_capabilities,
    sethostname,
    setns,
    umount,
)

DEVICES = ("null", "zero", "full", "random", "urandom", "tty")
LINKS = {"fd": "/proc/self/fd", "stdin": "/proc/self/fd/0", "stdout": "/proc/self/fd/1", "stderr": "/proc/self/fd/2",
         "ptmx": "pts/ptmx"}


def prepare_rootfs(spec: dict[str, Any], bundle: Path) -> str:
    """Everything up to pivot_root; returns the rootfs path."""
    rootfs = str(bundle / spec["root"]["path"])
    mount("", "/", "", MS_REC | MS_PRIVATE)  # nothing mounted from here on propagates to the host
    mount(rootfs, rootfs, "", MS_BIND | MS_REC)  # pivot_root wants a mount point
    for entry in spec.get("mounts", []):
        mount_entry(rootfs, entry, spec["linux"].get("cgroupsPath", ""))
    make_devices(rootfs)
    return rootfs


def mount_entry(rootfs: str, entry: dict[str, Any], cgroups_path: str) -> None:
    target = rootfs + entry["destination"]
    os.makedirs(target, exist_ok=True)
    flags, data = mount_flags(entry.get("options", []))
    if entry["type"] == "cgroup":
        mount_cgroups(target, cgroups_path, flags & MS_RDONLY)
    elif flags & MS_BIND:
        mount(entry["source"], target, "", flags & ~MS_RDONLY)
        if flags & MS_RDONLY:  # a bind mount takes "ro" only on a remount
            mount("", target, "", flags | MS_REMOUNT)
    else:
        mount(entry["source"], target, entry["type"], flags, data)


def mount_cgroups(target: str, path: str, readonly: int) -> None:
    """The container's own cgroup directories, where the host keeps them, under `target`."""
    mount("tmpfs", target, "tmpfs", 0, "mode=755")
    for directory in cgroups.directories(path) if path else []:
        inside = target + "/" + directory.relative_to(cgroups.ROOT).parts[0] if cgroups.version() == 1 else target
        os.makedirs(inside, exist_ok=True)
        mount(str(directory), inside, "", MS_BIND)
        if readonly:
            mount("", inside, "", MS_BIND | MS_REMOUNT | MS_RDONLY)
    if readonly:
        mount("", target, "", MS_REMOUNT | MS_RDONLY)


def make_devices(rootfs: str) -> None:
    """/dev/null and friends: empty files with the host's device bound over them (no mknod needed)."""
    for name in DEVICES:
        node = f"{rootfs}/dev/{name}"
        Path(node).touch()
        mount(f"/dev/{name}", node, "", MS_BIND)
    for name, points_to in LINKS.items():
        if not os.path.lexists(f"{rootfs}/dev/{name}"):
            os.symlink(points_to, f"{rootfs}/dev/{name}")


def enter_rootfs(rootfs: str) -> None:
    """pivot_root: the rootfs becomes /, the old / hangs at /.oldroot until it is detached."""
    os.chdir(rootfs)
    os.makedirs(".oldroot", exist_ok=True)
    pivot_root(".", ".oldroot")
    os.chdir("/")
    umount("/.oldroot", MNT_DETACH)
    os.rmdir("/.oldroot")


def become(process: dict[str, Any]) -> None:
    """The configured directory, capabilities, user and no_new_privs flag, in runc's order (finalizeNamespace):
    the bounding set first, then the user while keeping the permitted set (a setuid away from root would
    clear it), then the effective and permitted sets, then no_new_privs."""
    os.chdir(process.get("cwd", "/"))
    caps = process.get("capabilities")
    if caps is not None:
        drop_bounding(caps.get("bounding", []))
    keep_capabilities_across_setuid(True)
    user = process.get("user", {})
    os.setgroups(user.get("additionalGids", []))
    os.setgid(user.get("gid", 0))
    os.setuid(user.get("uid", 0))
    keep_capabilities_across_setuid(False)
    if caps is not None:
        set_capabilities(caps.get("effective", []), caps.get("permitted", []))
    if process.get("noNewPrivileges"):
        no_new_privileges()


def init(spec: dict[str, Any], bundle: Path, fifo: str, report: int) -> None:
    """Set the container up, report "ok" (or the error) on `report`, wait for start, execve."""
    try:
        fifo_fd = os.open(fifo, os.O_PATH)  # reachable after pivot_root through /proc/self/fd
        rootfs = prepare_rootfs(spec, bundle)
        if spec.get("hostname"):
            sethostname(spec["hostname"])
        if any(ns["type"] == "network" and "path" not in ns for ns in spec["linux"]["namespaces"]):
            loopback_up()  # a new network namespace starts with lo down; the host's or a joined one is as it is
        enter_rootfs(rootfs)
        if spec["root"].get("readonly"):  # runc's setReadonly: the root only; what is mounted on it stays as it is
            mount("", "/", "", MS_BIND | MS_REMOUNT | MS_RDONLY)
        process = spec["process"]
        become(process)
    except OSError as e:
        os.write(report, f"error: {e}\n".encode())
        os._exit(1)
    os.write(report, b"ok\n")
    os.close(report)
    try:
        start = os.open(f"/proc/self/fd/{fifo_fd}", os.O_WRONLY)  # blocks until `minirunc start` opens it
    except OSError as e:
        os.write(2, f"exec fifo: {e.strerror}\n".encode())
        os._exit(1)
    os.write(start, b"0")
    os.close(start)
    os.close(fifo_fd)
    run_program(process["args"], process.get("env", []))


def exec_process(pid: int, cgroups_path: str, process: dict[str, Any], command: list[str]) -> int:
    """Run `command` inside the container whose init is `pid`: join its cgroup (while the host's /sys is
    still in sight), setns into each of its namespaces (the mount namespace last: it also moves / and the
    cwd), fork (entering a PID namespace takes effect for children only), execve. Returns the exit code."""
    child = os.fork()
    if child == 0:
        try:
            for directory in cgroups.directories(cgroups_path) if cgroups_path else []:
                (directory / "cgroup.procs").write_text(str(os.getpid()))
            for kind, name in (("ipc", "ipc"), ("uts", "uts"), ("network", "net"), ("pid", "pid"), ("mount", "mnt")):
                setns(f"/proc/{pid}/ns/{name}", NAMESPACE_FLAGS[kind])
            if os.fork() == 0:
                become(process)
                run_program(command, process.get("env", []))
            _, status = os.wait()
            os._exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))
        finally:
            os._exit(1)
    _, status = os.waitpid(child, 0)
    return os.waitstatus_to_exitcode(status)


def run_program(args: list[str], env_lines: list[str]) -> None:
    """execve with PATH from the environment; exit 127 when the program is not there, as a shell does."""
    env = dict(line.split("=", 1) for line in env_lines)
    try:
        os.execvpe(args[0], args, env)
    except OSError as e:
        os.write(2, f"exec {args[0]}: {e.strerror}\n".encode())
    os._exit(127)
