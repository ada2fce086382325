"""An OCI image layout on disk, as image-spec's image-layout.md defines it: a folder
with an ``oci-layout`` file, an ``index.json`` naming the images it holds, and every
blob (manifest, config, layer) in ``blobs/sha256/<hex>``, named by the sha256 of its bytes.

A blob's *digest* is ``sha256:`` and the hex of that hash (descriptor.md); a
*descriptor* points at a blob by media type, digest and size, so whoever holds a
descriptor can fetch the blob from anywhere and check that it is the right one.

One layout here is also the local image store the builder reads ``FROM`` images
from: each manifest in ``index.json`` carries the annotation
``org.opencontainers.image.ref.name`` with the whole reference (``hello:latest``),
as containerd writes it, so one layout can hold many repositories. Left out:
image indexes for several platforms (one linux/amd64 manifest per image), and
garbage collection of blobs nothing points at.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MANIFEST = "application/vnd.oci.image.manifest.v1+json"
CONFIG = "application/vnd.oci.image.config.v1+json"
LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
INDEX = "application/vnd.oci.image.index.v1+json"
REF_NAME = "org.opencontainers.image.ref.name"
LAYOUT_VERSION = {"imageLayoutVersion": "1.0.0"}


def sha256_digest(data: bytes) -> str:
    """The digest of a blob: "sha256:" and the hex of its sha256."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def canonical_json(obj: Any) -> bytes:
    """The bytes k8slite writes for a JSON blob: sorted keys, no spaces, so one
    object always has one digest."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


@dataclass(frozen=True)
class Descriptor:
    """A pointer to a blob (image-spec descriptor.md)."""

    media_type: str
    digest: str
    """"sha256:<64 hex>", the sha256 of the blob's bytes."""
    size: int
    """The blob's length in bytes."""
    annotations: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"mediaType": self.media_type, "digest": self.digest, "size": self.size}
        if self.annotations:
            out["annotations"] = dict(self.annotations)
        return out

    @staticmethod
    def from_dict(data: dict[str, Any]) -> Descriptor:
        return Descriptor(data["mediaType"], data["digest"], int(data["size"]), dict(data.get("annotations", {})))


def describe(media_type: str, data: bytes) -> Descriptor:
    return Descriptor(media_type, sha256_digest(data), len(data))


class ImageLayout:
    """An OCI image layout folder: blobs by digest plus index.json's references."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        (self.root / "blobs" / "sha256").mkdir(parents=True, exist_ok=True)
        if not (self.root / "oci-layout").exists():
            (self.root / "oci-layout").write_text(json.dumps(LAYOUT_VERSION))
        if not (self.root / "index.json").exists():
            self._write_index([])

    def blob_path(self, digest: str) -> Path:
        algorithm, _, hex_ = digest.partition(":")
        return self.root / "blobs" / algorithm / hex_

    def has_blob(self, digest: str) -> bool:
        return self.blob_path(digest).exists()

    def put_blob(self, data: bytes, media_type: str) -> Descriptor:
        """Store ``data`` under its digest (a blob already there is left as it is)."""
        descriptor = describe(media_type, data)
        path = self.blob_path(descriptor.digest)
        if not path.exists():
            path.write_bytes(data)
        return descriptor

    def get_blob(self, digest: str) -> bytes:
        """The blob's bytes, checked against its digest (a changed file is caught here)."""
        path = self.blob_path(digest)
        if not path.exists():
            raise KeyError(f"blob {digest} not found in {self.root}")
        data = path.read_bytes()
        if sha256_digest(data) != digest:
            raise ValueError(f"blob {digest}: content does not match its digest")
        return data

    def manifests(self) -> list[Descriptor]:
        index = json.loads((self.root / "index.json").read_text())
        return [Descriptor.from_dict(d) for d in index.get("manifests", [])]

    def references(self) -> list[str]:
        """The references this layout holds, sorted ("busybox:latest", "hello:1.0")."""
        return sorted(d.annotations[REF_NAME] for d in self.manifests() if REF_NAME in d.annotations)

    def tag(self, reference: str, manifest: Descriptor) -> None:
        """Point ``reference`` (name:tag) at a manifest, replacing what it pointed at."""
        kept = [d for d in self.manifests() if d.annotations.get(REF_NAME) != reference]
        tagged = Descriptor(manifest.media_type, manifest.digest, manifest.size, {REF_NAME: reference})
        self._write_index(sorted([*kept, tagged], key=lambda d: d.annotations.get(REF_NAME, d.digest)))

    def resolve(self, reference: str) -> Descriptor:
        """The manifest a reference ("hello", "hello:1.0" or a "sha256:..." digest) names; KeyError if none."""
        if reference.startswith("sha256:") or "@sha256:" in reference:
            digest = reference.rpartition("@")[2]
            if self.has_blob(digest):
                return Descriptor(MANIFEST, digest, self.blob_path(digest).stat().st_size)
            raise KeyError(reference)
        wanted = normalize_reference(reference)
        for descriptor in self.manifests():
            if descriptor.annotations.get(REF_NAME) == wanted:
                return descriptor
        raise KeyError(reference)

    def _write_index(self, manifests: list[Descriptor]) -> None:
        index = {"schemaVersion": 2, "mediaType": INDEX, "manifests": [d.to_dict() for d in manifests]}
        (self.root / "index.json").write_text(json.dumps(index, indent=2) + "\n")


def normalize_reference(reference: str) -> str:
    """"hello" -> "hello:latest", as docker reads a reference without a tag."""
    last = reference.rpartition("/")[2]
    return reference if ":" in last else reference + ":latest"
