"""The flat result rows as one lazy query over the values' columns: collected, the very frame the eager path gives."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import perfrules as pr
from perfrules._evaluate import scheme_period

pl = pytest.importorskip("polars")
columns = pytest.importorskip("perfrules._evaluate.columns")
colframe = pytest.importorskip("perfrules._evaluate.colframe")
fixed = pytest.importorskip("perfrules._evaluate.fixed")
formats = pytest.importorskip("perfrules._evaluate.formats")

EXAMPLES = Path(__file__).parents[2] / "examples"


@pytest.mark.parametrize("folder", ["seed003-kpi", "seed000-team"])
@pytest.mark.parametrize("hold", [False, True])
def test_the_lazy_rows_collect_to_the_eager_frame(folder, hold):
    plan = pr.compile_scheme(pr.load_scheme(EXAMPLES / folder / "scheme.yaml"))
    period = scheme_period(plan, "2026-04", True)

    def rows(lazy: bool):
        df = pl.read_csv(EXAMPLES / folder / "data.csv", infer_schema=False)
        return columns.score_frame(plan, df, "employee_id", period, lambda: None, hold=hold, lazy=lazy)

    lazy, eager = rows(True), rows(False)
    assert isinstance(lazy, pl.LazyFrame) and isinstance(eager, pl.DataFrame)
    got = lazy.collect()
    assert got.equals(eager) and got.columns == eager.columns
    assert set(got.schema.values()) == {pl.String}
    # Only result columns leave the query: its own inputs (named "\0…") stay inside.
    assert not any(c.startswith("\0") for c in got.columns)


def test_a_constant_column_is_one_text_and_no_column():
    raw = {}
    for text in ("0.00", "12.5", "7", "-3.000001"):
        value = fixed.const(Decimal(text), 4)
        expr = formats.text_expr("x", value, raw)
        assert expr is not None and raw == {}
        assert pl.DataFrame({"k": [1, 2, 3, 4]}).with_columns(expr)["x"].to_list() == [text] * 4
    nz = fixed.const(Decimal("-0.00"), 3)  # a negative zero is written without its sign, as the row engine does
    expr = formats.text_expr("x", nz, raw)
    assert expr is not None and raw
    assert pl.DataFrame(raw).select(expr)["x"].to_list() == ["0.00"] * 3
