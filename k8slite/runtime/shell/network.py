"""The network programs of k8slite's fake containers: the clients wget, curl and nslookup,
and the servers busybox httpd, Apache httpd, nginx, goproxy and the Kubernetes tutorials'
hello-go-gke, hello-app and kubernetes-bootcamp (Redis is in redis.py; agnhost in agnhost.py);
they leave out TCP itself, HTTP headers, methods other than GET, redirects, TLS, access logs and
curl's progress meter.

A server is a program that registers a *handler* for a port of its pod with
``ctx.listen(port, handler)``, then blocks forever (it yields ``math.inf``). A handler
takes the path of a GET request and returns (status code, body); the file servers
read the container's filesystem at request time, so a file another container writes
into a shared volume is served at once. A client calls ``ctx.http_get(host, port,
path)``, which the fake runtime routes to the handler of the pod behind that address.
"""

from __future__ import annotations

import http
import ipaddress
import math
import re
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from k8slite.runtime.filesystem import normpath
from k8slite.runtime.shell.commands import Program, Stdio, abspath, instant, options
from k8slite.runtime.shell.system import EPOCH, now

if TYPE_CHECKING:
    from k8slite.runtime.shell.interp import ProcessContext

Handler = Callable[[str], "tuple[int, str]"]

NGINX_404 = ("<html>\n<head><title>404 Not Found</title></head>\n<body>\n"
             "<center><h1>404 Not Found</h1></center>\n<hr><center>nginx</center>\n"
             "</body>\n</html>\n")
BUSYBOX_404 = ("<HTML><HEAD><TITLE>404 Not Found</TITLE></HEAD>\n"
               "<BODY><H1>404 Not Found</H1>\nThe requested URL was not found\n</BODY></HTML>\n")


def file_server(ctx: ProcessContext, root: str, not_found: str) -> Handler:
    """A handler that serves the files under ``root`` (a directory gives its index.html)."""

    def handle(path: str) -> tuple[int, str]:
        full = normpath(f"{root}/{path.split('?')[0]}")
        if ctx.fs.is_dir(full):
            full += "/index.html"
        try:
            return 200, ctx.fs.read(full)
        except OSError:
            return 404, not_found

    return handle


def serve(ctx: ProcessContext, port: int, handler: Handler, foreground: bool = True,
          io: Stdio | None = None, name: str = "httpd", ready: str = "", ready_out: bool = False,
          busy: str = "") -> Program:
    """Listen on ``port``; in the foreground, block forever as a server does.

    The containers of a pod share one network namespace, so a port another
    container already holds cannot be bound: the server says so and exits 1.
    """
    if ctx.listen is not None:
        try:
            ctx.listen(port, handler)
        except OSError:
            if io is not None:
                io.err(busy or bind_error(name, port))
            return 1
    if ready and io is not None:
        (io.out if ready_out else io.err)(ready)
    if foreground:
        yield math.inf
    return 0


def bind_error(name: str, port: int) -> str:
    """What each server prints when its port is taken, in its own words."""
    if name == "nginx":
        return f"nginx: [emerg] bind() to 0.0.0.0:{port} failed (98: Address already in use)\n"
    if name == "apache":
        return f"(98)Address already in use: AH00072: make_sock: could not bind to address 0.0.0.0:{port}\n"
    return f"{name}: bind: Address in use\n"


def busybox_httpd(argv: list[str], ctx: ProcessContext, io: Stdio) -> Program:
    """``httpd -f -p 8080 -h /www``; without -f it "daemonizes": listens and returns 0."""
    args, foreground, port, home = argv[1:], False, "80", "/var/www"
    while args:
        arg = args.pop(0)
        if arg in ("-p", "-h") and args:
            value = args.pop(0)
            port, home = (value, home) if arg == "-p" else (port, value)
        foreground = foreground or (arg.startswith("-") and "f" in arg and arg not in ("-p", "-h"))
    handler = file_server(ctx, abspath(ctx, home), BUSYBOX_404)
    return (yield from serve(ctx, int(port.rpartition(":")[2]), handler, foreground, io, "httpd"))


