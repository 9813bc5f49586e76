"""The persistent RDF store: one named graph per document, in an embedded Oxigraph directory."""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .model import DOC_BASE, Extraction, sckg, to_quads
from .ontology import ONTOLOGY_DIR, Ontology

#: Where the CLI keeps the graph unless told otherwise.
DEFAULT_STORE = "store"
ONTOLOGY_GRAPH = "https://w3id.org/sckg/ontology"
#: while ``sckg import`` writes, a graph under this IRI records which file it is loading;
#: it is dropped when the import is complete, so one left behind marks an interrupted import
IMPORT_MARKER_BASE = "https://w3id.org/sckg/id/import-in-progress/"

PREFIXES = {
    "sckg": "https://w3id.org/sckg/ontology#",
    "ent": "https://w3id.org/sckg/id/",
    "doc": DOC_BASE,
    "ev": "https://w3id.org/sckg/id/evidence/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "wd": "http://www.wikidata.org/entity/",
}

FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".nq": ox.RdfFormat.N_QUADS,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".jsonld": ox.RdfFormat.JSON_LD,
}


class StoreError(RuntimeError):
    """The store cannot be opened or written."""


@dataclass(frozen=True)
class IngestResult:
    """What adding one document did."""

    document: str
    added: bool  # False when the same content was already stored
    replaced: tuple[str, ...] = ()  # older versions of the same file that were removed


def sparql_prologue() -> str:
    """PREFIX lines for the project's namespaces."""
    return "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())


@dataclass(frozen=True)
class EntityRecord:
    """An entity as stored across every document that names it."""

    iri: str
    label: str  # the first of its labels in case-folded order
    type: str  # IRI of its most specific entity type (sckg:Entity when it has none)
    names: tuple[str, ...]  # every label and other name, sorted
    same_as: tuple[str, ...]


# Simple queries joined in Python: every entity is restated in each document that names
# it, so one star join over the union of the graphs would multiply rows per document.
_TYPES = "SELECT ?t ?sup WHERE { ?t a sckg:EntityType OPTIONAL { ?t rdfs:subClassOf ?sup } }"
_TYPED = "SELECT DISTINCT ?e ?t WHERE { ?e a ?t }"
_NAMES = "SELECT DISTINCT ?e ?p ?n WHERE { VALUES ?p { rdfs:label skos:altLabel owl:sameAs } ?e ?p ?n }"
_NAME_SLOT = {PREFIXES["rdfs"] + "label": 0, PREFIXES["skos"] + "altLabel": 1, PREFIXES["owl"] + "sameAs": 2}


_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def with_values(sparql: str, subs: dict) -> str:
    """The query with its bound values as a trailing ``VALUES`` block.

    SPARQL 1.1 has no parameters: the terms are serialised by pyoxigraph (so escaped),
    never spliced into the query text. A trailing ``VALUES`` is also what lets the planner
    start from the bound node; Oxigraph's own substitutions scan first and filter after
    (80 ms against 0.3 ms for one entity's sentence in a 200k-triple store).

    >>> import pyoxigraph as ox
    >>> print(with_values('ASK { ?e ?p ?o }', {"e": ox.NamedNode("http://x/a"), "n": ox.Literal('a"} }')}))
    ASK { ?e ?p ?o }
    VALUES (?e ?n) { (<http://x/a> "a\\"} }") }
    """
    if not subs:
        return sparql
    names = sorted(subs)
    for n in names:
        if not _VARIABLE.fullmatch(n):
            raise ValueError(f"not a variable name: {n!r}")
    return (sparql.rstrip() + "\nVALUES (" + " ".join("?" + n for n in names) + ") { ("
            + " ".join(str(subs[n]) for n in names) + ") }")


