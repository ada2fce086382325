"""kubectl patch and kubectl annotate: change part of a stored object from the command line.

Mirrors k8s.io/kubectl/pkg/cmd/patch and annotate. `patch TYPE NAME -p
'{"spec":{"replicas":3}}'` merges the patch (JSON or YAML) into the object:
`--type=strategic` (the default) and `merge` merge maps key by key, a null
deletes the key; strategic also merges lists of named items (containers,
env, volumes) by `name`, as the strategic merge patch does for them
(a plain merge patch replaces lists). `--type=json` applies RFC 6902
operations (add, replace, remove). The answer is `deployment.apps/web
patched`, or `(no change)`. `annotate TYPE NAME k=v k2-` works like `label`.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from k8slite.api.kinds import decode
from k8slite.kubectl.command import Command, UsageError
from k8slite.kubectl.resources import resource_name
from k8slite.kubectl.write import change_map, one_object, write


def merge_patch(base: Any, patch: Any, strategic: bool) -> Any:
    if isinstance(base, dict) and isinstance(patch, dict):
        merged = dict(base)
        for key, value in patch.items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = merge_patch(base.get(key), value, strategic)
        return merged
    if strategic and named_items(base) and named_items(patch):
        by_name = {item["name"]: item for item in base}
        merged_items = [merge_patch(by_name.get(item["name"]), item, strategic) for item in patch]
        patched = {item["name"] for item in patch}
        return [item for item in base if item["name"] not in patched] + merged_items
    return patch


def named_items(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(i, dict) and "name" in i for i in value)


def json_patch(doc: Any, operations: list[dict[str, Any]]) -> Any:
    for op in operations:
        parts = [p.replace("~1", "/").replace("~0", "~") for p in str(op.get("path", "")).split("/")[1:]]
        if not parts:
            raise UsageError(f"unable to apply the patch: invalid path {op.get('path')!r}")
        parent = doc
        for part in parts[:-1]:
            parent = parent[int(part)] if isinstance(parent, list) else parent.setdefault(part, {})
        last = parts[-1]
        kind = op.get("op")
        if isinstance(parent, list):
            index = len(parent) if last == "-" else int(last)
            if kind == "add":
                parent.insert(index, op["value"])
            elif kind == "replace":
                parent[index] = op["value"]
            elif kind == "remove":
                parent.pop(index)
        elif kind in ("add", "replace"):
            parent[last] = op["value"]
        elif kind == "remove":
            if last not in parent:
                raise UsageError(f"jsonpatch remove operation does not apply: doc is missing path: {op['path']}")
            del parent[last]
        else:
            raise UsageError(f"unexpected kind of patch operation: {kind}")
    return doc


def patch(cluster: Any, cmd: Command) -> str:
    if "patch" not in cmd.flags:
        raise UsageError("must specify -p to patch")
    split = 1 if "/" in (cmd.args[0] if cmd.args else "") else 2
    kind, obj = one_object(cluster, cmd, cmd.args[:split])
    try:
        body = yaml.safe_load(str(cmd.flags["patch"]))
    except yaml.YAMLError as e:
        raise UsageError(f"unable to parse {cmd.flags['patch']!r}: {e}") from None
    kind_flag = str(cmd.flags.get("type", "strategic"))
    current = obj.to_dict()
    if kind_flag == "json":
        patched = json_patch(json.loads(json.dumps(current)), body if isinstance(body, list) else [])
    elif kind_flag in ("strategic", "merge"):
        patched = merge_patch(current, body, kind_flag == "strategic")
    else:
        raise UsageError(f"--type must be one of [json merge strategic], not {kind_flag!r}")
    name = resource_name(kind, obj.name)
    if patched == current:
        return f"{name} patched (no change)\n"
    new = decode(patched)
    new.metadata.resource_version = obj.metadata.resource_version
    write(cluster, new)
    return f"{name} patched\n"


def annotate(cluster: Any, cmd: Command) -> str:
    """`annotate pod x key=value other-`: add, overwrite (with --overwrite) or remove annotations."""
    split = 1 if "/" in (cmd.args[0] if cmd.args else "") else 2
    kind, obj = one_object(cluster, cmd, cmd.args[:split])
    new = obj.copy()
    notes = new.metadata.annotations
    taken = change_map(notes, cmd.args[split:], bool(cmd.flags.get("overwrite")))
    if taken:
        raise UsageError("--overwrite is false but found the following declared annotation(s): "
                         f"'{taken}' already has a value ({notes[taken]})")
    if notes != obj.metadata.annotations:
        write(cluster, new)
    return f"{resource_name(kind, obj.name)} annotated\n"
