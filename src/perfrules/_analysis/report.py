"""
The what-if report as one self-contained HTML page, with an inline-SVG histogram of the changes.

No script and no external file, so it opens anywhere and prints as is.
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal
from html import escape

from .interval import number_text
from .versions import Delta, WhatIf

__all__ = ["histogram_svg", "render_html"]

_BINS = 12
_CENT = Decimal("0.01")
_W, _H, _PAD = 640, 240, 36


def _bins(changes: list[Decimal]) -> list[tuple[Decimal, Decimal, int]]:
    lo, hi = min(changes), max(changes)
    if lo == hi:
        return [(lo, hi, len(changes))]
    width = (hi - lo) / _BINS
    counts = [0] * _BINS
    for c in changes:
        k = int(((c - lo) / width).to_integral_value(rounding=ROUND_FLOOR))
        counts[min(k, _BINS - 1)] += 1
    return [(lo + width * k, lo + width * (k + 1), n) for k, n in enumerate(counts)]


def histogram_svg(changes: list[Decimal], label: str) -> str:
    """
    Return an SVG bar chart of how many people's ``label`` changed by how much.
    """
    if not changes:
        return '<p class="none">No one to chart.</p>'
    bins = _bins(changes)
    top = max(n for *_, n in bins)
    bar = (_W - 2 * _PAD) / len(bins)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_W}" height="{_H}" viewBox="0 0 {_W} {_H}" '
        f'role="img" aria-label="histogram of the change of {escape(label)}">',
        f'<line x1="{_PAD}" y1="{_H - _PAD}" x2="{_W - _PAD}" y2="{_H - _PAD}" stroke="#444"/>',
    ]
    for k, (a, b, n) in enumerate(bins):
        h = 0 if top == 0 else (_H - 2 * _PAD) * n / top
        x, y = _PAD + k * bar, _H - _PAD - h
        colour = "#c0392b" if b <= 0 and a < 0 else "#27ae60" if a >= 0 and b > 0 else "#7f8c8d"
        parts.append(
            f'<rect x="{x + 1:.1f}" y="{y:.1f}" width="{bar - 2:.1f}" height="{h:.1f}" fill="{colour}">'
            f"<title>{escape(_n(a))} to {escape(_n(b))}: {n}</title></rect>"
        )
        if n:
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" font-size="11">{n}</text>')
    parts.append(f'<text x="{_PAD}" y="{_H - 12}" font-size="11">{escape(_n(bins[0][0]))}</text>')
    parts.append(
        f'<text x="{_W - _PAD}" y="{_H - 12}" font-size="11" text-anchor="end">{escape(_n(bins[-1][1]))}</text>'
    )
    parts.append(
        f'<text x="{_W / 2}" y="{_H - 12}" font-size="11" text-anchor="middle">change of {escape(label)}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def _n(x: Decimal) -> str:
    # Bin edges are shown to the cent (or in scientific notation when huge).
    if abs(x.adjusted()) > 24:
        return number_text(x)
    return format(x.quantize(_CENT) if x != x.quantize(_CENT) else x, "f")


def _who(d: Delta) -> str:
    return escape(d.employee + (f" ({d.period})" if d.period else ""))


def _signed(x: Decimal) -> str:
    return f"+{x}" if x > 0 else str(x)


_STYLE = """
body{font-family:system-ui,sans-serif;margin:2em;max-width:60em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}
th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}.up{color:#1e8449}.down{color:#c0392b}
pre{background:#f8f8f8;padding:.6em;white-space:pre-wrap;font-size:.85em}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:1em}
"""


_HEAD = "<th>people</th><th>old</th><th>new</th><th>change</th></tr>"


def _cls(x: Decimal) -> str:
    return "up" if x > 0 else "down" if x < 0 else ""


def render_html(w: WhatIf) -> str:
    """
    Return the what-if report as a self-contained HTML page.
    """
    change = w.total_new - w.total_old
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>What-if: {escape(w.old_name)} → {escape(w.new_name)}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>What-if: {escape(w.old_name)} → {escape(w.new_name)}</h1>",
        f"<p>{len(w.deltas)} employee-period(s), by <b>{escape(w.amount)}</b>: total {w.total_old} → {w.total_new} "
        f'(<span class="{_cls(change)}">{_signed(change)}</span>). Nothing was written.</p>',
        "<h2>Distribution of changes</h2>",
        histogram_svg([d.change for d in w.deltas], w.amount),
    ]
    for key in ("team", "grade"):
        out.append(
            f"<h2>By {key}</h2><table><tr><th>{key}</th><th>people</th><th>old</th><th>new</th><th>change</th></tr>"
        )
        for g, o, n, k in w.totals(key):
            out.append(
                f"<tr><td>{escape(g)}</td><td>{k}</td><td>{o}</td><td>{n}</td>"
                f'<td class="{_cls(n - o)}">{_signed(n - o)}</td></tr>'
            )
        out.append("</table>")
    out.append("<h2>Grade or flag changes</h2>")
    if not w.regraded:
        out.append("<p>None.</p>")
    else:
        out.append(
            "<table><tr><th>employee</th><th>old grade</th><th>new grade</th><th>old flags</th><th>new flags</th></tr>"
        )
        for d in w.regraded:
            out.append(
                f"<tr><td>{_who(d)}</td><td>{escape(d.old_grade or '')}</td><td>{escape(d.new_grade or '')}</td>"
                f"<td>{escape(', '.join(d.old_flags))}</td><td>{escape(', '.join(d.new_flags))}</td></tr>"
            )
        out.append("</table>")
    out.append("<h2>Largest changes</h2>")
    for d in w.largest:
        out.append(
            f"<h3>{_who(d)}: {d.amount_old} → {d.amount_new} "
            f'(<span class="{_cls(d.change)}">{_signed(d.change)}</span>)</h3>'
            f'<div class="pair"><div><b>old</b><pre>{escape(d.old_explanation)}</pre></div>'
            f"<div><b>new</b><pre>{escape(d.new_explanation)}</pre></div></div>"
        )
    out.append("<h2>Every employee</h2><table><tr><th>employee</th><th>old</th><th>new</th><th>change</th></tr>")
    for d in w.deltas:
        out.append(
            f"<tr><td>{_who(d)}</td><td>{d.amount_old}</td><td>{d.amount_new}</td>"
            f'<td class="{_cls(d.change)}">{_signed(d.change)}</td></tr>'
        )
    out.append("</table></body></html>")
    return "\n".join(out) + "\n"
