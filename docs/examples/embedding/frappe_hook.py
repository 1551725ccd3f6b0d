"""
A Frappe HRMS hook: an Appraisal's final score computed by perfrules.

HRMS computes ``final_score`` itself, as the average of the goal, feedback and
self-appraisal scores or by the cycle's ``final_score_formula`` (a Python
expression evaluated by ``frappe.safe_eval``).  This hook replaces both with a
checked, explained perfrules scheme (appraisal.yaml).  In your app's hooks.py::

    doc_events = {"Appraisal": {"validate": "your_app.perfrules_hook.set_final_score"}}

Frappe runs ``doc_events`` hooks after the Appraisal's own ``validate``, so the
score written here is the one saved.  The scoring itself is :func:`final_score`,
a plain function of the document's fields (``doc.as_dict()``), so it is tested
without Frappe.
"""

from decimal import Decimal
from pathlib import Path
from typing import Any

import perfrules

PLAN = perfrules.compile_scheme(perfrules.load_scheme(Path(__file__).with_name("appraisal.yaml")))

# The Appraisal fields the scheme reads: HRMS's three scores, and a custom Int field
# (custom_open_cases, added with Customize Form) for open disciplinary cases.
FIELDS = {
    "total_score": "total_score",
    "avg_feedback_score": "avg_feedback_score",
    "self_score": "self_score",
    "open_cases": "custom_open_cases",
}


def final_score(doc: dict[str, Any]) -> tuple[Decimal, str]:
    """
    Return an Appraisal's final score (0-5, two places) and its explanation, from ``doc.as_dict()``.

    Raises :class:`perfrules.InputError` naming the field when a score is missing or out of range.
    """
    inputs = {metric: doc.get(field) for metric, field in FIELDS.items()}
    result = perfrules.evaluate(PLAN, inputs, employee=str(doc.get("employee") or doc.get("name")))
    text = perfrules.render_text(perfrules.explain(PLAN, result))
    return result.payouts["final_score"], text


def set_final_score(doc: Any, method: str | None = None) -> None:
    """
    Set ``doc.final_score`` (the ``validate`` hook), or stop the save with every problem listed.
    """
    import frappe  # only inside Frappe; final_score() needs no Frappe

    try:
        doc.final_score, _ = final_score(doc.as_dict())
    except perfrules.PerfrulesError as exc:
        frappe.throw(str(exc), title="perfrules could not score this appraisal")
