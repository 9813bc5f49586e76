"""What every store shares: sckg's namespaces and graphs, and the store interface over primitives."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..model import DOC_BASE, Extraction, sckg, to_quads
from ..ontology import Ontology

#: Where the CLI keeps the graph unless told otherwise.
DEFAULT_STORE = "store"
ONTOLOGY_GRAPH = "https://w3id.org/sckg/ontology"
#: while ``sckg import`` writes, a graph under this IRI records which file it is loading;
#: it is dropped when the import is complete, so one left behind marks an interrupted import
IMPORT_MARKER_BASE = "https://w3id.org/sckg/id/import-in-progress/"
#: Every graph sckg writes is named under this IRI (the documents' and the ontology's): on a
#: server that holds other graphs too (Virtuoso's system graphs), sckg reads only these.
SCKG_GRAPHS = "https://w3id.org/sckg/"

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


class DatasetStore:
    """What every backend shares; a backend supplies the primitive operations below."""

    location: object
    _ontology_dir: Path

    # primitives -------------------------------------------------------------------------
    def _solutions(self, sparql: str, subs: dict, *, union: bool = True):
        raise NotImplementedError

    def _has_graph(self, iri: str) -> bool:
        raise NotImplementedError

    def _has_quad(self, quad: ox.Quad) -> bool:
        return self.ask("ASK { GRAPH ?g { ?s ?p ?o } }",
                        bindings={"s": quad.subject, "p": quad.predicate, "o": quad.object, "g": quad.graph_name})

    def _put_graph(self, iri: str, quads: list[ox.Quad]) -> None:
        """Write a graph in one transaction (its quads must all be in that graph)."""
        raise NotImplementedError

    def _drop_graph(self, iri: str) -> None:
        raise NotImplementedError

    def _drop_graphs(self, iris: list[str]) -> None:
        """Drop several graphs (in one transaction where the backend has them)."""
        for iri in iris:
            self._drop_graph(iri)

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
        if self._has_quad(ox.Quad(g, sckg("contentHash"), ox.Literal(digest), g)):
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

    def retract(self, document: str, *more: str) -> list[str]:
        """Remove documents (each by IRI, slug or file name) with everything only they supported.

        Every document named must be stored (else StoreError, and nothing is removed); they
        are removed together, in one transaction in an embedded store. Returns the IRIs
        removed.
        """
        targets = set()
        for name in (document, *more):
            found = self._documents_called(name)
            if not found:
                raise StoreError(f"{name}: no such document in the store")
            targets |= found
        self._keep_curated_ends(targets)
        self._drop_graphs(sorted(targets))
        self.flush()
        return sorted(targets)

    def _keep_curated_ends(self, targets: set[str]) -> None:
        """Refuse to retract the last documents that know an entity a curated assertion names:
        the assertion would point at nothing (and the store would no longer validate)."""
        curation = DOC_BASE + "curation"
        kept = ", ".join(f"<{g}>" for g in sorted(targets | {curation}))
        orphans = sorted(sol["e"].value for sol in self.query(
            f"SELECT DISTINCT ?e WHERE {{ GRAPH <{curation}> {{ ?ev a sckg:Evidence ; rdf:subject|rdf:object ?e }} "
            f"FILTER NOT EXISTS {{ GRAPH ?g {{ ?e a sckg:Entity }} FILTER(?g NOT IN ({kept})) }} }}"))
        if orphans:
            raise StoreError(f"{', '.join(orphans)}: named by a curated assertion (curation/assertions.yaml) and known "
                             f"only from the document(s) to retract; remove the assertion and build again first")

    def _documents_called(self, document: str) -> set[str]:
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
        return targets

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
