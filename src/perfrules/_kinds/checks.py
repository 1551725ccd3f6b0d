"""
Checks several kinds make: a reference to another element by name, limits that cannot both hold.
"""

from __future__ import annotations

from collections.abc import Container, Iterable
from decimal import Decimal

from .._ir import Path
from .._suggest import did_you_mean
from .base import Context

__all__ = ["limits", "reference"]


def reference(ctx: Context, path: Path, name: str | None, pool: Container[str] | Iterable[str], what: str) -> None:
    """
    Record ``unknown-reference`` when ``name`` is given and is not in ``pool``.
    """
    if name is not None and name not in pool:
        ctx.error(
            "unknown-reference",
            f"unknown {what} {name!r}{did_you_mean(name, pool)}",  # type: ignore[arg-type]
            path,
            f"declare the {what} or fix the name",
        )


def limits(ctx: Context, path: Path, floor: Decimal | None, cap: Decimal | None) -> None:
    """
    Record ``cap-below-floor`` when a cap is below a floor: no value could respect both.
    """
    if cap is not None and floor is not None and cap < floor:
        ctx.error(
            "cap-below-floor",
            f"upper limit {cap} is below lower limit {floor}: no value can respect both",
            path,
            "swap them, or remove one",
        )
