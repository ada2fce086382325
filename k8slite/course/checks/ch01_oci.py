"""Checks for notebook 01's second half, a container by hand: a config.json, and what a process sees.

01.3 ``isolation_config(args, hostname, namespaces, memory_mib)``: the config.json
(as a dict) for one isolation: new namespaces of the given types, the host's
for the others, a hostname, a memory limit. Each answer is held to what the
OCI runtime spec (config.md, config-linux.md) and runc require; where root is
available, a few of them also run under minirunc, and what the process sees
must be what was asked for.
01.4 ``what_it_sees(flags, host_hostname)``: predict, from the clone flags a
process is started with, whether it is PID 1, which hostname it sees and
whether it sees the host's network interfaces. Where root is available, the
first scenarios are real processes under minirunc; the others (everywhere
without root) follow the same rules, which the real runs confirm.

Both print the same line with or without root, so the book's stored output holds
on every machine; `how_checked` says which it was.
"""

from __future__ import annotations

import copy
import json
import os
import random
from collections.abc import Callable
from typing import Any

from k8slite.course.checks import exercise
from k8slite.runtime.linux import by_hand
from k8slite.runtime.linux.syscalls import CLONE_NEWIPC, CLONE_NEWNET, CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWUTS

SPEC_TYPES = ("pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time")  # config-linux.md's names
OPTIONAL = ("pid", "uts", "ipc", "network")  # "mount" is always new: pivot_root needs a mount namespace
RUN = 3  # scenarios that really run, where root allows
MIB = 1 << 20


def how_checked() -> str:
    """Whether the checks of 01.3 and 01.4 run real processes here, or apply the rules only."""
    problem = by_hand.reason("minirunc")
    if problem:
        return f"01.3 and 01.4 check by the rules only, without running anything: {problem}."
    return "01.3 and 01.4 also run their first scenarios as real processes under minirunc."


# ---------------------------------------------------------------- 01.3
def namespace_rules(spec: dict[str, Any], call: str, kinds: set[str]) -> None:
    namespaces = spec.get("linux", {}).get("namespaces")
    assert isinstance(namespaces, list) and all(isinstance(ns, dict) for ns in namespaces), (
        f'{call}: linux.namespaces must be a list of objects such as {{"type": "pid"}}')
    types = [ns.get("type") for ns in namespaces]
    short = sorted({t for t in types if t in ("net", "mnt")})
    assert not short, (f"{call} lists namespace types {short}: /proc/<pid>/ns says net and mnt, but the runtime "
                       "spec calls them \"network\" and \"mount\"")
    unknown = sorted(str(t) for t in types if t not in SPEC_TYPES)
    assert not unknown, f"{call}: {unknown} is not a namespace type of the runtime spec: {', '.join(SPEC_TYPES)}"
    assert len(types) == len(set(types)), f"{call} lists a namespace type twice: {types} (the spec forbids it)"
    for ns in namespaces:
        host = f"/proc/1/ns/{by_hand.NS_LINKS.get(ns['type'], ns['type'])}"
        assert "path" not in ns or ns["path"] == host, (
            f"{call}: {ns} joins a namespace by its path; the host's is simply not listed (or joined at {host})")
    new = {ns["type"] for ns in namespaces if "path" not in ns}
    assert new == kinds, (
        f"{call} makes new namespaces of {shown(new)}, but the isolation asks for {shown(kinds)}: a type "
        "listed without a path is a new namespace; a type not listed is the host's")


def shown(kinds: set[str]) -> str:
    return "{" + ", ".join(repr(kind) for kind in sorted(kinds)) + "}"


