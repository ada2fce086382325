"""The registries a cluster's nodes pull from: which images exist, by digest, their layers and
sizes, and containerd's words when one does not.

Mirrors what a node's containerd meets when the kubelet asks it to pull: an image
reference is normalised as github.com/distribution/reference does (``nginx`` is
``docker.io/library/nginx:latest``; a first part with a dot, a colon or ``localhost``
is a registry host), then the registry answers with the image, or containerd fails
with the error the kubelet shows in its ``Failed to pull image`` event:

- a repository that exists without that tag: ``code = NotFound ... <ref>: not found``;
- a Docker Hub repository that does not exist: ``pull access denied, repository does
  not exist or may require authorization``;
- a registry host nobody answers for: ``dial tcp ...: connection refused`` (localhost)
  or ``no such host``.

Each cluster has its own ``Registry``: one registry store per host (the same
``Storage`` that ``k8slite registry`` serves over HTTP), holding OCI manifests. The
public images the course and the Kubernetes docs use (``CATALOG``, sizes near the real
compressed sizes) are mirrored in it: a real manifest and config, whose layer the
mirror knows by digest and size only. ``localhost:5000`` is the cluster's own registry,
empty until you push to it (``c.registry.push``, an image built by k8slite.images or
a stand-in of a given size). An image's identity is its manifest's digest: what a
pod's ``imageID`` names (``docker.io/library/nginx@sha256:...``), so a tag pushed again
moves to a new digest while nodes that pulled the old one keep it.

A pull takes virtual time (``pull_seconds``): a registry round trip to resolve the
manifest, then the bytes of the layers the node does not have, at a fixed bandwidth.
Simplified: one platform (linux/amd64), no authentication or rate limits, a mirrored
image has a single layer.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass

from k8slite.errors import dial_tcp
from k8slite.images.image import Image, from_blobs
from k8slite.images.layout import CONFIG, LAYER, MANIFEST, canonical_json, sha256_digest
from k8slite.registry_server.storage import RegistryError, Storage

DOCKER_HUB = "docker.io"
MB = 1_000_000
RESOLVE_SECONDS = 0.8  # asking the registry for the manifest (a HEAD and a GET over TLS)
BANDWIDTH = 20 * MB  # bytes a second from the registry to a node

CATALOG: dict[str, dict[str, int]] = {  # repository -> tag -> size in bytes (estimated for the tutorials' apps)
    "docker.io/library/busybox": {"latest": 4_261_574, "1.36": 4_261_574, "1.35": 4_855_602,
                                  "1.28": 727_869,  # the docs' DNS-debugging and init-containers pages
                                  # the tags the tests roll deployments out to (kubectl set image)
                                  "2": 4_261_574, "3": 4_261_574, "4": 4_261_574, "5": 4_261_574},
    "registry.k8s.io/busybox": {"latest": 1_144_547, "1.27.2": 1_144_547},
    "docker.io/library/nginx": {"latest": 72_950_530, "1.27": 68_857_691, "1.25": 70_544_635,
                                "1.16.1": 51_030_575, "1.14.2": 44_709_525},
    "docker.io/library/httpd": {"latest": 58_243_011, "2.4": 58_243_011},
    "docker.io/library/redis": {"latest": 45_044_231, "7": 45_044_231},
    "docker.io/library/bash": {"latest": 6_142_904, "5": 6_142_904},  # the docs' podFailurePolicy example
    "docker.io/library/perl": {"latest": 335_120_147, "5.34.0": 330_425_108},
    "docker.io/library/python": {"latest": 370_186_120, "3.12": 372_012_543},
    "docker.io/library/alpine": {"latest": 3_645_536, "3": 3_645_536, "3.19": 3_418_409},
    "docker.io/library/ubuntu": {"latest": 29_754_422},
    "docker.io/library/debian": {"latest": 48_494_272, "bookworm": 48_494_272},
    "docker.io/polinux/stress": {"latest": 4_121_498},
    "gcr.io/google-samples/hello-go-gke": {"latest": 4_381_769, "1.0": 4_381_769},
    "gcr.io/google-samples/hello-app": {"1.0": 4_823_110, "2.0": 4_823_287},  # Exposing an External IP Address
    "registry.k8s.io/goproxy": {"0.1": 1_714_720},  # the docs' tcp-liveness-readiness example
    "registry.k8s.io/e2e-test-images/jessie-dnsutils": {"1.3": 112_012_357},  # the DNS debugging page's
    "registry.k8s.io/e2e-test-images/agnhost": {"2.39": 51_782_611, "2.40": 51_890_403, "2.53": 52_371_274},
    # the Kubernetes Basics tutorial's app; its v10 does not exist (the tutorial's failed rollout)
    "gcr.io/google-samples/kubernetes-bootcamp": {"v1": 82_439_936},
    "docker.io/jocatalin/kubernetes-bootcamp": {"v1": 82_439_936, "v2": 82_440_057},
    "registry.k8s.io/pause": {"latest": 320_368, "3.10": 320_368, "3.9": 321_520},
    "quay.io/fluentd_elasticsearch/fluentd": {"v2.5.2": 143_416_410},  # the docs' DaemonSet (size estimated)
    "registry.k8s.io/nginx-slim": {"0.21": 27_402_316, "0.24": 27_719_865},  # StatefulSet Basics (estimated)
}


@dataclass(frozen=True)
class Reference:
    """An image reference, normalised: docker.io/library/nginx:latest."""

    domain: str
    path: str
    tag: str = ""
    digest: str = ""

    @property
    def repository(self) -> str:
        return f"{self.domain}/{self.path}"

    def __str__(self) -> str:
        return self.repository + (f":{self.tag}" if self.tag else "") + (f"@{self.digest}" if self.digest else "")


def parse(image: str) -> Reference:
    """ParseNormalizedNamed plus the kubelet's default tag: "nginx" -> docker.io/library/nginx:latest."""
    name, _, digest = image.partition("@")
    slash, colon = name.rfind("/"), name.rfind(":")
    tag = name[colon + 1:] if colon > slash else ""
    name = name[:colon] if colon > slash else name
    first, _, rest = name.partition("/")
    if rest and ("." in first or ":" in first or first == "localhost"):
        domain, path = first, rest
    else:
        domain, path = DOCKER_HUB, name
    domain = DOCKER_HUB if domain == "index.docker.io" else domain
    if domain == DOCKER_HUB and "/" not in path:
        path = f"library/{path}"
    return Reference(domain, path, tag or ("" if digest else "latest"), digest)


