"""Figures that show themselves in Jupyter without pyplot, and their PNG bytes.

Mirrors nothing in Kubernetes. The pictures are built on
`matplotlib.figure.Figure` directly, not through pyplot: pyplot keeps every
figure it makes and the notebook's inline backend would show each one a
second time at the end of the cell. A Figure nobody registered with pyplot
shows itself through `_repr_png_`, which IPython calls for the last value
of a cell. PNGs are written at a fixed dpi with no metadata, so the same
cluster gives the same bytes.
"""

from __future__ import annotations

from io import BytesIO

from matplotlib.figure import Figure

DPI = 100


class NotebookFigure(Figure):
    """A matplotlib Figure that Jupyter displays as a PNG when a cell returns it."""

    def _repr_png_(self) -> bytes:
        return png_bytes(self)


def png_bytes(fig: Figure) -> bytes:
    """The figure as PNG bytes, deterministic (fixed dpi, no Software or time metadata)."""
    buffer = BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, facecolor="white", metadata={"Software": None})
    return buffer.getvalue()
