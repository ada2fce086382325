"""An image as image-spec defines it: a *manifest* (manifest.md) that points at a
*config* (config.md) and at the layers, each by digest. The digest chain is
reference -> manifest -> config + layers: change one byte of one layer and its
digest changes, so the manifest changes, so the image's digest changes.

The config holds what a container starts with (``config.Env``, ``Cmd``,
``Entrypoint``, ``WorkingDir``, ``User``, ``Labels``), ``rootfs.diff_ids`` (the
uncompressed layers, in order) and ``history`` (one entry per build step; steps
that made no layer say ``empty_layer``). Docker's *image ID* is the config's digest.

Left out: ``created`` times (so one Dockerfile always gives one digest),
``ExposedPorts``, ``Volumes``, ``StopSignal`` and platforms other than linux/amd64.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from k8slite.images.layers import Layer, Tree, unpack
from k8slite.images.layout import CONFIG, MANIFEST, Descriptor, ImageLayout, canonical_json, describe


@dataclass(frozen=True)
class Image:
    """An image: its layers and the container config, as a build step leaves them."""

    layers: tuple[Layer, ...] = ()
    config: dict[str, Any] = field(default_factory=dict)
    """The config's "config" object: Env, Cmd, Entrypoint, WorkingDir, User, Labels (Docker's spelling)."""
    history: tuple[dict[str, Any], ...] = ()
    """One entry per step: {"created_by": "...", "empty_layer": true when it made no layer}."""

    def with_step(self, created_by: str, layer: Layer | None = None, **config: Any) -> Image:
        """This image after one more step: maybe a layer, maybe config changes."""
        entry: dict[str, Any] = {"created_by": created_by}
        if layer is None:
            entry["empty_layer"] = True
        layers = self.layers if layer is None else (*self.layers, layer)
        return replace(self, layers=layers, config={**self.config, **config}, history=(*self.history, entry))

    def config_blob(self) -> bytes:
        return canonical_json({
            "architecture": "amd64", "os": "linux", "config": self.config,
            "rootfs": {"type": "layers", "diff_ids": [layer.diff_id for layer in self.layers]},
            "history": list(self.history),
        })

    @property
    def id(self) -> str:
        """Docker's image ID: the config's digest."""
        return describe(CONFIG, self.config_blob()).digest

    def manifest_blob(self) -> bytes:
        return canonical_json({
            "schemaVersion": 2, "mediaType": MANIFEST,
            "config": describe(CONFIG, self.config_blob()).to_dict(),
            "layers": [layer.descriptor.to_dict() for layer in self.layers],
        })

    @property
    def digest(self) -> str:
        """The image's digest (what ``name@sha256:...`` names): the manifest's digest."""
        return describe(MANIFEST, self.manifest_blob()).digest

    def rootfs(self) -> Tree:
        """The root filesystem: the layers unpacked in order, whiteouts applied."""
        return unpack([layer.blob for layer in self.layers])


def save(layout: ImageLayout, image: Image, reference: str | None = None) -> Descriptor:
    """Write the image's blobs into the layout and, given a reference, tag it there."""
    for layer in image.layers:
        layout.put_blob(layer.blob, layer.descriptor.media_type)
    layout.put_blob(image.config_blob(), CONFIG)
    manifest = layout.put_blob(image.manifest_blob(), MANIFEST)
    if reference is not None:
        layout.tag(reference if ":" in reference.rpartition("/")[2] else reference + ":latest", manifest)
    return manifest


def load(layout: ImageLayout, reference: str) -> Image:
    """The image a reference names in the layout, read back from its blobs; KeyError if none."""
    return from_blobs(layout.get_blob(layout.resolve(reference).digest), layout.get_blob)


def from_blobs(manifest_blob: bytes, blob: Callable[[str], bytes]) -> Image:
    """The image a manifest names, its config and layers read by digest with ``blob`` (a layout's, a registry's)."""
    manifest = json.loads(manifest_blob)
    config = json.loads(blob(manifest["config"]["digest"]))
    layers = tuple(Layer(blob(d["digest"]), diff_id)
                   for d, diff_id in zip(manifest["layers"], config["rootfs"]["diff_ids"]))
    return Image(layers, dict(config.get("config", {})), tuple(config.get("history", [])))
