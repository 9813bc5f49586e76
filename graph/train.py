"""Train the relation classifier from gold corpora; measure it by document-level cross-validation.

The candidates, features and labels of every gold document are computed once; a model is
one logistic regression per relation (scikit-learn, ``liblinear``, fixed seed, tolerance 1e-8: the same
data gives the same file). Each relation's decision threshold is chosen by an inner
cross-validation over the training documents only, maximising document-level F1 averaged
over the threshold and its two neighbours, so a held-out fold never influences its own model.
"""

from __future__ import annotations

import datetime as _dt
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from .document import Article, read_article
from .evaluate import GoldRelation, evaluate, load_gold
from .extract import Analysis, Extractor
from .extract.classifier import LinearModel
from .model import normalise_name
from .ontology import Ontology

#: features seen in fewer training documents are dropped
MIN_DOCS = 2
#: inverse regularisation strength of each logistic regression: the default, and the values
#: the inner cross-validation chooses among (the default wins a tie)
C = 0.3
C_GRID = (0.3, 0.1, 1.0)
#: folds of the inner cross-validation that picks thresholds
INNER_FOLDS = 4
THRESHOLDS = [round(0.05 * k, 2) for k in range(2, 19)]
#: a positive pair scoring below this share of the best pair of its document triple is left
#: out of the second fit (0 turns the second fit off)
MIL_ALPHA = 0.8
#: how a document's sentences for one relation between two entities combine into its
#: probability (graph.extract.classifier.AGGREGATIONS)
AGGREGATION = "noisy-or"


class TrainingError(ValueError):
    """The gold corpora cannot be trained on; the message says why."""


@dataclass
class DocData:
    """One gold document, analysed: candidate pairs with features and gold labels."""

    name: str
    corpus: str  # the gold directory it came from
    article: Article
    analysis: Analysis
    labels: list[frozenset[str]]  # per pair: the relations gold requires between its ends
    fits: list[frozenset[str]]  # per pair: relations whose domain and range its ends fit
    required: Counter  # required gold relations of the document, by relation
    #: per pair: relations gold only marks optional between its ends (hedged, planned,
    #: implied): neither taught nor scored
    optional: list[frozenset[str]] = field(default_factory=list)


def _labels(an: Analysis, gold_rels: list[GoldRelation], gold, doc: str, ontology: Ontology):
    ms = an.mentions
    names = {k: {normalise_name(n) for n in e.names} for k, e in ms.entities.items()}

    def match(key: str, gold_name: str) -> bool:
        ge = gold.entities[f"{doc}/{gold_name}"]
        return bool(names[key] & (ge.names | ge.also))

    labels, fits, optional = [], [], []
    for p in an.pairs:
        lab, opt = set(), set()
        for g in gold_rels:
            ends = [(p.subject, p.object)]
            if g.relation in ontology.relations and ontology.relations[g.relation].symmetric:
                ends.append((p.object, p.subject))
            if any(match(s, g.subject) and any(match(o, ob) for ob in g.objects) for s, o in ends):
                (lab if g.required else opt).add(g.relation)
        labels.append(frozenset(lab))
        optional.append(frozenset(opt - lab))
        st, ot = ms.type_of(p.subject), ms.type_of(p.object)
        fits.append(frozenset(r.name for r in ontology.relations.values()
                              if ontology.fits(r, st, ot)))
    return labels, fits, optional


def load_corpora(gold_dirs, extractor: Extractor) -> list[DocData]:
    """Analyse every article that has a gold file in ``gold_dirs``."""
    docs: list[DocData] = []
    for d in gold_dirs:
        d = Path(d)
        gold = load_gold(d)
        arts = []
        for name in gold.documents:
            path = d / name
            if not path.is_file():
                raise TrainingError(f"{d / (Path(name).stem + '.gold.yaml')}: its document {name} is not in {d}")
            arts.append(read_article(path))
        extractor._fit(arts)
        parsed = extractor.nlp.pipe((a.compact[0] for a in arts), batch_size=16)
        for art, doc in zip(arts, parsed):
            an = extractor.analyse(art, doc)
            grels = [g for g in gold.relations if g.document == art.name]
            labels, fits, optional = _labels(an, grels, gold, art.name, extractor.ontology)
            req = Counter(g.relation for g in grels if g.required)
            docs.append(DocData(art.name, str(d), art, an, labels, fits, req, optional))
    if not docs:
        raise TrainingError("no gold documents to train on")
    return docs


