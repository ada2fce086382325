"""Container images as the OCI image spec defines them, built and stored for real:
blobs named by their sha256 on disk (layout.py), layers as gzipped tar changesets
with whiteouts (layers.py), the manifest -> config -> layers chain (image.py), a
Dockerfile builder with the classic builder's output and cache (dockerfile.py,
context.py, run.py, builder.py), a busybox base image from the fake runtime
(busybox.py), what the fake runtime runs of an image (runtime_image.py) and how the
Docker engine gets it (docker_context.py). Reading order: layout, layers, image,
dockerfile, builder.

    layout = ImageLayout("/tmp/images")
    ensure_busybox(layout)
    result = Builder(layout).build("FROM busybox\\nRUN echo hi > /hi.txt\\n", tag="hello", echo=print)
"""

from k8slite.images.builder import Builder, BuildResult, short_id
from k8slite.images.busybox import busybox_image, ensure_busybox
from k8slite.images.dockerfile import BuildError, Instruction, parse
from k8slite.images.image import Image, load, save
from k8slite.images.layers import Layer, Tree, apply_layer, diff, layer_of, make_layer, read_layer, unpack
from k8slite.images.layout import CONFIG, LAYER, MANIFEST, Descriptor, ImageLayout, sha256_digest
from k8slite.images.runtime_image import to_runtime_image

__all__ = [
    "CONFIG", "LAYER", "MANIFEST", "BuildError", "BuildResult", "Builder", "Descriptor", "Image",
    "ImageLayout", "Instruction", "Layer", "Tree", "apply_layer", "busybox_image", "diff", "ensure_busybox",
    "layer_of", "load", "make_layer", "parse", "read_layer", "save", "sha256_digest", "short_id",
    "to_runtime_image", "unpack",
]
