"""One node per real entity across articles: joining, candidate merges, judgements, curated facts."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.cli import cli
from graph.ingest import build
from graph.resolve import load_curation, merge_candidates
from graph.store import Store

ENT = "https://w3id.org/sckg/id/"
SCKG = "https://w3id.org/sckg/ontology#"

ARTICLES = {
    "one.txt": "---\ntitle: Port deal\ndate: 2024-03-01\n---\n"
               "Landbridge Group Ltd owns the Port of Darwin. The Australian government reviewed the lease.\n",
    "two.txt": "---\ntitle: Darwin review\ndate: 2024-05-01\n---\n"
               "The Australian government is monitoring Landbridge. Hutchison Ports operates the Port of Felixstowe.\n",
    "three.txt": "Hutchinson Ports owns a stake in the Port of Barcelona. "
                 "Terminal Investment Limited operates the Port of Santos.\n",
    "four.txt": "TIL operates the Port of Valencia, the company said.\n",
}


@pytest.fixture()
def corpus(tmp_path) -> Path:
    d = tmp_path / "articles"
    d.mkdir()
    for name, text in ARTICLES.items():
        (d / name).write_text(text, encoding="utf-8")
    return d


def relations(store) -> set[tuple[str, str, str]]:
    return {(r["s"].value[len(ENT):], r["p"].value[len(SCKG):], r["o"].value[len(ENT):])
            for r in store.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o . ?p a sckg:Relation }")}


def run(*args):
    r = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return r.output


def test_a_short_name_in_a_later_article_joins_the_stored_node(corpus, tmp_path):
    store = Store(tmp_path / "store")
    build([corpus], store=store)
    rels = relations(store)
    # "Landbridge" in two.txt is the "Landbridge Group Ltd" of one.txt: one node, found by its name key
    assert ("landbridge-group-ltd", "owns", "port-of-darwin") in rels
    assert ("australia", "monitors", "landbridge-group-ltd") in rels
    assert not any("landbridge" == s or "landbridge" == o for s, _, o in rels)
    keys = {r["k"].value for r in store.query(
        "SELECT ?k WHERE { <https://w3id.org/sckg/id/landbridge-group-ltd> sckg:nameKey ?k }")}
    assert keys == {"landbridge group ltd", "landbridge group", "landbridge", "acr:lgl"}  # full, legal form, suffixes, initials


def test_the_join_does_not_depend_on_build_order(corpus, tmp_path):
    first = Store(tmp_path / "a")
    build([corpus / "one.txt"], store=first)
    build([corpus / "two.txt"], store=first)
    together = Store(tmp_path / "b")
    build([corpus / "one.txt", corpus / "two.txt"], store=together)
    assert relations(first) == relations(together)


def test_candidates_list_similar_names_and_initials_with_sentences(corpus, tmp_path, ontology):
    store = Store(tmp_path / "store")
    build([corpus], store=store)
    cands = merge_candidates(store, ontology, load_curation(None, ontology))
    pairs = {(c.a_label, c.b_label): c for c in cands}
    typo = pairs[("Hutchinson Ports", "Hutchison Ports")]
    assert typo.reason == "similar names" and typo.score >= 90
    assert typo.a_sentence == "Hutchinson Ports owns a stake in the Port of Barcelona."
    assert typo.b_sentence == "Hutchison Ports operates the Port of Felixstowe."
    # nothing pairs across families: a port is never offered as the same as a company
    assert all({c.a_label, c.b_label} != {"Port of Darwin", "Landbridge Group Ltd"} for c in cands)
    assert [c.score for c in cands] == sorted((c.score for c in cands), reverse=True)


def _nodes_named(store, name: str) -> set[str]:
    return {r["e"].value for r in store.query("SELECT DISTINCT ?e ?n WHERE { ?e rdfs:label|skos:altLabel ?n }")
            if r["n"].value == name}


def _built(tmp_path, **texts) -> Store:
    """An in-memory store built from articles named after the keywords, in name order."""
    (tmp_path / "in").mkdir()
    for name, text in texts.items():
        (tmp_path / "in" / f"{name}.txt").write_text(text + "\n")
    store = Store(None)
    build([tmp_path / "in"], store=store)
    return store


def test_an_acronym_in_one_article_joins_the_full_name_in_another(corpus, tmp_path):
    store = Store(tmp_path / "store")
    build([corpus], store=store)
    til, full = _nodes_named(store, "TIL"), _nodes_named(store, "Terminal Investment Limited")
    assert til and til == full, (til, full)


def test_two_full_names_with_the_same_initials_stay_apart(tmp_path):
    store = _built(
        tmp_path,
        a="Holtec was reviewed by the Department of Energy last year.",
        b="Pearson was reviewed by the Department of Education last year.",
    )
    energy, education = _nodes_named(store, "Department of Energy"), _nodes_named(store, "Department of Education")
    assert energy and education and not energy & education, (energy, education)


def test_initials_join_no_full_name_to_a_node_named_by_another_full_name(tmp_path):
    """A node named "Kelvar" that also carries "Kelvar Ultra Acquisitions Limited" is not the
    acronym "UAL": "Ustrand Argonel, LLC" (the same initials) stays apart."""
    store = _built(
        tmp_path,
        a="Kelvar owns a radar plant in Osterby.",
        a2="Kelvar Ultra Acquisitions Limited made an offer for Brenna plc. Kelvar said the offer was final.",
        b="The Department of Energy awarded the contract to Ustrand Argonel, LLC, owned by Halden University.",
    )
    kelvar, ustrand = _nodes_named(store, "Kelvar"), _nodes_named(store, "Ustrand Argonel, LLC")
    assert kelvar and ustrand and not kelvar & ustrand, (kelvar, ustrand)


def test_judgements_are_recorded_applied_and_survive_a_fresh_build(corpus, tmp_path):
    store, cur = tmp_path / "store", tmp_path / "curation"
    run("build", corpus, "--store", store)
    out = run("resolve", "--store", store, "--curation", cur, "same", "hutchison-ports", "ent:hutchinson-ports",
              "--note", "one company, misspelt")
    assert "merged': 1" in out
    run("resolve", "--store", store, "--curation", cur, "different", "terminal-investment-limited", "til")
    text = (cur / "judgements.yaml").read_text()
    assert "keep: https://w3id.org/sckg/id/hutchison-ports" in text and "one company, misspelt" in text
    assert "no candidate merges" in run("resolve", "--store", store, "--curation", cur)

    fresh = tmp_path / "fresh"
    run("build", corpus, "--store", fresh, "--curation", cur)
    s = Store(fresh)
    rels = relations(s)
    assert {("hutchison-ports", "owns", "port-of-barcelona"),
            ("hutchison-ports", "operates", "port-of-felixstowe")} <= rels
    assert not s.ask("ASK { ?s ?p <https://w3id.org/sckg/id/hutchinson-ports> }")
    assert not s.ask("ASK { <https://w3id.org/sckg/id/hutchinson-ports> ?p ?o }")
    names = {r["n"].value for r in s.query(
        "SELECT ?n WHERE { <https://w3id.org/sckg/id/hutchison-ports> rdfs:label|skos:altLabel ?n }")}
    assert names == {"Hutchison Ports", "Hutchinson Ports"}


def test_curated_assertions_and_rejections_survive_re_extraction(corpus, tmp_path):
    cur = tmp_path / "curation"
    cur.mkdir()
    (cur / "assertions.yaml").write_text(
        "assert:\n"
        "  - subject: ent:landbridge-group-ltd\n    relation: operates\n    object: port-of-darwin\n"
        "    sentence: Landbridge runs the port under a 99-year lease.\n"
        "    source: https://example.org/lease\n"
        "reject:\n"
        "  - subject: australia\n    relation: monitors\n    object: landbridge-group-ltd\n", encoding="utf-8")
    for attempt in range(2):  # the second build re-applies onto an unchanged store
        store = Store(tmp_path / "store")
        build([corpus], store=store, curation_dir=cur)
        rels = relations(store)
        assert ("landbridge-group-ltd", "operates", "port-of-darwin") in rels
        assert ("australia", "monitors", "landbridge-group-ltd") not in rels
        statuses = {(r["p"].value[len(SCKG):], r["st"].value[len(SCKG):]) for r in store.query(
            "SELECT ?p ?st WHERE { ?ev rdf:predicate ?p ; sckg:status ?st ; "
            "rdf:subject <https://w3id.org/sckg/id/australia> }")}
        assert statuses == {("monitors", "rejected")}, "the rejected claim stays queryable as evidence"
        sentence = [r["x"].value for r in store.query(
            "SELECT ?x WHERE { ?ev rdf:predicate sckg:operates ; sckg:sentence ?x ; "
            "rdf:subject <https://w3id.org/sckg/id/landbridge-group-ltd> }")]
        assert "Landbridge runs the port under a 99-year lease." in sentence  # the curated one, beside any extracted
        store.close()



def test_a_bare_head_word_joins_nothing_across_articles(tmp_path):
    """'the Department' of one article was joined to every department of every other article
    (all Departments of Justice, Energy and Commerce became one node)."""
    store = _built(
        tmp_path,
        a="The Department said on Monday that it was reviewing Holtec. The Department of Energy signed a contract.",
        b="The Department of Justice is investigating Pearson. The Department said it had opened the case.",
    )
    energy, justice = _nodes_named(store, "Department of Energy"), _nodes_named(store, "Department of Justice")
    assert energy and justice and not energy & justice, (energy, justice)
    keys = {r["k"].value for r in store.query("SELECT ?k WHERE { ?e sckg:nameKey ?k }")}
    assert "department" not in keys and "department of" not in keys, sorted(keys)


def test_a_state_institution_named_alone_still_joins_across_articles(tmp_path):
    store = _built(
        tmp_path,
        a="Members of Congress criticised the bid by CNOOC for Unocal.",
        b="Congress is reviewing the sale of the ports to DP World.",
    )
    assert len(_nodes_named(store, "Congress")) == 1


def test_a_case_title_is_two_parties_not_one_name(extractor):
    from graph.document import parse_article
    x = extractor.extract(parse_article(
        "Altice Group Lux v Commission\n\nThe European Commission found that Altice breached the "
        "notification requirement when it acquired PT Portugal.\n", name="case.txt"))
    labels = {e.label: e for e in x.entities.values()}
    assert "Altice Group Lux v Commission" not in {n for e in x.entities.values() for n in e.names}
    assert "Commission" in labels["European Commission"].names, {k: e.names for k, e in labels.items()}
    altice = next(e for e in x.entities.values() if "Altice" in e.names)
    assert altice.type.endswith("#Company") and "Commission" not in altice.names


def test_a_facility_named_bare_in_one_article_joins_its_full_name_in_another(tmp_path):
    """'Kessington' (the terminal of Kessington) is the 'Kessington container terminal' of an
    earlier article; a later 'Kessington airport' is another facility and stays apart."""
    store = _built(
        tmp_path,
        a="Varnholt Ports operates the Kessington container terminal.",
        b="The regulator reviewed the lease of the terminal of Kessington.",
        c="Ostrava Air operates Kessington airport, the ministry said.",
    )
    terminal, bare = _nodes_named(store, "Kessington container terminal"), _nodes_named(store, "Kessington")
    airport = _nodes_named(store, "Kessington airport")
    assert terminal and terminal == bare, (terminal, bare)
    assert airport and not airport & terminal, (airport, terminal)


def test_a_hyphenated_name_and_its_facility_noun_are_one_entity(extractor):
    from graph.document import parse_article
    x = extractor.extract(parse_article(
        "The Commission reviewed aid at the German airport of Kessel-Hahn. Kessel-Hahn airport handles "
        "two million passengers a year. It lies 120 km west of Kessel, where Ryanair opened a base.\n",
        name="hyphen.txt"))
    nodes = [e for e in x.entities.values() if "Kessel-Hahn" in e.label]
    assert len(nodes) == 1, [(e.label, e.names) for e in nodes]
    assert "Kessel" not in nodes[0].names, nodes[0].names  # the city is not the airport


@pytest.mark.parametrize("first,second", [("court", "fcc"), ("fcc", "court")])
def test_a_gazetteer_acronym_joins_no_other_full_name_with_its_initials(tmp_path, first, second):
    """"Federal Court of Canada" in one article and "the FCC" (the gazetteer's Federal
    Communications Commission) in another became one node, which then carried the regulator's
    relations under a court's name; a gazetteer entry is joined by its own names only."""
    texts = {"court": "The Federal Credit Council fined Talvor Bank in March.",
             "fcc": "The Federal Communications Commission (FCC) revoked the licence of Kelvane Telecom."}
    store = _built(tmp_path, **{"a": texts[first], "b": texts[second]})
    council, fcc = _nodes_named(store, "Federal Credit Council"), _nodes_named(store, "FCC")
    assert council and fcc and not council & fcc, (council, fcc)


