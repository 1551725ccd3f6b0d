"""Message catalogues: the wording of explanations and statements is data, and a third language needs no code."""

import contextlib
import re
import tempfile
from pathlib import Path

import pytest
import tomllib
from hypothesis import given, settings
from hypothesis import strategies as st

import perfrules as pr
from perfrules._adapters import read_population
from perfrules._adapters.charts import score_steps
from perfrules._adapters.statement import statement_html
from perfrules._cli import main
from perfrules._explain import catalogues as catalogue_module
from perfrules._formula import GROUP_FUNCTIONS, HISTORY_FUNCTIONS
from perfrules._kinds import COMMON, KINDS
from tests.conftest import EXAMPLES, ROOT

HERE = Path(__file__).parent / "catalogues"
GERMAN, JAPANESE = HERE / "de.toml", HERE / "ja-partial.toml"
SHIPPED = ROOT / "src" / "perfrules" / "_explain" / "messages"
CASES = sorted(p.parent for p in EXAMPLES.glob("*/scheme.yaml") if (p.parent / "data.csv").exists())


def scored(folder):
    plan = pr.compile_scheme(pr.load_scheme(folder / "scheme.yaml"))
    period = "2026-Q2" if plan.scheme.period == "quarter" else "2026-04"
    return plan, pr.score(plan, read_population(folder / "data.csv"), period=period, no_history=True)


def tables(path):
    return tomllib.loads(path.read_text(encoding="utf-8"))


def test_english_has_every_message_the_kinds_use_and_no_other():
    used = set(COMMON) | {k for kind in KINDS for k in kind.messages}
    assert used == set(pr.catalogue("en").words("explain"))


def test_chinese_and_english_have_the_same_keys_in_every_table():
    en, zh = tables(SHIPPED / "en.toml"), tables(SHIPPED / "zh.toml")
    assert en.keys() == zh.keys() == set(catalogue_module.SECTIONS)
    for table in en:
        assert en[table].keys() == zh[table].keys(), table


def test_every_team_and_history_function_has_a_name_in_every_language():
    for lang in ("en", "zh"):
        assert set(GROUP_FUNCTIONS) | set(HISTORY_FUNCTIONS) <= set(pr.catalogue(lang).words("functions"))


@pytest.mark.parametrize("folder", CASES, ids=lambda p: p.name)
def test_a_third_language_renders_every_example_from_a_file_outside_the_package(folder):
    plan, results = scored(folder)
    german = pr.load_catalogue(GERMAN)
    for r in results:
        text = pr.render_text(pr.explain(plan, r), GERMAN)
        assert text == pr.render_text(pr.explain(plan, r), german)
        assert text.startswith(f"Erläuterung für {r.employee}, Zeitraum ")
        assert "Explanation for" not in text and "where " not in text and "rounded to" not in text


def test_german_words_reach_every_kind_of_line():
    plan, results = scored(EXAMPLES / "seed003-kpi")
    text = pr.render_text(pr.explain(plan, results.by_employee()["K01"]), GERMAN)
    assert "Punkte" in text and "begrenzt auf" in text


def test_a_partial_catalogue_is_refused_naming_every_missing_message():
    plan, results = scored(EXAMPLES / "seed000-pay")
    with pytest.raises(pr.CatalogueError) as caught:
        pr.render_text(pr.explain(plan, results.results[0]), JAPANESE)
    issues = {i.path[0]: i for i in caught.value.issues}
    assert {i.code for i in caught.value.issues} == {"missing-message"}
    assert set(issues) == {"explain", "rounding", "functions", "history", "statement"}
    missing = issues["explain"].message
    for key in ("weight", "in_band", "rounded", "payout", "share", "true"):
        assert re.search(rf"\b{key}\b", missing), key
    for present in ("title", "final", "none"):
        assert not re.search(rf"[:,] {present}\b", missing), present
    assert issues["explain"].source == str(JAPANESE) and "English catalogue" in issues["explain"].hint


