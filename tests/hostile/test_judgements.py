"""Judgements and curated facts about things that are not entities are refused.

``same: {keep: cosco, merge: <an ontology class>}`` and ``{keep: rdf:type, merge:
sckg:State}`` were applied to every graph, the ontology's included, and ``validate`` still
conformed. Only entity IRIs may be merged; the ontology graph is never rewritten.
"""

import pytest

from graph import resolve, store as store_module
from graph.ontology import load_ontology
from graph.resolve import Curation, apply_curation
from graph.store import ONTOLOGY_GRAPH, Store

from .conftest import one_clear_line

SCKG = "https://w3id.org/sckg/ontology#"


def test_resolve_and_store_agree_on_the_ontology_graph():
    assert resolve.ONTOLOGY_GRAPH == store_module.ONTOLOGY_GRAPH


@pytest.mark.parametrize("keep,merge", [
    ("cosco", SCKG + "Company"),
    ("rdf:type", "sckg:State"),
    ("cosco", "sckg:State"),
    ("https://w3id.org/sckg/id/doc/x-123", "cosco"),
    ("cosco", "https://w3id.org/sckg/id/evidence/abc"),
    ("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "cosco"),
])
def test_judgement_on_a_non_entity_is_refused(sckg, tmp_path, keep, merge):
    cur = tmp_path / "curation"
    cur.mkdir()
    (cur / "judgements.yaml").write_text(f"same:\n  - {{keep: '{keep}', merge: '{merge}'}}\n", encoding="utf-8")
    Store(tmp_path / "s").close()
    code, out, err = sckg("resolve", "--store", tmp_path / "s", "--curation", cur, "apply")
    one_clear_line(code, out, err, "is not an entity")
    assert "judgements.yaml" in err, err


def test_resolve_same_argument_that_is_a_class_is_refused(sckg, tmp_path):
    Store(tmp_path / "s").close()
    code, out, err = sckg("resolve", "--store", tmp_path / "s", "--curation", tmp_path / "cur", "same", "cosco",
                          SCKG + "State")
    one_clear_line(code, out, err, "is not an entity")


def test_merge_never_rewrites_the_ontology_graph(seed_store):
    """Applied directly (past the file checks), a merge leaves the ontology graph as it was."""
    onto = load_ontology()
    entities = sorted(seed_store.entities())
    ent_class = str(next(iter(onto.entity_types)))
    ent_class = ent_class if ent_class.startswith("http") else SCKG + ent_class
    with Store(None) as scratch:
        scratch._store.extend(seed_store.quads(include_ontology=True))
        before = [q for q in scratch.quads(include_ontology=True) if q.graph_name.value == ONTOLOGY_GRAPH]
        cur = Curation(same=[(entities[0], ent_class, ""), (ent_class, entities[1], ""),
                             ("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", SCKG + "State", "")])
        apply_curation(scratch, cur, onto)
        after = [q for q in scratch.quads(include_ontology=True) if q.graph_name.value == ONTOLOGY_GRAPH]
        assert after == before, "the ontology graph was rewritten"
        assert scratch.quads() == seed_store.quads(), "a non-entity merge changed the document graphs"
