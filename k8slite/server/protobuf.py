"""Kubernetes' protobuf request bodies, read into the JSON they stand for (apimachinery runtime/serializer/protobuf).

kubectl 1.32's typed clients (client-go's gentype) send their bodies as
`application/vnd.kubernetes.protobuf`, not JSON: `kubectl create
deployment|namespace|configmap|secret|service|job|serviceaccount|quota`,
`kubectl debug --copy-to`, and the DeleteOptions `kubectl drain` sends.
The rules, as this module reads them:

- A body is the magic `k8s\\0`, then a runtime.Unknown message: field 1
  its TypeMeta (1 apiVersion, 2 kind), field 2 the object's own message.
- A message is a run of fields, each a key (field number << 3 | wire type)
  then a value: wire type 0 a varint (int32, int64 in two's complement,
  bool), 2 a length and that many bytes (a string, bytes, a nested
  message, a packed run of varints, or one entry of a map: key 1, value 2),
  1 and 5 eight and four fixed bytes (a double or a float; no field of the
  kinds here is one, so they are only stepped over). A repeated field is
  written once per item. A field number the table does not have is skipped.
- What a number means comes from protoschema.json: each field's JSON name,
  type and whether it is a pointer in Go, for the messages reachable from
  the kinds k8slite serves. protoschema_gen.py writes it from Kubernetes'
  own sources, k8s.io/api and k8s.io/apimachinery at release-1.32: the
  generated.proto files (numbers, types) and the types.go they were
  generated from (JSON names, pointers). Run it again when a kind is added
  or the version changes: `python -m k8slite.server.protoschema_gen API_DIR
  APIMACHINERY_DIR > k8slite/server/protoschema.json`, with the two
  repositories checked out at that release branch.
- Go writes a field that is not a pointer even at its zero value
  (`generateName: ""`, `minReadySeconds: 0`, `strategy: {}`), which then
  means nothing, so a zero there is left out; a pointer field is written
  only when it is set, so its zero is kept (`replicas: 0`). A struct
  inlined in JSON (a Volume's VolumeSource) is merged into its parent.
- A few messages are read by hand, as their JSON is not their fields: Time
  and MicroTime (seconds and nanos, to RFC 3339), IntOrString (a number or
  a string), Quantity (its string), FieldsV1 and RawExtension (raw JSON
  bytes: a ControllerRevision's data).

Bytes fields (a Secret's data) become base64, as in JSON. Left out:
writing protobuf (the server answers JSON, which kubectl's Accept
allows), Duration (no kind k8slite serves has one), and
a body in any encoding but plain (Unknown's contentEncoding).
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

MAGIC = b"k8s\x00"
MEDIA_TYPE = "application/vnd.kubernetes.protobuf"
SCHEMA = Path(__file__).with_name("protoschema.json")
UNIX_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
VARINT, FIXED64, LENGTH, FIXED32 = 0, 1, 2, 5


class ProtobufError(ValueError):
    """A body that is not a Kubernetes protobuf object this server can read."""


@functools.cache
def schema() -> dict[str, Any]:
    """protoschema.json: {"kinds": kind -> message, "messages": message -> number -> [json name, type, how]}."""
    table: dict[str, Any] = json.loads(SCHEMA.read_text())
    return table


def decode(body: bytes) -> dict[str, Any]:
    """A protobuf body (`k8s\\0` + runtime.Unknown) as the JSON dict of the object in it."""
    if not body.startswith(MAGIC):
        raise ProtobufError("the body does not start with k8s\\0, the mark of Kubernetes' protobuf")
    envelope = {number: raw for number, wire, raw in fields(body[len(MAGIC):], "") if wire == LENGTH}
    if envelope.get(3):
        raise ProtobufError(f"content encoding {text(envelope[3], 'contentEncoding')!r} is not read here")
    type_meta = parts(envelope.get(1, b""), "typeMeta", {1: "string", 2: "string"})
    api_version, kind = type_meta.get(1, ""), type_meta.get(2, "")
    name = schema()["kinds"].get(kind)
    if name is None:
        raise ProtobufError(f"no protobuf message is known for kind {kind!r}" if kind else "no kind in the body")
    obj: dict[str, Any] = {"apiVersion": api_version, "kind": kind} if api_version else {"kind": kind}
    obj.update(message(name, envelope.get(2, b""), ""))
    return obj


def varint(data: bytes, at: int) -> tuple[int, int]:
    """A base-128 varint at `at`: (value, where the next field starts)."""
    value = shift = 0
    while True:
        if at >= len(data) or shift > 63:
            raise ProtobufError("a varint runs past the end of its message")
        byte = data[at]
        value |= (byte & 0x7F) << shift
        at, shift = at + 1, shift + 7
        if not byte & 0x80:
            return value, at


def fields(data: bytes, path: str) -> Iterator[tuple[int, int, Any]]:
    """A message's fields in wire order: (number, wire type, an int for a varint, else the bytes)."""
    at, where = 0, path or "the body"
    while at < len(data):
        key, at = varint(data, at)
        number, wire = key >> 3, key & 7
        value: Any
        if number == 0:
            raise ProtobufError(f"{where}: field number 0")
        if wire == VARINT:
            value, at = varint(data, at)
            yield number, wire, value
            continue
        if wire == LENGTH:
            size, at = varint(data, at)
        elif wire in (FIXED64, FIXED32):
            size = 8 if wire == FIXED64 else 4
        else:
            raise ProtobufError(f"{where}: field {number} has wire type {wire}, which Kubernetes never writes")
        if at + size > len(data):
            raise ProtobufError(f"{where}: field {number} runs past the end of its message")
        value, at = data[at:at + size], at + size
        yield number, wire, value


