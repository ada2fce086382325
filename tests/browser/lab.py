"""JupyterLab and Chromium for the browser tests: start a server, open a notebook, run it.

The tests act as a learner would: JupyterLab on localhost (a token, no browser
of its own, in a temporary folder), Debian's Chromium driven by Playwright's
sync API. JupyterLab is started with `expose_app_in_browser`, so a page can
call JupyterLab's own commands (`notebook:run-all-cells`) and read the
notebook model (execution counts, error outputs) instead of guessing from
pixels; what the learner sees (the dashboard's text) is read from the DOM.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from builders import free_port

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "tests" / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# JupyterLab settings for a quiet page: no news or update toasts over the notebook.
LAB_OVERRIDES = """{
  "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": false},
  "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"}
}
"""
SERVER_START_TIMEOUT = 90  # seconds; JupyterLab's first start on a busy machine is slow


def chromium_path() -> str | None:
    """K8SLITE_CHROMIUM, else Debian's `chromium` (or `chromium-browser`) on the PATH."""
    explicit = os.environ.get("K8SLITE_CHROMIUM")
    if explicit:
        return explicit if Path(explicit).is_file() else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def browser_problem() -> str:
    """Why the browser tests cannot run here, or "" when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install playwright, or make install)"
    if chromium_path() is None:
        return "no Chromium found (Debian: apt-get install chromium; or set K8SLITE_CHROMIUM)"
    return ""


@dataclass
class Lab:
    """A running JupyterLab: `url(path)` opens a notebook, `stop()` ends the server."""

    process: subprocess.Popen[bytes]
    port: int
    token: str
    root: Path
    log: Path

    def url(self, notebook: str) -> str:
        return f"http://127.0.0.1:{self.port}/lab/tree/{notebook}?token={self.token}&reset"

    def api(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/api/{path}?token={self.token}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def start_lab(root: Path, home: Path) -> Lab:
    """JupyterLab serving `root`, with its settings, workspaces and runtime files under `home`."""
    port, token = free_port(), secrets.token_hex(16)
    settings = home / "settings"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "overrides.json").write_text(LAB_OVERRIDES)
    env = dict(os.environ)
    env.update(
        PYTHONPATH=os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
        JUPYTERLAB_SETTINGS_DIR=str(home / "user-settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        MPLBACKEND="Agg",
    )
    command = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
        "--LabApp.expose_app_in_browser=True", f"--LabServerApp.app_settings_dir={settings}",
        "--LabApp.news_url=", "--ServerApp.terminals_enabled=False",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    log = home / "jupyterlab.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)
    lab = Lab(process, port, token, root, log)
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # localhost: never through a proxy
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with direct.open(lab.api("status"), timeout=2) as response:
                if response.status == 200:
                    return lab
        except OSError:
            time.sleep(0.25)  # poll the server while it starts
    lab.stop()
    raise RuntimeError(f"JupyterLab did not answer in {SERVER_START_TIMEOUT} s:\n{log.read_text()[-3000:]}")


# ---------------------------------------------------------------- a notebook in the page

# JavaScript run in the page on the notebook at `path` (window.jupyterapp is exposed by the server).
NOTEBOOK = """(path => {
  const app = window.jupyterapp;
  if (!app) return null;
  for (const w of app.shell.widgets('main')) {
    if (w.context && w.context.path === path && w.content && w.sessionContext) return w;
  }
  return null;
})"""
KERNEL_READY = f"""path => {{
  const nb = {NOTEBOOK}(path);
  const kernel = nb && nb.context.isReady && nb.sessionContext.session && nb.sessionContext.session.kernel;
  return !!kernel && kernel.status === 'idle';
}}"""
CLEARED = f"""path => {NOTEBOOK}(path).content.widgets
  .every(c => c.model.type !== 'code' || c.model.executionCount === null)"""
ALL_RUN = f"""path => {{
  const nb = {NOTEBOOK}(path);
  if (!nb) return false;
  const cells = nb.content.widgets.filter(c => c.model.type === 'code' && c.model.sharedModel.source.trim());
  const kernel = nb.sessionContext.session && nb.sessionContext.session.kernel;
  const failed = cells.some(c => c.model.outputs.toJSON().some(o => o.output_type === 'error'));
  return !!kernel && kernel.status === 'idle' && (failed || cells.every(c => c.model.executionCount !== null));
}}"""
ERRORS = f"""path => {{
  const found = [];
  {NOTEBOOK}(path).content.widgets.forEach((c, i) => {{
    if (c.model.type !== 'code') return;
    for (const o of c.model.outputs.toJSON()) {{
      if (o.output_type === 'error') found.push(`cell ${{i}}: ${{o.ename}}: ${{o.evalue}}`);
    }}
  }});
  return found;
}}"""
RUN_ALL = f"""path => {{
  const nb = {NOTEBOOK}(path);
  window.jupyterapp.shell.activateById(nb.id);
  return window.jupyterapp.commands.execute('notebook:run-all-cells');
}}"""
CLEAR_ALL = f"""path => {{
  const nb = {NOTEBOOK}(path);
  window.jupyterapp.shell.activateById(nb.id);
  return window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs');
}}"""
SHUTDOWN = f"""async path => {{ const nb = {NOTEBOOK}(path); if (nb) await nb.sessionContext.shutdown(); }}"""
DIALOG = ".jp-Dialog"


class Notebook:
    """A notebook open in a JupyterLab page: `run_all()`, `wait_idle()`, `shutdown()`."""

    def __init__(self, page: Any, lab: Lab, path: str) -> None:
        self.page, self.lab, self.path = page, lab, path

    def open(self, timeout_ms: float = 120_000, attempts: int = 3) -> Notebook:
        """Open the notebook and wait until its kernel is idle; reload if the page came up broken.

        Chromium drops the requests in flight when the machine's network interfaces change
        (net::ERR_NETWORK_CHANGED: Docker creating a container's veth does it), which can
        leave JupyterLab without a stylesheet ("Error Loading Theme") or the page unloaded.
        A learner would reload the page, and so does this.
        """
        from playwright.sync_api import Error as PlaywrightError

        problem = ""
        for _ in range(attempts):
            try:
                self.page.goto(self.lab.url(self.path))
                self.page.wait_for_function(
                    f"path => ({KERNEL_READY})(path) || !!document.querySelector('{DIALOG}')",
                    arg=self.path, timeout=timeout_ms,
                )
            except PlaywrightError as error:  # TimeoutError is one
                problem = str(error).splitlines()[0]
                continue
            if self.page.locator(DIALOG).count() == 0:
                return self
            problem = f"JupyterLab shows a dialog: {self.page.locator(DIALOG).inner_text()}"
        raise AssertionError(f"{self.path} did not open in {attempts} attempts: {problem}")

    def run_all(self, timeout_ms: float = 180_000) -> list[str]:
        """Clear the outputs, Run > Run All Cells, wait until every code cell has run (or one failed).

        Returns the error outputs ("cell 3: NameError: ..."), empty when the notebook ran cleanly.
        """
        self.page.evaluate(CLEAR_ALL, self.path)
        self.page.wait_for_function(CLEARED, arg=self.path)
        self.page.evaluate(RUN_ALL, self.path)
        self.page.wait_for_function(ALL_RUN, arg=self.path, timeout=timeout_ms)
        return list(self.page.evaluate(ERRORS, self.path))

    def wait_idle(self, timeout_ms: float = 120_000) -> None:
        """Wait until the kernel is idle (after a widget's effect is already visible: see the tests)."""
        self.page.wait_for_function(KERNEL_READY, arg=self.path, timeout=timeout_ms)

    def shutdown(self) -> None:
        """Shut the kernel down, so that the server does not keep one per test."""
        self.page.evaluate(SHUTDOWN, self.path)


def save_screenshot(locator: Any, name: str) -> Path:
    """Screenshot of one element into tests/artifacts/<name>.png; also to $K8SLITE_README_SCREENSHOT when set.

    The README's copy (`make screenshot` writes docs/dashboard.png) is reduced to 256 colours,
    which keeps a dashboard under 200 KB without visible loss.
    """
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page = locator.page
    viewport = page.viewport_size
    box = locator.bounding_box()
    if viewport and box and box["height"] + 300 > viewport["height"]:  # let JupyterLab show all of it
        page.set_viewport_size({"width": viewport["width"], "height": int(box["height"]) + 300})
    locator.scroll_into_view_if_needed()
    locator.screenshot(path=str(path))
    if viewport:
        page.set_viewport_size(viewport)
    readme_copy = os.environ.get("K8SLITE_README_SCREENSHOT")
    if readme_copy:
        from PIL import Image

        with Image.open(path) as image:
            image.convert("RGB").quantize(colors=256).save(REPO / readme_copy, optimize=True)
    return path
