"""
Formula syntax: the limits, the error type, and parsing within the limits.

Parsing is Python's own (``ast.parse`` in ``eval`` mode) after a length check;
the tree's size and depth are then measured without recursion, so that
neither a long nor a deeply nested text can exhaust the stack or memory.
"""

from __future__ import annotations

import ast
import warnings
from decimal import Decimal, InvalidOperation

import attrs

from .._errors import Issue, PerfrulesError
from .._limits import LIMITS as _BUDGET
from .._limits import number_problem, number_text_problem

__all__ = ["ARITH", "CMP", "FORBIDDEN_HINTS", "LIMITS", "FormulaError", "parse"]


@attrs.frozen
class _Limits:
    """
    Bounds that keep a formula cheap to check and to run.
    """

    max_length: int = _BUDGET.formula_chars
    max_nodes: int = _BUDGET.formula_nodes
    max_depth: int = _BUDGET.formula_depth
    max_power: int = 100
    max_digits: int = 28
    max_magnitude: Decimal = Decimal("1e18")
    max_text: int = 100


LIMITS = _Limits()


class FormulaError(PerfrulesError, ValueError):
    """
    A formula that cannot be compiled: its code, message, column and a hint.

    Within a scheme it surfaces as an :class:`Issue` of a :class:`SchemeError`;
    :func:`compile_formula` used on its own raises it directly.
    """

    code = "formula-error"

    def __init__(self, code: str, message: str, column: int | None = None, hint: str | None = None) -> None:
        super().__init__(message if column is None else f"{message} (column {column})")
        self.code, self.message, self.column, self.hint = code, message, column, hint

    def issue(self, path: tuple[str | int, ...], text: str) -> Issue:
        """
        Return this problem as an issue at ``path`` with a caret line under the formula.
        """
        where = f" at column {self.column}" if self.column else ""
        caret = f"\n      {text}\n      {' ' * ((self.column or 1) - 1)}^" if self.column else ""
        return Issue(
            self.code, f"{self.message}{where} of formula {text!r}{caret}", path, hint=self.hint, offset=self.column
        )


def _literal(node: ast.Constant, text: str) -> None:
    # A number literal is judged by the characters written, like every number
    # perfrules reads: 1e-999999999 is refused here, before anything formats it.
    segment = ast.get_source_segment(text, node) or ""
    refused = number_text_problem(segment)
    if refused is None:
        try:
            refused = number_problem(Decimal(segment.replace("_", "")))
        except InvalidOperation:
            return  # not a plain decimal: the checker refuses it by its type
    if refused is not None:
        raise FormulaError("formula-literal", f"number {segment[:40]!r} is refused: {refused}", node.col_offset + 1)


def _shape(tree: ast.AST, text: str) -> None:
    nodes = 0
    stack: list[tuple[ast.AST, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        nodes += 1
        if nodes > LIMITS.max_nodes:
            raise FormulaError(
                "formula-too-large",
                f"formula has more than {LIMITS.max_nodes} parts",
                hint="split it into derived metrics",
            )
        if depth > LIMITS.max_depth:
            raise FormulaError(
                "formula-too-deep",
                f"formula nests deeper than {LIMITS.max_depth} levels",
                hint="split it into derived metrics",
            )
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            _literal(node, text)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


#: The arithmetic operators formulas may use, as written in Python.
ARITH: dict[type[ast.operator], str] = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
#: The comparisons formulas may use.
CMP: dict[type[ast.cmpop], str] = {
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Eq: "==",
    ast.NotEq: "!=",
}
#: What to say about Python syntax formulas may not use.
FORBIDDEN_HINTS: dict[type[ast.AST], str] = {
    ast.Subscript: "indexing (a[b]) is not allowed",
    ast.Lambda: "lambda is not allowed",
    ast.NamedExpr: "':=' is not allowed",
    ast.FloorDiv: "'//' is not allowed: use floor(a / b)",
    ast.Mod: "'%' is not allowed",
}


def parse(text: str) -> ast.Expression:
    """
    Parse formula text into a tree, within the length and shape limits.
    """
    if not isinstance(text, str):
        raise FormulaError("formula-type", f"a formula must be text, got {type(text).__name__}")
    if len(text) > LIMITS.max_length:
        raise FormulaError(
            "formula-too-long",
            f"formula is {len(text)} characters, more than {LIMITS.max_length}",
            hint="split it into derived metrics",
        )
    if not text.strip():
        raise FormulaError("formula-syntax", "formula is empty")
    flat = " ".join(text.split("\n")).strip()  # YAML folded text may span lines
    try:
        with warnings.catch_warnings():
            # "1if x else 0" makes Python warn on stderr; the formula is judged here, not by a warning.
            warnings.simplefilter("ignore")
            tree = ast.parse(flat, mode="eval")
    except SyntaxError as exc:
        raise FormulaError(
            "formula-syntax", f"cannot read formula: {exc.msg}", exc.offset, "check brackets and operators"
        ) from None
    except (RecursionError, MemoryError, ValueError):
        raise FormulaError("formula-too-deep", "formula nests too deeply to read") from None
    _shape(tree, flat)
    return tree
