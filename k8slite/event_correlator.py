"""client-go's EventCorrelator (tools/record/events_cache.go): which Events are repeats.

Two caches, both keyed by strings built from the event:

- the aggregator's, by everything but the message (source, involved object,
  type, reason): it counts the distinct messages seen within 10 minutes; at
  the 10th (maxEvents) the event is replaced by one whose message is
  `(combined from similar events): <message>` and whose key is that
  aggregate key, so all later similar events update that one Event;
- the logger's, by everything (message included): the Event last recorded
  for that key, so a repeat becomes an update with count + 1, the first
  time kept, lastTimestamp now.

Pure bookkeeping: it never talks to the API; the recorder (events.py) does.
So a rollout of many steps shows its first nine ScalingReplicaSet messages,
then one combined Event that counts the rest, as on a real cluster; code that
needs every step watches the ReplicaSets instead. Each cache keeps the 4096
keys used last (client-go's maxLruCacheEntries), so a cluster of any size
holds a bounded cache; a key pushed out starts afresh, as on a real cluster.

Simplified: one correlator serves the cluster's recorders (a real cluster has
one per component and kubelet, each with its own 4096 keys). Left out: the
spam filter.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from k8slite.api.core import Event
from k8slite.api.meta import ObjectMeta

MAX_SIMILAR = 10          # defaultAggregateMaxEvents
SIMILAR_WINDOW = 600.0    # defaultAggregateIntervalInSeconds
COMBINED = "(combined from similar events): "  # EventAggregatorByReasonMessageFunc
MAX_LRU_CACHE_ENTRIES = 4096  # maxLruCacheEntries

V = TypeVar("V")


class LRU(Generic[V]):
    """golang-lru's Cache as client-go uses it: the `size` keys used last; adding one more drops the oldest."""

    def __init__(self, size: int = MAX_LRU_CACHE_ENTRIES) -> None:
        self.size = size
        self.entries: OrderedDict[str, V] = OrderedDict()

    def get(self, key: str) -> V | None:
        found = self.entries.get(key)
        if found is not None:
            self.entries.move_to_end(key)
        return found

    def add(self, key: str, value: V) -> None:
        self.entries[key] = value
        self.entries.move_to_end(key)
        if len(self.entries) > self.size:
            self.entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self.entries)


@dataclass(slots=True)
class SimilarRecord:
    """aggregateRecord: the distinct messages seen, and when the last similar event came."""

    messages: set[str] = field(default_factory=set)
    last_time: float = float("-inf")


def aggregate_key(e: Event) -> str:
    """EventAggregatorByReasonFunc's key: all but the message."""
    ref = e.involved_object
    return "".join([e.source.component, e.source.host, ref.kind, ref.namespace, ref.name, ref.uid,
                    ref.api_version, e.type, e.reason, e.reporting_component, e.reporting_instance])


def event_key(e: Event) -> str:
    """getEventKey: the aggregate key and the message."""
    return aggregate_key(e) + e.message


class EventCorrelator:
    def __init__(self, combine: bool = True) -> None:
        self.combine = combine  # the EventAggregator's "(combined from similar events)" step
        self.similar: LRU[SimilarRecord] = LRU()
        self.last_seen: LRU[Event] = LRU()   # eventLog: the Event last stored for a key

    def correlate(self, event: Event, now: float) -> tuple[Event, str, Event | None]:
        """(the event to record, its cache key, the stored Event it repeats or None)."""
        event, key = self.aggregate(event, now) if self.combine else (event, event_key(event))
        earlier = self.last_seen.get(key)
        if earlier is not None:
            event.metadata.name = earlier.name
            event.first_timestamp, event.count = earlier.first_timestamp, earlier.count + 1
        return event, key, earlier

    def aggregate(self, event: Event, now: float) -> tuple[Event, str]:
        """EventAggregate: the event itself, or (from the 10th distinct message) the combined one."""
        akey = aggregate_key(event)
        record = self.similar.get(akey) or SimilarRecord()
        if now - record.last_time > SIMILAR_WINDOW:
            record = SimilarRecord()
        record.messages.add(event.message)
        record.last_time = now
        self.similar.add(akey, record)
        if len(record.messages) < MAX_SIMILAR:
            return event, akey + event.message  # event_key(event)
        record.messages.discard(event.message)  # "do not grow our local key set any larger than max"
        combined = Event(metadata=ObjectMeta(name=event.name, namespace=event.namespace),
                         involved_object=event.involved_object, reason=event.reason, type=event.type,
                         message=COMBINED + event.message, source=event.source, first_timestamp=now,
                         last_timestamp=now, reporting_component=event.reporting_component,
                         reporting_instance=event.reporting_instance)
        return combined, akey

    def update_state(self, key: str, stored: Event) -> None:
        """UpdateState: remember what the API server stored, for the next repeat."""
        self.last_seen.add(key, stored)