class _DatasetStore:
    """What every backend shares; a backend supplies the primitive operations below."""

    location: object
    _ontology_dir: Path

    # primitives -------------------------------------------------------------------------
    def _solutions(self, sparql: str, subs: dict, *, union: bool = True):
        raise NotImplementedError

    def _has_graph(self, iri: str) -> bool:
        raise NotImplementedError

    def _put_graph(self, iri: str, quads: list[ox.Quad]) -> None:
        """Write a graph in one transaction (its quads must all be in that graph)."""
        raise NotImplementedError

    def _drop_graph(self, iri: str) -> None:
        raise NotImplementedError

    def _insert(self, quads: list[ox.Quad]) -> None:
        """Add quads to whatever graphs they name (used by load)."""
        raise NotImplementedError

    def _all_quads(self) -> list[ox.Quad]:
        raise NotImplementedError

    def flush(self) -> None:
        """Make writes durable."""

    def close(self) -> None:
        """Release the store."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # shared -----------------------------------------------------------------------------
    def _sync_ontology(self) -> None:
        """Keep the ontology (``sckg.ttl``) in its own named graph, replaced when it changes."""
        path = self._ontology_dir / "sckg.ttl"
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise StoreError(f"{path}: cannot read the ontology: {exc.strerror}") from None
        digest = hashlib.sha256(data).hexdigest()
        g = ox.NamedNode(ONTOLOGY_GRAPH)
        if self.ask("ASK { GRAPH ?g { ?g sckg:contentHash ?h } }", bindings={"g": g, "h": ox.Literal(digest)}):
            return
        try:
            quads = [ox.Quad(t.subject, t.predicate, t.object, g) for t in
                     ox.parse(data, format=ox.RdfFormat.TURTLE, base_iri=path.as_uri())]
        except SyntaxError as exc:
            raise StoreError(f"{path}: not valid Turtle: {exc}") from None
        self._put_graph(ONTOLOGY_GRAPH, quads + [ox.Quad(g, sckg("contentHash"), ox.Literal(digest), g)])

    def update(self, sparql: str) -> None:
        """Run a SPARQL Update (the project's prefixes are predefined)."""
        raise NotImplementedError

    def ask(self, sparql: str, *, bindings: dict | None = None) -> bool:
        result = self.query(sparql, bindings=bindings)
        return bool(result)

    def query(self, sparql: str, *, bindings: dict[str, str | ox.NamedNode | ox.Literal] | None = None):
        """Run SPARQL over the union of all graphs; ``bindings`` are substituted, never pasted.

        Returns pyoxigraph's solutions, boolean or triples.
        """
        subs = {k: v if not isinstance(v, str) else ox.Literal(v) for k, v in (bindings or {}).items()}
        return self._solutions(sparql, subs)

    def documents_named(self, file_name: str) -> list[str]:
        """IRIs of stored documents read from a file of this name."""
        return sorted(sol["d"].value for sol in self.query(
            "SELECT ?d ?n WHERE { GRAPH ?d { ?d sckg:fileName ?n } }", bindings={"n": file_name}))

    def add(self, extraction: Extraction, ontology: Ontology) -> IngestResult:
        """Store a document's graph; the same content twice changes nothing.

        A new version of a file (same file name, other content) replaces the older one. The
        new graph is written in one transaction before the old one is dropped, so a crash
        never leaves the store without either.
        """
        iri = extraction.iri
        if self._has_graph(iri):
            return IngestResult(iri, added=False)
        older = [d for d in self.documents_named(extraction.article.name) if d != iri]
        self._put_graph(iri, to_quads(extraction, ontology))
        for d in older:
            self._drop_graph(d)
        return IngestResult(iri, added=True, replaced=tuple(older))

    def retract(self, document: str) -> list[str]:
        """Remove a document (by IRI, slug or file name) with everything only it supported.

        Returns the IRIs removed; an unknown document removes nothing.
        """
        targets = set()
        for candidate in (document, DOC_BASE + document):
            try:
                ox.NamedNode(candidate)
            except ValueError:
                continue
            if candidate.startswith(DOC_BASE) and self._has_graph(candidate):
                targets.add(candidate)
        targets.update(self.documents_named(document))
        targets.update(self.documents_named(Path(document).name))
        for d in sorted(targets):
            self._drop_graph(d)
        self.flush()
        return sorted(targets)

    def entities(self) -> dict[str, EntityRecord]:
        """Every entity with its names, links and most specific type, by IRI (sorted)."""
        entity = PREFIXES["sckg"] + "Entity"
        supers: dict[str, set[str]] = {}
        for sol in self.query(_TYPES):
            supers.setdefault(sol["t"].value, set())
            if sol["sup"] is not None:
                supers[sol["t"].value].add(sol["sup"].value)
        types: dict[str, set[str]] = {}
        for sol in self.query(_TYPED):
            t = sol["t"].value
            if t in supers or t == entity:
                types.setdefault(sol["e"].value, set()).add(t)
        names: dict[str, tuple[set, set, set]] = {}
        for sol in self.query(_NAMES):
            e = sol["e"].value
            if entity in types.get(e, ()):
                names.setdefault(e, (set(), set(), set()))[_NAME_SLOT[sol["p"].value]].add(sol["n"].value)
        out = {}
        for e in sorted(names):
            labels, alts, same = names[e]
            if not labels:
                continue
            ts = types[e] - {entity}
            specific = sorted(t for t in ts if not any(t in supers[o] for o in ts if o != t))
            out[e] = EntityRecord(e, min(labels, key=lambda x: (x.casefold(), x)),
                                  specific[0] if specific else entity,
                                  tuple(sorted(labels | alts)), tuple(sorted(same)))
        return out

    def load(self, path: Path | str, *, chunk: int = 100_000) -> int:
        """Load an exported dataset (.nq .trig .jsonld keep graphs; .ttl .nt go to the default graph).

        The whole file is parsed before anything is written, so a syntax error names the
        file and line and leaves the store as it was. Quads then go in by chunks, which
        bounds memory (about 180 MiB for any size, where one bulk load of a million quads
        peaks near 1 GiB). Returns how many quads were read.
        """
        import itertools
        import math
        path = Path(path)
        fmt = FORMATS.get(path.suffix.lower())
        if fmt is None:
            raise StoreError(f"{path}: unknown format; use one of {', '.join(sorted(FORMATS))}")
        confidence = PREFIXES["sckg"] + "confidence"
        digest = hashlib.sha256()
        n = 0
        try:
            with open(path, "rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(block)
            for q in ox.parse(path=str(path), format=fmt):
                n += 1
                if q.predicate.value == confidence:
                    try:
                        value = float(q.object.value)
                    except ValueError:
                        value = math.nan
                    if not (math.isfinite(value) and 0 <= value <= 1):
                        raise StoreError(f"{path}: {q.subject} has confidence {q.object.value[:40]!r}: not a number "
                                         "between 0 and 1; nothing was imported")
        except SyntaxError as exc:
            raise StoreError(f"{path}:{exc.lineno or 1}: {exc.msg}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise StoreError(f"{path}: cannot read: {exc}") from None
        # the marker is committed first and dropped last: a kill in between leaves it, and
        # `interrupted_imports` reports it (running the same import again completes it:
        # a dataset is a set of quads)
        marker = IMPORT_MARKER_BASE + digest.hexdigest()
        g = ox.NamedNode(marker)
        self._put_graph(marker, [ox.Quad(g, sckg("fileName"), ox.Literal(str(path.resolve())), g)])
        self.flush()
        quads = ox.parse(path=str(path), format=fmt)
        while batch := list(itertools.islice(quads, chunk)):
            self._insert([q for q in batch if not (isinstance(q.graph_name, ox.NamedNode)
                                                    and q.graph_name.value.startswith(IMPORT_MARKER_BASE))])
        self.flush()
        self._drop_graph(marker)
        self.flush()
        return n

    def interrupted_imports(self) -> list[str]:
        """Files whose ``sckg import`` was stopped before it finished (import them again to complete)."""
        return sorted(sol["n"].value for sol in self._solutions(
            f"SELECT ?n WHERE {{ GRAPH ?g {{ ?g sckg:fileName ?n }} FILTER(STRSTARTS(STR(?g), {ox.Literal(IMPORT_MARKER_BASE)})) }}",
            {}, union=False))

    def documents(self) -> list[str]:
        """IRIs of the stored documents."""
        return sorted(sol["d"].value for sol in self.query(
            "SELECT DISTINCT ?d WHERE { GRAPH ?d { ?d a sckg:Document } }"))

    def quads(self, *, include_ontology: bool = False) -> list[ox.Quad]:
        """Every stored quad, sorted (the ontology graph only when asked; import markers never)."""
        out = [q for q in self._all_quads()
               if not (isinstance(q.graph_name, ox.NamedNode) and (
                   (q.graph_name.value == ONTOLOGY_GRAPH and not include_ontology)
                   or q.graph_name.value.startswith(IMPORT_MARKER_BASE)))]
        return sorted(out, key=str)

    def triples(self) -> list[ox.Triple]:
        """The union of the document graphs as sorted, distinct triples."""
        return sorted({q.triple for q in self.quads()}, key=str)

    def export(self, path: Path | str) -> int:
        """Write the dataset in the format the extension names; return how many statements.

        ``.trig``/``.nq``/``.jsonld`` keep one graph per document; ``.ttl``/``.nt`` write the
        union. Output is sorted, so the same store always gives the same bytes.
        """
        path = Path(path)
        fmt = FORMATS.get(path.suffix.lower())
        if fmt is None:
            raise StoreError(f"{path}: unknown format; use one of {', '.join(sorted(FORMATS))}")
        items = self.quads() if fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS, ox.RdfFormat.JSON_LD) \
            else self.triples()
        prefixes = PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
        tmp = path.with_name(path.name + ".part")
        try:
            with open(tmp, "wb") as out:
                ox.serialize(items, out, fmt, prefixes=prefixes)
            tmp.replace(path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise StoreError(f"{path}: cannot write: {exc.strerror}") from None
        return len(items)

    def stats(self) -> dict[str, int]:
        """Counts of documents, entities, relations, evidence records and quads."""
        def count(q: str) -> int:
            return int(next(iter(self.query(q)))["n"].value)
        return {
            "documents": len(self.documents()),
            "entities": count("SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a sckg:Entity }"),
            "relations": count("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE "
                               "{ ?p a sckg:Relation . ?s ?p ?o } }"),
            "evidence": count("SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a sckg:Evidence }"),
            "claims_not_asserted": count(
                "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a sckg:Evidence ; sckg:status ?st . "
                "?st sckg:assertsFact false }"),
            "quads": count("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"),
        }


#: how a command opens a store directory: ``read`` (it must be a store; opened read-only,
#: never created or rewritten), ``write`` (it must be a store), ``create`` (a store, or a
#: missing or empty directory that becomes one)
STORE_MODES = ("read", "write", "create")
#: files of a RocksDB directory (what Oxigraph writes); any of them without a readable
#: ``CURRENT`` means a damaged store, not an empty directory
_ROCKSDB_FILES = re.compile(r"(CURRENT|IDENTITY|LOCK|LOG(\.old\.\d+)?|MANIFEST-\d+|OPTIONS-\d+|\d+\.(sst|log|blob))")


def _build_hint(path: Path) -> str:
    return f"build one with: sckg build ARTICLES --store {path}"


def damaged_message(path, detail: str) -> str:
    """The one line that reports a damaged store (left as it is, never rewritten)."""
    detail = " ".join(str(detail).split())
    if len(detail) > 300:
        detail = detail[:300] + "…"
    return (f"{path}: the store is damaged and was left as it is ({detail}); restore it from a copy or an "
            f"export (sckg import), or rebuild it into a new directory")


def check_store(path: Path | str, *, mode: str = "read") -> str:
    """Check a store directory without opening it; return ``"store"`` or ``"new"``.

    Raises StoreError when ``mode`` cannot use what is there: a missing store for a read
    or a write, a directory that is not a store (whatever the mode), a damaged store
    (``CURRENT`` missing, or naming a manifest that is not there).

    Examples
    --------
    >>> import tempfile
    >>> check_store(tempfile.mkdtemp(), mode="create")
    'new'
    >>> check_store("/nonexistent/store", mode="read")
    Traceback (most recent call last):
    ...
    graph.store.StoreError: /nonexistent/store: no store here; build one with: sckg build ARTICLES --store /nonexistent/store
    """
    path = Path(path)
    if not path.exists():
        if mode == "create":
            return "new"
        raise StoreError(f"{path}: no store here; {_build_hint(path)}")
    if not path.is_dir():
        raise StoreError(f"{path}: not a store directory (it is a file)")
    try:
        names = {p.name for p in path.iterdir()}
    except OSError as exc:
        raise StoreError(f"{path}: cannot read the directory: {exc.strerror}") from None
    if not names:
        if mode == "create":
            return "new"
        raise StoreError(f"{path}: an empty directory, not a store; {_build_hint(path)}")
    if not any(_ROCKSDB_FILES.fullmatch(n) for n in names):
        raise StoreError(f"{path}: this directory is not an sckg store (it holds other files); give --store a "
                         "store directory, or a new or empty one to build into")
    if "CURRENT" not in names:
        raise StoreError(damaged_message(path, "its CURRENT file is missing"))
    try:
        manifest = (path / "CURRENT").read_text(encoding="ascii", errors="replace").strip()
    except OSError as exc:
        raise StoreError(damaged_message(path, f"CURRENT cannot be read: {exc.strerror}")) from None
    if not re.fullmatch(r"MANIFEST-\d+", manifest) or manifest not in names:
        raise StoreError(damaged_message(path, f"CURRENT names {manifest[:40]!r}, which is not there"))
    return "store"


class Store(_DatasetStore):
    """An embedded Oxigraph store holding documents as named graphs.

    ``Store(None)`` is in memory; ``Store(path)`` persists in a directory.

    Examples
    --------
    >>> s = Store(None)
    >>> s.documents()
    []
    """

    def __init__(self, location: str | Path | None, *, ontology_dir: Path = ONTOLOGY_DIR, mode: str = "create"):
        if mode not in STORE_MODES:
            raise ValueError(f"unknown store mode {mode!r}; use one of {', '.join(STORE_MODES)}")
        self.location = Path(location) if location is not None else None
        self.read_only = mode == "read" and self.location is not None
        if self.location is not None:
            check_store(self.location, mode=mode)
        try:
            if self.location is None:
                self._store = ox.Store()
            elif self.read_only:
                self._store = ox.Store.read_only(str(self.location))
            else:
                self._store = ox.Store(str(self.location))
        except (OSError, RuntimeError) as exc:
            msg = str(exc)
            if "lock" in msg.lower():
                raise StoreError(f"{self.location}: the store is in use by another process "
                                 "(another sckg build or serve?); wait for it to finish") from None
            raise StoreError(damaged_message(self.location, msg)) from None
        self._ontology_dir = ontology_dir
        if not self.read_only:
            self._sync_ontology()

    @classmethod
    def wrap(cls, store: ox.Store, *, location: Path | None = None) -> "Store":
        """A Store over an already open pyoxigraph store (read-only ones included)."""
        self = cls.__new__(cls)
        self.location, self._store, self._ontology_dir = location, store, ONTOLOGY_DIR
        self.read_only = True
        return self

    def _insert(self, quads: list[ox.Quad]) -> None:
        # bulk insertion without a transaction: only for load(), after the file parsed whole
        self._store.bulk_extend(quads)

    def _solutions(self, sparql: str, subs: dict, *, union: bool = True):
        return self._store.query(with_values(sparql, subs), use_default_graph_as_union=union, prefixes=PREFIXES)

    def update(self, sparql: str) -> None:
        self._store.update(sparql, prefixes=PREFIXES)

    def _has_graph(self, iri: str) -> bool:
        return self._store.contains_named_graph(ox.NamedNode(iri))

    def _put_graph(self, iri: str, quads: list[ox.Quad]) -> None:
        g = ox.NamedNode(iri)
        if self._store.contains_named_graph(g):
            self._store.remove_graph(g)
        self._store.extend(quads)

    def _drop_graph(self, iri: str) -> None:
        self._store.remove_graph(ox.NamedNode(iri))

    def _all_quads(self) -> list[ox.Quad]:
        return list(self._store)

    def flush(self) -> None:
        if self._store is not None and self.location is not None and not getattr(self, "read_only", False):
            self._store.flush()

    def close(self) -> None:
        """Flush and release the directory (its lock goes with the last reference)."""
        if self._store is not None:
            self.flush()
            self._store = None


#: Every graph sckg writes is named under this IRI (the documents' and the ontology's): on a
#: server that holds other graphs too (Virtuoso's system graphs), sckg reads only these.
SCKG_GRAPHS = "https://w3id.org/sckg/"
SERVERS_FILE = Path(__file__).with_name("sparql_servers.toml")
_UNION_MODES = ("parameter", "server", "exclude")
_FORM = re.compile(r"(?is)^(?:\s+|#[^\n]*|BASE\s*<[^>]*>|PREFIX\s+[^\s:]*:\s*<[^>]*>)*(SELECT|ASK|CONSTRUCT|DESCRIBE)\b")
_BNODE_LABEL = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
_BOOLEAN_FORMS = {"1": "true", "0": "false", "true": "true", "false": "false"}


@functools.cache
def server_profiles(path: Path = SERVERS_FILE) -> dict[str, dict]:
    """The SPARQL servers sckg knows, and how each differs (``sparql_servers.toml``).

    >>> sorted(server_profiles())
    ['fuseki', 'graphdb', 'oxigraph', 'virtuoso']
    """
    import tomllib
    try:
        with open(path, "rb") as f:
            profiles = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise StoreError(f"{path}: cannot read the server table: {exc}") from None
    for name, p in profiles.items():
        missing = sorted({"query", "update", "store", "union"} - p.keys())
        if missing:
            raise StoreError(f"{path}: [{name}] lacks {', '.join(missing)}")
        if p["union"] not in _UNION_MODES:
            raise StoreError(f"{path}: [{name}] union = {p['union']!r}; use one of {', '.join(_UNION_MODES)}")
    return profiles


def query_form(sparql: str) -> str:
    """The form of a query, after its prologue: SELECT, ASK, CONSTRUCT or DESCRIBE.

    >>> query_form("PREFIX x: <http://x/> # a comment\\nask { ?s ?p ?o }")
    'ASK'
    """
    m = _FORM.match(sparql)
    return m.group(1).upper() if m else "SELECT"


def ask_as_select(sparql: str) -> str:
    """An ASK query as the SELECT that has a row exactly when the ASK is true.

    Every server accepts a trailing ``VALUES`` after a SELECT; Virtuoso rejects one after
    an ASK. ``WHERE`` is optional in both forms, so only the keyword changes.

    >>> print(ask_as_select("PREFIX x: <http://x/>\\nASK { ?s x:p ?o }"))
    PREFIX x: <http://x/>
    SELECT * { ?s x:p ?o }
    LIMIT 1
    """
    m = _FORM.match(sparql)
    if not m or m.group(1).upper() != "ASK":
        return sparql
    return sparql[:m.start(1)] + "SELECT *" + sparql[m.end(1):].rstrip() + "\nLIMIT 1"


_IRIREF = re.compile(r'<[^\s<>"{}|^`\\]*>')
_STRING = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'')


def _where_brace(sparql: str) -> int | None:
    """Where the WHERE group of a SELECT, CONSTRUCT or DESCRIBE opens (None if not found).

    IRIs, strings and comments are skipped; a CONSTRUCT's template is the group before.
    """
    m = _FORM.match(sparql)
    if not m:
        return None
    skip = 1 if m.group(1).upper() == "CONSTRUCT" and not re.match(r"\s*WHERE\b", sparql[m.end(1):], re.I) else 0
    i, depth = m.end(1), 0
    while i < len(sparql):
        c = sparql[i]
        if c == "#":
            j = sparql.find("\n", i)
            i = len(sparql) if j < 0 else j + 1
            continue
        token = (_IRIREF.match(sparql, i) if c == "<" else _STRING.match(sparql, i) if c in "\"'" else None)
        if token:
            i = token.end()
            continue
        if c == "{":
            if depth == 0 and skip == 0:
                return i
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                skip -= 1
        i += 1
    return None


def with_leading_values(sparql: str, subs: dict) -> str:
    """The query with its bound values as a ``VALUES`` block opening its WHERE group.

    The same solutions as :func:`with_values`'s trailing block for the queries sckg sends
    (no bound variable is assigned by BIND); Virtuoso 7.2 drops a trailing block from a
    query with BIND, and every server takes this one.

    >>> import pyoxigraph as ox
    >>> print(with_leading_values('SELECT ?p WHERE { ?e ?p ?o BIND(1 AS ?x) } ORDER BY ?p', {"e": ox.NamedNode("http://x/a")}))
    SELECT ?p WHERE {
    VALUES (?e) { (<http://x/a>) }
     ?e ?p ?o BIND(1 AS ?x) } ORDER BY ?p
    >>> print(with_leading_values('CONSTRUCT { ?e ?p "{" } WHERE { ?e ?p ?o }', {"e": ox.NamedNode("http://x/a")}))
    CONSTRUCT { ?e ?p "{" } WHERE {
    VALUES (?e) { (<http://x/a>) }
     ?e ?p ?o }
    """
    if not subs:
        return sparql
    at = _where_brace(sparql)
    if at is None:
        return with_values(sparql, subs)
    block = with_values("", subs).strip()
    return sparql[:at + 1] + "\n" + block + "\n" + sparql[at + 1:]


def _bnode_label(label: str) -> str:
    """A blank-node label pyoxigraph accepts, one for one (Virtuoso writes ``nodeID://b1``)."""
    return label if _BNODE_LABEL.fullmatch(label) else "x" + label.encode("utf-8").hex()


def conformant_results(data: bytes) -> bytes:
    """SPARQL JSON results rewritten in the forms the embedded store returns.

    A conformant server may write an ``xsd:boolean`` as ``1``/``0``, a blank node by any
    label (Virtuoso's ``nodeID://b10000``), a typed literal as SPARQL 1.0's
    ``typed-literal``, and an ASK's answer as a number: all are read as the same terms.

    >>> conformant_results(b'{"head": {}, "boolean": 1}')
    b'{"head": {}, "boolean": true}'
    >>> print(conformant_results(b'{"head": {"vars": ["b", "o"]}, "results": {"bindings": [{"b": '
    ...     b'{"type": "bnode", "value": "nodeID://b1"}, "o": {"type": "typed-literal", "value": "0", '
    ...     b'"datatype": "http://www.w3.org/2001/XMLSchema#boolean"}}]}}').decode())
    {"head": {"vars": ["b", "o"]}, "results": {"bindings": [{"b": {"type": "bnode", "value": "x6e6f646549443a2f2f6231"}, "o": {"type": "literal", "value": "false", "datatype": "http://www.w3.org/2001/XMLSchema#boolean"}}]}}
    """
    import json
    doc = json.loads(data)
    if "boolean" in doc:
        doc["boolean"] = doc["boolean"] in (True, 1, "true", "1")
    for row in doc.get("results", {}).get("bindings", ()):
        for term in row.values():
            if term.get("type") == "bnode":
                term["value"] = _bnode_label(term["value"])
            elif term.get("type") == "typed-literal":
                term["type"] = "literal"
            if term.get("datatype") == PREFIXES["xsd"] + "boolean":
                term["value"] = _BOOLEAN_FORMS.get(term["value"].strip(), term["value"])
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def server_message(body: bytes, content_type: str = "") -> str:
    """The server's own words from an error response (plain text or HTML), shortened.

    >>> server_message(b"Virtuoso 37000 Error SP030: syntax error\\n\\nSPARQL query:\\nASK {}")
    'Virtuoso 37000 Error SP030: syntax error'
    >>> server_message(b"<html><title>Failed</title><h3>Error 22023</h3><xmp>No default graph</xmp></html>", "text/html")
    'Failed: Error 22023: No default graph'
    """
    import html
    text = body.decode("utf-8", "replace")
    if "html" in content_type or text.lstrip().startswith("<"):
        parts = [html.unescape(p).strip() for p in re.split(r"<[^>]*>", text)]
        text = ": ".join(p for p in parts if p and not p.startswith("HTTP/"))
    else:
        text = text.strip().split("\n\n")[0].strip()  # Virtuoso follows its message with the query
    text = " ".join(text.split())
    return text if len(text) <= 500 else text[:499] + "…"


#: the largest request body sent to a server that authenticates by challenge (see
#: RemoteStore._send_triples); a kernel socket buffer takes it whole. Seen on Virtuoso in a
#: 172-article build: an 855 kB graph sent whole lost its connection ("Broken pipe").
CHALLENGED_BODY = 32 * 1024


class RemoteStore(_DatasetStore):
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
        if self.union not in _UNION_MODES:
            raise StoreError(f"unknown union mode {self.union!r}; use one of {', '.join(_UNION_MODES)}")
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


def open_store(location: str | Path | None, **kwargs) -> _DatasetStore:
    """An embedded store for a directory, a remote one for an http(s) URL.

    For a URL, the environment says which server it is and how to reach it:
    ``SCKG_SPARQL_SERVER`` (an entry of ``sparql_servers.toml``: oxigraph, the default,
    virtuoso, fuseki, graphdb); ``SCKG_SPARQL_USER`` and ``SCKG_SPARQL_PASSWORD``
    (credentials are read only from here, never from the URL or the command line);
    ``SCKG_SPARQL_AUTH=basic`` to send Basic credentials up front; and, for a layout of
    its own, ``SCKG_SPARQL_QUERY_URL``, ``SCKG_SPARQL_UPDATE_URL``, ``SCKG_SPARQL_STORE_URL``.
    ``SCKG_SPARQL_UNION_PARAM=0`` (older settings) means the server's default graph is
    already the union.
    """
    import os
    import urllib.parse
    if isinstance(location, str) and location.startswith(("http://", "https://")):
        kwargs.pop("mode", None)  # a server's store always exists
        if urllib.parse.urlsplit(location).password is not None or "@" in urllib.parse.urlsplit(location).netloc:
            raise StoreError("credentials do not go in the store URL (it shows in logs and process lists); "
                             "set SCKG_SPARQL_USER and SCKG_SPARQL_PASSWORD")
        env = os.environ
        kwargs.setdefault("server", env.get("SCKG_SPARQL_SERVER") or "oxigraph")
        kwargs.setdefault("query_url", env.get("SCKG_SPARQL_QUERY_URL"))
        kwargs.setdefault("update_url", env.get("SCKG_SPARQL_UPDATE_URL"))
        kwargs.setdefault("store_url", env.get("SCKG_SPARQL_STORE_URL"))
        if env.get("SCKG_SPARQL_UNION_PARAM", "1") in ("0", "false", "no"):
            kwargs.setdefault("union", "server")
        kwargs.setdefault("user", env.get("SCKG_SPARQL_USER"))
        kwargs.setdefault("password", env.get("SCKG_SPARQL_PASSWORD"))
        kwargs.setdefault("auth", env.get("SCKG_SPARQL_AUTH") or "challenge")
        return RemoteStore(location, **kwargs)
    return Store(location, **kwargs)


#: seconds a read of the store (stats, export, validate, a view…) may take; env SCKG_READ_TIMEOUT
DEFAULT_READ_TIMEOUT = 900.0
#: seconds after which a slow read starts a scan of the store that reports a corrupted block
_SCAN_AFTER = 3.0


def _is_remote(location) -> bool:
    return isinstance(location, str) and location.startswith(("http://", "https://"))


def _as_store_error(location, exc: BaseException) -> BaseException:
    """Oxigraph's errors about a damaged store as a StoreError; others unchanged."""
    if isinstance(exc, (RuntimeError, OSError)) and not isinstance(exc, StoreError) and \
            re.search(r"corrupt|checksum|bad magic|truncated|unexpected end", str(exc), re.IGNORECASE):
        return StoreError(damaged_message(location, str(exc)))
    return exc


def _read_child(location: Path, work, conn) -> None:  # runs in a forked child
    try:
        with Store(location, mode="read") as store:
            result = (True, work(store))
    except BaseException as exc:  # sent back, raised in the parent
        result = (False, _as_store_error(location, exc))
    try:
        conn.send(result)
    except Exception as exc:  # an unpicklable result or error
        conn.send((False, StoreError(f"{location}: {type(exc).__name__}: {exc}")))


def _scan_child(location: Path, conn) -> None:  # runs in a forked child
    """Read every quad once: a corrupted block fails here with its checksum error."""
    try:
        store = ox.Store.read_only(str(location))
        for _ in store:
            pass
        conn.send(None)
    except BaseException as exc:
        conn.send(str(exc))


def read_store(location: str | Path, work, *, timeout: float | None = None):
    """``work(store)`` on a read-only store, in a child process stopped at ``timeout`` seconds.

    The store must exist (it is never created, and never written). A corrupted block can
    make Oxigraph loop instead of failing, so the work runs in a forked process; when it is
    slow, a second process reads every quad once and, if that meets a checksum error,
    the work is stopped and the error reported. Past ``timeout`` (default
    ``SCKG_READ_TIMEOUT`` or 900 s) the work is stopped too. A SPARQL server's store is
    read directly (its own HTTP timeout bounds it).
    """
    import multiprocessing as mp
    import os
    import time
    if _is_remote(location):
        with open_store(location) as store:
            return work(store)
    path = Path(location)
    check_store(path, mode="read")
    if timeout is None:
        timeout = float(os.environ.get("SCKG_READ_TIMEOUT", DEFAULT_READ_TIMEOUT))
    ctx = mp.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_read_child, args=(path, work, send), daemon=True)
    child.start()
    send.close()
    scan = scan_conn = None
    start = time.monotonic()
    try:
        while True:
            elapsed = time.monotonic() - start
            if receive.poll(min(0.2, max(0.0, timeout - elapsed))):
                try:
                    ok, value = receive.recv()
                except EOFError:
                    child.join(5)
                    raise StoreError(f"{path}: reading the store failed (the reading process ended with "
                                     f"{child.exitcode})") from None
                if ok:
                    return value
                raise value
            if scan is None and elapsed > _SCAN_AFTER:
                scan_conn, scan_send = ctx.Pipe(duplex=False)
                scan = ctx.Process(target=_scan_child, args=(path, scan_send), daemon=True)
                scan.start()
                scan_send.close()
            if scan_conn is not None and scan_conn.poll(0):
                try:
                    problem = scan_conn.recv()
                except EOFError:
                    problem = None
                scan_conn = None
                if problem:
                    raise StoreError(damaged_message(path, problem))
            if time.monotonic() - start >= timeout:
                raise StoreError(f"{path}: reading the store did not finish within {timeout:g} s and was "
                                 "stopped (a damaged store can make it loop; raise SCKG_READ_TIMEOUT for a "
                                 "very large one)")
    finally:
        for proc in (child, scan):
            if proc is not None and proc.is_alive():
                proc.kill()
            if proc is not None:
                proc.join(5)
