"""The ``busybox`` base image, made from what k8slite's fake runtime treats as
busybox (runtime/images.py's table and the folders every container of its
FileSystem has): one layer with those files and folders, and the config
``Cmd ["sh"]`` and ``PATH`` as Docker Hub's busybox has them. Its programs (sh,
echo, mkdir ...) are the simulated shell's, so they are not files in the layer;
``RUN`` in an image built on it still finds them, as the fake runtime does.

Docker Hub's busybox is a real 2 MB binary with one link per applet; this one is a
few hundred bytes, so ``docker run`` of it would find no /bin/sh (the Docker
runtime uses the engine's own busybox image instead, runtime/busybox.py).
"""

from __future__ import annotations

from k8slite.images.image import Image, save
from k8slite.images.layers import Tree, make_layer
from k8slite.images.layout import ImageLayout
from k8slite.runtime.filesystem import DEFAULT_DIRS
from k8slite.runtime.images import lookup

REFERENCE = "busybox:latest"


def busybox_image() -> Image:
    """The busybox image of the fake runtime, as an OCI image of one layer."""
    known = lookup("busybox")
    root = Tree({path.lstrip("/"): content.encode() for path, content in known.files.items()},
                {d.lstrip("/") for d in DEFAULT_DIRS})
    config = {"Env": [f"{k}={v}" for k, v in known.env.items()], "Cmd": list(known.cmd)}
    return Image().with_step("ADD busybox rootfs (k8slite's fake runtime) in /", make_layer(root), **config)


def ensure_busybox(layout: ImageLayout) -> Image:
    """Put busybox:latest into ``layout`` (as `docker pull busybox` would) and return it."""
    image = busybox_image()
    save(layout, image, REFERENCE)
    return image
