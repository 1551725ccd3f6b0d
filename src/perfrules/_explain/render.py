"""
Renderers for explanations: text in any language with a message catalogue, and JSON.

They read :class:`~perfrules._kinds.Line` records and nothing else; the
sentence for each line is its rule kind's own (see :mod:`perfrules._kinds`),
worded from the language's catalogue (see :mod:`.catalogue`), so a host
application can write its own renderer (HTML, a payslip PDF) from the same
plain data.  Text rounds long intermediate values for reading; JSON keeps
every digit.
"""

from __future__ import annotations

import json
import os

from .._kinds import by_kind, name_text, value_text
from .catalogues import BUILT_IN, Catalogue, catalogue
from .trace import Explanation

__all__ = ["LANGUAGES", "render_json", "render_text"]

#: The languages shipped inside the package; others come from catalogue files or installed packages.
LANGUAGES = BUILT_IN


def render_text(explanation: Explanation, lang: str | os.PathLike[str] | Catalogue = "en") -> str:
    """
    Return the explanation as numbered payslip-like lines in ``lang``.

    ``lang`` is a language code (``en``, ``zh``, or one an installed package
    publishes), the path of a message catalogue file, or a :class:`Catalogue`.
    Raises :class:`~perfrules.CatalogueError` for an unknown language or a catalogue that lacks messages.
    """
    w = catalogue(lang).explaining()
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
            # A payout rounds what it reads: its inputs show every place the rounding keeps, as its value does.
            places = line.facts.get("rounding", {}).get("places") if line.kind == "payout" else None
            reads = ", ".join(f"{name_text(k, w)}={value_text(w, v, places)}" for k, v in shown.items())
            out.append(w["reads"].format(reads=reads))
    return "\n".join(out)


def render_json(explanation: Explanation) -> str:
    """
    Return the explanation as JSON text (Decimals as exact strings).
    """
    return json.dumps(explanation.to_dict(), ensure_ascii=False, indent=2)
