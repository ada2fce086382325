"""kubectl get's -o yaml, -o json and -o name, k8s.io/cli-runtime/pkg/printers (YAMLPrinter, JSONPrinter, NamePrinter).

One object asked for by name prints as itself; anything else prints as a
`kind: List` holding the objects, as kubectl wraps them. YAML follows
sigs.k8s.io/yaml (go-yaml v2): keys sorted, a string that would read as
something else (`"21"`, `"true"`, `""`, a time) in double quotes, one that
only cannot be written plain (`'*/1 * * * *'`, `'@hourly'`, `'a: b'`) in
single quotes, multi-line strings as `|` blocks, no line wrapping. JSON follows Go's
json.MarshalIndent: four spaces, keys sorted, and <, > and & escaped as
\\u003c, \\u003e and \\u0026. Left out: -o jsonpath, go-template and
custom-columns.
"""

from __future__ import annotations

from typing import Any

import yaml

from k8slite.api.manifest import BOOL, GO_YAML_BOOL_WORDS, GO_YAML_BOOLS
from k8slite.api.meta import KubeObject
from k8slite.api.serialize import go_json
from k8slite.kubectl.resources import resource_name


class KubectlDumper(yaml.SafeDumper):
    """sigs.k8s.io/yaml's style: keys sorted, quoted strings as go-yaml v2 quotes them, multi-line text literal."""

    def choose_scalar_style(self) -> Any:
        """go-yaml's encoder asks for double quotes when the plain text would resolve to another type
        (`"21"`, `"true"`); otherwise its emitter, like PyYAML's, falls back from plain to single quotes."""
        style = super().choose_scalar_style()
        reads_as_text = isinstance(self.event, yaml.ScalarEvent) and self.event.implicit[0]  # plain, it stays a str
        return '"' if style == "'" and not reads_as_text else style


def represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


KubectlDumper.add_representer(str, represent_str)
# go-yaml v2 reads y, Y, n and N as booleans, so sigs.k8s.io/yaml quotes them as strings (`x: "y"`)
KubectlDumper.add_implicit_resolver(BOOL, GO_YAML_BOOL_WORDS, list(GO_YAML_BOOLS))


def as_list(items: list[dict[str, Any]]) -> dict[str, Any]:
    """The `kind: List` kubectl wraps several objects in."""
    return {"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}}


def to_json(data: Any) -> str:
    """Go's json.MarshalIndent with four spaces: HTML characters escaped, keys sorted (unstructured maps)."""
    return go_json(data, indent=4) + "\n"


def to_yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=KubectlDumper, sort_keys=True, default_flow_style=False,
                     allow_unicode=True, width=1 << 30)


def structured(objects: list[KubeObject], output: str, single: bool, show_managed_fields: bool = False) -> str:
    """-o yaml or -o json: the one object asked for by name, else a List of them all."""
    dicts = [printed(o, show_managed_fields) for o in objects]
    data = dicts[0] if single and len(objects) == 1 else as_list(dicts)
    return to_json(data) if output == "json" else to_yaml(data)


def printed(obj: KubeObject, show_managed_fields: bool = False) -> dict[str, Any]:
    """The object's JSON as kubectl prints it: without metadata.managedFields unless --show-managed-fields."""
    data = obj.to_dict()
    if not show_managed_fields:
        data.get("metadata", {}).pop("managedFields", None)
    return data


def names(blocks: list[tuple[Any, list[KubeObject]]]) -> str:
    """-o name: `pod/web-x`, one line per object."""
    return "".join(f"{resource_name(kind, o.name)}\n" for kind, objs in blocks for o in objs)
