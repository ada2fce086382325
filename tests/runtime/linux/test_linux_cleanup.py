"""Nothing of a cluster outlives it: no process, mount, namespace (veths, flannel.1 and iptables rules go with
theirs) or cgroup, after close() or a killed kernel."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from linux_builders import need_linux, pod

from k8slite.runtime.linux import LinuxUnavailable, oci
from k8slite.runtime.linux.cleanup import leftovers, remove_orphans
from k8slite.runtime.linux.host import LinuxHost

REPO = Path(__file__).resolve().parents[3]
KILLED_KERNEL = """
import os, signal
from k8slite.runtime.linux.host import LinuxHost
from k8slite.api.kinds import decode
host = LinuxHost()
runtime = host.runtime_for("node-1")
pod = decode({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "left", "uid": "u1"},
              "spec": {"containers": [{"name": "c", "image": "busybox", "command": ["sleep", "600"]}]}})
sandbox = runtime.run_pod_sandbox(pod, "10.244.1.9")
runtime.start_container(runtime.create_container(sandbox, pod, pod.spec.containers[0]))
print(host.root, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""

KILLED_CLUSTER = """
import os, signal
from k8slite import Cluster
c = Cluster(nodes=2, runtime="linux", network="vxlan")
print(c.engine.root, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""  # its nodes' namespaces with flannel.1 and the rules, the lan's, and the cluster DNS server outlive it


def holders_of(namespace: str) -> list[str]:
    """Processes whose network namespace is `namespace` ("net:[4026532...]")."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and os.readlink(entry / "ns" / "net") == namespace:
                found.append(entry.name)
        except OSError:
            continue
    return found


def test_close_leaves_no_process_mount_namespace_or_cgroup() -> None:
    need_linux()
    host = LinuxHost()
    runtime = host.runtime_for("node-1")
    made = pod("busy", {"name": "c", "command": ["sleep", "600"]})
    sandbox = runtime.run_pod_sandbox(made, "10.244.1.8")
    runtime.start_container(runtime.create_container(sandbox, made, made.spec.containers[0]))
    namespace = os.readlink(f"/proc/{runtime.sandboxes[sandbox].pid}/ns/net")
    inside = holders_of(namespace)  # the pod's processes: pause (and sleep, once it runs)
    assert inside
    assert any(line.startswith("mount ") for line in leftovers(host.root))
    assert any(line.startswith("cgroup ") for line in leftovers(host.root))
    assert any(line.startswith("network namespace ") for line in leftovers(host.root))  # the node's
    host.close()
    assert leftovers(host.root) == []
    # its last process gone, the kernel freed the pod's namespace (the kernel may give its inode number to a
    # new namespace at once, e.g. another test's container: so the check is on the processes that were in it)
    assert [pid for pid in holders_of(namespace) if pid in inside] == []


def netns_id(name: str) -> str:
    """What /proc/<pid>/ns/net reads for a process in the named namespace `name`."""
    return f"net:[{os.stat(f'/run/netns/{name}').st_ino}]"


def test_close_takes_the_vxlan_device_and_the_masquerade_rules_with_the_node() -> None:
    need_linux()
    host = LinuxHost(network="vxlan")
    runtime = host.runtime_for("node-1")
    made = pod("busy", {"name": "c", "command": ["sleep", "600"]})
    runtime.start_container(runtime.create_container(runtime.run_pod_sandbox(made, "10.244.1.8"), made,
                                                     made.spec.containers[0]))
    node = host.network.nodes["node-1"].namespace
    assert "vxlan id 1" in host.network.run_on("node-1", ["ip", "-d", "link", "show", "flannel.1"]).stdout
    nat = host.network.run_on("node-1", ["iptables", "-t", "nat", "-S"]).stdout
    assert "-j MASQUERADE" in nat, nat
    namespaces = [netns_id(node), netns_id(host.network.lan)]
    inside = [pid for n in namespaces for pid in holders_of(n)]
    host.close()
    assert leftovers(host.root) == []
    assert [pid for n in namespaces for pid in holders_of(n) if pid in inside] == []  # none keeps them alive
    on_the_host = subprocess.run(["ip", "-d", "link", "show", "type", "vxlan"], capture_output=True, text=True)
    assert "local 172.18.0." not in on_the_host.stdout  # the host never had a flannel.1 of ours
    host_nat = subprocess.run(["iptables-save", "-t", "nat"], capture_output=True, text=True).stdout
    assert "flanneld masq" not in host_nat and "10.244." not in host_nat, host_nat


def test_the_next_cluster_removes_what_a_killed_kernel_left() -> None:
    need_linux()
    done = subprocess.run([sys.executable, "-c", KILLED_KERNEL], cwd=REPO, capture_output=True, text=True,
                          timeout=30)
    root = Path(done.stdout.strip())
    assert done.returncode == -9 and root.name, done.stderr
    assert any(line.startswith("process ") for line in leftovers(root))  # the pod still runs, orphaned
    assert root.name in remove_orphans()
    assert leftovers(root) == []


def test_the_next_cluster_removes_what_a_killed_cluster_left() -> None:
    need_linux()
    done = subprocess.run([sys.executable, "-c", KILLED_CLUSTER], cwd=REPO, capture_output=True, text=True,
                          timeout=60)
    root = Path(done.stdout.strip())
    assert done.returncode == -9 and root.name, done.stderr
    left = leftovers(root)
    assert sum(line.startswith("network namespace ") for line in left) == 3, left  # two nodes and the lan
    assert any(line.startswith("process ") for line in left), left  # the cluster DNS server
    assert root.name in remove_orphans()
    assert leftovers(root) == []


def test_without_root_the_error_names_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    with pytest.raises(LinuxUnavailable, match=r"needs root .*sudo -E jupyter lab.*runtime=\"fake\""):
        LinuxHost()


def test_a_missing_oci_runtime_names_its_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    monkeypatch.setattr(oci.shutil, "which", lambda name: None if name == "crun" else f"/usr/bin/{name}")
    with pytest.raises(LinuxUnavailable, match="crun is not installed: apt-get install -y crun"):
        LinuxHost("crun")
