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
    """The Kubernetes-shaped (camelCase) form of an object, empty values left out."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out: dict[str, Any] = {}
        for f, _, name in fields_of(type(obj)):
            value = getattr(obj, f.name)
            if value is None or value == "" or value == [] or value == {}:
                if not f.metadata.get("keep_empty") and not (value == "" and f.metadata.get("empty_string")):
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

def from_dict(cls: type, data: Any, path: str = "", ignored: list[str] | None = None) -> Any:
    """Build `cls` from a Kubernetes-shaped dict, strictly; `ignored` collects IGNORED paths."""
    if not isinstance(data, dict):
        raise DecodeError(path, f"expected an object, got {describe(data)}")
    known = {name: (f, hint) for f, hint, name in fields_of(cls)}
    skipped: frozenset[str] = getattr(cls, "IGNORED", frozenset())
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        where = f"{path}.{key}" if path else str(key)
        if key in known:
            f, hint = known[key]
            if value is not None:
                kwargs[f.name] = decode_value(hint, value, where, ignored, bool(f.metadata.get("time")))
        elif key in skipped:
            if ignored is not None:
                ignored.append(where)
        else:
            raise DecodeError("", f'unknown field "{where}"')
    return cls(**kwargs)


def decode_value(hint: Any, value: Any, path: str, ignored: list[str] | None,
                 is_time: bool = False) -> Any:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (Union, types.UnionType):
        return decode_union(args, value, path, ignored, is_time)
    if is_time:
        return parse_time(value, path) if isinstance(value, str) else float(expect(float, value, path))
    if origin is list:
        items = expect(list, value, path)
        return [decode_value(args[0], v, f"{path}[{i}]", ignored) for i, v in enumerate(items)]
    if origin is dict:
        mapping = expect(dict, value, path)
        return {str(k): decode_value(args[1], v, f"{path}.{k}", ignored) for k, v in mapping.items()}
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return from_dict(hint, value, path, ignored)
    if hint is Any:
        return value
    return expect(hint, value, path)


def decode_union(args: tuple[Any, ...], value: Any, path: str, ignored: list[str] | None,
                 is_time: bool) -> Any:
    options = [a for a in args if a is not type(None)]
    if len(options) == 1:
        return decode_value(options[0], value, path, ignored, is_time)
    for option in options:  # int | str: IntOrString
        if isinstance(value, option) and not isinstance(value, bool):
            return value
    names = " or ".join(o.__name__ for o in options)
    raise DecodeError(path, f"expected {names}, got {describe(value)}")


def expect(kind: Any, value: Any, path: str) -> Any:
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, kind) and not (isinstance(value, bool) and kind is not bool):
        return value
    names: dict[Any, str] = {str: "a string", int: "an integer", float: "a number", bool: "a boolean",
                             list: "a list", dict: "an object"}
    raise DecodeError(path, f"expected {names.get(kind) or kind.__name__}, got {describe(value)}")


def describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"number {value}"
    if isinstance(value, str):
        return f'string "{value}"'
    kinds: dict[type, str] = {list: "a list", dict: "an object"}
    return kinds.get(type(value)) or type(value).__name__
