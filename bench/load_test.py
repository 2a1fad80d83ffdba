"""Load test: 30 students in one Chromium against one app server, for a bounded time.

Each student is a Playwright browser context (its own Streamlit session) with its own learner
profile. Students mix browsing (search + reveal), grading in the daily quiz, and Lab changes (set
their own r and read the exact count, toggle a merge switch); a few run a short training. Every
action is timed from the click to the page being idle again with the expected content shown.

Checks: zero errors (no `stException`, no timeouts), zero cross-session leaks (each student's
"Total grades" equals the grades it made, the Lab shows the count for the r it set), the shared
base model's weights unchanged (fingerprint through bench/fingerprint_hook, compared with a fresh
build of the same seed), and the server's memory after the sessions close.

    .venv/bin/python bench/load_test.py [--students 30] [--seconds 180] [--postgres | --database-url URL]

Not part of pytest. Writes a JSON summary to stdout and, with --markdown PATH, a results table.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, start_server, stop_server  # noqa: E402
from tests.support.postgres import pg_bin, throwaway_postgres  # noqa: E402
from tests.support.script_runs import ScriptRuns  # noqa: E402

HOOK = ROOT / "bench" / "fingerprint_hook"
# The clients: Debian's chromium-headless-shell (same Blink, no browser UI) costs the shared 2 cores
# less than full Chromium; the app server does not care which one renders it.
CLIENTS = ("/usr/bin/chromium-headless-shell", CHROMIUM)
TRAINERS = 3
SEARCH_TERMS = ("merge", "rank", "dropout", "init", "alpha", "QLoRA", "ESM", "低秩")
IDLE = (
    "[data-testid='stApp'][data-test-connection-state='CONNECTED']"
    "[data-test-script-state='notRunning']"
)
RERUN_START_MS = 3_000  # an input that may trigger no run gets this long to start one
ACTION_TIMEOUT_MS = 90_000
OPEN_TIMEOUT_MS = 180_000  # 30 contexts loading the app's JavaScript at once on 2 cores
THINK_MS = (3_000, 8_000)
ARRIVAL_S = 2.0  # student i opens the app at i * ARRIVAL_S seconds


def expected_count(r: int) -> int:
    """Trainable parameters of esm2_t6_8M, seq head, query+value, rank r (PEFT's count)."""
    return r * (320 + 320) * 2 * 6 + 103_362


@dataclass
class Student:
    """One simulated learner and what it observed."""

    index: int
    name: str
    r: int
    trainer: bool
    grades: int = 0  # acknowledged on the page
    in_flight: int = 0  # clicked, acknowledgement not seen (timed out)
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    steps: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)
    checks: int = 0
    trained: bool = False
    page: str = "Home"  # the page this student's tab shows


# ---- page helpers ------------------------------------------------------------------------------
RUNS: dict[int, ScriptRuns] = {}


def watch(page: Any) -> None:
    """Count this page's finished script runs from now on (call before its first `goto`)."""
    RUNS[id(page)] = ScriptRuns(page)


async def settle(
    page: Any, do: Any = None, rerun: bool | None = True, timeout: float = ACTION_TIMEOUT_MS
) -> None:
    """Do an input, then wait for the script run it triggers to finish and the app to be idle.

    `rerun=True`: the input always triggers a run (one that never comes is an error, not a fast
    action). `None`: it may trigger none, so wait RERUN_START_MS for one, then only for idle.
    """
    runs = RUNS[id(page)]
    before = runs.finished
    if do is not None:
        await do()
    limit = time.monotonic() + (timeout if rerun else RERUN_START_MS) / 1000
    while runs.finished == before:
        if time.monotonic() > limit:
            if rerun:
                raise TimeoutError(f"no script run finished within {timeout / 1000:.0f} s")
            break
        await asyncio.sleep(0.05)
    await page.wait_for_selector(IDLE, timeout=timeout)


async def exceptions_on(page: Any) -> int:
    return await page.locator("[data-testid='stException']").count()


