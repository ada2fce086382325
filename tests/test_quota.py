"""ResourceQuota: admission refuses in Kubernetes' words, the controller keeps status.used true."""

import pytest
from builders import deployment_yaml, make_pod

from k8slite import Cluster, Forbidden, Invalid
from k8slite.api.pod import ResourceRequirements


def quota(hard: dict, name: str = "q", ns: str = "team-a") -> dict:
    return {"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": name, "namespace": ns},
            "spec": {"hard": hard}}


def team(hard: dict, nodes: int = 2) -> Cluster:
    """A cluster with the namespace team-a and its quota q, counted by the controller."""
    c = Cluster(nodes=nodes, seed=0)
    c.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-a"}})
    c.apply(quota(hard))
    c.run(1)
    return c


def pod(name: str, cpu: str | None = None, memory: str | None = None, limits: dict | None = None,
        command: str = "sleep 3600", restart_policy: str = "Always"):
    p = make_pod(name, cpu=cpu, memory=memory, namespace="team-a", command=command, restart_policy=restart_policy)
    p.spec.containers[0].resources = ResourceRequirements(requests=dict(p.spec.containers[0].resources.requests),
                                                          limits=dict(limits or {}))
    return p


def test_exceeded_quota_message_word_for_word():
    c = team({"cpu": "2", "pods": "10"})
    for i in range(4):
        c.api.create(pod(f"p{i}", cpu="500m"))
    with pytest.raises(Forbidden) as refused:
        c.api.create(pod("x", cpu="500m"))
    assert str(refused.value) == ('pods "x" is forbidden: exceeded quota: q, requested: cpu=500m, used: cpu=2, '
                                  "limited: cpu=2")
    assert c.get("quota", "q", namespace="team-a").status.used == {"cpu": "2", "pods": "4"}


def test_only_the_exceeded_resources_are_named_sorted():
    c = team({"requests.memory": "1Gi", "requests.cpu": "1", "pods": "10"})
    c.api.create(pod("a", cpu="600m", memory="768Mi"))
    with pytest.raises(Forbidden) as refused:
        c.api.create(pod("b", cpu="500m", memory="512Mi"))
    assert str(refused.value).endswith("exceeded quota: q, requested: requests.cpu=500m,requests.memory=512Mi, "
                                       "used: requests.cpu=600m,requests.memory=768Mi, "
                                       "limited: requests.cpu=1,requests.memory=1Gi")


def test_a_compute_quota_wants_every_container_to_say_what_it_uses():
    c = team({"limits.cpu": "2", "limits.memory": "1Gi", "requests.cpu": "1"})
    with pytest.raises(Forbidden) as refused:
        c.api.create(pod("x", cpu="100m"))
    assert str(refused.value) == ('pods "x" is forbidden: failed quota: q: must specify limits.cpu for: main; '
                                  "limits.memory for: main")
    c.api.create(pod("y", limits={"cpu": "500m", "memory": "128Mi"}))  # a limit alone is also the request
    used = c.get("quota", "q", namespace="team-a").status.used
    assert used == {"limits.cpu": "500m", "limits.memory": "128Mi", "requests.cpu": "500m"}


def test_count_quotas_for_any_kind():
    c = team({"count/deployments.apps": "1", "configmaps": "2"})  # kube-root-ca.crt is one (publisher.go)
    c.apply(deployment_yaml("web", replicas=1).replace("name: web\n", "name: web\n  namespace: team-a\n", 1))
    with pytest.raises(Forbidden) as refused:
        c.apply(deployment_yaml("api", replicas=1).replace("name: api\n", "name: api\n  namespace: team-a\n", 1))
    assert str(refused.value) == ('deployments.apps "api" is forbidden: exceeded quota: q, requested: '
                                  "count/deployments.apps=1, used: count/deployments.apps=1, "
                                  "limited: count/deployments.apps=1")
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"namespace": "team-a"}}
    c.apply({**cm, "metadata": {**cm["metadata"], "name": "one"}})
    with pytest.raises(Forbidden, match="requested: configmaps=1, used: configmaps=2, limited: configmaps=2"):
        c.apply({**cm, "metadata": {**cm["metadata"], "name": "two"}})


