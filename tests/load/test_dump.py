"""dump_yaml writes what a person would: plain exact numbers, shorthand, tiers on one line."""

from decimal import Decimal as D

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

import perfrules as pr
from tests.conftest import EXAMPLES


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*/scheme.yaml")), ids=lambda p: p.parent.name)
def test_examples_dump_plainly_and_load_back_equal(path):
    scheme = pr.load_scheme(path)
    text = pr.dump_yaml(scheme)
    assert "!!" not in text  # no !!float '80'
    assert pr.scheme_from_text(text).scheme == scheme


def test_reads_like_a_hand_written_file():
    scheme = pr.Scheme(
        name="x",
        params=(pr.Param("baseline", 80), pr.Param("rate", D("0.65"))),
        metrics=(pr.Metric("sales", "money"), pr.Metric("calls", "count", min=0)),
        tables=(pr.TierTable("t", (pr.Tier(range=(None, 60), points=0), pr.Tier(range=(60, None), points=10))),),
        penalties=(pr.Penalty("late", occurrences="calls", range=(2, 5)),),
    )
    text = pr.dump_yaml(scheme)
    assert "params:\n  baseline: 80\n  rate: 0.65\n" in text
    assert "  sales: money\n  calls:\n    type: count\n    min: 0\n" in text
    assert "- {range: < 60, points: 0}\n" in text and "- {range: '>= 60', points: 10}\n" in text
    assert "range: [2, 5]" in text
    # Keys in the order of the scheme format, not sorted: name first, payouts after penalties.
    assert list(yaml.safe_load(text)) == ["name", "params", "metrics", "tables", "penalties"]


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (D("80"), "80"),
        (D("0.65"), "0.65"),
        (D("0.10"), "0.10"),
        (D("1E+2"), "100"),
        (D("-5"), "-5"),
        (D("1E-7"), "0.0000001"),
        (D("123456789012345678.5"), "123456789012345678.5"),
    ],
)
def test_numbers_written_plainly(value, written):
    text = pr.dump_yaml(pr.Scheme(name="x", params=(pr.Param("p", value),)))
    assert f"  p: {written}\n" in text
    assert pr.scheme_from_text(text).scheme.params[0].value == value


@given(
    st.integers(0, 10).flatmap(
        lambda places: st.decimals(min_value=-(10**17), max_value=10**17, allow_nan=False, places=places)
    )
)
def test_any_number_loads_back_exactly(value):
    text = pr.dump_yaml(pr.Scheme(name="x", params=(pr.Param("p", value),)))
    back = pr.scheme_from_text(text).scheme.params[0].value
    assert back == value and back.as_tuple().exponent == min(value.as_tuple().exponent, 0)


def test_comments_do_not_survive_and_the_docstring_says_so():
    assert "Comments do not survive" in (pr.dump_yaml.__doc__ or "")
    path = EXAMPLES / "seed001" / "scheme.yaml"
    assert "# 每月日常考核分值为80分" in path.read_text(encoding="utf-8")
    text = pr.dump_yaml(pr.load_scheme(path))
    assert not [line for line in text.splitlines() if line.lstrip().startswith("#") or " # " in line]
