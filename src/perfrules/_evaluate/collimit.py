"""
The error the columnar engine raises where a value leaves its exact range (``columnar-limit``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._errors import EvaluationError

__all__ = ["ROW_ENGINE", "limit_error"]

#: How the message says to score with the row engine; the command line says ``--engine row`` instead.
ROW_ENGINE = 'engine="row"'

# Population-wide values that are one number for everyone: no employee of theirs is named.
_WHOLE = ("sum", "avg", "min", "max", "count")


def limit_error(
    exc: Any, where: str | None, employee: Callable[[int], str], fallback: Callable[[], None]
) -> EvaluationError:
    """
    Return the ``columnar-limit`` error for the :class:`~.fixed.Limit` ``exc`` at ``where`` (None: an input).

    ``fallback()`` is called first: the row engine scores the same rows and
    raises its own error where it fails too.  ``where`` names the element
    (``indicators.m``, ``score``, ``groups.all_sum__v``); the employee is the
    first row past the limit, and none for a population-wide value, which is
    everyone's.
    """
    fallback()
    whole = where is not None and where.startswith("groups.all_") and where.split("__")[0][11:] in _WHOLE
    err = EvaluationError(
        "columnar-limit: a value needs more than 28 digits or leaves the exact range of the columnar "
        f"engine{' (a population-wide value, the same for every employee)' if whole else ''}; "
        f"score with the row engine ({ROW_ENGINE})",
        employee=None if whole else employee(exc.rows.arg_true()[0]),
        step=where,
    )
    err.code = "columnar-limit"  # the instance's code: programs can tell it from an arithmetic failure
    return err