async def metric(page: Any, label: str) -> str:
    box = page.get_by_test_id("stMetric").filter(has_text=label).first
    return (await box.get_by_test_id("stMetricValue").inner_text(timeout=30_000)).strip()


async def act(student: Student, name: str, page: Any, do: Any, rerun: bool | None = True) -> None:
    """One page action: an input and the rerun it triggers, timed from the input to idle again."""
    start = time.perf_counter()
    await settle(page, do, rerun=rerun)
    student.steps[name].append(time.perf_counter() - start)


async def nav(page: Any, label: str, student: Student | None = None) -> None:
    """Switch page inside the same session (a reload would start a new one)."""
    link = page.get_by_test_id("stTopNavLink").filter(has_text=label).first
    if student is None:
        await settle(page, link.click)
    else:  # a click on the page already shown may not rerun
        await act(student, "nav", page, link.click, rerun=None if student.page == label else True)
        student.page = label


SHOTS = Path(tempfile.gettempdir()) / "lora-lab-load-errors"


async def evidence(page: Any, student: Student, name: str) -> None:
    """A screenshot of the page as it was when an action failed (path kept with the error)."""
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / f"{student.name}-{name}-{len(student.errors)}.png"
    with contextlib.suppress(Exception):
        await page.screenshot(path=str(path), full_page=True, timeout=30_000)
        student.errors[-1] += f" [screenshot {path}]"


async def timed(student: Student, name: str, page: Any, action: Any) -> bool:
    """Run one action, record its latency, and count exceptions and timeouts as errors."""
    start = time.perf_counter()
    try:
        await action()
    except Exception as exc:  # every failure is a recorded error
        lines = str(exc).splitlines() or [""]
        waiting = next((line.strip() for line in lines if "waiting for" in line), "")
        student.errors.append(f"{name}: {type(exc).__name__}: {lines[0][:120]} {waiting[:160]}")
        await evidence(page, student, name)
        return False
    student.latencies[name].append(time.perf_counter() - start)
    if await exceptions_on(page):
        text = await page.locator("[data-testid='stException']").first.inner_text()
        student.errors.append(f"{name}: stException: {text.splitlines()[0][:160]}")
        return False
    return True


# ---- the actions ---------------------------------------------------------------------------------
async def create_profile(page: Any, student: Student) -> None:
    await page.get_by_role("button").filter(has_text="New learner").first.click()
    box = page.get_by_role("textbox", name="Name")
    await box.fill(student.name)
    await box.press("Tab")
    await act(
        student, "create_profile", page, page.get_by_role("button", name="Create", exact=True).click
    )
    await page.keyboard.press("Escape")
    await page.wait_for_function(  # the picker now shows this student's profile
        """name => {
            const box = document.querySelector('.st-key-profile');
            const input = box && box.querySelector('input');
            return !!box && ((input && input.value === name) || box.innerText.includes(name));
        }""",
        arg=student.name,
        timeout=30_000,
    )


async def browse(page: Any, student: Student, rng: random.Random) -> None:
    await nav(page, "Question bank", student)
    query = page.locator(".st-key-browse_query input")
    shown = await query.input_value()
    await query.fill(rng.choice([term for term in SEARCH_TERMS if term != shown]))
    await act(student, "search", page, lambda: query.press("Enter"))
    await page.get_by_text("question(s)").first.wait_for(timeout=30_000)
    options = page.get_by_test_id("stRadio").locator("label:not([data-testid='stWidgetLabel'])")
    if await options.count() > 1:
        option = options.nth(rng.randrange(min(await options.count(), 6)))
        picked = await option.locator("input").is_checked()
        await act(student, "pick_question", page, option.click, rerun=None if picked else True)
        deadline = time.monotonic() + 30
        while not await option.locator("input").is_checked():
            if time.monotonic() > deadline:
                raise TimeoutError("the picked question was not selected")
            await page.wait_for_timeout(200)
        # a reader clicks "Show answer" once the picked question is on screen, not the one before
        title = (await option.inner_text()).strip().splitlines()[0][:40]
        await page.get_by_role("heading", name=title).first.wait_for(timeout=30_000)
    reveal = page.locator(".st-key-browse_reveal button")
    if await reveal.count():
        await act(student, "reveal_answer", page, reveal.click)
        await page.locator(".st-key-browse_hide button").wait_for(timeout=30_000)


