"""What `kubectl explain` prints from an OpenAPI v3 document (k8s.io/kubectl/pkg/explain/v2, its plaintext template).

kubectl 1.32 renders explain with a Go template over the group version's
OpenAPI document; this module writes the same text in Python, one
function per part of the template:

- the kind: the resource's operations in `paths` name its group, version
  and kind (`x-kubernetes-group-version-kind`); the first schema (by name)
  that lists the same GVK is the kind's. Header: `GROUP:` (not for the
  core group), `KIND:`, `VERSION:`, each value at column 13.
- the field path (`pods.spec.containers`): walked through `properties`;
  an array's `items`, a map's `additionalProperties` and each of `allOf`
  are looked into on the way (a `$ref` is followed, once per chain: a
  cycle ends the walk). The last field gets a `FIELD: name <type>` line.
- DESCRIPTION: the schema's description, then those of what it refers to
  (a field's own words, then its type's), wrapped at 76 and indented 4.
- FIELDS: each property in name order: `  name<TAB><type>`, ` -required-`,
  an `enum:` line of at most four values, then the description wrapped at
  78 - indent and indented 2 more; with --recursive only the first line,
  and the fields' fields below, 2 spaces further in.
- types: `[]X` for an array, `map[string]X` for a map, the last word of
  a `$ref`'d object's name (`PodSpec`), a `$ref`'d scalar's type
  (`string` for a Time), `Object` for any other object.

Errors come out as kubectl's do, after whatever was printed already
(ExplainError.printed): a field not found names the path's last field.
Left out: the `plaintext-openapiv2` template (OpenAPI v2 is not served).
"""

from __future__ import annotations

from typing import Any

from k8slite.kubectl.wordwrap import indent, wrap

Schema = dict[str, Any]


