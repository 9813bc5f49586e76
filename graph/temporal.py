"""The graph as of a date: what held then (valid time), and what was known by then.

Dates in the graph keep the precision the text gave (``2018``, ``2018-07``, ``2018-07-04``);
they are compared by their common prefix, so a period counts from its first day when it
begins something and up to its last day when it ends something:

- A relation **holds on** a date D when one of its asserted evidence records began on or
  before D and no evidence of it gives an end before D (unless the record states a start
  after that end: bought again). A record begins at its ``sckg:validFrom``, else at its
  document's date (when the claim was made: known to hold from then); a record with
  neither is kept, undated.
- What was **known by** D is what documents published on or before D say (a document with
  no date is left out).

:func:`as_of` copies the store into memory, removes what does not hold (or was not yet
known), and returns a store every command reads as usual: the shipped queries, the view,
``path`` and ``analyze`` all answer "as of" without a rewrite of their own.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from .store import Store

DATE_RE = re.compile(r"\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?")
SCKG = "https://w3id.org/sckg/ontology#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_EVIDENCE = """SELECT ?ev ?s ?p ?o ?asserts ?from ?until ?docDate ?doc WHERE {
  ?ev a sckg:Evidence ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; sckg:status ?st ;
      prov:wasDerivedFrom ?doc .
  ?st sckg:assertsFact ?asserts .
  OPTIONAL { ?ev sckg:validFrom ?from } OPTIONAL { ?ev sckg:validUntil ?until }
  OPTIONAL { ?doc dcterms:date ?docDate } }"""
_DECISIONS = """SELECT ?d ?date ?docDate ?ev WHERE { ?d a sckg:Decision ; prov:wasDerivedFrom ?doc .
  OPTIONAL { ?d sckg:decisionDate ?date } OPTIONAL { ?doc dcterms:date ?docDate }
  OPTIONAL { ?d ?change ?ev . ?change rdfs:subPropertyOf sckg:affects } }"""


class DateError(ValueError):
    """A date given by the user is not YYYY, YYYY-MM or YYYY-MM-DD."""


def check_date(value: str, option: str) -> str:
    """``value`` if it is an ISO date of year, month or day precision, else a clear error.

    >>> check_date("2021-06", "--as-of")
    '2021-06'
    >>> check_date("June 2021", "--as-of")
    Traceback (most recent call last):
    ...
    graph.temporal.DateError: --as-of: 'June 2021' is not a date; use YYYY, YYYY-MM or YYYY-MM-DD
    """
    if not DATE_RE.fullmatch(value or ""):
        raise DateError(f"{option}: {value!r} is not a date; use YYYY, YYYY-MM or YYYY-MM-DD")
    return value


def on_or_before(date: str, bound: str) -> bool:
    """Whether a period may begin on or before ``bound`` (compared at the shorter precision).

    >>> on_or_before("2022", "2022-06-30"), on_or_before("2022-07", "2022-06-30"), on_or_before("2021", "2022")
    (True, False, True)
    """
    n = min(len(date), len(bound))
    return date[:n] <= bound[:n]


def ended_before(date: str, bound: str) -> bool:
    """Whether a period ends before ``bound`` begins (compared at the shorter precision).

    >>> ended_before("2021", "2022-01-01"), ended_before("2022", "2022-06-30"), ended_before("2022-05", "2022-06")
    (True, False, True)
    """
    n = min(len(date), len(bound))
    return date[:n] < bound[:n]


def as_of(store, *, valid_at: str | None = None, known_by: str | None = None) -> Store:
    """An in-memory copy of ``store`` with what held on ``valid_at`` and was known by ``known_by``."""
    mem = Store(None)
    mem._insert(store.quads(include_ontology=False))
    drop_nodes: set[str] = set()
    drop_graphs: set[str] = set()
    if known_by:
        for sol in mem.query("SELECT ?doc ?date WHERE { ?doc a sckg:Document OPTIONAL { ?doc dcterms:date ?date } }"):
            date = sol["date"]
            if date is None or not on_or_before(date.value, known_by):
                drop_graphs.add(sol["doc"].value)
    rows = []
    for sol in mem.query(_EVIDENCE):
        if sol["doc"].value in drop_graphs:
            continue
        get = lambda k: None if sol[k] is None else sol[k].value  # noqa: E731
        rows.append((sol["ev"].value, (sol["s"].value, sol["p"].value, sol["o"].value),
                     get("asserts") in ("true", "1"), get("from"), get("docDate"), get("until")))
    if valid_at:
        ends: dict[tuple, list[str]] = {}
        for _ev, key, _asserts, _from, _doc_date, until in rows:
            if until and ended_before(until, valid_at):
                ends.setdefault(key, []).append(until)
        for ev, key, _asserts, start, doc_date, _until in rows:
            begin = start or doc_date  # known to hold from its start, else from when it was claimed
            if begin and not on_or_before(begin, valid_at):
                drop_nodes.add(ev)  # not yet begun (or not yet claimed)
            elif any(start is None or not ended_before(u, start) for u in ends.get(key, ())):
                drop_nodes.add(ev)  # ended before the date, and not begun again after that end
        for sol in mem.query(_DECISIONS):
            date = sol["date"] or sol["docDate"]
            if (date is not None and not on_or_before(date.value, valid_at)) or \
                    (sol["ev"] is not None and sol["ev"].value in drop_nodes):
                drop_nodes.add(sol["d"].value)
    holding = {key for ev, key, asserts, *_ in rows if asserts and ev not in drop_nodes}
    relation_preds = {sol["p"].value for sol in mem.query("SELECT ?p WHERE { ?p a sckg:Relation }")}
    removals = []
    for q in mem._all_quads():
        g = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else None
        s = q.subject.value
        if g in drop_graphs or s in drop_nodes:
            removals.append(q)
        elif isinstance(q.object, ox.NamedNode) and q.object.value in drop_nodes:
            removals.append(q)  # a decision's link to evidence that no longer holds
        elif q.predicate.value in relation_preds and (s, q.predicate.value, q.object.value) not in holding \
                and (valid_at or known_by):
            removals.append(q)  # the relation's direct triple, when none of its evidence holds
    for q in removals:
        mem._store.remove(q)
    _drop_unrelated_entities(mem)
    return mem


def _drop_unrelated_entities(mem: Store) -> None:
    """Entities no remaining evidence or decision names leave the graph too (a view as of a
    date shows what was related then, not every name ever seen)."""
    keep = {sol["e"].value for sol in mem.query(
        """SELECT DISTINCT ?e WHERE { { ?x rdf:subject ?e } UNION { ?x rdf:object ?e }
           UNION { ?x sckg:decidedBy ?e } UNION { ?x sckg:target ?e } UNION { ?x sckg:assertedBy ?e } }""")}
    ents = {sol["e"].value for sol in mem.query("SELECT DISTINCT ?e WHERE { ?e a sckg:Entity }")}
    gone = ents - keep
    if gone:
        for q in [q for q in mem._all_quads() if q.subject.value in gone]:
            mem._store.remove(q)
