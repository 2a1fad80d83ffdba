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


def screenshot(page: object, name: str) -> Path:
    """Save a full-page screenshot under tests/e2e/screenshots/ for a human to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.wait_for_timeout(1500)  # let the browser finish painting charts and widgets after the run
    page.screenshot(path=str(path), full_page=True)
    return path


def metric_value(page: object, label: str) -> int:
    """The integer shown by the st.metric whose label contains `label`."""
    box = page.get_by_test_id("stMetric").filter(has_text=label).first
    return int(box.get_by_test_id("stMetricValue").inner_text().strip())


expect.set_options(timeout=READY_TIMEOUT_MS)  # assertions wait on the same readiness ceiling
