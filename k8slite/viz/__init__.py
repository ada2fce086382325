"""Pictures of a cluster: networkx for the model, matplotlib for the drawing.

Mirrors nothing in Kubernetes (its nearest relatives are dashboards such as
the Kubernetes Dashboard or k9s). `draw_cluster(c)` is `c.draw()`: nodes,
pods and their owners at one instant. `timeline(c)` is `c.events()` drawn
over time, `gantt(c)` the pods' lifetimes by node, `animate(c, seconds)`
a stretch of time as a film. `score_table(record)` and
`score_heatmap(record)` show how the scheduler scored the nodes for one
pod. The pictures return a matplotlib Figure built without pyplot, which a
notebook shows when a cell returns it.
"""

from __future__ import annotations

from k8slite.viz.animate import Animation, animate
from k8slite.viz.cluster_graph import Box, Layout, build_graph, layout
from k8slite.viz.figure import NotebookFigure, png_bytes
from k8slite.viz.palette import PHASE_COLORS, pod_state
from k8slite.viz.picture import draw_cluster
from k8slite.viz.scores import score_heatmap, score_table
from k8slite.viz.timeline import gantt, timeline

__all__ = ["Animation", "Box", "Layout", "NotebookFigure", "PHASE_COLORS", "animate", "build_graph", "draw_cluster",
           "gantt", "layout", "png_bytes", "pod_state", "score_heatmap", "score_table", "timeline"]