LOCAL = "localhost:5000"  # the cluster's own registry


@dataclass(frozen=True)
class Manifest:
    """What a node needs from an image's manifest to pull it."""

    digest: str
    """The manifest's digest: the image's identity, what ``repository@sha256:...`` and imageID name."""
    config: str
    """The config's digest (Docker's image ID)."""
    layers: tuple[tuple[str, int], ...]
    """(digest, size in bytes) of each layer, in order."""
    size: int
    """The image's size as the kubelet reports it: its layers and its config."""


@functools.cache  # pure, and every Registry (one per cluster) mirrors the same catalog
def mirrored(repository: str, tag: str, size: int) -> tuple[bytes, bytes, str, int]:
    """A mirrored public image of ``size`` bytes: (manifest, config, layer digest, layer size); each tag its
    own layer, so a node that has busybox:1.36 still pulls busybox:1.35's bytes."""
    diff_id = sha256_digest(f"{repository}:{tag} {size}".encode())
    config = canonical_json({"architecture": "amd64", "os": "linux", "config": {},
                             "rootfs": {"type": "layers", "diff_ids": [diff_id]}})
    layer = sha256_digest(f"{repository}:{tag} {size} layer".encode())
    layer_size = size - len(config)
    manifest = canonical_json({"schemaVersion": 2, "mediaType": MANIFEST,
                               "config": {"mediaType": CONFIG, "digest": sha256_digest(config), "size": len(config)},
                               "layers": [{"mediaType": LAYER, "digest": layer, "size": layer_size}]})
    return manifest, config, layer, layer_size


class NotInRegistry(Exception):
    """containerd could not pull the image; the message is its rpc error, as the kubelet shows it."""


