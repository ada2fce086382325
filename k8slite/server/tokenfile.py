"""Static bearer tokens kept in a file: kube-apiserver's `--token-auth-file`.

Mirrors k8s.io/apiserver/plugin/pkg/authenticator/token/tokenfile: a CSV
file, one token a line,

    token,user,uid,"group1,group2"

read at start-up, so the tokens the kubeconfigs carry stay valid when the
server starts again. The server appends each token it hands out (the admin's,
one per kubelet). A line with fewer than three columns stops the server with
kube-apiserver's words and the file's name; a line with an empty token is
skipped, as kube-apiserver skips it (with a warning, left out here).
Simplified: the uid is the user's name (as kube-up's known_tokens.csv has
it for its admin), and the groups are written but not read: authorization
here looks at the user's name only (auth.py).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from k8slite.server import auth

FILE = "tokens.csv"  # inside the server's --cert-dir


class TokenFileError(ValueError):
    """A token file that cannot be read or is not in the token-auth-file format; the message names the file."""


def groups(user: str) -> list[str]:
    """The groups kubeadm puts a user in: the admin in system:masters, a kubelet in system:nodes."""
    return ["system:nodes"] if auth.node_name(user) is not None else ["system:masters"]


def read_token_file(path: Path) -> dict[str, str]:
    """Token -> user name, for every line of the file (tokenfile.NewCSV)."""
    try:
        text = path.read_text()
    except OSError as e:
        raise TokenFileError(f"cannot read the token file {path}: {e.strerror}") from None
    users: dict[str, str] = {}
    reader = csv.reader(io.StringIO(text), skipinitialspace=True, strict=True)
    try:
        for record in reader:
            if not record:
                continue  # a blank line, which Go's csv reader skips too
            if len(record) < 3:
                raise TokenFileError(f"token file '{path}' must have at least 3 columns (token, user name, "
                                     f"user uid), found {len(record)} (line {reader.line_num})")
            if record[0]:
                users[record[0]] = record[1]
    except csv.Error as e:
        raise TokenFileError(f"token file '{path}', line {reader.line_num}: {e}") from None
    return users


def token_line(token: str, user: str) -> str:
    """One line of the file: token,user,uid,groups (quoted when there are several)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([token, user, user, ",".join(groups(user))])
    return out.getvalue()


def append_token(path: Path, token: str, user: str) -> None:
    """Add a token to the file (made, readable by its owner only, if it is not there)."""
    path.touch(mode=0o600)
    with path.open("a") as file:
        file.write(token_line(token, user))
