"""The timeline view: one row per entity, relations as bars in valid time, decisions as marks."""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
from rdflib import RDFS, Namespace, URIRef

from .ontology import Ontology
from .store import Store
from .view import TEMPLATES, render_page

SCKG = Namespace("https://w3id.org/sckg/ontology#")
#: Above this many rows the timeline shows the entities with the most bars and marks, with a notice.
DEFAULT_MAX_ROWS = 400
MAX_EVIDENCE = 20
_COLOUR = re.compile(r"#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?")
_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")

_DECISIONS = """SELECT ?d ?kind ?actor ?date ?basis ?sentence ?status ?doc ?docDate ?title ?file WHERE {
  ?d a sckg:Decision ; sckg:kind ?kind ; sckg:decidedBy ?actor ; sckg:sentence ?sentence ;
     prov:wasDerivedFrom ?doc .
  OPTIONAL { ?d sckg:decisionDate ?date } OPTIONAL { ?d sckg:legalBasis ?basis }
  OPTIONAL { ?d sckg:status ?status } OPTIONAL { ?doc dcterms:date ?docDate }
  OPTIONAL { ?doc dcterms:title ?title } OPTIONAL { ?doc sckg:fileName ?file } }"""
_TARGETS = "SELECT ?d ?t WHERE { ?d a sckg:Decision ; sckg:target ?t }"
_EFFECTS = """SELECT ?d ?change ?s ?p ?o ?sentence ?before ?after WHERE {
  ?d a sckg:Decision ; ?change ?ev . ?change rdfs:subPropertyOf sckg:affects .
  ?ev rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; sckg:sentence ?sentence .
  OPTIONAL { ?ev sckg:shareBefore ?before } OPTIONAL { ?ev sckg:shareAfter ?after } }"""


@dataclass
class Timeline:
    """What a timeline shows: rows (vis-timeline groups), bars and marks, and what has no date."""

    groups: list[dict]
    items: list[dict]
    undated: list[dict]
    legend_relations: list[dict]
    decision: dict
    now: str | None
    title: str = "sckg timeline"
    notice: str | None = None


def _local(iri: str | None) -> str | None:
    return None if iri is None else iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def read_decisions(store: Store) -> list[dict]:
    """Every ``sckg:Decision``: kind, actor, date, legal basis, targets, effects, sentence, document.

    Entities are IRIs (``actor``, ``targets``, each effect's ``subject`` and ``object``);
    ``date`` is the decision date as the text gives it, ``document_date`` its document's.

    Examples
    --------
    >>> read_decisions(Store(None))
    []
    """
    def val(sol, k):
        return None if sol[k] is None else sol[k].value
    out: dict[str, dict] = {}
    for sol in store.query(_DECISIONS):
        d = sol["d"].value
        if d in out:
            continue  # a second label or date: the first is kept
        out[d] = {"iri": d, "kind": _local(sol["kind"].value), "actor": sol["actor"].value,
                  "date": val(sol, "date"), "basis": val(sol, "basis"), "sentence": sol["sentence"].value,
                  "status": _local(val(sol, "status")), "document": sol["doc"].value,
                  "document_date": val(sol, "docDate"), "title": val(sol, "title"), "file": val(sol, "file"),
                  "targets": [], "effects": []}
    for sol in store.query(_TARGETS):
        if sol["d"].value in out:
            out[sol["d"].value]["targets"].append(sol["t"].value)
    for sol in store.query(_EFFECTS):
        if sol["d"].value in out:
            out[sol["d"].value]["effects"].append({
                "change": _local(sol["change"].value), "subject": sol["s"].value, "relation": _local(sol["p"].value),
                "object": sol["o"].value, "sentence": sol["sentence"].value, "before": val(sol, "before"),
                "after": val(sol, "after")})
    for rec in out.values():
        rec["targets"].sort()
        rec["effects"].sort(key=lambda e: (e["change"], e["subject"], e["relation"], e["object"], e["sentence"]))
    return [out[k] for k in sorted(out)]