def spec_rules(spec: Any, args: list[str], hostname: str, kinds: set[str], memory_mib: int, call: str) -> None:
    """What the runtime spec (and runc, which refuses what it cannot do) requires of this config.json."""
    assert isinstance(spec, dict), f"{call} returned {type(spec).__name__}; return config.json as a dict"
    try:
        json.dumps(spec)
    except (TypeError, ValueError) as e:
        raise AssertionError(f"{call} is not JSON ({e}): use dicts, lists, strings, numbers, booleans") from None
    assert str(spec.get("ociVersion", "")).startswith("1."), (
        f'{call}: ociVersion is REQUIRED, the spec\'s version such as "1.0.2"; got {spec.get("ociVersion")!r}')
    process = spec.get("process")
    assert isinstance(process, dict) and process.get("args") == args, (
        f"{call}: process.args must be the command to run, {args!r}; got "
        f"{process.get('args') if isinstance(process, dict) else process!r}")
    assert str(process.get("cwd", "")).startswith("/"), (
        f'{call}: process.cwd is REQUIRED, an absolute path such as "/"')
    assert spec.get("root", {}).get("path") == "rootfs", (
        f'{call}: root.path names the bundle\'s root filesystem folder: "rootfs"; got {spec.get("root")!r}')
    mounts = spec.get("mounts", [])
    assert any(m.get("destination") == "/proc" and m.get("type") == "proc" for m in mounts), (
        f'{call}: mount /proc (type "proc", source "proc"): without it the process cannot see its own pid')
    assert all(m.get("type") != "bind" and "bind" not in m.get("options", []) and "rbind" not in m.get("options", [])
               for m in mounts), f"{call}: no bind mounts of host folders in this exercise"
    namespace_rules(spec, call, kinds)
    if "uts" in kinds:
        assert spec.get("hostname") == hostname, f"{call}: hostname must be {hostname!r}; got {spec.get('hostname')!r}"
    else:
        assert not spec.get("hostname"), (
            f"{call} sets hostname {spec.get('hostname')!r} without a UTS namespace of its own: runc refuses that "
            "(it would rename the host); leave hostname out")
    limit = spec.get("linux", {}).get("resources", {}).get("memory", {}).get("limit")
    hint = (" (that is MiB; the spec counts bytes)" if limit == memory_mib else
            " (1 MiB is 1024 * 1024 bytes)" if limit == memory_mib * 1_000_000 else "")
    assert limit == memory_mib * MIB, (
        f"{call}: linux.resources.memory.limit must be {memory_mib * MIB} bytes; got {limit!r}{hint}")


def random_isolation(rng: random.Random) -> tuple[list[str], str, set[str], int]:
    kinds = {"mount", *rng.sample(OPTIONAL, rng.randint(0, len(OPTIONAL)))}
    args = rng.choice((["sleep", "3600"], ["sh", "-c", "echo hello"], ["httpd", "-f", "-p", "8080"], ["true"]))
    return args, rng.choice(("box", "web-1", "db", "worker-7")), kinds, rng.choice((16, 32, 48, 64, 100, 256))


def isolations(scenarios: int) -> list[tuple[list[str], str, set[str], int]]:
    """The corners first (everything new; the host's network; only a mount namespace), then random ones."""
    rng = random.Random(103)
    fixed = [(["sh"], "box", {"mount", *OPTIONAL}, 64), (["sh"], "box", {"mount", "pid", "uts"}, 48),
             (["sh"], "solo", {"mount"}, 32)]
    return fixed + [random_isolation(rng) for _ in range(scenarios)]


def run_config(bench: by_hand.Bench, name: str, spec: dict[str, Any], hostname: str, kinds: set[str],
               memory_mib: int, call: str) -> None:
    """Run the learner's config under minirunc: the process must see the isolation it asked for."""
    layer = bench.bundle(name, by_hand.look_isolation())  # a fresh rootfs; then the learner's config.json
    cgroups_path = f"/k8slite/{bench.id}/{name}"  # where the runtime keeps it; cleanup finds it there
    bench.write(layer, {**copy.deepcopy(spec), "linux": {**spec["linux"], "cgroupsPath": cgroups_path}})
    look = bench.look("minirunc", layer, name)
    new = {kind for kind, link in by_hand.NS_LINKS.items() if look.inside_links()[link] != look.own_links[link]}
    assert new == kinds, f"{call} ran under minirunc in new namespaces {shown(new)}, not {shown(kinds)}"
    assert look.seen("pid") == (["1"] if "pid" in kinds else [str(look.host_pid)]), (call, look.seen("pid"))
    assert look.seen("hostname") == [hostname if "uts" in kinds else os.uname().nodename], (
        f"{call} ran under minirunc with hostname {look.seen('hostname')}")
    assert look.memory_limit == str(memory_mib * MIB), f"{call} ran with the memory limit {look.memory_limit}"


@exercise("01.3")
def check_01_3(isolation_config: Callable[..., Any], scenarios: int = 12) -> str:
    assert callable(isolation_config), (
        "define isolation_config(args, hostname, namespaces, memory_mib) returning config.json as a dict")
    cases = isolations(scenarios)
    runnable = not by_hand.reason("minirunc")
    bench = by_hand.Bench("check01") if runnable else None
    try:
        for i, (args, hostname, kinds, memory_mib) in enumerate(cases):
            run = bench is not None and i < RUN
            args = by_hand.look_isolation().args if run else args
            spec = isolation_config(list(args), hostname, set(kinds), memory_mib)
            command = "<a shell that looks around>" if run else repr(args)
            call = f"isolation_config({command}, {hostname!r}, {shown(kinds)}, {memory_mib})"
            spec_rules(spec, args, hostname, kinds, memory_mib, call)
            if bench is not None and run:
                run_config(bench, f"iso{i}", spec, hostname, kinds, memory_mib, call)
    finally:
        if bench is not None:
            bench.close()
    return (f"{len(cases)} config.json files follow the runtime spec "
            f"(where root allows, the first {RUN} also ran under minirunc).")


