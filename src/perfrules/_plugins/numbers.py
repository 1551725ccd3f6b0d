"""
The number grammar of population cells, and the declared number format.

By default a cell holds ASCII digits with at most one ``.`` as the decimal
point, an optional sign and exponent, ``_`` between digits as in Python, and
spaces around it; commas may group thousands before a decimal point
(``1,234.5``, which has one reading only).  Anything a reader could take two ways is refused rather
than guessed: ``0,8`` (a decimal comma, or 8 with a thousands separator?),
``1,500`` (1.5 or 1500?), and digits from other scripts (Arabic-Indic ``١٢``, fullwidth
``１２``).  A caller that knows its files declares the format: a decimal
comma, a thousands separator, or both (:class:`NumberFormat`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal, InvalidOperation

import attrs

__all__ = ["NumberError", "NumberFormat", "current_format", "number_format", "parse_number"]

_SEPARATORS = (",", ".", " ", "'")


class NumberError(ValueError):
    """
    A cell that is not a number in the declared format; ``code`` says why.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _check_decimal(_: object, __: object, value: str) -> None:
    if value not in (".", ","):
        raise ValueError(f"the decimal mark is '.' or ',', not {value!r}")


def _check_thousands(inst: NumberFormat, _: object, value: str | None) -> None:
    if value is None:
        return
    if value not in _SEPARATORS:
        raise ValueError(f"the thousands separator is one of {', '.join(map(repr, _SEPARATORS))}, not {value!r}")
    if value == inst.decimal:
        raise ValueError(f"the thousands separator {value!r} cannot also be the decimal mark")


@attrs.frozen
class NumberFormat:
    """
    How numbers are written in a population: the decimal mark and an optional thousands separator.

    ``NumberFormat()`` is the default grammar (``1234.5``); ``NumberFormat(decimal=",")``
    reads ``0,8``; ``NumberFormat(thousands=",")`` reads ``1,234.5``;
    ``NumberFormat(decimal=",", thousands=".")`` reads ``1.234,5``.
    """

    decimal: str = attrs.field(default=".", validator=_check_decimal)
    thousands: str | None = attrs.field(default=None, validator=_check_thousands)

    @property
    def is_default(self) -> bool:
        """
        True for the default grammar, which the row reader's fast path implements.
        """
        return self.decimal == "." and self.thousands is None

    def describe(self) -> str:
        """
        Return the format in words, for messages.
        """
        mark = "decimal comma" if self.decimal == "," else "decimal point"
        if self.thousands is None:
            return f"{mark}, no thousands separator"
        return f"{mark}, thousands separated by {self.thousands!r}"


DEFAULT = NumberFormat()
_CURRENT: ContextVar[NumberFormat] = ContextVar("perfrules_number_format", default=DEFAULT)

_PLAIN = re.compile(r"[+-]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d+)?", re.ASCII)
_GROUPED_COMMA = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?", re.ASCII)
# Commas grouping thousands before a decimal point can be read only one way: 1,234.5.
_GROUPED_POINT = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+\.\d+", re.ASCII)


def current_format() -> NumberFormat:
    """
    Return the number format declared for the cells being read now.
    """
    return _CURRENT.get()


@contextmanager
def number_format(fmt: NumberFormat | None) -> Iterator[NumberFormat]:
    """
    Declare ``fmt`` for cells read inside the ``with`` block (this thread or task only).
    """
    token = _CURRENT.set(fmt or DEFAULT)
    try:
        yield _CURRENT.get()
    finally:
        _CURRENT.reset(token)


def _foreign_digits(text: str) -> str | None:
    for c in text:
        if not c.isascii() and (c.isdigit() or unicodedata.category(c) == "Nd"):
            return unicodedata.name(c, "a non-ASCII digit")
    return None


def _declared(text: str, fmt: NumberFormat) -> str:
    # Rewrite a number in the declared format into the default grammar, or refuse.
    sep, mark = re.escape(fmt.thousands or ""), re.escape(fmt.decimal)
    frac = rf"(?:{mark}\d+)?"
    shapes = [rf"[+-]?\d+{frac}", rf"[+-]?{mark}\d+"]
    if sep:
        shapes.append(rf"[+-]?\d{{1,3}}(?:{sep}\d{{3}})+{frac}")
    if any(re.fullmatch(s, text, re.ASCII) for s in shapes):
        out = text.replace(fmt.thousands, "") if fmt.thousands else text
        return out.replace(fmt.decimal, ".")
    raise NumberError("bad-value", f"{text!r} is not a number written with {fmt.describe()}")


def parse_number(text: str, fmt: NumberFormat | None = None) -> Decimal:
    """
    Read ``text`` as an exact Decimal by the grammar, in ``fmt`` (default: the declared format).

    Raises :class:`NumberError`: ``ambiguous-number`` for a comma the format does
    not declare, ``non-ascii-digits`` for digits from other scripts, and
    ``bad-value`` for anything else that is not a number.
    """
    fmt = fmt or _CURRENT.get()
    body = text.strip()
    foreign = _foreign_digits(body)
    if foreign is not None:
        raise NumberError(
            "non-ascii-digits", f"{text!r} has digits of another script ({foreign}); write numbers with 0-9"
        )
    if not fmt.is_default:
        body = _declared(body, fmt)
    elif _GROUPED_POINT.fullmatch(body):
        body = body.replace(",", "")
    elif "," in body:
        if _GROUPED_COMMA.fullmatch(body):
            reading = f"{body.replace(',', '')} with commas grouping thousands"
            declare = "--thousands , (thousands=',')"
        else:
            reading = f"{body.replace(',', '.')} with a decimal comma"
            declare = "--decimal-comma (decimal=',')"
        raise NumberError(
            "ambiguous-number",
            f"{text!r} has a comma, which could be a decimal comma or a thousands separator "
            f"(did you mean {reading}? declare the number format: {declare})",
        )
    if not _PLAIN.fullmatch(body):
        raise NumberError("bad-value", f"expected a number, got {text!r}")
    try:
        return Decimal(body)
    except InvalidOperation:  # pragma: no cover - the grammar admits only what Decimal reads
        raise NumberError("bad-value", f"expected a number, got {text!r}") from None
