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

    def __str__(self) -> str:
        obj = self.objects[0] if len(self.objects) == 1 else "[" + " | ".join(self.objects) + "]"
        return f"{self.subject} {self.relation} {obj} ({self.document})"


@dataclass
class Gold:
    entities: dict[str, GoldEntity] = field(default_factory=dict)  # by document/name
    relations: list[GoldRelation] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)


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


@dataclass
class EvalReport:
    by_relation: dict[str, Score]
    overall: Score
    misses: list[GoldRelation]
    false_positives: list[tuple[str, str, str]]  # labels
    duplicates: dict[str, list[str]]  # gold entity -> node labels
    documents: list[str]
    missing_documents: list[str]


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
                                                   tuple(map(str, objs)), required))
    return gold


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

    dups = {}
    for key, ge in gold.entities.items():
        if key.split("/", 1)[0] not in docs:
            continue
        nodes = sorted(n for n, ls in labels.items() if ls & ge.names)
        if len(nodes) > 1:
            dups[ge.name] = [display.get(n, n) for n in nodes]
    return EvalReport(
        by_relation={r: score(r) for r in SCORED},
        overall=score(None),
        misses=[grels[i] for i, g in enumerate(grels) if g.required and i not in matched_gold],
        false_positives=[(display.get(s, s), p, display.get(o, o)) for s, p, o in fps],
        duplicates=dups,
        documents=docs,
        missing_documents=missing,
    )


def format_report(report: EvalReport) -> str:
    """The report as text: a P/R/F1 table, misses, false positives and duplicates."""
    lines = [f"{'relation':<14} {'P':>6} {'R':>6} {'F1':>6} {'gold':>5} {'fp':>4}"]
    for name, s in [*report.by_relation.items(), ("overall", report.overall)]:
        lines.append(f"{name:<14} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {s.required:5d} {s.false_positives:4d}")
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
