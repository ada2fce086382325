"""`docker build`, as the classic builder (before BuildKit) did it, for the
instructions of dockerfile.py: each step starts from the image the step before
left, and the steps that change files (RUN, COPY, ADD, a WORKDIR that makes its
folder) add one layer each; the others (ENV, CMD, ENTRYPOINT, LABEL, USER) change
only the config. Its output is the classic builder's::

    Step 2/4 : RUN mkdir /app
     ---> Running in 6d2f0c4e1b7a
    Removing intermediate container 6d2f0c4e1b7a
     ---> 3c1f9a8e2b44

The build cache: a step whose parent image and instruction (and, for COPY/ADD, the
files it copies) are those of an earlier step reuses that step's result and prints
``---> Using cache``. Image IDs are config digests; the "containers" are named by a
hash of the step, so the output repeats. The cache lives in the Builder (one per
layout), not on disk. As in Docker, ENTRYPOINT clears the base image's CMD unless the
Dockerfile set a CMD before it. Simplified: no ARG, no multi-stage builds, no
.dockerignore, no "Sending build context" line.
"""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from k8slite.images.context import copy_changes, read_context
from k8slite.images.dockerfile import BuildError, Instruction, expand, parse
from k8slite.images.image import Image, load, save
from k8slite.images.layers import Tree, make_layer
from k8slite.images.layout import ImageLayout, normalize_reference, sha256_digest
from k8slite.images.run import environment, run_in

PULL_DENIED = ("pull access denied for {name}, repository does not exist or may require 'docker login': "
               "denied: requested access to the resource is denied")


def short_id(digest: str) -> str:
    """The 12 hex digits `docker build` and `docker images` show of an ID."""
    return digest.partition(":")[2][:12]


@dataclass
class BuildResult:
    """What a build made and what it printed."""

    image: Image
    output: list[str] = field(default_factory=list)
    """The lines `docker build` prints."""
    reference: str | None = None

    @property
    def log(self) -> str:
        return "\n".join(self.output) + "\n"


class Builder:
    """Builds Dockerfiles into images stored in one image layout, with a build cache."""

    def __init__(self, layout: ImageLayout | str | Path) -> None:
        self.layout = layout if isinstance(layout, ImageLayout) else ImageLayout(layout)
        self.cache: dict[str, Image] = {}
        """Step key (parent image ID, instruction, copied files) -> the image that step made."""

    def build(self, dockerfile: str, context: Path | str | dict[str, bytes | str] | None = None,
              tag: str | None = None, echo: Callable[[str], None] | None = None) -> BuildResult:
        """Build ``dockerfile`` (its text) with the files of ``context``; tag the image ``tag``.
        ``echo``: called with each output line as it comes (``print`` in a notebook)."""
        steps, files = parse(dockerfile), read_context(context)
        result = BuildResult(Image())
        say = _printer(result.output, echo)
        for number, step in enumerate(steps, start=1):
            say(f"Step {number}/{len(steps)} : {step.text}")
            cmd_set = any(earlier.keyword == "CMD" for earlier in steps[:number - 1])
            result.image = self.step(result.image, step, files, say, cmd_set)
            say(f" ---> {short_id(result.image.id)}")
        save(self.layout, result.image)
        say(f"Successfully built {short_id(result.image.id)}")
        if tag is not None:
            result.reference = normalize_reference(tag)
            save(self.layout, result.image, result.reference)
            say(f"Successfully tagged {result.reference}")
        return result

    def step(self, image: Image, step: Instruction, files: dict[str, bytes], say: Callable[[str], None],
             cmd_set: bool = False) -> Image:
        """The image after one step: from the cache when this step was done before on this parent.
        ``cmd_set``: this Dockerfile set CMD before this step (ENTRYPOINT keeps the CMD only then)."""
        if step.keyword == "FROM":
            return self.base(step.args.split()[0])
        key = step_key(image, step, files, cmd_set)
        if key in self.cache:
            say(" ---> Using cache")
            return self.cache[key]
        if step.keyword in ("COPY", "ADD"):
            made = copy_step(image, step, files)
        else:
            container = key.partition(":")[2][:12]
            say(f" ---> Running in {container}")
            made = run_step(image, step, container, say) if step.keyword == "RUN" else config_step(image, step, cmd_set)
            say(f"Removing intermediate container {container}")
        self.cache[key] = made
        return made

    def base(self, reference: str) -> Image:
        if reference == "scratch":
            return Image()
        try:
            return load(self.layout, reference)
        except KeyError:
            raise BuildError(PULL_DENIED.format(name=reference.partition(":")[0])) from None


