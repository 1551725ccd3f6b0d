"""Integer and decimal128 columns reach the columnar engine as stored: same results, same refusals as their text."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import pytest

import perfrules as pr
from perfrules._adapters.columnar import score_csv_columnar
from perfrules._cli.main import main
from perfrules._evaluate import scheme_period

pl = pytest.importorskip("polars")
typedcols = pytest.importorskip("perfrules._evaluate.typedcols")

KPI = Path(__file__).parents[2] / "examples" / "seed003-kpi"


def _scheme(tmp_path: Path) -> Path:
    # The KPI scheme without its approval rule: the plain case the columnar fast path takes.
    text = (KPI / "scheme.yaml").read_text(encoding="utf-8").replace("    approval_over: 5\n", "")
    path = tmp_path / "scheme.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _rows(n: int) -> list[dict[str, str]]:
    rnd = random.Random(5)
    rows = []
    for k in range(n):
        inq, placed, rec = rnd.randint(0, 40), rnd.randint(0, 30), rnd.randint(0, 50)
        rows.append(
            {
                "employee_id": f"E{k:04d}",
                "buyers": str(rnd.randint(0, inq)),
                "inquiries": str(inq),
                "paid_orders": str(rnd.randint(0, placed)),
                "placed_orders": str(placed),
                "agent_aov": f"{rnd.randint(9000, 13000) / 100:.2f}",
                "shop_aov": "100.00",
                "replied": str(rnd.randint(0, rec)),
                "received": str(rec),
                "response_seconds": str(rnd.randint(5, 80)),
                "tasks_rating": str(rnd.randint(50, 100)),
                "attitude_rating": str(rnd.randint(50, 100)),
                "late_count": str(rnd.choice((0, 0, 1, 6))),
                "leave_days": rnd.choice(("0.0", "0.5", "3.0")),
                "merit_points": rnd.choice(("", "1", "2;3")),
                "front_line": str(rnd.choice((0, 1))),
                "pc_breaches": str(rnd.choice((0, 0, 1, 2, 3))),
                "data_errors_found": str(rnd.randint(0, 3)),
                "suggestions_accepted": str(rnd.randint(0, 2)),
            }
        )
    return rows


def _files(tmp_path: Path, rows: list[dict[str, str]], types: dict[str, pl.DataType]) -> tuple[Path, Path]:
    text = pl.DataFrame(rows, schema=dict.fromkeys(rows[0], pl.String))
    csv = tmp_path / "data.csv"
    text.write_csv(csv)
    typed = text.with_columns(
        pl.col(name).cast(pl.Decimal(20, t.scale)) if isinstance(t, pl.Decimal) else pl.col(name).cast(t)
        for name, t in types.items()
    )
    parquet = tmp_path / "data.parquet"
    typed.write_parquet(parquet)
    return csv, parquet


def _cli(scheme: Path, data: Path, out: Path, engine: str) -> int:
    args = ["score", str(scheme), str(data), "--period", "2026-04", "--no-history", "--engine", engine]
    return main([*args, "--out", str(out)])


COUNTS = ("buyers", "inquiries", "paid_orders", "placed_orders", "replied", "received", "late_count", "pc_breaches")


def test_typed_columns_score_as_their_text(tmp_path):
    scheme = _scheme(tmp_path)
    types = dict.fromkeys(COUNTS, pl.Int64) | {"agent_aov": pl.Decimal(20, 2), "leave_days": pl.Decimal(20, 1)}
    csv, parquet = _files(tmp_path, _rows(400), types)
    plan = pr.compile_scheme(pr.load_scheme(scheme))
    period = scheme_period(plan, "2026-04", True)
    # The fast path takes the typed file (it returns None when it leaves a file to the general path).
    fast = tmp_path / "fast.csv"
    assert score_csv_columnar(plan, parquet, fast, period=period, id_column="employee_id", no_history=True) == 400
    assert 0 == _cli(scheme, csv, tmp_path / "row.csv", "row")
    assert fast.read_bytes() == (tmp_path / "row.csv").read_bytes()


@pytest.mark.parametrize(
    ("name", "dtype", "cell"),
    [
        ("agent_aov", pl.Decimal(30, 13), None),  # more places than the text reader takes
        ("buyers", pl.Decimal(20, 2), None),  # a point in a whole number
        ("late_count", pl.Int64, "-1"),  # a sign in a whole number: the row reader refuses it
    ],
)
def test_typed_columns_the_text_reader_would_not_take_go_the_general_way(tmp_path, name, dtype, cell):
    scheme = _scheme(tmp_path)
    rows = _rows(50)
    if cell is not None:
        rows[7][name] = cell
    csv, parquet = _files(tmp_path, rows, {name: dtype})
    plan = pr.compile_scheme(pr.load_scheme(scheme))
    period = scheme_period(plan, "2026-04", True)
    out = tmp_path / "fast.csv"
    assert score_csv_columnar(plan, parquet, out, period=period, id_column="employee_id", no_history=True) is None
    assert not out.exists()  # nothing written half-way
    # The general path reads the file as the row reader reads its text: the same results, or the same refusal.
    row_code = _cli(scheme, csv, tmp_path / "row.csv", "row")
    assert _cli(scheme, parquet, tmp_path / "col.csv", "columnar") == row_code
    if row_code == 0:
        assert (tmp_path / "col.csv").read_bytes() == (tmp_path / "row.csv").read_bytes()


def test_a_typed_column_is_its_scaled_integers():
    got = typedcols.typed_column(pl.Series([Decimal("1.50"), Decimal("-0.05")], dtype=pl.Decimal(20, 2)), False)
    assert got is not None and got.scale() == -2 and got.c.to_list() == [150, -5]
    assert [str(d) for d in got.decimals()] == ["1.50", "-0.05"]
    ints = typedcols.typed_column(pl.Series([3, 0, 12]), True)
    assert ints is not None and ints.scale() == 0 and ints.bounds() == (0, 12)
    assert typedcols.typed_column(pl.Series([3, None]), False) is None  # a missing cell: the general path
    assert typedcols.typed_column(pl.Series([10**15]), False) is None  # 16 digits: beyond the text reader's
    assert typedcols.typed_column(pl.Series([-3]), True) is None
    # Below 10**18 the coefficients are Int64; a decimal of 28 digits keeps Int128.
    assert got.c.dtype == pl.Int64 and ints.c.dtype == pl.Int64
    wide = pl.Series([Decimal("123456789012345.123456789012")], dtype=pl.Decimal(28, 12))
    big = typedcols.typed_column(wide, False)
    assert big is not None and big.c.dtype == pl.Int128 and [str(d) for d in big.decimals()] == [str(wide[0])]


@pytest.mark.parametrize("drop", ["pc_breaches", "employee_id"])
def test_a_column_the_parquet_file_lacks_is_read_as_a_csv_file_lacking_it(tmp_path, drop):
    # A metric with a default may be left out of the file (pc_breaches: default 0); the ids may not.
    scheme = _scheme(tmp_path)
    assert "pc_breaches: {type: count, default: 0" in scheme.read_text(encoding="utf-8")
    rows = [{k: v for k, v in row.items() if k != drop} for row in _rows(60)]
    csv, parquet = _files(tmp_path, rows, {"buyers": pl.Int64})
    plan = pr.compile_scheme(pr.load_scheme(scheme))
    period = scheme_period(plan, "2026-04", True)
    fast = tmp_path / "fast.csv"
    written = score_csv_columnar(plan, parquet, fast, period=period, id_column="employee_id", no_history=True)
    row_code = _cli(scheme, csv, tmp_path / "row.csv", "row")
    if drop == "employee_id":
        assert written is None and not fast.exists()  # the general path reports the missing ids
        assert row_code != 0 and _cli(scheme, parquet, tmp_path / "col.csv", "columnar") == row_code
        return
    assert written == 60  # the fast path took the file, as it takes a CSV file lacking the column
    assert row_code == 0 and fast.read_bytes() == (tmp_path / "row.csv").read_bytes()
