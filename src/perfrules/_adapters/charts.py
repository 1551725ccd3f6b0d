"""
Inline SVG charts for statements: the score waterfall and the score distribution.

Charts are plain SVG strings with no script and no external reference, so a
statement works from a file and prints as it shows.  Every bar carries its
numbers as ``data-`` attributes, which is what tests read back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from html import escape
from typing import Any

import attrs

__all__ = ["Step", "distribution_svg", "score_steps", "waterfall_svg"]

_COLOURS = {
    "base": "#8a94a6",
    "formula": "#3b6fb6",
    "indicator": "#3b6fb6",
    "section": "#3b6fb6",
    "adjustment+": "#2e9e5b",
    "adjustment-": "#c8553d",
    "limit": "#d49a1f",
    "rounding": "#8a94a6",
    "other": "#8a94a6",
    "score": "#1f2d3d",
    "pay": "#6a4c93",
}


@attrs.frozen
class Step:
    """
    One bar of the waterfall: what moved the score, and by how much.
    """

    kind: str
    label: str
    delta: Decimal


def score_steps(explanation: Mapping[str, Any], score: Decimal, labels: Mapping[str, str]) -> list[Step]:
    """
    Return the steps from nothing to ``score``: base, indicators and sections, adjustments, limits, rounding.

    ``explanation`` is ``explain(plan, result).to_dict()``.  The steps always add
    up to the score: whatever the recorded facts do not account for (a veto)
    is one more step.
    """
    lines = explanation["lines"]
    kinds = {ln["name"]: ln["kind"] for ln in lines}
    named = {ln["name"]: ln["label"] or ln["name"] for ln in lines}
    facts: dict[str, Any] = next((ln["facts"] for ln in lines if ln["kind"] == "score"), {})
    steps: list[Step] = []
    if "terms" in facts:
        base = Decimal(facts.get("base", "0"))
        if base:
            steps.append(Step("base", labels["base"], base))
        for name, value in facts["terms"]:
            delta = Decimal(value)
            kind = kinds.get(name, "indicator")
            if kind in ("penalty", "bonus"):
                if not delta:
                    continue
                kind = "adjustment"
            steps.append(Step(kind, named.get(name, name), delta))
    elif facts.get("sum") is not None:
        steps.append(Step("formula", str(facts.get("formula", labels["formula"])), Decimal(facts["sum"])))
    if "limited_by" in facts:
        steps.append(
            Step(
                "limit",
                f"{labels[facts['limited_by']]} {facts['limit']}",
                Decimal(facts["limit"]) - Decimal(facts["before_limit"]),
            )
        )
    rest = score - sum((s.delta for s in steps), Decimal(0))
    if rest:
        steps.append(Step("rounding" if "rounding" in facts else "other", labels["rounding"], rest))
    return steps


def _short(label: str) -> str:
    # About 170 pixels of label: 28 Latin letters or 14 Chinese characters.
    width, out = 0, ""
    for c in label:
        width += 2 if ord(c) > 0x2E80 else 1
        if width > 28:
            return out.rstrip() + "…"
        out += c
    return out


def _fmt(x: Decimal) -> str:
    return f"{x.normalize():f}" if x == x.to_integral_value() else str(x)


def waterfall_svg(
    steps: Sequence[Step], score: Decimal, pay: Sequence[tuple[str, Decimal]], labels: Mapping[str, str]
) -> str:
    """
    Return the waterfall: each step from where the last ended, the score, then the pay lines on their own scale.
    """
    width, row, left, bar_w = 720, 26, 190, 300
    running, lows, highs = Decimal(0), [Decimal(0)], [Decimal(0)]
    for s in steps:
        running += s.delta
        lows.append(running)
        highs.append(running)
    lo, hi = min(*lows, score), max(*highs, score)
    span = (hi - lo) or Decimal(1)

    def x(v: Decimal) -> float:
        return left + float((v - lo) / span) * bar_w

    rows: list[str] = []
    y, at = 30, Decimal(0)
    for s in steps:
        start, end = at, at + s.delta
        kind = s.kind if s.kind != "adjustment" else ("adjustment+" if s.delta > 0 else "adjustment-")
        x0, x1 = sorted((x(start), x(end)))
        rows.append(
            f'<g class="step" data-kind="{s.kind}" data-delta="{s.delta}">'
            f"<title>{escape(s.label)}</title>"
            f'<text x="{left - 8}" y="{y + 15}" text-anchor="end">{escape(_short(s.label))}</text>'
            f'<rect class="bar" x="{x0:.1f}" y="{y + 3}" width="{max(x1 - x0, 1.5):.1f}" height="{row - 8}" '
            f'fill="{_COLOURS[kind]}"/>'
            f'<text x="{max(x0, x1) + 6:.1f}" y="{y + 15}">{"+" if s.delta > 0 else ""}{_fmt(s.delta)}</text></g>'
        )
        at, y = end, y + row
    rows.append(
        f'<g class="total" data-value="{score}"><text x="{left - 8}" y="{y + 15}" text-anchor="end" '
        f'font-weight="bold">{escape(labels["score"])}</text>'
        f'<rect class="bar" x="{min(x(Decimal(0)), x(score)):.1f}" y="{y + 3}" '
        f'width="{max(abs(x(score) - x(Decimal(0))), 1.5):.1f}" height="{row - 8}" fill="{_COLOURS["score"]}"/>'
        f'<text x="{max(x(Decimal(0)), x(score)) + 6:.1f}" y="{y + 15}" font-weight="bold">{_fmt(score)}</text></g>'
    )
    y += row + 14
    top = max((abs(v) for _, v in pay), default=Decimal(0)) or Decimal(1)
    if pay:
        rows.append(f'<text x="{left - 8}" y="{y + 8}" text-anchor="end" class="axis">{escape(labels["pay"])} →</text>')
        y += 14
    for name, value in pay:
        w = float(abs(value) / top) * bar_w
        rows.append(
            f'<g class="pay" data-value="{value}"><title>{escape(name)}</title>'
            f'<text x="{left - 8}" y="{y + 15}" text-anchor="end">{escape(_short(name))}</text>'
            f'<rect class="bar" x="{left}" y="{y + 3}" width="{max(w, 1.5):.1f}" '
            f'height="{row - 8}" fill="{_COLOURS["pay"]}"/><text x="{left + w + 6:.1f}" y="{y + 15}">{value}</text></g>'
        )
        y += row
    zero = x(Decimal(0))
    axis = f'<line x1="{zero:.1f}" y1="24" x2="{zero:.1f}" y2="{30 + row * (len(steps) + 1)}" class="zero"/>'
    return (
        f'<svg class="waterfall" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {y + 10}" '
        f'width="100%" role="img" aria-label="{escape(labels["waterfall"])}">'
        f'<text x="0" y="14" class="title">{escape(labels["waterfall"])}</text>{axis}{"".join(rows)}</svg>'
    )


def distribution_svg(scores: Sequence[Decimal], mine: Decimal, labels: Mapping[str, str], bins: int = 10) -> str:
    """
    Return a histogram of ``scores`` with the bin holding ``mine`` marked.
    """
    width, height, pad = 720, 150, 30
    lo, hi = min(scores), max(scores)
    span = (hi - lo) or Decimal(1)
    counts = [0] * bins
    for s in scores:
        counts[min(int((s - lo) / span * bins), bins - 1)] += 1
    at = min(int((mine - lo) / span * bins), bins - 1)
    top = max(counts)
    bw = (width - 2 * pad) / bins
    bars = []
    for k, c in enumerate(counts):
        h = (height - 50) * c / top
        fill = "#c8553d" if k == at else "#b8c4d6"
        bars.append(
            f'<rect class="bin" data-count="{c}" x="{pad + k * bw + 1:.1f}" y="{height - 25 - h:.1f}" '
            f'width="{bw - 2:.1f}" height="{h:.1f}" fill="{fill}"/>'
        )
    return (
        f'<svg class="distribution" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="{escape(labels["distribution"])}">{"".join(bars)}'
        f'<text x="{pad}" y="{height - 8}">{_fmt(lo)}</text>'
        f'<text x="{width - pad}" y="{height - 8}" text-anchor="end">{_fmt(hi)}</text>'
        f'<text x="{pad + (at + 0.5) * bw:.1f}" y="14" text-anchor="middle" class="me">▼ {_fmt(mine)}</text></svg>'
    )
