"""The smaller findings: imported confidences, links in an article folder, devices, readers during a build."""

import os
import subprocess
import sys

import pytest

from graph.store import Store, read_store
from tests.conftest import SEEDS

from .conftest import one_clear_line

CONF = "https://w3id.org/sckg/ontology#confidence"


@pytest.mark.parametrize("value", ['"INF"', '"abc"', '"NaN"', '"-0.5"', '"1.5"', '"INF"^^<http://www.w3.org/2001/XMLSchema#double>'])
def test_imported_confidence_that_is_not_a_probability_is_refused(sckg, tmp_path, value):
    data = tmp_path / "bad.nq"
    data.write_text(f"<urn:ev:1> <{CONF}> {value} <urn:g:1> .\n<urn:a> <urn:b> <urn:c> <urn:g:1> .\n", encoding="utf-8")
    Store(tmp_path / "s").close()
    before = Store(tmp_path / "s", mode="read").quads()
    code, out, err = sckg("import", data, "--store", tmp_path / "s")
    one_clear_line(code, out, err, "<urn:ev:1> has confidence")
    assert "bad.nq" in err and "nothing was imported" in err, err
    assert Store(tmp_path / "s", mode="read").quads() == before


def test_symlinks_inside_an_article_folder_are_not_followed(sckg, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("The Ministry of Defence owns Secret Holdings.\n", encoding="utf-8")
    arts = tmp_path / "articles"
    arts.mkdir()
    (arts / "real.txt").write_text((SEEDS / "vsse-cainiao-liege.txt").read_text(encoding="utf-8"), encoding="utf-8")
    os.symlink(outside / "secret.txt", arts / "linked.txt")
    os.symlink(outside, arts / "linked-dir")
    code, out, err = sckg("build", arts, "--store", tmp_path / "s")
    assert code == 0 and "added 1," in out, out + err
    with Store(tmp_path / "s", mode="read") as s:
        assert s.documents_named("linked.txt") == [] and s.documents_named("secret.txt") == []


def test_build_of_a_device_is_refused_at_once(sckg, tmp_path):
    one_clear_line(*sckg("build", "/dev/zero", "--store", tmp_path / "s"), "/dev/zero: not a regular file")


def test_readers_work_while_a_build_holds_the_store(sckg, seed_copy):
    path = seed_copy
    with Store(path):  # the writer's lock, as during a build
        code, out, err = sckg("stats", "--store", path)
        assert code == 0 and "documents" in out, out + err
        code, out, err = sckg("query", "--store", path, "ASK { ?s sckg:owns ?o }")
        assert code == 0 and "true" in out, out + err


#: a writer that compacts all the time: each round adds a graph, flushes it to a new SST file
#: and compacts (a compaction deletes the files it merged)
_COMPACTING_WRITER = """
import os
import sys
import pyoxigraph as ox
from graph.store import Store
store = Store(sys.argv[1], mode="write")
print("ready", flush=True)
for r in range(int(sys.argv[2])):
    if os.path.exists(sys.argv[3]):  # the reader has read enough
        break
    store._store.extend([ox.Quad(ox.NamedNode(f"urn:s:{r}:{i}"), ox.NamedNode("urn:p"), ox.Literal(str(i)),
                                 ox.NamedNode(f"urn:g:{r}")) for i in range(2000)])
    store._store.flush()
    if r % 5 == 4:
        store._store.optimize()
store.close()
"""


def test_reads_racing_a_compacting_writer_are_not_reported_as_damage(tmp_path):
    """A read-only open lists the store's files as it opens; the writer's compaction deleted
    some before they were read, and the read reported "the store is damaged … No such file or
    directory" (about one read in six against a compacting writer)."""
    path, stop = tmp_path / "store", tmp_path / "stop"
    Store(path).close()
    # the writer compacts until the reader has read enough (however slow the machine is), at
    # most 400 rounds
    writer = subprocess.Popen([sys.executable, "-c", _COMPACTING_WRITER, str(path), "400", str(stop)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "ready", writer.stderr.read()
        reads, racing = 0, 0
        while reads < 12 and writer.poll() is None:
            Store(path, mode="read").close()  # the open is tried again; a read, as a whole, by read_store
            assert read_store(path, lambda s: len(s.quads(include_ontology=True))) > 0
            reads += 1
            racing += writer.poll() is None  # the writer was still compacting when this read ended
        stop.touch()
        writer.wait(120)
    finally:
        if writer.poll() is None:
            writer.kill()
        writer.wait(10)
    assert writer.returncode == 0 and racing >= 10, (writer.returncode, reads, racing, writer.stderr.read()[-2000:])


@pytest.mark.parametrize("value", ['"abc"', '"INF"', '"NaN"', '"1.5"', '"-1"^^<http://www.w3.org/2001/XMLSchema#decimal>'])
@pytest.mark.parametrize("command", [["view", "--out", "{out}"], ["analyze"]])
def test_confidence_written_by_hand_that_is_not_a_probability_fails_view_and_analyze_naming_the_evidence(
        sckg, tmp_path, seed_copy, value, command):
    # "abc" failed with "could not convert string to float" and no node; "INF" wrote a view
    # whose data held Infinity (a blank page); "1.5" was drawn as it was
    path = seed_copy
    with Store(path, mode="write") as s:  # as a SPARQL update through serve --allow-update would
        ev = next(iter(s.query("SELECT ?ev WHERE { ?ev a sckg:Evidence } ORDER BY ?ev LIMIT 1")))["ev"]
        s.update(f"DELETE {{ GRAPH ?g {{ {ev} sckg:confidence ?c }} }} INSERT {{ GRAPH ?g {{ {ev} sckg:confidence "
                 f"{value} }} }} WHERE {{ GRAPH ?g {{ {ev} sckg:confidence ?c }} }}")
    out = tmp_path / "view.html"
    code, stdout, err = sckg(*[a.replace("{out}", str(out)) for a in command], "--store", path)
    one_clear_line(code, stdout, err, f"evidence {ev} (in <https://w3id.org/sckg/id/doc/")
    assert "has sckg:confidence" in err and "not a number between 0 and 1" in err, err
    assert not out.exists()
