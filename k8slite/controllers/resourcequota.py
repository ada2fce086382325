"""The resource quota controller: keep each ResourceQuota's `status.used` true to what its namespace holds.

Mirrors pkg/controller/resourcequota. `status.hard` is copied from
`spec.hard`; `status.used` is recounted from the objects of the namespace,
with the same evaluators as the admission plugin (k8slite.admission.evaluator):
a finished pod stops counting, a deleted object gives its share back
(the "replenishment" that lets a refused ReplicaSet try again). Admission
raises `used` as it admits; the controller is what brings it down, and what
fills in a new quota's status (until then the quota limits nothing, as in
Kubernetes). Simplified: informers on every namespaced kind but Events,
a recount on any change in a namespace that has quotas, and the
controllers' 30 s resync instead of the 5 min full recount.
"""

from __future__ import annotations

from fractions import Fraction

from k8slite.admission.evaluator import Usage, counts_for_quota, format_quantity, matching_resources, parse_list, usage
from k8slite.api.kinds import KINDS
from k8slite.api.meta import KubeObject
from k8slite.api.policy import ResourceQuota
from k8slite.apiserver import APIServer
from k8slite.controllers import Controller
from k8slite.informer import object_key


class ResourceQuotaController(Controller):
    name = "resourcequota-controller"

    def __init__(self, api: APIServer) -> None:
        super().__init__(api)
        self.quotas = self.informer("resourcequotas", self.enqueue)
        self.counted = {k.plural: self.informer(k.plural, self.object_changed) for k in KINDS
                        if k.namespaced and k.kind not in ("Event", "ResourceQuota")}

    def resync_keys(self) -> list[str]:
        return sorted(self.quotas.cache)

    def object_changed(self, event_type: str, obj: KubeObject) -> None:
        """Something in a namespace changed: recount the namespace's quotas."""
        for quota in self.quotas.list():
            if quota.namespace == obj.namespace:
                self.queue.add(object_key(quota))

    def sync(self, key: str) -> None:
        quota = self.quotas.get(key)
        if not isinstance(quota, ResourceQuota) or quota.metadata.deletion_timestamp is not None:
            return
        hard = parse_list(quota.spec.hard)
        used = self.calculate_usage(quota.namespace, set(hard))
        new = quota.copy()
        new.status.hard = {k: format_quantity(v) for k, v in hard.items()}
        new.status.used = {k: format_quantity(used.get(k, Fraction(0))) for k in hard}
        if new.status != quota.status:
            self.api.update_status(new)  # admission charged it meanwhile (Conflict): the queue counts again

    def calculate_usage(self, namespace: str, hard: set[str]) -> Usage:
        """What the objects of the namespace add up to, for the resources in hard."""
        total: Usage = {}
        for plural, informer in self.counted.items():
            for obj in informer.list():
                if obj.namespace != namespace or not counts_for_quota(obj, self.clock.now):
                    continue
                for name in matching_resources(obj, plural, hard):
                    amount = usage(obj, plural).get(name, Fraction(0))
                    total[name] = total.get(name, Fraction(0)) + amount
        return total
