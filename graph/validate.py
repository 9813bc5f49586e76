"""Check a graph against the SHACL shapes in ``ontology/shapes.ttl``.

pySHACL validates the core constraints (counts, datatypes, classes). The SPARQL-based
constraints of the same shapes file (each relation's domain and range, each relation's
evidence) are run by Oxigraph over the store: pySHACL runs them through rdflib's SPARQL
engine, which took minutes on a graph of 50,000 triples; Oxigraph takes well under a second.
The shapes file stays the one declaration of what a valid graph is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, SH

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


@dataclass(frozen=True)
class _SparqlConstraint:
    shape: str
    targets: tuple[str, ...]
    select: str
    message: str


def _split_shapes(shapes: rdflib.Graph) -> list[_SparqlConstraint]:
    """Take the SPARQL-based constraints out of ``shapes`` (in place) and return them."""
    found = []
    for shape, constraint in list(shapes.subject_objects(SH.sparql)):
        select = shapes.value(constraint, SH.select)
        if select is None:
            continue
        prologue = ""
        for decl_holder in shapes.objects(constraint, SH.prefixes):
            for decl in shapes.objects(decl_holder, SH.declare):
                prologue += f"PREFIX {shapes.value(decl, SH.prefix)}: <{shapes.value(decl, SH.namespace)}>\n"
        targets = tuple(sorted(str(t) for t in shapes.objects(shape, SH.targetClass)))
        found.append(_SparqlConstraint(str(shape), targets, prologue + str(select),
                                       str(shapes.value(constraint, SH.message) or "SPARQL constraint violated")))
        shapes.remove((shape, SH.sparql, constraint))
        for t in list(shapes.triples((constraint, None, None))):
            shapes.remove(t)
    return sorted(found, key=lambda c: (c.shape, c.select))


def _run_sparql(store: Store, constraints: list[_SparqlConstraint]) -> list[str]:
    """Violations of SPARQL constraints, evaluated by the store with $this over each target."""
    lines = []
    for c in constraints:
        focus = set()
        for target in c.targets:
            focus |= {sol["f"].value for sol in store.query(
                "SELECT ?f ?t WHERE { ?f a ?t }", bindings={"t": ox.NamedNode(target)})}
        query = re.sub(r"\$this\b", "?this", c.select)
        for sol in store.query(query):
            this = sol["this"]
            if this is None or this.value not in focus:
                continue

            def term(name, sol=sol, this=this):
                if name == "this":
                    return this.value
                try:
                    t = sol[name]
                except KeyError:
                    return ""
                return t.value if t is not None else ""
            message = re.sub(r"\{[?$](\w+)\}", lambda m: term(m.group(1)), c.message)
            lines.append(f"Constraint Violation in SPARQLConstraintComponent:\n\tSource Shape: {c.shape}\n"
                         f"\tFocus Node: {this.value}\n\tValue Node: {term('value')}\n\tMessage: {message}")
    return sorted(set(lines))


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
    sparql = _split_shapes(shapes)
    conforms, results, text = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=False)
    core = len(list(results.subjects(RDF.type, SH.ValidationResult)))
    extra = _run_sparql(store, sparql)
    if not extra:
        return ValidationReport(bool(conforms), core, text)
    total = core + len(extra)
    body = text.split("\n", 3)[3] if core else ""
    report = (f"Validation Report\nConforms: False\nResults ({total}):\n" + body.rstrip("\n")
              + ("\n" if body.strip() else "") + "\n".join(extra))
    return ValidationReport(False, total, report)
