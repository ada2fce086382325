"""kubectl logs and kubectl exec (k8s.io/kubectl/pkg/cmd/{logs,exec}): reaching into a pod's containers.

Both name a pod and, with -c, one of its containers (the first one
otherwise). `logs` prints what the container wrote, `-p` what its previous
instance wrote before it died, and `--tail N` the last N lines; a container
that has not started yet is refused with the reason it is waiting.
`exec POD -- COMMAND` runs the command in the container and prints its
output, and `command terminated with exit code N` when it fails. Without
-c in a pod of several containers, exec takes the one the
`kubectl.kubernetes.io/default-container` annotation names, or the first,
and says so (`Defaulted container "web" out of: web, sidecar`). The API
server checks where an exec can go before it calls the kubelet
(stream_location, as pkg/registry/core/pod/strategy.go's streamLocation:
the container must be the pod's, the pod must be on a node); the kubelet
then finds no running container for a pod that is still starting or
crashing, which kube-apiserver 1.32 reports as an internal error of its
stream translator. Both also take a
workload, `TYPE/NAME` (polymorphichelpers' LogsForObject and
AttachablePodForObject): a Deployment, ReplicaSet, Job or Service stands
for one of the pods its selector selects, the first of them as kubectl
sorts them (podutils.ByLogging for logs, which says `Found 3 pods, using
pod/web-x` when there are several; the most active pod for exec), waiting
up to --pod-running-timeout (20s for logs, 1m for exec) of cluster time
for one to appear. Left out: `logs -f` following (the logs so far are
printed), --since, --timestamps, exec's -t (accepted and ignored; -i is
`stdin=` of c.exec_code), and `logs -l` / --all-containers.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from k8slite.api.kinds import lookup
from k8slite.api.meta import KubeObject, LabelSelector
from k8slite.api.pod import Pod
from k8slite.api.service import Service
from k8slite.controllers.endpoints import selects
from k8slite.errors import BadRequest, NotFound
from k8slite.kubectl.command import Command, UsageError
from k8slite.kubectl.durations import seconds as seconds_of
from k8slite.kubectl.resources import fetch, missing
from k8slite.kubectl.rollout import seconds
from k8slite.kubelet.image_manager import waiting_to_start

if TYPE_CHECKING:
    from k8slite.cluster import Cluster


DEFAULT_CONTAINER = "kubectl.kubernetes.io/default-container"
NO_POD = {"logs": "expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required "
                  "argument for the logs command\nSee 'kubectl logs -h' for help and examples"}


def named_pod(cluster: Cluster, cmd: Command) -> tuple[Pod, str]:
    """The pod a command names (`web-x`, `pod/web-x`, or a workload: `deploy/web`), and what kubectl says
    of its choice ("" or `Found 2 pods, using pod/web-x`, on stderr)."""
    if not cmd.args:
        raise UsageError(NO_POD[cmd.verb] if cmd.verb in NO_POD else f"expected POD: 'kubectl {cmd.verb} POD'")
    kind_name, _, name = cmd.args[0].rpartition("/")
    kind = lookup(kind_name or "pods")
    try:
        obj = cluster.api.get(kind.plural, name, cmd.namespace)
    except NotFound:
        if cmd.verb == "logs":  # the builder's Info.Get, and what `logs` adds to its NotFound
            raise UsageError(f"error from server (NotFound): {missing(cluster, kind, name, cmd.namespace)} "
                             f'in namespace "{cmd.namespace}"') from None
        raise NotFound(missing(cluster, kind, name, cmd.namespace, read=False)) from None
    if not isinstance(obj, Pod):
        return workload_pod(cluster, cmd, obj)
    return obj, ""


def workload_pod(cluster: Cluster, cmd: Command, obj: KubeObject) -> tuple[Pod, str]:
    """GetFirstPod: the pods the object's selector selects, sorted as `logs` or `exec` sorts them; when there
    are none yet, the first to appear within --pod-running-timeout of cluster time."""
    logs = cmd.verb == "logs"
    go_type = f"*{obj.api_version.split('/')[-1]}.{obj.kind}"
    try:
        selected = selector_for(obj)
    except ValueError as e:
        raise UsageError(f"cannot get the logs from {go_type}: {e}" if logs else
                         f"cannot attach to {go_type}: {e}") from None

    def pods(c: Cluster) -> list[Pod]:
        return [p for p in c.api.list("pods", obj.namespace) if isinstance(p, Pod) and selected(p)]

    timeout = seconds(str(cmd.flags.get("pod_running_timeout", "20s" if logs else "1m")))
    try:
        cluster.run_until(lambda c: bool(pods(c)), timeout=timeout)
    except TimeoutError:
        raise UsageError("timed out waiting for the condition") from None
    found = sorted(pods(cluster), key=by_logging if logs else most_active)
    note = f"Found {len(found)} pods, using pod/{found[0].name}\n" if logs and len(found) > 1 else ""
    return found[0], note


def selector_for(obj: KubeObject) -> Callable[[Pod], bool]:
    """SelectorsForObject: which pods a workload or Service stands for; ValueError in kubectl's words."""
    if isinstance(obj, Service):
        if not obj.spec.selector:
            raise ValueError(f"invalid service '{obj.name}': Service is defined without a selector")
        return lambda pod: selects(obj, pod)
    selector = getattr(getattr(obj, "spec", None), "selector", None)
    if not isinstance(selector, LabelSelector):
        raise ValueError(f"selector for *{obj.api_version.split('/')[-1]}.{obj.kind} not implemented")
    return lambda pod: selector.matches(pod.metadata.labels)


