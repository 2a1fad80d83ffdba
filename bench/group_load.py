"""Load run of study-group mode: one presenter and N learners (browser contexts) on one app server.

Every learner is its own Playwright context (its own Streamlit session) and polls the room through
the page's live fragment, as a real class would. The presenter opens question 1, the learners answer
spread over a few seconds, the presenter reveals, then the same for question 2.

Measured:
- server CPU (share of one core) during an idle phase (everyone joined, waiting: only the polls run)
  and over the whole run;
- answer-to-presenter latency: for the k-th acknowledged answer (the learner saw "your answer is in"),
  the time until the presenter's live count shows at least k (sampled every 100 ms in the browser);
- open-to-learner latency: from the presenter's click on "Open" until each learner sees the answer box;
- reveal-to-learner latency likewise; errors (stException, timeouts) and answers lost (rows in the
  database vs. answers acknowledged);
- for open and reveal also when the server's message reached the learner's browser (the first
  websocket frame with the answer box / the answer key's heading), apart from when the page had
  drawn it: with all browsers on the server's two cores the difference is the browsers' own time.

    .venv/bin/python bench/group_load.py [--learners 30] [--postgres] [--markdown bench/LOAD_RESULTS.md]

Not part of pytest. A stuck learner's websocket frame times, last 80 frames (sent and received,
decoded) and page text are in the JSON under "stuck" (screenshots in /tmp/grp). The server runs
with bench/runner_race_hook, which counts the script-runner handoffs of issue 16 ("runner_race").
GROUP_LOAD_DEBUG=1: 90 s timeouts; with GROUP_LOAD_STACKS=1 and a sitecustomize that registers
`faulthandler` on SIGUSR1, the server's threads are dumped into its log when the first learner
is stuck.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import random
import signal
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load_test import CLIENTS, cpu_seconds, machine  # noqa: E402
from studykit.i18n import translate  # noqa: E402
from tests.support.browser import CHROMIUM_ARGS, start_server, stop_server  # noqa: E402
from tests.support.postgres import pg_bin, throwaway_postgres  # noqa: E402

IDLE = (
    "[data-testid='stApp'][data-test-connection-state='CONNECTED']"
    "[data-test-script-state='notRunning']"
)
COUNT = ".st-key-group_counts [data-testid='stMetricValue']"
DEBUG = bool(os.environ.get("GROUP_LOAD_DEBUG"))
RACE_HOOK = ROOT / "bench" / "runner_race_hook"  # logs the runner handoffs of issue 16
TIMEOUT_MS = 90_000 if DEBUG else 240_000  # generous: the clients share the CPU with the server
ANSWERS = (
    "LoRA freezes W and learns a low-rank update B A of rank r; B starts at zero",
    "the scaling alpha over r multiplies BA",
    "we fine-tune all weights",
    "rank r is the inner dimension, far below d and k",
)


def en(key: str, **values: object) -> str:
    return translate(key, "en", **values)


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))], 2)


async def idle(page: Any) -> None:
    await page.wait_for_timeout(300)
    await page.wait_for_selector(IDLE, timeout=TIMEOUT_MS)


class Run:
    def __init__(self, learners: int) -> None:
        self.learners = learners
        self.errors: list[str] = []
        self.acks: dict[int, list[float]] = {0: [], 1: []}  # question -> ack times (monotonic)
        self.count_seen: dict[int, list[tuple[float, int]]] = {0: [], 1: []}
        self.open_latency: list[float] = []
        self.reveal_latency: list[float] = []
        self.open_delivered: list[float] = []
        self.reveal_delivered: list[float] = []
        self.opened_at: dict[int, float] = {}
        self.revealed_at: dict[int, float] = {}
        self.server_pid = 0  # debug: its threads' stacks are dumped when a learner is stuck
        self.stuck: list[dict] = []  # what a stuck learner's page showed


async def learner(
    run: Run,
    browser: Any,
    url: str,
    code: str,
    i: int,
    joined: asyncio.Event,
    go: list[asyncio.Event],
    done: list[asyncio.Event],
) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 720}, locale="en-US")
    page = await context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    frames = watch_frames(page)  # cheap counters: a stuck page is described in any run
    arrivals = watch_arrivals(page)
    step = "join"
    try:
        await page.goto(f"{url}/group?room={code}&lang=en")
        await page.locator(".st-key-group_join_name input").fill(f"learner-{i:02d}")
        await page.locator(".st-key-group_join button").click()
        await page.get_by_text(en("group.waiting")).wait_for()
        joined.set()
        for q in (0, 1):
            await go[q].wait()
            step = f"q{q + 1} answer box"
            box = page.locator(".st-key-group_answer textarea")
            await box.wait_for()
            run.open_latency.append(time.monotonic() - run.opened_at[q])
            delivered(run.open_delivered, arrivals["box"], run.opened_at[q])
            await page.wait_for_timeout(random.uniform(0, 8000))  # people type at their own pace
            await box.fill(ANSWERS[(i + q) % len(ANSWERS)])
            step = f"q{q + 1} submit"
            await page.locator(".st-key-group_submit button").click()
            await page.get_by_text(en("group.answer_in")).wait_for()
            run.acks[q].append(time.monotonic())
            await done[q].wait()
            step = f"q{q + 1} reveal"
            await page.get_by_role("heading", name=translate("browse.answer", "en")).wait_for()
            run.reveal_latency.append(time.monotonic() - run.revealed_at[q])
            delivered(run.reveal_delivered, arrivals["key"], run.revealed_at[q])
        if await page.get_by_test_id("stException").count():
            run.errors.append(f"learner {i}: exception on the page")
    except Exception as exc:  # a timeout or a failed click: counted, and the others go on
        first = str(exc).splitlines()[0][:120]
        run.errors.append(f"learner {i} at {step}: {type(exc).__name__}: {first}")
        if not run.stuck and run.server_pid:  # the server's threads, once (GROUP_LOAD_STACKS)
            os.kill(run.server_pid, signal.SIGUSR1)
        state = await page_state(page, i, frames)
        state["key_frames_s_after_reveal"] = [
            round(t - since, 1)
            for since in run.revealed_at.values()
            for t in arrivals["key"]
            if t >= since
        ][:10]
        run.stuck.append(state)
        joined.set()
    finally:
        await context.close()


MARKERS = {
    "box": b"group_answer",  # the answer box's widget id
    "key": ("#### " + en("browse.answer")).encode(),  # the answer key's heading
}


def watch_arrivals(page: Any) -> dict[str, list[float]]:
    """When websocket frames carrying the answer box / the answer key reached this page."""
    seen: dict[str, list[float]] = {name: [] for name in MARKERS}

    def received(payload: str | bytes) -> None:
        data = payload.encode() if isinstance(payload, str) else payload
        now = time.monotonic()
        for name, marker in MARKERS.items():
            if marker in data:
                seen[name].append(now)

    page.on("websocket", lambda ws: ws.on("framereceived", received))
    return seen


def delivered(out: list[float], arrivals: list[float], since: float) -> None:
    """The first arrival after `since`, as a latency (nothing if none was seen)."""
    first = next((t for t in arrivals if t >= since), None)
    if first is not None:
        out.append(first - since)


def frame_summary(payload: str | bytes) -> str:
    """One received frame in a few words: its message type (and run status, fragment ids)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    if isinstance(payload, str):
        return "text"
    msg = ForwardMsg()
    try:
        msg.ParseFromString(payload)
    except Exception:  # not a ForwardMsg
        return f"?{len(payload)}"
    kind = msg.WhichOneof("type") or "none"
    if kind == "new_session":
        return f"new_session{list(msg.new_session.fragment_ids_this_run)}"
    if kind == "script_finished":
        return f"finished:{msg.script_finished}"
    if kind == "ref_hash":
        return f"ref_hash:{msg.ref_hash[:8]}"
    if kind == "auto_rerun":
        return f"auto_rerun:{msg.auto_rerun.fragment_id[:8]}"
    if kind == "session_status_changed":
        return "running" if msg.session_status_changed.script_is_running else "not running"
    if kind == "delta":
        cached = "+cacheable" if msg.metadata.cacheable else ""
        return f"delta:{msg.delta.WhichOneof('type')}{cached}:{len(payload)}"
    return kind


