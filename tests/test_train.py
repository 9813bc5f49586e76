"""The learned relation model: reproducible training, document-level cross-validation, the model file."""

import dataclasses
import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.cli import cli
from graph.extract import Extractor
from graph.extract.classifier import LinearModel, ModelError, load_model
from graph.store import Store
from graph.train import _fit_weights, _folds, _model, _triples, cross_validate, format_cv, load_corpora, train

from .conftest import extract_text

EVAL = Path(__file__).resolve().parent / "data" / "eval"
CORPORA = [EVAL / "real", EVAL / "dev", EVAL / "own"]


@pytest.fixture(scope="module")
def untrained(ontology):
    return Extractor(ontology, relation_model=None)


def test_the_shipped_model_is_what_sckg_train_produces(untrained):
    """The same features, relations, thresholds and C, and every weight and bias equal up to
    floating-point noise: the numeric libraries' sums move in the sixth decimal with the
    threads they start with (OMP_NUM_THREADS and the like, which a Dask cluster sets for its
    workers and leaves set in the process that started it), and the version digest with them."""
    model, _ = train([str(d) for d in CORPORA], extractor=untrained, date="2026-11-24")
    shipped = load_model()
    assert (model.relations, model.thresholds, model.aggregation) == \
        (shipped.relations, shipped.thresholds, shipped.aggregation)
    assert model.card["C"] == shipped.card["C"]
    assert set(model.weights) == set(shipped.weights)
    worst = max(abs(a - b) for f, row in model.weights.items() for a, b in zip(row, shipped.weights[f]))
    assert worst < 1e-4 and all(abs(a - b) < 1e-4 for a, b in zip(model.bias, shipped.bias)), worst
    assert shipped.card["documents"] == len(list((EVAL / "real").glob("*.gold.yaml"))) + 5 + 18
    assert Path(__file__).parent.parent.joinpath("graph/extract/model/MODEL_CARD.md").read_text().count(
        shipped.version) == 1


def test_the_shipped_model_is_small_and_records_its_figures():
    path = Path(__file__).parent.parent / "graph" / "extract" / "model" / "relations.json"
    assert path.stat().st_size < 50 * 2**20
    card = load_model().card
    real = card["cross_validation"]["tests/data/eval/real"]
    assert real["k"] == 5 and 0 < real["overall"]["F1"] <= 1
    assert set(card["required_relations"]) == {"monitors", "owns", "partnersWith", "blocked", "operates"}


def test_folds_partition_the_documents(untrained):
    docs = load_corpora([EVAL / "dev"], untrained)
    folds = _folds(docs, 3)
    names = [d.name for f in folds for d in f]
    assert sorted(names) == sorted(d.name for d in docs) and len(set(names)) == len(names)


def test_cross_validation_reports_held_out_documents_and_calibration(untrained):
    docs = load_corpora([EVAL / "dev", EVAL / "own"], untrained)
    result = cross_validate(docs, untrained, k=4)
    assert set(result.reports) == {str(EVAL / "dev"), str(EVAL / "own")}
    assert sorted(result.reports[str(EVAL / "dev")].documents) == sorted(
        p.name for p in (EVAL / "dev").glob("*.txt"))
    assert result.reports[str(EVAL / "own")].overall.required == 49
    counted = sum(n for *_, n, _ in result.reliability)
    assert counted > 0 and all(0 <= c <= n for *_, n, c in result.reliability)
    text = format_cv(result)
    assert "held-out folds only" in text and "calibration" in text
    assert untrained.classifier is None  # the extractor is left as it was


def test_eval_cv_command_prints_per_directory_tables(tmp_path):
    res = CliRunner().invoke(cli, ["eval", "--cv", "3", str(EVAL / "dev")])
    assert res.exit_code == 0, res.output
    assert "3-fold document-level cross-validation" in res.output and "overall" in res.output