def test_unknown_language_is_our_error_naming_the_known_ones():
    plan, results = scored(EXAMPLES / "seed000-pay")
    with pytest.raises(pr.CatalogueError) as caught:
        pr.render_text(pr.explain(plan, results.results[0]), "xx")
    (issue,) = caught.value.issues
    assert issue.code == "unknown-language" and "en, zh" in issue.message


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ('title = "{employee} {salary}"', "bad-placeholder"),
        ('title = "{employee.__class__}"', "bad-placeholder"),
        ('title = "{employee!r}"', "bad-placeholder"),
        ('title = "{0}"', "bad-placeholder"),
        ('title = "{employee"', "bad-placeholder"),
        ("title = 3", "wrong-type"),
    ],
)
def test_a_message_may_fill_in_only_its_own_names(tmp_path, message, code):
    text = GERMAN.read_text(encoding="utf-8").replace(
        'title = "Erläuterung für {employee}, Zeitraum {period}, Schema {scheme}"', message
    )
    path = tmp_path / "de.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(pr.CatalogueError) as caught:
        pr.load_catalogue(path)
    assert [(code, ("explain", "title"))] == [(i.code, i.path) for i in caught.value.issues]


def test_a_message_may_leave_out_and_reorder_names(tmp_path):
    text = GERMAN.read_text(encoding="utf-8").replace(
        'title = "Erläuterung für {employee}, Zeitraum {period}, Schema {scheme}"', 'title = "{scheme}: {employee}"'
    )
    path = tmp_path / "de.toml"
    path.write_text(text, encoding="utf-8")
    assert pr.load_catalogue(path).words("explain")["title"] == "{scheme}: {employee}"


