"""One store suite, run on the embedded store, a real Oxigraph server and a real Virtuoso."""

import pyoxigraph as ox
import pytest

from graph.analyze import project
from graph.evaluate import evaluate
from graph.ingest import build
from graph.store import RemoteStore, Store, StoreError
from graph.validate import validate

from .conftest import DEV, SEEDS
from .servers import oxigraph_server, virtuoso_binaries, virtuoso_server


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory):
    """One Virtuoso for the session (it starts in seconds, not milliseconds)."""
    try:
        virtuoso_binaries()
    except FileNotFoundError as exc:
        pytest.skip(str(exc))
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server


def empty_virtuoso(server) -> None:
    """Drop every sckg graph from the session's Virtuoso (its own graphs stay)."""
    store = RemoteStore(server.url, server="virtuoso", user=server.user, password=server.password)
    for g in sorted({q.graph_name.value for q in store._all_quads()}):
        store._drop_graph(g)


def virtuoso_store(server, **options) -> RemoteStore:
    """A new store on the session's Virtuoso."""
    empty_virtuoso(server)
    return RemoteStore(server.url, server="virtuoso", user=server.user, password=server.password, **options)


@pytest.fixture(params=["embedded", "oxigraph-server", "virtuoso"])
def store(request, tmp_path):
    if request.param == "embedded":
        s = Store(tmp_path / "store")
        yield s
        s.close()
    elif request.param == "oxigraph-server":
        with oxigraph_server(tmp_path / "server-data") as url:
            yield RemoteStore(url)
    else:
        yield virtuoso_store(request.getfixturevalue("virtuoso"))


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


@pytest.mark.parametrize("fmt", [".trig", ".nq", ".ttl"])
def test_every_backend_exports_the_same_bytes(tmp_path, virtuoso, fmt):
    embedded = Store(tmp_path / "a")
    build([SEEDS, DEV], store=embedded)
    embedded.export(tmp_path / ("embedded" + fmt))
    with oxigraph_server(tmp_path / "srv") as url:
        remote = RemoteStore(url)
        build([SEEDS, DEV], store=remote)
        remote.export(tmp_path / ("oxigraph" + fmt))
    remote = virtuoso_store(virtuoso)
    build([SEEDS, DEV], store=remote)
    remote.export(tmp_path / ("virtuoso" + fmt))
    expected = (tmp_path / ("embedded" + fmt)).read_bytes()
    assert len(expected) > 10_000
    for server in ("oxigraph", "virtuoso"):
        assert (tmp_path / (server + fmt)).read_bytes() == expected, server


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


def test_virtuoso_ask_with_bindings_is_not_a_syntax_error(virtuoso):
    # Virtuoso rejects `ASK {…} VALUES …` (SP030), and the store asks one when it opens
    store = virtuoso_store(virtuoso)
    assert store.ask("ASK { ?s sckg:contentHash ?h }", bindings={"h": ox.Literal("no such hash")}) is False
    build([SEEDS], store=store)
    assert store.ask("ASK { ?s sckg:owns ?o }", bindings={"o": ox.NamedNode("https://w3id.org/sckg/id/cainiao")})


def test_virtuoso_booleans_and_blank_nodes_read_as_the_embedded_store_reads_them(virtuoso, tmp_path):
    # Virtuoso writes xsd:boolean as "1"/"0" and blank nodes as nodeID://b…
    remote, embedded = virtuoso_store(virtuoso), Store(tmp_path / "e")
    q = ("SELECT ?st ?a WHERE { ?st sckg:assertsFact ?a } ORDER BY ?st")
    assert [(r["st"], r["a"]) for r in remote.query(q)] == [(r["st"], r["a"]) for r in embedded.query(q)]
    blank = "SELECT ?x WHERE { ?p rdfs:subPropertyOf ?x FILTER(isBlank(?x)) }"
    assert all(isinstance(r["x"], ox.BlankNode) for r in remote.query(blank)) and list(remote.query(blank))


def test_virtuoso_system_graphs_stay_out_of_stats_and_queries(virtuoso):
    store = virtuoso_store(virtuoso)
    assert store.stats()["quads"] == len(store.quads(include_ontology=True))
    assert store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").__next__()["n"].value == str(
        len({q.triple for q in store.quads(include_ontology=True)}))


def test_virtuoso_digest_and_basic_credentials(virtuoso):
    # the default endpoints challenge with Digest; /sparql-basic takes Basic up front
    digest = virtuoso_store(virtuoso)
    build([SEEDS], store=digest)
    basic = RemoteStore(virtuoso.url, server="virtuoso", user=virtuoso.user, password=virtuoso.password,
                        auth="basic", update_url=virtuoso.url + "/sparql-basic",
                        store_url=virtuoso.url + "/sparql-graph-crud-basic")
    assert basic.retract("vsse-cainiao-liege.txt") and basic.documents() == []


@pytest.mark.parametrize("password,message", [
    (None, "the server wants credentials: set SCKG_SPARQL_USER and SCKG_SPARQL_PASSWORD"),
    ("wrong", "HTTP 401.*check SCKG_SPARQL_USER and SCKG_SPARQL_PASSWORD"),
])
def test_virtuoso_refused_credentials_are_a_clear_error(virtuoso, password, message):
    empty_virtuoso(virtuoso)  # no ontology graph: opening the store must write one
    user = None if password is None else virtuoso.user
    with pytest.raises(StoreError, match=message) as info:
        RemoteStore(virtuoso.url, server="virtuoso", user=user, password=password)
    assert virtuoso.password not in str(info.value)


