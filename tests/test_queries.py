"""The shipped competency queries, each on a small inline graph with a known answer."""

import pyoxigraph as ox
import pytest

from graph.query import named_queries, named_query, run_query
from graph.store import Store

GRAPH = """
@prefix sckg: <https://w3id.org/sckg/ontology#> . @prefix ent: <https://w3id.org/sckg/id/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> . @prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/sckg/id/doc/d1> {
  <https://w3id.org/sckg/id/doc/d1> a sckg:Document ; sckg:fileName "d1.txt" ; dcterms:date "2020-05-01"^^xsd:date .
  ent:nl a sckg:State, sckg:Entity ; rdfs:label "Netherlands" .
  ent:aivd a sckg:IntelligenceAgency, sckg:Entity ; rdfs:label "AIVD" .
  ent:wingtech a sckg:Company, sckg:Entity ; rdfs:label "Wingtech" .
  ent:nexperia a sckg:Company, sckg:Entity ; rdfs:label "Nexperia" .
  ent:fab a sckg:Facility, sckg:Entity ; rdfs:label "Newport Wafer Fab" .
  ent:aivd sckg:monitors ent:nexperia .
  ent:wingtech sckg:owns ent:nexperia . ent:nexperia sckg:owns ent:fab .
  ent:nl sckg:blocked ent:nexperia .
  ent:e1 a sckg:Evidence ; rdf:subject ent:aivd ; rdf:predicate sckg:monitors ; rdf:object ent:nexperia ;
     prov:wasDerivedFrom <https://w3id.org/sckg/id/doc/d1> ; sckg:sentence "AIVD watches Nexperia." ;
     sckg:status sckg:reported ; sckg:startChar 0 ; sckg:endChar 22 ; sckg:confidence 0.8 ; sckg:method "t" .
  ent:e2 a sckg:Evidence ; rdf:subject ent:wingtech ; rdf:predicate sckg:owns ; rdf:object ent:nexperia ;
     prov:wasDerivedFrom <https://w3id.org/sckg/id/doc/d1> ; sckg:sentence "Wingtech owns Nexperia." ;
     sckg:status sckg:reported ; sckg:share 1.0 ; sckg:startChar 23 ; sckg:endChar 46 ; sckg:confidence 0.8 ; sckg:method "t" .
  ent:e3 a sckg:Evidence ; rdf:subject ent:nexperia ; rdf:predicate sckg:owns ; rdf:object ent:fab ;
     prov:wasDerivedFrom <https://w3id.org/sckg/id/doc/d1> ; sckg:sentence "Nexperia bought the fab." ;
     sckg:status sckg:reported ; sckg:startChar 47 ; sckg:endChar 71 ; sckg:confidence 0.8 ; sckg:method "t" .
  ent:e4 a sckg:Evidence ; rdf:subject ent:nl ; rdf:predicate sckg:blocked ; rdf:object ent:nexperia ;
     prov:wasDerivedFrom <https://w3id.org/sckg/id/doc/d1> ; sckg:sentence "The Dutch blocked Nexperia in 2025." ;
     sckg:status sckg:reported ; sckg:date "2025"^^xsd:gYear ; sckg:startChar 72 ; sckg:endChar 107 ;
     sckg:confidence 0.8 ; sckg:method "t" .
  ent:e5 a sckg:Evidence ; rdf:subject ent:wingtech ; rdf:predicate sckg:owns ; rdf:object ent:fab ;
     prov:wasDerivedFrom <https://w3id.org/sckg/id/doc/d1> ; sckg:sentence "Wingtech denied owning the fab." ;
     sckg:status sckg:denied ; sckg:assertedBy ent:wingtech ; sckg:startChar 108 ; sckg:endChar 139 ;
     sckg:confidence 0.7 ; sckg:method "t" .
  ent:nl sckg:owns ent:port .
  ent:port a sckg:Facility, sckg:Entity ; rdfs:label "Port of Rotterdam" .
}
"""


@pytest.fixture(scope="module")
def store():
    s = Store(None)
    s._store.extend(ox.parse(GRAPH, format=ox.RdfFormat.TRIG))
    return s


def rows(store, name, **bindings):
    names, data = run_query(store, named_query(name).text,
                            bindings={k: ox.NamedNode(v) if v.startswith("http") else v for k, v in bindings.items()})
    return [dict(zip(names, r)) for r in data]


def test_every_query_is_described():
    assert len(named_queries()) >= 7
    assert all(q.description for q in named_queries().values())


