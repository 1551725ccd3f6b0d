"""The columnar engine's output: one lazy query, streamed into a temporary file and renamed, or nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

import perfrules as pr
from perfrules._adapters import columnar
from perfrules._adapters.arrowfiles import frame_bytes
from perfrules._adapters.columnar import score_csv_columnar
from perfrules._cli.main import main
from perfrules._evaluate import scheme_period

pl = pytest.importorskip("polars")

EXAMPLES = Path(__file__).parents[2] / "examples"
KPI = EXAMPLES / "seed003-kpi"


def _plan(folder: Path) -> tuple[pr.Plan, pr.Period | None]:
    plan = pr.compile_scheme(pr.load_scheme(folder / "scheme.yaml"))
    return plan, scheme_period(plan, "2026-04", True)


def _row_output(tmp_path: Path, folder: Path, suffix: str = ".csv") -> Path:
    out = tmp_path / f"row{suffix}"
    args = ["score", str(folder / "scheme.yaml"), str(folder / "data.csv"), "--period", "2026-04", "--no-history"]
    assert 0 == main([*args, "--engine", "row", "--out", str(out)])
    return out


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.parametrize("folder", [KPI, EXAMPLES / "seed000-team"])
def test_the_streamed_file_is_the_row_engines_byte_for_byte(tmp_path, folder):
    plan, period = _plan(folder)
    out = tmp_path / "out.csv"
    got = score_csv_columnar(plan, folder / "data.csv", out, period=period, id_column="employee_id", no_history=True)
    assert got is not None and got > 0
    assert out.read_bytes() == _row_output(tmp_path, folder).read_bytes()
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("suffix", [".parquet", ".arrow"])
def test_a_streamed_table_file_holds_the_collected_frame(tmp_path, suffix):
    plan, period = _plan(KPI)
    out = tmp_path / f"out{suffix}"
    assert score_csv_columnar(plan, KPI / "data.csv", out, period=period, id_column="employee_id", no_history=True)
    read = pl.read_parquet if suffix == ".parquet" else pl.read_ipc
    table = read(out)
    assert set(table.schema.values()) == {pl.String}
    # The same table as the whole frame written at once ("" cells kept, as the row engine writes them).
    assert table.equals(read(frame_bytes(str(out), table)))
    row = read(_row_output(tmp_path, KPI, suffix))
    assert table.equals(row)


def _failing(exc: BaseException, eager: bool = False):
    plain = pl.DataFrame.write_csv if eager else pl.LazyFrame.sink_csv

    def sink(self, path=None, **kwargs):
        if path is None or (not eager and not isinstance(path, str)):  # polars' own writing to a buffer
            return plain(self, path, **kwargs)
        if eager:
            path.write(b"half a file")
        else:
            Path(path).write_text("half a file")  # what a sink stopped half-way leaves in its temporary file
        raise exc

    return sink


def _patch(monkeypatch, method: str, exc: BaseException) -> None:
    # A CSV file is written a slice of rows at a time (DataFrame.write_csv); a table file by a lazy sink.
    if method == "write_csv":
        monkeypatch.setattr(pl.DataFrame, "write_csv", _failing(exc, eager=True))
    else:
        monkeypatch.setattr(pl.LazyFrame, method, _failing(exc))


@pytest.mark.parametrize("method", ["write_csv", "sink_parquet"])
def test_a_failed_sink_leaves_the_target_as_it_was(tmp_path, monkeypatch, method):
    target = tmp_path / ("r.csv" if method == "write_csv" else "r.parquet")
    target.write_text("old")
    values = pl.DataFrame({"a": ["1"], "period": [""], "grade": ["A"], "flags": [""]})
    rows = (values, [pl.col(c) for c in values.columns]) if method == "write_csv" else values.lazy()
    _patch(monkeypatch, method, pl.exceptions.ComputeError("disk full"))
    assert columnar._sink(rows, target, method == "sink_parquet") is False
    assert target.read_text() == "old" and _leftovers(tmp_path) == []
    _patch(monkeypatch, method, KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):  # Ctrl-C: raised again, the temporary file removed first
        columnar._sink(rows, target, method == "sink_parquet")
    assert target.read_text() == "old" and _leftovers(tmp_path) == []


def test_after_a_failed_sink_the_whole_file_is_written_the_plain_way(tmp_path, monkeypatch):
    plan, period = _plan(KPI)
    out = tmp_path / "out.csv"
    out.write_text("old")
    _patch(monkeypatch, "write_csv", pl.exceptions.ComputeError("disk full"))
    assert score_csv_columnar(plan, KPI / "data.csv", out, period=period, id_column="employee_id", no_history=True)
    assert out.read_bytes() == _row_output(tmp_path, KPI).read_bytes()
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("rows", [1, 2, 5, 7])
def test_a_csv_file_written_in_slices_is_the_whole_frame_written_at_once(tmp_path, monkeypatch, rows):
    # The header once, then every slice's rows in order, whatever the slice's size.
    monkeypatch.setattr(columnar, "_SLICE", rows)
    periods = ["", "x", "", "y", "", ""]
    values = pl.DataFrame({"a": [str(k) for k in range(6)], "period": periods, "grade": ["A"] * 6, "flags": [""] * 6})
    texts = [pl.col(c) for c in values.columns]
    target = tmp_path / "r.csv"
    assert columnar._sink((values, texts), target, False, True)
    whole = values.with_columns(columnar._blank()).write_csv(line_terminator="\n")
    assert target.read_text() == whole and whole.count("\n") == 7 and "3,y,A,\n4,,A,\n" in whole


def test_standard_output_gets_the_whole_file_at_once(tmp_path, capfdbinary):
    # Standard output cannot be written half-way and thrown away: the rows are collected, then written.
    plan, period = _plan(KPI)
    expected = _row_output(tmp_path, KPI).read_bytes()
    capfdbinary.readouterr()
    assert score_csv_columnar(plan, KPI / "data.csv", "-", period=period, id_column="employee_id", no_history=True)
    assert capfdbinary.readouterr().out == expected


def test_cells_are_written_without_looking_for_quotes_only_when_no_word_could_need_them():
    import attrs

    plan, period = _plan(KPI)
    assert period is not None and columnar._unquoted(plan, period)
    assert columnar._unquoted(plan, None)
    # A word with a comma or a quote (here a period label an embedding program made) is quoted as needed.
    for label in ("2026,04", '2026"04', "2026\n04"):
        assert not columnar._unquoted(plan, attrs.evolve(period, label=label))
