"""
Turn a model back into plain data and into YAML or JSON text.

What :func:`unstructure` writes, :func:`perfrules.load_scheme` reads back into
an equal scheme: defaults are left out, keyed collections are written as
mappings by name, tiers in range notation, and numbers exactly.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import attrs
import yaml

from .._model import Scheme, Tier

__all__ = ["dump_json", "dump_yaml", "unstructure"]


def _tier(tier: Tier) -> dict[str, Any]:
    out: dict[str, Any] = {"range": tier.range_text()}
    if tier.points is not None:
        out["points"] = tier.points
    if tier.label is not None:
        out["label"] = tier.label
    if tier.values:
        out["values"] = {c.name: c.value for c in tier.values}
    return out


def unstructure(value: Any) -> Any:
    """
    Return plain data (dicts, lists, Decimals, text) for a model value.
    """
    if isinstance(value, Tier):
        return _tier(value)
    if attrs.has(type(value)):
        out: dict[str, Any] = {}
        for field in attrs.fields(type(value)):
            item = getattr(value, field.name)
            if field.default is not attrs.NOTHING and item == field.default:
                continue
            key = field.metadata.get("keyed")
            if key:
                out[field.name] = {getattr(e, key): {k: v for k, v in unstructure(e).items() if k != key} for e in item}
            else:
                out[field.name] = unstructure(item)
        return out
    if isinstance(value, tuple):
        return [unstructure(v) for v in value]
    return value


class _Dumper(yaml.SafeDumper):
    """
    A safe YAML dumper that writes Decimals as plain numbers.
    """


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:float", str(value))


_Dumper.add_representer(Decimal, _represent_decimal)


def dump_yaml(scheme: Scheme) -> str:
    """
    Return the scheme as YAML text.
    """
    return yaml.dump(unstructure(scheme), Dumper=_Dumper, sort_keys=False, allow_unicode=True)


def dump_json(scheme: Scheme) -> str:
    """
    Return the scheme as JSON text; numbers are written as exact strings.
    """
    return json.dumps(unstructure(scheme), default=str, ensure_ascii=False, indent=2)
