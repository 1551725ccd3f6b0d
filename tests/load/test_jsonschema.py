import json

import jsonschema
import pytest
import yaml

import perfrules as pr
from tests.conftest import EXAMPLES, ROOT

SHIPPED = ROOT / "docs" / "reference" / "scheme.schema.json"


def validator():
    schema = pr.scheme_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_shipped_schema_is_the_generated_one():
    # Regenerate with: perfrules schema > docs/reference/scheme.schema.json
    assert pr.scheme_json_schema() == json.loads(SHIPPED.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*/scheme.yaml")), ids=lambda p: p.parent.name)
def test_examples_conform(path):
    assert [] == [e.message for e in validator().iter_errors(yaml.safe_load(path.read_text(encoding="utf-8")))]


def test_typo_in_key_is_caught_by_editors_too():
    errors = list(validator().iter_errors(yaml.safe_load((EXAMPLES / "broken.yaml").read_text(encoding="utf-8"))))
    assert errors
