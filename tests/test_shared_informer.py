"""kube-controller-manager's shared informers: one list + watch and one cache of a kind for all its
controllers, each controller with its own handler (client-go's SharedInformerFactory)."""

from builders import make_pod

from k8slite import Cluster
from k8slite.controllers import INFORMERS
from k8slite.informer import InformerFactory


def heard(log: list[str], who: str):
    return lambda event_type, obj: log.append(f"{who} {event_type} {obj.name}")


def test_every_listener_hears_every_change_in_the_order_it_listened_and_the_cache_is_one():
    c = Cluster(nodes=1, controllers=False, scheduler=False)
    factory, log = InformerFactory(c.api), []
    first, second = factory.informer("pods", heard(log, "first")), factory.informer("pods", heard(log, "second"))
    c.apply(make_pod("web"))
    c.run(1)
    assert log[:2] == ["first ADDED web", "second ADDED web"]
    assert first.cache is second.cache and first.get("default/web") is not None
    assert len(factory.informers) == 1  # one watch of pods for both


def test_a_listener_that_comes_later_hears_the_cached_objects_as_added_then_the_changes():
    c = Cluster(nodes=1, controllers=False, scheduler=False)
    factory, log = InformerFactory(c.api), []
    factory.informer("pods", heard(log, "first"))
    c.apply(make_pod("web"))
    c.run(1)
    factory.informer("pods", heard(log, "late"))
    assert log[-1] == "late ADDED web"
    c.kubectl("delete pod web --wait=false")
    c.run(1)
    assert "late DELETED web" in log and "first DELETED web" in log


def test_dropping_one_listeners_events_leaves_the_others_and_the_cache_alone():
    c = Cluster(nodes=1, controllers=False, scheduler=False)
    factory, log = InformerFactory(c.api), []
    deaf = factory.informer("pods", heard(log, "deaf"))
    factory.informer("pods", heard(log, "hearing"))
    deaf.drop = lambda: True
    c.apply(make_pod("web"))
    c.run(1)
    assert log == ["hearing ADDED web"] and deaf.get("default/web") is not None


def test_a_stopped_listener_hears_no_more_and_the_watch_ends_with_the_last_one():
    c = Cluster(nodes=1, controllers=False, scheduler=False)
    factory, log = InformerFactory(c.api), []
    one, two = factory.informer("pods", heard(log, "one")), factory.informer("pods", heard(log, "two"))
    one.stop()
    c.apply(make_pod("web"))
    c.run(1)
    assert log == ["two ADDED web"]
    two.stop()
    assert factory.informers["pods"].watch.stopped
    factory.informer("pods", heard(log, "three"))  # a new request lists and watches again
    assert log[-1] == "three ADDED web" and not factory.informers["pods"].watch.stopped


def test_the_controller_manager_caches_each_pod_once_except_where_a_controller_assumes_its_writes():
    c = Cluster(nodes=1)
    shared = INFORMERS[c.api].informers["pods"]
    replicasets = c.controllers[0]
    assert replicasets.pods.cache is not shared.cache  # it puts the pods it creates in its cache at once
    daemonsets = c.controllers[1]  # so does the DaemonSet controller, which caches only daemon and ownerless pods
    assert type(daemonsets).__name__ == "DaemonSetController" and daemonsets.pods.cache is not shared.cache
    assert c.workload_controllers[1].pods.cache is shared.cache  # the Job controller keeps its own apart
    listening = {type(getattr(listener.handler, "__self__", None)).__name__ for listener in shared.listeners}
    assert {"EndpointsController", "NamespaceController", "GarbageCollector", "TaintEvictionController",
            "StorageProtectionController", "AttachDetachController", "DeploymentController"} <= listening
    pod_watches = c.api.store._watches["/registry/pods/"]
    statefulsets = c.controllers[2]  # and the StatefulSet controller, which caches its pods and ownerless ones
    assert type(statefulsets).__name__ == "StatefulSetController" and statefulsets.pods.cache is not shared.cache
    assert len(pod_watches) <= 6, [w.notify for w in pod_watches]  # was one per controller (14)
