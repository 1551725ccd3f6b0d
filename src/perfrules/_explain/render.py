"""
Renderers for explanations: text in English or Chinese, and JSON.

They read :class:`~perfrules._kinds.Line` records and nothing else; the
sentence for each line is its rule kind's own (see :mod:`perfrules._kinds`),
so a host application can write its own renderer (HTML, a payslip PDF) from
the same plain data.
"""

from __future__ import annotations

import json

from .._kinds import COMMON, by_kind, name_text, number
from .trace import Explanation

__all__ = ["LANGUAGES", "render_json", "render_text"]

LANGUAGES = tuple(COMMON)

#: Each language's sentences: the shared ones and every kind's own, worked out once.
_WORDS = {
    lang: {**COMMON[lang], **{k: v for kind in by_kind.values() for k, v in kind.words[lang].items()}}
    for lang in LANGUAGES
}


def render_text(explanation: Explanation, lang: str = "en") -> str:
    """
    Return the explanation as numbered payslip-like lines in ``lang`` (``en`` or ``zh``).
    """
    if lang not in _WORDS:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)} (got {lang!r})")
    w = _WORDS[lang]
    out = [
        w["title"].format(employee=explanation.employee, period=explanation.period or "-", scheme=explanation.scheme)
    ]
    for line in explanation.lines:
        quiet = not line.facts.get("gross") or line.facts.get("applies") is False
        if line.kind in ("penalty", "bonus") and not line.value and quiet and not line.facts.get("held"):
            continue  # nothing happened: keep the statement short
        text = by_kind[line.kind].render(w, line)
        if text is None:
            continue
        out.append(f"- {text}")
        shown = {k: v for k, v in line.reads.items() if k != line.name}
        if shown and line.kind in ("metric", "payout", "flag", "score"):
            out.append(w["reads"].format(reads=", ".join(f"{name_text(k)}={number(v)}" for k, v in shown.items())))
    return "\n".join(out)


def render_json(explanation: Explanation) -> str:
    """
    Return the explanation as JSON text (Decimals as exact strings).
    """
    return json.dumps(explanation.to_dict(), ensure_ascii=False, indent=2)
