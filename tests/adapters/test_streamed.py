"""A CSV file scored into a CSV file in chunks: the same bytes as the whole population, the same errors."""

import random

import pytest

import perfrules as pr
from perfrules._adapters import read_population, render_results, score_csv_streamed, score_held
from perfrules._adapters.streamed import csv_stream
from perfrules._evaluate import layout_of, stream_problem
from tests.conftest import EXAMPLES

CASES = sorted(p.parent for p in EXAMPLES.glob("*/scheme.yaml") if (p.parent / "data.csv").exists())
PERIOD = {"month": "2026-04", "quarter": "2026-Q2"}
KPI = EXAMPLES / "seed003-kpi" / "scheme.yaml"


def _plan(path):
    return pr.compile_scheme(pr.load_scheme(path))


def _whole(plan, data, period, **kw):
    # As the command line scores the whole population: amounts over an approval threshold are held.
    if layout_of(plan).approvals:
        _, results = score_held(plan, read_population(data), {}, period=period, no_history=True, **kw)
    else:
        results = pr.score(plan, read_population(data), period=period, no_history=True, **kw)
    return render_results(results, "x.csv")


@pytest.mark.parametrize("folder", CASES, ids=lambda p: p.name)
@pytest.mark.parametrize("chunk", [1, 3, 10_000])
def test_every_example_streams_to_the_same_bytes(folder, chunk, tmp_path):
    plan = _plan(folder / "scheme.yaml")
    period = plan.scheme.calendar.resolve(PERIOD.get(plan.scheme.period, "2026-04"))
    out = tmp_path / "out.csv"
    written = score_csv_streamed(plan, folder / "data.csv", str(out), period=period, no_history=True, chunk=chunk)
    if stream_problem(plan, True) is not None or written is None:
        assert written is None and not out.exists()
        return
    assert out.read_bytes() == _whole(plan, folder / "data.csv", period)


def _kpi_rows(n, seed=3):
    rnd = random.Random(seed)
    lines = [
        "employee_id,buyers,inquiries,paid_orders,placed_orders,agent_aov,shop_aov,replied,received,"
        "response_seconds,tasks_rating,attitude_rating,late_count,leave_days,merit_points,front_line,"
        "pc_breaches,data_errors_found,suggestions_accepted"
    ]
    for k in range(n):
        inq, placed, rec = rnd.randint(0, 400), rnd.randint(0, 300), rnd.randint(0, 500)
        merit = ";".join(rnd.choice("12358") for _ in range(rnd.choice((0, 0, 1, 2))))
        score = rnd.choice(("80", "100", "80.0", "95.5"))  # ties among equal values of another exponent
        cells = (
            f"E{k:05d}", rnd.randint(0, inq), inq, rnd.randint(int(placed * 0.6), placed), placed,
            f"{rnd.randint(9000, 13000) / 100:.2f}", "100", rnd.randint(int(rec * 0.9), rec), rec,
            rnd.randint(5, 80), score, rnd.randint(50, 100), rnd.choice((0, 0, 1, 6)), rnd.choice(("0", "0.5")),
            merit, rnd.choice((1, 0)), rnd.choice((0, 0, 1, 3)), rnd.randint(0, 3), rnd.randint(0, 2),
        )  # fmt: skip
        lines.append(",".join(map(str, cells)))
    return lines


def _score(tmp_path, lines, chunk=7, name="out.csv"):
    data = tmp_path / "data.csv"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    plan = _plan(KPI)
    out = tmp_path / name
    period = plan.scheme.calendar.resolve("2026-04")
    return plan, data, out, score_csv_streamed(plan, data, str(out), period=period, no_history=True, chunk=chunk)


def test_population_values_over_many_chunks_are_those_of_the_whole(tmp_path):
    plan, data, out, written = _score(tmp_path, _kpi_rows(300))
    assert written == 300
    period = plan.scheme.calendar.resolve("2026-04")
    expected = _whole(plan, data, period)
    assert out.read_bytes() == expected
    assert b"first_place" in expected and b"last_place" in expected


