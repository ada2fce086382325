"""From an image built by k8slite to one the Docker engine runs: a ``docker build`` context.

k8slite's busybox layer (busybox.py) holds the fake runtime's files, not a busybox
binary, so the engine could not run it. The engine has a real busybox image
(runtime/busybox.py), so an image built ``FROM busybox`` goes in as that image plus
its own layers: the build context is a Dockerfile ``FROM busybox:latest``, one
``ADD layer<N>.tar.gz /`` per layer above the base (ADD unpacks a local tar), and
the config as ENV, WORKDIR, USER, ENTRYPOINT and CMD lines. No network is needed.

Simplified: whiteouts in those layers are unpacked as ``.wh.`` files instead of
deleting anything; an image on another base goes in whole, ``FROM scratch``.
"""

from __future__ import annotations

import io
import json
import tarfile

from k8slite.images.busybox import busybox_image
from k8slite.images.image import Image

ENGINE_BUSYBOX = "busybox:latest"


def dockerfile(image: Image) -> tuple[str, dict[str, bytes]]:
    """The Dockerfile that remakes ``image`` on the engine, and the layer files it ADDs."""
    base = busybox_image().layers[0].digest
    on_busybox = bool(image.layers) and image.layers[0].digest == base
    layers = image.layers[1:] if on_busybox else image.layers
    lines = [f"FROM {ENGINE_BUSYBOX if on_busybox else 'scratch'}"]
    files = {f"layer{n}.tar.gz": layer.blob for n, layer in enumerate(layers)}
    lines += [f"ADD {name} /" for name in files]
    config = image.config
    lines += [f"ENV {json.dumps(k)}={json.dumps(v)}" for k, _, v in (e.partition("=") for e in config.get("Env", []))]
    if config.get("WorkingDir"):
        lines.append(f"WORKDIR {config['WorkingDir']}")
    if config.get("User"):
        lines.append(f"USER {config['User']}")
    for key in ("Entrypoint", "Cmd"):
        if config.get(key) is not None:
            lines.append(f"{key.upper()} {json.dumps(config[key])}")
    return "\n".join(lines) + "\n", files


def build_context(image: Image) -> bytes:
    """The context tar (the Dockerfile and the layers) for docker build's custom_context."""
    text, files = dockerfile(image)
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tar:
        for name, data in {"Dockerfile": text.encode(), **files}.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()
