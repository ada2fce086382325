"""The dashboard's controls, clicked without a browser: each one changes the cluster as it should."""

from __future__ import annotations

import asyncio
import html
import re

import ipywidgets as widgets
import pytest
from builders import engine_containers
from test_widgets import only, with_class

from k8slite import Cluster
from k8slite.widgets import Dashboard, dashboard
from k8slite.widgets.live import Live

MANIFESTS = "manifests/08-web.yaml"  # Deployment web, 4 replicas of busybox:1.35


@pytest.fixture
def board() -> Dashboard:
    c = Cluster(nodes=3)
    c.apply(MANIFESTS)
    return Dashboard(c)


def part(board: Dashboard, css: str) -> widgets.Widget:
    return only(board.widget, css)


def pods_running(board: Dashboard) -> list[str]:
    return [p.name for p in board.cluster.get("pods") if p.status.phase == "Running"]


def test_every_css_class_in_the_docstring_is_on_exactly_one_widget(board: Dashboard) -> None:
    listed = sorted(set(re.findall(r"^  (k8slite-[a-z-]+)", dashboard.__doc__ or "", re.M)))
    assert len(listed) >= 19
    for css in listed:
        assert len(with_class(board.widget, css)) == 1, css


def test_run_uses_the_chosen_span_and_the_summary_follows(board: Dashboard) -> None:
    assert part(board, "k8slite-summary").value == "3 nodes (3 Ready) · 0/0 pods Running"
    part(board, "k8slite-run-seconds").value = 30
    run = part(board, "k8slite-run")
    assert run.description == "Run 30 s"
    run.click()
    assert board.cluster.now == 30
    assert part(board, "k8slite-time").value == "<b>t = 30 s</b>"
    assert part(board, "k8slite-summary").value == "3 nodes (3 Ready) · 4/4 pods Running"


def test_step_stops_at_the_next_event(board: Dashboard) -> None:
    board.cluster.run(30)
    seen = len(board.cluster.events())
    board.cluster.node("node-1").fail()
    part(board, "k8slite-step").click()
    fresh = board.cluster.events()[seen:]
    assert fresh, "a step ends when an event is recorded"
    assert 30 < board.cluster.now <= 30 + 60
    assert fresh[0].reason in part(board, "k8slite-message").value


def test_step_in_a_quiet_cluster_stops_after_its_limit() -> None:
    board = Dashboard(Cluster(nodes=1))
    part(board, "k8slite-step").click()
    assert board.cluster.now == 300
    assert "nothing happened in 300 s" in part(board, "k8slite-message").value


def test_slider_scales_the_first_deployment(board: Dashboard) -> None:
    board.cluster.run(30)
    board.refresh()
    slider = part(board, "k8slite-replicas")
    assert (slider.value, slider.description) == (4, "deployment/web replicas")
    slider.value = 6
    assert board.cluster.get("deployment", "web").spec.replicas == 6
    assert "deployment.apps/web scaled" in part(board, "k8slite-message").value
    part(board, "k8slite-run").click()
    part(board, "k8slite-run").click()
    assert len(pods_running(board)) == 6


def test_delete_pod_deletes_the_chosen_one_and_it_is_replaced(board: Dashboard) -> None:
    board.cluster.run(30)
    board.refresh()
    pods = part(board, "k8slite-pods")
    victim = pods.options[0][1].split("/")[1]
    pods.value = pods.options[0][1]
    part(board, "k8slite-delete-pod").click()
    assert board.cluster.get("pod", victim).metadata.deletion_timestamp is not None
    board.cluster.run(60)
    assert victim not in [p.name for p in board.cluster.get("pods")]
    assert len(pods_running(board)) == 4


def test_deleting_a_pod_that_is_gone_shows_the_api_error(board: Dashboard) -> None:
    board.cluster.run(30)
    board.refresh()
    ref = part(board, "k8slite-pods").options[0][1]
    part(board, "k8slite-pods").value = ref
    board.cluster.delete("pods", ref.split("/")[1])
    board.cluster.run(60)  # behind the dashboard's back: it still lists the pod
    part(board, "k8slite-delete-pod").click()
    message = part(board, "k8slite-message")
    assert f'pods "{ref.split("/")[1]}" not found' in message.value
    assert "k8slite-error" in message._dom_classes


def test_rollout_makes_a_new_replicaset_and_replaces_the_pods(board: Dashboard) -> None:
    board.cluster.run(30)
    board.refresh()
    image = part(board, "k8slite-image")
    assert image.value == "busybox:1.35"
    image.value = "busybox:1.36"
    part(board, "k8slite-rollout").click()
    assert "deployment.apps/web image updated" in part(board, "k8slite-message").value
    assert len(board.cluster.get("replicasets")) == 2
    board.cluster.run(180)
    assert {p.spec.containers[0].image for p in board.cluster.get("pods")} == {"busybox:1.36"}


def test_rollout_of_a_bad_image_reference_is_an_error_not_a_traceback(board: Dashboard) -> None:
    board.cluster.run(1)
    part(board, "k8slite-image").value = "busy box"
    part(board, "k8slite-rollout").click()
    assert "k8slite-error" in part(board, "k8slite-message")._dom_classes
    assert len(board.cluster.get("replicasets")) == 1


