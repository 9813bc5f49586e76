"""SHACL shapes: the built graph conforms; broken graphs do not."""

import pyoxigraph as ox
import pytest

from graph.store import Store
from graph.validate import validate

PREFIX = """
@prefix sckg: <https://w3id.org/sckg/ontology#> . @prefix ent: <https://w3id.org/sckg/id/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
DOC = """
<https://w3id.org/sckg/id/doc/d> a sckg:Document ; sckg:fileName "d.txt" ;
    sckg:contentHash "0000000000000000000000000000000000000000000000000000000000000000" .
ent:acme a sckg:Company, sckg:Organization, sckg:Agent, sckg:Entity ; rdfs:label "Acme" ;
    prov:wasDerivedFrom <https://w3id.org/sckg/id/doc/d> .
ent:fr a sckg:State, sckg:StateActor, sckg:Organization, sckg:Agent, sckg:Entity ; rdfs:label "France" ;
    prov:wasDerivedFrom <https://w3id.org/sckg/id/doc/d> .
"""
EVIDENCE = """
ent:ev a sckg:Evidence ; rdf:subject {s} ; rdf:predicate sckg:{p} ; rdf:object {o} ;
    prov:wasDerivedFrom <https://w3id.org/sckg/id/doc/d> ; sckg:sentence "France blocked Acme." ;
    sckg:startChar 0 ; sckg:endChar {end} ; sckg:method "test" ; sckg:methodVersion "1" ;
    sckg:confidence 0.9 ; sckg:status sckg:reported .
"""


def _store(turtle: str) -> Store:
    s = Store(None)
    g = ox.NamedNode("https://w3id.org/sckg/id/doc/d")
    s._store.extend(ox.Quad(t.subject, t.predicate, t.object, g)
                    for t in ox.parse(PREFIX + turtle, format=ox.RdfFormat.TURTLE))
    return s


def test_seed_graph_conforms(seed_store):
    report = validate(seed_store)
    assert report.conforms, report.text


def test_evidenced_relation_conforms():
    report = validate(_store(DOC + "ent:fr sckg:blocked ent:acme ." + EVIDENCE.format(s="ent:fr", p="blocked",
                                                                                          o="ent:acme", end=20)))
    assert report.conforms, report.text


@pytest.mark.parametrize("extra,message", [
    ("ent:fr sckg:blocked ent:acme .", "has no evidence record"),
    ("ent:acme sckg:blocked ent:fr ." + EVIDENCE.format(s="ent:acme", p="blocked", o="ent:fr", end=20),
     "is not a https://w3id.org/sckg/ontology#StateActor"),
    ("ent:acme sckg:owns ent:fr ." + EVIDENCE.format(s="ent:acme", p="owns", o="ent:fr", end=20),
     "is a https://w3id.org/sckg/ontology#State, which the relation excludes"),
    ("ent:ann a sckg:Person, sckg:Agent, sckg:Entity ; rdfs:label \"Ann\" ; "
     "prov:wasDerivedFrom <https://w3id.org/sckg/id/doc/d> . ent:ann sckg:partnersWith ent:acme ."
     + EVIDENCE.format(s="ent:ann", p="partnersWith", o="ent:acme", end=20),
     "is a https://w3id.org/sckg/ontology#Person, which the relation excludes"),
    ("ent:reg a sckg:Regulator, sckg:GovernmentBody, sckg:StateActor, sckg:Organization, sckg:Agent, sckg:Entity ; "
     "rdfs:label \"Reg\" ; prov:wasDerivedFrom <https://w3id.org/sckg/id/doc/d> . ent:reg sckg:owns ent:acme ."
     + EVIDENCE.format(s="ent:reg", p="owns", o="ent:acme", end=20),
     "is a https://w3id.org/sckg/ontology#Regulator, which the relation's domain excludes"),
    ("ent:fr sckg:blocked ent:acme ." + EVIDENCE.format(s="ent:fr", p="blocked", o="ent:acme", end=0),
     "end offset"),
])
def test_broken_graph_does_not_conform(extra, message):
    report = validate(_store(DOC + extra))
    assert not report.conforms
    assert message in report.text, report.text