async def grade(page: Any, student: Student, rng: random.Random) -> None:
    await nav(page, "Self-quiz", student)
    reveal = page.locator(".st-key-review_reveal button")
    skip = page.locator(".st-key-review_skip_fu button")
    if not await reveal.count() and await skip.count():
        await act(student, "skip_follow_up", page, skip.click)
    if not await reveal.count():
        return  # nothing due (or the daily limit reached)
    await act(student, "reveal_card", page, reveal.click)
    rating = rng.choice((2, 3, 3, 4))
    student.in_flight += 1
    await act(student, "grade", page, page.locator(f".st-key-review_rate_{rating} button").click)
    await page.wait_for_function(  # acknowledged: the page counts the grade (after the commit)
        """want => [...document.querySelectorAll('[data-testid="stMetric"]')]
            .some(m => m.innerText.includes('Reviewed today')
                       && m.innerText.trim().endsWith(String(want)))""",
        arg=student.grades + 1,
        timeout=30_000,
    )
    student.in_flight -= 1
    student.grades += 1


async def check_progress(page: Any, student: Student) -> None:
    """Leak check: the Progress page counts exactly this student's grades."""
    await nav(page, "Progress", student)
    total = await metric(page, "Total grades")
    student.checks += 1
    shown = int(total.replace(",", ""))
    # a grade whose acknowledgement timed out may or may not be saved: allow those, nothing else
    if not student.grades <= shown <= student.grades + student.in_flight:
        student.leaks.append(
            f"Total grades shows {total}; this student made {student.grades} "
            f"(+{student.in_flight} unacknowledged)"
        )


async def set_slider(page: Any, key: str, steps_right: int) -> None:
    thumb = page.locator(f".st-key-{key} input[type='range']").first
    await thumb.focus()
    await thumb.press("Home")
    for _ in range(steps_right):
        await thumb.press("ArrowRight")


async def lab_count(page: Any, student: Student) -> None:
    """Set this student's r, read the exact count, then read it again after others moved theirs."""
    await nav(page, "LoRA Lab", student)
    await page.locator(".st-key-lab_r input[type='range']").first.wait_for(
        state="attached", timeout=60_000
    )
    await page.get_by_role("tab", name="Parameters").click()  # client-side: no rerun
    await act(student, "set_r", page, lambda: set_slider(page, "lab_r", student.r - 1), rerun=None)
    want = f"{expected_count(student.r):,}"
    box = page.get_by_test_id("stMetric").filter(has_text="Trainable parameters").first
    value = box.get_by_test_id("stMetricValue")
    deadline = time.monotonic() + 60
    while (await value.inner_text()).strip() != want and time.monotonic() < deadline:
        await page.wait_for_timeout(250)
    student.checks += 1
    seen = (await value.inner_text()).strip()
    if seen != want:
        student.leaks.append(f"Lab count {seen} for r={student.r}, expected {want}")


async def lab_recheck(page: Any, student: Student) -> None:
    student.checks += 1
    want = f"{expected_count(student.r):,}"
    now = await metric(page, "Trainable parameters")
    slider = await page.locator(".st-key-lab_r input[type='range']").first.input_value()
    if now != want or slider != str(student.r):
        student.leaks.append(f"Lab later shows {now} / r={slider}; this student set r={student.r}")


async def lab_merge(page: Any, student: Student) -> None:
    await page.get_by_role("tab", name="Merge check").click()  # client-side: no rerun
    await page.wait_for_timeout(300)
    await act(
        student, "merge_toggle", page, page.locator(".st-key-lab_merge_zero_b label").first.click
    )


