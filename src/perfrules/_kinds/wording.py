"""
Wording shared by every kind's sentences: numbers as people read them, names, limits, terms.

The sentences themselves are in the message catalogues (:mod:`perfrules._explain.catalogues`);
a kind names the keys it uses in ``messages`` and words a line from the mapping it is given.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .._formula import TOTALS, total_of
from .._model import plain_text
from .base import Line

__all__ = [
    "COMMON",
    "READING_PLACES",
    "before_rounding",
    "limits_text",
    "mode_text",
    "name_text",
    "number",
    "terms_text",
    "value_text",
    "what",
]

#: The messages of the ``explain`` table more than one kind uses (the text is in the catalogues).
COMMON = (
    "title",
    "weight",
    "charged",
    "total",
    "cap",
    "floor",
    "not_applied",
    "applied",
    "vetoed",
    "final",
    "rounded",
    "reads",
    "none",
    "true",
    "false",
)

#: Values with more places than this are shown rounded for reading (exact values are in the JSON form).
READING_PLACES = 4


def number(value: Any, places: int | None = None) -> str:
    """
    Return a value as a person reads it.

    With ``places`` (money), a Decimal shows exactly that many places (``10.00``).
    Otherwise trailing zeros past two places go, and a value with more than
    four places (``18.33333333333333333333333333``, what a division leaves)
    is rounded half up to two places, or to four significant digits below 1
    (``0.0001235``); explanations' JSON form keeps every digit.
    """
    if isinstance(value, Decimal):
        if not value.is_finite():
            return str(value)
        if places is not None:
            return format(value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP), "f")
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -READING_PLACES and value:
            keep = 2 if abs(value) >= 1 else max(2, 3 - value.adjusted())
            value = value.quantize(Decimal(1).scaleb(-keep), ROUND_HALF_UP)
        text = plain_text(value)
        if "." in text:
            text = text.rstrip("0").rstrip(".") if len(text.split(".")[1]) > 2 else text
        return text
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(number(v, places) for v in value) + "]"
    return str(value)


def value_text(w: Mapping[str, str], value: Any, places: int | None = None) -> str:
    """
    Return a value in the words of a language: true and false as its catalogue says them, numbers as :func:`number`.

    With ``places`` (a value read by a step that rounds to that many places),
    numbers as :func:`before_rounding`.
    """
    if isinstance(value, bool):
        return w["true" if value else "false"]
    return number(value) if places is None else before_rounding(value, places)


def before_rounding(value: Any, places: int | None) -> str:
    """
    Return a value that a rounding to ``places`` takes next: never with fewer places than the rounding keeps.

    Rounded for reading (:func:`number`), ``12.10875`` would show as ``12.11``
    before a rounding to 4 places gives ``12.1088``: a line that disagrees
    with itself.  So the value is exact when it has at most ``places + 2``
    places (four at least; trailing zeros aside); otherwise its first so many places are
    shown cut (never rounded) and followed by ``…``, so the digits shown round
    as the value does.
    """
    if places is None or not isinstance(value, Decimal) or not value.is_finite():
        return number(value)
    keep = max(places + 2, READING_PLACES)
    whole, _, part = plain_text(value).partition(".")
    digits = part.rstrip("0")  # trailing zeros (991.44000…, what a product leaves) say nothing
    if len(digits) > keep:
        return f"{whole}.{part[:keep]}…"  # cut as the text is: toward zero, never rounded
    read = number(value)
    if Decimal(read) == value:
        return read  # read as every value is when that loses nothing
    return f"{whole}.{part[: max(len(digits), 2)]}"


def mode_text(w: Mapping[str, str], mode: str) -> str:
    """
    Return a rounding mode (``half_up``) as the language's catalogue names it.
    """
    return w[f"rounding.{mode}"]


def name_text(key: str, w: Mapping[str, str] | None = None) -> str:
    """
    Return a value's name as written in formulas (``team_avg__score`` → ``team_avg(score)``).

    With a language's words ``w``, team and history functions are named in that language (``团队平均(score)``).
    """

    def fn(name: str) -> str:
        return w[f"function.{name}"] if w is not None else name

    key, _, over = key.partition("___")
    function, _, argument = key.partition("__")
    if function.startswith("charges_") and argument and w is not None:  # a share of someone else's cost (P7)
        return w["charged"].format(name=argument, relation=function[len("charges_") :])
    if not argument and w is not None and f"function.{function}" in w:  # a value of ours (hire_periods)
        return w[f"function.{function}"]
    for call in ("prior", "has_prior", *TOTALS):
        if function.startswith(call + "_") and function[len(call) + 1 :].isdigit():
            return f"{fn(call)}({argument}, {function[len(call) + 1 :]})"
    total = total_of(function)
    if total is not None and total[1] is not None:
        return f"{fn(total[0])}({argument}, {fn('since')}={fn(total[1])})"
    if over:
        argument += f"__{fn('over')}={fn(over)}"
    return f"{fn(function)}({argument.replace('__', ', ')})" if argument else key


def terms_text(terms: list[tuple[str, Decimal]], places: int | None = None, w: Mapping[str, str] | None = None) -> str:
    """
    Return signed terms as `` + 3 (a) − 2 (b)``; zero terms (no breach, no bonus) are left out.

    ``places`` shows money terms with their places; ``w`` names shares of others' costs in its language.
    """
    return "".join(
        f" {'−' if v < 0 else '+'} {number(abs(v), places)} ({name_text(name, w)})" for name, v in terms if v
    )


def limits_text(w: Mapping[str, str], facts: Mapping[str, Any], places: int | None = None) -> str:
    """
    Return the sentence part saying which limit changed a value, if one did (``places`` for money).
    """
    by = facts.get("limited_by")
    if by is None:
        return ""
    return w[by].format(limit=number(facts["limit"], places), before=number(facts["before_limit"], places))


def what(line: Line) -> str:
    """
    Return how a line names its element: ``label (name)`` or the name.
    """
    return f"{line.label} ({line.name})" if line.label else line.name
