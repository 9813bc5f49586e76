"""Time: valid time on evidence, the graph as of a date, what was known by a date, decisions
linked to what they changed — on an inline graph with a known history and on real extraction."""

import csv
import io

import pytest
from click.testing import CliRunner

from graph.cli import cli
from graph.document import parse_article
from graph.store import Store
from graph.temporal import as_of
from graph.validate import validate

from .conftest import SEEDS

# Acme bought 35% of Tollerort Terminal in 2015 (reported in 2015); in March 2020 Germany
# ordered the stake cut to 24.9%; Acme sold what was left in February 2023. A 2024 review
# article restates the history; Tollerort has run the Hamburg berth since 2010.
HISTORY = """
@prefix sckg: <https://w3id.org/sckg/ontology#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix id: <https://w3id.org/sckg/id/> .
@prefix ev: <https://w3id.org/sckg/id/evidence/> .

id:doc\\/a2015 {
  id:doc\\/a2015 a sckg:Document, prov:Entity ; sckg:contentHash "H1" ; sckg:fileName "a2015.txt" ;
      dcterms:date "2015-06-01"^^xsd:date .
  id:acme a sckg:Company, sckg:Organization, sckg:Agent, sckg:Entity ; rdfs:label "Acme"@en ; prov:wasDerivedFrom id:doc\\/a2015 .
  id:tollerort a sckg:Company, sckg:Organization, sckg:Agent, sckg:Entity ; rdfs:label "Tollerort Terminal"@en ; prov:wasDerivedFrom id:doc\\/a2015 .
  id:acme sckg:owns id:tollerort .
  ev:buy a sckg:Evidence ; rdf:subject id:acme ; rdf:predicate sckg:owns ; rdf:object id:tollerort ;
      prov:wasDerivedFrom id:doc\\/a2015 ; sckg:sentence "Acme acquired a 35% stake in Tollerort Terminal in 2015." ;
      sckg:startChar 0 ; sckg:endChar 55 ; sckg:method "test" ; sckg:methodVersion "1" ;
      sckg:confidence 0.9 ; sckg:status sckg:reported ; sckg:share 0.35 ; sckg:validFrom "2015"^^xsd:gYear .
}

id:doc\\/a2024 {
  id:doc\\/a2024 a sckg:Document, prov:Entity ; sckg:contentHash "H2" ; sckg:fileName "a2024.txt" ;
      dcterms:date "2024-01-10"^^xsd:date .
  id:acme a sckg:Company, sckg:Organization, sckg:Agent, sckg:Entity ; rdfs:label "Acme"@en ; prov:wasDerivedFrom id:doc\\/a2024 .
  id:tollerort a sckg:Company, sckg:Organization, sckg:Agent, sckg:Entity ; rdfs:label "Tollerort Terminal"@en ; prov:wasDerivedFrom id:doc\\/a2024 .
  id:berth a sckg:Facility, sckg:Entity ; rdfs:label "Hamburg berth"@en ; prov:wasDerivedFrom id:doc\\/a2024 .
  id:germany a sckg:State, sckg:StateActor, sckg:Agent, sckg:Entity ; rdfs:label "Germany"@en ; prov:wasDerivedFrom id:doc\\/a2024 .
  id:acme sckg:owns id:tollerort . id:tollerort sckg:operates id:berth . id:germany sckg:blocked id:acme .
  ev:cut a sckg:Evidence ; rdf:subject id:acme ; rdf:predicate sckg:owns ; rdf:object id:tollerort ;
      prov:wasDerivedFrom id:doc\\/a2024 ; sckg:sentence "In March 2020 Berlin ordered Acme to cut its stake from 35% to 24.9%." ;
      sckg:startChar 0 ; sckg:endChar 68 ; sckg:method "test" ; sckg:methodVersion "1" ;
      sckg:confidence 0.9 ; sckg:status sckg:reported ; sckg:shareBefore 0.35 ; sckg:shareAfter 0.249 ;
      sckg:validFrom "2020-03"^^xsd:gYearMonth .
  ev:order a sckg:Evidence ; rdf:subject id:germany ; rdf:predicate sckg:blocked ; rdf:object id:acme ;
      prov:wasDerivedFrom id:doc\\/a2024 ; sckg:sentence "In March 2020 Berlin ordered Acme to cut its stake from 35% to 24.9%." ;
      sckg:startChar 0 ; sckg:endChar 68 ; sckg:method "test" ; sckg:methodVersion "1" ;
      sckg:confidence 0.9 ; sckg:status sckg:reported ; sckg:validFrom "2020-03"^^xsd:gYearMonth .
  ev:sold a sckg:Evidence ; rdf:subject id:acme ; rdf:predicate sckg:owns ; rdf:object id:tollerort ;
      prov:wasDerivedFrom id:doc\\/a2024 ; sckg:sentence "Acme sold its remaining stake in February 2023." ;
      sckg:startChar 69 ; sckg:endChar 116 ; sckg:method "test" ; sckg:methodVersion "1" ;
      sckg:confidence 0.9 ; sckg:status sckg:reported ; sckg:validUntil "2023-02"^^xsd:gYearMonth .
  ev:runs a sckg:Evidence ; rdf:subject id:tollerort ; rdf:predicate sckg:operates ; rdf:object id:berth ;
      prov:wasDerivedFrom id:doc\\/a2024 ; sckg:sentence "Tollerort has run the Hamburg berth since 2010." ;
      sckg:startChar 117 ; sckg:endChar 163 ; sckg:method "test" ; sckg:methodVersion "1" ;
      sckg:confidence 0.9 ; sckg:status sckg:reported ; sckg:validFrom "2010"^^xsd:gYear .
  id:decision\\/cut a sckg:Decision, prov:Activity ; rdfs:label "order by Germany: Acme"@en ;
      sckg:kind sckg:order ; sckg:decidedBy id:germany ; sckg:target id:acme ;
      sckg:decisionDate "2020-03"^^xsd:gYearMonth ; sckg:changed ev:cut ;
      prov:wasDerivedFrom id:doc\\/a2024 ; sckg:sentence "In March 2020 Berlin ordered Acme to cut its stake from 35% to 24.9%." ;
      sckg:startChar 0 ; sckg:endChar 68 ; sckg:method "test" ; sckg:methodVersion "1" ;
      sckg:confidence 0.9 ; sckg:status sckg:reported .
}
""".replace("H1", "a" * 64).replace("H2", "b" * 64)


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    d = tmp_path_factory.mktemp("history")
    (d / "history.trig").write_text(HISTORY, encoding="utf-8")
    r = CliRunner().invoke(cli, ["import", str(d / "history.trig"), "--store", str(d / "store")])
    assert r.exit_code == 0, r.output
    return d / "store"


