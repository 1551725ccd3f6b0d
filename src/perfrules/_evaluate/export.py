"""
Results as tables for the libraries embedders use: a pandas DataFrame or a pyarrow Table.

Both hold the same columns as the CSV output, in its order, one row per employee:
``employee_id``, ``period``, ``score``, ``grade``, every indicator, a weighted
indicator's points (``<name>.points``), every section, penalty, bonus and payout by
name, what other people's shared costs charge (``<name>.charged``) and ``flags``.
Amounts stay exact: pandas gets ``Decimal`` objects (pandas has no decimal type; a
float column would round them), pyarrow gets ``decimal128(38, places)`` columns with the
largest number of places the column holds, or ``decimal256(76, places)`` when the
column's whole digits and places pass 38 (a quotient's 28 significant digits far below 1,
like an indicator's points of 0.000001066616151725720936523112932, need 33 places).
pandas and pyarrow are optional: neither is imported until asked for, and a missing
one is an :class:`~perfrules.OutputError` saying what to install.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from .._errors import Issue, OutputError
from .._model import plain_text
from .flat import flat_columns

__all__ = ["Exports", "results_columns", "to_arrow", "to_pandas"]


def results_columns(results: Iterable[Any]) -> dict[str, list[Any]]:
    """
    Return the results as columns: name → one value per employee (Decimals, text, ``None``, lists of flag names).

    The columns are the CSV output's, in its order (:func:`~perfrules._evaluate.flat.flat_columns`):
    a weighted indicator's ``<name>.points`` and a charged cost's ``<name>.charged`` included.
    """
    rows = list(results)
    if not rows:
        return {"employee_id": [], "period": [], "score": [], "grade": [], "flags": []}
    # Every result of one run has the plan's layout, so the first one names the columns.
    flat = flat_columns(rows[0].layout)
    columns: dict[str, list[Any]] = {}
    for name, source in zip(flat.fields, flat.sources, strict=True):
        if source == "flags":
            columns[name] = [[f.name for f in r.flags] for r in rows]
        elif isinstance(source, str):
            attr = {"id": "employee"}.get(source, source)  # period, score, grade: the result's own
            columns[name] = [getattr(r, attr) for r in rows]
        else:
            columns[name] = [r.row[source] for r in rows]
    return columns


def _need(package: str, extra: str) -> Any:
    import importlib

    try:
        return importlib.import_module(package)
    except ImportError:
        issue = Issue(
            "missing-extra",
            f"results as a {'DataFrame' if package == 'pandas' else 'Table'} need {package}, which is not installed",
            (),
            hint=f"pip install 'perfrules[{extra}]' (or pip install {package})",
        )
        raise OutputError([issue], f"{package} is not installed") from None


def to_pandas(results: Iterable[Any]) -> Any:
    """
    Return a pandas ``DataFrame`` of the results, amounts as exact ``Decimal`` objects.
    """
    pd = _need("pandas", "pandas")
    return pd.DataFrame(results_columns(results))


def _decimal_type(pa: Any, values: list[Any]) -> Any:
    # As many places as the column's values have, and as many whole digits as its largest value has,
    # so no value is rounded (pyarrow refuses a lossy rescale anyway): decimal128 when that is at most
    # 38 digits, decimal256 up to 76, else the exact plain text (None: no decimal type holds it).
    numbers = [v for v in values if isinstance(v, Decimal) and v.is_finite()]
    places = max((max(0, -int(v.as_tuple().exponent)) for v in numbers), default=0)
    whole = max((v.adjusted() + 1 for v in numbers if v), default=1)
    digits = max(whole, 1) + places
    if digits <= 38:
        return pa.decimal128(38, places)
    return pa.decimal256(76, places) if digits <= 76 else None


def to_arrow(results: Iterable[Any]) -> Any:
    """
    Return a pyarrow ``Table`` of the results, amounts as exact decimal columns.
    """
    pa = _need("pyarrow", "arrow")
    arrays = {}
    for name, values in results_columns(results).items():
        if name == "flags":
            arrays[name] = pa.array(values, type=pa.list_(pa.string()))
        elif any(isinstance(v, Decimal) for v in values):
            kind = _decimal_type(pa, values)
            if kind is None:
                texts = [plain_text(v) if isinstance(v, Decimal) else v for v in values]
                arrays[name] = pa.array(texts, type=pa.string())
            else:
                arrays[name] = pa.array(values, type=kind)
        else:
            arrays[name] = pa.array(values, type=pa.string())
    return pa.table(arrays)


class Exports:
    """
    The table forms of :class:`~perfrules.Results`: a base class, so results.py keeps its size.
    """

    __slots__ = ()

    def to_pandas(self) -> Any:
        """
        Return the results as a pandas ``DataFrame``, one row per employee, amounts as exact ``Decimal`` objects.

        The columns are those of the CSV output.  Needs pandas (``pip install 'perfrules[pandas]'``);
        without it, raises :class:`~perfrules.OutputError` (code ``missing-extra``).
        """
        return to_pandas(self)  # type: ignore[arg-type]  # a Results is an iterable of Result

    def to_arrow(self) -> Any:
        """
        Return the results as a pyarrow ``Table``, amounts as exact decimal columns.

        ``decimal128(38, places)``, or ``decimal256(76, places)`` for a column whose digits and
        places pass 38.  The columns are those of the CSV output, ``flags`` a list of flag names.  Needs pyarrow
        (``pip install 'perfrules[arrow]'``); without it, raises :class:`~perfrules.OutputError`.
        """
        return to_arrow(self)  # type: ignore[arg-type]