def test_eval_cv_refuses_more_folds_than_documents():
    res = CliRunner().invoke(cli, ["eval", "--cv", "9", str(EVAL / "dev")])
    assert res.exit_code == 1 and "--cv needs 2 <= K <= 5" in res.output, res.output


def test_train_names_a_gold_file_whose_article_is_missing(tmp_path):
    (tmp_path / "a.gold.yaml").write_text("document: a.txt\nentities: []\nrelations: []\n")
    res = CliRunner().invoke(cli, ["train", str(tmp_path), "--out", str(tmp_path / "m.json")])
    assert res.exit_code == 1 and "a.gold.yaml" in res.output and "a.txt" in res.output, res.output
    assert not (tmp_path / "m.json").exists()


@pytest.mark.parametrize("text,message", [
    ("{not json", "m.json:1: not valid JSON"),
    ('{"format": "other"}', "not an sckg relation model"),
    (json.dumps({"format": "sckg-linear-relations/1", "relations": ["owns"], "weights": {"f": [1, 2]},
                 "bias": [0], "thresholds": [0.5]}), "rows do not match"),
    (json.dumps({"format": "sckg-linear-relations/1", "relations": ["owns"], "weights": {"f": ["NaN"]},
                 "bias": [0], "thresholds": [0.5]}), "non-finite"),
    (json.dumps({"format": "sckg-linear-relations/1", "relations": ["owns"], "weights": {"f": [1]},
                 "bias": [0], "thresholds": [0.5], "aggregation": "mean"}), "unknown aggregation 'mean'"),
])
def test_a_bad_model_file_is_named_in_the_error(tmp_path, text, message):
    path = tmp_path / "m.json"
    path.write_text(text)
    with pytest.raises(ModelError, match=message.replace("(", r"\(")):
        load_model(path)


def test_a_model_round_trips_through_its_file(tmp_path):
    m = LinearModel(("owns", "blocked"), {"a": (1.5, -2.0), "b": (0.25, 0.0)}, (-1.0, 0.5), (0.4, 0.6), "v1",
                    {"date": "2026-01-01"})
    m.save(tmp_path / "m.json")
    assert load_model(tmp_path / "m.json") == m
    n = dataclasses.replace(m, aggregation="noisy-or")
    n.save(tmp_path / "n.json")
    assert load_model(tmp_path / "n.json") == n != m


def test_sentences_of_one_document_together_state_a_relation(ontology):
    """Two sentences each 40% likely to state that Vantor owns Brenna make the document 64%
    likely to (noisy-or): above a threshold of 0.5 that neither reaches alone. Both are its
    evidence, with their own probability; combined by their maximum, neither is accepted."""
    text = "Vantor Holdings met Brenna Gas officials. Vantor Holdings later sold Brenna Gas equipment."
    bias = math.log(0.4 / 0.6)
    both = LinearModel(("owns",), {}, (bias,), (0.5,), "t", aggregation="noisy-or")
    rows = [ev for s, p, o, ev in extract_text(Extractor(ontology, relation_model=both), text)
            if (s, p, o) == ("Vantor Holdings", "owns", "Brenna Gas") and ev.method == "sckg-learned"]
    assert len(rows) == 2 and all(ev.confidence == pytest.approx(0.4) for ev in rows), rows
    best = dataclasses.replace(both, aggregation="max")
    assert not [p for s, p, o, ev in extract_text(Extractor(ontology, relation_model=best), text) if p == "owns"
                and ev.method == "sckg-learned"]


def test_learned_evidence_names_the_model_version_and_its_probability(seed_store):
    version = load_model().version
    rows = list(seed_store.query("""SELECT ?m ?v ?c ?st ?s WHERE { ?e a sckg:Evidence ; sckg:method ?m ;
        sckg:methodVersion ?v ; sckg:confidence ?c ; sckg:status ?st ; sckg:sentence ?s }"""))
    learned = [r for r in rows if r["m"].value == "sckg-learned"]
    assert learned, rows
    for r in learned:
        assert version in r["v"].value
        assert 0.0 < float(r["c"].value) <= 1.0
        assert r["s"].value


