"""k8slite's registry storage without HTTP: the upload rules a client can break
(distribution-spec spec.md, "Pushing a blob in chunks": chunks must arrive in order)."""

from __future__ import annotations

import pytest

from k8slite.registry_server import RegistryError, Storage


def test_a_chunk_out_of_order_is_blob_upload_invalid() -> None:
    storage = Storage()
    storage.start_upload("app", "u1")
    assert storage.append("app", "u1", b"abc", start=0) == 3
    with pytest.raises(RegistryError) as caught:
        storage.append("app", "u1", b"xyz", start=10)
    assert (caught.value.code, caught.value.status) == ("BLOB_UPLOAD_INVALID", 400)


def test_an_upload_that_was_never_started_is_blob_upload_unknown() -> None:
    with pytest.raises(RegistryError) as caught:
        Storage().finish_upload("app", "nope", "sha256:" + "0" * 64, b"")
    # distribution registry/api/v2/errors.go: ErrorCodeBlobUploadUnknown
    assert (caught.value.code, caught.value.message) == ("BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry")


def test_an_invalid_repository_name_is_name_invalid() -> None:
    with pytest.raises(RegistryError) as caught:
        Storage().tag_list("Upper/Case")  # reference grammar: path components are lower case
    assert caught.value.code == "NAME_INVALID"
