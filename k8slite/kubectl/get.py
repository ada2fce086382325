"""kubectl get (k8s.io/kubectl/pkg/cmd/get): the objects asked for, as tables or in the format -o asks for.

A table has one block per kind, separated by a blank line; each block is
the kind's header and one row per object, lined up by the tabwriter. -A
adds a NAMESPACE column in front, --show-labels a LABELS column at the end,
--no-headers drops the header, and when several kinds are shown (or `all`)
each NAME is written kind/name. Missing names are reported after the table,
and an empty answer is "No resources found in default namespace.".
`-o jsonpath=`, `-o custom-columns=` and `--sort-by` are in jsonpath.py.
-L app (--label-columns) adds a column per label key, headed by the key's
last part in capitals. `-w` with --request-timeout is watch.py. Left out: --chunk-size and
server-side printing (kubectl asks the server for a Table; here the client builds it).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from k8slite.api.kinds import Kind
from k8slite.api.meta import KubeObject
from k8slite.kubectl import gotemplate, jsonpath
from k8slite.kubectl.command import Command, Refusal
from k8slite.kubectl.generic_rows import generic_header, generic_row
from k8slite.kubectl.output import as_list, names, printed, structured, to_json, to_yaml
from k8slite.kubectl.policy import HEADERS as POLICY_HEADERS
from k8slite.kubectl.policy import ROWS as POLICY_ROWS
from k8slite.kubectl.resources import fetch, resource_name, resources
from k8slite.kubectl.rows import Row, event_row, node_row, ns_row, pod_row, rs_row
from k8slite.kubectl.rows_network import HEADERS as NETWORK_HEADERS
from k8slite.kubectl.rows_network import ROWS as NETWORK_ROWS
from k8slite.kubectl.rows_workloads import (
    controllerrevision_row,
    cronjob_row,
    daemonset_row,
    deployment_row,
    job_row,
    statefulset_row,
)
from k8slite.kubectl.selectors import labels_cell
from k8slite.kubectl.tabwriter import tabwrite

if TYPE_CHECKING:
    from k8slite.cluster import Cluster

HEADERS: dict[str, tuple[Row, Row]] = {  # kind: (columns, what -o wide adds)
    "Pod": (["NAME", "READY", "STATUS", "RESTARTS", "AGE"], ["IP", "NODE", "NOMINATED NODE", "READINESS GATES"]),
    "Node": (["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
             ["INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"]),
    "ReplicaSet": (["NAME", "DESIRED", "CURRENT", "READY", "AGE"], ["CONTAINERS", "IMAGES", "SELECTOR"]),
    "Namespace": (["NAME", "STATUS", "AGE"], []),
    "Deployment": (["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"], ["CONTAINERS", "IMAGES", "SELECTOR"]),
    "DaemonSet": (["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE SELECTOR", "AGE"],
                  ["CONTAINERS", "IMAGES", "SELECTOR"]),
    "StatefulSet": (["NAME", "READY", "AGE"], ["CONTAINERS", "IMAGES"]),
    "ControllerRevision": (["NAME", "CONTROLLER", "REVISION", "AGE"], []),
    "Job": (["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"], ["CONTAINERS", "IMAGES", "SELECTOR"]),
    "CronJob": (["NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE", "LAST SCHEDULE", "AGE"],
                ["CONTAINERS", "IMAGES", "SELECTOR"]),
    "Event": (["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"], []),
    **NETWORK_HEADERS,
}
WIDE_EVENT_HEADER = ["LAST SEEN", "TYPE", "REASON", "OBJECT", "SUBOBJECT", "SOURCE", "MESSAGE", "FIRST SEEN",
                     "COUNT", "NAME"]  # -o wide reorders the events table rather than adding to its end
ROWS: dict[str, Callable[[Any, float, bool], Row]] = {
    "Pod": pod_row, "Node": node_row, "ReplicaSet": rs_row, "Namespace": ns_row, "Event": event_row,
    "Deployment": deployment_row, "DaemonSet": daemonset_row, "StatefulSet": statefulset_row,
    "ControllerRevision": controllerrevision_row,
    "Job": job_row, "CronJob": cronjob_row, **NETWORK_ROWS}
HEADERS.update(POLICY_HEADERS)  # ResourceQuota and LimitRange (k8slite.kubectl.policy)
ROWS.update(POLICY_ROWS)


def get(cluster: Cluster, cmd: Command) -> str:
    if not cmd.args:
        raise Refusal('You must specify the type of resource to get. Use "kubectl api-resources" for a complete '
                         'list of supported resources.\n\nerror: Required resource not specified.\nUse "kubectl '
                         'explain <resource>" for a detailed description of that resource (e.g. kubectl explain '
                         "pods).\nSee 'kubectl get -h' for help and examples")
    groups = resources(cmd.args)
    if cmd.flags.get("watch") and "request_timeout" in cmd.flags:
        from k8slite.kubectl.watch import watch  # it builds on this module's tables
        return watch(cluster, cmd, groups)
    blocks: list[tuple[Kind, list[KubeObject]]] = []
    errors: list[str] = []
    for kind, names_given in groups:
        objects, missing = fetch(cluster, cmd, kind, names_given, read=True)
        if "sort_by" in cmd.flags:  # within each kind, as kubectl sorts
            objects = jsonpath.sort_by(str(cmd.flags["sort_by"]), objects)
        blocks.append((kind, objects))
        errors += missing
    single = len(groups) == 1 and len(groups[0][1]) == 1 or ("/" in cmd.args[0] and len(cmd.args) == 1)
    if single and errors:  # printGeneric: one name asked for and not found, so nothing to print but why
        return "".join(errors)
    with_kind = len({k for k, _ in groups}) > 1 or cmd.args[0] == "all"
    text = render(cluster.now, blocks, cmd.flags, single, with_kind)
    if not text and not errors and not any(objs for _, objs in blocks):
        namespaced = all(k.namespaced for k, _ in groups) and not cmd.flags.get("all_namespaces")
        text = f"No resources found in {cmd.namespace} namespace.\n" if namespaced else "No resources found\n"
    return text + "".join(errors)


def render(now: float, blocks: list[tuple[Any, list[KubeObject]]], flags: dict[str, Any], single: bool,
           with_kind: bool) -> str:
    """The output of `kubectl get` for objects grouped by kind, in the format -o asks for."""
    output = flags.get("output", "")
    if output in ("yaml", "json"):
        return structured([o for _, objs in blocks for o in objs], output, single,
                          bool(flags.get("show_managed_fields")))
    if output == "name":
        return names(blocks)
    objects = [o for _, objs in blocks for o in objs]
    if output == "custom-columns":
        raise ValueError("custom-columns format specified but no custom columns given")
    if templated(output, flags) is not None:
        dicts = [printed(o, bool(flags.get("show_managed_fields"))) for o in objects]
        return render_data(dicts[0] if single and len(objects) == 1 else as_list(dicts), flags)
    if output.startswith(("custom-columns=", "custom-columns-file=")):
        spec = columns_spec(output)
        return tabwrite(jsonpath.custom_columns(spec, [o.to_dict() for o in objects], not flags.get("no_headers")))
    if output not in ("", "wide"):
        raise ValueError(f'unable to match a printer suitable for the output format "{output}", allowed '
                         "formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,"
                         "jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml")
    texts = [table_for(now, kind, objs, flags, with_kind) for kind, objs in blocks if objs]
    return "\n".join(texts)


def render_data(data: dict[str, Any], flags: dict[str, Any]) -> str:
    """One object's (or List's) JSON in the format -o asks for: yaml, json, jsonpath or a Go template."""
    output = str(flags.get("output", ""))
    if output in ("yaml", "json"):
        return to_json(data) if output == "json" else to_yaml(data)
    template = templated(output, flags)
    if template is None:
        raise ValueError(f'unable to match a printer suitable for the output format "{output}"')
    language, text = template
    if language == "go-template":
        return gotemplate.render(text, data)
    return jsonpath.render(text, data, as_json=output.startswith("jsonpath-as-json"))


TEMPLATES = {"jsonpath": "jsonpath", "jsonpath-file": "jsonpath", "jsonpath-as-json": "jsonpath",
             "go-template": "go-template",
             "template": "go-template", "go-template-file": "go-template", "templatefile": "go-template"}


def templated(output: str, flags: dict[str, Any]) -> tuple[str, str] | None:
    """For -o jsonpath=..., -o go-template=... (or --template, or a -file): (the language, the template)."""
    name, eq, template = output.partition("=")
    if not output and flags.get("template"):  # --template alone: a Go template
        name = "go-template"
    if name not in TEMPLATES:
        return None
    template = template if eq else str(flags.get("template", ""))
    if not template:
        raise ValueError("template format specified but no template given")
    if name.endswith("file"):
        try:
            template = Path(template).read_text()
        except OSError as error:
            raise ValueError(f"error reading --template {template}, open {template}: "
                             f"{(error.strerror or '').lower()}") from None
    return TEMPLATES[name], template


def columns_spec(output: str) -> str:
    """-o custom-columns=NAME:.path,... as it is; -o custom-columns-file=F: headers on F's first line, paths on
    its second."""
    name, _, given = output.partition("=")
    if name == "custom-columns":
        return given
    try:
        lines = Path(given).read_text().splitlines()
    except OSError as error:
        raise ValueError(f"error reading template {given}, open {given}: {(error.strerror or '').lower()}") from None
    if len(lines) < 2:
        raise ValueError("invalid template, missing spec line. Expected format is one line of space separated "
                         "headers, one line of space separated column specs.")
    headers, paths = lines[0].split(), lines[1].split()
    if len(headers) != len(paths):
        raise ValueError(f"number of headers ({len(headers)}) and field specifications ({len(paths)}) don't match")
    return ",".join(f"{h}:{p}" for h, p in zip(headers, paths))


def header(kind: str, wide: bool) -> Row:
    """The column names of a kind's table."""
    if kind == "Event" and wide:
        return [*WIDE_EVENT_HEADER]
    base, more = HEADERS[kind] if kind in HEADERS else generic_header(kind)
    return [*base, *(more if wide else [])]


