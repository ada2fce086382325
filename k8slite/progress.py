"""A progress bar for long runs: `c.run(86400)` on a big cluster says how far it has got.

Mirrors nothing in Kubernetes. `run(clock, until)` does exactly what
`clock.run(until)` does (every callback due, in order, then stand at
`until`), and counts the simulated seconds on a `tqdm.auto` bar: a widget in
Jupyter, text in a terminal. The bar shows itself only once the run has
taken PROGRESS_DELAY seconds of wall time (tqdm's `delay`), so the short
runs of the notebooks and tests never print one, and it clears itself when
the run ends. Only tqdm reads the wall clock, to decide when to appear: the
simulation never does, and it draws nothing from the RNG.

Silent when `K8SLITE_PROGRESS=0`, and whenever pytest runs in this process.
Notebooks compared by `pytest --nbval` run in kernels that pytest starts:
notebooks/conftest.py and tests/conftest.py set `K8SLITE_PROGRESS=0`, which
those kernels inherit, so a slow machine cannot add a bar to a stored output.
Run nbval elsewhere (a learner's workspace) with `K8SLITE_PROGRESS=0` too.
"""

from __future__ import annotations

import os
import sys
from typing import Any

PROGRESS_DELAY = 2.0  # seconds of wall time before the bar appears


def enabled() -> bool:
    if os.environ.get("K8SLITE_PROGRESS", "1") == "0":
        return False
    return "PYTEST_CURRENT_TEST" not in os.environ and "pytest" not in sys.modules


def run(clock: Any, until: float, delay: float = PROGRESS_DELAY) -> None:
    """`clock.run(until)`, with a bar of simulated seconds when enabled()."""
    if not enabled() or until <= clock.now:
        clock.run(until)
        return
    try:
        from tqdm.auto import tqdm
    except ImportError:  # an environment made before tqdm joined requirements.txt
        clock.run(until)
        return

    start = clock.now
    with tqdm(total=round(until - start, 3), delay=delay, leave=False, unit="s",
              desc="k8slite run (simulated seconds)", bar_format="{desc}: {percentage:3.0f}%|{bar}| "
              "{n:.0f}/{total:.0f} s [{elapsed}<{remaining}]") as bar:
        while True:
            due = clock.next_time()
            if due is None or due > until:
                break
            clock.step()
            bar.update(round(clock.now - start, 3) - bar.n)
        clock.run(until)
        bar.update(round(until - start, 3) - bar.n)