async def lab_train(page: Any, student: Student) -> None:
    """A short LoRA-only run (5 steps, batch 2) and wait for it to finish."""
    await page.get_by_role("tab", name="Training").click()  # client-side: no rerun
    await page.wait_for_timeout(300)
    await settle(page, lambda: set_slider(page, "lab_steps", 0), rerun=None)
    await settle(page, lambda: set_slider(page, "lab_batch", 0), rerun=None)
    for key in ("lab_run_full", "lab_run_head"):
        box = page.locator(f".st-key-{key} input[type='checkbox']")
        if await box.is_checked():
            await settle(page, page.locator(f".st-key-{key} label").first.click)
    await settle(page, page.locator(".st-key-lab_train_go button").click, timeout=240_000)
    await page.get_by_text("Training finished").first.wait_for(timeout=30_000)
    student.trained = True


# ---- one student ---------------------------------------------------------------------------------
async def run_student(
    browser: Any, url: str, student: Student, deadline: float, lab: bool = True
) -> None:
    rng = random.Random(student.index)
    context = await browser.new_context(viewport={"width": 1366, "height": 1000}, locale="en-US")
    page = await context.new_page()
    page.set_default_timeout(ACTION_TIMEOUT_MS)
    watch(page)
    try:
        await asyncio.sleep(student.index * ARRIVAL_S)  # a class arrives over a minute

        async def open_app() -> None:
            # "commit": the app counts as open when it is idle, not when every asset has loaded
            await settle(
                page,
                lambda: page.goto(f"{url}/?lang=en", wait_until="commit", timeout=OPEN_TIMEOUT_MS),
                timeout=OPEN_TIMEOUT_MS,
            )

        if not await timed(student, "open", page, open_app):
            return
        if not await timed(student, "profile", page, lambda: create_profile(page, student)):
            return
        step = 0
        while time.monotonic() < deadline:
            step += 1
            kind = rng.choice(("browse", "grade", "grade", "lab") if lab else ("browse", "grade"))
            if kind == "browse":
                await timed(student, "browse", page, lambda: browse(page, student, rng))
            elif kind == "grade":
                await timed(student, "grade", page, lambda: grade(page, student, rng))
            elif await timed(student, "lab_count", page, lambda: lab_count(page, student)):
                if rng.random() < 0.4:
                    await timed(student, "lab_merge", page, lambda: lab_merge(page, student))
                if student.trainer and not student.trained:
                    await timed(student, "lab_train", page, lambda: lab_train(page, student))
                await page.wait_for_timeout(1500)  # others keep changing their own r meanwhile
                await timed(student, "lab_recheck", page, lambda: lab_recheck(page, student))
            if step % 3 == 0:
                await timed(student, "progress", page, lambda: check_progress(page, student))
            await page.wait_for_timeout(rng.randint(*THINK_MS))  # a student reads, then acts
        await timed(student, "progress", page, lambda: check_progress(page, student))
    finally:
        await context.close()


# ---- server-side measurements --------------------------------------------------------------------
def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


async def sample_rss(pid: int, samples: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        samples.append(rss_mib(pid))
        await asyncio.sleep(0.5)


def health_ms(url: str) -> float:
    """Round trip of the server's health endpoint (the server's own responsiveness)."""
    start = time.perf_counter()
    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=30) as response:
        response.read()
    return (time.perf_counter() - start) * 1000


