"""The locally made busybox image: Debian's static binary, its applet links, and a printenv script."""

from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

from k8slite.runtime.busybox import PRINTENV, VERSION, find_static_busybox, made_by_older_k8slite, rootfs_tar

needs_busybox = pytest.mark.skipif(shutil.which("busybox") is None, reason="no busybox binary on this machine")


@needs_busybox
def test_the_root_filesystem_has_busybox_its_applets_and_printenv(tmp_path: Path) -> None:
    with tarfile.open(fileobj=io.BytesIO(rootfs_tar(find_static_busybox()))) as tar:
        names = set(tar.getnames())
        assert {"bin/busybox", "bin/sh", "bin/wget", "bin/httpd", "etc/passwd", "tmp", "bin/printenv"} <= names
        script = tar.getmember("bin/printenv")
        assert script.mode == 0o755 or script.issym()
    script_path = tmp_path / "printenv"
    script_path.write_text(PRINTENV)
    done = subprocess.run(["busybox", "sh", str(script_path), "A", "MISSING"], capture_output=True, text=True,
                          env={"A": "one two", "PATH": "/usr/bin:/bin"})
    assert (done.stdout, done.returncode) == ("one two\n", 1)


def test_only_images_an_older_k8slite_imported_are_made_again() -> None:
    old = {"Comment": "Imported from -", "RepoDigests": [], "Config": {"Labels": None}}
    assert made_by_older_k8slite(old)
    assert not made_by_older_k8slite({**old, "Config": {"Labels": {"k8slite.busybox": VERSION}}})
    assert not made_by_older_k8slite({"Comment": "", "RepoDigests": ["busybox@sha256:..."], "Config": {}})
