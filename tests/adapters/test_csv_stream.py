"""A streamed CSV file's rows and the line each starts on, with blank lines, short rows and quoted line breaks."""

import csv
import io
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perfrules import InputError, Issue
from perfrules._adapters import streamed
from perfrules._adapters.streamed import _putter, csv_stream
from perfrules._model import plain_text


def _reference(path):
    # Each row with the line it starts on, one row at a time: what the streamed reader must give.
    out = []
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        end = reader.line_num
        for cells in reader:
            if cells:
                full = cells + [None] * (len(header) - len(cells))
                out.append((dict(zip(header, full, strict=True)), end + 1))
            end = reader.line_num
    return out


CELL = st.sampled_from(["1", "22", "", "a b", '"x\ny"', '"p\n\nq"', '"r,s"'])


@st.composite
def _text(draw):
    lines = ["employee_id,a,b"]
    for k in range(draw(st.integers(0, 25))):
        lines += [""] * draw(st.integers(0, 2)) if draw(st.integers(0, 4)) == 0 else []  # blank lines
        cells = [f"E{k:03d}", draw(CELL), draw(CELL)][: draw(st.sampled_from([1, 2, 3, 3, 3, 3]))]
        if draw(st.booleans()) and len(cells) > 1:
            cells[1] = '"two\nlines"'
        lines.append(",".join(cells))
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("block", [None, 1, 2, 5])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_text())
def test_rows_and_their_lines_are_those_read_one_row_at_a_time(tmp_path, monkeypatch, block, text):
    # While every row is the usual one, blocks of lines are parsed at once; from the first that is not
    # (a quote, a blank line, a short row), row by row: the rows and their lines are the same either way,
    # whatever the size of a block (None: the size the reader uses).
    if block is not None:
        monkeypatch.setattr(streamed, "_LINES", block)
    path = tmp_path / "data.csv"
    path.write_text(text, encoding="utf-8")
    stream = csv_stream(path)
    assert stream is not None
    got = list(stream.rows())
    want = _reference(path)
    assert got == [row for row, _ in want]
    lines = [stream.locate(Issue("x", "x", (f"row {n}", "a"))).line for n in range(2, len(got) + 2)]
    assert lines == [line for _, line in want]


def test_extra_cells_after_many_usual_rows_name_their_line(tmp_path, monkeypatch):
    monkeypatch.setattr(streamed, "_LINES", 4)
    rows = [f"E{k:03d},1,2" for k in range(10)]
    rows[8] += ",3"
    path = tmp_path / "data.csv"
    path.write_text("employee_id,a,b\n" + "\n".join(rows) + "\n", encoding="utf-8")
    stream = csv_stream(path)
    assert stream is not None
    got = []
    with pytest.raises(InputError) as raised:
        got.extend(stream.rows())
    assert len(got) == 8
    assert raised.value.issues[0].code == "extra-cells"
    assert "line 10 " in raised.value.issues[0].message


OUT_CELL = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(allow_nan=True),
    st.decimals(allow_nan=True),
    st.sampled_from(["", "None", "a,b", 'say "hi"', "x\ny", "x\ry", "\x00", " lead", "=1+1", "E0001", "é"]),
    st.text(max_size=6),
)


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(st.lists(OUT_CELL, min_size=3, max_size=3).map(tuple), max_size=6), odd=st.booleans())
def test_a_chunk_is_written_as_csv_writer_writes_it(rows, odd):
    # The streamed writer joins str() of each cell when no cell needs quotes and none is None; any other
    # chunk (and a row of another width) is csv.writer's: the same text either way, each amount as plain digits.
    rows = [*rows, ("a", "b")] if odd else rows
    want = io.StringIO()
    csv.writer(want, lineterminator="\n").writerows(
        [[plain_text(c) if isinstance(c, Decimal) else c for c in row] for row in rows]
    )
    got = io.StringIO()
    _putter(got, csv.writer(got, lineterminator="\n"), 3)(rows)
    assert got.getvalue() == want.getvalue()
