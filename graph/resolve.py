"""One node per real entity: cross-document matching, reviewable judgements and curated facts.

Three things live here:

* at ingest, a new document's named entities join nodes already in the store when a name
  (or the name without a company suffix: "Landbridge Group" ~ "Landbridge") is the same;
* ``curation/judgements.yaml`` records reviewed decisions (``same``: merge two nodes,
  ``different``: never merge them), applied to the store on every build;
* ``curation/assertions.yaml`` records curated relations (``assert``) and rejected
  extractions (``reject``); they survive re-extraction because they are re-applied after
  every build: an asserted relation lives in its own named graph, a rejected one keeps its
  evidence with the status ``rejected`` and loses its plain triple.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyoxigraph as ox
import yaml

from .document import YAMLRefused, load_yaml
from .model import (ACR, DOC_BASE, EVIDENCE_BASE, SHORT, Entity, Extraction, facility_short_form, name_keys,
                    normalise_name, sckg)
from .ontology import ENT, SCKG, Ontology

CURATION_GRAPH = DOC_BASE + "curation"
#: the graph the store keeps the ontology in: its own IRI (graph.store.ONTOLOGY_GRAPH)
ONTOLOGY_GRAPH = str(SCKG).rstrip("#")
DEFAULT_CURATION_DIR = Path("curation")
_FAMILIES = ("Facility", "Person", "StateActor", "Organization")


class CurationError(ValueError):
    """A curation file is unreadable or names something that is not there."""


@dataclass
class Curation:
    """Reviewed decisions and curated facts."""

    same: list[tuple[str, str, str]] = field(default_factory=list)  # (keep, merge, note)
    different: set[frozenset[str]] = field(default_factory=set)
    assertions: list[dict] = field(default_factory=list)
    rejections: list[tuple[str, str, str]] = field(default_factory=list)
    directory: Path | None = None

    def merged(self) -> dict[str, str]:
        """merge IRI -> kept IRI, following chains."""
        out = {m: k for k, m, _ in self.same}
        for m in list(out):
            seen = {m}
            while out[m] in out and out[m] not in seen:
                seen.add(out[m])
                out[m] = out[out[m]]
        return out


def _load_yaml(path: Path):
    try:
        return load_yaml(path.read_text(encoding="utf-8")) or {}
    except YAMLRefused as exc:
        raise CurationError(f"{path}:{exc.line}: {exc.message}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise CurationError(f"{path}:{mark.line + 1 if mark else 1}: not valid YAML") from None
    except UnicodeDecodeError:
        raise CurationError(f"{path}: not UTF-8") from None


def _iri(value, path: Path, where: str) -> str:
    """An entity IRI from a curation file or argument: ``name``, ``ent:name`` or the full IRI.

    Only entities may be judged or asserted about: an IRI outside ``ent:`` (an ontology
    class, ``rdf:type``), a document or an evidence record is refused.
    """
    if not isinstance(value, str) or not value:
        raise CurationError(f"{path}: {where}: expected an entity IRI, got {value!r}")
    if value.startswith("ent:"):
        value = value[4:]
    elif re.match(r"[A-Za-z][\w.-]*:", value) and not value.startswith(("http://", "https://")):
        raise CurationError(f"{path}: {where}: {value!r} is not an entity: only entity IRIs (ent:NAME or "
                            f"{ENT}NAME) may be judged")
    if not value.startswith(("http://", "https://")):
        value = str(ENT) + value  # "landbridge" and "ent:landbridge" are ent:landbridge
    try:
        ox.NamedNode(value)
    except ValueError:
        raise CurationError(f"{path}: {where}: {value!r} is not a valid IRI") from None
    if not value.startswith(str(ENT)) or value.startswith((DOC_BASE, EVIDENCE_BASE)):
        raise CurationError(f"{path}: {where}: {value!r} is not an entity: only entity IRIs (ent:NAME or "
                            f"{ENT}NAME) may be judged")
    return value


def load_curation(directory: Path | str | None, ontology: Ontology) -> Curation:
    """Read ``judgements.yaml`` and ``assertions.yaml`` from ``directory`` (missing files are empty)."""
    cur = Curation(directory=Path(directory) if directory else None)
    if directory is None:
        return cur
    directory = Path(directory)
    jpath, apath = directory / "judgements.yaml", directory / "assertions.yaml"
    if jpath.exists():
        data = _load_yaml(jpath)
        if not isinstance(data, dict):
            raise CurationError(f"{jpath}:1: expected 'same:' and 'different:' lists")
        for i, e in enumerate(data.get("same") or [], 1):
            if not isinstance(e, dict):
                raise CurationError(f"{jpath}: same #{i}: expected {{keep: IRI, merge: IRI}}")
            cur.same.append((_iri(e.get("keep"), jpath, f"same #{i} keep"),
                             _iri(e.get("merge"), jpath, f"same #{i} merge"), str(e.get("note", ""))))
        for i, e in enumerate(data.get("different") or [], 1):
            if not isinstance(e, dict):
                raise CurationError(f"{jpath}: different #{i}: expected {{a: IRI, b: IRI}}")
            cur.different.add(frozenset((_iri(e.get("a"), jpath, f"different #{i} a"),
                                         _iri(e.get("b"), jpath, f"different #{i} b"))))
    if apath.exists():
        data = _load_yaml(apath)
        if not isinstance(data, dict):
            raise CurationError(f"{apath}:1: expected 'assert:' and 'reject:' lists")
        for section in ("assert", "reject"):
            for i, e in enumerate(data.get(section) or [], 1):
                where = f"{section} #{i}"
                if not isinstance(e, dict):
                    raise CurationError(f"{apath}: {where}: expected {{subject, relation, object}}")
                rel = e.get("relation")
                if rel not in ontology.relations:
                    raise CurationError(f"{apath}: {where}: unknown relation {rel!r}; one of "
                                        f"{', '.join(sorted(ontology.relations))}")
                s, o = _iri(e.get("subject"), apath, where), _iri(e.get("object"), apath, where)
                if section == "reject":
                    cur.rejections.append((s, rel, o))
                else:
                    cur.assertions.append({"subject": s, "relation": rel, "object": o,
                                           "sentence": str(e.get("sentence") or e.get("note") or "curated"),
                                           "source": str(e.get("source", "")), "date": e.get("date")})
    return cur


# ---------------------------------------------------------------------------------- ingest
def _is_acronym(name: str, key: str) -> bool:
    """Whether ``name`` is the acronym an ``acr:`` key spells ("T.I.L." for "acr:til")."""
    return normalise_name(name).replace(" ", "") == key[len(ACR):]


def _family(ontology: Ontology, type_iri: str) -> str | None:
    for fam in _FAMILIES:
        if ontology.is_a(type_iri, str(SCKG) + fam):
            return fam
    return None


def core_name(name: str, ontology: Ontology) -> str:
    """A name without trailing company suffixes: "Landbridge Group Ltd" -> "landbridge"."""
    return min((k for k in name_keys(name, ontology) if ":" not in k), default="", key=len)


class NameIndex:
    """Names of the entities already stored, for joining new mentions to existing nodes.

    Names are looked up in the store by their keys (``sckg:nameKey``) as documents need
    them, one query per document, so a build's cost does not grow with the size of the
    store. Candidates for a key are kept sorted, whether stored or added by this build: a
    mention joins the same node whichever earlier build stored it, so a build killed part
    way and run again ends as one that was not interrupted.
    """

    def __init__(self, ontology: Ontology, store=None):
        self.ontology = ontology
        self.store = store
        self.by_name: dict[str, list[str]] = {}
        self.types: dict[str, str] = {}

    @classmethod
    def from_store(cls, store, ontology: Ontology) -> "NameIndex":
        return cls(ontology, store)

    def _keys(self, ent: Entity) -> set[str]:
        return set().union(*(name_keys(n, self.ontology) for n in ent.names | {ent.label}))

    def fetch(self, keys) -> None:
        """Look up in the store the keys not asked for yet (batched)."""
        missing = sorted(k for k in set(keys) if k not in self.by_name)
        for k in missing:
            self.by_name[k] = []
        if self.store is None or not missing:
            return
        hits: dict[str, set[str]] = {}
        for i in range(0, len(missing), 500):
            values = " ".join(str(ox.Literal(k)) for k in missing[i:i + 500])
            for sol in self.store.query(f"SELECT DISTINCT ?k ?e ?t WHERE {{ VALUES ?k {{ {values} }} "
                                        f"?e sckg:nameKey ?k ; a ?t }}"):
                e, t = sol["e"].value, sol["t"].value
                if t.rsplit("#", 1)[-1] not in self.ontology.entity_types or not t.startswith(str(SCKG)):
                    continue
                hits.setdefault(sol["k"].value, set()).add(e)
                self._type(e, t)
        for k, es in hits.items():
            self.by_name[k] = sorted(es)

    def _type(self, iri: str, type_iri: str) -> None:
        if iri not in self.types or self.ontology.is_a(type_iri, self.types[iri]):
            self.types[iri] = type_iri

    def add_extraction(self, x: Extraction) -> None:
        named = [e for e in x.entities.values() if not e.described]
        self.fetch(set().union(*(self._keys(e) for e in named)) if named else ())
        for e in named:
            for key in self._keys(e):
                if e.iri not in self.by_name[key]:
                    bisect.insort(self.by_name[key], e.iri)
            self._type(e.iri, e.type)

    def _short_keys(self, ent: Entity) -> dict[str, str]:
        """Facility names and their bare short forms, across documents: a bare name looks
        up the short-form key its full names leave ("Hanford" finds "Hanford Site"), a full
        name the bare name ("Hanford Site" finds "Hanford"); each only when it finds one node."""
        if _family(self.ontology, ent.type) != "Facility":
            return {}
        out = {}
        for name in ent.names | {ent.label}:
            norm = normalise_name(name)
            short = facility_short_form(norm, self.ontology)
            if short:
                out[name] = short
            elif norm and norm.split()[-1] not in self.ontology.facility_words:
                out[name] = SHORT + norm
        return out

    def match(self, ent: Entity, curation: Curation) -> str | None:
        fam = _family(self.ontology, ent.type)
        shorts = self._short_keys(ent)
        self.fetch(self._keys(ent) | set(shorts.values()))
        for name in sorted(ent.names | {ent.label}, key=lambda n: (-len(n), n)):  # the fullest name first
            keys = sorted((k for k in name_keys(name, self.ontology) if not k.startswith(SHORT)), key=len, reverse=True)
            for key in keys:  # the full name first
                for hit in self.by_name.get(key, ()):
                    if hit == ent.iri and not key.startswith(ACR):
                        return None  # the node its fullest name makes is stored already: it is that node
                    named_by_it = key.startswith(ACR) and hit.rsplit("/", 1)[-1] == key[len(ACR):]
                    if key.startswith(ACR) and _is_acronym(name, key) == named_by_it:
                        # initials join an acronym and a full name only: "TIL" and "Terminal
                        # Investment Limited", not "UChicago Argonne, LLC" and a node named
                        # "Cobham" that also carries "Cobham Ultra Acquisitions Limited"
                        continue
                    if key.startswith(ACR) and hit in self.ontology.gazetteer_iris:
                        continue  # a gazetteer entry is joined by its names: "FCC" is no "Federal Court of Canada"
                    if key.startswith(ACR) and not named_by_it and any(
                            not _is_acronym(n, key) and key in name_keys(n, self.ontology)
                            for n in ent.names | {ent.label}):
                        # an entity that spells its acronym out joins a full name by that name:
                        # "FCC" (Federal Communications Commission) is no "Federal Court of Canada"
                        continue
                    if hit != ent.iri and frozenset((hit, ent.iri)) not in curation.different \
                            and _family(self.ontology, self.types.get(hit, ent.type)) == fam:
                        return hit
        for name, key in sorted(shorts.items()):
            hits = [h for h in self.by_name.get(key, ()) if h != ent.iri
                    and frozenset((h, ent.iri)) not in curation.different
                    and _family(self.ontology, self.types.get(h, ent.type)) == fam]
            if not key.startswith(SHORT):
                # a bare name already joined to another full name of that short form
                # ("Hamburg" to "Hamburg port") does not join this one ("Hamburg airport")
                hits = [h for h in hits if h not in self.by_name.get(SHORT + key, ())]
            if len(hits) == 1:
                return hits[0]
        return None


def resolve_extraction(x: Extraction, *, index: NameIndex, curation: Curation, ontology: Ontology) -> Extraction:
    """Rename a document's entities onto stored nodes they match or are judged the same as."""
    merged = curation.merged()
    rename: dict[str, str] = {}
    index.fetch(set().union(*(index._keys(e) for e in x.entities.values() if not e.described)))
    for iri, ent in x.entities.items():
        if ent.described:
            continue
        target = merged.get(iri)
        if target is None and not ent.same_as and iri not in ontology.gazetteer_iris:
            target = index.match(ent, curation)  # gazetteer entities are canonical already
        if target and target != iri:
            rename[iri] = target
    if not rename:
        return x
    entities: dict[str, Entity] = {}
    for iri, ent in x.entities.items():
        new = rename.get(iri, iri)
        if new in entities:
            entities[new].names |= ent.names | {ent.label}
            continue
        known_type = index.types.get(new)
        etype = ent.type if known_type is None or ontology.is_a(ent.type, known_type) else known_type
        label = ent.label if new == iri else entities.get(new, ent).label
        entities[new] = replace(ent, iri=new, type=etype, names=set(ent.names) | {ent.label}, label=label)
    relations = []
    for r in x.relations:
        ev = r.evidence
        if ev.asserted_by in rename:
            ev = replace(ev, asserted_by=rename[ev.asserted_by])
        s, o = rename.get(r.subject, r.subject), rename.get(r.object, r.object)
        if s == o:
            continue
        relations.append(replace(r, subject=s, object=o, evidence=ev))
    return replace(x, entities=dict(sorted(entities.items())), relations=relations)


