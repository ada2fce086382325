"""The OCI image layout on disk (image-spec image-layout.md) and the digest chain
manifest -> config -> layers (image-spec manifest.md, config.md)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from image_builders import HELLO

from k8slite.images import CONFIG, LAYER, MANIFEST, Builder, ImageLayout, ensure_busybox, load, sha256_digest


def test_a_layout_has_oci_layout_index_and_blobs_named_by_their_sha256(hello: ImageLayout) -> None:
    root = hello.root
    # image-spec image-layout.md: "imageLayoutVersion": "1.0.0"; blobs/<alg>/<encoded>
    assert json.loads((root / "oci-layout").read_text()) == {"imageLayoutVersion": "1.0.0"}
    for blob in (root / "blobs" / "sha256").iterdir():
        assert hashlib.sha256(blob.read_bytes()).hexdigest() == blob.name
    index = json.loads((root / "index.json").read_text())
    names = [m["annotations"]["org.opencontainers.image.ref.name"] for m in index["manifests"]]
    assert names == ["busybox:latest", "hello:latest"]


def test_the_manifest_points_at_the_config_and_layers_by_digest(hello: ImageLayout) -> None:
    manifest = json.loads(hello.get_blob(hello.resolve("hello").digest))
    assert manifest["schemaVersion"] == 2 and manifest["mediaType"] == MANIFEST
    assert manifest["config"]["mediaType"] == CONFIG
    assert [layer["mediaType"] for layer in manifest["layers"]] == [LAYER, LAYER]  # busybox's layer + the RUN's
    for descriptor in [manifest["config"], *manifest["layers"]]:
        data = hello.get_blob(descriptor["digest"])
        assert (sha256_digest(data), len(data)) == (descriptor["digest"], descriptor["size"])


def test_the_config_has_the_container_config_diff_ids_and_history(hello: ImageLayout) -> None:
    manifest = json.loads(hello.get_blob(hello.resolve("hello:latest").digest))
    config = json.loads(hello.get_blob(manifest["config"]["digest"]))
    assert (config["architecture"], config["os"]) == ("amd64", "linux")
    assert config["config"]["Cmd"] == ["cat", "/app/greeting"]
    assert config["config"]["Env"] == ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]
    assert config["rootfs"]["type"] == "layers" and len(config["rootfs"]["diff_ids"]) == 2
    assert [h.get("empty_layer", False) for h in config["history"]] == [False, False, True]  # CMD makes no layer


def test_a_changed_blob_is_caught_by_its_digest(hello: ImageLayout) -> None:
    manifest = json.loads(hello.get_blob(hello.resolve("hello").digest))
    path: Path = hello.blob_path(manifest["layers"][-1]["digest"])
    path.write_bytes(path.read_bytes() + b"tampered")
    with pytest.raises(ValueError, match="content does not match its digest"):
        load(hello, "hello")


def test_one_dockerfile_gives_one_digest_every_time(tmp_path: Path, hello: ImageLayout) -> None:
    # deterministic layers (mtime 0, sorted entries, gzip mtime 0): a second layout, a second build, same digest
    other = ImageLayout(tmp_path / "other")
    ensure_busybox(other)
    assert Builder(other).build(HELLO).image.digest == load(hello, "hello").digest


def test_an_unknown_reference_is_a_key_error(layout: ImageLayout) -> None:
    with pytest.raises(KeyError):
        layout.resolve("nothere:1.0")
