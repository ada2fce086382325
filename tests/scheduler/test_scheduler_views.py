"""The score table, the heatmap and the strategy widget."""

from builders import make_pod

from k8slite import Cluster
from k8slite.viz import score_heatmap, score_table
from k8slite.widgets import strategy_widget


def test_score_table_and_heatmap():
    c = Cluster(nodes=3)
    c.kubectl("taint nodes node-3 example-key=v:NoSchedule")
    c.apply(make_pod("hog", cpu="2"))
    c.run(1)
    c.apply(make_pod("web", cpu="500m"))
    c.run(1)
    record = c.scheduler.records["default/web"]
    table = score_table(record)
    lines = table.splitlines()
    assert lines[0].split()[:3] == ["NODE", "FILTER", "TaintToleration"]
    assert "TaintToleration: node(s) had untolerated taint {example-key: v}" in lines[3]
    assert "<- chosen" in table and record.selected in table
    fig = score_heatmap(record)
    assert fig._repr_png_().startswith(b"\x89PNG")


def test_strategy_widget_spreads_or_packs():
    pods = "\n---\n".join(f"{{apiVersion: v1, kind: Pod, metadata: {{name: p{i}}}, spec: {{containers: "
                          f"[{{name: c, image: busybox, resources: {{requests: {{cpu: 500m}}}}}}]}}}}"
                          for i in range(3))
    box = strategy_widget(pods)
    toggle, text, picture = box.children
    assert text.value.count("1 pod") == 3
    toggle.value = "MostAllocated"
    assert "3 pods" in text.value and bytes(picture.value).startswith(b"\x89PNG")
