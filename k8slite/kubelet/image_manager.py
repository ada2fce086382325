"""The kubelet's image manager: pkg/kubelet/images/image_manager.go (1.32), `EnsureImageExists`.

Before it creates a container, the kubelet makes sure the container's image is on
the node. ``imagePullPolicy`` decides whether to pull (shouldPullImage): Never never
pulls, IfNotPresent pulls only an absent image, Always pulls every time (the registry
is asked, even if the node has a copy). Then, in the kubelet's words:

- present and no pull: Normal Pulled ``Container image "x" already present on machine``;
- Never and absent: Warning ErrImageNeverPull ``Container image "x" is not present with
  pull policy of Never``, and the container waits with reason ErrImageNeverPull;
- a pull: Normal Pulling ``Pulling image "x"``, then Normal Pulled ``Successfully pulled
  image "x" in 1.2s (1.2s including waiting). Image size: 4261574 bytes.``;
- a failed pull: Warning Failed ``Failed to pull image "x": <the runtime's error>``, the
  container waits with ErrImagePull and that error, and a back-off starts for this pod and
  image: 10 s, doubling at each failure up to 300 s. Inside it the kubelet does not pull:
  Normal BackOff ``Back-off pulling image "x"``, reason ImagePullBackOff.

Pulls are serialised (the kubelet's serializeImagePulls, true by default): a node pulls one
image at a time, a pull asked for while another runs waits for it, and ``Pulled`` says both
the pull's own time and the time since ``Pulling`` (``in 1.013s (3.2s including waiting)``).
The pod's worker waits too: its next container is not started before this pull ends
(kubelet_init.sync_containers).

The kubelet itself adds the Warning Failed ``Error: <reason>`` event of every failure
(kuberuntime_container.go, startContainer). Simplified: no pull secrets; a pull that fails
fails at once, outside the queue; the Docker runtime's pulls take wall time, not virtual time.
"""

from __future__ import annotations

from dataclasses import dataclass

from k8slite.api.pod import Container, Pod
from k8slite.clock import INSTANT, VirtualClock, go_duration
from k8slite.events import EventRecorder
from k8slite.kubelet.backoff import Backoff
from k8slite.runtime.cri import ContainerRuntime, ImagePullError, PulledImage

ERR_IMAGE_PULL, IMAGE_PULL_BACK_OFF, ERR_IMAGE_NEVER_PULL = "ErrImagePull", "ImagePullBackOff", "ErrImageNeverPull"
PULLING = "Pulling"  # not a waiting reason: the pull runs, the container stays ContainerCreating


@dataclass
class Pull:
    """A pull the kubelet asked for: it runs when the node's puller is free, and ends at ``done``."""

    image: str
    requested: float
    done: float
    pulled: PulledImage


def should_pull(policy: str, present: bool) -> bool:
    """shouldPullImage: Always pulls, IfNotPresent pulls an absent image, Never never pulls."""
    return policy == "Always" or (policy == "IfNotPresent" and not present)


def waiting_to_start(container: str, pod: str, reason: str) -> str:
    """Why a container that never started has no logs, in the kubelet's words
    (kubelet_pods.go, validateContainerLogStatus): the two image reasons said in plain words."""
    why = {ERR_IMAGE_PULL: "image can't be pulled", IMAGE_PULL_BACK_OFF: "trying and failing to pull image"}
    return f'container "{container}" in pod "{pod}" is waiting to start: {why.get(reason, reason)}'


def pull_key(pod: Pod, image: str) -> str:
    """One pod's pulls and pull back-offs of one image are known by this key."""
    return f"{pod.metadata.uid}_{image}"