def _relations(docs: list[DocData], ontology: Ontology) -> tuple[str, ...]:
    seen = Counter(r for d in docs for lab in d.labels for r in lab)
    return tuple(r for r in ontology.relations if seen[r] >= 2)


def _matrix(docs: list[DocData], vocab: dict[str, int]):
    import numpy as np
    from scipy.sparse import csr_matrix
    rows, cols = [], []
    n = 0
    for d in docs:
        for feats in d.analysis.features:
            for j in {vocab[f] for f in feats if f in vocab}:
                rows.append(n)
                cols.append(j)
            n += 1
    data = np.ones(len(rows), dtype=np.float64)
    return csr_matrix((data, (rows, cols)), shape=(n, len(vocab)))


def _fit_weights(docs: list[DocData], relations: tuple[str, ...], ontology: Ontology, *, c: float = C):
    """Vocabulary, weights and biases of one logistic regression per relation.

    Gold says which entities a relation joins, not which sentence states it, so every pair
    of the two entities starts as a positive. A document that names them in several
    sentences often states the relation in one ("Alibaba owns Cainiao") and merely mentions
    them together in the others. After a first fit, the positives of such a bag that score
    below ``MIL_ALPHA`` times the bag's best are left out of the second fit (multiple-instance
    learning: at least one sentence of the bag holds the relation).
    """
    import numpy as np
    try:
        from sklearn.linear_model import LogisticRegression
    except ImportError:
        raise TrainingError("training needs scikit-learn: pip install 'sckg[train]'") from None
    df = Counter(f for d in docs for f in {f for feats in d.analysis.features for f in feats})
    vocab = {f: i for i, f in enumerate(sorted(f for f, c in df.items() if c >= MIN_DOCS))}
    X = _matrix(docs, vocab)
    bags = [(d.corpus, d.name, p.subject, p.object) for d in docs for p in d.analysis.pairs]

    def logistic():
        # converged far enough that the result does not depend on the numeric libraries' thread
        # settings (at the default tolerance, 1e-4, weights moved by 2e-4 between processes)
        return LogisticRegression(C=c, solver="liblinear", random_state=0, max_iter=10000, tol=1e-8)

    coefs, biases = [], []
    for rel in relations:
        y = np.array([rel in lab for d in docs for lab in d.labels], dtype=int)
        taught = np.array([rel not in opt for d in docs for opt in d.optional], dtype=float)
        if y.sum() == 0 or y.sum() == len(y):
            coefs.append(np.zeros(len(vocab)))
            biases.append(-10.0 if y.sum() == 0 else 10.0)
            continue
        clf = logistic().fit(X, y, sample_weight=taught)
        if MIL_ALPHA:
            prob = clf.predict_proba(X)[:, 1]
            symmetric = ontology.relations[rel].symmetric
            members: dict[tuple, list[int]] = {}
            for i in np.flatnonzero(y):
                corpus, name, s, o = bags[i]
                members.setdefault((corpus, name, *sorted((s, o))) if symmetric else bags[i], []).append(i)
            weight = taught.copy()
            for idx in members.values():
                best = prob[idx].max()
                for i in idx:
                    if prob[i] < MIL_ALPHA * best:
                        weight[i] = 0.0
            if weight.min() == 0.0:
                clf = logistic().fit(X, y, sample_weight=weight)
        coefs.append(clf.coef_[0])
        biases.append(float(clf.intercept_[0]))
    return vocab, coefs, biases


