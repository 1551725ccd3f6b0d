"""
Accelerators: marginal tier tables, each band paying its own rate on the slice of the value inside it.

The value is one :class:`~perfrules._ir.Apply` of :func:`marginal_total`, a
pure function of the table and the input; the traced code also records the
slices from :func:`marginal_slices`, the very function the total is the sum
of, so an explanation cannot disagree with the amount paid.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, ClassVar

from .._ir import LIST, NUM, Apply, Clamp, Node, Origin, Round, Step, StepRef
from .._model import Accelerator, Scheme
from .base import Context, Explaining, Line, fact, limit_facts
from .wording import before_rounding, limits_text, mode_text, number, what

__all__ = ["ACCELERATORS", "Band", "Slice", "marginal_slices", "marginal_total"]

_ZERO, _HUNDRED = Decimal(0), Decimal(100)

Band = tuple[Decimal, Decimal | None, Decimal]
"""A band as the functions read it: ``(start, end, rate)``, ``end`` ``None`` when open."""

Slice = tuple[Decimal, Decimal, Decimal, Decimal]
"""One band's part of a value: ``(start, width, rate, amount)``."""


def marginal_slices(bands: Sequence[Band], x: Decimal) -> list[Slice]:
    """
    Return the slices of ``x`` in each band it reaches, in band order; nothing below the first band's start.
    """
    out: list[Slice] = []
    for start, end, rate in bands:
        if x <= start:
            break
        width = (x if end is None or x < end else end) - start
        out.append((start, width, rate, width * rate))
    return out


def marginal_total(bands: Sequence[Band], x: Decimal) -> Decimal:
    """
    Return the amount ``x`` earns over marginal ``bands``: the sum of its slices' amounts, in band order.
    """
    return sum((amount for *_, amount in marginal_slices(bands, x)), _ZERO)


def _bands(acc: Accelerator) -> tuple[Band, ...]:
    return tuple((b.start, b.end, b.rate) for b in acc.tiers)


def _percent(rate: Decimal) -> str:
    # Rates are shown as percentages, exactly: 0.0005 → 0.05%.
    return format((rate * _HUNDRED).normalize(), "f") + "%"


class _Accelerators:
    """Accelerators: marginal tier tables over a formula's value, capped, rounded as money."""

    collection, kind = "accelerators", "accelerator"
    messages: ClassVar[tuple[str, ...]] = (
        "accelerator",
        "accelerator_first",
        "accelerator_next",
        "accelerator_nothing",
        "accelerator_below",
        "accelerator_sep",
    )

    def elements(self, s: Scheme) -> Iterable[tuple[StepRef, Any]]:
        return ((("accelerators", a.name), a) for a in s.accelerators)

    def check(self, ctx: Context, acc: Accelerator) -> None:
        path = ("accelerators", acc.name)
        ctx.formula((*path, "input"), acc.input, NUM)
        if acc.cap is not None and acc.cap < 0:
            ctx.error("negative-amount", f"cap must be 0 or more, got {acc.cap}", (*path, "cap"))
        bands = acc.tiers
        for k, band in enumerate(bands):
            at = (*path, "tiers", k)
            if band.rate < 0:
                ctx.error(
                    "negative-rate",
                    f"rate must be 0 or more, got {band.rate}",
                    (*at, "rate"),
                    "an accelerator only adds; take amounts off with a penalty",
                )
            if band.end is not None and band.end <= band.start:
                ctx.error("bad-range", f"band ends at {band.end}, not above its start {band.start}", at)
            if k == 0:
                continue
            before = bands[k - 1].end
            if before is None:
                ctx.error(
                    "accelerator-open-end",
                    f"band {k - 1} has no end but is not the last band",
                    (*path, "tiers", k - 1),
                    f"give it end: {band.start}, where the next band starts",
                )
            elif band.start > before:
                ctx.error(
                    "accelerator-gap",
                    f"band {k} starts at {band.start} but the band before ends at {before}: "
                    f"values from {before} to {band.start} would earn nothing",
                    (*at, "start"),
                    f"start it at {before}, or add a band with rate: 0 between them",
                )
            elif band.start < before:
                ctx.error(
                    "accelerator-overlap",
                    f"band {k} starts at {band.start}, inside the band before (which ends at {before})",
                    (*at, "start"),
                    f"start it at {before}; list bands from the lowest up",
                )
        last = bands[-1]
        if last.end is not None:
            ctx.error(
                "accelerator-open-end",
                f"the last band ends at {last.end}: a value above it would have no rate",
                (*path, "tiers", len(bands) - 1, "end"),
                "remove end: from the last band; to pay nothing above it, add a last band with rate: 0, "
                "or limit the total with cap:",
            )

    def lower(self, ctx: Context, ref: StepRef, acc: Accelerator) -> Step:
        path = (ref[0], ref[1])
        bands = _bands(acc)
        value = fact("value", ctx.node((*path, "input")))
        total = fact("total", Apply(functools.partial(marginal_total, bands), (value,), NUM, f"marginal_{acc.name}"))
        slices = fact("slices", Apply(functools.partial(marginal_slices, bands), (value,), LIST, f"slices_{acc.name}"))
        out: Node = total
        if acc.cap is not None:
            out = Clamp(out, None, acc.cap, origin=Origin(path))
        out = Round(out, acc.rounding or ctx.scheme.money)
        return Step(ref, self.kind, ((acc.name, out),), acc, prelude=(value,), traced_only=(slices,))

    def explain(self, ex: Explaining, ref: StepRef, acc: Accelerator) -> Line:
        traced = ex.facts(ref)
        rounding = acc.rounding or ex.scheme.money
        facts: dict[str, Any] = {
            "input": acc.input,
            "value": traced["value"],
            "start": acc.tiers[0].start,
            "slices": [
                {"from": start, "to": start + width, "width": width, "rate": rate, "amount": amount}
                for start, width, rate, amount in traced["slices"]
            ],
            "total": traced["total"],
            "rounding": {"places": rounding.places, "mode": rounding.mode},
        }
        facts.update(limit_facts(ex.step(ref).limit(), traced["total"]))
        return Line(f"accelerators.{acc.name}", self.kind, acc.name, acc.label, ex.env[acc.name], facts, ex.reads(ref))

    def render(self, w: Mapping[str, str], line: Line) -> str | None:
        f, it = dict(line.facts), what(line)
        if not f["slices"]:
            return w["accelerator_below"].format(
                what=it, input=f["input"], value=number(f["value"]), start=number(f["start"])
            )
        parts = [w["accelerator_nothing"].format(start=number(f["start"]))] if f["start"] > 0 else []
        for s in f["slices"]:
            key = "accelerator_next" if parts else "accelerator_first"
            parts.append(w[key].format(width=number(s["width"]), rate=_percent(s["rate"]), amount=number(s["amount"])))
        text = w["accelerator"].format(
            what=it,
            input=f["input"],
            value=number(f["value"]),
            slices=w["accelerator_sep"].join(parts),
            total=before_rounding(f["total"], f["rounding"]["places"]),  # what the rounding below takes
        )
        text += limits_text(w, f)
        before = f["limit"] if "limited_by" in f else f["total"]
        if line.value != before:
            r = f["rounding"]
            text += w["rounded"].format(places=r["places"], mode=mode_text(w, r["mode"]), value=number(line.value))
        return text


ACCELERATORS = _Accelerators()
