"""The container images k8slite's fake runtime knows, what is inside Docker Hub's
official images (their ENTRYPOINT, CMD and a few files); it leaves out layers and
platforms. Which images exist, their sizes and pull errors are the cluster registry's
(runtime/registry.py): an image must be pulled from there before it runs. An image built by
k8slite.images and pushed there runs with its own files instead (images/runtime_image.py).

An image reference such as ``docker.io/library/nginx:1.14.2`` names a registry host
(docker.io), a repository (library/nginx) and a tag (1.14.2) or a digest
(``@sha256:...``). ``lookup`` keeps only what tells images apart here, the
repository's last part, so ``nginx``, ``nginx:latest`` and
``docker.io/library/nginx:1.14.2`` are all the nginx image.

An image the registry has but this table does not describe (polinux/stress) becomes a
generic image with no command, and the fake runtime runs a simulated process named
after it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

NGINX_INDEX = """<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
"""
HTTPD_INDEX = "<html><body><h1>It works!</h1></body></html>\n"
PASSWD = "root:x:0:0:root:/root:/bin/sh\n"
# The Kubernetes Basics tutorial's app (gcr.io/google-samples/kubernetes-bootcamp): Node.js on 8080,
# `CMD node server.js`; its v2 (docker.io/jocatalin/kubernetes-bootcamp:v2) answers v=2.
BOOTCAMP_JS = """var http = require('http');
var requests=0;
var podname= process.env.HOSTNAME;
var startTime;
var host;
var handleRequest = function(request, response) {
  response.setHeader('Content-Type', 'text/plain');
  response.writeHead(200);
  response.write("Hello Kubernetes bootcamp! | Running on: ");
  response.write(host);
  response.end(" | v=%d\\n");
  console.log("Running On:" ,host, "| Total Requests:", ++requests,"| App Uptime:", (new Date() - startTime)/1000 , \
"seconds", "| Log Time:",new Date());
}
var www = http.createServer(handleRequest);
www.listen(8080,function () {
    startTime = new Date();;
    host = process.env.HOSTNAME;
    console.log ("Kubernetes Bootcamp App Started At:",startTime, "| Running On: " ,host, "\\n" );
});
"""
CURL = {"/usr/bin/curl": ""}  # images that ship curl (busybox and alpine do not: `sh: curl: not found`)


def bootcamp(version: int) -> Image:
    return _image("kubernetes-bootcamp", ["/bin/sh", "-c", "node server.js"],
                  {"/server.js": BOOTCAMP_JS % version, "/usr/local/bin/node": "", **CURL},
                  env={"NPM_CONFIG_LOGLEVEL": "info", "NODE_VERSION": "6.3.1"})


@dataclass(frozen=True)
class Image:
    """What the runtime needs from an image to start a container from it."""

    name: str
    """The repository without registry and tag, e.g. "nginx", "busybox"."""
    entrypoint: list[str]
    """Like Docker's ENTRYPOINT; a pod's ``command`` replaces it."""
    cmd: list[str]
    """Like Docker's CMD; a pod's ``args`` replace it."""
    files: dict[str, str]
    """Absolute path -> content: the image's filesystem (the interesting files only)."""
    working_dir: str = "/"
    env: dict[str, str] = field(default_factory=lambda: {"PATH": DEFAULT_PATH})
    user: str = ""
    """Like Docker's USER: `1000`, `1000:3000` or a name in /etc/passwd; "" runs as root."""


def _image(name: str, cmd: list[str], files: dict[str, str] | None = None,
           entrypoint: list[str] | None = None, working_dir: str = "/",
           env: dict[str, str] | None = None, user: str = "") -> Image:
    return Image(name, entrypoint or [], cmd, {"/etc/passwd": PASSWD, **(files or {})},
                 working_dir, {"PATH": DEFAULT_PATH, **(env or {})}, user)


KNOWN: dict[str, Image] = {
    image.name: image
    for image in (
        _image("busybox", ["sh"]),
        _image("alpine", ["/bin/sh"]),
        _image("ubuntu", ["bash"]),
        _image("debian", ["bash"]),
        _image("nginx", ["nginx", "-g", "daemon off;"],
               {"/usr/share/nginx/html/index.html": NGINX_INDEX, **CURL}, env={"NGINX_VERSION": "1.25.3"}),
        _image("httpd", ["httpd-foreground"], {"/usr/local/apache2/htdocs/index.html": HTTPD_INDEX},
               working_dir="/usr/local/apache2"),
        _image("redis", ["redis-server"], working_dir="/data"),
        _image("perl", ["perl"], dict(CURL)),
        _image("python", ["python3"], dict(CURL)),
        _image("hello-go-gke", ["/hello"]),
        _image("pause", [], entrypoint=["/pause"], user="65535:65535"),  # registry.k8s.io/pause's USER
        bootcamp(1),
        _image("agnhost", ["pause"], entrypoint=["/agnhost"]),  # Kubernetes' test image (Hello Minikube's)
        _image("goproxy", ["/goproxy"]),  # an HTTP proxy on 8080: the docs' tcpSocket probe example
        _image("jessie-dnsutils", ["bash"]),  # Debian with nslookup and dig: the DNS debugging page's dnsutils
        _image("fluentd", ["fluentd"]),  # quay.io/fluentd_elasticsearch/fluentd: the docs' DaemonSet
        _image("nginx-slim", ["nginx", "-g", "daemon off;"], {"/usr/share/nginx/html/index.html": NGINX_INDEX},
               env={"NGINX_VERSION": "1.27.0"}),  # registry.k8s.io/nginx-slim: the docs' StatefulSet Basics
    )
}
KNOWN["kubernetes-bootcamp:v2"] = bootcamp(2)  # a tag with other files: looked up by repository:tag first
for _version in ("1.0", "2.0"):  # GKE's hello-app: the version is in the binary
    KNOWN[f"hello-app:{_version}"] = _image("hello-app", ["/hello-app"], {"/hello-app": f"Version: {_version}.0\n"})


def repository(image: str) -> str:
    """"docker.io/library/nginx:1.14.2" -> "nginx"; "gcr.io/x/y:1" -> "x/y"."""
    parts = image.split("@", 1)[0].split("/")
    first = parts[0]
    if len(parts) > 1 and ("." in first or ":" in first or first == "localhost"):
        parts = parts[1:]
    if len(parts) > 1 and parts[0] == "library":
        parts = parts[1:]
    parts[-1] = parts[-1].split(":", 1)[0]
    return "/".join(parts)


@lru_cache(maxsize=256)
def lookup(image: str) -> Image:
    """The known image for a reference, or a generic one with no command (the same object for the same
    reference: nobody changes an Image)."""
    name = repository(image)
    last, tag = name.rpartition("/")[2], image.split("@", 1)[0].rpartition(":")[2]
    known = KNOWN.get(f"{last}:{tag}") or KNOWN.get(name) or KNOWN.get(last)
    return known if known is not None else Image(name, [], [], {})


def resolve_argv(image: Image, command: list[str] | None, args: list[str] | None) -> list[str]:
    """A container's argv, by Kubernetes' rule: ``command`` replaces ENTRYPOINT and
    ``args`` replace CMD; a ``command`` without ``args`` ignores CMD too."""
    if command:
        return [*command, *(args or [])]
    return [*image.entrypoint, *(args if args else image.cmd)]
