"""kubectl diff -f: a server-side dry run of apply, shown as `diff -u` of the live and merged objects
(tests/server/test_http_kubectl.py compares it with the real kubectl's)."""

from __future__ import annotations

from pathlib import Path

from k8slite import Cluster

WEB = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: %d
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
"""


def test_diff_shows_the_change_and_stores_nothing(tmp_path: Path) -> None:
    c = Cluster(nodes=1)
    (tmp_path / "web.yaml").write_text(WEB % 2)
    c.kubectl(f"apply -f {tmp_path}/web.yaml")
    c.run(10)
    assert c.kubectl(f"diff -f {tmp_path}/web.yaml") == ""  # nothing would change
    (tmp_path / "web.yaml").write_text(WEB % 3)
    out = c.kubectl(f"diff -f {tmp_path}/web.yaml")
    assert out.startswith("diff -u -N /tmp/LIVE-") and "/apps.v1.Deployment.default.web /tmp/MERGED-" in out
    assert "\n-  generation: 1\n+  generation: 2\n" in out and "\n-  replicas: 2\n+  replicas: 3\n" in out
    assert "resourceVersion" not in "".join(line for line in out.splitlines() if line[:1] in "+-" and
                                            not line.startswith(("+++", "---")))
    assert c.api.get("deployments", "web").spec.replicas == 2


def test_a_diff_draws_nothing_from_the_clusters_names(tmp_path: Path) -> None:
    """A dry run has its own random source: the pods made after it are named as without it."""
    (tmp_path / "web.yaml").write_text(WEB % 2)
    names = []
    for diff_first in (False, True):
        c = Cluster(nodes=1)
        if diff_first:
            assert "+kind: Deployment\n" in c.kubectl(f"diff -f {tmp_path}/web.yaml")
        c.kubectl(f"apply -f {tmp_path}/web.yaml")
        c.run(10)
        names.append(sorted(p.name for p in c.api.list("pods")))
    assert names[0] == names[1] and len(names[0]) == 2
