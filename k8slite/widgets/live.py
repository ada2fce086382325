"""Keeping a dashboard live on a real clock, from the kernel's asyncio event loop.

Mirrors nothing in Kubernetes; it is what `kubectl get pods --watch` feels
like. On the Docker runtime time passes whether anyone presses Run or not,
so the dashboard's `Live` toggle starts an asyncio task on the loop the
Jupyter kernel already runs (ipykernel executes cells on it): every
`period` seconds it runs the cluster for `slice` seconds (`c.run(0.5)`,
which drives the components on the same single thread) and redraws. The
simulation itself never sees a thread. The task ends when the toggle is
switched off or the cluster is closed (`c.close()` calls `stop`).

Simplified: while the cluster runs its slice the kernel is busy, so other
cells wait up to `slice` seconds.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from k8slite.cluster import Cluster


class Live:
    """`Live(cluster, refresh).start()` / `.stop()`: run and redraw in the background."""

    def __init__(self, cluster: Cluster, refresh: Callable[[], None], period: float = 1.0,
                 slice: float = 0.5) -> None:
        self.cluster, self.refresh = cluster, refresh
        self.period, self.slice = period, slice
        self.task: asyncio.Task[None] | None = None
        closers = getattr(cluster, "closers", None)
        if isinstance(closers, list):
            closers.append(self.stop)

    @property
    def running(self) -> bool:
        return self.task is not None and not self.task.done()

    def start(self) -> None:
        """Schedule the loop on the running event loop (the kernel's); RuntimeError outside one."""
        if self.running:
            return
        if not running_loop():  # ipykernel runs cells and widget callbacks on its running loop
            raise RuntimeError("Live needs a running asyncio event loop, as a Jupyter kernel has")
        self.task = asyncio.get_running_loop().create_task(self.loop())

    def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.task = None

    async def loop(self) -> None:
        while True:
            self.cluster.run(self.slice)
            self.refresh()
            await asyncio.sleep(max(0.0, self.period - self.slice))


def running_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True
