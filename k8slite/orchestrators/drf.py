"""Dominant Resource Fairness: how Mesos' allocator decides whose turn it is to be offered resources.

Mirrors Mesos' hierarchical allocator with its DRF sorter (src/master/allocator/sorter/drf), from
Ghodsi et al., "Dominant Resource Fairness: Fair Allocation of Multiple Resource Types" (NSDI 2011).
A framework's **dominant share** is its largest share of any one resource: holding 3 of 9 CPUs and
2 of 18 GB, its shares are 1/3 and 1/9, so its dominant share is 1/3 (CPU is its dominant
resource). The allocator offers resources next to the framework with the lowest dominant share, so
each gets an equal share of the resource it needs most. `progressive_filling` is the paper's
textbook run: with 9 CPUs and 18 GB, user A's tasks need <1 CPU, 4 GB> and B's <3 CPU, 1 GB>; A
ends with 3 tasks and B with 2, both at a dominant share of 2/3.

Simplified: no roles, weights, quotas or reservations; ties go to the first name.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Resources:
    """cpus and mem (MB), as a Mesos agent reports them (`--resources=cpus:4;mem:8192`)."""

    cpus: float = 0.0
    mem: float = 0.0

    def __add__(self, other: Resources) -> Resources:
        return Resources(self.cpus + other.cpus, self.mem + other.mem)

    def __sub__(self, other: Resources) -> Resources:
        return Resources(round(self.cpus - other.cpus, 6), round(self.mem - other.mem, 6))

    def __mul__(self, n: int) -> Resources:
        return Resources(self.cpus * n, self.mem * n)

    def fits(self, need: Resources) -> bool:
        """Whether `need` fits in these resources."""
        return need.cpus <= self.cpus + 1e-9 and need.mem <= self.mem + 1e-9

    def __str__(self) -> str:
        return f"cpus:{self.cpus:g};mem:{self.mem:g}"


def dominant_share(allocated: Resources, total: Resources) -> float:
    """The largest of allocated/total over the resources (0 for a resource the cluster lacks)."""
    shares = [a / t for a, t in ((allocated.cpus, total.cpus), (allocated.mem, total.mem)) if t > 0]
    return max(shares, default=0.0)


def drf_order(allocated: dict[str, Resources], total: Resources) -> list[str]:
    """Frameworks in the order the allocator offers to them: lowest dominant share first, then name."""
    return sorted(allocated, key=lambda name: (round(dominant_share(allocated[name], total), 9), name))


def progressive_filling(total: Resources, demands: dict[str, Resources]) -> dict[str, int]:
    """The paper's DRF: one task at a time to the user with the lowest dominant share whose task fits."""
    tasks = dict.fromkeys(demands, 0)
    allocated = {user: Resources() for user in demands}
    free = total
    while True:
        for user in drf_order(allocated, total):
            if free.fits(demands[user]):
                tasks[user] += 1
                allocated[user] += demands[user]
                free -= demands[user]
                break
        else:
            return tasks
