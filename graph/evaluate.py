"""Score a graph against hand-made gold annotations (the rules in tests/data/eval/SCORING.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .document import YAMLRefused, load_yaml
from .model import normalise_name
from .store import Store

SCORED = ("monitors", "owns", "partnersWith", "blocked", "operates")


class GoldError(ValueError):
    """A gold file cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class GoldEntity:
    name: str
    type: str
    names: frozenset[str]  # normalised name and aliases
    also: frozenset[str]  # normalised names that may stand for it in relations


@dataclass(frozen=True)
class GoldRelation:
    document: str
    subject: str
    relation: str
    objects: tuple[str, ...]
    required: bool
    start: str | None = None  # when the text says it began / ended (YYYY, YYYY-MM or YYYY-MM-DD)
    end: str | None = None

    def __str__(self) -> str:
        obj = self.objects[0] if len(self.objects) == 1 else "[" + " | ".join(self.objects) + "]"
        return f"{self.subject} {self.relation} {obj} ({self.document})"


@dataclass(frozen=True)
class GoldDecision:
    document: str
    actor: str
    kind: str
    date: str | None
    targets: tuple[str, ...]
    effects: tuple[tuple[str, str, tuple[str, ...], str], ...]  # subject, relation, objects, change


@dataclass
class Gold:
    entities: dict[str, GoldEntity] = field(default_factory=dict)  # by document/name
    relations: list[GoldRelation] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    decisions: list[GoldDecision] = field(default_factory=list)


@dataclass(frozen=True)
class Score:
    matched_required: int
    required: int
    matched_gold: int
    false_positives: int

    @property
    def recall(self) -> float:
        return self.matched_required / self.required if self.required else 1.0

    @property
    def precision(self) -> float:
        d = self.matched_gold + self.false_positives
        return self.matched_gold / d if d else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class TimeScore:
    """Dates on relations, and decisions, against the gold's ``start``/``end`` and ``decisions``."""

    dated: int  # gold relations (required or optional) that carry a start or an end
    dated_found: int  # ... whose relation was found
    dates_right: int  # ... whose start and end, as found in that document, equal the gold's
    undated_found: int  # found gold relations with no gold date
    spurious_dates: int  # ... to which the graph gives a start or an end anyway
    decisions: int  # gold decisions
    predicted_decisions: int
    decisions_found: int  # gold decisions matched (same document, actor, and a target when the gold names one)
    decision_dates: int  # matched gold decisions with a date
    decision_dates_right: int
    effects: int  # gold effects
    effects_found: int

    @property
    def date_accuracy(self) -> float:
        return self.dates_right / self.dated_found if self.dated_found else 1.0


@dataclass
class EvalReport:
    by_relation: dict[str, Score]
    overall: Score
    misses: list[GoldRelation]
    false_positives: list[tuple[str, str, str]]  # labels
    duplicates: dict[str, list[str]]  # gold entity -> node labels
    documents: list[str]
    missing_documents: list[str]
    time: TimeScore | None = None


def _line_of(exc: yaml.YAMLError) -> int:
    mark = getattr(exc, "problem_mark", None)
    return (mark.line + 1) if mark else 1


