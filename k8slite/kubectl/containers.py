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
stream translator. Left out: `logs -f` following (the logs so far are
printed), --since, --timestamps, exec's -t (accepted and ignored; -i is
`stdin=` of c.exec_code), and the logs of a Deployment or Job (`logs
deploy/x` looks for a pod called x).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from k8slite.api.pod import Pod
from k8slite.errors import BadRequest, NotFound
from k8slite.kubectl.command import Command, UsageError
from k8slite.kubelet.image_manager import waiting_to_start

if TYPE_CHECKING:
    from k8slite.cluster import Cluster


DEFAULT_CONTAINER = "kubectl.kubernetes.io/default-container"


def named_pod(cluster: Cluster, cmd: Command) -> Pod:
    """The pod a command names (`web-x` or `pod/web-x`)."""
    if not cmd.args:
        raise UsageError(f"expected POD: 'kubectl {cmd.verb} POD'")
    name = cmd.args[0].split("/", 1)[-1]
    try:
        pod = cluster.api.get("pods", name, cmd.namespace)
    except NotFound:
        raise NotFound(f'pods "{name}" not found') from None
    assert isinstance(pod, Pod)
    return pod


def target_pod(cluster: Cluster, cmd: Command) -> Pod:
    """The pod a command names, having checked that -c names one of its containers."""
    pod = named_pod(cluster, cmd)
    container = cmd.flags.get("container")
    if container and pod.container(container) is None:
        raise UsageError(f"container {container} is not valid for pod {pod.name}")
    return pod


def logs(cluster: Cluster, cmd: Command) -> str:
    if not cmd.args and "filename" in cmd.flags:  # `logs -f POD` follows: here, the logs so far
        cmd.args = [cmd.flags.pop("filename")]
    pod = target_pod(cluster, cmd)
    container = cmd.flags.get("container") or pod.spec.containers[0].name
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
    return "".join(lines[-int(cmd.flags["tail"]):] if "tail" in cmd.flags else lines)


def exec_cmd(cluster: Cluster, cmd: Command) -> str:
    if not cmd.rest:
        raise UsageError("exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead")
    pod = named_pod(cluster, cmd)
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
