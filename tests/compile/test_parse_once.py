"""Each formula of a scheme is parsed once per compile: checking, lowering, ordering and explaining share its nodes."""

from __future__ import annotations

import sys

import perfrules as pr
import perfrules._formula.syntax as syntax
from tests.conftest import EXAMPLES


def formula_texts(s: pr.Scheme) -> list[str]:
    """Every formula text the scheme holds, read off the model: one per field that is a formula."""
    texts: list[str | None] = [m.formula for m in s.metrics]
    for i in s.indicators:
        texts += [i.input, i.formula, i.veto, i.target.target if i.target is not None else None]
    texts += [x.veto for x in s.sections]
    texts += [text for j in s.adjustments() for text in (j.count, j.earlier, j.when)]
    texts += [s.score.formula, s.score.veto]
    texts += [s.grades.of] if s.grades is not None else []
    texts += [text for p in s.payouts for text in (p.formula, p.when)]
    texts += [f.when for f in s.flags]
    texts += [s.teams.eligible] if s.teams is not None else []
    texts += [s.assessed.when] if s.assessed is not None else []
    return [t for t in texts if t is not None]


def test_each_formula_of_seed003_kpi_is_parsed_once_per_compile(monkeypatch):
    scheme = pr.load_scheme(EXAMPLES / "seed003-kpi" / "scheme.yaml")
    texts = formula_texts(scheme)
    original, parsed = syntax.parse, []

    def counting(text, *args, **kwargs):
        parsed.append(text)
        return original(text, *args, **kwargs)

    # Every module that imported the parser by name gets the counting one too.
    holders = [
        m for n, m in list(sys.modules.items()) if n.startswith("perfrules") and vars(m).get("parse") is original
    ]
    assert syntax in holders
    for module in holders:
        monkeypatch.setattr(module, "parse", counting)
    for _ in range(2):  # and again: nothing is remembered between compiles that would hide a second parse
        parsed.clear()
        plan = pr.compile_scheme(scheme)
        assert sorted(parsed) == sorted(texts)
        assert len(parsed) == len(texts) == len(plan.formulas) > 20
    # Scoring and explaining parse nothing more.
    from perfrules._adapters import read_population

    parsed.clear()
    for r in pr.score(plan, read_population(EXAMPLES / "seed003-kpi" / "data.csv"), period="2026-04", no_history=True):
        pr.explain(plan, r).lines
    assert parsed == []
