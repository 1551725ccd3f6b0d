"""
Message catalogues: every sentence of explanations and statements, one TOML file per language.

perfrules ships ``en`` and ``zh`` inside the package (``_explain/messages``).
A third language needs no change to the package: write a catalogue file with
the same tables and keys as the English one and pass its path wherever a
language is asked for (``render_text(e, "de.toml")``, ``--lang de.toml``), or
publish it under the ``perfrules.languages`` entry-point group so that its
code (``--lang de``) finds it.

A catalogue is checked when it is read, all problems at once: every message
the English catalogue has must be there (a missing one is an error naming it,
never an English sentence in its place), every message must be text, and a
message may use only the ``{names}`` its English original fills in.
"""

from __future__ import annotations

import os
import re
import string
import sys
import weakref
from collections.abc import Mapping
from importlib import resources
from importlib.metadata import entry_points
from pathlib import Path
from types import MappingProxyType
from typing import Any

import attrs

from .._errors import CatalogueError, Issue
from .._suggest import did_you_mean

if sys.version_info >= (3, 11):
    from importlib.resources.abc import Traversable

    import tomllib
else:  # pragma: no cover - Python 3.10 reads TOML with the tomli backport
    from importlib.abc import Traversable

    import tomli as tomllib

__all__ = ["BUILT_IN", "ENTRY_POINT_GROUP", "SECTIONS", "Catalogue", "catalogue", "languages", "load_catalogue"]

#: The entry-point group a package publishes its catalogues under: ``de = "my_pkg:CATALOGUE"``,
#: where ``CATALOGUE`` is the path of a TOML file (text, ``Path`` or ``importlib.resources`` file).
ENTRY_POINT_GROUP = "perfrules.languages"

#: The tables of a catalogue: what they hold.
SECTIONS = {
    "language": "the language's code, its HTML language tag and its name",
    "explain": "the sentences of explanations",
    "rounding": "rounding modes, as explanations name them",
    "functions": "team and history functions, as explanations name the values they give",
    "history": "the lines naming the earlier periods history values came from",
    "statement": "the words of pay statements",
}

#: The languages shipped inside the package.
BUILT_IN = ("en", "zh")

_CODE = re.compile(r"[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*")
_LOADED: dict[str, Catalogue] = {}
_CHECKED: weakref.WeakSet[Catalogue] = weakref.WeakSet()


@attrs.frozen(eq=False)
class Catalogue:
    """
    One language's messages, checked complete: read with :func:`load_catalogue`, found with :func:`catalogue`.

    A catalogue built by hand is checked the first time :func:`catalogue` (or a renderer) is given it.
    """

    code: str
    html: str
    name: str
    messages: Mapping[str, Mapping[str, str]]
    source: str

    def words(self, table: str) -> Mapping[str, str]:
        """
        Return the messages of one table (``explain``, ``rounding``, ``functions``, ``statement``) by key.
        """
        return self.messages[table]

    def explaining(self) -> Mapping[str, str]:
        """
        Return what rule kinds word explanations with.

        That is the ``explain`` sentences, ``rounding.<mode>`` and ``function.<name>``.
        """
        out = dict(self.messages["explain"])
        out.update({f"rounding.{k}": v for k, v in self.messages["rounding"].items()})
        out.update({f"function.{k}": v for k, v in self.messages["functions"].items()})
        return MappingProxyType(out)


def _fields(text: str) -> set[str] | None:
    # The {names} a message fills in; None when it uses anything else ({0}, {a.b}, {a!r}, {a:>3}).
    names: set[str] = set()
    try:
        for _, field, spec, conversion in string.Formatter().parse(text):
            if field is None:
                continue
            if not field.isidentifier() or spec or conversion:
                return None
            names.add(field)
    except ValueError:
        return None
    return names


def _parse(data: Mapping[str, Any], source: str, reference: Catalogue | None) -> Catalogue:
    issues: list[Issue] = []

    def fail(code: str, message: str, path: tuple[str, ...], hint: str | None = None) -> None:
        issues.append(Issue(code, message, path, hint=hint, source=source))

    tables: dict[str, dict[str, str]] = {}
    present: dict[str, set[str]] = {}  # keys given, text or not: a wrong type is reported once, not as missing
    for table in SECTIONS:
        found = data.get(table, {})
        if not isinstance(found, dict):
            fail("wrong-type", f"[{table}] must be a table of messages", (table,))
            found = {}
        tables[table], present[table] = {}, set(found)
        for key, text in found.items():
            if not isinstance(text, str):
                fail("wrong-type", f"{table}.{key} must be text, not {type(text).__name__}", (table, key))
            else:
                tables[table][key] = text
    for extra in sorted(set(data) - set(SECTIONS)):
        fail("unknown-key", f"unknown table [{extra}]", (extra,), did_you_mean(extra, SECTIONS))
    code = tables["language"].get("code", "")
    if not _CODE.fullmatch(code):
        what = "missing-message" if not code else "bad-value"
        fail(what, f"language.code must name the language (en, de, pt-BR), not {code!r}", ("language", "code"))
    if reference is not None:
        for table, wanted in reference.messages.items():
            if table == "language":
                continue  # only the code is required; the HTML tag and the name default to it
            have = tables[table]
            missing = [k for k in wanted if k not in present[table]]
            if missing:
                fail(
                    "missing-message",
                    f"[{table}] lacks {len(missing)} message(s) perfrules uses: {', '.join(missing)}",
                    (table,),
                    f"copy them from the English catalogue ({reference.source}) and translate them",
                )
            for key, text in have.items():
                allowed = _fields(wanted[key]) if key in wanted else set()
                used = _fields(text)
                if used is None or allowed is None or not used <= allowed:
                    shown = ", ".join("{" + n + "}" for n in sorted(allowed or ())) or "none"
                    fail(
                        "bad-placeholder",
                        f"{table}.{key} uses a placeholder perfrules does not fill in: {text!r}",
                        (table, key),
                        f"this message may use {shown}; write a literal brace as {{{{ or }}}}",
                    )
    if issues:
        raise CatalogueError(issues, f"the message catalogue {source} cannot be used")
    head = tables["language"]
    checked = Catalogue(
        code=code,
        html=head.get("html", code),
        name=head.get("name", code),
        messages=MappingProxyType(
            {t: MappingProxyType(tables[t]) for t in SECTIONS if t != "language"} | {"language": MappingProxyType(head)}
        ),
        source=source,
    )
    _CHECKED.add(checked)
    return checked


