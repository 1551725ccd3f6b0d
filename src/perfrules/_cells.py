"""
What counts as an empty cell, and what counts as rows, whichever library the rows came from.

A CSV file's empty cell is ``""``; a dict row's is ``None``; a pandas DataFrame
writes a missing value as a float NaN (a NumPy ``float64`` NaN too), ``pd.NA``
(nullable integer and string columns) or ``pd.NaT`` (datetime columns).  All of
them are the same empty cell to perfrules, so a metric's ``default`` fills it or
the row is refused as missing a value.  pandas is never imported: its missing
markers are recognised by their type's name and module.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["as_records", "is_empty_cell"]

# pandas' missing markers: pd.NA (pandas._libs.missing.NAType) and pd.NaT (pandas._libs.tslibs.nattype.NaTType).
_PANDAS_MISSING = frozenset({"NAType", "NaTType"})


def is_empty_cell(value: object) -> bool:
    """
    Return whether ``value`` is an empty cell: ``None``, ``""``, a float NaN, ``pd.NA`` or ``pd.NaT``.

    A ``Decimal`` NaN is not empty: it is a value, refused where numbers are read.
    Never raises (``pd.NA == ""`` would: its truth value is ambiguous).
    """
    if value is None:
        return True
    cls = value.__class__
    if cls is str:
        return not value
    if isinstance(value, float):  # float and its subclasses (numpy.float64)
        return math.isnan(value)
    return cls.__name__ in _PANDAS_MISSING and cls.__module__.startswith("pandas")


def as_records(rows: Any) -> Iterable[Mapping[str, Any]]:
    """
    Return ``rows`` as mappings: a pandas DataFrame or a pyarrow Table works without depending on either.
    """
    if hasattr(rows, "to_dict") and hasattr(rows, "columns"):
        return rows.to_dict("records")  # type: ignore[no-any-return]
    if hasattr(rows, "to_pylist"):
        return rows.to_pylist()  # type: ignore[no-any-return]
    return rows  # type: ignore[no-any-return]
