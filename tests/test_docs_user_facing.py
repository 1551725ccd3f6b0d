"""
What users read is self-explaining: rule IDs are defined where they are met, the schema's hover
text has none, and the install instructions work while perfrules is not on PyPI.
"""

import inspect
import json
import re

import pytest

import perfrules
from tests.conftest import ROOT

DOCS = ROOT / "docs"
GLOSSARY = DOCS / "reference" / "rule-ids.md"
# A rule ID: a family letter and a number (P7, H3, $12); not part of a longer word or name.
RULE_ID = re.compile(r"(?<![A-Za-z0-9$_-])([MSAPBGTHWE][1-9]|\$1[0-2]|\$[1-9])(?![0-9A-Za-z_])")
# Not rule IDs: the paper size.
NOT_IDS = re.compile(r"\bA4 paper\b")


def prose(text: str) -> str:
    """Text a reader sees as words: code blocks and code spans (employee ids such as E9) left out."""
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    text = re.sub(r"`[^`]*`", "", text)
    return NOT_IDS.sub("", text)


def defined() -> set[str]:
    return set(re.findall(r"^\| (\$?[A-Z]?\d+|[A-Z]\d+) \|", GLOSSARY.read_text(encoding="utf-8"), re.M))


def test_the_glossary_defines_every_family():
    ids = defined()
    assert {"M1", "S7", "A4", "P9", "B7", "G3", "$12", "T5", "H4", "W3", "E7"} <= ids
    assert "reference/rule-ids.md" in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")


def _pages():
    for path in sorted(DOCS.rglob("*.md")):
        if path == GLOSSARY:
            continue
        text = path.read_text(encoding="utf-8")
        if "--8<--" in text:  # a page made of another file (the changelog) reads as that file too
            for name in re.findall(r'--8<-- "([^"]+)"', text):
                if name.endswith(".md"):
                    text += (ROOT / name).read_text(encoding="utf-8")
        yield path, text


@pytest.mark.parametrize(("path", "text"), list(_pages()), ids=lambda x: getattr(x, "name", ""))
def test_rule_ids_are_defined_where_met(path, text):
    found = set(RULE_ID.findall(prose(text)))
    if not found:
        return
    assert "rule-ids.md" in text, f"{path.relative_to(ROOT)} names {sorted(found)} without linking the glossary"
    assert [] == sorted(found - defined())


def test_docstrings_in_the_api_reference_are_covered_by_its_link():
    found = set()
    for name in perfrules.__all__:
        found |= set(RULE_ID.findall(inspect.getdoc(getattr(perfrules, name)) or ""))
    assert found, "the API reference's docstrings name rule IDs: its page must link the glossary"
    assert "rule-ids.md" in (DOCS / "reference" / "api.md").read_text(encoding="utf-8")
    assert [] == sorted(found - defined())


def test_schema_hover_text_has_no_rule_ids():
    schema = json.dumps(perfrules.scheme_json_schema(), ensure_ascii=False)
    descriptions = re.findall(r'"description": "((?:[^"\\]|\\.)*)"', schema)
    assert len(descriptions) > 150
    assert [] == [d for d in descriptions if RULE_ID.search(d)]


def test_install_instructions_work_before_publication():
    """`pip install perfrules` does not work yet: no page says to run it, and one says what does."""
    bare = re.compile(r"pip install perfrules(?![\w\[.@-])")
    for path, text in _pages():
        for line in text.splitlines():
            if bare.search(line):
                assert path.name == "install.md" and "not" in line, f"{path.name}: {line}"
    install = (DOCS / "how-to" / "install.md").read_text(encoding="utf-8")
    assert "python -m build" in install and "pip install -e ." in install and ".whl" in install
    assert "how-to/install.md" in (DOCS / "index.md").read_text(encoding="utf-8")


def test_a_page_shows_how_to_attach_the_schema_to_an_editor():
    page = (DOCS / "how-to" / "editor-schema.md").read_text(encoding="utf-8")
    assert "# yaml-language-server: $schema=" in page and '"yaml.schemas"' in page and "perfrules schema" in page
    assert "how-to/editor-schema.md" in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert "editor-schema.md" in (DOCS / "reference" / "scheme-format.md").read_text(encoding="utf-8")
