import json
import typing
import urllib.parse

import attrs
import jsonschema
import pytest
import yaml

import perfrules as pr
from perfrules._load.convert import _TIER_KEYS
from perfrules._load.descriptions import CLASSES, FIELDS
from perfrules._load.jsonschema import field_description
from tests.conftest import EXAMPLES, ROOT

SHIPPED = ROOT / "docs" / "reference" / "scheme.schema.json"


def validator():
    schema = pr.scheme_json_schema()
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def test_shipped_schema_is_the_generated_one():
    # Regenerate with: perfrules schema > docs/reference/scheme.schema.json
    assert pr.scheme_json_schema() == json.loads(SHIPPED.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*/scheme.yaml")), ids=lambda p: p.parent.name)
def test_examples_conform(path):
    assert [] == [e.message for e in validator().iter_errors(yaml.safe_load(path.read_text(encoding="utf-8")))]


def test_typo_in_key_is_caught_by_editors_too():
    errors = list(validator().iter_errors(yaml.safe_load((EXAMPLES / "broken.yaml").read_text(encoding="utf-8"))))
    assert errors


def _model_classes():
    seen, stack = {}, [pr.Scheme]
    while stack:
        cls = stack.pop()
        if cls.__name__ in seen:
            continue
        seen[cls.__name__] = cls
        for hint in typing.get_type_hints(cls).values():
            for arg in (hint, *typing.get_args(hint), *(a for h in typing.get_args(hint) for a in typing.get_args(h))):
                if isinstance(arg, type) and attrs.has(arg):
                    stack.append(arg)
    return seen


def test_draft_07_with_a_real_id():
    """The YAML language server supports draft-07 fully; the $id is no placeholder host."""
    schema = pr.scheme_json_schema()
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert "definitions" in schema and "$defs" not in json.dumps(schema) and "prefixItems" not in json.dumps(schema)
    assert ".invalid" not in schema["$id"] and urllib.parse.urlparse(schema["$id"]).scheme == "urn"


def _properties(node, path=""):
    if isinstance(node, dict):
        for key, value in node.get("properties", {}).items():
            yield f"{path}/{key}", value
        for key, value in node.items():
            yield from _properties(value, f"{path}/{key}")
    elif isinstance(node, list):
        for k, value in enumerate(node):
            yield from _properties(value, f"{path}[{k}]")


def test_every_field_has_a_description():
    schema = pr.scheme_json_schema()
    assert [] == [path for path, prop in _properties(schema) if not prop.get("description")]
    assert [] == [name for name, d in schema["definitions"].items() if not d.get("description")]


def test_descriptions_match_the_model_both_ways():
    """A field added to the model without a description, or a description left for a removed field, fails here."""
    classes = _model_classes()
    missing = [
        f"{name}.{f.name}"
        for name, cls in classes.items()
        if name not in ("Tier", "Bound")  # a tier is written as range/min/max in files
        for f in attrs.fields(cls)
        if field_description(cls, f.name) is None
    ]
    assert [] == missing
    stale = [
        f"{name}.{field}"
        for name, fields in FIELDS.items()
        if name not in ("Tier", "_Adjustment")
        for field in fields
        if name not in classes or field not in attrs.fields_dict(classes[name])
    ]
    assert [] == stale
    assert set(FIELDS["Tier"]) == set(_TIER_KEYS)
    assert set(FIELDS["_Adjustment"]) == {f.name for f in attrs.fields(pr.Penalty)}
    assert set(CLASSES) == set(classes) - {"Bound"}


def test_closed_values_are_enums_and_metric_types_complete():
    schema = pr.scheme_json_schema()
    defs = schema["definitions"]
    assert defs["Rounding"]["properties"]["mode"]["enum"] == ["half_up", "half_even", "down", "up", "floor", "ceiling"]
    assert "enum" in schema["properties"]["period"]
    metric_type = defs["Metric"]["properties"]["type"]
    assert metric_type["anyOf"][0]["enum"][:3] == ["number", "count", "money"]
    assert set(metric_type["anyOf"][0]["enum"]) <= set(pr.metric_types())
    # The shorthand `sales: money` is completed too.
    shorthand = schema["properties"]["metrics"]["anyOf"][1]["additionalProperties"]["anyOf"][1]
    assert shorthand["anyOf"][0]["enum"] == metric_type["anyOf"][0]["enum"]
    assert "enum" in defs["Penalty"]["properties"]["no_counterpart"]


def test_a_wrong_closed_value_is_caught_by_editors():
    data = {"name": "x", "money": {"places": 2, "mode": "round_half"}, "metrics": {"a": {"type": 5}}}
    assert len(list(validator().iter_errors(data))) == 2


@pytest.mark.parametrize("path", sorted((ROOT / "docs" / "examples").rglob("*.yaml")), ids=lambda p: p.name)
def test_modelines_point_at_the_shipped_schema(path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=")
    target = (path.parent / first.split("=", 1)[1]).resolve()
    assert target == SHIPPED.resolve()
    assert [] == [e.message for e in validator().iter_errors(yaml.safe_load(path.read_text(encoding="utf-8")))]
