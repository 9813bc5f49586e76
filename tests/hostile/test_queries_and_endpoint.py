"""Hostile queries and arguments: nothing injected runs, nothing hangs, limits hold."""

import urllib.error
import urllib.parse
import urllib.request

import pytest

from graph.ingest import build
from graph.store import Store
from tests.conftest import SEEDS
from tests.test_serve import RUNAWAY, start

from .conftest import one_clear_line

MILLION = ("SELECT ?a ?b WHERE { VALUES ?a { " + " ".join(str(i) for i in range(1000)) + " } "
           "VALUES ?b { " + " ".join(str(i) for i in range(1000)) + " } }")


@pytest.fixture()
def store(tmp_path):
    path = tmp_path / "store"
    with Store(path) as s:
        build([SEEDS], store=s)
    return path


def unchanged(store_path, before):
    assert Store(store_path).quads() == before


@pytest.mark.parametrize("args,needle", [
    (["query", "SELEC broken"], "SPARQL syntax error"),
    (["query", "DROP ALL"], "SPARQL syntax error"),
    (["query", "DELETE WHERE { ?s ?p ?o }"], "SPARQL syntax error"),
    (["query", "--timeout", "1", RUNAWAY], "the 1 s limit (--timeout) and was stopped"),
    (["query", "--max-rows", "1000", MILLION], "more than 1,000 rows"),
    (["query", "--named", "../../../etc/passwd"], "no query named"),
    (["query", "--bind", "x=<not an iri>", "SELECT ?x WHERE { ?x ?p ?o }"], "is not a valid IRI"),
    (["query", "--bind", "novalue", "SELECT * WHERE { ?s ?p ?o }"], "--bind takes VAR=VALUE"),
    (["retract", "x> } ; DROP ALL ; #"], "no such document"),
    (["retract", "<https://w3id.org/sckg/id/doc/x> . DROP ALL"], "no such document"),
    (["path", "Alibaba' } DROP ALL #", "Cainiao"], "no entity named"),
    (["view", "--focus", "\" } ; DROP ALL #", "--out", "{tmp}/v.html"], "no entity named"),
    (["resolve", "--curation", "{tmp}/cur", "same", "a> ; DROP ALL ; <b", "cainiao"], "is not a valid IRI"),
    (["export", "--out", "{tmp}/x.exe"], "unknown format"),
    (["view", "--since", "yesterday'); DROP", "--out", "{tmp}/v.html"], "--since"),
])
def test_hostile_arguments(sckg, store, tmp_path, args, needle):
    before = Store(store).quads()
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    one_clear_line(*sckg(*args[:1], "--store", store, *args[1:]), needle)
    unchanged(store, before)


def test_bound_value_with_quotes_and_braces_is_only_a_value(sckg, store):
    before = Store(store).quads()
    code, out, err = sckg("query", "--store", store, "--format", "csv", "--bind", 'l=" } } ; DROP ALL #',
                          "SELECT ?e ?l WHERE { ?e rdfs:label ?l }")
    assert code == 0 and out.strip().splitlines() == ["e,l"], out + err
    unchanged(store, before)


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile-serve") / "store"
    with Store(path) as s:
        build([SEEDS], store=s)
    proc, url = start(path, "--timeout", "2", "--max-rows", "50000")
    yield url
    proc.terminate()
    proc.wait(10)


def http(url, *, data=None, ctype=None, method=None):
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": ctype} if ctype else {})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


@pytest.mark.parametrize("query,status,needle", [
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", 403, "read-only"),
    ("PREFIX x: <urn:x>\nDELETE WHERE { ?s ?p ?o }", 403, "read-only"),
    ("# comment\n  DrOp  ALL", 403, "read-only"),
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", 403, "SERVICE"),
    ("SELECT * WHERE { sErViCe SILENT <http://169.254.169.254/> { ?s ?p ?o } }", 200, '"bindings":[{}]'),
    ("SELECT * WHERE { ?s ?p ?o FILTER(?o = \"SERVICE\") } LIMIT 1", 200, "head"),
    (RUNAWAY, 503, "limit"),
    (MILLION, 413, "more than 50,000 rows"),
    ("SELECT * WHERE { ?s ?p", 400, "syntax"),
])
def test_endpoint_refuses_and_limits(endpoint, query, status, needle):
    code, body = http(endpoint + "/sparql", data=urllib.parse.urlencode({"query": query}).encode(),
                      ctype="application/x-www-form-urlencoded")
    assert code == status and needle.lower() in body.lower(), (code, body[:300])
    code, body = http(endpoint + "/sparql?" + urllib.parse.urlencode({"query": "ASK { ?s sckg:owns ?o }"}))
    assert code == 200 and "true" in body, "the endpoint stopped answering"


def test_endpoint_refuses_updates_sent_as_update_bodies(endpoint):
    code, body = http(endpoint + "/sparql", data=b"CLEAR ALL", ctype="application/sparql-update")
    assert code == 403


def test_endpoint_refuses_oversized_and_undecodable_requests(endpoint):
    code, _ = http(endpoint + "/sparql", data=b"x" * 1_100_000, ctype="application/sparql-query")
    assert code == 413
    code, body = http(endpoint + "/sparql", data=b"SELECT \xff", ctype="application/sparql-query")
    assert code == 400 and "UTF-8" in body
    code, _ = http(endpoint + "/sparql", data=b"{}", ctype="application/json")
    assert code == 415
    code, _ = http(endpoint + "/nothing-here")
    assert code == 404
