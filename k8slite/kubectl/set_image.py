"""kubectl set image (k8s.io/kubectl/pkg/cmd/set/set_image.go): change container images in a pod template.

`set image deployment/web app=busybox:2` (or `*=busybox:2` for every
container) reads the object, changes the images in a copy and updates it;
for a Deployment that is a new pod template, so a rollout starts. Works on
Deployments, ReplicaSets, DaemonSets, StatefulSets and Jobs (their templates), CronJobs
(their jobTemplate's: the next Jobs get the image) and on pods (whose image
is one of the few fields a pod may change), as polymorphichelpers'
updatePodSpecForObject finds them. An image that is already the one set is
an empty patch: nothing is written and nothing printed. Left out: init
containers, --local and -f.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from k8slite.api.cronjob import CronJob
from k8slite.api.pod import Pod
from k8slite.kubectl.command import Command, UsageError
from k8slite.kubectl.resources import resource_name
from k8slite.kubectl.write import one_object, write

if TYPE_CHECKING:
    from k8slite.cluster import Cluster


def set_cmd(cluster: Cluster, cmd: Command) -> str:
    if not cmd.args or cmd.args[0] != "image":
        raise UsageError(f'unknown command "{cmd.args[0] if cmd.args else ""}" for "kubectl set" (k8slite has: image)')
    args = cmd.args[1:]
    split = 1 if args and "/" in args[0] else 2
    kind, obj = one_object(cluster, cmd, args[:split])
    changes = dict(pair.split("=", 1) for pair in args[split:] if "=" in pair)
    if not changes:
        raise UsageError("at least one image update is required")
    new = obj.copy()
    containers = getattr(pod_spec_of(new), "containers", None)
    if containers is None:
        raise UsageError(f"{kind.plural} have no pod template to set an image in")
    for name, image in changes.items():
        matching = [c for c in containers if name in ("*", c.name)]
        if not matching:
            raise ValueError(f'unable to find container named "{name}"')
        for c in matching:
            c.image = image
    if new == obj:
        return ""  # an empty patch: kubectl sends nothing and says nothing
    write(cluster, new)
    return f"{resource_name(kind, obj.name)} image updated\n"


def pod_spec_of(obj: Any) -> Any:
    """updatePodSpecForObject: a pod's own spec, a CronJob's jobTemplate's pod spec, else the template's (or None)."""
    if isinstance(obj, Pod):
        return obj.spec
    if isinstance(obj, CronJob):
        return obj.spec.job_template.spec.template.spec
    return getattr(getattr(getattr(obj, "spec", None), "template", None), "spec", None)
