"""What `kubectl get` prints: one table row per object, in kubectl's columns.

Mirrors kubectl's table printers (pkg/printers/internalversion/printers.go),
Go's text/tabwriter that lines the columns up, and apimachinery's
HumanDuration that turns an age into "5s", "2m30s" or "3h5m". A pod's
STATUS is not its phase: it is the reason of the first container that is
not running (CrashLoopBackOff, Completed, Error ...), or Terminating once
the pod has a deletionTimestamp, exactly as kubectl computes it.
Simplified: kinds k8slite only stores get their most useful columns.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import yaml

from k8slite.api.core import Event, Namespace
from k8slite.api.meta import KubeObject, LabelSelector
from k8slite.api.node import Node
from k8slite.api.pod import Pod
from k8slite.api.replicaset import ReplicaSet
from k8slite.api.serialize import parse_time

Row = list[str]
Cells = tuple[Row, Row]  # (columns before AGE, columns -o wide adds)


def human_duration(seconds: float) -> str:
    """apimachinery's duration.HumanDuration: precise when short, coarse when long."""
    s = int(seconds)  # Go's int() truncates toward zero
    if s < -1:
        return "<invalid>"
    if s < 0:
        return "0s"
    if s < 120:
        return f"{s}s"
    minutes, hours = s // 60, s // 3600
    if minutes < 10:
        return f"{minutes}m{s % 60}s" if s % 60 else f"{minutes}m"
    if minutes < 180:
        return f"{minutes}m"
    if hours < 8:
        return f"{hours}h{minutes % 60}m" if minutes % 60 else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    days = hours // 24
    if hours < 24 * 8:
        return f"{days}d{hours % 24}h" if hours % 24 else f"{days}d"
    if hours < 24 * 365 * 2:
        return f"{days}d"
    if hours < 24 * 365 * 8:
        return f"{days // 365}y{days % 365}d" if days % 365 else f"{days // 365}y"
    return f"{days // 365}y"


def since(now: float, moment: float | str | None) -> str:
    """translateTimestampSince: the age of a time; objects carry whole seconds, as the API does."""
    if moment is None or moment == "":
        return "<unknown>"
    if isinstance(moment, str):
        moment = parse_time(moment, "")
    return human_duration(now - round(moment))


def tabwrite(lines: list[list[str]], minwidth: int = 6, padding: int = 3) -> str:
    """Go's text/tabwriter: a cell is text ended by a tab; the last cell of a line is not a column.

    A column block is a run of consecutive lines that all have a cell in that
    column; its width is the widest cell plus padding. kubectl's tables use
    minwidth 6 and padding 3; `kubectl describe` uses 0 and 2.
    """
    out = [""] * len(lines)

    def block(top: int, bottom: int, column: int) -> None:
        line = top
        while line < bottom:
            if column >= len(lines[line]) - 1:
                line += 1
                continue
            start = line
            while line < bottom and column < len(lines[line]) - 1:
                line += 1
            width = max(minwidth, *(len(lines[i][column]) + padding for i in range(start, line)))
            for i in range(start, line):
                out[i] += lines[i][column].ljust(width)
            block(start, line, column + 1)

    block(0, len(lines), 0)
    return "".join(o + cells[-1] + "\n" for o, cells in zip(out, lines))


# ---------------------------------------------------------------- cells shared by many kinds

def labels_cell(labels: dict[str, str]) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items())) or "<none>"


def format_selector(selector: LabelSelector | dict[str, Any] | None) -> str:
    """metav1.FormatLabelSelector: `app=web,tier in (a,b)`, or <none>."""
    if isinstance(selector, dict):
        exprs = selector.get("matchExpressions") or []
        selector = LabelSelector(dict(selector.get("matchLabels") or {}), [])
        parts = [expression_text(e.get("key", ""), e.get("operator", ""), e.get("values") or []) for e in exprs]
    else:
        parts = [expression_text(e.key, e.operator, e.values) for e in (selector.match_expressions if selector else [])]
    if selector is None:
        return "<none>"
    text = ",".join([f"{k}={v}" for k, v in sorted(selector.match_labels.items())] + parts)
    return text or "<none>"


def expression_text(key: str, op: str, values: list[str]) -> str:
    joined = ",".join(sorted(values))
    return {"In": f"{key} in ({joined})", "NotIn": f"{key} notin ({joined})",
            "Exists": key, "DoesNotExist": f"!{key}"}.get(op, key)


