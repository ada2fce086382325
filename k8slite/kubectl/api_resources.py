"""`kubectl api-resources`: what the server serves, from its discovery (k8s.io/kubectl/pkg/cmd/apiresources).

One row per resource (subresources are left out): NAME, SHORTNAMES,
APIVERSION, NAMESPACED, KIND, sorted by API group (the core group, "",
first) and then by name, as kubectl sorts them; `--sort-by=name|kind`
sorts by that, then by name. `-o wide` adds VERBS and CATEGORIES; `-o name`
prints `pods`, `deployments.apps`. Filters: `--namespaced=true|false`,
`--api-group=apps` (`--api-group=` the core group), `--verbs=list,get`
(every one of them supported), `--categories=all` (in every one of them);
`--no-headers`. The rows come from the
discovery documents `k8slite serve` answers kubectl with
(k8slite.server.discovery), so both print the same. `kubectl api-versions`
prints the group/versions they come in, sorted (`apps/v1` ... `v1`).
"""

from __future__ import annotations

from typing import Any

from k8slite.api.kinds import KINDS, Kind
from k8slite.kubectl.command import Command, UsageError
from k8slite.kubectl.tabwriter import tabwrite
from k8slite.server.discovery import resource_entries

HEADER = ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
WIDE = ["VERBS", "CATEGORIES"]


def api_versions(cluster: Any, cmd: Command) -> str:
    """The text `kubectl api-versions` prints: every group/version the server serves, sorted."""
    return "".join(f"{v}\n" for v in sorted({kind.api_version for kind in KINDS}))


def api_resources(cluster: Any, cmd: Command) -> str:
    """The text `kubectl api-resources [flags]` prints."""
    output, sort_by = cmd.flags.get("output", ""), cmd.flags.get("sort_by", "")
    if output not in ("", "wide", "name"):
        raise UsageError(f'--output {output} is not available')
    if sort_by not in ("", "name", "kind"):
        raise UsageError(f'--sort-by accepts only name or kind, got "{sort_by}"')
    rows = sorted(selected(cmd), key=lambda e: (sort_value(e, sort_by), e[1]["name"]))
    if output == "name":
        return "".join(f"{main['name']}.{kind.group}\n" if kind.group else f"{main['name']}\n"
                       for kind, main in rows)
    lines = [] if cmd.flags.get("no_headers") else [HEADER + (WIDE if output == "wide" else [])]
    for kind, main in rows:
        line = [main["name"], ",".join(main.get("shortNames", [])), kind.api_version,
                str(kind.namespaced).lower(), kind.kind]
        if output == "wide":
            line += [",".join(main["verbs"]), ",".join(main.get("categories", []))]
        lines.append(line)
    return tabwrite(lines, minwidth=0, padding=3) if lines else ""


def selected(cmd: Command) -> list[tuple[Kind, dict[str, Any]]]:
    """Each kind with its APIResource, kept by the --namespaced, --api-group, --verbs and --categories filters."""
    namespaced, group = cmd.flags.get("namespaced"), cmd.flags.get("api_group")
    verbs = [v for v in str(cmd.flags.get("verbs", "")).split(",") if v]
    categories = {c for given in cmd.flags.get("categories", []) for c in given.split(",") if c}
    found = []
    for kind in KINDS:
        main = resource_entries(kind)[0]
        if namespaced is not None and kind.namespaced != (str(namespaced).lower() != "false"):
            continue
        if group is not None and kind.group != group:
            continue
        if not set(verbs) <= set(main["verbs"]) or not categories <= set(main.get("categories", [])):
            continue
        found.append((kind, main))
    return found


def sort_value(entry: tuple[Kind, dict[str, Any]], sort_by: str) -> str:
    kind, main = entry
    return {"name": main["name"], "kind": kind.kind}.get(sort_by, kind.group)
