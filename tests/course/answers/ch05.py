"""Other answers to chapter 05's exercises (format: tests/course/answers/__init__.py)."""

RIGHT = {
    "05.1": """
for _attempt in range(1000):
    fresh = api.get(kind, name, namespace)
    mine = fresh.copy()
    change(mine)
    try:
        return api.update(mine)
    except k8slite.Conflict:
        pass
raise RuntimeError("too many conflicts")
""",
    "05.2": """
state = {} if cache is None else {**cache}
for event in events:
    obj = event.value
    key = obj.namespace + "/" + obj.name
    if event.type in ("ADDED", "MODIFIED"):
        state[key] = obj
    elif key in state:
        del state[key]
return state
""",
    "05.3": """
try:
    stream = api.watch("pods", from_revision=revision)
except k8slite.Expired:
    now = api.store.revision
    fresh = {}
    for pod in api.list("pods"):
        fresh[pod.namespace + "/" + pod.name] = pod
    return fresh, now
updated = replay(stream.drain(), cache)
stream.stop()
return updated, api.store.revision
""",
    "05.4": """
trial = EtcdCluster(members)
survived = 0
for name in list(trial.members):
    trial.stop(name)
    try:
        trial.put("/probe", "x")
    except EtcdError:
        break
    survived += 1
return survived
""",
    "05.5": """
import http.client
from urllib.parse import urlsplit
where = urlsplit(url)
connection = http.client.HTTPSConnection(where.hostname, where.port,
                                         context=ssl.create_default_context(cadata=ca))
connection.request("GET", "/api/v1/namespaces/" + namespace + "/pods",
                   headers={"Authorization": "Bearer " + token})
items = json.loads(connection.getresponse().read())["items"]
connection.close()
return sorted([item["metadata"]["name"] for item in items])
""",
}

WRONG = {
    "05.1": [
        ("retries with the same stale copy", """
obj = api.get(kind, name, namespace).copy()
change(obj)
while True:
    try:
        return api.update(obj)
    except k8slite.Conflict:
        continue
"""),
        ("changes the cached object, not a copy", """
while True:
    obj = api.get(kind, name, namespace)
    change(obj)
    try:
        return api.update(obj)
    except k8slite.Conflict:
        continue
"""),
        ("retries on every API error, not only Conflict", """
while True:
    obj = api.get(kind, name, namespace).copy()
    change(obj)
    try:
        return api.update(obj)
    except k8slite.ApiError:
        continue
"""),
        ("returns its own copy, not what update returned", """
while True:
    obj = api.get(kind, name, namespace).copy()
    change(obj)
    try:
        api.update(obj)
        return obj
    except k8slite.Conflict:
        continue
"""),
    ],
    "05.2": [
        ("keys by name only: pods of two namespaces collide", """
state = dict(cache or {})
for event in events:
    if event.type == "DELETED":
        state.pop(event.value.name, None)
    else:
        state[event.value.name] = event.value
return state
"""),
        ("changes the cache it was given", """
state = cache if cache is not None else {}
for event in events:
    key = f"{event.value.namespace}/{event.value.name}"
    if event.type == "DELETED":
        state.pop(key, None)
    else:
        state[key] = event.value
return state
"""),
    ],
    "05.3": [
        ("always lists", """
revision = api.store.revision
return {f"{p.namespace}/{p.name}": p for p in api.list("pods")}, revision
"""),
        ("notes the revision after the list, missing a write made meanwhile", """
try:
    stream = api.watch("pods", from_revision=revision)
except k8slite.Expired:
    fresh = {f"{p.namespace}/{p.name}": p for p in api.list("pods")}
    return fresh, api.store.revision
return replay(stream.drain(), cache), api.store.revision
"""),
        ("returns the old revision after resuming the watch", """
try:
    stream = api.watch("pods", from_revision=revision)
except k8slite.Expired:
    now = api.store.revision
    return {f"{p.namespace}/{p.name}": p for p in api.list("pods")}, now
return replay(stream.drain(), cache), revision
"""),
    ],
    "05.4": [
        ("half of the members: wrong for even sizes (2 of 4 down leaves no majority)", """
return members // 2
"""),
        ("a float: / instead of //", """
return (members - 1) / 2
"""),
        ("counts the stop that broke the writes too", """
trial = EtcdCluster(members)
stopped = 0
for name in list(trial.members):
    trial.stop(name)
    stopped += 1
    try:
        trial.put("/probe", "x")
    except EtcdError:
        break
return stopped
"""),
    ],
    "05.5": [
        ("lists the pods of every namespace: /api/v1/pods", """
context = ssl.create_default_context(cadata=ca)
ask = urllib.request.Request(url + "/api/v1/pods", headers={"Authorization": "Bearer " + token})
with urllib.request.urlopen(ask, context=context) as answer:
    return sorted(pod["metadata"]["name"] for pod in json.load(answer)["items"])
"""),
        ("forgets the token: 401 Unauthorized", """
context = ssl.create_default_context(cadata=ca)
with urllib.request.urlopen(f"{url}/api/v1/namespaces/{namespace}/pods", context=context) as answer:
    return sorted(pod["metadata"]["name"] for pod in json.load(answer)["items"])
"""),
        ("not sorted", """
context = ssl.create_default_context(cadata=ca)
ask = urllib.request.Request(f"{url}/api/v1/namespaces/{namespace}/pods", headers={"Authorization": "Bearer " + token})
with urllib.request.urlopen(ask, context=context) as answer:
    return [pod["metadata"]["name"] for pod in json.load(answer)["items"]][::-1]
"""),
    ],
}
