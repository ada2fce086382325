"""Security contexts (the docs' task "Configure a Security Context for a Pod or Container") on the fake runtime:
the user a container runs as, the kubelet's runAsNonRoot check, a read-only root filesystem, and the API's
defaults and validation. tests/test_docker_runtime.py and the Linux runtime's tests run the same on real
containers."""

from __future__ import annotations

import pytest

from k8slite import Cluster
from k8slite.api.deployment import Deployment
from k8slite.api.pod import Container, Pod, PodSpec
from k8slite.api.security import Capabilities, PodSecurityContext, SecurityContext
from k8slite.controllers.deployment_util import compute_hash
from k8slite.errors import Invalid
from k8slite.kubelet.security_context import image_user, verify_run_as_non_root
from k8slite.runtime.cri import LinuxSecurity, linux_security
from k8slite.runtime.users import ProcessUser, process_user

# pods/security/security-context.yaml and security-context-2.yaml of the Kubernetes docs (1.32)
DEMO = """
apiVersion: v1
kind: Pod
metadata:
  name: security-context-demo
spec:
  securityContext:
    runAsUser: 1000
    runAsGroup: 3000
    fsGroup: 2000
  volumes:
  - name: sec-ctx-vol
    emptyDir: {}
  containers:
  - name: sec-ctx-demo
    image: busybox:1.28
    command: [ "sh", "-c", "sleep 1h" ]
    volumeMounts:
    - name: sec-ctx-vol
      mountPath: /data/demo
    securityContext:
      allowPrivilegeEscalation: false
---
apiVersion: v1
kind: Pod
metadata:
  name: security-context-demo-2
spec:
  securityContext:
    runAsUser: 1000
  containers:
  - name: sec-ctx-demo-2
    image: gcr.io/google-samples/hello-app:2.0
    securityContext:
      runAsUser: 2000
      allowPrivilegeEscalation: false
"""


def pod(name: str, container: dict[str, object] | None = None, spec: dict[str, object] | None = None,
        image: str = "busybox", command: str = "sleep 3600") -> dict[str, object]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {**(spec or {}), "containers": [{"name": "c", "image": image, "command": ["sh", "-c", command],
                                                     **(container or {})}]}}


@pytest.fixture(scope="module")
def demo() -> Cluster:
    c = Cluster(nodes=1)
    c.apply(DEMO)
    c.run(30)
    return c


def test_the_docs_demo_runs_as_user_1000_group_3000_with_the_fs_group(demo: Cluster) -> None:
    assert demo.exec("security-context-demo", "id") == "uid=1000 gid=3000 groups=2000,3000\n"
    assert demo.exec_code("security-context-demo", "whoami") == (1, "whoami: unknown uid 1000\n")
    assert demo.exec("security-context-demo", "echo hello > /data/demo/testfile; cat /data/demo/testfile") == "hello\n"


def test_ps_shows_the_processes_running_as_user_1000(demo: Cluster) -> None:
    """The docs' `ps`: sleep is PID 1 (sh -c ran it in its place), and the ps itself follows."""
    assert demo.exec("security-context-demo", "ps") == (
        "PID   USER     TIME  COMMAND\n    1 1000      0:00 sleep 1h\n    2 1000      0:00 ps\n")


def test_a_containers_run_as_user_overrides_the_pods(demo: Cluster) -> None:
    assert demo.exec("security-context-demo-2", "id") == "uid=2000 gid=0(root) groups=0(root)\n"


def test_the_api_server_keeps_both_contexts_and_defaults_an_empty_one(demo: Cluster) -> None:
    shown = demo.kubectl("get pod security-context-demo -o yaml")
    assert "  securityContext:\n    fsGroup: 2000\n    runAsGroup: 3000\n    runAsUser: 1000\n" in shown
    assert "    securityContext:\n      allowPrivilegeEscalation: false\n" in shown
    c = Cluster(nodes=1)
    c.apply(pod("plain"))
    c.kubectl("create deployment web --image=nginx")
    assert "  securityContext: {}\n" in c.kubectl("get pod plain -o yaml")  # SetDefaults_PodSpec
    assert "      securityContext: {}\n" in c.kubectl("get deployment web -o yaml")
    assert "    securityContext" not in c.kubectl("get pod plain -o yaml")  # a container has none by default


def test_an_empty_security_context_keeps_the_pod_template_hash() -> None:
    """The book's ReplicaSet and pod names were made before the default: they stay."""
    d = Deployment()
    d.spec.template.spec.containers = [Container(name="c", image="nginx")]
    before = compute_hash(d.spec.template)
    d.spec.template.spec.security_context = PodSecurityContext()
    assert compute_hash(d.spec.template) == before
    d.spec.template.spec.security_context = PodSecurityContext(run_as_user=1000)
    assert compute_hash(d.spec.template) != before


