"""Chapter 02's pictures (k8slite/viz/images.py) show the image they are given: its layers with
the step that made each and what it changed, and the digest chain from a tag to every blob."""

from __future__ import annotations

from image_builders import HELLO

from k8slite.images import Builder, ImageLayout
from k8slite.viz.figure import png_bytes
from k8slite.viz.images import draw_digest_chain, draw_layers


def texts(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_the_layer_stack_names_each_layer_its_step_and_its_changes(layout: ImageLayout) -> None:
    image = Builder(layout).build(HELLO + "RUN rm /app/greeting\n").image
    words = texts(draw_layers(image))
    assert [w for w in words if w.startswith("layer ")] == ["layer 0", "layer 1", "layer 2"]
    assert "/bin/sh -c mkdir /app && echo hello > /app/greeting" in words
    assert "+ /app/greeting  (6 B)" in words and "✕ /app/greeting  (a whiteout)" in words
    assert "files: /etc/passwd" in words  # the whiteout hides the file the layer below still holds


def test_the_digest_chain_shows_every_blob_by_digest(layout: ImageLayout) -> None:
    image = Builder(layout).build(HELLO).image
    words = "\n".join(texts(draw_digest_chain(image, "hello:latest")))
    assert image.digest[:19] in words and image.id[:19] in words
    assert all(layer.digest[:19] in words for layer in image.layers)


def test_the_pictures_repeat_byte_for_byte(layout: ImageLayout) -> None:
    image = Builder(layout).build(HELLO).image
    assert png_bytes(draw_layers(image)) == png_bytes(draw_layers(image))
    assert png_bytes(draw_digest_chain(image, "hello")) == png_bytes(draw_digest_chain(image, "hello"))
