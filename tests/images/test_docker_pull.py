"""The real `docker pull` against k8slite's registry: Docker treats 127.0.0.0/8 as an insecure
registry it may use over HTTP, asks for the manifest, then fetches the config and layers."""

from __future__ import annotations

import subprocess

import pytest

from k8slite.images import ImageLayout, load
from k8slite.registry_server import RegistryClient, RegistryServer
from k8slite.registry_server.cli import main as registry_main


@pytest.mark.docker
def test_docker_pulls_an_image_built_and_pushed_by_k8slite(hello: ImageLayout) -> None:
    image = load(hello, "hello")
    with RegistryServer() as registry:
        RegistryClient(registry.url).push(hello, "hello", "k8slite-test/hello", "1.0")
        reference = f"{registry.address}/k8slite-test/hello:1.0"
        try:
            pulled = subprocess.run(["docker", "pull", reference], capture_output=True, text=True, timeout=120)
            assert pulled.returncode == 0, pulled.stderr
            # docker pull's last lines: "Digest: sha256:..." and "Status: Downloaded newer image for ..."
            assert f"Digest: {image.digest}" in pulled.stdout
            inspect = subprocess.run(["docker", "image", "inspect", "-f", "{{.Id}} {{json .Config.Cmd}}", reference],
                                     capture_output=True, text=True, timeout=30)
            assert inspect.stdout.split() == [image.id, '["cat","/app/greeting"]']  # Docker's image ID: config digest
        finally:
            subprocess.run(["docker", "rmi", "-f", reference], capture_output=True, timeout=60)
        assert ("GET", "/v2/", 200) in [(m, p, s) for m, p, s in registry.requests]


def test_k8slite_registry_on_a_port_in_use_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    with RegistryServer() as registry:
        port = registry.address.rpartition(":")[2]
        assert registry_main(["--port", port]) == 1
    # Go's net.Listen error, as registry:2 prints it for a busy port
    assert f"listen tcp 127.0.0.1:{port}: bind: address already in use" in capsys.readouterr().out
