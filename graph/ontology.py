"""Load the ontology and gazetteer from Turtle: the one place types and relations are declared."""

from __future__ import annotations

import functools
import importlib.resources
import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, Namespace, URIRef

SCKG = Namespace("https://w3id.org/sckg/ontology#")
ENT = Namespace("https://w3id.org/sckg/id/")
PROV = Namespace("http://www.w3.org/ns/prov#")
WD = Namespace("http://www.wikidata.org/entity/")


def packaged_ontology_dir() -> Path:
    """The directory of the shipped ``*.ttl`` files (the repository's ``ontology/``).

    The wheel installs ``ontology/`` as the data package ``graph.ontology_files``; an
    editable install maps that package to the source tree's ``ontology/``.

    Examples
    --------
    >>> (packaged_ontology_dir() / "sckg.ttl").is_file()
    True
    """
    root = importlib.resources.files("graph.ontology_files")
    if not isinstance(root, Path):  # a zip import: the files are not on disk
        raise OntologyError(f"the ontology files are not on the file system ({root}); install sckg unzipped")
    return root


class OntologyError(ValueError):
    """An ontology or gazetteer file is missing, unparsable or incomplete."""


ONTOLOGY_DIR = packaged_ontology_dir()


@dataclass(frozen=True)
class EntityType:
    """One extractable entity class, as declared in the ontology."""

    iri: URIRef
    name: str
    label: str
    definition: str
    colour: str
    shape: str
    superclasses: tuple[URIRef, ...]
    type_nouns: tuple[str, ...] = ()
    name_words: tuple[str, ...] = ()
    ner_labels: tuple[str, ...] = ()
    institution_names: tuple[str, ...] = ()
    office_titles: tuple[str, ...] = ()


@dataclass(frozen=True)
class RelationType:
    """One extractable relation, as declared in the ontology."""

    iri: URIRef
    name: str
    label: str
    definition: str
    domain: URIRef
    range: URIRef
    colour: str
    symmetric: bool = False
    inverse: URIRef | None = None
    indirect_object: bool = False
    verbs: tuple[str, ...] = ()
    nouns: tuple[str, ...] = ()
    agent_nouns: tuple[str, ...] = ()
    child_nouns: tuple[str, ...] = ()
    part_nouns: tuple[str, ...] = ()
    joint_adverbs: tuple[str, ...] = ()
    owned_adjectives: tuple[str, ...] = ()
    state_modifiers: tuple[str, ...] = ()  # "Venezuela's state oil company, PDVSA": Venezuela owns PDVSA
    member_verbs: tuple[str, ...] = ()  # "X consists of A and B": A and B hold the relation with X
    founder_verbs: tuple[str, ...] = ()  # "X, formed by A and B": A and B hold the relation with X
    directives: tuple[str, ...] = ()
    directed: tuple[str, ...] = ()
    transfer_verbs: tuple[str, ...] = ()  # "A sold X to B": B holds the relation with X
    deal_words: frozenset[str] = frozenset()  # head words: "the acquisition of X by Y" is a deal a prohibition prevents
    raising_verbs: tuple[str, ...] = ()
    range_excludes: tuple[URIRef, ...] = ()
    domain_excludes: tuple[URIRef, ...] = ()
    closing_verbs: frozenset[str] = frozenset()  # "concluded the investigation" ends a review
    opening_words: frozenset[str] = frozenset()  # "notified to the Commission" starts its review


@dataclass(frozen=True)
class Status:
    """A claim status (reported, alleged, denied, planned, negated)."""

    iri: URIRef
    name: str
    label: str
    asserts_fact: bool
    cues: tuple[str, ...] = ()


