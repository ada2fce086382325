"""Recording Events: what happened to an object, and why.

Mirrors client-go's EventRecorder (tools/record): a component reports
`Normal` or `Warning` events with a CamelCase reason (Scheduled, Pulled,
Started, Killing, BackOff, FailedScheduling, NodeNotReady ...) and a message
for people. Events are objects in the API like any other, which is why
`kubectl get events` and `kubectl describe` can show them.

Repeats are folded as client-go's EventCorrelator folds them
(tools/record/events_cache.go; event_correlator.py here): an event identical to
one recorded before (same involved object, source, type, reason and
message) updates that Event, `count` + 1 and a new `lastTimestamp`, instead
of making a new one, so a crash loop's BackOff is one Event `x6 over 6m40s`
and each occurrence in between is not kept anywhere (the pod's own history,
pod_history.py, keeps what happened to it); from the 10th event within 10
minutes that differs from the others only in its message, they are combined
into one `(combined from similar events): ...` Event. Left out: the spam
filter's token bucket (25 events, then one per 5 minutes per object).
An event the API server refuses (its namespace is being deleted) is
dropped, as client-go drops it.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from k8slite.api.core import Event, EventSource
from k8slite.api.meta import KubeObject, ObjectMeta, ObjectReference
from k8slite.apiserver import APIServer
from k8slite.errors import ApiError, NotFound
from k8slite.event_correlator import EventCorrelator

# One correlator per API server: client-go keeps one per broadcaster, and its keys carry the source, so
# components sharing it never fold each other's events.
CORRELATORS: WeakKeyDictionary[APIServer, EventCorrelator] = WeakKeyDictionary()


class EventRecorder:
    """Creates Events through the API server on behalf of one component."""

    def __init__(self, api: APIServer, component: str, host: str = "") -> None:
        self.api, self.component, self.host = api, component, host
        self.source = EventSource(component, host)  # frozen: every Event this recorder makes shares it
        self.correlator = CORRELATORS.setdefault(api, EventCorrelator())

    def event(self, obj: KubeObject, type_: str, reason: str, message: str) -> Event:
        now = self.api.clock.now
        namespace = obj.namespace or "default"
        ref = ObjectReference(api_version=obj.api_version, kind=obj.kind, namespace=obj.namespace,
                              name=obj.name, uid=obj.metadata.uid)
        event = Event(
            metadata=ObjectMeta(name=f"{obj.name}.{self.api.store.revision + 1:016x}", namespace=namespace),
            involved_object=ref, reason=reason, message=message, type=type_,
            source=self.source, first_timestamp=now, last_timestamp=now,
            reporting_component=self.component, reporting_instance=self.host)
        event, key, earlier = self.correlator.correlate(event, now)
        try:
            stored = self.record(event, earlier)
        except ApiError:  # e.g. the namespace is being deleted: a lost event must not stop the component
            return event
        self.correlator.update_state(key, stored)
        return stored

    def record(self, event: Event, earlier: Event | None) -> Event:
        """Update the earlier Event (recordEvent's patch); create one when there is none, or it is gone."""
        if earlier is not None:
            try:
                new = self.api.get("events", earlier.name, earlier.namespace).copy()
                assert isinstance(new, Event)
                new.count, new.last_timestamp, new.message = event.count, event.last_timestamp, event.message
                return self.api.update(new, owned=True)  # type: ignore[no-any-return]  # a copy made for it
            except NotFound:  # "the event may have been removed and it no longer exists"
                event.metadata.name = f"{event.involved_object.name}.{self.api.store.revision + 1:016x}"
                event.first_timestamp, event.count = event.last_timestamp, 1
        return self.api.create(event, owned=True)  # type: ignore[no-any-return]  # made for this call

    def normal(self, obj: KubeObject, reason: str, message: str) -> Event:
        return self.event(obj, "Normal", reason, message)

    def warning(self, obj: KubeObject, reason: str, message: str) -> Event:
        return self.event(obj, "Warning", reason, message)
