"""Kubernetes protobuf bodies built by hand, for the server's tests: a key is (field number << 3 | wire type),
wire type 0 a varint, 2 a length and then the bytes."""

from __future__ import annotations

from k8slite.server import protobuf


def varint(n: int) -> bytes:
    n &= (1 << 64) - 1  # a negative number is its 64-bit two's complement: ten bytes
    out = b""
    while n > 0x7F:
        out, n = out + bytes([n & 0x7F | 0x80]), n >> 7
    return out + bytes([n])


def number(field: int, n: int) -> bytes:
    return varint(field << 3 | 0) + varint(n)


def nested(field: int, payload: bytes) -> bytes:
    return varint(field << 3 | 2) + varint(len(payload)) + payload


def string(field: int, text: str) -> bytes:
    return nested(field, text.encode())


def envelope(api_version: str, kind: str, body: bytes) -> bytes:
    """k8s\\0, then runtime.Unknown {1 typeMeta {1 apiVersion, 2 kind}, 2 raw}."""
    return protobuf.MAGIC + nested(1, string(1, api_version) + string(2, kind)) + nested(2, body)
