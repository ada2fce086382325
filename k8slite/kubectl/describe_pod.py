"""kubectl describe pod, describe.go's PodDescriber: who the pod is, where it runs, its containers and events.

The top says where the pod landed (Node: name/IP, Start Time), its labels,
its Status (the phase, or `Terminating (lasts 25s)` once it is being
deleted), its IPs and its controller; then its containers, conditions and
volumes; then QoS Class, node selectors, tolerations and events. QoS Class
is what the kubelet reported, or worked out from requests and limits as
the API server would. Service Account is the one the admission plugin
set. Left out: Priority (always 0), readiness gates and topology spread
constraints. Init containers come before Containers, as describe.go writes
them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from k8slite.api.pod import Pod, qos_class
from k8slite.kubectl.describe_containers import describe_containers, describe_volumes
from k8slite.kubectl.describe_writer import (
    PrefixWriter,
    annotations_multiline,
    describe_events,
    events_for,
    labels_multiline,
    rfc1123,
    tolerations_multiline,
)
from k8slite.kubectl.durations import human_duration

if TYPE_CHECKING:
    from k8slite.cluster import Cluster


def describe_pod(cluster: Cluster, pod: Pod) -> str:
    w = PrefixWriter()
    describe_pod_placement(w, pod)
    describe_pod_status(w, pod, cluster.now)
    if pod.spec.init_containers:
        describe_containers(w, pod.spec.init_containers, pod, label="Init Containers")
    describe_containers(w, pod.spec.containers, pod)
    if pod.status.conditions:
        w.write(0, "Conditions:\n  Type\tStatus\n")
        for c in pod.status.conditions:
            w.write(1, f"{c.type} \t{c.status} \n")
    describe_volumes(w, pod.spec.volumes)
    w.write(0, f"QoS Class:\t{pod.status.qos_class or qos_class(pod)}\n")
    labels_multiline(w, "Node-Selectors", pod.spec.node_selector)
    tolerations_multiline(w, pod.spec.tolerations)
    describe_events(w, events_for(cluster, pod), cluster.now)
    return w.result()


def describe_pod_placement(w: PrefixWriter, pod: Pod) -> None:
    """Name, Namespace, the node it was bound to and when it started, labels and annotations."""
    w.write(0, f"Name:\t{pod.name}\nNamespace:\t{pod.namespace}\n")
    if pod.spec.priority is not None:
        w.write(0, f"Priority:\t{pod.spec.priority}\n")
    if pod.spec.priority_class_name:
        w.write(0, f"Priority Class Name:\t{pod.spec.priority_class_name}\n")
    if pod.spec.service_account_name:  # describe.go prints it only when set (admission always sets it)
        w.write(0, f"Service Account:\t{pod.spec.service_account_name}\n")
    w.write(0, f"Node:\t{pod.spec.node_name}/{pod.status.host_ip}\n" if pod.spec.node_name else "Node:\t<none>\n")
    if pod.status.start_time is not None:
        w.write(0, f"Start Time:\t{rfc1123(pod.status.start_time)}\n")
    labels_multiline(w, "Labels", pod.metadata.labels)
    annotations_multiline(w, "Annotations", pod.metadata.annotations)


def describe_pod_status(w: PrefixWriter, pod: Pod, now: float) -> None:
    """Status (or how long termination has left), Reason, Message, IPs and the controller."""
    deleted = pod.metadata.deletion_timestamp
    if deleted is not None and pod.status.phase not in ("Succeeded", "Failed"):
        w.write(0, f"Status:\tTerminating (lasts {human_duration(round(deleted) - now)})\n")
        w.write(0, f"Termination Grace Period:\t{pod.metadata.deletion_grace_period_seconds or 0}s\n")
    else:
        w.write(0, f"Status:\t{pod.status.phase}\n")
    for title, text in (("Reason", pod.status.reason), ("Message", pod.status.message)):
        if text:
            w.write(0, f"{title}:\t{text}\n")
    w.write(0, f"IP:\t{pod.status.pod_ip}\n")
    ips = [ip.ip for ip in pod.status.pod_ips]
    w.write(0, "IPs:\n" + "".join(f"  IP:\t{ip}\n" for ip in ips) if ips else "IPs:\t<none>\n")
    owner = pod.metadata.controller_ref()
    if owner is not None:
        w.write(0, f"Controlled By:\t{owner.kind}/{owner.name}\n")