def _read(path: str | os.PathLike[str] | Traversable, reference: Catalogue | None) -> Catalogue:
    source = str(path)
    file: Traversable = path if isinstance(path, Traversable) else Path(path)
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        raise CatalogueError(
            [Issue("file-not-found", f"no such file: {source}", source=source, hint="check the path")],
            f"the message catalogue {source} cannot be used",
        ) from None
    except (OSError, ValueError) as exc:  # ValueError: a path with a NUL character
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise CatalogueError(
            [Issue("file-unreadable", f"cannot read {source}: {why}", source=source)],
            f"the message catalogue {source} cannot be used",
        ) from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        issue = Issue("file-unreadable", f"{source} is not UTF-8 text", source=source, hint="save it as UTF-8")
        raise CatalogueError([issue], f"the message catalogue {source} cannot be used") from None
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        line, column = (int(found[1]), int(found[2])) if found else (None, None)
        issue = Issue("syntax", f"not valid TOML: {exc}", source=source, line=line, column=column)
        raise CatalogueError([issue], f"the message catalogue {source} cannot be used") from None
    return _parse(data, source, reference)


def _english() -> Catalogue:
    found = _LOADED.get("en")
    if found is None:
        found = _LOADED["en"] = _read(resources.files(__package__).joinpath("messages").joinpath("en.toml"), None)
    return found


def load_catalogue(path: str | os.PathLike[str] | Traversable) -> Catalogue:
    """
    Read and check the message catalogue at ``path`` (a TOML file).

    Raises :class:`CatalogueError` naming every problem.  It must hold every
    message the English catalogue holds, in the same tables, using only the
    ``{names}`` the English message uses.
    """
    return _read(path, _english())


def _published() -> dict[str, Any]:
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def languages() -> tuple[str, ...]:
    """
    Return the language codes perfrules can find: the built-in ones, then those installed packages publish.
    """
    return (*BUILT_IN, *sorted(set(_published()) - set(BUILT_IN)))


def catalogue(lang: str | os.PathLike[str] | Catalogue) -> Catalogue:
    """
    Return the catalogue ``lang`` names.

    ``lang`` is a built-in code (``en``, ``zh``), a code an installed package publishes under
    ``perfrules.languages``, the path of a catalogue file, or a :class:`Catalogue` (returned as is).
    """
    if isinstance(lang, Catalogue):
        if lang in _CHECKED:
            return lang
        given = {table: dict(messages) for table, messages in lang.messages.items()}
        given["language"] = {"code": lang.code, "html": lang.html, "name": lang.name} | given.get("language", {})
        return _parse(given, lang.source, _english())
    key = os.fspath(lang)
    found = _LOADED.get(key)
    if found is not None:
        return found
    if key == "en":
        return _english()
    if key in BUILT_IN:
        found = load_catalogue(resources.files(__package__).joinpath("messages").joinpath(f"{key}.toml"))
    elif not isinstance(lang, str) or key.endswith(".toml") or os.sep in key or "/" in key:
        return load_catalogue(key)  # a file may change between calls: read it each time
    elif key in (published := _published()):
        try:
            target = published[key].load()
        except Exception as exc:  # a broken plugin: report it as ours, naming it
            issue = Issue("unknown-language", f"the package publishing language {key!r} failed to load: {exc}")
            raise CatalogueError([issue], f"no message catalogue for {key!r}") from None
        if isinstance(target, Catalogue):
            found = target
        elif isinstance(target, str | os.PathLike | Traversable):
            found = load_catalogue(target)
        else:
            issue = Issue("unknown-language", f"language {key!r} is published as {target!r}, not a catalogue file")
            raise CatalogueError([issue], f"no message catalogue for {key!r}")
    else:
        issue = Issue(
            "unknown-language",
            f"no message catalogue for language {key!r}; known: {', '.join(languages())}",
            hint="pass the path of a catalogue file (de.toml), or see the how-to 'Add a language'",
        )
        raise CatalogueError([issue], f"no message catalogue for {key!r}")
    _LOADED[key] = found
    return found