@dataclass(frozen=True)
class TimeCues:
    """Words read from the ontology that say when a relation began or ended, and how a
    decision changed it."""

    start: frozenset[str]  # "since", "from"
    end: frozenset[str]  # "until", "till"
    end_triggers: frozenset[str]  # "sell", "divest": a bare date in such a clause ends the relation
    stative: frozenset[str]  # "own", "hold": a bare date is an observation, not a start
    ended: frozenset[str]  # a decision's effect ended the relation
    changed: frozenset[str]  # ... or changed it (a stake cut)
    enact: frozenset[str]  # a law adopted or coming into force
    law_nouns: frozenset[str]
    event_nouns: frozenset[str] = frozenset()  # "decision", "deal": a noun naming a dated act
    completion_verbs: frozenset[str] = frozenset()  # "close", "complete": the act was done
    act_verbs: frozenset[str] = frozenset()  # "impose", "designate": "is imposing" is done today
    origin_verbs: frozenset[str] = frozenset()  # "found", "create": "X was founded in 2001"


@dataclass(frozen=True)
class GazetteerEntry:
    """A well-known entity with its names."""

    iri: URIRef
    type: URIRef
    label: str
    alt_labels: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    metonyms: tuple[str, ...] = ()
    same_as: tuple[URIRef, ...] = ()
    short_names: tuple[str, ...] = ()  # "Commission", in texts of its jurisdiction
    jurisdiction: URIRef | None = None
    jurisdiction_cues: tuple[str, ...] = ()  # "Council Regulation": a text of this jurisdiction


