"""Recording Events: what happened to an object, and why.

Mirrors client-go's EventRecorder (tools/record): a component reports
`Normal` or `Warning` events with a CamelCase reason (Scheduled, Pulled,
Started, Killing, BackOff, FailedScheduling, NodeNotReady ...) and a message
for people. Events are objects in the API like any other, which is why
`kubectl get events` and `kubectl describe` can show them. Simplified: no
aggregation or rate limiting; each occurrence is its own Event. An event the
API server refuses (its namespace is being deleted) is dropped, as client-go drops it.
"""

from __future__ import annotations

from k8slite.api.core import Event, EventSource
from k8slite.api.meta import KubeObject, ObjectMeta, ObjectReference
from k8slite.apiserver import APIServer
from k8slite.errors import ApiError


class EventRecorder:
    """Creates Events through the API server on behalf of one component."""

    def __init__(self, api: APIServer, component: str, host: str = "") -> None:
        self.api, self.component, self.host = api, component, host

    def event(self, obj: KubeObject, type_: str, reason: str, message: str) -> Event:
        now = self.api.clock.now
        namespace = obj.namespace or "default"
        ref = ObjectReference(api_version=obj.api_version, kind=obj.kind, namespace=obj.namespace,
                              name=obj.name, uid=obj.metadata.uid)
        event = Event(
            metadata=ObjectMeta(name=f"{obj.name}.{self.api.store.revision + 1:016x}", namespace=namespace),
            involved_object=ref, reason=reason, message=message, type=type_,
            source=EventSource(self.component, self.host), first_timestamp=now, last_timestamp=now,
            reporting_component=self.component, reporting_instance=self.host)
        try:
            return self.api.create(event)
        except ApiError:  # e.g. the namespace is being deleted: a lost event must not stop the component
            return event

    def normal(self, obj: KubeObject, reason: str, message: str) -> Event:
        return self.event(obj, "Normal", reason, message)

    def warning(self, obj: KubeObject, reason: str, message: str) -> Event:
        return self.event(obj, "Warning", reason, message)
