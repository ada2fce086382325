"""Other answers to chapter 14's exercises (format: tests/course/answers/__init__.py)."""

RIGHT = {
    "14.1": """
live_here = [t for t in app.tasks if t.hostname == offer.hostname and t.state not in TERMINAL]
count = 0
free = offer.resources - Resources(1, 512)
while len(live_here) + count < 2 and free.fits(app.resources):
    free = free - app.resources
    count += 1
return count
""",
    "14.2": """
after = {node: dict(tasks) for node, tasks in before.items() if node != failed}
lost = [s for s in services for _ in range(before[failed].get(s, 0))]
for service in lost:
    def load(node):
        return after[node].get(service, 0), sum(after[node].values())
    best = min(load(node) for node in after)
    node = sorted(n for n in after if load(n) == best)[-1]
    after[node][service] = after[node].get(service, 0) + 1
return after
""",
    "14.3": """
answers = {"shop_c": "Kubernetes", "shop_b": "mesos", "shop_a": "swarm"}
facts = {
    "drf_paper_tasks": dict(progressive_filling(Resources(9, 18), {"A": Resources(1, 4), "B": Resources(3, 1)})),
    "mesos_who_places_a_task": "framework",
    "swarm_scale_with_1_of_3_managers_down": True,
    "swarm_scale_with_2_of_3_managers_down": False,
    "swarm_tasks_run_on_without_a_leader": True,
    "swarm_moves_tasks_back_to_a_node_that_returns": False,
    "first_back_after_a_machine_fails": "swarm",
    "last_back_after_a_machine_fails": "kubernetes",
}
""",
}

WRONG = {
    "14.1": [
        ("max_per_host(2): no room kept for the batch jobs", """
return max_per_host(2)(offer, app)
"""),
        ("the reserve, but no limit per host", """
fit = min((offer.resources.cpus - 1) // app.resources.cpus, (offer.resources.mem - 512) // app.resources.mem)
return max(0, int(fit))
"""),
        ("counts every task on the host, finished and lost ones too", """
here = sum(t.hostname == offer.hostname for t in app.tasks)
fit = min((offer.resources.cpus - 1) // app.resources.cpus, (offer.resources.mem - 512) // app.resources.mem)
return max(0, min(2 - here, int(fit)))
"""),
        ("keeps 1 CPU free but forgets the memory", """
here = sum(t.hostname == offer.hostname and t.state not in TERMINAL for t in app.tasks)
fit = min((offer.resources.cpus - 1) // app.resources.cpus, offer.resources.mem // app.resources.mem)
return max(0, min(2 - here, int(fit)))
"""),
    ],
    "14.2": [
        ("the node with the fewest tasks in all, whatever the service", """
after = {n: dict(s) for n, s in before.items() if n != failed}
for service in services:
    for _ in range(before[failed].get(service, 0)):
        node = min(after, key=lambda n: sum(after[n].values()))
        after[node][service] = after[node].get(service, 0) + 1
return after
"""),
        ("all of a service's lost tasks on the node that had the fewest at first", """
after = {n: dict(s) for n, s in before.items() if n != failed}
for service in services:
    lost = before[failed].get(service, 0)
    if lost:
        node = min(after, key=lambda n: (after[n].get(service, 0), sum(after[n].values())))
        after[node][service] = after[node].get(service, 0) + lost
return after
"""),
        ("the swarm rebalances: every service spread evenly again", """
after = {n: {} for n in before if n != failed}
nodes = sorted(after)
for service in services:
    total = sum(s.get(service, 0) for s in before.values())
    for k in range(total):
        node = nodes[k % len(nodes)]
        after[node][service] = after[node].get(service, 0) + 1
return after
"""),
        ("each service placed as if the other services' replacements were not there", """
after = {n: dict(s) for n, s in before.items() if n != failed}
start = {n: sum(s.values()) for n, s in after.items()}
for service in services:
    for _ in range(before[failed].get(service, 0)):
        node = min(after, key=lambda n: (after[n].get(service, 0), start[n]))
        after[node][service] = after[node].get(service, 0) + 1
return after
"""),
    ],
    "14.3": [
        ("Swarm keeps working with 2 of 3 managers down", """
answers = {"shop_a": "swarm", "shop_b": "mesos", "shop_c": "kubernetes"}
facts = {"swarm_scale_with_1_of_3_managers_down": True, "swarm_scale_with_2_of_3_managers_down": True,
         "swarm_tasks_run_on_without_a_leader": True, "swarm_moves_tasks_back_to_a_node_that_returns": False,
         "mesos_who_places_a_task": "framework", "drf_paper_tasks": {"A": 3, "B": 2},
         "first_back_after_a_machine_fails": "swarm", "last_back_after_a_machine_fails": "kubernetes"}
"""),
        ("the Mesos master places the tasks", """
answers = {"shop_a": "swarm", "shop_b": "mesos", "shop_c": "kubernetes"}
facts = {"swarm_scale_with_1_of_3_managers_down": True, "swarm_scale_with_2_of_3_managers_down": False,
         "swarm_tasks_run_on_without_a_leader": True, "swarm_moves_tasks_back_to_a_node_that_returns": False,
         "mesos_who_places_a_task": "master", "drf_paper_tasks": {"A": 3, "B": 2},
         "first_back_after_a_machine_fails": "swarm", "last_back_after_a_machine_fails": "kubernetes"}
"""),
        ("Kubernetes for every shop", """
answers = {"shop_a": "kubernetes", "shop_b": "kubernetes", "shop_c": "kubernetes"}
facts = {"swarm_scale_with_1_of_3_managers_down": True, "swarm_scale_with_2_of_3_managers_down": False,
         "swarm_tasks_run_on_without_a_leader": True, "swarm_moves_tasks_back_to_a_node_that_returns": False,
         "mesos_who_places_a_task": "framework", "drf_paper_tasks": {"A": 3, "B": 2},
         "first_back_after_a_machine_fails": "swarm", "last_back_after_a_machine_fails": "kubernetes"}
"""),
        ("Kubernetes is the fastest to bring the app back", """
answers = {"shop_a": "swarm", "shop_b": "mesos", "shop_c": "kubernetes"}
facts = {"swarm_scale_with_1_of_3_managers_down": True, "swarm_scale_with_2_of_3_managers_down": False,
         "swarm_tasks_run_on_without_a_leader": True, "swarm_moves_tasks_back_to_a_node_that_returns": False,
         "mesos_who_places_a_task": "framework", "drf_paper_tasks": {"A": 3, "B": 2},
         "first_back_after_a_machine_fails": "kubernetes", "last_back_after_a_machine_fails": "mesos"}
"""),
    ],
}
