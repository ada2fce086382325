"""Which user a container's first process runs as: uid, primary gid, supplementary groups.

Mirrors what containerd (and runc) do with the CRI request's user fields
(cri.LinuxSecurity): runAsUser, else the image's USER (`1000`, `1000:3000`,
or a name looked up in the image's /etc/passwd), else root; runAsGroup, else
that user's group in /etc/passwd, else 0; the supplementary groups are the
primary group plus the request's (fsGroup and supplementalGroups), as
`id` prints them (the kernel keeps them sorted). Left out: the groups
/etc/group gives a user (containerd's "Merge"), and user namespaces.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from k8slite.runtime.cri import LinuxSecurity


@dataclass(frozen=True, slots=True)
class ProcessUser:
    uid: int = 0
    gid: int = 0
    groups: tuple[int, ...] = (0,)
    """Sorted, each once, the primary group among them."""


ROOT = ProcessUser()


def entries(text: str) -> list[list[str]]:
    """The colon-separated lines of /etc/passwd or /etc/group."""
    return [line.split(":") for line in text.splitlines() if line and not line.startswith("#")]


def passwd_user(passwd: str, name_or_uid: str) -> tuple[int, int] | None:
    """(uid, gid) of a user named, or numbered, in /etc/passwd."""
    for fields in entries(passwd):
        if len(fields) > 3 and name_or_uid in (fields[0], fields[2]) and fields[2].isdigit() and fields[3].isdigit():
            return int(fields[2]), int(fields[3])
    return None


@lru_cache(maxsize=256)
def process_user(security: LinuxSecurity, image_user: str, passwd: str) -> ProcessUser:
    """The user the runtime starts the container's process as (containerd's WithUser/WithAdditionalGIDs).
    Simplified: an image USER that names nobody in /etc/passwd runs as root here (runc refuses to start it)."""
    name, _, group = image_user.partition(":")
    found = passwd_user(passwd, str(security.run_as_user) if security.run_as_user is not None else name or "0")
    if security.run_as_user is not None:
        uid = security.run_as_user
    else:
        uid = int(name) if name.isdigit() else (found[0] if found else 0)
    if security.run_as_group is not None:
        gid = security.run_as_group
    elif group.isdigit() and security.run_as_user is None:
        gid = int(group)
    else:
        gid = found[1] if found else 0
    return ProcessUser(uid, gid, tuple(sorted({gid, *security.supplemental_groups})))


def names(text: str, field: int = 2) -> dict[int, str]:
    """id -> name from /etc/passwd (field 2: uid) or /etc/group (field 2: gid)."""
    return {int(f[field]): f[0] for f in entries(text) if len(f) > field and f[field].isdigit()}
