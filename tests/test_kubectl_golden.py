"""k8slite's kubectl prints what the real kubectl prints, for commands kubectl answers without a server.

tests/golden/kubectl_golden.json was recorded with kubectl 1.32
(tests/golden/make_kubectl_golden.py). The first test compares k8slite with
the recording everywhere; the second re-runs the real kubectl where one is
installed, so the recording cannot drift from the client it claims to be.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from k8slite import Cluster

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
sys.path.insert(0, str(GOLDEN_DIR))
from make_kubectl_golden import COMMANDS, GOLDEN, real_kubectl  # noqa: E402

RECORDED: dict[str, str] = json.loads(GOLDEN.read_text())


def test_the_recording_covers_every_command() -> None:
    assert list(RECORDED) == COMMANDS


@pytest.mark.parametrize("command", COMMANDS)
def test_k8slite_prints_what_kubectl_printed(command: str) -> None:
    c = Cluster(nodes=1)
    assert c.kubectl(command) == RECORDED[command]
    namespaces = [o.name for o in c.get("namespaces")]
    assert namespaces == ["default", "kube-node-lease", "kube-public", "kube-system"]  # a dry run: nothing made


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="no kubectl installed to re-record with")
def test_the_recording_is_what_the_installed_kubectl_prints() -> None:
    changed = [c for c in COMMANDS if real_kubectl(c) != RECORDED[c]]
    assert not changed, f"kubectl prints something else now; re-run {GOLDEN_DIR / 'make_kubectl_golden.py'}"
