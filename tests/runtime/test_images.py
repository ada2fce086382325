"""The fake runtime's image table and pulls, image references, and Kubernetes' command/args rule."""

from __future__ import annotations

import pytest

from k8slite.clock import VirtualClock
from k8slite.runtime.cri import ImagePullError
from k8slite.runtime.fake import FakeNetwork, FakeRuntime
from k8slite.runtime.filesystem import FileSystem, Volume, normpath
from k8slite.runtime.images import Image, lookup, repository, resolve_argv


@pytest.mark.parametrize("reference, name", [
    ("nginx", "nginx"),
    ("nginx:1.14.2", "nginx"),
    ("docker.io/library/nginx:latest", "nginx"),
    ("registry.k8s.io/busybox:1.27.2", "busybox"),
    ("gcr.io/google-samples/hello-go-gke:1.0", "google-samples/hello-go-gke"),
    ("busybox@sha256:" + "0" * 64, "busybox"),
    ("localhost:5000/myapp:dev", "myapp"),
    ("localhost/myapp", "myapp"),
    ("bitnami/redis:7", "bitnami/redis"),
])
def test_repository(reference: str, name: str) -> None:
    assert repository(reference) == name


@pytest.mark.parametrize("reference, name, entrypoint, cmd", [
    ("busybox", "busybox", [], ["sh"]),
    ("alpine:3.19", "alpine", [], ["/bin/sh"]),
    ("ubuntu", "ubuntu", [], ["bash"]),
    ("debian:bookworm", "debian", [], ["bash"]),
    ("nginx:1.14.2", "nginx", [], ["nginx", "-g", "daemon off;"]),
    ("httpd:2.4", "httpd", [], ["httpd-foreground"]),
    ("docker.io/library/redis", "redis", [], ["redis-server"]),
    ("perl", "perl", [], ["perl"]),
    ("python:3.12", "python", [], ["python3"]),
    ("gcr.io/google-samples/hello-go-gke:1.0", "hello-go-gke", [], ["/hello"]),
    ("registry.k8s.io/pause:3.9", "pause", ["/pause"], []),
    ("example.com/team/unknown-app:2", "team/unknown-app", [], []),
])
def test_lookup(reference: str, name: str, entrypoint: list[str], cmd: list[str]) -> None:
    image = lookup(reference)
    assert (image.name, image.entrypoint, image.cmd) == (name, entrypoint, cmd)
    assert "PATH" in image.env or not image.files


def test_image_files() -> None:
    assert "Welcome to nginx!" in lookup("nginx").files["/usr/share/nginx/html/index.html"]
    assert lookup("httpd").files["/usr/local/apache2/htdocs/index.html"] == (
        "<html><body><h1>It works!</h1></body></html>\n")


IMAGE = Image("app", entrypoint=["/entry"], cmd=["--default"], files={})


@pytest.mark.parametrize("command, args, argv", [
    (None, None, ["/entry", "--default"]),               # the image's own
    (None, ["--flag"], ["/entry", "--flag"]),            # args replace CMD
    (["/bin/sh", "-c"], None, ["/bin/sh", "-c"]),        # command alone ignores CMD
    (["run"], ["x", "y"], ["run", "x", "y"]),            # command + args
    ([], [], ["/entry", "--default"]),                   # empty lists count as unset
])
def test_resolve_argv(command: list[str] | None, args: list[str] | None, argv: list[str]) -> None:
    assert resolve_argv(IMAGE, command, args) == argv


@pytest.mark.parametrize("path, normal", [
    ("/", "/"), ("//a//b/", "/a/b"), ("/a/./b/../c", "/a/c"), ("/../x", "/x"), ("a/b", "/a/b"),
])
def test_normpath(path: str, normal: str) -> None:
    assert normpath(path) == normal


def test_each_container_gets_its_own_copy_of_the_image() -> None:
    files = lookup("nginx").files
    one, two = FileSystem(files), FileSystem(files)
    one.write("/usr/share/nginx/html/index.html", "changed")
    assert "Welcome" in two.read("/usr/share/nginx/html/index.html")
    assert "Welcome" in files["/usr/share/nginx/html/index.html"]


def test_mounts_share_a_volume_longest_prefix_first() -> None:
    outer, inner = Volume(), Volume()
    a = FileSystem(mounts={"/data": outer, "/data/cache": inner})
    b = FileSystem(mounts={"/shared/": inner})
    a.write("/data/cache/x", "1")
    a.write("/data/y", "2")
    assert inner.files == {"x": "1"} and outer.files == {"y": "2"}
    assert b.read("/shared/x") == "1" and b.listdir("/shared") == ["x"]
    assert a.listdir("/data") == ["cache", "y"] and a.is_dir("/data/cache")


@pytest.mark.parametrize("action, error", [
    (lambda fs: fs.read("/nope"), FileNotFoundError),
    (lambda fs: fs.read("/tmp"), IsADirectoryError),
    (lambda fs: fs.write("/no/dir/f", "x"), FileNotFoundError),
    (lambda fs: fs.write("/tmp", "x"), IsADirectoryError),
    (lambda fs: fs.mkdir("/tmp"), FileExistsError),
    (lambda fs: fs.mkdir("/a/b"), FileNotFoundError),
    (lambda fs: fs.remove("/tmp"), IsADirectoryError),
    (lambda fs: fs.remove("/nope"), FileNotFoundError),
    (lambda fs: fs.listdir("/nope"), FileNotFoundError),
])
def test_filesystem_errors(action, error) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error):
        action(FileSystem())


def test_filesystem_basics() -> None:
    fs = FileSystem({"/etc/app.conf": "a=1"})
    fs.mkdir("/x/y/z", parents=True)
    fs.write("/x/y/z/f", "1")
    fs.write("/x/y/z/f", "2", append=True)
    assert fs.read("/x/y/z/f") == "12" and fs.listdir("/x/y") == ["z"]
    assert fs.exists("/etc/app.conf") and not fs.is_dir("/etc/app.conf")
    fs.remove("/x/y/z/f")
    assert fs.is_dir("/x/y/z") and fs.listdir("/x/y/z") == []
    fs.remove("/x", recursive=True)
    assert not fs.exists("/x/y")
    fs.write("/dev/null", "gone")
    assert fs.read("/dev/null") == ""


def test_the_fake_runtime_pulls_from_the_pocket_registry() -> None:
    """containerd's answers, as a kubelet's Failed to pull image event quotes them."""
    runtime = FakeRuntime(VirtualClock(), FakeNetwork(), "node-1")
    assert runtime.image_status("nginx:1.14.2") is None
    pulled = runtime.pull_image("nginx:1.14.2")
    assert (pulled.ref, pulled.size) == ("docker.io/library/nginx:1.14.2", 44709525)
    assert pulled.seconds == 0.8 + 2.235  # the registry's answer, then 44.7 MB at 20 MB/s (registry.pull_seconds)
    assert runtime.image_status("nginx:1.14.2") == runtime.image_status("docker.io/library/nginx:1.14.2")
    assert runtime.image_status("nginx:1.14.2").size == pulled.size
    assert runtime.pull_image("nginx:1.14.2").seconds == 0.8  # on the node already: only the registry's answer
    with pytest.raises(ImagePullError, match=r'docker\.io/library/nginx:1\.14\.3": docker\.io/library/nginx:1\.14\.3: '
                                             "not found$"):
        runtime.pull_image("nginx:1.14.3")
    with pytest.raises(ImagePullError, match="pull access denied, repository does not exist"):
        runtime.pull_image("docker.io/library/ngnix:1.14.2")
    assert runtime.image_status("nginx:1.14.3") is None
