"""Check for notebook 05's HTTP exercise: a client of your own for the API server (k8slite.server).

05.5 ``pod_names(url, token, ca, namespace)``: the names of the pods of one
namespace, asked over HTTPS as kubectl asks (GET
/api/v1/namespaces/<namespace>/pods with the bearer token, trusting the
server's certificate `ca`), sorted. Each scenario serves a new cluster with
pods in several namespaces (and a namespace with none); an answer that lists
every namespace, forgets the token (401) or the certificate fails with what
went wrong.
"""

from __future__ import annotations

import random
import urllib.error
from collections.abc import Callable
from typing import Any

from k8slite.api.core import Namespace
from k8slite.api.meta import ObjectMeta
from k8slite.api.pod import Container, Pod, PodSpec
from k8slite.course.checks import exercise

NAMESPACES = ("default", "shop", "team-a")


def populate(cluster: Any, rng: random.Random) -> dict[str, list[str]]:
    """Pods in random namespaces (not in `empty`); namespace -> the names, sorted."""
    for name in (*NAMESPACES[1:], "empty"):
        cluster.api.create(Namespace(metadata=ObjectMeta(name=name)))
    made: dict[str, list[str]] = {ns: [] for ns in (*NAMESPACES, "empty")}
    for i in range(rng.randrange(3, 9)):
        namespace, name = rng.choice(NAMESPACES), f"{rng.choice(['web', 'db', 'cache'])}-{i}"
        cluster.api.create(Pod(metadata=ObjectMeta(name=name, namespace=namespace),
                               spec=PodSpec(containers=[Container(name="c", image="busybox")])))
        made[namespace].append(name)
    return {ns: sorted(names) for ns, names in made.items()}


def ask_server(call: Callable[[str, str, str], Any], server: Any) -> Any:
    """`call(url, token, ca)` for a served cluster; an HTTP error becomes an AssertionError that says it."""
    ca = (server.directory / "apiserver.crt").read_text()
    try:
        return call(server.url, server.token, ca)
    except urllib.error.HTTPError as e:
        hint = " (send the header Authorization: Bearer <token>)" if e.code == 401 else ""
        raise AssertionError(f"the API server answered {e.code} {e.reason} for {e.url}{hint}") from None
    except urllib.error.URLError as e:
        raise AssertionError(f"the request did not reach the API server: {e.reason} (trust the server's "
                             "certificate: ssl.create_default_context(cadata=ca))") from None


def ask(pod_names: Callable[..., Any], server: Any, namespace: str) -> Any:
    """The learner's answer for one namespace."""
    return ask_server(lambda url, token, ca: pod_names(url, token, ca, namespace), server)


@exercise("05.5")
def check_05_5(pod_names: Callable[..., Any], scenarios: int = 3) -> str:
    from k8slite import Cluster
    from k8slite.server import serve

    assert callable(pod_names), "define a function pod_names(url, token, ca, namespace) -> sorted list of names"
    asked = 0
    for seed in range(scenarios):
        cluster = Cluster(nodes=1, seed=seed, controllers=False)
        expected = populate(cluster, random.Random(seed))
        with serve(cluster) as server:
            for namespace, names in expected.items():
                got = ask(pod_names, server, namespace)
                assert got == names, (f"pod_names(..., {namespace!r}) returned {got!r}; the pods of namespace "
                                      f"{namespace!r} are {names!r} (GET /api/v1/namespaces/{namespace}/pods, "
                                      "each item's metadata.name, sorted)")
                asked += 1
        cluster.close()
    return f"{asked} namespaces listed over HTTPS, {scenarios} servers."