def _day(value: str | None) -> str | None:
    """A date as the text gave it (year, month or day), or None for anything else."""
    if not value:
        return None
    m = _DATE.match(value)
    return m.group(0) if m else None


def first_day(date: str) -> dt.date:
    """The first day of a year, month or day.

    >>> first_day("2015"), first_day("2020-03")
    (datetime.date(2015, 1, 1), datetime.date(2020, 3, 1))
    """
    parts = [int(x) for x in date.split("-")] + [1, 1]
    return dt.date(parts[0], parts[1], parts[2])


def after_last_day(date: str) -> dt.date:
    """The day after a year, month or day ends (a bar that ends in February 2023 covers February).

    >>> after_last_day("2023-02"), after_last_day("2023"), after_last_day("2023-12-31")
    (datetime.date(2023, 3, 1), datetime.date(2024, 1, 1), datetime.date(2024, 1, 1))
    """
    parts = [int(x) for x in date.split("-")]
    if len(parts) == 1:
        return dt.date(parts[0] + 1, 1, 1)
    if len(parts) == 2:
        y, m = parts
        return dt.date(y + (m == 12), m % 12 + 1, 1)
    return dt.date(*parts) + dt.timedelta(days=1)


def relation_span(evidence: list[dict]) -> tuple[str | None, str | None, str | None]:
    """When a relation began and ended by its evidence: ``(start, end, start_source)``.

    A record begins at its ``valid_from``, else (unless it only tells of an end) at its
    document's date, when the claim was made. The relation starts at the earliest beginning
    and ends at the latest ``valid_until``, unless a record begins after that end (bought
    again), which leaves it open. ``start_source`` says which kind of date the start is.

    >>> relation_span([{"valid_from": "2015", "valid_until": None, "document_date": "2015-06-01"},
    ...                {"valid_from": None, "valid_until": "2023-02", "document_date": "2024-01-10"}])
    ('2015', '2023-02', 'valid from')
    >>> relation_span([{"valid_from": None, "valid_until": None, "document_date": "2019-05-02"}])
    ('2019-05-02', None, 'document date')
    >>> relation_span([{"valid_from": None, "valid_until": None, "document_date": None}])
    (None, None, None)
    """
    begins = []
    for ev in evidence:
        start, doc_date = _day(ev.get("valid_from")), _day(ev.get("document_date"))
        if start:
            begins.append((first_day(start), start, "valid from"))
        elif doc_date and not _day(ev.get("valid_until")):
            begins.append((first_day(doc_date), doc_date, "document date"))
    ends = sorted((after_last_day(u), u) for u in (_day(ev.get("valid_until")) for ev in evidence) if u)
    start = min(begins) if begins else None
    end = ends[-1] if ends else None
    if end and any(first_day(s) >= end[0] for _, s, src in begins if src == "valid from"):
        end = None  # begun again after it ended
    return (start[1] if start else None, end[1] if end else None, start[2] if start else None)


def stakes(evidence: list[dict]) -> list[str]:
    """The stakes the evidence states, in the order of their dates (a cut shows as before, after).

    >>> stakes([{"share": "0.35", "valid_from": "2015"},
    ...         {"share_before": "0.35", "share_after": "0.249", "valid_from": "2020-03"}])
    ['35%', '24.9%']
    """
    dated = []
    for i, ev in enumerate(evidence):
        when = _day(ev.get("valid_from")) or _day(ev.get("document_date")) or "9999"
        for j, key in enumerate(("share_before", "share", "share_after")):
            if ev.get(key) is not None:
                dated.append((when, i, j, ev[key]))
    out: list[str] = []
    for *_, value in sorted(dated):
        try:
            text = f"{round(float(value) * 100, 1):g}%"
        except ValueError:
            continue
        if not out or out[-1] != text:
            out.append(text)
    return out


def _term(ontology: Ontology, name: str, prop: URIRef) -> str | None:
    """A value the ontology declares for ``sckg:name`` (a label, a colour)."""
    value = ontology.graph.value(SCKG[name], prop)
    return None if value is None else str(value)