# ---------------------------------------------------------------- 01.4
FLAGS = {"pid": CLONE_NEWPID, "uts": CLONE_NEWUTS, "network": CLONE_NEWNET, "ipc": CLONE_NEWIPC}
HOSTNAME = "box"  # what the runtime sets where the process has a UTS namespace of its own


def expected(flags: int, host_hostname: str) -> dict[str, Any]:
    """The rules: PID 1 only in a new PID namespace; the runtime's hostname only in a new UTS namespace;
    the host's interfaces unless the network namespace is new. The mount namespace changes none of these."""
    return {"pid_is_1": bool(flags & CLONE_NEWPID), "hostname": HOSTNAME if flags & CLONE_NEWUTS else host_hostname,
            "host_interfaces": not flags & CLONE_NEWNET}


def kinds_of(flags: int) -> set[str]:
    return {"mount", *(kind for kind, flag in FLAGS.items() if flags & flag)}


def observe(bench: by_hand.Bench, name: str, flags: int) -> dict[str, Any]:
    """Run a process under minirunc in the namespaces of `flags` and note what it saw."""
    layer = bench.bundle(name, by_hand.look_isolation(hostname=HOSTNAME), kinds=kinds_of(flags))
    look = bench.look("minirunc", layer, name)
    return {"pid_is_1": look.seen("pid") == ["1"], "hostname": look.seen("hostname")[0],
            "host_interfaces": look.inside_links()["net"] == look.own_links["net"]}


def flag_sets(scenarios: int) -> list[int]:
    rng = random.Random(104)
    every = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWNET | CLONE_NEWIPC
    fixed = [every, CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS, CLONE_NEWNS | CLONE_NEWNET, CLONE_NEWNS]
    return fixed + [CLONE_NEWNS | sum(rng.sample(list(FLAGS.values()), rng.randint(0, 4))) for _ in range(scenarios)]


def show_flags(flags: int) -> str:
    names = {CLONE_NEWNS: "CLONE_NEWNS", **{flag: f"CLONE_NEW{'NET' if k == 'network' else k.upper()}"
                                            for k, flag in FLAGS.items()}}
    return " | ".join(name for flag, name in names.items() if flags & flag)


@exercise("01.4")
def check_01_4(what_it_sees: Callable[..., Any], scenarios: int = 20) -> str:
    assert callable(what_it_sees), "define what_it_sees(flags, host_hostname) returning a dict"
    rng = random.Random(1040)
    cases = flag_sets(scenarios)
    bench = by_hand.Bench("check01") if not by_hand.reason("minirunc") else None
    try:
        for i, flags in enumerate(cases):
            real = bench is not None and i < RUN + 1
            host = os.uname().nodename if real else rng.choice(("node-1", "laptop", "vm", "build-42"))
            want = expected(flags, host)
            if bench is not None and real:
                seen = observe(bench, f"sees{i}", flags)
                assert seen == want, f"minirunc disagrees with the rules for {show_flags(flags)}: {seen} != {want}"
            call = f"what_it_sees({show_flags(flags)}, {host!r})"
            got = what_it_sees(flags, host)
            assert isinstance(got, dict) and set(got) == set(want), (
                f"{call} returned {got!r}; return a dict with the keys pid_is_1, hostname and host_interfaces")
            for key, why in (("pid_is_1", "a process is PID 1 only as the first process of a new PID namespace"),
                             ("hostname", "the runtime sets the hostname in a UTS namespace of the process's own; "
                                          "without one it sees the host's"),
                             ("host_interfaces", "only a new network namespace hides the host's interfaces (it has "
                                                 "just lo); test the flag with &, e.g. flags & CLONE_NEWNET")):
                sees = "saw" if real else "sees"
                assert got[key] == want[key], (
                    f"{call}[{key!r}] is {got[key]!r}, but the process {sees} {want[key]!r}: {why}")
    finally:
        if bench is not None:
            bench.close()
    return f"{len(cases)} sets of namespaces (where root allows, the first {RUN + 1} were real processes)."
