"""One store suite, run on the embedded store and on a real Oxigraph SPARQL server."""

import pytest

from graph.analyze import project
from graph.evaluate import evaluate
from graph.ingest import build
from graph.store import RemoteStore, Store, StoreError
from graph.validate import validate

from .conftest import DEV, SEEDS
from .servers import oxigraph_server


@pytest.fixture(params=["embedded", "oxigraph-server"])
def store(request, tmp_path):
    if request.param == "embedded":
        s = Store(tmp_path / "store")
        yield s
        s.close()
    else:
        with oxigraph_server(tmp_path / "server-data") as url:
            yield RemoteStore(url)


def test_build_is_idempotent(store):
    first = build([SEEDS], store=store)
    quads = store.quads()
    second = build([SEEDS], store=store)
    assert len(first.added) == 1 and second.added == [] and len(second.unchanged) == 1
    assert store.quads() == quads


def test_query_with_bindings(store):
    build([SEEDS], store=store)
    rows = list(store.query("SELECT ?e ?l WHERE { ?e rdfs:label ?l }", bindings={"l": '"} } DROP ALL #'}))
    assert rows == []
    rows = list(store.query("SELECT ?t ?a WHERE { ?a sckg:monitors ?t }",
                            bindings={"t": __import__("pyoxigraph").NamedNode("https://w3id.org/sckg/id/cainiao")}))
    assert [r["a"].value for r in rows] == ["https://w3id.org/sckg/id/vsse"]
    assert store.ask("ASK { ?s sckg:owns ?o }")


def test_retract_and_stats(store, extractor, ontology):
    from graph.document import parse_article
    build([SEEDS], store=store)
    store.add(extractor.extract(parse_article("Wingtech owns Nexperia.", name="w.txt")), ontology)
    assert store.stats()["documents"] == 2
    assert store.retract("w.txt") and store.stats()["documents"] == 1
    assert not store.ask("ASK { ?s sckg:owns <https://w3id.org/sckg/id/nexperia> }")


def test_validate_eval_and_projection(store):
    build([SEEDS], store=store)
    assert validate(store).conforms
    assert evaluate(store, DEV).overall.recall == 1.0
    g = project(store)
    assert g.number_of_edges() >= 5


def test_both_backends_export_the_same_bytes(tmp_path):
    embedded = Store(tmp_path / "a")
    build([SEEDS], store=embedded)
    embedded.export(tmp_path / "a.trig")
    with oxigraph_server(tmp_path / "srv") as url:
        remote = RemoteStore(url)
        build([SEEDS], store=remote)
        remote.export(tmp_path / "b.trig")
    assert (tmp_path / "a.trig").read_bytes() == (tmp_path / "b.trig").read_bytes()


def test_unreachable_server_is_a_clear_error():
    with pytest.raises(StoreError, match="cannot reach the SPARQL server"):
        RemoteStore("http://127.0.0.1:9", timeout=2)


def test_an_export_loads_into_another_store_with_its_graphs(store, tmp_path):
    source = Store(tmp_path / "source")
    build([SEEDS, DEV], store=source)
    out = tmp_path / "shared.trig"
    source.export(out)
    n = store.load(out)
    assert n == len(source.quads())
    assert store.quads() == source.quads()
    assert store.documents() == source.documents()
    assert validate(store).conforms
    # loaded documents are known to the next build: nothing is re-extracted
    assert build([SEEDS], store=store).added == []


def test_a_broken_file_names_its_line_and_loads_nothing(store, tmp_path):
    build([SEEDS], store=store)
    before = store.quads()
    bad = tmp_path / "broken.nq"
    good = '<https://w3id.org/sckg/id/a> <https://w3id.org/sckg/ontology#owns> <https://w3id.org/sckg/id/b> <https://w3id.org/sckg/id/doc/x> .\n'
    bad.write_text(good * 3 + '<https://w3id.org/sckg/id/a> <https://w3id.org/sckg/ontology#owns> "unclosed .\n')
    with pytest.raises(StoreError, match=r"broken\.nq:4: "):
        store.load(bad)
    assert store.quads() == before
