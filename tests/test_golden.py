"""Golden files: every bundled example scores to its recorded results and explanations.

Each folder under examples/ with a scheme.yaml and data.csv holds expected.json
(results) and explain.txt (every employee's English and Chinese explanation).
After a deliberate change, regenerate them with:

    PERFRULES_REGEN_GOLDEN=1 python -m pytest tests/test_golden.py

and review the diff before committing: published results must never change silently.
"""

import json
import os

import pytest

import perfrules as pr
from perfrules._adapters import read_population
from tests.conftest import EXAMPLES

CASES = sorted(p.parent for p in EXAMPLES.glob("*/scheme.yaml") if (p.parent / "data.csv").exists())
PERIOD = {"month": "2026-04", "quarter": "2026-Q2"}  # by the scheme's own period kind
REGEN = os.environ.get("PERFRULES_REGEN_GOLDEN") == "1"


def _run(folder):
    plan = pr.compile_scheme(pr.load_scheme(folder / "scheme.yaml"))
    period = PERIOD.get(plan.scheme.period, PERIOD["month"])
    results = pr.score(plan, read_population(folder / "data.csv"), period=period, history=pr.RecordedHistory())
    texts = []
    for r in results:
        trace = pr.explain(plan, r)
        texts += [pr.render_text(trace, "en"), pr.render_text(trace, "zh"), ""]
    return results.to_dict(), "\n".join(texts)


@pytest.mark.parametrize("folder", CASES, ids=lambda p: p.name)
def test_golden(folder):
    results, text = _run(folder)
    expected_json, expected_text = folder / "expected.json", folder / "explain.txt"
    if REGEN:
        expected_json.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        expected_text.write_text(text, encoding="utf-8")
    assert json.loads(expected_json.read_text(encoding="utf-8")) == results
    assert expected_text.read_text(encoding="utf-8") == text


def test_every_example_has_golden_files():
    assert CASES, "no examples found"
    for folder in CASES:
        assert (folder / "expected.json").exists() and (folder / "explain.txt").exists(), folder
