"""
A JSON Schema for scheme files, generated from the model's own fields and types.

Editors (YAML language servers) and HR user interfaces use it for completion
and early checks; perfrules' own validation stays the authority, because it
also checks formulas, references and tier tables.  It is written in draft-07,
the draft the YAML language server (VS Code's YAML extension) supports fully;
descriptions come from ``descriptions.py``, checked against the model by a test.
"""

from __future__ import annotations

import types
import typing
from decimal import Decimal
from typing import Any

import attrs

from .._model import Scheme, Tier
from .convert import _SHORTHAND, _TIER_KEYS, _hints
from .descriptions import CLASSES, FIELDS, METRIC_TYPES

__all__ = ["SCHEMA_ID", "field_description", "scheme_json_schema"]

# A stable identifier, not a location: the project has no published address yet.  Editors find the
# schema by the path or URL given in the file's `# yaml-language-server: $schema=...` line or settings.
SCHEMA_ID = "urn:perfrules:scheme-schema:1"

_NUMBER: dict[str, Any] = {
    "anyOf": [
        {"type": "number"},
        {"type": "string", "pattern": r"^\s*[-+]?(\d[\d_]*(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$"},
        {"type": "string", "pattern": r"^[A-Za-z_][A-Za-z0-9_]*$", "description": "the name of a parameter"},
    ]
}


def field_description(cls: type, name: str) -> str | None:
    """
    Return the description of field ``name`` of model class ``cls`` (looked up along its bases), if any.
    """
    for klass in cls.__mro__:
        found = FIELDS.get(klass.__name__, {}).get(name)
        if found is not None:
            return found
    return None


def _described(schema: dict[str, Any], text: str | None) -> dict[str, Any]:
    if text is None:
        return schema
    if "$ref" in schema:
        # draft-07 ignores every keyword beside a $ref: wrap it so editors show the description.
        return {"allOf": [schema], "description": text}
    return {**schema, "description": text}


class _Gen:
    def __init__(self) -> None:
        self.defs: dict[str, Any] = {}

    def ref(self, cls: type) -> dict[str, Any]:
        name = cls.__name__
        if name not in self.defs:
            self.defs[name] = {}  # placeholder against recursion
            self.defs[name] = self.tier() if cls is Tier else self.attrs(cls)
        return {"$ref": f"#/definitions/{name}"}

    def tier(self) -> dict[str, Any]:
        types: dict[str, Any] = {
            "range": {"type": "string"},
            "min": _NUMBER,
            "max": _NUMBER,
            "points": _NUMBER,
            "min_inclusive": {"type": "boolean", "default": True},
            "max_inclusive": {"type": "boolean", "default": False},
            "label": {"type": "string"},
            "grade": {"type": "string"},
            "values": {"type": "object", "additionalProperties": _NUMBER},
        }
        props = {k: _described(types[k], FIELDS["Tier"][k]) for k in _TIER_KEYS}
        return {
            "description": CLASSES["Tier"],
            "anyOf": [
                {"type": "string", "description": "The range alone: '>= 90'."},
                {"type": "object", "properties": props, "additionalProperties": False},
            ],
        }

    def attrs(self, cls: type) -> dict[str, Any]:
        hints = _hints(cls)
        props: dict[str, Any] = {}
        required = []
        for f in attrs.fields(cls):
            props[f.name] = _described(
                self.type(hints[f.name], f.metadata, cls, f.name), field_description(cls, f.name)
            )
            if f.default is attrs.NOTHING:
                required.append(f.name)
        schema: dict[str, Any] = {
            "type": "object",
            "description": CLASSES[cls.__name__],
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
        value: dict[str, Any] = {"$ref": f"#/definitions/{entry}"}
        if cls in _SHORTHAND:
            short = _SHORTHAND[cls]
            inner = _described(self.type(_hints(cls)[short], {}, cls, short), field_description(cls, short))
            value = {"anyOf": [value, inner]}
        return {"anyOf": [{"type": "array", "items": item}, {"type": "object", "additionalProperties": value}]}

    def type(
        self, tp: Any, meta: typing.Mapping[str, Any], owner: type | None = None, name: str = ""
    ) -> dict[str, Any]:
        origin = typing.get_origin(tp)
        if owner is not None and owner.__name__ == "Metric" and name == "type":
            # Open (a plugin may register a type) but offered for completion: perfrules' own types first.
            return {"anyOf": [{"enum": list(METRIC_TYPES)}, {"type": "string", "pattern": r"^[A-Za-z_][A-Za-z0-9_]*$"}]}
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
                "items": [self.type(a, {}) for a in items],  # draft-07's tuple form
                "additionalItems": False,
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
    Return the JSON Schema (draft-07, which the YAML language server supports fully) of perfrules scheme files.

    Every field has a description, closed values (rounding modes, period kinds, ...) are
    enums, and metric types are offered for completion.
    """
    gen = _Gen()
    root = gen.attrs(Scheme)
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": SCHEMA_ID,
        "title": "perfrules scheme",
        **root,
        "definitions": dict(sorted(gen.defs.items())),
    }
