"""The public surface is locked: a change to it must be deliberate."""

import ast
import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import perfrules

PUBLIC = [
    "Sweep",
    "sweep",
    "PopulationValues",
    "collect_part",
    "score_part",
    "score_dask",
    "Accelerator",
    "Assessed",
    "Bonus",
    "Bound",
    "Bounds",
    "CheckOutcome",
    "Catalogue",
    "CatalogueError",
    "Calendar",
    "Condition",
    "Change",
    "CompileError",
    "CompiledFormula",
    "DECIMAL_CONTEXT",
    "Distribution",
    "EvaluationError",
    "Explanation",
    "FUNCTIONS",
    "Flag",
    "FlagHit",
    "FormulaError",
    "Function",
    "Grades",
    "HistoryNote",
    "HistoryRule",
    "HistorySource",
    "Indicator",
    "InputError",
    "Issue",
    "Ledger",
    "LedgerError",
    "OutputError",
    "Metric",
    "MetricType",
    "NumberFormat",
    "Param",
    "Payout",
    "Penalty",
    "PerfrulesError",
    "Period",
    "Plan",
    "Population",
    "Publication",
    "Quota",
    "Ranking",
    "RateBand",
    "Report",
    "Result",
    "RecordedHistory",
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
    "catalogue",
    "check_file",
    "check_scheme",
    "compile_formula",
    "compile_scheme",
    "dump_json",
    "dump_yaml",
    "evaluate",
    "explain",
    "languages",
    "load_catalogue",
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

SRC = Path(perfrules.__file__).parent

# The phases, in the only direction imports may go (a module may import from
# its own layer or from any layer before it).
LAYERS = [
    "_errors",
    "_suggest",
    "_model",
    "_plugins",
    "_ir",
    "_formula",
    "_kinds",
    "_load",
    "_validate",
    "_compile",
    "_evaluate",
    "_explain",
    "_analysis",
    "_adapters",
    "_cli",
    "contrib",
]


def test_all_is_locked():
    assert sorted(PUBLIC) == sorted(perfrules.__all__)


def test_every_public_name_exists_and_is_documented():
    for name in perfrules.__all__:
        obj = getattr(perfrules, name)
        if callable(obj) or isinstance(obj, type):
            assert obj.__doc__, f"{name} has no docstring"


def test_every_module_declares_all():
    for info in pkgutil.walk_packages([str(SRC)], prefix="perfrules."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        assert hasattr(module, "__all__"), f"{info.name} has no __all__"


def _layer(module: str) -> int | None:
    parts = module.split(".")
    return LAYERS.index(parts[0]) if parts and parts[0] in LAYERS else None


def test_imports_go_one_way_along_the_phases():
    bad = []
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC).with_suffix("")
        own = _layer(".".join(rel.parts))
        if own is None:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level > 0 and node.module:
                base = rel.parts[: len(rel.parts) - node.level]
                target = _layer(".".join((*base, node.module)) if base else node.module)
                if target is not None and target > own:
                    bad.append(f"{rel} imports {node.module}")
    assert [] == bad


def _relative_imports():
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC).with_suffix("")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):  # every import, local ones included
            if isinstance(node, ast.ImportFrom) and node.level > 0:
                base = rel.parts[: len(rel.parts) - node.level]
                if node.module:
                    yield rel, (*base, *node.module.split("."))
                else:  # from . import validators: the module itself
                    yield from ((rel, (*base, alias.name)) for alias in node.names)


def test_packages_are_entered_through_their_init():
    # A phase reads another phase's public surface (its __init__), never a module inside it.
    deep = [
        f"{'.'.join(rel.parts)} imports {'.'.join(target)}"
        for rel, target in _relative_imports()
        if len(target) > 1 and target[0].startswith("_") and (SRC / target[0]).is_dir() and target[0] != rel.parts[0]
    ]
    assert [] == deep


def test_no_import_circle_between_modules():
    graph: dict[str, set[str]] = {}
    for rel, target in _relative_imports():
        key = ".".join(target) + (".__init__" if (SRC.joinpath(*target)).is_dir() else "")
        graph.setdefault(".".join(rel.parts), set()).add(key)
    seen: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        if seen.get(node) == 2:
            return
        assert seen.get(node) != 1, f"import circle: {' → '.join([*path, node])}"
        seen[node] = 1
        for nxt in graph.get(node, ()):
            if nxt in graph:
                visit(nxt, [*path, node])
        seen[node] = 2

    for module in list(graph):
        visit(module, [])


def test_models_never_import_yaml_or_json():
    for path in (SRC / "_model").glob("*.py"):
        imports = {n.names[0].name for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.Import)}
        assert not imports & {"yaml", "json"}, path


def test_the_row_engine_imports_no_optional_extra():
    # polars, pyarrow and pandas are optional extras: importing perfrules and its command line (whose default
    # is the row engine) must not load them — each costs tens of MiB and up to a second of start-up.
    code = "import sys, perfrules, perfrules._cli; print(sorted({'polars', 'pyarrow', 'pandas', 'dask'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
