"""The documentation site: the generated API reference covers the public API, and search finds Chinese words."""

import json
import re
import subprocess
import sys

import pytest

import perfrules
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    pytest.importorskip("mkdocstrings")
    out = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(out)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
    )
    return out


def test_the_api_reference_is_generated_for_every_public_name(site):
    page = (site / "reference" / "api" / "index.html").read_text(encoding="utf-8")
    documented = set(re.findall(r'id="perfrules\.([A-Za-z_]+)"', page))
    assert [] == sorted(set(perfrules.__all__) - documented - {"__version__"})
    assert ":class:" not in page and ":func:" not in page  # Sphinx roles read as code


def test_search_finds_chinese_words(site):
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    separator = re.compile(index["config"]["separator"].replace("\\u200b", "\u200b"))
    words = {w for doc in index["docs"] for w in separator.split(re.sub(r"<[^>]+>", " ", doc["text"]))}
    assert {"考核", "绩效"} <= words


def test_inherited_methods_are_in_the_api_reference(site):
    page = (site / "reference" / "api" / "index.html").read_text(encoding="utf-8")
    assert {"to_pandas", "to_arrow", "to_dict"} <= set(re.findall(r'id="perfrules\.Results\.([a-z_]+)"', page))
