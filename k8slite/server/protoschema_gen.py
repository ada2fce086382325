"""Writes protoschema.json, the table protobuf.py decodes with, from Kubernetes' own sources (go-to-protobuf's inputs).

Kubernetes' protobuf messages are generated from its Go types: each
package of k8s.io/api and k8s.io/apimachinery has a `generated.proto`
(message names, field numbers, proto types) next to the `types.go` it was
made from (each field's JSON name in its `json:` tag, and whether the
field is a pointer). Both are needed: on the wire a Go field that is not
a pointer is always written, even at its zero value (`generateName: ""`,
`minReadySeconds: 0`), and means nothing then, while a pointer field is
written only when set, so a zero there (`replicas: 0`) is meant. This
script reads both and keeps only the messages reachable from the kinds
k8slite serves (k8slite.api.kinds), plus DeleteOptions and the scale
subresource's Scale. It is not run at import time; run it when a kind is
added or Kubernetes' version changes:

    git clone --branch release-1.32 https://github.com/kubernetes/api
    git clone --branch release-1.32 https://github.com/kubernetes/apimachinery
    python -m k8slite.server.protoschema_gen api apimachinery > k8slite/server/protoschema.json

The table: `kinds` maps a kind to its message; `messages` maps a message
(its proto name without `k8s.io.api.` or `k8s.io.apimachinery.pkg.`) to
its fields by number: `[json name, type, how]`, where the json name is ""
for a struct inlined into its parent (a Volume's VolumeSource), the type a
proto scalar or a message name, and how is "" (a Go value: its zero is
left out), "pointer", "repeated" or "map" (string keys; the type is the
value's). Messages protobuf.py decodes by hand (Time, IntOrString,
Quantity ...) are leaves: their fields are not listed.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from k8slite.api.kinds import KINDS
from k8slite.server.protobuf import SCALARS, SPECIAL

PREFIXES = ("k8s.io.api.", "k8s.io.apimachinery.pkg.")
EXTRA_ROOTS = {"DeleteOptions": "apis.meta.v1.DeleteOptions", "Scale": "autoscaling.v1.Scale"}
PACKAGE = re.compile(r"^package ([\w.]+);", re.M)
MESSAGE = re.compile(r"^message (\w+) \{(.*?)^\}", re.M | re.S)
PROTO_FIELD = re.compile(r"^\s*(optional|repeated|map<\s*(\S+)\s*,\s*(\S+)\s*>)\s*(\S+)?\s+(\w+) = (\d+);", re.M)
STRUCT = re.compile(r"^type (\w+) struct \{(.*?)^\}", re.M | re.S)
GO_FIELD = re.compile(r"^\s*([^`/]+?)\s+`([^`]*)`", re.M)
TAG = re.compile(r'(\w+):"([^"]*)"')


@dataclass(frozen=True)
class ProtoField:
    """One field of a message in generated.proto."""

    number: int
    name: str
    type: str
    """A proto scalar (`string`, `int32` ...) or a message's short name (`core.v1.Container`)."""
    how: str
    """`optional`, `repeated` or `map` (then `type` is the value's)."""


@dataclass(frozen=True)
class GoField:
    """The same field in types.go."""

    json: str
    """Its JSON name; "" for a struct inlined into its parent (`json:",inline"`)."""
    pointer: bool
    """A pointer (`*int32`) is written only when set; any other field always, even at its zero."""


def short(name: str) -> str:
    """`k8s.io.api.core.v1.Pod` -> `core.v1.Pod`."""
    name = name.lstrip(".")
    for prefix in PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def package_dir(package: str, api: Path, apimachinery: Path) -> Path:
    """The Go package a proto package was generated from: k8s.io.api.apps.v1 -> api/apps/v1."""
    if package.startswith("k8s.io.api."):
        return api.joinpath(*package[len("k8s.io.api."):].split("."))
    return apimachinery.joinpath(*package[len("k8s.io.apimachinery."):].split("."))


def read_proto(text: str) -> tuple[str, dict[str, list[ProtoField]]]:
    """One generated.proto: its package, and its messages by short name with their fields."""
    match = PACKAGE.search(text)
    assert match, "a generated.proto without a package line"
    package = match.group(1)
    messages = {}
    for name, body in MESSAGE.findall(text):
        fields = []
        for label, key, value, type_, field, number in PROTO_FIELD.findall(body):
            if label.startswith("map"):
                assert key == "string", f"{name}.{field}: map keys other than strings are not read"
                how, type_ = "map", value
            else:
                how = label
            fields.append(ProtoField(int(number), field, qualify(type_, short(package)), how))
        messages[f"{short(package)}.{name}"] = fields
    return package, messages