def test_a_bare_head_word_the_article_never_resolves_is_no_node_unless_something_is_said_of_it(tmp_path):
    """"the Authority said", "the Government welcomed" in an article naming no authority or
    state made nodes labelled "Authority" and "Government" with nothing attached."""
    store = _built(tmp_path, a="The Authority said the sale of Kelvane Foods to Osric Group would be reviewed. "
                               "Osric Group owns Talvor Mills.")
    assert not _nodes_named(store, "Authority"), _nodes_named(store, "Authority")
    assert _nodes_named(store, "Osric Group")


def test_an_article_that_names_both_joins_the_full_name_not_the_bare_one(tmp_path):
    """An article naming "Kelvane Talvor Institute" and calling it "Kelvane" joins the stored
    node of that full name, not a bare "Kelvane" another article left: its names are tried
    fullest first (alphabetically, the bare name came first and its relations went to the bare
    node)."""
    store = _built(
        tmp_path,
        a="Kelvane owns a radar plant in Osterby.",
        b="Kelvane Talvor Institute operates the Brenna Laboratory for the Department of Energy.",
        c="The Department of Energy selected Kelvane Talvor Institute to manage the Osric Laboratory. "
          "Kelvane operates the Osric Laboratory under a five-year contract.",
    )
    full = _nodes_named(store, "Kelvane Talvor Institute")
    assert len(full) == 1, full
    said = {r["l"].value for r in store.query(
        "SELECT ?l WHERE { <%s> sckg:operates ?o . ?o rdfs:label ?l }" % next(iter(full)))}
    assert {"Brenna Laboratory", "Osric Laboratory"} <= said, said


