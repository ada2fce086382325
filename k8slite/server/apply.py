"""Server-side apply and the field managers of every write made over HTTP
(k8s.io/apiserver/pkg/endpoints/handlers/fieldmanager, sigs.k8s.io/structured-merge-diff/merge).

`kubectl apply --server-side` sends the manifest as a PATCH with
Content-Type `application/apply-patch+yaml` and `?fieldManager=kubectl`.
The server, not kubectl, works out what to do:

1. the fields the manifest sets are the manager's applied set
   (fieldsets.members, written in metadata.managedFields, managedfields.py);
2. a field another manager owns, to which the manifest gives another value,
   is a conflict: 409, unless `force=true`, which takes the field over. The
   same value is no conflict: the two managers share the field;
3. the manifest is merged into the live object (fieldsets.merge), or
   creates it when there is none;
4. a field this manager applied last time, that the manifest no longer
   sets and that no other manager owns, is removed.

With `--dry-run=server` (`dryRun=All`) all of it runs, conflicts
included, and nothing is stored (dryrun.py).

Every other write over HTTP (POST, PUT, any other PATCH, `/status`,
`/scale`) is an Update: its manager (`fieldManager`, else the User-Agent's
first part: `kubectl-client-side-apply`, `kubectl-edit`, `kubectl` for
`kubectl scale`) comes to own the fields it changed, and the other
managers lose them. As in kube-apiserver, an object that has no
managedFields gets none from an Update (it was made before anyone
tracked them), and the first apply to it gives what it has to the
manager "before-first-apply". The status of a kind is owned only
through `/status`, `spec.replicas` through `/scale` too.

Simplified: writes made inside the Python process (controllers, `c.apply`,
`c.kubectl`) record no managed fields, but keep the ones there; fields set
by defaulting are owned by an Update's manager (as in Kubernetes), fields
set by admission are not; a map or struct an Update adds is not a member
itself (Kubernetes marks `f:labels` and the pointer structs it adds with
`.`); a field applied with the value null is left out; server-side apply
to `/status` or `/scale` is refused.

Moving from client-side apply: an object made by `kubectl apply` (the
manager `kubectl-client-side-apply` owns its fields) and then applied by
`kubectl apply --server-side` with other values would conflict with that
manager. kube-apiserver lets the manager "kubectl" take over (it applies
again with force) every conflicting field that the last-applied
annotation sets to the value the object still has: the fields the client-
side apply put there, unchanged since (lastappliedmanager.go). A field
someone changed since (`kubectl scale`) still conflicts. And while an
object has that annotation, each server-side apply by "kubectl" writes the
applied configuration into it (lastappliedupdater.go), so a later
client-side `kubectl apply` removes what the server-side apply no longer
sets, not what the client-side apply set long ago.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from k8slite.api.defaults import apply_defaults
from k8slite.api.manifest import load_yaml
from k8slite.api.meta import LAST_APPLIED, KubeObject, ManagedFieldsEntry
from k8slite.api.serialize import go_json, to_dict
from k8slite.errors import BadRequest, Conflict, Invalid
from k8slite.server import fieldsets, managedfields
from k8slite.server.managedfields import Manager, Path
from k8slite.server.paths import Target

APPLY = "application/apply-patch+yaml"
BEFORE_FIRST_APPLY = "before-first-apply"
KUBECTL = "kubectl"  # the only manager that takes over what a client-side apply set


class ApplyConflict(Conflict):
    """409: fields another manager owns with another value; `causes` are the Status's FieldManagerConflict causes."""

    def __init__(self, message: str, causes: list[dict[str, str]]) -> None:
        super().__init__(message)
        self.causes = causes


def identity(manager: Manager) -> str:
    """A manager as conflicts name it (printManager): `"kubectl" with subresource "scale" using apps/v1`."""
    text = f'"{manager.name}"'
    if manager.subresource:
        text += f' with subresource "{manager.subresource}"'
    return text + (f" using {manager.api_version}" if manager.operation == "Update" else "")


