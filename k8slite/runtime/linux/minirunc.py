"""minirunc: a small OCI runtime in Python that runs the same config.json as runc.

Mirrors runc's command line and its life cycle (runtime-spec runtime.md):
`create` makes the container's process inside its namespaces and cgroup and
leaves it waiting; `start` lets it execve the program; `state` prints the
spec's state JSON (created, running or stopped); `kill` signals it;
`exec` runs one more process inside it; `delete` removes what is left. `run` is create plus start, waiting in the
foreground for the exit code (128 + signal when a signal ended it), as
`runc run` does. The steps:

1. fork an intermediate process; it joins the namespaces whose `path` the
   config names (setns) and unshares the new ones;
2. it forks the container's init, which is pid 1 when the PID namespace is
   new (unshare(CLONE_NEWPID) applies to the children of the caller);
3. it puts the init into the cgroup with the limits, then lets it go on
   (minirunc_init: mounts, hostname, pivot_root, exec FIFO, execve);
4. it stays behind to wait for the init and exit with its status.

Usage: `python -m k8slite.runtime.linux.minirunc [--root DIR] run [--keep] --bundle DIR ID`.

Simplified: no user namespaces, capabilities, seccomp, hooks or terminals;
`create` stays attached to the intermediate's exit only in `run`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import time
from pathlib import Path
from typing import Any

from k8slite.runtime.linux import cgroups
from k8slite.runtime.linux.minirunc_init import exec_process, init
from k8slite.runtime.linux.syscalls import NAMESPACE_FLAGS, setns, unshare

DEFAULT_ROOT = Path("/run/minirunc")


def enter_namespaces(namespaces: list[dict[str, str]]) -> None:
    """setns into the ones with a path (a sandbox's), unshare the others (new ones)."""
    new = 0
    for ns in namespaces:
        if "path" in ns:
            setns(ns["path"], NAMESPACE_FLAGS[ns["type"]])
        else:
            new |= NAMESPACE_FLAGS[ns["type"]]
    unshare(new)


def intermediate(spec: dict[str, Any], bundle: Path, fifo: str, report: int, detach: bool) -> None:
    """Steps 1 to 4 above, in the first child; never returns."""
    try:
        if detach:
            os.setsid()
        enter_namespaces(spec["linux"]["namespaces"])
        go_r, go_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(go_w)
            os.read(go_r, 1)  # wait until we are in the cgroup
            try:
                init(spec, bundle, fifo, report)
            finally:
                os._exit(1)  # never back into the parent's code, whatever went wrong
        os.close(go_r)
        if spec["linux"].get("cgroupsPath"):
            cgroups.create(spec["linux"]["cgroupsPath"], spec["linux"].get("resources", {}), pid)
        os.write(report, f"pid {pid}\n".encode())
        os.write(go_w, b"1")
    except OSError as e:
        os.write(report, f"error: {e}\n".encode())
        os._exit(1)
    os.close(report)
    _, status = os.waitpid(pid, 0)
    os._exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))


def create(root: Path, cid: str, bundle: Path, detach: bool = True) -> int:
    """The container waits at its exec FIFO; returns the intermediate's pid. RuntimeError on failure."""
    spec = json.loads((bundle / "config.json").read_text())
    state_dir = root / cid
    state_dir.mkdir(parents=True)
    fifo = str(state_dir / "exec.fifo")
    os.mkfifo(fifo)
    os.chmod(fifo, 0o622)  # as runc's: the init may have become another user by the time it opens it
    report_r, report_w = os.pipe()
    middle = os.fork()
    if middle == 0:
        os.close(report_r)
        intermediate(spec, bundle.resolve(), fifo, report_w, detach)
    os.close(report_w)
    with os.fdopen(report_r) as report:
        lines = report.read().splitlines()
    pid = next((int(line.split()[1]) for line in lines if line.startswith("pid ")), 0)
    save(state_dir, {"ociVersion": spec["ociVersion"], "id": cid, "pid": pid, "bundle": str(bundle.resolve()),
                     "cgroupsPath": spec["linux"].get("cgroupsPath", "")})
    if lines[-1:] != ["ok"]:
        delete(root, cid, force=True)
        raise RuntimeError("; ".join(line for line in lines if line.startswith("error")) or "init died")
    return middle


def save(state_dir: Path, state: dict[str, Any]) -> None:
    (state_dir / "state.json").write_text(json.dumps(state))


def start(root: Path, cid: str) -> None:
    """Open the FIFO's read end: the init's blocked open returns, it writes one byte and execs."""
    fifo, pid = root / cid / "exec.fifo", state(root, cid)["pid"]
    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # not blocking: the init may have died meanwhile
    try:
        while not read_byte(fd):
            if not alive(pid):
                raise RuntimeError(f"container {cid} died before it started")
            time.sleep(0.005)
    finally:
        os.close(fd)
    fifo.unlink()


