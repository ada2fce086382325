"""The ResourceQuota admission plugin (staging/src/k8s.io/apiserver/pkg/admission/plugin/resourcequota).

Before an object is stored, every ResourceQuota of its namespace that limits
something the object counts for is checked, in the plugin's own words:

- a quota on compute needs each container to say what it asks for:
  `failed quota: q: must specify limits.cpu for: app`;
- a quota whose usage the quota controller has not counted yet refuses:
  `status unknown for quota: q, resources: pods`;
- usage plus what the object asks for may not go over `hard`:
  `exceeded quota: q, requested: cpu=500m, used: cpu=1500m, limited: cpu=2`.

When the object is admitted, the new usage is written to the quota's status
at once (so the next pod sees it, even before the controller recounts). A
dry run (`charged` given) writes nothing and keeps the usage it would have
charged in `charged`, so that several documents are checked together.
Quotas only count creates here: updates are not charged (a simplification;
Kubernetes charges the difference when an update changes usage).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from k8slite.admission.evaluator import (
    Usage,
    add,
    format_quantity,
    matching_resources,
    missing_requests,
    parse_list,
    pretty,
    usage,
)
from k8slite.api.kinds import kind_of
from k8slite.api.meta import KubeObject
from k8slite.api.pod import Pod
from k8slite.api.policy import ResourceQuota
from k8slite.errors import Forbidden

if TYPE_CHECKING:
    from k8slite.apiserver import APIServer


def admit(api: APIServer, obj: KubeObject, plural: str, quotas: list[KubeObject],
          charged: dict[str, KubeObject] | None = None) -> None:
    """Refuse obj (Forbidden) if one of the namespace's quotas would be exceeded; else charge them."""
    if not quotas:
        return
    refused = f'{kind_of(obj).resource} "{obj.name}" is forbidden: '
    requested = {k: v for k, v in usage(obj, plural).items() if v != 0}
    charged_quotas = []
    for stored in quotas:
        quota = (charged or {}).get(f"{stored.namespace}/{stored.name}", stored)  # a dry run's charges so far
        if not isinstance(quota, ResourceQuota):
            continue
        hard = parse_list(quota.status.hard)
        limited = matching_resources(obj, plural, set(hard))
        if not limited:
            continue
        missing = missing_requests(obj, limited) if isinstance(obj, Pod) else ""
        if missing:
            raise Forbidden(f"{refused}failed quota: {quota.name}: must specify {missing}")
        unknown = sorted(r for r in limited if r not in quota.status.used)
        if unknown:
            raise Forbidden(f"{refused}status unknown for quota: {quota.name}, resources: {','.join(unknown)}")
        charged_quotas.append(charge(quota, hard, requested, refused))
    for new in charged_quotas:  # only once every quota has agreed
        if charged is not None:
            charged[f"{new.namespace}/{new.name}"] = new
        else:
            api.update_status(new)


def charge(quota: ResourceQuota, hard: Usage, requested: Usage, refused: str) -> ResourceQuota:
    """The quota with what is requested added to its usage; Forbidden if that goes over hard."""
    asked = {k: v for k, v in requested.items() if k in hard}
    used = parse_list(quota.status.used)
    new_used = add(used, asked)
    exceeded = sorted(k for k in asked if new_used[k] > hard[k])
    if exceeded:
        raise Forbidden(f"{refused}exceeded quota: {quota.name}, requested: "
                        f"{pretty({k: asked[k] for k in exceeded})}, used: "
                        f"{pretty({k: used[k] for k in exceeded if k in used})}, limited: "
                        f"{pretty({k: hard[k] for k in exceeded})}")
    new = quota.copy()
    new.status.used = {**quota.status.used, **{k: format_quantity(v) for k, v in new_used.items() if k in hard}}
    return new
