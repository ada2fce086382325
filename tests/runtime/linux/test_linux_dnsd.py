"""The cluster DNS server's wire format (dnsd.py), without root: a query in, the answer's bytes out.

RFC 1035 section 4: header (id, flags, QDCOUNT, ANCOUNT, NSCOUNT, ARCOUNT), the question, then resource
records; flags 0x8580 are QR, AA, RD (copied from the query) and RA; rcode 3 is NXDOMAIN."""

from __future__ import annotations

import socket
import struct

from k8slite.runtime.linux.dnsd import answer

RECORDS = {"web.default.svc.cluster.local": ["10.96.0.42"], "db.default.svc.cluster.local": ["10.244.1.5",
                                                                                                "10.244.2.7"]}


def query(name: str, qtype: int = 1, ident: int = 0x1234) -> bytes:
    labels = b"".join(bytes([len(part)]) + part.encode() for part in name.split("."))
    return struct.pack("!HHHHHH", ident, 0x0100, 1, 0, 0, 0) + labels + b"\0" + struct.pack("!HH", qtype, 1)


def parse(response: bytes, asked: bytes) -> tuple[int, int, list[str]]:
    """(flags, answer count, the addresses) of a response to `asked`."""
    ident, flags, qd, an, ns, ar = struct.unpack("!HHHHHH", response[:12])
    assert (ident, qd, ns, ar) == (0x1234, 1, 0, 0) and response[12:len(asked)] == asked[12:]
    records = response[len(asked):]
    addresses = []
    for i in range(an):
        pointer, rtype, rclass, ttl, length = struct.unpack("!HHHIH", records[i * 16:i * 16 + 12])
        assert (pointer, rtype, rclass, ttl, length) == (0xC00C, 1, 1, 5, 4)
        addresses.append(socket.inet_ntoa(records[i * 16 + 12:i * 16 + 16]))
    return flags, an, addresses


def test_a_service_name_is_its_cluster_ip() -> None:
    asked = query("web.default.svc.cluster.local")
    assert parse(answer(asked, RECORDS), asked) == (0x8580, 1, ["10.96.0.42"])


def test_a_headless_service_answers_every_ready_pod() -> None:
    asked = query("DB.default.svc.cluster.local")  # names are case-insensitive
    assert parse(answer(asked, RECORDS), asked) == (0x8580, 2, ["10.244.1.5", "10.244.2.7"])


def test_a_pod_name_is_its_ip_with_dashes() -> None:
    asked = query("10-244-1-5.default.pod.cluster.local")
    assert parse(answer(asked, RECORDS), asked) == (0x8580, 1, ["10.244.1.5"])


def test_an_unknown_name_is_nxdomain_and_aaaa_of_a_known_one_is_empty() -> None:
    unknown = query("web.svc.cluster.local")  # what the search path tries after web.default.svc.cluster.local
    assert parse(answer(unknown, RECORDS), unknown) == (0x8583, 0, [])
    aaaa = query("web.default.svc.cluster.local", qtype=28)
    assert parse(answer(aaaa, RECORDS), aaaa) == (0x8580, 0, [])
