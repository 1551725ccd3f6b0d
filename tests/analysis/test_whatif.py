"""What-if: two versions of a scheme over the same months, compared without writing anything."""

import json
import os
import re
import shutil
import struct
import subprocess
from decimal import Decimal as D
from pathlib import Path

import attrs
import pytest

import perfrules as pr
from perfrules._adapters import read_population
from perfrules._analysis import recorded, render_html
from perfrules._cli.main import main
from tests.conftest import EXAMPLES, ROOT

OLD = EXAMPLES / "seed003-kpi" / "scheme.yaml"
NEW = ROOT / "tests" / "analysis" / "fixtures" / "kpi-v2.yaml"
MONTHS = sorted((EXAMPLES / "seed003-kpi" / "months").glob("*.csv"))
CHROMIUM = Path("/usr/bin/chromium")
SHOT = ROOT / "docs" / "how-to" / "whatif-report.png"


def _batches():
    return [(m.stem, read_population(m)) for m in MONTHS]


def test_deltas_are_the_differences_of_scoring_each_version_alone():
    w = pr.whatif(pr.load_scheme(OLD), pr.load_scheme(NEW), _batches(), no_history=True)
    assert w.amount == "monthly_pay" and len(w.deltas) == 18
    old, new = (pr.compile_scheme(pr.load_scheme(p)) for p in (OLD, NEW))
    expected = {}
    for period, rows in _batches():
        a, b = (pr.score(p, rows, period=period, no_history=True).by_employee() for p in (old, new))
        for emp in a:
            expected[(period, emp)] = b[emp].payouts["monthly_pay"] - a[emp].payouts["monthly_pay"]
    assert {(d.period, d.employee): d.change for d in w.deltas} == expected
    assert w.total_new - w.total_old == sum(expected.values()) == D("225.00")
    assert sum(n - o for _, o, n, _ in w.totals("grade")) == D("225.00")
    (top, *_) = w.largest
    assert abs(top.change) == max(abs(c) for c in expected.values())
    assert "× 35%" in top.old_explanation and "× 40%" in top.new_explanation


def test_grade_and_flag_changes_are_listed():
    old = pr.load_scheme(OLD)
    harsher = attrs.evolve(old, score=attrs.evolve(old.score, cap=D(60)), version="harsh")
    w = pr.whatif(old, harsher, _batches()[:1], amount="score", no_history=True)
    moved = {d.employee: (d.old_grade, d.new_grade) for d in w.regraded}
    assert moved["K01"] == ("A", "D") and moved["K05"] == ("A", "D")
    assert all(d.old_grade != d.new_grade or d.old_flags != d.new_flags for d in w.regraded)
    unchanged = [d for d in w.deltas if d.employee not in moved]
    assert all(d.old_grade == d.new_grade and d.old_flags == d.new_flags for d in unchanged)


def test_cli_text_json_and_html_write_nothing_but_the_report(tmp_path, capsys):
    before = sorted(p.name for p in (EXAMPLES / "seed003-kpi").rglob("*"))
    args = ["whatif", str(OLD), str(NEW), *map(str, MONTHS), "--no-history"]
    assert 0 == main(args)
    text = capsys.readouterr().out
    assert "total 33390.00 -> 33615.00 (+225.00)" in text and "largest changes:" in text
    assert 0 == main([*args, "--json"])
    data = json.loads(capsys.readouterr().out)
    assert data["total"] == {"old": "33390.00", "new": "33615.00", "change": "225.00"}
    assert len(data["employees"]) == 18 and len(data["largest"]) == 5
    page = tmp_path / "report.html"
    assert 0 == main([*args, "--html", str(page)])
    html = page.read_text(encoding="utf-8")
    assert "<svg" in html and "<script" not in html and not re.search(r'(src|href)="', html)
    bars = [int(n) for n in re.findall(r": (\d+)</title></rect>", html)]
    assert sum(bars) == 18
    assert sorted(p.name for p in (EXAMPLES / "seed003-kpi").rglob("*")) == before


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium (/usr/bin/chromium)")
def test_the_html_report_renders_in_headless_chromium(tmp_path, capsys):
    # The screenshot in the how-to comes from this test: PERFRULES_REGEN_SCREENSHOT=1 writes it.
    # It compares the three months as stored in a ledger, under their recorded inputs and with the
    # history (streak awards) both versions read from it: what the versions would really have paid.
    ledger = tmp_path / "results.db"
    for month in MONTHS:
        assert 0 == main(["score", str(OLD), str(month), "--period", month.stem, "--ledger", str(ledger)])
    capsys.readouterr()
    with pr.Ledger(ledger, readonly=True) as book:
        batches = recorded(book, [m.stem for m in MONTHS], pr.load_scheme(OLD).name)
        w = pr.whatif(pr.load_scheme(OLD), pr.load_scheme(NEW), batches, history=book)
    assert (w.total_old, w.total_new) == (D("33940.00"), D("34165.00"))  # streak awards and P4 over months
    page = tmp_path / "report.html"
    page.write_text(render_html(w), encoding="utf-8")
    shot = tmp_path / "report.png"
    subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--window-size=1100,1400",
            f"--screenshot={shot}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    data = shot.read_bytes()
    assert _png_size(data) == (1100, 1400) and len(data) > 20_000
    if os.environ.get("PERFRULES_REGEN_SCREENSHOT") == "1":
        shutil.copyfile(shot, SHOT)
    assert _png_size(SHOT.read_bytes()) == (1100, 1400)


def test_replaying_the_ledger_under_the_recorded_version_reproduces_what_was_paid(tmp_path, capsys):
    ledger = tmp_path / "results.db"
    for month in MONTHS:
        assert 0 == main(["score", str(OLD), str(month), "--period", month.stem, "--ledger", str(ledger)])
    capsys.readouterr()
    periods = [a for m in MONTHS for a in ("--period", m.stem)]
    before = ledger.read_bytes()
    assert 0 == main(["whatif", str(OLD), str(OLD), "--ledger", str(ledger), *periods, "--json"])
    same = json.loads(capsys.readouterr().out)
    with pr.Ledger(ledger, readonly=True) as book:
        paid = sum(D(r["payouts"]["monthly_pay"]) for m in MONTHS for r in book.load(m.stem).values())
    # Streak awards included, and PC-rule breaches (P4) counted across the months.
    assert D(same["total"]["old"]) == D(same["total"]["new"]) == paid == D("33940.00")
    assert 0 == main(["whatif", str(OLD), str(NEW), "--ledger", str(ledger), *periods, "--json"])
    assert json.loads(capsys.readouterr().out)["total"]["change"] == "225.00"
    assert ledger.read_bytes() == before  # read-only: nothing written


def test_a_history_scheme_compared_on_files_needs_history_or_says_without():
    # seed003-kpi has streak() rules: comparing its files without a ledger would leave history out
    # of both totals in silence (33,390.00 where the ledger gives 33,790.00).
    with pytest.raises(pr.InputError) as info:
        pr.whatif(pr.load_scheme(OLD), pr.load_scheme(NEW), _batches())
    assert "history-required" in {i.code for i in info.value.issues}
