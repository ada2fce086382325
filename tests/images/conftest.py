"""The registry every client test runs against, twice: once k8slite's own registry, once
Debian's docker-registry (the reference implementation, distribution). Without the
binary the second run skips, or fails under K8SLITE_REQUIRE_DOCKER=1 (CI installs it)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from builders import skip_unless_required
from image_builders import HELLO
from registries import BINARY, debian_registry, k8slite_registry

from k8slite.images import Builder, ImageLayout, ensure_busybox


@pytest.fixture(scope="session", params=["k8slite", "docker-registry"])
def registry_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a running registry ("http://127.0.0.1:<port>"), one of the two servers."""
    if request.param == "k8slite":
        with k8slite_registry() as url:
            yield url
        return
    if shutil.which(BINARY) is None:
        skip_unless_required(f"{BINARY} is not installed (apt-get install docker-registry)",
                             "K8SLITE_REQUIRE_DOCKER")
    with debian_registry(tmp_path_factory.mktemp("docker-registry")) as url:
        yield url


@pytest.fixture
def layout(tmp_path: Path) -> ImageLayout:
    """An image layout with busybox:latest in it."""
    images = ImageLayout(tmp_path / "images")
    ensure_busybox(images)
    return images


@pytest.fixture
def hello(layout: ImageLayout) -> ImageLayout:
    """The layout with hello:latest built in it (busybox + one RUN layer)."""
    Builder(layout).build(HELLO, tag="hello")
    return layout