def _rows(store, *args):
    r = CliRunner().invoke(cli, ["query", "--store", str(store), "--format", "csv", *args])
    assert r.exit_code == 0, r.output
    return list(csv.DictReader(io.StringIO(r.output)))


def test_known_history_conforms_to_the_shapes(history):
    with Store(history, mode="read") as s:
        assert validate(s).conforms


@pytest.mark.parametrize("date, shares", [
    ("2014", set()),                         # before the purchase
    ("2015", {"0.35"}),                      # the year it was bought
    ("2019-12-31", {"0.35"}),
    ("2021-06-30", {"0.35", "0.249|"}),      # after the cut: both statements hold, the cut one with its new stake
    ("2023-01", {"0.35", "0.249|"}),
    ("2023-03", set()),                      # sold in February 2023
])
def test_ownership_as_of_follows_the_known_history(history, date, shares):
    rows = _rows(history, "--named", "ownership-as-of", "--bind", f'date="{date}"')
    got = set()
    for row in rows:
        assert (row["ownerLabel"], row["ownedLabel"]) == ("Acme", "Tollerort Terminal")
        got.add(row["share"] or "0.249|")
    assert got == shares


def test_as_of_option_gives_the_graph_of_that_date(history):
    def owns(*opts):
        return {(r["a"], r["b"]) for r in _rows(history, *opts, "SELECT ?a ?b WHERE { ?a sckg:owns ?b }")}
    pair = ("https://w3id.org/sckg/id/acme", "https://w3id.org/sckg/id/tollerort")
    assert owns("--as-of", "2016") == {pair}
    assert owns("--as-of", "2014") == set()
    assert owns("--as-of", "2023-03") == set()
    assert owns() == {pair}  # without a date: everything ever stated
    # the terminal's operation began in 2010 and never ended
    ops = _rows(history, "--as-of", "2012", "SELECT ?a ?b WHERE { ?a sckg:operates ?b }")
    assert [r["b"] for r in ops] == ["https://w3id.org/sckg/id/berth"]