@pytest.mark.parametrize("keep", [0, 150_000, 1 << 30])
def test_rows_kept_by_the_first_pass_or_read_again_give_the_same_bytes(tmp_path, monkeypatch, keep):
    # The later pass reads back none, some or all of the first pass's rows (see keptrows.py), and reads the
    # rest of the file again past a blank line and a quoted cell: the same bytes as the whole population.
    from perfrules._evaluate import stream

    monkeypatch.setattr(stream, "_KEEP", keep)
    lines = _kpi_rows(300)
    lines.insert(40, "")
    lines[200] = lines[200].replace(",100,", ',"100",', 1)
    plan, data, out, written = _score(tmp_path, lines)
    assert written == 300
    assert out.read_bytes() == _whole(plan, data, plan.scheme.calendar.resolve("2026-04"))


def test_every_bad_cell_is_reported_with_its_line_and_nothing_is_written(tmp_path):
    lines = _kpi_rows(50)
    lines[3] = lines[3].replace(",100,", ",x100,", 1)  # shop_aov of row 4, line 4
    lines[45] = lines[45].split(",", 1)[0] + ",-1," + lines[45].split(",", 2)[2]  # buyers, line 46
    (tmp_path / "out.csv").write_text("old\n")
    with pytest.raises(pr.InputError) as err:
        _score(tmp_path, lines)
    found = sorted((i.line, i.column) for i in err.value.issues)
    assert found == [(4, 7), (46, 2)]
    assert (tmp_path / "out.csv").read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_blank_line_moves_the_lines_named(tmp_path):
    lines = _kpi_rows(20)
    lines.insert(5, "")
    lines[12] = lines[12].replace(",100,", ",bad,", 1)  # row 12 is on line 13
    with pytest.raises(pr.InputError) as err:
        _score(tmp_path, lines)
    assert [(i.path[0], i.line) for i in err.value.issues] == [("row 12", 13)]


def test_a_duplicate_id_is_reported_as_for_the_whole_population(tmp_path):
    lines = _kpi_rows(30)
    lines[11] = lines[10]
    with pytest.raises(pr.InputError, match="appears in rows 11 and 12"):
        _score(tmp_path, lines)


def test_rows_out_of_id_order_are_left_to_the_whole_population(tmp_path):
    lines = _kpi_rows(30)
    lines[5], lines[20] = lines[20], lines[5]
    *_, written = _score(tmp_path, lines)
    assert written is None
    assert not (tmp_path / "out.csv").exists()


def test_an_evaluation_error_names_the_employee_after_every_input_problem(tmp_path):
    plan_text = KPI.read_text(encoding="utf-8").replace(
        'conversion_rate: {formula: "div(buyers, inquiries, 0)"', 'conversion_rate: {formula: "buyers / inquiries"'
    )
    scheme = tmp_path / "scheme.yaml"
    scheme.write_text(plan_text, encoding="utf-8")
    lines = _kpi_rows(40)
    lines[30] = lines[30].split(",")[0] + ",0,0," + ",".join(lines[30].split(",")[3:])
    data = tmp_path / "data.csv"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    plan = _plan(scheme)
    period = plan.scheme.calendar.resolve("2026-04")
    with pytest.raises(pr.EvaluationError) as err:
        score_csv_streamed(plan, data, str(tmp_path / "o.csv"), period=period, no_history=True, chunk=4)
    assert err.value.employee == "E00029"
    with pytest.raises(pr.EvaluationError) as whole:
        pr.score(plan, read_population(data), period=period, no_history=True)
    assert str(whole.value) == str(err.value)
    assert not (tmp_path / "o.csv").exists()


