"""Pay statements: self-contained HTML whose waterfall adds up to the score, checked in headless Chromium."""

import os
import re
import shutil
import subprocess
import tempfile
from decimal import Decimal as D
from html.parser import HTMLParser

import pytest

import perfrules as pr
from perfrules._adapters import read_population
from perfrules._adapters.charts import score_steps
from perfrules._adapters.statement import statement_html
from perfrules._cli import main
from perfrules._explain import catalogue
from tests.conftest import EXAMPLES, ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SHOTS = ROOT / "docs" / "images"
REGEN = os.environ.get("PERFRULES_REGEN_SCREENSHOTS") == "1"
CASES = sorted(p.parent for p in EXAMPLES.glob("*/scheme.yaml") if (p.parent / "data.csv").exists())


def scored(folder):
    plan = pr.compile_scheme(pr.load_scheme(folder / "scheme.yaml"))
    period = "2026-Q2" if plan.scheme.period == "quarter" else "2026-04"
    return plan, pr.score(plan, read_population(folder / "data.csv"), period=period, no_history=True)


@pytest.mark.parametrize("folder", CASES, ids=lambda p: p.name)
def test_the_steps_add_up_to_the_score_for_everyone(folder):
    plan, results = scored(folder)
    for r in results:
        steps = score_steps(pr.explain(plan, r).to_dict(), r.score, catalogue("en").words("statement"))
        assert r.score == sum((s.delta for s in steps), D(0)), r.employee


def test_the_kpi_waterfall_goes_indicators_adjustments_cap():
    plan, results = scored(EXAMPLES / "seed003-kpi")
    r = results.by_employee()["K01"]
    kinds = [s.kind for s in score_steps(pr.explain(plan, r).to_dict(), r.score, catalogue("en").words("statement"))]
    assert ["indicator"] * 8 + ["adjustment", "limit"] == kinds


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_self_contained(lang):
    plan, results = scored(EXAMPLES / "seed000-team")
    page = statement_html(plan, results.results[0], results, lang=lang, teams={r.employee: "north" for r in results})
    assert not re.search(r"<script|<link|<img|<iframe|src=|href=|url\(|@import", page)
    assert {"http://www.w3.org/2000/svg"} == set(re.findall(r"https?://[^\"' )]+", page))
    assert "@media print" in page and "@page" in page


class Dom(HTMLParser):
    """The elements of a dumped DOM that the checks read: by class and id, with their attributes and text."""

    def __init__(self):
        super().__init__()
        self.elements, self.text, self._open = [], {}, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs))
        if "id" in attrs:
            self._open = attrs["id"]

    def handle_data(self, data):
        if self._open and data.strip():
            self.text.setdefault(self._open, data.strip())
            self._open = None

    def having(self, tag, cls):
        return [a for t, a in self.elements if t == tag and cls in a.get("class", "").split()]


def chromium(*args):
    with tempfile.TemporaryDirectory() as profile:
        flags = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
        ]
        return subprocess.run([CHROMIUM, *flags, *args], capture_output=True, text=True, timeout=120, check=True)


@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed (CI installs it: .ci/run)")
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_in_headless_chromium(tmp_path, lang):
    folder = EXAMPLES / "seed000-pay"
    page = tmp_path / f"statement-{lang}.html"
    argv = ["statement", str(folder / "scheme.yaml"), str(folder / "data.csv"), "--period", "2026-04", "--no-history"]
    assert 0 == main([*argv, "--employee", "A02", "--lang", lang, "--out", str(page)])
    dom = Dom()
    dom.feed(chromium("--dump-dom", page.as_uri()).stdout)
    steps = dom.having("g", "step")
    (total,) = dom.having("g", "total")
    assert steps and all(dom.having("rect", "bar"))
    assert D(total["data-value"]) == sum(D(s["data-delta"]) for s in steps) == D(dom.text["score"]) == D("90")
    assert 4 == len(dom.having("g", "pay")) == len(dom.having("tr", "pay-line"))
    assert sum(int(b["data-count"]) for b in dom.having("rect", "bin")) == 4  # everyone in the distribution
    shot = tmp_path / f"statement-seed000-A02-{lang}.png"
    chromium(f"--screenshot={shot}", "--window-size=1000,1400", page.as_uri())
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    if REGEN:
        shutil.copy(shot, SHOTS / shot.name)
    pdf = tmp_path / "statement.pdf"
    chromium(f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri())
    assert 1 == len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))  # prints on one A4 page


def test_all_into_a_folder(tmp_path):
    folder = EXAMPLES / "seed000-team"
    argv = [
        "statement",
        str(folder / "scheme.yaml"),
        str(folder / "data.csv"),
        "--period",
        "2026-04",
        "--all",
        "--no-history",
    ]
    assert 0 == main([*argv, "--out-dir", str(tmp_path)])
    names = sorted(p.name for p in tmp_path.iterdir())
    assert ["A.html", "B.html", "C.html", "D.html", "E.html", "N.html", "S1.html", "S2.html"] == names
    assert "团队 north: 第 1 名" not in (tmp_path / "A.html").read_text()  # English by default
    assert "in team north: rank" in (tmp_path / "A.html").read_text()


def test_usage(tmp_path, capsys):
    folder = EXAMPLES / "seed000-pay"
    argv = ["statement", str(folder / "scheme.yaml"), str(folder / "data.csv"), "--period", "2026-04", "--no-history"]
    with pytest.raises(SystemExit) as err:
        main([*argv, "--all", "--employee", "A01"])
    assert 2 == err.value.code
    assert 1 == main([*argv, "--employee", "nobody", "--out", str(tmp_path / "s.html")])
    assert "no employee 'nobody'" in capsys.readouterr().err


def test_pay_lines_show_money_with_places_and_shares_in_words():
    plan, results = scored(EXAMPLES / "seed000-pay")
    people = results.by_employee()
    a02 = statement_html(plan, people["A02"], results, lang="en")
    assert "reorder -200.00" in a02 and "suggestion +500.00" in a02  # was -200 and +500
    assert "<td class='num'>-200.00</td>" in a02  # the deductions table
    s01 = statement_html(plan, people["S01"], results, lang="zh")
    assert "作为 manager 分摊 wrong_note -16.72" in s01 and "charges_" not in s01
