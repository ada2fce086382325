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
}
