"""The cluster DNS server's process: DNS over UDP port 53, answering from a file of records (coredns.py).

Mirrors what CoreDNS's kubernetes plugin answers for the names of
k8slite.network.dns, on the wire of RFC 1035: a query is a 12-byte header
(id, flags, counts) and a question (the name as length-prefixed labels, a
type, a class); the answer repeats both, with the flags saying "response,
authoritative, recursion available" and a return code, then one resource
record per address: a pointer to the question's name (0xC00C), type A,
class IN, a TTL of 5 s (the kubernetes plugin's), 4 bytes of IPv4.

`records.json` maps fully qualified names to addresses; the server reads
it again whenever the cluster process has replaced it. A pod's name,
10-244-1-5.<namespace>.pod.cluster.local, is its IP with dashes, answered
for any IP as the plugin's `pods insecure` does. A name that does not
exist is NXDOMAIN (3); a name that exists asked for another type than A
(busybox's resolver asks AAAA too) is an empty NOERROR answer.

It is a script with no import of k8slite, started as `python dnsd.py
<records.json>` in the lan's network namespace (it binds 0.0.0.0:53
there), and prints "ready" once it listens.
"""

from __future__ import annotations

import ipaddress
import json
import os
import socket
import struct
import sys

TTL = 5
A, NOERROR, NXDOMAIN = 1, 0, 3
RESPONSE, AUTHORITATIVE, RECURSION_DESIRED, RECURSION_AVAILABLE = 0x8000, 0x0400, 0x0100, 0x0080
POD_SUFFIX = ".pod.cluster.local"


def read_name(message: bytes, offset: int) -> tuple[str, int]:
    """The question's name and the offset after it (queries carry no compression pointers)."""
    labels = []
    while message[offset]:
        length = message[offset]
        labels.append(message[offset + 1:offset + 1 + length].decode("ascii", errors="replace"))
        offset += 1 + length
    return ".".join(labels), offset + 1


def lookup(records: dict[str, list[str]], fqdn: str) -> list[str] | None:
    """The addresses of `fqdn`; None when the name does not exist."""
    if fqdn in records:
        return records[fqdn]
    labels = fqdn[: -len(POD_SUFFIX)].split(".") if fqdn.endswith(POD_SUFFIX) else []
    if len(labels) == 2:  # <ip with dashes>.<namespace>
        try:
            return [str(ipaddress.IPv4Address(labels[0].replace("-", ".")))]
        except ValueError:
            return None
    return None


def answer(query: bytes, records: dict[str, list[str]]) -> bytes:
    """The response to one query."""
    ident, flags = struct.unpack("!HH", query[:4])
    name, end = read_name(query, 12)
    qtype = struct.unpack("!H", query[end:end + 2])[0]
    found = lookup(records, name.lower())
    addresses = found if found is not None and qtype == A else []
    flags = RESPONSE | AUTHORITATIVE | (flags & RECURSION_DESIRED) | RECURSION_AVAILABLE
    header = struct.pack("!HHHHHH", ident, flags | (NXDOMAIN if found is None else NOERROR), 1, len(addresses), 0, 0)
    rrs = [struct.pack("!HHHIH", 0xC00C, A, 1, TTL, 4) + socket.inet_aton(ip) for ip in addresses]
    return header + query[12:end + 4] + b"".join(rrs)


def serve(path: str) -> None:
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind(("0.0.0.0", 53))
    print("ready", flush=True)
    records: dict[str, list[str]] = {}
    seen = 0
    while True:
        query, client = server.recvfrom(512)
        changed = os.stat(path).st_mtime_ns if os.path.exists(path) else 0
        if changed != seen:
            with open(path) as f:
                records, seen = json.load(f), changed
        try:
            server.sendto(answer(query, records), client)
        except (struct.error, IndexError):
            continue  # not a DNS query: no answer


if __name__ == "__main__":
    serve(sys.argv[1])