def test_progress_moves_through_every_pass(tmp_path):
    seen = []

    class Bar:
        def phase(self, name, total=0):
            seen.append((name, total))

        def __call__(self, done):
            seen.append(done)

    data = tmp_path / "data.csv"
    data.write_text("\n".join(_kpi_rows(25)) + "\n", encoding="utf-8")
    plan = _plan(KPI)
    period = plan.scheme.calendar.resolve("2026-04")
    score_csv_streamed(plan, data, str(tmp_path / "o.csv"), period=period, no_history=True, chunk=10, progress=Bar())
    # Each pass is sized by the rows in the file, so the bar can say how long is left.
    assert seen == [("scoring", 25), ("pass 1/2", 25), 10, 20, 25, ("pass 2/2", 25), 10, 20, 25]


def test_files_that_are_not_plain_utf8_are_read_whole(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes("employee_id,x\nE1,caf\xe9\n".encode("cp1252"))
    assert csv_stream(path) is None
    path.write_bytes(b"\xef\xbb\xbfemployee_id;x\nE1;1\n")
    found = csv_stream(path)
    assert found is not None and found.encoding == "utf-8-sig" and found.delimiter == ";"
    assert list(found.rows()) == [{"employee_id": "E1", "x": "1"}]


def test_the_command_line_streams_and_writes_the_same_bytes(tmp_path, capsys):
    from perfrules._cli.main import main

    data = tmp_path / "data.csv"
    data.write_text("\n".join(_kpi_rows(120)) + "\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    assert main(["score", str(KPI), str(data), "--period", "2026-04", "--no-history", "--out", str(out)]) == 0
    assert "wrote 120 result(s)" in capsys.readouterr().err
    plan = _plan(KPI)
    assert out.read_bytes() == _whole(plan, data, plan.scheme.calendar.resolve("2026-04"))


@pytest.mark.parametrize("explain", [False, True])
def test_json_lines_stream_one_result_per_line(tmp_path, explain):
    import json

    data = tmp_path / "data.csv"
    data.write_text("\n".join(_kpi_rows(30)) + "\n", encoding="utf-8")
    period = _plan(KPI).scheme.calendar.resolve("2026-04")
    out = tmp_path / "out.jsonl"
    # Lines list the hold inputs of the adjustments held anywhere: a scheme with approvals is read whole.
    assert score_csv_streamed(_plan(KPI), data, str(out), period=period, no_history=True, explain=explain) is None
    assert not out.exists()
    plan = _with(tmp_path, KPI.read_text(encoding="utf-8"), [("    approval_over: 5\n", "")])
    written = score_csv_streamed(plan, data, str(out), period=period, no_history=True, chunk=8, explain=explain)
    assert written == 30
    results = pr.score(plan, read_population(data), period=period, no_history=True)
    assert out.read_bytes() == render_results(results, "x.jsonl", plan=plan if explain else None)
    lines = out.read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    assert len(lines) == 30 and first["employee"] == "E00000" and first["scheme_digest"] == plan.digest
    assert ("explanation" in first) == explain


@pytest.mark.parametrize("folder", CASES, ids=lambda p: p.name)
def test_every_example_streams_its_explanations(folder, tmp_path):
    plan = _plan(folder / "scheme.yaml")
    period = plan.scheme.calendar.resolve(PERIOD.get(plan.scheme.period, "2026-04"))
    out = tmp_path / "out.jsonl"
    written = score_csv_streamed(plan, folder / "data.csv", str(out), period=period, no_history=True, explain=True)
    if written is None:
        return
    results = pr.score(plan, read_population(folder / "data.csv"), period=period, no_history=True)
    assert out.read_bytes() == render_results(results, "x.jsonl", plan=plan)


def _with(tmp_path, text, replacements):
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new)
    scheme = tmp_path / "scheme.yaml"
    scheme.write_text(text, encoding="utf-8")
    return _plan(scheme)


def _set(lines, row, column, value):
    header = lines[0].split(",")
    cells = lines[row].split(",")
    cells[header.index(column)] = value
    lines[row] = ",".join(cells)


@pytest.mark.parametrize("chunk", [4, 10_000])
def test_errors_are_those_of_the_whole_population_though_passes_skip_values(tmp_path, chunk):
    # attendance_bonus is not needed for all_max(score): the first pass skips it; bonus is in stage 2.
    text = KPI.read_text(encoding="utf-8")
    plan = _with(
        tmp_path,
        text,
        [
            ("    formula: full_attendance\n", "    formula: full_attendance / data_errors_found\n"),
            ("    formula: first_place_bonus\n", "    formula: first_place_bonus + 1 / suggestions_accepted\n"),
            ('{formula: "div(buyers, inquiries, 0)"', '{formula: "buyers / inquiries"'),
        ],
    )
    period = plan.scheme.calendar.resolve("2026-04")
    cases = {
        "a later stage-1 error over an earlier stage-2 error": [(5, "suggestions_accepted", "0")],
        "a skipped value's error in an earlier row": [(21, "inquiries", "0"), (21, "buyers", "0")],
    }
    for name, changes in cases.items():
        lines = _kpi_rows(40)
        for k in range(1, len(lines)):
            _set(lines, k, "data_errors_found", "1")
            _set(lines, k, "suggestions_accepted", "1")
            _set(lines, k, "inquiries", "9")
            _set(lines, k, "buyers", "3")
        bad = 4 if "earlier row" in name else 30
        _set(lines, bad, "data_errors_found", "0")
        _set(lines, bad, "late_count", "0")  # full attendance: the bonus is worked out
        _set(lines, bad, "leave_days", "0")
        for row, column, value in changes:
            _set(lines, row, column, value)
        data = tmp_path / "data.csv"
        data.write_text("\n".join(lines) + "\n", encoding="utf-8")
        with pytest.raises(pr.EvaluationError) as whole:
            pr.score(plan, read_population(data), period=period, no_history=True)
        with pytest.raises(pr.EvaluationError) as streamed:
            score_csv_streamed(plan, data, str(tmp_path / "o.csv"), period=period, no_history=True, chunk=chunk)
        assert (streamed.value.employee, str(streamed.value)) == (whole.value.employee, str(whole.value)), name
        assert "attendance_bonus" in str(whole.value), name


def test_the_command_line_scores_rows_out_of_order_whole(tmp_path, capsys):
    from perfrules._cli.main import main

    lines = _kpi_rows(60)
    lines[3], lines[50] = lines[50], lines[3]
    data = tmp_path / "data.csv"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    assert main(["score", str(KPI), str(data), "--period", "2026-04", "--no-history", "--out", str(out)]) == 0
    assert "wrote 60 result(s)" in capsys.readouterr().err
    plan = _plan(KPI)
    assert out.read_bytes() == _whole(plan, data, plan.scheme.calendar.resolve("2026-04"))
    assert out.read_text(encoding="utf-8").splitlines()[4].startswith("E00003,")


def test_an_amount_named_like_a_fixed_column_is_written_as_before(tmp_path):
    import csv
    import io

    from perfrules._adapters import result_rows

    text = KPI.read_text(encoding="utf-8")
    plan = _with(tmp_path, text, [("  attendance_bonus:\n", "  flags:\n"), ("+ attendance_bonus +", "+ flags +")])
    data = tmp_path / "data.csv"
    data.write_text("\n".join(_kpi_rows(30)) + "\n", encoding="utf-8")
    period = plan.scheme.calendar.resolve("2026-04")
    out = tmp_path / "out.csv"
    assert score_csv_streamed(plan, data, str(out), period=period, no_history=True, chunk=7) == 30
    _, results = score_held(plan, read_population(data), {}, period=period, no_history=True)
    assert any(r.held for r in results)
    rows = list(result_rows(results))  # one dict per result, as CSV rows were built before
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    assert out.read_text(encoding="utf-8") == buf.getvalue()
    assert out.read_bytes() == render_results(results, "x.csv")
