"""Objects to Kubernetes-shaped dicts and back, driven by dataclass fields.

Mirrors what apimachinery's JSON codec does with struct tags: Python's
snake_case field `resource_version` is Kubernetes' `resourceVersion`, nested
dataclasses are nested objects, empty values are left out (omitempty), and
times are RFC 3339 strings. Decoding is strict, as `kubectl apply` is since
1.27: an unknown field is an error naming its path. Fields that Kubernetes
has and k8slite does not model are listed on each class as IGNORED: they are
accepted and reported, not stored.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import math
import re
import types
import typing
from typing import Any, Union

EPOCH = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
"""The wall-clock date that cluster time 0 stands for in `to_dict()`."""

ACRONYMS = {"ip": "IP", "ips": "IPs", "cidr": "CIDR", "cidrs": "CIDRs", "id": "ID"}


class DecodeError(Exception):
    """A value whose shape does not fit the field; `path` says where."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path


# The integer fields that are int64 in Go (every other integer field of the kinds k8slite has is an int32)
INT64_FIELDS = frozenset({"termination_grace_period_seconds", "active_deadline_seconds", "run_as_user",
                          "run_as_group", "fs_group", "toleration_seconds", "expiration_seconds",
                          "deletion_grace_period_seconds", "generation", "observed_generation", "revision"})


class TypeMismatch(DecodeError):
    """A JSON value of the wrong type for its field (`replicas: "3"`, a label `version: 1`): encoding/json's
    UnmarshalTypeError, which kube-apiserver answers with as it is (`go_message`), naming the Go struct that
    holds the field, the field's JSON path without indexes, and the Go type it wanted."""

    def __init__(self, path: str, message: str, value: str, go_type: str) -> None:
        super().__init__(path, message)
        self.value, self.go_type, self.struct, self.field = value, go_type, "", ""

    @property
    def go_message(self) -> str:
        return (f"json: cannot unmarshal {self.value} into Go struct field {self.struct}.{self.field} "
                f"of type {self.go_type}")


def key_sorted(data: Any) -> Any:
    """The document with every mapping's keys sorted: the JSON kubectl sends, which it makes of YAML through
    a Go map, so kube-apiserver reads the fields in that order."""
    if isinstance(data, dict):
        return {k: key_sorted(data[k]) for k in sorted(data, key=str)}
    return [key_sorted(v) for v in data] if isinstance(data, list) else data


def go_type(hint: Any) -> str:
    """The Go type a field's Python type stands for, as reflect names it (`[]v1.Container`, `map[string]string`);
    a pointer (`X | None`) is named by what it points to, as the decoder names it."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        return go_type(options[0]) if len(options) == 1 else "intstr.IntOrString"
    if origin is list:
        return "[]" + go_type(args[0])
    if origin is dict:
        return f"map[string]{go_type(args[1])}"
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return f"v1.{getattr(hint, 'GO_NAME', hint.__name__)}"
    names: dict[Any, str] = {str: "string", int: "int32", float: "float64", bool: "bool", Any: "interface {}"}
    return names.get(hint, getattr(hint, "__name__", str(hint)))


def json_kind(value: Any) -> str:
    """How encoding/json names the JSON value it could not store: `number`, `string`, `bool`, `array`, `object`."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    kinds: dict[type, str] = {str: "string", list: "array", dict: "object"}
    return kinds.get(type(value), "object")


def camel(name: str) -> str:
    """`resource_version` -> `resourceVersion`, `pod_ip` -> `podIP`."""
    first, *rest = name.split("_")
    return first + "".join(ACRONYMS.get(w, w.capitalize()) for w in rest)


def json_name(f: dataclasses.Field[Any]) -> str:
    return str(f.metadata.get("json") or camel(f.name))


def go_json(data: Any, indent: int | None = None) -> str:
    """Go's encoding/json of an unstructured value (maps are sorted by key): compact, or indented as
    MarshalIndent; `<`, `>` and `&` escaped as \\u003c, \\u003e and \\u0026, the rest of the text as it is."""
    text = json.dumps(data, indent=indent, separators=(",", ": ") if indent else (",", ":"), sort_keys=True,
                      ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def format_time(seconds: float, micro: bool = False) -> str:
    """metav1.Time keeps whole seconds (18.556 -> 18); metav1.MicroTime (Leases, Events' eventTime) microseconds."""
    if micro:
        return (EPOCH + dt.timedelta(seconds=round(seconds, 6))).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    moment = EPOCH + dt.timedelta(seconds=math.floor(seconds))
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str, path: str) -> float:
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise DecodeError(path, f'parsing time "{text}": not RFC 3339') from None
    return (moment - EPOCH).total_seconds()


@functools.cache
def fields_of(cls: type) -> tuple[tuple[dataclasses.Field[Any], Any, str], ...]:
    """(field, resolved type, json name) for every field of a dataclass."""
    hints = typing.get_type_hints(cls)
    return tuple((f, hints[f.name], json_name(f)) for f in dataclasses.fields(cls)
                 if f.init and not f.metadata.get("skip"))


# ---------------------------------------------------------------- to dict