def _colour(value: str | None) -> str:
    return value if value and _COLOUR.fullmatch(value) else "#999999"


def _ink(colour: str) -> str:
    """Black or white text, whichever reads better on ``colour``."""
    h = colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return "#111111" if 0.299 * r + 0.587 * g + 0.114 * b > 150 else "#ffffff"


def _evidence(ev: dict) -> dict:
    return {k: ev.get(k) for k in ("sentence", "title", "file", "document", "document_date", "status", "confidence",
                                   "method", "valid_from", "valid_until", "share", "share_before", "share_after")}


def build_timeline(g: nx.MultiDiGraph, decisions: list[dict], ontology: Ontology, *,
                   max_rows: int | None = DEFAULT_MAX_ROWS, title: str = "sckg timeline") -> Timeline:
    """Rows, bars and marks for vis-timeline: a bar per relation on its subject's row, a mark
    per decision on its actor's row; relations and decisions without any date are listed apart.

    Decisions whose actor is not in ``g`` are left out (``g`` is what the filters kept).

    Examples
    --------
    >>> from graph.ontology import load_ontology
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("a", label="A", type="Company"); g.add_node("b", label="B", type="Company")
    >>> g.add_edge("a", "b", key="owns", relation="owns", asserted=True, evidence=[
    ...     {"sentence": "A bought B in 2015.", "valid_from": "2015", "document_date": "2016-01-01"}])
    'owns'
    >>> t = build_timeline(g, [], load_ontology())
    >>> [(i["from"], i["until"], i["start"], i["end"], i["open"]) for i in t.items]
    [('2015', None, '2015-01-01', '2016-01-02', True)]
    """
    rels, types = ontology.relations, ontology.entity_types
    label = {n: d["label"] for n, d in g.nodes(data=True)}
    bars, undated = [], []
    for s, o, k, d in sorted(g.edges(keys=True, data=True), key=lambda e: e[:3]):
        start, end, source = relation_span(d["evidence"])
        r = rels.get(k)
        rec = {"kind": "relation", "subject": label[s], "subjectIri": s, "object": label[o], "objectIri": o,
               "relation": k, "label": r.label if r else k, "asserted": d["asserted"], "from": start,
               "until": end, "fromSource": source, "evidence": [_evidence(ev) for ev in d["evidence"][:MAX_EVIDENCE]],
               "evidenceCount": len(d["evidence"])}
        rec["stakes"] = stakes(d["evidence"])
        (bars if start else undated).append(rec)
    marks = []
    for dec in decisions:
        if dec["actor"] not in g:
            continue
        when = _day(dec["date"]) or _day(dec["document_date"])
        rec = {"kind": "decision", "decisionKind": dec["kind"], "subject": label[dec["actor"]],
               "subjectIri": dec["actor"], "targets": [label.get(t, t) for t in dec["targets"]],
               "basis": dec["basis"], "from": when, "fromSource": "decision date" if _day(dec["date"]) else
               "document date", "sentence": dec["sentence"], "status": dec["status"],
               "document": dec["title"] or dec["file"] or dec["document"], "documentDate": dec["document_date"],
               "effects": [{**e, "subject": label.get(e["subject"], e["subject"]),
                            "object": label.get(e["object"], e["object"])} for e in dec["effects"]]}
        (marks if when else undated).append(rec)
    dates = [after_last_day(x) for rec in bars for x in (rec["from"], rec["until"]) if x]
    dates += [after_last_day(m["from"]) for m in marks]
    dates += [after_last_day(ev["document_date"][:10]) for _, _, d in g.edges(data=True) for ev in d["evidence"]
              if _day(ev.get("document_date"))]
    now = max(dates) if dates else None
    for rec in bars:
        rec["start"] = first_day(rec["from"]).isoformat()
        rec["open"] = rec["until"] is None
        rec["end"] = (now if rec["open"] else after_last_day(rec["until"])).isoformat()
        r = rels.get(rec["relation"])
        rec["color"] = _colour(r.colour if r else None)
        rec["ink"] = _ink(rec["color"])
    for rec in marks:
        rec["start"] = first_day(rec["from"]).isoformat()
    items = bars + marks
    count: dict[str, int] = {}
    for rec in items:
        count[rec["subjectIri"]] = count.get(rec["subjectIri"], 0) + 1
    notice = None
    if max_rows is not None and len(count) > max_rows:
        keep = set(sorted(count, key=lambda n: (-count[n], label[n], n))[:max_rows])
        notice = (f"Showing the {max_rows:,} entities with the most relations and decisions of {len(count):,} "
                  f"({len(count) - max_rows:,} left out). Narrow it with --focus, --relation, --type or --as-of.")
        items = [rec for rec in items if rec["subjectIri"] in keep]
        count = {n: c for n, c in count.items() if n in keep}
    first = {}
    for rec in items:
        first[rec["subjectIri"]] = min(first.get(rec["subjectIri"], rec["start"]), rec["start"])
    groups = []
    for i, n in enumerate(sorted(count, key=lambda n: (first[n], label[n].lower(), n))):
        t = types.get(g.nodes[n]["type"])
        groups.append({"id": i, "iri": n, "label": label[n], "type": g.nodes[n]["type"],
                       "typeLabel": t.label if t else g.nodes[n]["type"], "color": _colour(t.colour if t else None),
                       "order": i, "count": count[n]})
    gid = {g_["iri"]: g_["id"] for g_ in groups}
    for i, rec in enumerate(items):
        rec["id"] = i
        rec["group"] = gid[rec["subjectIri"]]
    present = sorted({rec["relation"] for rec in bars + undated if rec["kind"] == "relation"})
    legend = [{"name": k, "label": rels[k].label if k in rels else k,
               "color": _colour(rels[k].colour if k in rels else None)} for k in present]
    for rec in marks + [u for u in undated if u["kind"] == "decision"]:
        rec["kindLabel"] = _term(ontology, rec["decisionKind"], RDFS.label) or rec["decisionKind"]
        for e in rec["effects"]:
            e["relationLabel"] = rels[e["relation"]].label if e["relation"] in rels else e["relation"]
    decision = {"label": _term(ontology, "Decision", RDFS.label) or "Decision",
                "color": _colour(_term(ontology, "Decision", SCKG.colour)), "count": len(marks),
                "kinds": sorted({m["kindLabel"] for m in marks})}
    return Timeline(groups, items, undated, legend, decision, now.isoformat() if now else None, title, notice)


