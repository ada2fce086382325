"""Root filesystems: one read-only image directory shared per image, an overlay per container.

Mirrors containerd's overlayfs snapshotter: an image is unpacked once into a
lower directory that no container writes; each container gets its own upper
and work directories, and the kernel's overlayfs shows the two as one tree
at the bundle's `rootfs`, where the OCI runtime pivots into it. A write lands
in the upper directory (copy-up), so containers of one image never see each
other's files, and removing a container is unmounting it and deleting its
upper directory.

Simplified: the only image is the static busybox of the host (/bin/busybox,
Debian's busybox-static): one binary and a link per applet (`busybox
--list-full`), plus the directories and /etc files a container expects.
It answers to busybox's names (busybox, busybox:1.36,
registry.k8s.io/busybox:1.27.2, ...); any other image fails to pull with
containerd's words (`pull_error`); chapter 02's layered images are not
unpacked here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from k8slite.runtime import registry
from k8slite.runtime.cri import ImageInfo, ImagePullError, PulledImage
from k8slite.runtime.linux.syscalls import mount, umount

BUSYBOX = Path("/bin/busybox")
BUSYBOX_REPOSITORIES = ("docker.io/library/busybox", "registry.k8s.io/busybox")
DIRECTORIES = {"bin": 0o755, "sbin": 0o755, "usr/bin": 0o755, "usr/sbin": 0o755, "etc": 0o755, "proc": 0o555,
               "sys": 0o555, "dev": 0o755, "tmp": 0o1777, "root": 0o700, "var/log": 0o755}
ETC = {"passwd": "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n",
       "group": "root:x:0:\nnogroup:x:65534:\n", "hosts": "127.0.0.1\tlocalhost\n::1\tlocalhost\n"}


def busybox_image(images: Path) -> Path:
    """The busybox image's directory under `images` (made once): the lower layer of every container."""
    lower = images / "busybox"
    if (lower / "bin" / "busybox").exists():
        return lower
    staging = images / "busybox.partial"
    shutil.rmtree(staging, ignore_errors=True)
    for name, mode in DIRECTORIES.items():
        (staging / name).mkdir(parents=True, exist_ok=True)
        (staging / name).chmod(mode)
    shutil.copy2(BUSYBOX, staging / "bin" / "busybox")
    listing = subprocess.run([str(BUSYBOX), "--list-full"], capture_output=True, text=True, check=True).stdout
    for applet in listing.split():
        link = staging / applet
        if not link.exists() and applet != "bin/busybox":
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to("/bin/busybox")
    for name, text in ETC.items():
        (staging / "etc" / name).write_text(text)
    staging.rename(lower)  # whole or not at all: a crash while copying leaves no half image
    return lower


def mount_overlay(lower: Path, layer: Path, hostname: str) -> Path:
    """Mount the container's rootfs: `lower` read-only, its own upper/work under `layer`."""
    upper, work, merged = layer / "upper", layer / "work", layer / "rootfs"
    for path in (upper / "etc", work, merged):
        path.mkdir(parents=True, exist_ok=True)
    (upper / "etc" / "hostname").write_text(hostname + "\n")
    mount("overlay", str(merged), "overlay", 0, f"lowerdir={lower},upperdir={upper},workdir={work}")
    return merged


def unmount_overlay(layer: Path) -> None:
    merged = layer / "rootfs"
    if os.path.ismount(merged):
        umount(str(merged))


def size(directory: Path) -> int:
    """Bytes of an image directory (the binary once; the applet links count nothing)."""
    return sum(p.stat().st_size for p in directory.rglob("*") if p.is_file() and not p.is_symlink())


def is_busybox(image: str) -> bool:
    return registry.parse(image).repository in BUSYBOX_REPOSITORIES


def pull_error(image: str) -> str:
    """containerd's rpc error for an image this runtime cannot have (the registry's words when it
    does not know the image either)."""
    try:
        ref, _ = registry.resolve(image)
    except registry.NotInRegistry as e:
        return str(e)
    return (f'rpc error: code = Unknown desc = failed to pull and unpack image "{ref}": '
            "the Linux runtime has busybox only (rootfs.py)")


class LinuxImages:
    """Mixed into LinuxRuntime: the CRI ImageService, over the one image directory."""

    root: Path

    def image_status(self, image: str) -> PulledImage | None:
        lower = self.root / "images" / "busybox"
        return PulledImage(str(registry.parse(image)), size(lower)) if is_busybox(image) and lower.exists() else None

    def list_images(self) -> list[ImageInfo]:
        """Busybox, once laid out: the one image a Linux node has."""
        lower = self.root / "images" / "busybox"
        return [ImageInfo(("docker.io/library/busybox:latest",), (), size(lower))] if lower.exists() else []

    def remove_image(self, image_id: str) -> None:
        """Busybox stays: it is every Linux pod's image."""

    def pull_image(self, image: str) -> PulledImage:
        """Busybox is laid out from the host's static binary; anything else fails as containerd's pull would."""
        if not is_busybox(image):
            raise ImagePullError(pull_error(image))
        return PulledImage(str(registry.parse(image)), size(busybox_image(self.root / "images")))
