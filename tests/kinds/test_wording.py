"""Numbers on screen: explanations are read by people; their JSON form keeps every digit."""

import json
import re
from decimal import Decimal as D

import pytest

import perfrules as pr
from perfrules._adapters import read_population
from perfrules._formula import GROUP_FUNCTIONS, HISTORY_FUNCTIONS
from perfrules._kinds import number
from tests.conftest import EXAMPLES

CASES = sorted(p.parent for p in EXAMPLES.glob("*/scheme.yaml") if (p.parent / "data.csv").exists())


def scored(folder):
    plan = pr.compile_scheme(pr.load_scheme(folder / "scheme.yaml"))
    period = "2026-Q2" if plan.scheme.period == "quarter" else "2026-04"
    return plan, pr.score(plan, read_population(folder / "data.csv"), period=period, no_history=True)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (D("18.33333333333333333333333333"), "18.33"),
        (D("86.66666666666666666666666667"), "86.67"),
        (D("50.03333"), "50.03"),
        (D("0.0001234567"), "0.0001235"),
        (D("-2.005000001"), "-2.01"),
        (D("0.3333"), "0.3333"),  # four places are read as written
        (D("0.05"), "0.05"),
        (D("2800.00"), "2800.00"),
        (D("100.0"), "100.0"),
        (D("0.100"), "0.1"),
        (D("1.2500"), "1.25"),
        (D(0), "0"),
    ],
)
def test_long_intermediates_are_rounded_for_reading(value, shown):
    assert shown == number(value)


@pytest.mark.parametrize(("value", "shown"), [(D(10), "10.00"), (D("23.455"), "23.46"), (D("-5"), "-5.00")])
def test_money_shows_its_places(value, shown):
    assert shown == number(value, 2)


def test_explanations_round_for_reading_and_json_keeps_every_digit():
    plan, results = scored(EXAMPLES / "seed000-team")
    trace = pr.explain(plan, results.by_employee()["A"])
    for lang in ("en", "zh"):
        text = pr.render_text(trace, lang)
        assert "(month_score)=86.67" in text
        assert not re.search(r"\d\.\d{5,}", text), text
    assert "86.66666666666666666666666667" in pr.render_json(trace)
    assert "86.66666666666666666666666667" in json.dumps(trace.to_dict())


def test_penalty_money_prints_with_its_places():
    plan, results = scored(EXAMPLES / "seed000-pay")
    text = pr.render_text(pr.explain(plan, results.by_employee()["A02"]), "en")
    assert "refund and reorder (reorder): 2 × 100.00 = 200.00 → deducted" in text
    assert "− 200.00 (reorder)" in text and "+ 500.00 (suggestion)" in text
    plan, results = scored(EXAMPLES / "seed003-front-desk")
    shown = "\n".join(pr.render_text(pr.explain(plan, r), "en") for r in results)
    assert re.search(r"capped at 30\.00 \(was \d+\.00\)", shown)


_IDENTIFIER = re.compile(r"\b(half_up|half_even|true|false|no_counterpart|asc|desc)\b")
_FUNCTION = re.compile(
    r"\b(" + "|".join(sorted({*GROUP_FUNCTIONS, *HISTORY_FUNCTIONS}, key=len, reverse=True)) + r")\("
)


@pytest.mark.parametrize("folder", CASES, ids=lambda p: p.name)
def test_chinese_text_has_no_english_identifiers_of_ours(folder):
    plan, results = scored(folder)
    for r in results:
        for line in pr.render_text(pr.explain(plan, r), "zh").splitlines():
            if line.startswith("   其中 "):  # what formulas read: the scheme's names, our function names translated
                assert not _FUNCTION.search(line), line
                assert not re.search(r"=(true|false)\b", line), line
            else:  # the scheme's own formulas may use our functions; the rest of the sentence may not
                assert not re.search(r"（(half_up|half_even|down|up|floor|ceiling)）", line), line
                assert "no_counterpart" not in line and not re.search(r" (asc|desc)\b", line), line


def test_chinese_reads_name_functions_and_truth_in_chinese():
    plan, results = scored(EXAMPLES / "seed000-team")
    text = "\n".join(pr.render_text(pr.explain(plan, r), "zh") for r in results)
    assert "团队平均(month_score)=86.67" in text and "is_supervisor=否" in text
    assert "保留 2 位小数（四舍五入）" in text


def test_a_share_of_someone_elses_cost_is_named_in_words_not_as_an_internal_name():
    plan, results = scored(EXAMPLES / "seed000-pay")
    trace = pr.explain(plan, results.by_employee()["S01"])
    en, zh = pr.render_text(trace, "en"), pr.render_text(trace, "zh")
    assert "− 16.72 (wrong_note, share borne as manager)" in en
    assert "− 16.72 (作为 manager 分摊 wrong_note)" in zh
    assert "charges_" not in en + zh


