"""Other answers to chapter 01's exercises (format: tests/course/answers/__init__.py)."""

RIGHT = {
    "01.1": """
shared = set()
for kind, link in ns_a.items():
    if ns_b.get(kind) == link:
        shared.add(kind)
return shared
""",
    "01.2": """
if grace_seconds <= 0:
    return (137, 0)
if handles_sigterm:
    return (0, 0)
if exits_in is None or exits_in >= grace_seconds:
    return (137, grace_seconds)
return (0, exits_in)
""",
}

WRONG = {
    "01.1": [
        ("the types both list, shared or not", "return set(ns_a) & set(ns_b)"),
        ("a list, not a set", "return sorted(ns for ns in ns_a if ns_b.get(ns) == ns_a[ns])"),
    ],
    "01.2": [
        ("SIGTERM's default action: 143 at once", """
if grace_seconds == 0:
    return 137, 0
if handles_sigterm:
    return 0, 0
return 143, 0
"""),
        ("forgets that grace 0 skips SIGTERM", """
if handles_sigterm:
    return 0, 0
if exits_in is not None and exits_in < grace_seconds:
    return 0, exits_in
return 137, grace_seconds
"""),
    ],
}
