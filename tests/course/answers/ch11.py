"""Other answers to chapter 11's exercises (format: tests/course/answers/__init__.py)."""

RIGHT = {
    "11.1": """
over = []
for resource in sorted(quota["hard"]):
    if resource not in requested:
        continue
    limit = parse_quantity(quota["hard"][resource])
    so_far = parse_quantity(quota["used"].get(resource, "0"))
    if so_far + parse_quantity(requested[resource]) > limit:
        over.append(resource)
if not over:
    return None
parts = []
for label, source in (("requested", requested), ("used", quota["used"]), ("limited", quota["hard"])):
    values = [f"{r}={format_quantity(parse_quantity(source.get(r, '0')))}" for r in over]
    parts.append(label + ": " + ",".join(values))
return "exceeded quota: " + quota["name"] + ", " + ", ".join(parts)
""",
    "11.2": """
from k8slite.api.quantity import parse_quantity as q

counts = [replicas]
for key, value in hard.items():
    if key == "pods":
        counts.append(int(value))
        continue
    what = key.replace("requests.", "")
    if what not in requests:
        return 0
    counts.append(int(q(value) // q(requests[what])))
return min(counts)
""",
}

WRONG = {
    "11.1": [
        ("names every limited resource, not only those that go over", """
asked = {r: parse_quantity(v) for r, v in requested.items() if r in quota["hard"]}
used = {r: parse_quantity(quota["used"].get(r, "0")) for r in asked}
hard = {r: parse_quantity(quota["hard"][r]) for r in asked}
if not any(used[r] + asked[r] > hard[r] for r in asked):
    return None
names = sorted(asked)

def show(values):
    return ",".join(f"{r}={format_quantity(values[r])}" for r in names)

return f"exceeded quota: {quota['name']}, requested: {show(asked)}, used: {show(used)}, limited: {show(hard)}"
"""),
        ("refuses a pod that reaches the limit exactly", """
asked = {r: parse_quantity(v) for r, v in requested.items() if r in quota["hard"]}
used = {r: parse_quantity(quota["used"].get(r, "0")) for r in asked}
hard = {r: parse_quantity(quota["hard"][r]) for r in asked}
over = sorted(r for r in asked if used[r] + asked[r] >= hard[r])
if not over:
    return None

def show(values):
    return ",".join(f"{r}={format_quantity(values[r])}" for r in over)

return f"exceeded quota: {quota['name']}, requested: {show(asked)}, used: {show(used)}, limited: {show(hard)}"
"""),
        ("says what is used after the pod, not before it", """
asked = {r: parse_quantity(v) for r, v in requested.items() if r in quota["hard"]}
after = {r: parse_quantity(quota["used"].get(r, "0")) + asked[r] for r in asked}
hard = {r: parse_quantity(quota["hard"][r]) for r in asked}
over = sorted(r for r in asked if after[r] > hard[r])
if not over:
    return None

def show(values):
    return ",".join(f"{r}={format_quantity(values[r])}" for r in over)

return f"exceeded quota: {quota['name']}, requested: {show(asked)}, used: {show(after)}, limited: {show(hard)}"
"""),
    ],
    "11.2": [
        ("a pod without the request is let in", """
allowed = replicas
for name, limit in hard.items():
    if name == "pods":
        allowed = min(allowed, int(limit))
        continue
    resource = name.split(".")[-1]
    if resource in requests:
        allowed = min(allowed, int(parse_quantity(limit) // parse_quantity(requests[resource])))
return allowed
"""),
        ("the pods count forgotten: only cpu and memory limit the replicas", """
allowed = replicas
for name, limit in hard.items():
    if name == "pods":
        continue
    resource = name.split(".")[-1]
    if resource not in requests:
        return 0
    allowed = min(allowed, int(parse_quantity(limit) // parse_quantity(requests[resource])))
return allowed
"""),
    ],
}
