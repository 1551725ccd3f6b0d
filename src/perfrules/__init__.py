"""
perfrules: score employees and turn scores into pay, exactly and explainably.

The phases are ``load → validate → compile → evaluate``; each is a function
returning immutable values::

    scheme = perfrules.load_scheme("scheme.yaml")      # or build Scheme(...) in Python
    report = perfrules.validate(scheme)                # every finding, never raises
    plan = perfrules.compile_scheme(scheme)            # once; share it freely
    results = perfrules.score(plan, rows, period="2026-04")
"""

from ._adapters import Change, Ledger, Publication
from ._analysis import Bounds, CheckOutcome, WhatIf, bounds, check_scheme, whatif
from ._compile import CONTEXT as DECIMAL_CONTEXT
from ._compile import Plan, compile_scheme, scheme_digest
from ._errors import CompileError, EvaluationError, InputError, Issue, LedgerError, PerfrulesError, SchemeError
from ._evaluate import FlagHit, HistorySource, Result, Results, SharedCost, evaluate, score
from ._explain import Explanation, explain, render_json, render_text
from ._formula import BUILTINS as FUNCTIONS
from ._formula import CompiledFormula, FormulaError, Function, compile_formula
from ._load import (
    SchemeSource,
    dump_json,
    dump_yaml,
    load_scheme,
    read_scheme,
    scheme_from_data,
    scheme_from_text,
    scheme_json_schema,
)
from ._model import (
    Accelerator,
    Assessed,
    Bonus,
    Bound,
    Condition,
    Distribution,
    Flag,
    Grades,
    Indicator,
    Metric,
    Param,
    Payout,
    Penalty,
    Period,
    Population,
    Quota,
    RateBand,
    Rollup,
    Rounding,
    Scheme,
    Score,
    Section,
    Shortfall,
    Target,
    Teams,
    Tier,
    TierTable,
    parse_range,
)
from ._plugins import MetricType, metric_type, metric_types, register_metric_type, to_decimal
from ._validate import Report, check_file, validate

__version__ = "0.1.0"

__all__ = [
    "DECIMAL_CONTEXT",
    "FUNCTIONS",
    "Accelerator",
    "Assessed",
    "Bonus",
    "Bound",
    "Bounds",
    "Change",
    "CheckOutcome",
    "CompileError",
    "CompiledFormula",
    "Condition",
    "Distribution",
    "EvaluationError",
    "Explanation",
    "Flag",
    "FlagHit",
    "FormulaError",
    "Function",
    "Grades",
    "HistorySource",
    "Indicator",
    "InputError",
    "Issue",
    "Ledger",
    "LedgerError",
    "Metric",
    "MetricType",
    "Param",
    "Payout",
    "Penalty",
    "PerfrulesError",
    "Period",
    "Plan",
    "Population",
    "Publication",
    "Quota",
    "RateBand",
    "Report",
    "Result",
    "Results",
    "Rollup",
    "Rounding",
    "Scheme",
    "SchemeError",
    "SchemeSource",
    "Score",
    "Section",
    "SharedCost",
    "Shortfall",
    "Target",
    "Teams",
    "Tier",
    "TierTable",
    "WhatIf",
    "bounds",
    "check_file",
    "check_scheme",
    "compile_formula",
    "compile_scheme",
    "dump_json",
    "dump_yaml",
    "evaluate",
    "explain",
    "load_scheme",
    "metric_type",
    "metric_types",
    "parse_range",
    "read_scheme",
    "register_metric_type",
    "render_json",
    "render_text",
    "scheme_digest",
    "scheme_from_data",
    "scheme_from_text",
    "scheme_json_schema",
    "score",
    "to_decimal",
    "validate",
    "whatif",
]
