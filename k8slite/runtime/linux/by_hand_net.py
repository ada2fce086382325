"""Chapter 12's trace on real packets: two nodes as network namespaces, a pod on each, and what they show.

Mirrors what you would type on a kind cluster with flannel: `ip route` and `ip -d link show flannel.1` on
each node, `ping` and `wget` from a pod on node-1 to a pod on node-2, `wget` to a Service by its name and
its ClusterIP, and `iptables -t nat -S` to read what kube-proxy wrote for it. Here the nodes are network
namespaces of this machine (nodenet.py), the routes or the VXLAN device flannel's (flannel.py), the rules
kube-proxy's (kube_proxy.py). To see the VXLAN wrapping, `walk` adds one iptables rule without a target on
node-1, which only counts the UDP packets to node-2's port 8472: on host-gw it stays at 0.

`walk` keeps two things apart: `facts`, the lines every run as root prints the same (routes, "1 packets
received", the pod's reply, the Service's rules), and `shown`, the commands' whole output (with MACs,
times, counters). Simplified: root only; without it (`reason`, K8SLITE_NEWCOMER=1 plays such a machine)
`walk` returns RECORDED, a run recorded as root, so the course prints the same facts either way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from k8slite.runtime.linux.by_hand import reason as bench_reason
from k8slite.runtime.linux.cleanup import leftovers

PODS = """
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  nodeName: node-1
  containers: [{name: shell, image: busybox, command: [sleep, "86400"]}]
---
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  nodeName: node-2
  containers:
  - name: httpd
    image: busybox
    command: [sh, -c, "mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 80 -h /www"]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 80}]