def message(name: str, data: bytes, path: str) -> dict[str, Any]:
    """One message's JSON dict: its fields by JSON name, a Go value's zero left out, inlined structs merged."""
    table: dict[str, list[str]] = schema()["messages"][name]
    out: dict[str, Any] = {}
    for number, decoded in read(table, data, path).items():
        json_name, _, how = table[str(number)]
        if decoded is None or (how == "" and not decoded):
            continue  # a Go value at its zero, or a zero Time: as absent as JSON's omitempty makes it
        if json_name:
            out[json_name] = decoded
        else:
            out.update(decoded)
    return out


def read(table: dict[str, list[str]], data: bytes, path: str) -> dict[int, Any]:
    """A message's values by field number: repeated fields gathered into lists, map entries into dicts."""
    found: dict[int, Any] = {}
    for number, wire, raw in fields(data, path):
        if str(number) not in table:
            continue  # a field from a newer Kubernetes: skipped, as protobuf readers do
        json_name, type_, how = table[str(number)]
        where = f"{path}.{json_name}" if path and json_name else path or json_name
        if how == "repeated":
            items: list[Any] = found.setdefault(number, [])
            items.extend(packed(type_, raw, where) if wire == LENGTH and type_ in NUMBERS else
                         [value(type_, wire, raw, f"{where}[{len(items)}]")])
        elif how == "map":
            key, item = entry(type_, raw, where)
            found.setdefault(number, {})[key] = item
        else:
            found[number] = value(type_, wire, raw, where)
    return found


def value(type_: str, wire: int, raw: Any, path: str) -> Any:
    """One field's value, by its proto type: a scalar, a message read by hand, or a message."""
    if type_ in SCALARS:
        expected, read = SCALARS[type_]
        if wire != expected:
            raise ProtobufError(f"{path}: a {type_} sent with wire type {wire}")
        return read(raw, path)
    if wire != LENGTH:
        raise ProtobufError(f"{path}: a message sent with wire type {wire}")
    if type_ in SPECIAL:
        return SPECIAL[type_](raw, path)
    return message(type_, raw, path)


def packed(type_: str, raw: bytes, path: str) -> list[Any]:
    """A packed repeated number field: varints one after another in one length-delimited value."""
    items: list[Any] = []
    at = 0
    while at < len(raw):
        number, at = varint(raw, at)
        items.append(value(type_, VARINT, number, f"{path}[{len(items)}]"))
    return items


