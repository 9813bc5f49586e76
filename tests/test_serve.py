"""`sckg serve` as a real server, queried with SPARQLWrapper as a real client."""

import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from SPARQLWrapper import CSV, JSON, POST, TSV, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from graph.ingest import build
from graph.store import Store

from .conftest import SEEDS
from .servers import free_port, wait_http

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"


def start(store_dir: Path, *args: str):
    port = free_port()
    exe = Path(sys.executable).with_name("sckg")
    proc = subprocess.Popen([str(exe), "serve", "--store", str(store_dir), "--port", str(port), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    wait_http(url + "/sparql?query=ASK%7B%7D", proc, timeout=90)
    return proc, url


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    path = tmp_path_factory.mktemp("serve") / "store"
    with Store(path) as s:
        build([SEEDS], store=s)
    return path


@pytest.fixture(scope="module")
def server(built):
    proc, url = start(built, "--timeout", "2")
    yield url
    proc.terminate()
    proc.wait(10)


def client(url, query, fmt=JSON):
    sw = SPARQLWrapper(url + "/sparql")
    sw.setQuery(query)
    sw.setReturnFormat(fmt)
    return sw


def test_select_json(server):
    res = client(server, "SELECT ?a ?t WHERE { ?a sckg:monitors ?t } ORDER BY ?t").query().convert()
    rows = [(b["a"]["value"], b["t"]["value"]) for b in res["results"]["bindings"]]
    assert ("https://w3id.org/sckg/id/vsse", "https://w3id.org/sckg/id/cainiao") in rows, rows
    assert {a for a, _ in rows} == {"https://w3id.org/sckg/id/vsse"}, rows


@pytest.mark.parametrize("fmt,check", [
    (CSV, lambda body: body.decode().splitlines()[0].strip() == "l"),
    (TSV, lambda body: body.decode().splitlines()[0].strip() == "?l"),
    (XML, lambda doc: doc.documentElement.tagName == "sparql"),
])
def test_other_result_formats(server, fmt, check):
    res = client(server, "SELECT ?l WHERE { ?e a sckg:State ; rdfs:label ?l }", fmt).query().convert()
    assert check(res), res


def test_post_query(server):
    sw = client(server, "ASK { ?s sckg:owns ?o }")
    sw.setMethod(POST)
    assert sw.query().convert()["boolean"] is True


def test_update_is_refused_by_default(server):
    sw = SPARQLWrapper(server + "/sparql")
    sw.setMethod(POST)
    sw.setQuery("DELETE WHERE { ?s ?p ?o }")
    with pytest.raises((SPARQLWrapperException, urllib.error.HTTPError)) as err:
        sw.query()
    assert "403" in str(err.value) or "read-only" in str(err.value)
    res = client(server, "ASK { ?s sckg:monitors ?o }").query().convert()
    assert res["boolean"] is True  # nothing was deleted


def test_service_is_refused(server):
    q = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(server + "/sparql?" + urllib.parse.urlencode({"query": q}))
    assert err.value.code == 403 and "SERVICE" in err.value.read().decode()


def test_runaway_query_is_stopped_and_others_still_answer(server):
    answers = []

    def quick():
        time.sleep(0.3)
        answers.append(client(server, "ASK { ?s sckg:owns ?o }").query().convert()["boolean"])

    t = threading.Thread(target=quick)
    t.start()
    started = time.monotonic()
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(server + "/sparql?" + urllib.parse.urlencode({"query": RUNAWAY}), timeout=60)
    elapsed = time.monotonic() - started
    t.join()
    assert err.value.code == 503 and "limit" in err.value.read().decode()
    assert elapsed < 20, elapsed
    assert answers == [True], "a quick query was not answered while the runaway ran"
    time.sleep(0.5)
    assert client(server, "ASK { ?s sckg:owns ?o }").query().convert()["boolean"] is True


def test_syntax_error_is_a_400(server):
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(server + "/sparql?" + urllib.parse.urlencode({"query": "SELEC nope"}))
    assert err.value.code == 400 and "syntax" in err.value.read().decode().lower()


def test_view_is_served(server):
    with urllib.request.urlopen(server + "/") as resp:
        body = resp.read().decode()
        assert resp.headers["Content-Type"].startswith("text/html")
    assert "sckg-data" in body and "Cainiao" in body


def test_too_many_rows_is_refused(built):
    proc, url = start(built, "--max-rows", "5")
    try:
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(url + "/sparql?" + urllib.parse.urlencode({"query": "SELECT * WHERE { ?s ?p ?o }"}))
        assert err.value.code == 413 and "more than 5 rows" in err.value.read().decode()
    finally:
        proc.terminate()
        proc.wait(10)


def test_updates_when_allowed(tmp_path):
    store = tmp_path / "rw"
    with Store(store) as s:
        build([SEEDS], store=s)
    proc, url = start(store, "--allow-update")
    try:
        sw = SPARQLWrapper(url + "/sparql")
        sw.setMethod(POST)
        sw.setQuery("INSERT DATA { GRAPH <https://example.org/g> { <https://example.org/a> <https://example.org/p> 1 } }")
        sw.query()
        res = client(url, "ASK { <https://example.org/a> ?p ?o }").query().convert()
        assert res["boolean"] is True
    finally:
        proc.terminate()
        proc.wait(10)


def test_binds_loopback_by_default(server):
    assert server.startswith("http://127.0.0.1:")
    out = subprocess.run([str(Path(sys.executable).with_name("sckg")), "serve", "--help"], capture_output=True, text=True)
    assert "127.0.0.1" in out.stdout
