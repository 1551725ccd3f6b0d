"""
Turn a model back into plain data and into YAML or JSON text.

What :func:`unstructure` writes, :func:`perfrules.load_scheme` reads back into
an equal scheme: defaults are left out, keyed collections are written as
mappings by name, tiers in range notation, and numbers exactly.  Its output is
also what a plan's digest hashes, so it never changes shape; :func:`dump_yaml`
writes the same data the way people write scheme files.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import attrs
import yaml

from .._model import Scheme, Tier
from .convert import _SHORTHAND

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


def _set_fields(value: Any) -> Iterator[tuple[str, Any, str | None]]:
    # Each field of a model that differs from its default, with the key naming its elements when it is keyed.
    for field in attrs.fields(type(value)):
        item = getattr(value, field.name)
        if field.default is not attrs.NOTHING and item == field.default:
            continue
        yield field.name, item, field.metadata.get("keyed")


def unstructure(value: Any) -> Any:
    """
    Return plain data (dicts, lists, Decimals, text) for a model value.
    """
    if isinstance(value, Tier):
        return _tier(value)
    if attrs.has(type(value)):
        out: dict[str, Any] = {}
        for name, item, key in _set_fields(value):
            if key:
                out[name] = {getattr(e, key): {k: v for k, v in unstructure(e).items() if k != key} for e in item}
            else:
                out[name] = unstructure(item)
        return out
    if isinstance(value, tuple):
        return [unstructure(v) for v in value]
    return value


class _Flow(dict[str, Any]):
    """
    A mapping written on one line, as people write a tier: ``{range: '[80, 90)', points: 20}``.
    """


class _FlowList(list[Any]):
    """
    A list of numbers written on one line: ``range: [2, 5]``.
    """


def _readable(value: Any) -> Any:
    # unstructure()'s data, as a person writes it: an element that only has its shorthand field
    # is that value (params: {baseline: 80}), tiers and lists of numbers on one line.
    if isinstance(value, Tier):
        return _Flow(unstructure(value))
    if attrs.has(type(value)):
        out: dict[str, Any] = {}
        for name, item, key in _set_fields(value):
            if not key:
                out[name] = _readable(item)
                continue
            entries: dict[str, Any] = {}
            for element in item:
                body = {k: v for k, v in _readable(element).items() if k != key}
                short = _SHORTHAND.get(type(element))
                if short is not None and set(body) <= {short}:
                    body = _readable(getattr(element, short))
                entries[getattr(element, key)] = body
            out[name] = entries
        return out
    if isinstance(value, tuple):
        items = [_readable(v) for v in value]
        return _FlowList(items) if all(isinstance(v, Decimal) for v in value) else items
    return value


class _Dumper(yaml.SafeDumper):
    """
    A safe YAML dumper that writes Decimals as plain numbers and tiers on one line.
    """


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    # Positional notation ('{:f}': 1E+2 is 100), written untagged: YAML reads it as an int or a
    # float, and the loader reads the characters written, so the Decimal comes back exactly.
    text = f"{value:f}"
    tag = "tag:yaml.org,2002:float" if "." in text else "tag:yaml.org,2002:int"
    return dumper.represent_scalar(tag, text)


def _represent_flow(dumper: yaml.SafeDumper, value: _Flow) -> yaml.MappingNode:
    return dumper.represent_mapping("tag:yaml.org,2002:map", value, flow_style=True)


def _represent_flow_list(dumper: yaml.SafeDumper, value: _FlowList) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True)


_Dumper.add_representer(Decimal, _represent_decimal)
_Dumper.add_representer(_Flow, _represent_flow)
_Dumper.add_representer(_FlowList, _represent_flow_list)


def dump_yaml(scheme: Scheme) -> str:
    """
    Return the scheme as YAML text that reads like a hand-written scheme file and loads back into an equal scheme.

    Numbers are written plainly and exactly (``80``, ``0.65``, never ``!!float '80'``);
    defaults are left out; keys come in the order of the scheme format, elements in the
    order they were written; a parameter, metric or condition that only has its value,
    type or condition is written on one line (``baseline: 80``), tiers as
    ``{range: '[80, 90)', points: 20}``.  Comments do not survive: the model holds no
    comments, so a scheme loaded from a file and dumped again has none.  Keep the file
    itself when its comments matter, and change it by hand or by text.
    """
    return yaml.dump(_readable(scheme), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=2**16)


def dump_json(scheme: Scheme) -> str:
    """
    Return the scheme as JSON text; numbers are written as exact strings.
    """
    return json.dumps(unstructure(scheme), default=str, ensure_ascii=False, indent=2)