def test_broken_files_say_where(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[explain]\ntitle = "x\n', encoding="utf-8")
    with pytest.raises(pr.CatalogueError) as caught:
        pr.load_catalogue(bad)
    (issue,) = caught.value.issues
    assert (issue.code, issue.line, issue.source) == ("syntax", 2, str(bad))
    with pytest.raises(pr.CatalogueError) as caught:
        pr.load_catalogue(tmp_path / "missing.toml")
    assert caught.value.issues[0].code == "file-not-found"
    latin = tmp_path / "latin.toml"
    latin.write_bytes('[explain]\ntitle = "Erl\xe4uterung"\n'.encode("latin-1"))
    with pytest.raises(pr.CatalogueError) as caught:
        pr.load_catalogue(latin)
    assert caught.value.issues[0].code == "file-unreadable"


class _EntryPoint:
    def __init__(self, name, target):
        self.name, self._target = name, target

    def load(self):
        return self._target


def test_an_installed_package_publishes_a_language_by_its_code(monkeypatch):
    monkeypatch.setattr(catalogue_module, "_published", lambda: {"de": _EntryPoint("de", str(GERMAN))})
    monkeypatch.setattr(catalogue_module, "_LOADED", {})
    assert "de" in pr.languages()
    assert pr.catalogue("de").name == "Deutsch"
    monkeypatch.setattr(catalogue_module, "_published", lambda: {"de": _EntryPoint("de", 42)})
    monkeypatch.setattr(catalogue_module, "_LOADED", {})
    with pytest.raises(pr.CatalogueError, match="not a catalogue file"):
        pr.catalogue("de")


def test_a_statement_in_a_third_language():
    plan, results = scored(EXAMPLES / "seed000-team")
    page = statement_html(plan, results.results[0], results, lang=GERMAN)
    assert '<html lang="de">' in page and "Entgeltabrechnung" in page and "Pay statement" not in page


def test_catalogue_text_is_not_markup_in_a_statement(tmp_path):
    text = GERMAN.read_text(encoding="utf-8").replace('title = "Entgeltabrechnung"', 'title = "<b>Lohn</b>"')
    path = tmp_path / "de.toml"
    path.write_text(text, encoding="utf-8")
    plan, results = scored(EXAMPLES / "seed000-team")
    page = statement_html(plan, results.results[0], results, lang=path)
    assert "<b>Lohn</b>" not in page and "&lt;b&gt;Lohn&lt;/b&gt;" in page


def test_a_chinese_waterfall_names_its_cap_in_chinese():
    plan, results = scored(EXAMPLES / "seed003-kpi")
    r = results.by_employee()["K01"]
    (limit,) = [
        s
        for s in score_steps(pr.explain(plan, r).to_dict(), r.score, pr.catalogue("zh").words("statement"))
        if s.kind == "limit"
    ]
    assert limit.label.startswith("封顶 ")


def test_cli_takes_a_catalogue_file_and_refuses_an_unknown_language_before_reading(capsys, tmp_path):
    folder = EXAMPLES / "seed000-pay"
    args = ["explain", str(folder / "scheme.yaml"), str(folder / "data.csv"), "--employee", "A02"]
    assert 0 == main([*args, "--lang", str(GERMAN)])
    assert "Erläuterung für A02" in capsys.readouterr().out
    missing = ["explain", str(folder / "scheme.yaml"), str(tmp_path / "no-such.csv"), "--employee", "A02"]
    assert 1 == main([*missing, "--lang", "xx"])
    err = capsys.readouterr().err
    assert "[unknown-language]" in err and "no-such.csv" not in err


def test_history_lines_come_from_the_catalogue_too(capsys):
    from perfrules._adapters import read_population
    from perfrules._explain import history_lines

    folder = EXAMPLES / "seed000-team"
    # In Python too: the lines are worded by the catalogue given, there is no other copy of the words.
    plan = pr.compile_scheme(pr.load_scheme(folder / "scheme.yaml"))
    results = pr.score(plan, read_population(folder / "data.csv"), period="2026-04", no_history=True)
    for lang, head in (("en", "History (2026-04):"), ("zh", "历史（2026-04）："), (GERMAN, "Verlauf (2026-04):")):
        assert history_lines(plan, results.period, results.history, results.results[0].values, lang)[0] == head
    args = ["explain", str(folder / "scheme.yaml"), str(folder / "data.csv"), "--employee", "A", "--period", "2026-04"]
    assert 0 == main([*args, "--no-history", "--lang", str(GERMAN)])
    out = capsys.readouterr().out
    assert "Verlauf (2026-04):" in out and "History" not in out


def test_a_catalogue_built_by_hand_is_checked_before_use():
    german = pr.load_catalogue(GERMAN)
    explain = dict(german.words("explain"))
    del explain["in_band"]
    made = pr.Catalogue("de", "de", "Deutsch", {**german.messages, "explain": explain}, "by hand")
    plan, results = scored(EXAMPLES / "seed003-kpi")
    with pytest.raises(pr.CatalogueError, match="in_band"):
        pr.render_text(pr.explain(plan, results.results[0]), made)
    assert pr.catalogue(german) is german  # a checked one is used as it is


@pytest.mark.parametrize("name", ["bad\0.toml", "/", "."])
def test_any_language_name_gives_our_error(name):
    with pytest.raises(pr.CatalogueError):
        pr.catalogue(name)


@settings(max_examples=60)
@given(st.text(max_size=200))
def test_any_file_is_read_or_refused_with_our_error(text):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.toml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        with contextlib.suppress(pr.CatalogueError):
            pr.load_catalogue(path)


_KPI = scored(EXAMPLES / "seed003-kpi")
_KEYS = sorted(pr.catalogue("en").words("explain"))


@settings(max_examples=60)
@given(st.sampled_from(_KEYS), st.text(alphabet=st.sampled_from("ab {}}{!:.0") | st.characters(), max_size=40))
def test_any_message_text_either_renders_or_is_refused(key, text):
    german = pr.load_catalogue(GERMAN)
    explain = {**german.words("explain"), key: text}
    made = pr.Catalogue("de", "de", "Deutsch", {**german.messages, "explain": explain}, "by hand")
    plan, results = _KPI
    try:
        words = pr.catalogue(made)
    except pr.CatalogueError:
        return
    for r in results:
        pr.render_text(pr.explain(plan, r), words)


def test_history_lines_in_a_language_name_functions_in_it():
    from perfrules._explain import history_lines

    text = "name: t\nperiod: month\nmetrics:\n  x: {type: number}\nflags:\n  high: {when: x > 10, reason: r}\n"
    text += "score: {formula: 'prior(x, 1) + previous_streak(high) + prior_sum(x, since=year)'}\n"
    text += "history: {missing: absent, begins: 2026-02}\n"
    plan = pr.compile_scheme(pr.scheme_from_text(text).scheme)
    april = pr.Period.parse("2026-04")
    source = pr.RecordedHistory(
        {pr.Period.parse("2026-02"): {"a": {"score": "0", "inputs": {"x": "20"}, "flags": [{"name": "high"}]}}}
    )
    results = pr.score(plan, [{"employee_id": "a", "x": "30"}], period=april, history=source)
    lines = history_lines(plan, april, results.history, results.results[0].values, pr.catalogue("zh"))
    assert lines[0] == "历史（2026-04）："
    assert any(line.startswith("- 此前连续期数(high) = 0：") for line in lines), lines
    assert any(line.startswith("- 前期值(x, 1) = 0：") for line in lines), lines
    assert any(line.startswith("- 前期合计(x, 起算=本年) = 20：") for line in lines), lines