def test_finished_pods_do_not_count():
    c = team({"pods": "2"})
    for name in ("job-1", "job-2"):
        c.api.create(pod(name, command="exit 0", restart_policy="Never"))
    with pytest.raises(Forbidden, match="requested: pods=1, used: pods=2, limited: pods=2"):
        c.api.create(pod("third"))
    c.run(30)
    assert {p.status.phase for p in c.get("pods", namespace="team-a")} == {"Succeeded"}
    assert c.get("quota", "q", namespace="team-a").status.used == {"pods": "0"}
    c.api.create(pod("third"))
    c.api.create(pod("fourth"))
    assert c.get("quota", "q", namespace="team-a").status.used == {"pods": "2"}


def test_deleting_gives_the_usage_back_after_the_grace_period():
    c = team({"pods": "1"})
    c.api.create(pod("a"))
    c.run(5)
    c.delete("pod", "a", namespace="team-a")
    c.run(5)
    assert c.get("quota", "q", namespace="team-a").status.used == {"pods": "1"}  # still stopping
    c.run(30)
    assert c.get("quota", "q", namespace="team-a").status.used == {"pods": "0"}


def test_a_refused_replicaset_records_failed_create_and_retries_when_the_quota_grows():
    c = team({"pods": "2"})
    c.apply(deployment_yaml("web", replicas=3).replace("name: web\n", "name: web\n  namespace: team-a\n", 1))
    c.run(20)
    assert len(c.get("pods", namespace="team-a")) == 2
    failed = [e for e in c.events() if e.reason == "FailedCreate"]
    assert failed and {e.involved_object.kind for e in failed} == {"ReplicaSet"}
    rs = c.get("rs", namespace="team-a")[0]
    assert failed[0].involved_object.name == rs.name and failed[0].type == "Warning"
    assert failed[0].message.startswith(f'Error creating: pods "{rs.name}-')
    assert failed[0].message.endswith('" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, '
                                      "limited: pods=2")
    attempts = sum(e.count for e in failed)  # nine Events, then one "(combined from similar events)" counts on
    assert 10 <= attempts < 20  # retried 5 ms, 10 ms, 20 ms ... later (the work queue's rate limiter), no tight loop
    assert failed[-1].message.startswith("(combined from similar events): Error creating: ")
    (condition,) = rs.status.conditions  # what `kubectl describe rs` shows under Conditions
    assert (condition.type, condition.status, condition.reason) == ("ReplicaFailure", "True", "FailedCreate")
    assert condition.message == failed[0].message.removeprefix("Error creating: ")
    c.apply(quota({"pods": "3"}))
    c.run(40)
    assert len(c.get("pods", namespace="team-a")) == 3
    assert c.get("rs", namespace="team-a")[0].status.conditions == []  # one sync succeeded: the condition goes
    assert c.kubectl("get quota -n team-a").splitlines()[1].split()[:3] == ["q", "pods:", "3/3"]


def test_a_refused_new_replicaset_is_a_replicaset_create_error_on_the_deployment():
    c = team({"count/replicasets.apps": "0"})
    c.apply(deployment_yaml("web", replicas=2).replace("name: web\n", "name: web\n  namespace: team-a\n", 1))
    c.run(5)
    refused = [e for e in c.events() if e.reason == "ReplicaSetCreateError"]  # FailedRSCreateReason
    assert refused and {(e.involved_object.kind, e.type) for e in refused} == {("Deployment", "Warning")}
    assert refused[0].message.startswith('Failed to create new replica set "web-')
    assert '" is forbidden: exceeded quota: q, requested: count/replicasets.apps=1' in refused[0].message
    progressing = c.get("deploy", "web", namespace="team-a").status.condition("Progressing")
    assert (progressing.status, progressing.reason) == ("False", "ReplicaSetCreateError")
    assert progressing.message == refused[-1].message.removeprefix("(combined from similar events): ")
    c.apply(quota({"count/replicasets.apps": "1"}))
    c.run(60)  # the next rate-limited retry, or the resync, creates it
    assert len(c.get("pods", namespace="team-a")) == 2
    progressing = c.get("deploy", "web", namespace="team-a").status.condition("Progressing")
    assert (progressing.status, progressing.reason) == ("True", "NewReplicaSetAvailable")


