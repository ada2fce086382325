"""The Priority admission plugin: every pod gets an integer priority (plugin/pkg/admission/priority).

A pod names a PriorityClass in `priorityClassName`; the plugin writes that
class's value into `spec.priority` and its preemption policy into
`spec.preemptionPolicy`, so the scheduler (and the kubelet, when it must
evict) compares numbers, not names. A pod that names no class gets the
global default class, or, with none, priority 0 and PreemptLowerPriority:
that is why every pod's YAML says `priority: 0`. A priority written by
hand that differs from the computed one is refused, as is a class that
does not exist, in the plugin's words. An update that leaves the two
fields out keeps them (a manifest applied again does not carry them).

Simplified: k8slite has no PriorityClass kind; the only classes are the
two every cluster makes at start, system-cluster-critical and
system-node-critical, and there is no global default. Nothing in k8slite
preempts by priority yet (chapter 06 explains preemption).
"""

from __future__ import annotations

from k8slite.api.pod import Pod
from k8slite.errors import Forbidden

PREEMPT_LOWER_PRIORITY = "PreemptLowerPriority"
DEFAULT_PRIORITY = 0  # scheduling.DefaultPriorityWhenNoDefaultClassExists
SYSTEM_CLASSES = {"system-cluster-critical": 2_000_000_000, "system-node-critical": 2_000_001_000}


def admit(pod: Pod) -> None:
    """Resolve the pod's priority and preemption policy from its PriorityClass (or the default)."""
    spec, refused = pod.spec, f'pods "{pod.name}" is forbidden: '
    if not spec.priority_class_name:
        priority = DEFAULT_PRIORITY
    elif spec.priority_class_name in SYSTEM_CLASSES:
        priority = SYSTEM_CLASSES[spec.priority_class_name]
    else:
        raise Forbidden(f"{refused}no PriorityClass with name {spec.priority_class_name} was found")
    if spec.priority is not None and spec.priority != priority:
        raise Forbidden(f"{refused}the integer value of priority ({spec.priority}) must not be provided in pod "
                        f"spec; priority admission controller computed {priority} from the given PriorityClass name")
    if spec.preemption_policy is not None and spec.preemption_policy != PREEMPT_LOWER_PRIORITY:
        raise Forbidden(f"{refused}the string value of PreemptionPolicy ({spec.preemption_policy}) must not be "
                        f"provided in pod spec; priority admission controller computed {PREEMPT_LOWER_PRIORITY} "
                        "from the given PriorityClass name")
    spec.priority, spec.preemption_policy = priority, PREEMPT_LOWER_PRIORITY


def keep_on_update(old: Pod, new: Pod) -> None:
    """An update that leaves out the priority (a manifest without it) keeps the one set at creation; any
    other change to it is refused by the pod update validation."""
    if new.spec.priority is None:
        new.spec.priority = old.spec.priority
    if new.spec.preemption_policy is None:
        new.spec.preemption_policy = old.spec.preemption_policy
