"""The ontology is the single declaration of types and relations, and fails loudly when incomplete."""

import re

import pytest

from graph.ontology import SCKG, OntologyError, load_ontology

REQUIRED_RELATIONS = ["monitors", "owns", "partnersWith", "blocked", "operates", "locatedIn",
                      "subOrganizationOf", "listedOn"]
REQUIRED_TYPES = ["State", "SubnationalGovernment", "GovernmentBody", "IntelligenceAgency", "Regulator",
                  "Company", "Facility", "StockExchange", "MediaOutlet", "Person"]


@pytest.mark.parametrize("name", REQUIRED_RELATIONS)
def test_relation_declared_with_every_part(ontology, name):
    rel = ontology.relations[name]
    assert rel.label and rel.definition and rel.colour.startswith("#"), rel
    assert rel.domain and rel.range, rel
    assert rel.verbs or rel.nouns or rel.agent_nouns or rel.child_nouns or rel.part_nouns, rel


@pytest.mark.parametrize("name", REQUIRED_TYPES)
def test_entity_type_declared(ontology, name):
    t = ontology.entity_types[name]
    assert t.label and t.definition and re.fullmatch(r"#[0-9a-f]{6}", t.colour), t


def test_partners_with_is_symmetric_and_owns_has_inverse(ontology):
    assert ontology.relations["partnersWith"].symmetric
    assert str(ontology.relations["owns"].inverse).endswith("ownedBy")


def test_a_state_is_owned_by_no_one(ontology):
    owns = ontology.relations["owns"]
    assert ontology.fits(owns, SCKG + "State", SCKG + "Company")
    assert ontology.fits(owns, SCKG + "Company", SCKG + "GovernmentBody")
    assert not ontology.fits(owns, SCKG + "Company", SCKG + "State")
    # sanctions on a country are no state's act on a company: a state is blocked by no one
    assert not ontology.fits(ontology.relations["blocked"], SCKG + "State", SCKG + "State")
    # nor any state actor: the gold of 378 texts has no required one
    assert not ontology.fits(ontology.relations["blocked"], SCKG + "State", SCKG + "SubnationalGovernment")
    assert not ontology.fits(ontology.relations["blocked"], SCKG + "Regulator", SCKG + "GovernmentBody")
    assert ontology.fits(ontology.relations["blocked"], SCKG + "State", SCKG + "Company")
    partners = ontology.relations["partnersWith"]  # symmetric: what its range excludes, its domain does
    assert ontology.fits(partners, SCKG + "State", SCKG + "Company")
    assert not ontology.fits(partners, SCKG + "Person", SCKG + "Company")
    assert not ontology.fits(partners, SCKG + "Company", SCKG + "Official")


def test_a_regulator_neither_owns_nor_runs_what_it_supervises(ontology):
    """sckg:domainExcludes: a regulator is a state actor, but never the owner or operator."""
    for name, obj in (("owns", "Company"), ("operates", "Port")):
        assert not ontology.fits(ontology.relations[name], SCKG + "Regulator", SCKG + obj)
        assert ontology.fits(ontology.relations[name], SCKG + "GovernmentBody", SCKG + obj)
    assert ontology.fits(ontology.relations["monitors"], SCKG + "Regulator", SCKG + "Company")


def test_an_official_owns_nothing_and_no_person_runs_a_facility(ontology):
    """"Samuel W. Bodman operates Pacific Northwest National Laboratory", "Samuel W. Bodman
    owns Los Alamos": the Secretary of Energy named as a person in office is an official, a
    state actor and so an organisation, and was the subject of a minister's department's
    relations. An official owns nothing in office; a person runs no facility. A person may
    still own a stake."""
    owns, operates = ontology.relations["owns"], ontology.relations["operates"]
    assert not ontology.fits(owns, SCKG + "Official", SCKG + "Facility")
    assert not ontology.fits(operates, SCKG + "Official", SCKG + "Facility")
    assert ontology.fits(owns, SCKG + "Person", SCKG + "Company")
    assert ontology.fits(operates, SCKG + "GovernmentBody", SCKG + "Facility")


