"""What-if sweeps: variants x periods, totals and per-employee changes against the baseline."""

from decimal import Decimal as D

import pytest

import perfrules as pr
from perfrules._adapters import read_population
from perfrules._analysis import recorded
from perfrules._cli.main import main
from tests.conftest import EXAMPLES, ROOT

OLD = EXAMPLES / "seed003-kpi" / "scheme.yaml"
NEW = ROOT / "tests" / "analysis" / "fixtures" / "kpi-v2.yaml"
MONTHS = sorted((EXAMPLES / "seed003-kpi" / "months").glob("*.csv"))


def _batches():
    return [(m.stem, read_population(m)) for m in MONTHS]


def test_a_sweep_agrees_with_whatif_for_each_variant():
    old, new = pr.load_scheme(OLD), pr.load_scheme(NEW)
    s = pr.sweep(old, {"v2": new, "same": old}, _batches(), no_history=True)
    w = pr.whatif(old, new, _batches(), no_history=True)
    assert s.amount == w.amount == "monthly_pay"
    assert s.variants == ("baseline", "v2", "same") and s.periods == ("2026-04", "2026-05", "2026-06")
    assert s.total("baseline") == w.total_old == D("33390.00")
    assert s.total("v2") == w.total_new and s.change("v2") == D("225.00")
    assert s.changes["v2"] == {(d.period, d.employee): (d.amount_old, d.amount_new) for d in w.deltas if d.change}
    assert s.changes["same"] == {} and s.change("same") == 0
    assert s.engines == {"baseline": "columnar", "v2": "columnar", "same": "columnar"}
    assert s.employee_months == 3 * 18
    assert pr.sweep(old, {"v2": new, "same": old}, _batches(), no_history=True, engine="row").totals == s.totals
    data = s.to_dict()
    assert data["variants"][1]["change"] == "225.00" and data["variants"][1]["engine"] == "columnar"
    assert "v2" in s.render_text() and "+225.00" in s.render_text()
    # Merit over 5 points waits for approval when paid: the comparison says its amounts are before holds.
    assert "before any hold" in s.render_text() and "before any hold" in w.render_text()
    assert s.to_dict()["notes"] == w.to_dict()["notes"] != []


def test_a_sweep_replays_ledger_periods_under_their_recorded_inputs(tmp_path, capsys):
    ledger = tmp_path / "results.db"
    for month in MONTHS:
        assert 0 == main(["score", str(OLD), str(month), "--period", month.stem, "--ledger", str(ledger)])
    capsys.readouterr()
    old = pr.load_scheme(OLD)
    with pr.Ledger(ledger, readonly=True) as book:
        batches = recorded(book, [m.stem for m in MONTHS], old.name)
        s = pr.sweep(old, {"v2": pr.load_scheme(NEW)}, batches, history=book)
        row = pr.sweep(old, {"v2": pr.load_scheme(NEW)}, batches, history=book, engine="row")
    assert s.total("baseline") == D("33940.00")  # what was paid: streak awards and PC fines counted over months
    assert s.change("v2") == D("225.00")
    assert (s.totals, s.changes) == (row.totals, row.changes)


def test_the_row_engine_is_used_where_the_columnar_cannot_and_says_why():
    # Every example is now within the columnar engine's reach; a power (**) is not.
    text = "name: p\nmetrics: {sales: number}\npayouts:\n  bonus: {formula: 'sales ** 2'}\n"
    plan = pr.compile_scheme(pr.scheme_from_text(text).scheme)
    batches = [("2026-04", [{"employee_id": "E1", "sales": "3"}, {"employee_id": "E2", "sales": "1.5"}])]
    s = pr.sweep(plan, {"again": plan}, batches, no_history=True)
    assert s.engines["again"].startswith("row: ") and "columnar engine cannot compute" in s.engines["again"]
    with pytest.raises(pr.CompileError, match="columnar engine cannot score"):
        pr.sweep(plan, {"again": plan}, batches, no_history=True, engine="columnar")


def test_an_amount_a_variant_lacks_is_refused():
    old = pr.load_scheme(OLD)
    with pytest.raises(pr.InputError, match="has no value 'nothing'"):
        pr.sweep(old, {"same": old}, _batches(), amount="nothing", no_history=True)
    with pytest.raises(ValueError, match="baseline"):
        pr.sweep(old, {"baseline": old}, _batches(), no_history=True)