def apache_httpd(argv: list[str], ctx: ProcessContext, io: Stdio) -> Program:
    """The httpd image's ``httpd-foreground``: Apache serving htdocs on port 80."""
    handler = file_server(ctx, "/usr/local/apache2/htdocs", "<h1>Not Found</h1>\n")
    ready = "AH00489: Apache/2.4 (Unix) configured -- resuming normal operations\n"
    return (yield from serve(ctx, 80, handler, True, io, "apache", ready))


def nginx(argv: list[str], ctx: ProcessContext, io: Stdio) -> Program:
    """nginx serving /usr/share/nginx/html on port 80 (``-g 'daemon off;'``: foreground)."""
    if "-v" in argv or "-t" in argv:
        io.err("nginx version: nginx/1.25.3\n")
        return 0
    foreground = "daemon off" in " ".join(argv[1:])
    handler = file_server(ctx, "/usr/share/nginx/html", NGINX_404)
    return (yield from serve(ctx, 80, handler, foreground, io, "nginx"))


def hello(argv: list[str], ctx: ProcessContext, io: Stdio) -> Program:
    """gcr.io/google-samples/hello-go-gke, the backend of "Connect a Frontend to a Backend"."""
    return (yield from serve(ctx, 80, lambda path: (200, '{"message":"Hello"}'), True, io, "hello"))


def node(argv: list[str], ctx: ProcessContext, io: Stdio) -> Program:
    """Node.js, for the one script k8slite can run: the Kubernetes Basics tutorial's server.js (port 8080,
    `Hello Kubernetes bootcamp! | Running on: <pod> | v=1`, a log line per request)."""
    if argv[1:2] in (["-v"], ["--version"]):
        io.out("v6.3.1\n")
        return 0
    path = abspath(ctx, argv[1]) if len(argv) > 1 else ""
    try:
        source = ctx.fs.read(path) if path else ""
    except OSError:
        io.err(f"module.js:442\n    throw err;\n    ^\n\nError: Cannot find module '{path}'\n")
        return 1
    version = re.search(r'response\.end\(" \| v=(\d+)', source)
    if version is None:
        io.err("k8slite's node runs only the Kubernetes Basics tutorial's server.js\n")
        return 1
    start, host, requests = now(ctx), ctx.hostname, [0]

    def handle(path: str) -> tuple[int, str]:
        requests[0] += 1
        at = now(ctx)
        io.out(f"Running On: {host} | Total Requests: {requests[0]} | App Uptime: {js_number(at - start)} seconds"
               f" | Log Time: {js_date(at)}\n")
        return 200, f"Hello Kubernetes bootcamp! | Running on: {host} | v={version.group(1)}\n"

    ready = f"Kubernetes Bootcamp App Started At: {js_date(start)} | Running On:  {host} \n\n"
    busy = "events.js:160\n      throw er; // Unhandled 'error' event\n      ^\n\nError: listen EADDRINUSE :::8080\n"
    return (yield from serve(ctx, 8080, handle, True, io, "node", ready, ready_out=True, busy=busy))


def js_date(seconds: float) -> str:
    """How console.log prints a Date: ISO 8601 with milliseconds, UTC."""
    moment = EPOCH + timedelta(milliseconds=round(seconds * 1000))
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


def js_number(seconds: float) -> str:
    """A JavaScript number of milliseconds / 1000, as console.log prints it (120.034, 5)."""
    value = round(seconds * 1000) / 1000
    return str(int(value)) if value.is_integer() else repr(value)


def hello_app(argv: list[str], ctx: ProcessContext, io: Stdio) -> Program:
    """gcr.io/google-samples/hello-app (GKE's and the docs' Exposing an External IP Address): on $PORT or
    8080, `Hello, world!`, its version and the pod's name; Go's log lines for its start and each request."""
    version = ctx.fs.read("/hello-app").strip() if ctx.fs.exists("/hello-app") else "Version: 1.0.0"
    port = int(ctx.env.get("PORT", "8080") or 8080)

    def log(message: str) -> None:
        io.err(f"{EPOCH + timedelta(seconds=now(ctx)):%Y/%m/%d %H:%M:%S} {message}\n")

    def handle(path: str) -> tuple[int, str]:
        log(f"Serving request: {path.partition('?')[0]}")
        return 200, f"Hello, world!\n{version}\nHostname: {ctx.hostname}\n"

    log(f"Server listening on port {port}")
    return (yield from serve(ctx, port, handle, True, io, "hello-app"))


