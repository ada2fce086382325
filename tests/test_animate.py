"""c.animate: frames, stable places, determinism; the progress bar stays silent under tests."""

from __future__ import annotations

import re

import pytest

from k8slite import Cluster
from k8slite.viz.animate import Animation, record, stable_layouts

WEB = "manifests/08-web.yaml"  # Deployment web, 4 replicas of busybox:1.35


def rolling_update(seed: int = 0) -> Cluster:
    c = Cluster(nodes=3, seed=seed)
    c.apply(WEB)
    c.run(20)
    c.kubectl("set image deployment/web web=busybox:1.36")
    return c


def test_animation_has_a_frame_per_step_and_runs_the_cluster() -> None:
    c = rolling_update()
    film = c.animate(20, step=5, title="rolling update")
    assert isinstance(film, Animation)
    assert film.frames == 5 and film.times == [20, 25, 30, 35, 40]
    assert c.now == 40
    assert repr(film) == "<Animation 'rolling update': 5 frames, t = 20 s to 40 s>"
    assert len(re.findall(r"frames\[\d+\] = \"data:image/png;base64,", film.html)) == 5
    assert film._repr_html_() == film.to_jshtml() == film.html


def test_a_last_short_step_ends_exactly_at_the_end() -> None:
    c = Cluster(nodes=1)
    assert [s.time for s in record(c, 12, 5)] == [0, 5, 10, 12]


def test_same_cluster_same_html() -> None:
    first = rolling_update().animate(10, step=5).html
    second = rolling_update().animate(10, step=5).html
    assert first == second
    text = re.sub(r"base64,[^\"]*", "base64,", first)  # the frames' bytes may spell anything, "uuid" too
    assert "uuid" not in text and re.search(r"_anim_img[0-9a-f]{32}", first)


def test_pods_keep_their_place_and_every_frame_has_one_size() -> None:
    c = rolling_update()
    shots = record(c, 60, 5)
    layouts = stable_layouts(shots, show_owners=True)
    assert len({(w.width, w.height) for w in layouts}) == 1
    for before, after in zip(layouts, layouts[1:]):
        for pod in set(before.boxes) & set(after.boxes):
            if pod.startswith("Pod/") and pod not in before.waiting and pod not in after.waiting:
                assert before.boxes[pod] == after.boxes[pod], pod


def test_too_many_frames_or_a_bad_step_is_refused() -> None:
    c = Cluster(nodes=1)
    with pytest.raises(ValueError, match="too many"):
        c.animate(1000, step=1)
    with pytest.raises(ValueError, match="step must be positive"):
        c.animate(10, step=0)
    assert c.now == 0


# ------------------------------------------------------------ progress bars for long runs
def test_progress_is_off_under_pytest_and_runs_stay_silent(capsys: pytest.CaptureFixture[str]) -> None:
    from k8slite import progress

    assert not progress.enabled()
    c = Cluster(nodes=3)
    c.apply(WEB)
    c.run(3600)
    out = capsys.readouterr()
    assert (out.out, out.err) == ("", "")


def test_progress_bar_counts_simulated_seconds_and_changes_nothing(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("tqdm")
    from k8slite import progress

    quiet = Cluster(nodes=3)
    quiet.apply(WEB)
    quiet.run(600)
    monkeypatch.setattr(progress, "enabled", lambda: True)
    monkeypatch.setattr(progress, "PROGRESS_DELAY", 0.0)
    monkeypatch.setattr(progress.run, "__defaults__", (0.0,))
    shown = Cluster(nodes=3)
    shown.apply(WEB)
    shown.run(600)
    assert "/600 s [" in capsys.readouterr().err
    assert shown.now == quiet.now == 600
    assert shown.kubectl("get events") == quiet.kubectl("get events")
    assert shown.kubectl("get pods -o wide") == quiet.kubectl("get pods -o wide")


def test_progress_can_be_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    from k8slite import progress

    monkeypatch.delenv("PYTEST_CURRENT_TEST", raising=False)
    monkeypatch.setenv("K8SLITE_PROGRESS", "0")
    assert not progress.enabled()


# ------------------------------------------------------------ the Deployment in c.draw()
def test_draw_puts_the_deployment_above_its_replicasets() -> None:
    from k8slite.viz import build_graph, layout

    c = rolling_update()
    c.run(3)
    graph = build_graph(c)
    where = layout(graph)
    deployment = "Deployment/default/web"
    owned = sorted(graph.successors(deployment))
    assert len(owned) == 2 and all(rs.startswith("ReplicaSet/default/web-") for rs in owned)
    top = where.boxes[deployment]
    for rs in owned:
        assert where.boxes[rs].top < top.y, "each ReplicaSet is below the Deployment"
    centre = sum(where.boxes[rs].center_x for rs in owned) / 2
    assert abs(top.center_x - centre) < 1e-9
    texts = [t.get_text() for t in c.draw().axes[0].texts]
    assert "web" in texts and any(t.startswith("Deployment · ") for t in texts)
