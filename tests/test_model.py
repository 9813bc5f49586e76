"""Names, IRIs and the RDF a document becomes."""

import pyoxigraph as ox
import pytest

from graph.document import parse_article
from graph.model import entity_iri, normalise_name, slug, to_quads

SCKG = "https://w3id.org/sckg/ontology#"


@pytest.mark.parametrize("name,norm", [
    ("Liège Airport", "liege airport"),
    ("The Financial Times", "financial times"),
    ("Sûreté de l'État", "surete de l etat"),
    ("  COSCO--Shipping ", "cosco shipping"),
])
def test_normalise_name_follows_the_scoring_rules(name, norm):
    assert normalise_name(name) == norm


def test_iris_are_stable_and_scoped():
    assert entity_iri("Liège Airport") == entity_iri("Liege airport") == "https://w3id.org/sckg/id/liege-airport"
    assert entity_iri("a firm", scope="doc-1") != entity_iri("a firm", scope="doc-2")
    assert slug("<script>") == "script"


@pytest.fixture(scope="module")
def seed_quads(extractor, ontology):
    from .conftest import SEEDS
    from graph.document import read_article
    x = extractor.extract(read_article(SEEDS / "vsse-cainiao-liege.txt"))
    return x, to_quads(x, ontology)


def test_entity_has_type_superclasses_label_and_wikidata(seed_quads):
    x, quads = seed_quads
    alibaba = ox.NamedNode("https://w3id.org/sckg/id/alibaba")
    types = {q.object.value.rsplit("#", 1)[-1] for q in quads
             if q.subject == alibaba and q.predicate.value.endswith("#type")}
    assert {"Company", "Organization", "Agent", "Entity"} <= types, types
    same = [q.object.value for q in quads if q.subject == alibaba and q.predicate.value.endswith("sameAs")]
    assert same == ["http://www.wikidata.org/entity/Q1359568"]


def test_every_quad_is_in_the_document_graph(seed_quads):
    x, quads = seed_quads
    assert {q.graph_name.value for q in quads} == {x.iri}


def test_relation_is_a_triple_and_has_evidence(seed_quads):
    x, quads = seed_quads
    store = ox.Store()
    store.extend(quads)
    rows = list(store.query(f"""
        PREFIX sckg: <{SCKG}> PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT ?sentence ?start ?end ?method ?conf ?status WHERE {{
          ?s sckg:owns ?o .
          ?ev rdf:subject ?s ; rdf:predicate sckg:owns ; rdf:object ?o ; sckg:sentence ?sentence ;
              sckg:startChar ?start ; sckg:endChar ?end ; sckg:method ?method ; sckg:confidence ?conf ;
              sckg:status ?status .
          FILTER(?s = <https://w3id.org/sckg/id/alibaba>)
        }}""", use_default_graph_as_union=True))
    assert rows, "Alibaba owns Cainiao has no evidence"
    r = rows[0]
    start, end = int(r["start"].value), int(r["end"].value)
    assert x.article.text[start:end] == r["sentence"].value
    assert r["status"].value == SCKG + "reported"


def test_denied_relation_is_a_claim_not_a_fact(extractor, ontology):
    x = extractor.extract(parse_article("The German government did not block the sale of Elmos to Sai Micro.",
                                        name="neg.txt"))
    assert x.relations and all(r.evidence.status == "negated" for r in x.relations), x.relations
    quads = to_quads(x, ontology)
    assert not any(q.predicate.value == SCKG + "blocked" for q in quads)
    assert any(q.object.value == SCKG + "blocked" for q in quads)  # the evidence record keeps it


@pytest.mark.parametrize("full,short", [
    ("Nordhavn Energi ASA", "Nordhavn Energi"),  # legal forms rigour does not strip: ASA, Pte, LLC, PJSC
    ("Merlion Marine Pte Ltd", "Merlion Marine"),
    ("Bluegrass Labs, LLC", "Bluegrass Labs"),
    ("Gulf Signal Telecom PJSC", "Gulf Signal Telecom"),
])
def test_legal_forms_do_not_keep_a_company_apart_across_articles(ontology, full, short):
    from graph.model import name_keys
    assert name_keys(short, ontology) & name_keys(full, ontology)


def test_an_ampersand_and_and_join_one_company_across_articles(ontology):
    """ "Amentum Environment & Energy, Inc." in one article, "... and Energy, Inc." in another."""
    from graph.model import name_keys
    shared = name_keys("Vellmar Environment & Energy, Inc.", ontology) & name_keys(
        "Vellmar Environment and Energy, Inc.", ontology)
    assert "vellmar environment and energy inc" in shared, shared