def ready_time(pod: Pod) -> float | None:
    """Since when the pod is Ready, in whole seconds as kubectl reads it from the API (metav1.Time)."""
    ready = next((c for c in pod.status.conditions if c.type == "Ready"), None)
    if ready is None or ready.status != "True" or ready.last_transition_time is None:
        return None
    return math.floor(seconds_of(ready.last_transition_time))


def max_restarts(pod: Pod) -> int:
    return max((s.restart_count for s in pod.status.container_statuses), default=0)


def by_logging(pod: Pod) -> tuple[object, ...]:
    """podutils.ByLogging: assigned, then Running (Succeeded and Failed count as Running) < Unknown < Pending,
    Ready, Ready the longest, most restarts, oldest."""
    since = ready_time(pod)
    return (not pod.spec.node_name, {"Unknown": 1, "Pending": 2}.get(pod.status.phase, 0), since is None,
            since or 0.0, -max_restarts(pod), math.floor(seconds_of(pod.metadata.creation_timestamp or 0.0)))


def most_active(pod: Pod) -> tuple[object, ...]:
    """sort.Reverse(podutils.ActivePods): assigned, Running < Unknown < Pending (anything else last), Ready,
    Ready the longest, fewest restarts, oldest."""
    since = ready_time(pod)
    return (not pod.spec.node_name, {"Running": 0, "Unknown": 1}.get(pod.status.phase, 2), since is None,
            since or 0.0, max_restarts(pod), math.floor(seconds_of(pod.metadata.creation_timestamp or 0.0)))


def target_pod(cluster: Cluster, cmd: Command) -> tuple[Pod, str]:
    """The pod a command names, having checked that -c names one of its containers."""
    pod, note = named_pod(cluster, cmd)
    container = cmd.flags.get("container")
    if container and pod.container(container) is None:
        raise UsageError(f"container {container} is not valid for pod {pod.name}")
    return pod, note


def logs(cluster: Cluster, cmd: Command) -> str:
    """A pod's log (or a workload's: one of its pods), or with -l every selected pod's; --all-containers:
    each container's, --prefix: each line led by [pod/NAME/CONTAINER]."""
    if not cmd.args and "filename" in cmd.flags:  # `logs -f POD` follows: here, the logs so far
        cmd.args = [cmd.flags.pop("filename")]
    for flag in ("timestamps", "since", "since_time"):
        if flag in cmd.flags:
            raise UsageError(f"k8slite keeps no time with each log line: --{flag.replace('_', '-')} is left out")
    if not cmd.args and "selector" in cmd.flags:
        pods = [p for p in fetch(cluster, cmd, lookup("pods"), [])[0] if isinstance(p, Pod)]
        if not pods:
            return f"No resources found in {cmd.namespace} namespace.\n"
        return "".join(pod_logs(cluster, cmd, pod, "") for pod in pods)
    pod, found = target_pod(cluster, cmd)
    return pod_logs(cluster, cmd, pod, found)


