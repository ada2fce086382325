"""Spread or bin-pack? A widget that places the same pods with either strategy and redraws.

Mirrors NodeResourcesFit's scoringStrategy (LeastAllocated spreads pods
over the emptiest nodes; MostAllocated packs them onto the fullest, leaving
whole nodes free for big pods or for the cluster autoscaler to remove).
Each change builds a fresh seeded cluster, applies the same manifests,
runs it, and shows the picture with allocation bars: same clicks, same
result, no threads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from k8slite.scheduler.plugins.node_resources_fit import LEAST_ALLOCATED, MOST_ALLOCATED
from k8slite.scheduler.profile import default_profile
from k8slite.viz import draw_cluster, png_bytes

if TYPE_CHECKING:
    from k8slite.cluster import Cluster

STRATEGIES = [("spread (LeastAllocated)", LEAST_ALLOCATED), ("bin-pack (MostAllocated)", MOST_ALLOCATED)]


def place(manifests: Any, strategy: str, nodes: int = 3, seed: int = 0, seconds: float = 30.0) -> Any:
    """A new cluster whose scheduler uses `strategy`, with `manifests` applied and run."""
    from k8slite import Cluster
    c = Cluster(nodes=nodes, seed=seed, scheduler_profile=default_profile(strategy))
    c.apply(manifests)
    c.run(seconds)
    return c


def placement(cluster: Cluster) -> str:
    """`node-1: 2 pods, node-2: 0 pods, ...`"""
    counts = {n.name: 0 for n in cluster.get("nodes")}
    for p in cluster.get("pods"):
        if p.spec.node_name:
            counts[p.spec.node_name] = counts.get(p.spec.node_name, 0) + 1
    return ", ".join(f"{n}: {k} pod{'s' if k != 1 else ''}" for n, k in counts.items())


def strategy_widget(manifests: Any, nodes: int = 3, seed: int = 0, seconds: float = 30.0,
                    build: Callable[[str], Any] | None = None) -> widgets.VBox:
    """Toggle LeastAllocated / MostAllocated; the cluster is rebuilt and redrawn on each change."""
    make = build or (lambda strategy: place(manifests, strategy, nodes, seed, seconds))
    toggle = widgets.ToggleButtons(options=STRATEGIES, value=LEAST_ALLOCATED).add_class("k8slite-strategy")
    text = widgets.HTML().add_class("k8slite-placement")
    picture = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
    box = widgets.VBox([toggle, text, picture]).add_class("k8slite-strategy-widget")

    def redraw(strategy: str) -> None:
        cluster = make(strategy)
        box.cluster = cluster  # for tests and curious learners
        text.value = placement(cluster)
        picture.value = png_bytes(draw_cluster(cluster, title=f"NodeResourcesFit: {strategy}"))

    toggle.observe(lambda change: redraw(change["new"]), names="value")
    redraw(LEAST_ALLOCATED)
    return box
