"""A terminal for the fake runtime's `kubectl exec -it POD -- sh`: the pseudo-terminal a real runtime
gives the process, with the kernel's line discipline (n_tty, canonical mode with echo) in front of it.

With -t, kubectl puts the local terminal in raw mode and sends each key as it is
pressed, so the remote terminal does what the local one no longer does: it
echoes what is typed and keeps the line until Enter (whose carriage return
becomes "\\n", ICRNL); Backspace (DEL) takes a character back and Ctrl-U the
whole line; Ctrl-C drops the line (`^C`, a new prompt: the interrupt a shell
at its prompt ignores); Ctrl-D on an empty line is the end of input. On the
way out each "\\n" becomes "\\r\\n" (ONLCR). The shell behind it
(runtime/shell/interactive.py) gets whole lines. Left out: the window size
(kubectl's resize messages are read and dropped), raw-mode programs (vi,
top), tab completion and history; escape sequences (arrow keys) are dropped.
"""

from __future__ import annotations

from typing import Any

from k8slite.runtime.shell.interactive import InteractiveShell

INTERRUPT, END_OF_INPUT, KILL_LINE, ESCAPE = "\x03", "\x04", "\x15", "\x1b"
ERASE = ("\x7f", "\b")


def onlcr(text: str) -> str:
    """Output through a terminal: each "\\n" becomes "\\r\\n"."""
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


class LineDiscipline:
    """Keys in, one at a time: what to echo, and a line when Enter (or Ctrl-C, Ctrl-D) ends one."""

    def __init__(self) -> None:
        self.line: list[str] = []
        self.escape = ""  # an escape sequence being swallowed

    def key(self, key: str) -> tuple[str, str | None]:
        """(the echo, the line ended by this key: its text with "\\n", INTERRUPT, END_OF_INPUT, or None)."""
        if self.escape or key == ESCAPE:
            self.escape += key  # ESC [ A: done at its final byte, a letter or ~
            if len(self.escape) > 1 and (self.escape[-1].isalpha() or self.escape[-1] == "~"):
                self.escape = ""
            return "", None
        if key in "\r\n":
            line, self.line = "".join(self.line) + "\n", []
            return "\r\n", line
        if key in ERASE:
            if not self.line:
                return "", None
            self.line.pop()
            return "\b \b", None
        if key == KILL_LINE:
            erased, self.line = "\b \b" * len(self.line), []
            return erased, None
        if key == INTERRUPT:
            self.line = []
            return "^C\r\n", INTERRUPT
        if key == END_OF_INPUT:
            return "", (None if self.line else END_OF_INPUT)
        if key == "\t" or key >= " ":
            self.line.append(key)
            return key, None
        return "", None  # other control keys


class TerminalSession:
    """An interactive shell on a terminal: `start()` gives the first prompt, `type(keys)` what the
    terminal shows back; `exit_code` once the shell has exited."""

    def __init__(self, shell: InteractiveShell) -> None:
        self.shell = shell
        self.discipline = LineDiscipline()

    @property
    def exit_code(self) -> int | None:
        return self.shell.exit_code

    def start(self) -> str:
        return self.shell.prompt()

    def type(self, keys: str) -> str:
        shown: list[str] = []
        for key in keys:
            if self.exit_code is not None:
                break  # what was typed after `exit` goes nowhere
            echo, line = self.discipline.key(key)
            shown.append(echo)
            if line == END_OF_INPUT:
                shown.append(onlcr(self.shell.end_of_input()))
            elif line is not None:
                shown.append(onlcr(self.shell.run_line(line)) if line != INTERRUPT else "")
                if self.exit_code is None:
                    shown.append(self.shell.prompt())
        return "".join(shown)


def open_terminal(runtime: Any, container_id: str, command: list[str]) -> TerminalSession | None:
    """A terminal on the container (`kubectl exec -it`) if the runtime has terminals (the fake one), else None."""
    opener = getattr(runtime, "open_terminal", None)
    return opener(container_id, command) if opener else None
