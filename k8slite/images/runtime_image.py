"""From an OCI image to what k8slite's fake runtime starts a container from
(runtime/images.py's Image): the root filesystem unpacked, and the config's
Entrypoint, Cmd, WorkingDir, Env and User. This is the hand-over for the kubelet's image
pulls; files that are not UTF-8 text reach the fake runtime as surrogate escapes."""

from __future__ import annotations

from k8slite.images.image import Image
from k8slite.images.run import environment
from k8slite.runtime import images as runtime_images


def to_runtime_image(image: Image, name: str) -> runtime_images.Image:
    """The fake runtime's view of ``image``, under the repository name ``name``."""
    root = image.rootfs()
    files = {"/" + path: data.decode("utf-8", "surrogateescape") for path, data in root.files.items()}
    config = image.config
    return runtime_images.Image(name, list(config.get("Entrypoint") or []), list(config.get("Cmd") or []),
                                files, config.get("WorkingDir") or "/", environment(config), config.get("User") or "")
