"""CSRF and DNS rebinding, tried from a real browser (Chromium) against a real ``sckg serve``.

A page on another origin auto-submitted a form POST to ``/sparql`` of a server started with
``--allow-update``: ``INSERT DATA`` and ``DROP GRAPH`` of the ontology both ran. Any
``Host`` was answered, so a page whose name was re-pointed at 127.0.0.1 could read the
graph and the view.
"""

from http.client import HTTPConnection
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from graph.store import ONTOLOGY_GRAPH, Store
from tests.browser import launch, needs_chromium
from tests.test_serve import start

from .test_queries_and_endpoint import http



@pytest.fixture(scope="module")
def writable(tmp_path_factory):
    path = tmp_path_factory.mktemp("origin") / "store"
    Store(path).close()
    proc, url = start(path, "--allow-update")
    yield url
    proc.terminate()
    proc.wait(10)


def ask(url: str, query: str) -> bool:
    code, body = http(url + "/sparql?" + urllib.parse.urlencode({"query": query}))
    assert code == 200, (code, body)
    return '"boolean":true' in body.replace(" ", "")


def ontology_intact(url: str) -> bool:
    return ask(url, f"ASK {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?s ?p ?o }} }}")


@pytest.fixture(scope="module")
def attacker():
    """Another origin (http://localhost:PORT) serving whatever page a test sets."""
    pages = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages.get(self.path, "").encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://localhost:{server.server_address[1]}", pages
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        # evil.example resolves to loopback: what a DNS rebinding attack arranges
        b = launch(p, "--host-resolver-rules=MAP evil.example 127.0.0.1")
        yield b
        b.close()


def form_page(target: str, update: str) -> str:
    value = update.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return (f'<html><body><form id="f" method="POST" action="{target}/sparql">'
            f'<input type="hidden" name="update" value="{value}"></form>'
            '<script>document.getElementById("f").submit()</script></body></html>')


@needs_chromium
@pytest.mark.parametrize("update", [
    "INSERT DATA { <urn:csrf:s> <urn:csrf:p> <urn:csrf:o> }",
    f"DROP GRAPH <{ONTOLOGY_GRAPH}>",
], ids=["insert", "drop-ontology"])
def test_cross_origin_form_post_changes_nothing(browser, attacker, writable, update):
    base, pages = attacker
    pages["/csrf"] = form_page(writable, update)
    page = browser.new_page()
    try:
        with page.expect_navigation(url=writable + "/sparql", timeout=30_000) as nav:
            page.goto(base + "/csrf")
        response = nav.value
        assert response.status == 403 and "another site" in page.content(), (response.status, page.content()[:300])
    finally:
        page.close()
    assert ontology_intact(writable), "the ontology graph was dropped"
    assert not ask(writable, "ASK { <urn:csrf:s> ?p ?o }"), "the cross-origin insert ran"


@needs_chromium
def test_same_origin_browser_update_still_runs(browser, writable):
    """The control: a page served by the server itself may post an update."""
    page = browser.new_page()
    try:
        page.goto(writable + "/no-such-page")
        status = page.evaluate("""async () => (await fetch('/sparql', {method: 'POST',
            headers: {'Content-Type': 'application/sparql-update'},
            body: 'INSERT DATA { <urn:same:s> <urn:same:p> <urn:same:o> }'})).status""")
    finally:
        page.close()
    assert status == 204 and ask(writable, "ASK { <urn:same:s> ?p ?o }"), status


@needs_chromium
@pytest.mark.parametrize("path", ["/", "/sparql?query=SELECT%20*%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D%20LIMIT%201"])
def test_rebinding_host_is_not_answered(browser, writable, path):
    port = urllib.parse.urlsplit(writable).port
    page = browser.new_page()
    try:
        response = page.goto(f"http://evil.example:{port}{path}")
        assert response.status == 403 and "does not answer to the host name" in page.content(), \
            (response.status, page.content()[:300])
    finally:
        page.close()


@pytest.mark.parametrize("host,status", [
    ("evil.example", 403), ("evil.example:7879", 403), ("127.0.0.1", 200), ("localhost:1", 200),
    ("[::1]:9", 200), ("LOCALHOST", 200), ("127.0.0.1.nip.io", 403),
])
def test_host_header_is_checked(writable, host, status):
    url = urllib.parse.urlsplit(writable)
    conn = HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        conn.putrequest("GET", "/sparql?query=ASK%7B%7D", skip_host=True)
        conn.putheader("Host", host)
        conn.endheaders()
        assert conn.getresponse().status == status
    finally:
        conn.close()


@pytest.mark.parametrize("headers", [
    {"Origin": "http://evil.example"},
    {"Origin": "null"},
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site", "Origin": "http://127.0.0.1:1"},
])
def test_update_with_foreign_origin_headers_is_refused(writable, headers):
    url = urllib.parse.urlsplit(writable)
    conn = HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        conn.request("POST", "/sparql", body=b"INSERT DATA { <urn:hdr:s> <urn:hdr:p> <urn:hdr:o> }",
                     headers={"Content-Type": "application/sparql-update", **headers})
        response = conn.getresponse()
        assert response.status == 403, response.read()
    finally:
        conn.close()
    assert not ask(writable, "ASK { <urn:hdr:s> ?p ?o }")