def sent_summary(payload: str | bytes) -> str:
    """One sent frame in a few words: a rerun's fragment, whether a timer sent it, its triggers."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    msg = BackMsg()
    try:
        msg.ParseFromString(payload if isinstance(payload, bytes) else payload.encode())
    except Exception:  # not a BackMsg
        return "?"
    kind = msg.WhichOneof("type") or "none"
    if kind != "rerun_script":
        return kind
    state = msg.rerun_script
    triggers = [w.id[-12:] for w in state.widget_states.widgets if w.trigger_value]
    return f"rerun:{state.fragment_id[:8] or 'app'}{':timer' if state.is_auto_rerun else ''}{triggers or ''}"


def watch_frames(page: Any) -> dict:
    """Websocket frames of one page: counts and the time of the last sent and received."""
    seen: dict[str, Any] = {"sent": 0, "received": 0, "last_sent": None, "last_received": None}
    seen["recent"] = collections.deque(maxlen=80)  # the last frames, sent (">") and received

    def on_ws(ws: Any) -> None:
        seen["sockets"] = seen.get("sockets", 0) + 1

        def sent(payload: Any) -> None:
            seen["sent"] += 1
            seen["last_sent"] = time.monotonic()
            seen["recent"].append("> " + sent_summary(payload))

        def received(payload: Any) -> None:
            seen["received"] += 1
            seen["last_received"] = time.monotonic()
            seen["recent"].append(frame_summary(payload))

        ws.on("framesent", sent)
        ws.on("framereceived", received)
        ws.on("close", lambda _: seen.__setitem__("closed", time.monotonic()))

    page.on("websocket", on_ws)
    page.on(
        "console",
        lambda m: (
            None  # Streamlit's own theme warning, once per run: noise
            if "Invalid color" in m.text
            else seen.setdefault("console", []).append(m.text[:200])
        ),
    )
    page.on("pageerror", lambda e: seen.setdefault("pageerrors", []).append(str(e)[:300]))
    return seen


async def page_state(page: Any, i: int, frames: dict) -> dict:
    """What a stuck learner's page shows and when its websocket last moved (debug)."""
    now = time.monotonic()
    state: dict[str, Any] = {"learner": i}
    for key in ("last_sent", "last_received", "closed"):
        state[f"{key}_s_ago"] = round(now - frames[key], 1) if frames.get(key) else None
    state.update({k: frames.get(k) for k in ("sent", "received", "sockets")})
    state["console"] = (frames.get("console") or [])[-5:]
    state["pageerrors"] = (frames.get("pageerrors") or [])[-3:]
    state["recent_frames"] = list(frames["recent"])
    try:
        state["app"] = await page.evaluate(
            "() => { const a = document.querySelector(\"[data-testid='stApp']\");"
            " return a ? [a.getAttribute('data-test-connection-state'),"
            " a.getAttribute('data-test-script-state')] : null }"
        )
        text = await page.locator("[data-testid='stMain']").inner_text(timeout=5000)
        state["text"] = " ".join(text.split())[:300]
        Path("/tmp/grp").mkdir(exist_ok=True)
        await page.screenshot(path=f"/tmp/grp/learner-{i}.png")
    except Exception as exc:
        state["read_error"] = str(exc).splitlines()[0][:120]
    return state


