"""
A formula on its own, compiled to a Python function of an environment (for hosts and the public API).

The plan never needs these: its code is generated from every formula's nodes
together.  So a checked formula's function is compiled only when asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .._ir import Emitter, Node
from .groups import group_name
from .history import history_name

__all__ = ["function", "synthetic"]

Env = Mapping[str, Any]


def function(node: Node, label: str) -> tuple[Callable[[Env], Any], str]:
    """
    Compile ``node`` to a function of an environment (names read as ``e[name]``); return it and its source.
    """
    namespace: dict[str, Any] = {"__builtins__": {}}
    emitter = Emitter(namespace, env="e")
    src = emitter.expr(node)
    lines = ["def _formula(e):", *(f"    {x}" for x, _ in emitter.body)]
    code = compile("\n".join([*lines, f"    return {src}"]), f"<perfrules {label}>", "exec")
    exec(code, namespace)  # noqa: S102 - source generated from an allow-listed tree, no builtins
    return namespace["_formula"], src


def synthetic(call: tuple[str | int, ...]) -> str:
    """
    Return the name a group or history call stands for (``team_avg__score``, ``prior_2__score``).

    History calls are ``(function, name, n)``, group calls ``(function, name, condition, over)``.
    """
    function, name = str(call[0]), str(call[1])
    if isinstance(call[2], int):
        return history_name(function, name, call[2])
    return group_name(function, name, str(call[2]), str(call[3]))
