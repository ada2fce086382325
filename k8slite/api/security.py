"""Security contexts: which user a container's processes run as, and what they may do.

Mirrors k8s.io/api/core/v1 PodSecurityContext, SecurityContext and
Capabilities, and pkg/securitycontext's DetermineEffectiveSecurityContext:
the pod's runAsUser, runAsGroup and runAsNonRoot apply to every container,
and a container's own securityContext overrides them field by field. A pod
gets an empty one (`securityContext: {}`) by default (SetDefaults_PodSpec);
a container has none until its manifest gives one.

What acts on them: the kubelet refuses a container with runAsNonRoot whose
user would be root (kubelet/security_context.py), and each runtime runs the
process as the user and groups of the CRI request (runtime/cri.py,
`linux_security`): the fake runtime's `id` says so and its root filesystem
is read-only with readOnlyRootFilesystem; Docker and runc get the same
values. fsGroup joins the supplemental groups, as it does on a real node;
k8slite's fake files have no owners, so the chown of a volume's files to
the fsGroup is left out. SELinux, seccomp, AppArmor, sysctls and Windows
options are accepted and reported as not modelled (IGNORED).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, ClassVar

from k8slite.errors import FieldError, invalid

if TYPE_CHECKING:
    from k8slite.api.pod import Container, Pod

MAX_ID = 2**31 - 1  # validation.IsValidUserID / IsValidGroupID: 0 to math.MaxInt32
NOT_MODELLED = frozenset({"seLinuxOptions", "seccompProfile", "appArmorProfile", "windowsOptions"})


@dataclass(slots=True)
class Capabilities:
    """Linux capabilities to add to or drop from the runtime's default set (`NET_ADMIN`, `ALL` ...)."""

    add: list[str] = field(default_factory=list)
    drop: list[str] = field(default_factory=list)


@dataclass(slots=True)
class PodSecurityContext:
    """What applies to every container of the pod (and, for fsGroup, to its volumes)."""

    run_as_user: int | None = None
    run_as_group: int | None = None
    run_as_non_root: bool | None = None
    supplemental_groups: list[int] = field(default_factory=list)
    fs_group: int | None = None
    """A group every container joins; on a real node the volumes' files are also given to it."""
    IGNORED: ClassVar[frozenset[str]] = NOT_MODELLED | {
        "sysctls", "fsGroupChangePolicy", "supplementalGroupsPolicy", "seLinuxChangePolicy"}


@dataclass(slots=True)
class SecurityContext:
    """A container's own: it overrides the pod's user fields and adds what only a container has."""

    run_as_user: int | None = None
    run_as_group: int | None = None
    run_as_non_root: bool | None = None
    read_only_root_filesystem: bool | None = None
    allow_privilege_escalation: bool | None = None
    privileged: bool | None = None
    capabilities: Capabilities | None = None
    IGNORED: ClassVar[frozenset[str]] = NOT_MODELLED | {"procMount"}


def effective(pod: Pod, container: Container) -> SecurityContext | None:
    """securitycontext.DetermineEffectiveSecurityContext: the pod's user fields, overridden by the
    container's set ones; None when neither has a securityContext."""
    pod_sc, own = pod.spec.security_context, container.security_context
    if pod_sc is None:
        return own
    from_pod = SecurityContext(run_as_user=pod_sc.run_as_user, run_as_group=pod_sc.run_as_group,
                               run_as_non_root=pod_sc.run_as_non_root)
    if own is None:
        return from_pod
    overrides = {name: getattr(own, name) for name in SecurityContext.__slots__ if getattr(own, name) is not None}
    return replace(from_pod, **overrides)


def id_problems(value: int) -> list[str]:
    """validation.IsValidUserID and IsValidGroupID."""
    return [] if 0 <= value <= MAX_ID else [f"must be between 0 and {MAX_ID}, inclusive"]


def validate_ids(values: list[tuple[str, int | None]]) -> list[FieldError]:
    """Each (path, id) that is set must be a valid user or group id."""
    return [invalid(path, value, problem) for path, value in values if value is not None
            for problem in id_problems(value)]


def validate_pod_security_context(sc: PodSecurityContext | None, path: str) -> list[FieldError]:
    """ValidatePodSecurityContext: the ids, each supplemental group by its index."""
    if sc is None:
        return []
    return validate_ids([(f"{path}.fsGroup", sc.fs_group), (f"{path}.runAsUser", sc.run_as_user),
                         (f"{path}.runAsGroup", sc.run_as_group),
                         *((f"{path}.supplementalGroups[{i}]", g) for i, g in enumerate(sc.supplemental_groups))])


def validate_security_context(sc: SecurityContext | None, path: str) -> list[FieldError]:
    """ValidateSecurityContext, for what k8slite models: the user and group ids (privileged is allowed, as
    kubeadm's and kind's API servers run with --allow-privileged)."""
    if sc is None:
        return []
    return validate_ids([(f"{path}.runAsUser", sc.run_as_user), (f"{path}.runAsGroup", sc.run_as_group)])
