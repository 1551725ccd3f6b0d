"""Every error code the source can emit is documented in the error-code reference."""

import ast
import re

from tests.conftest import ROOT

CODE = re.compile(r"^[a-z]+(-[a-z]+)*$")
EMITTERS = {
    "Issue",
    "_fail",
    "error",
    "_error",
    "fail",
    "_warn",
    "FormulaError",
    "CellError",
    "Refusal",
    "_budget_issue",
    "NumberError",
}


def emitted_codes() -> set[str]:
    codes = set()
    for path in (ROOT / "src" / "perfrules").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name not in EMITTERS:
                continue
            for arg in node.args[:2]:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and CODE.match(arg.value):
                    codes.add(arg.value)
                    break
    return codes


def test_codes_are_found():
    assert {"unknown-key", "unknown-name", "tier-gap", "formula-forbidden", "out-of-range"} <= emitted_codes()


def test_every_code_is_documented():
    doc = (ROOT / "docs" / "reference" / "error-codes.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z-]+)` \|", doc, flags=re.MULTILINE))
    assert [] == sorted(emitted_codes() - documented)
    # Codes of EvaluationError itself (the class's, and the columnar engine's limit on an instance).
    assert [] == sorted(documented - emitted_codes() - {"evaluation-error", "columnar-limit"})