class Registry:
    """The registries a cluster's nodes pull from: one store per host, the public images mirrored."""

    def __init__(self) -> None:
        self.hosts: dict[str, Storage] = {LOCAL: Storage()}
        for repository, tags in CATALOG.items():
            for tag, size in tags.items():
                self.mirror(repository, tag, size)

    def mirror(self, repository: str, tag: str, size: int) -> str:
        domain, _, name = repository.partition("/")
        store = self.hosts.setdefault(domain, Storage())
        manifest, config, layer, _ = mirrored(repository, tag, size)
        store.put_blob(name, config)
        store.mirror_layer(name, layer)
        return store.put_manifest(name, tag, MANIFEST, manifest)

    def push(self, image: str, content: Image | int = 5 * MB) -> str:
        """Push an image (one built by k8slite.images, or a stand-in of that many bytes) under a reference,
        as ``docker push`` would; the tag moves to it. -> the fully qualified reference with its digest."""
        ref = parse(image)
        if isinstance(content, int):
            digest = self.mirror(ref.repository, ref.tag, content)
        else:
            store = self.hosts.setdefault(ref.domain, Storage())
            for layer in content.layers:
                store.put_blob(ref.path, layer.blob)
            store.put_blob(ref.path, content.config_blob())
            digest = store.put_manifest(ref.path, ref.tag or "latest", MANIFEST, content.manifest_blob())
        return f"{ref.repository}@{digest}"

    def resolve(self, image: str) -> tuple[Reference, Manifest]:
        """The image's reference and manifest, or NotInRegistry in containerd's words."""
        ref = parse(image)
        store = self.hosts.get(ref.domain)
        if store is None:
            raise NotInRegistry(pull_error(ref, known_host=False, repository_exists=False))
        try:
            digest, _, data = store.manifest(ref.path, ref.digest or ref.tag)
        except RegistryError:
            raise NotInRegistry(pull_error(ref, True, ref.path in store.tags)) from None
        manifest = json.loads(data)
        layers = tuple((layer["digest"], layer["size"]) for layer in manifest["layers"])
        config = manifest["config"]
        return ref, Manifest(digest, config["digest"], layers, config["size"] + sum(size for _, size in layers))

    def image(self, ref: Reference, manifest: Manifest) -> Image | None:
        """The image read back from its blobs (image.load over the registry), or None for a mirrored
        public image, whose layer bytes this registry does not keep."""
        store = self.hosts[ref.domain]
        try:
            _, _, data = store.manifest(ref.path, manifest.digest)
            return from_blobs(data, lambda digest: store.blob(ref.path, digest))
        except RegistryError:
            return None

    def exists(self, image: str) -> bool:
        try:
            self.resolve(image)
        except NotInRegistry:
            return False
        return True


def pull_error(ref: Reference, known_host: bool, repository_exists: bool) -> str:
    """containerd's message for a reference the registry does not have."""
    full = str(ref)
    prefix = f'failed to pull and unpack image "{full}": failed to resolve reference "{full}": '
    head = f'failed to do request: Head "https://{ref.domain}/v2/{ref.path}/manifests/{ref.tag or ref.digest}": '
    if not known_host and ref.domain.startswith(("localhost", "127.0.0.1")):
        port = ref.domain.partition(":")[2] or "443"
        return f"rpc error: code = Unknown desc = {prefix}{head}{dial_tcp(f'127.0.0.1:{port}', 'connection refused')}"
    if not known_host:
        return f"rpc error: code = Unknown desc = {prefix}{head}dial tcp: lookup {ref.domain}: no such host"
    if ref.domain == DOCKER_HUB and not repository_exists:
        return (f"rpc error: code = Unknown desc = {prefix}pull access denied, repository does not exist or may "
                "require authorization: server message: insufficient_scope: authorization failed")
    return f"rpc error: code = NotFound desc = {prefix}{full}: not found"


def pull_seconds(missing_bytes: int) -> float:
    """How long a pull takes: the manifest's round trip, then the layers the node does not have."""
    return round(RESOLVE_SECONDS + missing_bytes / BANDWIDTH, 3)


DEFAULT = Registry()
"""The public images alone, for code that has no cluster (the Linux runtime's busybox, swarm)."""


def resolve(image: str) -> tuple[str, int]:
    """(fully qualified reference, size in bytes) of a public image, or NotInRegistry."""
    ref, manifest = DEFAULT.resolve(image)
    return str(ref), manifest.size


def exists(image: str) -> bool:
    return DEFAULT.exists(image)


__all__ = ["CATALOG", "LOCAL", "Manifest", "NotInRegistry", "Reference", "Registry", "exists", "parse",
           "pull_seconds", "resolve"]