def test_who_monitors_whom(store):
    assert [(r["monitorLabel"], r["targetLabel"], r["sources"]) for r in rows(store, "who-monitors-whom")] == \
        [("AIVD", "Nexperia", "1")]


def test_ownership_chains_with_stakes(store):
    got = {(r["ownerLabel"], r["ownedLabel"], r["direct"], r["share"]) for r in rows(store, "ownership-chains")}
    assert ("Wingtech", "Nexperia", "true", "1") in got
    assert ("Wingtech", "Newport Wafer Fab", "false", "") in got  # through Nexperia
    assert ("Nexperia", "Newport Wafer Fab", "true", "") in got


def test_state_reach(store):
    got = {(r["stateLabel"], r["facilityLabel"]) for r in rows(store, "state-reach")}
    assert got == {("Netherlands", "Port of Rotterdam")}


def test_edge_evidence(store):
    got = rows(store, "edge-evidence", subject="https://w3id.org/sckg/id/aivd",
               relation="https://w3id.org/sckg/ontology#monitors", object="https://w3id.org/sckg/id/nexperia")
    assert [r["sentence"] for r in got] == ["AIVD watches Nexperia."]


def test_state_actions_timeline(store):
    got = rows(store, "state-actions-timeline", company="https://w3id.org/sckg/id/nexperia")
    assert [(r["when"], r["actorLabel"], r["action"]) for r in got] == [("2020-05-01", "AIVD", "monitors"),
                                                                       ("2025", "Netherlands", "blocked")]


def test_document_assertions(store):
    got = rows(store, "document-assertions", file="d1.txt")
    assert len(got) == 5 and got[0]["sentence"] == "AIVD watches Nexperia."


def test_contested_claims(store):
    got = rows(store, "contested-claims")
    assert [(r["subjectLabel"], r["relation"], r["status"], r["byLabel"]) for r in got] == \
        [("Wingtech", "owns", "denied", "Wingtech")]


# A second document restating the same entities (one under another name), as every document
# graph does: Oxigraph's union default graph keeps one row per graph, so a query that joins
# labels naively repeats rows per document.
RESTATED = """
@prefix sckg: <https://w3id.org/sckg/ontology#> . @prefix ent: <https://w3id.org/sckg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/sckg/id/doc/d2> {
  <https://w3id.org/sckg/id/doc/d2> a sckg:Document ; sckg:fileName "d2.txt" .
  ent:nl a sckg:State, sckg:Entity ; rdfs:label "Netherlands" .
  ent:aivd a sckg:IntelligenceAgency, sckg:Entity ; rdfs:label "AIVD" .
  ent:wingtech a sckg:Company, sckg:Entity ; rdfs:label "Wingtech Technology" .
  ent:nexperia a sckg:Company, sckg:Entity ; rdfs:label "Nexperia" .
  ent:fab a sckg:Facility, sckg:Entity ; rdfs:label "Newport Wafer Fab" .
  ent:port a sckg:Facility, sckg:Entity ; rdfs:label "Port of Rotterdam" .
  ent:aivd sckg:monitors ent:nexperia .
  ent:wingtech sckg:owns ent:nexperia . ent:nexperia sckg:owns ent:fab . ent:nl sckg:owns ent:port .
}
"""


@pytest.fixture(scope="module")
def restated():
    s = Store(None)
    s._store.extend(ox.parse(GRAPH, format=ox.RdfFormat.TRIG))
    s._store.extend(ox.parse(RESTATED, format=ox.RdfFormat.TRIG))
    return s


@pytest.mark.parametrize("name,bindings", [
    ("who-monitors-whom", {}), ("ownership-chains", {}), ("state-reach", {}), ("contested-claims", {}),
    ("state-actions-timeline", {"company": "https://w3id.org/sckg/id/nexperia"}),
    ("document-assertions", {"file": "d1.txt"}),
    ("edge-evidence", {"subject": "https://w3id.org/sckg/id/wingtech",
                       "relation": "https://w3id.org/sckg/ontology#owns", "object": "https://w3id.org/sckg/id/nexperia"}),
])
def test_entities_restated_in_many_documents_give_each_answer_once(store, restated, name, bindings):
    once = rows(store, name, **bindings)
    twice = rows(restated, name, **bindings)
    keys = [tuple(sorted(r.items())) for r in twice]
    assert len(keys) == len(set(keys)), f"{name} repeats rows"
    assert len(twice) == len(once), f"{name}: {twice}"
    # one label per entity (the first in code-point order) however many documents name it
    assert not any("Wingtech Technology" in r.values() for r in twice)
