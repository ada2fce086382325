"""`python -m k8slite.server`: a new cluster with its API served on 127.0.0.1, for the real kubectl.

    $ python -m k8slite.server --nodes 3 --speed 1 --kubeconfig /tmp/k8slite.kubeconfig
    $ kubectl --kubeconfig /tmp/k8slite.kubeconfig get nodes

The cluster's clock runs `--speed` times as fast as real time (0: it stands
still, which only makes sense for looking at a state made with `-f`).
Each tick advances the cluster under the server's lock, between requests.
Timestamps are sent on the real clock (wallclock.py), so that `kubectl
describe` shows ages as the cluster clock counts them.
`--nodes 0 --kubelet node-1 --kubelet node-2` makes a control plane
without machines, and a kubeconfig for each kubelet to come, which `k8slite
kubelet` runs as processes of their own (k8slite/kubelet/process.py).
Ctrl-C (or SIGTERM) stops it. With `--etcd URL` the cluster keeps its objects
in that etcd (k8slite.etcd_store): served again with the same `--etcd`, it
carries on where it stopped, as a restarted control plane does. With
`--cert-dir DIR` too (and the same `--port`), the server keeps its
certificate and tokens in DIR and is, to kubectl and to the kubelet
processes, the same server after the restart: their kubeconfigs still work.

    $ python -m k8slite.server --etcd http://127.0.0.1:2379 --cert-dir /tmp/k/pki --port 6443 \
          --kubeconfig /tmp/k/admin.kubeconfig --nodes 0 --kubelet node-1
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path
from types import FrameType

from k8slite.server import serve, tokenfile
from k8slite.server.tls import CertificateError
from k8slite.server.tokenfile import TokenFileError

TICK = 0.1  # real seconds between advances of the cluster clock


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="k8slite serve", description="Serve a k8slite cluster's Kubernetes API.")
    parser.add_argument("--nodes", type=int, default=3, help="nodes in the new cluster (default 3)")
    parser.add_argument("--seed", type=int, default=0, help="the cluster's random seed")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one); the "
                        "kubeconfigs name it, so a restart that should keep them working must keep the port")
    parser.add_argument("--kubeconfig", help="where to write the kubeconfig (default: in --cert-dir, else a "
                        "temporary file)")
    parser.add_argument("--speed", type=float, default=1.0, help="cluster seconds per real second (default 1)")
    parser.add_argument("--etcd", metavar="URL", help="keep the cluster in the etcd at URL (e.g. "
                        "http://127.0.0.1:2379), where the next serve finds it (default: in memory)")
    parser.add_argument("--cert-dir", metavar="DIR", help="keep the serving certificate, its key and the "
                        f"bearer tokens ({tokenfile.FILE}, in kube-apiserver's --token-auth-file format) in DIR, "
                        "made there if missing and read again at the next start, so that a restart (with the same "
                        "--port and --etcd) keeps every kubeconfig working (default: new ones in a temporary "
                        "directory, which go with the server)")
    parser.add_argument("-f", "--filename", action="append", default=[], help="a manifest to apply first")
    parser.add_argument("--kubelet", action="append", default=[], metavar="NODE",
                        help="write NODE.kubeconfig (next to --kubeconfig) for `k8slite kubelet --node NODE`")
    parser.add_argument("--node-monitor-grace-period", type=float, default=None,
                        help="seconds without a Lease renewal before a node is NotReady (default 50)")
    return parser.parse_args(argv)


def stop(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # SIGTERM ends the server as Ctrl-C does (a temporary certificate and key are removed)


def main(argv: list[str] | None = None) -> None:
    from k8slite.cluster import Cluster
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, stop)
    grace = {} if args.node_monitor_grace_period is None else \
        {"node_monitor_grace_period": args.node_monitor_grace_period}
    store = None
    if args.etcd:
        from k8slite.etcd_store import EtcdStore
        store = EtcdStore(args.etcd)
    cluster = Cluster(nodes=args.nodes, seed=args.seed, store=store, **grace)
    for path in args.filename:
        cluster.apply(path)
    try:
        server = serve(cluster, port=args.port, kubeconfig=args.kubeconfig, wall_clock=True, cert_dir=args.cert_dir)
    except (TokenFileError, CertificateError) as e:
        cluster.close()
        raise SystemExit(f"k8slite serve: {e}") from None
    print(f"k8slite API server at {server.url}\nexport KUBECONFIG={server.kubeconfig}", flush=True)
    if args.cert_dir and not args.port:
        print(f"k8slite serve: --cert-dir without --port: start it again with --port {server.port}, which the "
              "kubeconfigs name", file=sys.stderr, flush=True)
    for node in args.kubelet:
        path = Path(server.kubeconfig).with_name(f"{node}.kubeconfig")
        print(f"k8slite kubelet --kubeconfig {server.kubelet_kubeconfig(node, path)} --node {node}", flush=True)
    try:
        while True:
            time.sleep(TICK)
            if args.speed > 0:
                server.run(TICK * args.speed)
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        cluster.close()


if __name__ == "__main__":
    main()
