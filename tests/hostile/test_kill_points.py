"""kill -9 at a commit point, then the next command: the store opens and holds what was committed.

A kill between committing a changed article's new graph and dropping the old one left both
versions, and every later build said "unchanged" and kept both forever.
"""

import shutil
import subprocess
import sys

import pytest

from graph.resolve import CURATION_GRAPH
from graph.store import PREFIXES, Store
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
    (["retract", "vsse-cainiao-liege.txt"], "_drop_graphs"),
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


# filled with what the shipped model makes of the articles: two companies and a facility
# that only cosco-piraeus.txt names
JUDGEMENTS = "same:\n  - {{keep: '{keep}', merge: '{merge}'}}\n"
ASSERTIONS = ("assert:\n  - {{subject: 'ent:cosco', relation: operates, object: '{facility}', "
              "sentence: 'COSCO runs the terminal.', source: 'https://example.org/terminal'}}\n")
ONLY_IN_PIRAEUS = """SELECT DISTINCT ?e WHERE {{
  ?d sckg:fileName "cosco-piraeus.txt" . GRAPH ?d {{ ?e a sckg:{type} }}
  FILTER NOT EXISTS {{ GRAPH ?h {{ ?e a sckg:Entity }} FILTER(?h != ?d) }} }} ORDER BY ?e"""


