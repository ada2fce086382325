"""How the scheduler saw the nodes for one pod: a table and a heatmap of plugin scores.

Mirrors kube-scheduler-simulator's result view: for one SchedulingRecord
(`c.scheduler.records["default/web-1"]`), each node's filter verdict and, for
nodes that passed, each score plugin's normalized score x its weight, and the
total. `score_table(record)` is plain text (no pandas), `score_heatmap(record)`
a Figure with nodes as rows and plugins as columns, the chosen node marked.
"""

from __future__ import annotations

from k8slite.scheduler.record import PASSED, SchedulingRecord
from k8slite.viz.figure import NotebookFigure

SHORT = {"NodeResourcesBalancedAllocation": "BalancedAllocation"}


def short(plugin: str) -> str:
    return SHORT.get(plugin, plugin)


def filter_verdict(record: SchedulingRecord, node: str) -> str:
    """"passed", or "<Plugin>: <reasons>" for the filter that rejected the node."""
    failed = [(p, v) for p, v in record.filters.get(node, {}).items() if v != PASSED]
    return f"{failed[0][0]}: {failed[0][1]}" if failed else PASSED


def score_table(record: SchedulingRecord) -> str:
    """One line per node: filter verdict, then normalized x weight per score plugin, and the total."""
    plugins = list(record.weights)
    header = ["NODE", "FILTER", *[f"{short(p)} (x{record.weights[p]})" for p in plugins], "TOTAL"]
    rows = []
    for node in record.nodes():
        verdict = filter_verdict(record, node)
        if node in record.normalized:
            cells = [str(record.normalized[node][p] * record.weights[p]) for p in plugins]
            total = str(record.total(node)) + (" <- chosen" if node == record.selected else "")
        else:
            cells, total = ["-"] * len(plugins), "<- chosen" if node == record.selected else "-"
        rows.append([node, verdict, *cells, total])
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip() for r in [header, *rows]]
    if record.message:
        lines.append(record.message)
    return "\n".join(lines)


def score_heatmap(record: SchedulingRecord, title: str | None = None) -> NotebookFigure:
    """Nodes x score plugins, coloured by normalized x weight; rejected nodes greyed; the chosen node in bold."""
    plugins, nodes = list(record.weights), record.nodes()
    fig = NotebookFigure(figsize=(1.6 + 1.5 * (len(plugins) + 1), 0.9 + 0.42 * max(len(nodes), 1)))
    ax = fig.add_subplot()
    values = [[record.normalized.get(n, {}).get(p, 0) * record.weights.get(p, 0) for p in plugins]
              + [record.total(n)] for n in nodes]
    top = max([max(row) for row in values] + [1])
    ax.imshow([[v / top for v in row] for row in values] or [[0]], cmap="Greens", vmin=0, vmax=1, aspect="auto")
    for i, node in enumerate(nodes):
        passed = node in record.normalized
        for j, value in enumerate(values[i]):
            text = str(value) if passed else ("" if j < len(plugins) else "filtered")
            ax.text(j, i, text, ha="center", va="center", fontsize=9, color="black" if passed else "grey")
        if not passed:
            ax.axhspan(i - 0.5, i + 0.5, color="lightgrey", alpha=0.8)
    ax.set_xticks(range(len(plugins) + 1), [*(f"{short(p)}\nx{record.weights[p]}" for p in plugins), "total"],
                  fontsize=8)
    ax.set_yticks(range(len(nodes)), nodes)
    for label in ax.get_yticklabels():
        if label.get_text() == record.selected:
            label.set_fontweight("bold")
    ax.set_title(title or f"{record.pod} -> {record.selected or 'no node'}", fontsize=10)
    fig.tight_layout()
    return fig
