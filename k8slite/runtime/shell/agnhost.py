"""agnhost, Kubernetes' own test image (registry.k8s.io/e2e-test-images/agnhost), in k8slite's fake
containers: the server of the docs' *Hello Minikube* tutorial,

    kubectl create deployment hello-node --image=registry.k8s.io/e2e-test-images/agnhost:2.39 \\
        -- /agnhost netexec --http-port=8080

What it mirrors (test/images/agnhost/netexec): `netexec` serves HTTP on --http-port (8080): `/`
answers `NOW: ` and the time as Go prints a time.Time (`2025-01-01 00:00:20 +0000 UTC
m=+10.000000000`, m= the seconds since the process started), `/hostname` the pod's name,
`/echo?msg=x` x (with `&code=` as the status), `/healthz` 200; anything else is Go's
`404 page not found`. `liveness` (the docs' http-liveness probe example) answers /healthz with
200 for its first 10 seconds and 500 after. netexec logs through klog (`I0101 00:00:10.000000
1 log.go:195] ...`): that it started its HTTP and UDP servers, then `GET /` and so on for each
request. `pause` sleeps forever. agnhost stops at once on SIGTERM (runtime/fake.py's SERVERS).
What it simplifies: the UDP server is only announced, and the other endpoints and subcommands
(`/clientip`, `/dial`, `/shell`, `serve-hostname` ...) are left out: agnhost says the subcommand is unknown.
"""

from __future__ import annotations

import math
import urllib.parse
from datetime import timedelta
from typing import TYPE_CHECKING

from k8slite.runtime.shell.commands import Program, Stdio
from k8slite.runtime.shell.network import serve
from k8slite.runtime.shell.system import EPOCH, now

if TYPE_CHECKING:
    from k8slite.runtime.shell.interp import ProcessContext

NOT_FOUND = "404 page not found\n"  # Go's http.NotFound


def agnhost(argv: list[str], ctx: ProcessContext, io: Stdio) -> Program:
    """`/agnhost <subcommand> [flags]` (the image's entrypoint is /agnhost, its CMD `pause`)."""
    sub = argv[1] if len(argv) > 1 else ""
    if sub == "netexec":
        return (yield from netexec(argv[2:], ctx, io))
    if sub == "liveness":
        return (yield from liveness(ctx, io))
    if sub == "pause":
        io.out("Paused\n")
        yield math.inf
        return 0
    io.err(f'Error: unknown command "{sub}" for "agnhost"\nRun \'agnhost --help\' for usage.\n')
    return 1


def netexec(args: list[str], ctx: ProcessContext, io: Stdio) -> Program:
    ports = {"http-port": 8080, "udp-port": 8081}
    for arg in args:
        name, _, value = arg.lstrip("-").partition("=")
        if name in ports and value.lstrip("-").isdigit():
            ports[name] = int(value)
    start = now(ctx)

    def log(message: str) -> None:
        io.err(klog_line(now(ctx), message))

    def handle(path: str) -> tuple[int, str]:
        route, _, query = path.partition("?")
        form = dict(urllib.parse.parse_qsl(query))
        if route == "/":
            log("GET /")
            return 200, f"NOW: {go_time(now(ctx), now(ctx) - start)}"
        if route in ("/hostname", "/hostName"):
            log(f"GET {route}")
            return 200, ctx.hostname
        if route == "/echo":
            log(f"GET /echo?msg={form.get('msg', '')}&code={form.get('code', '')}")
            code = form.get("code", "")
            return (int(code) if code.isdigit() else 200), form.get("msg", "")
        if route == "/healthz":
            log("GET /healthz")
            return 200, ""
        return 404, NOT_FOUND

    log(f"Started HTTP server on port {ports['http-port']}")
    if ports["udp-port"] != -1:
        log(f"Started UDP server on port  {ports['udp-port']}")  # an empty listen address before the port
    return (yield from serve(ctx, ports["http-port"], handle, True, io, "agnhost"))


def liveness(ctx: ProcessContext, io: Stdio) -> Program:
    """`agnhost liveness`, the docs' http-liveness example: /healthz is 200 `ok` for the first 10 seconds, then
    500 `error: <seconds>`; /started says how long it has run."""
    start = now(ctx)

    def handle(path: str) -> tuple[int, str]:
        elapsed = now(ctx) - start
        if path.partition("?")[0] == "/healthz":
            return (500, f"error: {go_float_text(elapsed)}") if elapsed > 10 else (200, "ok")
        if path.partition("?")[0] == "/started":
            return 200, go_duration(elapsed)
        return 404, NOT_FOUND

    return (yield from serve(ctx, 8080, handle, True, io, "agnhost"))


def go_float_text(value: float) -> str:
    """%v of a float64 of seconds (strconv's shortest form)."""
    return repr(round(value, 9)).removesuffix(".0")


def go_duration(seconds: float) -> str:
    """time.Duration's String for durations under an hour: 1m2.5s, 12.25s."""
    minutes, rest = divmod(round(seconds * 1e6) / 1e6, 60)
    text = repr(round(rest, 6)).removesuffix(".0") + "s"
    return f"{int(minutes)}m{text}" if minutes else text


def klog_line(seconds: float, message: str) -> str:
    """A line of klog's text format: severity, date, time to the microsecond, thread id, source."""
    moment = EPOCH + timedelta(microseconds=round(seconds * 1_000_000))
    return f"I{moment:%m%d %H:%M:%S}.{moment.microsecond:06d}       1 log.go:195] {message}\n"


def go_time(seconds: float, monotonic: float) -> str:
    """time.Now().String(): the date, the fraction without its trailing zeros, the zone, then m=+ the
    monotonic clock's seconds since the process started."""
    nanos = round(seconds * 1e6) * 1000  # the cluster clock's microseconds (no float noise in the digits)
    moment = EPOCH + timedelta(microseconds=nanos // 1000)
    fraction = f"{nanos % 1_000_000_000:09d}".rstrip("0")
    mono = round(monotonic * 1e6) * 1000
    return (f"{moment:%Y-%m-%d %H:%M:%S}{'.' + fraction if fraction else ''} +0000 UTC "
            f"m=+{mono // 1_000_000_000}.{mono % 1_000_000_000:09d}")
