"""Times on the wire measured against the real clock, for clients that compute ages themselves.

k8slite writes cluster time t as 2025-01-01T00:00:00Z + t (k8slite.api.serialize.EPOCH).
`kubectl get` shows ages the server computed on the cluster clock, but
`kubectl describe` computes its events' Age from the machine's clock
(translateTimestampSince), so a pod started 10 s ago on the cluster clock
shows "702d". With `wall_clock` on, the server shifts every timestamp it
sends so that the cluster's `now` is the machine's now, and shifts those it
receives back: ages are right, dates are today's. Off by default, so that
`kubectl get -o yaml` prints the same dates as `c.kubectl`; `python -m
k8slite.server` turns it on. MicroTimes (a Lease's renewTime) keep their
microseconds. Left out: timestamps inside PATCH bodies.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import Any

from k8slite.api.serialize import EPOCH

STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
FORMAT = "%Y-%m-%dT%H:%M:%SZ"
MICRO_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")
MICRO_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def offset(cluster_now: float) -> float:
    """Seconds to add to a cluster timestamp so that the cluster's now reads as the real now."""
    return time.time() - (EPOCH.timestamp() + cluster_now)


def shift(data: Any, seconds: float) -> Any:
    """A copy of JSON data with every RFC 3339 timestamp moved by `seconds`."""
    if isinstance(data, dict):
        return {k: shift(v, seconds) for k, v in data.items()}
    if isinstance(data, list):
        return [shift(v, seconds) for v in data]
    if isinstance(data, str) and STAMP.fullmatch(data):
        moment = dt.datetime.strptime(data, FORMAT).replace(tzinfo=dt.timezone.utc)
        return (moment + dt.timedelta(seconds=round(seconds))).strftime(FORMAT)
    if isinstance(data, str) and MICRO_STAMP.fullmatch(data):  # a MicroTime: a Lease's renewTime
        moment = dt.datetime.strptime(data, MICRO_FORMAT).replace(tzinfo=dt.timezone.utc)
        return (moment + dt.timedelta(seconds=round(seconds, 6))).strftime(MICRO_FORMAT)
    return data