def test_virtuoso_errors_carry_the_servers_own_message(virtuoso):
    store = virtuoso_store(virtuoso)
    with pytest.raises(StoreError, match=r"HTTP 400: Virtuoso 37000 Error SP030"):
        store.update("INSERT DATA { GRAPH <https://w3id.org/sckg/x> { <a> <b> } }")


def test_virtuoso_cut_results_are_an_error_not_a_short_export(tmp_path):
    try:
        virtuoso_binaries()
    except FileNotFoundError as exc:
        pytest.skip(str(exc))
    with virtuoso_server(tmp_path / "v", max_rows=100) as server:
        store = RemoteStore(server.url, server="virtuoso", user=server.user, password=server.password)
        build([SEEDS], store=store)
        with pytest.raises(StoreError, match=r"cut the result at 100 rows; raise \[SPARQL\] ResultSetMaxRows"):
            store.export(tmp_path / "out.nq")


def test_credentials_in_the_url_are_refused():
    from graph.store import open_store
    with pytest.raises(StoreError, match="SCKG_SPARQL_USER"):
        open_store("http://me:secret@127.0.0.1:9/")


def test_every_command_answers_the_same_on_virtuoso_as_embedded(virtuoso, tmp_path, monkeypatch):
    """The README's commands, run by the CLI on Virtuoso and on the embedded store."""
    from click.testing import CliRunner

    from graph.cli import cli
    from graph.query import named_queries

    empty_virtuoso(virtuoso)
    for name, value in {"SCKG_SPARQL_SERVER": "virtuoso", "SCKG_SPARQL_USER": virtuoso.user,
                        "SCKG_SPARQL_PASSWORD": virtuoso.password}.items():
        monkeypatch.setenv(name, value)
    binds = {"state-actions-timeline": ["--bind", "company=<https://w3id.org/sckg/id/cosco>"],
             "document-assertions": ["--bind", "file=cosco-piraeus.txt"],
             "edge-evidence": ["--bind", "subject=<https://w3id.org/sckg/id/vsse>",
                               "--bind", "object=<https://w3id.org/sckg/id/cainiao>"]}
    commands = [["build", SEEDS, DEV], ["stats"], ["validate"], ["eval", DEV],
                *[["query", "--named", n, *binds.get(n, [])] for n in sorted(named_queries())],
                ["path", "Alibaba", "Liège Airport"], ["path", "Cosco", "Piraeus", "--claims"],
                ["analyze", "--top", "5"], ["resolve"], ["view", "--out", "{out}/view.html"],
                ["export", "--out", "{out}/g.trig"], ["retract", "vsse-cainiao-liege.txt"], ["stats"],
                ["import", "{out}/g.trig"], ["stats"], ["resolve", "apply"]]
    outputs = {}
    for kind, location in (("embedded", str(tmp_path / "store")), ("virtuoso", virtuoso.url)):
        out = tmp_path / kind
        out.mkdir()
        outputs[kind] = []
        for args in commands:
            args = [str(a).replace("{out}", str(out)) for a in args]
            r = CliRunner().invoke(cli, [args[0], "--store", location, *args[1:]])
            assert r.exit_code == 0, (kind, args, r.output)
            outputs[kind].append((args[0], r.output.replace(location, "STORE").replace(str(out), "OUT")))
        outputs[kind].append(("view.html", (out / "view.html").read_bytes()))
        outputs[kind].append(("g.trig", (out / "g.trig").read_bytes()))
    for (command, expected), (_, got) in zip(outputs["embedded"], outputs["virtuoso"]):
        assert got == expected, command


def test_a_large_graph_sent_in_pieces_arrives_whole_and_put_still_replaces(virtuoso):
    """Under Digest authentication a large graph goes in bounded pieces (PUT, then POSTs):
    the build of the eval sets into Virtuoso lost its connection ("Broken pipe") on one
    855 kB document graph sent whole (tests/test_cluster.py reproduces that case)."""
    import pyoxigraph as ox
    store = virtuoso_store(virtuoso)
    g = ox.NamedNode("https://w3id.org/sckg/id/doc/large")
    quads = [ox.Quad(ox.NamedNode(f"https://w3id.org/sckg/id/e{i}"), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                     ox.Literal(f"entity number {i} " + "x" * 60), g) for i in range(20_000)]
    store._put_graph(g.value, quads)
    rows = list(store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", bindings={"g": g}))
    assert int(rows[0]["n"].value) == 20_000
    store._put_graph(g.value, quads[:10])  # PUT still replaces the whole graph
    rows = list(store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", bindings={"g": g}))
    assert int(rows[0]["n"].value) == 10


@pytest.mark.parametrize("entry, needs", [
    ('query = "/q"\nupdate = "/u"\nstore = "/s"\nunion = "parameter"\n', "union_parameter"),
    ('query = "/q"\nupdate = "/u"\nstore = "/s"\nunion = "exclude"\n', "exclude_graph"),
    ('query = "/q"\nupdate = "/u"\nunion = "server"\n', "lacks store"),
])
def test_a_server_table_entry_missing_what_it_needs_names_the_file_and_entry(tmp_path, entry, needs):
    from graph.store import server_profiles
    table = tmp_path / "servers.toml"
    table.write_text("[myserver]\n" + entry, encoding="utf-8")
    with pytest.raises(StoreError) as err:
        server_profiles(table)
    assert str(table) in str(err.value) and "[myserver]" in str(err.value) and needs in str(err.value), err.value
