"""Bad input gets one clear error naming the field, and stores nothing."""

import pytest

from k8slite import Cluster, Invalid, NotFound

GOOD = """
apiVersion: v1
kind: Pod
metadata: {name: good}
spec:
  containers: [{name: app, image: busybox}]
"""


@pytest.fixture
def c():
    return Cluster(nodes=1)


@pytest.mark.parametrize("text, error, message", [
    ("apiVersion: v1\nkind: Pod\nmetadata: {name: x\n", Invalid, "error converting YAML to JSON: yaml: line"),
    ("apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  containers: [{name: app}]\n",
     Invalid, 'Pod "x" is invalid: spec.containers[0].image: Required value'),
    ("apiVersion: v1\nkind: Pod\nmetadata: {name: Web_1}\nspec:\n  containers: [{name: a, image: b}]\n",
     Invalid, 'metadata.name: Invalid value: "Web_1": a lowercase RFC 1123 subdomain'),
    ("apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  containers: [{name: a, imagee: b}]\n",
     Invalid, 'strict decoding error: unknown field "spec.containers[0].imagee"'),
    ("apiVersion: v1\nkind: Pdo\nmetadata: {name: x}\n", NotFound, 'no matches for kind "Pdo" in version "v1"'),
    ("apiVersion: v1\nkind: Pod\nmetadata: {name: x, namespace: nope}\nspec:\n  containers: [{name: a, image: b}]\n",
     NotFound, 'namespaces "nope" not found'),
    ("apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  containers: []\n",
     Invalid, "spec.containers: Required value"),
    ("apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  restartPolicy: Sometimes\n"
     "  containers: [{name: a, image: b}]\n", Invalid, 'spec.restartPolicy: Unsupported value: "Sometimes"'),
    ("apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  containers: [{name: a, image: b, "
     "resources: {requests: {cpu: lots}}}]\n", Invalid, "spec.containers[0].resources.requests.cpu"),
    ("apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  containers: [{name: a, image: b, "
     "volumeMounts: [{name: data, mountPath: /d}]}]\n", Invalid, 'volumeMounts[0].name: Not found: "data"'),
    ("apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  containers: {name: a}\n",
     Invalid, "spec.containers: expected a list"),
])
def test_one_bad_document_stores_nothing(c, text, error, message):
    before = c.api.store.revision
    with pytest.raises(error) as info:
        c.apply(GOOD + "---\n" + text)
    assert message in str(info.value)
    assert c.api.store.revision == before
    assert c.get("pods") == []


def test_missing_file_names_the_path(c):
    with pytest.raises(NotFound, match='the path "nowhere.yaml" does not exist'):
        c.apply("nowhere.yaml")


def test_replicaset_selector_must_match_template(c):
    with pytest.raises(Invalid, match="`selector` does not match template `labels`"):
        c.apply("""
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: rs}
spec:
  selector: {matchLabels: {app: a}}
  template:
    metadata: {labels: {app: b}}
    spec: {containers: [{name: c, image: busybox}]}
""")


def test_several_errors_are_listed_together(c):
    with pytest.raises(Invalid) as info:
        c.apply("apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  containers: [{name: A_b}]\n")
    text = str(info.value)
    assert text.startswith('Pod "x" is invalid: [') and "spec.containers[0].name" in text and "image" in text
