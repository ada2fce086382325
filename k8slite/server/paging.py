"""`limit` and `continue`: a long list answered a page at a time (k8s.io/apiserver, the etcd3 store's list).

A client that sends `?limit=500` gets at most 500 items, and, when more are
left, `metadata.continue` (a token to send back as `?continue=...` for the
next page) and `metadata.remainingItemCount`. kubectl asks every `get` in
pages of 500 (`--chunk-size`); informers list in pages too. The token is
what kube-apiserver's is, base64 (URL alphabet, no padding) of
`{"v":"meta.k8s.io/v1","rv":<revision of the first page>,"start":"<key>\\u0000"}`:
the next page starts after the last key given, in key order (namespace, then
name), and every page says the first page's resourceVersion. A list that
fits in one page keeps the order k8slite shows it in (events by time).
The later pages are read at the first page's revision (rest.py, the store's
`snapshot`), as etcd reads them, so an object created, changed or deleted
between pages neither shows up nor goes missing; once the store's history
no longer reaches back to that revision, the token has expired: 410 Gone,
in kube-apiserver's words (TOO_OLD), and the client lists again.
Simplified: the 410 carries no fresh "inconsistent" continue token.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from k8slite.api.meta import KubeObject
from k8slite.errors import BadRequest
from k8slite.informer import object_key as key  # below the resource's prefix, in etcd's order

VERSION = "meta.k8s.io/v1"
TOO_OLD = ("The provided continue parameter is too old to display a consistent list result. You can start a new "
           "list without the continue parameter, or use the continue token in this response to retrieve the "
           "remainder of the results. Continuing with the provided token results in an inconsistent list - "
           "objects that were created, modified, or deleted between the time the first chunk was returned and "
           "now may show up in the list.")


def encode_token(revision: str, last: str) -> str:
    raw = json.dumps({"v": VERSION, "rv": int(revision), "start": last + "\x00"}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_token(token: str) -> tuple[str, str]:
    """(the first page's resourceVersion, the key to start at); BadRequest for a token this server did not make."""
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if not isinstance(data, dict) or data.get("v") != VERSION:
            raise ValueError(f'got token version "{data.get("v") if isinstance(data, dict) else data}"')
        return str(int(data["rv"])), str(data["start"])
    except (ValueError, KeyError, TypeError, binascii.Error) as e:
        raise BadRequest(f"continue key is not valid: {e}") from None


def page(objects: list[KubeObject], query: dict[str, str], revision: str) -> tuple[list[KubeObject], dict[str, Any]]:
    """The page a query asks for, and what the list's metadata says of it (resourceVersion, continue,
    remainingItemCount); all of it when no `limit` is given."""
    start = ""
    if query.get("continue"):
        revision, start = decode_token(query["continue"])
    limit = int(query["limit"]) if query.get("limit", "").isdigit() else 0
    if not start and (not limit or len(objects) <= limit):  # one page: in the order the list is shown in
        return objects, {"resourceVersion": revision}
    ordered = sorted((o for o in objects if key(o) >= start), key=key)
    shown, rest = (ordered[:limit], ordered[limit:]) if limit else (ordered, [])
    metadata: dict[str, Any] = {"resourceVersion": revision}
    if rest:
        metadata["continue"] = encode_token(revision, key(shown[-1]))
        metadata["remainingItemCount"] = len(rest)
    return shown, metadata