def test_one_refused_document_stores_nothing():
    c = team({"pods": "1", "requests.cpu": "1"})
    two = [pod("a", cpu="100m"), pod("b", cpu="100m")]
    with pytest.raises(Forbidden, match='pods "b" is forbidden: exceeded quota: q, requested: pods=1, used: pods=1'):
        c.apply(two)  # each fits alone; together they do not
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg", "namespace": "team-a"}}
    with pytest.raises(Forbidden, match="failed quota: q: must specify requests.cpu for: main"):
        c.apply([cm, pod("c")])
    assert c.get("pods", namespace="team-a") == []
    assert [cm.name for cm in c.get("cm", namespace="team-a")] == ["kube-root-ca.crt"]  # publisher.go's only
    assert c.get("quota", "q", namespace="team-a").status.used == {"pods": "0", "requests.cpu": "0"}
    (stored,) = c.apply(pod("a", cpu="100m"))
    assert c.apply(pod("a", cpu="100m"))[0].metadata.uid == stored.metadata.uid  # applying again is an update


def test_quota_validation():
    c = team({"pods": "1"})
    with pytest.raises(Invalid) as bad:
        c.apply(quota({"pods": "1", "gpus": "1"}, name="bad"))
    assert str(bad.value) == 'ResourceQuota "bad" is invalid: spec.hard[gpus]: Invalid value: "gpus": ' \
                             "must be a standard resource for quota"
    # a malformed quantity never reaches validation: decoding the body fails (resource.ParseQuantity)
    with pytest.raises(Invalid) as bad:
        c.apply(quota({"pods": "lots"}, name="bad"))
    assert str(bad.value) == ('ResourceQuota in version "v1" cannot be handled as a ResourceQuota: quantities '
                              "must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")


def test_get_and_describe_quota():
    c = team({"pods": "4", "requests.cpu": "1", "limits.cpu": "2", "requests.memory": "1Gi"})
    c.api.create(pod("a", cpu="500m", memory="256Mi", limits={"cpu": "1"}))
    c.run(4)
    assert c.kubectl("get quota -n team-a") == (
        "NAME   REQUEST                                                       LIMIT             AGE\n"
        "q      pods: 1/4, requests.cpu: 500m/1, requests.memory: 256Mi/1Gi   limits.cpu: 1/2   5s\n")
    assert c.kubectl("describe resourcequota q -n team-a") == (
        "Name:            q\n"
        "Namespace:       team-a\n"
        "Resource         Used   Hard\n"
        "--------         ----   ----\n"
        "limits.cpu       1      2\n"
        "pods             1      4\n"
        "requests.cpu     500m   1\n"
        "requests.memory  256Mi  1Gi\n")


def test_kubectl_apply_with_n_is_admitted_in_that_namespace(tmp_path):
    c = team({"pods": "1"})
    two = tmp_path / "two.yaml"
    two.write_text("".join(f"---\napiVersion: v1\nkind: Pod\nmetadata: {{name: {n}}}\n"
                           "spec: {containers: [{name: main, image: busybox}]}\n" for n in ("a", "b")))
    out = c.kubectl(f"apply -f {two} -n team-a")
    assert out == ('Error from server (Forbidden): pods "b" is forbidden: exceeded quota: q, requested: pods=1, '
                   "used: pods=1, limited: pods=1\n")
    assert c.get("pods", namespace="team-a") == [] and c.get("pods") == []
