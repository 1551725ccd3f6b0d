"""A default a cell holding it would be refused for is a scheme error (trial finding 1)."""

import pytest

import perfrules as pr
from perfrules._cli import main

SCHEME = 'name: d\nmetrics:\n  att: %s\npayouts:\n  pay: {formula: "3000 * att"}\n'


def _issues(metric):
    return [(i.code, i.path) for i in pr.validate(pr.scheme_from_text(SCHEME % metric).scheme).errors]


@pytest.mark.parametrize(
    "metric",
    [
        "{type: number, min: 0, max: 10, default: 50}",
        "{type: number, min: 0, default: -1}",
        "{type: percent, scale: points, default: 150, max: 1.2}",  # 150 in points is 1.5
        "{type: percent, default: 100}",  # a bare 100 without scale: is ambiguous in a cell too
        "{type: count, default: 2.5}",
        "{type: count, default: -1}",
        "{type: list, default: 0}",
    ],
)
def test_a_default_a_cell_could_not_hold_is_refused(metric):
    # (A list in 3000 * att is also a formula-type error.)
    assert [i for i in _issues(metric) if i[0] != "formula-type"] == [("bad-default", ("metrics", "att", "default"))]


@pytest.mark.parametrize(
    "metric",
    [
        "{type: number, min: 0, max: 10, default: 10}",
        "{type: percent, scale: points, default: 100, max: 1.2}",  # 100 in points is 1.00
        "{type: percent, scale: fraction, default: 1.2, max: 1.2}",
        "{type: percent, default: 0.5}",
        "{type: count, max: 1, default: 1}",
        "{type: money, default: 12.50}",
    ],
)
def test_a_default_a_cell_could_hold_is_accepted(metric):
    assert _issues(metric) == []


def test_validate_names_the_default_with_its_line_and_column(tmp_path, capsys):
    path = tmp_path / "s.yaml"
    path.write_text(SCHEME % "{type: number, min: 0, max: 10, default: 50}", encoding="utf-8")
    [issue] = pr.check_file(path).errors
    assert (issue.code, issue.line, issue.column) == ("bad-default", 3, 49)
    assert "default 50" in issue.message and "above the maximum 10" in issue.message and issue.hint
    assert main(["validate", str(path)]) == 1
    assert f"{path}:3:49: error [bad-default]" in capsys.readouterr().out
