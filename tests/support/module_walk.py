"""Trace which project modules (ui/, lora_demo/, studykit/) one action walks through, in order.

A *visit* starts when code of module B runs while the innermost open visit is in another module
(or none): A calling its own helpers, or B returning to A, is no new visit. A module whose visits
call no other project module is a *lookup* (a table such as ``lora_demo.architecture``); the
*walk* is the visits to every other module, consecutive repeats collapsed. A module the walk
enters again after leaving it (A -> B -> A) is listed in ``reentered``.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
ROOMS = ("ui", "lora_demo", "studykit")


@dataclass(frozen=True)
class Walk:
    visits: tuple[str, ...]  # every visit in order, lookups included
    walk: tuple[str, ...]  # rooms visited in order (consecutive repeats collapsed)
    lookups: dict[str, int]  # leaf modules -> how many visits
    reentered: tuple[str, ...]  # rooms visited again after the walk had left them
    settings_checks: int  # LoraSettings validations (``__post_init__`` runs)
    result: Any  # what the action returned


def module_of(filename: str) -> str | None:
    """``lora_demo.config`` for a project source file under one of the rooms, else None."""
    try:
        rel = Path(filename).resolve().relative_to(ROOT)
    except ValueError:
        return None
    if rel.parts[0] not in ROOMS or rel.suffix != ".py":
        return None
    return ".".join(rel.with_suffix("").parts).removesuffix(".__init__")


def trace_walk(action: Callable[[], Any]) -> Walk:
    """Run ``action`` under ``sys.setprofile`` and describe the modules it walked through."""
    from lora_demo.config import LoraSettings

    check_code = LoraSettings.__post_init__.__code__
    visits: list[str] = []  # module of each visit, in order
    rooms: set[str] = set()  # modules with a visit that called another project module
    open_visits: list[tuple[FrameType, str]] = []  # (entry frame, module), innermost last
    checks = 0

    def profile(frame: FrameType, event: str, _arg: object) -> None:
        nonlocal checks
        if event == "return":
            if open_visits and open_visits[-1][0] is frame:
                open_visits.pop()
            return
        if event != "call":
            return
        if frame.f_code is check_code:
            checks += 1
        mod = module_of(frame.f_code.co_filename)
        if mod is None or (open_visits and open_visits[-1][1] == mod):
            return
        if open_visits:
            rooms.add(open_visits[-1][1])
        visits.append(mod)
        open_visits.append((frame, mod))

    sys.setprofile(profile)
    try:
        result = action()
    finally:
        sys.setprofile(None)
    walk: list[str] = []
    for mod in visits:
        if mod in rooms and (not walk or walk[-1] != mod):
            walk.append(mod)
    counts = Counter(walk)
    return Walk(
        visits=tuple(visits),
        walk=tuple(walk),
        lookups=dict(Counter(m for m in visits if m not in rooms)),
        reentered=tuple(m for m in dict.fromkeys(walk) if counts[m] > 1),
        settings_checks=checks,
        result=result,
    )