class ImageManager:
    """EnsureImageExists for one node's kubelet."""

    def __init__(self, runtime: ContainerRuntime, recorder: EventRecorder, clock: VirtualClock) -> None:
        self.runtime, self.recorder, self.clock = runtime, recorder, clock
        self.backoff = Backoff()  # per pod and image: 10 s doubling to 300 s
        self.pulls: dict[str, dict[str, Pull]] = {}  # pod uid -> image -> the pull it waits for
        self.free_at = 0.0  # serializeImagePulls: when the node's current pull ends

    def pulling_left(self, pod: Pod) -> float:
        """Seconds until this pod's image pull in progress ends (0 when none is)."""
        mine = self.pulls.get(pod.metadata.uid, {})
        left = max([p.done for p in mine.values()], default=0.0) - self.clock.now
        return left if left > INSTANT else 0.0

    def arriving(self, image: str) -> bool:
        """An image some pod's pull is still bringing: not yet on the node for anyone."""
        return any(p.image == image and p.done > self.clock.now for mine in self.pulls.values() for p in mine.values())

    def forget(self, uid: str) -> None:
        """A pod gone from the node: its pulls run on (the puller stays busy), nobody waits for them."""
        self.pulls.pop(uid, None)

    def backoff_left(self, pod: Pod, container: Container) -> float:
        """Seconds until the pull back-off of this pod's image ends (0 when there is none)."""
        entry = self.backoff.entries.get(pull_key(pod, container.image))
        left = 0.0 if entry is None else entry.last_update + entry.backoff - self.clock.now
        return left if left > INSTANT else 0.0

    def failed_ago(self, pod: Pod, container: Container) -> float:
        """Seconds since this pod's image last failed to pull (infinity when it never did)."""
        entry = self.backoff.entries.get(pull_key(pod, container.image))
        return float("inf") if entry is None else self.clock.now - entry.last_update

    def ensure_image_exists(self, pod: Pod, container: Container) -> tuple[str, str]:
        """("", "") when the image is on the node; else the container's waiting reason and message."""
        image, policy = container.image, container.image_pull_policy or "IfNotPresent"
        if image in self.pulls.get(pod.metadata.uid, {}):
            return self.pull(pod, container)  # waiting for its pull
        present = self.runtime.image_status(image) is not None and not self.arriving(image)
        if not should_pull(policy, present):
            if present:
                self.recorder.normal(pod, "Pulled", f'Container image "{image}" already present on machine')
                return "", ""
            message = f'Container image "{image}" is not present with pull policy of Never'
            self.recorder.warning(pod, ERR_IMAGE_NEVER_PULL, message)
            return ERR_IMAGE_NEVER_PULL, message
        if self.backoff_left(pod, container) > 0:
            message = f'Back-off pulling image "{image}"'
            self.recorder.normal(pod, "BackOff", message)
            return IMAGE_PULL_BACK_OFF, message
        return self.pull(pod, container)

    def pull(self, pod: Pod, container: Container) -> tuple[str, str]:
        """Ask for the pull, or see whether it has ended: (PULLING, "") while it runs."""
        image, key = container.image, pull_key(pod, container.image)
        mine = self.pulls.get(pod.metadata.uid, {})
        pull = mine.get(image)
        if pull is None:
            self.recorder.normal(pod, "Pulling", f'Pulling image "{image}"')
            try:
                pulled = self.runtime.pull_image(image)
            except ImagePullError as e:
                self.recorder.warning(pod, "Failed", f'Failed to pull image "{image}": {e}')
                self.backoff.next(key, self.clock.now)
                return ERR_IMAGE_PULL, str(e)
            start = max(self.clock.now, self.free_at)  # after the pull before it
            pull = Pull(image, self.clock.now, start + pulled.seconds, pulled)
            self.pulls.setdefault(pod.metadata.uid, mine)[image] = pull
            self.free_at = pull.done
        if pull.done > self.clock.now + INSTANT:
            return PULLING, ""
        del mine[image]
        if not mine:
            del self.pulls[pod.metadata.uid]
        took, waited = go_duration(pull.pulled.seconds), go_duration(pull.done - pull.requested)
        self.recorder.normal(pod, "Pulled", f'Successfully pulled image "{image}" in {took} ({waited} including '
                             f"waiting). Image size: {pull.pulled.size} bytes.")
        return "", ""


__all__ = ["PULLING", "ImageManager", "Pull", "should_pull", "waiting_to_start"]