def conflict_error(conflicts: list[tuple[Manager, Path]]) -> ApplyConflict:
    """The 409 of an apply, worded as kube-apiserver's NewConflictError words it."""
    causes = [{"type": "FieldManagerConflict", "message": f"conflict with {identity(m)}",
               "field": managedfields.path_string(p)} for m, p in conflicts]
    if len(conflicts) == 1:
        (manager, path), = conflicts
        message = f"Apply failed with 1 conflict: conflict with {identity(manager)}: {managedfields.path_string(path)}"
        return ApplyConflict(message, causes)
    lines: list[str] = []
    for name in sorted({identity(m) for m, _ in conflicts}):
        lines.append(f"conflicts with {name}:")
        lines += [f"- {managedfields.path_string(p)}" for m, p in conflicts if identity(m) == name]
    return ApplyConflict(f"Apply failed with {len(conflicts)} conflicts: " + "\n".join(lines), causes)


def parse(raw: bytes, target: Target) -> dict[str, Any]:
    """The applied configuration (YAML or JSON); its apiVersion and kind must be the resource's."""
    try:
        config = load_yaml(raw or b"")
    except yaml.YAMLError as e:
        raise BadRequest(f"error decoding YAML: {e}") from None
    if not isinstance(config, dict):
        raise BadRequest("error decoding YAML: the applied configuration is not an object")
    if config.get("apiVersion") != target.kind.api_version:
        raise BadRequest(f"Incorrect version specified in apply patch. Specified patch version: "
                         f"{config.get('apiVersion')}, expected: {target.kind.api_version}")
    if config.get("kind") != target.kind.kind:
        raise BadRequest(f"Incorrect kind specified in apply patch. Specified patch kind: "
                         f"{config.get('kind')}, expected: {target.kind.kind}")
    if (config.get("metadata") or {}).get("managedFields") is not None:
        raise BadRequest("metadata.managedFields must be nil")
    if target.subresource:
        raise BadRequest(f"k8slite serves server-side apply to whole objects, not to their {target.subresource}")
    return config


def field_manager(query: dict[str, str]) -> str:
    if not query.get("fieldManager"):
        raise Invalid('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: '
                      'is required for apply patch')
    return query["fieldManager"]


def created(config: dict[str, Any], name: str, now: float, api_version: str) -> list[ManagedFieldsEntry]:
    """The managedFields of an object an apply creates: the applied fields, owned by `name`."""
    owner = Manager(name, "Apply", "", api_version, now, set(fieldsets.members(fieldsets.stripped(config))))
    return managedfields.write([owner])


def merged(live: dict[str, Any], config: dict[str, Any], entries: list[ManagedFieldsEntry], name: str,
           force: bool, now: float, api_version: str) -> dict[str, Any]:
    """The live object's JSON with the configuration applied by `name`, its managedFields updated."""
    managers = managedfields.read(entries) or [before_first_apply(live, now, api_version)]
    owner = managedfields.find(managers, name, "Apply", "", api_version)
    others = [m for m in managers if m is not owner]
    applied = fieldsets.members(fieldsets.stripped(config))
    live_fields = fieldsets.members(fieldsets.stripped(live))
    found = conflicts(live_fields, applied, others)
    if found and not force and name == KUBECTL:
        handed_over = last_applied_fields(live, live_fields)
        left = [(m, p) for m, p in found if p not in handed_over]
        force = not left  # every conflict is a field the client-side apply set: take them all
        found = found if force else left
    if found and not force:
        raise conflict_error(found)
    for other, path in found:
        other.fields.discard(path)
    result = fieldsets.merge(live, {k: v for k, v in config.items() if k != "status"})
    prune(result, owner.fields - set(applied), set().union(*(m.fields for m in others)))
    if owner.fields != set(applied) or result != live or owner.time is None:
        owner.fields, owner.time = set(applied), now
    result["metadata"] = dict(result["metadata"], managedFields=to_dict(managedfields.write(managers)))
    if not result["metadata"]["managedFields"]:
        del result["metadata"]["managedFields"]
    return updated_last_applied(result, config) if name == KUBECTL else result


