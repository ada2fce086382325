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

The kubelet itself adds the Warning Failed ``Error: <reason>`` event of every failure
(kuberuntime_container.go, startContainer). Simplified: no pull secrets; pulls are not
queued one at a time (serializeImagePulls), and the fake runtime's pulls take no virtual
time, so its events say ``in 0s (0s including waiting)``.
"""

from __future__ import annotations

from k8slite.api.pod import Container, Pod
from k8slite.backoff import Backoff
from k8slite.clock import VirtualClock, go_duration
from k8slite.events import EventRecorder
from k8slite.runtime.cri import ContainerRuntime, ImagePullError

ERR_IMAGE_PULL, IMAGE_PULL_BACK_OFF, ERR_IMAGE_NEVER_PULL = "ErrImagePull", "ImagePullBackOff", "ErrImageNeverPull"


def should_pull(policy: str, present: bool) -> bool:
    """shouldPullImage: Always pulls, IfNotPresent pulls an absent image, Never never pulls."""
    return policy == "Always" or (policy == "IfNotPresent" and not present)


class ImageManager:
    """EnsureImageExists for one node's kubelet."""

    def __init__(self, runtime: ContainerRuntime, recorder: EventRecorder, clock: VirtualClock) -> None:
        self.runtime, self.recorder, self.clock = runtime, recorder, clock
        self.backoff = Backoff()  # per pod and image: 10 s doubling to 300 s

    def backoff_left(self, pod: Pod, container: Container) -> float:
        """Seconds until the pull back-off of this pod's image ends (0 when there is none)."""
        entry = self.backoff.entries.get(f"{pod.metadata.uid}_{container.image}")
        return 0.0 if entry is None else max(entry.last_update + entry.backoff - self.clock.now, 0.0)

    def failed_ago(self, pod: Pod, container: Container) -> float:
        """Seconds since this pod's image last failed to pull (infinity when it never did)."""
        entry = self.backoff.entries.get(f"{pod.metadata.uid}_{container.image}")
        return float("inf") if entry is None else self.clock.now - entry.last_update

    def ensure_image_exists(self, pod: Pod, container: Container) -> tuple[str, str]:
        """("", "") when the image is on the node; else the container's waiting reason and message."""
        image, policy = container.image, container.image_pull_policy or "IfNotPresent"
        present = self.runtime.image_status(image) is not None
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
        image = container.image
        self.recorder.normal(pod, "Pulling", f'Pulling image "{image}"')
        try:
            pulled = self.runtime.pull_image(image)
        except ImagePullError as e:
            self.recorder.warning(pod, "Failed", f'Failed to pull image "{image}": {e}')
            self.backoff.next(f"{pod.metadata.uid}_{image}", self.clock.now)
            return ERR_IMAGE_PULL, str(e)
        took = go_duration(pulled.seconds)
        self.recorder.normal(pod, "Pulled", f'Successfully pulled image "{image}" in {took} ({took} including '
                             f"waiting). Image size: {pulled.size} bytes.")
        return "", ""


__all__ = ["ImageManager", "should_pull"]