async def sample_health(url: str, samples: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        with contextlib.suppress(OSError):
            samples.append(await asyncio.to_thread(health_ms, url))
        await asyncio.sleep(2)


def server_fingerprint(pid: int, out: Path, timeout: float = 120) -> dict:
    """Ask the server (SIGUSR1, see fingerprint_hook) for its shared base model's fingerprint."""
    lines_before = len(out.read_text().splitlines()) if out.exists() else 0
    os.kill(pid, signal.SIGUSR1)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if out.exists() and len(lines := out.read_text().splitlines()) > lines_before:
            return json.loads(lines[-1])
        time.sleep(0.5)
    raise TimeoutError("the server did not write its fingerprint")


def reference_fingerprint() -> str:
    """The same base model built fresh in this process (same seed): what it must still equal."""
    sys.path.insert(0, str(HOOK))
    from sitecustomize import KEY, fingerprint

    from lora_demo import load_base

    model, head, labels, source, seed, dtype, device = KEY
    fresh = load_base(model, head, labels, source, seed=seed, dtype=dtype, device=device)
    return fingerprint(fresh.model)


async def warm_up(browser: Any, url: str, tag: str, lab: bool = True) -> None:
    """One visitor walks every path once (profile, grade, browse, Lab count, merge, a training), so
    the resting level measured before the class includes every library and kernel that loads
    lazily; the same level is what memory must return to after the class leaves."""
    visitor = Student(-1, f"warm-up-{tag}", r=8, trainer=True)
    rng = random.Random(-1)
    context = await browser.new_context(viewport={"width": 1366, "height": 1000}, locale="en-US")
    page = await context.new_page()
    page.set_default_timeout(ACTION_TIMEOUT_MS)
    watch(page)
    await settle(page, lambda: page.goto(f"{url}/?lang=en"))
    await create_profile(page, visitor)
    await grade(page, visitor, rng)
    await browse(page, visitor, rng)
    await check_progress(page, visitor)
    if lab:
        await lab_count(page, visitor)
        await lab_merge(page, visitor)
        await lab_train(page, visitor)
    await context.close()
    if visitor.leaks:
        raise RuntimeError(f"the warm-up visitor saw wrong numbers: {visitor.leaks}")


def renice_clients(niceness: int) -> int:
    """Lower the CPU priority of every thread of the client browsers (zygotes pass it on to later
    renderers): the 30 clients stand for 30 laptops and should not outrank the server under test.
    Returns how many threads were reniced."""
    done = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            argv0 = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].decode()
            if not Path(argv0).name.startswith(("chromium", "chrome", "headless_shell")):
                continue
            for tid in os.listdir(f"/proc/{pid}/task"):  # niceness is per thread on Linux
                os.setpriority(os.PRIO_PROCESS, int(tid), niceness)
                done += 1
        except (OSError, UnicodeDecodeError):
            continue
    return done


