"""The first pass's rows kept for the later passes: read back as the checker gave them, up to a budget of bytes."""

from decimal import Decimal

import pytest

import perfrules as pr
from perfrules._evaluate import stream_scores
from perfrules._evaluate.inputs import Row
from perfrules._evaluate.keptrows import KeptRows
from tests.evaluate.test_stream_teams import HEADER, _plan

NAMES = ("hire_date", "team")


def _row(k, number=None, text=None):
    text = {"team": f"t{k % 3}", "hire_date": "2025-01-01", "points": "9"} if text is None else text
    return Row(f"E{k:03d}", k + 2 if number is None else number, (Decimal(k), Decimal("1.50")), text)


def test_rows_are_read_back_as_they_were_kept():
    kept = KeptRows(NAMES, 1 << 20)
    first = [_row(k) for k in range(5)]
    # Numbers with a gap (a row the checker left out), and a row without one of its text cells.
    second = [_row(5, 9), _row(6, 11, {"team": "t0"}), _row(7, 12)]
    people = [(Decimal(k),) for k in range(5)]
    kept.add(first, 5, 7, people)
    kept.add(second, 4, 13, None)
    kept.finish(True)
    assert kept.whole and not kept.full and (kept.rows, kept.taken, kept.number) == (8, 9, 13)
    back = list(kept.read())
    assert back[0][1] is people and back[1][1] is None
    assert [r[:3] for r, _ in back for r in r] == [r[:3] for r in first + second]
    # Only the kept text cells come back, by name; a cell the row lacked stays missing.
    assert [dict(r.text) for r in back[0][0]] == [{"team": f"t{k % 3}", "hire_date": "2025-01-01"} for k in range(5)]
    assert [dict(r.text) for r in back[1][0]] == [{k: v for k, v in r.text.items() if k in NAMES} for r in second]
    assert dict(back[1][0][1].text) == {"team": "t0"}
    assert all(type(r) is Row for rows, _ in back for r in rows)


def test_equal_cells_are_kept_as_one_string():
    kept = KeptRows(NAMES, 1 << 20)
    rows = [_row(k, text={"team": "".join(["t", "1"]), "hire_date": "2025-01-01"}) for k in range(4)]
    kept.add(rows, 4, 6, None)
    ((back, _),) = kept.read()
    assert len({id(r.text["team"]) for r in back}) == 1


def test_rows_past_the_budget_are_not_kept():
    kept = KeptRows(NAMES, 3_000)  # a few hundred bytes a row
    for k in range(0, 30, 3):
        kept.add([_row(k + i) for i in range(3)], 3, k + 5, None)
    kept.finish(True)
    assert kept.full and not kept.whole
    assert 0 < kept.rows < 30 and kept.taken == kept.rows and kept.number == kept.rows + 2
    assert sum(len(r) for r, _ in kept.read()) == kept.rows


def test_rows_kept_whole_are_not_read_again_and_the_rest_are_skipped(tmp_path):
    plan = _plan(tmp_path, "three stages")
    lines = [f"E{k:03d},t{k % 4},2025-01-01,,,{k % 90},{k}.5" for k in range(50)]
    rows = [dict(zip(HEADER.split(","), line.split(","), strict=True)) for line in lines]
    period = plan.scheme.calendar.resolve("2026-04")
    whole = [r.row for r in pr.score(plan, rows, period=period)]
    for keep, reads in ((None, 1), (0, 3), (3_000, 3)):
        opened = []

        def open_rows():
            opened.append(1)
            yield from rows

        got = [o for _, outs, _, _ in stream_scores(plan, open_rows, period=period, chunk=7, keep=keep) for o in outs]
        assert got == whole
        assert len(opened) == reads, keep


@pytest.mark.parametrize("keep", [None, 0, 3_000])
def test_an_error_of_a_later_pass_is_the_one_of_the_whole(tmp_path, keep):
    # The last stage divides by each row's points: a zero far down the file is found by the last pass.
    plan = _plan(tmp_path, "three stages")
    path = tmp_path / "scheme.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('"all_rank(score)', '"1 / points + all_rank(score)'))
    plan = pr.compile_scheme(pr.load_scheme(path))
    lines = [f"E{k:03d},t{k % 4},2025-01-01,,,{(k % 90 + 1) if k != 41 else 0},{k}.5" for k in range(50)]
    rows = [dict(zip(HEADER.split(","), line.split(","), strict=True)) for line in lines]
    period = plan.scheme.calendar.resolve("2026-04")
    with pytest.raises(pr.EvaluationError) as whole:
        pr.score(plan, rows, period=period)
    with pytest.raises(pr.EvaluationError) as streamed:
        list(stream_scores(plan, lambda: rows, period=period, chunk=7, keep=keep))
    assert (streamed.value.employee, str(streamed.value)) == (whole.value.employee, str(whole.value)) != ("", "")
    assert streamed.value.employee == "E041"
