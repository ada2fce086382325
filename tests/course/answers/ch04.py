"""Other answers to chapter 04's exercises (format: tests/course/answers/__init__.py)."""

RIGHT = {
    "04.1": """
states = [state for state, _ in containers]
if ("waiting", None) in containers:
    return "Pending"
if "running" in states or restart_policy == "Always":
    return "Running"
codes = [code for _, code in containers]
if all(state == "exited" for state in states) and all(code == 0 for code in codes):
    return "Succeeded"
if restart_policy == "OnFailure":
    return "Running"
return "Failed"
""",
    "04.2": """
return [0 if i == 0 else min(10 * 2 ** (i - 1), 300) for i in range(n)]
""",
    "04.3": """
starts, now, last_crash, next_wait = [], 0, None, 10
for length in runs:
    starts.append(now)
    crash_at = now + length
    if last_crash is not None and crash_at - last_crash <= 600:
        wait = next_wait
        next_wait = min(next_wait * 2, 300)
    else:
        wait, next_wait = 0, 10
    last_crash = crash_at
    now = crash_at + wait
return starts
""",
}

WRONG = {
    "04.1": [
        ("Always ignored: finished containers make the pod Succeeded or Failed", """
if any(state == "waiting" and code is None for state, code in containers):
    return "Pending"
if any(state == "running" for state, _ in containers):
    return "Running"
if all(state == "exited" and code == 0 for state, code in containers):
    return "Succeeded"
return "Failed"
"""),
        ("Running before Pending", """
if any(state == "running" for state, _ in containers):
    return "Running"
if any(state == "waiting" and code is None for state, code in containers):
    return "Pending"
if restart_policy == "Always":
    return "Running"
if all(state == "exited" and code == 0 for state, code in containers):
    return "Succeeded"
return "Failed" if restart_policy == "Never" else "Running"
"""),
        ("any waiting container keeps the pod Pending, CrashLoopBackOff included", """
if any(state == "waiting" for state, _ in containers):
    return "Pending"
if any(state == "running" for state, _ in containers) or restart_policy == "Always":
    return "Running"
if all(code == 0 for _, code in containers):
    return "Succeeded"
return "Running" if restart_policy == "OnFailure" else "Failed"
"""),
    ],
    "04.2": [
        ("the first restart waits 10 s too", "return [min(10 * 2 ** i, 300) for i in range(n)]"),
        ("no 300 s cap", "return [0 if i == 0 else 10 * 2 ** (i - 1) for i in range(n)]"),
    ],
    "04.3": [
        ("reset at 600 s exactly, where the kubelet needs more than 600 s", """
starts, t, last, backoff = [], 0, None, 10
for run in runs:
    starts.append(t)
    crash = t + run
    if last is None or crash - last >= 600:
        wait, backoff = 0, 10
    else:
        wait, backoff = backoff, min(2 * backoff, 300)
    last, t = crash, crash + wait
return starts
"""),
        ("reset when one run lasts over 600 s, not when 600 s pass between crashes", """
starts, t, backoff = [], 0, 10
for i, run in enumerate(runs):
    starts.append(t)
    if i == 0 or run > 600:
        wait, backoff = 0, 10
    else:
        wait, backoff = backoff, min(2 * backoff, 300)
    t += run + wait
return starts
"""),
        ("never reset", """
t, backoff, starts = 0, None, []
for run in runs:
    starts.append(t)
    wait = 0 if backoff is None else backoff
    backoff = 10 if backoff is None else min(2 * backoff, 300)
    t += run + wait
return starts
"""),
    ],
}