def qualify(type_: str, package: str) -> str:
    """A field's type as a short message name (`Container` in core.v1 -> `core.v1.Container`), or a scalar."""
    if type_.startswith("."):
        return short(type_)
    return type_ if type_[0].islower() else f"{package}.{type_}"


def read_go(directory: Path) -> dict[str, dict[int, GoField]]:
    """The protobuf-tagged fields of every struct in a Go package: struct -> field number -> (json name, pointer)."""
    structs: dict[str, dict[int, GoField]] = {}
    for path in sorted(directory.glob("*.go")):
        if path.name.endswith("_test.go"):
            continue
        for name, body in STRUCT.findall(path.read_text()):
            for declaration, tag in GO_FIELD.findall(body):
                tags = dict(TAG.findall(tag))
                if "protobuf" not in tags or tags["protobuf"] == "-":
                    continue
                number = int(tags["protobuf"].split(",")[1])
                go_type = declaration.split()[-1]
                json_name = tags.get("json", "").split(",")[0]
                structs.setdefault(name, {})[number] = GoField(json_name, go_type.startswith("*"))
    return structs


def reachable(roots: list[str], messages: dict[str, list[ProtoField]]) -> list[str]:
    """The messages the roots' fields lead to, leaves (SPECIAL) not entered, in a stable order."""
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in seen or name in SPECIAL:
            continue
        if name not in messages:
            raise SystemExit(f"no message {name} in the sources read")
        seen.add(name)
        todo.extend(f.type for f in messages[name] if "." in f.type)
    return sorted(seen)


def table(api: Path, apimachinery: Path) -> dict[str, object]:
    """The kinds' messages, with their fields' JSON names and pointer-ness from the Go types."""
    messages: dict[str, list[ProtoField]] = {}
    packages: dict[str, Path] = {}
    for path in sorted([*api.rglob("generated.proto"), *apimachinery.rglob("generated.proto")]):
        package, found = read_proto(path.read_text())
        messages.update(found)
        packages[short(package)] = package_dir(package, api, apimachinery)
    kinds = {k.kind: f"{k.group.split('.')[0] or 'core'}.{k.api_version.split('/')[-1]}.{k.kind}" for k in KINDS}
    kinds.update(EXTRA_ROOTS)
    out: dict[str, dict[str, list[str]]] = {}
    go: dict[str, dict[str, dict[int, GoField]]] = {}  # package -> struct -> number -> field
    for name in reachable(list(kinds.values()), messages):
        package, struct = name.rsplit(".", 1)
        structs = go.setdefault(package, read_go(packages[package]))
        out[name] = {str(f.number): entry(name, f, structs.get(struct, {}).get(f.number)) for f in messages[name]}
    return {"kinds": dict(sorted(kinds.items())), "messages": out}


def entry(message: str, field: ProtoField, go: GoField | None) -> list[str]:
    """[json name, type, how] for one field; the Go struct must have it, or the sources disagree."""
    if go is None:
        raise SystemExit(f"{message}.{field.name} ({field.number}) has no field in the Go types")
    if "." not in field.type and field.type not in SCALARS:
        raise SystemExit(f"{message}.{field.name}: protobuf.py does not read a {field.type}")
    how = field.how if field.how != "optional" else ("pointer" if go.pointer else "")
    return [go.json, field.type, how]


def dump(data: dict[str, object]) -> str:
    """JSON with one message to a line, so that a regenerated table diffs by message."""
    kinds = json.dumps(data["kinds"])
    messages = data["messages"]
    assert isinstance(messages, dict)
    lines = ",\n".join(f"  {json.dumps(name)}: {json.dumps(fields)}" for name, fields in messages.items())
    return f'{{"kinds": {kinds},\n "messages": {{\n{lines}\n}}}}\n'


def main(argv: list[str]) -> None:
    if len(argv) != 2:
        raise SystemExit("usage: python -m k8slite.server.protoschema_gen API_DIR APIMACHINERY_DIR > protoschema.json")
    sys.stdout.write(dump(table(Path(argv[0]), Path(argv[1]))))


if __name__ == "__main__":
    main(sys.argv[1:])
