"""Make the `busybox` image locally, from the host's static busybox binary.

Mirrors what `docker pull busybox` would give, for machines that cannot
reach a registry: an image is only a filesystem (plus a little config), so
a folder holding /bin/busybox and one link per applet, imported with
`docker import`, is a working busybox image. On Debian the binary comes
from the package busybox-static (`apt-get install busybox-static`).

    python -m k8slite.runtime.busybox        # builds busybox:latest if missing

Debian's binary has no `printenv` applet, which the Docker Hub image has, so
the image gets a small `/bin/printenv` script instead; an image made by an
older k8slite (before that script) is made again.

A learner with network can simply `docker pull busybox` instead.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
from pathlib import Path
from typing import Any

IMAGE = "busybox:latest"
ALIASES = ("busybox:1.36", "registry.k8s.io/busybox:1.27.2")
CANDIDATES = ("/bin/busybox", "/usr/bin/busybox")
ETC = {"etc/passwd": "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n",
       "etc/group": "root:x:0:\nnobody:x:65534:\n"}
VERSION = "2"  # the label k8slite.busybox: an image made by an older k8slite is made again
# Debian's busybox-static leaves out `printenv`, which the busybox image on Docker Hub has (and the docs use):
PRINTENV = """#!/bin/sh
[ $# -eq 0 ] && exec env
status=0
for name in "$@"; do
  if eval "[ -n \\"\\${$name+set}\\" ]"; then eval "printf '%s\\n' \\"\\$$name\\""; else status=1; fi
done
exit $status
"""


def find_static_busybox() -> Path:
    """The host's busybox binary; it must be static, since the image has no libc."""
    for candidate in CANDIDATES:
        path = Path(candidate)
        if path.exists() and is_static(path):
            return path
    raise FileNotFoundError("no static busybox on this machine: install it with `apt-get install busybox-static`"
                            " (or pull the image with `docker pull busybox` where a registry is reachable)")


def is_static(path: Path) -> bool:
    if shutil.which("file") is None:
        return True
    return b"statically linked" in subprocess.run(["file", "-L", str(path)], capture_output=True).stdout


def rootfs_tar(busybox: Path) -> bytes:
    """A tar of the image's filesystem: /bin/busybox, a link per applet, /etc/passwd, /tmp."""
    applets = subprocess.run([str(busybox), "--list"], capture_output=True, text=True, check=True).stdout.split()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for folder in ("bin", "etc", "tmp", "root", "var", "var/www", "home"):
            info = tarfile.TarInfo(folder)
            info.type, info.mode = tarfile.DIRTYPE, 0o1777 if folder == "tmp" else 0o755
            tar.addfile(info)
        tar.add(str(busybox), arcname="bin/busybox")
        for applet in applets:
            if applet != "busybox":
                link = tarfile.TarInfo(f"bin/{applet}")
                link.type, link.linkname = tarfile.SYMTYPE, "busybox"
                tar.addfile(link)
        scripts = {} if "printenv" in applets else {"bin/printenv": PRINTENV}
        for name, text in {**ETC, **scripts}.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o755 if name.startswith("bin/") else 0o644
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def made_by_older_k8slite(attrs: dict[str, Any]) -> bool:
    """An image imported by an earlier k8slite (no registry digest, older label): made again, with printenv.
    A busybox pulled from a registry is left alone."""
    labels = (attrs.get("Config") or {}).get("Labels") or {}
    imported = attrs.get("Comment") == "Imported from -" and not attrs.get("RepoDigests")
    return imported and labels.get("k8slite.busybox") != VERSION


def ensure_busybox(client: Any) -> str:
    """Build busybox:latest (and its aliases) unless the engine already has it; the image id."""
    import docker.errors

    try:
        image = client.images.get(IMAGE)
    except docker.errors.ImageNotFound:
        image = None
    if image is None or made_by_older_k8slite(image.attrs):
        data = rootfs_tar(find_static_busybox())
        response = client.api.import_image_from_data(
            data, repository="busybox", tag="latest",
            changes=['CMD ["sh"]', 'ENV PATH=/bin:/usr/bin:/sbin:/usr/sbin', f"LABEL k8slite.busybox={VERSION}"])
        del response
        image = client.images.get(IMAGE)
    for alias in ALIASES:
        repository, tag = alias.rsplit(":", 1)
        image.tag(repository, tag)
    return str(image.id)


def main() -> None:
    import docker

    print(f"{IMAGE}: {ensure_busybox(docker.from_env())}")


if __name__ == "__main__":
    main()