def containers_images(spec: Any) -> tuple[str, str]:
    """CONTAINERS and IMAGES of a pod template (a PodSpec or its dict)."""
    if isinstance(spec, dict):
        cs = spec.get("containers") or []
        return ",".join(c.get("name", "") for c in cs), ",".join(c.get("image", "") for c in cs)
    return ",".join(c.name for c in spec.containers), ",".join(c.image for c in spec.containers)


def dig(body: dict[str, Any], path: str, default: Any = None) -> Any:
    value: Any = body
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return default if value is None else value


# ---------------------------------------------------------------- pods

def pod_reason(pod: Pod) -> str:
    """The STATUS column: kubectl's printPod, walking containers from last to first."""
    status = pod.status
    reason = status.reason or status.phase
    for cs in reversed(status.container_statuses):
        state = cs.state
        if state.waiting is not None and state.waiting.reason:
            reason = state.waiting.reason
        elif state.terminated is not None and state.terminated.reason:
            reason = state.terminated.reason
        elif state.terminated is not None:
            reason = f"ExitCode:{state.terminated.exit_code}"
    running = any(cs.ready and cs.state.running is not None for cs in status.container_statuses)
    if reason == "Completed" and running:
        reason = "Running" if status.condition("Ready") is not None else "NotReady"
    if pod.metadata.deletion_timestamp is not None and status.reason == "NodeLost":
        return "Unknown"
    if pod.metadata.deletion_timestamp is not None and status.phase not in ("Succeeded", "Failed"):
        return "Terminating"
    return reason


def pod_ready(pod: Pod) -> str:
    ok = sum(1 for cs in pod.status.container_statuses if cs.ready and cs.state.running is not None
             and not (cs.state.waiting and cs.state.waiting.reason))
    return f"{ok}/{len(pod.spec.containers)}"


def pod_restarts(pod: Pod, now: float) -> str:
    """`3 (25s ago)`: restarts, and how long ago the last one died (kubectl 1.24+)."""
    restarts = sum(cs.restart_count for cs in pod.status.container_statuses)
    finished = [cs.last_state.terminated.finished_at for cs in pod.status.container_statuses
                if cs.last_state.terminated is not None and cs.last_state.terminated.finished_at is not None]
    if restarts and finished:
        return f"{restarts} ({since(now, max(finished))} ago)"
    return str(restarts)


def pod_row(pod: Pod, now: float, wide: bool) -> Row:
    row = [pod.name, pod_ready(pod), pod_reason(pod), pod_restarts(pod, now),
           since(now, pod.metadata.creation_timestamp)]
    if wide:
        ip = pod.status.pod_ips[0].ip if pod.status.pod_ips else ""
        row += [ip or "<none>", pod.spec.node_name or "<none>", "<none>", "<none>"]
    return row


# ---------------------------------------------------------------- nodes

def node_roles(node: Node) -> str:
    roles = {k.split("/", 1)[1] for k in node.metadata.labels
             if k.startswith("node-role.kubernetes.io/") and "/" in k}
    if node.metadata.labels.get("kubernetes.io/role"):
        roles.add(node.metadata.labels["kubernetes.io/role"])
    return ",".join(sorted(r for r in roles if r)) or "<none>"


def node_status(node: Node) -> str:
    ready = node.status.condition("Ready")
    words = ["Unknown" if ready is None else ("Ready" if ready.status == "True" else "NotReady")]
    if node.spec.unschedulable:
        words.append("SchedulingDisabled")
    return ",".join(words)


def node_row(node: Node, now: float, wide: bool) -> Row:
    info = node.status.node_info
    row = [node.name, node_status(node), node_roles(node), since(now, node.metadata.creation_timestamp),
           str(info.get("kubeletVersion", ""))]
    if wide:
        def address(kind: str) -> str:
            return next((a.address for a in node.status.addresses if a.type == kind), "<none>")
        row += [address("InternalIP"), address("ExternalIP"), info.get("osImage") or "<unknown>",
                info.get("kernelVersion") or "<unknown>", info.get("containerRuntimeVersion") or "<unknown>"]
    return row


# ---------------------------------------------------------------- the other typed kinds

def rs_row(rs: ReplicaSet, now: float, wide: bool) -> Row:
    row = [rs.name, str(rs.spec.replicas), str(rs.status.replicas), str(rs.status.ready_replicas),
           since(now, rs.metadata.creation_timestamp)]
    if wide:
        row += [*containers_images(rs.spec.template.spec), format_selector(rs.spec.selector)]
    return row


