"""Reading a Dockerfile, as moby's builder/dockerfile/parser does for the
instructions k8slite builds: FROM, RUN, COPY, ADD, ENV, WORKDIR, CMD, ENTRYPOINT,
LABEL and USER. A line ending in ``\\`` goes on on the next line; ``#`` starts a
comment line; instructions are case-insensitive. RUN, CMD and ENTRYPOINT take the
*exec form* (a JSON array) or the *shell form* (text, run as ``/bin/sh -c``).

Bad input fails with the classic builder's words
(moby builder/dockerfile/instructions/parse.go): ``Dockerfile parse error line 3:
unknown instruction: COPPY``. Left out: ARG, EXPOSE, VOLUME, ONBUILD, HEALTHCHECK,
SHELL, STOPSIGNAL, multi-stage builds, heredocs and parser directives.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass

KNOWN = ("FROM", "RUN", "COPY", "ADD", "ENV", "WORKDIR", "CMD", "ENTRYPOINT", "LABEL", "USER")
NOT_BUILT = ("ARG", "EXPOSE", "VOLUME", "ONBUILD", "HEALTHCHECK", "SHELL", "STOPSIGNAL", "MAINTAINER")


class BuildError(Exception):
    """A build that cannot go on, in the words `docker build` (the classic builder) prints."""


@dataclass(frozen=True)
class Instruction:
    """One instruction of a Dockerfile."""

    line: int
    """Its first line, counting from 1."""
    keyword: str
    """"RUN", upper case."""
    args: str
    """The rest of the instruction, continuation lines joined."""

    @property
    def text(self) -> str:
        """As `docker build` echoes it in "Step 2/5 : RUN ..."."""
        return f"{self.keyword} {self.args}"

    def exec_form(self) -> list[str] | None:
        """The JSON array of the exec form, or None for the shell form."""
        if self.args.startswith("["):
            try:
                value = json.loads(self.args)
            except json.JSONDecodeError:
                return None
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                return value
        return None

    def argv(self) -> list[str]:
        """A command as the runtime runs it: exec form as written, shell form through /bin/sh -c."""
        form = self.exec_form()
        return form if form is not None else ["/bin/sh", "-c", self.args]

    def pairs(self) -> dict[str, str]:
        """ENV and LABEL's ``key=value ...``, or the old ``ENV key value`` form."""
        words = shlex.split(self.args)
        if words and "=" not in words[0]:
            return {words[0]: self.args.split(None, 1)[1] if len(words) > 1 else ""}
        return dict(word.split("=", 1) for word in words)


def parse(text: str) -> list[Instruction]:
    """The instructions of a Dockerfile; BuildError for an instruction no builder knows."""
    instructions: list[Instruction] = []
    pending, start = "", 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if not pending:
            start = number
        if line.endswith("\\"):
            pending += line[:-1].rstrip() + " "
            continue
        instructions.append(_instruction(start, pending + line))
        pending = ""
    if pending.strip():
        instructions.append(_instruction(start, pending))
    if not instructions or instructions[0].keyword != "FROM":
        raise BuildError("no build stage in current context")
    return instructions


def _instruction(line: int, text: str) -> Instruction:
    keyword, _, args = text.strip().partition(" ")
    keyword = keyword.upper()
    if keyword in NOT_BUILT:
        raise BuildError(f"Dockerfile parse error line {line}: k8slite's builder does not build {keyword} yet")
    if keyword not in KNOWN:
        raise BuildError(f"Dockerfile parse error line {line}: unknown instruction: {keyword}")
    return Instruction(line, keyword, args.strip())


def expand(text: str, env: dict[str, str]) -> str:
    """``$NAME`` and ``${NAME}`` from the build's environment, as the builder expands COPY, WORKDIR,
    ENV, LABEL and USER (RUN's variables are the shell's own business)."""
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: env.get(m.group(1) or m.group(2), ""), text)
