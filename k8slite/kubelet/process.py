"""`k8slite kubelet`: one node's kubelet as a process of its own, talking to the control plane only over HTTPS.

    $ k8slite serve --nodes 0 --kubelet node-1 --kubeconfig /tmp/k/admin.kubeconfig
    $ k8slite kubelet --kubeconfig /tmp/k/node-1.kubeconfig --node node-1

Mirrors running the kubelet binary on a machine of its own: it registers
its Node, renews its Lease every 10 s (`--node-status-update-frequency`),
posts the node's status, watches the pods bound to it and runs them. It is
the same Kubelet class the simulation runs (agent.py), with its API calls
made by k8slite.client with the node's own token: the server knows it as
`system:node:<name>` and lets it change only its own Node, Lease and pods
(k8slite.server.auth). It serves its own HTTPS API on 127.0.0.1 (server.py,
the kubelet's port 10250), through which the API server reads and follows
logs (`kubectl logs -f`) and relays the streams of `kubectl exec` (`-it`
too: the shell runs here) and `kubectl attach`. Kill the process and the machine is gone: no more
Lease renewals, and after `--node-monitor-grace-period` the control plane's
node lifecycle controller marks the Node NotReady, as in chapter 07.
Stop the API server instead and the kubelet waits for it, as the real one
does: each call that fails is one line in its log ("dial tcp ...: connect:
connection refused"), its Lease renewal is tried again at the next
heartbeat, and its watches connect again (and list again, when the new
server finds their resourceVersion too old: k8slite.client). A server
started again with the same `--cert-dir`, `--port` and `--etcd` takes the
same kubeconfig, and the kubelet carries on.

Time is the wall clock, counted from k8slite's epoch (the seconds
k8slite.api.serialize writes timestamps from), which is what `k8slite
serve` reads: its timestamps are on the wall clock too. The kubelet and the
control plane agree on time only while the cluster runs at `--speed 1`, as
real machines agree only through NTP.

Simplified: the pod CIDR comes from `--pod-cidr` (default: from the node's
number, as Cluster numbers its nodes) instead of the node IPAM
controller; the fake runtime's containers live inside this process and die
with it; with `--runtime docker` they are real containers, which the next
kubelet of the same name finds gone (no checkpoint is read back).
"""

from __future__ import annotations

import argparse
import re
import signal
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from types import FrameType
from typing import Any

from k8slite.api.node import NodeAddress
from k8slite.api.serialize import EPOCH
from k8slite.client import Credentials, KubeconfigError, RemoteAPI
from k8slite.clock import RealClock
from k8slite.errors import ApiError, Unauthorized
from k8slite.kubelet.agent import Kubelet
from k8slite.kubelet.server import ENDPOINT, KubeletServer
from k8slite.runtime.engine import RuntimeEngine
from k8slite.runtime.fake import FakeNetwork

TICK = 0.05  # real seconds between looks at the watch streams and the timers


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="k8slite kubelet",
                                     description="Run one node's kubelet against a k8slite API server.")
    parser.add_argument("--kubeconfig", required=True, help="the node's kubeconfig (k8slite serve --kubelet NAME)")
    parser.add_argument("--node", required=True, help="the node's name (--hostname-override)")
    parser.add_argument("--server", help="the API server's URL (default: the kubeconfig's)")
    parser.add_argument("--runtime", choices=("fake", "docker"), default="fake", help="container runtime")
    parser.add_argument("--pod-cidr", help="the node's pod addresses (default: 10.244.<N>.0/24 for node-<N>)")
    parser.add_argument("--node-status-update-frequency", type=float, default=None,
                        help="seconds between Lease renewals and node status checks (default 10)")
    return parser.parse_args(argv)


def node_index(name: str) -> int:
    """node-3 -> 3, the number Cluster would have given it (1 for names without one)."""
    found = re.search(r"(\d+)$", name)
    return int(found.group(1)) if found else 1


@dataclass
class Machine:
    """One machine's parts: its kubelet, the client it talks through, its clock, the runtime engine it runs
    containers on, and the kubelet's own HTTPS server; `lock` is held by the loop and by that server."""

    kubelet: Kubelet
    api: RemoteAPI
    clock: RealClock
    engine: RuntimeEngine
    server: KubeletServer
    lock: threading.RLock

    def close(self) -> None:
        """The machine goes down: the kubelet stops, its server and its containers (Docker's too) go."""
        self.kubelet.running = False
        self.server.close()
        self.engine.close()
        self.api.close()


def make_machine(args: argparse.Namespace) -> Machine:
    """The kubelet and what it runs on, for the command line's flags."""
    from k8slite.cluster import default_node  # the same machine shape Cluster gives node-<N>
    clock = RealClock(start=time.time() - EPOCH.timestamp())  # seconds since the epoch timestamps count from
    api = RemoteAPI(Credentials.from_kubeconfig(args.kubeconfig, args.server), clock,
                    user_agent=f"kubelet/v1.32.0-k8slite ({args.node})")
    engine = RuntimeEngine(args.runtime)
    engine.clock = clock
    engine.wall_origin = EPOCH.timestamp()  # Docker's wall-clock times map onto this clock
    template = default_node(node_index(args.node))
    template.metadata.name = args.node
    if args.pod_cidr:
        template.spec.pod_cidr, template.spec.pod_cidrs = args.pod_cidr, [args.pod_cidr]
    lock = threading.RLock()  # the loop holds it while the kubelet runs; the kubelet's server while it reads
    kubelet = Kubelet(api, engine.runtime_for(args.node, FakeNetwork()), template)  # type: ignore[arg-type]
    server = KubeletServer(kubelet, api.credentials.token, lock)
    template.status.addresses = [NodeAddress("InternalIP", "127.0.0.1"), NodeAddress("Hostname", args.node)]
    template.status.daemon_endpoints = {ENDPOINT: {"Port": server.port}}
    if args.node_status_update_frequency:
        kubelet.status_update_period = args.node_status_update_frequency
    return Machine(kubelet, api, clock, engine, server, lock)


def stop(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def run(machine: Machine, log: Any = sys.stderr) -> None:
    """Start the kubelet, then deliver watch events and run its timers until interrupted."""
    kubelet = machine.kubelet
    while True:
        try:
            kubelet.start()
            break
        except Unauthorized:
            raise SystemExit(f"kubelet: the API server refused the kubeconfig's token (401 Unauthorized): use "
                             f"the kubeconfig `k8slite serve --kubelet {kubelet.node_name}` wrote") from None
        except Exception as e:  # the API server is not up yet: try again, as the real kubelet does
            print(f"kubelet: {e}", file=log, flush=True)
            time.sleep(1)
    print(f"kubelet: node {kubelet.node_name} registered", file=log, flush=True)
    while True:
        with machine.lock:  # run what is due now; sleep outside the lock, when the kubelet's server may read
            machine.api.poll()
            try:
                machine.clock.run(machine.clock.now)
            except ApiError as e:  # one failed call (the server restarting) must not end the machine
                print(f"kubelet: {e}", file=log, flush=True)
            except Exception:
                traceback.print_exc(file=log)
        time.sleep(TICK)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, stop)
    try:
        machine = make_machine(args)
    except KubeconfigError as e:
        raise SystemExit(f"kubelet: {e}") from None
    try:
        run(machine)
    except KeyboardInterrupt:
        pass
    finally:
        machine.close()


if __name__ == "__main__":
    main()
