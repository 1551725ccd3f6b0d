"""
Wording shared by every kind's sentences: numbers as people read them, names, limits, terms.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .._formula import TOTALS, total_of
from .base import Line

__all__ = ["COMMON", "limits_text", "name_text", "number", "terms_text", "what"]

#: Sentences more than one kind uses, in every language.
COMMON: dict[str, dict[str, str]] = {
    "en": {
        "title": "Explanation for {employee}, period {period}, scheme {scheme}",
        "weight": " × {weight}% = {value}",
        "cap": "; capped at {limit} (was {before})",
        "floor": "; raised to floor {limit} (was {before})",
        "not_applied": "{what}: condition {when} does not hold → 0",
        "applied": " (condition {when} holds)",
        "vetoed": "; vetoed by {who} ({why}) → 0",
        "final": " → {value}",
        "rounded": "; rounded to {places} places ({mode}) → {value}",
        "reads": "   where {reads}",
        "none": "none",
    },
    "zh": {
        "title": "{employee} 的考核说明，周期 {period}，方案 {scheme}",
        "weight": " × 权重 {weight}% = {value}",
        "cap": "；封顶 {limit}（原为 {before}）",
        "floor": "；保底 {limit}（原为 {before}）",
        "not_applied": "{what}：条件 {when} 不成立 → 0",
        "applied": "（条件 {when} 成立）",
        "vetoed": "；被否决指标 {who}（{why}）否决 → 0",
        "final": " → {value}",
        "rounded": "；保留 {places} 位小数（{mode}）→ {value}",
        "reads": "   其中 {reads}",
        "none": "无",
    },
}


def number(value: Any) -> str:
    """
    Return a value as a person reads it: Decimals without trailing zeros past two places, true/false.
    """
    if isinstance(value, Decimal):
        text = format(value, "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".") if len(text.split(".")[1]) > 2 else text
        return text
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(number(v) for v in value) + "]"
    return str(value)


def name_text(key: str) -> str:
    """
    Return a value's name as written in formulas (``team_avg__score`` → ``team_avg(score)``).
    """
    key, _, over = key.partition("___")
    function, _, argument = key.partition("__")
    for call in ("prior", "has_prior", *TOTALS):
        if function.startswith(call + "_") and function[len(call) + 1 :].isdigit():
            return f"{call}({argument}, {function[len(call) + 1 :]})"
    total = total_of(function)
    if total is not None and total[1] is not None:
        return f"{total[0]}({argument}, since={total[1]})"
    if over:
        argument += f"__over={over}"
    return f"{function}({argument.replace('__', ', ')})" if argument else key


def terms_text(terms: list[tuple[str, Decimal]]) -> str:
    """
    Return signed terms as `` + 3 (a) − 2 (b)``; zero terms (no breach, no bonus) are left out.
    """
    return "".join(f" {'−' if v < 0 else '+'} {number(abs(v))} ({name_text(name)})" for name, v in terms if v)


def limits_text(w: Mapping[str, str], facts: Mapping[str, Any]) -> str:
    """
    Return the sentence part saying which limit changed a value, if one did.
    """
    by = facts.get("limited_by")
    if by is None:
        return ""
    return w[by].format(limit=number(facts["limit"]), before=number(facts["before_limit"]))


def what(line: Line) -> str:
    """
    Return how a line names its element: ``label (name)`` or the name.
    """
    return f"{line.label} ({line.name})" if line.label else line.name
