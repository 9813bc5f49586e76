"""The remote store: a SPARQL 1.1 server reached over HTTP (Query, Update and Graph Store protocols)."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from ..ontology import ONTOLOGY_DIR
from .dataset import SCKG_GRAPHS, DatasetStore, StoreError, sparql_prologue
from .dialect import ask_as_select, conformant_results, query_form, server_message, with_leading_values
from .servers import UNION_MODES, server_profiles

#: the largest request body sent to a server that authenticates by challenge (see
#: RemoteStore._send_triples); a kernel socket buffer takes it whole. Seen on Virtuoso in a
#: 172-article build: an 855 kB graph sent whole lost its connection ("Broken pipe").
CHALLENGED_BODY = 32 * 1024


class RemoteStore(DatasetStore):
    """The same store over HTTP: a SPARQL 1.1 server (Query, Update, Graph Store protocols).

    ``url`` is the server's base; ``server`` names its entry in ``sparql_servers.toml``
    (endpoint paths, how queries see the union of the document graphs, how it reports a
    cut result). ``query_url``, ``update_url`` and ``store_url`` override the paths;
    ``union`` overrides the union mode. Every query reads only sckg's graphs. ``user`` and
    ``password`` answer the server's Basic or Digest challenge; ``auth="basic"`` sends
    Basic credentials up front instead (for endpoints that challenge with another scheme).
    """

    def __init__(self, url: str, *, server: str = "oxigraph", query_url: str | None = None,
                 update_url: str | None = None, store_url: str | None = None, union: str | None = None,
                 user: str | None = None, password: str | None = None, auth: str = "challenge",
                 timeout: float = 60.0, ontology_dir: Path = ONTOLOGY_DIR):
        import urllib.request
        profiles = server_profiles()
        if server not in profiles:
            raise StoreError(f"unknown SPARQL server {server!r}; use one of {', '.join(sorted(profiles))}")
        if auth not in ("challenge", "basic"):
            raise StoreError(f"unknown authentication {auth!r}; use challenge or basic")
        self.profile = profiles[server]
        base = url.rstrip("/")
        self.location = url
        self.server = server
        self.query_url = query_url or base + self.profile["query"]
        self.update_url = update_url or base + self.profile["update"]
        self.store_url = store_url or base + self.profile["store"]
        self.union = union or self.profile["union"]
        if self.union not in UNION_MODES:
            raise StoreError(f"unknown union mode {self.union!r}; use one of {', '.join(UNION_MODES)}")
        self.timeout = timeout
        self._ontology_dir = ontology_dir
        handlers = []
        if user is not None:
            endpoints = (self.query_url, self.update_url, self.store_url)
            if auth == "basic":
                prior = urllib.request.HTTPPasswordMgrWithPriorAuth()
                for e in endpoints:
                    prior.add_password(None, e, user, password or "", is_authenticated=True)
                handlers = [urllib.request.HTTPBasicAuthHandler(prior)]
            else:
                mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
                for e in endpoints:
                    mgr.add_password(None, e, user, password or "")
                handlers = [urllib.request.HTTPDigestAuthHandler(mgr), urllib.request.HTTPBasicAuthHandler(mgr)]
        self._opener = urllib.request.build_opener(*handlers)
        self._has_credentials = user is not None
        #: a Digest (or Basic) challenge is answered after a 401 the server may send before it
        #: has read a large body, closing the connection under it (Virtuoso: "Broken pipe")
        self._challenged = user is not None and auth != "basic"
        self._exclusions = ""
        if self.union == "exclude":
            foreign = self._solutions(
                f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(!STRSTARTS(STR(?g), "{SCKG_GRAPHS}")) }}',
                {}, union=False)
            self._exclusions = "".join(self.profile["exclude_graph"].strip().replace("{graph}", sol["g"].value)
                                       + "\n" for sol in foreign if isinstance(sol["g"], ox.NamedNode))
        self._sync_ontology()

    def __repr__(self) -> str:
        return f"RemoteStore({self.location!r}, server={self.server!r})"

    def _request(self, url: str, *, data: bytes | None = None, method: str = "GET",
                 headers: dict | None = None) -> bytes:
        import urllib.error
        import urllib.request
        req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
        try:
            with self._opener.open(req, timeout=self.timeout) as resp:
                cut = self.profile.get("truncated_header")
                if cut and resp.headers.get(cut):
                    raise StoreError(f"{url}: the server cut the result at {resp.headers[cut]} rows; raise "
                                     f"{self.profile.get('limit_setting', 'its result size limit')}")
                return resp.read()
        except urllib.error.HTTPError as exc:
            message = server_message(exc.read(), exc.headers.get("Content-Type", "")) or str(exc.reason)
            if exc.code == 401:
                message += ("; check SCKG_SPARQL_USER and SCKG_SPARQL_PASSWORD" if self._has_credentials
                            else "; the server wants credentials: set SCKG_SPARQL_USER and SCKG_SPARQL_PASSWORD")
            raise StoreError(f"{url}: HTTP {exc.code}: {message}") from None
        except ValueError as exc:  # urllib's answer to a challenge in a scheme it cannot answer
            raise StoreError(f"{url}: cannot authenticate: {exc}") from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            raise StoreError(f"{url}: cannot reach the SPARQL server: {getattr(exc, 'reason', exc)}") from None

    def _solutions(self, sparql: str, subs: dict, *, union: bool = True):
        import urllib.parse
        form = query_form(sparql)
        if form == "ASK":  # Virtuoso rejects `ASK {…} VALUES …`, and answers true to some false ASKs
            result = self._solutions(ask_as_select(sparql), subs, union=union)
            return ox.parse_query_results(b'{"head": {}, "boolean": %s}' % (b"true" if any(True for _ in result)
                                                                             else b"false"),
                                          format=ox.QueryResultsFormat.JSON)
        exclusions = self._exclusions
        if exclusions and re.search(self.profile.get("exclude_not_with", r"(?!)"), sparql):
            exclusions = ""
        fields = {"query": exclusions + sparql_prologue() + with_leading_values(sparql, subs)}
        if union and self.union == "parameter":
            fields[self.profile["union_parameter"]] = ""
        graph = form in ("CONSTRUCT", "DESCRIBE")
        data = self._request(self.query_url, data=urllib.parse.urlencode(fields).encode(), method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/n-triples" if graph else "application/sparql-results+json"})
        try:
            if graph:
                return iter(list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES)))
            return ox.parse_query_results(conformant_results(data), format=ox.QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as exc:
            raise StoreError(f"{self.query_url}: the server's answer is not "
                             f"{'N-Triples' if graph else 'SPARQL JSON results'}: {exc}") from None

    def update(self, sparql: str) -> None:
        self._update(sparql_prologue() + sparql)

    def _update(self, sparql: str) -> None:
        import urllib.parse
        self._request(self.update_url, data=urllib.parse.urlencode({"update": sparql}).encode(), method="POST",
                      headers={"Content-Type": "application/x-www-form-urlencoded"})

    def _has_graph(self, iri: str) -> bool:
        return bool(self._solutions(f"ASK {{ GRAPH {ox.NamedNode(iri)} {{ ?s ?p ?o }} }}", {}, union=False))

    def _put_graph(self, iri: str, quads: list[ox.Quad]) -> None:
        import urllib.parse
        self._send_triples(self.store_url + "?" + urllib.parse.urlencode({"graph": iri}),
                           [q.triple for q in quads], first="PUT")

    def _send_triples(self, url: str, triples: list, *, first: str) -> None:
        """Graph Store request(s) with ``triples``: one request, or under challenge
        authentication pieces of at most CHALLENGED_BODY bytes (``first`` then POSTs, which
        append), each written whole before the server's 401 can close the connection.
        Triples with blank nodes go in one request: their labels hold only within it."""
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        if not self._challenged or len(body) <= CHALLENGED_BODY or b"_:" in body:
            self._request(url, data=body, method=first, headers={"Content-Type": "application/n-triples"})
            return
        method, piece, size = first, [], 0
        for line in body.splitlines(keepends=True):
            if piece and size + len(line) > CHALLENGED_BODY:
                self._request(url, data=b"".join(piece), method=method, headers={"Content-Type": "application/n-triples"})
                method, piece, size = "POST", [], 0
            piece.append(line)
            size += len(line)
        self._request(url, data=b"".join(piece), method=method, headers={"Content-Type": "application/n-triples"})

    def _drop_graph(self, iri: str) -> None:
        self._update(f"DROP SILENT GRAPH {ox.NamedNode(iri)}")

    def _insert(self, quads: list[ox.Quad]) -> None:
        # Graph Store Protocol POST merges into each graph (standard, unlike dataset POSTs)
        import urllib.parse
        graphs: dict = {}
        for q in quads:
            graphs.setdefault(q.graph_name, []).append(q.triple)
        for g, triples in graphs.items():
            target = "default" if isinstance(g, ox.DefaultGraph) else urllib.parse.urlencode({"graph": g.value})
            self._send_triples(f"{self.store_url}?{target}", triples, first="POST")

    def _all_quads(self) -> list[ox.Quad]:
        out = []
        for sol in self._solutions("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } "
                                   f'FILTER(STRSTARTS(STR(?g), "{SCKG_GRAPHS}")) }}', {}, union=False):
            out.append(ox.Quad(sol["s"], sol["p"], sol["o"], sol["g"]))
        return out

