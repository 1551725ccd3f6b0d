"""
Text files from spreadsheets: which encoding, which delimiter.

Encodings are detected in a fixed order, or declared: a byte-order mark
(UTF-8 or UTF-16) decides; else valid UTF-8 is UTF-8; else text whose
non-ASCII bytes all pair up as GB18030 characters is GB18030 (what Excel saves
as "CSV" in China; GBK is a subset); else cp1252 (Excel in Western Europe and
the Americas).  Anything else is refused with a hint to declare the encoding.
The delimiter is the one of ``,``, ``;`` and tab that the header line uses;
when the header uses several, the one that gives every line the header's
number of cells; when that is not one of them, it must be declared.
"""

from __future__ import annotations

import codecs
import csv
import io
import re

from .._errors import InputError, Issue

__all__ = ["DELIMITERS", "ENCODINGS", "decode_text", "sniff_delimiter"]

#: Encodings that can be declared, by the names users type.
ENCODINGS = {
    "utf-8": "utf-8-sig",
    "utf8": "utf-8-sig",
    "utf-8-sig": "utf-8-sig",
    "utf-16": "utf-16",
    "utf-16-le": "utf-16-le",
    "utf-16-be": "utf-16-be",
    "gb18030": "gb18030",
    "gbk": "gb18030",
    "gb2312": "gb18030",
    "cp1252": "cp1252",
    "windows-1252": "cp1252",
    "latin-1": "latin-1",
}
DELIMITERS = {",": ",", ";": ";", "tab": "\t", "\t": "\t", "|": "|"}
_HINT = (
    "declare the encoding with --encoding gb18030 (Excel in China), cp1252 (Excel in Western Europe) "
    "or utf-16; or save the file as 'CSV UTF-8'"
)
_HIGH_RUN = re.compile(rb"[\x80-\xff]+")


def _unreadable(source: str, data: bytes, codec: str, exc: UnicodeDecodeError) -> InputError:
    line = data[: exc.start].count(b"\n") + 1
    bad = data[exc.start : exc.start + 4].hex(" ")
    return InputError(
        [
            Issue(
                "file-unreadable",
                f"cannot read {source} as {codec}: bytes {bad} on line {line} are not {codec}",
                source=source,
                line=line,
                hint=_HINT,
            )
        ]
    )


def _gb18030(data: bytes) -> str | None:
    # Chinese text in GB18030/GBK has its non-ASCII bytes in pairs; a Western
    # text (cp1252) has lone accented letters, which GB18030 would swallow
    # together with the next ASCII byte.
    if any(len(run) % 2 for run in _HIGH_RUN.findall(data)):
        return None
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        return None


def decode_text(data: bytes, source: str, encoding: str | None = None) -> tuple[str, str]:
    """
    Return the text of a file's bytes and the encoding it was read with (declared or detected).
    """
    if encoding is not None:
        codec = ENCODINGS.get(encoding.lower().replace("_", "-"))
        if codec is None:
            known = ", ".join(sorted(ENCODINGS))
            raise InputError(
                [Issue("bad-encoding", f"unknown encoding {encoding!r}", source=source, hint=f"use one of {known}")]
            )
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError as exc:
            raise _unreadable(source, data, codec, exc) from None
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError as exc:
                raise _unreadable(source, data, codec, exc) from None
    if b"\x00" in data[:4096]:
        raise InputError(
            [
                Issue(
                    "file-unreadable",
                    f"{source} has NUL bytes: UTF-16 without a byte-order mark, or not a text file",
                    source=source,
                    hint="declare --encoding utf-16-le (or utf-16-be), or save the file as 'CSV UTF-8'",
                )
            ]
        )
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as first:
        text = _gb18030(data)
        if text is not None:
            return text, "gb18030"
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            raise _unreadable(source, data, "utf-8", first) from None


def _cells(text: str, delimiter: str) -> list[int]:
    lines = text.splitlines()[:50]
    return [len(row) for row in csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter) if row]


def sniff_delimiter(text: str, source: str, declared: str | None = None) -> str:
    """
    Return the delimiter of CSV ``text``: declared (``,``, ``;``, ``tab``, ``|``) or found from the header.
    """
    if declared is not None:
        found = DELIMITERS.get(declared)
        if found is None:
            raise InputError(
                [Issue("bad-delimiter", f"unknown delimiter {declared!r}", source=source, hint="use , ; tab or |")]
            )
        return found
    header = text.split("\n", 1)[0]
    used = [d for d in (",", ";", "\t") if d in header]
    if len(used) <= 1:
        return used[0] if used else ","
    consistent = [d for d in used if len(set(_cells(text, d))) == 1]
    if len(consistent) == 1:
        return consistent[0]
    shown = " and ".join("tab" if d == "\t" else repr(d) for d in used)
    raise InputError(
        [
            Issue(
                "ambiguous-delimiter",
                f"the header uses {shown}; cannot tell which one separates the cells",
                source=source,
                line=1,
                hint="declare it with --delimiter ';' (or , or tab)",
            )
        ]
    )
