"""The HTTP API server under load: W watchers and C writing clients for S seconds (issue 18).

Each writer is a client of its own (one HTTPS connection, the bearer token)
that creates a ConfigMap in the namespace `load`, updates it and deletes
it, over and over, for S seconds; each watcher watches that namespace's
ConfigMaps from the revision before the first write. Afterwards:

- every request was answered (no dropped connection, no 5xx);
- every watcher saw every write exactly once, in revision order (the same
  sequence of revisions for all of them, as many as the writes);
- bad requests get a Status and store nothing: a malformed JSON body (400),
  an unknown resource (404), a body over 3 MiB (413).

Prints the writes per second and the events delivered per second.

    .venv/bin/python benchmarks/server_load.py                           # 50 watchers, 20 writers, 60 s
    .venv/bin/python benchmarks/server_load.py --watchers 5 --writers 3 --seconds 3
"""

from __future__ import annotations

import os

os.environ.setdefault("K8SLITE_PROGRESS", "0")

import argparse
import http.client
import json
import ssl
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from k8slite import Cluster
from k8slite.server import Server, serve

NAMESPACE = "load"
QUIET_AFTER = 5.0  # seconds the watches stay open after the writers stop


@dataclass
class Report:
    writes: int = 0
    errors: list[str] = field(default_factory=list)
    seen: list[list[int]] = field(default_factory=list)  # per watcher: the revisions of its events, in order
    bad_requests: dict[str, tuple[int, str]] = field(default_factory=dict)  # what -> (code, reason)
    seconds: float = 0.0


def connect(server: Server, timeout: float = 30.0) -> http.client.HTTPSConnection:
    context = ssl.create_default_context(cadata=(server.directory / "apiserver.crt").read_text())
    return http.client.HTTPSConnection("127.0.0.1", server.port, context=context, timeout=timeout)


def call(connection: http.client.HTTPSConnection, server: Server, method: str, path: str,
         body: bytes | None = None) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {server.token}", "Content-Type": "application/json"}
    connection.request(method, path, body=body, headers=headers)
    answer = connection.getresponse()
    data = answer.read()
    return answer.status, json.loads(data) if data.startswith(b"{") else data


def writer(server: Server, me: int, until: float, report: Report, lock: threading.Lock) -> None:
    """Create, update, delete a ConfigMap of its own, again and again, until `until`."""
    connection, base, done, n = connect(server), f"/api/v1/namespaces/{NAMESPACE}/configmaps", 0, 0
    try:
        while time.monotonic() < until:
            name = f"w{me}-{n}"
            created = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"n": str(n)}}
            for method, path, body in (("POST", base, created), ("PUT", f"{base}/{name}", None),
                                       ("DELETE", f"{base}/{name}", None)):
                if method == "PUT":
                    body = {**created, "data": {"n": str(n), "updated": "yes"}}
                code, answer = call(connection, server, method, path, json.dumps(body).encode() if body else None)
                if code >= 300:
                    raise RuntimeError(f"{method} {path}: {code} {answer}")
                done += 1
            n += 1
    except Exception as e:  # noqa: BLE001  (every failure is reported, none may pass silently)
        with lock:
            report.errors.append(f"writer {me}: {e!r}")
    finally:
        connection.close()
        with lock:
            report.writes += done


def watcher(server: Server, since: int, timeout: float, report: Report, slot: int) -> None:
    """Read the watch stream from `since` to its end (the server closes it after `timeout` seconds: its
    timeoutSeconds), noting each event's revision."""
    connection = connect(server, timeout=timeout + 30)
    try:
        connection.request("GET", f"/api/v1/namespaces/{NAMESPACE}/configmaps?watch=1&resourceVersion={since}"
                                  f"&timeoutSeconds={timeout:.0f}",
                           headers={"Authorization": f"Bearer {server.token}"})
        stream = connection.getresponse()
        while line := stream.readline():
            report.seen[slot].append(int(json.loads(line)["object"]["metadata"]["resourceVersion"]))
    except Exception as e:  # noqa: BLE001
        report.errors.append(f"watcher {slot}: {e!r}")
    finally:
        connection.close()


def bad_requests(server: Server, report: Report) -> None:
    """A malformed body, an unknown resource and a body over 3 MiB: each a Status, nothing stored."""
    base = f"/api/v1/namespaces/{NAMESPACE}/configmaps"
    huge = json.dumps({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "huge"},
                       "data": {"x": "y" * (4 * 1024 * 1024)}}).encode()
    for what, path, body in (("malformed JSON", base, b'{"apiVersion": "v1", "kind": '),
                             ("unknown resource", f"/api/v1/namespaces/{NAMESPACE}/flumps", b"{}"),
                             ("over 3 MiB", base, huge)):
        connection = connect(server)
        try:
            code, answer = call(connection, server, "POST", path, body)
            report.bad_requests[what] = (code, answer.get("reason", "") if isinstance(answer, dict) else "")
        finally:
            connection.close()


def run_load(watchers: int, writers: int, seconds: float) -> Report:
    cluster = Cluster(nodes=1, controllers=False)
    cluster.kubectl(f"create namespace {NAMESPACE}")
    report, lock = Report(seen=[[] for _ in range(watchers)]), threading.Lock()
    with serve(cluster) as server:
        since = cluster.api.store.revision
        watch_for = seconds + QUIET_AFTER  # the streams end on their own, after every write has been sent
        watching = [threading.Thread(target=watcher, args=(server, since, watch_for, report, i))
                    for i in range(watchers)]
        for t in watching:
            t.start()
        start = time.monotonic()
        writing = [threading.Thread(target=writer, args=(server, i, start + seconds, report, lock))
                   for i in range(writers)]
        for t in writing:
            t.start()
        for t in writing:
            t.join()
        report.seconds = time.monotonic() - start
        for t in watching:
            t.join()
        bad_requests(server, report)
        with server.lock:
            report.errors += [f"stored after a bad request: {o.name}" for o in cluster.api.list("configmaps", NAMESPACE)
                              if o.name == "huge" or not o.name.startswith(("w", "kube-root-ca.crt"))]
    cluster.close()
    return report


def problems(report: Report) -> list[str]:
    """What went wrong (empty when nothing did)."""
    found = list(report.errors)
    for i, revisions in enumerate(report.seen):
        if len(revisions) != report.writes or revisions != sorted(set(revisions)):
            found.append(f"watcher {i} saw {len(revisions)} events for {report.writes} writes")
    if report.seen and any(s != report.seen[0] for s in report.seen):
        found.append("the watchers did not all see the same events")
    wanted = {"malformed JSON": (400, "BadRequest"), "unknown resource": (404, "NotFound"),
              "over 3 MiB": (413, "RequestEntityTooLarge")}
    found += [f"{what}: {report.bad_requests.get(what)} instead of {code}" for what, code in wanted.items()
              if report.bad_requests.get(what) != code]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--watchers", type=int, default=50)
    parser.add_argument("--writers", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    report = run_load(args.watchers, args.writers, args.seconds)
    events = sum(len(s) for s in report.seen)
    print(f"{args.watchers} watchers, {args.writers} writers, {report.seconds:.0f} s: {report.writes:,} writes "
          f"({report.writes / report.seconds:,.0f}/s), {events:,} events delivered ({events / report.seconds:,.0f}/s)")
    wrong = problems(report)
    print("every request answered, no event lost, bad requests refused" if not wrong else "\n".join(wrong))
    raise SystemExit(1 if wrong else 0)


if __name__ == "__main__":
    main()
