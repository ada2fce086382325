"""A real etcd for the tests of k8slite.etcd_store: Debian's `etcd`, started once for the session.

It listens on 127.0.0.1 only (client and peer URLs, on free ports) and keeps
its data in a temporary directory; it is stopped after the last test. Each
test keeps its keys under a prefix of its own (`etcd_prefix`), so no test
sees another's objects. Without the `etcd` binary the tests skip, saying so;
with K8SLITE_REQUIRE_ETCD=1 (CI) they fail instead.
"""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator

import pytest
from builders import free_port, skip_unless_required

from k8slite.etcd_client import EtcdClient, EtcdError

START_TIMEOUT = 30.0  # seconds for etcd to answer


@pytest.fixture(scope="session")
def etcd_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The client URL of an etcd that runs for the whole session."""
    binary = shutil.which("etcd")
    if binary is None:
        skip_unless_required("etcd is not installed (Debian: apt-get install etcd-server)", "K8SLITE_REQUIRE_ETCD")
    directory = tmp_path_factory.mktemp("etcd")
    client, peer = f"http://127.0.0.1:{free_port()}", f"http://127.0.0.1:{free_port()}"
    command = [str(binary), "--name", "k8slite-test", "--data-dir", str(directory / "data"),
               "--listen-client-urls", client, "--advertise-client-urls", client,
               "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
               "--initial-cluster", f"k8slite-test={peer}", "--initial-cluster-state", "new"]
    with open(directory / "etcd.log", "wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for(client, process, directory / "etcd.log")
        yield client
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for(url: str, process: subprocess.Popen[bytes], log: object) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            EtcdClient(url, timeout=1.0).range("/")
            return
        except EtcdError:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"etcd did not start (exit code {process.poll()}); see {log}", pytrace=False)
            time.sleep(0.1)


@pytest.fixture
def etcd_prefix() -> str:
    """A key prefix of the test's own: what it writes, no other test reads."""
    return f"/test-{uuid.uuid4().hex[:12]}"
