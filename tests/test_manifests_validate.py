"""Every manifest of the book against Kubernetes 1.32's own schemas: what the book teaches, a real cluster takes.

k8slite decodes manifests itself; this checks them against the OpenAPI
schemas of the real API (kubernetes_validate, strict: an unknown field
fails), so that a learner who moves to a real cluster (chapter 15) meets
no surprise. Checked: every document of `manifests/*.yaml`, and every
manifest written inline in a notebook:

- in a code cell: a string (triple-quoted, usually) that is YAML with
  `apiVersion` and `kind`; a template is filled in first (`%s` becomes x,
  `%d`, str.format's `{name}` and an f-string's `{...}` become 1); or a dict
  literal with those keys;
- in a markdown cell: a fenced code block with such YAML.

Each document is one test, named `FILE[-cellN]-INDEX`. Documents the book
shows being refused on purpose are listed with the error expected, and the
tests assert that they are refused: REFUSED by the schema, SERVER_REFUSES
by the API server's validation only (they fit the schema); a list that
goes stale fails. A filled-in template can only show its shape: its
values are the notebook's to choose. Not checked: manifests built in code
by other means (`text.replace(...)`).
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import kubernetes_validate  # the dev extra: kubernetes-validate==1.32.*
import pytest
import yaml
from IPython.core.inputtransformer2 import TransformerManager

from k8slite import Cluster, Invalid

ROOT = Path(__file__).resolve().parent.parent
VERSION = "1.32.0"

# The documents the book shows the schema refusing, on purpose: source id -> what the schema says.
# None at present: chapter 05's "imagee" typo, the one such refusal, is made with str.replace, so it
# is not extracted (test_the_schemas_are_strict checks that refusal instead).
REFUSED: dict[str, str] = {}

# The documents the book shows the API server refusing, on purpose: they fit the schema (which says
# nothing of required images, name syntax or a Job's restartPolicy) but validation refuses them.
# Source id -> the message, which k8slite gives as kube-apiserver does.
SERVER_REFUSES: dict[str, str] = {
    # chapter 05: a pod without an image
    "notebooks/05_api_server.ipynb-cell22-0": "spec.containers[0].image: Required value",
    # chapter 05: a name with capitals and an underscore, a restartPolicy that does not exist
    "notebooks/05_api_server.ipynb-cell24-0": 'spec.restartPolicy: Unsupported value: "Sometimes"',
    # chapter 09: a Job's pods must stop by themselves
    "notebooks/09_jobs.ipynb-cell10-0": 'spec.template.spec.restartPolicy: Unsupported value: "Always"',
}


@dataclass(frozen=True)
class Document:
    source: str  # "manifests/06-web.yaml-0", "notebooks/05_api_server.ipynb-cell22-0"
    body: dict[str, Any]


# ---------------------------------------------------------------- finding the manifests
def is_manifest(doc: Any) -> bool:
    return isinstance(doc, dict) and "apiVersion" in doc and "kind" in doc


def manifests_in(text: str) -> list[dict[str, Any]]:
    """The Kubernetes objects in a YAML text (none if it is not YAML)."""
    try:
        return [doc for doc in yaml.safe_load_all(text) if is_manifest(doc)]
    except yaml.YAMLError:
        return []


def filled_in(template: str) -> str:
    """A template's text with its placeholders filled in: printf's `%s` with x (a string), `%d` with 1, and
    str.format's `{name}` with 1 (its `{{` and `}}` then stand for braces): the book's are numbers."""
    text = template.replace("%s", "x").replace("%d", "1")
    if "{{" in text:
        text = re.sub(r"(?<!\{)\{[A-Za-z_]\w*\}(?!\})", "1", text).replace("{{", "{").replace("}}", "}")
    return text


class Strings(ast.NodeVisitor):
    """The texts of a cell's string literals (an f-string's `{...}` as 1) and its dict literals that are manifests."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.dicts: list[dict[str, Any]] = []

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str):
            self.texts.append(node.value)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:  # an f-string: not its parts one by one
        self.texts.append("".join(str(v.value) if isinstance(v, ast.Constant) else "1" for v in node.values))

    def visit_Dict(self, node: ast.Dict) -> None:
        try:
            value = ast.literal_eval(node)
        except ValueError:
            value = None
        if is_manifest(value):
            self.dicts.append(value)
        else:
            self.generic_visit(node)


def code_manifests(source: str) -> list[dict[str, Any]]:
    strings = Strings()
    strings.visit(ast.parse(TransformerManager().transform_cell(source)))  # IPython's `%magic`, `!cmd`: Python
    found = list(strings.dicts)
    for text in strings.texts:
        if "apiVersion" in text and "kind" in text:
            found += manifests_in(filled_in(text))
    return found


