"""metadata.managedFields: who owns which field, in FieldsV1's encoding
(k8s.io/apiserver/pkg/endpoints/handlers/fieldmanager, sigs.k8s.io/structured-merge-diff/fieldpath).

A field is named by its path from the object's root, one element a step:

- `f:replicas`: a field of a map or struct;
- `k:{"name":"nginx"}`: the item of an associative list whose keys have
  these values (keys sorted, compact JSON, as Go writes them);
- `v:"example.com/protect"`: a value of a list that is a set (finalizers).

A set of paths is written as a tree: `{"f:spec": {"f:replicas": {}}}`; a
path that is in the set and also has children in it gets the child `.`
(`k:{"name":"nginx"}: {".": {}, "f:image": {}}`: the container itself, and
its image). Each ManagedFieldsEntry holds one manager's set: `manager`
(the `fieldManager` query, else the first part of the User-Agent, as
kube-apiserver's managerOrUserAgent takes it), `operation` (Apply or
Update), `subresource` ("status", "scale" or ""), `apiVersion` and `time`.
Entries are kept sorted as kube-apiserver sorts them: Apply before Update,
then by time, then by manager. An entry whose set becomes empty goes.
Left out: the cap of ten Update managers (older ones are merged into one
"ancient-changes" entry in Kubernetes), the conversion of sets between API
versions (k8slite serves one version per kind).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from k8slite.api.meta import ManagedFieldsEntry

Path = tuple[str, ...]
"""A field's path, one FieldsV1 element a step: ("f:spec", "f:replicas")."""

MAX_MANAGER_LENGTH = 128  # k8s.io/apimachinery's FieldManagerMaxLength


def field_element(name: str) -> str:
    return f"f:{name}"


def key_element(keys: dict[str, Any]) -> str:
    """The element of an associative list's item: `k:{"containerPort":80,"protocol":"TCP"}`."""
    return "k:" + json.dumps(keys, sort_keys=True, separators=(",", ":"))


def value_element(value: Any) -> str:
    """The element of a set's value: `v:"kubernetes"`."""
    return "v:" + json.dumps(value, separators=(",", ":"))


def encode(fields: set[Path]) -> dict[str, Any]:
    """A set of paths as FieldsV1's tree; `.` marks a path that is in the set and has children."""
    tree: dict[str, Any] = {}
    for path in sorted(fields):
        node = tree
        for element in path:
            node = node.setdefault(element, {})
    for path in fields:
        node = tree
        for element in path:
            node = node[element]
        if node:
            node["."] = {}
    return sort_tree(tree)


def sort_tree(tree: dict[str, Any]) -> dict[str, Any]:
    """`.` first, then the elements in order, as fieldpath.Set serializes them."""
    return {k: sort_tree(tree[k]) for k in sorted(tree, key=lambda k: (k != ".", k))}


def decode(tree: dict[str, Any], prefix: Path = ()) -> set[Path]:
    """FieldsV1's tree back to its set of paths: leaves, and the nodes that have a `.`."""
    fields: set[Path] = set()
    for element, child in tree.items():
        if element == ".":
            fields.add(prefix)
        elif isinstance(child, dict) and child:
            fields |= decode(child, prefix + (element,))
        else:
            fields.add(prefix + (element,))
    return fields


def path_string(path: Path) -> str:
    """A path as conflicts print it: `.spec.template.spec.containers[name="nginx"].image`."""
    text = ""
    for element in path:
        kind, body = element[:2], element[2:]
        if kind == "f:":
            text += "." + body
        elif kind == "k:":
            keys = json.loads(body)
            text += "[" + ",".join(f"{k}={json.dumps(v)}" for k, v in sorted(keys.items())) + "]"
        else:
            text += f"[={body}]"
    return text


def manager_of(query: dict[str, str], user_agent: str) -> str:
    """The request's field manager: `fieldManager`, else the User-Agent up to its first `/`
    (`kubectl/v1.32.4 (linux/amd64) ...` -> "kubectl")."""
    if query.get("fieldManager"):
        return query["fieldManager"]
    prefix = "".join(c for c in user_agent.split("/")[0] if c.isprintable())
    return prefix[:MAX_MANAGER_LENGTH]


@dataclass
class Manager:
    """One ManagedFieldsEntry with its set decoded."""

    name: str
    operation: str
    subresource: str = ""
    api_version: str = ""
    time: float | None = None
    fields: set[Path] = field(default_factory=set)

    def same(self, name: str, operation: str, subresource: str) -> bool:
        """kube-apiserver's manager identity: name, operation and subresource (one version per kind here)."""
        return (self.name, self.operation, self.subresource) == (name, operation, subresource)


def read(entries: list[ManagedFieldsEntry]) -> list[Manager]:
    return [Manager(e.manager, e.operation, e.subresource, e.api_version, e.time, decode(e.fields_v1))
            for e in entries]


def write(managers: list[Manager]) -> list[ManagedFieldsEntry]:
    """The entries to store: empty sets dropped, Apply before Update, then by time and manager."""
    kept = [m for m in managers if m.fields]
    kept.sort(key=lambda m: (m.operation, m.time or 0.0, m.name, m.api_version, m.subresource))
    return [ManagedFieldsEntry(manager=m.name, operation=m.operation, api_version=m.api_version, time=m.time,
                               fields_type="FieldsV1", fields_v1=encode(m.fields), subresource=m.subresource)
            for m in kept]


def find(managers: list[Manager], name: str, operation: str, subresource: str, api_version: str) -> Manager:
    """The manager's entry, added to `managers` if it has none yet."""
    found = next((m for m in managers if m.same(name, operation, subresource)), None)
    if found is None:
        found = Manager(name, operation, subresource, api_version)
        managers.append(found)
    found.api_version = api_version
    return found


def is_reset(entries: list[ManagedFieldsEntry]) -> bool:
    """`managedFields: [{}]`: a client clearing every entry on purpose."""
    return len(entries) == 1 and entries[0] == ManagedFieldsEntry()
