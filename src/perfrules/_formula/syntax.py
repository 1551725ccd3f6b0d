"""
Formula syntax: the limits, the error type, and parsing within the limits.

Parsing is Python's own (``ast.parse`` in ``eval`` mode) after a length check;
the tree's size and depth are then measured without recursion, so that
neither a long nor a deeply nested text can exhaust the stack or memory.
"""

from __future__ import annotations

import ast
from decimal import Decimal

import attrs

from .._errors import Issue, PerfrulesError

__all__ = ["LIMITS", "FormulaError", "parse"]


@attrs.frozen
class _Limits:
    """
    Bounds that keep a formula cheap to check and to run.
    """

    max_length: int = 2000
    max_nodes: int = 400
    max_depth: int = 40
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


def _shape(tree: ast.AST, text: str) -> None:
    nodes, depth_max = 0, 0
    stack: list[tuple[ast.AST, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        nodes += 1
        depth_max = max(depth_max, depth)
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
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


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
    flat = " ".join(text.split("\n"))  # YAML folded text may span lines
    try:
        tree = ast.parse(flat.strip(), mode="eval")
    except SyntaxError as exc:
        raise FormulaError(
            "formula-syntax", f"cannot read formula: {exc.msg}", exc.offset, "check brackets and operators"
        ) from None
    except (RecursionError, MemoryError, ValueError):
        raise FormulaError("formula-too-deep", "formula nests too deeply to read") from None
    _shape(tree, text)
    return tree