class ExplainError(Exception):
    """kubectl's error (`field "x" does not exist`), after the text it printed before it."""

    def __init__(self, message: str, printed: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.printed = printed


def render(document: Schema, group: str, version: str, resource: str, fields: list[str], recursive: bool) -> str:
    """The text of `kubectl explain <resource>.<fields...>` from the group version's document."""
    gvk = kind_of(document, group, version, resource)
    if gvk is None:
        gvr = f"{group}/{version}, Resource={resource}"
        raise ExplainError(f"GVR ({gvr}) not found in OpenAPI schema")
    header = (f"GROUP:      {gvk['group']}\n" if gvk.get("group") else "") + \
        f"KIND:       {gvk['kind']}\nVERSION:    {gvk['version']}\n\n"
    schema = schema_of(document, gvk)
    if schema is None:
        go_map = " ".join(f"{k}:{v}" for k, v in sorted(gvk.items()))
        raise ExplainError(f"GVK map[{go_map}] not found in OpenAPI schema", header)
    text = output(document, schema, fields, recursive, set())
    if not text:
        raise ExplainError(f'field "{fields[-1]}" does not exist', header)
    return header + text + "\n"


def kind_of(document: Schema, group: str, version: str, resource: str) -> Schema | None:
    """The GVK the operations on the resource's paths declare: of each path (cluster-scoped, then
    namespaced; list, then object), the first operation's that has one; the last path's counts."""
    prefix = f"/apis/{group}/{version}" if group else f"/api/{version}"
    candidates = (f"{prefix}/{resource}", f"{prefix}/{resource}/{{name}}",
                  f"{prefix}/namespaces/{{namespace}}/{resource}",
                  f"{prefix}/namespaces/{{namespace}}/{resource}/{{name}}")
    gvk = None
    for path in candidates:
        operations = document.get("paths", {}).get(path) or {}
        for method in ("get", "post", "put", "patch", "delete"):
            if operations.get(method):
                gvk = operations[method].get("x-kubernetes-group-version-kind")
                if gvk:
                    break
    return dict(gvk) if gvk else None


def schema_of(document: Schema, gvk: Schema) -> Schema | None:
    """The first schema, by name, whose x-kubernetes-group-version-kind lists the GVK."""
    schemas: dict[str, Schema] = document.get("components", {}).get("schemas", {})
    for name in sorted(schemas):
        if gvk in (schemas[name].get("x-kubernetes-group-version-kind") or []):
            return schemas[name]
    return None


def resolve(document: Schema, ref: Any) -> Schema | None:
    """What a `#/components/schemas/X` reference points at; None for anything else."""
    if not isinstance(ref, str) or not ref.startswith("#"):
        return None
    node: Any = document
    for key in ref[1:].split("/"):
        if key:
            node = node.get(key) if isinstance(node, dict) else None
    return node if isinstance(node, dict) else None


def map_of(schema: Schema) -> Schema | None:
    """A map's value schema (`additionalProperties` as a schema, not `true`)."""
    value = schema.get("additionalProperties")
    return value if value and isinstance(value, dict) else None


def output(document: Schema, schema: Schema, fields: list[str], recursive: bool, history: set[str]) -> str:
    """The schema's DESCRIPTION and FIELDS once `fields` is walked down; "" when a field is not there."""
    ref = schema.get("$ref") or ""
    resolved = resolve(document, ref) or schema
    if not fields:
        return described(document, resolved, recursive)
    if ref and ref in history:
        return ""  # a cycle
    later = history | {ref}
    field = (resolved.get("properties") or {}).get(fields[0])
    if field:
        head = ""
        if len(fields) == 1:
            head = f"FIELD: {fields[0]} <{type_guess(document, field)}>\n{enum_lines(field)}\n\n"
        return head + output(document, field, fields[1:], recursive, set())
    if resolved.get("items"):
        return output(document, resolved["items"], fields, recursive, later)
    if map_of(resolved):
        return output(document, resolved["additionalProperties"], fields, recursive, later)
    for alternative in resolved.get("allOf") or []:
        found = output(document, alternative, fields, recursive, later)
        if found:
            return found
    return ""


def described(document: Schema, schema: Schema, recursive: bool) -> str:
    text = "DESCRIPTION:\n" + indent(wrap(description(document, schema) or "<empty>", 76), 4) + "\n"
    fields = field_list(document, schema, 1, recursive, set())
    return text + ("FIELDS:\n" + fields if fields else "")


def description(document: Schema, schema: Schema) -> str:
    """The schema's description and, each on its own line, those of what it refers to."""
    schema = resolve(document, schema.get("$ref")) or schema
    text = schema["description"] + "\n" if schema.get("description") else ""
    for alternative in schema.get("allOf") or []:
        text += description(document, alternative)
    if schema.get("items"):
        text += description(document, schema["items"])
    if map_of(schema):
        text += description(document, schema["additionalProperties"])
    return text


def field_list(document: Schema, schema: Schema, level: int, recursive: bool, history: set[str]) -> str:
    """The FIELDS entries of a schema, and with `recursive` their fields' below them."""
    ref = schema.get("$ref") or ""
    if ref and ref in history:
        return ""  # a cycle: JSONSchemaProps in JSONSchemaProps
    later = history | {ref}
    resolved = resolve(document, ref) or schema
    properties = resolved.get("properties") or {}
    text = ""
    for name in sorted(properties):
        text += field_detail(document, resolved, name, level, recursive)
        if recursive:
            text += field_list(document, properties[name], level + 1, recursive, later)
    for alternative in resolved.get("allOf") or []:
        text += field_list(document, alternative, level, recursive, later)
    if resolved.get("items"):
        text += field_list(document, resolved["items"], level, recursive, later)
    if map_of(resolved):
        text += field_list(document, resolved["additionalProperties"], level, recursive, later)
    return text


def field_detail(document: Schema, schema: Schema, name: str, level: int, short: bool) -> str:
    """One field of FIELDS: name, type, -required-, enum; its description unless `short`."""
    field = schema["properties"][name]
    spaces = level * 2
    text = " " * spaces + f"{name}\t<{type_guess(document, field)}>"
    if name in (schema.get("required") or []):
        text += " -required-"
    text += enum_line(field, spaces) + "\n"
    if not short:
        text += indent(wrap(field.get("description") or "<no description>", 78 - spaces), spaces + 2) + "\n\n"
    return text


def type_guess(document: Schema, schema: Schema) -> str:
    """`string`, `[]Container`, `map[string]string`, `PodSpec`, `Object`: kubectl's name for a schema's type."""
    if schema.get("items"):
        return "[]" + type_guess(document, schema["items"])
    if map_of(schema):
        return "map[string]" + type_guess(document, schema["additionalProperties"])
    alternatives = schema.get("allOf") or []
    if len(alternatives) == 1 and not schema.get("properties"):
        return type_guess(document, alternatives[0])
    ref = schema.get("$ref")
    if ref:
        target = resolve(document, ref)
        if not target or target.get("type") in (None, "", "object"):
            return ref.split("/")[-1].split(".")[-1] or "Object"
        return str(target["type"])
    kind = schema.get("type")
    return "Object" if not kind or kind == "object" else str(kind)


def enum_value(value: Any) -> str:
    """An enum value as Go's template prints it: `""` for the empty string."""
    if value == "":
        return '""'
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def enum_line(schema: Schema, spaces: int) -> str:
    """A field's `enum: a, b, c, d, ....` line in FIELDS (four values at most)."""
    values = schema.get("enum") or []
    if not values:
        return ""
    shown = ", ".join(enum_value(v) for v in values[:4])
    return "\n" + " " * spaces + "enum: " + shown + (", ...." if len(values) > 4 else "")


def enum_lines(schema: Schema) -> str:
    """The `ENUM:` block under a FIELD line: every value on its own line."""
    values = schema.get("enum") or []
    return "ENUM:" + "".join("\n    " + enum_value(v) for v in values) if values else ""
