"""kill -9 at a commit point, then the next command: the store opens and holds what was committed.

A kill between committing a changed article's new graph and dropping the old one left both
versions, and every later build said "unchanged" and kept both forever.
"""

import shutil
import subprocess
import sys

import pytest

from graph.store import Store

KILL_AT = '''
import os, signal, sys
from graph import store
method, nth = sys.argv[1], int(sys.argv[2])
original = getattr(store.Store, method)
calls = []
def die_at_nth(self, *args, **kwargs):
    calls.append(1)
    if len(calls) == nth:
        os.kill(os.getpid(), signal.SIGKILL)
    return original(self, *args, **kwargs)
setattr(store.Store, method, die_at_nth)
sys.argv = ["sckg"] + sys.argv[3:]
from graph.cli import main
main()
'''


def killed_at(method: str, *args, nth: int = 1) -> subprocess.CompletedProcess:
    """Run ``sckg ARGS``, SIGKILLed at the ``nth`` call of ``Store.<method>`` (before it commits)."""
    return subprocess.run([sys.executable, "-c", KILL_AT, method, str(nth), *map(str, args)], capture_output=True,
                          text=True, timeout=300)


ARTICLE = "---\ntitle: Port\n---\nCOSCO Shipping owns a stake in the port of Piraeus. {}\n"


def test_kill_between_new_version_and_dropping_the_old_is_finished_by_the_next_build(sckg, tmp_path):
    arts, store = tmp_path / "articles", tmp_path / "store"
    arts.mkdir()
    (arts / "port.md").write_text(ARTICLE.format("First version."), encoding="utf-8")
    code, out, err = sckg("build", arts, "--store", store)
    assert code == 0, out + err
    (arts / "port.md").write_text(ARTICLE.format("Second version, changed."), encoding="utf-8")
    proc = killed_at("_drop_graph", "build", arts, "--store", store)
    assert proc.returncode == -9, proc.stderr
    with Store(store, mode="read") as s:
        assert len(s.documents()) == 2, "the kill did not land between the two commits"
    code, out, err = sckg("build", arts, "--store", store)
    assert code == 0 and "replaced 1" in out, out + err
    with Store(store, mode="read") as s:
        docs = s.documents()
        assert len(docs) == 1 and s.documents_named("port.md") == docs, docs
    code, out, err = sckg("validate", "--store", store)
    assert code == 0, out + err


def quads_of(store) -> list:
    with Store(store, mode="read") as s:
        return s.quads()


def nquads(path, n: int, tag: str):
    path.write_text("".join(f"<urn:{tag}:{i}> <urn:p> \"{i}\" <urn:g:{tag}:{i % 3}> .\n" for i in range(n)),
                    encoding="utf-8")
    return path


@pytest.mark.parametrize("method,nth", [("_put_graph", 1), ("_insert", 1), ("_drop_graph", 1)])
def test_killed_import_is_reported_then_completed_by_importing_again(sckg, tmp_path, method, nth):
    store, data = tmp_path / "store", nquads(tmp_path / "data.nq", 2500, "x")
    Store(store).close()
    committed = quads_of(store)
    proc = killed_at(method, "import", data, "--store", store, nth=nth)
    assert proc.returncode == -9, proc.stderr
    with Store(store, mode="read") as s:  # opens, holds what was committed
        interrupted = s.interrupted_imports()
        partial = s.quads()
    assert set(committed) <= set(partial)
    if method != "_put_graph":  # the marker itself was committed
        assert interrupted == [str(data.resolve())], interrupted
        code, out, err = sckg("stats", "--store", store)
        assert code == 0 and "was interrupted and may be partial" in err, out + err
    code, out, err = sckg("import", data, "--store", store)
    assert code == 0, out + err
    Store(tmp_path / "clean").close()
    sckg("import", data, "--store", tmp_path / "clean")
    assert quads_of(store) == quads_of(tmp_path / "clean")
    code, out, err = sckg("stats", "--store", store)
    assert "interrupted" not in err, err


@pytest.mark.parametrize("command,method", [
    (["build", "{seeds}"], "_put_graph"),
    (["retract", "vsse-cainiao-liege.txt"], "_drop_graph"),
    (["resolve", "--curation", "{cur}", "apply"], "update"),
])
def test_kill_at_a_commit_point_leaves_a_store_that_opens_and_validates(sckg, tmp_path, seed_store, command, method):
    from tests.conftest import SEEDS
    store = tmp_path / "store"
    shutil.copytree(seed_store.location, store, ignore=shutil.ignore_patterns("LOCK"))
    cur = tmp_path / "cur"
    cur.mkdir()
    entities = sorted(Store(store, mode="read").entities())
    (cur / "judgements.yaml").write_text(f"same:\n  - {{keep: '{entities[0]}', merge: '{entities[1]}'}}\n",
                                         encoding="utf-8")
    if command[0] == "build":  # a changed article: its new graph is the commit killed
        arts = tmp_path / "arts"
        shutil.copytree(SEEDS, arts)
        f = next(arts.iterdir())
        f.write_text(f.read_text(encoding="utf-8") + "\nA new closing sentence.\n", encoding="utf-8")
    before = quads_of(store)
    args = [a.replace("{seeds}", str(tmp_path / "arts")).replace("{cur}", str(cur)) for a in command]
    proc = killed_at(method, args[0], "--store", store, *args[1:])
    assert proc.returncode == -9, proc.stdout + proc.stderr
    assert quads_of(store) == before, "a command killed before its first commit changed the store"
    code, out, err = sckg("validate", "--store", store)
    assert code == 0 and "conforms" in out, out + err