@dataclass(frozen=True)
class Ontology:
    """Everything the pipeline reads from `ontology/`."""

    graph: Graph = field(repr=False)
    entity_types: dict[str, EntityType]
    relations: dict[str, RelationType]
    statuses: dict[str, Status]
    gazetteer: tuple[GazetteerEntry, ...]
    government_nouns: tuple[str, ...]
    not_names: frozenset[str]
    version: str

    @functools.cached_property
    def declared_terms(self) -> frozenset[str]:
        """Local names of every ``sckg:`` term the ontology file mentions (classes, properties, individuals)."""
        base = str(SCKG)
        return frozenset(str(t)[len(base):] for triple in self.graph for t in triple
                         if isinstance(t, URIRef) and str(t).startswith(base))

    @functools.cached_property
    def trigger_nouns(self) -> frozenset[str]:
        """Every event, agent, child and part noun of every relation (last word, lowercase)."""
        return frozenset(n.split()[-1] for r in self.relations.values()
                         for n in (*r.nouns, *r.agent_nouns, *r.child_nouns, *r.part_nouns))

    @functools.cached_property
    def type_noun_index(self) -> dict[str, tuple[tuple[tuple[str, ...], str], ...]]:
        """Type nouns by last word: {"airport": ((("cargo",), Airport IRI), ((), Airport IRI))}."""
        index: dict[str, list] = {}
        for t in self.entity_types.values():
            for noun in t.type_nouns:
                *prefix, last = noun.split()
                index.setdefault(last, []).append((tuple(prefix), str(t.iri)))
        return {k: tuple(sorted(v, key=lambda x: (-len(x[0]), x[1]))) for k, v in index.items()}

    @functools.cached_property
    def name_word_index(self) -> dict[str, tuple[tuple[tuple[str, ...], str], ...]]:
        """Name words by first word: {"security": ((("security", "service"), IntelligenceAgency IRI),)}."""
        index: dict[str, list] = {}
        for t in self.entity_types.values():
            for phrase in t.name_words:
                parts = tuple(phrase.split())
                index.setdefault(parts[0], []).append((parts, str(t.iri)))
        return {k: tuple(sorted(v)) for k, v in index.items()}

    @functools.cached_property
    def title_words(self) -> frozenset[str]:
        """Words of titles ("minister", "secretary") and the offices they qualify."""
        words = {w for n in self.entity_types["Person"].name_words for w in n.split()}
        return frozenset(words | {"business", "culture", "economy", "economic", "trade", "industry", "interior",
                                  "foreign", "home", "defence", "defense", "finance", "prime", "deputy",
                                  "vice", "general", "state", "affairs", "of", "for", "the", "and"})

    @functools.cached_property
    def gazetteer_iris(self) -> frozenset[str]:
        """The gazetteer's entries: nodes whose names are known, never joined by initials."""
        return frozenset(str(e.iri) for e in self.gazetteer)

    @functools.cached_property
    def state_prefixes(self) -> frozenset[str]:
        """Normalised names, short forms and demonyms of the gazetteer's states ("us", "u s",
        "united states", "american"): a name may open with one ("U.S. Department of Energy")."""
        from .model import normalise_name
        out = set()
        for e in self.gazetteer:
            if str(e.type) == str(SCKG.State):
                out.update(normalise_name(n) for n in (e.label, *e.alt_labels, *e.demonyms))
        return frozenset(n for n in out if n)

    @functools.cached_property
    def name_particles(self) -> frozenset[str]:
        """Lower-case words of other languages that join the words of one name (sckg:nameParticle)."""
        return frozenset(_strs(self.graph, URIRef(str(SCKG).rstrip("#")), SCKG.nameParticle))

    @functools.cached_property
    def not_name_endings(self) -> frozenset[str]:
        """Last words that make a capitalised phrase a law or a document, not an entity."""
        return frozenset(s.casefold() for s in _strs(self.graph, URIRef(str(SCKG).rstrip("#")), SCKG.notANameEnding))

    @functools.cached_property
    def agent_verbs(self) -> frozenset[str]:
        """Verb lemmas whose subject must be an agent (relations with a domain narrower than Entity)."""
        return frozenset(v.split()[0] for r in self.relations.values() if not str(r.domain).endswith("#Entity")
                         for v in r.verbs)

    @functools.cached_property
    def head_words(self) -> frozenset[str]:
        """Single words that head a name of some type ("port", "ministry", "committee")."""
        words = set()
        for t in self.entity_types.values():
            if t.name == "Person":
                continue
            words.update(w for w in (*t.type_nouns, *t.name_words) if " " not in w)
        return frozenset(words)

    @functools.cached_property
    def name_key_cache(self) -> dict:
        """Lookup keys of names already seen (graph.model.name_keys), kept with this ontology."""
        return {}

    @functools.cached_property
    def office_words(self) -> frozenset[str]:
        """One-word office titles of every type ("minister", "secretary")."""
        return frozenset(w for t in self.entity_types.values() for w in t.office_titles if " " not in w)

    @functools.cached_property
    def state_verbs(self) -> frozenset[str]:
        """Verb lemmas whose subject is a state actor (sckg:stateVerb)."""
        return frozenset(_strs(self.graph, SCKG.StateActor, SCKG.stateVerb))

    @functools.cached_property
    def generic_words(self) -> frozenset[str]:
        """Head words that alone name a body within one article only ("Department", "Court"),
        unlike a state's one institution of a kind ("Congress")."""
        institutions = {w for t in self.entity_types.values() for w in t.institution_names}
        return self.head_words - institutions

    @functools.cached_property
    def company_suffixes(self) -> frozenset[str]:
        """Words that extend a company's short name ("Shipping", "Group")."""
        return frozenset(w for n in self.entity_types["Company"].name_words for w in n.split())

    @functools.cached_property
    def facility_verbs(self) -> frozenset[str]:
        """One-word verbs of the relations whose range is a facility ("operate", "run")."""
        return frozenset(v for r in self.relations.values() if str(r.range).rsplit("#", 1)[-1] in self.entity_types
                         and self.is_a(str(r.range), str(SCKG.Facility)) for v in r.verbs if " " not in v)

    @functools.cached_property
    def facility_words(self) -> frozenset[str]:
        """Words of facility nouns ("nuclear", "plant", "terminal")."""
        words = set()
        for t in self.entity_types.values():
            if t.name == "Facility" or any(str(s).endswith("#Facility") for s in t.superclasses):
                for phrase in (*t.type_nouns, *t.name_words):
                    words.update(phrase.split())
        return frozenset(words)

    @functools.cached_property
    def time_cues(self) -> "TimeCues":
        """The words that place a relation in time and a decision's effect (see sckg:validFrom)."""
        g = self.graph
        words = lambda s, p: frozenset(w.casefold() for w in _strs(g, s, p))  # noqa: E731
        return TimeCues(start=words(SCKG.validFrom, SCKG.cue), end=words(SCKG.validUntil, SCKG.cue),
                        end_triggers=words(SCKG.validUntil, SCKG.endTrigger),
                        stative=words(SCKG.date, SCKG.stativeTrigger),
                        ended=words(SCKG.ended, SCKG.cue), changed=words(SCKG.changed, SCKG.cue),
                        enact=words(SCKG.law, SCKG.enactVerb), law_nouns=words(SCKG.law, SCKG.cue),
                        event_nouns=words(SCKG.validFrom, SCKG.eventNoun),
                        completion_verbs=words(SCKG.validFrom, SCKG.completionVerb),
                        act_verbs=words(SCKG.validFrom, SCKG.actVerb),
                        origin_verbs=words(SCKG.validFrom, SCKG.originVerb))

    @functools.cached_property
    def decision_kinds(self) -> dict[str, frozenset[str]]:
        """Each sckg:DecisionKind's local name and its cue words, in declaration order of the names.

        >>> "divest" in load_ontology().decision_kinds["order"]
        True
        """
        g = self.graph
        return {str(k).rsplit("#", 1)[-1]: frozenset(w.casefold() for w in _strs(g, k, SCKG.cue))
                for k in sorted(g.subjects(RDF.type, SCKG.DecisionKind))}

    def entity_type(self, iri: URIRef | str) -> EntityType:
        """Return the entity type with this IRI or local name."""
        return self.entity_types[str(iri).rsplit("#", 1)[-1]]

    @functools.cached_property
    def _ancestors(self) -> dict[str, frozenset[str]]:
        return {str(t.iri): frozenset(map(str, t.superclasses)) for t in self.entity_types.values()}

    def is_a(self, cls: URIRef | str, ancestor: URIRef | str) -> bool:
        """True when `cls` is `ancestor` or one of its subclasses."""
        cls, ancestor = str(cls), str(ancestor)
        if cls == ancestor:
            return True
        known = self._ancestors.get(cls)
        return ancestor in (known if known is not None else map(str, self.entity_type(cls).superclasses))

    def fits(self, relation: RelationType, subject_type: URIRef | str, object_type: URIRef | str) -> bool:
        """True when a subject and an object of these types may stand in `relation`: the
        subject in its domain and in none of the classes it excludes from it, the object in its
        range and in none of its excluded classes (nor the subject, when the relation is symmetric)."""
        ends = (object_type, subject_type) if relation.symmetric else (object_type,)
        return (self.is_a(subject_type, relation.domain) and self.is_a(object_type, relation.range)
                and not any(self.is_a(t, x) for t in ends for x in relation.range_excludes)
                and not any(self.is_a(subject_type, x) for x in relation.domain_excludes))

    def relation(self, iri_or_name: URIRef | str) -> RelationType:
        """Return a relation by local name or IRI."""
        name = str(iri_or_name).rsplit("#", 1)[-1]
        return self.relations[name]