# ---- the run -------------------------------------------------------------------------------------
def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def main_async(args: argparse.Namespace) -> dict:
    from playwright.async_api import async_playwright

    data_dir = Path(tempfile.mkdtemp(prefix="lora-lab-load-"))
    fp_file = data_dir / "fingerprints.jsonl"
    env = {
        "PYTHONPATH": os.pathsep.join([str(HOOK), str(ROOT)]),
        "LORA_LAB_FINGERPRINT_FILE": str(fp_file),
        "STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL": str(args.session_ttl),
    }
    if args.database_url:
        env["LORA_LAB_DATABASE_URL"] = args.database_url
    proc, url = start_server(data_dir, env)
    backend = "PostgreSQL" if args.database_url else "SQLite"
    result: dict[str, Any] = {"url": url, "data_dir": str(data_dir), "backend": backend}
    try:
        rss_cold = rss_mib(proc.pid)
        fp_start = await asyncio.to_thread(server_fingerprint, proc.pid, fp_file)
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(
                executable_path=args.chromium, headless=True, args=CHROMIUM_ARGS
            )
            result["client_nice"] = args.client_nice
            if args.client_nice:
                result["client_threads_reniced"] = renice_clients(args.client_nice)
            tag = f"{int(time.time()) % 100000}"
            await warm_up(browser, url, tag, lab=not args.no_lab)
            await asyncio.sleep(args.settle)  # the warm-up tab's session expires, memory settles
            rss_start = rss_mib(proc.pid)
            fp_rest = await asyncio.to_thread(server_fingerprint, proc.pid, fp_file)
            samples: list[float] = []
            stop = asyncio.Event()
            sampler = asyncio.create_task(sample_rss(proc.pid, samples, stop))
            health: list[float] = []
            prober = asyncio.create_task(sample_health(url, health, stop))
            students: list[Student] = []
            walls, cpu, trails = [], 0.0, []
            for round_ in range(args.rounds):  # a second class shows whether memory adds up
                group = [
                    Student(
                        i,
                        f"student-{i:02d}-{tag}-{round_}",
                        r=1 + (i * 5 + round_) % 32,
                        trainer=i < TRAINERS,
                    )
                    for i in range(args.students)
                ]
                students += group
                started = time.monotonic()
                cpu_before = cpu_seconds(proc.pid)
                deadline = started + args.seconds
                await asyncio.wait_for(
                    asyncio.gather(
                        *(run_student(browser, url, s, deadline, not args.no_lab) for s in group)
                    ),
                    timeout=args.seconds + 600,
                )
                walls.append(time.monotonic() - started)
                cpu += cpu_seconds(proc.pid) - cpu_before
                closed_at = time.monotonic()
                trail = []  # RSS while the closed sessions expire and memory is handed back
                for _ in range(max(1, args.settle // 15)):
                    await asyncio.sleep(15)
                    trail.append([round(time.monotonic() - closed_at), round(rss_mib(proc.pid), 1)])
                trails.append(trail)
            wall = sum(walls)
            result["server_cpu_share_of_one_core"] = round(cpu / wall, 2)
            await browser.close()
        result["rss_after_close_mib"] = trails
        stop.set()
        await sampler
        await prober
        result["health_ms"] = {
            "n": len(health),
            "p50": round(statistics.median(health), 1) if health else None,
            "p95": round(percentile(health, 0.95), 1),
            "max": round(max(health), 1) if health else None,
        }
        rss_end = rss_mib(proc.pid)
        fp_end = await asyncio.to_thread(server_fingerprint, proc.pid, fp_file)
        reference = await asyncio.to_thread(reference_fingerprint)
        result.update(summarize(students, wall, samples, rss_cold, rss_start, rss_end, args))
        result["fingerprint"] = {
            "start": fp_start["sha256"],
            "end": fp_end["sha256"],
            "fresh_build": reference,
            "unchanged": fp_start["sha256"] == fp_end["sha256"] == reference,
            "end_was_cached": fp_end["was_cached"],
            "end_requires_grad": fp_end["requires_grad"],
            "peft_models_alive_at_end": fp_end.get("peft_models_alive"),
            "python_heap_at_rest": fp_rest.get("heap"),
            "python_heap_at_end": fp_end.get("heap"),
        }
        result["server_alive"] = proc.poll() is None
    finally:
        stop_server(proc)
    return result


def latency_table(samples: dict[str, list[float]]) -> dict[str, dict[str, float]]:
    return {
        name: {
            "n": len(values),
            "p50_s": round(statistics.median(values), 2),
            "p95_s": round(percentile(values, 0.95), 2),
            "max_s": round(max(values), 2),
        }
        for name, values in sorted(samples.items())
        if values
    }


def summarize(
    students: list[Student],
    wall: float,
    samples: list[float],
    rss_cold: float,
    rss_start: float,
    rss_end: float,
    args: argparse.Namespace,
) -> dict:
    per_action: dict[str, list[float]] = defaultdict(list)
    for s in students:
        for name, values in s.latencies.items():
            per_action[name].extend(values)
    per_step: dict[str, list[float]] = defaultdict(list)
    for s in students:
        for name, values in s.steps.items():
            per_step[name].extend(values)
    every = [v for values in per_action.values() for v in values if values]
    page_actions = [v for values in per_step.values() for v in values]
    return {
        "students": args.students,
        "rounds": args.rounds,
        "seconds": args.seconds,
        "wall_seconds": round(wall, 1),
        "actions": len(every),
        "p50_s": round(statistics.median(page_actions), 2) if page_actions else None,
        "p95_s": round(percentile(page_actions, 0.95), 2),
        "page_actions": len(page_actions),
        "per_step": latency_table(per_step),
        "per_action": latency_table(per_action),
        "errors": sum(len(s.errors) for s in students),
        "error_samples": [e for s in students for e in s.errors][:20],
        "leak_checks": sum(s.checks for s in students),
        "leaks": sum(len(s.leaks) for s in students),
        "leak_samples": [e for s in students for e in s.leaks][:20],
        "grades_acknowledged": sum(s.grades for s in students),
        "trainings_finished": sum(s.trained for s in students),
        "rss_mib": {
            "cold": round(rss_cold, 1),
            "start_after_warm_up": round(rss_start, 1),
            "peak": round(max(samples), 1) if samples else None,
            "end": round(rss_end, 1),
            "end_measured_s_after_close": args.settle,
            "start_measured_s_after_warm_up": args.settle,
        },
        "session_ttl_s": args.session_ttl,
        "lab": not args.no_lab,
        "load_average": os.getloadavg(),
    }


def verify_store(result: dict, args: argparse.Namespace) -> None:
    """Every acknowledged grade is in the store, under the right profile."""
    from studykit.progress_location import sqlite_url
    from studykit.store import open_store

    url = args.database_url or sqlite_url(Path(result["data_dir"]) / "progress.sqlite3")
    store = open_store(url)
    try:
        rows = {p.name: len(store.reviews(p.id)) for p in store.profiles()}
    finally:
        store.dispose()
    result["store_rows_by_student"] = sum(v for k, v in rows.items() if k.startswith("student-"))


def machine(browser: str) -> dict:
    import playwright
    import sqlalchemy
    import streamlit
    import torch

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kib = int(Path("/proc/meminfo").read_text().split()[1])
    chromium = subprocess.run(
        [browser, "--version"], capture_output=True, text=True, timeout=30, check=False
    ).stdout.strip()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gib": round(mem_kib / 2**20, 1),
        "python": platform.python_version(),
        "streamlit": streamlit.__version__,
        "playwright": getattr(playwright, "__version__", "?"),
        "chromium": chromium,
        "torch": torch.__version__,
        "sqlalchemy": sqlalchemy.__version__,
    }


def markdown(result: dict) -> str:
    """The summary as the tables of bench/LOAD_RESULTS.md."""
    m, rss, fp = result["machine"], result["rss_mib"], result["fingerprint"]
    heap_rest, heap_end = fp.get("python_heap_at_rest") or {}, fp.get("python_heap_at_end") or {}
    lines = [
        f"Run: {result['started_utc']} UTC, `.venv/bin/python bench/load_test.py "
        f"--students {result['students']} --seconds {result['seconds']} --rounds {result['rounds']}"
        f"{' --postgres' if result.get('started_postgres') else ''}"
        f"{'' if result['lab'] else ' --no-lab'}` ({result['backend']})",
        "",
        "## Machine",
        "",
        f"- CPU: {m['cpu']}, {m['cores']} cores; RAM {m['ram_gib']} GiB; no GPU",
        f"- python {m['python']}, streamlit {m['streamlit']}, torch {m['torch']}, "
        f"sqlalchemy {m['sqlalchemy']}, {m['chromium']}",
        f"- load average at the end: {', '.join(f'{x:.1f}' for x in result['load_average'])}; "
        f"server CPU during the run: {result['server_cpu_share_of_one_core']:.2f} of one core",
        f"- clients: {m['chromium']}, {result['students']} contexts, niceness "
        f"{result.get('client_nice', 0)} ({result.get('client_threads_reniced', 0)} threads)",
        "",
        "## Result",
        "",
        "| measure | value | target |",
        "|---|---|---|",
        f"| students (browser contexts, one Chromium) × classes | {result['students']} × "
        f"{result['rounds']} | 30 |",
        f"| activity time / wall time | {result['seconds']} s / {result['wall_seconds']} s | bounded |",
        f"| journeys / single page actions timed | {result['actions']} / {result['page_actions']} | |",
        f"| p50 / p95 page-action latency (one input to idle again) | "
        f"{result['p50_s']} s / {result['p95_s']} s | |",
        f"| errors (stException, timeouts) | {result['errors']} | 0 |",
        f"| cross-session leak checks / leaks | {result['leak_checks']} / {result['leaks']} | 0 leaks |",
        f"| grades acknowledged on the page / rows in the store | "
        f"{result['grades_acknowledged']} / {result['store_rows_by_student']} | equal |",
        f"| trainings finished | {result['trainings_finished']} | {min(TRAINERS, result['students']) * result['rounds']} |",
        f"| base model fingerprint start = end = fresh build | {fp['unchanged']} "
        f"(`{fp['end'][:16]}…`) | true |",
        f"| server RSS cold / at rest after the warm-up / peak / at rest "
        f"{rss['end_measured_s_after_close']} s after the class closed | {rss['cold']} / "
        f"{rss['start_after_warm_up']} / {rss['peak']} / {rss['end']} MiB | end ≈ rest |",
        *(
            f"| RSS after class {i + 1} closed [s, MiB] | {trail} | falls back |"
            for i, trail in enumerate(result["rss_after_close_mib"])
        ),
        f"| Python objects tracked at rest / at end (after a collection) | "
        f"{heap_rest.get('tracked')} / {heap_end.get('tracked')} | ≈ equal |",
        f"| server health endpoint p50 / p95 / max during the run | {result['health_ms']['p50']} / "
        f"{result['health_ms']['p95']} / {result['health_ms']['max']} ms | |",
        f"| session PEFT models still alive after close | {fp.get('peft_models_alive_at_end')} | 0 |",
        "",
    ]
    for title, table in (
        ("Per page action (one input → the rerun it triggered has finished)", result["per_step"]),
        (
            "Per journey (several actions, reading included; open = first page load)",
            result["per_action"],
        ),
    ):
        lines += [
            "",
            f"## {title}",
            "",
            "| action | n | p50 s | p95 s | max s |",
            "|---|---|---|---|---|",
        ]
        for name, row in table.items():
            lines.append(
                f"| {name} | {row['n']} | {row['p50_s']} | {row['p95_s']} | {row['max_s']} |"
            )
    if result["error_samples"] or result["leak_samples"]:
        lines += ["", "## Errors and leaks (first 20)", ""]
        lines += [f"- {e}" for e in result["error_samples"] + result["leak_samples"]]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument(
        "--rounds", type=int, default=1, help="classes one after another on the same server"
    )
    parser.add_argument("--seconds", type=int, default=180, help="activity time (bounded)")
    parser.add_argument(
        "--settle",
        type=int,
        default=120,
        help="quiet seconds before each RSS reading (after the warm-up and after the class)",
    )
    parser.add_argument(
        "--client-nice", type=int, default=0, help="niceness of the client browsers (0: as is)"
    )
    parser.add_argument("--session-ttl", type=int, default=30, help="disconnectedSessionTTL (s)")
    parser.add_argument("--database-url", default="", help="PostgreSQL URL (default: SQLite)")
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="start a throwaway local PostgreSQL server (fsync on) and use it",
    )
    parser.add_argument("--json", type=Path, help="also write the summary here")
    parser.add_argument("--no-lab", action="store_true", help="browse and quiz only")
    parser.add_argument("--markdown", type=Path, help="write the result tables here")
    parser.add_argument(
        "--chromium",
        default=next((p for p in CLIENTS if Path(p).exists()), CHROMIUM),
        help="browser binary for the 30 clients (default: Debian's headless shell when installed)",
    )
    args = parser.parse_args()
    args.seconds = max(10, min(args.seconds, 600))
    result = {"machine": machine(args.chromium), "started_utc": time.strftime("%Y-%m-%d %H:%M:%S")}
    with contextlib.ExitStack() as stack:
        if args.postgres:
            bin_dir = pg_bin()
            if bin_dir is None:
                parser.error("--postgres needs the PostgreSQL server (apt-get install postgresql)")
            args.database_url = stack.enter_context(throwaway_postgres(bin_dir, fsync=True))
        result["started_postgres"] = args.postgres
        result.update(asyncio.run(main_async(args)))
        verify_store(result, args)
    text = json.dumps(result, indent=1, ensure_ascii=False)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    if args.markdown:
        args.markdown.write_text(markdown(result), encoding="utf-8")


if __name__ == "__main__":
    main()
