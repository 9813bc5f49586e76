"""Broken ontology, shapes, curation and gold files: one clear line naming the file (and line)."""

import shutil

import pytest

from graph.ontology import ONTOLOGY_DIR, OntologyError, load_ontology
from graph.store import Store, StoreError

from .conftest import one_clear_line


@pytest.fixture()
def onto_dir(tmp_path):
    d = tmp_path / "ontology"
    shutil.copytree(ONTOLOGY_DIR, d)
    return d


@pytest.mark.parametrize("file,content,needle", [
    ("sckg.ttl", "@prefix sckg: <https://w3id.org/sckg/ontology#> .\nsckg:X a sckg:Relation ; \"open", r"sckg.ttl(:\d+)?: not valid Turtle"),
    ("sckg.ttl", "", "declares no sckg:EntityType"),
    ("gazetteer.ttl", "<a> <b> \"unterminated .", r"gazetteer.ttl(:\d+)?: not valid Turtle"),
    ("gazetteer.ttl", "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n<https://x/y> rdfs:label \"Y\" .",
     "not a declared sckg:EntityType"),
])
def test_broken_ontology_names_the_file(onto_dir, file, content, needle):
    (onto_dir / file).write_text(content, encoding="utf-8")
    with pytest.raises(OntologyError, match=needle):
        load_ontology(onto_dir)


def test_broken_turtle_message_has_a_line(onto_dir):
    path = onto_dir / "sckg.ttl"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[40] = "this is not turtle ;;"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(OntologyError) as err:
        load_ontology(onto_dir)
    assert "sckg.ttl:41: not valid Turtle" in str(err.value), err.value


def test_missing_ontology_file(onto_dir):
    (onto_dir / "gazetteer.ttl").unlink()
    with pytest.raises(OntologyError, match="gazetteer.ttl: file not found"):
        load_ontology(onto_dir)


def test_broken_ontology_leaves_the_store_alone(onto_dir, tmp_path):
    Store(tmp_path / "s").close()
    (onto_dir / "sckg.ttl").write_text("nonsense {", encoding="utf-8")
    with pytest.raises(StoreError, match="sckg.ttl: not valid Turtle"):
        Store(tmp_path / "s", ontology_dir=onto_dir)


def test_broken_shapes_names_the_file(onto_dir, seed_store):
    from graph.validate import validate
    (onto_dir / "shapes.ttl").write_text("sh:NodeShape ;;", encoding="utf-8")
    with pytest.raises(OntologyError, match="cannot read the ontology or shapes"):
        validate(seed_store, ontology_dir=onto_dir)


@pytest.mark.parametrize("file,content,needle", [
    ("judgements.yaml", "same: [\n  {keep: a\n", "judgements.yaml:"),
    ("judgements.yaml", "- just\n- a list\n", "expected 'same:' and 'different:' lists"),
    ("judgements.yaml", "same:\n  - {keep: 'not an iri', merge: b}\n", "is not a valid IRI"),
    ("assertions.yaml", "assert:\n  - {subject: a, relation: befriends, object: b}\n", "unknown relation 'befriends'"),
    ("assertions.yaml", "reject: [\n", "assertions.yaml:"),
    ("assertions.yaml", "assert:\n  - {subject: nobody-at-all, relation: owns, object: nothing-either}\n",
     "is not an entity in the store"),
])
def test_broken_curation_file(sckg, tmp_path, file, content, needle):
    from tests.conftest import SEEDS
    cur = tmp_path / "curation"
    cur.mkdir()
    (cur / file).write_text(content, encoding="utf-8")
    code, out, err = sckg("build", SEEDS, "--store", tmp_path / "s", "--curation", cur)
    one_clear_line(code, out, err, needle)
    assert file in err


@pytest.mark.parametrize("content,needle", [
    ("document: x.txt\nentities: [\n", "x.gold.yaml:"),
    ("- not\n- a mapping\n", "a gold file is a mapping"),
    ("document: x.txt\nentities:\n  - {type: Company}\n", "entity #1 has no name"),
    ("document: x.txt\nentities:\n  - {name: A}\nrelations:\n  - {subject: A, relation: owns}\n",
     "relations #1 needs subject, relation and object"),
])
def test_broken_gold_file(sckg, tmp_path, content, needle):
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "x.gold.yaml").write_text(content, encoding="utf-8")
    Store(tmp_path / "s").close()  # eval reads a store; it never creates one
    one_clear_line(*sckg("eval", gold, "--store", tmp_path / "s"), needle)


def test_gold_dir_without_gold(sckg, tmp_path):
    Store(tmp_path / "s").close()
    one_clear_line(*sckg("eval", tmp_path, "--store", tmp_path / "s"), "no *.gold.yaml files")
