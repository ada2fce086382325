"""A self-signed serving certificate, since clients send a bearer token only over TLS.

client-go (and so kubectl) reads a user's credentials from the kubeconfig
only when the server's address is https (clientcmd's ClientConfig, "only
try to read the auth information if we are secure"), so the server speaks
TLS with a certificate made for 127.0.0.1 at start-up, and the kubeconfig
carries it as `certificate-authority-data`, as kubeadm's does with the
cluster CA. Made with the `openssl` command (a P-256 key, valid a year).
Kept in a directory (`serving_certificate`), it is read again when the
server starts again, as kube-apiserver reuses the apiserver.crt and
apiserver.key it made in its `--cert-dir`: the kubeconfigs written before
still trust the server. Left out: a separate CA (the certificate is its own),
client certificates, renewal.
"""

from __future__ import annotations

import shutil
import ssl
import subprocess
from pathlib import Path

SUBJECT = "/CN=k8slite-apiserver"
NAMES = "subjectAltName=IP:127.0.0.1,DNS:localhost"


class CertificateError(ValueError):
    """A serving certificate or key that is missing, unreadable or not a matching pair; the message names them."""


def make_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate and its key for 127.0.0.1, written into directory: (cert.pem, key.pem)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        raise RuntimeError("the API server needs the `openssl` command to make its certificate "
                           "(apt-get install openssl)")
    cert, key = directory / "apiserver.crt", directory / "apiserver.key"
    subprocess.run([openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "365", "-subj", SUBJECT,
                    "-addext", NAMES], check=True, capture_output=True)
    key.chmod(0o600)
    return cert, key


def serving_certificate(directory: Path) -> tuple[Path, Path]:
    """The certificate and key kept in directory, made there first if neither is (kube-apiserver's
    MaybeDefaultWithSelfSignedCerts); one without the other is an error, rather than a new pair that
    would break every kubeconfig written before."""
    cert, key = directory / "apiserver.crt", directory / "apiserver.key"
    if not cert.exists() and not key.exists():
        return make_certificate(directory)
    for path, other in ((cert, key), (key, cert)):
        if not path.exists():
            raise CertificateError(f"{other} exists but {path} does not: put it back, or remove both to make "
                                   "a new pair (every kubeconfig written before then needs the new certificate)")
    try:
        server_context(cert, key)
    except (ssl.SSLError, OSError) as e:
        raise CertificateError(f"cannot load the certificate {cert} and its key {key}: {e}") from None
    return cert, key


def server_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert), str(key))
    return context