@functools.cache
def _assets() -> tuple[str, str]:
    return ((TEMPLATES / "vis-timeline-graph2d.min.js").read_text(encoding="utf-8"),
            (TEMPLATES / "vis-timeline-graph2d.min.css").read_text(encoding="utf-8"))


def render_timeline(t: Timeline) -> str:
    """The timeline as one HTML document with vis-timeline inlined: it opens offline.

    Everything that came from an article travels as JSON data and reaches the page through
    ``textContent`` (item contents, row labels and tooltips are DOM elements, never markup).
    """
    js, css = _assets()
    js = re.sub(r"//# sourceMappingURL=\S+\s*$", "", js)
    css = re.sub(r"/\*# sourceMappingURL=\S+ \*/\s*$", "", css)
    payload = {"groups": t.groups, "items": t.items, "undated": t.undated, "legendRelations": t.legend_relations,
               "decision": t.decision, "now": t.now, "notice": t.notice}
    return render_page("timeline.html", title=t.title, js=js, css=css, data=payload)


def write_timeline(g: nx.MultiDiGraph, decisions: list[dict], ontology: Ontology, path: Path | str, *,
                   max_rows: int | None = DEFAULT_MAX_ROWS, title: str = "sckg timeline") -> Timeline:
    """Write the timeline of ``g`` and ``decisions`` to ``path``; return what it shows."""
    t = build_timeline(g, decisions, ontology, max_rows=max_rows, title=title)
    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(render_timeline(t), encoding="utf-8")
    tmp.replace(path)
    return t