def test_a_build_with_a_model_file_of_ones_own(tmp_path, ontology):
    m = LinearModel(("owns",), {"trig=owns:verb": (6.0,)}, (-3.0,), (0.5,), "mine")
    m.save(tmp_path / "m.json")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Vale acquired Inco in 2006.\n")
    store = tmp_path / "store"
    res = CliRunner().invoke(cli, ["build", str(tmp_path / "in"), "--store", str(store),
                                   "--relation-model", str(tmp_path / "m.json")])
    assert res.exit_code == 0, res.output
    rows = list(Store(store).query("SELECT ?v WHERE { ?e sckg:method 'sckg-learned' ; sckg:methodVersion ?v }"))
    assert rows and all(r["v"].value.endswith("+mine") for r in rows), rows


def test_batch_scores_equal_one_at_a_time():
    m = load_model()
    rows = [["bias", "trig=owns:verb", "ts=Company", "to=Company"], ["bias"], [], ["never-seen"]]
    batch = m.scores_many(rows)
    for row, got in zip(rows, batch):
        assert got == pytest.approx(m.scores(row), abs=1e-12)
    assert m.predict_many(rows) == [m.predict(r) for r in rows]


def test_training_without_scikit_learn_says_what_to_install(tmp_path):
    """A plain install has no scikit-learn: `sckg train` was an internal error."""
    import subprocess
    import sys
    code = ("import sys; sys.modules['sklearn'] = None; sys.modules['sklearn.linear_model'] = None\n"
            "from graph.cli import main; sys.argv = ['sckg', 'train', %r, '--out', %r]; main()"
            % (str(EVAL / "dev"), str(tmp_path / "m.json")))
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 1 and "pip install 'sckg[train]'" in r.stderr, (r.returncode, r.stderr)
    assert not (tmp_path / "m.json").exists()


def test_optional_gold_is_neither_taught_nor_scored(tmp_path, untrained, ontology):
    """A relation the gold marks optional (planned, hedged) is no positive to learn from and
    no false positive when predicted: the model learns and picks thresholds as scoring counts."""
    (tmp_path / "a.txt").write_text(
        "Brenna Holdings owns Tarvo Rail. Brenna Holdings plans to buy Kelvane Ports next year.\n")
    (tmp_path / "a.gold.yaml").write_text(
        "document: a.txt\n"
        "entities:\n"
        "  - {name: Brenna Holdings, type: Company}\n"
        "  - {name: Tarvo Rail, type: Company}\n"
        "  - {name: Kelvane Ports, type: Company}\n"
        "relations:\n"
        "  - {subject: Brenna Holdings, relation: owns, object: Tarvo Rail}\n"
        "optional:\n"
        "  - {subject: Brenna Holdings, relation: owns, object: Kelvane Ports}\n")
    [doc] = load_corpora([tmp_path], untrained)
    ms = doc.analysis.mentions
    label = {(ms.entities[p.subject].label, ms.entities[p.object].label): (lab, opt)
             for p, lab, opt in zip(doc.analysis.pairs, doc.labels, doc.optional)}
    assert label[("Brenna Holdings", "Tarvo Rail")] == ({"owns"}, frozenset())
    assert label[("Brenna Holdings", "Kelvane Ports")] == (frozenset(), {"owns"})
    vocab, coefs, biases = _fit_weights([doc, doc], ("owns",), ontology)
    model = _model(vocab, coefs, biases, ("owns",), [0.5], version="t", card={})
    scored = {(ms.entities[s].label, ms.entities[o].label) for (_, s, _, o) in _triples([doc], model, ontology)}
    assert ("Brenna Holdings", "Tarvo Rail") in scored
    assert ("Brenna Holdings", "Kelvane Ports") not in scored
