"""A container's last words: terminationMessagePath and terminationMessagePolicy (the docs' task "Determine the
Reason for Pod Failure"), on the fake runtime; tests/test_docker_runtime.py and the Linux runtime's tests check
the same file on real containers."""

from __future__ import annotations

import pytest

from k8slite import Cluster
from k8slite.errors import ApiError

DEMO = """
apiVersion: v1
kind: Pod
metadata:
  name: termination-demo
spec:
  containers:
  - name: termination-demo-container
    image: debian
    command: ["/bin/sh"]
    args: ["-c", "sleep 10 && echo Sleep expired > /dev/termination-log"]
"""


def pod(name: str, script: str, **container: str) -> dict[str, object]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": {"restartPolicy": "Never",
            "containers": [{"name": "c", "image": "busybox", "command": ["sh", "-c", script], **container}]}}


def message(c: Cluster, name: str) -> str:
    return str(c.get("pods", name).status.container_statuses[0].state.terminated.message)


def test_the_docs_demo_reads_its_message_back_with_a_go_template() -> None:
    c = Cluster(nodes=1)
    c.apply(DEMO)
    c.run(30)
    template = "{{range .status.containerStatuses}}{{.lastState.terminated.message}}{{end}}"
    assert c.kubectl(f"get pod termination-demo -o go-template='{template}'") == "Sleep expired\n"
    assert "      Reason:    Completed\n      Message:   Sleep expired\n" in c.kubectl("describe pod termination-demo")
    yaml = c.kubectl("get pod termination-demo -o yaml")
    assert "    terminationMessagePath: /dev/termination-log\n    terminationMessagePolicy: File\n" in yaml


def test_the_policy_and_the_path_decide_what_the_message_is() -> None:
    c = Cluster(nodes=1)
    fallback = {"terminationMessagePolicy": "FallbackToLogsOnError"}
    c.apply([
        pod("file-only", "echo oops; exit 1"),  # File: the log is not looked at
        pod("fallback", "for i in $(seq 1 100); do echo line $i; done; exit 2", **fallback),
        pod("fallback-ok", "echo fine", **fallback),  # exit 0: no fallback
        pod("both", "echo from the log; echo from the file > /dev/termination-log; exit 1", **fallback),
        pod("elsewhere", "echo custom > /tmp/last-words; exit 1", terminationMessagePath="/tmp/last-words"),
        pod("long", "i=0; while [ $i -lt 500 ]; do printf 0123456789; i=$((i+1)); done > /dev/termination-log"),
        pod("wide", "i=0; while [ $i -lt 30 ]; do echo $i-0123456789012345678901234567890123456789012345678901234"
                    "567890123456789; i=$((i+1)); done; exit 1", **fallback),
    ])
    c.run(20)
    assert message(c, "file-only") == "" and message(c, "fallback-ok") == ""
    assert message(c, "fallback") == "".join(f"line {i}\n" for i in range(21, 101))  # the last 80 lines
    assert message(c, "both") == "from the file\n"
    assert message(c, "elsewhere") == "custom\n"
    assert message(c, "long") == ("0123456789" * 500)[-4096:]  # the file's last 4 KiB
    wide = message(c, "wide")
    assert len(wide.encode()) == 2048 and wide.endswith("29-0123456789012345678901234567890123456789012345678901234"
                                                        "567890123456789\n")  # the log's last 2 KiB


def test_a_policy_kubernetes_does_not_know_is_refused() -> None:
    c = Cluster(nodes=1)
    with pytest.raises(ApiError) as refused:
        c.apply(pod("p", "true", terminationMessagePolicy="Never"))
    assert str(refused.value) == ('Pod "p" is invalid: spec.containers[0].terminationMessagePolicy: Unsupported value: '
                                  '"Never": supported values: "File", "FallbackToLogsOnError"')


def test_the_defaults_are_in_templates_and_change_no_replicaset_name() -> None:
    c = Cluster(nodes=1)
    c.kubectl("create deployment web --image=nginx")
    c.run(2)
    rs = c.get("replicasets")[0]
    assert rs.name == "web-6ddc76c45d"  # the name the book shows, from before these fields were modelled
    assert rs.spec.template.spec.containers[0].termination_message_policy == "File"
    c.kubectl("patch deploy web -p '{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"nginx\","
              "\"terminationMessagePolicy\":\"FallbackToLogsOnError\"}]}}}}'")
    c.run(2)
    assert len({o.name for o in c.get("replicasets")}) == 2  # a changed policy is a new template
