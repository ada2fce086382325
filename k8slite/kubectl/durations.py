"""Ages as kubectl prints them: apimachinery's duration.HumanDuration and printers' translateTimestampSince.

An age is precise when it is short and coarse when it is long: "5s",
"119s", "2m30s", "3h5m", "2d1h", "729d", "2y1d". Objects carry whole
seconds, as the API does (metav1.Time marshals to the second), so an age is
measured from the rounded timestamp. Left out: apimachinery's
ShortHumanDuration, which nothing here prints.
"""

from __future__ import annotations

import math

from k8slite.api.serialize import parse_time


def human_duration(seconds: float) -> str:
    """apimachinery's duration.HumanDuration: precise when short, coarse when long."""
    s = int(seconds)  # Go's int() truncates toward zero
    if s < -1:
        return "<invalid>"
    if s < 0:
        return "0s"
    if s < 120:
        return f"{s}s"
    minutes, hours = s // 60, s // 3600
    if minutes < 10:
        return f"{minutes}m{s % 60}s" if s % 60 else f"{minutes}m"
    if minutes < 180:
        return f"{minutes}m"
    if hours < 8:
        return f"{hours}h{minutes % 60}m" if minutes % 60 else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    return human_days(hours)


def human_days(hours: int) -> str:
    """HumanDuration from two days on: days and hours, days, then years and days."""
    days = hours // 24
    if hours < 24 * 8:
        return f"{days}d{hours % 24}h" if hours % 24 else f"{days}d"
    if hours < 24 * 365 * 2:
        return f"{days}d"
    if hours < 24 * 365 * 8:
        return f"{days // 365}y{days % 365}d" if days % 365 else f"{days // 365}y"
    return f"{days // 365}y"


def since(now: float, moment: float | str | None) -> str:
    """translateTimestampSince: the age of a time; objects carry whole seconds, as the API does."""
    if moment is None or moment == "":
        return "<unknown>"
    if isinstance(moment, str):
        moment = parse_time(moment, "")
    return human_duration(now - math.floor(moment))


def seconds(t: float | str) -> float:
    """A time as the cluster clock's seconds, whether stored as a number or an RFC 3339 string."""
    return parse_time(t, "") if isinstance(t, str) else float(t)
