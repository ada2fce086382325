"""Just enough of Kubernetes' protobuf encoding to read a DeleteOptions (apimachinery runtime/serializer/protobuf).

kubectl 1.32's typed clients (client-go's gentype) send request bodies as
protobuf, not JSON: `kubectl drain` deletes each pod with a protobuf
DeleteOptions. A protobuf body is the magic `k8s\\0` and then a
runtime.Unknown message: field 1 the TypeMeta, field 2 the object's own
message. DeleteOptions' fields (meta/v1 generated.proto) are 1
gracePeriodSeconds (varint), 3 orphanDependents (bool) and 4
propagationPolicy (string). Left out: every other message; a protobuf
Pod, Deployment ... is refused with 415 (handler.py).
"""

from __future__ import annotations

from typing import Any

MAGIC = b"k8s\x00"
MEDIA_TYPE = "application/vnd.kubernetes.protobuf"


class ProtobufError(ValueError):
    """A body that is not the protobuf this module reads."""


def varint(data: bytes, at: int) -> tuple[int, int]:
    """A base-128 varint at `at`: (value, where the next field starts)."""
    value = shift = 0
    while True:
        if at >= len(data):
            raise ProtobufError("truncated varint")
        byte = data[at]
        value |= (byte & 0x7F) << shift
        at, shift = at + 1, shift + 7
        if not byte & 0x80:
            return value, at


def fields(data: bytes) -> dict[int, Any]:
    """A message's fields by number (varints as ints, length-delimited ones as bytes; the last one wins)."""
    found: dict[int, Any] = {}
    at = 0
    while at < len(data):
        key, at = varint(data, at)
        number, wire = key >> 3, key & 7
        if wire == 0:
            found[number], at = varint(data, at)
        elif wire == 2:
            size, at = varint(data, at)
            found[number], at = data[at:at + size], at + size
        else:
            raise ProtobufError(f"wire type {wire} is not read here")
    return found


def delete_options(body: bytes) -> dict[str, Any]:
    """A protobuf DeleteOptions as the JSON dict it stands for."""
    if not body.startswith(MAGIC):
        raise ProtobufError("no k8s protobuf magic")
    envelope = fields(body[len(MAGIC):])
    kind = fields(envelope.get(1, b"")).get(2, b"").decode()
    if kind != "DeleteOptions":
        raise ProtobufError(f"a {kind or 'body'} in protobuf")
    message = fields(envelope.get(2, b""))
    options: dict[str, Any] = {}
    if 1 in message:
        grace = message[1]
        options["gracePeriodSeconds"] = grace - (1 << 64) if grace >= 1 << 63 else grace  # int64
    if 3 in message:
        options["orphanDependents"] = bool(message[3])
    if 4 in message:
        options["propagationPolicy"] = message[4].decode()
    return options