# ---------------------------------------------------------------------------------- store pass
def apply_curation(store, curation: Curation, ontology: Ontology) -> dict[str, int]:
    """Apply judgements, rejections and assertions to everything stored; idempotent."""
    counts = {"merged": 0, "rejected": 0, "asserted": 0}
    onto_graph = ox.NamedNode(ONTOLOGY_GRAPH)
    for keep, merge, _ in curation.same:
        k, m = ox.NamedNode(keep), ox.NamedNode(merge)
        # only a stored entity is merged, and the ontology graph is never rewritten
        if store.ask("ASK { ?m a sckg:Entity }", bindings={"m": m}) and \
                not store.ask("ASK { GRAPH ?o { { ?t ?p ?x } UNION { ?x ?p ?t } } }", bindings={"o": onto_graph, "t": k}):
            store.update(f"""
                DELETE {{ GRAPH ?g {{ {m} ?p ?o }} }} INSERT {{ GRAPH ?g {{ {k} ?p ?o }} }}
                WHERE {{ GRAPH ?g {{ {m} ?p ?o }} FILTER(?g != {onto_graph}) }} ;
                DELETE {{ GRAPH ?g {{ ?s ?p {m} }} }} INSERT {{ GRAPH ?g {{ ?s ?p {k} }} }}
                WHERE {{ GRAPH ?g {{ ?s ?p {m} }} FILTER(?g != {onto_graph}) }}""")
            counts["merged"] += 1
    for s, rel, o in curation.rejections:
        S, P, O = ox.NamedNode(s), sckg(rel), ox.NamedNode(o)
        if store.ask("ASK { ?s ?p ?o }", bindings={"s": S, "p": P, "o": O}):
            store.update(f"""
                DELETE {{ GRAPH ?g {{ {S} {P} {O} }} }} WHERE {{ GRAPH ?g {{ {S} {P} {O} }} }} ;
                DELETE {{ GRAPH ?g {{ ?ev {sckg('status')} ?st }} }}
                INSERT {{ GRAPH ?g {{ ?ev {sckg('status')} {sckg('rejected')} }} }}
                WHERE {{ GRAPH ?g {{ ?ev <http://www.w3.org/1999/02/22-rdf-syntax-ns#subject> {S} ;
                                          <http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate> {P} ;
                                          <http://www.w3.org/1999/02/22-rdf-syntax-ns#object> {O} ;
                                          {sckg('status')} ?st }} }}""")
            counts["rejected"] += 1
    quads = _assertion_quads(store, curation, ontology)
    if quads or store._has_graph(CURATION_GRAPH):
        store._put_graph(CURATION_GRAPH, quads)
        counts["asserted"] = len(curation.assertions)
    store.flush()
    return counts


