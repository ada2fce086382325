"""Chapter 12's trace on real packets (by_hand_net.py): a run as root prints what the recording says.

The recording is what a machine without root shows (K8SLITE_NEWCOMER=1), so a live run must print the same
facts: the host-gw routes "10.244.2.0/24 via 172.18.0.3 dev eth0" (flannel pkg/backend/hostgw), vxlan's
flannel.1 (VNI 1, dstport 8472, pkg/backend/vxlan), one ping answered, kube-proxy's KUBE-SVC/KUBE-SEP
chains for the Service (pkg/proxy/iptables/proxier.go), UDP to port 8472 only on vxlan, and nothing left."""

from __future__ import annotations

import pytest
from linux_builders import need_linux

from k8slite.runtime.linux import by_hand_net as real

RULES = """-A KUBE-SERVICES -d 10.96.0.1/32 -p tcp -m comment --comment "default/kubernetes:https" -j KUBE-SVC-A
-A KUBE-SERVICES -d 10.100.0.5/32 -p tcp -m comment --comment "default/web cluster IP" -m tcp --dport 80 -j KUBE-SVC-B
-A KUBE-SVC-A -m comment --comment "default/kubernetes:https -> 172.18.0.1:6443" -j KUBE-SEP-C
-A KUBE-SVC-B -m comment --comment "default/web -> 10.244.2.2:80" -j KUBE-SEP-D
-A KUBE-SEP-C -p tcp -m tcp -j DNAT --to-destination 172.18.0.1:6443
-A KUBE-SEP-D -p tcp -m tcp -j DNAT --to-destination 10.244.2.2:80
"""


def test_service_rules_keep_the_chains_of_one_service() -> None:
    assert real.service_rules(RULES) == [RULES.splitlines()[i] for i in (1, 3, 5)]


def test_the_recording_says_what_the_section_teaches() -> None:
    hostgw, vxlan = real.RECORDED["host-gw"].facts, real.RECORDED["vxlan"].facts
    assert "node-1: ip route: 10.244.2.0/24 via 172.18.0.3 dev eth0" in hostgw
    assert "node-1: ip route: 10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink" in vxlan
    assert "node-1: flannel.1 is a vxlan id 1 local 172.18.0.2 dev eth0 dstport 8472" in vxlan
    assert "UDP packets node-1 -> node-2 port 8472: 0" in hostgw
    assert "UDP packets node-1 -> node-2 port 8472: some" in vxlan
    for facts in (hostgw, vxlan):
        assert any(f.endswith("1 packets received") for f in facts)
        assert facts[-1] == "after c.close(), left on this machine: nothing"


def test_without_root_walk_replays_the_recording(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("K8SLITE_NEWCOMER", "1")
    assert real.reason() and real.walk("vxlan").recorded


@pytest.mark.parametrize("network", ["host-gw", "vxlan"])
def test_a_run_as_root_prints_the_recorded_facts(network: str) -> None:
    need_linux()
    got = real.walk(network)
    assert not got.recorded and got.facts == real.RECORDED[network].facts
