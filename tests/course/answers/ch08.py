"""Other answers to chapter 08's exercises (format: tests/course/answers/__init__.py)."""

RIGHT = {
    "08.1": """
def as_pods(value, up):
    if isinstance(value, str) and value.endswith("%"):
        share = replicas * int(value[:-1]) / 100
        return int(math.ceil(share)) if up else int(math.floor(share))
    return int(value)

surge = as_pods(max_surge, up=True)
unavailable = as_pods(max_unavailable, up=False)
return (surge, unavailable or (0 if surge else 1))
""",
    "08.2": """
if new_total > replicas:
    new_to = replicas
else:
    room = replicas + surge - (new_total + old_total)
    new_to = new_total + max(0, min(room, replicas - new_total))
old_to = max(0, min(old_total, replicas - unavailable - new_available))
return new_to, old_to
""",
}

WRONG = {
    "08.1": [
        ("both rounded the same way (up)", """
def pods(value):
    if isinstance(value, int):
        return value
    return math.ceil(int(value.rstrip("%")) * replicas / 100)

surge, unavailable = pods(max_surge), pods(max_unavailable)
if surge == 0 and unavailable == 0:
    unavailable = 1
return surge, unavailable
"""),
        ("no guard when both are 0", """
def pods(value, round_up):
    if isinstance(value, int):
        return value
    exact = int(value.rstrip("%")) * replicas / 100
    return math.ceil(exact) if round_up else math.floor(exact)

return pods(max_surge, True), pods(max_unavailable, False)
"""),
        ("int() for both: the surge is truncated too", """
def pods(value):
    return value if isinstance(value, int) else int(int(value.rstrip("%")) * replicas / 100)

surge, unavailable = pods(max_surge), pods(max_unavailable)
return (surge, 1) if surge == unavailable == 0 else (surge, unavailable)
"""),
        ("Python's round() for both", """
def pods(value):
    return value if isinstance(value, int) else round(int(value.rstrip("%")) * replicas / 100)

surge, unavailable = pods(max_surge), pods(max_unavailable)
return (surge, 1) if surge == unavailable == 0 else (surge, unavailable)
"""),
        ("the guard sets the surge to 1 instead", """
def pods(value, round_up):
    if isinstance(value, int):
        return value
    exact = int(value.rstrip("%")) * replicas / 100
    return math.ceil(exact) if round_up else math.floor(exact)

surge, unavailable = pods(max_surge, True), pods(max_unavailable, False)
return (1, 0) if surge == unavailable == 0 else (surge, unavailable)
"""),
    ],
    "08.2": [
        ("grows the new ReplicaSet by the whole surge, ignoring the old one's size", """
scale_new_to = min(replicas, new_total + surge) if new_total <= replicas else replicas
scale_old_to = min(old_total, max(0, replicas - unavailable - new_available))
return scale_new_to, scale_old_to
"""),
        ("counts all new pods as available when shrinking the old", """
scale_new_to = new_total
if new_total > replicas:
    scale_new_to = replicas
elif new_total + old_total < replicas + surge:
    scale_new_to = new_total + min(replicas + surge - new_total - old_total, replicas - new_total)
scale_old_to = min(old_total, max(0, replicas - unavailable - new_total))
return scale_new_to, scale_old_to
"""),
        ("does one half per call, as the controller does per sync: the old size only when the new cannot move", """
new_to = new_total
if new_total > replicas:
    new_to = replicas
elif new_total + old_total < replicas + surge:
    new_to = new_total + min(replicas + surge - new_total - old_total, replicas - new_total)
if new_to != new_total:
    return new_to, old_total
return new_total, min(old_total, max(0, replicas - unavailable - new_available))
"""),
        ("keeps replicas - unavailable old pods, forgetting the available new ones", """
new_to = new_total
if new_total > replicas:
    new_to = replicas
elif new_total + old_total < replicas + surge:
    new_to = new_total + min(replicas + surge - new_total - old_total, replicas - new_total)
return new_to, min(old_total, replicas - unavailable)
"""),
        ("grows the new ReplicaSet past replicas when there is room", """
new_to = new_total
if new_total + old_total < replicas + surge:
    new_to = replicas + surge - old_total
return new_to, min(old_total, max(0, replicas - unavailable - new_available))
"""),
    ],
}
