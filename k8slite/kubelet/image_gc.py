"""The kubelet's image garbage collector: pkg/kubelet/images/image_gc_manager.go (1.32).

Images stay on a node after their pods are gone, so the disk fills. Every 5 minutes
(ImageGCPeriod) the kubelet looks at the image filesystem: when it is 85 % full or
more (``--image-gc-high-threshold``), it deletes images that no container on the node
uses, the least recently used first, none first seen less than 2 minutes ago
(``--image-minimum-gc-age``; the kubelet first sees an image at one of these looks,
so a fresh image survives its first collection), until usage is down to 80 % (``--image-gc-low-threshold``).
If deleting every such image is not enough, the node gets a Warning
``FreeDiskSpaceFailed``: ``Failed to garbage collect required amount of images.
Attempted to free X bytes, but only found Y bytes eligible to free.``, and from the
second failure in a row also ``ImageGCFailed`` with the same words.

Simplified: the image filesystem is the node's ``ephemeral-storage`` capacity and only
images fill it; a node that does not state that capacity is never collected. No pinned
images, no maximum age.
"""

from __future__ import annotations

from dataclasses import dataclass

from k8slite.api.meta import KubeObject
from k8slite.api.quantity import bytes_of
from k8slite.clock import VirtualClock
from k8slite.events import EventRecorder
from k8slite.runtime.cri import ContainerRuntime

GC_PERIOD = 300.0  # ImageGCPeriod
HIGH_THRESHOLD, LOW_THRESHOLD = 85, 80  # percent of the image filesystem
MIN_AGE = 120.0  # imageMinimumGCAge


@dataclass
class ImageRecord:
    """imageRecord: when the kubelet first saw an image, and when a container last used it."""

    first_detected: float
    last_used: float
    size: int


class ImageGC:
    """One node's image garbage collector."""

    def __init__(self, runtime: ContainerRuntime, recorder: EventRecorder, clock: VirtualClock) -> None:
        self.runtime, self.recorder, self.clock = runtime, recorder, clock
        self.records: dict[str, ImageRecord] = {}  # image id (repository@digest) -> what the kubelet knows
        self.failed_before = False

    def detect(self, in_use: set[str]) -> None:
        """detectImages: new images are first seen now; the images containers use are used now."""
        now = self.clock.now
        images = {i.repo_digests[0]: i.size for i in self.runtime.list_images() if i.repo_digests}
        self.records = {image: self.records.get(image, ImageRecord(now, now, size)) for image, size in images.items()}
        for image in in_use & images.keys():
            self.records[image].last_used = now

    def garbage_collect(self, node: KubeObject, capacity: str | int | None, in_use: set[str]) -> int:
        """GarbageCollect: free images down to the low threshold when usage reached the high one; bytes freed."""
        self.detect(in_use)
        if capacity is None:
            return 0
        total = bytes_of(capacity)
        used = sum(record.size for record in self.records.values())
        if used * 100 < total * HIGH_THRESHOLD:
            return 0
        to_free = used - total * LOW_THRESHOLD // 100
        freed = self.free_space(to_free, in_use)
        message = (f"Failed to garbage collect required amount of images. Attempted to free {to_free} bytes, "
                   f"but only found {freed} bytes eligible to free.")
        if freed < to_free:
            self.recorder.warning(node, "FreeDiskSpaceFailed", message)
            if self.failed_before:  # StartGarbageCollection: an event for repeated failures only
                self.recorder.warning(node, "ImageGCFailed", message)
        self.failed_before = freed < to_free
        return freed

    def free_space(self, to_free: int, in_use: set[str]) -> int:
        """freeSpace: unused images old enough, least recently used first, until enough is freed."""
        now, freed = self.clock.now, 0
        unused = sorted((record.last_used, image) for image, record in self.records.items() if image not in in_use)
        for _, image in unused:
            if freed >= to_free:
                break
            record = self.records[image]
            if now - record.first_detected < MIN_AGE:
                continue
            self.runtime.remove_image(image)
            del self.records[image]
            freed += record.size
        return freed
