"""The README's console examples, run against a fresh build of seeds/ and compared with their output."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .conftest import DEV, ROOT, SEEDS

README = ROOT / "README.md"
SCKG = Path(sys.executable).with_name("sckg")
# A ```console block preceded by this comment is shown but not run (the comment says why).
NOT_RUN = "not run by tests/test_readme.py"


@dataclass(frozen=True)
class Example:
    line: int  # where the command starts in README.md
    command: str
    expected: tuple[str, ...]  # "..." stands for any number of lines


def console_examples(text: str) -> list[Example]:
    """Every `$ sckg ...` command of the README's console blocks with the output shown under it."""
    out = []
    for block in re.finditer(r"(?P<before>[^\n]*)\n```console\n(?P<body>.*?)```", text, re.DOTALL):
        if NOT_RUN in block.group("before"):
            continue
        first = text.count("\n", 0, block.start("body")) + 1
        lines = block.group("body").rstrip("\n").split("\n")
        i = 0
        while i < len(lines):
            if not lines[i].startswith("$ "):
                i += 1
                continue
            start, command = i, lines[i][2:]
            while True:  # a quoted argument may run over several lines
                try:
                    shlex.split(command)
                    break
                except ValueError:
                    i += 1
                    command += "\n" + lines[i]
            i += 1
            expected = []
            while i < len(lines) and not lines[i].startswith("$ "):
                expected.append(lines[i].rstrip())
                i += 1
            while expected and not expected[-1]:
                expected.pop()
            out.append(Example(first + start, command, tuple(expected)))
    return out


def matches(expected: tuple[str, ...], actual: list[str]) -> bool:
    """Line by line; a line "..." matches any number of lines."""
    if not expected:
        return not actual
    if expected[0] == "...":
        return any(matches(expected[1:], actual[k:]) for k in range(len(actual) + 1))
    return bool(actual) and actual[0] == expected[0] and matches(expected[1:], actual[1:])


def test_readme_examples_are_parsed():
    examples = console_examples(README.read_text(encoding="utf-8"))
    commands = [shlex.split(e.command)[:2] for e in examples]
    assert ["sckg", "build"] in commands and ["sckg", "query"] in commands and ["sckg", "view"] in commands, commands
    assert all(e.command.startswith("sckg ") for e in examples), [e.command for e in examples]


def test_readme_console_examples_give_the_output_shown(tmp_path):
    """The README said `wrote 215 statements` where the program wrote 232."""
    shutil.copytree(SEEDS, tmp_path / "seeds")
    shutil.copytree(DEV, tmp_path / "tests" / "data" / "eval" / "dev")
    failures = []
    for ex in console_examples(README.read_text(encoding="utf-8")):
        r = subprocess.run([str(SCKG), *shlex.split(ex.command)[1:]], cwd=tmp_path, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, timeout=300)
        actual = [line.rstrip() for line in r.stdout.rstrip("\n").split("\n")] if r.stdout.strip() else []
        if r.returncode != 0 or not matches(ex.expected, actual):
            failures.append(f"README.md:{ex.line}: $ {ex.command}\n--- shown\n" + "\n".join(ex.expected)
                            + f"\n--- real (exit {r.returncode})\n" + "\n".join(actual))
    assert not failures, "\n\n".join(failures)


def test_headline_query_gives_each_relation_once_on_many_articles(tmp_path):
    """The headline query repeated rows on a store of several articles (19 rows for 17 relations)."""
    store = tmp_path / "store"
    r = subprocess.run([str(SCKG), "build", str(DEV), str(SEEDS), "--store", str(store)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    headline = next(e for e in console_examples(README.read_text(encoding="utf-8"))
                    if e.command.startswith("sckg query \"SELECT") and "?relation" in e.command)
    args = shlex.split(headline.command)[1:]
    r = subprocess.run([str(SCKG), *args, "--store", str(store), "--format", "tsv"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    rows = r.stdout.strip().splitlines()[1:]
    repeated = {row: n for row, n in Counter(rows).items() if n > 1}
    assert not repeated, repeated
    stats = subprocess.run([str(SCKG), "stats", "--store", str(store)], capture_output=True, text=True).stdout
    asserted = int(re.search(r"\((\d+) asserted", stats).group(1))
    assert len(rows) == asserted > 7, (len(rows), stats)
