"""The system calls a container is made of, through ctypes: unshare, setns, mount, pivot_root.

Mirrors what runc's libcontainer does in Go (and its nsexec.c in C): Python
3.11 has no os.unshare or os.setns, so both come from libc, like mount(2),
umount2(2) and sethostname(2); pivot_root(2) has no libc wrapper at all and
is called by its syscall number. `loopback_up` is `ip link set lo up` as one
ioctl: a new network namespace starts with its loopback device down.
"""

from __future__ import annotations

import ctypes
import fcntl
import os
import platform
import socket
import struct

from k8slite.runtime.capabilities import ALL

libc = ctypes.CDLL(None, use_errno=True)

# <sched.h>: one flag per namespace kind, as unshare(2) and setns(2) take them
CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWCGROUP = 0x20000000, 0x40000000, 0x02000000
NAMESPACE_FLAGS = {"mount": CLONE_NEWNS, "uts": CLONE_NEWUTS, "ipc": CLONE_NEWIPC, "pid": CLONE_NEWPID,
                   "network": CLONE_NEWNET, "cgroup": CLONE_NEWCGROUP}
# <sys/mount.h>
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 0x1, 0x2, 0x4, 0x8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 0x20, 0x1000, 0x4000, 0x40000
MS_STRICTATIME, MS_RELATIME = 0x1000000, 0x200000
MNT_DETACH = 0x2
MOUNT_OPTIONS = {"ro": MS_RDONLY, "nosuid": MS_NOSUID, "nodev": MS_NODEV, "noexec": MS_NOEXEC,
                 "bind": MS_BIND, "rbind": MS_BIND | MS_REC, "strictatime": MS_STRICTATIME,
                 "relatime": MS_RELATIME, "rw": 0}
SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}
SYS_CAPSET = {"x86_64": 126, "aarch64": 91}
PR_CAPBSET_DROP = 24
PR_SET_NO_NEW_PRIVS = 38
PR_SET_KEEPCAPS = 8
# <linux/capability.h>: a capability's number is its place in this list


def check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def unshare(flags: int) -> None:
    check(libc.unshare(flags), "unshare")


def setns(path: str, flag: int) -> None:
    """Join the namespace that `path` (/proc/<pid>/ns/<kind>) names."""
    fd = os.open(path, os.O_RDONLY)
    try:
        check(libc.setns(fd, flag), f"setns {path}")
    finally:
        os.close(fd)


def mount(source: str, target: str, fstype: str, flags: int = 0, data: str = "") -> None:
    check(libc.mount(source.encode(), target.encode(), fstype.encode(), ctypes.c_ulong(flags),
                     data.encode() or None), f"mount {fstype} on {target}")


def umount(target: str, flags: int = MNT_DETACH) -> None:
    check(libc.umount2(target.encode(), flags), f"umount {target}")


def pivot_root(new_root: str, put_old: str) -> None:
    number = SYS_PIVOT_ROOT[platform.machine()]
    check(libc.syscall(number, new_root.encode(), put_old.encode()), "pivot_root")


def drop_bounding(bounding: list[str]) -> None:
    """Drop from the bounding set, one by one (prctl), every capability not named ("CAP_NET_RAW", ...)."""
    last = int(open("/proc/sys/kernel/cap_last_cap").read())
    for number, name in enumerate(ALL[:last + 1]):
        if "CAP_" + name not in bounding:
            check(libc.prctl(PR_CAPBSET_DROP, number, 0, 0, 0), f"drop CAP_{name}")


def set_capabilities(effective: list[str], permitted: list[str]) -> None:
    """Set the effective and permitted sets at once (capset, version 3: two 32-bit words each)."""
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)
    data = (ctypes.c_uint32 * 6)()
    for words, names in ((0, effective), (1, permitted)):  # struct {effective, permitted, inheritable} x 2
        for name in names:
            number = ALL.index(name.removeprefix("CAP_"))
            data[3 * (number // 32) + words] |= 1 << (number % 32)
    check(libc.syscall(SYS_CAPSET[platform.machine()], header, data), "capset")


def keep_capabilities_across_setuid(keep: bool) -> None:
    """prctl(PR_SET_KEEPCAPS): whether the permitted set survives a setuid away from root."""
    check(libc.prctl(PR_SET_KEEPCAPS, int(keep), 0, 0, 0), "keepcaps")


def no_new_privileges() -> None:
    """prctl(PR_SET_NO_NEW_PRIVS): from here on, no execve grants privileges (setuid bits, file capabilities)."""
    check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")


def sethostname(name: str) -> None:
    check(libc.sethostname(name.encode(), len(name.encode())), "sethostname")


def loopback_up() -> None:
    """`ip link set lo up`: SIOCSIFFLAGS with IFF_UP | IFF_LOOPBACK | IFF_RUNNING."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        fcntl.ioctl(s.fileno(), 0x8914, struct.pack("16sH14s", b"lo", 0x1 | 0x8 | 0x40, b""))


def mount_flags(options: list[str]) -> tuple[int, str]:
    """An OCI mount's options as mount(2)'s flags, plus the rest as its data string ("mode=755")."""
    flags, data = 0, []
    for option in options:
        if option in MOUNT_OPTIONS:
            flags |= MOUNT_OPTIONS[option]
        elif option not in ("private", "rprivate"):
            data.append(option)
    return flags, ",".join(data)
