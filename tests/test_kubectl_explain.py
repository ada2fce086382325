"""`c.kubectl("explain ...")` without a server: the texts the real kubectl 1.32 printed for the same commands
against `k8slite serve` (tests/server/test_http_kubectl.py compares the two live)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest

from k8slite import Cluster
from k8slite.kubectl.wordwrap import indent, wrap
from k8slite.server import openapi


@pytest.fixture(scope="module")
def c() -> Iterator[Cluster]:
    cluster = Cluster(nodes=1)
    yield cluster
    cluster.close()


def test_a_field_of_a_scalar_type(c: Cluster) -> None:
    # FIELD and its type, two empty lines, the description (its own newline kept), an indented empty line
    assert c.kubectl("explain pods.spec.nodeName") == """\
KIND:       Pod
VERSION:    v1

FIELD: nodeName <string>


DESCRIPTION:
    NodeName indicates in which node this pod is scheduled. If empty, this pod
    is a candidate for scheduling by the scheduler defined in schedulerName.
    Once this field is set, the kubelet for this node becomes responsible for
    the lifecycle of this pod. This field should not be used to express a desire
    for the pod to be scheduled on a specific node.
    https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodename
    \n\n"""


def test_a_list_field_its_item_type_and_required_fields(c: Cluster) -> None:
    # the field's description, then its item type's; FIELDS wrapped at 78 - 2 and indented 4
    assert c.kubectl("explain jobs.spec.podFailurePolicy.rules") == """\
GROUP:      batch
KIND:       Job
VERSION:    v1

FIELD: rules <[]PodFailurePolicyRule>


DESCRIPTION:
    A list of pod failure policy rules. The rules are evaluated in order. Once a
    rule matches a Pod failure, the remaining of the rules are ignored. When no
    rule matches the Pod failure, the default handling applies - the counter of
    pod failures is incremented and it is checked against the backoffLimit. At
    most 20 elements are allowed.
    PodFailurePolicyRule describes how a pod failure is handled when the
    requirements are met. One of onExitCodes and onPodConditions, but not both,
    can be used in each rule.
    \nFIELDS:
  action\t<string> -required-
    Specifies the action taken on a pod failure when the requirements are
    satisfied. Possible values are:
    \n    - FailJob: indicates that the pod's job is marked as Failed and all
      running pods are terminated.
    - FailIndex: indicates that the pod's index is marked as Failed and will
      not be restarted.
      This value is beta-level. It can be used when the
      `JobBackoffLimitPerIndex` feature gate is enabled (enabled by default).
    - Ignore: indicates that the counter towards the .backoffLimit is not
      incremented and a replacement pod is created.
    - Count: indicates that the pod is handled in the default way - the
      counter towards the .backoffLimit is incremented.
    Additional values are considered to be added in the future. Clients should
    react to an unknown action by skipping the rule.

  onExitCodes\t<PodFailurePolicyOnExitCodesRequirement>
    Represents the requirement on the container exit codes.

  onPodConditions\t<[]PodFailurePolicyOnPodConditionsPattern>
    Represents the requirement on the pod conditions. The requirement is
    represented as a list of pod condition patterns. The requirement is
    satisfied if at least one pattern matches an actual pod condition. At most
    20 elements are allowed.


"""


def test_recursive_prints_names_and_types_two_spaces_further_in_per_level(c: Cluster) -> None:
    assert c.kubectl("explain deploy.spec.strategy --recursive").split("FIELDS:\n")[1] == """\
  rollingUpdate\t<RollingUpdateDeployment>
    maxSurge\t<IntOrString>
    maxUnavailable\t<IntOrString>
  type\t<string>

