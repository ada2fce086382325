"""kubectl logs and kubectl exec (k8s.io/kubectl/pkg/cmd/{logs,exec}): reaching into a pod's containers.

Both name a pod and, with -c, one of its containers (the first one
otherwise). `logs` prints what the container wrote, `-p` what its previous
instance wrote before it died, and `--tail N` the last N lines; a container
that has not started yet is refused with the reason it is waiting.
`exec POD -- COMMAND` runs the command in the container and prints its
output, and `command terminated with exit code N` when it fails. Left out:
`logs -f` following (the logs so far are printed), --since, --timestamps,
exec's interactive -i/-t (accepted and ignored), and the logs of a
Deployment or Job (`logs deploy/x` looks for a pod called x).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from k8slite.api.pod import Pod
from k8slite.errors import NotFound
from k8slite.kubectl.command import Command, UsageError
from k8slite.kubelet.image_manager import waiting_to_start

if TYPE_CHECKING:
    from k8slite.cluster import Cluster


def target_pod(cluster: Cluster, cmd: Command) -> Pod:
    """The pod a command names (`web-x` or `pod/web-x`), having checked that -c names one of its containers."""
    if not cmd.args:
        raise UsageError(f"expected POD: 'kubectl {cmd.verb} POD'")
    name = cmd.args[0].split("/", 1)[-1]
    try:
        pod = cluster.api.get("pods", name, cmd.namespace)
    except NotFound:
        raise NotFound(f'pods "{name}" not found') from None
    assert isinstance(pod, Pod)
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
    pod = target_pod(cluster, cmd)
    if pod.status.phase in ("Succeeded", "Failed"):
        raise UsageError(f"cannot exec into a container in a completed pod; current phase is {pod.status.phase}")
    container = cmd.flags.get("container") or pod.spec.containers[0].name
    try:
        code, output = cluster.exec_code(pod.name, cmd.rest, container, pod.namespace)
    except NotFound:
        raise UsageError(f'unable to upgrade connection: container not found ("{container}")') from None
    return output + (f"command terminated with exit code {code}\n" if code else "")
