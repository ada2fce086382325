"""Images in the fake runtime: the registry's catalog, pulls, pull failures and imagePullPolicy.

Words from pkg/kubelet/images/image_manager.go (1.32, EnsureImageExists), the `Error: <reason>`
events from pkg/kubelet/kuberuntime/kuberuntime_container.go (startContainer), containerd's
errors as a kubelet shows them, and defaulting from pkg/apis/core/v1/defaults.go.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from builders import EXAMPLES, make_pod, need_examples

from k8slite import Cluster
from k8slite.api.defaults import default_pull_policy
from k8slite.clock import go_duration
from k8slite.errors import NotFound
from k8slite.runtime.registry import CATALOG, LOCAL, exists, parse, resolve

ROOT = Path(__file__).resolve().parents[1]
NOT_FOUND = ("rpc error: code = NotFound desc = failed to pull and unpack image "
             '"docker.io/library/nginx:doesnotexist": failed to resolve reference '
             '"docker.io/library/nginx:doesnotexist": docker.io/library/nginx:doesnotexist: not found')


def events_of(c: Cluster, pod: str) -> list[tuple[float, str, str, str]]:
    return [(e.time, e.type, e.reason, e.message) for e in c.events() if e.involved_object.name == pod
            and e.reason != "Scheduled"]


def waiting(c: Cluster, pod: str) -> tuple[str, str]:
    state = c.get("pod", pod).status.container_statuses[0].state.waiting
    return (state.reason, state.message) if state else ("", "")


# ------------------------------------------------------------------ the catalog
def images_in(value: object) -> list[str]:
    """Every containers[].image in a decoded manifest."""
    if isinstance(value, dict):
        found = [value["image"]] if isinstance(value.get("image"), str) and "name" in value else []
        return found + [i for v in value.values() for i in images_in(v)]
    if isinstance(value, list):
        return [i for v in value for i in images_in(v)]
    return []


def manifest_images(folder: Path) -> dict[str, str]:
    return {image: path.name for path in sorted(folder.glob("*.yaml"))
            for doc in yaml.safe_load_all(path.read_text()) for image in images_in(doc)}


def notebook_images() -> dict[str, str]:
    """`image: x`, `--image=x` and `set image ... c=x` in the notebooks' code and YAML."""
    pattern = re.compile(r"(?:\bimage:\s*\"?|--image[= ]|set image \S+ [\w-]+=)([a-z0-9][\w./:@-]*[\w])")
    found = {}
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            for image in pattern.findall("".join(cell["source"])):
                found[image] = path.name
    return found


def test_every_image_the_docs_examples_use_is_in_the_registry() -> None:
    need_examples()
    images = manifest_images(EXAMPLES)
    assert "registry.k8s.io/busybox:1.27.2" in images and "nginx:1.14.2" in images
    assert {i: where for i, where in images.items() if not exists(i)} == {}


# images a chapter names because they cannot be pulled (chapter 02's ImagePullBackOff experiment, chapter 15's
# bad rollout drill)
MISSING_ON_PURPOSE = {"nginx:1.99", "busybox:1.99"}
# images the book names that no pod of the course runs: kind's node image, in chapter 15's kind instructions
NOT_FOR_PODS = {"kindest/node:v1.32.0"}


def test_every_image_the_course_uses_is_in_the_registry() -> None:
    images = {**manifest_images(ROOT / "manifests"), **notebook_images()}
    assert "busybox:1.36" in images and "perl" in images
    pushed = {i for i in images if i.startswith(f"{LOCAL}/")}  # a chapter pushes these to its cluster's registry
    unknown = MISSING_ON_PURPOSE | NOT_FOR_PODS | pushed
    assert {i: where for i, where in images.items() if not exists(i) and i not in unknown} == {}
    assert NOT_FOR_PODS <= set(images)  # still named, so the list cannot go stale
    assert [i for i in MISSING_ON_PURPOSE if exists(i)] == []


@pytest.mark.parametrize("reference, full", [
    ("nginx", "docker.io/library/nginx:latest"),  # the kubelet's default tag
    ("nginx:1.14.2", "docker.io/library/nginx:1.14.2"),
    ("docker.io/library/nginx:1.14.2", "docker.io/library/nginx:1.14.2"),
    ("library/nginx:1.14.2", "docker.io/library/nginx:1.14.2"),
    ("registry.k8s.io/busybox:1.27.2", "registry.k8s.io/busybox:1.27.2"),
    ("polinux/stress", "docker.io/polinux/stress:latest"),
    ("localhost:5000/app:dev", "localhost:5000/app:dev"),
])
def test_references_are_normalised_as_containerd_does(reference: str, full: str) -> None:
    assert str(parse(reference)) == full


# repositories that publish only versions, as the real ones do: the tutorials' apps and Kubernetes' test images
ONLY_VERSIONS = {"gcr.io/google-samples/kubernetes-bootcamp", "docker.io/jocatalin/kubernetes-bootcamp",
                 "gcr.io/google-samples/hello-app", "registry.k8s.io/goproxy",
                 "registry.k8s.io/e2e-test-images/agnhost", "registry.k8s.io/e2e-test-images/jessie-dnsutils",
                 "quay.io/fluentd_elasticsearch/fluentd", "registry.k8s.io/nginx-slim"}


