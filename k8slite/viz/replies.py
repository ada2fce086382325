"""Which pod answered: a bar per pod of how many requests it served, for chapter 12.

Mirrors nothing in Kubernetes; it is what a learner tallies after sending a
Service many requests (`Counter` of the names the pods answer with). Each
bar is labelled with the pod name's random suffix, and pods that answered
nothing still get a bar (of height 0), so a pod taken out of the Service is
seen to be missing rather than silently left out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from k8slite.viz.figure import NotebookFigure

BAR = "#4C72B0"


def replies_histogram(counts: Counter[str], title: str, pods: Iterable[str] = ()) -> NotebookFigure:
    """A bar per name in `counts` and in `pods` (even one that got nothing): how many requests it answered."""
    fig = NotebookFigure(figsize=(6.4, 2.6))
    ax = fig.subplots()
    names = sorted(set(counts) | set(pods))
    ax.bar(range(len(names)), [counts[n] for n in names], color=BAR)
    ax.set_xticks(range(len(names)), [n.rsplit("-", 1)[-1] for n in names])
    for i, n in enumerate(names):
        ax.text(i, counts[n], str(counts[n]), ha="center", va="bottom")
    ax.set_ylabel("requests answered")
    ax.set_title(title)
    ax.set_ylim(0, max(counts.values(), default=1) * 1.25)
    fig.tight_layout()
    return fig
