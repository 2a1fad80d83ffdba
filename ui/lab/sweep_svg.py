"""The r-sweep chart as a small static SVG: trainable parameters against r, one line per size.

A picture, not a Plotly chart: a target change redraws this chart together with the new count,
and the browser drew the Plotly figure in the same frame as the count, so the count waited for
it (bench/RESULTS.md, "count after targets"). An <img> is decoded off the page's script, and the
chart has nothing to hover: the exact count of the current setting is the metric above it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape

WIDTH, HEIGHT = 640, 380
LEFT, RIGHT, TOP, BOTTOM = 78, 16, 52, 48  # plot margins: y labels, legend row, x labels
FONT_PX = 16  # shown at ~580 px wide on a 1280-px page: about 15 px, legible on a projector
COLORS = ("#4F46E5", "#E4572E", "#17A398", "#A855F7", "#F59E0B", "#0EA5E9")
THICK, THIN = 5, 2


def compact(value: float) -> str:
    """A power of ten as a short label: 1000 -> '1k', 10**7 -> '10M'."""
    for size, unit in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if value >= size:
            return f"{value / size:g}{unit}"
    return f"{value:g}"


def sweep_svg(
    rows: Sequence[Mapping[str, object]],
    sizes: Mapping[str, str],
    current: str,
    r_values: Sequence[int],
    y_title: str,
) -> str:
    """SVG of `rows` ({"model", "r", "trainable"}), one line per model in `sizes` (name -> label).

    The `current` model's line is thick; axes are log-scaled (r in powers of two, counts in
    decades). `y_title` is escaped: it comes from the locale files, but the SVG is markup.
    """
    counts = [float(row["trainable"]) for row in rows]  # type: ignore[arg-type]
    low = math.floor(math.log10(min(counts)))
    high = max(math.ceil(math.log10(max(counts))), low + 1)
    r_low, r_high = math.log2(min(r_values)), math.log2(max(r_values))

    def x_of(r: float) -> float:
        return LEFT + (math.log2(r) - r_low) / (r_high - r_low) * (WIDTH - LEFT - RIGHT)

    def y_of(count: float) -> float:
        return TOP + (high - math.log10(count)) / (high - low) * (HEIGHT - TOP - BOTTOM)

    title = escape(y_title)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'font-family="sans-serif" font-size="{FONT_PX}" fill="#31333F">',
        f"<title>{title} / r</title>",
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#FFFFFF"/>',
    ]
    for exponent in range(low, high + 1):
        y = y_of(10**exponent)
        out.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#E6E6EA"/>'
        )
        out.append(
            f'<text x="{LEFT - 8}" y="{y + 5:.1f}" text-anchor="end">{compact(10**exponent)}</text>'
        )
    for r in r_values:
        x = x_of(r)
        out.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{HEIGHT - BOTTOM}" stroke="#F0F0F3"/>'
        )
        out.append(f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 24}" text-anchor="middle">{r}</text>')
    out.append(f'<text x="{(WIDTH + LEFT) / 2:.0f}" y="{HEIGHT - 4}" text-anchor="middle">r</text>')
    middle = (HEIGHT - BOTTOM + TOP) / 2
    out.append(
        f'<text transform="translate(16 {middle:.0f}) rotate(-90)" text-anchor="middle">{title}</text>'
    )
    slot = (WIDTH - LEFT) / max(len(sizes), 1)
    for i, (name, label) in enumerate(sizes.items()):
        color = COLORS[i % len(COLORS)]
        width = THICK if name == current else THIN
        points = [
            (x_of(float(row["r"])), y_of(float(row["trainable"])))  # type: ignore[arg-type]
            for row in rows
            if row["model"] == name
        ]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        out.append(
            f'<polyline data-size="{escape(label)}" points="{path}" fill="none" '
            f'stroke="{color}" stroke-width="{width}"/>'
        )
        out.extend(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{width}" fill="{color}"/>' for x, y in points
        )
        lx = LEFT + i * slot
        out.append(
            f'<line x1="{lx:.0f}" x2="{lx + 26:.0f}" y1="22" y2="22" stroke="{color}" stroke-width="{width}"/>'
        )
        out.append(f'<text x="{lx + 32:.0f}" y="28">{escape(label)}</text>')
    out.append("</svg>")
    return "\n".join(out)
