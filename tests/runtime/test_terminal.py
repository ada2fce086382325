"""The fake runtime's terminal: ash's interactive mode behind a pty's line discipline (`kubectl exec -it`)."""

from __future__ import annotations

import pytest

from k8slite.runtime.filesystem import FileSystem
from k8slite.runtime.shell import ProcessContext
from k8slite.runtime.shell.interactive import InteractiveShell, is_interactive
from k8slite.runtime.terminal import END_OF_INPUT, INTERRUPT, LineDiscipline, TerminalSession


def session() -> TerminalSession:
    ctx = ProcessContext(fs=FileSystem(), env={"HOME": "/root"}, hostname="web", write=lambda text: None)
    return TerminalSession(InteractiveShell(ctx))


@pytest.mark.parametrize("argv, interactive", [
    (["sh"], True), (["/bin/sh"], True), (["bash", "-l"], True), (["sh", "-i"], True),
    (["sh", "-c", "echo hi"], False), (["sh", "script.sh"], False), (["cat"], False), ([], False),
])
def test_which_commands_are_interactive_shells(argv: list[str], interactive: bool) -> None:
    assert is_interactive(argv) is interactive


@pytest.mark.parametrize("keys, echo, lines", [
    ("ls\r", "ls\r\n", ["ls\n"]),                                     # Enter: the line, with its "\n"
    ("lx\x7fs\r", "lx\b \bs\r\n", ["ls\n"]),                          # Backspace (DEL) rubs out
    ("\x7f", "", []),                                                 # nothing to rub out
    ("abc\x15ls\r", "abc\b \b\b \b\b \bls\r\n", ["ls\n"]),            # Ctrl-U: the whole line
    ("sleep 9\x03", "sleep 9^C\r\n", [INTERRUPT]),                    # Ctrl-C drops the line
    ("\x04", "", [END_OF_INPUT]),                                     # Ctrl-D on an empty line
    ("ab\x04", "ab", []),                                             # ... and not on a line being typed
    ("\x1b[Als\r", "ls\r\n", ["ls\n"]),                               # an arrow key's escape sequence
])
def test_the_line_discipline(keys: str, echo: str, lines: list[str]) -> None:
    discipline, shown, ended = LineDiscipline(), "", []
    for key in keys:
        out, line = discipline.key(key)
        shown += out
        ended += [line] if line is not None else []
    assert (shown, ended) == (echo, lines)


def test_a_session_keeps_the_shell_between_lines() -> None:
    terminal = session()
    assert terminal.start() == "/ # "
    assert terminal.type("mkdir /work; cd /work; N=2\r") == "mkdir /work; cd /work; N=2\r\n/work # "
    assert terminal.type("echo $PWD $((N*3))\r") == "echo $PWD $((N*3))\r\n/work 6\r\n/work # "
    assert terminal.type("nosuch\r") == "nosuch\r\nsh: nosuch: not found\r\n/work # "
    assert terminal.type("exit 5\recho never\r") == "exit 5\r\n"  # what follows exit goes nowhere
    assert terminal.exit_code == 5


def test_ctrl_c_gives_a_new_prompt_and_ctrl_d_ends_with_the_last_status() -> None:
    terminal = session()
    assert terminal.type("sleep 100\x03") == "sleep 100^C\r\n/ # "
    assert terminal.type("false\r") == "false\r\n/ # "
    assert terminal.exit_code is None
    assert terminal.type("\x04") == ""
    assert terminal.exit_code == 1


def test_a_line_that_sleeps_too_long_kills_the_shell() -> None:
    terminal = session()
    terminal.type("sleep 61\r")
    assert terminal.exit_code == 137
