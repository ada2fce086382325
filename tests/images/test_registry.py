"""The client against both registries (k8slite's and Debian's docker-registry): push with
HEAD-skip, monolithic and chunked uploads, pull, catalog, tags, and the spec's error codes
(OCI distribution-spec spec.md, "Error Codes"; distribution registry/api/v2/errors.go)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from registries import unique_name

from k8slite.images import ImageLayout, load
from k8slite.registry_server import RegistryClient, RegistryError, RegistryUnavailable


def test_the_api_is_there(registry_url: str) -> None:
    client = RegistryClient(registry_url)
    assert client.ping()
    assert client.trace == [("GET", "/v2/", 200)]


def test_push_uploads_each_blob_then_the_manifest_and_skips_blobs_it_has(registry_url: str,
                                                                          hello: ImageLayout) -> None:
    client, name = RegistryClient(registry_url), unique_name("hello")
    digest = client.push(hello, "hello", name, "1.0")
    assert digest == load(hello, "hello").digest  # the registry's Docker-Content-Digest: the manifest's sha256
    methods = [method for method, _, _ in client.trace]
    assert methods == ["HEAD", "POST", "PUT"] * 3 + ["PUT"]  # two layers and the config, then the manifest
    client.trace.clear()
    client.push(hello, "hello", name, "1.1")
    assert client.trace[:3] == [("HEAD", f"/v2/{name}/blobs/{d}", 200) for d in blob_digests(hello)]
    assert [method for method, _, _ in client.trace] == ["HEAD"] * 3 + ["PUT"]
    assert sorted(client.tags(name)) == ["1.0", "1.1"] and name in client.catalog()  # docker-registry: unsorted


def test_a_chunked_upload_patches_then_puts(registry_url: str, hello: ImageLayout) -> None:
    client, name = RegistryClient(registry_url, chunk_size=64), unique_name("chunked")
    client.push(hello, "hello", name, "v1")
    assert ("PATCH", 202) in {(method, status) for method, _, status in client.trace}
    pulled = client.pull(name, "v1", ImageLayout(Path(hello.root).parent / "pulled"))
    assert pulled.digest == load(hello, "hello").digest


def test_pull_by_tag_and_by_digest_gives_the_same_image(registry_url: str, hello: ImageLayout,
                                                         tmp_path: Path) -> None:
    client, name = RegistryClient(registry_url), unique_name("pull")
    digest = client.push(hello, "hello", name, "latest")
    by_tag = client.pull(name, "latest", ImageLayout(tmp_path / "a"))
    by_digest = client.pull(name, digest, ImageLayout(tmp_path / "b"))
    assert by_tag.digest == by_digest.digest == digest
    assert by_tag.rootfs().files["app/greeting"] == b"hello\n"


def test_an_unknown_manifest_is_manifest_unknown(registry_url: str, tmp_path: Path) -> None:
    client = RegistryClient(registry_url)
    with pytest.raises(RegistryError) as caught:
        client.pull(unique_name("missing"), "nope", ImageLayout(tmp_path))
    assert (caught.value.code, caught.value.status, caught.value.message) == ("MANIFEST_UNKNOWN", 404,
                                                                             "manifest unknown")


def test_a_blob_that_does_not_match_its_digest_is_digest_invalid(registry_url: str) -> None:
    client, name = RegistryClient(registry_url), unique_name("bad")
    location = client.request("POST", f"/v2/{name}/blobs/uploads/").headers["location"]
    wrong = "sha256:" + hashlib.sha256(b"something else").hexdigest()
    with pytest.raises(RegistryError) as caught:
        client.request("PUT", location + ("&" if "?" in location else "?") + f"digest={wrong}", b"content")
    assert (caught.value.code, caught.value.message) == ("DIGEST_INVALID",
                                                         "provided digest did not match uploaded content")


def test_a_manifest_whose_blobs_are_missing_is_refused(registry_url: str, hello: ImageLayout) -> None:
    client, name = RegistryClient(registry_url), unique_name("orphan")
    manifest = hello.get_blob(hello.resolve("hello").digest)
    with pytest.raises(RegistryError) as caught:
        client.request("PUT", f"/v2/{name}/manifests/v1", manifest,
                       {"Content-Type": json.loads(manifest)["mediaType"]})
    assert caught.value.code == "MANIFEST_BLOB_UNKNOWN"


def test_tags_of_an_unknown_repository_is_name_unknown(registry_url: str) -> None:
    with pytest.raises(RegistryError) as caught:
        RegistryClient(registry_url).tags(unique_name("never-pushed"))
    assert (caught.value.code, caught.value.message) == ("NAME_UNKNOWN", "repository name not known to registry")


def test_a_push_to_a_registry_that_is_down_says_connection_refused(hello: ImageLayout) -> None:
    from builders import free_port

    port = free_port()
    # docker's words: Get "http://127.0.0.1:5000/v2/": dial tcp 127.0.0.1:5000: connect: connection refused
    with pytest.raises(RegistryUnavailable, match=f"dial tcp 127.0.0.1:{port}: connect: connection refused"):
        RegistryClient(f"http://127.0.0.1:{port}").push(hello, "hello", "hello")


def blob_digests(layout: ImageLayout) -> list[str]:
    manifest = json.loads(layout.get_blob(layout.resolve("hello").digest))
    return [*(layer["digest"] for layer in manifest["layers"]), manifest["config"]["digest"]]


def test_a_manifest_put_by_a_digest_that_is_not_its_own_is_digest_invalid(registry_url: str,
                                                                         hello: ImageLayout) -> None:
    client, name = RegistryClient(registry_url), unique_name("wrong-digest")
    client.push(hello, "hello", name, "v1")  # the blobs are there; only the digest in the URL is wrong
    manifest = hello.get_blob(hello.resolve("hello").digest)
    wrong = "sha256:" + hashlib.sha256(manifest + b" ").hexdigest()
    with pytest.raises(RegistryError) as caught:
        client.request("PUT", f"/v2/{name}/manifests/{wrong}", manifest,
                       {"Content-Type": json.loads(manifest)["mediaType"]})
    assert caught.value.code == "DIGEST_INVALID"
