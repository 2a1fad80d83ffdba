"""Lab memory with and without Streamlit's after-run garbage collection (`runner.postScriptGC`).

Study-group rooms poll every 2 s per learner, and Streamlit's full `gc.collect()` after each of those
runs was most of the server's time with 30 learners (bench/LOAD_RESULTS.md). Turning it off changes
when cyclic garbage is freed; the Lab is where that could matter (models, optimizers, PEFT wrappers).
This runs the same Lab session twice, each in a fresh process, once with the setting on and once
off, and records the process's resident memory after every round of what a study group does:
change r, run the merge check, train LoRA + full + head on 8M, look at 35M, back to 8M.

    .venv/bin/python bench/lab_memory_gc.py [--rounds 6] [--markdown bench/LOAD_RESULTS.md]

Not part of pytest.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def session(rounds: int) -> dict:
    """One Lab session under AppTest in this process; RSS in MB after each round."""
    sys.path.insert(0, str(ROOT))
    from streamlit import config
    from streamlit.testing.v1 import AppTest

    from tests.support.lab_tabs import show_tab, train_until_done

    # `streamlit run` reads STREAMLIT_* variables through its command line; AppTest does not
    on = os.environ.get("STREAMLIT_RUNNER_POST_SCRIPT_GC", "true") != "false"
    config.set_option("runner.postScriptGC", on)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page("pages/lab.py")
    at.run()
    rss = [round(_rss_mb(), 1)]
    for i in range(rounds):
        at.slider(key="lab_r").set_value(4 if i % 2 else 16).run()
        show_tab(at, "merge")  # only the open tab runs (ui/lab/lazy_tabs.py)
        at.button(key="lab_merge_run").click().run()
        show_tab(at, "train")
        at.select_slider(key="lab_steps").set_value(10)
        at.select_slider(key="lab_batch").set_value(4).run()
        train_until_done(at, timeout=600)
        show_tab(at, "merge")
        at.selectbox(key="lab_model").set_value("esm2_t12_35M").run()
        at.button(key="lab_merge_run").click().run()
        at.selectbox(key="lab_model").set_value("esm2_t6_8M").run()
        if at.exception:
            raise RuntimeError([e.value for e in at.exception])
        rss.append(round(_rss_mb(), 1))
    return {"post_script_gc": config.get_option("runner.postScriptGC"), "rss_mb": rss}


def run_child(post_script_gc: bool, rounds: int) -> dict:
    env = dict(os.environ, STREAMLIT_RUNNER_POST_SCRIPT_GC=str(post_script_gc).lower())
    with tempfile.TemporaryDirectory() as data:
        env["LORA_LAB_DATA_DIR"] = data
        out = subprocess.run(
            [sys.executable, __file__, "--child", "--rounds", str(rounds)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
    return json.loads(out.stdout.strip().splitlines()[-1])


def markdown(results: list[dict], rounds: int) -> str:
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [
        "",
        "## Lab memory with Streamlit's after-run garbage collection on and off",
        "",
        f"Run: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, `.venv/bin/python bench/lab_memory_gc.py"
        f" --rounds {rounds}` (AppTest, one Lab session per process; load average at the end {load})",
        "",
        "Each round: r changed, merge check, 10-step LoRA + full + head training on 8M, 35M selected"
        " and its merge check, back to 8M. Resident memory (MB) of the process:",
        "",
        "| postScriptGC | start | " + " | ".join(f"round {i + 1}" for i in range(rounds)) + " |",
        "|---|" + "---|" * (rounds + 1),
    ]
    for r in results:
        lines.append(
            f"| {'on' if r['post_script_gc'] else 'off'} | "
            + " | ".join(f"{x:.0f}" for x in r["rss_mb"])
            + " |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--markdown", type=Path, help="append a results section to this file")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(session(args.rounds)))
        return
    results = [run_child(True, args.rounds), run_child(False, args.rounds)]
    text = markdown(results, args.rounds)
    print(text)
    if args.markdown:
        with args.markdown.open("a", encoding="utf-8") as fh:
            fh.write(text)


if __name__ == "__main__":
    main()
