"""ipywidgets for the notebooks: the live dashboard and its controls.

Mirrors nothing in Kubernetes (its cousins are the Kubernetes Dashboard and
k9s). `Dashboard(c).widget` is what `c.dashboard()` returns; its parts carry
the CSS classes the contract names (k8slite-dashboard, k8slite-summary,
k8slite-run, k8slite-fail-node, k8slite-replicas) and more, listed in
dashboard.py, so browser tests find them. actions.py holds what each
control does (tested without a browser); live.py keeps a dashboard on a
real clock up to date from the kernel's event loop.
`strategy_widget(manifests)` places the same pods spreading or bin-packing.
`path_widget(c)` traces a request between two pods, over routes or an overlay.
"""

from __future__ import annotations

from k8slite.widgets.actions import scale_target
from k8slite.widgets.dashboard import Dashboard, summary
from k8slite.widgets.network import path_widget
from k8slite.widgets.strategy import strategy_widget

__all__ = ["Dashboard", "path_widget", "scale_target", "strategy_widget", "summary"]