def row(obj: KubeObject, now: float, wide: bool) -> Row:
    return ROWS.get(obj.kind, generic_row)(obj, now, wide)


def table_for(now: float, kind: Any, objects: list[KubeObject], flags: dict[str, Any], with_kind: bool) -> str:
    """One kind's table: its header (unless --no-headers) and a row per object."""
    head, rows = table_cells(now, kind, objects, flags, with_kind)
    return tabwrite(rows if flags.get("no_headers") else [head, *rows])


def table_cells(now: float, kind: Any, objects: list[KubeObject], flags: dict[str, Any],
                with_kind: bool = False) -> tuple[Row, list[Row]]:
    """The header and the rows (cells) of one kind's table."""
    wide = flags.get("output") == "wide"
    all_ns = bool(flags.get("all_namespaces")) and kind.namespaced
    head = header(kind.kind, wide)
    columns = [key for given in flags.get("label_columns", []) for key in given.split(",") if key]  # -L app
    rows = []
    for obj in objects:
        cells = row(obj, now, wide)
        if with_kind:
            cells[0] = resource_name(kind, cells[0])
        cells += [obj.metadata.labels.get(key, "") for key in columns]
        if flags.get("show_labels"):
            cells.append(labels_cell(obj.metadata.labels))
        rows.append([obj.namespace] * all_ns + cells)
    head = ["NAMESPACE"] * all_ns + head + [key.split("/")[-1].upper() for key in columns] + \
        ["LABELS"] * bool(flags.get("show_labels"))
    return head, rows
