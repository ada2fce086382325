"""Other answers to chapter 09's exercises (format: tests/course/answers/__init__.py)."""

RIGHT = {
    "09.1": """
wait = 10
for _ in failure_times[1:]:
    wait = min(wait * 2, 600)
return failure_times[len(failure_times) - 1] + wait
""",
    "09.2": """
if restart_policy == "OnFailure":
    limit_reached = fails >= max(backoff_limit, 1) if backoff_limit else fails > 0
    return ("Failed", 1) if limit_reached else ("Complete", 1)
if fails <= backoff_limit:
    return ("Complete", fails + 1)
return ("Failed", backoff_limit + 1)
""",
    "09.3": """
import math
start = last_scheduled if last_scheduled is not None else created
if deadline is not None and now - deadline > start:
    start = now - deadline
t = math.floor(now / 60) * 60
if t <= start:
    return None
return t
""",
}

WRONG = {
    "09.1": [
        ("counted from the first failure", """
return failure_times[0] + min(10 * 2 ** (len(failure_times) - 1), 600)
"""),
        ("no cap", """
return failure_times[-1] + 10 * 2 ** (len(failure_times) - 1)
"""),
        ("doubled once too often: 20 s after the first failure", """
return failure_times[-1] + min(10 * 2 ** len(failure_times), 600)
"""),
        ("capped at 300 s, CrashLoopBackOff's cap, not the Job controller's 600 s", """
return failure_times[-1] + min(10 * 2 ** (len(failure_times) - 1), 300)
"""),
        ("the waits added up from the first failure", """
return failure_times[0] + sum(min(10 * 2 ** k, 600) for k in range(len(failure_times)))
"""),
    ],
    "09.2": [
        ("fails when backoff_limit pods failed (off by one)", """
if restart_policy == "Never":
    if fails >= backoff_limit:
        return "Failed", backoff_limit
    return "Complete", fails + 1
failed = fails > 0 if backoff_limit == 0 else fails >= backoff_limit
return ("Failed" if failed else "Complete"), 1
"""),
        ("OnFailure makes a new pod per failure, like Never", """
if fails > backoff_limit:
    return "Failed", backoff_limit + 1
return "Complete", fails + 1
"""),
        ("OnFailure fails only when MORE than backoff_limit restarts, like Never", """
if restart_policy == "Never":
    return ("Failed", backoff_limit + 1) if fails > backoff_limit else ("Complete", fails + 1)
return ("Failed", 1) if fails > backoff_limit else ("Complete", 1)
"""),
        ("OnFailure with backoffLimit 0 fails even a program that never fails", """
if restart_policy == "Never":
    return ("Failed", backoff_limit + 1) if fails > backoff_limit else ("Complete", fails + 1)
return ("Failed", 1) if fails >= backoff_limit else ("Complete", 1)
"""),
        ("Never: a failed Job made fails + 1 pods, as if it went on after the limit", """
if restart_policy == "Never":
    return ("Failed", fails + 1) if fails > backoff_limit else ("Complete", fails + 1)
failed = fails > 0 if backoff_limit == 0 else fails >= backoff_limit
return ("Failed" if failed else "Complete"), 1
"""),
    ],
    "09.3": [
        ("every missed time counts, not only after the last scheduled one", """
latest = now // 60 * 60
return latest if latest > created else None
"""),
        ("the first missed time, not the most recent", """
earliest = created if last_scheduled is None else last_scheduled
if deadline is not None:
    earliest = max(earliest, now - deadline)
first = (earliest // 60 + 1) * 60
return first if first <= now else None
"""),
        ("the next time, after now", """
return (now // 60 + 1) * 60
"""),
        ("the deadline ignored", """
earliest = created if last_scheduled is None else last_scheduled
latest = now // 60 * 60
return latest if latest > earliest else None
"""),
        ("the deadline counted from the scheduled time of the last Job", """
earliest = created if last_scheduled is None else last_scheduled
latest = now // 60 * 60
if deadline is not None and latest > earliest + deadline:
    return None
return latest if latest > earliest else None
"""),
        ("the last scheduled time counted again (>= instead of >)", """
earliest = created if last_scheduled is None else last_scheduled
if deadline is not None:
    earliest = max(earliest, now - deadline)
latest = now // 60 * 60
return latest if latest >= earliest else None
"""),
    ],
}
