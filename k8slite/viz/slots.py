"""Where each pod sat last time: slots that keep a picture still from one frame to the next.

Mirrors nothing in Kubernetes. `c.draw()` alone places the pods on a node
in name order, which is right for one picture; but over a sequence of
pictures (an animation, a live dashboard) a pod that goes away would shift
every pod after it. A `Slots` remembers which slot each pod (and each
owner) took: a pod keeps its slot while it exists, a new one takes the
lowest free slot, and the space a picture reserves (pods per node, owners
in the row, pods in the pending lane) only grows, so the frame keeps its
size. `Slots(floor=...)` starts with the space a whole animation needs.
"""

from __future__ import annotations


class Slots:
    """A slot per key within a group (a node, the owners' row ...), kept while the key is present."""

    def __init__(self, floor: dict[str, int] | None = None) -> None:
        self.seen: dict[str, dict[str, int]] = {}
        self.floor: dict[str, int] = dict(floor or {})

    def place(self, group: str, keys: list[str]) -> dict[str, int]:
        """Slots for `keys` (in the order given): old keys keep theirs, new ones fill the lowest free."""
        previous = self.seen.get(group, {})
        kept = {k: previous[k] for k in keys if k in previous}
        taken = set(kept.values())
        free = (i for i in range(len(keys) + len(taken) + 1) if i not in taken)
        for key in keys:
            if key not in kept:
                kept[key] = next(free)
        self.seen[group] = kept
        return kept

    def reserve(self, what: str, count: int) -> int:
        """At least `count`, and at least as much as any earlier frame asked for `what`."""
        self.floor[what] = max(self.floor.get(what, 0), count)
        return self.floor[what]
