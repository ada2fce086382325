"""redis-server and redis-cli in k8slite's fake containers: enough Redis for the Kubernetes
docs' guestbook (a leader, a replica that copies it, a front end that reads a list).

What it mirrors:
- the commands PING, SET, GET, RPUSH, LRANGE, DEL and INFO replication, with Redis' replies
  and errors (``WRONGTYPE ...``, ``READONLY You can't write against a read only replica.``);
- redis-cli's output when stdout is not a terminal (``kubectl exec`` without ``-t``, a script):
  the raw reply, ``OK``, ``PONG``, ``1`` for an integer, a list one value a line, an empty line for
  nil, an error's text with exit code 0 (1 with ``-e``); ``(integer) 1`` and ``1) "a"`` are what a
  person at a terminal sees, not what a script reads;
- persistence: with ``--appendonly yes`` every write is appended to ``appendonly.aof`` in the
  server's working directory (``/data`` in the redis image), in the protocol's own text (RESP),
  and a server that starts where that file exists replays it. So a server restarted on the same
  PersistentVolume has its data back; one on an emptyDir starts empty;
- ``--replicaof HOST PORT`` (or ``--slaveof``): the server copies the leader's data and refuses
  writes.

What it simplifies (say so when teaching with it):
- no TCP: redis-cli sends its command, encoded as RESP, as the "path" of the fake network's
  request (runtime/fake.py), and gets the RESP reply as the body;
- replication is a full copy of the leader every second (the replica's own ``SYNC``), where
  Redis streams every write to its replicas as it happens;
- no RDB snapshots: without ``--appendonly yes`` nothing is written, even at shutdown (real
  Redis also saves ``dump.rdb`` now and then and when it is stopped with SIGTERM); Redis 7 keeps
  its AOF as several files in ``appendonlydir/``, k8slite as the one ``appendonly.aof`` of Redis 6;
- no expiry, no other data types, no AUTH, no databases but 0.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from k8slite.runtime.shell.commands import Program, Stdio, abspath, instant
from k8slite.runtime.shell.network import fetch, lookup_host, serve

if TYPE_CHECKING:
    from k8slite.runtime.shell.interp import ProcessContext

Value = str | list[str]
WRITES = {"SET", "RPUSH", "DEL"}
READONLY = "-READONLY You can't write against a read only replica.\r\n"
WRONGTYPE = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
SYNC_PERIOD = 1.0  # seconds between a replica's copies of its leader


# ---------------------------------------------------------------- the protocol (RESP)

def encode_command(args: list[str]) -> str:
    """["RPUSH", "guestbook", "hi"] -> "*3\\r\\n$5\\r\\nRPUSH\\r\\n..." (what redis-cli sends)."""
    return f"*{len(args)}\r\n" + "".join(bulk(a) for a in args)


def bulk(value: str | None) -> str:
    return "$-1\r\n" if value is None else f"${len(value.encode())}\r\n{value}\r\n"


def decode(text: str) -> tuple[object, str]:
    """One RESP value from the front of text, and the rest: str (status or bulk), int, list, None,
    or an Exception for an error reply."""
    kind, line, rest = text[0], *text[1:].split("\r\n", 1)
    if kind == "+":
        return line, rest
    if kind == "-":
        return RuntimeError(line), rest
    if kind == ":":
        return int(line), rest
    if kind == "$":
        size = int(line)
        if size < 0:
            return None, rest
        data = rest.encode()[:size].decode()
        return data, rest[len(data) + 2:]
    items: list[object] = []
    for _ in range(int(line)):
        item, rest = decode(rest)
        items.append(item)
    return items, rest


def decode_commands(text: str) -> list[list[str]]:
    """Every command of an AOF file (or a SYNC payload), in order."""
    commands = []
    while text.startswith("*"):
        command, text = decode(text)
        assert isinstance(command, list)
        commands.append([str(a) for a in command])
    return commands


# ---------------------------------------------------------------- the server's key space

def execute(keys: dict[str, Value], args: list[str]) -> str:
    """Run one command on the key space; the RESP reply."""
    name, rest = args[0].upper(), args[1:]
    if name == "PING":
        return "+PONG\r\n"
    if name == "SET" and len(rest) == 2:
        keys[rest[0]] = rest[1]
        return "+OK\r\n"
    if name == "GET" and len(rest) == 1:
        value = keys.get(rest[0])
        return WRONGTYPE if isinstance(value, list) else bulk(value)
    if name == "RPUSH" and len(rest) >= 2:
        found = keys.get(rest[0], [])
        if not isinstance(found, list):
            return WRONGTYPE
        keys[rest[0]] = found + rest[1:]
        return f":{len(keys[rest[0]])}\r\n"
    if name == "LRANGE" and len(rest) == 3:
        return lrange(keys.get(rest[0], []), rest[1], rest[2])
    if name == "DEL" and rest:
        gone = [k for k in rest if keys.pop(k, None) is not None]
        return f":{len(gone)}\r\n"
    if name in ("SET", "GET", "RPUSH", "LRANGE", "DEL"):
        return f"-ERR wrong number of arguments for '{name.lower()}' command\r\n"
    shown = " ".join(f"'{a}'" for a in rest)
    return f"-ERR unknown command '{args[0]}', with args beginning with: {shown}\r\n"


def lrange(value: Value, start: str, stop: str) -> str:
    """LRANGE's indexes: inclusive, negative ones count from the end (0 -1 is the whole list)."""
    if not isinstance(value, list):
        return WRONGTYPE
    try:
        first, last = int(start), int(stop)
    except ValueError:
        return "-ERR value is not an integer or out of range\r\n"
    first, last = (first + len(value) if first < 0 else first), (last + len(value) if last < 0 else last)
    chosen = value[max(first, 0):last + 1]
    return f"*{len(chosen)}\r\n" + "".join(bulk(v) for v in chosen)


