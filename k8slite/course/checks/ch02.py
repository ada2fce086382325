"""Checks for notebook 02, images and registries: digests, Dockerfiles, layers and pull failures.

02.1 asks for a layer blob's two names, its digest and its diff_id; they are compared with
the digests that k8slite's builder wrote into the manifests and configs of random images,
and with layers gzipped some other way. 02.2 asks for a Dockerfile; it is built by k8slite's
builder on several build contexts and the image compared with the one asked for, secrets
included: a file removed in a later step is still in its layer. 02.3 asks which layer a file
of an image came from, on random stacks of layers with overwrites and whiteouts. 02.4 asks
for the cause of a pod's trouble from its events alone, on small clusters whose pods pull
images that are there, are not, or cannot be reached.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import random
import tarfile
import tempfile
from collections.abc import Callable
from typing import Any

from k8slite.cluster import Cluster
from k8slite.course.checks import exercise
from k8slite.images import Builder, BuildError, Image, ImageLayout, Tree, ensure_busybox, layer_of, make_layer
from k8slite.images.layers import apply_layer, read_layer

WORDS = ("alpha", "beta", "gamma", "delta", "omega", "kappa")


# ---------------------------------------------------------------- 02.1
def random_tree(rng: random.Random) -> Tree:
    paths = {f"{rng.choice(['app', 'etc', 'srv/www', 'opt/tool'])}/{rng.choice(WORDS)}.{rng.choice(['txt', 'conf'])}"
             for _ in range(rng.randint(1, 4))}
    return Tree({p: rng.randbytes(rng.randint(0, 300)) for p in sorted(paths)})


def other_gzip(rng: random.Random) -> bytes:
    """A layer made as another tool would: its own tar, gzipped at another level."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        data = rng.randbytes(rng.randint(1, 200))
        info = tarfile.TarInfo(f"data/{rng.choice(WORDS)}.bin")
        info.size, info.mtime = len(data), rng.randint(0, 2**31)
        tar.addfile(info, io.BytesIO(data))
    return gzip.compress(raw.getvalue(), compresslevel=rng.randint(1, 9), mtime=rng.randint(0, 2**31))


def check_digests(answer: Any, blob: bytes, digest: str, diff_id: str) -> None:
    assert isinstance(answer, tuple) and len(answer) == 2, (
        f"layer_digests(blob) returned {answer!r}; return a pair (digest, diff_id) of 'sha256:<64 hex>' strings")
    got_digest, got_diff_id = answer
    if (got_digest, got_diff_id) == (diff_id, digest):
        raise AssertionError("digest and diff_id are swapped: the digest hashes the blob as stored (gzipped), "
                             "the diff_id the tar inside it")
    for name, got, want in (("digest", got_digest, digest), ("diff_id", got_diff_id, diff_id)):
        assert got == want, (
            f"the {name} of a {len(blob)}-byte layer should be {want}, not {got!r}. A digest is 'sha256:' and the "
            "hex of hashlib.sha256(...).hexdigest(); the digest hashes the gzipped blob, the diff_id "
            "gzip.decompress(blob)")


@exercise("02.1")
def check_02_1(layer_digests: Callable[[bytes], Any], scenarios: int = 6) -> str:
    assert callable(layer_digests), "define layer_digests(blob) returning (digest, diff_id)"
    tried = 0
    for seed in range(scenarios):
        rng = random.Random(2100 + seed)
        image = Image()
        for _ in range(rng.randint(1, 4)):
            image = image.with_step("COPY . /", make_layer(random_tree(rng)))
        manifest, config = image_json(image)
        for descriptor, diff_id, layer in zip(manifest["layers"], config["rootfs"]["diff_ids"], image.layers):
            check_digests(layer_digests(layer.blob), layer.blob, descriptor["digest"], diff_id)
            tried += 1
        blob = other_gzip(rng)
        check_digests(layer_digests(blob), blob, sha256(blob), sha256(gzip.decompress(blob)))
        tried += 1
    return f"{tried} layers, their digests compared with the manifests' and the configs' diff_ids."


def image_json(image: Image) -> tuple[dict[str, Any], dict[str, Any]]:
    return json.loads(image.manifest_blob()), json.loads(image.config_blob())


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------- 02.2
PAGES = ("index.html", "about.html", "contact.html", "faq.html")


