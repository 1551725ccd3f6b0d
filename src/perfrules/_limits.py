"""
The input budget: every limit on what a scheme, a formula or a row may hold, in one place.

Each limit is checked where the input is read, before it is parsed or
converted, so that nothing a file or a cell contains can make the engine
spend more than a bounded time or memory on it.  The figures are documented in
``docs/explanation/exactness-and-safety.md``; change both together.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import NamedTuple

import attrs

__all__ = ["LIMITS", "Limits", "Refusal", "has_surrogate", "number_problem", "number_text_problem", "text_problem"]


@attrs.frozen
class Limits:
    """
    Bounds on every input perfrules reads.
    """

    document_chars: int = 2_000_000
    """Characters of a scheme file."""
    document_values: int = 400_000
    """Values (scalars, lists, mappings) in a scheme document, aliases expanded."""
    document_depth: int = 32
    """Levels of nesting in a scheme document."""
    aliases: int = 100
    """YAML alias uses (``*name``) in a scheme document."""
    text_chars: int = 2_000
    """Characters of one text value of a scheme (a formula, a label, a reason)."""
    formula_chars: int = 2_000
    """Characters of one formula."""
    formula_nodes: int = 400
    """Parts (syntax nodes) of one formula."""
    formula_depth: int = 40
    """Levels of nesting of one formula."""
    name_chars: int = 64
    """Characters of a name (a metric, a parameter, a role...)."""
    elements: int = 20_000
    """Named elements of a scheme (parameters, metrics, tables, sections, indicators, adjustments, payouts,
    flags), all together; and items of any one list of a scheme (bands of a tier table, a schedule).
    Compile time is linear: 20,000 elements compile in about two seconds (``benchmarks/bench_compile.py``)."""
    number_chars: int = 100
    """Characters of one number as written (in a file or a cell), before it is read."""
    number_digits: int = 28
    """Significant digits of one number: the arithmetic context's precision."""
    number_max_exponent: int = 17
    """Largest power of ten of a number's leading digit: every number read is below 10**18."""
    number_min_exponent: int = -28
    """Smallest power of ten of a number's last digit: nothing finer than 10**-28."""
    rows: int = 2_000_000
    """Rows of one population."""
    cell_chars: int = 10_000
    """Characters of one cell."""
    list_items: int = 1_000
    """Occurrences in one list cell."""


LIMITS = Limits()

_SURROGATE = re.compile("[\ud800-\udfff]")


class Refusal(NamedTuple):
    """
    Why an input is over budget: a stable error code and a message.
    """

    code: str
    message: str

    def __str__(self) -> str:
        return self.message


def number_text_problem(text: str) -> Refusal | None:
    """
    Return why a number as written is over budget (too many characters), or ``None``.
    """
    if len(text) > LIMITS.number_chars:
        return Refusal(
            "number-out-of-range", f"a number of {len(text)} characters is longer than {LIMITS.number_chars}"
        )
    return None


def number_problem(value: Decimal) -> Refusal | None:
    """
    Return why ``value`` is outside the numbers perfrules accepts, or ``None`` when it is fine.

    Only context-free operations are used (``as_tuple``, ``adjusted``), so a value
    like ``1e999999999`` is judged without any arithmetic on it.
    """
    if not value.is_finite():
        return Refusal("number-out-of-range", f"{value} is not a finite number")
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # finite
    if len(digits) > LIMITS.number_digits:
        return Refusal("number-out-of-range", f"a number of {len(digits)} digits has more than {LIMITS.number_digits}")
    if value and value.adjusted() > LIMITS.number_max_exponent:
        return Refusal(
            "number-out-of-range", f"{value} is too large: numbers must be below 10^{LIMITS.number_max_exponent + 1}"
        )
    if exponent < LIMITS.number_min_exponent:
        return Refusal("number-out-of-range", f"{value} has digits below 10^{LIMITS.number_min_exponent}")
    if exponent > LIMITS.number_max_exponent:
        return Refusal(
            "number-out-of-range", f"{value} is too large: numbers must be below 10^{LIMITS.number_max_exponent + 1}"
        )
    return None


def text_problem(text: str) -> Refusal | None:
    """
    Return why a text value of a scheme is over budget or not storable as UTF-8, or ``None``.
    """
    if len(text) > LIMITS.text_chars:
        return Refusal("text-too-long", f"text of {len(text)} characters is longer than {LIMITS.text_chars}")
    if _SURROGATE.search(text):
        return Refusal("bad-text", "text holds a lone surrogate character, which UTF-8 cannot store")
    return None


def has_surrogate(text: str) -> bool:
    """
    Return whether ``text`` holds a lone surrogate, which cannot be written as UTF-8 (to a file or the ledger).
    """
    return not text.isascii() and _SURROGATE.search(text) is not None