def test_known_by_keeps_only_documents_published_by_then(history):
    rows = _rows(history, "--known-by", "2016", "SELECT DISTINCT ?doc WHERE { ?doc a sckg:Document }")
    assert [r["doc"] for r in rows] == ["https://w3id.org/sckg/id/doc/a2015"]
    rows = _rows(history, "--known-by", "2016", "SELECT ?d WHERE { ?d a sckg:Decision }")
    assert rows == []  # the 2024 article told of the decision
    assert len(_rows(history, "--known-by", "2024", "SELECT ?d WHERE { ?d a sckg:Decision }")) == 1


def test_changes_between_two_dates(history):
    rows = _rows(history, "--named", "changes", "--bind", 'from="2020"', "--bind", 'to="2023-02"')
    got = {(r["when"], r["change"], r["what"]) for r in rows}
    assert got == {("2020-03", "started", "owns"), ("2020-03", "started", "blocked"),
                   ("2020-03", "decision", "order"), ("2023-02", "ended", "owns")}


def test_decision_effects_link_the_order_to_the_cut_stake(history):
    rows = _rows(history, "--named", "decision-effects")
    assert len(rows) == 1
    r = rows[0]
    assert (r["kind"], r["actorLabel"], r["date"], r["change"], r["subjectLabel"], r["relation"],
            r["objectLabel"], r["before"], r["after"]) == \
        ("order", "Germany", "2020-03", "changed", "Acme", "owns", "Tollerort Terminal", "0.35", "0.249")


def test_path_view_and_analyze_take_as_of(history, tmp_path):
    runner = CliRunner()
    r = runner.invoke(cli, ["path", "Acme", "Hamburg berth", "--store", str(history), "--as-of", "2016"])
    assert r.exit_code == 0 and "Acme --owns--> Tollerort Terminal" in r.output, r.output
    r = runner.invoke(cli, ["path", "Acme", "Hamburg berth", "--store", str(history), "--as-of", "2024"])
    assert r.exit_code == 1 and "no path" in r.output
    r = runner.invoke(cli, ["view", "--store", str(history), "--as-of", "2014", "--out", str(tmp_path / "v.html")])
    assert r.exit_code == 0 and "2 entities, 1 relation" in r.output, r.output  # only the berth's operation
    r = runner.invoke(cli, ["analyze", "--store", str(history), "--as-of", "2021"])
    assert r.exit_code == 0 and "4 entities, 3 relations" in r.output, r.output


@pytest.mark.parametrize("command", [["query", "SELECT * WHERE { ?s ?p ?o }"], ["view"], ["analyze"],
                                     ["path", "Acme", "Tollerort Terminal"]])
def test_bad_as_of_date_is_a_clear_error(history, command, tmp_path):
    r = CliRunner().invoke(cli, [*command, "--store", str(history), "--as-of", "June 2020"])
    assert r.exit_code != 0 and "--as-of: 'June 2020' is not a date; use YYYY, YYYY-MM or YYYY-MM-DD" in r.output


def test_as_of_leaves_the_stored_graph_alone(history):
    with Store(history, mode="read") as s:
        before = len(s.quads())
        mem = as_of(s, valid_at="2014")
        assert len(mem.quads()) < before
        assert len(s.quads()) == before


def test_seed_berlin_intervention_is_a_decision_that_changed_coscos_stake(tmp_path):
    store = tmp_path / "store"
    r = CliRunner().invoke(cli, ["build", str(SEEDS), "--store", str(store)])
    assert r.exit_code == 0, r.output
    rows = _rows(store, "--named", "decision-effects")
    cosco = [r for r in rows if r["actorLabel"] == "Germany" and r["subjectLabel"] == "Cosco"]
    assert cosco, rows
    assert all(r["change"] == "changed" and r["relation"] == "owns" for r in cosco)
    assert any(r["objectLabel"].startswith("operator of a Hamburg port terminal") for r in cosco)
    assert all("resulting in a reduction of the stake" in r["decisionSentence"] for r in cosco)
    with Store(store, mode="read") as s:
        assert validate(s).conforms


