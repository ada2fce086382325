"""Swarm's managers and their Raft log: swarmkit's manager/state/raft, on k8slite's etcd model.

Mirrors swarmkit, which keeps the swarm's state (services, tasks, nodes) in a Raft log built on
the same etcd/raft library etcd uses: every manager holds the log, one is the leader, and a change
commits once a majority of ALL the managers hold it. So 3 managers survive one failure (a new
leader is elected from the two left) and stop taking changes after two: `docker service create`,
`scale` and `update` are then refused with swarmkit's words, while the tasks already running go on
running (the workers need no manager to keep their containers up).

Built on k8slite.etcd_quorum.EtcdCluster (the same majority rule, elections and catch-up); only the
member names (the managers' node names) and the error in Docker's words are new here. Simplified as
that model is: elections and commits take no time.
"""

from __future__ import annotations

from typing import Any

from k8slite.etcd_quorum import EtcdCluster, EtcdError, Member

# swarmkit manager/state/raft/raft.go ErrNoRaftMember's caller, as the daemon returns it to the CLI
# (moby daemon/cluster: errNoLeader, wrapped in the gRPC status the CLI prints).
NO_LEADER = ("Error response from daemon: rpc error: code = Unknown desc = The swarm does not have a leader. "
             "It's possible that too few managers are online. Make sure more than half of the managers are online.")


class NoLeader(Exception):
    """A change the managers cannot commit: fewer than a majority of them are running."""


class ManagerRaft(EtcdCluster):
    """The managers' Raft group, members named after their nodes (``node-1`` ...)."""

    def __init__(self, managers: list[str]) -> None:
        if not managers:
            raise ValueError("a swarm needs at least one manager")
        super().__init__(len(managers))
        self.members = {name: Member(name) for name in managers}
        self.term, self.leader, self.committed = 0, None, 0
        self.elect()

    def propose(self, key: str, value: Any) -> int:
        """Commit one change of the swarm's state, or NoLeader in Docker's words."""
        try:
            return self.put(key, value)
        except EtcdError:
            raise NoLeader(NO_LEADER) from None

    def manager_status(self, name: str) -> str:
        """The MANAGER STATUS column of `docker node ls`: Leader, Reachable, Unreachable, or '' for a worker."""
        if name not in self.members:
            return ""
        if name == self.leader:
            return "Leader"
        return "Reachable" if self.members[name].running else "Unreachable"
