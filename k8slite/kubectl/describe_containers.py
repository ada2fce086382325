"""The Containers: and Volumes: of `kubectl describe`, describe.go's describeContainers and describeVolumes.

Pods and ReplicaSets (through their pod template) share them. For a pod,
each container also shows what its status says: its ID, image ID, State
and Last State (Running, Waiting with a reason, Terminated with an exit
code and times), Ready and Restart Count; a template has no status, so
only the spec is shown. Probes are written as describe.go writes them
(`http-get http://:80/ delay=0s timeout=1s period=10s #success=1 #failure=3`).
Init containers use the same layout under `Init Containers:`.
Left out: ephemeral containers, envFrom, resize policies and the
volume types k8slite does not model.
"""

from __future__ import annotations

import re
from typing import Any

from k8slite.api.pod import Container, ContainerState, ContainerStatus, Pod, Probe, Volume
from k8slite.kubectl.describe_writer import PrefixWriter, rfc1123

VOLUME_TYPES = {  # attribute of Volume: (Type: text, [(key shown, attribute of the source)])
    "host_path": ("HostPath (bare host directory volume)", [("Path", "path"), ("HostPathType", "type")]),
    "empty_dir": ("EmptyDir (a temporary directory that shares a pod's lifetime)",
                  [("Medium", "medium"), ("SizeLimit", "size_limit")]),
    "persistent_volume_claim": ("PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same "
                                "namespace)", [("ClaimName", "claim_name"), ("ReadOnly", "read_only")]),
    "config_map": ("ConfigMap (a volume populated by a ConfigMap)", [("Name", "name"), ("Optional", "optional")]),
    "secret": ("Secret (a volume populated by a Secret)", [("SecretName", "secretName"), ("Optional", "optional")]),
}


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


def describe_containers(w: PrefixWriter, containers: list[Container], pod: Pod | None, space: str = "",
                        label: str = "Containers") -> None:
    """Containers: (or Init Containers:) of a pod, with their statuses, or of a pod template (pod None)."""
    w.write(0, f"{space}{label}:{'' if containers else ' <none>'}\n")
    statuses = {s.name: s for s in [*pod.status.init_container_statuses, *pod.status.container_statuses]} if pod \
        else {}
    for c in containers:
        describe_container(w, c, statuses.get(c.name), pod, space)


def describe_container(w: PrefixWriter, c: Container, status: ContainerStatus | None, pod: Pod | None,
                       space: str) -> None:
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
    """Limits, Requests, probes, Environment and Mounts: what a container's spec says after its state."""
    for title, amounts in (("Limits", c.resources.limits), ("Requests", c.resources.requests)):
        if amounts:
            w.write(2, f"{title}:\n")
        for name in sorted(amounts):
            w.write(3, f"{name}:\t{amounts[name]}\n")
    for title, probe in (("Liveness", c.liveness_probe), ("Readiness", c.readiness_probe),
                         ("Startup", c.startup_probe)):
        if probe is not None:
            w.write(2, f"{title}:\t{describe_probe(probe)}\n")
    describe_env(w, c, pod)
    w.write(2, "Mounts:" + ("" if c.volume_mounts else "\t<none>") + "\n")
    for m in sorted(c.volume_mounts, key=lambda m: m.mount_path):
        flags = ["ro" if m.read_only else "rw"] + ([f'path="{m.sub_path}"'] if m.sub_path else [])
        w.write(3, f"{m.mount_path} from {m.name} ({','.join(flags)})\n")


def describe_env(w: PrefixWriter, c: Container, pod: Pod | None) -> None:
    w.write(2, "Environment:" + ("" if c.env else "\t<none>") + "\n")
    for e in c.env:
        if e.value_from is None:
            for i, line in enumerate((e.value or "").split("\n")):
                w.write(3, f"{e.name}:\t{line}\n" if i == 0 else f"\t{line}\n")
        else:
            w.write(3, f"{e.name}:\t{env_from_text(e.value_from, pod)}\n")


def env_from_text(source: dict[str, Any], pod: Pod | None) -> str:
    """A valueFrom: `<set to the key 'k' in secret 's'>`, or the pod field's value and its path."""
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


def describe_volumes(w: PrefixWriter, volumes: list[Volume], space: str = "") -> None:
    if not volumes:
        w.write(0, f"{space}Volumes:\t<none>\n")
        return
    w.write(0, f"{space}Volumes:\n")
    for v in volumes:
        w.write(1, f"{' ' if space else ''}{v.name}:\n")
        if v.projected is not None:
            describe_projected(w, v.projected.sources)
            continue
        kind = next((k for k in VOLUME_TYPES if getattr(v, k) is not None), None)
        if kind is None:
            w.write(1, "<unknown>\n")
            continue
        title, fields = VOLUME_TYPES[kind]
        w.write(2, f"Type:\t{title}\n")
        describe_volume_source(w, getattr(v, kind), fields)


def describe_volume_source(w: PrefixWriter, source: Any, fields: list[tuple[str, str]]) -> None:
    for label, attr in fields:
        value = source.get(attr) if isinstance(source, dict) else getattr(source, attr)
        if attr in ("read_only", "optional"):
            value = "true" if value else "false"
        elif attr == "size_limit":
            value = value or "<unset>"
        w.write(2, f"{label}:\t{value or ''}\n")


def describe_projected(w: PrefixWriter, sources: list[dict[str, Any]]) -> None:
    """describe.go printProjectedVolumeSource: one or two lines per source, in the sources' order. Go prints
    the *bool `optional` with %v: `<nil>` when unset (a set one prints as its address; here, its value)."""
    w.write(2, "Type:\tProjected (a volume that contains injected data from multiple sources)\n")
    for source in sources:
        for key, title in (("secret", "Secret"), ("configMap", "ConfigMap")):
            if key in source:
                optional = source[key].get("optional")
                w.write(2, f"{title}Name:\t{source[key].get('name', '')}\n")
                w.write(2, f"{title}Optional{'Name' if key == 'secret' else ''}:\t"
                        f"{'<nil>' if optional is None else str(optional).lower()}\n")
        if "downwardAPI" in source:
            w.write(2, "DownwardAPI:\ttrue\n")
        if "serviceAccountToken" in source:
            w.write(2, f"TokenExpirationSeconds:\t{source['serviceAccountToken'].get('expirationSeconds', 3600)}\n")