def site_context(rng: random.Random) -> dict[str, str]:
    """A build context: a site/ folder (two to four pages), a secret and a README."""
    context = {f"site/{page}": f"<h1>{page} {rng.randint(0, 10**6)}</h1>\n"
               for page in ["index.html", *rng.sample(PAGES[1:], rng.randint(1, 3))]}
    context["notes/secret-api-key.txt"] = f"API_KEY={rng.randbytes(8).hex()}\n"
    context["README.md"] = f"# site, build {rng.randint(0, 999)}\n"
    return context


def wanted_files(context: dict[str, str]) -> dict[str, bytes]:
    pages = {f"www/{p.removeprefix('site/')}": d.encode() for p, d in context.items() if p.startswith("site/")}
    return {"etc/passwd": b"root:x:0:0:root:/root:/bin/sh\n", **pages, "www/version.txt": b"1.0\n"}


def build(dockerfile: str, context: dict[str, str]) -> Image:
    files: dict[str, str | bytes] = dict(context)
    with tempfile.TemporaryDirectory() as folder:
        layout = ImageLayout(folder)
        ensure_busybox(layout)
        try:
            return Builder(layout).build(dockerfile, files).image
        except BuildError as error:
            raise AssertionError(f"docker build of your Dockerfile failed: {error}") from None


def check_image(image: Image, context: dict[str, str]) -> None:
    files, want = image.rootfs().files, wanted_files(context)
    missing, extra = sorted(set(want) - set(files)), sorted(set(files) - set(want))
    assert not missing and not extra, (
        f"with a context of {sorted(context)}, the image's files should be {sorted('/' + p for p in want)}; "
        f"missing {['/' + p for p in missing]}, extra {['/' + p for p in extra]}")
    wrong = [f"/{p}" for p in want if files[p] != want[p]]
    assert not wrong, f"these files do not hold what they should: {wrong} (version.txt holds the line 1.0)"
    config = image.config
    env = dict(item.split("=", 1) for item in config.get("Env", []))
    assert env.get("PORT") == "8080", f"the image's environment should set PORT=8080; it is {config.get('Env')}"
    assert config.get("WorkingDir") == "/www", f"the working directory should be /www, not {config.get('WorkingDir')!r}"
    assert not config.get("Entrypoint") and config.get("Cmd") == CMD, (
        f"the image should start {CMD} (CMD, exec form, no ENTRYPOINT); it has Entrypoint "
        f"{config.get('Entrypoint')!r} and Cmd {config.get('Cmd')!r}")
    for number, layer in enumerate(image.layers):
        for path, data in read_layer(layer.blob).files.items():
            leaked = [name for name in ("notes/secret-api-key.txt", "README.md") if data == context[name].encode()]
            assert not leaked, (
                f"layer {number} holds the bytes of {leaked[0]} (as /{path}) even if the image's filesystem does not "
                "show it: a later step's rm only adds a whiteout. Copy only what the image needs")
    assert len(image.layers) <= 4, (
        f"the image has {len(image.layers)} layers; busybox's and at most three of yours are asked for. "
        "Only RUN, COPY, ADD and a WORKDIR that makes its folder add one")


CMD = ["httpd", "-f", "-p", "8080", "-h", "/www"]


@exercise("02.2")
def check_02_2(dockerfile: Any, scenarios: int = 5) -> str:
    assert isinstance(dockerfile, str) and dockerfile.strip(), "set dockerfile to the text of a Dockerfile"
    for seed in range(scenarios):
        context = site_context(random.Random(2200 + seed))
        check_image(build(dockerfile, context), context)
    return f"built on {scenarios} build contexts; files, config and layers as asked, no secret in any layer."


# ---------------------------------------------------------------- 02.3
PATHS = ("app/main.py", "app/lib/util.py", "app/lib/db.py", "etc/app.conf", "etc/motd", "var/log/app.log")


def random_stack(rng: random.Random) -> list[bytes]:
    """Layers that add, overwrite and delete files and whole folders, and bring some back."""
    root, blobs = Tree(), []
    for _ in range(rng.randint(2, 6)):
        changes = Tree()
        present = sorted(root.files)
        if present and rng.random() < 0.6:
            gone = rng.choice(present)
            folder = gone.rpartition("/")[0]
            changes.deleted.add(folder if folder and rng.random() < 0.4 else gone)
        for path in rng.sample(PATHS, rng.randint(1, 3)):
            if not any(path == d or path.startswith(d + "/") for d in changes.deleted):
                changes.files[path] = f"{path} v{rng.randint(1, 99)}\n".encode()
        blobs.append(make_layer(changes).blob)
        root = apply_layer(root, changes)
    return blobs


def describe(blobs: list[bytes]) -> str:
    lines = []
    for number, blob in enumerate(blobs):
        changes = read_layer(blob)
        lines.append(f"  layer {number}: writes {sorted(changes.files)}, whiteouts {sorted(changes.deleted)}")
    return "\n".join(lines)


