"""Binder (repo2docker) files: requirements that match the package, a postBuild that can run."""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
from pathlib import Path

import tomllib

from k8slite.course.__main__ import parse_args

REPO = Path(__file__).resolve().parents[2]
BINDER = REPO / "binder"


def requirement_names(path: Path) -> set[str]:
    """Package names of a requirements file, following `-r` includes as pip does (relative to the file)."""
    names: set[str] = set()
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("-r"):
            names |= requirement_names(path.parent / line[2:].strip())
        elif line:
            names.add(re.split(r"[\s<>=!~\[;]", line, maxsplit=1)[0].lower())
    return names


def commands() -> list[list[str]]:
    lines = (BINDER / "postBuild").read_text().splitlines()
    return [shlex.split(line) for line in lines if line.strip() and not line.lstrip().startswith("#")]


def test_requirements_hold_every_runtime_dependency_and_jupyterlab() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    wanted = {re.split(r"[\s<>=!~\[;]", d, maxsplit=1)[0].lower() for d in project["dependencies"]}
    binder = requirement_names(BINDER / "requirements.txt")
    assert wanted | {"jupyterlab", "ipywidgets"} <= binder, sorted(wanted - binder)
    assert requirement_names(BINDER / "requirements.txt") == requirement_names(REPO / "requirements.txt")


def test_post_build_is_an_executable_script_that_installs_the_package() -> None:
    post_build = BINDER / "postBuild"
    assert os.access(post_build, os.X_OK), "chmod +x binder/postBuild"
    assert post_build.read_text().startswith("#!/bin/bash\n")
    steps = commands()
    assert steps[0] == ["set", "-euo", "pipefail"]
    assert steps[1] == ["cd", "$(dirname $0)/.."]  # the repository, wherever repo2docker runs it from
    assert ["python", "-m", "pip", "install", "--no-deps", "--editable", "."] in steps
    assert (REPO / "pyproject.toml").is_file()


def test_post_build_runs_existing_modules_and_writes_the_workspace_the_link_opens() -> None:
    for step in commands():
        if step[:2] == ["python", "-m"]:
            assert importlib.util.find_spec(step[2]) is not None, step
    workspace = [s for s in commands() if s[:3] == ["python", "-m", "k8slite.course"]]
    assert len(workspace) == 1
    args = parse_args(workspace[0][3:])
    assert args.command == "workspace" and str(args.dir) == "workspace"
    readme = (REPO / "README.md").read_text()
    assert "https://mybinder.org/v2/gh/<account>/<repository>/HEAD?urlpath=lab/tree/workspace" in readme
    assert "OWNER" not in readme, "no placeholder on the first screen"


def test_runtime_is_a_python_the_package_accepts() -> None:
    runtime = (BINDER / "runtime.txt").read_text().strip()
    match = re.fullmatch(r"python-3\.(\d+)", runtime)
    assert match and int(match.group(1)) >= 10
