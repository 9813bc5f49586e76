"""kill -9 at a commit point, then the next command: the store opens and holds what was committed.

A kill between committing a changed article's new graph and dropping the old one left both
versions, and every later build said "unchanged" and kept both forever.
"""

import shutil
import subprocess
import sys

import pytest

from graph.resolve import CURATION_GRAPH
from graph.store import Store
from tests.conftest import DEV

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
def test_kill_at_a_commit_point_leaves_a_store_that_opens_and_validates(sckg, tmp_path, seed_copy, command, method):
    from tests.conftest import SEEDS
    store = seed_copy
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


JUDGEMENTS = "same:\n  - {keep: 'ent:piraeus-container-terminal', merge: 'ent:piraeus-port'}\n"
ASSERTIONS = ("assert:\n  - {subject: 'ent:cosco', relation: operates, object: 'ent:piraeus-container-terminal', "
              "sentence: 'COSCO runs the terminal.', source: 'https://example.org/terminal'}\n"
              "reject:\n  - {subject: 'ent:huawei', relation: partnersWith, object: 'ent:tele2'}\n")


@pytest.fixture(scope="module")
def five_articles(tmp_path_factory):
    """Five related articles, a curation folder, and the store one uninterrupted build makes of them."""
    root = tmp_path_factory.mktemp("five")
    arts, cur = root / "arts", root / "cur"
    arts.mkdir()
    cur.mkdir()
    for f in sorted(DEV.glob("*.txt")):
        shutil.copy(f, arts / f.name)
    (cur / "judgements.yaml").write_text(JUDGEMENTS, encoding="utf-8")
    (cur / "assertions.yaml").write_text(ASSERTIONS, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "graph.cli", "build", arts, "--store", root / "reference",
                           "--curation", cur], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return arts, cur, quads_of(root / "reference")


# A fresh store's first _put_graph is the ontology; then one per document (5), then the
# curation graph. `update` is the rejection of a stored relation, `flush` 1 the end of that pass,
# `flush` 2 the build's last one, `flush` 3 the one of closing the store.
@pytest.mark.parametrize("method,nth,committed", [
    ("_put_graph", 3, 1), ("_put_graph", 4, 2), ("_put_graph", 6, 4),
    ("update", 1, 5), ("_put_graph", 7, 5), ("flush", 1, 5), ("flush", 2, 5), ("flush", 3, 5),
])
def test_build_killed_after_some_documents_leaves_them_and_the_next_build_completes_it(
        sckg, tmp_path, five_articles, method, nth, committed):
    arts, cur, reference = five_articles
    store = tmp_path / "store"
    proc = killed_at(method, "build", arts, "--store", store, "--curation", cur, nth=nth)
    assert proc.returncode == -9, proc.stdout + proc.stderr
    with Store(store, mode="read") as s:  # opens, holds the documents committed before the kill
        articles = [d for d in s.documents() if d != CURATION_GRAPH]
        assert len(articles) == committed, articles
    code, out, err = sckg("validate", "--store", store)
    assert code == 0 and "conforms" in out, out + err
    code, out, err = sckg("build", arts, "--store", store, "--curation", cur)
    assert code == 0 and f"added {5 - committed}, unchanged {committed}" in out, out + err
    completed = quads_of(store)
    missing, extra = set(reference) - set(completed), set(completed) - set(reference)
    assert not missing and not extra, (sorted(map(str, missing))[:5], sorted(map(str, extra))[:5])


# Two groups with one acronym are not joined (a long name joins only a short form); a
# third article names the acronym alone. "China Minmetals Group" is stored first.
SAME_ACRONYM = {
    "a-minmetals.txt": "China Minmetals Group signed a supply agreement with Rio Tinto in Beijing on Monday.\n",
    "b-merchants.txt": "China Merchants Group acquired a stake in the port of Colombo from the Sri Lankan government.\n",
    "c-cmg.txt": "CMG owns a stake in the container terminal at Lagos, the company said.\n",
}


def test_build_killed_after_two_documents_joins_a_shared_acronym_as_an_uninterrupted_build(sckg, tmp_path):
    # The name index put nodes stored by an earlier run before those added by this one:
    # "CMG" joined Minmetals in one build, Merchants when the build was killed after two
    # documents and run again.
    arts = tmp_path / "arts"
    arts.mkdir()
    for name, text in SAME_ACRONYM.items():
        (arts / name).write_text(text, encoding="utf-8")
    code, out, err = sckg("build", arts, "--store", tmp_path / "reference")
    assert code == 0, out + err
    proc = killed_at("_put_graph", "build", arts, "--store", tmp_path / "store", nth=4)  # ontology, a, b: then c
    assert proc.returncode == -9, proc.stdout + proc.stderr
    code, out, err = sckg("build", arts, "--store", tmp_path / "store")
    assert code == 0 and "added 1, unchanged 2" in out, out + err
    reference, resumed = quads_of(tmp_path / "reference"), quads_of(tmp_path / "store")
    assert reference == resumed, sorted(map(str, set(reference) ^ set(resumed)))
