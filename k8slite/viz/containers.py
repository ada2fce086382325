"""Containers and pods as diagrams: what a container is next to a VM, and what a pod's containers share.

Mirrors no code of Kubernetes: these are the pictures of chapters 01 and 03.
`draw_vms_and_containers()` stacks three VMs (a guest kernel each) next to three
containers (processes on one host kernel, in namespaces and cgroups).
`draw_docker_pod()` is a pod as k8slite's Docker runtime builds it, as dockershim
did: the pause container owns the network and IPC namespaces, and the app
containers join them with `network_mode` / `ipc_mode = "container:<pause id>"`.
`draw_pod_sandbox()` is the two-container pod of chapter 03 (nginx and a
sidecar that shares an `emptyDir` with it) as the CRI sees it: a sandbox first,
then containers in it.
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.patches import FancyBboxPatch

from k8slite.viz.figure import NotebookFigure


def layer(ax: Axes, x: float, y: float, w: float, h: float, text: str, color: str, size: float = 9.5,
          weight: str = "normal") -> None:
    """A rounded box from (x, y), w wide and h high, with centred text."""
    ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.25,rounding_size=0.8",
                                facecolor=color, edgecolor="#444444", lw=1.2))
    ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=size, weight=weight)


def draw_vms_and_containers() -> NotebookFigure:
    """Virtual machines (left) and containers (right), from the hardware up."""
    fig = NotebookFigure(figsize=(10, 4.8))
    for i, title in enumerate(("Virtual machines", "Containers")):
        ax = fig.add_axes((0.01 + 0.5 * i, 0.02, 0.48, 0.9))
        ax.set_xlim(0, 60)
        ax.set_ylim(0, 56)
        ax.axis("off")
        ax.set_title(title, fontsize=13, weight="bold")
        layer(ax, 1, 1, 58, 6, "hardware", "#d9d9d9")
        if i == 0:
            layer(ax, 1, 9, 58, 6, "host kernel + hypervisor (KVM, Xen, ESXi...)", "#f4cccc")
            for j, app in enumerate(("app A", "app B", "app C")):
                x = 1 + j * 20
                layer(ax, x, 17, 18, 8, "guest kernel\n(its own, booted)", "#f4cccc", size=8.5)
                layer(ax, x, 27, 18, 8, "guest OS files\n(GBs)", "#fff2cc", size=8.5)
                layer(ax, x, 37, 18, 8, app, "#cfe2f3", weight="bold")
            ax.text(30, 50, "each VM: virtual hardware, a kernel, an OS; boots in seconds to minutes",
                    ha="center", fontsize=8.5, style="italic")
        else:
            layer(ax, 1, 9, 58, 6, "ONE host kernel: namespaces + cgroups", "#f4cccc", weight="bold")
            layer(ax, 1, 17, 58, 6, "container runtime (runc, started by containerd / Docker)", "#ead1dc", size=8.5)
            for j, app in enumerate(("app A", "app B", "app C")):
                x = 1 + j * 20
                layer(ax, x, 27, 18, 8, "image files\n(MBs, layers)", "#fff2cc", size=8.5)
                layer(ax, x, 37, 18, 8, app + "\n= host process", "#cfe2f3", weight="bold", size=8.5)
            ax.text(30, 50, "each container: a process with its own view; starts in milliseconds",
                    ha="center", fontsize=8.5, style="italic")
    return fig


def draw_docker_pod() -> NotebookFigure:
    """A pod on Docker: pause owns net + IPC; the apps join them; each keeps its own mnt, pid, uts."""
    fig = NotebookFigure(figsize=(10, 4.4))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 50)
    ax.axis("off")
    ax.add_patch(FancyBboxPatch((2, 1.5), 96, 45, boxstyle="round,pad=0.4,rounding_size=2",
                                facecolor="#f3f6fb", edgecolor="#3c78d8", lw=2, ls="--"))
    ax.text(4, 42.5, "pod box (one IP, one localhost, one /dev/shm)", fontsize=11, weight="bold", color="#3c78d8")
    boxes = (("pause", "sleeps forever", "#d9ead3", "creates"), ("app", "sleep 3600", "#cfe2f3", "joins"),
             ("sidecar", "a while loop", "#cfe2f3", "joins"))
    for j, (name, does, color, verb) in enumerate(boxes):
        x = 6 + j * 31
        layer(ax, x, 21, 26, 15, f"{name} container\n({does})\n\nown: mnt, pid, uts", color, size=9.5)
        ax.annotate("", xy=(x + 13, 13.2), xytext=(x + 13, 20.3),
                    arrowprops={"arrowstyle": "->", "color": "#38761d", "lw": 1.8})
        ax.text(x + 14, 16.5, verb, fontsize=9, color="#38761d", style="italic")
    layer(ax, 6, 5, 88, 7.5, "net namespace (IP, ports, lo)  +  ipc namespace (/dev/shm)\n"
          "joined with network_mode / ipc_mode = \"container:<pause id>\"", "#b6d7a8", size=9.5, weight="bold")
    return fig


def draw_pod_sandbox() -> NotebookFigure:
    """Chapter 03's pod: the pause container holds the namespaces; the app containers join them."""
    fig = NotebookFigure(figsize=(8, 4.6))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 60)
    ax.axis("off")

    def box(x: float, y: float, w: float, h: float, color: str, edge: str, text: str = "", size: float = 10,
            weight: str = "normal", style: str = "round,pad=0.6") -> None:
        ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle=style, facecolor=color, edgecolor=edge, lw=1.5))
        if text:
            ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=size, weight=weight)

    box(2, 2, 96, 54, "#f3f5fa", "#4a5a78")
    ax.text(5, 52, "pod two-containers   (IP 10.244.3.2, hostname two-containers)", fontsize=11, weight="bold")
    box(6, 33, 88, 13, "#fff4d6", "#c99a18")
    ax.text(8, 43, "pause container (the sandbox): holds the pod's namespaces", fontsize=10, weight="bold")
    for i, (ns, what) in enumerate([("network", "one IP, one port space, localhost"),
                                    ("IPC", "one /dev/shm, SysV IPC"), ("UTS", "one hostname")]):
        box(8 + i * 29, 35, 26, 5, "#ffffff", "#c99a18", f"{ns}: {what}", size=7.5, style="round,pad=0.3")
    for x, name, detail in [(10, "nginx", "listens on :80\nserves /usr/share/nginx/html"),
                            (56, "sidecar (busybox)", "wget localhost:80\nwrites /pod-data/index.html")]:
        box(x, 12, 34, 13, "#dff0e0", "#2e8b3e")
        ax.text(x + 17, 21.5, name, ha="center", fontsize=10, weight="bold")
        ax.text(x + 17, 15.5, detail + "\n(own filesystem)", ha="center", va="center", fontsize=8)
        ax.annotate("", xy=(x + 17, 32.5), xytext=(x + 17, 25.8),
                    arrowprops={"arrowstyle": "->", "color": "#555555", "lw": 1.3})
        ax.text(x + 18.5, 28.5, "joins", fontsize=8, color="#555555")
    box(30, 4, 40, 4, "#e4ecfb", "#3b6fc4", "emptyDir volume shared-data (mounted by both)", size=8,
        style="round,pad=0.4")
    for x in (27, 73):
        ax.plot([x, x, 29.4 if x < 50 else 70.6], [11.4, 6, 6], color="#3b6fc4", lw=1, ls="--")
    return fig
