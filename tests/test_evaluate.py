"""Scoring by the gold rules: matching by labels and aliases, either-object, symmetric partners."""

from pathlib import Path

import pytest

from graph.evaluate import GoldError, evaluate, load_gold

from .conftest import DEV


def test_seed_required_relations_have_recall_one(seed_store):
    report = evaluate(seed_store, DEV)
    assert report.documents == ["vsse-cainiao-liege.txt"]
    assert report.overall.recall == 1.0, [str(m) for m in report.misses]
    assert not report.duplicates or set(report.duplicates) <= {"Hamburg port terminal operator"}, report.duplicates


def test_unknown_entity_in_gold_names_the_file(tmp_path):
    (tmp_path / "x.gold.yaml").write_text(
        "document: x.txt\nentities:\n  - {name: A, type: Company}\nrelations:\n"
        "  - {subject: A, relation: owns, object: B}\n", encoding="utf-8")
    with pytest.raises(GoldError, match=r"x.gold.yaml: relations #1 names 'B'"):
        load_gold(tmp_path)


def test_broken_yaml_names_file_and_line(tmp_path):
    (tmp_path / "y.gold.yaml").write_text("document: y.txt\nentities: [\n  - {name: A\n", encoding="utf-8")
    with pytest.raises(GoldError, match=r"y.gold.yaml:\d+: not valid YAML"):
        load_gold(tmp_path)


def test_scoring_rules_on_a_small_graph(extractor, ontology, tmp_path):
    from graph.document import parse_article
    from graph.store import Store
    (tmp_path / "t.gold.yaml").write_text("""document: t.txt
entities:
  - {name: Wingtech, type: Company}
  - {name: Nexperia, type: Company, aliases: [Nexperia BV]}
  - {name: Netherlands, type: State, aliases: [Dutch government], also: [The Hague]}
  - {name: Huawei, type: Company}
relations:
  - {subject: Wingtech, relation: owns, object: Nexperia}
  - {subject: Netherlands, relation: monitors, object: [Wingtech, Nexperia]}
optional:
  - {subject: Huawei, relation: partnersWith, object: Nexperia}
""", encoding="utf-8")
    text = ("Wingtech owns Nexperia. The Dutch government is investigating Nexperia. "
            "Nexperia signed a partnership with Huawei. The Dutch government blocked Huawei.")
    store = Store(None)
    store.add(extractor.extract(parse_article(text, name="t.txt")), ontology)
    r = evaluate(store, tmp_path)
    assert r.overall.recall == 1.0, r.misses
    assert r.by_relation["partnersWith"].matched_gold == 1  # either direction
    assert [fp[1] for fp in r.false_positives] == ["blocked"], r.false_positives
    assert r.overall.precision == pytest.approx(3 / 4)


def test_a_gold_file_with_a_yaml_alias_bomb_is_refused_naming_it(tmp_path):
    from graph.evaluate import GoldError, load_gold
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    (tmp_path / "bomb.gold.yaml").write_text("\n".join(lines) + "\ndocument: *a8\n")
    with pytest.raises(GoldError, match=r"bomb\.gold\.yaml:2: YAML aliases"):
        load_gold(tmp_path)


def test_eval_build_reads_only_the_documents_gold_names(tmp_path):
    """`eval --build` ingested SOURCES.md and audit notes as articles; their relations counted as errors."""
    import shutil
    from click.testing import CliRunner
    from graph.cli import cli
    src = Path(__file__).parent / "data" / "eval" / "dev"
    shutil.copytree(src, tmp_path / "dev")
    (tmp_path / "dev" / "NOTES.md").write_text("The German government blocked the sale of Elmos to Sai Micro.\n")
    res = CliRunner().invoke(cli, ["eval", "--build", str(tmp_path / "dev")])
    assert res.exit_code == 0, res.output
    assert "Elmos" not in res.output and "documents scored: 5" in res.output, res.output


def test_a_name_two_gold_entities_share_counts_only_for_a_node_with_no_name_of_its_own(tmp_path, ontology):
    """Scoring rule 4: 'Commission' is an alias of two gold commissions; a node labelled
    'Federal Communications Commission' and 'Commission' is not a duplicate of the European
    Commission, a node labelled only 'Commission' is a candidate for both."""
    from graph.evaluate import Gold, GoldEntity, _duplicates
    gold = Gold()
    for doc, name in (("a.txt", "European Commission"), ("b.txt", "Federal Communications Commission")):
        gold.entities[f"{doc}/{name}"] = GoldEntity(name, "GovernmentBody", frozenset({name.lower(), "commission"}),
                                                    frozenset())
    labels = {"ec": {"european commission", "commission"}, "fcc": {"federal communications commission", "commission"}}
    assert _duplicates(gold, ["a.txt", "b.txt"], labels, {}) == {}
    labels["bare"] = {"commission"}
    assert set(_duplicates(gold, ["a.txt", "b.txt"], labels, {"bare": "Commission"})) == {
        "European Commission", "Federal Communications Commission"}


def test_every_real_text_has_its_source_and_licence_recorded():
    """Redistributable texts only: each real article names its licence in its front matter
    and has a row in real/SOURCES.md; each has a gold file beside it."""
    real = Path(__file__).parent / "data" / "eval" / "real"
    sources = (real / "SOURCES.md").read_text(encoding="utf-8")
    for txt in sorted(real.glob("*.txt")):
        head = txt.read_text(encoding="utf-8").split("---", 2)[1]
        assert "license:" in head, txt.name
        assert f"| {txt.name} |" in sources, f"{txt.name} has no row in SOURCES.md"
        assert txt.with_suffix(".gold.yaml").exists(), txt.name
