"""`c.animate(seconds, step=5)`: a stretch of simulated time as an animation, for the notebook.

Mirrors nothing in Kubernetes; it is `kubectl get pods --watch` turned into
a film. The cluster runs for `seconds` (as `c.run` would: the cluster is
changed), a snapshot of its graph is taken every `step` seconds, and each
snapshot is drawn as `c.draw()` would draw it, with every pod and owner kept
in the place it had in the frame before (viz/slots.py) and one frame size
for the whole film. matplotlib's `FuncAnimation.to_jshtml` turns the frames
into HTML with play / pause / step buttons; matplotlib's random element id
is replaced by one derived from the frames, so the same cluster gives the
same HTML. The frames are PNGs whose bytes depend on the matplotlib version,
so a notebook cell showing an animation carries `# NBVAL_IGNORE_OUTPUT`.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import networkx as nx
from matplotlib.animation import FuncAnimation

from k8slite.viz.cluster_graph import Layout, build_graph, layout
from k8slite.viz.picture import ax_for, draw_graph, legend_handles
from k8slite.viz.slots import Slots

if TYPE_CHECKING:
    from k8slite.cluster import Cluster

MAX_FRAMES = 120
ANIMATION_DPI = 72


@dataclass(frozen=True)
class Snapshot:
    """The cluster's graph at one instant (stored objects are never changed in place, so it stays true)."""

    time: float
    graph: nx.DiGraph


class Animation:
    """What `c.animate` returns: Jupyter shows `html`; the text form says what it holds."""

    def __init__(self, html: str, times: list[float], title: str) -> None:
        self.html, self.times, self.title = html, times, title

    @property
    def frames(self) -> int:
        return len(self.times)

    def to_jshtml(self) -> str:
        return self.html

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return f"<Animation {self.title!r}: {self.frames} frames, t = {self.times[0]:g} s to {self.times[-1]:g} s>"


def record(cluster: Cluster, seconds: float, step: float) -> list[Snapshot]:
    """Run the cluster for `seconds`, taking a snapshot now and after every `step` seconds."""
    if step <= 0:
        raise ValueError(f"step must be positive, not {step:g}")
    count = math.ceil(seconds / step - 1e-9) + 1
    if count > MAX_FRAMES:
        raise ValueError(f"{count} frames is too many (at most {MAX_FRAMES}): use a larger step")
    end = cluster.now + seconds
    shots = [Snapshot(cluster.now, build_graph(cluster))]
    while cluster.now < end - 1e-9:
        cluster.run(min(step, end - cluster.now))
        shots.append(Snapshot(cluster.now, build_graph(cluster)))
    return shots


def stable_layouts(shots: list[Snapshot], show_owners: bool) -> list[Layout]:
    """Layouts that keep every pod in its slot, all reserving the room the busiest frame needs."""
    rehearsal = Slots()
    for shot in shots:
        layout(shot.graph, show_owners, rehearsal)
    slots = Slots(floor=rehearsal.floor)
    return [layout(shot.graph, show_owners, slots) for shot in shots]


def animate(cluster: Cluster, seconds: float, step: float = 5.0, title: str | None = None,
            show_owners: bool = True, interval: int = 700, dpi: int = ANIMATION_DPI) -> Animation:
    """Run `cluster` for `seconds`, one frame every `step` s; returns an `Animation` (HTML with controls)."""
    shots = record(cluster, seconds, step)
    layouts = stable_layouts(shots, show_owners)
    frame = max(layouts, key=lambda where: (where.width, where.height))
    fig, ax = ax_for(frame, None)
    fig.set_dpi(dpi)
    fig.legend(handles=legend_handles(), loc="lower center", ncol=8, fontsize=8, frameon=False,
               handlelength=1.4, columnspacing=1.2)
    heading = title or "k8slite cluster"

    def draw(i: int) -> list[Any]:
        ax.clear()
        ax_for(frame, ax)
        draw_graph(ax, shots[i].graph, layouts[i], show_owners)
        ax.set_title(f"{heading} · t = {shots[i].time:g} s", fontsize=11, loc="left", x=0.01)
        return []

    film = FuncAnimation(fig, draw, frames=len(shots), init_func=lambda: [], interval=interval, blit=False,
                         repeat=False)
    html = stable_ids(film.to_jshtml(default_mode="once"))
    return Animation(html, [shot.time for shot in shots], heading)


def stable_ids(html: str) -> str:
    """matplotlib names the animation's elements with uuid4(): name them after the content instead."""
    found = re.search(r"_anim_img([0-9a-f]{32})", html)
    if found is None:
        return html
    stable = hashlib.sha256(html.replace(found.group(1), "").encode()).hexdigest()[:32]
    return html.replace(found.group(1), stable)