def test_valid_time_and_stake_change_from_text(tmp_path):
    text = ("---\ntitle: t\ndate: 2023-12-05\n---\n"
            "Cosco Shipping acquired a 35% stake in Tollerort Terminal in 2018. "
            "In November, the German government ordered Cosco Shipping to cut its stake in Tollerort Terminal "
            "from 35% to 24.9%. "
            "Vodafone sold its stake in Vodafone Hutchison Australia in 2022.\n")
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    store = tmp_path / "store"
    r = CliRunner().invoke(cli, ["build", str(tmp_path / "a.txt"), "--store", str(store)])
    assert r.exit_code == 0, r.output
    rows = _rows(store, """SELECT ?s ?p ?o ?from ?until ?before ?after WHERE {
        ?e a sckg:Evidence ; rdf:subject/rdfs:label ?s ; rdf:predicate ?p ; rdf:object/rdfs:label ?o .
        OPTIONAL { ?e sckg:validFrom ?from } OPTIONAL { ?e sckg:validUntil ?until }
        OPTIONAL { ?e sckg:shareBefore ?before } OPTIONAL { ?e sckg:shareAfter ?after } }""")
    by = {(r["s"], r["p"].rsplit("#")[-1], r["o"], r["from"], r["until"], r["before"], r["after"]) for r in rows}
    assert ("Cosco", "owns", "Tollerort Terminal", "2018", "", "", "") in by, by  # the gazetteer's name
    assert any(b[1] == "blocked" and b[3] == "2023-11" for b in by), by
    assert any(b[1] == "owns" and b[5:] == ("0.35", "0.249") for b in by), by
    assert ("Vodafone", "owns", "Vodafone Hutchison Australia", "", "2022", "", "") in by, by


def _decisions(extractor, body: str):
    x = extractor.extract(parse_article("---\ntitle: t\ndate: 2024-05-03\n---\n" + body + "\n", name="inline.txt"))
    label = {k: e.label for k, e in x.entities.items()}
    rels = {(label[r.subject], r.relation, label[r.object]): r.evidence.status for r in x.relations}
    decs = [(d.kind, label[d.actor], {(e.change, label[e.relation.subject], e.relation.relation,
                                        label[e.relation.object]) for e in d.effects}) for d in x.decisions]
    return rels, decs


def test_a_prohibited_deal_stated_in_another_sentence_is_prevented_and_never_held(extractor):
    rels, decs = _decisions(extractor, (
        "Brenna Capital Ltd. announced its acquisition of Kelvane Systems Inc., an Ohio maker of radar chips, "
        "in March. On Friday the Government of Canada issued an order prohibiting the transaction between "
        "Brenna Capital and Kelvane Systems."))
    # "an order prohibiting" is a prohibition, and what it prevents is the deal of the first sentence
    assert any(kind == "prohibition" and actor == "Canada"
               and ("prevented", "Brenna Capital Ltd.", "owns", "Kelvane Systems Inc.") in effects
               for kind, actor, effects in decs), decs
    assert rels[("Brenna Capital Ltd.", "owns", "Kelvane Systems Inc.")] == "planned", rels


def test_a_prohibition_leaves_the_buyers_own_parent_alone(extractor):
    rels, decs = _decisions(extractor, (
        "On Friday the Government of Canada issued an order prohibiting the acquisition of Kelvane Systems Inc. "
        "by Brenna Capital Ltd., a company majority owned by Talvor Holdings."))
    assert rels[("Talvor Holdings", "owns", "Brenna Capital Ltd.")] == "reported", rels
    assert not any(e[1] == "Talvor Holdings" for _k, _a, effects in decs for e in effects), decs


def test_an_order_to_divest_ends_what_was_bought_which_held_until_then(extractor):
    rels, decs = _decisions(extractor, (
        "Brenna Capital Ltd. acquired Kelvane Systems Inc., an Ohio maker of radar chips, in 2021. "
        "On Friday the Government of Canada ordered Brenna Capital to divest Kelvane Systems."))
    assert rels[("Brenna Capital Ltd.", "owns", "Kelvane Systems Inc.")] == "reported", rels
    assert any(k == "order" and ("ended", "Brenna Capital Ltd.", "owns", "Kelvane Systems Inc.") in effects
               for k, _a, effects in decs), decs


def test_an_approval_is_a_decision_that_ends_the_review_and_starts_the_deal(extractor):
    _rels, decs = _decisions(extractor, (
        "The Kelvane Competition Authority has approved the acquisition of Brenna Systems Ltd. by Talvor Capital Inc."))
    assert ("approval", "Kelvane Competition Authority", {
        ("started", "Talvor Capital Inc.", "owns", "Brenna Systems Ltd."),
        ("ended", "Kelvane Competition Authority", "monitors", "Brenna Systems Ltd."),
        ("ended", "Kelvane Competition Authority", "monitors", "Talvor Capital Inc.")}) in decs, decs
