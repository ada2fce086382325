"""What `kubectl describe` prints: a pod, a node or a ReplicaSet, with its events.

Mirrors kubectl's pkg/describe/describe.go: lines of `Key:<TAB>value` at
indent levels of two spaces, all run through one Go tabwriter (padding 2),
which is why consecutive keys line up and a key after an unindented line
starts a new alignment. The events table is flushed on its own. Times are
RFC 1123 in UTC, on the date the cluster clock started (2025-01-01).
Simplified: no Lease, no System Info beyond what the kubelet reports, and
other kinds get kubectl's generic describer (their fields, title-cased).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from k8slite.api.core import Event
from k8slite.api.meta import KubeObject
from k8slite.api.node import Node
from k8slite.api.pod import Container, ContainerState, Pod, Probe, Taint, Toleration, Volume
from k8slite.api.quantity import bytes_of, format_bytes, format_cpu, millicores
from k8slite.api.replicaset import ReplicaSet
from k8slite.api.serialize import EPOCH
from k8slite.kubectl_print import format_selector, human_duration, node_roles, since, tabwrite

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def rfc1123(seconds: float | None) -> str:
    """Go's time.RFC1123Z in UTC; a missing time is Go's zero time, as kubectl shows it."""
    if seconds is None:
        return "Mon, 01 Jan 0001 00:00:00 +0000"
    t = EPOCH + dt.timedelta(seconds=round(seconds))
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


# ---------------------------------------------------------------- pieces shared by the describers

def labels_multiline(w: PrefixWriter, title: str, labels: dict[str, str], indent: str = "") -> None:
    w.write(0, f"{indent}{title}:\t")
    if not labels:
        w.write(0, "<none>\n")
    for i, key in enumerate(sorted(labels)):
        w.write(0, ("" if i == 0 else f"{indent}\t") + f"{key}={labels[key]}\n")


def annotations_multiline(w: PrefixWriter, title: str, annotations: dict[str, str], indent: str = "") -> None:
    keys = sorted(k for k in annotations if k != "kubectl.kubernetes.io/last-applied-configuration")
    w.write(0, f"{indent}{title}:\t")
    if not keys:
        w.write(0, "<none>\n")
    for i, key in enumerate(keys):
        if i:
            w.write(0, f"{indent}\t")
        value = annotations[key].removesuffix("\n")
        if len(value) + len(key) + 2 > 140 or "\n" in value:
            w.write(0, f"{key}:\n")
            for part in value.split("\n"):
                w.write(0, f"{indent}\t  {part[:138] + '...' if len(part) > 138 else part}\n")
        else:
            w.write(0, f"{key}: {value}\n")


def taint_text(t: Taint) -> str:
    text = t.key + (f"={t.value}" if t.value else "")
    return text + (f":{t.effect}" if t.effect else "")


def tolerations_multiline(w: PrefixWriter, tolerations: list[Toleration], indent: str = "") -> None:
    w.write(0, f"{indent}Tolerations:\t")
    if not tolerations:
        w.write(0, "<none>\n")
    for i, t in enumerate(sorted(tolerations, key=lambda t: t.key)):
        text = ("" if i == 0 else f"{indent}\t") + t.key + (f"={t.value}" if t.value else "")
        text += f":{t.effect}" if t.effect else ""
        if t.operator == "Exists" and not t.value:
            text += " op=Exists" if (t.key or t.effect) else "op=Exists"
        text += f" for {t.toleration_seconds}s" if t.toleration_seconds is not None else ""
        w.write(0, text + "\n")


def describe_events(w: PrefixWriter, events: list[Event], now: float) -> None:
    if not events:
        w.write(0, "Events:\t<none>\n")
        return
    w.flush()
    w.write(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n")
    w.write(1, "----\t------\t----\t----\t-------\n")
    for e in sorted(events, key=lambda e: e.last_timestamp or 0.0):
        age = since(now, e.first_timestamp)
        if e.count > 1:
            age = f"{since(now, e.last_timestamp)} (x{e.count} over {age})"
        w.write(1, f"{e.type}\t{e.reason}\t{age}\t{e.source.component or e.reporting_component}\t"
                   f"{e.message.strip()}\n")


def events_for(cluster: Any, obj: KubeObject) -> list[Event]:
    """The events whose involvedObject is obj (by uid, as kubectl's field selector does)."""
    return [e for e in cluster.events() if e.involved_object.kind == obj.kind
            and e.involved_object.name == obj.name and e.involved_object.uid in ("", obj.metadata.uid)]


# ---------------------------------------------------------------- containers and volumes

def describe_probe(p: Probe) -> str:
    attrs = (f"delay={p.initial_delay_seconds}s timeout={p.timeout_seconds}s period={p.period_seconds}s "
             f"#success={p.success_threshold} #failure={p.failure_threshold}")
    if p.exec is not None:
        return f"exec [{' '.join(p.exec.command)}] {attrs}"
    if p.http_get is not None:
        g = p.http_get
        return f"http-get {g.scheme.lower()}://{g.host}:{g.port}{g.path} {attrs}"
    if p.tcp_socket is not None:
        return f"tcp-socket {p.tcp_socket.host}:{p.tcp_socket.port} {attrs}"
    return f"unknown {attrs}"


def describe_state(w: PrefixWriter, title: str, state: ContainerState) -> None:
    if state.running is not None:
        w.write(2, f"{title}:\tRunning\n")
        w.write(3, f"Started:\t{rfc1123(state.running.started_at)}\n")
    elif state.terminated is not None:
        t = state.terminated
        w.write(2, f"{title}:\tTerminated\n")
        if t.reason:
            w.write(3, f"Reason:\t{t.reason}\n")
        if t.message:
            w.write(3, f"Message:\t{t.message}\n")
        w.write(3, f"Exit Code:\t{t.exit_code}\n")
        w.write(3, f"Started:\t{rfc1123(t.started_at)}\n")
        w.write(3, f"Finished:\t{rfc1123(t.finished_at)}\n")
    else:
        w.write(2, f"{title}:\tWaiting\n")
        if state.waiting is not None and state.waiting.reason:
            w.write(3, f"Reason:\t{state.waiting.reason}\n")


def describe_containers(w: PrefixWriter, containers: list[Container], pod: Pod | None, space: str = "") -> None:
    w.write(0, f"{space}Containers:{'' if containers else ' <none>'}\n")
    statuses = {s.name: s for s in pod.status.container_statuses} if pod else {}
    for c in containers:
        status = statuses.get(c.name)
        w.write(1, f"{' ' if space else ''}{c.name}:\n")
        if status:
            w.write(2, f"Container ID:\t{status.container_id}\n")
        w.write(2, f"Image:\t{c.image}\n")
        if status:
            w.write(2, f"Image ID:\t{status.image_id}\n")
        ports = ", ".join(f"{p.container_port}/{p.protocol}" for p in c.ports)
        hosts = ", ".join(f"{p.host_port or 0}/{p.protocol}" for p in c.ports)
        w.write(2, f"Ports:\t{ports}\n" if "," in ports else f"Port:\t{ports or '<none>'}\n")
        w.write(2, f"Host Ports:\t{hosts}\n" if "," in hosts else f"Host Port:\t{hosts or '<none>'}\n")
        for title, words in (("Command", c.command), ("Args", c.args)):
            if words:
                w.write(2, f"{title}:\n")
                for line in (part for word in words for part in word.split("\n")):
                    w.write(3, f"{line}\n")
        if status:
            describe_state(w, "State", status.state)
            if status.last_state.terminated is not None:
                describe_state(w, "Last State", status.last_state)
            w.write(2, f"Ready:\t{status.ready}\n")
            w.write(2, f"Restart Count:\t{status.restart_count}\n")
        describe_container_rest(w, c, pod)


def describe_container_rest(w: PrefixWriter, c: Container, pod: Pod | None) -> None:
    for title, amounts in (("Limits", c.resources.limits), ("Requests", c.resources.requests)):
        if amounts:
            w.write(2, f"{title}:\n")
        for name in sorted(amounts):
            w.write(3, f"{name}:\t{amounts[name]}\n")
    for title, probe in (("Liveness", c.liveness_probe), ("Readiness", c.readiness_probe),
                         ("Startup", c.startup_probe)):
        if probe is not None:
            w.write(2, f"{title}:\t{describe_probe(probe)}\n")
    w.write(2, "Environment:" + ("" if c.env else "\t<none>") + "\n")
    for e in c.env:
        if e.value_from is None:
            for i, line in enumerate((e.value or "").split("\n")):
                w.write(3, f"{e.name}:\t{line}\n" if i == 0 else f"\t{line}\n")
        else:
            w.write(3, f"{e.name}:\t{env_from_text(e.value_from, pod)}\n")
    w.write(2, "Mounts:" + ("" if c.volume_mounts else "\t<none>") + "\n")
    for m in sorted(c.volume_mounts, key=lambda m: m.mount_path):
        flags = ["ro" if m.read_only else "rw"] + ([f'path="{m.sub_path}"'] if m.sub_path else [])
        w.write(3, f"{m.mount_path} from {m.name} ({','.join(flags)})\n")


def env_from_text(source: dict[str, Any], pod: Pod | None) -> str:
    for key, what in (("secretKeyRef", "in secret"), ("configMapKeyRef", "of config map")):
        if key in source:
            ref = source[key]
            optional = "true" if ref.get("optional") else "false"
            return f"<set to the key '{ref.get('key')}' {what} '{ref.get('name')}'>\tOptional: {optional}"
    ref = source.get("fieldRef") or {}
    value = pod.to_dict() if pod else {}
    for part in re.split(r"\.", ref.get("fieldPath", "")):
        value = value.get(part, "") if isinstance(value, dict) else ""
    return f"{value or ''} ({ref.get('apiVersion', 'v1')}:{ref.get('fieldPath', '')})"


VOLUME_TYPES = {
    "host_path": ("HostPath (bare host directory volume)", [("Path", "path"), ("HostPathType", "type")]),
    "empty_dir": ("EmptyDir (a temporary directory that shares a pod's lifetime)",
                  [("Medium", "medium"), ("SizeLimit", "size_limit")]),
    "persistent_volume_claim": ("PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same "
                                "namespace)", [("ClaimName", "claim_name"), ("ReadOnly", "read_only")]),
    "config_map": ("ConfigMap (a volume populated by a ConfigMap)", [("Name", "name"), ("Optional", "optional")]),
    "secret": ("Secret (a volume populated by a Secret)", [("SecretName", "secretName"), ("Optional", "optional")]),
}


def describe_volumes(w: PrefixWriter, volumes: list[Volume], space: str = "") -> None:
    if not volumes:
        w.write(0, f"{space}Volumes:\t<none>\n")
        return
    w.write(0, f"{space}Volumes:\n")
    for v in volumes:
        w.write(1, f"{' ' if space else ''}{v.name}:\n")
        kind = next((k for k in VOLUME_TYPES if getattr(v, k) is not None), None)
        if kind is None:
            w.write(1, "<unknown>\n")
            continue
        title, fields = VOLUME_TYPES[kind]
        w.write(2, f"Type:\t{title}\n")
        source = getattr(v, kind)
        for label, attr in fields:
            value = source.get(attr) if isinstance(source, dict) else getattr(source, attr)
            if attr in ("read_only", "optional"):
                value = "true" if value else "false"
            elif attr == "size_limit":
                value = value or "<unset>"
            w.write(2, f"{label}:\t{value or ''}\n")


# ---------------------------------------------------------------- the describers

def describe_pod(cluster: Any, pod: Pod) -> str:
    w, now = PrefixWriter(), cluster.now
    w.write(0, f"Name:\t{pod.name}\nNamespace:\t{pod.namespace}\nPriority:\t0\nService Account:\tdefault\n")
    w.write(0, f"Node:\t{pod.spec.node_name}/{pod.status.host_ip}\n" if pod.spec.node_name else "Node:\t<none>\n")
    if pod.status.start_time is not None:
        w.write(0, f"Start Time:\t{rfc1123(pod.status.start_time)}\n")
    labels_multiline(w, "Labels", pod.metadata.labels)
    annotations_multiline(w, "Annotations", pod.metadata.annotations)
    deleted = pod.metadata.deletion_timestamp
    if deleted is not None and pod.status.phase not in ("Succeeded", "Failed"):
        w.write(0, f"Status:\tTerminating (lasts {human_duration(round(deleted) - now)})\n")
        w.write(0, f"Termination Grace Period:\t{pod.metadata.deletion_grace_period_seconds or 0}s\n")
    else:
        w.write(0, f"Status:\t{pod.status.phase}\n")
    for title, text in (("Reason", pod.status.reason), ("Message", pod.status.message)):
        if text:
            w.write(0, f"{title}:\t{text}\n")
    w.write(0, f"IP:\t{pod.status.pod_ip}\n")
    ips = [ip.ip for ip in pod.status.pod_ips]
    w.write(0, "IPs:\n" + "".join(f"  IP:\t{ip}\n" for ip in ips) if ips else "IPs:\t<none>\n")
    owner = pod.metadata.controller_ref()
    if owner is not None:
        w.write(0, f"Controlled By:\t{owner.kind}/{owner.name}\n")
    describe_containers(w, pod.spec.containers, pod)
    if pod.status.conditions:
        w.write(0, "Conditions:\n  Type\tStatus\n")
        for c in pod.status.conditions:
            w.write(1, f"{c.type} \t{c.status} \n")
    describe_volumes(w, pod.spec.volumes)
    w.write(0, f"QoS Class:\t{pod.status.qos_class or qos_class(pod)}\n")
    labels_multiline(w, "Node-Selectors", pod.spec.node_selector)
    tolerations_multiline(w, pod.spec.tolerations)
    describe_events(w, events_for(cluster, pod), now)
    return w.result()


def qos_class(pod: Pod) -> str:
    """Guaranteed when every container's requests equal its limits for cpu and memory; BestEffort with none."""
    resources = [c.resources for c in pod.spec.containers]
    if not any(r.requests or r.limits for r in resources):
        return "BestEffort"
    guaranteed = all(set(r.limits) >= {"cpu", "memory"} and all(r.requests.get(k, r.limits[k]) == r.limits[k]
                     for k in ("cpu", "memory")) for r in resources)
    return "Guaranteed" if guaranteed else "Burstable"


def describe_node(cluster: Any, node: Node) -> str:
    w, now = PrefixWriter(), cluster.now
    w.write(0, f"Name:\t{node.name}\nRoles:\t{node_roles(node)}\n")
    labels_multiline(w, "Labels", node.metadata.labels)
    annotations_multiline(w, "Annotations", node.metadata.annotations)
    w.write(0, f"CreationTimestamp:\t{rfc1123(node.metadata.creation_timestamp)}\nTaints:\t")
    taints = sorted(node.spec.taints, key=lambda t: f"{t.effect},{t.key}")
    w.write(0, "".join(("" if i == 0 else "\t") + taint_text(t) + "\n" for i, t in enumerate(taints)) or "<none>\n")
    w.write(0, f"Unschedulable:\t{'true' if node.spec.unschedulable else 'false'}\n")
    w.write(0, "Lease:\n  HolderIdentity:\t<unset>\n  AcquireTime:\t<unset>\n  RenewTime:\t<unset>\n")
    if node.status.conditions:
        w.write(0, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n")
        w.write(1, "----\t------\t-----------------\t------------------\t------\t-------\n")
        for c in node.status.conditions:
            w.write(1, f"{c.type} \t{c.status} \t{rfc1123(c.last_heartbeat_time)} \t"
                       f"{rfc1123(c.last_transition_time)} \t{c.reason} \t{c.message}\n")
    w.write(0, "Addresses:\n" + "".join(f"  {a.type}:\t{a.address}\n" for a in node.status.addresses))
    for title, amounts in (("Capacity", node.status.capacity), ("Allocatable", node.status.allocatable)):
        if amounts:
            w.write(0, f"{title}:\n" + "".join(f"  {k}:\t{amounts[k]}\n" for k in sorted(amounts)))
    info = node.status.node_info
    w.write(0, "System Info:\n")
    for label, key in (("Machine ID", "machineID"), ("System UUID", "systemUUID"), ("Boot ID", "bootID"),
                       ("Kernel Version", "kernelVersion"), ("OS Image", "osImage"),
                       ("Operating System", "operatingSystem"), ("Architecture", "architecture"),
                       ("Container Runtime Version", "containerRuntimeVersion"),
                       ("Kubelet Version", "kubeletVersion"), ("Kube-Proxy Version", "kubeProxyVersion")):
        w.write(1, f"{label}:\t{info.get(key, '')}\n")
    if node.spec.pod_cidr:
        w.write(0, f"PodCIDR:\t{node.spec.pod_cidr}\n")
    if node.spec.pod_cidrs:
        w.write(0, f"PodCIDRs:\t{','.join(node.spec.pod_cidrs)}\n")
    if node.spec.provider_id:
        w.write(0, f"ProviderID:\t{node.spec.provider_id}\n")
    describe_node_pods(w, cluster, node)
    describe_events(w, events_for(cluster, node), now)
    return w.result()


def pod_amounts(pod: Pod) -> dict[str, int]:
    """Requests and limits of a pod in millicores and bytes (a missing request defaults to its limit)."""
    out = dict.fromkeys(("cpu_req", "cpu_lim", "mem_req", "mem_lim"), 0)
    for c in pod.spec.containers:
        req, lim = {**c.resources.limits, **c.resources.requests}, c.resources.limits
        out["cpu_req"] += millicores(req.get("cpu", 0))
        out["cpu_lim"] += millicores(lim.get("cpu", 0))
        out["mem_req"] += bytes_of(req.get("memory", 0))
        out["mem_lim"] += bytes_of(lim.get("memory", 0))
    return out


def describe_node_pods(w: PrefixWriter, cluster: Any, node: Node) -> None:
    pods = [p for p in cluster.api.list("pods") if isinstance(p, Pod) and p.spec.node_name == node.name
            and p.status.phase not in ("Succeeded", "Failed")]
    alloc = node.status.allocatable or node.status.capacity
    cpu, mem = millicores(alloc.get("cpu", 0)) or 1, bytes_of(alloc.get("memory", 0)) or 1

    def amounts(a: dict[str, int]) -> list[str]:
        return [f"{format_cpu(a['cpu_req'])} ({a['cpu_req'] * 100 // cpu}%)",
                f"{format_cpu(a['cpu_lim'])} ({a['cpu_lim'] * 100 // cpu}%)",
                f"{format_bytes(a['mem_req'])} ({a['mem_req'] * 100 // mem}%)",
                f"{format_bytes(a['mem_lim'])} ({a['mem_lim'] * 100 // mem}%)"]
    w.write(0, f"Non-terminated Pods:\t({len(pods)} in total)\n")
    w.write(1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n")
    w.write(1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n")
    total = dict.fromkeys(("cpu_req", "cpu_lim", "mem_req", "mem_lim"), 0)
    for p in pods:
        a = pod_amounts(p)
        total = {k: total[k] + a[k] for k in total}
        cells = amounts(a)
        age = since(cluster.now, p.metadata.creation_timestamp)
        w.write(1, f"{p.namespace}\t{p.name}\t\t{cells[0]}\t{cells[1]}\t{cells[2]}\t{cells[3]}\t{age}\n")
    cells = amounts(total)
    w.write(0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n")
    w.write(1, "Resource\tRequests\tLimits\n")
    w.write(1, "--------\t--------\t------\n")
    w.write(1, f"cpu\t{cells[0]}\t{cells[1]}\n")
    w.write(1, f"memory\t{cells[2]}\t{cells[3]}\n")
    w.write(1, "ephemeral-storage\t0 (0%)\t0 (0%)\n")


def describe_replicaset(cluster: Any, rs: ReplicaSet) -> str:
    w = PrefixWriter()
    w.write(0, f"Name:\t{rs.name}\nNamespace:\t{rs.namespace}\nSelector:\t{format_selector(rs.spec.selector)}\n")
    labels_multiline(w, "Labels", rs.metadata.labels)
    annotations_multiline(w, "Annotations", rs.metadata.annotations)
    owner = rs.metadata.controller_ref()
    if owner is not None:
        w.write(0, f"Controlled By:\t{owner.kind}/{owner.name}\n")
    w.write(0, f"Replicas:\t{rs.status.replicas} current / {rs.spec.replicas} desired\n")
    pods = [p for p in cluster.api.list("pods", rs.namespace) if isinstance(p, Pod)
            and rs.spec.selector.matches(p.metadata.labels)
            and (ref := p.metadata.controller_ref()) is not None and ref.uid == rs.metadata.uid]
    counts = [sum(p.status.phase == phase for p in pods) for phase in ("Running", "Pending", "Succeeded", "Failed")]
    w.write(0, "Pods Status:\t{} Running / {} Waiting / {} Succeeded / {} Failed\n".format(*counts))
    template = rs.spec.template
    w.write(0, "Pod Template:\n")
    labels_multiline(w, "Labels", template.metadata.labels, "  ")
    if template.metadata.annotations:
        annotations_multiline(w, "Annotations", template.metadata.annotations, "  ")
    describe_containers(w, template.spec.containers, None, "  ")
    describe_volumes(w, template.spec.volumes, "  ")
    labels_multiline(w, "Node-Selectors", template.spec.node_selector, "  ")
    tolerations_multiline(w, template.spec.tolerations, "  ")
    if rs.status.conditions:
        w.write(0, "Conditions:\n  Type\tStatus\tReason\n")
        w.write(1, "----\t------\t------\n")
        for c in rs.status.conditions:
            w.write(1, f"{c.get('type')} \t{c.get('status')}\t{c.get('reason', '')}\n")
    describe_events(w, events_for(cluster, rs), cluster.now)
    return w.result()


def smart_label(field: str) -> str:
    """kubectl's smartLabelFor: `clusterIP` -> `Cluster IP`, `apiVersion` -> `API Version`."""
    if re.search(r"[^A-Za-z-]", field):
        return field
    parts = re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|-", field)
    return " ".join(p.upper() if p.upper() in ("API", "URL", "UID", "OSB", "GUID") else p[:1].upper() + p[1:]
                    for p in parts)


def unstructured(w: PrefixWriter, level: int, content: dict[str, Any], prefix: str = "") -> None:
    skip = {".metadata.managedFields", ".metadata.name", ".metadata.namespace", ".metadata.labels",
            ".metadata.annotations"}
    for key in sorted(content):
        value, path = content[key], f"{prefix}.{key}"
        if path in skip:
            continue
        if isinstance(value, dict):
            w.write(level, f"{smart_label(key)}:\n")
            unstructured(w, level + 1, value, path)
        elif isinstance(value, list):
            w.write(level, f"{smart_label(key)}:\n")
            for item in value:
                if isinstance(item, dict):
                    unstructured(w, level + 1, item, path)
                else:
                    w.write(level + 1, f"{go_value(item)}\n")
        else:
            w.write(level, f"{smart_label(key)}:\t{go_value(value)}\n")


def go_value(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def describe_generic(cluster: Any, obj: KubeObject) -> str:
    """kubectl's genericDescriber, used for kinds without a describer of their own."""
    w = PrefixWriter()
    w.write(0, f"Name:\t{obj.name}\nNamespace:\t{obj.namespace}\n")
    labels_multiline(w, "Labels", obj.metadata.labels)
    annotations_multiline(w, "Annotations", obj.metadata.annotations)
    unstructured(w, 0, obj.to_dict())
    describe_events(w, events_for(cluster, obj), cluster.now)
    return w.result()


def describe(cluster: Any, obj: KubeObject) -> str:
    if isinstance(obj, Pod):
        return describe_pod(cluster, obj)
    if isinstance(obj, Node):
        return describe_node(cluster, obj)
    if isinstance(obj, ReplicaSet):
        return describe_replicaset(cluster, obj)
    return describe_generic(cluster, obj)
