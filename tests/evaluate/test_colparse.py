"""The columnar engine reads number cells exactly as the row reader does, or leaves the file to the general path."""

from __future__ import annotations

import csv
import itertools
import re
from decimal import Decimal

import pytest

import perfrules as pr

pl = pytest.importorskip("polars")
colparse = pytest.importorskip("perfrules._evaluate.colparse")

# Cells at every edge of the reading: signs, zeros, leading zeros, points, places, lengths, spaces, exponents.
EDGES = [
    "0",
    "7",
    "-0",
    "-00",
    "-0.0",
    "-0.000",
    "0.0",
    "00",
    "007",
    "-007.50",
    "+1",
    "+0",
    "+1.5",
    "+.5",
    "-.5",
    ".5",
    "5.",
    "-5.",
    "1.2.3",
    " 1",
    "1 ",
    "1e3",
    "1E3",
    "1.5e1",
    "1_000",
    "0x10",
    "１",
    "-",
    ".",
    "1.50",
    "-1.50",
    "0.05",
    "-0.05",
    "100",
    "-100",
    "123456789012345",  # 15 digits before the point: the most taken
    "1234567890123456",  # 16
    "-123456789012345",
    "999999999999999.999999999999",  # 28 bytes
    "-999999999999999.999999999999",  # 29 bytes
    "1.123456789012",  # 12 places
    "1.1234567890123",  # 13
    "123456789012345678",  # 18 digits
    "9223372036854775807",
    "-9223372036854775808",
    "12345.123456789012",  # 18 digits, 19 bytes
]
_TAKEN = {True: r"^[0-9]{1,15}$", False: r"^-?[0-9]{1,15}(\.[0-9]{1,12})?$"}


def _taken(cell: str, whole: bool) -> bool:
    return bool(re.match(_TAKEN[whole], cell)) and len(cell) <= 28


def _quick(cells: list[str], steps) -> list[tuple[str, int, int]]:
    # The cells the quick reading takes, with the coefficient and places it reads.
    first, then = steps
    got = pl.DataFrame({"x": cells}).lazy().select(first).select(then).collect()
    places = got["p.x"] if "p.x" in got.columns else [0] * len(cells)
    return [(x, c, p) for x, ok, c, p in zip(cells, got["ok.x"], got["c.x"], places, strict=True) if ok]


@pytest.mark.parametrize("whole", [True, False])
def test_the_quick_reading_takes_only_text_the_definition_takes_and_reads_it_as_decimal_does(whole):
    # Every cell of up to five characters over digits, signs, points, an exponent and a space, and the edges.
    alphabet = "01-.+9e "
    cells = ["", *EDGES, *("".join(t) for n in range(1, 6) for t in itertools.product(alphabet, repeat=n))]
    taken = _quick(cells, colparse._integers("x", whole))
    if not whole:
        taken += _quick(cells, colparse._decimals("x"))
    for cell, c, places in taken:
        assert _taken(cell, whole), cell
        sign, digits, exp = Decimal(cell).as_tuple()
        assert not (sign and c == 0), cell  # a negative zero is left to the regular expressions' reading
        assert (c, -places) == (int("".join(map(str, digits))) * (-1 if sign else 1), exp), cell
    # Every cell written as str(Decimal) writes it is read the quick way (but a negative zero, or 19 digits).
    canonical = {x for x in cells if _taken(x, whole) and str(Decimal(x)) == x and len(x) <= 18}
    assert {x for x, _, _ in taken} == {x for x in canonical if not (x[0] == "-" and Decimal(x) == 0)}
    assert len(canonical) > 100


@pytest.mark.parametrize("whole", [True, False])
@pytest.mark.parametrize("cell", EDGES)
def test_each_edge_cell_is_read_as_decimal_reads_it_or_refused(cell, whole):
    # Beside a plain cell, and beside a cell the quick reading leaves to the regular expressions.
    for other in ("1", "01"):
        df = pl.DataFrame({"x": [cell, other, cell]})
        got = colparse.parse_numbers(df, {"x": whole})
        if not _taken(cell, whole):
            assert got is None
            continue
        assert got is not None
        assert [repr(v) for v in got["x"].decimals()] == [repr(Decimal(v)) for v in (cell, other, cell)]


def test_an_empty_cell_or_a_missing_value_is_refused():
    assert colparse.parse_numbers(pl.DataFrame({"x": ["1", None]}), {"x": True}) is None
    assert colparse.parse_numbers(pl.DataFrame({"x": ["1.5", ""]}), {"x": False}) is None


def test_one_exponent_for_a_column_is_kept_as_one_int():
    got = colparse.parse_numbers(
        pl.DataFrame({"a": ["1.50", "-2.25", "0.00"], "b": ["1", "2.5", "3.75"], "n": ["3", "0", "12"]}),
        {"a": False, "b": False, "n": True},
    )
    assert got is not None
    assert got["a"].exp == -2 and got["n"].exp == 0
    assert got["b"].exp is None and got["b"].e.to_list() == [0, -1, -2]
    assert [str(v) for v in got["b"].decimals()] == ["1", "2.5", "3.75"]


def test_coefficients_below_10_to_the_18_are_int64():
    cells = {"a": ["1.50", "-2.25"], "b": ["123456789012345.1234", "1"], "c": ["-99999999999999.9999", "0"]}
    got = colparse.parse_numbers(pl.DataFrame(cells), dict.fromkeys(cells, False))
    assert got is not None
    assert [got[x].c.dtype for x in "abc"] == [pl.Int64, pl.Int128, pl.Int64]
    for x in "abc":
        assert [repr(v) for v in got[x].decimals()] == [repr(Decimal(v)) for v in cells[x]]
        assert got[x].bounds() == (got[x].c.min(), got[x].c.max())


_SCHEME = pr.Scheme(
    name="reading",
    metrics=(pr.Metric("x", "number"), pr.Metric("n", "count")),
    indicators=(pr.Indicator("i", formula="x + n"),),
)


@pytest.mark.parametrize("cell", [*EDGES, "", "1;2"])
@pytest.mark.parametrize("column", ["x", "n"])
def test_the_csv_path_writes_the_row_engines_file_or_leaves_the_file_to_it(cell, column, tmp_path):
    from perfrules._adapters import score_csv_columnar, write_results

    plan = pr.compile_scheme(_SCHEME)
    cells = {"x": ["1.5", "-2", "0.25"], "n": ["1", "2", "3"]}
    cells[column][1] = cell
    data = tmp_path / "data.csv"
    lines = ["employee_id,x,n", *(f"E{k},{cells['x'][k]},{cells['n'][k]}" for k in range(3))]
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "col.csv"
    written = score_csv_columnar(plan, data, out, period=None, id_column="employee_id", no_history=True)
    assert bool(written) == _taken(cell, column == "n")
    if not written:
        assert not out.exists()
        return
    with open(data, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    write_results(pr.score(plan, rows), tmp_path / "row.csv")
    assert out.read_bytes() == (tmp_path / "row.csv").read_bytes()
