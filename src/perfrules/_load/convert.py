"""
The one converter from plain data to the model, collecting every problem.

It is driven by the attrs classes' own fields and type hints, so a new field
in the model is loadable without touching this module.  Each problem becomes
an :class:`~perfrules.Issue` with a stable code and a path; the caller turns
paths into lines with the document's :class:`SourceMap`.
"""

from __future__ import annotations

import contextlib
import types
import typing
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

import attrs

from .._errors import Issue
from .._limits import LIMITS, number_problem, number_text_problem, text_problem
from .._model import Bonus, Bound, Column, Condition, Metric, Param, Penalty, Scheme, Tier, parse_range
from .._suggest import did_you_mean

__all__ = ["Converter", "structure"]

Path = tuple[str | int, ...]
_FAIL: Any = object()

# When an element is written as a scalar, e.g. ``params: {base: 918}`` or
# ``metrics: {sales: money}``, the scalar fills this field.
_SHORTHAND: dict[type, str] = {Param: "value", Metric: "type", Column: "value", Condition: "when"}
# Keys accepted in a tier besides the model's fields.
_TIER_KEYS = ("range", "min", "max", "min_inclusive", "max_inclusive", "points", "label", "grade", "values")


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _kind(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, Decimal):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


class Converter:
    """
    Structure plain data into model classes; problems accumulate in :attr:`issues`.
    """

    def __init__(self, params: typing.Mapping[str, Decimal] | None = None) -> None:
        self.issues: list[Issue] = []
        self.aliases: dict[Path, Path] = {}
        #: The scheme's parameters, usable by name wherever a number is written (a cap, an amount, a weight).
        self.params = dict(params or {})

    def _fail(self, code: str, message: str, path: Path, hint: str | None = None) -> Any:
        self.issues.append(Issue(code, message, path, hint=hint))
        return _FAIL

    # -- dispatch on type hints -------------------------------------------------
    def structure(self, tp: Any, value: Any, path: Path, meta: typing.Mapping[str, Any] | None = None) -> Any:
        """
        Turn ``value`` into type ``tp``, or record issues and return a failure marker.
        """
        origin = typing.get_origin(tp)
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if value is None:
                return None
            return self.structure(args[0], value, path, meta)
        if origin is typing.Literal:
            return self._literal(typing.get_args(tp), value, path)
        if origin is tuple:
            return self._tuple(typing.get_args(tp), value, path, meta or {})
        if tp is Tier:
            return self._tier(value, path)
        if attrs.has(tp):
            return self._attrs(tp, value, path)
        if tp is Decimal:
            return self._decimal(value, path)
        if tp is str:
            if isinstance(value, str):
                refused = text_problem(value)
                return value if refused is None else self._fail(refused.code, refused.message, path)
            if isinstance(value, Decimal):
                number = self._decimal(value, path)
                return number if number is _FAIL else str(number)  # ``version: 2`` or a bare-number formula
            return self._fail("wrong-type", f"expected text, got {_kind(value)}", path)
        if tp is bool:
            if isinstance(value, bool):
                return value
            return self._fail("wrong-type", f"expected true or false, got {_kind(value)}", path)
        if tp is int:
            # The range is checked before int(): int(Decimal("1e999999")) alone takes seconds.
            refused = number_problem(value) if isinstance(value, Decimal) else None
            if refused is not None:
                return self._fail(refused.code, refused.message, path, "write a small whole number")
            if isinstance(value, Decimal) and value == value.to_integral_value():
                return int(value)
            return self._fail("wrong-type", f"expected a whole number, got {_kind(value)} {value!r}", path)
        raise TypeError(f"perfrules converter cannot handle type {tp!r}")  # a model bug, not user input

    def _decimal(self, value: Any, path: Path) -> Any:
        if isinstance(value, str):
            if value in self.params:
                return self.params[value]
            refused = number_text_problem(value)
            if refused is not None:
                return self._fail(refused.code, refused.message, path, "write a plain number such as 0.65 or 100")
            with contextlib.suppress(InvalidOperation):
                value = Decimal(value.strip().replace("_", ""))
        if value.__class__ is int:
            # Plain data built in Python (scheme_from_data): an int is exact. One past 2^64 is past the
            # budget anyway, and is refused before str() or Decimal() spends time on it.
            if value.bit_length() > 64:
                return self._fail("number-out-of-range", "an integer of over 64 bits is past the number budget", path)
            value = Decimal(value)
        if isinstance(value, Decimal):
            refused = number_problem(value)
            if refused is None:
                return value
            return self._fail(
                refused.code, refused.message, path, "numbers must be below 10^18, with at most 28 digits"
            )
        if isinstance(value, str) and value.isidentifier():
            return self._fail(
                "unknown-name",
                f"{value!r} is neither a number nor a parameter{did_you_mean(value, self.params)}",
                path,
                "write a number, or declare it under params: and use its name",
            )
        if isinstance(value, float):
            return self._fail(
                "wrong-type",
                f"expected an exact number, got float {value!r}",
                path,
                "a float is not exact: give Decimal or text ('0.65'), e.g. json.loads(text, parse_float=Decimal), "
                "or pass the text to scheme_from_text",
            )
        return self._fail(
            "wrong-type",
            f"expected a number, got {_kind(value)} {value!r}",
            path,
            "write a plain number such as 0.65 or 100, or the name of a parameter",
        )

    def _literal(self, choices: tuple[Any, ...], value: Any, path: Path) -> Any:
        if value in choices:
            return value
        shown = ", ".join(repr(c) for c in choices)
        hint = did_you_mean(str(value), [str(c) for c in choices]).strip(" ()") or None
        return self._fail("bad-value", f"{value!r} is not one of {shown}", path, hint)

    def _tuple(self, args: tuple[Any, ...], value: Any, path: Path, meta: typing.Mapping[str, Any]) -> Any:
        key = meta.get("keyed")
        if key and isinstance(value, dict):
            return self._keyed_mapping(args[0], key, value, path)
        if not isinstance(value, list):
            want = "a list" + (" or a mapping of names" if key else "")
            return self._fail("wrong-type", f"expected {want}, got {_kind(value)}", path)
        if len(value) > LIMITS.elements:
            return self._fail("too-many", f"{len(value)} items, more than {LIMITS.elements}", path)
        if len(args) == 2 and args[1] is Ellipsis:
            items = [self.structure(args[0], item, (*path, i)) for i, item in enumerate(value)]
            if key:
                self._alias_list(value, key, path)
        else:
            if len(value) != len(args):
                return self._fail("wrong-length", f"expected {len(args)} items, got {len(value)}", path)
            items = [self.structure(a, item, (*path, i)) for i, (a, item) in enumerate(zip(args, value, strict=True))]
        return _FAIL if any(i is _FAIL for i in items) else tuple(items)

    def _alias_list(self, value: list[Any], key: str, path: Path) -> None:
        for i, item in enumerate(value):
            if isinstance(item, dict) and isinstance(item.get(key), str):
                self.aliases[path + (item[key],)] = (*path, i)

    def _keyed_mapping(self, cls: type, key: str, value: dict[str, Any], path: Path) -> Any:
        if len(value) > LIMITS.elements:
            return self._fail("too-many", f"{len(value)} items, more than {LIMITS.elements}", path)
        items = []
        for name, raw in value.items():
            body = raw
            if not isinstance(body, dict):
                field = _SHORTHAND.get(cls)
                if field is None:
                    items.append(
                        self._fail("wrong-type", f"expected a mapping of fields, got {_kind(body)}", (*path, name))
                    )
                    continue
                body = {field: body}
            elif key in body:
                self._fail(
                    "duplicate-name",
                    f"{key!r} is given by the key {name!r} already",
                    (*path, name, key),
                    f"remove the '{key}:' line",
                )
                continue
            items.append(self._attrs(cls, {key: name, **body}, (*path, name)))
        return _FAIL if any(i is _FAIL for i in items) else tuple(items)

    def _attrs(self, cls: type, value: Any, path: Path) -> Any:
        if not isinstance(value, dict):
            field = _SHORTHAND.get(cls)
            if field is None or isinstance(value, list):
                return self._fail("wrong-type", f"expected a mapping, got {_kind(value)}", path)
            value = {field: value}
        hints = _hints(cls)
        fields = {f.name: f for f in attrs.fields(cls)}
        for extra in value.keys() - fields.keys():
            self._fail(
                "unknown-key",
                f"unknown key {extra!r}{did_you_mean(extra, fields)}",
                (*path, extra),
                f"allowed keys here: {', '.join(sorted(fields))}",
            )
        kwargs: dict[str, Any] = {}
        ok = True
        for name, field in fields.items():
            if name not in value:
                if field.default is attrs.NOTHING:
                    self._fail("missing-key", f"missing required key {name!r}", path, f"add '{name}:'")
                    ok = False
                continue
            result = self.structure(hints[name], value[name], (*path, name), field.metadata)
            if result is _FAIL:
                ok = False
            else:
                kwargs[name] = result
        if not ok:
            return _FAIL
        return self._construct(cls, kwargs, path)

    def _construct(self, cls: type, kwargs: dict[str, Any], path: Path) -> Any:
        try:
            return cls(**kwargs)
        except (TypeError, ValueError) as exc:
            return self._fail("bad-value", str(exc), path)

    def _tier(self, value: Any, path: Path) -> Any:
        if isinstance(value, str):
            value = {"range": value}
        if not isinstance(value, dict):
            return self._fail(
                "wrong-type",
                f"expected a tier mapping, got {_kind(value)}",
                path,
                "write {range: '[0.65, 0.75)', points: 80}",
            )
        for extra in value.keys() - set(_TIER_KEYS):
            self._fail(
                "unknown-key",
                f"unknown key {extra!r}{did_you_mean(extra, _TIER_KEYS)}",
                (*path, extra),
                f"allowed keys here: {', '.join(_TIER_KEYS)}",
            )
        label = value.get("label", value.get("grade"))
        points = None if value.get("points") is None else self._decimal(value["points"], (*path, "points"))
        if "range" in value:
            if not isinstance(value["range"], str):
                return self._fail(
                    "wrong-type",
                    f"expected range text, got {_kind(value['range'])}",
                    (*path, "range"),
                    "write range: '[0.65, 0.75)'",
                )
            try:
                lower, upper = parse_range(value["range"])
            except ValueError as exc:
                return self._fail("bad-range", str(exc), (*path, "range"))
        else:
            lower = upper = None
            bounds = {}
            for end in ("min", "max"):
                if value.get(end) is not None:
                    bounds[end] = self._decimal(value[end], (*path, end))
            if any(b is _FAIL for b in bounds.values()):
                return _FAIL

            if "min" in bounds:
                lower = Bound(bounds["min"], bool(value.get("min_inclusive", True)))
            if "max" in bounds:
                upper = Bound(bounds["max"], bool(value.get("max_inclusive", False)))
        values = ()
        if value.get("values") is not None:
            meta = attrs.fields(Tier).values.metadata
            values = self.structure(tuple[Column, ...], value["values"], (*path, "values"), meta)
        if points is _FAIL or values is _FAIL:
            return _FAIL
        if label is not None and not isinstance(label, str):
            label = str(label)
        fields = {"lower": lower, "upper": upper, "points": points, "label": label, "values": values}
        return self._construct(Tier, fields, path)


