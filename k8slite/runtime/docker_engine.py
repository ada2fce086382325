"""Reaching the Docker engine, and cleaning up after clusters that are gone.

Mirrors what a node's kubelet checks before it starts (is the container
runtime's socket answering?) and the housekeeping a crashed kubelet leaves
to the next one: every container k8slite makes carries `k8slite.` labels
naming its cluster, host and Python process, so the next cluster on this
machine removes the containers of processes that no longer exist.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from pathlib import Path
from typing import Any

HOW_TO_START = ("Start the Docker engine (`sudo systemctl start docker`, or `sudo dockerd &` where there is no "
                "systemd) and check it with `docker info`; or use Cluster(runtime=\"fake\").")


class RuntimeUnavailable(RuntimeError):
    """The container engine cannot be reached; the message says how to start it."""


def connect() -> Any:
    """A docker client that has answered a ping, or RuntimeUnavailable naming the fix."""
    try:
        import docker
    except ImportError:
        raise RuntimeUnavailable("the docker Python package is missing: pip install docker") from None
    try:
        client = docker.from_env(timeout=10)
        client.ping()
    except Exception as e:  # the SDK raises several kinds for "not running"
        raise RuntimeUnavailable(f"cannot reach the Docker engine ({type(e).__name__}). {HOW_TO_START}") from None
    return client


def unavailable_reason() -> str:
    """Why no engine can be used here, naming the fix; empty when one answers."""
    try:
        connect()
    except RuntimeUnavailable as e:
        return str(e)
    return ""


def available() -> bool:
    return not unavailable_reason()


def cluster_root(cluster_id: str) -> Path:
    return Path(tempfile.gettempdir()) / "k8slite" / cluster_id


def remove_cluster(client: Any, cluster_id: str) -> int:
    """Remove every container, tmpfs volume and the scratch folder of one cluster; how many containers went."""
    import docker.errors

    containers = client.api.containers(all=True, filters={"label": f"k8slite.cluster={cluster_id}"})
    for container in containers:
        try:
            client.api.remove_container(container["Id"], force=True)
        except docker.errors.NotFound:
            pass  # someone else removed it meanwhile
    volumes = client.api.volumes(filters={"label": f"k8slite.cluster={cluster_id}"}).get("Volumes") or []
    for volume in volumes:  # memory-backed emptyDirs (tmpfs)
        try:
            client.api.remove_volume(volume["Name"], force=True)
        except docker.errors.NotFound:
            pass
    shutil.rmtree(cluster_root(cluster_id), ignore_errors=True)
    return len(containers)


def remove_orphans(client: Any) -> int:
    """Remove containers of clusters whose Python process on this host is gone (a crashed kernel)."""
    host = socket.gethostname()
    listed = client.api.containers(all=True, filters={"label": "k8slite.cluster"})  # no per-container inspect
    dead = {c["Labels"]["k8slite.cluster"] for c in listed
            if c["Labels"].get("k8slite.host") == host and not pid_alive(int(c["Labels"].get("k8slite.pid", "0")))}
    return sum(remove_cluster(client, cluster_id) for cluster_id in sorted(dead))


def pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