def rewrite(keys: dict[str, Value]) -> str:
    """The key space as the commands that rebuild it (an AOF rewrite; also the SYNC payload)."""
    commands = []
    for key in sorted(keys):
        value = keys[key]
        commands.append(encode_command(["RPUSH", key, *value] if isinstance(value, list) else ["SET", key, value]))
    return "".join(commands)


def replay(text: str) -> dict[str, Value]:
    keys: dict[str, Value] = {}
    for command in decode_commands(text):
        execute(keys, command)
    return keys


# ---------------------------------------------------------------- redis-server

def server_options(argv: list[str]) -> dict[str, list[str]]:
    """``redis-server [--port 6379] [--appendonly yes] [--replicaof HOST PORT]`` as {name: values}."""
    found: dict[str, list[str]] = {}
    args = argv[1:]
    while args:
        name = args.pop(0).removeprefix("--")
        values = []
        while args and not args[0].startswith("--"):
            values.append(args.pop(0))
        found["replicaof" if name == "slaveof" else name] = values
    return found


class RedisServer:
    """One server's key space, its AOF in its working directory, and who it copies."""

    def __init__(self, ctx: ProcessContext, options: dict[str, list[str]]) -> None:
        self.ctx = ctx
        self.aof = abspath(ctx, "appendonly.aof") if options.get("appendonly") == ["yes"] else ""
        self.leader = options.get("replicaof", [])
        self.link_up = False
        self.replicas: dict[str, float] = {}  # replica name -> when it last copied us
        self.keys = replay(ctx.fs.read(self.aof)) if self.aof and ctx.fs.exists(self.aof) else {}

    def handle(self, path: str) -> tuple[int, str]:
        """A request from the fake network: a RESP command in, a RESP reply out."""
        if not path.startswith("*"):
            return 400, "-ERR unknown command 'GET'\r\n"  # an HTTP client knocking on Redis' port
        args = decode_commands(path)[0]
        name = args[0].upper()
        if name == "SYNC":
            self.replicas[args[1] if len(args) > 1 else "?"] = self.now()
            return 200, bulk(rewrite(self.keys))
        if name == "INFO":
            return 200, bulk(self.info())
        if name in WRITES and self.leader:
            return 200, READONLY
        reply = execute(self.keys, args)
        if name in WRITES and not reply.startswith("-"):
            self.append(path)
        return 200, reply

    def now(self) -> float:
        return self.ctx.clock() if self.ctx.clock else 0.0

    def append(self, command: str) -> None:
        if self.aof:
            self.ctx.fs.write(self.aof, command, append=True)

    def info(self) -> str:
        if self.leader:
            status = "up" if self.link_up else "down"
            return (f"# Replication\r\nrole:slave\r\nmaster_host:{self.leader[0]}\r\n"
                    f"master_port:{self.leader[1]}\r\nmaster_link_status:{status}\r\n")
        recent = [name for name, at in sorted(self.replicas.items()) if self.now() - at <= 2 * SYNC_PERIOD]
        return f"# Replication\r\nrole:master\r\nconnected_slaves:{len(recent)}\r\n"

    def copy_leader(self) -> None:
        """One full copy of the leader (Redis' full resynchronization), or the link marked down."""
        host, port = self.leader[0], int(self.leader[1])
        reply = request(self.ctx, host, port, ["SYNC", self.ctx.hostname])
        self.link_up = isinstance(reply, str)
        if isinstance(reply, str):
            self.keys = replay(reply)
            if self.aof:
                self.ctx.fs.write(self.aof, rewrite(self.keys))


