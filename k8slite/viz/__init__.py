"""Pictures of a cluster: networkx for the model, matplotlib for the drawing.

Mirrors nothing in Kubernetes (its nearest relatives are dashboards such as
the Kubernetes Dashboard or k9s). `draw_cluster(c)` is `c.draw()`: nodes,
pods and their owners at one instant. `timeline(c)` is `c.events()` drawn
over time. `score_table(record)` and `score_heatmap(record)` show how the
scheduler scored the nodes for one pod. The pictures return a matplotlib Figure built without pyplot, which a
notebook shows when a cell returns it.
"""

from __future__ import annotations

from k8slite.viz.cluster_graph import Box, Layout, build_graph, layout
from k8slite.viz.figure import NotebookFigure, png_bytes
from k8slite.viz.palette import PHASE_COLORS, pod_state
from k8slite.viz.picture import draw_cluster
from k8slite.viz.scores import score_heatmap, score_table
from k8slite.viz.timeline import timeline

__all__ = ["Box", "Layout", "NotebookFigure", "PHASE_COLORS", "build_graph", "draw_cluster", "layout",
           "png_bytes", "pod_state", "score_heatmap", "score_table", "timeline"]
