"""SERVICE and LOAD cannot make the endpoint fetch a URL, however the query is spelt.

The old refusal was a regular expression over comment-stripped text: an IRI holding
U+00A0 or U+2028 was not read as an IRI, its ``#`` started a "comment", and the
``SERVICE`` after it was blanked. Each attack below is sent to a real ``sckg serve``; a
real HTTP server on loopback records whether anyone contacted it.
"""

from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import threading
import urllib.parse

import pytest

from graph.store import Store
from tests.test_serve import start

from .test_queries_and_endpoint import http

RESULTS = (b'{"head":{"vars":["a"]},"results":{"bindings":'
           b'[{"a":{"type":"literal","value":"FETCHED-FROM-THE-NETWORK"}}]}}')


@pytest.fixture(scope="module")
def target():
    """A loopback HTTP server that answers like a SPARQL endpoint and records every request."""
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(RESULTS)))
            self.end_headers()
            self.wfile.write(RESULTS)

        do_POST = do_GET

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()


def _serve(tmp_path_factory, *args):
    path = tmp_path_factory.mktemp("ssrf") / "store"
    Store(path).close()
    return start(path, *args)


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    proc, url = _serve(tmp_path_factory, "--allow-update")  # updates allowed, SERVICE/LOAD not
    yield url
    proc.terminate()
    proc.wait(10)


BYPASSES = {
    "nbsp_iri_blanks_service": "SELECT ?a WHERE { OPTIONAL { ?s ?p <http://a/\u00a0#> } SERVICE <{url}/x> { ?a ?b ?c } }",
    "line_separator_iri_blanks_service": "SELECT ?a WHERE { OPTIONAL { ?s ?p <http://a/\u2028#> } "
                                         "SERVICE <{url}/x> { ?a ?b ?c } }",
    "service_in_subquery": "SELECT ?a WHERE { OPTIONAL { ?s ?p <http://a/\u00a0#> } "
                           "{ SELECT ?a WHERE { SERVICE <{url}/x> { ?a ?b ?c } } } }",
    "service_silent": "SELECT ?a WHERE { SERVICE SILENT <{url}/x> { ?a ?b ?c } }",
    "service_in_union": "SELECT ?a WHERE { { ?a ?b ?c } UNION { SERVICE <{url}/x> { ?a ?b ?c } } }",
    "plain_service": "SELECT ?a WHERE { SERVICE <{url}/x> { ?a ?b ?c } }",
    "service_by_prefixed_name": "PREFIX t: <{url}/>\nSELECT ?a WHERE { SERVICE t:x { ?a ?b ?c } }",
}


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("name", sorted(BYPASSES))
def test_service_refusal_bypass_fetches_nothing(endpoint, target, name, method):
    base, hits = target
    before = len(hits)
    query = BYPASSES[name].replace("{url}", base)
    if method == "GET":
        code, body = http(endpoint + "/sparql?" + urllib.parse.urlencode({"query": query}))
    else:
        code, body = http(endpoint + "/sparql", data=query.encode(), ctype="application/sparql-query")
    assert len(hits) == before, f"{name}: the server fetched {hits[before:]} (HTTP {code}: {body[:200]})"
    assert "FETCHED-FROM-THE-NETWORK" not in body, body
    assert code in (200, 400, 403), (code, body[:300])
    if code == 403:
        assert "--allow-service" in body, body


@pytest.mark.parametrize("update", [
    "LOAD <{url}/data.ttl>",
    "LOAD SILENT <{url}/data.ttl> INTO GRAPH <urn:g>",
    "# a comment <http://a/\u00a0#> \nLOAD <{url}/data.ttl>",
])
def test_load_fetches_nothing_without_allow_service(endpoint, target, update):
    base, hits = target
    before = len(hits)
    code, body = http(endpoint + "/sparql", data=update.replace("{url}", base).encode(),
                      ctype="application/sparql-update")
    assert len(hits) == before, f"LOAD fetched {hits[before:]} (HTTP {code}: {body[:200]})"
    assert code in (204, 403), (code, body)


def test_service_refusal_names_the_option(endpoint, target):
    base, _ = target
    code, body = http(endpoint + "/sparql?" + urllib.parse.urlencode(
        {"query": BYPASSES["nbsp_iri_blanks_service"].replace("{url}", base)}))
    assert code == 403 and "SERVICE and LOAD are refused" in body, (code, body)


def test_allow_service_does_reach_the_network(tmp_path_factory, target):
    """The control: the recording server does see a request when federation is allowed."""
    base, hits = target
    proc, url = _serve(tmp_path_factory, "--allow-service")
    try:
        before = len(hits)
        code, body = http(url + "/sparql?" + urllib.parse.urlencode(
            {"query": BYPASSES["plain_service"].replace("{url}", base)}))
        assert code == 200 and "FETCHED-FROM-THE-NETWORK" in body and len(hits) > before, (code, body, hits)
    finally:
        proc.terminate()
        proc.wait(10)
