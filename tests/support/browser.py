"""A Streamlit server on 127.0.0.1 and Debian's headless Chromium: what the browser tests share."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from tests.support.paths import ROOT

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = ROOT / "tests" / "e2e" / "screenshots"
# Every wait below is on a condition (server healthy, app connected, script idle, element shown)
# and returns as soon as it holds; this is only the ceiling, generous so that a machine loaded by
# other work (a first page view imports torch for tens of seconds there) is slow, not a failure.
READY_TIMEOUT_S = float(os.environ.get("LORA_LAB_TEST_READY_TIMEOUT_S", "300"))
READY_TIMEOUT_MS = READY_TIMEOUT_S * 1000
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(
    data_dir: Path, extra_env: dict[str, str] | None = None
) -> tuple[subprocess.Popen, str]:
    """Start `streamlit run app.py` on a free loopback port and wait until it is healthy."""
    port = _free_port()
    env = {
        **os.environ,
        "LORA_LAB_DATA_DIR": str(data_dir),
        "HF_HUB_OFFLINE": "1",
        **(extra_env or {}),
    }
    log = open(data_dir / f"server-{port}.log", "wb")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.headless=true",
            "--server.address=127.0.0.1",
            f"--server.port={port}",
            "--browser.gatherUsageStats=false",
            "--server.fileWatcherType=none",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read() == b"ok":
                    return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"streamlit did not become healthy; see {log.name}")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


def wait_idle(page: object, timeout: float = READY_TIMEOUT_MS) -> None:
    """Wait until the app is connected and no script run is in progress (as Streamlit's own e2e does).

    First up to 400 ms for the rerun that an input triggers to start (it begins a moment after
    the event); then the conditions themselves, however long a loaded machine needs.
    """
    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_selector(
            "[data-testid='stApp'][data-test-script-state='running']", timeout=400
        )
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-connection-state='CONNECTED']", timeout=timeout
    )
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout
    )


# Counts finished script runs in the page (a run's end is the script state leaving "running"),
# so that a test can wait for the run its own action started rather than for a moment of idleness
# that may come before that run has even begun on a loaded server.
RUN_COUNTER_SCRIPT = """
window.__stRunsDone = 0;
new MutationObserver(records => {
    for (const r of records) if (r.oldValue === 'running') window.__stRunsDone += 1;
}).observe(document, {subtree: true, attributes: true, attributeOldValue: true,
                      attributeFilter: ['data-test-script-state']});
"""


def count_runs(context: object) -> None:
    """Make every page of `context` count its finished script runs (see `after_run`)."""
    context.add_init_script(RUN_COUNTER_SCRIPT)


def runs_done(page: object) -> int:
    return page.evaluate("() => window.__stRunsDone || 0")


def after_run(page: object, action, timeout: float = READY_TIMEOUT_MS) -> None:
    """Do `action` (one that starts a script run: a click, a submitted change, a page switch) and
    wait until a run that ended after it has left the app connected and idle."""
    before = runs_done(page)
    action()
    page.wait_for_function(
        """before => {
            const app = document.querySelector("[data-testid='stApp']");
            return (window.__stRunsDone || 0) > before && app
                && app.getAttribute('data-test-script-state') === 'notRunning'
                && app.getAttribute('data-test-connection-state') === 'CONNECTED';
        }""",
        arg=before,
        timeout=timeout,
    )


def wait_loaded(page: object, timeout: float = READY_TIMEOUT_MS) -> None:
    """After `page.goto`: wait until the first script run has drawn the page and ended.

    Right after the load the app may be connected and "notRunning" before its first run has
    even started (a loaded server starts it late), so `wait_idle` alone can return on an empty
    page; the page's first element marks that the run happened.
    """
    page.wait_for_selector(
        "[data-testid='stMainBlockContainer'] [data-testid='stElementContainer']",
        timeout=timeout,
    )
    wait_idle(page, timeout)


def wait_painted(page: object) -> None:
    """Wait until fonts are loaded and the browser has painted two more frames (charts and
    canvases drawn after the run), instead of a fixed pause."""
    page.evaluate(
        """() => document.fonts.ready.then(() => new Promise(done =>
            requestAnimationFrame(() => requestAnimationFrame(() => done(true)))))"""
    )


def screenshot(page: object, name: str) -> Path:
    """Save a full-page screenshot under tests/e2e/screenshots/ for a human to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    wait_idle(page)
    wait_painted(page)
    page.screenshot(path=str(path), full_page=True)
    return path


def metric_value(page: object, label: str) -> int:
    """The integer shown by the st.metric whose label contains `label`."""
    box = page.get_by_test_id("stMetric").filter(has_text=label).first
    return int(box.get_by_test_id("stMetricValue").inner_text().strip())


expect.set_options(timeout=READY_TIMEOUT_MS)  # assertions wait on the same readiness ceiling