def ns_row(ns: Namespace, now: float, wide: bool) -> Row:
    return [ns.name, ns.status.phase, since(now, ns.metadata.creation_timestamp)]


def event_row(ev: Event, now: float, wide: bool) -> Row:
    ref = ev.involved_object
    target = f"{ref.kind.lower()}/{ref.name}" if ref.name else ref.kind.lower()
    first = since(now, ev.first_timestamp)
    last = since(now, ev.last_timestamp) if ev.last_timestamp is not None else first
    if not wide:
        return [last, ev.type, ev.reason, target, ev.message.strip()]
    component = ev.source.component or ev.reporting_component
    host = ev.source.host or ev.reporting_instance
    source = f"{component}, {host}" if host else component
    return [last, ev.type, ev.reason, target, ref.field_path, source, ev.message.strip(), first,
            str(ev.count or 1), ev.name]


# ---------------------------------------------------------------- kinds k8slite stores as GenericObject

ACCESS_MODES = {"ReadWriteOnce": "RWO", "ReadOnlyMany": "ROX", "ReadWriteMany": "RWX", "ReadWriteOncePod": "RWOP"}


def deployment_cells(b: dict[str, Any], now: float, wide: bool) -> Cells:
    replicas = dig(b, "spec.replicas", 1)
    cells = [f"{dig(b, 'status.readyReplicas', 0)}/{replicas}", str(dig(b, "status.updatedReplicas", 0)),
             str(dig(b, "status.availableReplicas", 0))]
    return cells, [*containers_images(dig(b, "spec.template.spec", {})), format_selector(dig(b, "spec.selector"))]


def service_cells(b: dict[str, Any], now: float, wide: bool) -> Cells:
    kind = dig(b, "spec.type", "ClusterIP")
    external = {"ExternalName": dig(b, "spec.externalName", "<none>"), "LoadBalancer": "<pending>"}.get(kind, "<none>")
    ingress = [i.get("ip") or i.get("hostname", "") for i in dig(b, "status.loadBalancer.ingress", [])]
    if ingress or dig(b, "spec.externalIPs"):
        external = ",".join([*dig(b, "spec.externalIPs", []), *ingress])
    ports = [f"{p.get('port')}" + (f":{p['nodePort']}" if p.get("nodePort") else "") + f"/{p.get('protocol', 'TCP')}"
             for p in dig(b, "spec.ports", [])]
    selector = dig(b, "spec.selector", {})
    return ([kind, dig(b, "spec.clusterIP", "<none>"), external, ",".join(ports) or "<none>"],
            [labels_cell(selector) if selector else "<none>"])


def job_cells(b: dict[str, Any], now: float, wide: bool) -> Cells:
    succeeded, completions = dig(b, "status.succeeded", 0), dig(b, "spec.completions")
    parallelism = dig(b, "spec.parallelism", 1)
    if completions is not None:
        done = f"{succeeded}/{completions}"
    else:
        done = f"{succeeded}/1 of {parallelism}" if parallelism > 1 else f"{succeeded}/1"
    start, end = dig(b, "status.startTime"), dig(b, "status.completionTime")
    duration = "" if start is None else since(now, start) if end is None else \
        human_duration(seconds(end) - seconds(start))
    conditions = {c.get("type") for c in dig(b, "status.conditions", []) if c.get("status") == "True"}
    status = next((s for s in ("Complete", "Failed", "Suspended", "FailureTarget") if s in conditions), "Running")
    return ([status, done, duration],
            [*containers_images(dig(b, "spec.template.spec", {})), format_selector(dig(b, "spec.selector"))])


def seconds(t: float | str) -> float:
    return parse_time(t, "") if isinstance(t, str) else float(t)


def pvc_cells(b: dict[str, Any], now: float, wide: bool) -> Cells:
    modes = ",".join(ACCESS_MODES.get(m, m) for m in dig(b, "status.accessModes", []))
    return ([dig(b, "status.phase", "Pending"), dig(b, "spec.volumeName", ""),
             str(dig(b, "status.capacity.storage", "")), modes, dig(b, "spec.storageClassName", "<unset>"),
             dig(b, "spec.volumeAttributesClassName", "<unset>")], [dig(b, "spec.volumeMode", "Filesystem")])


