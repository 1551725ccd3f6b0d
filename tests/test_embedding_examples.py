"""
The embedding examples under docs/examples/embedding/ run as the how-to shows them.

FastAPI through its TestClient; Django with the example's settings on in-memory
sqlite, running the management command; the Frappe HRMS hook with a dict shaped
like ``Appraisal.as_dict()`` and a stand-in ``frappe`` module (Frappe itself
needs a site, a database and Redis, so it is not installed for the tests).
"""

import os
import sys
import types
from decimal import Decimal as D

import pytest

import perfrules as pr
from tests.conftest import ROOT

EMBED = ROOT / "docs" / "examples" / "embedding"


@pytest.fixture(scope="module", autouse=True)
def on_path():
    sys.path[:0] = [str(EMBED), str(EMBED / "django")]
    yield
    for p in (str(EMBED), str(EMBED / "django")):
        sys.path.remove(p)


@pytest.fixture(scope="module")
def client():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # starlette's note on httpx versions, not ours to act on
        import fastapi_app
        from fastapi.testclient import TestClient

        return TestClient(fastapi_app.app)


ROWS = [
    {"employee_id": "E1", "sales": 120000, "quality": "95%"},
    {"employee_id": "E2", "sales": "60000", "quality": 0.8},
]


class TestFastAPI:
    def test_scores_and_answers_exact_json(self, client):
        answer = client.post("/score", json={"period": "2026-03", "rows": ROWS})
        assert answer.status_code == 200
        data = answer.json()
        assert data["period"] == "2026-03" and data["scheme_digest"].startswith("sha256:")
        assert [(r["employee"], r["score"], r["grade"], r["payouts"]["bonus"]) for r in data["results"]] == [
            ("E1", "98.5", "A", "985.00"),
            ("E2", "80.0", "B", "800.00"),
        ]

    def test_bad_cells_are_422_with_every_problem(self, client):
        rows = [{"employee_id": "E1", "sales": "lots", "quality": "95%"}, {"employee_id": "E2", "sales": 1}]
        answer = client.post("/score", json={"period": "2026-03", "rows": rows})
        assert answer.status_code == 422
        found = [(p["code"], p["path"]) for p in answer.json()["detail"]]
        # Rows are named as the client sent them, by their index in the posted list (not CSV line numbers).
        assert found == [("bad-value", "rows[0].sales"), ("missing-column", "quality")]
        assert "first at rows[1]" in answer.json()["detail"][1]["message"]
        assert all(p["hint"] for p in answer.json()["detail"])

    def test_a_row_is_named_by_its_index_in_every_problem(self, client):
        rows = [*ROWS, {"employee_id": "", "sales": 1, "quality": "1"}]
        answer = client.post("/score", json={"period": "2026-03", "rows": rows})
        assert answer.status_code == 422
        detail = answer.json()["detail"]
        assert ["rows[2]"] == [p["path"] for p in detail] and "rows[2] has no usable" in detail[0]["message"]
        assert all("row 3" not in p["message"] and "row 2 " not in p["message"] for p in detail)

    def test_wrong_period_is_422(self, client):
        answer = client.post("/score", json={"period": "2026-Q1", "rows": ROWS})
        assert answer.status_code == 422
        assert answer.json()["detail"][0]["code"] == "period-kind"

    def test_results_themselves_are_not_json(self, client):
        # Why the example returns to_dict(): FastAPI cannot encode a Results (it would answer 500).
        import fastapi_app
        from fastapi.encoders import jsonable_encoder

        results = pr.score(fastapi_app.PLAN, ROWS, period="2026-03")
        with pytest.raises((TypeError, ValueError)):
            jsonable_encoder(results)
        assert jsonable_encoder(results.to_dict()) == results.to_dict()


