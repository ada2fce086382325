"""RUN, as the classic builder runs it: start a container from the image so far,
run the command in it, and commit what it changed as a new layer. Here the
"container" is the fake runtime's: the simulated shell (runtime/shell) on a
FileSystem made from the image's root filesystem, so ``mkdir``, ``echo > file``,
``rm`` and the rest of its busybox subset work, and the layer is the diff of the
files before and after (layers.diff).

Simplified: files are text to the simulated shell, so bytes that are not UTF-8 pass
through as surrogate escapes; USER is not enforced (everything runs as root); sleeps
pass at once, and a command that would run more than 10 minutes is killed.
"""

from __future__ import annotations

from k8slite.images.layers import Tree, diff
from k8slite.runtime.filesystem import FileSystem
from k8slite.runtime.images import DEFAULT_PATH
from k8slite.runtime.shell import ProcessContext, exec_sync

RUN_LIMIT_SECONDS = 600.0


def to_filesystem(root: Tree) -> FileSystem:
    fs = FileSystem({"/" + p: d.decode("utf-8", "surrogateescape") for p, d in root.files.items()})
    fs.root.dirs |= root.all_dirs()
    return fs


def from_filesystem(fs: FileSystem) -> Tree:
    files = {p: d.encode("utf-8", "surrogateescape") for p, d in fs.root.files.items()}
    return Tree(files, {d for d in fs.root.dirs if d})


def environment(config: dict[str, list[str] | str]) -> dict[str, str]:
    """The config's Env ("K=V" strings) as a dict, with the default PATH if it sets none."""
    env = {"PATH": DEFAULT_PATH}
    for item in config.get("Env", []):
        name, equals, value = item.partition("=")
        if equals:
            env[name] = value
    return env


def run_in(root: Tree, argv: list[str], config: dict, hostname: str) -> tuple[int, str, Tree]:
    """Run ``argv`` on a copy of ``root``: (exit code, output, the changes it made)."""
    fs = to_filesystem(root)
    before = from_filesystem(fs)  # the FileSystem adds the usual folders: they are no change of the command's
    output: list[str] = []
    workdir = config.get("WorkingDir") or "/"
    if not fs.is_dir(workdir):
        fs.mkdir(workdir, parents=True)
    ctx = ProcessContext(fs, environment(config), hostname, output.append, cwd=workdir)
    code = exec_sync(argv, ctx, max_seconds=RUN_LIMIT_SECONDS)
    return code, "".join(output), diff(before, from_filesystem(fs))
