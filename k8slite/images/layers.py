"""Layers, as image-spec's layer.md defines them: each layer is a tar archive of
the changes one build step made to the filesystem (a *changeset*), gzipped. A file
that is added or changed is in the tar whole; a file or folder that is deleted is
an empty *whiteout* file ``.wh.<name>`` beside where it was. Stacking the layers in
order, applying each one's whiteouts, gives the image's root filesystem.

Two digests name one layer. The *diff_id* is the sha256 of the uncompressed tar: the
config lists those (``rootfs.diff_ids``), since they say what the files are. The
layer's *digest* is the sha256 of the gzipped blob: the manifest lists those, since
they say what to download. Both must repeat for the same files, so the tar is made
deterministic: entries sorted, every mtime 0, owner root, and gzip's own mtime 0.

Simplified: files are regular files and folders only (no symlinks, hard links or
devices), modes are 0644 and 0755, and opaque whiteouts (``.wh..wh..opq``) are
neither written nor read.
"""

from __future__ import annotations

import gzip
import io
import tarfile
from dataclasses import dataclass, field

from k8slite.images.layout import LAYER, Descriptor, describe, sha256_digest

WHITEOUT = ".wh."


@dataclass
class Tree:
    """A root filesystem, or the changes of one layer: paths relative to "/" (no leading slash)."""

    files: dict[str, bytes] = field(default_factory=dict)
    """"etc/passwd" -> content."""
    dirs: set[str] = field(default_factory=set)
    """Folders, "usr/local/bin" (a folder of a file is implied; these may be empty)."""
    deleted: set[str] = field(default_factory=set)
    """Paths this layer removes from the layers below (written as whiteouts)."""

    def copy(self) -> Tree:
        return Tree(dict(self.files), set(self.dirs), set(self.deleted))

    def all_dirs(self) -> set[str]:
        """Every folder, the implied ones included."""
        found = set(self.dirs)
        for path in [*self.files, *self.dirs]:
            parts = path.split("/")[:-1]
            found.update("/".join(parts[: i + 1]) for i in range(len(parts)))
        return found


@dataclass(frozen=True)
class Layer:
    """One layer blob and what names it."""

    blob: bytes
    """The gzipped tar, as stored and pushed."""
    diff_id: str
    """sha256 of the uncompressed tar (the config's rootfs.diff_ids)."""

    @property
    def descriptor(self) -> Descriptor:
        return describe(LAYER, self.blob)

    @property
    def digest(self) -> str:
        return self.descriptor.digest


def make_layer(changes: Tree) -> Layer:
    """The layer for a changeset: a deterministic tar, then a deterministic gzip."""
    entries: dict[str, bytes | None] = {d: None for d in changes.all_dirs()}
    entries.update(changes.files)
    for path in changes.deleted:
        parent, _, name = path.rpartition("/")
        entries["/".join(p for p in (parent, WHITEOUT + name) if p)] = b""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for path in sorted(entries):
            tar.addfile(*_entry(path, entries[path]))
    tar_bytes = raw.getvalue()
    return Layer(gzip.compress(tar_bytes, mtime=0), sha256_digest(tar_bytes))


def _entry(path: str, data: bytes | None) -> tuple[tarfile.TarInfo, io.BytesIO | None]:
    info = tarfile.TarInfo(path)
    info.mtime, info.uid, info.gid, info.uname, info.gname = 0, 0, 0, "root", "root"
    if data is None:
        info.type, info.mode = tarfile.DIRTYPE, 0o755
        return info, None
    info.size, info.mode = len(data), 0o644
    return info, io.BytesIO(data)


def read_layer(blob: bytes) -> Tree:
    """The changeset a layer blob holds, whiteouts read back into ``deleted``."""
    return read_tar(gzip.decompress(blob))


def read_tar(tar_bytes: bytes) -> Tree:
    """The files, folders and whiteouts of a tar archive (plain or compressed)."""
    changes = Tree()
    with tarfile.open(fileobj=io.BytesIO(tar_bytes), mode="r:*") as tar:
        for member in tar.getmembers():
            path = member.name.strip("/").removeprefix("./")
            parent, _, name = path.rpartition("/")
            if name.startswith(WHITEOUT):
                changes.deleted.add("/".join(p for p in (parent, name[len(WHITEOUT):]) if p))
            elif member.isdir():
                changes.dirs.add(path)
            elif member.isfile():
                extracted = tar.extractfile(member)
                changes.files[path] = extracted.read() if extracted else b""
    return changes


def apply_layer(root: Tree, changes: Tree) -> Tree:
    """``root`` with one layer on top: its whiteouts remove, then its files and folders land."""
    out = root.copy()
    for gone in changes.deleted:
        prefix = gone + "/"
        out.files = {p: d for p, d in out.files.items() if p != gone and not p.startswith(prefix)}
        out.dirs = {d for d in out.dirs if d != gone and not d.startswith(prefix)}
    out.files.update(changes.files)
    out.dirs |= changes.dirs
    out.deleted = set()
    return out


def unpack(blobs: list[bytes]) -> Tree:
    """The root filesystem of an image: its layers applied in order, lowest first."""
    root = Tree()
    for blob in blobs:
        root = apply_layer(root, read_layer(blob))
    return root


def diff(before: Tree, after: Tree) -> Tree:
    """The changeset from ``before`` to ``after``: new or changed files, new folders, and a
    whiteout for each removed path whose parent is still there (a removed folder is one whiteout)."""
    changes = Tree()
    changes.files = {p: d for p, d in after.files.items() if before.files.get(p) != d}
    old_dirs, new_dirs = before.all_dirs(), after.all_dirs()
    changes.dirs = new_dirs - old_dirs
    removed = (set(before.files) - set(after.files)) | (old_dirs - new_dirs)
    changes.deleted = {p for p in removed if p.rpartition("/")[0] not in removed}
    return changes


def layer_of(blobs: list[bytes], path: str) -> int | None:
    """Which layer (0 = the lowest) the file at ``path`` in the image's root filesystem came from:
    the last layer that wrote it; None when the image has no such file."""
    path = path.strip("/")
    found: int | None = None
    for number, blob in enumerate(blobs):
        changes = read_layer(blob)
        if path in changes.files:
            found = number
        elif any(path == gone or path.startswith(gone + "/") for gone in changes.deleted):
            found = None
    return found
