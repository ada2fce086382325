"""The API server's --cert-dir: its certificate, its key and a token file, read again by the next server.

tests/etcd/test_etcd_serve_credentials.py restarts `k8slite serve` under a
kubelet process; these are the parts, in process: the token file's format
(kube-apiserver's --token-auth-file), the refusals that name the file, and
a Server closed and made again on the same directory.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from k8slite import Cluster
from k8slite.server import Server, serve
from k8slite.server.__main__ import main
from k8slite.server.tls import CertificateError
from k8slite.server.tokenfile import TokenFileError, append_token, read_token_file


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    with Cluster(nodes=0) as c:
        yield c


def test_a_token_file_is_written_and_read_in_the_token_auth_file_format(tmp_path: Path) -> None:
    path = tmp_path / "tokens.csv"
    append_token(path, "t0k3n", "kubernetes-admin")
    append_token(path, "n0d3", "system:node:node-1")
    assert path.read_text() == ("t0k3n,kubernetes-admin,kubernetes-admin,system:masters\n"
                                "n0d3,system:node:node-1,system:node:node-1,system:nodes\n")
    assert path.stat().st_mode & 0o777 == 0o600
    with path.open("a") as file:  # written by hand: quoted groups, blanks, a line without a token
        file.write('\n  alice-token, alice, 1001, "system:masters,dev"\n,nobody,1002\n')
    assert read_token_file(path) == {"t0k3n": "kubernetes-admin", "n0d3": "system:node:node-1",
                                     "alice-token": "alice"}


@pytest.mark.parametrize("text, error", [
    ("t0k3n,kubernetes-admin,kubernetes-admin\nt0k3n-2,bob\n",  # tokenfile.NewCSV's words, and the line
     "token file '{path}' must have at least 3 columns (token, user name, user uid), found 2 (line 2)"),
    ('"t0k3n"x,admin,admin\n', "token file '{path}', line 1: ',' expected after '\"'"),
    (None, "cannot read the token file {path}: No such file or directory"),
])
def test_a_missing_or_garbled_token_file_is_one_error_naming_it(tmp_path: Path, text: str | None,
                                                                error: str) -> None:
    path = tmp_path / "tokens.csv"
    if text is not None:
        path.write_text(text)
    with pytest.raises(TokenFileError) as refused:
        read_token_file(path)
    assert str(refused.value) == error.format(path=path)


def test_a_server_on_the_same_cert_dir_keeps_its_certificate_and_tokens(cluster: Cluster, tmp_path: Path) -> None:
    pki = tmp_path / "pki"
    with serve(cluster, cert_dir=pki) as first:
        kubelet = Path(first.kubelet_kubeconfig("node-1")).read_text()
        token, ca = first.token, first.ca_pem
    assert sorted(p.name for p in pki.iterdir()) == [  # kept: the kubeconfigs, which name the port, too
        "apiserver.crt", "apiserver.key", "kubeconfig", "node-1.kubeconfig", "tokens.csv"]
    cluster.kubelet_clients.clear()
    with serve(cluster, cert_dir=pki) as second:
        assert (second.token, second.ca_pem) == (token, ca)
        assert cluster.kubelet_clients["node-1"].token in kubelet  # logs and exec reach it, before any --kubelet
        assert Path(second.kubelet_kubeconfig("node-1")).read_text().split("token: ")[1] == \
            kubelet.split("token: ")[1]
    assert len((pki / "tokens.csv").read_text().splitlines()) == 2  # nothing appended the second time
    with serve(cluster) as temporary:  # without a cert_dir: new credentials, gone with the server
        assert temporary.token != token and temporary.ca_pem != ca
    assert not temporary.directory.exists()


def test_a_cert_dir_with_a_garbled_token_file_or_a_lone_certificate_is_refused(cluster: Cluster,
                                                                               tmp_path: Path) -> None:
    pki = tmp_path / "pki"
    serve(cluster, cert_dir=pki).close()
    (pki / "tokens.csv").write_text("t0k3n\n")
    with pytest.raises(TokenFileError, match="must have at least 3 columns"):
        Server(cluster, cert_dir=pki)
    (pki / "tokens.csv").unlink()
    (pki / "apiserver.key").unlink()
    with pytest.raises(CertificateError) as refused:
        Server(cluster, cert_dir=pki)
    assert str(refused.value) == (
        f"{pki / 'apiserver.crt'} exists but {pki / 'apiserver.key'} does not: put it back, or remove both to "
        "make a new pair (every kubeconfig written before then needs the new certificate)")


def test_k8slite_serve_stops_with_the_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(signal, "signal", lambda *args: None)  # main's SIGTERM handler: not in pytest
    (tmp_path / "tokens.csv").write_text("t0k3n,admin\n")
    with pytest.raises(SystemExit) as stopped:
        main(["--nodes", "0", "--cert-dir", str(tmp_path)])
    assert stopped.value.code == (f"k8slite serve: token file '{tmp_path / 'tokens.csv'}' must have at least "
                                  "3 columns (token, user name, user uid), found 2 (line 1)")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tokens.csv"]  # no certificate made meanwhile