def markdown_manifests(source: str) -> list[dict[str, Any]]:
    blocks = re.findall(r"^```[\w-]*\n(.*?)^```", source, flags=re.MULTILINE | re.DOTALL)
    return [doc for block in blocks for doc in manifests_in(block)]


def notebook_documents(path: Path) -> Iterator[Document]:
    name = path.relative_to(ROOT)
    for number, cell in enumerate(json.loads(path.read_text())["cells"]):
        source = "".join(cell["source"])
        found = code_manifests(source) if cell["cell_type"] == "code" else markdown_manifests(source)
        for index, body in enumerate(found):
            yield Document(f"{name}-cell{number}-{index}", body)


def manifest_documents(path: Path) -> Iterator[Document]:
    docs = [doc for doc in yaml.safe_load_all(path.read_text()) if doc is not None]
    for index, body in enumerate(docs):
        yield Document(f"{path.relative_to(ROOT)}-{index}", body)


MANIFESTS = [d for path in sorted((ROOT / "manifests").glob("*.yaml")) for d in manifest_documents(path)]
INLINE = [d for path in sorted((ROOT / "notebooks").glob("*.ipynb")) for d in notebook_documents(path)]


# ---------------------------------------------------------------- the checks
def schema_error(body: dict[str, Any]) -> str | None:
    """What the 1.32 schema says is wrong with the object, or None if it is valid."""
    try:
        kubernetes_validate.validate(body, VERSION, strict=True)
    except (kubernetes_validate.ValidationError, kubernetes_validate.SchemaNotFoundError) as error:
        return str(error).splitlines()[0]
    return None


@pytest.mark.parametrize("doc", MANIFESTS + INLINE, ids=lambda d: d.source)
def test_every_manifest_is_valid_kubernetes_1_32(doc: Document) -> None:
    error = schema_error(doc.body)
    if doc.source in REFUSED:
        assert error is not None and REFUSED[doc.source] in error, \
            f"{doc.source} is in REFUSED, but the schema says: {error or 'valid'}"
    else:
        assert error is None, f"{doc.source}: {error}"


@pytest.mark.parametrize("source", sorted(SERVER_REFUSES))
def test_what_the_book_shows_refused_is_refused_by_validation_not_by_the_schema(source: str) -> None:
    body = next(d.body for d in INLINE if d.source == source)
    assert schema_error(body) is None
    with pytest.raises(Invalid, match=re.escape(SERVER_REFUSES[source])):
        Cluster(nodes=0).apply(body)


def test_the_extractor_finds_the_books_manifests() -> None:
    """A broken extractor finds nothing, and every parametrized test above would pass vacuously."""
    assert len(MANIFESTS) >= 70  # 78 documents in 57 files when this was written
    assert len(INLINE) >= 25
    notebooks = {d.source.split("-cell")[0] for d in INLINE}
    assert {"notebooks/05_api_server.ipynb", "notebooks/09_jobs.ipynb", "notebooks/10_volumes.ipynb"} <= notebooks
    assert any("-cell" in d.source and d.body["kind"] == "Deployment" for d in INLINE)
    sources = {d.source for d in MANIFESTS + INLINE}
    assert set(REFUSED) | set(SERVER_REFUSES) <= sources, "a list names a document that is gone"


def test_the_extractor_reads_templates_f_strings_dicts_and_markdown() -> None:
    pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: %s}\nspec:\n  containers: [{name: a, image: b}]\n"
    assert code_manifests(f"POD = '''\n{pod}'''\nc.apply(POD % 'a')")[0]["metadata"] == {"name": "x"}
    job = "apiVersion: batch/v1\nkind: Job\nmetadata: {{name: dice}}\nspec:\n  completions: {completions}\n"
    assert code_manifests(f'JOB = """\n{job}"""')[0]["spec"] == {"completions": 1}
    assert code_manifests('c.apply(f"apiVersion: v1\\nkind: Namespace\\nmetadata: {{name: team-{n}}}")') == \
        [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-1"}}]
    assert code_manifests('c.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}})') == \
        [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}}]
    markdown = "Like this:\n\n```yaml\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: b\n```\n"
    assert markdown_manifests(markdown) == [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "b"}}]
    assert code_manifests("print('apiVersion and kind are two fields')") == []


def test_the_schemas_are_strict() -> None:
    """An unknown field fails, as on a real API server since 1.27 (kubectl's --validate=strict)."""
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"},
           "spec": {"containers": [{"name": "web", "image": "busybox", "imagee": "busybox"}]}}
    assert "'imagee' was unexpected" in str(schema_error(pod))