def pv_cells(b: dict[str, Any], now: float, wide: bool) -> Cells:
    ref = dig(b, "spec.claimRef", {})
    claim = f"{ref.get('namespace')}/{ref.get('name')}" if ref else ""
    return ([str(dig(b, "spec.capacity.storage", "")),
             ",".join(ACCESS_MODES.get(m, m) for m in dig(b, "spec.accessModes", [])),
             dig(b, "spec.persistentVolumeReclaimPolicy", "Retain"), dig(b, "status.phase", "Pending"), claim,
             dig(b, "spec.storageClassName", ""), dig(b, "spec.volumeAttributesClassName", "<unset>"),
             dig(b, "status.reason", "")], [dig(b, "spec.volumeMode", "Filesystem")])


def configmap_cells(b: dict[str, Any], now: float, wide: bool) -> Cells:
    return [str(len(b.get("data") or {}) + len(b.get("binaryData") or {}))], []


def secret_cells(b: dict[str, Any], now: float, wide: bool) -> Cells:
    return [b.get("type", "Opaque"), str(len(b.get("data") or {}) + len(b.get("stringData") or {}))], []


def endpoints_cells(b: dict[str, Any], now: float, wide: bool) -> Cells:
    eps = [f"{a.get('ip')}:{p.get('port')}" if p else str(a.get("ip")) for s in b.get("subsets") or []
           for p in (s.get("ports") or [None]) for a in s.get("addresses") or []]
    shown = ",".join(eps[:3]) + (f" + {len(eps) - 3} more..." if len(eps) > 3 else "")
    return [shown or "<none>"], []


# kind: (columns before AGE, extra -o wide columns, cells function)
GENERIC: dict[str, tuple[Row, Row, Callable[[dict[str, Any], float, bool], Cells]]] = {
    "Deployment": (["READY", "UP-TO-DATE", "AVAILABLE"], ["CONTAINERS", "IMAGES", "SELECTOR"], deployment_cells),
    "Service": (["TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)"], ["SELECTOR"], service_cells),
    "Job": (["STATUS", "COMPLETIONS", "DURATION"], ["CONTAINERS", "IMAGES", "SELECTOR"], job_cells),
    "PersistentVolumeClaim": (["STATUS", "VOLUME", "CAPACITY", "ACCESS MODES", "STORAGECLASS",
                               "VOLUMEATTRIBUTESCLASS"], ["VOLUMEMODE"], pvc_cells),
    "PersistentVolume": (["CAPACITY", "ACCESS MODES", "RECLAIM POLICY", "STATUS", "CLAIM", "STORAGECLASS",
                          "VOLUMEATTRIBUTESCLASS", "REASON"], ["VOLUMEMODE"], pv_cells),
    "ConfigMap": (["DATA"], [], configmap_cells),
    "Secret": (["TYPE", "DATA"], [], secret_cells),
    "Endpoints": (["ENDPOINTS"], [], endpoints_cells),
}


def generic_row(obj: KubeObject, now: float, wide: bool) -> Row:
    body: dict[str, Any] = getattr(obj, "body", {})
    age = since(now, obj.metadata.creation_timestamp)
    if obj.kind not in GENERIC:
        return [obj.name, age]
    cells, extra = GENERIC[obj.kind][2](body, now, wide)
    return [obj.name, *cells, age, *(extra if wide else [])]


def header(kind: str, wide: bool) -> Row:
    """The column names of a kind's table."""
    if kind == "Event" and wide:
        return ["LAST SEEN", "TYPE", "REASON", "OBJECT", "SUBOBJECT", "SOURCE", "MESSAGE", "FIRST SEEN", "COUNT",
                "NAME"]
    if kind in HEADERS:
        base, more = HEADERS[kind]
    elif kind in GENERIC:
        base, more = ["NAME", *GENERIC[kind][0], "AGE"], GENERIC[kind][1]
    else:
        base, more = ["NAME", "AGE"], []
    return [*base, *(more if wide else [])]