def load_gold(directory: Path | str) -> Gold:
    """Read every ``*.gold.yaml`` in ``directory``."""
    directory = Path(directory)
    if not directory.is_dir():
        raise GoldError(f"{directory}: not a directory of gold files")
    gold = Gold()
    files = sorted(directory.glob("*.gold.yaml"))
    if not files:
        raise GoldError(f"{directory}: no *.gold.yaml files")
    for path in files:
        try:
            data = load_yaml(path.read_text(encoding="utf-8"))
        except YAMLRefused as exc:
            raise GoldError(f"{path}:{exc.line}: {exc.message}") from None
        except yaml.YAMLError as exc:
            raise GoldError(f"{path}:{_line_of(exc)}: not valid YAML") from None
        except UnicodeDecodeError:
            raise GoldError(f"{path}: not UTF-8") from None
        if not isinstance(data, dict) or "document" not in data:
            raise GoldError(f"{path}:1: a gold file is a mapping with 'document', 'entities', 'relations'")
        doc = str(data["document"])
        gold.documents.append(doc)
        ents = {}
        for i, e in enumerate(data.get("entities") or []):
            if not isinstance(e, dict) or "name" not in e:
                raise GoldError(f"{path}: entity #{i + 1} has no name")
            names = {normalise_name(str(e["name"]))} | {normalise_name(str(a)) for a in e.get("aliases") or []}
            also = {normalise_name(str(a)) for a in e.get("also") or []}
            ents[str(e["name"])] = GoldEntity(str(e["name"]), str(e.get("type", "")), frozenset(names),
                                              frozenset(also))
        gold.entities.update({f"{doc}/{k}": v for k, v in ents.items()})
        for section, required in (("relations", True), ("optional", False)):
            for i, r in enumerate(data.get(section) or []):
                if not isinstance(r, dict) or not {"subject", "relation", "object"} <= set(r):
                    raise GoldError(f"{path}: {section} #{i + 1} needs subject, relation and object")
                objs = r["object"] if isinstance(r["object"], list) else [r["object"]]
                for name in [r["subject"], *objs]:
                    if str(name) not in ents:
                        raise GoldError(f"{path}: {section} #{i + 1} names {name!r}, which is not in entities")
                gold.relations.append(GoldRelation(doc, str(r["subject"]), str(r["relation"]),
                                                   tuple(map(str, objs)), required,
                                                   _gold_date(r.get("start"), path, f"{section} #{i + 1}"),
                                                   _gold_date(r.get("end"), path, f"{section} #{i + 1}")))
        for i, d in enumerate(data.get("decisions") or []):
            where = f"decisions #{i + 1}"
            if not isinstance(d, dict) or not {"actor", "kind"} <= set(d):
                raise GoldError(f"{path}: {where} needs actor and kind")
            targets = d.get("targets") or []
            effects = []
            for j, e in enumerate(d.get("effects") or []):
                if not isinstance(e, dict) or not {"subject", "relation", "object", "change"} <= set(e):
                    raise GoldError(f"{path}: {where} effect #{j + 1} needs subject, relation, object and change")
                objs = e["object"] if isinstance(e["object"], list) else [e["object"]]
                effects.append((str(e["subject"]), str(e["relation"]), tuple(map(str, objs)), str(e["change"])))
            for name in [d["actor"], *targets, *(n for e in effects for n in (e[0], *e[2]))]:
                if str(name) not in ents:
                    raise GoldError(f"{path}: {where} names {name!r}, which is not in entities")
            gold.decisions.append(GoldDecision(doc, str(d["actor"]), str(d["kind"]),
                                               _gold_date(d.get("date"), path, where),
                                               tuple(map(str, targets)), tuple(effects)))
    return gold


def _gold_date(value, path: Path, where: str) -> str | None:
    """A gold date as its ISO text ("2018", "2018-07", "2018-07-04"); YAML may give a number or a date."""
    import datetime as dt
    import re
    if value is None:
        return None
    text = value.isoformat() if isinstance(value, dt.date) else str(value).strip()
    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text):
        raise GoldError(f"{path}: {where} has the date {text!r}; use YYYY, YYYY-MM or YYYY-MM-DD")
    return text


def _graph(store: Store):
    entities = store.entities()
    labels = {e: {normalise_name(n) for n in rec.names} for e, rec in entities.items()}
    display = {e: rec.label for e, rec in entities.items()}
    rels = set()
    for sol in store.query("SELECT DISTINCT ?s ?p ?o WHERE { ?p a sckg:Relation . ?s ?p ?o }"):
        p = sol["p"].value.rsplit("#", 1)[-1]
        if p in SCORED:
            rels.add((sol["s"].value, p, sol["o"].value))
    files = {sol["n"].value for sol in store.query("SELECT ?n WHERE { ?d a sckg:Document ; sckg:fileName ?n }")}
    return labels, display, rels, files


def _duplicates(gold: Gold, docs, labels: dict[str, set[str]], display: dict[str, str]) -> dict[str, list[str]]:
    """Scoring rule 4: per gold entity (one name across articles), the nodes matching it by
    name or alias when there is more than one. A name shared by several gold entities ("the
    Commission") counts for a node only when none of the node's labels names one alone."""
    names: dict[str, set[str]] = {}
    for key, ge in gold.entities.items():
        if key.split("/", 1)[0] in docs:
            names.setdefault(ge.name, set()).update(ge.names)
    owners: dict[str, set[str]] = {}
    for entity, ns in names.items():
        for n in ns:
            owners.setdefault(n, set()).add(entity)

    def counted(ls: set[str]) -> set[str]:
        alone = {n for n in ls if len(owners.get(n, ())) == 1}
        return alone or ls

    dups = {}
    for entity, ns in sorted(names.items()):
        nodes = sorted(n for n, ls in labels.items() if counted(ls) & ns)
        if len(nodes) > 1:
            dups[entity] = [display.get(n, n) for n in nodes]
    return dups


