"""What a registry keeps, and its rules, apart from HTTP (the OCI distribution spec,
spec.md, and the Docker Registry HTTP API V2 it came from): blobs by digest, each
linked to the repositories that pushed it; uploads in progress; manifests by digest;
tags pointing at manifests. Every rule a client can break raises RegistryError with
the spec's error code, HTTP status and message (distribution's
registry/api/v2/errors.go), which the server turns into ``{"errors": [...]}``.

Simplified: everything is in memory; no deletes, no cross-repository mounts, no
referrers API, no auth; a manifest is checked for the blobs it names, not against a schema.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from k8slite.images.layout import sha256_digest

# (HTTP status, message) per error code, as distribution's registry/api/v2/errors.go has them
ERRORS = {
    "BLOB_UNKNOWN": (404, "blob unknown to registry"),
    "BLOB_UPLOAD_INVALID": (400, "blob upload invalid"),
    "BLOB_UPLOAD_UNKNOWN": (404, "blob upload unknown to registry"),
    "DIGEST_INVALID": (400, "provided digest did not match uploaded content"),
    "MANIFEST_BLOB_UNKNOWN": (400, "blob unknown to registry"),
    "MANIFEST_INVALID": (400, "manifest invalid"),
    "MANIFEST_UNKNOWN": (404, "manifest unknown"),
    "NAME_INVALID": (400, "invalid repository name"),
    "NAME_UNKNOWN": (404, "repository name not known to registry"),
    "UNSUPPORTED": (405, "The operation is unsupported."),
}
NAME = re.compile(r"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$")
DIGEST = re.compile(r"^sha256:[a-f0-9]{64}$")


class RegistryError(Exception):
    """An error the registry answers with: its spec code, HTTP status, message and detail."""

    def __init__(self, code: str, detail: object = None) -> None:
        self.code = code
        self.status, self.message = ERRORS[code]
        self.detail = detail
        super().__init__(f"{self.message}: {detail}" if detail is not None else self.message)

    def body(self) -> bytes:
        return json.dumps({"errors": [{"code": self.code, "message": self.message, "detail": self.detail}]}).encode()


@dataclass
class Storage:
    """One registry's contents."""

    blobs: dict[str, bytes] = field(default_factory=dict)
    links: dict[str, set[str]] = field(default_factory=dict)
    """Repository -> the digests of blobs (layers, configs, manifests) pushed to it."""
    manifests: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    """Digest -> (media type, bytes)."""
    tags: dict[str, dict[str, str]] = field(default_factory=dict)
    """Repository -> tag -> manifest digest."""
    uploads: dict[str, tuple[str, bytearray]] = field(default_factory=dict)
    """Upload UUID -> (repository, bytes received so far)."""

    def blob(self, name: str, digest: str) -> bytes:
        check_name(name)
        if digest not in self.links.get(name, set()) or digest not in self.blobs:
            raise RegistryError("BLOB_UNKNOWN", {"digest": digest})
        return self.blobs[digest]

    def start_upload(self, name: str, uuid: str) -> None:
        check_name(name)
        self.uploads[uuid] = (name, bytearray())

    def append(self, name: str, uuid: str, chunk: bytes, start: int | None = None) -> int:
        """Add a chunk (PATCH); ``start`` from Content-Range must be where the upload is. -> bytes so far."""
        received = self._upload(name, uuid)
        if start is not None and start != len(received):
            raise RegistryError("BLOB_UPLOAD_INVALID", f"chunk starts at {start}, upload is at {len(received)}")
        received.extend(chunk)
        return len(received)

    def finish_upload(self, name: str, uuid: str, digest: str, last: bytes) -> None:
        """The closing PUT: the content must hash to ``digest``, or the upload fails (DIGEST_INVALID)."""
        received = self._upload(name, uuid)
        received.extend(last)
        if not DIGEST.match(digest) or sha256_digest(bytes(received)) != digest:
            del self.uploads[uuid]
            raise RegistryError("DIGEST_INVALID", {"digest": digest})
        self.blobs[digest] = bytes(received)
        self.links.setdefault(name, set()).add(digest)
        del self.uploads[uuid]

    def _upload(self, name: str, uuid: str) -> bytearray:
        if uuid not in self.uploads or self.uploads[uuid][0] != name:
            raise RegistryError("BLOB_UPLOAD_UNKNOWN", {"uuid": uuid})
        return self.uploads[uuid][1]

    def put_blob(self, name: str, data: bytes) -> str:
        """Store a blob directly, as a registry's own tooling would (no upload). -> its digest."""
        check_name(name)
        digest = sha256_digest(data)
        self.blobs[digest] = data
        self.links.setdefault(name, set()).add(digest)
        return digest

    def mirror_layer(self, name: str, digest: str) -> None:
        """A layer this registry knows by digest and size only (its manifest says the size): the layers
        of the public images k8slite mirrors, whose bytes it does not keep. A GET of it is BLOB_UNKNOWN."""
        check_name(name)
        self.links.setdefault(name, set()).add(digest)

    def put_manifest(self, name: str, reference: str, media_type: str, data: bytes) -> str:
        """Store a manifest under its digest and, for a tag, point the tag at it. -> its digest."""
        check_name(name)
        digest = sha256_digest(data)
        if reference.startswith("sha256:") and reference != digest:
            raise RegistryError("DIGEST_INVALID", {"digest": reference})
        for needed in referenced_blobs(data):
            if needed not in self.links.get(name, set()):
                raise RegistryError("MANIFEST_BLOB_UNKNOWN", {"digest": needed})
        self.manifests[digest] = (media_type, data)
        self.links.setdefault(name, set()).add(digest)
        if not reference.startswith("sha256:"):
            self.tags.setdefault(name, {})[reference] = digest
        return digest

    def manifest(self, name: str, reference: str) -> tuple[str, str, bytes]:
        """(digest, media type, bytes) of the manifest a tag or digest names."""
        check_name(name)
        digest = reference if reference.startswith("sha256:") else self.tags.get(name, {}).get(reference, "")
        if digest not in self.manifests or digest not in self.links.get(name, set()):
            raise RegistryError("MANIFEST_UNKNOWN", {"Tag": reference} if digest == "" else {"digest": reference})
        return (digest, *self.manifests[digest])

    def catalog(self) -> list[str]:
        return sorted(self.tags)

    def tag_list(self, name: str) -> list[str]:
        check_name(name)
        if name not in self.tags:
            raise RegistryError("NAME_UNKNOWN", {"name": name})
        return sorted(self.tags[name])


def check_name(name: str) -> None:
    if not NAME.match(name):
        raise RegistryError("NAME_INVALID", {"name": name})


def referenced_blobs(data: bytes) -> list[str]:
    """The config and layer digests a manifest points at; MANIFEST_INVALID if it is not one."""
    try:
        manifest = json.loads(data)
        return [manifest["config"]["digest"], *(layer["digest"] for layer in manifest.get("layers", []))]
    except (ValueError, KeyError, TypeError) as error:
        raise RegistryError("MANIFEST_INVALID", str(error)) from None