def _strs(g: Graph, s, p) -> tuple[str, ...]:
    return tuple(sorted(str(o) for o in g.objects(s, p)))


def _one(g: Graph, s, p, what: str, path: Path, *, required: bool = True) -> str | None:
    values = sorted(str(o) for o in g.objects(s, p))
    if not values:
        if required:
            raise OntologyError(f"{path}: {s} has no {what} ({p.n3(g.namespace_manager)})")
        return None
    return values[0]


def _parse(path: Path) -> Graph:
    g = Graph()
    try:
        g.parse(path, format="turtle")
    except FileNotFoundError:
        raise OntologyError(f"{path}: file not found") from None
    except Exception as exc:  # rdflib raises many parser exception types
        text = str(exc)
        line = re.search(r"at line (\d+)", text)
        reason = re.search(r"Bad syntax \((.*?)\) at \^", text, re.DOTALL)
        where = f"{path}:{line.group(1)}" if line else str(path)
        detail = reason.group(1) if reason else text.strip().splitlines()[0] if text.strip() else type(exc).__name__
        raise OntologyError(f"{where}: not valid Turtle: {detail}") from None
    return g


@functools.cache
def load_ontology(directory: Path | str = ONTOLOGY_DIR) -> Ontology:
    """Read `sckg.ttl` and `gazetteer.ttl` from `directory`.

    Raises
    ------
    OntologyError
        When a file is missing or unparsable, or a relation or entity type lacks a part of
        its declaration (label, definition, domain, range, colour, trigger words).

    Examples
    --------
    >>> onto = load_ontology()
    >>> onto.relations["owns"].domain.endswith("Agent")
    True
    >>> "monitor" in onto.relations["monitors"].verbs
    True
    """
    directory = Path(directory)
    path = directory / "sckg.ttl"
    g = _parse(path)

    types: dict[str, EntityType] = {}
    for cls in sorted(g.subjects(RDF.type, SCKG.EntityType)):
        supers = tuple(sorted(s for s in g.transitive_objects(cls, RDFS.subClassOf)
                              if s != cls and isinstance(s, URIRef)))
        types[str(cls).rsplit("#", 1)[-1]] = EntityType(
            iri=cls,
            name=str(cls).rsplit("#", 1)[-1],
            label=_one(g, cls, RDFS.label, "rdfs:label", path),
            definition=_one(g, cls, SKOS.definition, "skos:definition", path),
            colour=_one(g, cls, SCKG.colour, "sckg:colour", path),
            shape=_one(g, cls, SCKG.shape, "sckg:shape", path, required=False) or "dot",
            superclasses=supers,
            type_nouns=_strs(g, cls, SCKG.typeNoun),
            name_words=_strs(g, cls, SCKG.nameWord),
            ner_labels=_strs(g, cls, SCKG.nerLabel),
            institution_names=_strs(g, cls, SCKG.institutionName),
            office_titles=_strs(g, cls, SCKG.officeTitle),
        )
    if not types:
        raise OntologyError(f"{path}: declares no sckg:EntityType")

    relations: dict[str, RelationType] = {}
    for prop in sorted(g.subjects(RDF.type, SCKG.Relation)):
        name = str(prop).rsplit("#", 1)[-1]
        rel = RelationType(
            iri=prop,
            name=name,
            label=_one(g, prop, RDFS.label, "rdfs:label", path),
            definition=_one(g, prop, SKOS.definition, "skos:definition", path),
            domain=URIRef(_one(g, prop, RDFS.domain, "rdfs:domain", path)),
            range=URIRef(_one(g, prop, RDFS.range, "rdfs:range", path)),
            colour=_one(g, prop, SCKG.colour, "sckg:colour", path),
            symmetric=(prop, RDF.type, OWL.SymmetricProperty) in g,
            inverse=g.value(prop, OWL.inverseOf),
            indirect_object=bool(g.value(prop, SCKG.indirectObject, default=Literal(False)).toPython()),
            verbs=_strs(g, prop, SCKG.verb),
            nouns=_strs(g, prop, SCKG.noun),
            agent_nouns=_strs(g, prop, SCKG.agentNoun),
            child_nouns=_strs(g, prop, SCKG.childNoun),
            part_nouns=_strs(g, prop, SCKG.partNoun),
            joint_adverbs=_strs(g, prop, SCKG.jointAdverb),
            owned_adjectives=_strs(g, prop, SCKG.ownedAdjective),
            state_modifiers=_strs(g, prop, SCKG.stateModifier),
            member_verbs=_strs(g, prop, SCKG.memberVerb),
            founder_verbs=_strs(g, prop, SCKG.founderVerb),
            directives=_strs(g, prop, SCKG.directive),
            directed=_strs(g, prop, SCKG.directed),
            transfer_verbs=_strs(g, prop, SCKG.transferVerb),
            deal_words=frozenset(w.casefold().split()[0] for w in _strs(g, prop, SCKG.dealWord)),
            raising_verbs=_strs(g, prop, SCKG.objectRaisingVerb),
            range_excludes=tuple(sorted(URIRef(x) for x in g.objects(prop, SCKG.rangeExcludes))),
            domain_excludes=tuple(sorted(URIRef(x) for x in g.objects(prop, SCKG.domainExcludes))),
            closing_verbs=frozenset(w.casefold() for w in _strs(g, prop, SCKG.closingVerb)),
            opening_words=frozenset(w.casefold() for w in _strs(g, prop, SCKG.openingWord)),
        )
        if not (rel.verbs or rel.nouns or rel.agent_nouns or rel.child_nouns or rel.part_nouns):
            raise OntologyError(f"{path}: relation {name} declares no trigger words "
                                "(sckg:verb, sckg:noun, sckg:agentNoun, sckg:childNoun or sckg:partNoun)")
        for end in (rel.domain, rel.range, *rel.range_excludes, *rel.domain_excludes):
            if (end, RDF.type, OWL.Class) not in g:
                raise OntologyError(f"{path}: relation {name} names {end} as domain, range or excluded class, "
                                    "which is not declared as an owl:Class")
        relations[name] = rel
    if not relations:
        raise OntologyError(f"{path}: declares no sckg:Relation")

    statuses = {}
    for st in sorted(g.subjects(RDF.type, SCKG.Status)):
        name = str(st).rsplit("#", 1)[-1]
        flag = g.value(st, SCKG.assertsFact)
        if flag is None:
            raise OntologyError(f"{path}: status {name} has no sckg:assertsFact")
        statuses[name] = Status(st, name, _one(g, st, RDFS.label, "rdfs:label", path),
                                bool(flag.toPython()), _strs(g, st, SCKG.cue))
    if "reported" not in statuses:
        raise OntologyError(f"{path}: the status sckg:reported is not declared")

    gaz_path = directory / "gazetteer.ttl"
    gz = _parse(gaz_path)
    entries = []
    type_iris = {t.iri for t in types.values()}
    for s in sorted(set(gz.subjects(RDFS.label))):
        cls = gz.value(s, RDF.type)
        if cls not in type_iris:
            raise OntologyError(f"{gaz_path}: {s} has type {cls}, not a declared sckg:EntityType")
        entries.append(GazetteerEntry(
            iri=s, type=cls, label=str(gz.value(s, RDFS.label)),
            alt_labels=_strs(gz, s, SKOS.altLabel), demonyms=_strs(gz, s, SCKG.demonym),
            metonyms=_strs(gz, s, SCKG.metonym),
            same_as=tuple(sorted(o for o in gz.objects(s, OWL.sameAs))),
            short_names=_strs(gz, s, SCKG.shortName), jurisdiction=gz.value(s, SCKG.jurisdiction),
            jurisdiction_cues=_strs(gz, s, SCKG.jurisdictionCue),
        ))

    known = {e.iri for e in entries}
    for e in entries:
        if e.short_names and e.jurisdiction not in known:
            raise OntologyError(f"{gaz_path}: {e.iri} has a sckg:shortName but no sckg:jurisdiction "
                                "that is an entry of the gazetteer")

    from .model import normalise_name  # the model module builds on this one

    version = str(g.value(URIRef("https://w3id.org/sckg/ontology"), OWL.versionInfo) or "0")
    return Ontology(
        graph=g,
        entity_types=types,
        relations=relations,
        statuses=statuses,
        gazetteer=tuple(entries),
        government_nouns=_strs(g, SCKG.State, SCKG.governmentNoun),
        # compared with normalised names: "M&O" is "m o" there
        not_names=frozenset(normalise_name(s) for s in _strs(g, URIRef(str(SCKG).rstrip("#")), SCKG.notAName)),
        version=version,
    )