def evaluate(store: Store, gold_dir: Path | str, *, all_documents: bool = False) -> EvalReport:
    """Score the store's relations against the gold files in ``gold_dir``.

    Only gold documents present in the store are scored unless ``all_documents``.
    """
    gold = load_gold(gold_dir)
    labels, display, predicted, files = _graph(store)
    docs = [d for d in gold.documents if all_documents or d in files]
    missing = [d for d in gold.documents if d not in files]
    grels = [r for r in gold.relations if r.document in docs]

    def matches(node: str, doc: str, name: str, *, also: bool) -> bool:
        ge = gold.entities[f"{doc}/{name}"]
        names = ge.names | (ge.also if also else frozenset())
        return bool(labels.get(node, set()) & names)

    def hit(pred, g: GoldRelation) -> bool:
        s, p, o = pred
        if p != g.relation:
            return False
        ends = [(s, o), (o, s)] if p == "partnersWith" else [(s, o)]
        return any(matches(a, g.document, g.subject, also=True)
                   and any(matches(b, g.document, ob, also=True) for ob in g.objects) for a, b in ends)

    matched_gold: set[int] = set()
    fps = []
    for pred in sorted(predicted):
        found = [i for i, g in enumerate(grels) if hit(pred, g)]
        matched_gold.update(found)
        if not found:
            fps.append(pred)

    def score(rel: str | None) -> Score:
        idx = [i for i, g in enumerate(grels) if rel is None or g.relation == rel]
        req = [i for i in idx if grels[i].required]
        return Score(
            matched_required=sum(1 for i in req if i in matched_gold),
            required=len(req),
            matched_gold=sum(1 for i in idx if i in matched_gold),
            false_positives=sum(1 for f in fps if rel is None or f[1] == rel),
        )

    time = _time_score(store, gold, grels, docs, predicted, hit, matches)
    return EvalReport(
        by_relation={r: score(r) for r in SCORED},
        overall=score(None),
        misses=[grels[i] for i, g in enumerate(grels) if g.required and i not in matched_gold],
        false_positives=[(display.get(s, s), p, display.get(o, o)) for s, p, o in fps],
        duplicates=_duplicates(gold, docs, labels, display),
        documents=docs,
        missing_documents=missing,
        time=time,
    )


_EVIDENCE_TIME = """SELECT ?s ?p ?o ?file ?from ?until WHERE {
  ?ev a sckg:Evidence ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?d .
  ?d sckg:fileName ?file . OPTIONAL { ?ev sckg:validFrom ?from } OPTIONAL { ?ev sckg:validUntil ?until } }"""
_DECISIONS = """SELECT ?dec ?file ?actor ?date ?target ?change ?s ?p ?o WHERE {
  ?dec a sckg:Decision ; sckg:decidedBy ?actor ; prov:wasDerivedFrom ?d . ?d sckg:fileName ?file .
  OPTIONAL { ?dec sckg:decisionDate ?date } OPTIONAL { ?dec sckg:target ?target }
  OPTIONAL { ?dec ?c ?ev . ?c rdfs:subPropertyOf sckg:affects .
             ?ev rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o . BIND(STRAFTER(STR(?c), "#") AS ?change) } }"""


def _refined(dates: set[str]) -> set[str]:
    """The dates without those another one refines: "2020" and "2020-03-12" agree, and the
    day is the date the document gives (compared as text, "2020" would pass for the earlier).

    >>> sorted(_refined({"2020", "2020-03-12", "2019-05"}))
    ['2019-05', '2020-03-12']
    """
    return {d for d in dates if not any(e.startswith(d + "-") for e in dates)}


