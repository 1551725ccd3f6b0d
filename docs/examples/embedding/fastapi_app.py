"""
Score a posted month of rows with perfrules behind a FastAPI endpoint.

Run it with ``uvicorn fastapi_app:app`` beside scheme.yaml.  The plan is compiled
once when the module is imported and shared by every request: a Plan is immutable.
"""

import re
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from pydantic import BaseModel

import perfrules

PLAN = perfrules.compile_scheme(perfrules.load_scheme(Path(__file__).with_name("scheme.yaml")))

app = FastAPI(title="perfrules scoring")


class Month(BaseModel):
    """A period and one row per employee: cells as text or numbers, as a CSV row would hold them."""

    period: str
    rows: list[dict[str, Any]]


def problem(issue: perfrules.Issue) -> dict[str, Any]:
    """Return an issue as JSON, naming a row as the client sent it: ``rows[0]`` is the first posted row."""
    data = issue.to_dict()
    # perfrules numbers rows from first_row (2 by default, a CSV file's line numbers); scored with
    # first_row=0, "row 0" is the index in the posted list, written here as the client's JSON path.
    data["message"] = re.sub(r"\brow (\d+)\b", r"rows[\1]", issue.message)
    head, *rest = issue.path or ("",)
    if isinstance(head, str) and head.startswith("row "):
        data["path"] = f"rows[{head[4:]}]" + "".join(f".{part}" for part in rest)
    return data


@app.post("/score")
def score(month: Month) -> Any:
    """Score the rows; answer the results as JSON, or 422 with every problem found."""
    try:
        results = perfrules.score(PLAN, month.rows, period=month.period, first_row=0)
    except (perfrules.InputError, perfrules.SchemeError) as exc:
        # Bad input is the caller's to fix: every problem at once, each with its place and a hint.
        return JSONResponse(status_code=422, content={"detail": [problem(i) for i in exc.issues]})
    except perfrules.EvaluationError as exc:
        # Arithmetic that failed for one employee (a division by zero in a formula): the scheme's to fix.
        return JSONResponse(status_code=422, content={"detail": [{"code": exc.code, "message": str(exc)}]})
    # Results is not JSON itself (FastAPI would answer 500); to_dict() is its JSON-ready form,
    # with amounts as exact strings ("985.00"), never floats.
    return results.to_dict()
