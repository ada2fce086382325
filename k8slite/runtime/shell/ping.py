"""busybox ping: ICMP echo, which a pod IP answers and a Service's ClusterIP does not.

A ClusterIP is only a rule in kube-proxy's tables for the Service's TCP (or
UDP) ports: no interface holds the address, so an echo request to it is
never answered, while `wget` to the same address works. ``ctx.ping(ip)``
says whether something at that address answers, and over how many routers
(the TTL drops by one per hop). One echo per second; without ``-c`` k8slite's
ping stops after 4 (a real one runs until interrupted). Simplified: fixed
round-trip time, no -s/-W/-i options.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from k8slite.runtime.shell.commands import Program, Stdio

if TYPE_CHECKING:
    from k8slite.runtime.shell.interp import ProcessContext

RTT = "0.080"


def ping(argv: list[str], ctx: ProcessContext, io: Stdio) -> Program:
    args, count, host = argv[1:], 4, ""
    while args:
        arg = args.pop(0)
        if arg == "-c" and args:
            count = int(args.pop(0))
        elif arg.startswith("-c") and arg[2:].isdigit():
            count = int(arg[2:])
        elif not arg.startswith("-"):
            host = arg
    if not host:
        io.err("BusyBox v1.35.0 multi-call binary.\n\nUsage: ping [OPTIONS] HOST\n")
        return 1
    found = [host] if ctx.resolve is None or host.replace(".", "").isdigit() else ctx.resolve(host)
    if not found:
        io.err(f"ping: bad address '{host}'\n")
        return 1
    ip = found[0]
    io.out(f"PING {host} ({ip}): 56 data bytes\n")
    ttl = ctx.ping(ip) if ctx.ping is not None else None
    for seq in range(count):
        if ttl is not None:
            io.out(f"64 bytes from {ip}: seq={seq} ttl={ttl} time={RTT} ms\n")
        if seq < count - 1:
            yield 1.0
    received = count if ttl is not None else 0
    io.out(f"\n--- {host} ping statistics ---\n{count} packets transmitted, {received} packets received, "
           f"{100 - 100 * received // count}% packet loss\n")
    if received:
        io.out(f"round-trip min/avg/max = {RTT}/{RTT}/{RTT} ms\n")
    return 0 if received else 1