def goproxy(argv: list[str], ctx: ProcessContext, io: Stdio) -> Program:
    """registry.k8s.io/goproxy (elazarl/goproxy on 8080), the docs' tcpSocket probe example: it answers a
    request that is not a proxy request with an error."""
    refusal = (500, "This is a proxy server. Does not respond to non-proxy requests.\n")
    return (yield from serve(ctx, 8080, lambda path: refusal, True, io, "goproxy"))


def pause(argv: list[str], ctx: ProcessContext, io: Stdio) -> Program:
    """The pause container: holds the pod's namespaces and does nothing, forever."""
    yield math.inf
    return 0


def fluentd(argv: list[str], ctx: ProcessContext, io: Stdio) -> Program:
    """quay.io/fluentd_elasticsearch/fluentd, the docs' DaemonSet example: a log collector that would tail
    the node's /var/log and ship it to Elasticsearch; here it runs, quietly, until it is stopped."""
    yield math.inf
    return 0


def parse_url(url: str) -> tuple[str, int, str]:
    """"http://web:8080/x" -> ("web", 8080, "/x"); localhost names become "localhost"."""
    scheme, _, rest = url.rpartition("://")
    hostport, slash, path = rest.partition("/")
    host, _, port = hostport.partition(":")
    default = 443 if scheme == "https" else 80
    host = "localhost" if host in ("localhost", "127.0.0.1") else host
    return host, int(port) if port else default, slash + path or "/"


WGET_VALUES = frozenset("OTUYoP")  # busybox wget's options that take a value: the rest of the word, or the next


def url_options(args: list[str], values: frozenset[str] = WGET_VALUES,
                long_values: frozenset[str] = frozenset()) -> tuple[dict[str, str], str]:
    """A client's options ("-qO-", "-O -", "-T 2", "--spider", "--output f" ...) and the URL; `values`: the
    letters that take a value, `long_values`: the long options that take the next word without `=`."""
    found: dict[str, str] = {}
    url, rest = "", list(args)
    while rest:
        arg = rest.pop(0)
        if arg.startswith("--"):
            name, eq, value = arg[2:].partition("=")
            found[name] = value if eq or name not in long_values else (rest.pop(0) if rest else "")
        elif arg.startswith("-") and len(arg) > 1:
            for i, letter in enumerate(arg[1:], 1):
                if letter in values:  # the rest of the word, or the next word
                    found[letter] = arg[i + 1:] or (rest.pop(0) if rest else "")
                    break
                found[letter] = ""
        else:
            url = arg
    return found, url


@instant
def wget(argv: list[str], ctx: ProcessContext, io: Stdio) -> int:
    found, url = url_options(argv[1:])
    if not url:
        io.err("wget: missing URL\n")
        return 1
    host, port, path = parse_url(url)
    address = lookup_host(ctx, host)
    if address is None:
        io.err(f"wget: bad address '{host}'\n")
        return 1
    if "q" not in found:
        shown = f"{address}:{port}" if address != host else f"{host}:{port}"
        io.err(f"Connecting to {host if address != host else shown} ({shown})\n")
    status, body = fetch(ctx, io, "wget", address, port, path)
    if status == 0:
        return 1
    if not 200 <= status < 300:
        io.err(f"wget: server returned error: HTTP/1.1 {status} {reason(status)}\n")
        return 1
    return 0 if "spider" in found else save(ctx, io, found, path, body)


CURL_VALUES = frozenset({"o", "m", "w", "H", "X", "d", "u", "A", "e", "output", "max-time", "connect-timeout",
                         "header", "request", "data", "user", "user-agent", "write-out"})  # taking a value


