"""
Pages whose commands run as printed: each `$ perfrules ...` line of a ``console`` block is run and its
output compared with the lines the page shows under it.

A page's files are its code blocks with a title (```yaml title="scheme.yaml"```), written to a fresh
folder the commands run in; a page without any runs in the repository (its commands name files there).
In the output shown, ``...`` stands for text left out: a whole line of it for any number of lines.
"""

import re
import shlex

import pytest

from perfrules._cli import main
from tests.conftest import ROOT

PAGES = ["how-to/appeals.md", "how-to/checks.md"]
BLOCK = re.compile(r'^```(\w+)(?: title="([^"]+)")?\n(.*?)^```$', re.S | re.M)


def _blocks(page: str) -> list[tuple[str, str | None, str]]:
    return BLOCK.findall((ROOT / "docs" / page).read_text(encoding="utf-8"))


def _commands(block: str) -> list[tuple[str, list[str]]]:
    # (command line, output lines shown under it); a line ending in a backslash goes on.
    out: list[tuple[str, list[str]]] = []
    lines = iter(block.splitlines())
    for line in lines:
        if line.startswith("$ "):
            command = line[2:]
            while command.endswith("\\"):
                command = command[:-1] + next(lines).strip()
            out.append((command, []))
        else:
            out[-1][1].append(line)
    return out


def _pattern(shown: list[str]) -> re.Pattern[str]:
    parts = []
    for line in shown:
        if line == "...":
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            parts.append("[^\n]*".join(re.escape(piece) for piece in line.split("...")) + r"\n")
    return re.compile("".join(parts))


def _run(command: str, capsys: pytest.CaptureFixture[str]) -> str:
    argv = shlex.split(command)
    assert "perfrules" == argv[0], command
    try:
        main(argv[1:])
    except SystemExit:  # a usage error is output like any other
        pass
    printed = capsys.readouterr()
    return printed.out + printed.err


def test_the_runner_reads_commands_and_elisions():
    block = "$ perfrules a \\\n    b\none\n...\nthree ... four\n$ perfrules c\n"
    assert [("perfrules a b", ["one", "...", "three ... four"]), ("perfrules c", [])] == _commands(block)
    pattern = _pattern(["one", "...", "three ... four"])
    assert pattern.fullmatch("one\nx\ny\nthree 3 four\n") and pattern.fullmatch("one\nthree  four\n")
    assert not pattern.fullmatch("one\nthree four\n") and not pattern.fullmatch("two\nthree 3 four\n")


@pytest.mark.parametrize("page", PAGES)
def test_the_commands_of_a_page_print_what_it_shows(page, tmp_path, monkeypatch, capsys):
    blocks = _blocks(page)
    files = [(title, text) for _, title, text in blocks if title]
    for title, text in files:
        (tmp_path / title).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path if files else ROOT)
    commands = [c for kind, _, text in blocks if kind == "console" for c in _commands(text)]
    assert commands, f"{page} shows no commands"
    for command, shown in commands:
        printed = _run(command, capsys)
        assert _pattern(shown).fullmatch(printed), f"{page}: $ {command}\n{printed}"
