"""The Lab's r-sweep picture: one line per size, the current size thick, counts placed on log axes."""

from __future__ import annotations

from xml.etree import ElementTree

from lora_demo import MODEL_NAMES, trainable_vs_r
from ui.lab.sweep_svg import compact, sweep_svg

SVG = "{http://www.w3.org/2000/svg}"
R_VALUES = (1, 2, 4, 8, 16, 32, 64)
SIZES = {name: name.split("_")[-1] for name in MODEL_NAMES}


def _picture(current: str = "esm2_t6_8M", title: str = "Trainable") -> ElementTree.Element:
    rows = trainable_vs_r(("query", "value"), "seq", MODEL_NAMES, R_VALUES)
    return ElementTree.fromstring(sweep_svg(rows, SIZES, current, R_VALUES, title))


def _points(line: ElementTree.Element) -> list[tuple[float, float]]:
    return [tuple(map(float, p.split(","))) for p in line.get("points").split()]


def test_one_line_per_size_and_the_current_one_is_thick() -> None:
    lines = _picture(current="esm2_t12_35M").findall(f"{SVG}polyline")
    assert [line.get("data-size") for line in lines] == list(SIZES.values())
    widths = {line.get("data-size"): line.get("stroke-width") for line in lines}
    assert widths.pop("35M") == "5" and set(widths.values()) == {"2"}


def test_more_parameters_sit_higher_and_larger_r_further_right() -> None:
    lines = _picture().findall(f"{SVG}polyline")
    for line in lines:
        xs, ys = zip(*_points(line), strict=True)
        assert list(xs) == sorted(xs) and len(set(xs)) == len(R_VALUES)
        assert list(ys) == sorted(ys, reverse=True)  # SVG y grows downwards
    first_8m, first_15b = _points(lines[0])[0], _points(lines[-1])[0]
    assert first_15b[1] < first_8m[1]


def test_points_stay_inside_the_picture() -> None:
    picture = _picture()
    _, _, width, height = map(float, picture.get("viewBox").split())
    for line in picture.findall(f"{SVG}polyline"):
        assert all(0 <= x <= width and 0 <= y <= height for x, y in _points(line))


def test_the_axis_title_is_text_not_markup() -> None:
    picture = _picture(title='<script>alert(1)</script> & "x"')
    assert not picture.findall(f".//{SVG}script")
    texts = [t.text for t in picture.iter(f"{SVG}text")]
    assert '<script>alert(1)</script> & "x"' in texts


def test_compact_labels() -> None:
    assert [compact(10**e) for e in range(0, 10, 1)] == [
        "1", "10", "100", "1k", "10k", "100k", "1M", "10M", "100M", "1B",
    ]  # fmt: skip
