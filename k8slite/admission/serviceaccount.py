"""The ServiceAccount admission plugin: every pod runs as a ServiceAccount and gets its token.

Mirrors plugin/pkg/admission/serviceaccount (admission.go). On a pod's
create it:

- sets `serviceAccountName: default` when the pod names none (and the
  deprecated `serviceAccount`, which the API server keeps equal to it);
- refuses a pod whose ServiceAccount does not exist, in the plugin's words:
  `pods "x" is forbidden: error looking up service account default/nope:
  serviceaccount "nope" not found`;
- unless the pod or its ServiceAccount says `automountServiceAccountToken:
  false`, adds the projected volume `kube-api-access-<5 letters>` (a token
  that expires in 3607 s, the namespace's `kube-root-ca.crt` ConfigMap's
  ca.crt, and the pod's namespace from the downward API), mounted read-only
  at /var/run/secrets/kubernetes.io/serviceaccount in every container and
  init container.

The 5 letters come from utilrand.String's alphabet, as in Kubernetes, but
are derived from the pod's namespace and name instead of a random source,
so adding this plugin leaves every other generated name as it was.
Simplified: a missing `default` ServiceAccount is let through (in
Kubernetes the pod is refused for the instant between a namespace's
creation and the controller's making it); no mirror pods, no
imagePullSecrets, no ephemeral containers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from k8slite.api.meta import KubeObject
from k8slite.api.pod import Container, Pod, ProjectedVolumeSource, Volume, VolumeMount
from k8slite.api.serviceaccount import ServiceAccount
from k8slite.errors import Forbidden

DEFAULT_SERVICE_ACCOUNT = "default"
MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount"
VOLUME_PREFIX = "kube-api-access-"
ROOT_CA_CONFIG_MAP = "kube-root-ca.crt"
TOKEN_EXPIRATION_SECONDS = 3607  # an hour and 7 s: the 7 s mark a token the admission plugin asked for
ALPHABET = "bcdfghjklmnpqrstvwxz2456789"  # utilrand.String's: no vowels, no 0, 1 or 3


def suffix(pod: Pod, length: int = 5) -> str:
    """Five letters from ALPHABET, the same for the same namespace/name (never the API server's rng)."""
    digest = hashlib.sha256(f"{pod.namespace}/{pod.name}".encode()).digest()
    return "".join(ALPHABET[b % len(ALPHABET)] for b in digest[:length])


# admission.go's TokenVolumeSource: the same for every pod, so every stored pod shares this one list
# (a stored object is never changed in place; a copy to change is a deep copy: meta.clone)
TOKEN_SOURCES: list[dict[str, Any]] = [
    {"serviceAccountToken": {"expirationSeconds": TOKEN_EXPIRATION_SECONDS, "path": "token"}},
    {"configMap": {"name": ROOT_CA_CONFIG_MAP, "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
    {"downwardAPI": {"items": [{"path": "namespace",
                                "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}},
]


def token_volume(name: str) -> Volume:
    """The projected volume of admission.go's TokenVolumeSource, with defaultMode 0644 (420)."""
    return Volume(name=name, projected=ProjectedVolumeSource(sources=TOKEN_SOURCES, default_mode=420))


def should_automount(account: ServiceAccount | None, pod: Pod) -> bool:
    """The pod's own setting wins; then the ServiceAccount's; then yes."""
    if pod.spec.automount_service_account_token is not None:
        return pod.spec.automount_service_account_token
    if account is not None and account.automount_service_account_token is not None:
        return account.automount_service_account_token
    return True


def admit(pod: KubeObject, lookup: Callable[[str, str], KubeObject | None]) -> None:
    """Mutate a pod being created; `lookup(namespace, name)` finds a ServiceAccount (None if absent)."""
    if not isinstance(pod, Pod):
        return
    spec = pod.spec
    spec.service_account_name = spec.service_account_name or spec.service_account or DEFAULT_SERVICE_ACCOUNT
    spec.service_account = spec.service_account_name
    account = lookup(pod.namespace, spec.service_account_name)
    if account is None and spec.service_account_name != DEFAULT_SERVICE_ACCOUNT:
        raise Forbidden(f'pods "{pod.name}" is forbidden: error looking up service account '
                        f'{pod.namespace}/{spec.service_account_name}: serviceaccount '
                        f'"{spec.service_account_name}" not found')
    if should_automount(account if isinstance(account, ServiceAccount) else None, pod):
        mount_token(pod)


def mount_token(pod: Pod) -> None:
    """Add the volume (unless a container already mounts something there) and a mount in each container."""
    containers: list[Container] = [*pod.spec.init_containers, *pod.spec.containers]
    if any(m.mount_path == MOUNT_PATH for c in containers for m in c.volume_mounts):
        return  # admission.go: the user mounted their own token there
    name = next((v.name for v in pod.spec.volumes if v.name.startswith(VOLUME_PREFIX)), "")
    if not name:
        name = VOLUME_PREFIX + suffix(pod)
        pod.spec.volumes.append(token_volume(name))
    for container in containers:
        container.volume_mounts.append(VolumeMount(name=name, mount_path=MOUNT_PATH, read_only=True))