@instant
def curl(argv: list[str], ctx: ProcessContext, io: Stdio) -> int:
    """curl 7.88 (Debian bookworm's) for a GET: the body on stdout, or curl's numbered error (-s hides it,
    -sS shows it again; -f makes an HTTP error one)."""
    found, url = url_options(argv[1:], CURL_VALUES, CURL_VALUES)
    silent = ("s" in found or "silent" in found) and not ("S" in found or "show-error" in found)
    if not url:
        io.err("curl: try 'curl --help' or 'curl --manual' for more information\n")
        return 2
    host, port, path = parse_url(url)
    address = lookup_host(ctx, host)
    shown = url.rpartition("://")[2].partition("/")[0].partition(":")[0]  # the host as written: curl names it
    code, error = 0, ""
    try:
        if address is None or ctx.http_get is None:
            raise LookupError(host)
        status, body = ctx.http_get(address, port, path)
    except LookupError:
        code, error = 6, f"Could not resolve host: {host}"
    except ConnectionError as refused:
        code = 28 if str(refused).endswith("timed out") else 7
        error = f"Failed to connect to {shown} port {port} after {130_000 if code == 28 else 0} ms: " + \
            ("Timeout was reached" if code == 28 else "Couldn't connect to server")
    except TimeoutError:
        code, error = 28, "Operation timed out after 300000 milliseconds with 0 bytes received"
    if not code and ("f" in found or "fail" in found) and status >= 400:
        code, error = 22, f"The requested URL returned error: {status}"
    if code:
        if not silent:
            io.err(f"curl: ({code}) {error}\n")
        return code
    target = found.get("o") or found.get("output")
    if target and target != "-":
        ctx.fs.write(abspath(ctx, target), body)
    else:
        io.out(body)
    return 0


def lookup_host(ctx: ProcessContext, host: str) -> str | None:
    """The address a client connects to: an IP as it is, a name through the pod's DNS (the first answer)."""
    if host == "localhost" or is_ipv4(host) or ctx.resolve is None:
        return host
    found = ctx.resolve(host)
    return found[0] if found else None


def reason(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""


def fetch(ctx: ProcessContext, io: Stdio, program: str, host: str, port: int, path: str
          ) -> tuple[int, str]:
    """(status, body) of a GET; status 0 after printing why nothing came back."""
    shown = "127.0.0.1" if host == "localhost" else host
    try:
        if ctx.http_get is None:
            raise ConnectionError("bad address")
        return ctx.http_get(host, port, path)
    except ConnectionError as error:
        if str(error).startswith("bad address"):
            io.err(f"{program}: bad address '{host}'\n")
        else:
            why = "Connection timed out" if str(error).endswith("timed out") else "Connection refused"
            io.err(f"{program}: can't connect to remote host ({shown}): {why}\n")
    except TimeoutError:
        io.err(f"{program}: download timed out\n")
    return 0, ""


def save(ctx: ProcessContext, io: Stdio, found: dict[str, str], path: str, body: str) -> int:
    """Write the body to stdout ("-O -") or to a file (default: the URL's last part)."""
    target = found.get("O") or path.rstrip("/").rpartition("/")[2] or "index.html"
    if target == "-":
        io.out(body)
        return 0
    try:
        ctx.fs.write(abspath(ctx, target), body)
    except OSError as error:
        io.err(f"wget: can't open '{target}': {error.strerror}\n")
        return 1
    if "q" not in found:
        io.err(f"saving to '{target}'\n'{target}' saved\n")
    return 0


def nameserver(ctx: ProcessContext) -> str:
    try:
        resolv = ctx.fs.read("/etc/resolv.conf")
    except OSError:
        return "10.96.0.10"
    servers = [line.split()[1] for line in resolv.splitlines()
               if line.startswith("nameserver") and len(line.split()) > 1]
    return servers[0] if servers else "10.96.0.10"


def is_ipv4(name: str) -> bool:
    try:
        ipaddress.IPv4Address(name)
    except ValueError:
        return False
    return True


@instant
def nslookup(argv: list[str], ctx: ProcessContext, io: Stdio) -> int:
    """busybox 1.28's nslookup, as in the Kubernetes DNS debugging page."""
    names = options(argv[1:])[1]
    if not names:
        io.err("nslookup: usage: nslookup HOST [DNS_SERVER]\n")
        return 1
    name, server = names[0], nameserver(ctx)
    addresses = [name] if is_ipv4(name) else ctx.resolve(name) if ctx.resolve else None
    io.out(f"Server:    {server}\nAddress 1: {server}\n\n")
    if not addresses:
        io.err(f"nslookup: can't resolve '{name}'\n")
        return 1
    io.out(f"Name:      {name}\n" + "".join(f"Address {i}: {a}\n" for i, a in enumerate(addresses, 1)))
    return 0
