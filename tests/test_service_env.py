"""The Services' environment variables the kubelet gives each container (network/envvars.py)."""

from __future__ import annotations

from network_builders import client, hostname_app, service

from k8slite import Cluster
from k8slite.network.envvars import service_env

KUBERNETES = "KUBERNETES_SERVICE_HOST=10.96.0.1\nKUBERNETES_SERVICE_PORT=443\nKUBERNETES_SERVICE_PORT_HTTPS=443\n"


def test_a_pod_started_before_its_service_has_only_the_kubernetes_variables_until_it_is_replaced():
    c = Cluster(nodes=2)
    c.apply(hostname_app(replicas=1))
    c.run(10)
    first = c.get("pods")[0].name
    assert c.exec(first, "printenv | grep SERVICE") == KUBERNETES
    c.apply(service())
    c.run(5)
    assert c.exec(first, "printenv | grep SERVICE") == KUBERNETES  # set once, when the container started
    c.delete("pod", first)
    c.run(40)
    (second,) = [p.name for p in c.get("pods")]
    ip = c.get("service", "who").spec.cluster_ip
    assert c.exec(second, "printenv | grep WHO_ | sort") == (
        f"WHO_PORT=tcp://{ip}:80\nWHO_PORT_80_TCP=tcp://{ip}:80\nWHO_PORT_80_TCP_ADDR={ip}\n"
        "WHO_PORT_80_TCP_PORT=80\nWHO_PORT_80_TCP_PROTO=tcp\n"
        f"WHO_SERVICE_HOST={ip}\nWHO_SERVICE_PORT=80\n")
    assert c.exec(second, "wget -qO- http://$WHO_SERVICE_HOST:$WHO_SERVICE_PORT/") == f"{second}\n"


def test_named_ports_dashes_and_every_port_get_variables():
    c = Cluster(nodes=1)
    c.apply("""
apiVersion: v1
kind: Service
metadata: {name: my-db}
spec:
  selector: {app: db}
  ports: [{name: sql, port: 5432}, {name: metrics, port: 9187, protocol: TCP}]
""")
    ip = c.get("service", "my-db").spec.cluster_ip
    env = [(e.name, e.value) for e in service_env(c.get("service", "my-db"))]
    assert env == [
        ("MY_DB_SERVICE_HOST", ip), ("MY_DB_SERVICE_PORT", "5432"), ("MY_DB_SERVICE_PORT_SQL", "5432"),
        ("MY_DB_SERVICE_PORT_METRICS", "9187"), ("MY_DB_PORT", f"tcp://{ip}:5432"),
        ("MY_DB_PORT_5432_TCP", f"tcp://{ip}:5432"), ("MY_DB_PORT_5432_TCP_PROTO", "tcp"),
        ("MY_DB_PORT_5432_TCP_PORT", "5432"), ("MY_DB_PORT_5432_TCP_ADDR", ip),
        ("MY_DB_PORT_9187_TCP", f"tcp://{ip}:9187"), ("MY_DB_PORT_9187_TCP_PROTO", "tcp"),
        ("MY_DB_PORT_9187_TCP_PORT", "9187"), ("MY_DB_PORT_9187_TCP_ADDR", ip)]


def test_own_env_wins_other_namespaces_and_headless_services_are_left_out_and_links_can_be_off():
    c = Cluster(nodes=1)
    c.apply({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "other"}})
    c.apply(service("elsewhere", namespace="other"))
    c.apply(service("headless", extra="  clusterIP: None"))
    c.apply(service("who"))
    c.apply(client("plain"))
    c.apply(client("mine").replace("command: [sleep", 'env: [{name: WHO_SERVICE_PORT, value: "mine"}], '
                                   "command: [sleep"))
    c.apply(client("unlinked").replace("spec:\n", "spec:\n  enableServiceLinks: false\n"))
    c.run(5)
    assert c.exec("plain", "printenv | grep -c _SERVICE_HOST") == "2\n"  # kubernetes and who
    assert c.exec("plain", "printenv | grep -cE 'ELSEWHERE|HEADLESS'") == "0\n"
    assert c.exec("mine", "printenv WHO_SERVICE_PORT") == "mine\n"
    assert c.exec("unlinked", "printenv | grep SERVICE") == KUBERNETES
    assert c.get("pod", "unlinked").spec.enable_service_links is False


def test_sort_in_the_simulated_shell():
    c = Cluster(nodes=1)
    c.apply(client("box"))
    c.run(5)
    assert c.exec("box", "printf 'b\\n10\\na\\n9\\nb\\n' | sort") == "10\n9\na\nb\nb\n"
    assert c.exec("box", "printf 'b\\n10\\na\\n9\\nb\\n' | sort -n") == "a\nb\nb\n9\n10\n"
    assert c.exec("box", "printf 'b\\n10\\na\\n9\\nb\\n' | sort -n -u") == "a\n9\n10\n"
    assert c.exec("box", "printf 'b\\n10\\na\\n9\\nb\\n' | sort -u") == "10\n9\na\nb\n"
    assert c.exec("box", "printf '1\\n3\\n2\\n' | sort -r") == "3\n2\n1\n"