def _printer(lines: list[str], echo: Callable[[str], None] | None) -> Callable[[str], None]:
    def say(line: str) -> None:
        lines.append(line)
        if echo is not None:
            echo(line)
    return say


def step_key(image: Image, step: Instruction, files: dict[str, bytes], cmd_set: bool = False) -> str:
    """What decides whether a step's result can be reused: the parent, the instruction and,
    for COPY and ADD, the content of the context (as the classic builder hashed the sources)."""
    parts = [image.id, step.text, str(cmd_set)]
    if step.keyword in ("COPY", "ADD"):
        parts += [f"{path}:{sha256_digest(data)}" for path, data in sorted(files.items())]
    return "sha256:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def run_step(image: Image, step: Instruction, container: str, say: Callable[[str], None]) -> Image:
    argv = step.argv()
    code, output, changes = run_in(image.rootfs(), argv, image.config, container)
    for line in output.splitlines():
        say(line)
    if code != 0:
        # moby builder/dockerfile/dispatchers.go: "The command '%s' returned a non-zero code: %d", argv joined by " "
        raise BuildError(f"The command '{' '.join(argv)}' returned a non-zero code: {code}")
    return image.with_step(f"RUN {step.args}" if step.exec_form() else f"/bin/sh -c {step.args}",
                           make_layer(changes))


def copy_step(image: Image, step: Instruction, files: dict[str, bytes]) -> Image:
    env = environment(image.config)
    words = [expand(w, env) for w in (step.exec_form() or step.args.split()) if not w.startswith("--")]
    if len(words) < 2:
        raise BuildError(f"{step.keyword} requires at least two arguments, but only one was provided. "
                         "Destination could not be determined.")
    dest = posixpath.normpath(posixpath.join(image.config.get("WorkingDir") or "/", words[-1]))
    if words[-1].endswith(("/", ".")) or dest.strip("/") in image.rootfs().all_dirs() or dest == "/":
        dest = dest.rstrip("/") + "/"  # into a folder, as Docker copies into one that exists or ends in "/"
    changes = copy_changes(files, words[:-1], dest, step.keyword)
    return image.with_step(f"{step.keyword} {step.args}", make_layer(changes))


def config_step(image: Image, step: Instruction, cmd_set: bool = False) -> Image:
    """ENV, WORKDIR, CMD, ENTRYPOINT, LABEL, USER: the config changes (WORKDIR may add its folder)."""
    env, created_by = environment(image.config), f'/bin/sh -c #(nop) {step.text}'
    if step.keyword == "ENV":
        merged = {**_env_dict(image.config), **{k: expand(v, env) for k, v in step.pairs().items()}}
        return image.with_step(created_by, Env=[f"{k}={v}" for k, v in merged.items()])
    if step.keyword == "LABEL":
        return image.with_step(created_by, Labels={**image.config.get("Labels", {}), **step.pairs()})
    if step.keyword == "USER":
        return image.with_step(created_by, User=expand(step.args, env))
    if step.keyword == "CMD":
        return image.with_step(created_by, Cmd=step.argv())
    if step.keyword == "ENTRYPOINT":
        # moby builder/dockerfile/dispatchers.go (dispatchEntrypoint): unless this Dockerfile set CMD before,
        # ENTRYPOINT clears the CMD the base image had
        return image.with_step(created_by, Entrypoint=step.argv(), **({} if cmd_set else {"Cmd": None}))
    return workdir_step(image, step, env, created_by)


def _env_dict(config: dict) -> dict[str, str]:
    return dict(item.split("=", 1) for item in config.get("Env", []) if "=" in item)


def workdir_step(image: Image, step: Instruction, env: dict[str, str], created_by: str) -> Image:
    path = posixpath.normpath(posixpath.join(image.config.get("WorkingDir") or "/", expand(step.args, env)))
    root = image.rootfs()
    if path == "/" or path.strip("/") in root.all_dirs():
        return image.with_step(created_by, WorkingDir=path)
    return image.with_step(created_by, make_layer(Tree(dirs={path.strip("/")})), WorkingDir=path)
