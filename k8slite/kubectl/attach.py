"""kubectl run -i / -t / --attach / --rm (k8s.io/kubectl/pkg/cmd/run): the pod made, its output, then gone.

As in the docs' one-off checks, `kubectl run -it --rm --restart=Never busybox --image=busybox:1.28 --
nslookup kubernetes`: kubectl creates the pod without saying so, waits for it to run (at most
--pod-running-timeout, 1m: then `error: timed out waiting for the condition`), attaches to its
container and copies what it prints until it ends. A container that failed ends with kubectl's
exit error, `pod default/x terminated (Error)`; with --rm kubectl then deletes the pod (`pod "x"
deleted`). Here stdin is empty, as when kubectl's input is not a terminal: a shell reads nothing
and exits, a command runs to its end, and what it printed is its log.
Simplified: a container still running a minute after it started (a server) is left running and its
output so far shown, where kubectl stays attached; with --restart=Always kubectl also stays
attached across restarts, here the first run's output is shown. Left out: the container's
stdin/stdinOnce/tty fields, a terminal's \\r\\n.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from k8slite.api.pod import ContainerStateTerminated, Pod
from k8slite.kubectl import generate
from k8slite.kubectl.command import Command, UsageError
from k8slite.kubectl.containers import logs
from k8slite.kubectl.rollout import seconds
from k8slite.kubectl.write import delete

if TYPE_CHECKING:
    from k8slite.cluster import Cluster

ATTACHED_FOR = 60.0  # cluster seconds a running container is followed before its output so far is shown


def run(cluster: Cluster, cmd: Command) -> str:
    """`kubectl run`; attached (-i, -t, --attach): the container's output instead of `pod/x created`."""
    created = generate.run(cluster, cmd)
    if not any(cmd.flags.get(f) for f in ("attach", "stdin", "tty")) or not created.endswith(" created\n"):
        return created
    name = created.split()[0].split("/", 1)[1]
    ended = wait(cluster, cmd, name)
    out = logs(cluster, Command("logs", [name], {"namespace": cmd.namespace}))
    if ended is None:
        return out
    if cmd.flags.get("rm"):
        out += delete(cluster, Command("delete", ["pod", name], {"namespace": cmd.namespace}))
    if ended.exit_code:
        out += f"pod {cmd.namespace}/{name} terminated ({ended.reason or 'Error'})\n"
    return out


def wait(cluster: Cluster, cmd: Command, name: str) -> ContainerStateTerminated | None:
    """Run the cluster until the pod's container ends (its terminated state) or, once running, for
    ATTACHED_FOR (None); UsageError when it is not running within --pod-running-timeout."""
    timeout = seconds(str(cmd.flags.get("pod_running_timeout", "1m")))
    deadline, started = cluster.now + timeout, None
    while True:
        pod = cluster.api.get("pods", name, cmd.namespace)
        status = next(iter(pod.status.container_statuses), None) if isinstance(pod, Pod) else None
        if status is not None and (status.state.terminated or status.last_state.terminated):
            return status.state.terminated or status.last_state.terminated
        if status is not None and status.state.running:
            started = cluster.now if started is None else started
            if cluster.now >= started + ATTACHED_FOR:
                return None
        elif cluster.now >= deadline:
            raise UsageError("timed out waiting for the condition")
        cluster.run(1)
