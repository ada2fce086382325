"""A pod as the container engine holds it: `docker ps`, `docker inspect`, and a picture of its namespaces.

Mirrors what a person sees on a node that runs pods with dockershim (or with
k8slite's Docker runtime): no pod anywhere, only containers, one of them the
pause container. `engine_ps(c)` prints `docker ps` of a cluster's containers
with the k8slite labels that say which node, pod and container each one is;
`inspect_pod(c, pod)` returns `docker inspect` of a pod's containers, dead ones
included; `draw_pod_namespaces(inspected, title)` draws them: the app
containers join the pause container's network and IPC namespaces
(`NetworkMode` and `IpcMode` are `container:<pause id>`), while each keeps a
UTS namespace of its own, into which Docker copied the pause container's
hostname (Docker cannot share a UTS namespace between containers; containerd
and CRI-O give a pod one). On the fake runtime, which has no engine to ask,
the first two build the same shapes from the fake runtime's sandboxes, so a
notebook runs the same cells either way.
"""

from __future__ import annotations

import subprocess
from typing import TYPE_CHECKING, Any

from matplotlib.axes import Axes
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from k8slite.runtime.fake import FakeRuntime
from k8slite.viz.figure import NotebookFigure

if TYPE_CHECKING:
    from k8slite.cluster import Cluster

NAMESPACES, NAMESPACE_EDGE = "#eef4fb", "#4a78a8"
PAUSE, PAUSE_EDGE = "#d9d9d9", "#555555"
RUNNING, RUNNING_EDGE, EXITED, EXITED_EDGE = "#d5ecd4", "#2e7d32", "#f2f2f2", "#999999"
FOLDER, FOLDER_EDGE, FOLDER_TEXT = "#fff4d6", "#b8860b", "#8a6508"
COLUMNS = ("table {{.ID}}\t{{.Label \"k8slite.node\"}}\t{{.Label \"k8slite.pod\"}}"
           "\t{{.Label \"k8slite.role\"}}\t{{.Label \"k8slite.container\"}}\t{{.Status}}")


def on_docker(cluster: Cluster) -> bool:
    return bool(cluster.engine.name == "docker")


def engine_ps(cluster: Cluster, *label_filters: str, stopped: bool = False) -> None:
    """Print `docker ps` of the cluster's containers (with extra `label=value` filters), or the fake equivalent."""
    if on_docker(cluster):
        filters = [f"label=k8slite.cluster={cluster.engine.cluster_id}", *(f"label={f}" for f in label_filters)]
        argv = ["docker", "ps", *(["-a"] if stopped else []), *sum((["--filter", f] for f in filters), []),
                "--format", COLUMNS]
        print("$ docker ps", " ".join(argv[2:-2]).replace(cluster.engine.cluster_id, "<cluster id>"))
        print(subprocess.run(argv, capture_output=True, text=True, check=False).stdout.rstrip())
        return
    print("(fake runtime: no engine to ask; here is what the kubelets' fake runtimes hold)")
    wanted = dict(f.split("=", 1) for f in label_filters)
    print(f"{'CONTAINER ID':16}{'NODE':8}{'POD':17}{'ROLE':7}{'CONTAINER':11}STATUS")
    for node, kubelet in cluster.kubelets.items():
        if wanted.get("k8slite.node", node) != node or not (kubelet.running or stopped):
            continue
        runtime = kubelet.runtime
        assert isinstance(runtime, FakeRuntime)
        for box in runtime.sandboxes.values():
            if wanted.get("k8slite.pod", box.pod_name) != box.pod_name:
                continue
            print(f"{box.id:16}{node:8}{box.pod_name:17}{'pause':7}{'':11}{'Up' if kubelet.running else 'Exited'}")
            for fc in runtime.containers.values():
                if fc.info.sandbox_id == box.id and (fc.info.state == "running" or stopped):
                    print(f"{fc.info.id:16}{node:8}{box.pod_name:17}{'app':7}{fc.info.name:11}{fc.info.state}")


def inspect_pod(cluster: Cluster, pod: str) -> list[dict[str, Any]]:
    """`docker inspect` of a pod's containers, exited ones too; on the fake runtime, the same shape."""
    if on_docker(cluster):
        client = cluster.engine.client
        labels = [f"k8slite.cluster={cluster.engine.cluster_id}", f"k8slite.pod={pod}"]
        return [client.api.inspect_container(x.id) for x in client.containers.list(all=True, filters={"label": labels})]
    obj = cluster.get("pod", pod)
    runtime = cluster.kubelets[obj.spec.node_name].runtime
    assert isinstance(runtime, FakeRuntime)
    mounts = {ct.name: ct.volume_mounts for ct in obj.spec.containers}
    found: list[dict[str, Any]] = []
    for box in [b for b in runtime.sandboxes.values() if b.pod_name == pod]:
        found.append({"Id": box.id, "Name": f"/{box.id}-pause",
                      "Config": {"Hostname": pod[:63], "Labels": {"k8slite.role": "pause"}},
                      "HostConfig": {"NetworkMode": "default", "IpcMode": "shareable", "Binds": None},
                      "NetworkSettings": {"IPAddress": box.ip}, "State": {"Status": "running"}})
        for fc in [x for x in runtime.containers.values() if x.info.sandbox_id == box.id]:
            binds = [f"/pods/{obj.metadata.uid}/volumes/{m.name}:{m.mount_path}:rw" for m in mounts[fc.info.name]]
            found.append({"Id": fc.info.id, "Name": f"/{fc.info.id}",
                          "Config": {"Hostname": pod[:63],
                                     "Labels": {"k8slite.role": "app", "k8slite.container": fc.info.name}},
                          "HostConfig": {"NetworkMode": f"container:{box.id}", "IpcMode": f"container:{box.id}",
                                         "Binds": binds},
                          "NetworkSettings": {"IPAddress": ""}, "State": {"Status": fc.info.state}})
    return found


