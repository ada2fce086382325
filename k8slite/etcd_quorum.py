"""An etcd cluster's quorum: Raft's majority rule, and why control planes come in threes.

Mirrors etcd 3.5 as a highly available control plane runs it (kubeadm's "stacked" topology:
one etcd member on each control-plane machine). etcd keeps its data with Raft: every member
holds the same log of writes, one member is the **leader**, and a write is committed, applied
and answered only once a **majority** of all the members (the quorum, N // 2 + 1) hold it. A
leader is elected by the votes of a majority, and a member votes only for a candidate whose
log is at least as up to date as its own. Any two majorities share a member, so a new leader
always holds every committed write. Hence N members keep working with (N - 1) // 2 of them
stopped: 3 survive one failure, 5 survive two, and 4 no more than 3 do.

Without a running majority there is no leader and nothing commits. etcd answers a write, once
its request timeout has passed (7 s with the default 1 s election timeout), with
``etcdserver: request timed out``; a request that requires a leader is refused with
``etcdserver: no leader`` (the API server's watches require one, and etcd ends them so after
three election timeouts without a leader).

k8slite's API server keeps everything in one Store (store.py), in one process; this model
stands beside it, to experiment with. Each member here applies the committed writes to a
Store of its own, so revisions count as they do there.

Simplified: no clock, network or messages, so stop, start and put take effect at once. The
election is won by the running member with the most up-to-date log (ties: the first name);
a leader that can no longer reach a majority steps down at once (etcd's CheckQuorum waits an
election timeout); a member that starts again is caught up from the leader's log at once. A
write that fails leaves no trace, whereas in etcd a timed-out write may still commit later
(hence "timed out", not "failed"). No snapshots, compaction, learners, membership changes,
leases or transactions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from k8slite.store import Store

REQUEST_TIMED_OUT = "etcdserver: request timed out"
NO_LEADER = "etcdserver: no leader"


class EtcdError(Exception):
    """A request the etcd cluster could not serve, in etcd's words."""


class MemberStopped(Exception):
    """A request sent to a member whose process is not running: nothing answers on its port."""


@dataclass(frozen=True)
class Entry:
    """One write in the Raft log."""

    term: int
    """The term of the leader that accepted it."""
    index: int
    """Its position in the log, counted from 1."""
    key: str
    value: Any


@dataclass
class Member:
    """One etcd process: whether it runs, its copy of the log, and the store it applied it to."""

    name: str
    running: bool = True
    term: int = 0
    """The latest term this member has seen (a stopped member's stays where it stopped)."""
    log: list[Entry] = field(default_factory=list)
    applied: int = 0
    """How many entries of the log are applied to `store`."""
    store: Store = field(default_factory=Store)

    def last(self) -> tuple[int, int]:
        """(term, index) of the last entry: Raft compares two logs by these, term first."""
        return (self.log[-1].term, self.log[-1].index) if self.log else (0, 0)


class EtcdCluster:
    """Members ``etcd-1`` .. ``etcd-N``; ``put`` commits on a majority, ``stop``/``start`` fail and heal one."""

    def __init__(self, members: int = 3) -> None:
        if members < 1:
            raise ValueError(f"an etcd cluster needs at least one member, not {members}")
        self.members = {f"etcd-{i}": Member(f"etcd-{i}") for i in range(1, members + 1)}
        self.term = 0
        self.leader: str | None = None
        self.committed = 0
        self.elect()

    @property
    def quorum(self) -> int:
        """A majority of ALL the members, running or not: N // 2 + 1."""
        return len(self.members) // 2 + 1

    def running(self) -> list[Member]:
        return [m for m in self.members.values() if m.running]

    def member(self, name: str) -> Member:
        if name not in self.members:
            raise KeyError(f"no member {name!r}; the members are {', '.join(self.members)}")
        return self.members[name]

    def stop(self, name: str) -> None:
        """The member's machine fails: it answers nothing and misses every write until it starts."""
        self.member(name).running = False
        if name == self.leader or len(self.running()) < self.quorum:
            self.elect()  # the followers elect a new leader, or a leader without a majority steps down

    def start(self, name: str) -> None:
        """The member runs again: the leader sends it what it missed, or, without a leader, an election runs."""
        member = self.member(name)
        member.running = True
        if self.leader is None:
            self.elect()
        else:
            self.catch_up(member)

    def elect(self) -> None:
        """A new term. Winning takes the votes of a majority; a member votes only for a log as up to date as its own."""
        voters = self.running()
        if len(voters) < self.quorum:
            self.leader = None
            return
        self.term += 1
        winner = max(voters, key=Member.last)  # the most up-to-date log gets every vote; max keeps the first on ties
        self.leader = winner.name
        for member in voters:
            self.catch_up(member)

    def put(self, key: str, value: Any, require_leader: bool = False) -> int:
        """Write through the leader; committed once a majority holds the entry. Returns the new revision."""
        if self.leader is None:  # no majority running: none to elect a leader, none to commit a write
            raise EtcdError(NO_LEADER if require_leader else REQUEST_TIMED_OUT)
        leader = self.members[self.leader]
        entry = Entry(self.term, len(leader.log) + 1, key, value)
        holders = self.running()  # the leader appends it and sends it on; every running follower appends it
        for member in holders:
            member.log.append(entry)
        if len(holders) >= self.quorum:  # always so while a leader leads: it steps down without a majority
            self.committed = entry.index
        for member in holders:
            self.apply(member)
        return leader.store.revision

    def get(self, key: str, serializable_from: str | None = None) -> Any:
        """The value of a key, or None. Linearizable (the default) asks the leader; a serializable
        read answers from one running member's own copy, which may be behind."""
        if serializable_from is not None:
            member = self.member(serializable_from)
            if not member.running:
                raise MemberStopped(f"{member.name} is stopped: nothing answers on its client port")
        elif self.leader is None:
            raise EtcdError(REQUEST_TIMED_OUT)
        else:
            member = self.members[self.leader]
        found = member.store.get(key)
        return found[0] if found else None

    def catch_up(self, member: Member) -> None:
        """The leader sends a follower the entries it lacks; the follower applies the committed ones."""
        leader = self.members[self.leader] if self.leader else member
        member.log.extend(leader.log[len(member.log):])
        member.term = self.term
        self.apply(member)

    def apply(self, member: Member) -> None:
        """Apply the member's committed entries, in log order, to its store."""
        for entry in member.log[member.applied:self.committed]:
            if member.store.get(entry.key) is None:
                member.store.create(entry.key, entry.value)
            else:
                member.store.update(entry.key, entry.value)
        member.applied = max(member.applied, min(len(member.log), self.committed))

    def status(self) -> str:
        """One line per member, like ``etcdctl endpoint status -w table`` (a few of its columns)."""
        rows = [["MEMBER", "STARTED", "IS LEADER", "RAFT TERM", "RAFT INDEX", "REVISION"]]
        for m in self.members.values():
            rows.append([m.name, str(m.running).lower(), str(m.name == self.leader).lower(),
                         str(m.term), str(len(m.log)), str(m.store.revision)])
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        return "\n".join("   ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows)

    def __repr__(self) -> str:
        return (f"<EtcdCluster {len(self.members)} members, {len(self.running())} running, "
                f"quorum {self.quorum}, leader {self.leader or 'none'}, term {self.term}>")
