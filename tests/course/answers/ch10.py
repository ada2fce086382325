"""Other answers to chapter 10's exercises (format: tests/course/answers/__init__.py)."""

RIGHT = {
    "10.1": """
need = parse_quantity(claim.spec.resources.requests["storage"])
best = None
for v in sorted(volumes, key=lambda v: v.name):
    if v.spec.claim_ref is not None or v.spec.storage_class_name != (claim.spec.storage_class_name or ""):
        continue
    if not set(claim.spec.access_modes) <= set(v.spec.access_modes):
        continue
    size = parse_quantity(v.spec.capacity["storage"])
    if size >= need and (best is None or size < best[0]):
        best = (size, v.name)
return best[1] if best else None
""",
    "10.2": """
keeps = {
    "container": set(),
    "emptyDir": {"container restart"},
    "hostPath": {"container restart", "pod recreated on the same node"},
    "persistentVolumeClaim": {"container restart", "pod recreated on the same node", "pod recreated on another node"},
}
return event in keeps[place]
""",
    "10.3": """
names = set()
for count in counts:
    if when_scaled == "Delete":
        names = {n for n in names if int(n.rsplit("-", 1)[1]) < start + count}
    names |= {"data-db-%d" % ordinal for ordinal in range(start, start + count)}
return sorted(names)
""",
}

WRONG = {
    "10.1": [
        ("the first volume that fits, not the smallest", """
wanted = parse_quantity(claim.spec.resources.requests["storage"])
for v in volumes:
    if (v.spec.claim_ref is None and v.spec.storage_class_name == (claim.spec.storage_class_name or "")
            and all(m in v.spec.access_modes for m in claim.spec.access_modes)
            and parse_quantity(v.spec.capacity["storage"]) >= wanted):
        return v.name
return None
"""),
        ("sizes compared as text", """
fits = [v for v in volumes
        if v.spec.claim_ref is None
        and v.spec.storage_class_name == (claim.spec.storage_class_name or "")
        and all(mode in v.spec.access_modes for mode in claim.spec.access_modes)
        and v.spec.capacity["storage"] >= claim.spec.resources.requests["storage"]]
return min(fits, key=lambda v: (v.spec.capacity["storage"], v.name)).name if fits else None
"""),
        ("a volume exactly the size of the request does not fit", """
need = parse_quantity(claim.spec.resources.requests["storage"])
fits = [v for v in volumes
        if v.spec.claim_ref is None
        and v.spec.storage_class_name == (claim.spec.storage_class_name or "")
        and set(claim.spec.access_modes) <= set(v.spec.access_modes)
        and parse_quantity(v.spec.capacity["storage"]) > need]
return min(fits, key=lambda v: (parse_quantity(v.spec.capacity["storage"]), v.name)).name if fits else None
"""),
        ("access modes not compared", """
need = parse_quantity(claim.spec.resources.requests["storage"])
fits = [v for v in volumes
        if v.spec.claim_ref is None
        and v.spec.storage_class_name == (claim.spec.storage_class_name or "")
        and parse_quantity(v.spec.capacity["storage"]) >= need]
return min(fits, key=lambda v: (parse_quantity(v.spec.capacity["storage"]), v.name)).name if fits else None
"""),
        ("a volume bound to another claim is taken too", """
need = parse_quantity(claim.spec.resources.requests["storage"])
fits = [v for v in volumes
        if v.spec.storage_class_name == (claim.spec.storage_class_name or "")
        and set(claim.spec.access_modes) <= set(v.spec.access_modes)
        and parse_quantity(v.spec.capacity["storage"]) >= need]
return min(fits, key=lambda v: (parse_quantity(v.spec.capacity["storage"]), v.name)).name if fits else None
"""),
    ],
    "10.2": [
        ("emptyDir lives as long as the node", """
if place == "persistentVolumeClaim":
    return True
if place in ("hostPath", "emptyDir"):
    return event != "pod recreated on another node"
return False
"""),
        ("a container's own files survive its restart", """
if place == "persistentVolumeClaim":
    return True
if place == "hostPath":
    return event != "pod recreated on another node"
return event == "container restart"
"""),
    ],
    "10.3": [
        ("Retain keeps only the claims of the pods that run", """
return ["data-db-%d" % (start + i) for i in range(counts[-1])]
"""),
        ("Delete deletes nothing", """
return ["data-db-%d" % (start + i) for i in range(max(counts))]
"""),
        ("the ordinals start at 0 whatever spec.ordinals says", """
kept = max(counts) if when_scaled == "Retain" else counts[-1]
return ["data-db-%d" % i for i in range(kept)]
"""),
        ("named <statefulset>-<template>-<ordinal>", """
kept = max(counts) if when_scaled == "Retain" else counts[-1]
return ["db-data-%d" % (start + i) for i in range(kept)]
"""),
    ],
}
