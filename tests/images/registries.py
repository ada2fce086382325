"""The two registries the client tests run against: k8slite's own (registry_server) and
Debian's docker-registry (distribution 2.8, `apt-get install docker-registry`), started
with a config file that binds 127.0.0.1:<free port> and stores in a temporary folder."""

from __future__ import annotations

import itertools
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from builders import free_port

from k8slite.registry_server import RegistryServer

CONFIG = """version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: {root}
  delete:
    enabled: true
http:
  addr: 127.0.0.1:{port}
"""
BINARY = "docker-registry"
_names = itertools.count(1)


def unique_name(prefix: str) -> str:
    """A repository name no other test of the session uses (the registries live for the whole session)."""
    return f"k8slite-test/{prefix}-{next(_names)}"


def wait_until_up(url: str, seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url + "/v2/", timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@contextmanager
def k8slite_registry() -> Iterator[str]:
    with RegistryServer() as registry:
        yield registry.url


@contextmanager
def debian_registry(folder: Path) -> Iterator[str]:
    """docker-registry on a free port; its URL while it runs."""
    binary = shutil.which(BINARY)
    if binary is None:
        raise FileNotFoundError(f"{BINARY} is not installed (apt-get install docker-registry)")
    port = free_port()
    config = folder / "config.yml"
    config.write_text(CONFIG.format(root=folder / "storage", port=port))
    process = subprocess.Popen([binary, "serve", str(config)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        wait_until_up(f"http://127.0.0.1:{port}")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