def test_describe_shows_the_chosen_pod(board: Dashboard) -> None:
    board.cluster.run(30)
    board.refresh()
    describe = part(board, "k8slite-describe")
    assert "choose a pod" in describe.value
    pods = part(board, "k8slite-pods")
    for _label, ref in pods.options[:2]:
        pods.value = ref
        name = ref.split("/")[1]
        assert f"Name:             {name}" in describe.value
        assert "Controlled By:  ReplicaSet/web-" in describe.value


def test_events_show_the_last_lines_of_kubectl_events(board: Dashboard) -> None:
    board.cluster.run(30)
    board.refresh()
    text = part(board, "k8slite-events").value
    assert "ScalingReplicaSet" not in text and text.count("\n") == 10  # only the last 10 lines
    # kubectl events -A (the latest last; `get events` lists by name): NAMESPACE, and OBJECT as Kind/name
    assert "NAMESPACE   LAST SEEN" in text and " Pod/web-" in text
    assert text.split("\n", 1)[1].removesuffix("</pre>") in html.escape(board.cluster.kubectl("events -A"))


def clicks(seed: int) -> tuple[str, str, bytes]:
    board = Dashboard(Cluster(nodes=3, seed=seed))
    board.cluster.apply(MANIFESTS)
    part(board, "k8slite-run").click()
    part(board, "k8slite-node-select").value = "node-2"
    part(board, "k8slite-fail-node").click()
    part(board, "k8slite-replicas").value = 5
    part(board, "k8slite-run-seconds").value = 60
    part(board, "k8slite-run").click()
    part(board, "k8slite-pods").value = part(board, "k8slite-pods").options[1][1]
    part(board, "k8slite-delete-pod").click()
    part(board, "k8slite-image").value = "busybox:1.36"
    part(board, "k8slite-rollout").click()
    part(board, "k8slite-step").click()
    part(board, "k8slite-recover-node").click()
    part(board, "k8slite-run").click()
    return board.cluster.kubectl("get pods -o wide"), part(board, "k8slite-events").value, bytes(board.picture.value)


def test_same_clicks_give_the_same_cluster() -> None:
    first, second = clicks(seed=0), clicks(seed=0)
    assert first == second
    assert "busybox" not in first[0] and "node-2" in first[0]


def test_live_is_hidden_on_the_fake_runtime_and_refuses_outside_an_event_loop(board: Dashboard) -> None:
    live = part(board, "k8slite-live")
    assert live.layout.display == "none"
    live.value = True
    assert live.value is False
    assert "event loop" in part(board, "k8slite-message").value


def test_live_runs_and_redraws_from_the_event_loop_until_the_cluster_closes() -> None:
    c = Cluster(nodes=1)
    redraws: list[float] = []

    async def scenario() -> None:
        live = Live(c, lambda: redraws.append(c.now), period=0.01, slice=0.5)
        live.start()
        await asyncio.sleep(0.2)
        assert live.running
        c.close()
        await asyncio.sleep(0.05)
        assert not live.running

    asyncio.run(scenario())
    assert len(redraws) >= 3 and redraws[:3] == [0.5, 1.0, 1.5]
    settled = len(redraws)
    assert c.now == settled * 0.5


def test_picture_keeps_every_remaining_pod_in_its_place(board: Dashboard) -> None:
    board.cluster.run(30)
    board.refresh()
    before = {node: dict(slots) for node, slots in board.slots.seen.items()}
    pods = part(board, "k8slite-pods")
    pods.value = pods.options[0][1]
    part(board, "k8slite-delete-pod").click()
    part(board, "k8slite-run-seconds").value = 60
    part(board, "k8slite-run").click()
    after = board.slots.seen
    kept = [(node, pod) for node, slots in before.items() for pod in slots if pod in after.get(node, {})]
    assert len(kept) >= 3
    assert all(after[node][pod] == before[node][pod] for node, pod in kept)


BUSYBOX_POD = """
apiVersion: v1
kind: Pod
metadata: {name: sleeper}
spec:
  containers:
  - {name: main, image: busybox, command: [sleep, "3600"]}
"""


@pytest.mark.docker
def test_on_docker_live_runs_the_real_clock_from_the_event_loop_until_closed() -> None:
    c = Cluster(nodes=1, runtime="docker")
    try:
        board = Dashboard(c)
        live = part(board, "k8slite-live")
        assert live.layout.display != "none" and live.value is False
        c.apply(BUSYBOX_POD)

        async def scenario() -> None:
            board.live.period, board.live.slice = 0.3, 0.2
            live.value = True
            assert board.live.running
            for _ in range(100):
                await asyncio.sleep(0.3)
                if "1/1 pods Running" in part(board, "k8slite-summary").value:
                    break
            assert part(board, "k8slite-summary").value == "1 nodes (1 Ready) · 1/1 pods Running"
            live.value = False
            assert not board.live.running

        asyncio.run(scenario())
    finally:
        c.close()
    assert engine_containers(c.engine.cluster_id) == []


def test_scaling_a_deployment_deleted_behind_the_dashboards_back_shows_an_error(board: Dashboard) -> None:
    board.cluster.run(30)
    board.refresh()
    board.cluster.delete("deployment", "web")
    board.cluster.run(60)  # the garbage collector removes its ReplicaSet and pods
    part(board, "k8slite-replicas").value = 2
    message = part(board, "k8slite-message")
    assert "nothing to scale" in message.value and "k8slite-error" in message._dom_classes
    assert board.cluster.get("deployments") == [] and board.cluster.get("replicasets") == []
    part(board, "k8slite-rollout").click()
    assert "nothing to roll out" in message.value
