"""Field errors print their bad value as Go's field.Error does.

k8s.io/apimachinery/pkg/util/validation/field/errors.go (1.32), Error.ErrorBody: int64, float and
bool values with %v, strings with %q, nil as null, other values with %#v; Required and Forbidden
print no value.
"""

import pytest

from k8slite.errors import FieldError, forbidden, invalid, invalid_object, required, unsupported


@pytest.mark.parametrize("value, shown", [
    (-1, "-1"), (0.5, "0.5"), (True, "true"), (None, "null"), ("Web", '"Web"'),
    ('say "hi"\n', r'"say \"hi\"\n"'),  # strconv.Quote escapes
    ({"tier": "web", "app": "b"}, 'map[string]string{"app":"b", "tier":"web"}'),
    (["a", "b"], '[]string{"a", "b"}'),
])
def test_invalid_values_print_as_go_prints_them(value, shown):
    assert str(invalid("spec.x", value, "bad")) == f"spec.x: Invalid value: {shown}: bad"


def test_the_error_types_without_a_value():
    assert str(required("spec.containers")) == "spec.containers: Required value"
    assert str(forbidden("spec", "nope")) == "spec: Forbidden: nope"
    not_found = FieldError("spec.volumes[0].name", "Not found", value="data")
    assert str(not_found) == 'spec.volumes[0].name: Not found: "data"'


def test_unsupported_values_quote_the_choices():
    assert str(unsupported("spec.restartPolicy", "Sometimes", ["Always", "OnFailure", "Never"])) == (
        'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"')


def test_one_error_or_a_list():
    # errors.NewInvalid: one cause bare, several in brackets
    one = invalid_object("Deployment.apps", "d", [invalid("spec.replicas", -1, "must be greater than or equal to 0")])
    assert one.message == 'Deployment.apps "d" is invalid: spec.replicas: Invalid value: -1: ' \
                          "must be greater than or equal to 0"
    two = invalid_object("Pod", "p", [required("spec.containers"), invalid("metadata.name", "Web", "x")])
    assert two.message == ('Pod "p" is invalid: [spec.containers: Required value, '
                           'metadata.name: Invalid value: "Web": x]')