def entry(type_: str, raw: bytes, path: str) -> tuple[str, Any]:
    """One map entry: a message with the key in field 1 and the value in field 2 (its type's zero if absent)."""
    key, item = "", None
    for number, wire, field in fields(raw, path):
        if number == 1:
            key = value("string", wire, field, path)
        elif number == 2:
            item = value(type_, wire, field, f"{path}.{key}")
    if item is None:
        item = value(type_, VARINT, 0, path) if type_ in NUMBERS else value(type_, LENGTH, b"", path)
    return key, item


def parts(raw: bytes, path: str, types: dict[int, str]) -> dict[int, Any]:
    """A small message read by hand: its fields by number, each read as the scalar type given."""
    return {number: value(types[number], wire, field, path) for number, wire, field in fields(raw, path)
            if number in types}


def signed(bits: int) -> Callable[[int, str], int]:
    """A varint read as a two's-complement integer of `bits` bits (a negative int32 is sent in ten bytes)."""
    def read(raw: int, path: str) -> int:
        raw &= (1 << bits) - 1
        return raw - (1 << bits) if raw >> (bits - 1) else raw
    return read


def text(raw: bytes, path: str) -> str:
    try:
        return raw.decode()
    except UnicodeDecodeError:
        raise ProtobufError(f"{path}: a string that is not UTF-8") from None


SCALARS: dict[str, tuple[int, Callable[[Any, str], Any]]] = {
    "string": (LENGTH, text),
    "bytes": (LENGTH, lambda raw, path: base64.b64encode(raw).decode()),
    "int32": (VARINT, signed(32)),
    "int64": (VARINT, signed(64)),
    "bool": (VARINT, lambda raw, path: bool(raw)),
}
"""The proto scalar types of the kinds' messages: the wire type each comes in, and how it reads."""
NUMBERS = ("int32", "int64", "bool")


def time(raw: bytes, path: str, micro: bool = False) -> str | None:
    """meta/v1 Time {1 seconds, 2 nanos} as RFC 3339 (whole seconds; MicroTime keeps microseconds); None if zero."""
    if not raw:
        return None  # Go's zero time, which JSON writes as null
    found = parts(raw, path, {1: "int64", 2: "int32"})
    try:
        moment = UNIX_EPOCH + dt.timedelta(seconds=found.get(1, 0),
                                           microseconds=found.get(2, 0) // 1000 if micro else 0)
    except OverflowError:
        raise ProtobufError(f"{path}: a time out of range") from None
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ" if micro else "%Y-%m-%dT%H:%M:%SZ")


def int_or_string(raw: bytes, path: str) -> int | str:
    """intstr.IntOrString {1 type (0 Int, 1 String), 2 intVal, 3 strVal}: a number or a string, as in JSON."""
    found = parts(raw, path, {1: "int64", 2: "int32", 3: "string"})
    return str(found.get(3, "")) if found.get(1) == 1 else int(found.get(2, 0))


def quantity(raw: bytes, path: str) -> str:
    """resource.Quantity {1 string}: its string ("500m", "1Gi"); Go's zero Quantity is "0"."""
    return str(parts(raw, path, {1: "string"}).get(1) or "0")


def fields_v1(raw: bytes, path: str) -> Any:
    """meta/v1 FieldsV1 {1 Raw}: a managedFields entry's field set, which is JSON text."""
    try:
        return json.loads(parts(raw, path, {1: "string"}).get(1) or "{}")
    except ValueError:
        raise ProtobufError(f"{path}: FieldsV1 that is not JSON") from None


def raw_extension(raw: bytes, path: str) -> Any:
    """runtime.RawExtension {1 raw}: an embedded object as JSON text (a ControllerRevision's data)."""
    try:
        return json.loads(parts(raw, path, {1: "string"}).get(1) or "null")
    except ValueError:
        raise ProtobufError(f"{path}: a RawExtension that is not JSON") from None


SPECIAL: dict[str, Callable[[bytes, str], Any]] = {
    "apis.meta.v1.Time": time,
    "apis.meta.v1.MicroTime": lambda raw, path: time(raw, path, micro=True),
    "util.intstr.IntOrString": int_or_string,
    "api.resource.Quantity": quantity,
    "apis.meta.v1.FieldsV1": fields_v1,
    "runtime.RawExtension": raw_extension,
}
"""Messages read by hand, as their JSON is not their fields; protoschema_gen.py stops at them."""