def structure(data: Any) -> tuple[Scheme | None, list[Issue], dict[Path, Path]]:
    """
    Turn a document's data into a :class:`Scheme`.

    Returns the scheme (``None`` when anything failed), every issue, and the
    list-position aliases for the source map.
    """
    conv = Converter(_numeric_params(data))
    result = conv.structure(Scheme, data, ())
    # Penalty and Bonus hints resolve through the model; touch them so a broken
    # model fails here, in tests, and not in a user's run.
    _hints(Penalty), _hints(Bonus)
    return (None if result is _FAIL else result), conv.issues, conv.aliases


def _numeric_params(data: Any) -> dict[str, Decimal]:
    # Parameters written as plain numbers, read before the rest so that caps,
    # floors, amounts and weights may name them. Bad ones are reported where
    # the parameters themselves are converted.
    raw = data.get("params") if isinstance(data, dict) else None
    items: list[tuple[Any, Any]] = []
    if isinstance(raw, dict):
        items = [(k, v.get("value") if isinstance(v, dict) else v) for k, v in raw.items()]
    elif isinstance(raw, list):
        items = [(p.get("name"), p.get("value")) for p in raw if isinstance(p, dict)]
    out = {}
    for name, value in items:
        if not isinstance(name, str):
            continue
        try:
            number = value if isinstance(value, Decimal) else Decimal(str(value)) if isinstance(value, str) else None
        except InvalidOperation:
            number = None
        if number is not None and number.is_finite():
            out[name] = number
    return out
