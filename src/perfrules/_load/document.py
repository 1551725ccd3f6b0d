"""
Read YAML or JSON text into plain data, remembering where every value stood.

Scalars are resolved here, not by PyYAML's YAML 1.1 rules: a quoted scalar is
text; a plain one is ``null``, ``true``/``false``, a number (an exact
``Decimal`` read from the characters written, so ``0.65`` is exactly 0.65), or
text.  ``yes``/``no``/``on``/``off`` stay text, as in YAML 1.2.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import attrs
import yaml

from .._errors import Issue, SchemeError
from .._limits import LIMITS, Refusal, number_problem, number_text_problem, text_problem

__all__ = ["Document", "SourceMap", "read_document"]

Path = tuple[str | int, ...]

# libyaml's parser when present: reading is then about 10 times faster, which
# is what keeps a document at the size limit cheap to refuse.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_NUMBER = re.compile(r"[-+]?(\d[\d_]*(\.\d*)?|\.\d+)([eE][-+]?\d+)?")


@attrs.frozen
class SourceMap:
    """
    Where each value of a document stood: path → (line, column), both from 1.

    ``aliases`` maps a model path such as ``("metrics", "sales")`` to the
    document path ``("metrics", 3)`` when the file wrote a list, so checks can
    name elements by name and still find their line.
    """

    source: str | None = None
    positions: dict[Path, tuple[int, int]] = attrs.field(factory=dict)
    quoted: frozenset[Path] = frozenset()
    aliases: dict[Path, Path] = attrs.field(factory=dict)

    def canonical(self, path: Path) -> Path:
        """
        Return the document path for a model path.
        """
        for cut in range(len(path), 0, -1):
            head = self.aliases.get(path[:cut])
            if head is not None:
                return head + path[cut:]
        return path

    def locate(self, path: Path, offset: int | None = None) -> tuple[int | None, int | None]:
        """
        Return the line and column of ``path``, or of its nearest known ancestor.

        ``offset`` is a 1-based column inside the scalar (a formula's column); it
        is added when the scalar is on one line.
        """
        doc = self.canonical(path)
        for cut in range(len(doc), -1, -1):
            pos = self.positions.get(doc[:cut])
            if pos is not None:
                line, col = pos
                if offset is not None and cut == len(doc):
                    col += offset - 1 + (1 if doc in self.quoted else 0)
                return line, col
        return None, None

    def place(self, issue: Issue, offset: int | None = None) -> Issue:
        """
        Return ``issue`` with its source, line and column filled in.
        """
        line, col = self.locate(issue.path, offset)
        return attrs.evolve(issue, line=line, column=col, source=self.source)


@attrs.frozen
class Document:
    """
    Plain data read from a file, with its source map.
    """

    data: Any
    source_map: SourceMap


def _scalar(node: yaml.ScalarNode) -> Any:
    text = node.value
    if node.style is not None and node.style != "":
        return text  # quoted or block scalar: always text
    low = text.lower()
    if low in ("", "~", "null"):
        return None
    if low in ("true", "false"):
        return low == "true"
    if _NUMBER.fullmatch(text):
        return Decimal(text.replace("_", ""))
    return text


def _budget_issue(code: str, message: str, mark: Any, source: str | None, hint: str) -> Issue:
    line = mark.line + 1 if mark is not None else None
    column = mark.column + 1 if mark is not None else None
    return Issue(code, message, line=line, column=column, source=source, hint=hint)


def _scalar_problem(node: yaml.ScalarNode | yaml.events.ScalarEvent) -> Refusal | None:
    # Judged from the characters written, before any conversion: a number's
    # text, then its value (context-free), or a text's length and encoding.
    text = node.value
    plain = node.style is None or node.style == ""
    if plain and _NUMBER.fullmatch(text):
        return number_text_problem(text) or number_problem(Decimal(text.replace("_", "")))
    return text_problem(text)


def _scan(text: str, source: str | None) -> None:
    # One pass over the parser's events, which needs no recursion: nesting,
    # aliases and each scalar are checked before anything is composed, so a
    # document 10,000 levels deep or with a recursive alias (&a [*a]) is
    # refused at once, and a long text is never copied by alias expansion.
    depth, aliases, issues = 0, 0, []
    try:
        for event in yaml.parse(text, Loader=_LOADER):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > LIMITS.document_depth:
                    raise SchemeError(
                        [
                            _budget_issue(
                                "document-too-deep",
                                f"the document nests deeper than {LIMITS.document_depth} levels",
                                event.start_mark,
                                source,
                                "a scheme needs a few levels; check the brackets and indentation",
                            )
                        ]
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            elif isinstance(event, yaml.AliasEvent):
                aliases += 1
                if aliases > LIMITS.aliases:
                    raise SchemeError(
                        [
                            _budget_issue(
                                "document-too-large",
                                f"the document uses more than {LIMITS.aliases} aliases",
                                event.start_mark,
                                source,
                                "write the repeated parts out, or use fewer '*name' aliases",
                            )
                        ]
                    )
            elif isinstance(event, yaml.ScalarEvent):
                found = _scalar_problem(event)
                if found is not None:
                    issues.append(
                        _budget_issue(
                            found.code,
                            found.message,
                            event.start_mark,
                            source,
                            "write a number below 10^18 with at most 28 digits, and texts of at most "
                            f"{LIMITS.text_chars} characters",
                        )
                    )
    except yaml.YAMLError:
        return  # composing reports syntax errors with their place
    if issues:
        raise SchemeError(issues)


class _Walker:
    """
    Turns a composed YAML node tree into plain data and positions.
    """

    def __init__(self, source: str | None) -> None:
        self.source = source
        self.positions: dict[Path, tuple[int, int]] = {}
        self.quoted: set[Path] = set()
        self.issues: list[Issue] = []
        self.count = 0

    def walk(self, node: yaml.Node, path: Path) -> Any:
        self.count += 1
        if self.count > LIMITS.document_values or len(path) > LIMITS.document_depth:
            raise SchemeError(
                [
                    Issue(
                        "document-too-large",
                        f"more than {LIMITS.document_values} values or {LIMITS.document_depth} levels (aliases "
                        "expanded)",
                        source=self.source,
                        hint="split the scheme or remove recursive aliases",
                    )
                ]
            )
        mark = node.start_mark
        self.positions[path] = (mark.line + 1, mark.column + 1)
        if isinstance(node, yaml.ScalarNode):
            if node.style in ("'", '"'):
                self.quoted.add(path)
            return _scalar(node)
        if isinstance(node, yaml.SequenceNode):
            return [self.walk(child, (*path, i)) for i, child in enumerate(node.value)]
        assert isinstance(node, yaml.MappingNode)
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                key = str(key) if isinstance(key, Decimal | bool) else None
            if key is None:
                self.issues.append(
                    Issue(
                        "bad-key",
                        "mapping keys must be plain text",
                        path,
                        line=key_node.start_mark.line + 1,
                        column=key_node.start_mark.column + 1,
                        source=self.source,
                    )
                )
                continue
            if key in out:
                self.issues.append(
                    Issue(
                        "duplicate-key",
                        f"key {key!r} appears twice",
                        (*path, key),
                        line=key_node.start_mark.line + 1,
                        column=key_node.start_mark.column + 1,
                        source=self.source,
                        hint="keep one of them",
                    )
                )
            out[key] = self.walk(value_node, (*path, key))
        return out


def _compose(text: str, source: str | None) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        raise SchemeError(
            [
                Issue(
                    "syntax",
                    f"not valid YAML: {exc.problem or exc}",
                    line=line,
                    column=col,
                    source=source,
                    hint="check indentation, colons and quotes on that line",
                )
            ]
        ) from None
    except yaml.YAMLError as exc:
        raise SchemeError([Issue("syntax", f"not valid YAML: {exc}", source=source)]) from None


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [value for _, value in node.value]
    return []


def _expanded_size(root: yaml.Node, source: str | None) -> None:
    # Aliases share nodes, so the composed graph is as small as the text; the
    # size it would have once expanded (a "billion laughs" file) is worked out
    # on the graph, each node once, before anything is expanded. A node met
    # again while it is still open is a recursive alias (&a [*a]).
    sizes: dict[int, int] = {}
    open_: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            open_.discard(key)
            sizes[key] = 1 + sum(sizes[id(c)] for c in _children(node))
            if sizes[key] > LIMITS.document_values:
                raise SchemeError(
                    [
                        Issue(
                            "document-too-large",
                            f"more than {LIMITS.document_values} values once aliases are expanded",
                            source=source,
                            hint="write fewer values, or use fewer '*name' aliases",
                        )
                    ]
                )
            continue
        if key in sizes:
            continue
        if key in open_:
            raise SchemeError(
                [
                    _budget_issue(
                        "document-too-deep",
                        "an alias refers to a value that holds it (a recursive alias such as &a [*a])",
                        node.start_mark,
                        source,
                        "write the value out instead of the alias",
                    )
                ]
            )
        open_.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in _children(node) if id(c) not in sizes)


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number perfrules accepts")


def read_document(text: str, source: str | None = None, *, fmt: str = "yaml") -> Document:
    """
    Parse ``text`` (``fmt`` is ``yaml`` or ``json``) into a :class:`Document`.

    Raises :class:`SchemeError` with every syntax problem it can name.
    """
    if not isinstance(text, str):
        raise SchemeError([Issue("wrong-type", f"scheme text must be str, got {type(text).__name__}", source=source)])
    if len(text) > LIMITS.document_chars:
        raise SchemeError(
            [Issue("document-too-large", f"scheme text is over {LIMITS.document_chars} characters", source=source)]
        )
    _scan(text, source)
    if fmt == "json":
        try:
            # Numbers stay text here: int() of a 5,000-digit number would raise (and cost); the scan judged them.
            json.loads(text, parse_float=str, parse_int=str, parse_constant=_no_constant)
        except json.JSONDecodeError as exc:
            raise SchemeError(
                [Issue("syntax", f"not valid JSON: {exc.msg}", line=exc.lineno, column=exc.colno, source=source)]
            ) from None
        except (RecursionError, ValueError) as exc:
            raise SchemeError([Issue("syntax", f"not valid JSON: {exc}", source=source)]) from None
    node = _compose(text, source)
    if node is None:
        raise SchemeError(
            [Issue("empty-document", "the scheme file is empty", source=source, hint="start with 'name: My scheme'")]
        )
    _expanded_size(node, source)
    walker = _Walker(source)
    data = walker.walk(node, ())
    if walker.issues:
        raise SchemeError(walker.issues)
    return Document(data, SourceMap(source, walker.positions, frozenset(walker.quoted)))
