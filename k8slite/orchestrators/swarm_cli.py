"""`docker service create|ls|ps|scale|update` on a Swarm model: the Docker CLI's words and columns.

Mirrors docker/cli's cli/command/service (create.go, list.go, ps.go, scale.go, update.go) and its
formatters: `ls` prints ID NAME MODE REPLICAS IMAGE PORTS, `ps` prints ID NAME IMAGE NODE DESIRED
STATE CURRENT STATE ERROR PORTS, with a replaced task's older runs under it as ` \\_ web.1`, and the
current state's age in go-units' HumanDuration ("Running 5 seconds ago"). Errors are what the CLI
prints: cobra's "unknown flag: --foo" with "See 'docker service create --help'.", ps's
"no such service: web", scale's "web: invalid replicas value -1: ...", and the daemon's refusals
(no leader) as "Error response from daemon: ...".

Simplified: `create` returns at once, printing the service ID (as with --detach); IDs are shown
truncated to 12 characters as the CLI does without --no-trunc; only the flags below exist.
"""

from __future__ import annotations

import shlex

from k8slite.orchestrators.raft import NoLeader
from k8slite.orchestrators.swarm import Swarm, SwarmError, Task

FLAGS = {
    "create": {"--name", "--replicas", "--publish", "-p", "--mode", "--update-parallelism", "--update-delay"},
    "update": {"--image", "--update-parallelism", "--update-delay", "--replicas"},
    "ls": set(), "ps": set(), "scale": set(),
}


class UsageError(Exception):
    pass


def docker(swarm: Swarm, command: str) -> str:
    """Run `docker service ...` (the leading `docker service` is optional); the text the CLI prints."""
    words = shlex.split(command)
    if words[:2] == ["docker", "service"]:
        words = words[2:]
    elif words[:1] == ["service"]:
        words = words[1:]
    if not words or words[0] not in FLAGS:
        return f"docker: '{' '.join(words[:1])}' is not a docker service command.\nSee 'docker service --help'\n"
    verb = words[0]
    try:
        flags, args = parse_flags(verb, words[1:])
        return RUNNERS[verb](swarm, flags, args)
    except UsageError as e:
        return f"{e}\nSee 'docker service {verb} --help'.\n"
    except (SwarmError, NoLeader) as e:
        return f"{e}\n"


def parse_flags(verb: str, words: list[str]) -> tuple[dict[str, str], list[str]]:
    flags: dict[str, str] = {}
    args: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word.startswith("-") and not args:
            name, eq, value = word.partition("=")
            if name not in FLAGS[verb]:
                raise UsageError(f"unknown flag: {name}" if name.startswith("--") else f"unknown shorthand flag: "
                                 f"'{name[1:2]}' in {name}")
            if not eq:
                if i + 1 >= len(words):
                    raise UsageError(f"flag needs an argument: {name}")
                value, i = words[i + 1], i + 1
            flags[name.lstrip("-") if name != "-p" else "publish"] = value
        else:
            args.append(word)
        i += 1
    return flags, args


def seconds_of(value: str) -> float:
    """A Go duration as the flag takes it: 10s, 1m, 500ms."""
    units = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
    for unit in ("ms", "s", "m", "h"):
        if value.endswith(unit) and value[: -len(unit)].replace(".", "", 1).isdigit():
            return float(value[: -len(unit)]) * units[unit]
    raise UsageError(f'invalid argument "{value}" for "--update-delay" flag: time: invalid duration "{value}"')


def replicas_of(value: str, flag: str = "--replicas") -> int:
    if not value.isdigit():
        raise UsageError(f'invalid argument "{value}" for "{flag}" flag: strconv.ParseUint: parsing "{value}": '
                         "invalid syntax")
    return int(value)


def run_create(swarm: Swarm, flags: dict[str, str], args: list[str]) -> str:
    if not args:
        raise UsageError('"docker service create" requires at least 1 argument.\nUsage:  docker service create '
                         "[OPTIONS] IMAGE [COMMAND] [ARG...]\n\nCreate a new service")
    image, command = args[0], args[1:]
    published = None
    if "publish" in flags:
        outside, _, inside = flags["publish"].partition(":")
        published = (int(outside), int(inside or outside))
    run_seconds = float(command[1]) if command[:1] == ["sleep"] and len(command) == 2 else None
    service = swarm.create_service(flags.get("name") or swarm.new_id(10), image,
                                   replicas_of(flags.get("replicas", "1")), published,
                                   flags.get("mode", "replicated"), run_seconds,
                                   replicas_of(flags.get("update-parallelism", "1"), "--update-parallelism"),
                                   seconds_of(flags.get("update-delay", "0s")))
    return service.id + "\n"