def alive(run: Run) -> int:
    return run.learners - sum(1 for e in run.errors if e.startswith("learner"))


async def watch_count(run: Run, page: Any, q: int, stop: asyncio.Event) -> None:
    """Sample the presenter's count in the browser every 100 ms (what the projector shows)."""
    while not stop.is_set():
        try:
            text = await page.evaluate(
                f"() => document.querySelector(\"{COUNT}\")?.innerText.trim() || ''"
            )
            if "/" in text:
                run.count_seen[q].append((time.monotonic(), int(text.split("/")[0])))
        except Exception:  # a rerun replaced the element mid-read
            pass
        await asyncio.sleep(0.1)


def answer_latencies(run: Run, q: int) -> list[float]:
    """k-th acknowledged answer -> first time the presenter showed at least k answers."""
    out = []
    for k, acked in enumerate(sorted(run.acks[q]), start=1):
        seen = next((t for t, n in run.count_seen[q] if n >= k and t >= acked - 0.05), None)
        if seen is None:
            run.errors.append(f"question {q + 1}: answer {k} never shown to the presenter")
        else:
            out.append(max(0.0, seen - acked))
    return out


async def session(url: str, learners: int, server_pid: int, client: str) -> dict:
    from playwright.async_api import async_playwright

    run = Run(learners)
    run.server_pid = server_pid if os.environ.get("GROUP_LOAD_STACKS") else 0
    result: dict[str, Any] = {}
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=client, headless=True, args=CHROMIUM_ARGS
        )
        host_ctx = await browser.new_context(
            viewport={"width": 1280, "height": 720}, locale="en-US"
        )
        host = await host_ctx.new_page()
        host.set_default_timeout(TIMEOUT_MS)
        await host.goto(f"{url}/?lang=en")
        await idle(host)
        await host.goto(f"{url}/group?lang=en")
        await idle(host)
        await host.locator(".st-key-group_role").get_by_text(en("group.role.presenter")).click()
        await idle(host)
        await host.locator(".st-key-group_create button").click()
        await host.locator(".st-key-group_code").wait_for()
        code = (
            await host.locator(".st-key-group_code [data-testid='stMetricValue']").inner_text()
        ).strip()

        go = [asyncio.Event(), asyncio.Event()]
        done = [asyncio.Event(), asyncio.Event()]
        joined = [asyncio.Event() for _ in range(learners)]
        tasks = []
        for i in range(learners):
            tasks.append(
                asyncio.create_task(learner(run, browser, url, code, i, joined[i], go, done))
            )
            await asyncio.sleep(0.5)  # arrivals spread over a few seconds, as in a room
        await asyncio.gather(*(e.wait() for e in joined))

        # Idle phase: everyone waits for the first question; only the polls run.
        await asyncio.sleep(5)
        cpu0, t0 = cpu_seconds(server_pid), time.monotonic()
        await asyncio.sleep(30)
        result["idle_cpu_share"] = round(
            (cpu_seconds(server_pid) - cpu0) / (time.monotonic() - t0), 3
        )

        cpu_run, t_run = cpu_seconds(server_pid), time.monotonic()
        for q in (0, 1):
            stop = asyncio.Event()
            watcher = asyncio.create_task(watch_count(run, host, q, stop))
            await host.locator(".st-key-group_open_next button").click()
            run.opened_at[q] = time.monotonic()
            go[q].set()
            deadline = time.monotonic() + 120
            while len(run.acks[q]) < learners - sum(
                1 for e in run.errors if e.startswith("learner")
            ):
                if time.monotonic() > deadline:
                    break
                await asyncio.sleep(0.2)
            await asyncio.sleep(4)  # the last poll after the last answer
            stop.set()
            await watcher
            await host.locator(".st-key-group_reveal button").click()
            run.revealed_at[q] = time.monotonic()
            if os.environ.get("GROUP_LOAD_DEBUG"):
                await host.wait_for_timeout(3000)
                await host.screenshot(path=f"/tmp/grp/host-{q}.png")
            done[q].set()
            deadline = time.monotonic() + 180  # a class reads the key before the next question
            while len(run.reveal_latency) < (q + 1) * alive(run) and time.monotonic() < deadline:
                await asyncio.sleep(0.2)
        await asyncio.gather(*tasks)
        result["run_cpu_share"] = round(
            (cpu_seconds(server_pid) - cpu_run) / (time.monotonic() - t_run), 3
        )
        result["presenter_exceptions"] = await host.get_by_test_id("stException").count()
        await browser.close()

    lat = answer_latencies(run, 0) + answer_latencies(run, 1)
    result.update(
        code=code,
        learners=learners,
        answers_acknowledged=len(run.acks[0]) + len(run.acks[1]),
        answer_to_presenter_s={"p50": pct(lat, 0.5), "p95": pct(lat, 0.95), "max": pct(lat, 1.0)},
        open_to_learner_s={"p50": pct(run.open_latency, 0.5), "p95": pct(run.open_latency, 0.95)},
        reveal_to_learner_s={
            "p50": pct(run.reveal_latency, 0.5),
            "p95": pct(run.reveal_latency, 0.95),
        },
        open_delivered_s={
            "p50": pct(run.open_delivered, 0.5),
            "p95": pct(run.open_delivered, 0.95),
        },
        reveal_delivered_s={
            "p50": pct(run.reveal_delivered, 0.5),
            "p95": pct(run.reveal_delivered, 0.95),
        },
        errors=run.errors,
    )
    if run.stuck:
        result["stuck"] = run.stuck
    return result