def updated_last_applied(result: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
    """lastAppliedUpdater: an object that has the client-side apply's annotation gets the configuration
    "kubectl" applied server-side as its new value, so that a later `kubectl apply` without
    --server-side merges against what was applied last, not against what the client-side apply set."""
    annotations = result["metadata"].get("annotations") or {}
    if not annotations.get(LAST_APPLIED):
        return result  # nothing to keep up to date
    applied = json.loads(json.dumps(config))  # a copy
    applied_annotations = (applied.get("metadata") or {}).get("annotations")
    if isinstance(applied_annotations, dict):
        applied_annotations.pop(LAST_APPLIED, None)
    text = go_json(applied) + "\n"  # as json.Encoder writes it
    return dict(result, metadata=dict(result["metadata"], annotations={**annotations, LAST_APPLIED: text}))


def last_applied_fields(live: dict[str, Any], live_fields: dict[Path, Any]) -> set[Path]:
    """The fields the last-applied annotation sets that the object still has, with the same value
    (allowedConflictsFromLastApplied); none without the annotation, or with one of another apiVersion."""
    text = ((live.get("metadata") or {}).get("annotations") or {}).get(LAST_APPLIED)
    try:
        last = json.loads(text) if text else None
    except ValueError:
        return set()
    if not isinstance(last, dict) or last.get("apiVersion") != live.get("apiVersion"):
        return set()
    return {p for p, v in fieldsets.members(fieldsets.stripped(last)).items()
            if p in live_fields and (v is fieldsets.ITEM or live_fields[p] == v)}


def prune(data: dict[str, Any], dropped: set[Path], kept: set[Path]) -> None:
    """Remove the fields the manager applied before and no longer applies, unless another manager owns
    them (or a field inside them)."""
    for path in sorted(dropped, key=len):  # a list's item before its fields: the item is found by them
        if not any(p[:len(path)] == path for p in kept):
            fieldsets.remove(data, path)


def conflicts(live: dict[Path, Any], applied: dict[Path, Any], others: list[Manager]) -> list[tuple[Manager, Path]]:
    """(manager, field) for each field another manager owns whose applied value is not the live one."""
    return [(m, p) for m in others for p in sorted(m.fields)
            if p in applied and applied[p] is not fieldsets.ITEM and live.get(p, fieldsets.ITEM) != applied[p]]


def before_first_apply(live: dict[str, Any], now: float, api_version: str) -> Manager:
    """An object no one has tracked yet: what it has belongs to "before-first-apply" (skipnonapplied.go)."""
    return Manager(BEFORE_FIRST_APPLY, "Update", "", api_version, now,
                   set(fieldsets.members(fieldsets.stripped(live))))


def record_update(live: KubeObject | None, new: KubeObject, manager: str, subresource: str, now: float) -> None:
    """Set `new`'s managedFields for an Update by `manager` from `live` (None: a create): the manager comes to
    own what it changed, the others lose it. An object already there with no managedFields gets none."""
    given = new.metadata.managed_fields
    if managedfields.is_reset(given):
        new.metadata.managed_fields = []
        return
    entries = given if given and not subresource else (live.metadata.managed_fields if live else [])
    managers = managedfields.read(entries)
    if live is not None and not managers:
        new.metadata.managed_fields = []
        return
    defaulted = new.copy()
    apply_defaults(defaulted)
    old = fieldsets.members(fieldsets.stripped(live.to_dict(), subresource)) if live else {}
    now_set = fieldsets.members(fieldsets.stripped(defaulted.to_dict(), subresource))
    changed = {p for p, v in now_set.items() if p not in old or (v is not fieldsets.ITEM and old[p] != v)}
    removed = set(old) - set(now_set)
    if not changed and not removed:
        new.metadata.managed_fields = list(entries)
        return
    owner = managedfields.find(managers, manager, "Update", subresource, new.api_version)
    for other in managers:
        if other is not owner:
            other.fields -= changed | removed
    owner.fields, owner.time = (owner.fields | changed) - removed, now
    new.metadata.managed_fields = managedfields.write(managers)