@exercise("02.3")
def check_02_3(which_layer: Callable[[list[bytes], str], Any], scenarios: int = 30) -> str:
    assert callable(which_layer), "define which_layer(blobs, path) returning a layer number or None"
    tried = 0
    for seed in range(scenarios):
        rng = random.Random(2300 + seed)
        blobs = random_stack(rng)
        for path in PATHS:
            for asked in (path, "/" + path):
                want, got = layer_of(blobs, asked), which_layer(list(blobs), asked)
                assert got == want, (
                    f"which_layer(blobs, {asked!r}) returned {got!r}, but the file "
                    + (f"comes from layer {want}" if want is not None else "is not in the image's filesystem")
                    + f". The layers:\n{describe(blobs)}\nA later layer that writes a file wins; a whiteout of the "
                    "file or of a folder above it removes what the layers below wrote")
                tried += 1
    return f"{tried} questions on {scenarios} stacks of layers."


# ---------------------------------------------------------------- 02.4
CAUSES = ("running", "still pulling", "tag not found", "repository not found", "unknown registry host",
          "registry down", "not on node, pull policy Never", "container crashing")

CASES: dict[str, list[dict[str, Any]]] = {
    "running": [{"image": "busybox:1.36"}, {"image": "nginx:1.25"}, {"image": "redis:7"}],
    "still pulling": [{"image": "perl:5.34.0"}, {"image": "python:3.12"}],
    "tag not found": [{"image": "nginx:1.99"}, {"image": "busybox:9.9"}, {"image": "redis:99"}],
    "repository not found": [{"image": "ngnix:1.25"}, {"image": "bussybox"}, {"image": "acme/shop-web:1.0"}],
    "unknown registry host": [{"image": "registry.example.com/shop/web:1.0"}, {"image": "ghcr.example/x/y:2"}],
    "registry down": [{"image": "localhost:5001/shop/web:1.0"}, {"image": "127.0.0.1:5002/app:dev"}],
    "not on node, pull policy Never": [{"image": "nginx:1.27", "imagePullPolicy": "Never"},
                                       {"image": "httpd:2.4", "imagePullPolicy": "Never"}],
    "container crashing": [{"image": "busybox:1.36", "command": ["sh", "-c", "sleep 1; exit 1"]},
                           {"image": "busybox:1.36", "command": ["sh", "-c", "echo missing config; exit 3"]}],
}


def trouble_pod(rng: random.Random, name: str, cause: str) -> dict[str, Any]:
    container = {"name": "app", **rng.choice(CASES[cause])}
    if "command" not in container and container["image"].startswith("busybox"):
        container["command"] = ["sh", "-c", "sleep 3600"]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": {"containers": [container]}}


def truth(c: Cluster, name: str, cause: str) -> str:
    """What is true of the pod now: a healthy or crashing pod may still be pulling its image."""
    status = c.get("pod", name).status.container_statuses[0]
    started = status.container_id or status.restart_count > 0 or status.state.running or status.state.terminated
    if cause in ("running", "container crashing", "still pulling") and not started:
        return "still pulling"
    if cause == "container crashing" and status.restart_count == 0 and not status.state.terminated:
        return "running"  # it has not crashed yet
    return "running" if cause == "still pulling" else cause


@exercise("02.4")
def check_02_4(diagnose: Callable[[list[Any]], Any], scenarios: int = 6) -> str:
    assert callable(diagnose), "define diagnose(events) returning one of CAUSES"
    tried = 0
    for seed in range(scenarios):
        rng = random.Random(2400 + seed)
        c = Cluster(nodes=2, seed=seed)
        causes = {f"pod-{i}": rng.choice(CAUSES) for i in range(8)}
        c.apply([trouble_pod(rng, name, cause) for name, cause in causes.items()])
        c.run(rng.choice([4, 8, 15, 40, 120]))
        for name, cause in causes.items():
            events = [e for e in c.events() if e.involved_object.name == name]
            want, got = truth(c, name, cause), diagnose(list(events))
            shown = "\n".join(f"  {e.type:7} {e.reason:17} (x{e.count}) {e.message}" for e in events)
            assert got == want, (
                f"diagnose(events) returned {got!r} for a pod ({c.get('pod', name).spec.containers[0].image}) "
                f"whose trouble is {want!r}, at {c.now:g} s. Its events:\n{shown}")
            tried += 1
    return f"{tried} pods diagnosed from their events on {scenarios} clusters."