def run_scale(swarm: Swarm, flags: dict[str, str], args: list[str]) -> str:
    out, errors = [], []
    for arg in args:
        name, _, value = arg.partition("=")
        if not value.isdigit():  # strconv.ParseUint's words, as scale.go wraps them
            reason = "invalid syntax"
            errors.append(f'{name}: invalid replicas value {value}: strconv.ParseUint: parsing "{value}": {reason}')
            continue
        try:
            swarm.scale(name, int(value))
            out.append(f"{name} scaled to {value}")
        except (SwarmError, NoLeader) as e:
            errors.append(f"{name}: {e}")
    return "".join(line + "\n" for line in out + errors)


def run_update(swarm: Swarm, flags: dict[str, str], args: list[str]) -> str:
    if len(args) != 1:
        raise UsageError('"docker service update" requires exactly 1 argument.\nUsage:  docker service update '
                         "[OPTIONS] SERVICE\n\nUpdate a service")
    swarm.update(args[0], flags.get("image"),
                 replicas_of(flags["update-parallelism"], "--update-parallelism")
                 if "update-parallelism" in flags else None,
                 seconds_of(flags["update-delay"]) if "update-delay" in flags else None)
    if "replicas" in flags:
        swarm.scale(args[0], replicas_of(flags["replicas"]))
    return args[0] + "\n"


def run_ls(swarm: Swarm, flags: dict[str, str], args: list[str]) -> str:
    rows = [["ID", "NAME", "MODE", "REPLICAS", "IMAGE", "PORTS"]]
    for s in sorted(swarm.services.values(), key=lambda s: s.name):
        tasks = [t for t in swarm.tasks if t.service == s.name]
        if s.mode == "replicated-job":
            done = sum(t.state == "complete" for t in tasks)
            running = sum(t.state == "running" for t in tasks)
            replicas = f"{running}/{s.replicas} ({done}/{s.replicas} completed)"
        else:
            replicas = f"{sum(t.state == 'running' and t.desired_state == 'running' for t in tasks)}/{s.replicas}"
        ports = f"*:{s.published[0]}->{s.published[1]}/tcp" if s.published else ""
        rows.append([s.id[:12], s.name, s.mode, replicas, s.image, ports])
    return table(rows)


def run_ps(swarm: Swarm, flags: dict[str, str], args: list[str]) -> str:
    if not args:
        raise UsageError('"docker service ps" requires at least 1 argument.\nUsage:  docker service ps '
                         "[OPTIONS] SERVICE [SERVICE...]\n\nList the tasks of one or more services")
    rows = [["ID", "NAME", "IMAGE", "NODE", "DESIRED STATE", "CURRENT STATE", "ERROR", "PORTS"]]
    missing = []
    for name in args:
        try:
            service = swarm.service(name)
        except SwarmError:
            missing.append(f"no such service: {name}")
            continue
        tasks = [t for t in swarm.tasks if t.service == service.name]
        for slot in sorted({t.slot for t in tasks}):
            runs = sorted((t for t in tasks if t.slot == slot), key=lambda t: -t.history[0][0])
            for i, t in enumerate(runs):
                rows.append(task_row(swarm, t, first=i == 0))
    if missing and len(rows) == 1:
        return "\n".join(missing) + "\n"
    return table(rows) + "".join(m + "\n" for m in missing)


def task_row(swarm: Swarm, t: Task, first: bool) -> list[str]:
    since, state = t.history[-1]
    current = f"{state.capitalize()} {human_duration(swarm.now - since)} ago"
    error = f'"{t.error}"' if t.error else ""
    return [t.id[:12], t.name if first else f" \\_ {t.name}", t.image, t.node, t.desired_state.capitalize(),
            current, error, ""]


def human_duration(seconds: float) -> str:
    """go-units HumanDuration, as `docker service ps` ages a state."""
    s = int(seconds)
    if s < 1:
        return "Less than a second"
    if s == 1:
        return "1 second"
    if s < 60:
        return f"{s} seconds"
    minutes = s // 60
    if minutes == 1:
        return "About a minute"
    if minutes < 60:
        return f"{minutes} minutes"
    hours = round(s / 3600)
    return "About an hour" if hours == 1 else f"{hours} hours"


def table(rows: list[list[str]]) -> str:
    """The CLI's tabwriter: columns padded to the widest cell plus 3 spaces."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "".join("".join(c.ljust(w + 3) for c, w in zip(r, widths)).rstrip() + "\n" for r in rows)


RUNNERS = {"create": run_create, "ls": run_ls, "ps": run_ps, "scale": run_scale, "update": run_update}
