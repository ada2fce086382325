"""A container's filesystem: the image's files plus mounted volumes, like the root
filesystem and bind mounts a real runtime sets up; it leaves out permissions, owners,
timestamps, links, devices (except /dev/null) and binary data: every file is text.

Each container gets its own copy of the image's files (the "writable layer"), so one
container's ``touch /tmp/healthy`` is invisible to its neighbours. A *Volume* is
different: it is one directory tree that several containers mount, the way an
emptyDir volume is shared by the containers of a pod. A path is looked up in the
mount with the longest matching prefix, falling back to the container's own root.
A mount may show only part of a volume (a `subPath`): one folder, or one file.
A mount may be read-only (a volumeMount's `readOnly`), and so may the root itself
(readOnlyRootFilesystem): writing there fails with EROFS, "Read-only file system".

Paths given here are absolute; the shell resolves relative ones against its working
directory first. ``normpath`` tidies "..", "." and repeated or trailing slashes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

# Directories every container has, whatever its image (a rough Linux FHS).
DEFAULT_DIRS = (
    "/bin", "/data", "/dev", "/etc", "/home", "/lib", "/mnt", "/opt", "/proc",
    "/root", "/run", "/sbin", "/srv", "/sys", "/tmp", "/usr", "/usr/bin",
    "/usr/local", "/usr/local/bin", "/usr/sbin", "/var", "/var/log", "/var/tmp",
)
DEV_NULL = "/dev/null"
# every container's root starts with these (relative) directories: one set shared by all, until a
# container makes a directory of its own (Volume.add_dir), as a real runtime shares an image's layers
DEFAULT_ROOT_DIRS = frozenset(d[1:] for d in DEFAULT_DIRS)


def normpath(path: str) -> str:
    """The absolute, tidy form of ``path``: "//a/./b/../c/" -> "/a/c"."""
    if path[:1] == "/" and path[-1:] != "/" and "//" not in path and "/." not in path:
        return path  # tidy already (most are)
    if path == "/":
        return path
    parts: list[str] = []
    for part in path.split("/"):
        if part == "..":
            if parts:
                parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/" + "/".join(parts)


def _error(kind: type[OSError], errno: int, message: str, path: str) -> OSError:
    return kind(errno, message, path)


def _parent(rel: str) -> str:
    return rel.rpartition("/")[0]


@dataclass(slots=True)
class Volume:
    """A directory tree that containers mount (an emptyDir, a pod's /dev/shm)."""

    files: dict[str, str] = field(default_factory=dict)
    """Relative path (no leading slash, e.g. "a/b.txt") -> content."""
    dirs: set[str] | frozenset[str] = field(default_factory=set)
    """Relative directories that exist besides those implied by files (change it with add_dir)."""
    capacity: int | None = None
    """Bytes it may hold (a tmpfs's size, for an emptyDir with medium Memory); None: no limit."""

    def add_dir(self, rel: str) -> None:
        """Record the directory `rel`; a shared set (root_dirs) is copied first, the volume's own one added to."""
        if rel not in self.dirs:
            own = self.dirs if isinstance(self.dirs, set) else set(self.dirs)
            own.add(rel)
            self.dirs = own

    def is_dir(self, rel: str) -> bool:
        if rel == "" or rel in self.dirs:
            return True
        prefix = rel + "/"
        return any(p.startswith(prefix) for p in (*self.files, *self.dirs))

    def children(self, rel: str) -> set[str]:
        """Names directly inside the directory ``rel``."""
        prefix = rel + "/" if rel else ""
        return {
            p[len(prefix):].split("/")[0]
            for p in (*self.files, *self.dirs)
            if p.startswith(prefix) and p != rel
        }


@lru_cache(maxsize=256)
def root_dirs(made: frozenset[str]) -> frozenset[str]:
    """A new root's directories: the defaults plus those an image's files and the mounts need. Containers
    of the same image and mounts share one set, until one makes a directory of its own (Volume.add_dir)."""
    return DEFAULT_ROOT_DIRS | made


class FileSystem:
    """The files one container sees: its own root plus shared mounts."""

    def __init__(
        self, base: dict[str, str] | None = None, mounts: dict[str, Volume | tuple[Volume, str]] | None = None,
        read_only: frozenset[str] = frozenset(),
    ) -> None:
        self.read_only = frozenset(normpath(p) for p in read_only)
        """The mount points (and "/" for the root) where nothing may be written."""
        self.root = Volume(files={DEV_NULL[1:]: ""})
        made: set[str] = set()
        for path, content in (base or {}).items():
            rel = normpath(path)[1:]
            self.root.files[rel] = content
            made.add(_parent(rel))
        tidy = {normpath(p): v if isinstance(v, tuple) else (v, "") for p, v in (mounts or {}).items()}
        self.mounts = dict(sorted(tidy.items(), key=lambda item: len(item[0]), reverse=True))
        """Mount point -> (volume, subPath), the longest first: the first that holds a path is its mount."""
        made.update(_parent(mount[1:]) for mount in self.mounts)  # a mount point's parents exist in the root
        self.root.dirs = root_dirs(frozenset(made - {""}))

    def mount_point(self, path: str) -> str:
        """The mount that holds the tidy absolute ``path``: the longest that is a prefix, or "/" for the root."""
        for mount in self.mounts:
            if path == mount or path.startswith(mount.rstrip("/") + "/"):
                return mount
        return "/"

    def locate(self, path: str) -> tuple[Volume, str]:
        """The volume holding ``path`` and the path relative to that volume."""
        path = normpath(path)
        mount = self.mount_point(path)
        if mount == "/":
            return self.root, path[1:]
        volume, sub_path = self.mounts[mount]  # a subPath mount shows one folder or file of the volume
        return volume, "/".join(p for p in (sub_path, path[len(mount):].strip("/")) if p)

    def writable(self, path: str) -> None:
        """Raise EROFS when ``path`` is on a read-only mount (or a read-only root)."""
        if self.read_only and self.mount_point(normpath(path)) in self.read_only:
            raise _error(OSError, 30, "Read-only file system", path)

    def read(self, path: str) -> str:
        volume, rel = self.locate(path)
        if rel in volume.files:
            return volume.files[rel]
        if volume.is_dir(rel):
            raise _error(IsADirectoryError, 21, "Is a directory", path)
        raise _error(FileNotFoundError, 2, "No such file or directory", path)

    def write(self, path: str, data: str, append: bool = False) -> None:
        if normpath(path) == DEV_NULL:
            return
        volume, rel = self.locate(path)
        if volume.is_dir(rel):
            raise _error(IsADirectoryError, 21, "Is a directory", path)
        self.writable(path)
        if not volume.is_dir(_parent(rel)):
            raise _error(FileNotFoundError, 2, "No such file or directory", path)
        old = volume.files.get(rel, "") if append else ""
        if volume.capacity is not None and data:
            used = sum(len(text.encode()) for name, text in volume.files.items() if name != rel)
            if used + len((old + data).encode()) > volume.capacity:
                raise _error(OSError, 28, "No space left on device", path)
        volume.files[rel] = old + data

    def exists(self, path: str) -> bool:
        volume, rel = self.locate(path)
        return rel in volume.files or volume.is_dir(rel)

    def is_dir(self, path: str) -> bool:
        volume, rel = self.locate(path)
        return rel not in volume.files and volume.is_dir(rel)

    def mkdir(self, path: str, parents: bool = False) -> None:
        path = normpath(path)
        if self.exists(path):
            if parents and self.is_dir(path):
                return
            raise _error(FileExistsError, 17, "File exists", path)
        parent = path.rpartition("/")[0] or "/"
        if not parents and not self.is_dir(parent):
            raise _error(FileNotFoundError, 2, "No such file or directory", path)
        if parents and parent != "/":
            self.mkdir(parent, parents=True)
        self.writable(path)
        volume, rel = self.locate(path)
        volume.add_dir(rel)

    def remove(self, path: str, recursive: bool = False) -> None:
        volume, rel = self.locate(path)
        if rel in volume.files or (volume.is_dir(rel) and rel):
            self.writable(path)
        if rel in volume.files:
            del volume.files[rel]
            if _parent(rel):  # the directory stays when its last file goes
                volume.add_dir(_parent(rel))
            return
        if not volume.is_dir(rel):
            raise _error(FileNotFoundError, 2, "No such file or directory", path)
        if rel == "":
            raise _error(OSError, 16, "Device or resource busy", path)
        if not recursive:
            raise _error(IsADirectoryError, 21, "Is a directory", path)
        prefix = rel + "/"
        for name in [f for f in volume.files if f.startswith(prefix)]:
            del volume.files[name]
        volume.dirs -= {d for d in volume.dirs if d == rel or d.startswith(prefix)}

    def listdir(self, path: str) -> list[str]:
        path = normpath(path)
        volume, rel = self.locate(path)
        if rel in volume.files:
            raise _error(NotADirectoryError, 20, "Not a directory", path)
        if not volume.is_dir(rel):
            raise _error(FileNotFoundError, 2, "No such file or directory", path)
        names = volume.children(rel)
        names |= {m.rpartition("/")[2] for m in self.mounts if m != "/" and
                  (m.rpartition("/")[0] or "/") == path}
        return sorted(names)
