from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("ci", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("fast", max_examples=20, deadline=None)
settings.register_profile("thorough", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

#: A one-stage scheme whose penalty (by levels) and fixed bonus both have approval thresholds: the holds tests'
#: shared case (each adds the flags it needs).
# A score that is one input's value, beside a target indicator whose points may need many places: what the
# tests of written numbers feed with tiny and huge decimals.
TARGET_SCHEME = """name: Tiny
metrics:
  sales: {type: money}
  target: {type: money, min: 0.01}
  v: {type: number}
indicators:
  hit: {input: sales, target: {target: target}, weight: 40}
score: {formula: v}
"""

ONE_STAGE_HOLDS = """name: one stage
metrics: {discipline: list, shifts: count}
score: {base: 100}
penalties:
  discipline_ded: {occurrences: discipline, levels: [1, 2, 3, 5, 10, 20], approval_over: 10}
bonuses:
  cover: {count: shifts, amount: 12, approval_over: 10, when: "discipline_ded == 0"}
"""


@pytest.fixture
def examples() -> Path:
    return EXAMPLES
