"""Helpers for the hostile-input suite: run the real console entry point in-process."""

import sys

import pytest

from graph.cli import main


@pytest.fixture()
def sckg(capsys, monkeypatch):
    """Run ``sckg ARGS`` through the console entry point; return (exit code, stdout, stderr)."""
    def run(*args):
        monkeypatch.setattr(sys, "argv", ["sckg", *map(str, args)])
        code = 0
        try:
            main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        out = capsys.readouterr()
        return code, out.out, out.err
    return run


def one_clear_line(code: int, out: str, err: str, needle: str) -> None:
    """A failure ends with a non-zero exit and one line that says what is wrong."""
    text = (out + err).strip()
    assert code != 0, text
    assert "Traceback" not in text, text
    assert needle in text, text
    assert len([line for line in err.strip().splitlines() if line.strip()]) <= 1, err


@pytest.fixture()
def seed_copy(tmp_path, seed_store):
    """A writable copy of the seed store. A file copy of the open store raced RocksDB's
    background compaction ("000015.sst: No such file or directory" in the copy); a
    checkpoint (pyoxigraph's backup) is consistent."""
    path = tmp_path / "store"
    seed_store._store.backup(str(path))
    return path