def _model(vocab, coefs, biases, relations, thresholds, *, version: str, card: dict) -> LinearModel:
    weights = {}
    for f, j in vocab.items():
        row = tuple(float(c[j]) for c in coefs)
        if any(abs(v) >= 1e-4 for v in row):
            weights[f] = tuple(round(v, 6) for v in row)
    return LinearModel(relations, weights, tuple(round(b, 6) for b in biases),
                       tuple(thresholds), version, card, AGGREGATION)


def _triples(docs: list[DocData], model: LinearModel, ontology: Ontology, combine=None):
    """Per document triple: its pairs' probabilities combined (as the model combines them,
    unless ``combine`` is given), and its gold label."""
    probs: dict[tuple, list] = {}
    for d in docs:
        for pair, feats, lab, fit, opt in zip(d.analysis.pairs, d.analysis.features, d.labels, d.fits, d.optional):
            for rel, p in zip(model.relations, model.scores(feats)):
                if rel not in fit:
                    continue
                s, o = pair.subject, pair.object
                if ontology.relations[rel].symmetric and o < s:
                    s, o = o, s
                cur = probs.setdefault((d.name, s, rel, o), [[], False, False])
                cur[0].append(p)
                cur[1] = cur[1] or rel in lab
                cur[2] = cur[2] or rel in opt
    combine = combine or model.combine
    # a triple gold only marks optional counts neither way, as in scoring
    return {key: [combine(ps), y] for key, (ps, y, opt) in probs.items() if y or not opt}


def _choose_thresholds(docs: list[DocData], relations, ontology: Ontology, *, c: float = C) -> tuple[list[float], float]:
    """Per relation, the threshold with the best F1 over an inner cross-validation; and the
    overall F1 those thresholds reach there."""
    folds = _folds(docs, min(INNER_FOLDS, len(docs)))
    scored: dict[tuple, list] = {}
    for k in range(len(folds)):
        train = [d for j, f in enumerate(folds) if j != k for d in f]
        if not train:
            continue
        vocab, coefs, biases = _fit_weights(train, relations, ontology, c=c)
        m = _model(vocab, coefs, biases, relations, [0.5] * len(relations), version="inner", card={})
        scored.update(_triples(folds[k], m, ontology))
    out = []
    total = [0, 0, 0]  # tp, fp, fn at the chosen thresholds
    for rel in relations:
        items = [(p, y) for (_, _, r, _), (p, y) in scored.items() if r == rel]
        n_gold = sum(d.required[rel] for d in docs)
        curve = []
        for t in THRESHOLDS:
            tp = sum(1 for p, y in items if p >= t and y)
            fp = sum(1 for p, y in items if p >= t and not y)
            fn = max(n_gold - tp, 0)
            curve.append((2 * tp / (2 * tp + fp + fn) if tp else 0.0, (tp, fp, fn)))
        # the threshold whose neighbourhood scores best: one lucky step of the inner folds'
        # curve is noise, a plateau is not
        best_t, best_f = 0.5, -1.0
        for k, t in enumerate(THRESHOLDS):
            near = [f for f, _ in curve[max(k - 1, 0):k + 2]]
            f = sum(near) / len(near)
            if f >= best_f:
                best_t, best_f, counts = t, f, curve[k][1]
        out.append(best_t)
        total = [a + b for a, b in zip(total, counts)]
    tp, fp, fn = total
    return out, (2 * tp / (2 * tp + fp + fn) if tp else 0.0)


def _folds(docs: list[DocData], k: int) -> list[list[DocData]]:
    """Documents dealt into ``k`` folds in name order (deterministic, document-level)."""
    ordered = sorted(docs, key=lambda d: (d.name, d.corpus))
    folds: list[list[DocData]] = [[] for _ in range(max(k, 1))]
    for i, d in enumerate(ordered):
        folds[i % len(folds)].append(d)
    return folds