def redis_server(argv: list[str], ctx: ProcessContext, io: Stdio) -> Program:
    options = server_options(argv)
    port = int(options.get("port", ["6379"])[0])
    server = RedisServer(ctx, options)
    role = "S" if server.leader else "M"
    if server.keys:
        io.out(f"1:{role} 01 Jan 1970 00:00:00.000 * DB loaded from append only file\n")
    if server.leader:
        io.out(f"1:S 01 Jan 1970 00:00:00.000 * Connecting to MASTER {server.leader[0]}:{server.leader[1]}\n")
        return (yield from replicate(ctx, server, port, io))
    io.out(f"1:M 01 Jan 1970 00:00:00.000 * Ready to accept connections tcp (port {port})\n")
    return (yield from serve(ctx, port, server.handle, True, io, "redis-server"))


def replicate(ctx: ProcessContext, server: RedisServer, port: int, io: Stdio) -> Program:
    """A replica: listen, then copy the leader every SYNC_PERIOD seconds, forever."""
    started = yield from serve(ctx, port, server.handle, False, io, "redis-server")
    if started:
        return started
    io.out(f"1:S 01 Jan 1970 00:00:00.000 * Ready to accept connections tcp (port {port})\n")
    while True:
        server.copy_leader()
        yield SYNC_PERIOD


# ---------------------------------------------------------------- redis-cli

def request(ctx: ProcessContext, host: str, port: int, args: list[str]) -> object:
    """Send one command; its decoded reply, or a ConnectionError saying why there is none."""
    address = lookup_host(ctx, host)
    if address is None:
        return ConnectionError("Name or service not known")
    status, body = fetch(ctx, Stdio("", lambda _: None, lambda _: None), "redis-cli", address, port,
                         encode_command(args))
    if status == 0 or not body:
        return ConnectionError("Connection refused")
    return decode(body)[0]


def raw(reply: object) -> str:
    """redis-cli's cliFormatReplyRaw: what a script reads from it."""
    if reply is None:
        return ""
    if isinstance(reply, list):
        return "\n".join(raw(item) for item in reply)
    return str(reply)


@instant
def redis_cli(argv: list[str], ctx: ProcessContext, io: Stdio) -> int:
    """``redis-cli [-h HOST] [-p PORT] [-e] COMMAND ARGS...``, its output as when it is not on a terminal.

    As redis-cli 7 does: INFO's text is written as it came; other replies in raw form and a newline;
    an error reply too (its text, a newline, the newline), with exit code 0, unless ``-e`` asks for
    errors on stderr and exit code 1.
    """
    args, host, port, errcode = argv[1:], "127.0.0.1", 6379, False
    while args and (args[0] == "-e" or (len(args) > 1 and args[0] in ("-h", "-p"))):
        flag = args.pop(0)
        if flag == "-e":
            errcode = True
            continue
        value = args.pop(0)
        host, port = (value, port) if flag == "-h" else (host, int(value))
    if not args:
        io.err("k8slite: this redis-cli has no interactive mode: give it a command\n")
        return 1
    reply = request(ctx, host, port, args)
    if isinstance(reply, ConnectionError):
        io.err(f"Could not connect to Redis at {host}:{port}: {reply}\n")
        return 1
    if isinstance(reply, RuntimeError) and errcode:
        io.err(f"{reply}\n")
        return 1
    if args[0].upper() == "INFO":
        io.out(raw(reply))
    else:
        io.out(raw(reply) + ("\n" if isinstance(reply, RuntimeError) else "") + "\n")
    return 0
