"""The control plane's programs: kube-controller-manager's controllers and kube-scheduler.

Mirrors what kubeadm starts on a control-plane node besides the API server:
kube-controller-manager, one program running many controllers (each with
its own work queue, and handlers on the program's shared informers: one
cache of pods for all of them, controllers/__init__.py), and kube-scheduler. Every one of them is
started and left alone; they talk only through the API server.

The controllers come in groups, each met in its chapter: `controllers`
(07: ReplicaSets, DaemonSets, StatefulSets, node lifecycle, taint eviction, garbage collection; 10:
PersistentVolumes, attach/detach and in-use protection), `workload_controllers` (08 and 09:
Deployments, Jobs and CronJobs), `namespace_controllers` (11: namespaces, quotas,
and each namespace's ServiceAccount `default` and CA ConfigMap),
`network_controllers` (12: Endpoints and EndpointSlices).
Simplified: no leader election (one copy of each), no cloud, token,
certificate-signing controllers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from k8slite.apiserver import APIServer
from k8slite.controllers.attach_detach import AttachDetachController
from k8slite.controllers.cronjob import CronJobController
from k8slite.controllers.daemonset import DaemonSetController
from k8slite.controllers.deployment import DeploymentController
from k8slite.controllers.endpoints import EndpointsController
from k8slite.controllers.endpointslice import EndpointSliceController
from k8slite.controllers.garbage_collector import GarbageCollector
from k8slite.controllers.job import JobController
from k8slite.controllers.namespace import NamespaceController
from k8slite.controllers.node_lifecycle import NodeLifecycleController
from k8slite.controllers.persistentvolume import PersistentVolumeController
from k8slite.controllers.replicaset import ReplicaSetController
from k8slite.controllers.resourcequota import ResourceQuotaController
from k8slite.controllers.serviceaccount import RootCACertPublisher, ServiceAccountsController
from k8slite.controllers.statefulset import StatefulSetController
from k8slite.controllers.storage_protection import StorageProtectionController
from k8slite.controllers.taint_eviction import TaintEvictionController
from k8slite.runtime.storage import NetworkStorage
from k8slite.scheduler import Profile, Scheduler


@dataclass
class ControlPlane:
    controllers: list[Any] = field(default_factory=list)
    workload_controllers: list[Any] = field(default_factory=list)
    namespace_controllers: list[Any] = field(default_factory=list)
    network_controllers: list[Any] = field(default_factory=list)
    scheduler: Scheduler | None = None


def start_control_plane(api: APIServer, storage: NetworkStorage, rng: random.Random, controllers: bool,
                        scheduler: bool, node_monitor_grace_period: float,
                        scheduler_profile: Profile | None) -> ControlPlane:
    """Create and start the controllers (unless `controllers` is off) and the scheduler (unless `scheduler` is)."""
    plane = ControlPlane()
    if controllers:
        plane.network_controllers = started([EndpointsController(api), EndpointSliceController(api)])
        plane.workload_controllers = started([DeploymentController(api), JobController(api), CronJobController(api)])
        plane.namespace_controllers = started([NamespaceController(api), ResourceQuotaController(api),
                                               ServiceAccountsController(api), RootCACertPublisher(api)])
        plane.controllers = [ReplicaSetController(api), DaemonSetController(api), StatefulSetController(api),
                             NodeLifecycleController(api, node_monitor_grace_period),
                             TaintEvictionController(api), GarbageCollector(api),
                             PersistentVolumeController(api, storage), AttachDetachController(api),
                             StorageProtectionController(api)]
    plane.scheduler = Scheduler(api, rng, profile=scheduler_profile) if scheduler else None
    started([*plane.controllers, *([plane.scheduler] if plane.scheduler else [])])
    return plane


def started(components: list[Any]) -> list[Any]:
    for component in components:
        component.start()
    return components
