"""The served cluster most tests here use: two nodes, one server per test module, kubectl's cache in its own home.

A module that needs another cluster (pods made first, one node) defines its own `server` fixture."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from k8slite import Cluster
from k8slite.server import Server, serve


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    c = Cluster(nodes=2)
    srv = serve(c)
    srv.home = tmp_path_factory.mktemp("kubectl-home")  # type: ignore[attr-defined]  # its discovery cache
    yield srv
    srv.close()
    c.close()
