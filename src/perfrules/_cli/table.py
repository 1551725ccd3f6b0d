"""
A plain-text results table for the terminal, aligned and readable in any font.
"""

from __future__ import annotations

import unicodedata

from .._evaluate import Results

__all__ = ["render_table"]


def _width(text: str) -> int:
    # Chinese characters take two columns in a terminal.
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - _width(text))
    return gap + text if right else text + gap


def render_table(results: Results) -> str:
    """
    Return one line per employee: id, score, grade, payouts and flags, with a header.
    """
    payouts = list(results.results[0].payouts) if results.results else []
    header = ["employee", "score", "grade", *payouts, "flags"]
    rows = [header]
    for r in results:
        rows.append(
            [
                r.employee,
                str(r.score),
                r.grade or "",
                *(str(r.payouts[p]) for p in payouts),
                ", ".join(f.name for f in r.flags),
            ]
        )
    widths = [max(_width(row[i]) for row in rows) for i in range(len(header))]
    numeric = {1, *range(3, 3 + len(payouts))}
    lines = []
    for k, row in enumerate(rows):
        lines.append("  ".join(_pad(c, widths[i], i in numeric and k > 0) for i, c in enumerate(row)).rstrip())
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    period = results.period.label if results.period else "-"
    lines.append(f"{len(results)} employee(s), period {period}, scheme {results.scheme!r} ({results.digest[:19]})")
    return "\n".join(lines)