@pytest.fixture(scope="module")
def five_articles(tmp_path_factory):
    """Five related articles, a curation folder, and the store one uninterrupted build makes of them."""
    root = tmp_path_factory.mktemp("five")
    arts, cur = root / "arts", root / "cur"
    arts.mkdir()
    cur.mkdir()
    for f in sorted(DEV.glob("*.txt")):
        shutil.copy(f, arts / f.name)
    # the judgement, the assertion and the rejection name what the build stores (whatever
    # the shipped model finds)
    probe = root / "probe"
    proc = subprocess.run([sys.executable, "-m", "graph.cli", "build", arts, "--store", probe],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with Store(probe, mode="read") as s:
        rows = sorted((r["s"].value, r["p"].value, r["o"].value) for r in s.query(
            "SELECT ?s ?p ?o WHERE { ?p a sckg:Relation . ?s ?p ?o . FILTER(CONTAINS(STR(?s), 'huawei')) }"))
        companies = [r["e"].value for r in s.query(ONLY_IN_PIRAEUS.format(type="Company"))]
        facilities = [r["e"].value for r in s.query(ONLY_IN_PIRAEUS.format(type="Facility"))]
    assert rows, "the dev articles no longer give Huawei any relation"
    assert len(companies) >= 2 and facilities, (companies, facilities)
    (cur / "judgements.yaml").write_text(JUDGEMENTS.format(keep=companies[0], merge=companies[1]), encoding="utf-8")
    subj, pred, obj = rows[0]
    reject = (f"reject:\n  - {{subject: 'ent:{subj.rsplit('/', 1)[1]}', relation: {pred.rsplit('#', 1)[1]}, "
              f"object: 'ent:{obj.rsplit('/', 1)[1]}'}}\n")
    (cur / "assertions.yaml").write_text(ASSERTIONS.format(facility=facilities[0]) + reject, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "graph.cli", "build", arts, "--store", root / "reference",
                           "--curation", cur], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return arts, cur, quads_of(root / "reference"), facilities[0]


# A fresh store's first _put_graph is the ontology; then one per document (5), then the
# curation graph. `update` is the rejection of a stored relation, `flush` 1 the end of that pass,
# `flush` 2 the build's last one, `flush` 3 the one of closing the store.
@pytest.mark.parametrize("method,nth,committed", [
    ("_put_graph", 3, 1), ("_put_graph", 4, 2), ("_put_graph", 6, 4),
    ("update", 1, 5), ("_put_graph", 7, 5), ("flush", 1, 5), ("flush", 2, 5), ("flush", 3, 5),
])
def test_build_killed_after_some_documents_leaves_them_and_the_next_build_completes_it(
        sckg, tmp_path, five_articles, method, nth, committed):
    arts, cur, reference, _ = five_articles
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


#: SIGKILL at the nth write the command makes through pyoxigraph itself (each one a commit),
#: so a kill also lands between two commits of one Store method
KILL_AT_COMMIT = '''
import os, signal, sys
from graph import store
nth = int(sys.argv[1])
WRITES = {"update", "extend", "bulk_extend", "add", "remove", "remove_graph", "clear_graph", "flush"}
calls = []
class Killing:
    def __init__(self, inner):
        self._inner = inner
    def __getattr__(self, name):
        value = getattr(self._inner, name)
        if name not in WRITES:
            return value
        def write(*args, **kwargs):
            calls.append(name)
            if len(calls) == nth:
                os.kill(os.getpid(), signal.SIGKILL)
            return value(*args, **kwargs)
        return write
    def __iter__(self):
        return iter(self._inner)
    def __len__(self):
        return len(self._inner)
    def __contains__(self, quad):
        return quad in self._inner
opened = store.Store.__init__
def init(self, *args, **kwargs):
    opened(self, *args, **kwargs)
    if self._store is not None and not self.read_only:
        self._store = Killing(self._store)
store.Store.__init__ = init
sys.argv = ["sckg"] + sys.argv[2:]
from graph.cli import main
main()
print("writes:", len(calls), file=sys.stderr)
'''


def killed_at_commit(nth: int, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", KILL_AT_COMMIT, str(nth), *map(str, args)], capture_output=True,
                          text=True, timeout=300)


def mentions(quads, iri: str) -> list:
    return [q for q in quads if iri in (getattr(q.subject, "value", None), getattr(q.object, "value", None))]


@pytest.fixture()
def three_judgements(tmp_path, seed_copy):
    """A store whose curation graph holds an older assertion, and a curation folder that now
    judges three pairs of same-typed entities one (a company that is kept operates a facility
    in both assertions) and asserts something else instead."""
    from graph.resolve import apply_curation, load_curation
    from graph.ontology import load_ontology
    cur = tmp_path / "cur"
    cur.mkdir()
    records = sorted(Store(seed_copy, mode="read").entities().values(), key=lambda r: r.iri)
    by_type: dict = {}
    for r in records:
        by_type.setdefault(r.type, []).append(r.iri)
    onto = load_ontology()
    facilities = sorted(i for t in [t for t in by_type if onto.is_a(t, PREFIXES["sckg"] + "Facility")]
                        for i in by_type.pop(t))
    pairs = [ts[i:i + 2] for ts in by_type.values() for i in range(0, len(ts) - 1, 2)][:3]
    company = by_type[PREFIXES["sckg"] + "Company"][0]
    assert len(pairs) == 3 and len(facilities) >= 2, by_type
    (cur / "assertions.yaml").write_text(
        f"assert:\n  - {{subject: '{company}', relation: operates, object: '{facilities[0]}', "
        "sentence: 'An older curated sentence.', source: 'https://example.org/old'}\n", encoding="utf-8")
    with Store(seed_copy, mode="write") as s:
        apply_curation(s, load_curation(cur, onto), onto)
    (cur / "judgements.yaml").write_text("same:\n" + "".join(f"  - {{keep: '{k}', merge: '{m}'}}\n" for k, m in pairs),
                                         encoding="utf-8")
    (cur / "assertions.yaml").write_text(
        f"assert:\n  - {{subject: '{company}', relation: operates, object: '{facilities[1]}', "
        "sentence: 'A newer curated sentence.', source: 'https://example.org/new'}\n", encoding="utf-8")
    return seed_copy, cur, pairs


# resolve apply commits each judgement in one update, then the curation graph (replaced in
# one transaction; it was a drop and a write), then flushes (and again as the store closes)
@pytest.mark.parametrize("nth", range(1, 8))
def test_resolve_apply_killed_at_each_commit_holds_whole_judgements_and_the_next_apply_completes_it(
        sckg, tmp_path, three_judgements, nth):
    store, cur, pairs = three_judgements
    before = quads_of(store)
    curation = {q for q in before if q.graph_name.value == CURATION_GRAPH}
    reference = tmp_path / "reference"
    Store(store, mode="read")._store.backup(str(reference))
    proc = killed_at_commit(10_000, "resolve", "--curation", cur, "--store", reference, "apply")
    assert proc.returncode == 0 and "writes: 6" in proc.stderr, proc.stdout + proc.stderr
    completed = quads_of(reference)
    proc = killed_at_commit(nth, "resolve", "--curation", cur, "--store", store, "apply")
    assert proc.returncode == (-9 if nth <= 6 else 0), proc.stdout + proc.stderr
    after = quads_of(store)  # opens
    merged = [not mentions(after, merge) for keep, merge in pairs]
    for i, (keep, merge) in enumerate(pairs):
        assert merged[i] or mentions(after, merge) == mentions(before, merge), f"judgement {i + 1} half applied"
    assert merged == sorted(merged, reverse=True) and sum(merged) == min(nth - 1, 3), (nth, merged)
    curation_now = {q for q in after if q.graph_name.value == CURATION_GRAPH}
    assert curation_now in (curation, {q for q in completed if q.graph_name.value == CURATION_GRAPH}), \
        "the curation graph was dropped and not rewritten"
    assert (curation_now == curation) == (nth <= 4), nth
    code, out, err = sckg("validate", "--store", store)
    assert code == 0 and "conforms" in out, out + err
    code, out, err = sckg("resolve", "--curation", cur, "--store", store, "apply")
    assert code == 0, out + err
    assert quads_of(store) == completed, sorted(map(str, set(quads_of(store)) ^ set(completed)))[:5]


@pytest.fixture()
def five_copy(tmp_path, five_articles):
    arts, _, _, _ = five_articles
    path = tmp_path / "store"
    Store(arts.parent / "reference", mode="read")._store.backup(str(path))
    return path, ["cgn-sizewell.txt", "vsse-cainiao-liege.txt"]  # not the article under the curated assertion


# retract drops all its documents in one transaction (it dropped them one by one), then
# flushes (and again as the store closes)
@pytest.mark.parametrize("nth", range(1, 5))
def test_retract_of_several_documents_killed_at_each_commit_holds_all_or_none_and_rerunning_completes_it(
        sckg, five_copy, nth):
    store, RETRACTED = five_copy
    with Store(store, mode="read") as s:
        docs = sorted({d for name in RETRACTED for d in s.documents_named(name)})
        before = s.quads()
        others = sorted(set(s.documents()) - set(docs))
    assert len(docs) == len(RETRACTED), docs
    proc = killed_at_commit(nth, "retract", *RETRACTED, "--store", store)
    assert proc.returncode == (-9 if nth <= 3 else 0), proc.stdout + proc.stderr
    committed = nth > 1
    with Store(store, mode="read") as s:
        assert s.documents() == (others if committed else sorted(others + docs)), s.documents()
        if not committed:
            assert s.quads() == before
    code, out, err = sckg("validate", "--store", store)
    assert code == 0 and "conforms" in out, out + err
    code, out, err = sckg("retract", *RETRACTED, "--store", store)
    if committed:  # nothing left to do, and it says so
        assert code == 1 and f"{RETRACTED[0]}: no such document" in err, out + err
    else:
        assert code == 0 and all(f"retracted {d}" in out for d in docs), out + err
    with Store(store, mode="read") as s:
        assert s.documents() == others


def test_retract_of_several_documents_one_unknown_removes_none(sckg, five_copy):
    store, names = five_copy
    before = quads_of(store)
    code, out, err = sckg("retract", names[0], "no-such-article.txt", "--store", store)
    assert code == 1 and "no-such-article.txt: no such document" in err, out + err
    assert quads_of(store) == before


def test_retracting_the_only_document_of_an_entity_a_curated_assertion_names_is_refused_and_changes_nothing(
        sckg, tmp_path, five_articles):
    """Found while testing retract: the assertion was kept, pointing at an entity no graph
    typed any more, and `validate` failed on a store no command had reported damaged."""
    arts, cur, _, asserted = five_articles
    store = tmp_path / "store"
    code, out, err = sckg("build", arts, "--store", store, "--curation", cur)
    assert code == 0, out + err
    before = quads_of(store)
    code, out, err = sckg("retract", "cosco-piraeus.txt", "--store", store)
    assert code == 1 and asserted.rsplit("/", 1)[1] in err and "curated assertion" in err, (code, out, err)
    assert quads_of(store) == before
    code, out, err = sckg("validate", "--store", store)
    assert code == 0 and "conforms" in out, out + err
