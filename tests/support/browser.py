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
from tests.support.script_runs import ScriptRuns

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
    data_dir: Path, extra_env: dict[str, str] | None = None, root: Path = ROOT
) -> tuple[subprocess.Popen, str]:
    """Start `streamlit run app.py` on a free loopback port and wait until it is healthy.

    `root` is the checkout to serve (a benchmark compares another one).
    """
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
        cwd=root,
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


# Each page's finished runs, counted from its websocket (tests/support/script_runs.py), so that a
# test waits for the run its own action started rather than for a moment of idleness that may come
# before that run has even begun on a loaded server.
_RUNS: dict[object, ScriptRuns] = {}
IDLE_SCRIPT = """() => {
    const app = document.querySelector("[data-testid='stApp']");
    return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
        && app.getAttribute('data-test-connection-state') === 'CONNECTED';
}"""
NEXT_FRAMES_SCRIPT = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


def count_runs(context: object) -> None:
    """Make every page opened in `context` from now on count its finished runs (see `after_run`)."""
    context.on("page", lambda page: _RUNS.__setitem__(page, ScriptRuns(page)))


def runs_done(page: object) -> int:
    """Script runs (fragments' included) the server has reported finished to `page` so far."""
    runs = _RUNS.get(page)
    return runs.finished if runs else 0


def wait_run_after(page: object, before: int, timeout: float = READY_TIMEOUT_MS) -> bool:
    """Wait until a run has finished since `runs_done(page)` was `before` and the page has drawn it
    and is connected and idle; False when `timeout` (ms) passes first."""
    deadline = time.monotonic() + timeout / 1000
    while time.monotonic() < deadline:
        if runs_done(page) > before:
            page.evaluate(NEXT_FRAMES_SCRIPT)  # the page handles the message it was just sent
            if page.evaluate(IDLE_SCRIPT):
                return True
        page.wait_for_timeout(50)  # lets Playwright deliver the page's websocket frames
    return False


def after_run(page: object, action, timeout: float = READY_TIMEOUT_MS) -> None:
    """Do `action` (one that starts a script run: a click, a submitted change, a page switch) and
    wait until a run that ended after it has left the app connected and idle."""
    before = runs_done(page)
    action()
    if not wait_run_after(page, before, timeout):
        raise AssertionError(f"no run ended after the action: {app_state(page, before)}")


def follow_link(page: object, link: object, tries: int = 3) -> None:
    """Click a navigation link and wait until its page has been drawn and the app is idle.

    The address changes only once the server has started the new page's run. A page switch the
    app dropped (Streamlit 1.64 merges a switch with a live view's poll that arrives just after
    it, and the poll's page wins) is clicked again after 30 s without that change.
    """
    target = link.get_attribute("href").split("?")[0].rstrip("/")
    before = runs_done(page)
    for attempt in range(tries):
        link.click()
        try:
            page.wait_for_function(
                "target => location.href.split('?')[0].replace(/\\/$/, '') === target",
                arg=target,
                timeout=30_000 if attempt < tries - 1 else READY_TIMEOUT_MS,
            )
            break
        except PlaywrightTimeoutError as error:
            if attempt == tries - 1:
                state = app_state(page)
                raise AssertionError(f"the link to {target} was not followed: {state}") from error
    if not wait_run_after(page, before):
        raise AssertionError(f"{target} was not drawn: {app_state(page, before)}")


def app_state(page: object, runs_before: int | None = None) -> str:
    """What the page shows of the app's state: for a failure message that explains a wait."""
    state = page.evaluate(
        """() => {
            const app = document.querySelector("[data-testid='stApp']");
            return {url: location.href,
                    script: app?.getAttribute('data-test-script-state'),
                    connection: app?.getAttribute('data-test-connection-state'),
                    text: (document.querySelector("[data-testid='stMain']")?.innerText || '')
                        .slice(0, 400)};
        }"""
    )
    shot = SCREENSHOTS / "failed-wait.png"
    with contextlib.suppress(Exception):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot))
    return f"runs before {runs_before}, now {runs_done(page)}, page {state}; screenshot {shot}"


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
