"""
Results as tables for the libraries embedders use: a pandas DataFrame or a pyarrow Table.

Both hold the same columns as the CSV output, one row per employee: ``employee_id``,
``period``, ``score``, ``grade``, every indicator, section, penalty, bonus and payout
by name, what other people's shared costs charge (``<name>.charged``) and ``flags``.
Amounts stay exact: pandas gets ``Decimal`` objects (pandas has no decimal type; a
float column would round them), pyarrow gets ``decimal128(38, places)`` columns (``decimal256`` when a value has over
20 places) with the largest number of places the column holds.
pandas and pyarrow are optional: neither is imported until asked for, and a missing
one is an :class:`~perfrules.OutputError` saying what to install.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from .._errors import Issue, OutputError

__all__ = ["Exports", "results_columns", "to_arrow", "to_pandas"]


def results_columns(results: Iterable[Any]) -> dict[str, list[Any]]:
    """
    Return the results as columns: name → one value per employee (Decimals, text, ``None``, lists of flag names).
    """
    columns: dict[str, list[Any]] = {"employee_id": [], "period": [], "score": [], "grade": []}
    rows = list(results)
    for r in rows:
        columns["employee_id"].append(r.employee)
        columns["period"].append(r.period)
        columns["score"].append(r.score)
        columns["grade"].append(r.grade)
    # Every result of one run has the plan's layout, so the first one names the columns.
    groups = ("indicators", "sections", "penalties", "bonuses", "payouts")
    if rows:
        for group in groups:
            for name in getattr(rows[0], group):
                columns[name] = [getattr(r, group)[name] for r in rows]
        for name in rows[0].charges:
            columns[f"{name}.charged"] = [r.charges[name] for r in rows]
    columns["flags"] = [[f.name for f in r.flags] for r in rows]
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
    # As many places as the column's values have, and room for the 18 whole digits any value may
    # have (numbers stay below 10^18), so no value is rounded: pyarrow refuses a lossy rescale anyway.
    places = max((max(0, -int(v.as_tuple().exponent)) for v in values if isinstance(v, Decimal)), default=0)
    return pa.decimal128(38, places) if 18 + places <= 38 else pa.decimal256(76, places)


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
            arrays[name] = pa.array(values, type=_decimal_type(pa, values))
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
        Return the results as a pyarrow ``Table``, amounts as exact ``decimal128`` columns.

        The columns are those of the CSV output, ``flags`` a list of flag names.  Needs pyarrow
        (``pip install 'perfrules[arrow]'``); without it, raises :class:`~perfrules.OutputError`.
        """
        return to_arrow(self)  # type: ignore[arg-type]