def to_dict(obj: Any) -> Any:
    """The Kubernetes-shaped (camelCase) form of an object, empty values left out, as Go's encoding/json
    writes them: a number tagged omitempty (metadata `omitempty`) is left out when 0, one that is not is
    written; a metav1.Time (metadata `time`) that is a struct in Go, not a pointer (metadata `null`), is
    written `null` when unset (`creationTimestamp: null` in a pod template, a condition's `lastProbeTime`)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out: dict[str, Any] = {}
        for f, _, name in fields_of(type(obj)):
            value = getattr(obj, f.name)
            if value is None or value == "" or value == [] or value == {}:
                if value is None and f.metadata.get("null"):
                    out[name] = None
                    continue
                if not f.metadata.get("keep_empty") and not (value == "" and f.metadata.get("empty_string")):
                    continue
            elif value == 0 and f.metadata.get("omitempty"):
                continue
            out[name] = format_time(value, f.metadata.get("micro", False)) if f.metadata.get("time") \
                else to_dict(value)
        return out
    if isinstance(obj, list):
        return [to_dict(v) for v in obj]
    if isinstance(obj, dict):
        return {k: to_dict(v) for k, v in obj.items()}
    return obj


# ---------------------------------------------------------------- from dict

def from_dict(cls: type, data: Any, path: str = "", ignored: list[str] | None = None,
              unknown: list[str] | None = None) -> Any:
    """Build `cls` from a Kubernetes-shaped dict, strictly; `ignored` collects IGNORED paths. An unknown field is
    a DecodeError, or, given `unknown`, noted there (kube-apiserver's strict decoding reports them all, once the
    body has decoded)."""
    if not isinstance(data, dict):
        raise TypeMismatch(path, f"expected an object, got {describe(data)}", json_kind(data), go_type(cls))
    known = {name: (f, hint) for f, hint, name in fields_of(cls)}
    skipped: frozenset[str] = getattr(cls, "IGNORED", frozenset())
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        where = f"{path}.{key}" if path else str(key)
        if key in known:
            f, hint = known[key]
            if value is None:
                continue
            try:
                kwargs[f.name] = decode_value(hint, value, where, ignored, bool(f.metadata.get("time")), unknown)
            except TypeMismatch as e:
                if not e.struct:  # the innermost struct holding the field names it, as Go's decoder does
                    e.struct, e.field = getattr(cls, "GO_NAME", cls.__name__), re.sub(r"\[\d+\]", "", where)
                    e.go_type = "int64" if e.go_type == "int32" and f.name in INT64_FIELDS else e.go_type
                raise
        elif key in skipped:
            if ignored is not None:
                ignored.append(where)
        elif unknown is not None:
            unknown.append(where)
        else:
            raise DecodeError("", f'unknown field "{where}"')
    return cls(**kwargs)


def decode_value(hint: Any, value: Any, path: str, ignored: list[str] | None,
                 is_time: bool = False, unknown: list[str] | None = None) -> Any:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (Union, types.UnionType):
        return decode_union(args, value, path, ignored, is_time, unknown)
    if is_time:
        return parse_time(value, path) if isinstance(value, str) else float(expect(float, value, path))
    if origin is list:
        items = expect(list, value, path, hint)
        return [decode_value(args[0], v, f"{path}[{i}]", ignored, unknown=unknown) for i, v in enumerate(items)]
    if origin is dict:
        mapping = expect(dict, value, path, hint)
        return {str(k): decode_value(args[1], v, f"{path}.{k}", ignored, unknown=unknown) for k, v in mapping.items()}
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return from_dict(hint, value, path, ignored, unknown)
    if hint is Any:
        return value
    return expect(hint, value, path)


def decode_union(args: tuple[Any, ...], value: Any, path: str, ignored: list[str] | None,
                 is_time: bool, unknown: list[str] | None = None) -> Any:
    options = [a for a in args if a is not type(None)]
    if len(options) == 1:
        return decode_value(options[0], value, path, ignored, is_time, unknown)
    for option in options:  # int | str: IntOrString
        if isinstance(value, option) and not isinstance(value, bool):
            return value
    names = " or ".join(o.__name__ for o in options)
    raise DecodeError(path, f"expected {names}, got {describe(value)}")


def expect(kind: Any, value: Any, path: str, hint: Any = None) -> Any:
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, kind) and not (isinstance(value, bool) and kind is not bool):
        return value
    names: dict[Any, str] = {str: "a string", int: "an integer", float: "a number", bool: "a boolean",
                             list: "a list", dict: "an object"}
    if kind is int and isinstance(value, float) and not isinstance(value, bool):
        told = f"number {value:g}"  # a number that does not fit: encoding/json says which
    else:
        told = json_kind(value)
    raise TypeMismatch(path, f"expected {names.get(kind) or kind.__name__}, got {describe(value)}", told,
                       go_type(hint if hint is not None else kind))


def describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"number {value}"
    if isinstance(value, str):
        return f'string "{value}"'
    kinds: dict[type, str] = {list: "a list", dict: "an object"}
    return kinds.get(type(value)) or type(value).__name__
