"""What colour a pod is, and what a node's header says: the pictures' vocabulary.

Mirrors what `kubectl get pods` prints in its STATUS column: usually the
pod's phase (Pending, Running, Succeeded, Failed), but `Terminating` once
the pod has a deletionTimestamp, `ContainerCreating` while its node sets it
up (pulling the image, starting the sandbox) and `CrashLoopBackOff` while a
container waits out its restart back-off, because those are what a learner
needs to see. A node's header says what `kubectl get nodes` says (Ready or NotReady: a
node that stopped reporting has an Unknown condition, which kubectl prints as NotReady, and
the picture colours grey rather than red), plus whether the machine itself is down: for the
first 45 to 55 s after a machine dies (until 55 s after its last heartbeat) the control plane
still believes it is Ready, and the picture shows both.
"""

from __future__ import annotations

from k8slite.api.node import Node
from k8slite.api.pod import Pod
from k8slite.pod_history import state_word

# One colour per pod state, used by every picture and its legend, in legend order.
PHASE_COLORS: dict[str, str] = {
    "Pending": "#f2a900",           # amber: waiting for a node or for its containers
    "ContainerCreating": "#f7d774",  # pale amber: on a node, its containers being set up
    "Running": "#2e9e44",           # green
    "Succeeded": "#3478c6",         # blue: finished, exit code 0
    "Failed": "#d62728",            # red: finished, and something exited non-zero
    "CrashLoopBackOff": "#ff5a1f",  # orange-red: restarting, and waiting longer each time
    "Terminating": "#c4c4c4",       # grey, hatched: deleted, its kubelet is stopping it
    "Unknown": "#7f7f7f",           # dark grey: the node stopped reporting
}
TERMINATING_HATCH = "///"
TERMINATING_EDGE = "#8a8a8a"

# The text on a pod box must stay readable on its colour.
DARK_TEXT_STATES = frozenset({"Pending", "ContainerCreating", "Terminating"})

NODE_FACE = "#f3f5fa"
NODE_EDGE = "#5b6b8c"
NODE_DOWN_FACE = "#dcdcdc"
NODE_DOWN_EDGE = "#d62728"
NODE_STATUS_COLORS = {"Ready": "#2e9e44", "NotReady": "#d62728", "Unknown": "#7f7f7f"}

# Owners (ReplicaSets, Jobs ...) take colours in turn, so each one's arrows can be told apart.
OWNER_COLORS = ("#6a3d9a", "#1f78b4", "#b15928", "#33a02c", "#e31a1c", "#ff7f00", "#a6761d", "#1b9e77")

# Shapes by kind, in every picture: a Node is a large pale box, a Pod a small box filled with its state's
# colour, a ReplicaSet (or Job) a white box outlined in its own colour, a Deployment a dark stack of cards.
DEPLOYMENT_FACE = "#2f3b59"
DEPLOYMENT_EDGE = "#2f3b59"

EVENT_COLORS = {"Normal": "#3478c6", "Warning": "#e6550d"}


def pod_state(pod: Pod) -> str:
    """The word kubectl would print for this pod, restricted to the keys of PHASE_COLORS."""
    return state_word(pod)


def restart_count(pod: Pod) -> int:
    return sum(s.restart_count for s in pod.status.container_statuses)


def node_health(node: Node) -> str:
    """The node's Ready condition as a colour key: Ready, NotReady (False), Unknown (it stopped reporting)."""
    return {"True": "Ready", "False": "NotReady"}.get(node.ready_status(), "Unknown")


def node_status(node: Node) -> str:
    """The word `kubectl get nodes` prints: Ready, else NotReady (an Unknown condition too), Unknown
    only for a node that never reported a Ready condition."""
    if node.status.condition("Ready") is None:
        return "Unknown"
    return "Ready" if node.ready_status() == "True" else "NotReady"


def short_name(name: str, limit: int = 11) -> str:
    """A name that fits in a pod box: keep the start and the 5-character random suffix."""
    if len(name) <= limit:
        return name
    return name[: limit - 6] + "…" + name[-5:]


def text_color(state: str) -> str:
    return "#222222" if state in DARK_TEXT_STATES else "white"
