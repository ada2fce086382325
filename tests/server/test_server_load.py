"""The API server under load, scaled down from benchmarks/server_load.py (50 watchers, 20 writers, 60 s there).

Writers create, update and delete ConfigMaps over HTTPS while watchers follow the namespace; every request
must be answered, every watcher must see every write once and in order, and bad requests (malformed JSON,
an unknown resource, a body over 3 MiB) get their Status and store nothing."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

SPEC = importlib.util.spec_from_file_location(
    "server_load", Path(__file__).resolve().parents[2] / "benchmarks" / "server_load.py")
assert SPEC and SPEC.loader
server_load = sys.modules["server_load"] = importlib.util.module_from_spec(SPEC)  # dataclasses look it up there
SPEC.loader.exec_module(server_load)


def test_watchers_see_every_write_of_concurrent_clients_and_bad_requests_get_a_status() -> None:
    report = server_load.run_load(watchers=10, writers=4, seconds=3.0)
    assert report.writes > 0
    assert server_load.problems(report) == []
    assert report.bad_requests == {"malformed JSON": (400, "BadRequest"), "unknown resource": (404, "NotFound"),
                                   "over 3 MiB": (413, "RequestEntityTooLarge")}
