"""The generated reader's cache of cells already read: a hit gives what reading the cell again would give."""

import random
from decimal import Decimal

import pytest

import perfrules as pr
from perfrules._compile import CellError

SCHEME = """
name: cached
metrics:
  n: count
  r: {type: rating, min: 0, max: 5}
  m: money
  p: list
  d: {type: number, default: 2, min: -10}
score:
  formula: "n + r + m + d"
"""


class Text(str):
    """Text of a subclass of str: never looked up in the cache."""


def _read_or_error(plan, row):
    try:
        return [(type(v).__name__, repr(v)) for v in plan.read(row)]
    except CellError as exc:
        return ("error", exc.code)


def _converted(plan, row):
    try:
        return [(type(v).__name__, repr(v)) for v in (s.convert(row.get(s.metric.name)) for s in plan.inputs)]
    except CellError as exc:
        return ("error", exc.code)


@pytest.fixture
def plan(tmp_path):
    path = tmp_path / "scheme.yaml"
    path.write_text(SCHEME, encoding="utf-8")
    return pr.compile_scheme(pr.load_scheme(path))


def test_every_cell_read_again_reads_as_the_converter_reads_it(plan):
    rnd = random.Random(4)
    cells = {
        "n": ["3", "03", "7", "-1", "1.5", "", " 4", "x", 5, 2.0, Decimal(6), Decimal("sNaN"), None, Text("8"), [1]],
        "r": ["2", "2.0", "5", "6", "4.25", "NaN", "Infinity", "1e0", Decimal("2.50")],
        "m": ["10", "10.00", "1e2", "-3.5", "1,000", "", "١٢"],
        "p": ["", "1;2", "1; 2", "3", "a", Text("1;2"), [Decimal(1)]],
        "d": ["", "-10", "-11", "0.5", None],
    }
    for _ in range(3000):
        row = {name: rnd.choice(values) for name, values in cells.items()}
        if rnd.random() < 0.2:
            del row["d"]
        assert _read_or_error(plan, row) == _converted(plan, row)


def test_a_column_with_more_values_than_the_cache_keeps_still_reads_each(plan):
    for k in range(5000):
        row = {"n": str(k), "r": "1", "m": f"{k}.{k % 100:02d}", "p": ";".join(["1"] * (k % 7)), "d": str(-(k % 11))}
        assert _read_or_error(plan, row) == _converted(plan, row)
    for k in (0, 4095, 4096, 4999):  # read again: kept or not, the same value
        row = {"n": str(k), "r": "1", "m": f"{k}.{k % 100:02d}", "p": "", "d": "1"}
        assert _read_or_error(plan, row) == _converted(plan, row)


class Clash:
    """A cell that hashes like the text "3" and cannot be compared: the quick reader must not fail on it."""

    def __hash__(self):
        return hash("3")

    def __eq__(self, other):
        raise ValueError("not comparable")


def test_a_cell_the_cache_cannot_look_up_is_read_carefully(plan):
    plan.read({"n": "3", "r": "1", "m": "1", "p": "1", "d": "1"})  # "3" is kept for column n
    odd = [[1], {"a": 1}, Decimal("sNaN"), Clash(), float("nan"), Decimal("NaN")]
    for cell in odd:
        for column in ("n", "p", "d"):
            row = {"n": "3", "r": "1", "m": "1", "p": "1", "d": "1", column: cell}
            assert _read_or_error(plan, row) == _converted(plan, row)
    with pytest.raises(KeyError):
        plan.read({"n": "3", "r": "1", "m": "1", "d": [1]})  # no column p: the caller names it