def test_ids_out_of_range_are_refused_by_field() -> None:
    c = Cluster(nodes=1)
    bad = pod("bad", {"securityContext": {"runAsGroup": 2**31}},
              {"securityContext": {"runAsUser": -1, "supplementalGroups": [5, -5]}})
    with pytest.raises(Invalid) as refused:
        c.apply(bad)
    assert str(refused.value) == (
        'Pod "bad" is invalid: [spec.containers[0].securityContext.runAsGroup: Invalid value: 2147483648: must be '
        "between 0 and 2147483647, inclusive, spec.securityContext.runAsUser: Invalid value: -1: must be between 0 "
        "and 2147483647, inclusive, spec.securityContext.supplementalGroups[1]: Invalid value: -5: must be between "
        "0 and 2147483647, inclusive]")
    assert c.api.list("pods") == []


def test_fields_k8slite_does_not_model_are_accepted_and_reported() -> None:
    c = Cluster(nodes=1)
    c.apply(pod("seccomp", {"securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}},
                {"securityContext": {"sysctls": [{"name": "net.core.somaxconn", "value": "1024"}]}}))
    assert c.get("pods", "seccomp").spec.security_context == PodSecurityContext()


def test_run_as_non_root_refuses_an_image_that_runs_as_root() -> None:
    c = Cluster(nodes=1)
    c.apply(pod("nonroot", {"securityContext": {"runAsNonRoot": True}}, image="nginx:1.27", command="nginx"))
    c.apply(pod("root-user", spec={"securityContext": {"runAsNonRoot": True, "runAsUser": 0}}))
    c.apply(pod("user-1000", spec={"securityContext": {"runAsNonRoot": True, "runAsUser": 1000}}))
    c.apply(pod("pause", {"securityContext": {"runAsNonRoot": True}}, image="registry.k8s.io/pause:3.10"))
    c.run(30)
    table = c.kubectl("get pods")
    assert "nonroot     0/1     CreateContainerConfigError   0          30s" in table
    assert "root-user   0/1     CreateContainerConfigError   0          30s" in table
    assert "user-1000   1/1     Running" in table
    assert "pause       1/1     Running" in table  # registry.k8s.io/pause has USER 65535:65535
    uid = c.get("pods", "nonroot").metadata.uid
    expected = f'container has runAsNonRoot and image will run as root (pod: "nonroot_default({uid})", container: c)'
    state = c.get("pods", "nonroot").status.container_statuses[0].state.waiting
    assert (state.reason, state.message) == ("CreateContainerConfigError", expected)
    # said at every attempt, as kuberuntime's startContainer says it; the events fold
    assert f"Warning  Failed     6s (x3 over 26s)  kubelet            Error: {expected}" in c.kubectl(
        "describe pod nonroot")
    root_uid = c.get("pods", "root-user").metadata.uid
    assert c.get("pods", "root-user").status.container_statuses[0].state.waiting.message == (
        f"container's runAsUser breaks non-root policy (pod: \"root-user_default({root_uid})\", container: c)")
    assert c.get("pods", "nonroot").status.container_statuses[0].container_id == ""  # nothing was created


def test_the_image_user_decides_without_a_run_as_user() -> None:
    p = Pod(spec=PodSpec(containers=[Container(name="c", image="x")], security_context=PodSecurityContext(
        run_as_non_root=True)))
    p.metadata.name, p.metadata.namespace, p.metadata.uid = "p", "default", "u"
    container = p.spec.containers[0]
    where = '(pod: "p_default(u)", container: c)'
    assert verify_run_as_non_root(p, container, lambda: "") == (
        f"container has runAsNonRoot and image will run as root {where}")
    assert verify_run_as_non_root(p, container, lambda: "1000:3000") == ""
    assert verify_run_as_non_root(p, container, lambda: "nginx") == (
        f"container has runAsNonRoot and image has non-numeric user (nginx), cannot verify user is non-root {where}")
    container.security_context = SecurityContext(run_as_non_root=False)  # the container's own wins
    assert verify_run_as_non_root(p, container, lambda: "") == ""
    assert image_user("") == (0, "") and image_user("65535:65535") == (65535, "") and image_user("app") == (None, "app")


def test_the_cri_request_carries_fs_group_then_supplemental_groups_and_no_new_privs() -> None:
    p = Pod(spec=PodSpec(containers=[Container(name="c", image="x", security_context=SecurityContext(
        allow_privilege_escalation=False, read_only_root_filesystem=True,
        capabilities=Capabilities(add=["NET_ADMIN"], drop=["ALL"])))],
        security_context=PodSecurityContext(run_as_user=1000, fs_group=2000, supplemental_groups=[4000])))
    assert linux_security(p, p.spec.containers[0]) == LinuxSecurity(
        run_as_user=1000, supplemental_groups=(2000, 4000), readonly_rootfs=True, no_new_privs=True,
        add_capabilities=("NET_ADMIN",), drop_capabilities=("ALL",))
    assert linux_security(Pod(spec=PodSpec(containers=[Container()])), Container()) == LinuxSecurity()


def test_the_runtime_finds_the_user_and_group_as_containerd_does() -> None:
    passwd = "root:x:0:0:root:/root:/bin/sh\nnginx:x:101:101:nginx:/:/bin/false\n"
    assert process_user(LinuxSecurity(), "", passwd) == ProcessUser(0, 0, (0,))
    assert process_user(LinuxSecurity(), "nginx", passwd) == ProcessUser(101, 101, (101,))
    assert process_user(LinuxSecurity(), "1000:3000", passwd) == ProcessUser(1000, 3000, (3000,))
    assert process_user(LinuxSecurity(run_as_user=101), "", passwd) == ProcessUser(101, 101, (101,))
    assert process_user(LinuxSecurity(run_as_group=5, supplemental_groups=(9, 5, 2)), "", passwd) == ProcessUser(
        0, 5, (2, 5, 9))


def test_a_read_only_root_filesystem_and_read_only_mounts_refuse_writes() -> None:
    c = Cluster(nodes=1)
    c.kubectl("create configmap settings --from-literal=color=blue")
    c.apply(pod("ro", {"securityContext": {"readOnlyRootFilesystem": True},
                       "volumeMounts": [{"name": "scratch", "mountPath": "/scratch"},
                                        {"name": "shared", "mountPath": "/shared", "readOnly": True},
                                        {"name": "settings", "mountPath": "/etc/settings"}]},
                {"volumes": [{"name": "scratch", "emptyDir": {}}, {"name": "shared", "emptyDir": {}},
                             {"name": "settings", "configMap": {"name": "settings"}}]},
                command="echo hi > /hello; sleep 3600"))
    c.apply(pod("rw", command="echo hi > /hello; sleep 3600"))
    c.run(15)
    assert c.kubectl("logs ro") == "sh: can't create /hello: Read-only file system\n"
    assert c.exec_code("ro", "touch /tmp/x") == (1, "touch: /tmp/x: Read-only file system\n")
    assert c.exec_code("ro", "mkdir /opt/app") == (1, "mkdir: can't create directory '/opt/app': Read-only file "
                                                       "system\n")
    assert c.exec_code("ro", "rm /etc/passwd") == (1, "rm: can't remove '/etc/passwd': Read-only file system\n")
    assert c.exec("ro", "echo ok > /scratch/f; cat /scratch/f") == "ok\n"  # an emptyDir stays writable
    assert c.exec_code("ro", "echo no > /shared/f") == (1, "sh: can't create /shared/f: Read-only file system\n")
    assert c.exec_code("ro", "echo no > /etc/settings/color")[1] == (
        "sh: can't create /etc/settings/color: Read-only file system\n")  # the kubelet mounts configMaps read-only
    assert c.exec_code("ro", "touch /var/run/secrets/kubernetes.io/serviceaccount/x")[0] == 1
    assert c.kubectl("logs rw") == "" and c.exec("rw", "cat /hello") == "hi\n"


def test_the_capability_sets_are_the_docs_bitmaps() -> None:
    """The docs' task "Set capabilities for a Container": containerd's default set is 00000000a80425fb, adding
    NET_ADMIN (bit 12) and SYS_TIME (bit 25) makes 00000000aa0435fb; a process that is not root holds none of
    them (its bounding set stays), and allowPrivilegeEscalation: false sets NoNewPrivs."""
    c = Cluster(nodes=1)
    c.apply(pod("plain"))
    c.apply(pod("more", {"securityContext": {"capabilities": {"add": ["NET_ADMIN", "SYS_TIME"]}}}))
    c.apply(pod("none", {"securityContext": {"capabilities": {"drop": ["ALL"]}}}))
    c.apply(pod("user", {"securityContext": {"runAsUser": 1000, "allowPrivilegeEscalation": False}}))
    c.apply(pod("privileged", {"securityContext": {"privileged": True}}))
    c.run(15)

    def sets(name: str) -> dict[str, str]:
        lines = c.exec(name, "cd /proc/1; grep -E '^(Cap|NoNewPrivs)' status").splitlines()
        return dict(line.split(":\t") for line in lines)

    assert sets("plain") == {"CapInh": "0000000000000000", "CapPrm": "00000000a80425fb", "CapEff": "00000000a80425fb",
                             "CapBnd": "00000000a80425fb", "CapAmb": "0000000000000000", "NoNewPrivs": "0"}
    assert sets("more")["CapEff"] == "00000000aa0435fb"
    assert sets("none")["CapBnd"] == "0000000000000000"
    assert (sets("user")["CapEff"], sets("user")["CapBnd"], sets("user")["NoNewPrivs"]) == (
        "0000000000000000", "00000000a80425fb", "1")
    assert sets("privileged")["CapEff"] == "000001ffffffffff"
    assert c.exec("user", "grep -E '^(Uid|Gid)' /proc/self/status") == (
        "Uid:\t1000\t1000\t1000\t1000\nGid:\t0\t0\t0\t0\n")
