"""Layers as image-spec layer.md defines them: gzipped tar changesets, whiteouts for
deletions, diff_id (uncompressed) versus digest (compressed)."""

from __future__ import annotations

import gzip
import hashlib
import io
import tarfile

from k8slite.images import Tree, diff, layer_of, make_layer, read_layer, unpack


def test_diff_id_hashes_the_tar_and_digest_hashes_the_gzip() -> None:
    layer = make_layer(Tree(files={"etc/motd": b"hi\n"}))
    tar = gzip.decompress(layer.blob)
    assert layer.diff_id == "sha256:" + hashlib.sha256(tar).hexdigest()
    assert layer.digest == "sha256:" + hashlib.sha256(layer.blob).hexdigest()
    assert layer.diff_id != layer.digest


def test_a_layer_is_a_real_tar_with_sorted_entries_and_mtime_zero() -> None:
    layer = make_layer(Tree(files={"b/two": b"2", "a/one": b"1"}))
    with tarfile.open(fileobj=io.BytesIO(layer.blob), mode="r:gz") as tar:
        members = tar.getmembers()
    assert [m.name for m in members] == ["a", "a/one", "b", "b/two"]
    assert {m.mtime for m in members} == {0}
    assert make_layer(Tree(files={"a/one": b"1", "b/two": b"2"})) == layer  # same files, same bytes


def test_a_deleted_file_is_a_whiteout_beside_it() -> None:
    before = Tree(files={"etc/passwd": b"root\n", "tmp/x/y": b""})
    after = Tree(files={})
    assert diff(before, after).deleted == {"etc", "tmp"}  # a removed folder is one whiteout, not one per file
    with tarfile.open(fileobj=io.BytesIO(make_layer(diff(before, Tree(files={"etc/group": b""}))).blob)) as tar:
        names = tar.getnames()
    # layer.md: "Whiteout files ... a filename prefixed with .wh." in the deleted file's directory
    assert "etc/.wh.passwd" in names and "etc/group" in names


def test_unpack_applies_layers_in_order_and_whiteouts_remove() -> None:
    base = make_layer(Tree(files={"etc/passwd": b"root\n", "app/a": b"1"}))
    change = make_layer(Tree(files={"app/a": b"2"}, deleted={"etc/passwd"}))
    root = unpack([base.blob, change.blob])
    assert root.files == {"app/a": b"2"}
    assert read_layer(change.blob).deleted == {"etc/passwd"}


def test_layer_of_finds_the_last_layer_that_wrote_a_file() -> None:
    blobs = [make_layer(Tree(files={"a": b"1", "b": b"1"})).blob,
             make_layer(Tree(files={"b": b"2"})).blob,
             make_layer(Tree(deleted={"a"})).blob]
    assert layer_of(blobs, "/b") == 1
    assert layer_of(blobs, "/a") is None  # whited out by layer 2
    assert layer_of(blobs, "/nothing") is None