def runner_race(log: Path) -> dict[str, int]:
    """What bench/runner_race_hook saw: runners replaced with events queued, events kept/ignored."""
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    words = [line.split()[1] for line in lines if len(line.split()) > 1]
    return {kind: words.count(kind) for kind in ("replaced", "kept", "ignored")}


def stored_answers(url: str, code: str) -> int:
    from studykit.rooms import RoomService
    from studykit.store import open_store

    store = open_store(url)
    try:
        rooms = RoomService(store.engine)
        return len(rooms.answers(rooms.room(code)))
    finally:
        store.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=30)
    parser.add_argument("--postgres", action="store_true", help="start a throwaway PostgreSQL")
    parser.add_argument("--markdown", type=Path, help="append a results section to this file")
    args = parser.parse_args()
    client = next((c for c in CLIENTS if Path(c).exists()), CLIENTS[-1])
    data = Path(tempfile.mkdtemp(prefix="group-load-"))
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")

    def go(db_url: str | None) -> dict:
        race_log = data / "runner_race.log"
        env = {"PYTHONPATH": os.pathsep.join([str(RACE_HOOK), str(ROOT)])}
        env["LORA_LAB_RUNNER_RACE_LOG"] = str(race_log)
        if db_url:
            env["LORA_LAB_DATABASE_URL"] = db_url
        proc, url = start_server(data, env)
        try:
            result = asyncio.run(session(url, args.learners, proc.pid, client))
        finally:
            stop_server(proc)
        result["stored_answers"] = stored_answers(
            db_url or f"sqlite:///{data / 'progress.sqlite3'}", result["code"]
        )
        result["backend"] = "PostgreSQL" if db_url else "SQLite"
        result["runner_race"] = runner_race(race_log)
        return result

    if args.postgres:
        bin_dir = pg_bin()
        if bin_dir is None:
            sys.exit("PostgreSQL server binaries not found")
        with throwaway_postgres(bin_dir, fsync=True) as pg_url:
            result = go(pg_url)
    else:
        result = go(None)
    result["started_utc"] = started
    result["load_average"] = [round(x, 1) for x in os.getloadavg()]
    result["machine"] = machine(client)
    result["refresh_s"] = float(os.environ.get("LORA_LAB_GROUP_REFRESH_S", "2"))
    print(json.dumps(result, indent=2))
    if args.markdown:
        with args.markdown.open("a", encoding="utf-8") as f:
            f.write("\n" + markdown(result, args))