def test_a_wharf_and_a_quay_are_ports(extractor):
    """"the Stephenville Public Wharf" was a company."""
    from tests.test_extract import _entities
    _, ents = _entities(extractor, "The Kelvane Public Wharf was transferred to the Talvor Authority. Osric owns "
                                   "the Brenna Quay.")
    assert ents["Kelvane Public Wharf"][0] == "Port" and ents["Brenna Quay"][0] == "Port", ents


def test_superclasses_are_materialised(ontology):
    supers = {str(s).rsplit("#", 1)[-1] for s in ontology.entity_types["IntelligenceAgency"].superclasses}
    assert {"GovernmentBody", "StateActor", "Organization", "Agent", "Entity"} <= supers, supers


def test_gazetteer_entries_have_declared_types(ontology):
    assert ontology.gazetteer, "gazetteer is empty"
    germany = next(e for e in ontology.gazetteer if e.label == "Germany")
    assert "Berlin" in germany.metonyms and "German" in germany.demonyms
    assert str(germany.same_as[0]) == "http://www.wikidata.org/entity/Q183"


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text not found: {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("old,new,message", [
    ('rdfs:label "operates"@en ;', "", "rdfs:label"),
    ("rdfs:domain sckg:Organization ; rdfs:range sckg:Facility ;", "rdfs:range sckg:Facility ;", "rdfs:domain"),
    ('sckg:colour "#8c564b" ;\n    sckg:verb "list", "float" ;\n    sckg:objectRaisingVerb "list", "float" ;\n'
     '    sckg:noun "listing", "flotation", "ipo" .', 'sckg:colour "#8c564b" .', "trigger words"),
    ("rdfs:domain sckg:Company ; rdfs:range sckg:StockExchange ;",
     "rdfs:domain sckg:Company ; rdfs:range sckg:NoSuchClass ;", "not declared as an owl:Class"),
    ('sckg:reported a sckg:Status ; rdfs:label "reported"@en ; sckg:assertsFact true ;',
     'sckg:reported a sckg:Status ; rdfs:label "reported"@en ;', "assertsFact"),
])
def test_incomplete_declaration_fails_loudly(ontology_copy, old, new, message):
    _edit(ontology_copy / "sckg.ttl", old, new)
    with pytest.raises(OntologyError, match=message) as err:
        load_ontology(ontology_copy)
    assert "sckg.ttl" in str(err.value)


def test_broken_turtle_names_the_file(ontology_copy):
    (ontology_copy / "gazetteer.ttl").write_text("ent:x a sckg:State ;; rdfs:label", encoding="utf-8")
    with pytest.raises(OntologyError, match=r"gazetteer.ttl:1: not valid Turtle"):
        load_ontology(ontology_copy)


def test_a_new_relation_needs_only_turtle(ontology_copy):
    """Adding a relation type is an edit of the ontology, not of Python."""
    from graph.document import parse_article
    from graph.extract import Extractor

    with open(ontology_copy / "sckg.ttl", "a", encoding="utf-8") as f:
        f.write('''
sckg:supplies a sckg:Relation, owl:ObjectProperty ;
    rdfs:label "supplies"@en ;
    skos:definition "Sells goods or equipment to the object."@en ;
    rdfs:domain sckg:Company ; rdfs:range sckg:Company ;
    sckg:colour "#123456" ;
    sckg:verb "supply" .
''')
    onto = load_ontology(ontology_copy)
    assert "supplies" in onto.relations
    x = Extractor(onto).extract(parse_article("Huawei supplies Vodafone with radio equipment.", name="s.txt"))
    found = [(x.entities[r.subject].label, r.relation, x.entities[r.object].label) for r in x.relations]
    assert ("Huawei", "supplies", "Vodafone") in found, found


def test_a_short_name_needs_a_jurisdiction_in_the_gazetteer(ontology_copy):
    _edit(ontology_copy / "gazetteer.ttl", "sckg:jurisdiction ent:european-union", "sckg:jurisdiction ent:nowhere")
    with pytest.raises(OntologyError, match="sckg:jurisdiction") as err:
        load_ontology(ontology_copy)
    assert "gazetteer.ttl" in str(err.value)
