"""Reading manifests: a path, YAML text, a dict or an object, one or many.

Mirrors what `kubectl apply -f` reads: YAML in block or flow style (JSON is
flow-style YAML), several documents separated by `---` and ended by `...`,
and `kind: List` wrappers. A YAML syntax error names the line, as kubectl
does; nothing is stored unless every document decodes. A value that looks
like a timestamp (`2024-01-01`) stays the text it was written as, as
sigs.k8s.io/yaml (go-yaml v2) decodes it, so a ConfigMap may hold a date;
`y` and `n` are booleans, as YAML 1.1 has them (quote them to mean the
letter), and keys that are not text become text (`true:` is "true").
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import yaml

from k8slite.api.meta import KubeObject
from k8slite.errors import Invalid, NotFound

TIMESTAMP = "tag:yaml.org,2002:timestamp"
BOOL = "tag:yaml.org,2002:bool"


GO_YAML_BOOLS = {"y": True, "Y": True, "n": False, "N": False}  # booleans go-yaml v2 has and PyYAML has not
GO_YAML_BOOL_WORDS = re.compile(r"^(?:y|Y|n|N)$")


class KubeLoader(yaml.SafeLoader):
    """PyYAML's safe loader, read as go-yaml v2 reads YAML into an interface{}: timestamps as their text ("for
    backward compatibility reasons we set it as a string", decode.go), and `y`, `Y`, `n`, `N` as booleans,
    which YAML 1.1 allows and go-yaml's resolve table has (`answer: y` is `true`). Keys are made text as
    sigs.k8s.io/yaml turns YAML into JSON: `true: x` has the key "true", `3: x` the key "3"."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        return {key_text(k): v for k, v in super().construct_mapping(node, deep).items()}


KubeLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != TIMESTAMP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
KubeLoader.add_implicit_resolver(BOOL, GO_YAML_BOOL_WORDS, list(GO_YAML_BOOLS))


def timestamp_text(loader: KubeLoader, node: yaml.Node) -> str:
    """An explicit `!!timestamp` too: its text."""
    return str(loader.construct_scalar(node))  # type: ignore[arg-type]  # a timestamp is a scalar


def go_yaml_bool(loader: KubeLoader, node: yaml.ScalarNode) -> bool:
    text = str(loader.construct_scalar(node))
    return GO_YAML_BOOLS[text] if text in GO_YAML_BOOLS else bool(loader.construct_yaml_bool(node))


KubeLoader.add_constructor(TIMESTAMP, timestamp_text)
KubeLoader.add_constructor(BOOL, go_yaml_bool)


def key_text(key: Any) -> Any:
    """A mapping key as JSON has it: text."""
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key) if isinstance(key, (int, float)) else key


def load_yaml(text: Any) -> Any:
    """One YAML document (text or a stream), as Kubernetes reads it."""
    return yaml.load(text, Loader=KubeLoader)  # noqa: S506  # KubeLoader is a SafeLoader


def load_yaml_all(text: Any) -> list[Any]:
    """Every YAML document (text or a stream), as Kubernetes reads them."""
    return list(yaml.load_all(text, Loader=KubeLoader))  # noqa: S506


def read_documents(src: Any) -> list[Any]:
    """The documents in src: a KubeObject, a dict, a list of them, a path, or YAML text."""
    if isinstance(src, KubeObject):
        return [src]
    if isinstance(src, dict):
        return unwrap_lists([src])
    if isinstance(src, (list, tuple)):
        return [doc for item in src for doc in read_documents(item)]
    if isinstance(src, Path) or (isinstance(src, str) and looks_like_path(src)):
        return parse_yaml(read_file(Path(src)), str(src))
    if isinstance(src, str):
        return parse_yaml(src, "<string>")
    raise TypeError(f"apply takes a path, YAML text, a dict or an object, not {type(src).__name__}")


def looks_like_path(text: str) -> bool:
    return "\n" not in text and text.rstrip().endswith((".yaml", ".yml", ".json"))


class MissingPath(NotFound):
    """kubectl's `the path "x" does not exist`, which the client finds before it sends anything; the
    message adds the working directory, which a notebook's reader may not know."""

    def __init__(self, path: Path) -> None:
        self.kubectl_message = f'the path "{path}" does not exist'
        super().__init__(f"{self.kubectl_message} (working directory: {os.getcwd()})")


def read_file(path: Path) -> str:
    if not path.exists():
        raise MissingPath(path)
    return path.read_text()


def parse_yaml(text: str, source: str) -> list[Any]:
    try:
        docs = [d for d in load_yaml_all(text) if d is not None]
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(e, "problem", None) or str(e)
        raise Invalid(f'error parsing {source}: error converting YAML to JSON: yaml: {where}{problem}') from None
    return unwrap_lists(docs)


def unwrap_lists(docs: list[Any]) -> list[Any]:
    out: list[Any] = []
    for doc in docs:
        if isinstance(doc, dict) and str(doc.get("kind", "")).endswith("List") and "items" in doc:
            out.extend(doc["items"] or [])
        else:
            out.append(doc)
    return out
