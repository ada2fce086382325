"""The pieces every `kubectl describe` is made of, from k8s.io/kubectl/pkg/describe/describe.go.

kubectl writes a description as lines of `Key:<TAB>value` through a
PrefixWriter that indents two spaces per level, and runs all of it through
one tabwriter (padding 2), which is why consecutive keys line up and a key
after an unindented line starts a new alignment. The events table is
flushed on its own first, so its columns do not stretch the keys above it.
Times are RFC 1123 in UTC, on the date the cluster clock started
(2025-01-01). Shared here: labels, annotations, tolerations, taints and the
events table. Left out: --show-events=false (events are always shown).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING

from k8slite.api.core import Event
from k8slite.api.meta import LAST_APPLIED, KubeObject
from k8slite.api.pod import Taint, Toleration
from k8slite.api.serialize import EPOCH
from k8slite.kubectl.durations import since
from k8slite.kubectl.tabwriter import tabwrite

if TYPE_CHECKING:
    from k8slite.cluster import Cluster

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def rfc1123(seconds: float | None) -> str:
    """Go's time.RFC1123Z in UTC; a missing time is Go's zero time, as kubectl shows it."""
    if seconds is None:
        return "Mon, 01 Jan 0001 00:00:00 +0000"
    t = EPOCH + dt.timedelta(seconds=math.floor(seconds))
    return f"{DAYS[t.weekday()]}, {t.day:02d} {MONTHS[t.month - 1]} {t.year} {t:%H:%M:%S} +0000"


class PrefixWriter:
    """kubectl's PrefixWriter: `write(level, text)` indents by two spaces per level."""

    def __init__(self) -> None:
        self.done: list[str] = []
        self.text = ""

    def write(self, level: int, text: str) -> None:
        self.text += "  " * level + text

    def flush(self) -> None:
        lines = [line.split("\t") for line in self.text.split("\n")]
        tail = lines.pop()  # text after the last newline (always empty here)
        self.done.append(tabwrite(lines, minwidth=0, padding=2) + "\t".join(tail))
        self.text = ""

    def result(self) -> str:
        self.flush()
        return "".join(self.done)


def heading(w: PrefixWriter, obj: KubeObject) -> None:
    """How most describers begin: Name, Namespace, then the labels and annotations."""
    w.write(0, f"Name:\t{obj.name}\nNamespace:\t{obj.namespace}\n")
    labels_multiline(w, "Labels", obj.metadata.labels)
    annotations_multiline(w, "Annotations", obj.metadata.annotations)


def labels_multiline(w: PrefixWriter, title: str, labels: dict[str, str], indent: str = "") -> None:
    """`Labels:  app=web` and one more `key=value` per line below it, sorted; <none> if empty."""
    w.write(0, f"{indent}{title}:\t")
    if not labels:
        w.write(0, "<none>\n")
    for i, key in enumerate(sorted(labels)):
        w.write(0, ("" if i == 0 else "\t") + f"{key}={labels[key]}\n")  # kubectl 1.32: no indent before the tab


def annotations_multiline(w: PrefixWriter, title: str, annotations: dict[str, str], indent: str = "") -> None:
    """Like labels, as `key: value`; a long or multi-line value goes below its key, cut at 140 columns."""
    keys = sorted(k for k in annotations if k != LAST_APPLIED)  # describe hides it: it repeats the object
    w.write(0, f"{indent}{title}:\t")
    if not keys:
        w.write(0, "<none>\n")
    for i, key in enumerate(keys):
        if i:
            w.write(0, "\t")  # kubectl 1.32: no indent before the tab (seen where the tabs are not lined up)
        value = annotations[key].removesuffix("\n")
        if len(value) + len(key) + 2 > 140 or "\n" in value:
            w.write(0, f"{key}:\n")
            for part in value.split("\n"):
                w.write(0, f"\t  {part[:138] + '...' if len(part) > 138 else part}\n")
        else:
            w.write(0, f"{key}: {value}\n")


def taint_text(t: Taint) -> str:
    """`key=value:NoSchedule`, as a Taint's String() writes it."""
    text = t.key + (f"={t.value}" if t.value else "")
    return text + (f":{t.effect}" if t.effect else "")


def tolerations_multiline(w: PrefixWriter, tolerations: list[Toleration], indent: str = "") -> None:
    """`Tolerations:  key=value:NoExecute op=Exists for 300s`, one per line, sorted by key."""
    w.write(0, f"{indent}Tolerations:\t")
    if not tolerations:
        w.write(0, "<none>\n")
    for i, t in enumerate(sorted(tolerations, key=lambda t: t.key)):
        text = ("" if i == 0 else "\t") + t.key + (f"={t.value}" if t.value else "")  # no indent, as for labels
        text += f":{t.effect}" if t.effect else ""
        if t.operator == "Exists" and not t.value:
            text += " op=Exists" if (t.key or t.effect) else "op=Exists"
        text += f" for {t.toleration_seconds}s" if t.toleration_seconds is not None else ""
        w.write(0, text + "\n")


def describe_events(w: PrefixWriter, events: list[Event], now: float) -> None:
    """The Events table at the end of a description: `Normal  Scheduled  5s  default-scheduler  ...`."""
    if not events:
        w.write(0, "Events:\t<none>\n")
        return
    w.flush()
    w.write(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n")
    w.write(1, "----\t------\t----\t----\t-------\n")
    for e in sorted(events, key=lambda e: e.last_timestamp or 0.0):
        w.write(1, f"{e.type}\t{e.reason}\t{interval(e, now)}\t{e.source.component or e.reporting_component}\t"
                   f"{e.message.strip()}\n")


def last_seen(event: Event) -> float:
    """eventTime(): the last time an event was seen (kubectl events sorts by it)."""
    return event.last_timestamp if event.last_timestamp is not None else event.time


def interval(event: Event, now: float) -> str:
    """getInterval, describe's Age and kubectl events' LAST SEEN: since the first time, or
    `<last> (x<count> over <first>)` for a repeated event."""
    first = since(now, event.first_timestamp)
    if (event.count or 1) > 1:
        return f"{since(now, last_seen(event))} (x{event.count} over {first})"
    return first


def events_for(cluster: Cluster, obj: KubeObject) -> list[Event]:
    """The events whose involvedObject is obj (by uid, as kubectl's field selector does)."""
    return [e for e in cluster.events() if e.involved_object.kind == obj.kind
            and e.involved_object.name == obj.name and e.involved_object.uid in ("", obj.metadata.uid)]
