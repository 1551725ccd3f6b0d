"""The generated row reader takes a missing cell of a column with a default exactly as the converter does."""

import pytest

import perfrules as pr
from perfrules._compile import CellError

SCHEME = """
name: defaults
metrics:
  a: {type: number, default: 0}
  b: {type: money, default: 12.50}
  c: {type: count, default: 3, max: 9}
  d: {type: percent, default: 0.25}
  e: {type: rating, min: 1, max: 5, default: 3}
  f: list
  g: {type: number, default: -2}
  h: {type: number, default: 1.0, min: 0, max: 110}
  i: number
score:
  formula: "a + b + c + d + e + h + i"
"""


@pytest.fixture
def plan(tmp_path):
    path = tmp_path / "scheme.yaml"
    path.write_text(SCHEME, encoding="utf-8")
    return pr.compile_scheme(pr.load_scheme(path))


def _cells(values):
    return [(type(v).__name__, repr(v)) for v in values]


@pytest.mark.parametrize("how", ["missing column", "short row"])
def test_a_cell_with_a_default_that_is_not_there_reads_as_the_converter_reads_it(plan, how):
    names = [s.metric.name for s in plan.inputs]
    row = {"i": "7", "f": ""} if how == "missing column" else {**dict.fromkeys(names), "i": "7"}
    want = [spec.convert(row.get(spec.metric.name)) for spec in plan.inputs]
    assert _cells(plan.read(row)) == _cells(want)
    # The default as a cell holding it reads: for money 12.50 keeps its two places.
    assert plan.read(row)[names.index("b")].as_tuple() == plan.inputs[names.index("b")].metric.default.as_tuple()


def test_a_cell_without_a_default_is_still_refused(plan):
    with pytest.raises(KeyError):
        plan.read({"a": "1"})
    with pytest.raises(CellError):
        plan.read({"i": None, "f": ""})
    got = plan.read({"a": "2", "b": "3.5", "i": "1", "f": ""})
    assert _cells(got[:2]) == _cells([plan.inputs[0].convert("2"), plan.inputs[1].convert("3.5")])
