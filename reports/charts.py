"""Charts drawn on the server as SVG: nothing to load, and every chart has its table.

Only published figures are drawn; a hidden one is marked "x" where its bar would be.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int
    label: str  # what a screen reader or a tooltip says
    hidden: bool


def grouped_bars(groups, series_labels, *, width=640, height=220, gap=6):
    """Vertical bars, one group per label (a month), one bar per series in each group.
    ``groups`` is ``[(label, [Figure, ...])]``."""
    top = max([f.value for _label, figures in groups for f in figures if not f.hidden] + [1])
    scale = _nice(top)
    inner = height - 30
    slot = width / max(len(groups), 1)
    bar_width = (slot - gap) / max(len(series_labels), 1)
    bars, ticks = [], []
    for i, (label, figures) in enumerate(groups):
        ticks.append((i * slot + slot / 2, label))
        for j, figure in enumerate(figures):
            value = 0 if figure.hidden else figure.value
            bar_height = inner * value / scale
            bars.append(
                Bar(
                    x=round(i * slot + gap / 2 + j * bar_width, 1),
                    y=round(inner - bar_height, 1),
                    width=round(bar_width - 1, 1),
                    height=round(bar_height, 1),
                    series=j,
                    label=f"{label}, {series_labels[j]}: {figure}",
                    hidden=figure.hidden,
                )
            )
    grid = [(round(inner - inner * v / scale, 1), v) for v in _steps(scale)]
    return {
        "width": width,
        "height": height,
        "bars": bars,
        "ticks": ticks,
        "grid": grid,
        "base": inner,
        "series": list(series_labels),
    }


def share_bars(rows, total, *, width=640, row_height=26):
    """Horizontal bars of each row's share of the total: ``rows`` is ``[(label, Figure)]``.
    Shares are drawn only from published figures and a published total."""
    bars = []
    for i, (label, figure) in enumerate(rows):
        share = None
        if not figure.hidden and not total.hidden and total.value:
            share = figure.value / total.value
        bars.append(
            {
                "y": i * row_height,
                "label": label,
                "width": round((width - 260) * (share or 0), 1),
                "text": "x" if share is None else f"{round(100 * share)} %",
                "hidden": share is None,
            }
        )
    return {
        "width": width,
        "height": len(rows) * row_height,
        "bars": bars,
        "row_height": row_height,
    }


def _nice(top: int) -> int:
    """A round upper bound for the axis."""
    for step in (5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000):
        if top <= step * 5:
            return -(-top // step) * step
    return top


def _steps(scale: int) -> list[int]:
    step = max(scale // 5, 1)
    return list(range(0, scale + 1, step))
