"""The Dockerfile builder: one layer per filesystem-changing step, RUN through the
simulated shell, the classic builder's output and cache, and its error words."""

from __future__ import annotations

import io
import tarfile

import pytest

from k8slite.images import Builder, BuildError, ImageLayout, busybox_image, layer_of, load, to_runtime_image

APP = """FROM busybox
ENV GREETING=hello
WORKDIR /app
COPY greeting.txt .
RUN echo "$GREETING from RUN" > made.txt && rm /etc/passwd
LABEL org.opencontainers.image.title=app
USER nobody
ENTRYPOINT ["cat"]
CMD ["/app/made.txt"]
"""


def test_each_file_changing_step_adds_one_layer_and_the_others_only_config(layout: ImageLayout) -> None:
    image = Builder(layout).build(APP, {"greeting.txt": "hi\n"}, tag="app").image
    # busybox's layer, WORKDIR's new folder, COPY, RUN: four layers; ENV, LABEL, USER, ENTRYPOINT, CMD: none
    assert len(image.layers) == 4
    assert image.config == {
        "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "GREETING=hello"],
        "Cmd": ["/app/made.txt"], "Entrypoint": ["cat"], "WorkingDir": "/app", "User": "nobody",
        "Labels": {"org.opencontainers.image.title": "app"},
    }


def test_run_goes_through_the_simulated_shell_and_its_changes_become_a_layer(layout: ImageLayout) -> None:
    image = Builder(layout).build(APP, {"greeting.txt": "hi\n"}).image
    root = image.rootfs()
    assert root.files["app/made.txt"] == b"hello from RUN\n"  # $GREETING from ENV, cwd from WORKDIR
    assert "etc/passwd" not in root.files  # rm in RUN: a whiteout in the RUN's layer
    blobs = [layer.blob for layer in image.layers]
    assert (layer_of(blobs, "/app/greeting.txt"), layer_of(blobs, "/app/made.txt")) == (2, 3)


def test_the_output_is_the_classic_builders(layout: ImageLayout) -> None:
    result = Builder(layout).build("FROM busybox\nRUN echo built\n", tag="x")
    image_id = result.image.id.removeprefix("sha256:")[:12]
    lines = result.output
    assert lines[0] == "Step 1/2 : FROM busybox"
    assert lines[2] == "Step 2/2 : RUN echo built"
    assert lines[3].startswith(" ---> Running in ") and lines[4] == "built"
    assert lines[5].startswith("Removing intermediate container ")
    assert lines[-2:] == [f"Successfully built {image_id}", "Successfully tagged x:latest"]


def test_an_unchanged_step_on_the_same_parent_uses_the_cache(layout: ImageLayout) -> None:
    builder = Builder(layout)
    first = builder.build(APP, {"greeting.txt": "hi\n"})
    again = builder.build(APP, {"greeting.txt": "hi\n"})
    assert again.image.digest == first.image.digest
    # the classic builder's words for a reused step (moby builder/dockerfile/internals.go: " ---> Using cache")
    assert again.output.count(" ---> Using cache") == 8
    changed = builder.build(APP, {"greeting.txt": "changed\n"})
    # ENV and WORKDIR still come from the cache; COPY's file changed, so it and every step after run again
    assert changed.output.count(" ---> Using cache") == 2
    assert changed.image.layers[:2] == first.image.layers[:2]  # busybox and WORKDIR's layers: reused
    assert changed.image.layers[2] != first.image.layers[2]  # COPY's layer: made again


def test_an_unknown_instruction_fails_with_the_parse_error() -> None:
    # moby builder/dockerfile/instructions/parse.go: "Dockerfile parse error line %d: unknown instruction: %s"
    with pytest.raises(BuildError, match="^Dockerfile parse error line 2: unknown instruction: COPPY$"):
        Builder.__new__(Builder).build("FROM busybox\ncoppy a b\n")


def test_copy_of_a_missing_file_fails_with_dockers_words(layout: ImageLayout) -> None:
    # the classic builder's words (moby builder/dockerfile/copy.go), as `docker build` prints them
    with pytest.raises(BuildError, match="^COPY failed: file not found in build context or excluded by "
                                         r"\.dockerignore: stat missing\.txt: file does not exist$"):
        Builder(layout).build("FROM busybox\nCOPY missing.txt /app/\n", {})


def test_from_a_missing_image_fails_as_a_pull_that_is_denied(layout: ImageLayout) -> None:
    with pytest.raises(BuildError, match="^pull access denied for nosuchimage, repository does not exist"):
        Builder(layout).build("FROM nosuchimage:1.0\n")


def test_a_failing_run_stops_the_build_with_its_exit_code(layout: ImageLayout) -> None:
    # moby builder/dockerfile/dispatchers.go (classic builder): "The command '%s' returned a non-zero code: %d"
    with pytest.raises(BuildError, match=r"^The command '/bin/sh -c cat /nothing' returned a non-zero code: 1$"):
        Builder(layout).build("FROM busybox\nRUN cat /nothing\n")


def test_from_scratch_and_add_unpacks_a_local_tar(tmp_path) -> None:
    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w:gz") as tar:
        info = tarfile.TarInfo("site/index.html")
        info.size = 3
        tar.addfile(info, io.BytesIO(b"hi\n"))
    layout = ImageLayout(tmp_path / "images")
    image = Builder(layout).build("FROM scratch\nADD site.tar.gz /srv/\nCOPY notes.txt /srv/\n",
                                  {"site.tar.gz": archive.getvalue(), "notes.txt": "n\n"}).image
    assert sorted(image.rootfs().files) == ["srv/notes.txt", "srv/site/index.html"]


def test_the_busybox_base_is_the_fake_runtimes_and_runs_on_it(layout: ImageLayout) -> None:
    assert load(layout, "busybox").digest == busybox_image().digest
    Builder(layout).build('FROM busybox\nRUN mkdir /www && echo ok > /www/index.html\nCMD ["httpd"]\n', tag="web")
    runtime_image = to_runtime_image(load(layout, "web"), "web")
    assert runtime_image.files["/www/index.html"] == "ok\n" and runtime_image.cmd == ["httpd"]


def test_entrypoint_drops_the_cmd_of_the_base_image(layout: ImageLayout) -> None:
    # moby builder/dockerfile/dispatchers.go (dispatchEntrypoint): without an earlier CMD, Cmd becomes nil
    image = Builder(layout).build('FROM busybox\nENTRYPOINT ["echo"]\n').image
    assert load(layout, "busybox").config["Cmd"] == ["sh"]
    assert image.config["Entrypoint"] == ["echo"] and image.config["Cmd"] is None
    kept = Builder(layout).build('FROM busybox\nCMD ["hi"]\nENTRYPOINT ["echo"]\n').image
    assert kept.config["Cmd"] == ["hi"]