def test_every_repository_has_latest_but_those_that_publish_only_versions() -> None:
    assert [repository for repository, tags in CATALOG.items() if "latest" not in tags] == sorted(
        ONLY_VERSIONS, key=list(CATALOG).index)
    assert resolve("busybox") == ("docker.io/library/busybox:latest", 4261574)


# ------------------------------------------------------------------ failures
def test_a_missing_tag_is_err_image_pull_then_image_pull_back_off() -> None:
    c = Cluster(nodes=1)
    c.apply(make_pod("web", image="nginx:doesnotexist"))
    c.run(0.5)
    assert events_of(c, "web")[:3] == [
        (0.0, "Normal", "Pulling", 'Pulling image "nginx:doesnotexist"'),
        (0.0, "Warning", "Failed", f'Failed to pull image "nginx:doesnotexist": {NOT_FOUND}'),
        (0.0, "Warning", "Failed", "Error: ErrImagePull"),
    ]
    # evalCRIPullErr's fallback: ErrImagePull's waiting message is the runtime's error itself
    assert waiting(c, "web") == ("ErrImagePull", NOT_FOUND)
    assert "ErrImagePull" in c.kubectl("get pod web")
    c.run(5)
    assert waiting(c, "web") == ("ImagePullBackOff", 'Back-off pulling image "nginx:doesnotexist"')
    assert ("Normal", "BackOff", 'Back-off pulling image "nginx:doesnotexist"') in [e[1:] for e in events_of(c, "web")]
    assert ("Warning", "Failed", "Error: ImagePullBackOff") in [e[1:] for e in events_of(c, "web")]
    assert "ImagePullBackOff" in c.kubectl("get pod web")
    pulls = set()
    for _ in range(150):  # the Pulling event is folded into one (count, lastTimestamp): sample it
        c.run(1)
        pulls |= {e.last_timestamp for e in c.events() if e.involved_object.name == "web" and e.reason == "Pulling"}
    assert sorted(pulls) == [0.0, 10.0, 30.0, 70.0, 150.0]  # the image back-off: 10 s, doubling (cap 300 s)


def test_err_image_pull_waits_with_containerd_message() -> None:
    c = Cluster(nodes=1)
    pod = make_pod("web", image="nginx:doesnotexist")  # never applied: no back-off yet
    # evalCRIPullErr's fallback: the waiting message of ErrImagePull is the runtime's error itself
    assert c.kubelets["node-1"].images.ensure_image_exists(pod, pod.spec.containers[0]) == ("ErrImagePull", NOT_FOUND)


def test_a_misspelt_repository_is_pull_access_denied() -> None:
    c = Cluster(nodes=1)
    c.apply(make_pod("web", image="ngnix"))
    c.run(1)
    failed = [m for _, _, reason, m in events_of(c, "web") if reason == "Failed"][0]
    assert failed == ('Failed to pull image "ngnix": rpc error: code = Unknown desc = failed to pull and unpack image '
                      '"docker.io/library/ngnix:latest": failed to resolve reference "docker.io/library/ngnix:latest": '
                      "pull access denied, repository does not exist or may require authorization: server message: "
                      "insufficient_scope: authorization failed")


def test_registry_host_and_library_prefix_are_understood() -> None:
    c = Cluster(nodes=1)
    c.apply(make_pod("web", image="docker.io/library/nginx:1.14.2"))
    c.apply(make_pod("box", image="registry.k8s.io/busybox:1.27.2"))
    c.run(5)
    assert c.get("pod", "web").status.phase == "Running" and c.get("pod", "box").status.phase == "Running"


# ------------------------------------------------------------------ pulls and imagePullPolicy
@pytest.mark.parametrize("image, policy", [
    ("busybox", "Always"), ("busybox:latest", "Always"), ("busybox:1.36", "IfNotPresent"),
    ("localhost:5000/app", "Always"), ("localhost:5000/app:1", "IfNotPresent"),
    ("busybox@sha256:" + "0" * 64, "IfNotPresent"), ("busybox:latest@sha256:" + "0" * 64, "Always"),
])
def test_default_pull_policy(image: str, policy: str) -> None:
    assert default_pull_policy(image) == policy  # SetDefaults_Container


def test_a_pull_takes_time_and_pulled_gives_it_with_the_image_size() -> None:
    c = Cluster(nodes=1)
    c.apply(make_pod("app", image="busybox"))
    c.run(5)
    # the fake registry: 0.8 s to resolve the manifest, then 4,261,574 bytes at 20 MB/s (registry.pull_seconds)
    assert events_of(c, "app")[:4] == [
        (0.0, "Normal", "Pulling", 'Pulling image "busybox"'),
        (1.013, "Normal", "Pulled", 'Successfully pulled image "busybox" in 1.013s (1.013s including waiting). '
                                    "Image size: 4261574 bytes."),
        (1.013, "Normal", "Created", "Created container main"),
        (1.013, "Normal", "Started", "Started container main"),
    ]
    assert c.get("pod", "app").status.container_statuses[0].state.running.started_at == 1.013


