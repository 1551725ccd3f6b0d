from decimal import Decimal as D

import pytest

import perfrules as pr
from perfrules._adapters import read_population


@pytest.fixture(scope="module")
def seed001():
    from tests.conftest import EXAMPLES

    return pr.compile_scheme(pr.load_scheme(EXAMPLES / "seed001" / "scheme.yaml"))


def one(plan, **inputs):
    defaults = {m.metric.name: ("" if m.kind.value_type == "list" else 0) for m in plan.inputs}
    return pr.evaluate(
        plan, {"hire_date": "2020-01-01", **defaults, **inputs}, period="2026-04", history=pr.RecordedHistory()
    )


class TestSeed001:
    """The bundled seed-001 example, rule by rule."""

    @pytest.mark.parametrize(
        ("inputs", "score", "swing"),
        [
            ({}, 80, "0.00"),
            ({"cover_shifts": 2, "trainer_adjust": 1, "trainer_reason": "covered the hotline"}, 91, "110.00"),
            ({"moderate": 1, "minor": 1}, 68, "-120.00"),
            ({"cover_shifts": 6}, 110, "300.00"),
        ],
    )
    def test_e3_linear_pay_around_80(self, seed001, inputs, score, swing):
        # E3: scores 80, 91, 68, 110 → 0, +110, −120, +300
        r = one(seed001, **inputs)
        assert (D(score), D(swing)) == (r.score, r.payouts["pay_swing"])

    def test_e7_score_capped_at_110(self, seed001):
        r = one(seed001, cover_shifts=7, trainer_adjust=2, trainer_reason="festival duty")  # 80 + 35 + 2 = 117
        assert D(110) == r.score

    def test_p3_by_magnitude(self, seed001):
        r = one(seed001, incident_late_minutes="1;10;11;30;31")
        assert D(5 + 5 + 10 + 10 + 20) == r.penalties["incident_delay"]

    def test_p5_repeat_offender(self, seed001):
        assert D(20) == one(seed001, minor=4).penalties["repeat_offender"]
        assert D(0) == one(seed001, minor=3).penalties["repeat_offender"]

    @pytest.mark.parametrize(
        ("inputs", "surcharge"),
        [
            ({"minor": 2, "lateness_points": "2;3"}, 20),  # each lateness is a minor breach: 4
            ({"minor": 1, "lateness_points": "2", "incident_late_minutes": "5"}, 0),  # 3 minor
            ({"minor": 3, "incident_late_minutes": "0.5;10"}, 20),  # 10 minutes late is minor, under 1 is none
            ({"minor": 2, "incident_late_minutes": "0.5;11"}, 0),
            ({"moderate": 1, "incident_late_minutes": "15"}, 20),  # 11-30 minutes late is moderate: 2
            ({"moderate": 1, "incident_late_minutes": "31"}, 0),  # over 30 is severe, not moderate
            ({"incident_late_minutes": "11;30"}, 20),
        ],
    )
    def test_p5_counts_lateness_as_minor_and_11_to_30_minutes_late_as_moderate(self, seed001, inputs, surcharge):
        """P5 as seed 001 lists breaches: lateness and 1-10 minute delays minor, 11-30 minute delays moderate."""
        assert D(surcharge) == one(seed001, **inputs).penalties["repeat_offender"]

    def test_p8_ranged_amount_out_of_range_names_row_and_column(self, seed001):
        with pytest.raises(pr.InputError) as err:
            pr.score(
                seed001, [{"employee_id": "A", "lateness_points": "6", "hire_date": "2020-01-01"}], period="2026-04"
            )
        codes = {i.code for i in err.value.issues}
        assert "out-of-range" in codes
        issue = next(i for i in err.value.issues if i.code == "out-of-range")
        assert ("row 2", "lateness_points") == issue.path

    def test_b7_reason_required(self, seed001):
        defaults = {m.metric.name: "" for m in seed001.inputs}
        with pytest.raises(pr.InputError, match="needs a reason"):
            pr.score(
                seed001,
                [
                    {
                        **defaults,
                        "hire_date": "2020-01-01",
                        "employee_id": "A",
                        "trainer_adjust": "3",
                        "minor": "0",
                        "moderate": "0",
                        "severe": "0",
                        "cover_shifts": "0",
                        "extra_work": "0",
                        "suggestions": "0",
                    }
                ],
                period="2026-04",
                history=pr.RecordedHistory(),
            )

    def test_s6_floor_at_zero(self, seed001):
        assert D(0) == one(seed001, severe=5).score

    def test_g1_grades(self, seed001):
        assert ["A", "B", "C", "F"] == [
            one(seed001, cover_shifts=3).grade,
            one(seed001, cover_shifts=2).grade,
            one(seed001).grade,
            one(seed001, severe=2).grade,
        ]

    def test_row_order_does_not_matter(self, seed001, examples):
        rows = read_population(examples / "seed001" / "data.csv")
        a = pr.score(seed001, rows, period="2026-04", history=pr.RecordedHistory()).to_dict()
        b = pr.score(seed001, list(reversed(rows)), period="2026-04", history=pr.RecordedHistory()).to_dict()
        assert a == b


