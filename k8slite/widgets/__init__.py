"""ipywidgets for the notebooks: the live dashboard and its controls.

Mirrors nothing in Kubernetes (its cousins are the Kubernetes Dashboard and
k9s). `Dashboard(c).widget` is what `c.dashboard()` returns; its parts carry
the CSS classes the contract names (k8slite-dashboard, k8slite-summary,
k8slite-run, k8slite-fail-node, k8slite-replicas) so browser tests find them.
`strategy_widget(manifests)` places the same pods spreading or bin-packing.
`path_widget(c)` traces a request between two pods, over routes or an overlay.
"""

from __future__ import annotations

from k8slite.widgets.dashboard import Dashboard, scale_target, summary
from k8slite.widgets.network import path_widget
from k8slite.widgets.strategy import strategy_widget

__all__ = ["Dashboard", "path_widget", "scale_target", "strategy_widget", "summary"]
