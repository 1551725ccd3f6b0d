"""Parquet and Arrow files in and out, for both engines: exact decimals, never floats."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import perfrules as pr
from perfrules._adapters import read_population
from perfrules._cli.main import main

pl = pytest.importorskip("polars")

EXAMPLES = Path(__file__).parents[2] / "examples"
KPI = EXAMPLES / "seed003-kpi"


def _score(tmp_path: Path, data: Path, out: str, engine: str) -> Path:
    target = tmp_path / out
    args = ["score", str(KPI / "scheme.yaml"), str(data), "--period", "2026-04", "--no-history"]
    assert 0 == main([*args, "--engine", engine, "--out", str(target)])
    return target


@pytest.mark.parametrize("engine", ["row", "columnar"])
@pytest.mark.parametrize("suffix", [".parquet", ".arrow"])
def test_a_table_file_scores_as_its_csv_and_writes_the_same_table(tmp_path, engine, suffix):
    frame = pl.read_csv(KPI / "data.csv", infer_schema=False)
    data = tmp_path / f"data{suffix}"
    frame.write_parquet(data) if suffix == ".parquet" else frame.write_ipc(data)
    # The same file as the CSV's, byte for byte, from a table file.
    expected = _score(tmp_path, KPI / "data.csv", "from_csv.csv", "row").read_bytes()
    assert _score(tmp_path, data, "out.csv", engine).read_bytes() == expected
    # Results as a table file: every column as the text the CSV file holds ("" kept).
    written = _score(tmp_path, KPI / "data.csv", f"out{suffix}", engine)
    table = pl.read_parquet(written) if suffix == ".parquet" else pl.read_ipc(written)
    assert set(table.schema.values()) == {pl.String}
    csv = pl.read_csv(tmp_path / "from_csv.csv", infer_schema=False).fill_null("")
    assert table.equals(csv)


def test_decimal_columns_are_read_digit_for_digit(tmp_path):
    # decimal128 keeps its scale: 0.12345 stays 0.12345 and 1.50 stays 1.50 (no float on the way).
    path = tmp_path / "d.parquet"
    pl.DataFrame(
        {"employee_id": ["A", "B"], "x": [Decimal("0.12345"), Decimal("1.50000")], "n": [3, None]},
        schema={"employee_id": pl.String, "x": pl.Decimal(12, 5), "n": pl.Int64},
    ).write_parquet(path)
    assert read_population(path) == [
        {"employee_id": "A", "x": "0.12345", "n": "3"},
        {"employee_id": "B", "x": "1.50000", "n": ""},
    ]
    s = pr.Scheme(
        name="d",
        metrics=(pr.Metric("x", "number"), pr.Metric("n", "count", default=Decimal(0))),
        indicators=(pr.Indicator("i", formula="x * 2 + n"),),
    )
    plan = pr.compile_scheme(s)
    for engine in ("row", "columnar"):
        got = pr.score(plan, read_population(path), engine=engine)  # type: ignore[arg-type]
        assert [r.values["i"] for r in got] == [Decimal("3.24690"), Decimal("3.00000")]


def test_float_and_other_columns_are_refused_all_at_once(tmp_path):
    import datetime as dt

    path = tmp_path / "f.parquet"
    pl.DataFrame(
        {
            "employee_id": ["A"],
            "buyers": [1.5],
            "inquiries": pl.Series([2.0], dtype=pl.Float32),
            "when": [dt.datetime(2026, 4, 1, 9, 30)],
        }
    ).write_parquet(path)
    with pytest.raises(pr.InputError) as err:
        read_population(path)
    assert [(i.code, i.path) for i in err.value.issues] == [
        ("float-column", ("buyers",)),
        ("float-column", ("inquiries",)),
        ("bad-column-type", ("when",)),
    ]
    assert "decimal128" in (err.value.issues[0].hint or "")


def test_a_damaged_file_is_an_input_error(tmp_path):
    path = tmp_path / "bad.parquet"
    path.write_bytes(b"PAR1 not really")
    with pytest.raises(pr.InputError) as err:
        read_population(path)
    assert err.value.issues[0].code == "file-unreadable"


def test_a_bad_cell_is_named_by_row_and_column(tmp_path, capsys):
    path = tmp_path / "data.parquet"
    frame = pl.read_csv(KPI / "data.csv", infer_schema=False)
    frame = frame.with_columns(
        pl.when(pl.int_range(pl.len()) == 1).then(pl.lit("-3")).otherwise(pl.col("buyers")).alias("buyers")
    )
    frame.write_parquet(path)
    args = ["score", str(KPI / "scheme.yaml"), str(path), "--period", "2026-04", "--no-history"]
    for engine in ("row", "columnar"):
        out = tmp_path / f"{engine}.csv"
        assert 1 == main([*args, "--engine", engine, "--out", str(out)])
        assert not out.exists()
        assert "row 3" in capsys.readouterr().err  # the second data row, as in the CSV file
