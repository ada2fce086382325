"""The Linux runtime's tests need root and runc: they skip without them, and fail under
K8SLITE_REQUIRE_DOCKER=1 (CI, where real containers must run). One host per test module keeps the
directory fast; each host must leave nothing behind when closed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from linux_builders import need_linux

from k8slite.runtime.linux.cleanup import leftovers
from k8slite.runtime.linux.host import LinuxHost


@pytest.fixture(scope="module")
def host() -> Iterator[LinuxHost]:
    need_linux()
    made = LinuxHost("runc")
    yield made
    made.close()
    assert leftovers(made.root) == []
