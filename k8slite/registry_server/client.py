"""A registry client, the half of `docker push` and `docker pull` that talks HTTP
(OCI distribution spec): push an image from an image layout, pull one into a layout.

Push: for each blob (layers, then the config) ``HEAD`` asks whether the registry has
it already and skips it if so; otherwise ``POST`` starts an upload and either one
``PUT ?digest=`` sends it whole, or ``PATCH`` sends it in chunks and an empty ``PUT``
closes it. The manifest goes last, with ``PUT /v2/<name>/manifests/<tag>``: the
registry refuses a manifest whose blobs it does not have. Pull is the other way:
manifest by tag, then config and layers by digest, each checked against its digest
before it is stored. ``trace`` records (method, path, status) of every request.

A registry that is down fails with Docker's words (``dial tcp ...: connect:
connection refused``); an error answer raises RegistryError with the spec's code.
Left out: auth tokens, cross-repository mounts, image indexes, retries.
"""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from k8slite.images.image import Image, load
from k8slite.images.layout import MANIFEST, ImageLayout, sha256_digest
from k8slite.registry_server.storage import ERRORS, RegistryError

ACCEPT = f"{MANIFEST}, application/vnd.docker.distribution.manifest.v2+json"


class RegistryUnavailable(ConnectionError):
    """Nothing answers at the registry's address."""


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass
class RegistryClient:
    """Talks to one registry: ``RegistryClient("http://127.0.0.1:5000")``."""

    url: str
    chunk_size: int | None = None
    """Upload blobs in PATCH chunks of this many bytes; None: one monolithic PUT each."""
    trace: list[tuple[str, str, int]] = field(default_factory=list)

    def request(self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None,
                ok: tuple[int, ...] = (200, 201, 202)) -> Response:
        """One HTTP request; RegistryError for an error status, RegistryUnavailable if nothing listens."""
        target = urlsplit(urljoin(self.url, path))
        route = target.path + (f"?{target.query}" if target.query else "")
        connection = http.client.HTTPConnection(target.hostname or "127.0.0.1", target.port or 80, timeout=30)
        try:
            connection.request(method, route, body=body, headers=headers or {})
            reply = connection.getresponse()
            response = Response(reply.status, {k.lower(): v for k, v in reply.getheaders()}, reply.read())
        except ConnectionRefusedError:
            raise RegistryUnavailable(f'{method.capitalize()} "{urljoin(self.url, "/v2/")}": dial tcp '
                                      f'{target.hostname}:{target.port}: connect: connection refused') from None
        finally:
            connection.close()
        self.trace.append((method, target.path, response.status))
        if response.status not in ok:
            raise error_from(response)
        return response

    def ping(self) -> bool:
        return self.request("GET", "/v2/").status == 200

    def catalog(self) -> list[str]:
        return list(json.loads(self.request("GET", "/v2/_catalog").body)["repositories"])

    def tags(self, name: str) -> list[str]:
        return list(json.loads(self.request("GET", f"/v2/{name}/tags/list").body)["tags"] or [])

    def has_blob(self, name: str, digest: str) -> bool:
        return self.request("HEAD", f"/v2/{name}/blobs/{digest}", ok=(200, 404)).status == 200

    def upload_blob(self, name: str, data: bytes) -> str:
        """POST, then one PUT or PATCH chunks and a PUT; -> the blob's digest."""
        digest = sha256_digest(data)
        location = self.request("POST", f"/v2/{name}/blobs/uploads/").headers["location"]
        last = data
        if self.chunk_size:
            for start in range(0, len(data), self.chunk_size):
                chunk = data[start:start + self.chunk_size]
                headers = {"Content-Type": "application/octet-stream",
                           "Content-Range": f"{start}-{start + len(chunk) - 1}"}
                location = self.request("PATCH", location, chunk, headers).headers["location"]
            last = b""
        separator = "&" if "?" in location else "?"
        self.request("PUT", f"{location}{separator}digest={digest}", last,
                     {"Content-Type": "application/octet-stream"})
        return digest

    def push(self, layout: ImageLayout, reference: str, name: str, tag: str = "latest") -> str:
        """Push the image ``reference`` of ``layout`` as ``name:tag``, its blobs as they are stored;
        -> the manifest's digest."""
        manifest_blob = layout.get_blob(layout.resolve(reference).digest)
        manifest = json.loads(manifest_blob)
        for descriptor in [*manifest["layers"], manifest["config"]]:
            if not self.has_blob(name, descriptor["digest"]):
                self.upload_blob(name, layout.get_blob(descriptor["digest"]))
        reply = self.request("PUT", f"/v2/{name}/manifests/{tag}", manifest_blob,
                             {"Content-Type": manifest.get("mediaType", MANIFEST)})
        return reply.headers.get("docker-content-digest", sha256_digest(manifest_blob))

    def pull(self, name: str, reference: str, layout: ImageLayout, as_reference: str | None = None) -> Image:
        """Pull ``name:reference`` (a tag or a digest) into ``layout``, checking every digest."""
        reply = self.request("GET", f"/v2/{name}/manifests/{reference}", headers={"Accept": ACCEPT})
        manifest = json.loads(reply.body)
        for descriptor in [manifest["config"], *manifest["layers"]]:
            data = self.request("GET", f"/v2/{name}/blobs/{descriptor['digest']}").body
            if sha256_digest(data) != descriptor["digest"]:
                raise RegistryError("DIGEST_INVALID", {"digest": descriptor["digest"]})
            layout.put_blob(data, descriptor["mediaType"])
        if reference.startswith("sha256:") and sha256_digest(reply.body) != reference:
            raise RegistryError("DIGEST_INVALID", {"digest": reference})
        stored = layout.put_blob(reply.body, MANIFEST)
        tag = reference if not reference.startswith("sha256:") else "latest"
        layout.tag(as_reference or f"{name}:{tag}", stored)
        return load(layout, as_reference or f"{name}:{tag}")


def error_from(response: Response) -> RegistryError:
    """The first error of an error body ({"errors": [...]}); a bare status becomes its nearest code."""
    try:
        first = json.loads(response.body)["errors"][0]
        code = first["code"] if first["code"] in ERRORS else "UNSUPPORTED"
        return RegistryError(code, first.get("detail"))
    except (ValueError, KeyError, IndexError, TypeError):
        return RegistryError("BLOB_UNKNOWN" if response.status == 404 else "UNSUPPORTED",
                             f"HTTP {response.status}")


__all__ = ["RegistryClient", "RegistryUnavailable", "Response", "error_from"]
