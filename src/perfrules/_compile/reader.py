"""
A generated row reader: raw cells to the tuple of inputs a plan's function takes.

Each cell is checked inline on a fast path for the common case (text made of
digits, with at most one decimal point, within the metric's bounds) and handed
to the metric's full converter otherwise, which either accepts it (percent
signs, commas, lists, plugin formats, defaults) or raises the ``CellError``
that names the problem.  A missing column raises ``KeyError`` (one the
scheme gives a default reads as empty cells); the caller then reads the row
again slowly to report every problem of that row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

__all__ = ["generate_reader"]

_FILENAME = "<perfrules reader>"
_CACHED = 4096  # values remembered per column
_BUILTIN = "perfrules._plugins.registry"


def _cell(k: int, m: Any, kind: Any, flags: tuple[bool, bool] | None) -> list[str]:
    # The lines that read cell r into v{k}: a fast path for plain numbers, the converter otherwise.
    if flags is None or kind.value_type == "list":
        return [f"    v{k} = _conv{k}(r)"]
    if getattr(kind, "percent", False) and m.scale == "points":
        # Every bare percent in points is divided by 100: the converter does it.
        return [f"    v{k} = _conv{k}(r)"]
    lines = []
    whole, non_negative = flags
    # Whole non-negative numbers: digits only. Others: anything Decimal reads,
    # then finite (text like "NaN" reads too) and, if asked, not negative.
    # Only short ASCII text without an exponent takes this path: at most 18 characters is below
    # 10^18 with at most 18 digits, inside the budget (1e999999999 or a 5,000-digit number goes to
    # the full converter), and Decimal also reads other scripts' digits ("١٢"), which the number
    # grammar refuses.
    shape = " and r.isdigit()" if whole else " and 'e' not in r and 'E' not in r"
    lines.append(f"    if r.__class__ is _str and _len(r) < 19 and r.isascii(){shape}:")
    lines.append("        try:")
    lines.append(f"            v{k} = _D(r)")
    lines.append("        except _Invalid:")
    lines.append(f"            v{k} = _conv{k}(r)")
    bounds = [] if whole else [f"not v{k}.is_finite()"]
    if non_negative and not whole:
        bounds.append(f"v{k} < 0")
    if m.min is not None:
        bounds.append(f"v{k} < _lo{k}")
    if m.max is not None:
        bounds.append(f"v{k} > _hi{k}")
    if getattr(kind, "percent", False) and m.scale is None:
        bounds.append(f"v{k} > 1 or v{k} < -1")  # a bare percent beyond 1 is ambiguous: the converter says so
    if bounds:
        lines.append(f"        if {' or '.join(bounds)}:")
        lines.append(f"            v{k} = _conv{k}(r)")
    lines.append("    else:")
    lines.append(f"        v{k} = _conv{k}(r)")
    return lines


def _filled(convert: Callable[[Any], Any]) -> Any:
    # The value the converter gives an empty cell, or None when it refuses one (it then says why, each row).
    try:
        return convert(None)
    except ValueError:
        return None


def generate_reader(specs: Sequence[Any]) -> Callable[[Mapping[str, Any]], tuple[Any, ...]]:
    """
    Return ``read(row)`` for the plan's input specs (each with ``metric``, ``kind`` and ``convert``).
    """
    ns: dict[str, Any] = {"__builtins__": {}, "_D": Decimal, "_str": str, "_Invalid": InvalidOperation, "_len": len}
    lines = ["def read(row):"]
    for k, spec in enumerate(specs):
        m, kind = spec.metric, spec.kind
        ns[f"_conv{k}"] = spec.convert
        ns[f"_lo{k}"], ns[f"_hi{k}"] = m.min, m.max
        flags = getattr(kind, "number_flags", None)
        # Only the built-in types: a plugin's parser may read the same text differently later.
        cached = type(kind).__module__ == _BUILTIN and (flags is not None or kind.value_type == "list")
        # A column the scheme gives a default may be left out of the file: its cells read as empty.
        # (Without a default a missing column raises KeyError, and the caller names it.)
        lines.append(f"    r = row.get({m.name!r})" if m.default is not None else f"    r = row[{m.name!r}]")
        body: list[str] = []
        if cached:
            # A column repeats its values (counts, ratings, lists of levels): a cell already read is
            # looked up, not read again. Only text the built-in types accepted is kept, at most
            # _CACHED per column, and only in the default number grammar (the only one this reader
            # runs in), so the value is the one reading would give.
            ns[f"_seen{k}"] = {}
            body.append(f"    if not (r.__class__ is _str and (v{k} := _seen{k}.get(r)) is not None):")
            body += ["    " + line for line in _cell(k, m, kind, flags)]
            body.append(f"        if r.__class__ is _str and _len(_seen{k}) < {_CACHED}:")
            body.append(f"            _seen{k}[r] = v{k}")
        else:
            body += _cell(k, m, kind, flags)
        filled = _filled(spec.convert) if m.default is not None and kind.value_type != "list" else None
        if filled is not None:
            # No cell (a missing column, a short row) where the scheme gives a default: the converter
            # returns the default, read as a cell holding it is read, before anything else; it is taken at once.
            ns[f"_def{k}"] = filled
            lines += ["    if r is None:", f"        v{k} = _def{k}", "    else:"]
            lines += ["    " + line for line in body]
        else:
            lines += body
    lines.append(f"    return ({''.join(f'v{k}, ' for k in range(len(specs)))})")
    exec(compile("\n".join(lines) + "\n", _FILENAME, "exec"), ns)  # noqa: S102 - written from validated names
    reader: Callable[[Mapping[str, Any]], tuple[Any, ...]] = ns["read"]
    return reader
