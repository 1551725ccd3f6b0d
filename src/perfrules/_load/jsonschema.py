"""
A JSON Schema for scheme files, generated from the model's own fields and types.

Editors (YAML language servers) and HR user interfaces use it for completion
and early checks; perfrules' own validation stays the authority, because it
also checks formulas, references and tier tables.
"""

from __future__ import annotations

import types
import typing
from decimal import Decimal
from typing import Any

import attrs

from .._model import Scheme, Tier
from .convert import _SHORTHAND, _TIER_KEYS, _hints

__all__ = ["scheme_json_schema"]

_NUMBER: dict[str, Any] = {
    "anyOf": [
        {"type": "number"},
        {"type": "string", "pattern": r"^\s*[-+]?(\d[\d_]*(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$"},
        {"type": "string", "pattern": r"^[A-Za-z_][A-Za-z0-9_]*$", "description": "the name of a parameter"},
    ]
}


def _doc(cls: type) -> str:
    return (cls.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ").strip()


class _Gen:
    def __init__(self) -> None:
        self.defs: dict[str, Any] = {}

    def ref(self, cls: type) -> dict[str, Any]:
        name = cls.__name__
        if name not in self.defs:
            self.defs[name] = {}  # placeholder against recursion
            self.defs[name] = self.tier() if cls is Tier else self.attrs(cls)
        return {"$ref": f"#/$defs/{name}"}

    def tier(self) -> dict[str, Any]:
        props: dict[str, Any] = {k: {} for k in _TIER_KEYS}
        props.update(
            {
                "range": {"type": "string", "description": "[a, b), (a, b], >= a, > a, <= b, < b, == a or any"},
                "min": _NUMBER,
                "max": _NUMBER,
                "points": _NUMBER,
                "min_inclusive": {"type": "boolean", "default": True},
                "max_inclusive": {"type": "boolean", "default": False},
                "label": {"type": "string"},
                "grade": {"type": "string"},
            }
        )
        return {
            "description": _doc(Tier),
            "anyOf": [{"type": "string"}, {"type": "object", "properties": props, "additionalProperties": False}],
        }

    def attrs(self, cls: type) -> dict[str, Any]:
        hints = _hints(cls)
        props: dict[str, Any] = {}
        required = []
        for f in attrs.fields(cls):
            props[f.name] = self.type(hints[f.name], f.metadata)
            if f.default is attrs.NOTHING:
                required.append(f.name)
        schema: dict[str, Any] = {
            "type": "object",
            "description": _doc(cls),
            "properties": props,
            "additionalProperties": False,
        }
        if required:
            schema["required"] = required
        return schema

    def keyed(self, cls: type, key: str) -> dict[str, Any]:
        item = self.ref(cls)
        # In a mapping the key is the name, so the entry has every field but that one.
        entry = f"{cls.__name__}Entry"
        if entry not in self.defs:
            body = dict(self.defs[cls.__name__])
            body["properties"] = {k: v for k, v in body["properties"].items() if k != key}
            required = [r for r in body.get("required", []) if r != key]
            body.pop("required", None)
            if required:
                body["required"] = required
            self.defs[entry] = body
        value: dict[str, Any] = {"$ref": f"#/$defs/{entry}"}
        if cls in _SHORTHAND:
            inner = _hints(cls)[_SHORTHAND[cls]]
            value = {"anyOf": [value, self.type(inner, {})]}
        return {"anyOf": [{"type": "array", "items": item}, {"type": "object", "additionalProperties": value}]}

    def type(self, tp: Any, meta: typing.Mapping[str, Any]) -> dict[str, Any]:
        origin = typing.get_origin(tp)
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            return {"anyOf": [self.type(args[0], meta), {"type": "null"}]}
        if origin is typing.Literal:
            return {"enum": list(typing.get_args(tp))}
        if origin is tuple:
            items = typing.get_args(tp)
            if meta.get("keyed"):
                return self.keyed(items[0], meta["keyed"])
            if len(items) == 2 and items[1] is Ellipsis:
                return {"type": "array", "items": self.type(items[0], {})}
            return {
                "type": "array",
                "prefixItems": [self.type(a, {}) for a in items],
                "minItems": len(items),
                "maxItems": len(items),
            }
        if attrs.has(tp) or tp is Tier:
            return self.ref(tp)
        if tp is Decimal:
            return _NUMBER
        if tp is str:
            return {"anyOf": [{"type": "string"}, {"type": "number"}]}
        if tp is bool:
            return {"type": "boolean"}
        if tp is int:
            return {"type": "integer"}
        raise TypeError(f"no JSON Schema for {tp!r}")


def scheme_json_schema() -> dict[str, Any]:
    """
    Return the JSON Schema (draft 2020-12) of perfrules scheme files.
    """
    gen = _Gen()
    root = gen.attrs(Scheme)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://perfrules.invalid/scheme.schema.json",
        "title": "perfrules scheme",
        **root,
        "$defs": dict(sorted(gen.defs.items())),
    }