def markdown(r: dict, args: argparse.Namespace) -> str:
    m = r["machine"]
    a, o, v = r["answer_to_presenter_s"], r["open_to_learner_s"], r["reveal_to_learner_s"]
    od, vd = r["open_delivered_s"], r["reveal_delivered_s"]
    race = r["runner_race"]
    errors = len(r["errors"]) + r["presenter_exceptions"]
    lines = [
        f"## Study group: {r['learners']} learners + presenter ({r['backend']})",
        "",
        f"Run: {r['started_utc']} UTC, `.venv/bin/python bench/group_load.py --learners {r['learners']}"
        f"{' --postgres' if args.postgres else ''}` (live views poll every {r['refresh_s']:g} s)",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores shared with other work (load average at the end "
        f"{', '.join(map(str, r['load_average']))}); {m['chromium']} runs all {r['learners'] + 1} "
        f"browser contexts on the same machine; python {m['python']}, streamlit {m['streamlit']}.",
        "",
        "| measure | value | target |",
        "|---|---|---|",
        f"| server CPU while {r['learners']} learners wait (polls only, 30 s) | "
        f"{r['idle_cpu_share']:.2f} of one core | low |",
        f"| server CPU over the two questions (joins excluded) | {r['run_cpu_share']:.2f} of one core | |",
        f"| answer acknowledged → presenter's count shows it, p50 / p95 / max | "
        f"{a['p50']} / {a['p95']} / {a['max']} s | p95 ≤ 3 s |",
        f"| presenter opens → learner sees the answer box, p50 / p95 | {o['p50']} / {o['p95']} s | |",
        f"| … the server's message reaches the learner's browser, p50 / p95 | {od['p50']} / {od['p95']} s | |",
        f"| presenter reveals → learner sees the answer key, p50 / p95 | {v['p50']} / {v['p95']} s | |",
        f"| … the server's message reaches the learner's browser, p50 / p95 | {vd['p50']} / {vd['p95']} s | |",
        f"| answers acknowledged / rows stored | {r['answers_acknowledged']} / {r['stored_answers']} | "
        f"equal, {2 * r['learners']} |",
        f"| errors (stException, timeouts, answers never shown) | {errors} | 0 |",
        f"| script runners replaced with events queued / their events kept / events ignored | "
        f"{race['replaced']} / {race['kept']} / {race['ignored']} | |",
    ]
    if r["errors"]:
        lines += ["", "Errors:", *(f"- {e}" for e in r["errors"][:10])]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
