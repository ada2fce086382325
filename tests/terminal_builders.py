"""The real kubectl on a pseudo-terminal, as a learner types into it (`kubectl exec -it POD -- sh`)."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import time
from pathlib import Path


def kubectl_on_a_terminal(kubectl: Path | str, kubeconfig: Path | str, home: Path | str, args: list[str],
                          keys: list[bytes]) -> tuple[bytes, int]:
    """kubectl on a pseudo-terminal: each of `keys` is typed once the output so far ends with a prompt;
    (what the terminal showed, kubectl's exit code)."""
    main, secondary = pty.openpty()
    env = dict(os.environ, HOME=str(home))
    process = subprocess.Popen([str(kubectl), "--kubeconfig", str(kubeconfig), *args], stdin=secondary,
                               stdout=secondary, stderr=secondary, env=env, start_new_session=True)
    os.close(secondary)
    shown, deadline = b"", time.monotonic() + 20
    while time.monotonic() < deadline:
        if keys and shown.endswith(b" # "):
            os.write(main, keys.pop(0))
        if not select.select([main], [], [], 0.5)[0]:
            continue
        try:
            data = os.read(main, 65536)
        except OSError:  # the terminal closed: kubectl has exited
            break
        shown += data
    os.close(main)
    return shown, process.wait(timeout=10)
