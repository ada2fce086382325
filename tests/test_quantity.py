"""Quantities parse exactly, with Kubernetes' suffixes, and are written back as the API server writes them.

Expected values come from k8s.io/apimachinery/pkg/api/resource (quantity.go: ParseQuantity,
CanonicalizeBytes; quantity_test.go) and pkg/apis/core/v1/defaults.go (SetDefaults_ResourceList).
"""

from fractions import Fraction

import pytest

from k8slite import Cluster
from k8slite.api.quantity import (
    BINARY_SI,
    DECIMAL_EXPONENT,
    DECIMAL_SI,
    MESSAGE,
    SUFFIX_MESSAGE,
    bytes_of,
    canonical,
    millicores,
    parse,
    parse_quantity,
)


@pytest.mark.parametrize("text, value", [
    ("500m", Fraction(1, 2)), ("1", 1), ("0.1", Fraction(1, 10)), ("2k", 2000),
    ("8Gi", 8 * 2**30), ("128Mi", 128 * 2**20), ("1e3", 1000), ("1E3", 1000), ("1.5Gi", 3 * 2**29), (2, 2),
    ("500u", Fraction(1, 2000)), ("3n", Fraction(3, 10**9)), ("+2", 2), ("-1.5", Fraction(-3, 2)),
    ("2e-3", Fraction(2, 1000)), ("1E+2", 100), (".5", Fraction(1, 2)), ("1.G", 10**9),
    ("0.0000000001", Fraction(1, 10**9)),  # finer than nano rounds up: "you should get some resources"
])
def test_parse(text, value):
    assert parse_quantity(text) == value


@pytest.mark.parametrize("text, fmt", [("1", DECIMAL_SI), ("5m", DECIMAL_SI), ("1Ki", BINARY_SI),
                                       ("1e3", DECIMAL_EXPONENT), ("0.5Ki", BINARY_SI)])
def test_the_suffix_fixes_the_format(text, fmt):
    assert parse(text).format == fmt


@pytest.mark.parametrize("text", ["", "abc", "1Gb", "1.2.3", "1x", " 1 2"])
def test_malformed(text):
    with pytest.raises(ValueError) as bad:
        parse_quantity(text)
    assert str(bad.value) == MESSAGE == \
        "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"


@pytest.mark.parametrize("text", ["32MMi", "--1", "1K", "e"])
def test_unknown_suffix(text):
    # ErrSuffix: the text has the right shape, but the suffix is none of Kubernetes'
    with pytest.raises(ValueError, match="^unable to parse quantity's suffix$"):
        parse_quantity(text)
    assert SUFFIX_MESSAGE == "unable to parse quantity's suffix"


@pytest.mark.parametrize("text, stored", [
    ("0.5", "500m"), ("1024Mi", "1Gi"), ("1536Mi", "1536Mi"), ("1.5Gi", "1536Mi"), ("1000m", "1"),
    ("1e3", "1e3"), ("1E3", "1e3"), ("0.1", "100m"), ("100Mi", "100Mi"), ("1500", "1500"), ("3000", "3k"),
    ("0.5Ki", "512"),  # binary below 1024 is written as decimal
    ("0.3Ki", "307200m"),  # not whole: decimal, so nothing is lost
    ("80e-3", "80e-3"), ("1.5e3", "1500"), ("-1.5Gi", "-1536Mi"), ("0", "0"), ("00", "0"), (2, "2"), (0.25, "250m"),
    ("500u", "500u"), ("0.0000000001", "1n"),
])
def test_canonical(text, stored):
    assert canonical(text) == stored


@pytest.mark.parametrize("text, stored", [("500u", "1m"), ("0.0001", "1m"), ("1n", "1m"), ("1.0001", "1001m"),
                                          ("250m", "250m"), ("1Gi", "1Gi")])
def test_resource_lists_round_up_to_milli(text, stored):
    assert canonical(text, milli=True) == stored


def test_cpu_and_memory_units():
    assert millicores("0.1") == 100 and millicores("250m") == 250 and millicores(2) == 2000
    assert millicores("0.0001") == 1  # rounded up, as Kubernetes does
    assert bytes_of("1Ki") == 1024 and bytes_of("1k") == 1000


POD = """
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: app
    image: nginx
    resources:
      requests: {cpu: 0.5, memory: 1024Mi}
      limits: {cpu: "1000m", memory: 1.5Gi}
  volumes:
  - name: scratch
    emptyDir: {sizeLimit: 1024Mi}
"""


def test_the_api_server_stores_quantities_canonical():
    c = Cluster(nodes=1)
    [pod] = c.apply(POD)
    assert pod.spec.containers[0].resources.requests == {"cpu": "500m", "memory": "1Gi"}
    assert pod.spec.containers[0].resources.limits == {"cpu": "1", "memory": "1536Mi"}
    assert pod.spec.volumes[0].empty_dir.size_limit == "1Gi"
    text = c.kubectl("get pod web -o yaml")
    assert "cpu: 500m" in text and "memory: 1Gi" in text and "memory: 1536Mi" in text and "sizeLimit: 1Gi" in text


def test_quota_hard_and_limitrange_are_canonical_and_sub_milli_cpu_rounds_up():
    c = Cluster(nodes=1)
    [quota, limits] = c.apply("""
apiVersion: v1
kind: ResourceQuota
metadata: {name: q}
spec: {hard: {requests.cpu: "0.0001", requests.memory: 2048Mi}}
---
apiVersion: v1
kind: LimitRange
metadata: {name: lr}
spec: {limits: [{type: Container, default: {cpu: 0.5}, max: {memory: 1e3}}]}
""")
    assert quota.spec.hard == {"requests.cpu": "1m", "requests.memory": "2Gi"}
    assert limits.spec.limits[0].max == {"memory": "1e3"}  # DecimalExponent stays an exponent
    assert limits.spec.limits[0].default == {"cpu": "500m", "memory": "1e3"}  # max is the default limit


def test_a_usage_in_micro_units_does_not_break_the_next_apply():
    c = Cluster(nodes=1)
    c.apply("apiVersion: v1\nkind: ResourceQuota\nmetadata: {name: q}\nspec: {hard: {requests.cpu: '2'}}\n")
    c.run(2)
    quota = c.get("resourcequota", "q").copy()
    quota.status.used = {"requests.cpu": "500u"}  # written by hand, in micro-units
    c.api.update_status(quota)
    c.apply(POD)  # admission reads the usage: no bare ValueError
    assert c.get("pods", "web").spec.containers[0].resources.requests["cpu"] == "500m"