"""
VXLAN_PORT = "8472"  # flannel's, where the Linux default is 4789


@dataclass
class Walk:
    network: str
    facts: list[str] = field(default_factory=list)
    """Lines that are the same on every run as root."""
    shown: dict[str, str] = field(default_factory=dict)
    """Command -> its whole output, which differs from run to run (MACs, times, counters)."""
    routes: list[str] = field(default_factory=list)
    """The routes c.trace follows on this cluster, hop by hop."""
    recorded: bool = False


def reason() -> str:
    """Why this machine cannot make the nodes (root, runc, busybox); empty when it can."""
    return bench_reason("runc")


def service_rules(rules: str, service: str = "default/web") -> list[str]:
    """The lines of `iptables -t nat -S` for one Service: its KUBE-SERVICES rule, its KUBE-SVC and KUBE-SEP chains."""
    chains = set(re.findall(rf'--comment "{service}[^"]*" .*-j (KUBE-SVC-\w+)', rules))
    chains |= {sep for line in rules.splitlines() if any(f"-A {c} " in line for c in chains)
               for sep in re.findall(r"-j (KUBE-SEP-\w+)", line)}
    return [line for line in rules.splitlines() if line.startswith("-A ")
            and (f'"{service} cluster IP"' in line and "KUBE-SERVICES" in line or line.split()[1] in chains)]


def routes_of(trace: object) -> list[str]:
    """The routes a trace (c.trace) follows, hop by hop: what `ip route` on those machines must hold."""
    return [line.split("route: ", 1)[1] for line in str(trace).splitlines() if "route: " in line]


def walk(network: str = "host-gw") -> Walk:
    """Cluster(nodes=2, runtime="linux", network=network), client on node-1, web on node-2, Service web;
    look, close, and check nothing is left. Without root: the run recorded as root."""
    if reason():
        return RECORDED[network]
    from k8slite import Cluster  # here, not at the top: the cluster imports the runtimes

    c = Cluster(nodes=2, runtime="linux", network=network)
    try:
        found = look(c, network)
    finally:
        root = c.engine.root
        c.close()
    left = leftovers(root)
    found.facts.append(f"after c.close(), left on this machine: {left or 'nothing'}")
    return found


def look(c: object, network: str) -> Walk:
    """Run the pods and read the nodes: the facts and the whole outputs."""
    from k8slite import Cluster

    assert isinstance(c, Cluster)
    c.apply(PODS)
    c.run_until(lambda c: all(p.status.phase == "Running" for p in c.get("pods")), timeout=30)
    c.run_until(lambda c: any(s.endpoints for s in c.get("endpointslices") if s.name.startswith("web")), 30)
    c.run(0.5)  # kube-proxy writes 0.2 s after a change
    nodes = c.engine.network
    found = Walk(network)

    def on(node: str, *argv: str) -> str:
        out = nodes.run_on(node, list(argv)).stdout
        found.shown[f"{node}$ {' '.join(argv)}"] = out
        return out

    count = ("-p", "udp", "-d", "172.18.0.3", "--dport", VXLAN_PORT)
    nodes.run_on("node-1", ["iptables", "-I", "OUTPUT", *count])  # no target: it only counts
    web_ip, svc_ip = c.get("pod", "web").status.pod_ip, c.get("service", "web").spec.cluster_ip
    facts = found.facts
    for node in ("node-1", "node-2"):
        for line in on(node, "ip", "route").splitlines():
            if line.startswith("10.244.") and ("via" in line):
                facts.append(f"{node}: ip route: {line.strip()}")
    if network == "vxlan":
        device = on("node-1", "ip", "-d", "link", "show", "flannel.1")
        vxlan = re.search(r"vxlan id \d+ local \S+ dev \S+", device)
        port = re.search(r"dstport \d+", device)
        facts.append(f"node-1: flannel.1 is a {vxlan.group(0) if vxlan else '?'} {port.group(0) if port else '?'}")
    found.routes = routes_of(c.trace("client", "web"))
    facts.append(f"c.trace on this cluster, the routes it follows: {found.routes}")
    mtu = re.search(r"mtu (\d+)", c.exec("client", "ip link show eth0"))
    facts.append(f"client's eth0: mtu {mtu.group(1) if mtu else '?'}")
    ping = c.exec("client", f"ping -c 1 {web_ip}")
    found.shown[f"client$ ping -c 1 {web_ip}"] = ping
    received = re.search(r"\d+ packets received", ping)
    got = received.group(0) if received else repr(ping)
    facts.append(f"ping client (node-1) -> web {web_ip} (node-2): {got}")
    for url in (web_ip, "web", svc_ip):
        facts.append(f"wget -qO- http://{url}/ from client: {c.exec('client', f'wget -qO- http://{url}/').strip()}")
    facts.append("kube-proxy's rules for default/web on node-1 (iptables -t nat -S):")
    rules = nodes.run_on("node-1", ["iptables", "-t", "nat", "-S"]).stdout
    facts.extend("  " + line for line in service_rules(rules))
    counted = on("node-1", "iptables", "-L", "OUTPUT", "-v", "-x", "-n")
    packets = next((int(line.split()[0]) for line in counted.splitlines() if f"dpt:{VXLAN_PORT}" in line), -1)
    facts.append(f"UDP packets node-1 -> node-2 port {VXLAN_PORT}: {'some' if packets > 0 else packets}")
    return found


RECORDED: dict[str, Walk] = {  # a run as root (Debian, kernel 6.x, runc), by the code above
    'host-gw': Walk('host-gw', [
        'node-1: ip route: 10.244.2.0/24 via 172.18.0.3 dev eth0',
        'node-2: ip route: 10.244.1.0/24 via 172.18.0.2 dev eth0',
        (
            "c.trace on this cluster, the routes it follows: ['default via 10.244.1.1 dev eth"
            "0', '10.244.2.0/24 via 172.18.0.3 dev eth0', '10.244.2.0/24 dev cni0 scope link "
            "src 10.244.2.1']"
        ),
        "client's eth0: mtu 1500",
        'ping client (node-1) -> web 10.244.2.2 (node-2): 1 packets received',
        'wget -qO- http://10.244.2.2/ from client: web',
        'wget -qO- http://web/ from client: web',
        'wget -qO- http://10.105.229.215/ from client: web',
        "kube-proxy's rules for default/web on node-1 (iptables -t nat -S):",
        (
            '  -A KUBE-SEP-QHWUG6SOC7OJ2BZK -s 10.244.2.2/32 -m comment --comment "default/we'
            'b" -j KUBE-MARK-MASQ'
        ),
        (
            '  -A KUBE-SEP-QHWUG6SOC7OJ2BZK -p tcp -m tcp -j DNAT --to-destination 10.244.2.2'
            ':80'
        ),
        (
            '  -A KUBE-SERVICES -d 10.105.229.215/32 -p tcp -m comment --comment "default/web'
            ' cluster IP" -m tcp --dport 80 -j KUBE-SVC-LOLE4ISW44XBNF3G'
        ),
        (
            '  -A KUBE-SVC-LOLE4ISW44XBNF3G ! -s 10.244.0.0/16 -d 10.105.229.215/32 -p tcp -m'
            ' comment --comment "default/web cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ'
        ),
        (
            '  -A KUBE-SVC-LOLE4ISW44XBNF3G -m comment --comment "default/web -> 10.244.2.2:8'
            '0" -j KUBE-SEP-QHWUG6SOC7OJ2BZK'
        ),
        'UDP packets node-1 -> node-2 port 8472: 0',
        'after c.close(), left on this machine: nothing',
    ], {
        'node-1$ ip route': (
            'default via 172.18.0.1 dev eth0 \n10.244.1.0/24 dev cni0 proto kernel scope link '
            'src 10.244.1.1 \n10.244.2.0/24 via 172.18.0.3 dev eth0 \n172.18.0.0/16 dev eth0 pr'
            'oto kernel scope link src 172.18.0.2 \n'
        ),
        'node-2$ ip route': (
            'default via 172.18.0.1 dev eth0 \n10.244.1.0/24 via 172.18.0.2 dev eth0 \n10.244.2'
            '.0/24 dev cni0 proto kernel scope link src 10.244.2.1 \n172.18.0.0/16 dev eth0 pr'
            'oto kernel scope link src 172.18.0.3 \n'
        ),
        'client$ ping -c 1 10.244.2.2': (
            'PING 10.244.2.2 (10.244.2.2): 56 data bytes\n64 bytes from 10.244.2.2: seq=0 ttl='
            '62 time=0.355 ms\n\n--- 10.244.2.2 ping statistics ---\n1 packets transmitted, 1 pa'
            'ckets received, 0% packet loss\nround-trip min/avg/max = 0.355/0.355/0.355 ms\n'
        ),
        'node-1$ iptables -L OUTPUT -v -x -n': (
            'Chain OUTPUT (policy ACCEPT 0 packets, 0 bytes)\n    pkts      bytes target     p'
            'rot opt in     out     source               destination         \n       0       '
            ' 0            17   --  *      *       0.0.0.0/0            172.18.0.3           '
            'udp dpt:8472\n       1       40 KUBE-SERVICES  0    --  *      *       0.0.0.0/0 '
            '           0.0.0.0/0            ctstate NEW /* kubernetes service portals */\n'
        ),
    }, routes=[
        'default via 10.244.1.1 dev eth0',
        '10.244.2.0/24 via 172.18.0.3 dev eth0',
        '10.244.2.0/24 dev cni0 scope link src 10.244.2.1',
    ], recorded=True),
    'vxlan': Walk('vxlan', [
        'node-1: ip route: 10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink',
        'node-2: ip route: 10.244.1.0/24 via 10.244.1.0 dev flannel.1 onlink',
        'node-1: flannel.1 is a vxlan id 1 local 172.18.0.2 dev eth0 dstport 8472',
        (
            "c.trace on this cluster, the routes it follows: ['default via 10.244.1.1 dev eth"
            "0', '10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink', '10.244.2.0/24 dev cni0"
            " scope link src 10.244.2.1']"
        ),
        "client's eth0: mtu 1450",
        'ping client (node-1) -> web 10.244.2.2 (node-2): 1 packets received',
        'wget -qO- http://10.244.2.2/ from client: web',
        'wget -qO- http://web/ from client: web',
        'wget -qO- http://10.105.229.215/ from client: web',
        "kube-proxy's rules for default/web on node-1 (iptables -t nat -S):",
        (
            '  -A KUBE-SEP-QHWUG6SOC7OJ2BZK -s 10.244.2.2/32 -m comment --comment "default/we'
            'b" -j KUBE-MARK-MASQ'
        ),
        (
            '  -A KUBE-SEP-QHWUG6SOC7OJ2BZK -p tcp -m tcp -j DNAT --to-destination 10.244.2.2'
            ':80'
        ),
        (
            '  -A KUBE-SERVICES -d 10.105.229.215/32 -p tcp -m comment --comment "default/web'
            ' cluster IP" -m tcp --dport 80 -j KUBE-SVC-LOLE4ISW44XBNF3G'
        ),
        (
            '  -A KUBE-SVC-LOLE4ISW44XBNF3G ! -s 10.244.0.0/16 -d 10.105.229.215/32 -p tcp -m'
            ' comment --comment "default/web cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ'
        ),
        (
            '  -A KUBE-SVC-LOLE4ISW44XBNF3G -m comment --comment "default/web -> 10.244.2.2:8'
            '0" -j KUBE-SEP-QHWUG6SOC7OJ2BZK'
        ),
        'UDP packets node-1 -> node-2 port 8472: some',
        'after c.close(), left on this machine: nothing',
    ], {
        'node-1$ ip route': (
            'default via 172.18.0.1 dev eth0 \n10.244.1.0/24 dev cni0 proto kernel scope link '
            'src 10.244.1.1 \n10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink \n172.18.0.0/16'
            ' dev eth0 proto kernel scope link src 172.18.0.2 \n'
        ),
        'node-2$ ip route': (
            'default via 172.18.0.1 dev eth0 \n10.244.1.0/24 via 10.244.1.0 dev flannel.1 onli'
            'nk \n10.244.2.0/24 dev cni0 proto kernel scope link src 10.244.2.1 \n172.18.0.0/16'
            ' dev eth0 proto kernel scope link src 172.18.0.3 \n'
        ),
        'node-1$ ip -d link show flannel.1': (
            '4: flannel.1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UNK'
            'NOWN mode DEFAULT group default qlen 1000\n    link/ether de:54:b4:06:fb:87 brd f'
            'f:ff:ff:ff:ff:ff promiscuity 0  allmulti 0 minmtu 68 maxmtu 65535 \n    vxlan id '
            '1 local 172.18.0.2 dev eth0 srcport 0 0 dstport 8472 nolearning ttl auto ageing '
            '300 udpcsum noudp6zerocsumtx noudp6zerocsumrx addrgenmode eui64 numtxqueues 1 nu'
            'mrxqueues 1 gso_max_size 65536 gso_max_segs 65535 tso_max_size 524280 tso_max_se'
            'gs 65535 gro_max_size 65536 \n'
        ),
        'client$ ping -c 1 10.244.2.2': (
            'PING 10.244.2.2 (10.244.2.2): 56 data bytes\n64 bytes from 10.244.2.2: seq=0 ttl='
            '62 time=0.248 ms\n\n--- 10.244.2.2 ping statistics ---\n1 packets transmitted, 1 pa'
            'ckets received, 0% packet loss\nround-trip min/avg/max = 0.248/0.248/0.248 ms\n'
        ),
        'node-1$ iptables -L OUTPUT -v -x -n': (
            'Chain OUTPUT (policy ACCEPT 0 packets, 0 bytes)\n    pkts      bytes target     p'
            'rot opt in     out     source               destination         \n      19     22'
            '10            17   --  *      *       0.0.0.0/0            172.18.0.3           '
            'udp dpt:8472\n      20     2250 KUBE-SERVICES  0    --  *      *       0.0.0.0/0 '
            '           0.0.0.0/0            ctstate NEW /* kubernetes service portals */\n'
        ),
    }, routes=[
        'default via 10.244.1.1 dev eth0',
        '10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink',
        '10.244.2.0/24 dev cni0 scope link src 10.244.2.1',
    ], recorded=True),
}
