"""The embedded store: idempotent ingest, retraction, deterministic export."""

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from graph.document import parse_article
from graph.ingest import build
from graph.store import Store, StoreError

from .conftest import SEEDS

A = "Wingtech owns Nexperia, the Dutch chipmaker. The Dutch government blocked Nexperia's sale of a factory."
B = "The Dutch government is investigating Nexperia. Wingtech owns Nexperia."


def _add(store, extractor, ontology, text, name):
    return store.add(extractor.extract(parse_article(text, name=name)), ontology)


def test_same_article_twice_changes_nothing(tmp_path):
    store = Store(tmp_path / "s")
    build([SEEDS], store=store)
    before = store.quads()
    report = build([SEEDS], store=store)
    assert report.added == [] and len(report.unchanged) == 1
    assert store.quads() == before


def test_retract_removes_only_what_only_it_supported(extractor, ontology):
    store = Store(None)
    _add(store, extractor, ontology, A, "a.txt")
    _add(store, extractor, ontology, B, "b.txt")
    owns = "ASK { <https://w3id.org/sckg/id/wingtech> sckg:owns <https://w3id.org/sckg/id/nexperia> }"
    blocked = "ASK { ?s sckg:blocked ?o }"
    assert store.query(owns) and store.query(blocked)
    assert store.retract("a.txt")
    assert store.query(owns), "B still supports Wingtech owns Nexperia"
    assert not store.query(blocked), "only A supported the block"
    assert len(store.documents()) == 1
    assert store.retract("b.txt")
    assert store.quads() == [] and store.documents() == []


def test_new_version_of_a_file_replaces_the_old(extractor, ontology):
    store = Store(None)
    _add(store, extractor, ontology, A, "same.txt")
    result = _add(store, extractor, ontology, B, "same.txt")
    assert result.added and len(result.replaced) == 1
    assert len(store.documents()) == 1


def test_two_builds_give_byte_identical_files(tmp_path):
    outs = []
    for run in ("one", "two"):
        store = Store(tmp_path / run)
        build([SEEDS], store=store)
        for ext in (".trig", ".ttl", ".nq"):
            out = tmp_path / f"{run}{ext}"
            store.export(out)
            outs.append(out)
    for a, b in zip(outs[:3], outs[3:]):
        assert a.read_bytes() == b.read_bytes(), f"{a.name} and {b.name} differ"


@pytest.mark.parametrize("ext,fmt", [(".trig", "trig"), (".nq", "nquads"), (".jsonld", "json-ld"), (".ttl", "turtle")])
def test_export_formats_parse_back_to_the_same_graph(seed_store, tmp_path, ext, fmt):
    out = tmp_path / f"g{ext}"
    seed_store.export(out)
    if ext == ".ttl":
        got = rdflib.Graph().parse(out, format=fmt)
    else:
        ds = rdflib.Dataset()
        ds.parse(out, format=fmt)
        got = rdflib.Graph()
        for s, p, o, _ in ds.quads((None, None, None, None)):
            got.add((s, p, o))
    expected = rdflib.Graph().parse(data=ox.serialize(seed_store.triples(), format=ox.RdfFormat.N_TRIPLES).decode(),
                                    format="nt")
    assert isomorphic(got, expected), f"{ext}: {len(got)} vs {len(expected)} triples"


def test_unknown_export_format_is_refused(seed_store, tmp_path):
    with pytest.raises(StoreError, match="unknown format"):
        seed_store.export(tmp_path / "g.xyz")


def test_query_bindings_are_not_pasted(seed_store):
    rows = list(seed_store.query("SELECT ?e ?l WHERE { ?e rdfs:label ?l }",
                                 bindings={"l": '"} } DROP ALL #'}))
    assert rows == []
    rows = list(seed_store.query("SELECT ?e ?l WHERE { ?e rdfs:label ?l }",
                                 bindings={"l": ox.Literal("Alibaba", language="en")}))
    assert [r["e"].value for r in rows] == ["https://w3id.org/sckg/id/alibaba"]


def test_a_second_process_is_refused_with_a_clear_message(tmp_path):
    import subprocess
    import sys
    store = Store(tmp_path / "locked")
    code = ("from graph.store import Store, StoreError\n"
            f"try:\n    Store({str(tmp_path / 'locked')!r})\nexcept StoreError as e:\n    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "in use by another process" in out.stdout, out.stdout + out.stderr
    del store
