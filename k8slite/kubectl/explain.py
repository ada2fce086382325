"""`kubectl explain`: the documentation of a kind and its fields, from the server's OpenAPI v3 documents
(k8s.io/kubectl/pkg/cmd/explain, pkg/explain).

`explain pods.spec.containers` names a resource, then a path of fields, as
a JSONPath without its braces. The resource is found as `get` finds it
(`po`, `pod`, `Pods`, `deployments.apps`); the group version's OpenAPI
document is the one k8slite.server.openapi serves at
`/openapi/v3/api/v1`, the very document the real kubectl reads, and
explain_template prints it as kubectl's plaintext template does.
`--api-version=apps/v1` asks for another group version's document,
`--recursive` prints every field's fields instead of descriptions.

Errors read as kubectl's: an unknown resource is `the server doesn't have
a resource type "foo"` (without kubectl's usual `error: `), a field that is
not there `error: field "foo" does not exist`, after the KIND lines already
printed. Left out: `-o plaintext-openapiv2` (the OpenAPI v2 document,
which k8slite does not serve, so the answer is the server's NotFound, as
kubectl prints it), and JSONPath beyond dotted field names.
"""

from __future__ import annotations

from typing import Any

from k8slite.api.kinds import Kind, lookup
from k8slite.errors import NotFound
from k8slite.kubectl.command import Command, UsageError
from k8slite.kubectl.explain_template import ExplainError, render
from k8slite.server import openapi

RECURSIVE = ".."  # JSONPath's recursive descent, where `{..spec}` has one: never a field


def explain(cluster: Any, cmd: Command) -> str:
    """The text `kubectl explain <resource>[.field...]` prints (the cluster is not needed: the schemas are fixed)."""
    if not cmd.args:
        raise UsageError('You must specify the type of resource to explain. Use "kubectl api-resources" for '
                         "a complete list of supported resources.")
    if len(cmd.args) > 1:
        raise UsageError("We accept only this format: explain RESOURCE")
    api_version = str(cmd.flags.get("api_version") or "")
    try:
        kind, fields = split_resource(cmd.args[0], matching_prefix=not api_version)
    except NotFound as e:
        return e.message + "\n"  # kubectl prints the RESTMapper's error as it is
    if cmd.flags.get("output") == "plaintext-openapiv2":
        return "Error from server (NotFound): the server could not find the requested resource\n"
    group, version = kind.group, kind.api_version.rpartition("/")[2]
    if api_version:
        group, version = parse_group_version(api_version)
    try:
        return explain_text(kind, group, version, fields, cmd)
    except ExplainError as e:
        return f"{e.printed}error: {e.message}\n"


def explain_text(kind: Kind, group: str, version: str, fields: list[str], cmd: Command) -> str:
    document = openapi.document(f"apis/{group}/{version}" if group else f"api/{version}")
    if document is None:
        raise ExplainError(f'couldn\'t find resource for "{group}/{version}, Resource={kind.plural}"')
    output = cmd.flags.get("output") or "plaintext"
    if output != "plaintext":
        raise ExplainError(f"unrecognized format: {output}")
    return render(document, group, version, kind.plural, fields, bool(cmd.flags.get("recursive")))


def parse_group_version(text: str) -> tuple[str, str]:
    """`apps/v1` -> ("apps", "v1"), `v1` -> ("", "v1"), as schema.ParseGroupVersion reads it."""
    if text.count("/") > 1:
        raise UsageError(f"unexpected GroupVersion string: {text}")
    group, _, version = text.rpartition("/")
    return group, version


def nodes(path: str) -> list[str]:
    """The nodes kubectl's JSONPath parser reads in `{.<path>}` (a trailing dot dropped): field names,
    and RECURSIVE where the path starts with a dot."""
    path = path.removesuffix(".")
    if path.startswith("."):
        return [RECURSIVE, *path[1:].split(".")]
    return path.split(".")


def split_resource(text: str, matching_prefix: bool) -> tuple[Kind, list[str]]:
    """The kind and the field path in `pods.spec.containers` or `deployments.apps.spec`.

    With `matching_prefix` (no --api-version), a resource given with its group (`deployments.apps`)
    takes the group along; otherwise every word after the first is a field."""
    found = nodes(text)
    if found[0] == RECURSIVE or "[" in text and matching_prefix:
        raise UsageError("invalid jsonpath syntax, first node must be field node")
    if "[" in text:
        raise UsageError("invalid jsonpath syntax, all nodes must be field nodes")
    kind = lookup(found[0])
    if matching_prefix and text.startswith(kind.resource):
        suffix = text[len(kind.resource):]
        return kind, nodes(suffix)[1:] if suffix else []
    return kind, found[1:]