def read_byte(fd: int) -> bytes:
    try:
        return os.read(fd, 1)
    except BlockingIOError:  # the init opened its end but has not written yet
        return b""


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def state(root: Path, cid: str) -> dict[str, Any]:
    """The runtime spec's state: ociVersion, id, status, pid, bundle."""
    found = json.loads((root / cid / "state.json").read_text())
    running = found["pid"] and alive(found["pid"])
    status = "stopped" if not running else "created" if (root / cid / "exec.fifo").exists() else "running"
    return {**found, "status": status, "pid": found["pid"] if running else 0}


def kill(root: Path, cid: str, sig: int, all_processes: bool = False) -> None:
    found = state(root, cid)
    pids = members(found["cgroupsPath"]) if all_processes else [found["pid"]]
    for pid in pids:
        if pid:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass


def members(path: str) -> list[int]:
    procs = cgroups.directories(path)[0] / "cgroup.procs" if path else None
    return [int(p) for p in procs.read_text().split()] if procs and procs.exists() else []


def delete(root: Path, cid: str, force: bool = False) -> None:
    """Remove a stopped container (or, with force, kill it first): its cgroup and its state."""
    found = state(root, cid)
    if found["status"] != "stopped" and not force:
        raise RuntimeError(f"cannot delete container {cid} that is not stopped: {found['status']}")
    for _ in range(100):  # SIGKILL everything in the cgroup until it is empty
        kill(root, cid, signal.SIGKILL, all_processes=True)
        if not members(found["cgroupsPath"]):
            break
        time.sleep(0.01)
    if found["cgroupsPath"]:
        cgroups.remove(found["cgroupsPath"])
    shutil.rmtree(root / cid, ignore_errors=True)


def exec_in(root: Path, cid: str, command: list[str]) -> int:
    """`exec`: one more process in the container's namespaces and cgroup (minirunc_init.exec_process)."""
    found = state(root, cid)
    if found["status"] != "running":
        raise RuntimeError(f"cannot exec in a container that is not running: {found['status']}")
    spec = json.loads((Path(found["bundle"]) / "config.json").read_text())
    return exec_process(found["pid"], found["cgroupsPath"], spec["process"], command)


def run(root: Path, cid: str, bundle: Path, keep: bool) -> int:
    """create + start, then wait: the container's exit code, as `runc run` returns it."""
    middle = create(root, cid, bundle, detach=False)
    try:
        start(root, cid)
        _, status = os.waitpid(middle, 0)
    finally:
        if not keep:
            delete(root, cid, force=True)
    return os.waitstatus_to_exitcode(status)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="minirunc")
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT)
    verbs = parser.add_subparsers(dest="verb", required=True)
    for verb in ("create", "run"):
        sub = verbs.add_parser(verb)
        sub.add_argument("--bundle", "-b", type=Path, default=Path("."))
        sub.add_argument("--keep", action="store_true")
        sub.add_argument("id")
    execute = verbs.add_parser("exec")
    execute.add_argument("id")
    execute.add_argument("command", nargs=argparse.REMAINDER)
    for verb in ("start", "state", "delete", "kill"):
        sub = verbs.add_parser(verb)
        sub.add_argument("--force", "-f", action="store_true")
        sub.add_argument("--all", "-a", action="store_true")
        sub.add_argument("id")
        if verb == "kill":
            sub.add_argument("signal", nargs="?", default="TERM")
    args = parser.parse_args(argv)
    try:
        return dispatch(args)
    except (OSError, RuntimeError, json.JSONDecodeError) as e:
        print(f"minirunc: {e}", file=sys.stderr)
        return 1


def dispatch(args: argparse.Namespace) -> int:
    root, cid = args.root, args.id
    if args.verb == "run":
        return run(root, cid, args.bundle, args.keep)
    if args.verb == "exec":
        return exec_in(root, cid, args.command)
    if args.verb == "create":
        create(root, cid, args.bundle)
    elif args.verb == "start":
        start(root, cid)
    elif args.verb == "state":
        print(json.dumps(state(root, cid), indent=2))
    elif args.verb == "kill":
        name = args.signal if args.signal.startswith("SIG") or args.signal.isdigit() else "SIG" + args.signal
        kill(root, cid, int(name) if name.isdigit() else signal.Signals[name], args.all)
    else:
        delete(root, cid, args.force)
    return 0


if __name__ == "__main__":
    sys.exit(main())
