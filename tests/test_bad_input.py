"""Bad input gets one clear error naming the field, and stores nothing."""

import pytest

from k8slite import Cluster, Invalid, NotFound
from k8slite.errors import AlreadyExists, BadRequest, Conflict

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
     BadRequest, 'Pod in version "v1" cannot be handled as a Pod: strict decoding error: '
     'unknown field "spec.containers[0].imagee"'),
    ("apiVersion: v1\nkind: Pdo\nmetadata: {name: x}\n", NotFound, 'no matches for kind "Pdo" in version "v1"'),
    ("apiVersion: v1\nkind: Pod\nmetadata: {name: x, namespace: nope}\nspec:\n  containers: [{name: a, image: b}]\n",
     NotFound, 'namespaces "nope" not found'),
    ("apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  containers: []\n",
     Invalid, "spec.containers: Required value"),
    ("apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  restartPolicy: Sometimes\n"
     "  containers: [{name: a, image: b}]\n", Invalid, 'spec.restartPolicy: Unsupported value: "Sometimes"'),
    # a quantity is parsed while the body is decoded (resource.ParseQuantity), before validation
    ("apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  containers: [{name: a, image: b, "
     "resources: {requests: {cpu: lots}}}]\n", BadRequest, 'Pod in version "v1" cannot be handled as a Pod: '
     "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"),
    ("apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  containers: [{name: a, image: b, "
     "volumeMounts: [{name: data, mountPath: /d}]}]\n", Invalid, 'volumeMounts[0].name: Not found: "data"'),
    # a value of the wrong type: encoding/json's own error, naming the Go struct, the field and the Go type
    ("apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  containers: {name: a}\n", BadRequest,
     'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal object into Go struct field '
     "PodSpec.spec.containers of type []v1.Container"),
    ("apiVersion: v1\nkind: Pod\nmetadata: {name: x, labels: {version: 1}}\nspec:\n"
     "  containers: [{name: a, image: b}]\n",
     BadRequest, "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string"),
    # the first wrong value in the order of the JSON kubectl sends (keys sorted): containers before t...
    ("apiVersion: v1\nkind: Pod\nmetadata: {name: x, labelz: {}}\nspec:\n  terminationGracePeriodSeconds: '5'\n"
     "  containers: [{name: a, image: b, command: [sleep, 10], ports: [{containerPort: '80'}]}]\n", BadRequest,
     "json: cannot unmarshal number into Go struct field Container.spec.containers.command of type string"),
    ("apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  terminationGracePeriodSeconds: '5'\n"
     "  containers: [{name: a, image: b}]\n", BadRequest,
     "json: cannot unmarshal string into Go struct field PodSpec.spec.terminationGracePeriodSeconds of type int64"),
    # unknown fields only once the body decoded, all of them
    ("apiVersion: v1\nkind: Pod\nmetadata: {name: x, labelz: {}}\nspec:\n  containers: [{name: a, imagee: b}]\n",
     BadRequest, 'strict decoding error: unknown field "metadata.labelz", unknown field "spec.containers[0].imagee"'),
    ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec:\n  replicas: 1.5\n", BadRequest,
     'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal number 1.5 into Go '
     "struct field DeploymentSpec.spec.replicas of type int32"),
])
def test_one_bad_document_stores_nothing(c, text, error, message):
    before = c.api.store.revision
    with pytest.raises(error) as info:
        c.apply(GOOD + "---\n" + text)
    assert message in str(info.value)
    assert c.api.store.revision == before
    assert c.get("pods") == []


def test_missing_file_names_the_path(c):
    with pytest.raises(NotFound, match=r'the path "nowhere.yaml" does not exist \(working directory: /'):
        c.apply("nowhere.yaml")
    # kubectl's own error, before any request: not an error from the server
    assert c.kubectl("apply -f nowhere.yaml") == 'error: the path "nowhere.yaml" does not exist\n'


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


# The words kubectl prints for a body the server cannot decode: cmdutil.AddSourceToErr("creating", ...)
# around the decode error of k8s.io/apimachinery/pkg/runtime/serializer (1.32).
BAD_CPU = "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  containers: [{name: a, image: b, " \
          "resources: {requests: {cpu: 1x}}}]\n"
REGEX = "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"


@pytest.mark.parametrize("verb", ["create", "apply"])
def test_kubectl_prints_a_malformed_quantity_as_the_server_refuses_it(c, tmp_path, verb):
    manifest = tmp_path / "pod.yaml"
    manifest.write_text(GOOD + "---\n" + BAD_CPU)
    before = c.api.store.revision
    assert c.kubectl(f"{verb} -f {manifest}") == (
        f'Error from server (BadRequest): error when creating "{manifest}": Pod in version "v1" cannot be '
        f"handled as a Pod: quantities must match the regular expression {REGEX}\n")
    assert c.api.store.revision == before and c.get("pods") == []  # nothing half-created


def test_an_unknown_suffix_is_errsuffix(c):
    # resource.ErrSuffix: the shape matches the regular expression, the suffix is not one Kubernetes knows
    with pytest.raises(BadRequest, match="cannot be handled as a Pod: unable to parse quantity's suffix$"):
        c.apply(BAD_CPU.replace("1x", "32MMi"))


def test_errors_name_the_group_of_the_resource(c):
    # k8s.io/apimachinery/pkg/api/errors: NewNotFound/NewAlreadyExists/NewConflict take a GroupResource,
    # NewInvalid a GroupKind; the core group adds no suffix.
    deploy = ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  selector: {matchLabels: {a: b}}\n"
              "  template:\n    metadata: {labels: {a: b}}\n    spec: {containers: [{name: c, image: busybox}]}\n")
    [stored] = c.apply(deploy)
    with pytest.raises(NotFound, match=r'^deployments.apps "e" not found$'):
        c.api.get("deployments", "e")
    with pytest.raises(NotFound, match=r'^jobs.batch "x" not found$'):
        c.api.get("jobs", "x")
    with pytest.raises(NotFound, match=r'^persistentvolumeclaims "c" not found$'):
        c.api.get("pvc", "c")
    with pytest.raises(AlreadyExists, match=r'^deployments.apps "d" already exists$'):
        c.api.create(stored)
    stale = stored.copy()
    c.api.update(stored.copy())
    with pytest.raises(Conflict) as conflict:
        c.api.update(stale)
    assert str(conflict.value) == ('Operation cannot be fulfilled on deployments.apps "d": the object has been '
                                   "modified; please apply your changes to the latest version and try again")
    with pytest.raises(Invalid, match=r'^Deployment.apps "d" is invalid: spec.replicas: Invalid value: -1: '
                                      "must be greater than or equal to 0$"):
        c.apply(deploy.replace("spec:\n  selector", "spec:\n  replicas: -1\n  selector"))


def test_a_selector_that_misses_prints_the_labels_as_go_does(c):
    # field.Error.ErrorBody prints a map with %#v (k8s.io/apimachinery/pkg/util/validation/field/errors.go)
    with pytest.raises(Invalid) as bad:
        c.apply("apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: rs}\nspec:\n"
                "  selector: {matchLabels: {app: a}}\n  template:\n    metadata: {labels: {app: b, tier: web}}\n"
                "    spec: {containers: [{name: c, image: busybox}]}\n")
    assert str(bad.value) == ('ReplicaSet.apps "rs" is invalid: spec.template.metadata.labels: Invalid value: '
                              'map[string]string{"app":"b", "tier":"web"}: `selector` does not match template `labels`')
