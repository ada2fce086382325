"""The kubelet's check of runAsNonRoot, before it asks the runtime for a container.

Mirrors kuberuntime's getImageUser and verifyRunAsNonRoot
(security_context_others.go): with runAsNonRoot true in the container's
effective security context (api/security.py), a runAsUser of 0 is refused;
without a runAsUser the image's own user decides: an image with no USER runs
as root (uid 0) and is refused, a named user (`USER nginx`) cannot be
checked and is refused too. The kubelet says why in the pod's status
(CreateContainerConfigError) and in a `Failed` event, and tries again at the
pod's next sync; nothing is created.
"""

from __future__ import annotations

from collections.abc import Callable

from k8slite.api.pod import Container, Pod
from k8slite.api.security import effective, id_problems


def image_user(user: str) -> tuple[int | None, str]:
    """A CRI image status's uid or username, from the image config's User ("1000:3000", "nginx", "" = root)."""
    name = user.partition(":")[0]
    if not name:
        return 0, ""
    return (int(name), "") if name.isdigit() else (None, name)


def verify_run_as_non_root(pod: Pod, container: Container, image_user_spec: Callable[[], str]) -> str:
    """The kubelet's error for a container that would break runAsNonRoot, or "". The image's USER is asked for
    only when the answer depends on it."""
    sc = effective(pod, container)
    if sc is None or not sc.run_as_non_root:
        return ""
    where = f'(pod: "{pod.name}_{pod.namespace}({pod.metadata.uid})", container: {container.name})'
    if sc.run_as_user is not None:
        return f"container's runAsUser breaks non-root policy {where}" if sc.run_as_user == 0 else ""
    uid, username = image_user(image_user_spec())
    if uid is None:
        return (f"container has runAsNonRoot and image has non-numeric user ({username}), "
                f"cannot verify user is non-root {where}")
    if uid == 0:
        return f"container has runAsNonRoot and image will run as root {where}"
    problems = id_problems(uid)
    if problems:
        return (f"container has runAsNonRoot and image has an invalid user id ({uid}). (Must be 1-(2147483647)): "
                f"{'; '.join(problems)} {where}")
    return ""