def pod_logs(cluster: Cluster, cmd: Command, pod: Pod, found: str) -> str:
    """One pod's log: of -c's container, or the first, or all of them (init containers first)."""
    if cmd.flags.get("all_containers"):
        names = [c.name for c in [*pod.spec.init_containers, *pod.spec.containers]]
    elif cmd.flags.get("container"):
        names = [str(cmd.flags["container"])]
    else:  # kubectl's default (its annotation, or the first), saying so when there was a choice
        name, note = default_container(pod)
        names, found = [name], found + note
    return found + "".join(container_log(cluster, cmd, pod, name) for name in names)


def container_log(cluster: Cluster, cmd: Command, pod: Pod, container: str) -> str:
    status = next((s for s in [*pod.status.container_statuses, *pod.status.init_container_statuses]
                   if s.name == container), None)
    previous = bool(cmd.flags.get("previous"))
    if not previous and (status is None or (status.state.waiting and not status.container_id)):
        reason = status.state.waiting.reason if status and status.state.waiting else "ContainerCreating"
        return f"Error from server (BadRequest): {waiting_to_start(container, pod.name, reason)}\n"
    try:
        text: str = cluster.logs(pod.name, container, pod.namespace, previous=previous)
    except NotFound:
        return (f'Error from server (BadRequest): previous terminated container "{container}" in pod '
                f'"{pod.name}" not found\n')
    lines = text.splitlines(keepends=True)
    lines = lines[-int(cmd.flags["tail"]):] if "tail" in cmd.flags else lines
    prefix = f"[pod/{pod.name}/{container}] " if cmd.flags.get("prefix") else ""
    return "".join(prefix + line for line in lines)


def exec_cmd(cluster: Cluster, cmd: Command) -> str:
    if not cmd.rest:
        raise UsageError("exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\n"
                         "See 'kubectl exec -h' for help and examples")
    pod, _ = named_pod(cluster, cmd)
    if pod.status.phase in ("Succeeded", "Failed"):
        raise UsageError(f"cannot exec into a container in a completed pod; current phase is {pod.status.phase}")
    container, note = cmd.flags.get("container"), ""
    if not container:
        container, note = default_container(pod)
    try:
        stream_location(pod, container)
    except BadRequest as e:
        return f"Error from server (BadRequest): {e.message}\n"
    try:
        code, output = cluster.exec_code(pod.name, cmd.rest, container, pod.namespace)
    except NotFound:
        return f"error: Internal error occurred: {container_not_found(container)}\n"
    return note + output + (f"command terminated with exit code {code}\n" if code else "")


def default_container(pod: Pod) -> tuple[str, str]:
    """kubectl's choice when -c is left out (podcmd.FindOrDefaultContainerByName), and what it says of it."""
    named = pod.metadata.annotations.get(DEFAULT_CONTAINER, "")
    if named and pod.container(named) is not None:
        return named, ""
    first = pod.spec.containers[0].name
    if len(pod.spec.containers) == 1 and not pod.spec.init_containers:
        return first, ""
    names = [c.name for c in pod.spec.containers] + [f"{c.name} (init)" for c in pod.spec.init_containers]
    return first, f'Defaulted container "{first}" out of: {", ".join(names)}\n'


def stream_location(pod: Pod, container: str | None) -> str:
    """The container an exec or attach reaches, checked as the API server checks it before it calls the
    node's kubelet (strategy.go streamLocation); BadRequest, in its words, when it cannot go there."""
    if not container:
        if len(pod.spec.containers) != 1:
            names = " ".join(c.name for c in [*pod.spec.init_containers, *pod.spec.containers])
            raise BadRequest(f"a container name must be specified for pod {pod.name}, choose one of: [{names}]")
        container = pod.spec.containers[0].name
    elif pod.container(container) is None:
        raise BadRequest(f"container {container} is not valid for pod {pod.name}")
    if not pod.spec.node_name:
        raise BadRequest(f"pod {pod.name} does not have a host assigned")
    return container


def container_not_found(container: str) -> str:
    """The kubelet's answer when the container does not run (not yet, or crashed), as the API server reads it."""
    return f'unable to upgrade connection: container not found ("{container}")'