def draw_pod_namespaces(inspected: list[dict[str, Any]], title: str) -> NotebookFigure:
    """The containers of one pod from `docker inspect` dicts: who joins whose namespaces, which host folder."""
    fig = NotebookFigure(figsize=(10, 5), dpi=100)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 100)
    ax.set_ylim(0, 50)
    ax.axis("off")
    pause = next(d for d in inspected if d["Config"]["Labels"].get("k8slite.role") == "pause")
    apps = sorted((d for d in inspected if d["HostConfig"]["NetworkMode"] == "container:" + pause["Id"]),
                  key=lambda d: (d["State"]["Status"] != "running", d["Config"]["Labels"]["k8slite.container"]))
    ax.add_patch(FancyBboxPatch((2, 12), 96, 35, boxstyle="round,pad=0.4", fc=NAMESPACES, ec=NAMESPACE_EDGE, lw=1.5))
    ax.text(4, 45.2, title, fontsize=11, weight="bold", va="center")
    ax.text(4, 42.6, "network and IPC namespaces, held by the pause container: one IP, one localhost, one /dev/shm",
            fontsize=8.5, color=NAMESPACE_EDGE, va="center")
    ax.text(4, 40.4, "UTS namespace (hostname): one per container; Docker copies the pause container's hostname "
            "into each app container", fontsize=8.5, color=NAMESPACE_EDGE, va="center")
    pause_box(ax, pause)
    width = 66 / max(len(apps), 1)
    ax.add_patch(FancyBboxPatch((6, 2), 88, 5, boxstyle="round,pad=0.3", fc=FOLDER, ec=FOLDER_EDGE))
    ax.text(50, 4.5, "emptyDir www = one folder on the host: .../pods/<pod uid>/volumes/www", ha="center", fontsize=9)
    for index, app in enumerate(apps):
        app_box(ax, app, pause, 31 + index * width, width - 3, 9 + index * 4)
    ax.text(60, 36.8, "NetworkMode and IpcMode container:<pause id>: joins the pause container's network and IPC "
            "namespaces", ha="center", fontsize=8, color=NAMESPACE_EDGE)
    return fig


def pause_box(ax: Axes, pause: dict[str, Any]) -> None:
    ax.add_patch(FancyBboxPatch((5, 15), 22, 15, boxstyle="round,pad=0.3", fc=PAUSE, ec=PAUSE_EDGE))
    lines = [pause["Id"][:12], f"NetworkMode {pause['HostConfig']['NetworkMode']}",
             f"IP {pause['NetworkSettings']['IPAddress']}", f"hostname {pause['Config'].get('Hostname', '')}"]
    ax.text(16, 27.8, "pause", ha="center", fontsize=10, weight="bold")
    for y, line in zip((25.0, 22.4, 19.8, 17.2), lines):
        ax.text(16, y, line, ha="center", fontsize=7.5, family="monospace")


def app_box(ax: Axes, app: dict[str, Any], pause: dict[str, Any], x: float, width: float, arrow_to: float) -> None:
    """One app container: its box, its arrow to the pause container, and the folders it mounts."""
    running = app["State"]["Status"] == "running"
    ax.add_patch(FancyBboxPatch((x, 15), width, 15, boxstyle="round,pad=0.3", fc=RUNNING if running else EXITED,
                                ec=RUNNING_EDGE if running else EXITED_EDGE, ls="-" if running else "--"))
    middle = x + width / 2
    ax.text(middle, 27.8, app["Config"]["Labels"]["k8slite.container"], ha="center", fontsize=10, weight="bold")
    ax.text(middle, 25.0, app["Id"][:12], ha="center", fontsize=8, family="monospace")
    ax.text(middle, 22.4, f"net, ipc: container:{pause['Id'][:8]}...", ha="center", fontsize=7.5)
    ax.text(middle, 19.8, f"own UTS, hostname {app['Config'].get('Hostname', '')}", ha="center", fontsize=7.5)
    ax.text(middle, 17.2, app["State"]["Status"], ha="center", fontsize=8, color=RUNNING_EDGE if running else "#777777")
    ax.add_patch(FancyArrowPatch((middle, 30.6), (arrow_to, 30.6), connectionstyle="arc3,rad=0.16",
                                 arrowstyle="-|>", mutation_scale=10, color=NAMESPACE_EDGE, lw=0.9))
    for bind in app["HostConfig"]["Binds"] or []:
        ax.annotate("", xy=(middle, 7.6), xytext=(middle, 14.4),
                    arrowprops={"arrowstyle": "-", "color": FOLDER_EDGE, "lw": 1.2, "ls": ":"})
        ax.text(middle + 0.7, 10.0, "mounted at " + bind.split(":")[1], fontsize=7.5, color=FOLDER_TEXT)