class TestFrappeHook:
    DOC = {
        "doctype": "Appraisal",
        "name": "HR-APR-2026-00001",
        "employee": "HR-EMP-00001",
        "appraisal_cycle": "2026 H1",
        "appraisal_kra": [{"kra": "Sales", "per_weightage": 100, "goal_completion": 84, "goal_score": 4.2}],
        "total_score": 4.2,
        "avg_feedback_score": 3.5,
        "self_score": 4.0,
        "custom_open_cases": 0,
        "final_score": 0,
    }

    def test_final_score_from_an_appraisal_dict(self):
        import frappe_hook

        score, explanation = frappe_hook.final_score(self.DOC)
        # (4.2 × 60% + 3.5 × 30% + 4.0 × 10%) on 0-5, as 0-100 points: 79.40, back to 0-5.
        assert score == D("3.97")
        assert "goals = total_score * 20 → 84.0 points × 60% = 50.40" in explanation

    def test_open_case_holds_the_score_down(self):
        import frappe_hook

        assert frappe_hook.final_score({**self.DOC, "custom_open_cases": 1})[0] == D("2.50")

    def test_missing_or_out_of_range_scores_are_refused(self):
        import frappe_hook

        with pytest.raises(pr.InputError) as err:
            frappe_hook.final_score({**self.DOC, "total_score": None, "self_score": 7})
        assert sorted(i.code for i in err.value.issues) == ["bad-value", "missing-value"]

    def test_hook_sets_the_field_or_stops_the_save(self, monkeypatch):
        import frappe_hook

        thrown = []

        def throw(message, title=None):
            thrown.append((message, title))
            raise RuntimeError(message)  # frappe.throw raises frappe.ValidationError

        monkeypatch.setitem(sys.modules, "frappe", types.SimpleNamespace(throw=throw))

        class Doc(types.SimpleNamespace):
            def as_dict(self):
                return dict(vars(self))

        doc = Doc(**self.DOC)
        frappe_hook.set_final_score(doc, "validate")
        assert doc.final_score == D("3.97")
        bad = Doc(**{**self.DOC, "total_score": "n/a"})
        with pytest.raises(RuntimeError):
            frappe_hook.set_final_score(bad, "validate")
        assert "total_score" in thrown[0][0] and bad.final_score == 0


@pytest.fixture(scope="module")
def django_db():
    os.environ["DJANGO_SETTINGS_MODULE"] = "payroll_site.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", run_syncdb=True, verbosity=0)
    from payroll.models import MonthlyMetrics

    MonthlyMetrics.objects.create(employee_id="E1", period="2026-03", sales=D("120000"), quality=D("0.95"))
    MonthlyMetrics.objects.create(employee_id="E2", period="2026-03", sales=D("60000"), quality=D("0.8"))
    return call_command


class TestDjango:
    def test_management_command_scores_and_keeps_the_pay(self, django_db, capsys):
        from payroll.models import MonthlyPay

        django_db("score_month", period="2026-03")
        assert "scored 2 employees for 2026-03" in capsys.readouterr().out
        pay = list(MonthlyPay.objects.order_by("employee_id").values_list("employee_id", "score", "grade", "bonus"))
        assert pay == [("E1", D("98.50"), "A", D("985.00")), ("E2", D("80.00"), "B", D("800.00"))]
        assert MonthlyPay.objects.get(employee_id="E1").explanation.startswith("Explanation for E1")
        django_db("score_month", period="2026-03")  # scoring again replaces the month, no duplicates
        assert MonthlyPay.objects.filter(period="2026-03").count() == 2

    def test_bad_row_names_the_employee_and_writes_nothing(self, django_db):
        from django.core.management.base import CommandError
        from payroll.models import MonthlyMetrics, MonthlyPay

        MonthlyMetrics.objects.create(employee_id="E7", period="2026-04", sales=D("1"), quality=None)
        with pytest.raises(CommandError, match=r"employee E7: \[missing-value\] no value for 'quality'"):
            django_db("score_month", period="2026-04")
        assert not MonthlyPay.objects.filter(period="2026-04").exists()


def test_the_how_to_python_examples_run():
    """The blocks of how-to/embed.md that need no file or database run as written."""
    import re

    text = (ROOT / "docs" / "how-to" / "embed.md").read_text(encoding="utf-8")
    blocks = [b for b in re.findall(r"```python\n(.*?)```", text, re.S) if "pr.Scheme(" in b or "bands = (" in b]
    assert len(blocks) == 2
    namespace: dict = {}
    for block in blocks:
        exec(block, namespace)
    assert [t.range_text() for t in namespace["bands"]] == ["< 60", "[60, 90)", "[90, 100]", "> 100"]
