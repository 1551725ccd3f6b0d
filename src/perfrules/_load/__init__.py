"""
The load phase: scheme files (YAML or JSON) into the model, and back.
"""

from __future__ import annotations

import os
from pathlib import Path

import attrs

from .._errors import Issue, SchemeError
from .._model import Scheme
from .convert import structure
from .document import Document, SourceMap, read_document
from .dump import dump_json, dump_yaml, unstructure
from .jsonschema import scheme_json_schema

__all__ = [
    "Document",
    "SchemeSource",
    "SourceMap",
    "dump_json",
    "dump_yaml",
    "load_scheme",
    "read_document",
    "read_scheme",
    "scheme_from_data",
    "scheme_from_text",
    "scheme_json_schema",
    "unstructure",
]


@attrs.frozen
class SchemeSource:
    """
    A scheme as read from text, with its problems and source positions.

    ``scheme`` is ``None`` if it could not be built; ``issues`` are the
    structural problems found; ``source_map`` says where each value stood.
    """

    scheme: Scheme | None
    issues: tuple[Issue, ...]
    source_map: SourceMap


def _format(name: str | None, fmt: str | None) -> str:
    if fmt is not None:
        return fmt
    return "json" if name and name.lower().endswith(".json") else "yaml"


def scheme_from_text(
    text: str, *, source: str | None = None, fmt: str | None = None, partial: bool = False
) -> SchemeSource:
    """
    Read scheme text; raise :class:`SchemeError` with every problem unless ``partial``.

    With ``partial`` the structural issues are returned for the caller to merge
    with validation's (unknown keys do not stop the scheme being built).
    """
    doc = read_document(text, source, fmt=_format(source, fmt))
    scheme, issues, aliases = structure(doc.data)
    smap = attrs.evolve(doc.source_map, aliases=aliases)
    placed = tuple(smap.place(i) for i in issues)
    if placed and not partial:
        raise SchemeError(placed, f"{len(placed)} problem(s) in {source or 'the scheme'}")
    return SchemeSource(scheme, placed, smap)


def read_scheme(path: str | os.PathLike[str], *, partial: bool = False) -> SchemeSource:
    """
    Read a scheme file (``.yaml``, ``.yml`` or ``.json``) with its source map.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SchemeError(
            [Issue("file-not-found", f"no such file: {p}", source=str(p), hint="check the path")]
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SchemeError(
            [Issue("file-unreadable", f"cannot read {p}: {exc}", source=str(p), hint="scheme files are UTF-8 text")]
        ) from None
    return scheme_from_text(text, source=str(p), partial=partial)


def load_scheme(path: str | os.PathLike[str]) -> Scheme:
    """
    Load a scheme file into a :class:`Scheme`; raise :class:`SchemeError` on any problem.
    """
    loaded = read_scheme(path)
    assert loaded.scheme is not None  # without partial, any issue has raised
    return loaded.scheme


def scheme_from_data(data: object) -> Scheme:
    """
    Build a :class:`Scheme` from plain data (as from ``json.loads``); raise on any problem.
    """
    scheme, issues, _ = structure(data)
    if issues or scheme is None:
        raise SchemeError(issues)
    return scheme