def test_pulls_are_serialised_and_pulled_says_how_long_it_waited() -> None:
    c = Cluster(nodes=1)
    c.apply(make_pod("web", image="nginx:1.27"))   # 68,857,691 bytes: 0.8 + 3.443 s
    c.apply(make_pod("box", image="busybox:1.36"))  # asked for at once, pulled after nginx (serializeImagePulls)
    c.run(0.5)
    assert waiting(c, "box") == ("ContainerCreating", "")  # a pull in progress is not a waiting reason of its own
    c.run(10)
    pulled = {e[3] for e in events_of(c, "web") + events_of(c, "box") if e[2] == "Pulled"}
    assert pulled == {
        'Successfully pulled image "nginx:1.27" in 4.243s (4.243s including waiting). Image size: 68857691 bytes.',
        'Successfully pulled image "busybox:1.36" in 1.013s (5.256s including waiting). Image size: 4261574 bytes.'}


def test_a_pod_starts_its_containers_one_by_one_each_after_its_pull() -> None:
    c = Cluster(nodes=1)
    pod = make_pod("two", image="nginx:1.27")
    pod.spec.containers.append(make_pod("x", image="busybox:1.36").spec.containers[0])
    pod.spec.containers[1].name = "side"
    c.apply(pod)
    c.run(10)
    # SyncPod: container web is created and started before the side container's image is asked for
    assert [(t, r) for t, _, r, _ in events_of(c, "two")] == [
        (0.0, "Pulling"), (4.243, "Pulled"), (4.243, "Created"), (4.243, "Started"),
        (4.243, "Pulling"), (5.256, "Pulled"), (5.256, "Created"), (5.256, "Started")]


def test_if_not_present_pulls_once_per_node_and_always_pulls_every_time() -> None:
    c = Cluster(nodes=1)
    for name in ("one", "two"):
        c.apply(make_pod(f"{name}-pinned", image="busybox:1.36"))
        c.apply(make_pod(f"{name}-latest", image="busybox"))
        c.run(3)
    assert [r for _, _, r, _ in events_of(c, "two-pinned")][:1] == ["Pulled"]
    assert events_of(c, "two-pinned")[0][3] == 'Container image "busybox:1.36" already present on machine'
    assert [r for _, _, r, _ in events_of(c, "two-latest")][:2] == ["Pulling", "Pulled"]


def test_never_without_the_image_is_err_image_never_pull() -> None:
    c = Cluster(nodes=1)
    pod = make_pod("app", image="busybox:1.36")
    pod.spec.containers[0].image_pull_policy = "Never"
    c.apply(pod)
    c.run(1)
    message = 'Container image "busybox:1.36" is not present with pull policy of Never'
    assert events_of(c, "app")[:2] == [(0.0, "Warning", "ErrImageNeverPull", message),
                                       (0.0, "Warning", "Failed", "Error: ErrImageNeverPull")]
    assert waiting(c, "app") == ("ErrImageNeverPull", message)
    assert "ErrImageNeverPull" in c.kubectl("get pod app")


def test_never_with_the_image_present_runs() -> None:
    c = Cluster(nodes=1)
    c.apply(make_pod("first", image="busybox:1.36"))
    c.run(2)  # the pull ends at 1.013 s: before that the image is not on the node for anyone
    pod = make_pod("second", image="busybox:1.36")
    pod.spec.containers[0].image_pull_policy = "Never"
    c.apply(pod)
    c.run(1)
    assert c.get("pod", "second").status.phase == "Running"
    assert events_of(c, "second")[0][3] == 'Container image "busybox:1.36" already present on machine'


@pytest.mark.parametrize("seconds, text", [
    (0, "0s"), (0.0004, "0s"), (0.87, "870ms"), (1.2, "1.2s"), (1.2345, "1.234s"), (60, "1m0s"), (125.5, "2m5.5s"),
    (3725, "1h2m5s"),
])
def test_go_duration(seconds: float, text: str) -> None:
    assert go_duration(seconds) == text  # time.Duration.String after Truncate(time.Millisecond)


def test_logs_of_a_container_whose_image_cannot_be_pulled_say_so() -> None:
    # pkg/kubelet/kubelet_pods.go, validateContainerLogStatus: the two image reasons in plain words
    c = Cluster(nodes=1)
    c.apply(make_pod("web", image="nginx:doesnotexist"))
    c.run(0.5)
    assert c.kubectl("logs web") == ('Error from server (BadRequest): container "main" in pod "web" is waiting '
                                     "to start: image can't be pulled\n")
    c.run(5)
    assert c.kubectl("logs web") == ('Error from server (BadRequest): container "main" in pod "web" is waiting '
                                     "to start: trying and failing to pull image\n")
    with pytest.raises(NotFound, match="is waiting to start: trying and failing to pull image$"):
        c.logs("web")