class TestInputErrors:
    """Bad input names the row and column, and nothing is scored."""

    def test_every_bad_cell_at_once(self, seed001):
        rows = [
            {"employee_id": "A", "minor": "x", "moderate": "-1", "severe": "1.5"},
            {"employee_id": "A", "minor": "0"},
            {"employee_id": "", "minor": "0"},
        ]
        with pytest.raises(pr.InputError) as err:
            pr.score(seed001, rows)
        codes = sorted(i.code for i in err.value.issues)
        assert {"bad-value", "duplicate-employee", "missing-id", "missing-column"} <= set(codes)
        assert 3 == codes.count("bad-value")

    def test_empty(self, seed001):
        with pytest.raises(pr.InputError, match="no rows"):
            pr.score(seed001, [])


class TestEvaluationErrors:
    """Arithmetic failures name the employee, the formula and the values."""

    def test_division_by_zero(self):
        s = pr.Scheme(
            "x",
            metrics=(pr.Metric("a"), pr.Metric("b"), pr.Metric("r", formula="a / b")),
            payouts=(pr.Payout("p", formula="r"),),
        )
        plan = pr.compile_scheme(s)
        with pytest.raises(pr.EvaluationError) as err:
            pr.score(plan, [{"employee_id": "E9", "a": "1", "b": "0"}])
        e = err.value
        assert ("E9", "metrics.r", "a / b", {"a": D(1), "b": D(0)}) == (e.employee, e.step, e.formula, e.values)
        assert "div(a, b, default)" in str(e)

    def test_m2_declared_zero_result(self):
        s = pr.Scheme(
            "x",
            metrics=(pr.Metric("a"), pr.Metric("b"), pr.Metric("r", formula="div(a, b, 0)")),
            payouts=(pr.Payout("p", formula="r"),),
        )
        r = pr.evaluate(pr.compile_scheme(s), {"a": 1, "b": 0})
        assert D("0.00") == r.payouts["p"]


class TestPlan:
    """Plans are immutable, picklable and deterministic."""

    def test_pickle_round_trip(self, seed001):
        import pickle

        again = pickle.loads(pickle.dumps(seed001))
        assert seed001.digest == again.digest
        assert one(seed001, cover_shifts=1).to_dict() == one(again, cover_shifts=1).to_dict()

    def test_threads_share_a_plan(self, seed001):
        from concurrent.futures import ThreadPoolExecutor

        def job(k):
            return one(seed001, cover_shifts=k % 7).score

        with ThreadPoolExecutor(4) as pool:
            got = list(pool.map(job, range(200)))
        assert [D(min(80 + 5 * (k % 7), 110)) for k in range(200)] == got

    def test_digest_depends_on_content_only(self, examples):
        a = pr.load_scheme(examples / "seed001" / "scheme.yaml")
        assert pr.scheme_digest(a) == pr.scheme_digest(pr.scheme_from_text(pr.dump_yaml(a)).scheme)

    def test_invalid_scheme_refused(self):
        with pytest.raises(pr.SchemeError, match="unknown-name"):
            pr.compile_scheme(pr.Scheme("x", payouts=(pr.Payout("p", formula="nope"),)))


def test_results_pickle_and_come_back_equal(examples):
    import csv
    import pickle

    plan = pr.compile_scheme(pr.load_scheme(examples / "seed001" / "scheme.yaml"))
    with open(examples / "seed001" / "data.csv", encoding="utf-8") as fh:
        results = pr.score(plan, list(csv.DictReader(fh)), period="2026-04", trace=True, no_history=True)
    back = pickle.loads(pickle.dumps(results))
    assert back == results
    for a, b in zip(results, back, strict=True):
        assert a.to_dict() == b.to_dict() and a.grade_note == b.grade_note
        assert pr.explain(plan, a).to_dict() == pr.explain(plan, b).to_dict()


def test_rows_may_come_from_a_generator_read_once_in_chunks():
    from tests.adapters.test_streamed import KPI, _kpi_rows

    plan = pr.compile_scheme(pr.load_scheme(KPI))
    lines = _kpi_rows(40)
    header = lines[0].split(",")
    rows = [dict(zip(header, line.split(","), strict=True)) for line in lines[1:]]
    taken = []

    def generate():
        for row in rows:
            taken.append(row["employee_id"])
            yield row

    seen = []
    from_generator = pr.score(plan, generate(), period="2026-04", no_history=True, progress=seen.append)
    assert taken == [r["employee_id"] for r in rows]  # each row read once
    assert from_generator == pr.score(plan, rows, period="2026-04", no_history=True)
    assert seen and seen[-1] == 40
