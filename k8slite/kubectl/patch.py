"""kubectl patch and kubectl annotate: change part of a stored object from the command line.

Mirrors k8s.io/kubectl/pkg/cmd/patch and annotate. `patch TYPE NAME -p
'{"spec":{"replicas":3}}'` merges the patch (JSON or YAML) into the object:
`--type=strategic` (the default) and `merge` merge maps key by key, a null
deletes the key; strategic also merges lists of keyed items (containers,
env, volumes by `name`) item by item and keeps their order
(k8slite/strategicpatch.py); a plain merge patch replaces lists.
`--type=json` applies RFC 6902 operations with the `jsonpatch` library, as
the API server applies them with evanphx/json-patch; when one fails (a
`test` that does not hold, a path that is not there) kubectl prints only
`The request is invalid: the server rejected our request due to an error in
our request`, since the server's 422 answer hides the library's words. The
answer is `deployment.apps/web patched`, or `(no change)`. `annotate TYPE
NAME k=v k2-` works like `label`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import jsonpatch
import jsonpointer
import yaml

from k8slite import strategicpatch
from k8slite.api.kinds import decode
from k8slite.api.manifest import load_yaml
from k8slite.kubectl.command import Command, UsageError
from k8slite.kubectl.resources import resource_name
from k8slite.kubectl.write import change_map, changes_and_targets, one_object, write

if TYPE_CHECKING:
    from k8slite.cluster import Cluster


def merge_patch(base: Any, patch: Any, strategic: bool) -> Any:
    """--type=strategic (strategicpatch.py) or --type=merge (RFC 7386: maps merge, null deletes, lists replaced)."""
    if strategic:
        return strategicpatch.merge(base, patch)
    if not isinstance(patch, dict):
        return patch
    merged = dict(base) if isinstance(base, dict) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = merge_patch(merged.get(key), value, strategic)
    return merged


class PatchRejected(Exception):
    """The API server could not apply a JSON patch (evanphx/json-patch's error, HTTP 422)."""


def json_patch(doc: Any, operations: Any) -> Any:
    """RFC 6902 (add, remove, replace, move, copy, test) applied to a copy of doc, by the jsonpatch library."""
    if not isinstance(operations, list):  # the server cannot decode it into a jsonpatch.Patch (a list)
        raise UsageError("json: cannot unmarshal object into Go value of type jsonpatch.Patch")
    try:
        return jsonpatch.apply_patch(doc, operations)
    except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException) as e:
        raise PatchRejected(str(e)) from None


# What kubectl prints for a PatchRejected: the handler answers 422 through NewGenericServerResponse, whose
# message for 422 this is (apimachinery/pkg/api/errors/errors.go); kubectl's checkErr prefixes it (cmd/util/helpers.go).
REJECTED = "The request is invalid: the server rejected our request due to an error in our request\n"


def patch(cluster: Cluster, cmd: Command) -> str:
    if "patch" not in cmd.flags:
        raise UsageError("must specify -p to patch")
    split = 1 if "/" in (cmd.args[0] if cmd.args else "") else 2
    kind, obj = one_object(cluster, cmd, cmd.args[:split])
    try:
        body = load_yaml(str(cmd.flags["patch"]))
    except yaml.YAMLError as e:
        raise UsageError(f"unable to parse {cmd.flags['patch']!r}: {e}") from None
    kind_flag = str(cmd.flags.get("type", "strategic"))
    current = obj.to_dict()
    if kind_flag == "json":
        try:
            patched = json_patch(current, body)
        except PatchRejected:
            return REJECTED
        except UsageError as e:
            return f"Error from server (BadRequest): {e}\n"
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


def annotate(cluster: Cluster, cmd: Command) -> str:
    """`annotate pod x key=value other-`: add, overwrite (with --overwrite) or remove annotations, on each
    object named, selected (-l) or all (--all)."""
    changes, targets, missing = changes_and_targets(cluster, cmd, "annotation")
    lines = []
    for kind, obj in targets:
        new = obj.copy()
        notes = new.metadata.annotations
        taken = change_map(notes, changes, bool(cmd.flags.get("overwrite")))
        if taken:
            raise UsageError("--overwrite is false but found the following declared annotation(s): "
                             f"'{taken}' already has a value ({notes[taken]})")
        if notes != obj.metadata.annotations:
            write(cluster, new)
        lines.append(f"{resource_name(kind, obj.name)} annotated\n")
    return "".join(lines) + "".join(missing)
