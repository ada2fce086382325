"""kubectl events (k8s.io/kubectl/pkg/cmd/events): a namespace's Events, oldest first.

Not `kubectl get events`: the events are sorted by when they were last
seen (SortableEvents), the object is written `Kind/name` (`Pod/web-x`),
and an event that happened several times says so in LAST SEEN
(`8s (x2 over 9s)`: the last time, how many times, since the first).
`--for pod/web-x` keeps the events of one object (which need not exist
any more), `--types=Warning` the events of those types, `-A` those of every
namespace, with a NAMESPACE column. With none to show it says `No events
found in default namespace.` (on stderr). Events seen in the same second
come out in the order Go's sort.Sort leaves them (gosort.py), as kubectl's.
Left out: --watch and -o.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from k8slite.api.core import Event
from k8slite.api.kinds import lookup
from k8slite.errors import NotFound
from k8slite.kubectl.command import Command, UsageError
from k8slite.kubectl.describe_writer import interval, last_seen
from k8slite.kubectl.gosort import go_sort
from k8slite.kubectl.resources import fetch
from k8slite.kubectl.tabwriter import tabwrite

if TYPE_CHECKING:
    from k8slite.cluster import Cluster

TYPES = ("Normal", "Warning")


def events(cluster: Cluster, cmd: Command) -> str:
    every = bool(cmd.flags.get("all_namespaces"))
    types = [t for t in str(cmd.flags.get("types", "")).split(",") if t]
    if any(t.lower() not in ("normal", "warning") for t in types):
        raise UsageError("valid --types are Normal or Warning")
    listed, _ = fetch(cluster, Command("get", [], {"all_namespaces": every, "namespace": cmd.namespace}),
                      lookup("events"), [])  # in the order the API server lists them to kubectl
    found = [e for e in listed if isinstance(e, Event)]
    if "for" in cmd.flags:
        kind_name, _, name = str(cmd.flags["for"]).rpartition("/")
        if not kind_name:
            raise UsageError("--for must be in resource/name form")
        try:
            kind = lookup(kind_name)
        except NotFound as e:  # the RESTMapper's NoResourceMatchError, which kubectl prints without "error: "
            return f"{e.message}\n"
        found = [e for e in found if (e.involved_object.kind, e.involved_object.api_version,
                                      e.involved_object.name) == (kind.kind, kind.api_version, name)]
    if types:
        found = [e for e in found if e.type.lower() in {t.lower() for t in types}]
    if not found:
        return "No events found.\n" if every else f"No events found in {cmd.namespace} namespace.\n"
    # SortableEvents: by the last time, in whole seconds as the API gives it, with Go's sort.Sort, which leaves
    # the events of one second in an order of its own
    go_sort(found, lambda a, b: math.floor(last_seen(a)) < math.floor(last_seen(b)))
    rows = [[e.namespace] * every + [interval(e, cluster.now), e.type, e.reason,
                                     f"{e.involved_object.kind}/{e.involved_object.name}", e.message.strip()]
            for e in found]
    return tabwrite([["NAMESPACE"] * every + ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"], *rows])