def fit(docs: list[DocData], ontology: Ontology, *, version: str, card: dict | None = None) -> LinearModel:
    """Train a model on ``docs`` (thresholds from an inner cross-validation on them)."""
    relations = _relations(docs, ontology)
    if not relations:
        raise TrainingError("the gold corpora hold no relation with at least two labelled candidates")
    best = None
    for c in C_GRID:  # C and thresholds chosen on the training documents only
        thresholds, f1 = _choose_thresholds(docs, relations, ontology, c=c)
        if best is None or f1 > best[0]:
            best = (f1, c, thresholds)
    _, c, thresholds = best
    vocab, coefs, biases = _fit_weights(docs, relations, ontology, c=c)
    card = {**(card or {}), "C": c} if card is not None else card
    return _model(vocab, coefs, biases, relations, thresholds, version=version, card=card or {})


def data_card(docs: list[DocData]) -> dict:
    """What a model learned from: corpora, documents, candidates, required gold relations."""
    req = Counter()
    for d in docs:
        req.update(d.required)
    return {
        "corpora": sorted({Path(d.corpus).as_posix() for d in docs}),
        "documents": len(docs),
        "candidates": sum(len(d.analysis.pairs) for d in docs),
        "required_relations": dict(sorted(req.items())),
    }


@dataclass
class CVResult:
    """Held-out reports per gold directory and the calibration of held-out probabilities."""

    reports: dict[str, object]  # gold dir -> EvalReport
    reliability: list[tuple[float, float, int, int]]  # (lo, hi, predicted count, correct count)
    k: int


def cross_validate(docs: list[DocData], extractor: Extractor, *, k: int = 5) -> CVResult:
    """Train on k-1 folds, extract the held-out fold; score the held-out graph per directory."""
    from .ingest import write_extractions
    from .store import Store
    ontology = extractor.ontology
    if k < 2 or k > len(docs):
        raise TrainingError(f"--cv needs 2 <= K <= {len(docs)} (the number of gold documents)")
    folds = _folds(docs, k)
    held: dict[str, list] = {}
    triples: dict[tuple, list] = {}
    saved = extractor.classifier
    try:
        for i, fold in enumerate(folds):
            train = [d for j, f in enumerate(folds) if j != i for d in f]
            model = fit(train, ontology, version=f"cv{i}")
            # the reliability of what a user filters on: a relation's likeliest evidence record
            triples.update(_triples(fold, model, ontology, combine=max))
            extractor.classifier = model
            for d in fold:
                held.setdefault(d.corpus, []).append(extractor.decide(d.article, d.analysis))
    finally:
        extractor.classifier = saved
    reports = {}
    for corpus, extractions in held.items():
        store = Store(None)
        write_extractions(store, sorted(extractions, key=lambda x: x.article.name), ontology)
        reports[corpus] = evaluate(store, corpus, all_documents=True)
    bins = [(0.0, 0.1), (0.1, 0.2), (0.2, 0.3), (0.3, 0.4), (0.4, 0.5), (0.5, 0.6), (0.6, 0.7),
            (0.7, 0.8), (0.8, 0.9), (0.9, 1.01)]
    rel = []
    for lo, hi in bins:
        inside = [y for p, y in triples.values() if lo <= p < hi]
        rel.append((lo, min(hi, 1.0), len(inside), sum(inside)))
    return CVResult(reports, rel, k)


def format_cv(result: CVResult) -> str:
    """The cross-validation report: a table per directory, then the reliability table."""
    from .evaluate import format_report
    lines = []
    for corpus, report in result.reports.items():
        lines.append(f"== {corpus}: {result.k}-fold document-level cross-validation (held-out folds only)")
        lines.append(format_report(report))
        lines.append("")
    lines.append("calibration: held-out candidate triples by model probability (correct = in gold)")
    lines.append(f"{'probability':<12} {'triples':>8} {'correct':>8} {'rate':>6}")
    for lo, hi, n, c in result.reliability:
        rate = f"{c / n:6.3f}" if n else "     -"
        lines.append(f"{lo:.1f}-{hi:.1f}{'':<5} {n:8d} {c:8d} {rate}")
    return "\n".join(lines)


