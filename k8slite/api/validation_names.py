"""Names: the RFC 1123 label and subdomain formats that object names, label values and port names keep.

Mirrors k8s.io/apimachinery/pkg/util/validation (IsDNS1123Label, IsDNS1123Subdomain) with
their messages word for word, so `metadata.name: Invalid value: "Web": a lowercase RFC 1123
subdomain must consist of ...` reads as kubectl prints it.
"""

from __future__ import annotations

import re

from k8slite.errors import FieldError, invalid

LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
SUBDOMAIN = LABEL + r"(\." + LABEL + r")*"
LABEL_RE, SUBDOMAIN_RE = re.compile(LABEL), re.compile(SUBDOMAIN)  # every write checks a name or two
LABEL_MESSAGE = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
    "and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', "
    f"regex used for validation is '{LABEL}')")
SUBDOMAIN_MESSAGE = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
    "and must start and end with an alphanumeric character (e.g. 'example.com', "
    f"regex used for validation is '{SUBDOMAIN}')")


def check_name(path: str, name: str, label: bool = False) -> list[FieldError]:
    """IsDNS1123Subdomain (253 characters at most), or with label IsDNS1123Label (63), as field errors."""
    pattern, message, limit = (LABEL_RE, LABEL_MESSAGE, 63) if label else (SUBDOMAIN_RE, SUBDOMAIN_MESSAGE, 253)
    if not pattern.fullmatch(name):
        return [invalid(path, name, message)]
    if len(name) > limit:
        return [invalid(path, name, f"must be no more than {limit} characters")]
    return []