@pytest.mark.parametrize("first,second,label", [
    ("Dubai Ports World agreed to buy P&O in 2006.", "DP World operates the London Gateway port.", "DP World"),
    ("The Treasury sanctioned a front company of the Revolutionary Guards Corps.",
     "The IRGC owns Kelvane Trading LLC, officials said.", "Islamic Revolutionary Guard Corps"),
    ("Zhongxing Telecommunications Equipment Corporation pleaded guilty.", "ZTE was banned from buying chips.", "ZTE"),
])
def test_the_gazetteers_other_names_of_a_well_known_body_are_one_node(tmp_path, first, second, label):
    """News names the same state-linked firms and bodies in several ways; the gazetteer holds
    the common ones, so two articles give one node."""
    store = _built(tmp_path, a=first, b=second)
    nodes = {r["e"].value for r in store.query(
        "SELECT DISTINCT ?e WHERE { ?ev rdf:subject|rdf:object|sckg:assertedBy ?e . ?e a ?t }")}
    named = _nodes_named(store, label)
    assert len(named) == 1, (named, nodes)
    docs = {r["d"].value for r in store.query(
        "SELECT DISTINCT ?d WHERE { GRAPH ?d { <%s> ?p ?o } }" % next(iter(named)))}
    assert len(docs) >= 2, docs
