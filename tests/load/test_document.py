from decimal import Decimal as D

import pytest

from perfrules import SchemeError
from perfrules._load import read_document


class TestScalars:
    """Plain scalars become exact Decimals; quoted ones stay text."""

    def test_numbers_are_exact(self):
        data = read_document("a: 0.65\nb: 1e5\nc: '0.65'\nd: 1_000\n").data
        assert {"a": D("0.65"), "b": D("1E+5"), "c": "0.65", "d": D(1000)} == data

    def test_yaml_1_1_booleans_stay_text(self):
        assert {"a": "yes", "b": "off", "c": True} == read_document("a: yes\nb: off\nc: true\n").data

    def test_positions_are_one_based(self):
        doc = read_document("name: x\nmetrics:\n  sales: money\n")
        assert (3, 10) == doc.source_map.positions[("metrics", "sales")]


class TestErrors:
    """Syntax problems name the line and column."""

    def test_yaml_syntax(self):
        with pytest.raises(SchemeError) as err:
            read_document("a: [1\nb: 2", "s.yaml")
        issue = err.value.issues[0]
        assert ("syntax", "s.yaml", 2) == (issue.code, issue.source, issue.line)

    def test_duplicate_key(self):
        with pytest.raises(SchemeError) as err:
            read_document("a: 1\nb: 2\na: 3\n")
        assert ("duplicate-key", 3) == (err.value.issues[0].code, err.value.issues[0].line)

    def test_json_syntax(self):
        with pytest.raises(SchemeError) as err:
            read_document('{"a": 1,}', fmt="json")
        assert "syntax" == err.value.issues[0].code

    def test_empty(self):
        with pytest.raises(SchemeError, match="empty"):
            read_document("   \n")

    def test_alias_bomb_is_bounded(self):
        lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 12)]
        with pytest.raises(SchemeError, match=r"document-too-large|more than"):
            read_document("\n".join(lines))
