"""Kubernetes' rivals of its day, modelled on k8slite's clock: Docker Swarm mode and Mesos+Marathon.

Mirrors moby/swarmkit (swarm.py: Raft managers, services, tasks, spread, rolling update, ingress
mesh; swarm_cli.py: `docker service ...`) and apache/mesos with Marathon and a Chronos-style batch
framework (mesos.py: agents, offers, DRF in drf.py; marathon.py; chronos.py). workload.py runs one
workload on both and on k8slite's own Cluster and returns the same table (outcome.py) for each;
k8slite/viz/orchestrators.py draws it. Each module says what it leaves out.
"""

from __future__ import annotations

from k8slite.orchestrators.chronos import Chronos
from k8slite.orchestrators.drf import Resources, dominant_share, progressive_filling
from k8slite.orchestrators.marathon import Marathon, MarathonError, as_many_as_fit, max_per_host, one_per_host
from k8slite.orchestrators.mesos import Master, Offer, TaskInfo
from k8slite.orchestrators.outcome import Outcome, TaskRun, summary_table
from k8slite.orchestrators.swarm import Swarm, SwarmError
from k8slite.orchestrators.swarm_cli import docker
from k8slite.orchestrators.workload import Plan, run_all, run_kubernetes, run_mesos, run_swarm

__all__ = ["Chronos", "Marathon", "MarathonError", "Master", "Offer", "Outcome", "Plan", "Resources", "Swarm",
           "SwarmError", "TaskInfo", "TaskRun", "as_many_as_fit", "docker", "dominant_share", "max_per_host",
           "one_per_host", "progressive_filling", "run_all", "run_kubernetes", "run_mesos", "run_swarm",
           "summary_table"]
