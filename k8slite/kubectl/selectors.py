"""Labels and selectors as kubectl reads and prints them: apimachinery's labels.Parse and FormatLabelSelector.

labels.Parse reads `-l`, fields.ParseSelector `--field-selector`, and
metav1.FormatLabelSelector writes a selector back for the SELECTOR column
and `describe`. `-l` takes a comma-separated list of requirements, all of which must hold:
`app=web` (or `app==web`), `app!=web`, `app` (the key exists), `!app` (it
does not), `tier in (fe,be)`, `tier notin (db)`. `--field-selector` matches
fields of the object by their JSON path: `spec.nodeName=node-1`,
`type!=Normal`. Left out: the set-based `gt`/`lt` operators, validation of
keys and values, and the server's restriction of field selectors to a few
fields per kind (here any field can be selected).
"""

from __future__ import annotations

import re
from typing import Any

from k8slite.api.meta import KubeObject, LabelSelector


def selector_matches(selector: str, labels: dict[str, str]) -> bool:
    """A `-l` selector: `a=b`, `a==b`, `a!=b`, `a`, `!a`, `a in (x,y)`, `a notin (x)`, comma-separated."""
    terms = re.findall(r"[^,(]+(?:\([^)]*\))?", selector)
    return all(requirement_holds(term, labels) for term in (t.strip() for t in terms if t.strip()))


def requirement_holds(term: str, labels: dict[str, str]) -> bool:
    """One requirement of a `-l` selector, such as `app!=web` or `tier in (fe,be)`."""
    match = re.fullmatch(r"(\S+)\s+(in|notin)\s+\((.*)\)", term)
    if match:
        key, op, values = match[1], match[2], {v.strip() for v in match[3].split(",")}
        found = labels.get(key) in values  # a missing key is in no set: `notin` holds, `in` does not
        return found if op == "in" else not found
    if "!=" in term:
        key, value = (s.strip() for s in term.split("!=", 1))
        return labels.get(key) != value
    if "=" in term:
        key, value = (s.strip() for s in term.replace("==", "=").split("=", 1))
        return labels.get(key) == value
    if term.startswith("!"):
        return term[1:] not in labels
    return term in labels


def fields_match(selector: str, obj: KubeObject) -> bool:
    """A --field-selector such as `involvedObject.name=web-x,type!=Normal` or `spec.nodeName=node-1`."""
    data = obj.to_dict()
    for term in filter(None, selector.split(",")):
        path, op, wanted = term.partition("!=") if "!=" in term else term.replace("==", "=").partition("=")
        value: Any = data
        for part in path.split("."):
            value = value.get(part, "") if isinstance(value, dict) else ""
        if (str(value) == wanted) != (op != "!="):
            return False
    return True


def labels_cell(labels: dict[str, str]) -> str:
    """labels.FormatLabels: `app=web,tier=fe`, sorted by key, or <none> (--show-labels' LABELS column, a
    Service's selector, a StorageClass's annotations and parameters in describe)."""
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items())) or "<none>"


def format_selector(selector: LabelSelector | dict[str, Any] | None) -> str:
    """metav1.FormatLabelSelector: `app=web,tier in (a,b)`, or <none>."""
    if isinstance(selector, dict):
        exprs = selector.get("matchExpressions") or []
        selector = LabelSelector(dict(selector.get("matchLabels") or {}), [])
        parts = [expression_text(e.get("key", ""), e.get("operator", ""), e.get("values") or []) for e in exprs]
    else:
        parts = [expression_text(e.key, e.operator, e.values) for e in (selector.match_expressions if selector else [])]
    if selector is None:
        return "<none>"
    text = ",".join([f"{k}={v}" for k, v in sorted(selector.match_labels.items())] + parts)
    return text or "<none>"


def expression_text(key: str, op: str, values: list[str]) -> str:
    """One matchExpression as FormatLabelSelector writes it: `tier in (a,b)`, `!gpu`."""
    joined = ",".join(sorted(values))
    return {"In": f"{key} in ({joined})", "NotIn": f"{key} notin ({joined})",
            "Exists": key, "DoesNotExist": f"!{key}"}.get(op, key)
