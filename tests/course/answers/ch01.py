"""Other answers to chapter 01's exercises (format: tests/course/answers/__init__.py)."""

RIGHT = {
    "01.1": """
shared = set()
for kind, link in ns_a.items():
    if ns_b.get(kind) == link:
        shared.add(kind)
return shared
""",
    "01.2": """
if grace_seconds <= 0:
    return (137, 0)
if handles_sigterm:
    return (0, 0)
if exits_in is None or exits_in >= grace_seconds:
    return (137, grace_seconds)
return (0, exits_in)
""",
    "01.3": """
from k8slite.runtime.linux.bundle import Isolation, config

spec = config(Isolation(list(args), hostname=hostname, memory=memory_mib << 20))
spec["linux"]["namespaces"] = [ns for ns in spec["linux"]["namespaces"] if ns["type"] in namespaces]
if "uts" not in namespaces:
    del spec["hostname"]
return spec
""",
    "01.4": """
seen = {}
seen["pid_is_1"] = (flags & CLONE_NEWPID) != 0
seen["hostname"] = host_hostname
if flags & CLONE_NEWUTS:
    seen["hostname"] = "box"
seen["host_interfaces"] = (flags & CLONE_NEWNET) == 0
return seen
""",
}

WRONG = {
    "01.1": [
        ("the types both list, shared or not", "return set(ns_a) & set(ns_b)"),
        ("a list, not a set", "return sorted(ns for ns in ns_a if ns_b.get(ns) == ns_a[ns])"),
    ],
    "01.2": [
        ("SIGTERM's default action: 143 at once", """
if grace_seconds == 0:
    return 137, 0
if handles_sigterm:
    return 0, 0
return 143, 0
"""),
        ("forgets that grace 0 skips SIGTERM", """
if handles_sigterm:
    return 0, 0
if exits_in is not None and exits_in < grace_seconds:
    return 0, exits_in
return 137, grace_seconds
"""),
    ],
    "01.3": [
        ("/proc's short names net and mnt for the namespace types", """
short = {"network": "net", "mount": "mnt"}
return {"ociVersion": "1.0.2", "process": {"args": args, "cwd": "/"}, "root": {"path": "rootfs"},
        "hostname": hostname, "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"}],
        "linux": {"namespaces": [{"type": short.get(kind, kind)} for kind in namespaces],
                  "resources": {"memory": {"limit": memory_mib * 1024 * 1024}}}}
"""),
        ("the memory limit in MiB, not bytes", """
spec = {"ociVersion": "1.0.2", "process": {"args": args, "cwd": "/"}, "root": {"path": "rootfs"},
        "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"}],
        "linux": {"namespaces": [{"type": kind} for kind in namespaces],
                  "resources": {"memory": {"limit": memory_mib}}}}
if "uts" in namespaces:
    spec["hostname"] = hostname
return spec
"""),
        ("a hostname even where the UTS namespace is the host's", """
return {"ociVersion": "1.0.2", "process": {"args": args, "cwd": "/"}, "root": {"path": "rootfs"},
        "hostname": hostname, "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"}],
        "linux": {"namespaces": [{"type": kind} for kind in namespaces],
                  "resources": {"memory": {"limit": memory_mib << 20}}}}
"""),
    ],
    "01.4": [
        ("every container's process is PID 1", """
return {"pid_is_1": True, "hostname": "box" if flags & CLONE_NEWUTS else host_hostname,
        "host_interfaces": not flags & CLONE_NEWNET}
"""),
        ("the runtime's hostname without a UTS namespace of its own", """
return {"pid_is_1": bool(flags & CLONE_NEWPID), "hostname": "box", "host_interfaces": not flags & CLONE_NEWNET}
"""),
        ("the mount namespace's flag taken for the network's", """
return {"pid_is_1": bool(flags & CLONE_NEWPID), "hostname": "box" if flags & CLONE_NEWUTS else host_hostname,
        "host_interfaces": not flags & CLONE_NEWNS}
"""),
    ],
}
