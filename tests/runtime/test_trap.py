"""Signals and ``trap``: what busybox's ash does with the SIGTERM that stops a container.

The expected behaviour comes from busybox's shell/ash.c (trapcmd lists and sets traps,
dotrap runs them between commands, waitcmd returns 128 + the signal's number) and was
checked against the real busybox image; tests/test_parity.py checks it on Docker too.
"""

from __future__ import annotations

import pytest
from builders import make_pod

from k8slite import Cluster
from k8slite.clock import VirtualClock
from k8slite.runtime.fake import FakeNetwork, FakeRuntime
from k8slite.runtime.filesystem import FileSystem
from k8slite.runtime.shell import ProcessContext, run_script

GRACE = 30.0  # terminationGracePeriodSeconds' default (pkg/apis/core/v1/defaults.go)


def script(text: str) -> tuple[int, str]:
    """`sh -c text` run to its end: exit code and output."""
    log: list[str] = []
    process = run_script(text, ProcessContext(fs=FileSystem(), env={}, hostname="p", write=log.append))
    while True:
        try:
            next(process)
        except StopIteration as stop:
            return int(stop.value), "".join(log)


def stopped(command: str, stop_at: float = 5.0) -> tuple[int | None, str | None, float | None, str]:
    """Start `sh -c command` on a fake node, stop it at `stop_at` (SIGTERM, SIGKILL after the grace
    period), and say how it ended: exit code, reason, when, and its log."""
    clock = VirtualClock()
    runtime = FakeRuntime(clock, FakeNetwork(), "node-1")
    pod = make_pod("p", command=command)
    sandbox = runtime.run_pod_sandbox(pod, "10.244.1.2")
    container_id = runtime.create_container(sandbox, pod, pod.spec.containers[0])
    runtime.start_container(container_id)
    clock.run(stop_at)
    runtime.stop_container(container_id, GRACE)
    clock.run(stop_at + 100)
    info = runtime.container_status(container_id)
    return info.exit_code, info.reason, info.finished_at, runtime.logs(container_id)


@pytest.mark.parametrize("command, ending", [
    # wait is interrupted at once; the trap's `exit 3` is the container's exit code
    ("trap 'echo bye; exit 3' TERM; sleep 3600 & wait", (3, "Error", 5.0, "bye\n")),
    # a trap that does not exit: wait returns 128 + 15 and the script goes on to its end
    ("trap 'echo bye' TERM; sleep 3600 & wait; echo after $?", (0, "Completed", 5.0, "bye\nafter 143\n")),
    # a foreground sleep delays the trap until it ends: SIGKILL at 5 + 30 s comes first
    ("trap 'echo bye; exit 3' TERM; sleep 3600", (137, "Error", 35.0, "")),
    # ... unless it ends within the grace period (at 12 s); the trap runs before the next command
    ("trap 'echo bye; exit 3' TERM; sleep 12; echo slept", (3, "Error", 12.0, "bye\n")),
    # ... and a subshell's sleep too: the trap runs when the subshell is done
    ("trap 'echo bye; exit 3' TERM; (sleep 12); echo slept", (3, "Error", 12.0, "bye\n")),
    # the EXIT trap runs when the TERM trap exits
    ("trap 'echo bye' EXIT; trap 'exit 5' TERM; sleep 3600 & wait", (5, "Error", 5.0, "bye\n")),
    # no trap, or an ignored or reset one: PID 1 has no handler for SIGTERM
    ("sleep 3600 & wait", (137, "Error", 35.0, "")),
    ("trap '' TERM; sleep 3600 & wait", (137, "Error", 35.0, "")),
    ("trap 'exit 3' TERM; trap - TERM; sleep 3600 & wait", (137, "Error", 35.0, "")),
    # a trap that loops on: the grace period ends it
    ("trap 'echo bye' TERM; while true; do sleep 1; done", (137, "Error", 35.0, "bye\n")),
    ("trap 'exit 3' SIGTERM; trap 'exit 4' 15; sleep 3600 & wait", (4, "Error", 5.0, "")),
    # exec replaces the shell: the new program has no handler, and no EXIT trap runs
    ("trap 'exit 3' TERM; trap 'echo bye' EXIT; exec sleep 3600", (137, "Error", 35.0, "")),
])
def test_sigterm_to_a_shell_pid_1(command: str, ending: tuple) -> None:
    assert stopped(command) == ending


def test_background_jobs_keep_their_time_after_an_interrupted_wait() -> None:
    # the job's next tick is due at 6 s; the trap at 5 s leaves it on schedule
    command = "trap 'echo trapped' TERM; (while true; do echo tick; sleep 3; done) & wait; sleep 2; echo end"
    assert stopped(command)[3] == "tick\ntick\ntrapped\ntick\nend\n"


@pytest.mark.parametrize("text, code, output", [
    # busybox ash lists traps by signal number, quoted as `trap -- 'ACTION' NAME`
    ("trap 'echo bye; exit 3' TERM; trap 'echo done' EXIT; trap", 0,
     "trap -- 'echo done' EXIT\ntrap -- 'echo bye; exit 3' TERM\ndone\n"),
    ("trap x sigint; trap '' 15; trap \"it's\" HUP; trap", 0,
     "trap -- 'it'\"'\"'s' HUP\ntrap -- 'x' INT\ntrap -- '' TERM\n"),
    ("trap x INT TERM; trap 2; trap - TERM; trap; echo none", 0, "none\n"),
    ("trap foo FOO", 1, "sh: trap: FOO: invalid signal specification\n"),
    ("trap -p", 2, "sh: trap: illegal option -p\n"),
    ("trap 'echo bye' EXIT; exit 4", 4, "bye\n"),
    ("trap 'echo status $?; exit 6' EXIT; false", 6, "status 1\n"),
    ("trap 'echo outer' EXIT; (echo sub); echo main", 0, "sub\nmain\nouter\n"),
    ("trap '' INT; (trap)", 0, "trap -- '' INT\n"),
    ("trap 'echo bye' EXIT; exec echo hi", 0, "hi\n"),  # exec replaces the shell, EXIT trap and all
])
def test_trap_builtin(text: str, code: int, output: str) -> None:
    assert script(text) == (code, output)


def test_deleting_a_pod_whose_shell_traps_sigterm_ends_at_once() -> None:
    with Cluster(nodes=1) as c:
        c.apply(make_pod("trapper", command="trap 'echo bye; exit 3' TERM; sleep 3600 & wait"))
        c.apply(make_pod("ignorer", command="sleep 3600 & wait"))
        c.run(5)
        c.delete("pod", "trapper")
        c.delete("pod", "ignorer")
        c.run(5)
        # the STATUS column of pkg/printers/internalversion/printers.go: "Terminating" until SIGKILL
        assert [p.name for p in c.get("pods")] == ["ignorer"]
        assert "Terminating" in c.kubectl("get pod ignorer")
        c.run(30)
        assert c.get("pods") == []
