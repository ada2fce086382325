"""A cluster that starts on a store already holding one: the control plane restarting.

Mirrors a control plane (and its machines) coming back on the same etcd:
kube-apiserver, kube-controller-manager, kube-scheduler and the kubelets
start again and nothing is made afresh. The start-up objects (the system
namespaces, the `kubernetes` Service, the default StorageClass) are there
already; the controllers and the scheduler list what is stored and carry
on from it, level-triggered (a Deployment half-way through a rollout goes
on with it); each kubelet finds its Node registered and the pods bound to
it and, its runtime being as new as a rebooted machine's, starts their
containers again.

Two things move on instead of starting over:
- the clock: the cluster resumes at the time of its last change, which an
  EtcdStore saves with every change (`keep_time`). Starting at 0 would put
  every stored object in the future, and ages and timers with it. The time
  between the old cluster's last change and its end is not counted;
- the random sources: with the same seed a new cluster would draw the
  names and uids it drew the first time, which its objects already have.
  They are seeded again from the seed and the store's revision, so a
  restart still repeats exactly for the same stored state.
The API server's credentials are not in the store: `k8slite serve
--cert-dir DIR` keeps its certificate and tokens in DIR (k8slite.server), so
that the kubeconfigs written before a restart, the kubelet processes' among
them, work after it.
Simplified: a system namespace or `kubernetes` Service deleted before the
restart is not made again (kube-apiserver's bootstrap controller would);
the simulated network storage behind PersistentVolumes lives in memory, so
their files do not survive a restart (their objects do).
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Any

from k8slite.apiserver import APIServer
from k8slite.clock import RealClock
from k8slite.etcd_store import EtcdStore


def resume(api: APIServer, seed: int) -> bool:
    """Carry the clock and the random sources on from the store; False when it holds no cluster yet."""
    store = api.store
    if isinstance(store, EtcdStore):
        if isinstance(api.clock, RealClock):
            raise ValueError("a cluster on etcd runs on the virtual clock: use runtime=\"fake\"")
        api.clock.run(store.keep_time(api.clock))  # nothing is scheduled yet: this only moves `now`
    if not store.list("/registry/namespaces/"):
        return False
    move_on({"apiserver": api.rng, "leases": api.lease_rng}, seed, store.revision)
    return True


def move_on(rngs: dict[str, random.Random], seed: Any, revision: int) -> None:
    """Seed each random source again from the cluster's seed, the store's revision and its own name."""
    for name, rng in rngs.items():
        rng.seed(f"{seed}/{revision}/{name}")


def writers_rngs(components: Iterable[Any]) -> dict[str, random.Random]:
    """The random sources of the controllers that write with a connection of their own (serviceaccount.py)."""
    return {c.name: c.writer.rng for c in components if isinstance(getattr(c, "writer", None), APIServer)}