"""


def test_the_resource_is_found_as_get_finds_it(c: Cluster) -> None:
    first_lines = "GROUP:      apps\nKIND:       Deployment\nVERSION:    v1\n\nFIELD: replicas <integer>\n"
    for command in ("explain deployments.apps.spec.replicas", "explain deploy.spec.replicas",
                    "explain Deployment.spec.replicas", "explain deployments.spec.replicas --api-version=apps/v1"):
        assert c.kubectl(command).startswith(first_lines), command
    assert c.kubectl("explain svc --api-version=v1").startswith("KIND:       Service\nVERSION:    v1\n")


@pytest.mark.parametrize("command, printed", [
    ("explain pods.spec.nope", 'KIND:       Pod\nVERSION:    v1\n\nerror: field "nope" does not exist\n'),
    ("explain pods.spec.nope.deeper", 'KIND:       Pod\nVERSION:    v1\n\nerror: field "deeper" does not exist\n'),
    ("explain deployment.apps", 'GROUP:      apps\nKIND:       Deployment\nVERSION:    v1\n\n'
                                'error: field "apps" does not exist\n'),  # the group goes with the plural only
    ("explain widgets", 'the server doesn\'t have a resource type "widgets"\n'),
    ("explain pods --api-version=apps/v1", "error: GVR (apps/v1, Resource=pods) not found in OpenAPI schema\n"),
    ("explain pods --api-version=v2", 'error: couldn\'t find resource for "/v2, Resource=pods"\n'),
    ("explain pods -o yaml", "error: unrecognized format: yaml\n"),
    ("explain pods nodes", "error: We accept only this format: explain RESOURCE\n"),
    ("explain pods.spec.containers[0]", "error: invalid jsonpath syntax, first node must be field node\n"),
    ("explain", 'error: You must specify the type of resource to explain. Use "kubectl api-resources" for a '
                "complete list of supported resources.\n"),
])
def test_errors_read_as_kubectls(c: Cluster, command: str, printed: str) -> None:
    assert c.kubectl(command) == printed


@pytest.fixture
def with_enums(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The schemas with `enum`s, as kube-apiserver serves them with OpenAPIEnums on (the published ones
    have none)."""
    data: dict[str, Any] = copy.deepcopy(openapi.reference())
    spec = data["schemas"]["io.k8s.api.core.v1.PodSpec"]["properties"]
    spec["restartPolicy"]["enum"] = ["Always", "Never", "OnFailure"]
    spec["dnsPolicy"]["enum"] = ["", "ClusterFirst", "ClusterFirstWithHostNet", "Default", "None", "Other"]
    spec["hostNetwork"]["enum"] = [True, False]
    caches = (openapi.document, openapi.served)
    for cache in caches:
        cache.cache_clear()
    monkeypatch.setattr(openapi, "reference", lambda: data)
    yield
    for cache in caches:
        cache.cache_clear()


def test_enums(c: Cluster, with_enums: None) -> None:
    assert c.kubectl("explain pods.spec.restartPolicy").split("DESCRIPTION:")[0] == """\
KIND:       Pod
VERSION:    v1

FIELD: restartPolicy <string>
ENUM:
    Always
    Never
    OnFailure

"""
    fields = c.kubectl("explain pods.spec")
    # in FIELDS: at most four values, `""` for the empty one, `....` for the rest
    assert '  dnsPolicy\t<string>\n  enum: "", ClusterFirst, ClusterFirstWithHostNet, Default, ....\n' \
        '    Set DNS policy for the pod.' in fields
    assert "  hostNetwork\t<boolean>\n  enum: true, false\n    Host networking" in fields


def test_wrap_breaks_at_spaces_and_leaves_a_long_word_whole() -> None:
    assert wrap("aaa bbb ccc", 7) == "aaa bbb\nccc"  # the space before the word that does not fit goes
    assert wrap("aaa   bbb", 5) == "aaa\nbbb"
    assert wrap("a https://kubernetes.io/docs/concepts b", 10) == "a\nhttps://kubernetes.io/docs/concepts\nb"
    assert wrap("aaa  \nbbb", 10) == "aaa  \nbbb"  # spaces before a newline stay when they fit
    assert wrap("aaaaa  \nb", 6) == "aaaaa\nb"  # and go when they do not
    assert wrap("a\u00a0b c", 3) == "a\u00a0b\nc"  # a no-break space is part of its word
    assert indent("one\ntwo\n", 4) == "    one\n    two\n    "
