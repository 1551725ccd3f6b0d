"""The columnar engine reads a CSV file in parts, number columns parsed part by part: the same rows, the same errors."""

from __future__ import annotations

from pathlib import Path

import pytest

import perfrules as pr
from perfrules._adapters import columnar
from perfrules._adapters.columnar import score_csv_columnar
from perfrules._cli.main import main
from perfrules._evaluate import scheme_period

pl = pytest.importorskip("polars")
colparse = pytest.importorskip("perfrules._evaluate.colparse")

KPI = Path(__file__).parents[2] / "examples" / "seed003-kpi"
ROWS = 300


def _plan() -> tuple[pr.Plan, pr.Period | None]:
    plan = pr.compile_scheme(pr.load_scheme(KPI / "scheme.yaml"))
    return plan, scheme_period(plan, "2026-04", True)


def _data(tmp_path: Path, cells: dict[tuple[int, str], str] | None = None) -> Path:
    # The example's rows over and over, each with an id of its own; ``cells`` puts a cell in a row.
    header, *lines = (KPI / "data.csv").read_text(encoding="utf-8").splitlines()
    names = header.split(",")
    rows = []
    for k in range(ROWS):
        row = dict(zip(names, lines[k % len(lines)].split(","), strict=True))
        row["employee_id"] = f"K{k:04d}"
        for (at, name), cell in (cells or {}).items():
            if at == k:
                row[name] = cell
        rows.append(",".join(row[n] for n in names))
    path = tmp_path / "data.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def _row_engine(tmp_path: Path, data: Path) -> bytes:
    out = tmp_path / "row.csv"
    args = ["score", str(KPI / "scheme.yaml"), str(data), "--period", "2026-04", "--no-history"]
    assert 0 == main([*args, "--engine", "row", "--out", str(out)])
    return out.read_bytes()


def test_parts_are_whole_lines_each_under_the_header():
    data = b"id,x\n" + b"".join(b"E%d,%d\n" % (k, k * 7) for k in range(50))
    for size in (1, 7, 40, 1000):
        parts = list(columnar._parts(data, size))
        assert all(p.startswith(b"id,x\n") and p.endswith(b"\n") for p in parts)
        assert b"id,x\n" + b"".join(p[5:] for p in parts) == data
    assert list(columnar._parts(data.rstrip(b"\n"), 40))[-1].endswith(b"E49,343")  # no line end at the end
    assert list(columnar._parts(b"id,x\n", 10)) == [] and list(columnar._parts(b"id,x", 10)) == []


@pytest.mark.parametrize("part", [1 << 20, 2000, 100])
@pytest.mark.parametrize(
    "cells",
    [
        {},
        {(0, "agent_aov"): "109.5"},  # a decimal in the first part: that column is read as text throughout
        {(ROWS - 1, "agent_aov"): "109.5"},  # in the last part only: read again as text
        {(ROWS // 2, "pc_breaches"): ""},  # an empty cell (the metric's default, 0) in the middle
    ],
)
def test_any_parts_give_the_row_engines_file_byte_for_byte(tmp_path, monkeypatch, part, cells):
    monkeypatch.setattr(columnar, "_PART", part)
    plan, period = _plan()
    data = _data(tmp_path, cells)
    out = tmp_path / "out.csv"
    assert score_csv_columnar(plan, data, out, period=period, id_column="employee_id", no_history=True) == ROWS
    assert out.read_bytes() == _row_engine(tmp_path, data)


@pytest.mark.parametrize(
    "bad",
    [[0], [ROWS // 2], [ROWS - 1], [0, ROWS // 2, ROWS - 1]],
    ids=["first", "middle", "last", "all three"],
)
def test_bad_cells_in_any_part_are_reported_as_the_row_engine_reports_them_and_nothing_is_written(
    tmp_path, monkeypatch, capsys, bad
):
    monkeypatch.setattr(columnar, "_PART", 2000)  # parts of about 30 rows
    plan, period = _plan()
    data = _data(tmp_path, {(k, "buyers"): "12a" for k in bad} | {(bad[-1], "late_count"): "-1.5"})
    out = tmp_path / "out.csv"
    # Not the plain case: nothing written here, and the general path reads, reports and scores.
    assert score_csv_columnar(plan, data, out, period=period, id_column="employee_id", no_history=True) is None
    assert not out.exists()
    said = {}
    for engine in ("row", "columnar"):
        args = ["score", str(KPI / "scheme.yaml"), str(data), "--period", "2026-04", "--no-history"]
        assert main([*args, "--engine", engine, "--out", str(out)]) == 1
        said[engine] = [line for line in capsys.readouterr().err.splitlines() if not line.startswith("note:")]
        assert not out.exists()
    assert said["columnar"] == said["row"]
    # Every problem, each naming its line, row and column, with a suggestion.
    assert said["row"][0].startswith(f"{len(bad) + 1} problem(s) in ")
    assert all(any(f"(at row {k + 2}, column buyers)" in line for line in said["row"]) for k in bad)
    assert any("late_count" in line for line in said["row"]) and any("hint" in line for line in said["row"])


def test_integer_columns_come_as_int64_and_read_as_their_text_reads():
    cells = {"a": ["1", "20", "-3", "0"], "n": ["4", "0", "17", "9"], "d": ["1.5", "2", "3", "4"], "t": list("wxyz")}
    whole = {"a": False, "n": True, "d": False}
    parts = [pl.DataFrame(cells).slice(k, 2) for k in (0, 2)]
    got = colparse.read_integers(iter(parts), whole, lambda names: pl.DataFrame(cells).select(names))
    assert got is not None and got.columns == list(cells)
    assert [got[c].dtype for c in cells] == [pl.Int64, pl.Int64, pl.String, pl.String]
    typed, text = colparse.parse_numbers(got, whole), colparse.parse_numbers(pl.DataFrame(cells), whole)
    assert typed is not None and text is not None
    for name in whole:
        assert [repr(v) for v in typed[name].decimals()] == [repr(v) for v in text[name].decimals()]
        assert (typed[name].exp, typed[name].bounds()) == (text[name].exp, text[name].bounds())


@pytest.mark.parametrize("later", ["2.5", "", "+4", "007", "-0", "1e3", "x", "1234567890123456"])
def test_a_cell_integers_do_not_take_after_the_first_part_makes_the_column_text_again(later):
    cells = {"a": ["1", "2", "3", later], "n": ["4", "5", "6", "7"]}
    parts = [pl.DataFrame(cells).slice(k, 2) for k in (0, 2)]
    asked = []

    def again(names):
        asked.append(names)
        return pl.DataFrame(cells).select(names)

    got = colparse.read_integers(iter(parts), {"a": False, "n": True}, again)
    assert got is not None and asked == [["a"]]
    assert got["a"].to_list() == cells["a"] and got["n"].to_list() == [4, 5, 6, 7]
    assert colparse.read_integers(iter([]), {"a": False}, again) is None
