"""Check a graph against the SHACL shapes in ``ontology/shapes.ttl``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import rdflib

from .ontology import ONTOLOGY_DIR, OntologyError
from .store import Store


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of a SHACL validation."""

    conforms: bool
    violations: int
    text: str


def _rdflib_graph(triples) -> rdflib.Graph:
    """Move triples into rdflib through N-Triples, the fastest common format."""
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    g = rdflib.Graph()
    g.parse(data=data.decode("utf-8"), format="nt")
    return g


def validate(store: Store, *, ontology_dir: Path = ONTOLOGY_DIR) -> ValidationReport:
    """Validate the union of the store's document graphs, with the ontology, by SHACL.

    Examples
    --------
    >>> validate(Store(None)).conforms
    True
    """
    import pyshacl

    data = _rdflib_graph(store.triples())
    try:
        data.parse(ontology_dir / "sckg.ttl", format="turtle")
        shapes = rdflib.Graph().parse(ontology_dir / "shapes.ttl", format="turtle")
    except Exception as exc:  # rdflib parser errors have no common base class
        raise OntologyError(f"{ontology_dir}: cannot read the ontology or shapes: {exc}") from None
    conforms, results, text = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=False)
    n = len(list(results.subjects(rdflib.RDF.type, rdflib.URIRef("http://www.w3.org/ns/shacl#ValidationResult"))))
    return ValidationReport(bool(conforms), n, text)
