"""kubectl get -w (--watch) for as long as --request-timeout says: the table, then a row per change.

Mirrors kubectl 1.32's get --watch: it lists the objects and prints the table, then watches from the
list's resourceVersion and prints one row for each change it is told about (ADDED, MODIFIED,
DELETED: a deleted object's last state), no header again, each row as the object is when the change
happens (so AGE is 0s for a new pod). The columns only grow: a row is padded to the widest cell any
row so far had in that column. `--output-watch-events` adds an EVENT column (the listed objects are
ADDED). Only one kind at a time. Here the watch runs the cluster's clock for the --request-timeout
(`kubectl get pods -w --request-timeout=60s` shows the next minute of the cluster) and ends with it,
as kubectl's does when the server closes the watch. Without --request-timeout kubectl would watch
until interrupted; c.kubectl prints the table once. Left out: -o yaml/json/name with -w, --watch-only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from k8slite.api.kinds import Kind
from k8slite.api.meta import KubeObject
from k8slite.kubectl.command import Command, UsageError
from k8slite.kubectl.get import table_cells
from k8slite.kubectl.resources import fetch
from k8slite.kubectl.rollout import seconds
from k8slite.kubectl.selectors import fields_match, selector_matches

if TYPE_CHECKING:
    from k8slite.cluster import Cluster

PADDING, MINWIDTH = 3, 6  # kubectl's tabwriter


class Lines:
    """Rows lined up by columns that only grow, as kubectl's watch prints them."""

    def __init__(self) -> None:
        self.widths: list[int] = []
        self.text: list[str] = []

    def add(self, rows: list[list[str]]) -> None:
        for row in rows:
            for i, cell in enumerate(row[:-1]):
                width = max(MINWIDTH, len(cell) + PADDING)
                if i < len(self.widths):
                    self.widths[i] = max(self.widths[i], width)
                else:
                    self.widths.append(width)
        for row in rows:
            self.text.append("".join(c.ljust(w) for c, w in zip(row[:-1], self.widths)) + row[-1] + "\n")


def watch(cluster: Cluster, cmd: Command, groups: list[tuple[Kind, list[str]]]) -> str:
    if len(groups) != 1:
        raise UsageError("you may only specify a single resource type")
    kind, names = groups[0]
    events = bool(cmd.flags.get("output_watch_events"))
    objects, missing = fetch(cluster, cmd, kind, names, read=True)
    revision = cluster.api.store.revision
    head, rows = table_cells(cluster.now, kind, objects, cmd.flags)
    lines = Lines()
    lines.add(([] if cmd.flags.get("no_headers") else [["EVENT"] * events + head]) +
              [["ADDED"] * events + r for r in rows])
    namespace = None if cmd.flags.get("all_namespaces") or not kind.namespaced else cmd.namespace

    def wanted(obj: Any) -> bool:
        return isinstance(obj, KubeObject) and (not names or obj.name in names) and \
            selector_matches(cmd.flags.get("selector", ""), obj.metadata.labels) and \
            fields_match(cmd.flags.get("field_selector", ""), obj)

    def changed() -> None:
        for event in stream.drain():
            if wanted(event.value):
                _, cells = table_cells(cluster.now, kind, [event.value], cmd.flags)
                lines.add([[event.type] * events + cells[0]])

    stream = cluster.api.watch(kind.plural, namespace, revision, changed)
    try:
        cluster.run(seconds(str(cmd.flags["request_timeout"])))
        changed()
    finally:
        stream.stop()
    return "".join(lines.text) + "".join(missing)
