"""The Priority admission plugin: spec.priority and preemptionPolicy on every pod, and its refusals."""

from __future__ import annotations

import pytest

from k8slite import Cluster
from k8slite.errors import Forbidden, Invalid

POD = """
apiVersion: v1
kind: Pod
metadata: {name: %s}
spec:
  %s
  containers: [{name: c, image: busybox, command: [sleep, "60"]}]
"""


def test_every_pod_gets_priority_0_and_preempt_lower_priority() -> None:
    c = Cluster(nodes=1)
    c.apply(POD % ("p", "restartPolicy: Always"))
    pod = c.get("pod", "p")
    assert (pod.spec.priority, pod.spec.preemption_policy) == (0, "PreemptLowerPriority")
    text = c.kubectl("get pod p -o yaml")
    assert "  preemptionPolicy: PreemptLowerPriority\n  priority: 0\n" in text
    assert "Namespace:        default\nPriority:         0\nService Account:" in c.kubectl("describe pod p")


def test_a_system_class_gives_its_value_and_describe_names_it() -> None:
    c = Cluster(nodes=1)
    c.apply(POD % ("critical", "priorityClassName: system-node-critical"))
    assert c.get("pod", "critical").spec.priority == 2000001000
    assert "Priority:             2000001000\nPriority Class Name:  system-node-critical\n" in \
        c.kubectl("describe pod critical")


@pytest.mark.parametrize(("line", "error", "message"), [
    ("priorityClassName: gold", Forbidden, 'pods "x" is forbidden: no PriorityClass with name gold was found'),
    ("priority: 5", Forbidden, 'pods "x" is forbidden: the integer value of priority (5) must not be provided in '
                               "pod spec; priority admission controller computed 0 from the given PriorityClass name"),
    ("preemptionPolicy: Never", Forbidden, "the string value of PreemptionPolicy (Never) must not be provided"),
    ("preemptionPolicy: Sometimes", Invalid, 'spec.preemptionPolicy: Unsupported value: "Sometimes": '
                                             'supported values: "Never", "PreemptLowerPriority"'),
])
def test_the_plugin_refuses_what_its_class_does_not_give(line: str, error: type[Exception], message: str) -> None:
    c = Cluster(nodes=1)
    with pytest.raises(error, match=None) as raised:
        c.apply(POD % ("x", line))
    assert message in str(raised.value)
    assert c.get("pods") == []


def test_an_update_without_the_priority_keeps_it_and_one_that_changes_it_is_refused() -> None:
    c = Cluster(nodes=1)
    c.apply(POD % ("p", "restartPolicy: Always"))
    new = c.get("pod", "p").copy()
    new.spec.priority = new.spec.preemption_policy = None  # as a manifest without them would be
    new.spec.containers[0].image = "busybox:1.36"
    stored = c.api.update(new)
    assert (stored.spec.priority, stored.spec.preemption_policy) == (0, "PreemptLowerPriority")
    changed = stored.copy()
    changed.spec.priority = 7
    with pytest.raises(Invalid, match="pod updates may not change fields other than"):
        c.api.update(changed)
