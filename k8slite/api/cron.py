"""A cron schedule: which minutes a CronJob runs at, and the next one after a time.

Mirrors github.com/robfig/cron/v3 as Kubernetes uses it (`cron.ParseStandard`
and `Schedule.Next`). A schedule is five fields: minute (0-59), hour
(0-23), day of month (1-31), month (1-12 or jan-dec) and day of week (0-6
or sun-sat, 0 is Sunday). Each field is `*` (or `?`), a number, a range
`a-b`, a step `*/n` or `a-b/n` or `a/n` (from a to the end), or a list of
those separated by commas. When both day fields are restricted, a day
matches if either does (as in Vixie cron); if one is `*`, both must. The
descriptors `@yearly` (`@annually`), `@monthly`, `@weekly`, `@daily`
(`@midnight`) and `@hourly` stand for their five fields, and `@every 90s`
for a fixed interval. The errors are robfig/cron's words, which
`kubectl apply` prints after `spec.schedule: Invalid value`.

Times are seconds on the cluster clock (0 is 2025-01-01T00:00:00Z); a
schedule is read in its time zone (`time_zone`, an IANA name; UTC when
unset). Like robfig/cron, `next` gives up on a schedule that never matches
within five years (`0 0 30 2 *`) and returns None. Simplified: at a daylight
saving change the wall clock is stepped as Python's zoneinfo steps it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from k8slite.api.serialize import EPOCH

UTC = dt.timezone.utc
MONTHS = {name: i + 1 for i, name in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])}
DAYS = {name: i for i, name in enumerate(["sun", "mon", "tue", "wed", "thu", "fri", "sat"])}
# (minimum, maximum, names) of the five fields, in order
FIELDS = ((0, 59, None), (0, 23, None), (1, 31, None), (1, 12, MONTHS), (0, 6, DAYS))
DESCRIPTORS = {"@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
               "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *"}
GO_DURATION = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")
GO_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
YEARS_SEARCHED = 5


class CronError(ValueError):
    """A schedule robfig/cron refuses, with its message."""


@dataclass(frozen=True)
class Field:
    values: frozenset[int]
    star: bool
    """Written `*` or `?` (robfig's starBit): a `*` day field makes the two day fields both have to match."""


@dataclass(frozen=True)
class Schedule:
    minute: Field
    hour: Field
    dom: Field
    month: Field
    dow: Field
    zone: dt.tzinfo = UTC
    every: float | None = None
    """`@every`: a fixed interval in whole seconds (the fields are then unused)."""

    def next(self, after: float) -> float | None:
        """The first time of the schedule strictly after `after` (cluster seconds); None if none within 5 years."""
        if self.every is not None:  # ConstantDelaySchedule: from the whole second
            return float(int(after // 1)) + self.every
        t = to_datetime(after, self.zone)
        t = t.replace(microsecond=0) + dt.timedelta(seconds=1)
        t = later(t.replace(second=0), 1) if t.second else t  # the next whole minute (the second field is 0)
        limit = t.year + YEARS_SEARCHED
        while t.year <= limit:
            if t.month not in self.month.values:
                t = first_of_next_month(t)
            elif not self.day_matches(t):
                t = wall(t.date() + dt.timedelta(days=1), 0, 0, self.zone)
            elif t.hour not in self.hour.values:
                t = later(t.replace(minute=0), 60)
            elif t.minute not in self.minute.values:
                t = later(t, 1)
            else:
                return (t - EPOCH).total_seconds()
        return None

    def day_matches(self, t: dt.datetime) -> bool:
        dom = t.day in self.dom.values
        dow = (t.isoweekday() % 7) in self.dow.values  # Sunday is 0
        if self.dom.star or self.dow.star:
            return dom and dow
        return dom or dow


def to_datetime(seconds: float, zone: dt.tzinfo) -> dt.datetime:
    return (EPOCH + dt.timedelta(seconds=seconds)).astimezone(zone)


def wall(day: dt.date, hour: int, minute: int, zone: dt.tzinfo) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)


def later(t: dt.datetime, minutes: int) -> dt.datetime:
    """`minutes` of real time after t (Go's t.Add), in t's zone."""
    assert t.tzinfo is not None
    return (t.astimezone(UTC) + dt.timedelta(minutes=minutes)).astimezone(t.tzinfo)


def first_of_next_month(t: dt.datetime) -> dt.datetime:
    year, month = (t.year + 1, 1) if t.month == 12 else (t.year, t.month + 1)
    assert t.tzinfo is not None
    return wall(dt.date(year, month, 1), 0, 0, t.tzinfo)


def zone(name: str | None) -> dt.tzinfo:
    """The time zone `name` (time.LoadLocation): UTC for None, "" or "UTC"; CronError if unknown."""
    if not name or name == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise CronError(f"unknown time zone {name}") from None


def parse_standard(spec: str, time_zone: str | None = None) -> Schedule:
    """cron.ParseStandard: five fields or a descriptor, read in `time_zone` (or a `CRON_TZ=`/`TZ=` prefix)."""
    if not spec:
        raise CronError("empty spec string")
    where = zone(time_zone)
    if spec.startswith(("TZ=", "CRON_TZ=")):
        name, _, spec = spec.partition("=")[2].partition(" ")
        try:
            where = zone(name)
        except CronError as e:
            raise CronError(f"provided bad location {name}: {e}") from None
        spec = spec.strip()
    if spec.startswith("@"):
        return parse_descriptor(spec, where)
    fields = spec.split()
    if len(fields) != 5:
        raise CronError(f"expected exactly 5 fields, found {len(fields)}: [{' '.join(fields)}]")
    minute, hour, dom, month, dow = (parse_field(f, *bounds) for f, bounds in zip(fields, FIELDS))
    return Schedule(minute, hour, dom, month, dow, where)


def parse_descriptor(spec: str, where: dt.tzinfo) -> Schedule:
    if spec in DESCRIPTORS:
        return replace(parse_standard(DESCRIPTORS[spec]), zone=where)
    if spec.startswith("@every "):
        text = spec[len("@every "):]
        seconds = go_duration(text)
        if seconds is None:
            raise CronError(f'failed to parse duration {spec}: time: invalid duration "{text}"')
        return replace(parse_standard("* * * * *"), zone=where, every=float(max(1, round(seconds))))
    raise CronError(f"unrecognized descriptor: {spec}")


def go_duration(text: str) -> float | None:
    """Seconds in a Go duration (`90s`, `1h30m`, `1.5h`); None if it is not one."""
    sign = -1.0 if text.startswith("-") else 1.0
    body = text.lstrip("+-")
    if body == "0":
        return 0.0
    parts = GO_DURATION.findall(body)
    if not body or "".join(a + b for a, b in parts) != body:
        return None
    return sign * sum(float(number) * GO_UNITS[unit] for number, unit in parts)


def parse_field(text: str, low: int, high: int, names: dict[str, int] | None) -> Field:
    values: set[int] = set()
    star = False
    for expr in text.split(","):
        found, starred = parse_range(expr, low, high, names)
        values |= found
        star = star or starred
    return Field(frozenset(values), star)


def parse_range(expr: str, low: int, high: int, names: dict[str, int] | None) -> tuple[set[int], bool]:
    """getRange: `*`, `n`, `a-b`, each with an optional `/step`; (values, starred)."""
    range_and_step = expr.split("/")
    bounds = range_and_step[0].split("-")
    star = False
    if bounds[0] in ("*", "?"):
        start, end, star = low, high, True
    else:
        start = int_or_name(bounds[0], names)
        if len(bounds) == 1:
            end = start
        elif len(bounds) == 2:
            end = int_or_name(bounds[1], names)
        else:
            raise CronError(f"too many hyphens: {expr}")
    if len(range_and_step) == 1:
        step = 1
    elif len(range_and_step) == 2:
        step = must_int(range_and_step[1])
        if len(bounds) == 1:
            end = high  # `a/n`: from a to the end
        star = star and step <= 1  # `*/5` is not a star (robfig keeps starBit only for a step of 1)
    else:
        raise CronError(f"too many slashes: {expr}")
    if start < low:
        raise CronError(f"beginning of range ({start}) below minimum ({low}): {expr}")
    if end > high:
        raise CronError(f"end of range ({end}) above maximum ({high}): {expr}")
    if start > end:
        raise CronError(f"beginning of range ({start}) beyond end of range ({end}): {expr}")
    if step == 0:
        raise CronError(f"step of range should be a positive number: {expr}")
    return set(range(start, end + 1, step)), star


def int_or_name(text: str, names: dict[str, int] | None) -> int:
    if names is not None and text.lower() in names:
        return names[text.lower()]
    return must_int(text)


def must_int(text: str) -> int:
    if not re.fullmatch(r"[+-]?[0-9]+", text):
        raise CronError(f'failed to parse int from {text}: strconv.Atoi: parsing "{text}": invalid syntax')
    number = int(text)
    if number < 0:
        raise CronError(f"negative number ({number}) not allowed: {text}")
    return number
