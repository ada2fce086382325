"""kubectl get -o jsonpath, -o custom-columns and --sort-by (client-go's JSONPath)."""

from __future__ import annotations

import pytest
from builders import example

from k8slite import Cluster
from k8slite.kubectl.jsonpath import JSONPathError, render

DATA = {"kind": "List", "items": [
    {"metadata": {"name": "a", "annotations": {"kubernetes.io/change-cause": "v1"}},
     "spec": {"nodeName": "node-1", "ports": [{"port": 80}, {"port": 443}]}, "status": {"phase": "Running"}},
    {"metadata": {"name": "b"}, "spec": {"nodeName": "node-2", "ports": [{"port": 8080}]},
     "status": {"phase": "Pending"}},
]}


@pytest.mark.parametrize(("template", "text"), [
    ("{.kind}", "List"),
    ("{.items[*].metadata.name}", "a b"),
    ("{.items[0].spec.ports[*].port}", "80 443"),
    ("{.items[-1].metadata.name}", "b"),
    ("{.items[0:1].metadata.name}", "a"),
    ("{.items[0,1].spec.nodeName}", "node-1 node-2"),
    ("{..port}", "80 443 8080"),
    ('{.items[?(@.status.phase=="Running")].metadata.name}', "a"),
    ('{.items[?(@.status.phase!="Running")].metadata.name}', "b"),
    ("{.items[?(@.spec.ports[0].port>100)].metadata.name}", "b"),
    ("{.items[?(@.metadata.annotations)].metadata.name}", "a"),
    ("{.items[0].metadata.annotations.kubernetes\\.io/change-cause}", "v1"),
    ("{.items[0].metadata['annotations']}", '{"kubernetes.io/change-cause":"v1"}'),
    ("{.items[1].spec.ports}", '[{"port":8080}]'),
    ('{range .items[*]}{.metadata.name}:{.status.phase}{"\\n"}{end}', "a:Running\nb:Pending\n"),
    ("names: {.items[*].metadata.name}.", "names: a b."),
    ("{.items[*].nothere}", ""),
    ('{"é\\t"}{.kind}', "é\tList"),  # literals keep text that is not ASCII
])
def test_templates(template: str, text: str) -> None:
    assert render(template, DATA) == text


@pytest.mark.parametrize("template", ["{.items", "{end}", "{range .items[*]}{.x}", "{.items[0}"])
def test_broken_templates_are_errors(template: str) -> None:
    with pytest.raises(JSONPathError):
        render(template, DATA)


@pytest.fixture
def c() -> Cluster:
    c = Cluster(nodes=2)
    c.apply(example("run-my-nginx.yaml").read_text())
    c.apply(example("nginx-svc.yaml").read_text())
    c.run(10)
    return c


def test_the_docs_commands_for_my_nginx(c: Cluster) -> None:
    pods = sorted(c.get("pods"), key=lambda p: p.name)
    assert c.kubectl("get svc my-nginx -o jsonpath='{.spec.clusterIP}'") == c.get("svc", "my-nginx").spec.cluster_ip
    assert c.kubectl("get pods -l run=my-nginx -o custom-columns=POD_IP:.status.podIPs") == (
        "POD_IP\n" + "".join(f"[map[ip:{p.status.pod_ip}]]\n" for p in pods))
    assert c.kubectl("get pods -o jsonpath='{.items[*].metadata.name}'") == " ".join(p.name for p in pods)


def test_custom_columns_and_sort_by(c: Cluster) -> None:
    by_node = sorted(c.get("pods"), key=lambda p: p.spec.node_name)
    text = c.kubectl("get pods --sort-by=.spec.nodeName -o custom-columns=NAME:.metadata.name,NODE:spec.nodeName,"
                     "GONE:.status.nothing --no-headers")
    assert text.splitlines() == [f"{p.name}   {p.spec.node_name}   <none>" for p in by_node]
    kinds = c.kubectl("get events --sort-by=.involvedObject.kind -o jsonpath='{.items[*].involvedObject.kind}'")
    assert kinds.split() == sorted(kinds.split()) and kinds.split()[0] == "Deployment"
    assert c.kubectl("get pods -o jsonpath") == "error: template format specified but no template given\n"
    assert c.kubectl("get deploy my-nginx -o jsonpath='{.spec.paused}'") == ""  # found, but nothing to print
