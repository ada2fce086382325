"""The kubelet pulls from the cluster's registry: images by digest, layers a node already has, tags that move."""

import random
from pathlib import Path

import pytest
from builders import make_pod

from k8slite import Cluster
from k8slite.clock import go_duration
from k8slite.cluster import default_node
from k8slite.images import Builder, ImageLayout, ensure_busybox
from k8slite.images.docker_context import dockerfile
from k8slite.images.image import save
from k8slite.registry_server import RegistryClient, RegistryServer
from k8slite.runtime.registry import BANDWIDTH, LOCAL, RESOLVE_SECONDS

HELLO = 'FROM busybox\nCOPY data /data\nRUN echo hello > /greeting\nCMD ["cat", "/greeting"]\n'
BONJOUR = 'FROM busybox\nCOPY data /data\nRUN echo bonjour > /greeting\nCMD ["cat", "/greeting"]\n'
DATA = random.Random(0).randbytes(2_000_000)  # does not compress: a 2 MB layer, 0.1 s at the registry's bandwidth


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Two images on one busybox base, built once for the module."""
    layout = ImageLayout(Path(tmp_path_factory.mktemp("images")))
    ensure_busybox(layout)
    builder = Builder(layout)
    return {name: builder.build(dockerfile, {"data": DATA}, tag=name).image
            for name, dockerfile in (("hello", HELLO), ("bonjour", BONJOUR))}


def pod(name: str, image: str, policy: str = "IfNotPresent", node: str = "node-1"):
    p = make_pod(name, image=image)
    p.spec.containers[0].command, p.spec.containers[0].image_pull_policy = [], policy
    p.spec.node_name, p.spec.restart_policy = node, "Never"
    return p


def pulled(c: Cluster, name: str) -> str:
    return next(e.message for e in c.events() if e.reason == "Pulled" and e.involved_object.name == name)


def test_a_container_reports_its_image_by_the_manifests_digest():
    c = Cluster(nodes=1, seed=0)
    c.apply(pod("web", "nginx:1.14.2"))
    c.run(10)
    _, manifest = c.registry.resolve("nginx:1.14.2")
    status = c.get("pod", "web").status.container_statuses[0]
    assert status.image_id == f"docker.io/library/nginx@{manifest.digest}"
    assert f"Image ID:       docker.io/library/nginx@{manifest.digest}" in c.kubectl("describe pod web")
    (listed,) = c.get("node", "node-1").status.images  # nodestatus.Images: digests first, then tags
    assert (listed.names, listed.size_bytes) == ([status.image_id, "docker.io/library/nginx:1.14.2"], 44709525)


def test_a_pushed_image_runs_with_its_own_files_and_command(built):
    c = Cluster(nodes=1, seed=0)
    reference = c.registry.push("localhost:5000/hello:1", built["hello"])
    assert reference == f"localhost:5000/hello@{built['hello'].digest}"
    c.apply(pod("hello", "localhost:5000/hello:1"))
    c.run(10)
    assert c.logs("hello") == "hello\n"
    assert c.get("pod", "hello").status.container_statuses[0].image_id == reference


def test_a_pull_fetches_only_the_layers_the_node_lacks(built):
    c = Cluster(nodes=1, seed=0)
    c.registry.push("localhost:5000/hello:1", built["hello"])
    c.registry.push("localhost:5000/bonjour:1", built["bonjour"])
    c.apply(pod("hello", "localhost:5000/hello:1"))
    c.run(10)
    c.apply(pod("bonjour", "localhost:5000/bonjour:1"))
    c.run(10)
    base, data, run = built["bonjour"].layers
    assert [base.digest, data.digest] == [layer.digest for layer in built["hello"].layers[:2]]  # shared
    whole = RESOLVE_SECONDS + sum(len(layer.blob) for layer in built["hello"].layers) / BANDWIDTH
    assert f"in {go_duration(round(whole, 3))} (" in pulled(c, "hello") and whole > RESOLVE_SECONDS + 0.09
    assert "in 800ms" in pulled(c, "bonjour")  # only the RUN layer: far less than a millisecond


def test_a_tag_pushed_again_moves_but_a_node_keeps_what_it_pulled(built):
    c = Cluster(nodes=2, seed=0)
    first = c.registry.push("localhost:5000/greeter:v1", built["hello"])
    c.apply(pod("old", "localhost:5000/greeter:v1", node="node-1"))
    c.run(10)
    second = c.registry.push("localhost:5000/greeter:v1", built["bonjour"])  # same tag, new content
    c.apply(pod("again", "localhost:5000/greeter:v1", node="node-1"))  # IfNotPresent: node-1 has the tag
    c.run(5)
    c.apply([pod("fresh", "localhost:5000/greeter:v1", node="node-2"),  # node-2 pulls what v1 is now
             pod("always", "localhost:5000/greeter:v1", policy="Always", node="node-1")])
    c.run(10)
    names = ("old", "again", "fresh", "always")
    ids = {name: c.get("pod", name).status.container_statuses[0].image_id for name in names}
    assert ids == {"old": first, "again": first, "fresh": second, "always": second}
    assert [c.logs(name) for name in ("again", "fresh", "always")] == ["hello\n", "bonjour\n", "bonjour\n"]


def test_a_tag_the_cluster_registry_does_not_have_is_not_found():
    c = Cluster(nodes=1, seed=0)
    c.apply(pod("nope", "localhost:5000/nope:1"))
    c.run(5)
    failed = [e.message for e in c.events() if e.reason == "Failed" and e.message.startswith("Failed to pull")]
    assert failed[0] == ('Failed to pull image "localhost:5000/nope:1": rpc error: code = NotFound desc = failed to '
                         'pull and unpack image "localhost:5000/nope:1": failed to resolve reference '
                         '"localhost:5000/nope:1": localhost:5000/nope:1: not found')
    assert c.get("pod", "nope").status.container_statuses[0].state.waiting.reason == "ImagePullBackOff"


def small_disk_cluster(disk: str = "100Mi") -> Cluster:
    """One node whose image filesystem holds `disk` (its ephemeral-storage capacity), no other nodes."""
    c = Cluster(nodes=0, seed=0)
    node = default_node(1)
    node.status.capacity["ephemeral-storage"] = disk
    c.add_node(node)
    return c


def test_unused_images_go_least_recently_used_first_when_the_disk_is_85_percent_full():
    c = small_disk_cluster()
    c.apply([pod("web", "nginx:1.14.2"), pod("tools", "busybox:1.36"), pod("site", "httpd:2.4")])
    c.run(310)  # 44.7 MB + 4.3 MB + 58.2 MB of 100 MiB: 102 %; the collection at 300 s saw all three in use
    c.delete("pod", "web")  # nginx last used at 300 s
    c.run(300)  # at 600 s nginx is unused, and first seen 5 minutes ago: it goes
    names = {i.names[1] for i in c.get("node", "node-1").status.images}
    assert names == {"docker.io/library/busybox:1.36", "docker.io/library/httpd:2.4"}  # 62.5 MB: under 80 %
    failed = [e for e in c.events() if e.reason == "FreeDiskSpaceFailed"]
    assert [e.last_timestamp for e in failed] == [300.0]  # at 300 s all three were in use


def test_the_least_recently_used_image_goes_first():
    c = small_disk_cluster("150Mi")
    c.apply([pod("web", "nginx:1.14.2"), pod("site", "httpd:2.4")])  # 102.9 MB: 65 %
    c.run(310)
    c.delete("pod", "web")  # nginx last used at 300 s
    c.run(300)
    c.delete("pod", "site")  # httpd last used at 600 s
    c.apply(pod("cache", "redis:7"))  # + 45.0 MB: 94 %
    c.run(300)  # at 900 s: two unused images; nginx, used longer ago, goes, and that is enough
    names = {i.names[1] for i in c.get("node", "node-1").status.images}
    assert names == {"docker.io/library/httpd:2.4", "docker.io/library/redis:7"}


def test_images_in_use_are_kept_and_the_node_says_it_could_not_free_enough():
    c = small_disk_cluster()
    c.apply([pod("web", "nginx:1.14.2"), pod("site", "httpd:2.4")])
    c.run(601)
    assert len(c.get("node", "node-1").status.images) == 2  # both in use: nothing to delete
    failed = [e for e in c.events() if e.reason in ("FreeDiskSpaceFailed", "ImageGCFailed")]
    to_free = 44709525 + 58243011 - 100 * 1024 * 1024 * 80 // 100
    # collections at 0 s (no images yet), 300 s and 600 s: two failures, the second also ImageGCFailed
    assert [(e.reason, e.count, e.involved_object.kind, e.type) for e in failed] == [
        ("FreeDiskSpaceFailed", 2, "Node", "Warning"), ("ImageGCFailed", 1, "Node", "Warning")]
    assert failed[0].message == ("Failed to garbage collect required amount of images. Attempted to free "
                                 f"{to_free} bytes, but only found 0 bytes eligible to free.")


def test_a_built_image_goes_to_docker_as_the_engines_busybox_plus_its_own_layers(built):
    text, files = dockerfile(built["hello"])
    lines = text.splitlines()
    assert lines[:3] == ["FROM busybox:latest", "ADD layer0.tar.gz /", "ADD layer1.tar.gz /"]
    assert lines[-1] == 'CMD ["cat", "/greeting"]' and lines[3].startswith('ENV "PATH"=')
    assert files == {"layer0.tar.gz": built["hello"].layers[1].blob, "layer1.tar.gz": built["hello"].layers[2].blob}


def test_the_cluster_registry_served_over_http_takes_a_push_that_a_pod_then_runs(built, tmp_path):
    c = Cluster(nodes=1, seed=0)
    layout = ImageLayout(tmp_path / "images")
    save(layout, built["hello"], "hello:latest")
    with RegistryServer(storage=c.registry.hosts[LOCAL]) as server:
        digest = RegistryClient(server.url).push(layout, "hello:latest", "hello", "1.0")
    c.apply(pod("hello", "localhost:5000/hello:1.0"))
    c.run(10)
    assert c.get("pod", "hello").status.container_statuses[0].image_id == f"localhost:5000/hello@{digest}"
    assert c.logs("hello") == "hello\n"
