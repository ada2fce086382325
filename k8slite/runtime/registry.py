"""A pocket container registry for the fake runtime: which images exist, their size, and
containerd's words when one does not.

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

``CATALOG`` holds every image the course, its tests and the Kubernetes docs' examples
use, plus ``latest`` of each repository; sizes are near the real compressed sizes.
``push`` adds an image, as ``docker push`` would. A pull takes virtual time
(``pull_seconds``): a registry round trip to resolve the manifest, then the image's bytes
at a fixed bandwidth; an image the node has already is only resolved (as containerd does for
``imagePullPolicy: Always``). Simplified: no layers, platforms, authentication or rate
limits; a digest is a hash of the reference, not of content.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

DOCKER_HUB = "docker.io"
MB = 1_000_000
RESOLVE_SECONDS = 0.8  # asking the registry for the manifest (a HEAD and a GET over TLS)
BANDWIDTH = 20 * MB  # bytes a second from the registry to a node

CATALOG: dict[str, dict[str, int]] = {  # repository -> tag -> size in bytes
    "docker.io/library/busybox": {"latest": 4_261_574, "1.36": 4_261_574, "1.35": 4_855_602,
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
    "docker.io/library/alpine": {"latest": 3_645_536, "3.19": 3_418_409},
    "docker.io/library/ubuntu": {"latest": 29_754_422},
    "docker.io/library/debian": {"latest": 48_494_272, "bookworm": 48_494_272},
    "docker.io/polinux/stress": {"latest": 4_121_498},
    "gcr.io/google-samples/hello-go-gke": {"latest": 4_381_769, "1.0": 4_381_769},
    "registry.k8s.io/pause": {"latest": 320_368, "3.10": 320_368, "3.9": 321_520},
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


def digest_of(ref: Reference) -> str:
    """The image's (made-up) manifest digest: the same reference always gets the same one."""
    return "sha256:" + hashlib.sha256(f"{ref.repository}:{ref.tag}".encode()).hexdigest()


class NotInRegistry(Exception):
    """containerd could not pull the image; the message is its rpc error, as the kubelet shows it."""


def resolve(image: str) -> tuple[str, int]:
    """The image's (fully qualified reference, size in bytes), or NotInRegistry in containerd's words."""
    ref = parse(image)
    tags = CATALOG.get(ref.repository)
    if tags is not None and ref.tag in tags and (not ref.digest or ref.digest == digest_of(ref)):
        return str(ref), tags[ref.tag]
    if tags is not None and not ref.tag:  # pinned by digest only
        found = [t for t in tags if digest_of(Reference(ref.domain, ref.path, t)) == ref.digest]
        if found:
            return str(ref), tags[found[0]]
    raise NotInRegistry(pull_error(ref, tags is not None))


def pull_error(ref: Reference, repository_exists: bool) -> str:
    """containerd's message for a reference the registry does not have."""
    full = str(ref)
    prefix = f'failed to pull and unpack image "{full}": failed to resolve reference "{full}": '
    known_hosts = {r.split("/", 1)[0] for r in CATALOG}
    if ref.domain.startswith(("localhost", "127.0.0.1")):
        port = ref.domain.partition(":")[2] or "443"
        return (f'rpc error: code = Unknown desc = {prefix}failed to do request: Head "https://{ref.domain}/v2/'
                f'{ref.path}/manifests/{ref.tag or ref.digest}": dial tcp 127.0.0.1:{port}: connect: '
                "connection refused")
    if ref.domain not in known_hosts:
        return (f'rpc error: code = Unknown desc = {prefix}failed to do request: Head "https://{ref.domain}/v2/'
                f'{ref.path}/manifests/{ref.tag or ref.digest}": dial tcp: lookup {ref.domain}: no such host')
    if ref.domain == DOCKER_HUB and not repository_exists:
        return (f"rpc error: code = Unknown desc = {prefix}pull access denied, repository does not exist or may "
                "require authorization: server message: insufficient_scope: authorization failed")
    return f"rpc error: code = NotFound desc = {prefix}{full}: not found"


def pull_seconds(size: int, cached: bool) -> float:
    """How long a pull takes: the manifest's round trip, then the layers unless the node has them."""
    return round(RESOLVE_SECONDS + (0 if cached else size / BANDWIDTH), 3)


def exists(image: str) -> bool:
    try:
        resolve(image)
    except NotInRegistry:
        return False
    return True


def push(image: str, size: int = 5 * MB) -> str:
    """Add an image to the registry, as `docker push` would; its fully qualified reference."""
    ref = parse(image)
    CATALOG.setdefault(ref.repository, {"latest": size})[ref.tag or "latest"] = size
    return str(ref)


__all__ = ["CATALOG", "NotInRegistry", "Reference", "digest_of", "exists", "parse", "push", "resolve"]
