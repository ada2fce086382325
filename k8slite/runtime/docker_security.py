"""A container's user and privileges, as the Docker runtime hands them to the engine.

Mirrors dockershim's modifyContainerConfig and modifyHostConfig
(security_context.go): runAsUser becomes the container's `User`, with
`:runAsGroup` after it (a group without a user goes with the image's user,
whose uid the kubelet would have filled in); fsGroup and supplementalGroups
become `GroupAdd`; readOnlyRootFilesystem `ReadonlyRootfs`; privileged,
capabilities and allowPrivilegeEscalation: false become `Privileged`,
`CapAdd`/`CapDrop` and the `no-new-privileges` security option. Docker's runc
then calls setgroups (the primary group among them, as containerd's), setgid
and setuid before it runs the command: `id` says `uid=1000 gid=3000
groups=2000,3000` on Docker as on the fake runtime.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from k8slite.runtime.cri import LinuxSecurity


def docker_user(security: LinuxSecurity, image_user: Callable[[], str]) -> str:
    """The `User` for a container with runAsUser or runAsGroup: "1000", "1000:3000", or "<image's>:3000"."""
    user = str(security.run_as_user) if security.run_as_user is not None else image_user().partition(":")[0] or "0"
    return f"{user}:{security.run_as_group}" if security.run_as_group is not None else user


def security_options(security: LinuxSecurity) -> dict[str, Any]:
    """create_host_config's arguments for what the security context asks (none for an empty one)."""
    options: dict[str, Any] = {}
    if security.supplemental_groups:
        options["group_add"] = [str(group) for group in security.supplemental_groups]
    if security.readonly_rootfs:
        options["read_only"] = True
    if security.privileged:
        options["privileged"] = True
    if security.add_capabilities:
        options["cap_add"] = list(security.add_capabilities)
    if security.drop_capabilities:
        options["cap_drop"] = list(security.drop_capabilities)
    if security.no_new_privs:
        options["security_opt"] = ["no-new-privileges"]
    return options