def train(gold_dirs, *, extractor: Extractor | None = None, ontology: Ontology | None = None,
          date: str | None = None, cv: int = 0) -> tuple[LinearModel, CVResult | None]:
    """Train the shipped kind of model on ``gold_dirs`` (and cross-validate it when ``cv``)."""
    from .ontology import load_ontology
    ontology = ontology or load_ontology()
    extractor = extractor or Extractor(ontology, relation_model=None)
    docs = load_corpora(gold_dirs, extractor)
    card = data_card(docs)
    card["date"] = date or _dt.date.today().isoformat()
    card["algorithm"] = (f"one L2 logistic regression per relation (liblinear, tolerance 1e-8), indicator features "
                         f"seen in >= {MIN_DOCS} documents, refit without positives below {MIL_ALPHA} of their "
                         f"document's best; gold relations marked only optional neither positives nor "
                         f"negatives; a document's sentences combined by {AGGREGATION}; C (of "
                         f"{', '.join(map(str, C_GRID))}) and thresholds by {INNER_FOLDS}-fold inner "
                         f"cross-validation maximising document-level F1 averaged over a threshold and its "
                         f"neighbours")
    result = None
    if cv:
        result = cross_validate(docs, extractor, k=cv)
        card["cross_validation"] = {
            corpus: {"k": cv, **{rel: {"P": round(s.precision, 3), "R": round(s.recall, 3), "F1": round(s.f1, 3),
                                       "gold": s.required}
                                 for rel, s in [*r.by_relation.items(), ("overall", r.overall)]},
                     "duplicate_entities": len(r.duplicates)}
            for corpus, r in result.reports.items()}
    model = fit(docs, ontology, version="", card=card)
    return replace(model, version="relations-" + _digest(model)), result


def _digest(model: LinearModel) -> str:
    """A content hash of what decides: relations, weights, biases, thresholds."""
    import hashlib
    import json
    body = json.dumps([model.relations, sorted(model.weights.items()), model.bias, model.thresholds])
    return hashlib.sha256(body.encode()).hexdigest()[:12]


def model_card(model: LinearModel) -> str:
    """The model card as Markdown: what the model is, what it learned from, how well it does."""
    c = model.card
    lines = [f"# Relation model `{model.version}`", "",
             "Written by `sckg train`; the package ships this file and `relations.json` beside it.", "",
             f"- trained: {c.get('date', '?')}",
             f"- algorithm: {c.get('algorithm', '?')}",
             f"- relations: {', '.join(model.relations)}; thresholds "
             + ", ".join(f"{r} {t:.2f}" for r, t in zip(model.relations, model.thresholds)),
             f"- features kept: {len(model.weights):,}; C={c.get('C', C)}",
             f"- data: {c.get('documents')} documents from {', '.join(c.get('corpora', []))}; "
             f"{c.get('candidates')} candidate pairs",
             "- required gold relations: " + ", ".join(f"{k} {v}" for k, v in c.get("required_relations", {}).items()),
             ""]
    cv = c.get("cross_validation")
    if cv:
        lines += ["## Document-level cross-validation (held-out folds only)", ""]
        for corpus, figures in cv.items():
            lines += [f"### {corpus} ({figures['k']} folds)", "", "| relation | P | R | F1 | gold |", "|---|---|---|---|---|"]
            for rel, f in figures.items():
                if isinstance(f, dict):
                    lines.append(f"| {rel} | {f['P']:.3f} | {f['R']:.3f} | {f['F1']:.3f} | {f['gold']} |")
            lines += ["", f"duplicate entities: {figures['duplicate_entities']}", ""]
    else:
        lines += ["No cross-validation was run for this file (`sckg train --cv K` records it).", ""]
    lines += ["## Intended use and limits", "",
              "English news and official releases about states acting on companies and about ownership "
              "and operation of companies and facilities. Probabilities are those of the logistic model; "
              "see the calibration table printed by `sckg eval --cv`. The rules of `graph/extract/relations.py` "
              "vote as features and keep their own high-precision relations beside the model's.", ""]
    return "\n".join(lines)
