"""Linux capabilities: root's privileges cut into pieces, and the set a container gets.

Mirrors containerd's defaults (oci.defaultUnixCaps) and its CRI plugin's arithmetic for a container's
securityContext: a privileged container gets every capability; otherwise the default set, with `ALL` added
or dropped first, then each capability named (`NET_ADMIN` is CAP_NET_ADMIN). The kernel shows a process's
sets in /proc/<pid>/status as hexadecimal bitmaps, bit n for capability n: containerd's default set is
00000000a80425fb, the number the docs' task "Set capabilities for a Container" shows. A process that is not
root keeps its bounding set but loses its effective and permitted ones at execve (no file capabilities).
"""

from __future__ import annotations

from functools import lru_cache

from k8slite.runtime.users import ProcessUser

# include/uapi/linux/capability.h, in number order (CAP_CHOWN is 0), up to 6.x kernels' CAP_CHECKPOINT_RESTORE (40)
ALL = ("CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID SETPCAP LINUX_IMMUTABLE "
       "NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK IPC_OWNER SYS_MODULE SYS_RAWIO "
       "SYS_CHROOT SYS_PTRACE SYS_PACCT SYS_ADMIN SYS_BOOT SYS_NICE SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG "
       "MKNOD LEASE AUDIT_WRITE AUDIT_CONTROL SETFCAP MAC_OVERRIDE MAC_ADMIN SYSLOG WAKE_ALARM "
       "BLOCK_SUSPEND AUDIT_READ PERFMON BPF CHECKPOINT_RESTORE").split()
# containerd's default set (oci.defaultUnixCaps): root in a container may bind port 80 or ping, not mount
DEFAULT = ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
           "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT",
           "CAP_KILL", "CAP_AUDIT_WRITE"]


@lru_cache(maxsize=64)
def container_capabilities(add: tuple[str, ...] = (), drop: tuple[str, ...] = (),
                           privileged: bool = False) -> tuple[str, ...]:
    """containerd's set for a container: every capability when privileged, else its default set with `ALL` added
    or dropped first, then each named one."""
    every = [f"CAP_{name}" for name in ALL]
    if privileged:
        return tuple(every)
    names = list(every) if "ALL" in add else [] if "ALL" in drop else list(DEFAULT)
    names += [f"CAP_{a}" for a in add if a != "ALL" and f"CAP_{a}" not in names]
    return tuple(n for n in names if n.removeprefix("CAP_") not in drop)


def bitmap(names: tuple[str, ...] | list[str]) -> str:
    """/proc/<pid>/status's spelling of a set: 16 hexadecimal digits, bit n for capability n."""
    return f"{sum(1 << ALL.index(n.removeprefix('CAP_')) for n in names):016x}"


@lru_cache(maxsize=64)
def proc_status(name: str, user: ProcessUser, capabilities: tuple[str, ...], no_new_privs: bool) -> str:
    """Lines of /proc/<pid>/status for a container's process (a subset, in the kernel's order): who it runs as
    and its capability sets; a process that is not root has no effective or permitted capability left."""
    held = bitmap(capabilities) if user.uid == 0 else bitmap([])
    return (f"Name:\t{name[:15]}\nState:\tS (sleeping)\nUid:\t" + "\t".join([str(user.uid)] * 4) +
            "\nGid:\t" + "\t".join([str(user.gid)] * 4) + "\nGroups:\t" + " ".join(map(str, user.groups)) +
            f" \nCapInh:\t{bitmap([])}\nCapPrm:\t{held}\nCapEff:\t{held}\nCapBnd:\t{bitmap(capabilities)}\n"
            f"CapAmb:\t{bitmap([])}\nNoNewPrivs:\t{int(no_new_privs)}\n")
