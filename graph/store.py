"""The persistent RDF store: one named graph per document, in an embedded Oxigraph directory."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .model import DOC_BASE, Extraction, sckg, to_quads
from .ontology import ONTOLOGY_DIR, Ontology

#: Where the CLI keeps the graph unless told otherwise.
DEFAULT_STORE = "store"
ONTOLOGY_GRAPH = "https://w3id.org/sckg/ontology"

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


class Store:
    """An Oxigraph store holding documents as named graphs.

    ``Store(None)`` is in memory; ``Store(path)`` persists in a directory.

    Examples
    --------
    >>> s = Store(None)
    >>> s.documents()
    []
    """

    def __init__(self, location: str | Path | None, *, ontology_dir: Path = ONTOLOGY_DIR):
        self.location = Path(location) if location is not None else None
        try:
            self._store = ox.Store(str(self.location)) if self.location is not None else ox.Store()
        except OSError as exc:
            msg = str(exc)
            if "lock" in msg.lower():
                raise StoreError(f"{self.location}: the store is in use by another process "
                                 "(another sckg build or serve?); wait for it to finish") from None
            raise StoreError(f"{self.location}: cannot open the store: {msg}") from None
        self._ontology_dir = ontology_dir
        self._sync_ontology()

    # ------------------------------------------------------------------ writing
    def _sync_ontology(self) -> None:
        """Keep the ontology (``sckg.ttl``) in its own named graph, replaced when it changes."""
        path = self._ontology_dir / "sckg.ttl"
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        g = ox.NamedNode(ONTOLOGY_GRAPH)
        marker = ox.Quad(g, sckg("contentHash"), ox.Literal(digest), g)
        if marker in self._store:
            return
        try:
            quads = [ox.Quad(t.subject, t.predicate, t.object, g) for t in
                     ox.parse(data, format=ox.RdfFormat.TURTLE, base_iri=path.as_uri())]
        except SyntaxError as exc:
            raise StoreError(f"{path}: not valid Turtle: {exc}") from None
        self._store.remove_graph(g) if self._store.contains_named_graph(g) else None
        self._store.extend(quads + [marker])
        self._store.flush()

    def document_for_hash(self, content_hash: str) -> str | None:
        """The IRI of the stored document with this content hash, if any."""
        for sol in self._store.query(
                "SELECT ?d ?h WHERE { GRAPH ?d { ?d <https://w3id.org/sckg/ontology#contentHash> ?h } }",
                substitutions={ox.Variable("h"): ox.Literal(content_hash)}):
            return sol["d"].value
        return None

    def documents_named(self, file_name: str) -> list[str]:
        """IRIs of stored documents read from a file of this name."""
        return sorted(sol["d"].value for sol in self._store.query(
            "SELECT ?d ?n WHERE { GRAPH ?d { ?d <https://w3id.org/sckg/ontology#fileName> ?n } }",
            substitutions={ox.Variable("n"): ox.Literal(file_name)}))

    def add(self, extraction: Extraction, ontology: Ontology) -> IngestResult:
        """Store a document's graph; the same content twice changes nothing.

        A new version of a file (same file name, other content) replaces the older one. The
        new graph is written in one transaction before the old one is dropped, so a crash
        never leaves the store without either.
        """
        iri = extraction.iri
        if self._store.contains_named_graph(ox.NamedNode(iri)):
            return IngestResult(iri, added=False)
        older = [d for d in self.documents_named(extraction.article.name) if d != iri]
        self._store.extend(to_quads(extraction, ontology))
        for d in older:
            self._store.remove_graph(ox.NamedNode(d))
        return IngestResult(iri, added=True, replaced=tuple(older))

    def retract(self, document: str) -> list[str]:
        """Remove a document (by IRI, slug or file name) with everything only it supported.

        Returns the IRIs removed; an unknown document removes nothing.
        """
        targets = set()
        if self._store.contains_named_graph(ox.NamedNode(document)) if document.startswith("http") else False:
            targets.add(document)
        if self._store.contains_named_graph(ox.NamedNode(DOC_BASE + document)):
            targets.add(DOC_BASE + document)
        targets.update(self.documents_named(document))
        targets.update(self.documents_named(Path(document).name))
        for d in sorted(targets):
            self._store.remove_graph(ox.NamedNode(d))
        self._store.flush()
        return sorted(targets)

    def flush(self) -> None:
        self._store.flush()

    def close(self) -> None:
        """Flush and release the directory (its lock goes with the last reference)."""
        if self._store is not None:
            if self.location is not None:
                self._store.flush()
            self._store = None

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ reading
    def query(self, sparql: str, *, bindings: dict[str, str | ox.NamedNode | ox.Literal] | None = None):
        """Run SPARQL over the union of all graphs; ``bindings`` are substituted, never pasted.

        Returns pyoxigraph's solutions, boolean or triples.
        """
        subs = {ox.Variable(k): v if not isinstance(v, str) else ox.Literal(v)
                for k, v in (bindings or {}).items()}
        try:
            return self._store.query(sparql, use_default_graph_as_union=True, substitutions=subs,
                                     prefixes=PREFIXES)
        except RuntimeError as exc:
            if "SELECT projection" in str(exc):
                raise ValueError(f"{exc}: a bound variable must also be selected (or use SELECT *)") from None
            raise

    def documents(self) -> list[str]:
        """IRIs of the stored documents."""
        return sorted(str(g.value) for g in self._store.named_graphs() if g.value.startswith(DOC_BASE))

    def quads(self, *, include_ontology: bool = False) -> list[ox.Quad]:
        """Every stored quad, sorted (the ontology graph only when asked)."""
        out = [q for q in self._store
               if include_ontology or not (isinstance(q.graph_name, ox.NamedNode)
                                           and q.graph_name.value == ONTOLOGY_GRAPH)]
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
        with open(tmp, "wb") as out:
            ox.serialize(items, out, fmt, prefixes=prefixes)
        tmp.replace(path)
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
            "quads": len(self._store),
        }
