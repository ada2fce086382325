"""Garbage collection: what an owner owns goes with it, in the background, foreground, or not at all."""

from builders import deployment_yaml, job_yaml, make_pod

from k8slite import Cluster
from k8slite.api.meta import OwnerReference


def running(c):
    return [p for p in c.get("pods") if p.metadata.deletion_timestamp is None]


def make():
    c = Cluster(nodes=2)
    c.apply(deployment_yaml(replicas=2, command="httpd -f -p 80"))
    c.run_until(lambda c: c.ready("deployment/web"), 60)
    return c


def test_owner_references_on_what_controllers_create():
    c = make()
    d = c.get("deploy", "web")
    (rs,) = c.get("rs")
    assert [(r.kind, r.uid, r.controller, r.block_owner_deletion) for r in rs.metadata.owner_references] == \
        [("Deployment", d.metadata.uid, True, True)]
    assert all(p.metadata.owner_references[0].uid == rs.metadata.uid for p in c.get("pods"))


def test_background_is_the_default():
    c = make()
    c.delete("deploy", "web")
    assert c.get("deploy") == []
    c.run(0)
    assert c.get("rs") == [] and running(c) == []
    c.run(40)
    assert c.get("pods") == []


def test_foreground_waits_for_the_dependents():
    c = make()
    c.delete("deploy", "web", propagation_policy="Foreground")
    d = c.get("deploy", "web")
    assert d.metadata.deletion_timestamp is not None and d.metadata.finalizers == ["foregroundDeletion"]
    c.run(0)
    assert c.get("rs")[0].metadata.finalizers == ["foregroundDeletion"] and running(c) == []
    c.run_until(lambda c: not c.get("deploy"), 60)
    assert c.get("pods") == [] and c.get("rs") == []


def test_orphan_leaves_the_dependents_ownerless():
    c = make()
    assert c.kubectl("delete deployment web --cascade=orphan") == 'deployment.apps "web" deleted\n'
    c.run(5)
    assert c.get("deploy") == []
    (rs,) = c.get("rs")
    assert rs.metadata.owner_references == [] and len(running(c)) == 2
    c.apply(deployment_yaml(replicas=2, command="httpd -f -p 80"))
    c.run(5)
    assert c.get("rs")[0].metadata.owner_references[0].uid == c.get("deploy", "web").metadata.uid  # adopted
    assert len(running(c)) == 2


def test_kubectl_cascade_values():
    c = make()
    assert c.kubectl("delete deploy web --cascade=sideways") == (
        'error: invalid cascade value (sideways). Must be "background", "foreground", or "orphan"\n')
    assert c.kubectl("delete deploy web --cascade=foreground") == 'deployment.apps "web" deleted\n'
    c.run(60)
    assert c.get("deploy") == [] and c.get("pods") == []


def test_deleting_a_job_deletes_its_pods():
    c = Cluster(nodes=1)
    c.apply(job_yaml(command="sleep 600"))
    c.run(5)
    c.delete("job", "work", propagation_policy="Background")  # what kubectl delete sends
    c.run(0)
    assert running(c) == []



def test_a_dependent_whose_owner_name_now_belongs_to_a_new_object_is_collected():
    # attemptToDeleteItem compares uids: an object made again under the owner's name is not the owner
    c = make()
    (rs,) = c.get("rs")
    stray = make_pod("stray", labels={"app": "stray"})
    stray.metadata.owner_references = [OwnerReference(api_version="apps/v1", kind="ReplicaSet", name=rs.name,
                                                      uid="0000-the-old-replicaset", controller=True)]
    c.apply(stray)
    c.run(30)
    assert c.get("rs", rs.name).metadata.uid == rs.metadata.uid  # the same name, another uid
    assert "stray" not in {p.name for p in running(c)}
