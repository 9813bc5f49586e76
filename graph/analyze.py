"""Network analysis with networkx: the entity graph, typed paths with evidence, centrality, exposure."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from .model import normalise_name
from .store import Store

SCKG = "https://w3id.org/sckg/ontology#"

# Evidence fields, read one predicate at a time and joined here: a twelve-way star join
# takes Oxigraph ~3x longer than twelve scans (1M triples: 6 s against 2 s).
_EVIDENCE_FIELDS = {"s": "rdf:subject", "p": "rdf:predicate", "o": "rdf:object", "sentence": "sckg:sentence",
                    "status": "sckg:status", "conf": "sckg:confidence", "doc": "prov:wasDerivedFrom",
                    "start": "sckg:startChar", "end": "sckg:endChar", "method": "sckg:method"}
_EVIDENCE_OPTIONAL = {"date": "sckg:date", "by": "sckg:assertedBy", "from": "sckg:validFrom",
                      "until": "sckg:validUntil", "share": "sckg:share", "before": "sckg:shareBefore",
                      "after": "sckg:shareAfter"}
_DOCUMENTS = """SELECT ?doc ?title ?ddate ?file WHERE { ?doc a sckg:Document .
  OPTIONAL { ?doc dcterms:title ?title } OPTIONAL { ?doc dcterms:date ?ddate }
  OPTIONAL { ?doc sckg:fileName ?file } }"""
_STATUSES = "SELECT ?status ?asserts WHERE { ?status sckg:assertsFact ?asserts }"


class BadEvidence(ValueError):
    """A stored evidence record holds a value that cannot be what it says (written by hand)."""


def _number(ev_iri: str, field: str, value: str, *, doc: str | None, kind: type):
    """``value`` of an evidence ``field`` as a ``kind``; a confidence must lie in [0, 1].

    >>> _number("urn:ev:1", "confidence", "0.8", doc=None, kind=float)
    0.8
    >>> _number("urn:ev:1", "confidence", "INF", doc="urn:doc:1", kind=float)
    Traceback (most recent call last):
    ...
    graph.analyze.BadEvidence: evidence <urn:ev:1> (in <urn:doc:1>) has sckg:confidence 'INF': not a number between 0 and 1; correct or retract that document (sckg validate lists such records)
    """
    import math
    try:
        number = kind(value)
    except ValueError:
        number = None
    if kind is float and number is not None and not (math.isfinite(number) and 0 <= number <= 1):
        number = None
    if number is None:
        what = "a number between 0 and 1" if field == "confidence" else "a whole number"
        raise BadEvidence(f"evidence <{ev_iri}>{f' (in <{doc}>)' if doc else ''} has sckg:{field} {value[:40]!r}: "
                          f"not {what}; correct or retract that document (sckg validate lists such records)")
    return number


def _value(sol, name):
    term = sol[name]
    return None if term is None else term.value


#: the ontology's state actor types (the store holds the ontology)
_STATE_TYPES = "SELECT ?t WHERE { ?t rdfs:subClassOf* sckg:StateActor }"


def project(store: Store) -> nx.MultiDiGraph:
    """The entity graph: entities as nodes, relations as typed edges carrying their evidence.

    Node attributes: ``label``, ``type`` (local name of the most specific class), ``names``
    (all labels), ``same_as``, ``state_actor`` (the type is a state actor's, as the ontology in
    the store says). One edge per (subject, relation, object), keyed by the relation, with ``relation``, ``asserted`` (False when every source denies, negates or
    only plans it) and ``evidence`` (a list of dicts sorted by document and offset, each
    with the sentence, status, document IRI, title and file name, offsets and method, and
    where the text gives them its valid time ``valid_from``/``valid_until`` and the stake
    ``share``, ``share_before``, ``share_after``, as strings).
    No literals or classes become nodes.

    Examples
    --------
    >>> project(Store(None)).number_of_nodes()
    0
    """
    g = nx.MultiDiGraph()
    state = {sol["t"].value for sol in store.query(_STATE_TYPES)}
    for e, rec in store.entities().items():
        g.add_node(e, label=rec.label, type=rec.type.rsplit("#", 1)[-1], names=list(rec.names),
                   same_as=list(rec.same_as), state_actor=rec.type in state)
    docs = {sol["doc"].value: (_value(sol, "title"), _value(sol, "ddate"), _value(sol, "file"))
            for sol in store.query(_DOCUMENTS)}
    asserting = {sol["status"].value: sol["asserts"].value == "true" for sol in store.query(_STATUSES)}
    evidence = {sol["ev"].value for sol in store.query("SELECT ?ev WHERE { ?ev a sckg:Evidence }")}
    cols = {}
    for key, pred in (*_EVIDENCE_FIELDS.items(), *_EVIDENCE_OPTIONAL.items()):
        col = cols[key] = {}
        for ev_iri, value in store.query(f"SELECT ?ev ?v WHERE {{ ?ev {pred} ?v }}"):
            if ev_iri.value in evidence:
                col[ev_iri.value] = value.value
    required = [cols[k] for k in _EVIDENCE_FIELDS]
    for ev_iri in sorted(evidence):
        if not all(ev_iri in col for col in required):
            continue  # incomplete (validate reports it)
        s, o = cols["s"][ev_iri], cols["o"][ev_iri]
        if s not in g or o not in g:
            continue
        rel = cols["p"][ev_iri].rsplit("#", 1)[-1]
        doc, status = cols["doc"][ev_iri], cols["status"][ev_iri]
        title, ddate, file_name = docs.get(doc, (None, None, None))
        ev = {
            "sentence": cols["sentence"][ev_iri],
            "status": status.rsplit("#", 1)[-1],
            "confidence": _number(ev_iri, "confidence", cols["conf"][ev_iri], doc=doc, kind=float),
            "document": doc,
            "title": title,
            "file": file_name,
            "document_date": ddate,
            "start": _number(ev_iri, "startChar", cols["start"][ev_iri], doc=doc, kind=int),
            "end": _number(ev_iri, "endChar", cols["end"][ev_iri], doc=doc, kind=int),
            "date": cols["date"].get(ev_iri),
            "asserted_by": cols["by"].get(ev_iri),
            "method": cols["method"][ev_iri],
            "valid_from": cols["from"].get(ev_iri),
            "valid_until": cols["until"].get(ev_iri),
            "share": cols["share"].get(ev_iri),
            "share_before": cols["before"].get(ev_iri),
            "share_after": cols["after"].get(ev_iri),
        }
        asserts = asserting.get(status, False)
        if g.has_edge(s, o, key=rel):
            data = g.edges[s, o, rel]
            data["evidence"].append(ev)
            data["asserted"] = data["asserted"] or asserts
        else:
            g.add_edge(s, o, key=rel, relation=rel, evidence=[ev], asserted=asserts)
    for _, _, data in g.edges(data=True):
        data["evidence"].sort(key=lambda e: (e["document"], e["start"], e["status"]))
        data["confidence"] = max(e["confidence"] for e in data["evidence"])
    return g


# Claims first (few), then whether any source asserts the same edge; labels by EXISTS, since
# every document restates them.
_CLAIMED_ONLY = """SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE {
  ?claim sckg:assertsFact false . ?ev sckg:status ?claim .
  ?ev a sckg:Evidence ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  FILTER EXISTS { ?s rdfs:label ?sl } FILTER EXISTS { ?o rdfs:label ?ol }
  FILTER NOT EXISTS { ?ev2 rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; sckg:status ?st .
                      ?st sckg:assertsFact true } } }"""


def count_claimed_only(store: Store) -> int:
    """How many relations are only claimed (every source denies, negates, alleges or plans them).

    These are the edges :func:`project` marks ``asserted=False``: views draw them dashed
    and count them with the asserted ones; ``Store.stats`` counts asserted relations only.

    Examples
    --------
    >>> count_claimed_only(Store(None))
    0
    """
    return int(next(iter(store.query(_CLAIMED_ONLY)))["n"].value)


class EntityNotFound(LookupError):
    """No node has this name."""


def find_node(g: nx.MultiDiGraph, name: str) -> str:
    """The node whose label or other name matches ``name`` (normalised), or its IRI.

    Raises
    ------
    EntityNotFound
        With the closest names, when nothing matches.
    """
    if name in g:
        return name
    wanted = normalise_name(name)
    hits = sorted(n for n, d in g.nodes(data=True)
                  if wanted in {normalise_name(x) for x in (d["label"], *d["names"])})
    if hits:
        return hits[0]
    from rapidfuzz import process
    choices = {n: d["label"] for n, d in g.nodes(data=True)}
    close = process.extract(name, choices, limit=3)
    hint = ", ".join(repr(c[0]) for c in close) if close else "none"
    raise EntityNotFound(f"no entity named {name!r}; closest: {hint}")


@dataclass(frozen=True)
class Hop:
    """One edge of a path, oriented as stored."""

    subject: str
    relation: str
    object: str
    evidence: tuple[dict, ...]


def shortest_paths(g: nx.MultiDiGraph, source: str, target: str, *, limit: int = 5,
                   asserted_only: bool = True) -> list[list[Hop]]:
    """The shortest typed paths between two entities, ignoring edge direction.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_edge("a", "b", key="owns", relation="owns", evidence=[], asserted=True)
    'owns'
    >>> g.add_edge("c", "b", key="operates", relation="operates", evidence=[], asserted=True)
    'operates'
    >>> [[(h.subject, h.relation, h.object) for h in p] for p in shortest_paths(g, "a", "c")]
    [[('a', 'owns', 'b'), ('c', 'operates', 'b')]]
    """
    view = nx.Graph()
    view.add_nodes_from(g.nodes)
    for s, o, k, d in g.edges(keys=True, data=True):
        if asserted_only and not d["asserted"]:
            continue
        view.add_edge(s, o)
    if source not in view or target not in view:
        return []
    try:
        node_paths = list(nx.all_shortest_paths(view, source, target))
    except nx.NetworkXNoPath:
        return []
    out: list[list[Hop]] = []
    for nodes in sorted(node_paths)[:limit]:
        hops = []
        for a, b in zip(nodes, nodes[1:]):
            edges = [(a, b, k, d) for k, d in g.get_edge_data(a, b, default={}).items()] + \
                    [(b, a, k, d) for k, d in g.get_edge_data(b, a, default={}).items()]
            edges = [e for e in edges if e[3]["asserted"] or not asserted_only]
            s, o, k, d = sorted(edges, key=lambda e: (e[2], e[0]))[0]
            hops.append(Hop(s, k, o, tuple(d["evidence"])))
        out.append(hops)
    return out


def centrality(g: nx.MultiDiGraph, *, top: int | None = None) -> list[tuple[str, float, float]]:
    """Nodes with degree and betweenness centrality, most central first."""
    simple = nx.Graph(g)
    if simple.number_of_nodes() == 0:
        return []
    deg = nx.degree_centrality(simple)
    k = None if simple.number_of_nodes() <= 2000 else 200
    btw = nx.betweenness_centrality(simple, k=k, seed=7)
    rows = sorted(((n, deg[n], btw[n]) for n in simple), key=lambda r: (-r[1], -r[2], r[0]))
    return rows[:top] if top else rows


STATE_RELATIONS = {"monitors": 1.0, "blocked": 2.0}


def state_exposure(g: nx.MultiDiGraph, *, top: int | None = None) -> list[tuple[str, float, list[str]]]:
    """Companies and facilities ranked by how much state action reaches them.

    A direct action (monitoring 1, blocking 2) counts in full; an action on an owner or
    operator counts half for what it owns or operates, and so on down ownership chains.
    Returns (node, score, the state actors involved).
    """
    exposure: dict[str, float] = {}
    actors: dict[str, set[str]] = {}
    for s, o, k, d in g.edges(keys=True, data=True):
        if k in STATE_RELATIONS and d["asserted"]:
            weight = STATE_RELATIONS[k]
            frontier = [(o, weight)]
            seen = set()
            while frontier:
                node, w = frontier.pop()
                if node in seen or w < 0.1:
                    continue
                seen.add(node)
                exposure[node] = exposure.get(node, 0.0) + w
                actors.setdefault(node, set()).add(s)
                for _, child, kk, dd in g.out_edges(node, keys=True, data=True):
                    if kk in ("owns", "operates") and dd["asserted"]:
                        frontier.append((child, w / 2))
    rows = [(n, score, sorted(actors[n])) for n, score in exposure.items() if not g.nodes[n].get("state_actor")]
    rows.sort(key=lambda r: (-r[1], r[0]))
    return rows[:top] if top else rows


def write_network(g: nx.MultiDiGraph, path: Path | str) -> None:
    """Write the entity graph as GraphML (.graphml), GEXF (.gexf) or CSV edges (.csv)."""
    path = Path(path)
    flat = nx.MultiDiGraph()
    for n, d in sorted(g.nodes(data=True)):
        flat.add_node(n, label=d["label"], type=d["type"], names="|".join(d["names"]))
    for s, o, k, d in sorted(g.edges(keys=True, data=True), key=lambda e: e[:3]):
        first = d["evidence"][0]
        flat.add_edge(s, o, key=k, relation=k, asserted=d["asserted"], confidence=d["confidence"],
                      evidence=len(d["evidence"]), sentence=first["sentence"], document=first["document"])
    suffix = path.suffix.lower()
    if suffix == ".graphml":
        nx.write_graphml(flat, path)
    elif suffix == ".gexf":
        nx.write_gexf(flat, path)
    elif suffix == ".csv":
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["subject", "subject_label", "relation", "object", "object_label", "asserted",
                        "confidence", "evidence_count", "sentence", "document"])
            for s, o, k, d in flat.edges(keys=True, data=True):
                w.writerow([s, g.nodes[s]["label"], k, o, g.nodes[o]["label"], d["asserted"], d["confidence"],
                            d["evidence"], d["sentence"], d["document"]])
    else:
        raise ValueError(f"{path}: unknown network format; use .graphml, .gexf or .csv")