def _time_score(store: Store, gold: Gold, grels, docs, predicted, hit, matches) -> TimeScore:
    """How many gold dates the graph gives right (start: the earliest a document's evidence
    gives, end: the latest, a date refined by a finer one counting as that one; compared
    exactly, at the gold's precision) and how many gold decisions and effects it finds."""
    dates: dict[tuple, tuple[set, set]] = {}
    for sol in store.query(_EVIDENCE_TIME):
        p = sol["p"].value.rsplit("#", 1)[-1]
        starts, ends = dates.setdefault((sol["s"].value, p, sol["o"].value, sol["file"].value), (set(), set()))
        if sol["from"] is not None:
            starts.add(sol["from"].value)
        if sol["until"] is not None:
            ends.add(sol["until"].value)
    dated = dated_found = right = undated_found = spurious = 0
    for g in grels:
        preds = [pr for pr in predicted if hit(pr, g)]
        starts, ends = set(), set()
        for s, p, o in preds:
            for key in ((s, p, o, g.document), (o, p, s, g.document)):
                if key in dates:
                    starts |= dates[key][0]
                    ends |= dates[key][1]
        if g.start or g.end:
            dated += 1
            if preds:
                dated_found += 1
                right += (min(_refined(starts), default=None) == g.start) and \
                    (max(_refined(ends), default=None) == g.end)
        elif preds:
            undated_found += 1
            spurious += bool(starts or ends)
    decisions: dict[str, dict] = {}
    for sol in store.query(_DECISIONS):
        d = decisions.setdefault(sol["dec"].value, {"file": sol["file"].value, "actor": sol["actor"].value,
                                                    "date": None, "targets": set(), "effects": set()})
        if sol["date"] is not None:
            d["date"] = sol["date"].value
        if sol["target"] is not None:
            d["targets"].add(sol["target"].value)
        if sol["change"] is not None:
            d["effects"].add((sol["change"].value, sol["s"].value, sol["p"].value.rsplit("#", 1)[-1], sol["o"].value))
    gdecs = [d for d in gold.decisions if d.document in docs]
    found = dated_dec = dec_right = effects = effects_found = 0
    for gd in gdecs:
        cands = [d for d in decisions.values() if d["file"] == gd.document
                 and matches(d["actor"], gd.document, gd.actor, also=True)
                 and (not gd.targets or any(matches(t, gd.document, name, also=True)
                                            for t in d["targets"] for name in gd.targets))]
        found += bool(cands)
        if cands and gd.date:
            dated_dec += 1
            dec_right += any(d["date"] == gd.date for d in cands)
        for subj, rel, objs, change in gd.effects:
            effects += 1
            effects_found += any(ch == change and p == rel and matches(s, gd.document, subj, also=True)
                                 and any(matches(o, gd.document, ob, also=True) for ob in objs)
                                 for d in cands for ch, s, p, o in d["effects"])
    predicted_decisions = sum(1 for d in decisions.values() if d["file"] in docs)
    return TimeScore(dated, dated_found, right, undated_found, spurious, len(gdecs), predicted_decisions,
                     found, dated_dec, dec_right, effects, effects_found)


def format_time(t: TimeScore) -> str:
    """The time part of a report, as text."""
    pct = lambda a, b: f"{a}/{b} ({a / b:.1%})" if b else f"{a}/{b}"  # noqa: E731
    return "\n".join([
        f"dates on relations: right {pct(t.dates_right, t.dated_found)} of the dated gold relations found "
        f"({pct(t.dated_found, t.dated)} found); a date where the gold has none: {pct(t.spurious_dates, t.undated_found)}",
        f"decisions: found {pct(t.decisions_found, t.decisions)} of the gold's, {t.predicted_decisions} in the graph; "
        f"dates right {pct(t.decision_dates_right, t.decision_dates)}; effects found {pct(t.effects_found, t.effects)}",
    ])


def format_report(report: EvalReport) -> str:
    """The report as text: a P/R/F1 table, misses, false positives and duplicates."""
    lines = [f"{'relation':<14} {'P':>6} {'R':>6} {'F1':>6} {'gold':>5} {'fp':>4}"]
    for name, s in [*report.by_relation.items(), ("overall", report.overall)]:
        lines.append(f"{name:<14} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {s.required:5d} {s.false_positives:4d}")
    if report.time is not None:
        lines.append(format_time(report.time))
    lines.append(f"documents scored: {len(report.documents)}")
    if report.missing_documents:
        lines.append("not in the store (not scored): " + ", ".join(report.missing_documents))
    lines.append(f"misses ({len(report.misses)}):")
    lines += [f"  - {m}" for m in report.misses]
    lines.append(f"false positives ({len(report.false_positives)}):")
    lines += [f"  - {s} {p} {o}" for s, p, o in report.false_positives]
    lines.append(f"duplicate entities ({len(report.duplicates)}):")
    lines += [f"  - {k}: {', '.join(v)}" for k, v in sorted(report.duplicates.items())]
    return "\n".join(lines)
