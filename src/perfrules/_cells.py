"""
What counts as an empty cell, and what counts as rows, whichever library the rows came from.

A CSV file's empty cell is ``""``; a dict row's is ``None``; a pandas DataFrame
writes a missing value as a float NaN (a NumPy ``float64`` NaN too), ``pd.NA``
(nullable integer and string columns) or ``pd.NaT`` (datetime columns).  All of
them are the same empty cell to perfrules, so a metric's ``default`` fills it or
the row is refused as missing a value.  pandas is never imported: its missing
markers are recognised by their type's name and module.

A polars DataFrame is read as a Parquet or Arrow file is (see
:func:`text_columns`): every cell becomes the text a CSV file would hold,
floating-point columns are refused.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from ._errors import InputError, Issue

__all__ = ["as_records", "is_empty_cell", "refuse_float_columns", "text_columns"]

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
    Return ``rows`` as mappings: a pandas or polars DataFrame or a pyarrow Table works without depending on any.

    A polars DataFrame (or LazyFrame) is read as a Parquet file holding it would
    be (:func:`text_columns`): the same texts, the same refusals.
    """
    if rows.__class__.__module__.startswith("polars"):
        import polars as pl  # the caller has it: it made the frame

        frame = rows.collect() if isinstance(rows, pl.LazyFrame) else rows
        if isinstance(frame, pl.DataFrame):
            return frame.select(text_columns(pl, frame.schema, "the DataFrame")).to_dicts()
    if hasattr(rows, "to_dict") and hasattr(rows, "columns"):
        refuse_float_columns(rows, "the DataFrame")
        texts = _pandas_texts(rows)
        return rows.to_dict("records") if texts is None else texts
    if hasattr(rows, "to_pylist"):
        refuse_float_columns(rows, "the Arrow table")
        return rows.to_pylist()  # type: ignore[no-any-return]
    return rows  # type: ignore[no-any-return]


_FRAME_HINT = (
    "read the numbers as text (pandas.read_csv(..., dtype=str, keep_default_na=False)), "
    "or hold the column as decimals (Decimal values, or an Arrow decimal128 column)"
)


def _float_issue(name: object, dtype: object, source: str, hint: str) -> Issue:
    return Issue(
        "float-column",
        f"column {str(name)!r} holds floating-point numbers ({dtype}), which cannot hold decimals exactly",
        (str(name),),
        source=source,
        hint=hint,
    )


def refuse_float_columns(frame: Any, source: str) -> None:
    """
    Refuse a pandas or Dask DataFrame or a pyarrow Table with floating-point columns (``float-column``).

    A double cannot hold ``0.1``: reading a float's shortest digits as the
    decimal meant is a guess, so such a frame is refused as a Parquet file or
    polars frame with float columns is, every such column named at once.  The
    types are read from the frame's schema (a Dask frame's is known without
    computing it); other frames are left alone.
    """
    schema = getattr(frame, "schema", None)
    if schema is not None and hasattr(schema, "names") and hasattr(schema, "types"):
        # pyarrow: float16/32/64 are written halffloat, float and double.
        found = [(n, t) for n, t in zip(schema.names, schema.types, strict=True) if str(t) in _ARROW_FLOATS]
    else:
        dtypes = getattr(frame, "dtypes", None)
        if dtypes is None or not hasattr(dtypes, "items"):
            return
        # numpy float dtypes and pandas' nullable Float32/Float64 both have kind "f".
        # A pandas category column of floats holds floats too: its categories' dtype says.
        found = [
            (n, d)
            for n, d in dtypes.items()
            if getattr(getattr(getattr(d, "categories", d), "dtype", d), "kind", None) == "f"
        ]
    if found:
        issues = [_float_issue(n, d, source, _FRAME_HINT) for n, d in found]
        raise InputError(issues, f"{len(issues)} column(s) of {source} cannot be read exactly; nothing was scored")


_ARROW_FLOATS = frozenset({"halffloat", "float", "double"})


def _pandas_texts(frame: Any) -> list[dict[Any, Any]] | None:
    # A pandas DataFrame of text columns only (read with dtype=str, as a Dask partition is) is
    # converted column by column: the same dicts as to_dict("records"), which boxes cell by cell
    # and costs several times more.  Anything else (other dtypes, repeated or no columns) is left to it.
    if not frame.__class__.__module__.startswith("pandas") or not len(frame.columns):
        return None
    dtypes = list(frame.dtypes)
    if not frame.columns.is_unique or any(d.__class__.__name__ != "StringDtype" for d in dtypes):
        return None
    # to_dict gives a missing text as the dtype's NaN, or as None where the dtype's marker is pd.NA.
    cells = [
        frame.iloc[:, k].to_numpy(dtype=object, na_value=d.na_value if isinstance(d.na_value, float) else None)
        for k, d in enumerate(dtypes)
    ]
    names = frame.columns.tolist()
    return [dict(zip(names, row, strict=True)) for row in zip(*(c.tolist() for c in cells), strict=True)]


def text_columns(pl: Any, schema: Any, source: str) -> list[Any]:
    """
    Return a polars expression per column of ``schema`` giving the text a CSV file would hold.

    Texts stay, decimals (``decimal128``) give their exact digits with the
    column's scale, integers, flags and dates their text (nulls stay null, an
    empty cell), dictionary-encoded text (``Categorical``, ``Enum``) its
    categories' text.  A floating-point column is refused (``float-column``: a
    double cannot hold ``0.1``, and which decimal was meant is a guess), as is any other
    type (``bad-column-type``), all at once in one :class:`InputError` naming ``source``.
    """
    issues = []
    texts = []
    for name, dtype in schema.items():
        if dtype.is_float():
            issues.append(_float_issue(name, dtype, source, "write the column as a decimal (decimal128) or as text"))
        elif dtype == pl.String:
            texts.append(pl.col(name))
        elif dtype in (pl.Categorical, pl.Enum):
            # Dictionary-encoded text (pandas ``category`` saved to Parquet, an Arrow dictionary): each
            # cell is its category's text, read as a CSV cell holding it is (a number column by its grammar).
            texts.append(pl.col(name).cast(pl.String))
        elif dtype.is_decimal() or dtype.is_integer() or dtype in (pl.Boolean, pl.Date):
            texts.append(pl.col(name).cast(pl.String))
        else:
            issues.append(
                Issue(
                    "bad-column-type",
                    f"column {name!r} holds values of type {dtype}, which perfrules does not read",
                    (str(name),),
                    source=source,
                    hint="write numbers as decimals or integers, dates as dates, everything else as text",
                )
            )
    if issues:
        raise InputError(issues, f"{len(issues)} column(s) of {source} cannot be read exactly; nothing was scored")
    return texts
