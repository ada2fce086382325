"""Images as pictures: the layers stacked into a root filesystem, and the digest chain.

Mirrors no code of Kubernetes: these are the pictures of chapter 02, drawn from a real
k8slite image (k8slite/images), so they show what the image holds, not a sketch of it.
`draw_layers(image)` stacks the layers from the lowest up, each with the build step that
made it and what it changed (files added, folders made, whiteouts), under the root
filesystem a container would see. `draw_digest_chain(image, reference)` is the OCI image
spec's chain: a reference names a manifest by digest, and the manifest names the config
and each layer by digest; the config names the layers again by diff_id (the sha256 of
the unzipped tar).
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.patches import FancyBboxPatch

from k8slite.images.image import Image
from k8slite.images.layers import Tree, read_layer
from k8slite.viz.figure import NotebookFigure

ADDED, WHITEOUT, FOLDERS = "#2e7d32", "#c62828", "#555555"
LAYER_FACE, ROOT_FACE, EDGE = "#fff4d6", "#e4ecfb", "#5b6b8c"
MANIFEST_FACE, CONFIG_FACE = "#ead1dc", "#d9ead3"
MAX_LINES = 3  # changes listed per layer before "... and N more"


def short(digest: str, hex_digits: int = 12) -> str:
    """"sha256:3c1f9a8e2b44..." as a picture has room for it."""
    return digest[: len("sha256:") + hex_digits] + "…"


def box(ax: Axes, x: float, y: float, w: float, h: float, face: str, edge: str = EDGE) -> None:
    ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0,rounding_size=0.12",
                                facecolor=face, edgecolor=edge, lw=1.3))


def change_lines(changes: Tree) -> list[tuple[str, str]]:
    """(text, colour) for what one layer changes: whiteouts, files, then folders it makes."""
    lines = [(f"✕ /{p}  (a whiteout)", WHITEOUT) for p in sorted(changes.deleted)]
    lines += [(f"+ /{p}  ({len(d)} B)", ADDED) for p, d in sorted(changes.files.items())]
    implied = {p.rpartition("/")[0] for p in [*changes.files, *changes.deleted]}
    made = sorted(d for d in changes.dirs if d not in implied)
    if len(made) > MAX_LINES:
        lines.append((f"+ {len(made)} folders (/{made[0]}, /{made[1]} …)", FOLDERS))
    else:
        lines += [(f"+ folder /{d}", FOLDERS) for d in made]
    if len(lines) > MAX_LINES:
        lines = [*lines[: MAX_LINES - 1], (f"… and {len(lines) - MAX_LINES + 1} more", FOLDERS)]
    return lines or [("(no change)", FOLDERS)]


def layer_steps(image: Image) -> list[str]:
    """The build step (history's created_by) that made each layer, lowest first."""
    steps = [h.get("created_by", "") for h in image.history if not h.get("empty_layer")]
    return steps if len(steps) == len(image.layers) else [""] * len(image.layers)


def draw_layers(image: Image, title: str | None = None) -> NotebookFigure:
    """The image's layers from the lowest up, and on top the root filesystem they make."""
    n = len(image.layers)
    fig = NotebookFigure(figsize=(11, 1.05 * (n + 1) + 0.7))
    ax = fig.add_axes((0.01, 0.01, 0.98, 0.98 - 0.5 / (1.05 * (n + 1) + 0.7)))
    ax.set_xlim(0, 100)
    ax.set_ylim(0, n + 1.05)
    ax.axis("off")
    for i, (layer, step) in enumerate(zip(image.layers, layer_steps(image))):
        box(ax, 0, i + 0.06, 100, 0.88, LAYER_FACE)
        ax.text(1.2, i + 0.7, f"layer {i}", fontsize=9.5, weight="bold", va="center")
        ax.text(1.2, i + 0.3, f"{short(layer.digest)}  {len(layer.blob)} B", fontsize=7.5, va="center",
                family="monospace", color="#444444")
        ax.text(23, i + 0.75, step if len(step) <= 70 else step[:69] + "…", fontsize=8.5, va="center",
                family="monospace")
        for row, (text, color) in enumerate(change_lines(read_layer(layer.blob))):
            ax.text(23 + 26 * row, i + 0.3, text if len(text) <= 32 else text[:31] + "…", fontsize=8,
                    va="center", color=color)
    root = image.rootfs()
    box(ax, 0, n + 0.12, 100, 0.9, ROOT_FACE, "#3b6fc4")
    ax.text(1.2, n + 0.78, "root filesystem: the layers applied in order, whiteouts removing what is below",
            fontsize=9.5, weight="bold", va="center", color="#1f4e8c")
    files = ", ".join(f"/{p}" for p in sorted(root.files))
    ax.text(1.2, n + 0.38, f"files: {files if len(files) <= 150 else files[:149] + '…'}", fontsize=8.5,
            va="center")
    fig.suptitle(title or "An image: its layers, lowest first", fontsize=11, x=0.01, ha="left")
    return fig


def draw_digest_chain(image: Image, reference: str) -> NotebookFigure:
    """reference -> manifest -> config and layers, each arrow a digest, each box a blob."""
    n = len(image.layers)
    height = max(3.6, 0.62 * (n + 2))
    fig = NotebookFigure(figsize=(11, height))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 100)
    ax.set_ylim(0, n + 2.2)
    ax.axis("off")
    middle = (n + 2.2) / 2
    box(ax, 1, middle - 0.45, 15, 0.9, "#ffffff")
    ax.text(8.5, middle, f"{reference}\n(a tag: it can move)", ha="center", va="center", fontsize=9)
    box(ax, 22, middle - 0.8, 25, 1.6, MANIFEST_FACE)
    ax.text(34.5, middle, f"manifest\n{short(image.digest)}\n= the image's digest\n"
            f"{len(image.manifest_blob())} B of JSON", ha="center", va="center", fontsize=8.5)
    arrow(ax, 16, middle, 22, middle, "names")
    config_y = n + 1.1
    box(ax, 55, config_y, 44, 0.95, CONFIG_FACE)
    cmd = image.config.get("Cmd") or image.config.get("Entrypoint")
    ax.text(57, config_y + 0.47, f"config {short(image.id)} (Docker's image ID)\nCmd {cmd}, "
            f"{n} diff_ids, {len(image.history)} history entries", va="center", fontsize=8)
    arrow(ax, 47, middle, 55, config_y + 0.47, "digest")
    for i, layer in enumerate(image.layers):
        y = n - 1 - i + 0.55
        box(ax, 55, y - 0.3, 44, 0.6, LAYER_FACE)
        ax.text(57, y, f"layer {i}  {short(layer.digest)}  {len(layer.blob)} B (tar+gzip)", va="center",
                fontsize=8, family="monospace")
        arrow(ax, 47, middle, 55, y, "digest" if i == n - 1 else "")
    ax.text(55, 0.05, "the config lists each layer again by diff_id: the sha256 of its tar before gzip",
            fontsize=8, color="#444444", style="italic")
    return fig


def arrow(ax: Axes, x0: float, y0: float, x1: float, y1: float, label: str) -> None:
    ax.annotate("", xy=(x1, y1), xytext=(x0, y0), arrowprops={"arrowstyle": "-|>", "color": "#1f4e8c", "lw": 1.1})
    if label:
        ax.text((x0 + x1) / 2, (y0 + y1) / 2 + 0.12, label, ha="center", fontsize=7.5, color="#1f4e8c")