HEADERS: dict[str, tuple[Row, Row]] = {
    "Pod": (["NAME", "READY", "STATUS", "RESTARTS", "AGE"], ["IP", "NODE", "NOMINATED NODE", "READINESS GATES"]),
    "Node": (["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
             ["INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"]),
    "ReplicaSet": (["NAME", "DESIRED", "CURRENT", "READY", "AGE"], ["CONTAINERS", "IMAGES", "SELECTOR"]),
    "Namespace": (["NAME", "STATUS", "AGE"], []),
    "Event": (["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"], []),
}
ROWS: dict[str, Callable[[Any, float, bool], Row]] = {
    "Pod": pod_row, "Node": node_row, "ReplicaSet": rs_row, "Namespace": ns_row, "Event": event_row}


def row(obj: KubeObject, now: float, wide: bool) -> Row:
    return ROWS.get(obj.kind, generic_row)(obj, now, wide)


# ---------------------------------------------------------------- names, selectors, whole outputs

def kind_name(kind: Any) -> str:
    """`pod`, `replicaset.apps`, `job.batch`: how kubectl names a kind in its messages."""
    group = kind.api_version.split("/")[0] if "/" in kind.api_version else ""
    return kind.kind.lower() + (f".{group}" if group else "")


def resource_name(kind: Any, name: str) -> str:
    return f"{kind_name(kind)}/{name}"


def selector_matches(selector: str, labels: dict[str, str]) -> bool:
    """A `-l` selector: `a=b`, `a==b`, `a!=b`, `a`, `!a`, `a in (x,y)`, `a notin (x)`, comma-separated."""
    terms = re.findall(r"[^,(]+(?:\([^)]*\))?", selector)
    for term in (t.strip() for t in terms if t.strip()):
        match = re.fullmatch(r"(\S+)\s+(in|notin)\s+\((.*)\)", term)
        if match:
            key, op, values = match[1], match[2], {v.strip() for v in match[3].split(",")}
            if (labels.get(key) in values) != (op == "in") or (op == "in" and key not in labels):
                return False
        elif "!=" in term:
            key, value = (s.strip() for s in term.split("!=", 1))
            if labels.get(key) == value:
                return False
        elif "=" in term:
            key, value = (s.strip() for s in term.replace("==", "=").split("=", 1))
            if labels.get(key) != value:
                return False
        elif term.startswith("!"):
            if term[1:] in labels:
                return False
        elif term not in labels:
            return False
    return True


class KubectlDumper(yaml.SafeDumper):
    """sigs.k8s.io/yaml's style: keys sorted, quoted strings in double quotes, multi-line text literal."""

    def choose_scalar_style(self) -> Any:
        style = super().choose_scalar_style()
        return '"' if style == "'" else style


def represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


KubectlDumper.add_representer(str, represent_str)


def as_list(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}}


def to_json(data: Any) -> str:
    """Go's json.MarshalIndent with four spaces: HTML characters escaped, keys sorted (unstructured maps)."""
    text = json.dumps(data, indent=4, sort_keys=True, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n"


def render(now: float, blocks: list[tuple[Any, list[KubeObject]]], flags: dict[str, Any], single: bool,
           with_kind: bool) -> str:
    """The output of `kubectl get` for objects grouped by kind, in the format -o asks for."""
    output = flags.get("output", "")
    objects = [o for _, objs in blocks for o in objs]
    if output in ("yaml", "json"):
        data = objects[0].to_dict() if single and len(objects) == 1 else as_list([o.to_dict() for o in objects])
        if output == "json":
            return to_json(data)
        return yaml.dump(data, Dumper=KubectlDumper, sort_keys=True, default_flow_style=False,
                         allow_unicode=True, width=1 << 30)
    if output == "name":
        return "".join(f"{resource_name(kind, o.name)}\n" for kind, objs in blocks for o in objs)
    if output not in ("", "wide"):
        raise ValueError(f'unable to match a printer suitable for the output format "{output}", allowed '
                         "formats are: json,name,wide,yaml")
    texts = [table_for(now, kind, objs, flags, with_kind) for kind, objs in blocks if objs]
    return "\n".join(texts)


def table_for(now: float, kind: Any, objects: list[KubeObject], flags: dict[str, Any], with_kind: bool) -> str:
    wide = flags.get("output") == "wide"
    all_ns = bool(flags.get("all_namespaces")) and kind.namespaced
    head = header(kind.kind, wide)
    rows = []
    for obj in objects:
        cells = row(obj, now, wide)
        if with_kind:
            cells[0] = resource_name(kind, cells[0])
        if flags.get("show_labels"):
            cells.append(labels_cell(obj.metadata.labels))
        rows.append([obj.namespace] * all_ns + cells)
    head = ["NAMESPACE"] * all_ns + head + ["LABELS"] * bool(flags.get("show_labels"))
    return tabwrite(rows if flags.get("no_headers") else [head, *rows])
