"""LimitRange: the LimitRanger admission plugin fills in defaults, then refuses what breaks the limits."""

import pytest
from builders import make_pod

from k8slite import Cluster, Forbidden, Invalid
from k8slite.api.pod import Container, ResourceRequirements


def limit_range(*items: dict, name: str = "limits") -> dict:
    return {"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": name, "namespace": "team-a"},
            "spec": {"limits": list(items)}}


def team(*items: dict) -> Cluster:
    c = Cluster(nodes=1, seed=0)
    c.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-a"}})
    c.apply(limit_range(*items))
    return c


def pod(name: str = "x", requests: dict | None = None, limits: dict | None = None, containers: int = 1):
    p = make_pod(name, namespace="team-a")
    template = p.spec.containers[0]
    p.spec.containers = [Container(name=f"c{i}" if containers > 1 else "main", image=template.image,
                                   command=template.command,
                                   resources=ResourceRequirements(requests=dict(requests or {}),
                                                                  limits=dict(limits or {})))
                         for i in range(containers)]
    return p


def refusal(c: Cluster, p) -> str:
    with pytest.raises(Forbidden) as refused:
        c.api.create(p)
    assert c.get("pods", namespace="team-a") == []
    return str(refused.value)


def test_defaults_fill_in_what_a_container_leaves_out_and_say_so():
    c = team({"type": "Container", "default": {"cpu": "500m", "memory": "256Mi"},
              "defaultRequest": {"cpu": "250m"}})
    stored = c.api.create(pod(requests={"memory": "64Mi"}))
    assert stored.spec.containers[0].resources == ResourceRequirements(
        requests={"memory": "64Mi", "cpu": "250m"}, limits={"cpu": "500m", "memory": "256Mi"})
    assert stored.metadata.annotations["kubernetes.io/limit-ranger"] == (
        "LimitRanger plugin set: cpu request for container main; cpu, memory limit for container main")


def test_default_request_falls_back_to_the_default_limit_and_the_limit_to_max():
    c = team({"type": "Container", "max": {"cpu": "1"}, "default": {"memory": "128Mi"}})
    lr = c.get("limits", "limits", namespace="team-a").spec.limits[0]
    assert lr.default == {"cpu": "1", "memory": "128Mi"} and lr.default_request == {"cpu": "1", "memory": "128Mi"}
    stored = c.api.create(pod())
    assert stored.spec.containers[0].resources.limits == {"cpu": "1", "memory": "128Mi"}


def test_a_limit_alone_is_the_request_before_defaults_apply():
    c = team({"type": "Container", "defaultRequest": {"cpu": "100m"}, "default": {"cpu": "200m"}})
    stored = c.api.create(pod(limits={"cpu": "2"}))
    assert stored.spec.containers[0].resources.requests == {"cpu": "2"}


def test_maximum_per_container_word_for_word():
    c = team({"type": "Container", "max": {"cpu": "1"}})
    assert refusal(c, pod(limits={"cpu": "2"})) == (
        'pods "x" is forbidden: maximum cpu usage per Container is 1, but limit is 2')
    stored = c.api.create(pod("ok"))  # no limit at all: the default limit (max) is filled in, and that fits
    assert stored.spec.containers[0].resources.limits == {"cpu": "1"}


def test_minimum_and_ratio_word_for_word():
    c = team({"type": "Container", "min": {"memory": "64Mi"}, "maxLimitRequestRatio": {"cpu": "2"}})
    assert refusal(c, pod(requests={"memory": "32Mi", "cpu": "100m"}, limits={"cpu": "100m"})) == (
        'pods "x" is forbidden: minimum memory usage per Container is 64Mi, but request is 32Mi')
    assert refusal(c, pod(requests={"cpu": "250m"}, limits={"cpu": "1"})).endswith(
        "cpu max limit to request ratio per Container is 2, but provided ratio is 4.000000")


def test_several_broken_rules_are_listed_together():
    c = team({"type": "Container", "max": {"cpu": "1", "memory": "1Gi"}})
    assert refusal(c, pod(limits={"cpu": "2", "memory": "2Gi"})) == (
        'pods "x" is forbidden: [maximum cpu usage per Container is 1, but limit is 2, '
        "maximum memory usage per Container is 1Gi, but limit is 2Gi]")


def test_pod_maximum_is_over_the_sum_of_its_containers():
    c = team({"type": "Pod", "max": {"memory": "1Gi"}})
    assert refusal(c, pod(limits={"memory": "768Mi"}, containers=2)) == (
        'pods "x" is forbidden: maximum memory usage per Pod is 1Gi, but limit is 1536Mi')
    assert refusal(c, pod()) == 'pods "x" is forbidden: maximum memory usage per Pod is 1Gi.  No limit is specified'
    c.api.create(pod(limits={"memory": "512Mi"}, containers=2))


def test_limit_ranger_runs_before_the_quota_which_counts_its_defaults():
    c = team({"type": "Container", "default": {"cpu": "500m", "memory": "256Mi"},
              "defaultRequest": {"cpu": "250m", "memory": "128Mi"}})
    c.apply({"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "q", "namespace": "team-a"},
             "spec": {"hard": {"requests.cpu": "1", "limits.memory": "1Gi"}}})
    c.run(1)
    for i in range(4):
        c.api.create(pod(f"p{i}"))  # no resources at all: the defaults make the quota accept them
    with pytest.raises(Forbidden) as refused:
        c.api.create(pod("p4"))
    assert str(refused.value) == ('pods "p4" is forbidden: exceeded quota: q, requested: limits.memory=256Mi,'
                                  "requests.cpu=250m, used: limits.memory=1Gi,requests.cpu=1, "
                                  "limited: limits.memory=1Gi,requests.cpu=1")
    assert c.get("quota", "q", namespace="team-a").status.used == {"requests.cpu": "1", "limits.memory": "1Gi"}


def test_limit_range_validation():
    c = team({"type": "Container"})
    with pytest.raises(Invalid) as bad:
        c.apply(limit_range({"type": "Container", "min": {"cpu": "2"}, "max": {"cpu": "1"}}, name="bad"))
    assert str(bad.value).startswith('LimitRange "bad" is invalid: [spec.limits[0].min[cpu]: Invalid value: "2": '
                                     "min value 2 is greater than max value 1")
    pod_default = "spec.limits\\[0\\].default: Forbidden: may not be specified when `type` is 'Pod'"
    with pytest.raises(Invalid, match=pod_default):
        c.apply(limit_range({"type": "Pod", "default": {"cpu": "1"}}, name="bad"))
    with pytest.raises(Invalid, match='spec.limits\\[0\\].type: Unsupported value: "Node"'):
        c.apply(limit_range({"type": "Node"}, name="bad"))


def test_get_and_describe_limit_ranges():
    c = team({"type": "Container", "max": {"cpu": "1"}, "defaultRequest": {"cpu": "0.5"}})
    assert c.kubectl("get limits -n team-a") == "NAME     CREATED AT\nlimits   2025-01-01T00:00:00Z\n"
    assert c.kubectl("describe limitrange limits -n team-a") == (
        "Name:       limits\n"
        "Namespace:  team-a\n"
        "Type        Resource  Min  Max  Default Request  Default Limit  Max Limit/Request Ratio\n"
        "----        --------  ---  ---  ---------------  -------------  -----------------------\n"
        "Container   cpu       -    1    500m             1              -\n")
    assert "No resource quota.\n\nResource Limits\n Type       Resource" in c.kubectl("describe ns team-a")