def _csv(folder):
    from perfrules._adapters import render_results

    _, results = scored(folder)
    return render_results(results, "r.csv").decode().splitlines()


def test_the_score_column_has_one_number_of_places():
    # seed003-pay declares no score rounding: 50, 100 and 88.5 were written as they came.
    lines = _csv(EXAMPLES / "seed003-pay")
    assert [line.split(",")[2] for line in lines[1:]] == ["50.00", "100.00", "88.50"]
    # seed002 declares score rounding to 2 places; a vetoed or floored score is written the same way.
    assert all(re.fullmatch(r"\d+\.\d\d", line.split(",")[2]) for line in _csv(EXAMPLES / "seed002")[1:])


def test_money_penalty_columns_have_their_places():
    header, *rows = _csv(EXAMPLES / "seed000-pay")
    names = header.split(",")
    money = ["reorder", "wrong_note", "neglected_request", "training_loss", "suggestion"]
    for row in rows:
        cells = dict(zip(names, row.split(","), strict=True))
        assert all(re.fullmatch(r"\d+\.\d\d", cells[m]) for m in money), cells
    assert dict(zip(names, rows[1].split(","), strict=True))["reorder"] == "200.00"  # was 200


def test_scores_and_money_keep_their_values():
    _, results = scored(EXAMPLES / "seed003-pay")
    assert [r.score for r in results] == [D(50), D(100), D("88.5")]
    assert str(results.results[2].score) == "88.50"


def test_weighted_indicators_have_points_and_contribution_columns():
    header, *rows = _csv(EXAMPLES / "seed003-kpi")
    names = header.split(",")
    cells = {row.split(",")[0]: dict(zip(names, row.split(","), strict=False)) for row in rows}
    # conversion weighs 35%: its column is the contribution, conversion.points the points it weighs.
    assert (cells["K02"]["conversion"], cells["K02"]["conversion.points"]) == ("28.00", "80")
    assert names.index("attendance.points") < names.index("pc_rule")  # after the contributions, before sections
    # An unweighted indicator's column is its points: no second column.
    assert not [n for n in _csv(EXAMPLES / "seed002")[0].split(",") if n.endswith(".points")]


ROUNDED = re.compile(r"= (-?[\d.]+…?); rounded to (\d+) places \((\w+)\) → (-?[\d.]+)$")
TEXT_MODES = {"half_up": "ROUND_HALF_UP", "down": "ROUND_DOWN", "half_even": "ROUND_HALF_EVEN"}


@pytest.mark.parametrize(("v", "places", "mode"), [("96.87", 4, "half_up"), ("100", 2, "half_up"), ("0.35", 0, "down")])
def test_the_text_shows_the_value_before_rounding_as_the_rounding_takes_it(v, places, mode):
    # v / 8 (12.10875) read as 12.11 before a rounding to 4 places gave 12.1088: a line at odds with itself.
    # v / 7 has 28 digits: shown cut, with "…", and never rounded, so the digits shown round as the value.
    scheme = f"""name: R
metrics:
  v: {{type: number}}
score: {{formula: v}}
payouts:
  eighth: {{formula: v / 8, rounding: {{places: {places}, mode: {mode}}}}}
  seventh: {{formula: v / 7, rounding: {{places: {places}, mode: {mode}}}}}
"""
    plan = pr.compile_scheme(pr.scheme_from_text(scheme, fmt="yaml").scheme)
    result = next(iter(pr.score(plan, [{"employee_id": "A", "v": v}], trace=True)))
    text = pr.render_text(pr.explain(plan, result))
    found = {}
    for line in text.splitlines():
        if (m := ROUNDED.search(line)) is not None:
            found[line.split(" ")[1]] = m.groups()
    assert set(found) == {"eighth", "seventh"}, text
    for name, (before, kept, how, after) in found.items():
        exact = D(v) / (8 if name == "eighth" else 7)
        assert int(kept) == places and how == mode
        assert D(after) == result.payouts[name]
        shown = D(before.rstrip("…"))
        if before.endswith("…"):  # cut: the value starts with the digits shown, and more follow
            assert exact != shown and str(exact).startswith(before.rstrip("…"))
        else:
            assert shown == exact
        # What the reader rounds is what the engine rounded: the line recomputes to its value.
        step = D(1).scaleb(-places)
        assert shown.quantize(step, rounding=TEXT_MODES[mode]) == result.payouts[name], line
        assert len(before.rstrip("…").partition(".")[2]) > places or not before.endswith("…")
