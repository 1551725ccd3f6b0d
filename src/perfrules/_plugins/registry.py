"""
Metric types: how a raw cell becomes a value, and the registry that finds them.

A metric type is any object with a ``name``, a ``value_type`` (``number``,
``list`` or ``text``) and a ``parse(raw, metric)`` method that returns a Decimal (or a
tuple of Decimals) or raises ``ValueError`` with a message for the user.
Register one with :func:`register_metric_type`, or publish it under the
``perfrules.metric_types`` entry-point group and it is found on first use.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from decimal import Decimal
from importlib.metadata import entry_points
from typing import Literal, Protocol, runtime_checkable

from .._limits import LIMITS, number_problem
from .._model import Metric
from .numbers import NumberError, current_format, parse_number

__all__ = [
    "ENTRY_POINT_GROUP",
    "MetricType",
    "RawValue",
    "metric_type",
    "metric_types",
    "register_metric_type",
    "to_decimal",
]

ENTRY_POINT_GROUP = "perfrules.metric_types"

RawValue = str | int | Decimal | float | None | list[object]


@runtime_checkable
class MetricType(Protocol):
    """
    What a custom metric type provides: a name, a value type, and a parser.
    """

    name: str
    value_type: Literal["number", "list", "text"]

    def parse(self, raw: RawValue, metric: Metric) -> Decimal | tuple[Decimal, ...] | str:
        """
        Turn one raw cell into the value formulas see; raise ``ValueError`` if it is bad.
        """
        ...


def to_decimal(raw: RawValue) -> Decimal:
    """
    Convert a raw cell to an exact Decimal; floats go through their shortest repr.

    Text is read by the number grammar in the declared number format
    (see :class:`perfrules.NumberFormat`).  Raises ``ValueError`` naming what was found, and for a
    number outside the budget (more than 28 digits, not below 10^18, digits below 10^-28), why.
    The budget is checked on the text or the integer's size before converting, so
    ``1e999999999`` or a 5,000-digit integer costs nothing.
    """
    value: Decimal | None = None
    if isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, bool):
        pass
    elif isinstance(raw, int):
        if raw.bit_length() > 64:
            raise ValueError(f"{str(raw)[:20]}... is too large: numbers must be below 10^18")
        value = Decimal(raw)
    elif isinstance(raw, float):
        # repr gives the shortest text that reads back as this float: 0.1 -> '0.1'.
        value = Decimal(repr(raw))
    elif isinstance(raw, str):
        if len(raw) > LIMITS.number_chars:
            raise ValueError(f"{raw[:40]!r}... ({len(raw)} characters) is longer than a number may be")
        value = parse_number(raw)
    if value is None:
        shown = repr(raw) if not isinstance(raw, str) or len(raw) <= 40 else f"{raw[:40]!r}... ({len(raw)} characters)"
        raise ValueError(f"expected a number, got {shown}")
    refused = number_problem(value)
    if refused is not None:
        raise ValueError(refused.message)
    return value


class _Number:
    """
    Any number, optionally within the metric's min and max.
    """

    value_type: Literal["number", "list", "text"] = "number"

    def __init__(self, name: str, *, whole: bool = False, non_negative: bool = False, percent: bool = False):
        self.name = name
        self.whole, self.non_negative, self.percent = whole, non_negative, percent

    @property
    def number_flags(self) -> tuple[bool, bool]:
        """
        ``(whole, non_negative)``: lets the generated row reader take plain numbers without calling ``parse``.
        """
        return self.whole, self.non_negative

    def parse(self, raw: RawValue, metric: Metric) -> Decimal:
        if self.percent and isinstance(raw, str) and raw.strip().endswith("%"):
            try:
                value = to_decimal(raw.strip()[:-1]) / 100
            except NumberError as exc:
                raise NumberError(exc.code, f"in {raw!r}: {exc}") from None
            refused = number_problem(value)
            if refused is not None:
                raise ValueError(refused.message)
        else:
            value = to_decimal(raw)
            if self.percent:
                value = _bare_percent(value, metric)
        if self.whole and value != value.to_integral_value():
            raise ValueError(f"expected a whole number, got {value}")
        if self.non_negative and value < 0:
            raise ValueError(f"expected a number of 0 or more, got {value}")
        if metric.min is not None and value < metric.min:
            raise ValueError(f"{value} is below the minimum {metric.min}")
        if metric.max is not None and value > metric.max:
            raise ValueError(f"{value} is above the maximum {metric.max}")
        return value


def _bare_percent(value: Decimal, metric: Metric) -> Decimal:
    # A percent written without its sign: 0.85 is plainly a fraction, but 85 could be 85% or 8,500%.
    scale = getattr(metric, "scale", None)
    if scale == "points":
        return value / 100
    if scale is None and abs(value) > 1:
        raise NumberError(
            "percent-scale",
            f"{value} without a % sign is ambiguous for a percent: write {value}% or {value / 100}, or declare "
            f"the metric's scale (scale: points reads {value} as {value}%, scale: fraction as {value * 100}%)",
        )
    return value


class _List:
    """
    Several numbers in one cell, one per occurrence: ``5;12;40`` (or a list in JSON).
    """

    name = "list"
    value_type: Literal["number", "list", "text"] = "list"

    def parse(self, raw: RawValue, metric: Metric) -> tuple[Decimal, ...]:
        if raw is None or raw == "":
            return ()
        if isinstance(raw, str) and len(raw) > LIMITS.cell_chars:
            raise ValueError(f"a cell of {len(raw)} characters is longer than {LIMITS.cell_chars}")
        joined = str(raw)
        fmt = current_format()
        if "," not in (fmt.decimal, fmt.thousands):  # a comma separates values only when it is not part of numbers
            joined = joined.replace(",", ";")
        items: Iterable[object] = raw if isinstance(raw, list) else joined.split(";")
        if isinstance(items, list) and len(items) > LIMITS.list_items:
            raise ValueError(f"{len(items)} occurrences in one cell, more than {LIMITS.list_items}")
        out = []
        for item in items:
            text = item.strip() if isinstance(item, str) else item
            if text == "":
                continue
            value = to_decimal(text)  # type: ignore[arg-type]
            if value < 0:
                raise ValueError(f"occurrence values must be 0 or more, got {value}")
            out.append(value)
        return tuple(out)


class _Text:
    """
    A word from a closed vocabulary, compared with literals in formulas: a channel, a shift, a region.

    The cell is kept as written, without surrounding spaces; an empty cell is missing.
    """

    name = "text"
    value_type: Literal["number", "list", "text"] = "text"

    def parse(self, raw: RawValue, metric: Metric) -> str:
        text = str(raw).strip()
        if len(text) > 200:
            raise ValueError(f"text of {len(text)} characters, more than 200")
        return text


_lock = threading.Lock()
_registry: dict[str, MetricType] = {}
_discovered = False


def register_metric_type(kind: MetricType, *, replace: bool = False) -> None:
    """
    Add a metric type to the registry; refuse to shadow a name unless ``replace``.
    """
    if not isinstance(kind, MetricType):
        raise TypeError(f"a metric type needs name, value_type and parse(raw, metric) (got {kind!r})")
    with _lock:
        if kind.name in _registry and not replace:
            raise ValueError(f"metric type {kind.name!r} is registered already; pass replace=True to override")
        _registry[kind.name] = kind


def _discover() -> None:
    global _discovered
    with _lock:
        if _discovered:
            return
        _discovered = True
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        obj = ep.load()
        kind = obj() if isinstance(obj, type) else obj
        if kind.name not in _registry:
            register_metric_type(kind)


def metric_type(name: str) -> MetricType | None:
    """
    Return the metric type called ``name``, looking in installed plugins on first miss.
    """
    found = _registry.get(name)
    if found is None and not _discovered:
        _discover()
        found = _registry.get(name)
    return found


def metric_types() -> dict[str, MetricType]:
    """
    Return every registered metric type by name, plugins included.
    """
    _discover()
    return dict(_registry)


for _kind in (
    _Number("number"),
    _Number("count", whole=True, non_negative=True),
    _Number("money"),
    _Number("rating"),
    _Number("ratio"),
    _Number("percent", percent=True),
    _List(),
    _Text(),
):
    register_metric_type(_kind)