def _assertion_quads(store, curation: Curation, ontology: Ontology) -> list[ox.Quad]:
    from .model import PROV_DERIVED, RDF_OBJECT, RDF_PREDICATE, RDF_SUBJECT, RDF_TYPE
    if not curation.assertions:
        return []
    g = ox.NamedNode(CURATION_GRAPH)
    q = []
    add = lambda s, p, o: q.append(ox.Quad(s, p, o, g))  # noqa: E731
    src = str(curation.directory / "assertions.yaml") if curation.directory else "assertions.yaml"
    add(g, RDF_TYPE, sckg("Document"))
    add(g, sckg("fileName"), ox.Literal(src))
    import hashlib
    add(g, sckg("contentHash"), ox.Literal(hashlib.sha256(repr(curation.assertions).encode()).hexdigest()))
    for i, a in enumerate(curation.assertions):
        for end in ("subject", "object"):
            node = ox.NamedNode(a[end])
            if not store.ask("ASK { ?e a sckg:Entity }", bindings={"e": node}):
                raise CurationError(f"{src}: assert #{i + 1}: {a[end]} is not an entity in the store")
        S, P, O = ox.NamedNode(a["subject"]), sckg(a["relation"]), ox.NamedNode(a["object"])
        add(S, P, O)
        ev = ox.NamedNode(f"{CURATION_GRAPH}/{hashlib.sha256((a['subject'] + a['relation'] + a['object']).encode()).hexdigest()[:24]}")
        add(ev, RDF_TYPE, sckg("Evidence"))
        add(ev, RDF_SUBJECT, S)
        add(ev, RDF_PREDICATE, P)
        add(ev, RDF_OBJECT, O)
        add(ev, PROV_DERIVED, g)
        add(ev, sckg("sentence"), ox.Literal(a["sentence"]))
        add(ev, sckg("startChar"), ox.Literal("0", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")))
        add(ev, sckg("endChar"), ox.Literal(str(max(1, len(a["sentence"]))),
                                            datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")))
        add(ev, sckg("method"), ox.Literal("curated"))
        add(ev, sckg("methodVersion"), ox.Literal(ontology.version))
        add(ev, sckg("confidence"), ox.Literal("1.0", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")))
        add(ev, sckg("status"), sckg("reported"))
        if a["source"]:
            add(ev, ox.NamedNode("http://purl.org/dc/terms/source"), ox.Literal(a["source"]))
    return sorted(set(q), key=str)


# ---------------------------------------------------------------------------------- review
@dataclass(frozen=True)
class Candidate:
    """Two nodes that may be one entity."""

    score: float
    a: str
    b: str
    a_label: str
    b_label: str
    reason: str
    a_sentence: str | None
    b_sentence: str | None


def merge_candidates(store, ontology: Ontology, curation: Curation, *, min_score: float = 85.0,
                     limit: int = 50) -> list[Candidate]:
    """Pairs of nodes whose names are alike (fuzzy, initials, suffixes), with a sentence each.

    Same-name-without-suffix and initials pairs come from grouping by key; fuzzy pairs
    from rapidfuzz's ``cdist`` in blocks of rows, so tens of thousands of nodes take
    seconds, not a Python loop over every pair.
    """
    import numpy as np
    from rapidfuzz import fuzz, process

    judged = curation.different | {frozenset((k, m)) for k, m, _ in curation.same}
    families: dict[str | None, list] = {}
    for rec in store.entities().values():
        families.setdefault(_family(ontology, rec.type), []).append(rec)
    found: dict[tuple[str, str], tuple[float, str]] = {}

    def offer(a, b, score, reason):
        if a.iri == b.iri or frozenset((a.iri, b.iri)) in judged:
            return
        a, b = sorted((a, b), key=lambda r: r.iri)
        if score > found.get((a.iri, b.iri), (0.0, ""))[0]:
            found[a.iri, b.iri] = (score, reason)

    for recs in families.values():
        norm = [normalise_name(r.label) for r in recs]
        groups: dict[str, list] = {}
        initials: dict[str, list] = {}
        for r, n in zip(recs, norm):
            groups.setdefault(core_name(r.label, ontology), []).append(r)
            if len(n.split()) > 1:
                initials.setdefault("".join(w[0] for w in n.split()), []).append(r)
        for group in groups.values():
            for i, a in enumerate(group):
                for b in group[i + 1:]:
                    offer(a, b, 97.0, "same name without company suffix")
        for r, n in zip(recs, norm):
            if r.label.isupper():
                for other in initials.get(n.replace(" ", ""), ()):
                    offer(r, other, 90.0, "initials")
        for i in range(0, len(recs), 2000):
            block = process.cdist(norm[i:i + 2000], norm, scorer=fuzz.token_sort_ratio, score_cutoff=min_score,
                                  dtype=np.uint8, workers=-1)
            for r, c in zip(*np.nonzero(block)):
                if i + r < c:
                    offer(recs[i + r], recs[c], float(block[r, c]), "similar names")
    labels = {r.iri: r.label for recs in families.values() for r in recs}
    best = sorted(found.items(), key=lambda kv: (-kv[1][0], labels[kv[0][0]], labels[kv[0][1]], kv[0]))[:limit]
    return [Candidate(round(score, 1), a, b, labels[a], labels[b], reason, _a_sentence(store, a), _a_sentence(store, b))
            for (a, b), (score, reason) in best]


def _a_sentence(store, node: str) -> str | None:
    for sol in store.query("SELECT ?sentence ?e WHERE { ?ev sckg:sentence ?sentence . "
                           "{ ?ev rdf:subject ?e } UNION { ?ev rdf:object ?e } } ORDER BY ?sentence LIMIT 1",
                           bindings={"e": ox.NamedNode(node)}):
        return sol["sentence"].value
    return None


def record_judgement(directory: Path | str, kind: str, a: str, b: str, *, note: str = "") -> Path:
    """Append a judgement (``same``: keep a, merge b; ``different``) to ``judgements.yaml``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "judgements.yaml"
    data = _load_yaml(path) if path.exists() else {}
    data.setdefault("same", [])
    data.setdefault("different", [])
    entry = {"keep": a, "merge": b} if kind == "same" else {"a": a, "b": b}
    if note:
        entry["note"] = note
    if entry not in data[kind]:
        data[kind].append(entry)
    text = ("# Reviewed entity judgements, applied on every build (sckg resolve same|different).\n"
            + yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path
