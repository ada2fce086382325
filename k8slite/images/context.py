"""The build context, what `docker build PATH` sends to the builder: the files COPY
and ADD may read. Here a folder on disk or a dict ("app/main.py" -> content);
``.dockerignore`` is left out. COPY and ADD of files that are not there fail with the
classic builder's words (moby builder/dockerfile/copy.go)."""

from __future__ import annotations

import io
import posixpath
import tarfile
from pathlib import Path

from k8slite.images.dockerfile import BuildError
from k8slite.images.layers import Tree, read_tar


def read_context(context: Path | str | dict[str, bytes | str] | None) -> dict[str, bytes]:
    """Every file of the context by its relative path, as bytes."""
    if context is None:
        return {}
    if isinstance(context, dict):
        return {_clean(p): d.encode() if isinstance(d, str) else d for p, d in context.items()}
    root = Path(context)
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _clean(path: str) -> str:
    return posixpath.normpath(path).lstrip("/").removeprefix("./") if path not in ("", ".", "./") else ""


def copy_changes(files: dict[str, bytes], sources: list[str], dest: str, keyword: str) -> Tree:
    """The files COPY (or ADD, which also unpacks local tar archives) puts in the image, at
    ``dest`` (absolute); a directory source copies its contents, as Docker does."""
    changes = Tree()
    into_dir = dest.endswith("/") or len(sources) > 1
    dest_rel = dest.strip("/")
    for source in sources:
        src = _clean(source)
        if src in files:
            data = files[src]
            if keyword == "ADD" and _is_tar(data):
                _add_tree(changes, read_tar(data), dest_rel)
                continue
            target = posixpath.join(dest_rel, posixpath.basename(src)) if into_dir else dest_rel
            changes.files[target.strip("/")] = data
            continue
        inside = {p[len(src) + 1:] if src else p: d for p, d in files.items() if not src or p.startswith(src + "/")}
        if not inside:
            raise BuildError(f"{keyword} failed: file not found in build context or excluded by .dockerignore: "
                             f"stat {source}: file does not exist")
        _add_tree(changes, Tree(files=inside), dest_rel)
    if dest_rel:
        changes.dirs.add(dest_rel if into_dir or dest_rel not in changes.files else posixpath.dirname(dest_rel))
    changes.dirs.discard("")
    return changes


def _add_tree(changes: Tree, tree: Tree, dest_rel: str) -> None:
    for path, data in tree.files.items():
        changes.files[posixpath.join(dest_rel, path).strip("/")] = data
    changes.dirs |= {posixpath.join(dest_rel, d).strip("/") for d in tree.dirs}


def _is_tar(data: bytes) -> bool:
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:*"):
            return True
    except tarfile.TarError:
        return False

