"""The graph model: names, stable IRIs, extracted entities, relations, evidence, and their RDF."""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode, Quad

from .document import Article
from .ontology import ENT, SCKG, Ontology

RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDF_SUBJECT = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#subject")
RDF_PREDICATE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate")
RDF_OBJECT = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#object")
RDFS_LABEL = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
SKOS_ALT = NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")
OWL_SAMEAS = NamedNode("http://www.w3.org/2002/07/owl#sameAs")
PROV_DERIVED = NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")
DCT_TITLE = NamedNode("http://purl.org/dc/terms/title")
DCT_DATE = NamedNode("http://purl.org/dc/terms/date")
DCT_SOURCE = NamedNode("http://purl.org/dc/terms/source")
XSD = "http://www.w3.org/2001/XMLSchema#"

DOC_BASE = str(ENT) + "doc/"
EVIDENCE_BASE = str(ENT) + "evidence/"
DECISION_BASE = str(ENT) + "decision/"


def sckg(local: str) -> NamedNode:
    """The ontology term with this local name."""
    return NamedNode(str(SCKG) + local)


XSD_INTEGER, XSD_DECIMAL = NamedNode(XSD + "integer"), NamedNode(XSD + "decimal")
P_START, P_END, P_CONFIDENCE, P_STATUS = sckg("startChar"), sckg("endChar"), sckg("confidence"), sckg("status")
P_METHOD, P_METHOD_VERSION = sckg("method"), sckg("methodVersion")


@functools.lru_cache(maxsize=65536)
def normalise_name(name: str) -> str:
    """Normalise a name for comparison (the gold scoring rules).

    NFKD with accents removed, case folded, a leading "the " dropped, every run of
    characters other than letters and digits replaced by one space, trimmed.

    Examples
    --------
    >>> normalise_name("The  Liège Airport!")
    'liege airport'
    >>> normalise_name("Alibaba's")
    'alibaba s'
    """
    if name.isascii():
        text = name.lower()
    else:
        text = unicodedata.normalize("NFKD", name)
        text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"[\W_]+", " ", text).strip()
    if text.startswith("the "):
        text = text[4:]
    return text


#: words that join two parts of a name ("Department of Energy", "Bureau for ...")
_JOINING_WORDS = frozenset({"of", "for", "and", "the", "on", "de", "du", "des", "der", "und"})


def name_keys(name: str, ontology: Ontology) -> set[str]:
    """The lookup keys that join a name across documents (stored as ``sckg:nameKey``).

    The normalised name and, for company names, the name without trailing company words.

    Examples
    --------
    >>> from graph.ontology import load_ontology
    >>> sorted(name_keys("Landbridge Group Ltd", load_ontology()))
    ['acr:lgl', 'landbridge', 'landbridge group', 'landbridge group ltd']
    """
    cache = ontology.name_key_cache
    keys = cache.get(name)
    if keys is None:
        if len(cache) >= 100_000:  # bounded: a long build meets millions of names
            cache.clear()
        keys = cache[name] = frozenset(_name_keys(name, ontology))
    return set(keys)


#: prefix of the key a facility's full name leaves for its bare short form
SHORT = "short:"
ACR = "acr:"  # a name key made of initials ("acr:til"): joins an acronym and a full name only


def _name_keys(name: str, ontology: Ontology) -> set[str]:
    if " & " in name:  # "Amentum Environment & Energy, Inc." is "Amentum Environment and Energy, Inc."
        return _name_keys(name.replace(" & ", " "), ontology) | _name_keys(name.replace(" & ", " and "), ontology)
    words = normalise_name(name).split()
    full = " ".join(words)
    while len(words) > 1 and words[-1] in ontology.company_suffixes and words[-2] not in _JOINING_WORDS:
        words.pop()  # "Landbridge Group" -> "Landbridge", not "Department of Energy" -> "Department of"
    if " ".join(words) in ontology.state_prefixes:
        words = full.split()  # "U.S. Energy" is not "U.S."
    keys = {k for k in (full, " ".join(words), without_legal_form(name)) if k}
    bare = without_state_prefix(name, ontology)
    if bare:
        keys.add(bare)  # "U.S. Department of Energy" joins "Department of Energy"
    if len(words) >= 2 and all(w.isalnum() for w in words):
        keys.add("".join(words))  # "Exxon Mobil" joins "ExxonMobil", "U.A.E." joins "UAE"
    keys |= variant_keys(full)
    keys = {k for k in keys if not (" " not in k and k in ontology.generic_words)}  # "department", "court"
    stripped = name.strip()
    if stripped.replace(".", "").isalpha() and stripped.replace(".", "").isupper() and 3 <= len(stripped.replace(".", "")) <= 6:
        keys.add(ACR + stripped.replace(".", "").casefold())  # "NNSA"
    elif len(full.split()) >= 3:
        keys |= {ACR + a for a in acronyms(name) if 3 <= len(a) <= 6}
    short = facility_short_form(full, ontology)
    if short:
        keys.add(SHORT + short)  # looked up by the bare name only: see graph.resolve
    return keys


def facility_short_form(norm: str, ontology: Ontology) -> str | None:
    """The short form of a facility's normalised name without its facility words:
    "brookhaven national laboratory" -> "brookhaven", "hanford site" -> "hanford"; None when
    the name does not end in a facility word or nothing specific is left.

    >>> from graph.ontology import load_ontology
    >>> o = load_ontology()
    >>> facility_short_form("athens international airport", o), facility_short_form("hanford", o)
    ('athens', None)
    """
    words = norm.split()
    if len(words) < 2 or words[-1] not in ontology.facility_words:
        return None
    while len(words) > 1 and (words[-1] in ontology.facility_words or words[-1] in ("national", "international")):
        words.pop()
    rest = " ".join(words)
    if words[-1] in _JOINING_WORDS or rest in ontology.generic_words or rest in ontology.state_prefixes \
            or len(rest) < 3:
        return None
    return rest


def is_generic(name: str, ontology: Ontology) -> bool:
    """A name that is only a type's head word ("Department", "Court", "the Commission"):
    it names one body within an article but nothing across articles.

    >>> from graph.ontology import load_ontology
    >>> is_generic("the Department", load_ontology()), is_generic("Department of Energy", load_ontology())
    (True, False)
    """
    words = normalise_name(name).split()
    return len(words) == 1 and words[0] in ontology.generic_words


def variant_keys(norm: str) -> set[str]:
    """Keys that two spellings of one name share: "Justice Department" and "Department of
    Justice"; "Republic of Angola" and "Angola" (one ISO country code); "U.A.E." and "UAE".

    >>> sorted(variant_keys("u s treasury department")), sorted(variant_keys("department of the treasury"))
    (['department of treasury'], ['department of treasury'])
    >>> variant_keys("republic of zambia") == variant_keys("zambia")
    True
    """
    keys = set()
    m = re.fullmatch(r"(?:\S+ ){0,2}?(\S+) (department|ministry)", norm)
    if m:
        keys.add(f"{m.group(2)} of {m.group(1)}")
    m = re.fullmatch(r"(?:\S+ ){0,2}?(department|ministry) of (?:the )?(\S+)", norm)
    if m:
        keys.add(f"{m.group(1)} of {m.group(2)}")
    code = country_code(norm)
    if code:
        keys.add("iso:" + code)
    words = norm.split()
    if len(words) >= 2 and all(len(w) == 1 for w in words):
        keys.add("".join(words))  # initials written with stops
    return keys


@functools.lru_cache(maxsize=1)
def _country_codes() -> dict[str, str]:
    """Normalised country names (short, common, official; "the" dropped) -> ISO alpha-3 code,
    for the names that belong to one country only (pycountry)."""
    import pycountry
    seen: dict[str, set[str]] = {}
    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(c, attr, None)
            if not value:
                continue
            forms = [value]
            if ", " in value:  # "Congo, The Democratic Republic of the"
                head, tail = value.split(", ", 1)
                forms += [f"{tail} {head}", head]
            for form in forms:
                key = " ".join(w for w in normalise_name(form).split() if w != "the")
                seen.setdefault(key, set()).add(c.alpha_3)
    return {k: next(iter(v)) for k, v in seen.items() if len(v) == 1}


def country_code(norm: str) -> str | None:
    """The ISO 3166-1 alpha-3 code of a normalised country name, when it names one country.

    >>> country_code("republic of angola"), country_code("democratic republic of congo")
    ('AGO', 'COD')
    """
    return _country_codes().get(" ".join(w for w in norm.split() if w != "the"))


SMALL_WORDS = frozenset({"of", "and", "for", "the", "on", "in", "&"})


def acronyms(name: str) -> set[str]:
    """Initials of a name, with and without small words and a first word (a country prefix):
    the forms an acronym of it may take.

    >>> sorted(acronyms("U.S. Department of Energy"))
    ['de', 'doe', 'ude', 'udoe']
    >>> "cfius" in acronyms("Committee on Foreign Investment in the United States")
    True
    """
    words = [w for w in re.split(r"[\s\-]+", name) if w and w[0].isalnum()]
    out = set()
    for skip in (0, 1):
        ws = words[skip:]
        if len(ws) < 2:
            continue
        out.add("".join(w[0] for w in ws).casefold())
        out.add("".join(w[0] for w in ws if w.casefold() not in SMALL_WORDS).casefold())
    return out


def without_state_prefix(name: str, ontology: Ontology) -> str | None:
    """The normalised name without a leading state name or abbreviation, when it has one and
    at least two words remain: "U.S. Department of Energy" -> "department of energy"."""
    words = normalise_name(name).split()
    prefixes = ontology.state_prefixes
    for n in (3, 2, 1):
        if len(words) - n >= 2 and " ".join(words[:n]) in prefixes:
            return " ".join(words[n:])
    return None


@functools.lru_cache(maxsize=65536)
def is_legal_form(word: str) -> bool:
    """True for a legal form such as "Inc.", "LLC", "Ltd", "S.A." (rigour's list); not for a
    Roman numeral, which rigour's list holds and names use ("Paks II").

    >>> is_legal_form("LLC"), is_legal_form("II")
    (True, False)
    """
    from rigour.names import extract_org_types
    return bool(extract_org_types(word)) and not re.fullmatch(r"[IVX]+", word)


def without_legal_form(name: str) -> str:
    """The normalised name without its legal form ("Inc.", "S.A.", "Co., Ltd."), by rigour.

    >>> without_legal_form("Qualcomm Incorporated")
    'qualcomm'
    >>> without_legal_form("Cosco Shipping Holdings Co., Ltd.")
    'cosco shipping holdings'
    """
    from rigour.names import remove_org_types
    stripped = normalise_name(remove_org_types(name))
    return stripped or normalise_name(name)


def slug(name: str) -> str:
    """A name as an IRI path segment: normalised, spaces as hyphens, never empty.

    Examples
    --------
    >>> slug("Liège Airport")
    'liege-airport'
    >>> slug("!!!")[:5]
    'name-'
    """
    s = normalise_name(name).replace(" ", "-")
    s = re.sub(r"[^a-z0-9-]", "", s.encode("ascii", "ignore").decode())[:80].strip("-")
    if not s:
        s = "name-" + hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return s


def entity_iri(label: str, *, scope: str | None = None) -> str:
    """The IRI of a named entity, or of an unnamed one within one document (``scope``)."""
    return f"{ENT}{scope}/{slug(label)}" if scope else f"{ENT}{slug(label)}"


def document_iri(article: Article) -> str:
    """The IRI of a document, which is also the name of its graph."""
    return DOC_BASE + article.slug


@dataclass
class Entity:
    """An entity found in one document."""

    iri: str
    label: str
    type: str  # IRI of its most specific class
    names: set[str] = field(default_factory=set)
    same_as: tuple[str, ...] = ()
    described: bool = False  # an unnamed entity, known by a description


@dataclass(frozen=True)
class Evidence:
    """Where and how a relation was found."""

    sentence: str
    start: int
    end: int
    method: str
    method_version: str
    confidence: float
    status: str = "reported"
    trigger: str = ""
    asserted_by: str | None = None  # entity IRI
    date: str | None = None  # xsd:date, gYearMonth or gYear lexical form
    share: float | None = None  # fraction of the object held, for ownership
    valid_from: str | None = None  # when the relation began, as the text gives it
    valid_until: str | None = None  # when it ended
    share_before: float | None = None  # a changed stake, before and after
    share_after: float | None = None
    # where valid_from/valid_until were read when not in this sentence: that sentence and its offsets
    time_sentence: str | None = None
    time_start: int | None = None
    time_end: int | None = None


@dataclass(frozen=True)
class Relation:
    """One relation between two entities, with its evidence."""

    subject: str
    relation: str  # local name in the ontology
    object: str
    evidence: Evidence


@dataclass(frozen=True)
class Effect:
    """A relation a decision started, ended, changed or prevented (the local names of the
    sub-properties of sckg:affects)."""

    change: str
    relation: Relation


@dataclass(frozen=True)
class Decision:
    """A state's action reported by a document, with what it changed.

    ``evidence`` cites the sentence that reports it; its ``date`` is the decision's date.
    """

    kind: str  # local name of a sckg:DecisionKind
    actor: str  # entity IRI
    targets: tuple[str, ...]
    evidence: Evidence
    basis: str | None = None
    effects: tuple[Effect, ...] = ()


@dataclass
class Extraction:
    """What one document yielded."""

    article: Article
    entities: dict[str, Entity]
    relations: list[Relation]
    decisions: list[Decision] = field(default_factory=list)

    @property
    def iri(self) -> str:
        return document_iri(self.article)


def _date_literal(value: str) -> Literal:
    kind = {4: "gYear", 7: "gYearMonth", 10: "date"}.get(len(value), "string")
    return Literal(value, datatype=NamedNode(XSD + kind))


def _evidence_iri(doc: str, rel: Relation) -> str:
    e = rel.evidence
    key = "\x1f".join([doc, rel.subject, rel.relation, rel.object, str(e.start), str(e.end),
                       e.method, e.status, e.trigger])
    return EVIDENCE_BASE + hashlib.sha256(key.encode()).hexdigest()[:24]


def to_quads(extraction: Extraction, ontology: Ontology) -> list[Quad]:
    """The document's named graph: document node, entities, relations and evidence.

    Entities carry their most specific class and every superclass; a relation whose
    status asserts a fact is also a direct triple.
    """
    art = extraction.article
    doc = NamedNode(extraction.iri)
    g = doc
    q: list[Quad] = []
    add = lambda s, p, o: q.append(Quad(s, p, o, g))  # noqa: E731
    terms: dict = {}  # terms made once per document

    def term(kind, value):
        t = terms.get((kind, value))
        if t is None:
            t = terms[kind, value] = kind(value)
        return t

    add(doc, RDF_TYPE, sckg("Document"))
    add(doc, RDF_TYPE, NamedNode("http://www.w3.org/ns/prov#Entity"))
    add(doc, sckg("contentHash"), Literal(art.content_hash))
    add(doc, sckg("fileName"), Literal(art.name))
    if art.title:
        add(doc, DCT_TITLE, Literal(art.title))
    if art.date:
        add(doc, DCT_DATE, _date_literal(art.date))
    if art.source:
        add(doc, DCT_SOURCE, Literal(art.source))

    for ent in extraction.entities.values():
        node = NamedNode(ent.iri)
        etype = ontology.entity_type(ent.type)
        for cls in (etype.iri, *etype.superclasses):
            add(node, RDF_TYPE, term(NamedNode, str(cls)))
        add(node, RDFS_LABEL, Literal(ent.label, language="en"))
        for name in sorted(ent.names - {ent.label}):
            add(node, SKOS_ALT, Literal(name, language="en"))
        for same in ent.same_as:
            add(node, OWL_SAMEAS, NamedNode(same))
        if not ent.described:
            for key in sorted(set().union(*(name_keys(n, ontology) for n in ent.names | {ent.label}))):
                add(node, sckg("nameKey"), Literal(key))
        add(node, PROV_DERIVED, doc)

    for rel in extraction.relations:
        e = rel.evidence
        s, p, o = term(NamedNode, rel.subject), term(sckg, rel.relation), term(NamedNode, rel.object)
        if ontology.statuses[e.status].asserts_fact:
            add(s, p, o)
        ev = NamedNode(_evidence_iri(extraction.iri, rel))
        add(ev, RDF_TYPE, sckg("Evidence"))
        add(ev, RDF_SUBJECT, s)
        add(ev, RDF_PREDICATE, p)
        add(ev, RDF_OBJECT, o)
        _citation(add, term, ev, doc, e)
        if e.asserted_by:
            add(ev, sckg("assertedBy"), NamedNode(e.asserted_by))
        if e.date:
            add(ev, sckg("date"), _date_literal(e.date))
        _time_and_stake(add, ev, e)
    for dec in extraction.decisions:
        _decision_quads(add, term, doc, extraction, dec)
    return list(dict.fromkeys(q))  # distinct, in a stable order; exports sort


def _decimal(value: float) -> Literal:
    return Literal(f"{value:.4f}".rstrip("0").rstrip("."), datatype=XSD_DECIMAL)


def _citation(add, term, node: NamedNode, doc: NamedNode, e: Evidence) -> None:
    """What every evidenced node carries, an evidence record or a decision: its document,
    sentence, offsets, method and version, confidence, status and trigger."""
    add(node, PROV_DERIVED, doc)
    add(node, sckg("sentence"), Literal(e.sentence))
    add(node, P_START, Literal(str(e.start), datatype=XSD_INTEGER))
    add(node, P_END, Literal(str(e.end), datatype=XSD_INTEGER))
    add(node, P_METHOD, term(Literal, e.method))
    add(node, P_METHOD_VERSION, term(Literal, e.method_version))
    add(node, P_CONFIDENCE, Literal(f"{e.confidence:.2f}", datatype=XSD_DECIMAL))
    add(node, P_STATUS, term(sckg, e.status))
    if e.trigger:
        add(node, sckg("trigger"), Literal(e.trigger))


def _time_and_stake(add, ev: NamedNode, e: Evidence) -> None:
    if e.share is not None:
        add(ev, sckg("share"), _decimal(e.share))
    if e.valid_from:
        add(ev, sckg("validFrom"), _date_literal(e.valid_from))
    if e.valid_until:
        add(ev, sckg("validUntil"), _date_literal(e.valid_until))
    if e.share_before is not None:
        add(ev, sckg("shareBefore"), _decimal(e.share_before))
    if e.share_after is not None:
        add(ev, sckg("shareAfter"), _decimal(e.share_after))
    if e.time_sentence:
        add(ev, sckg("timeSentence"), Literal(e.time_sentence))
        add(ev, sckg("timeStartChar"), Literal(str(e.time_start), datatype=XSD_INTEGER))
        add(ev, sckg("timeEndChar"), Literal(str(e.time_end), datatype=XSD_INTEGER))


def decision_iri(doc: str, dec: Decision) -> str:
    key = "\x1f".join([doc, dec.kind, dec.actor, str(dec.evidence.start), str(dec.evidence.end)])
    return DECISION_BASE + hashlib.sha256(key.encode()).hexdigest()[:24]


def _decision_quads(add, term, doc: NamedNode, extraction: Extraction, dec: Decision) -> None:
    """A decision node: kind, actor, targets, date, basis, its own evidence, and links to
    the evidence of the relations it affected."""
    e = dec.evidence
    node = NamedNode(decision_iri(extraction.iri, dec))
    ents = extraction.entities
    label = f"{dec.kind} by {ents[dec.actor].label}" if dec.actor in ents else dec.kind
    if dec.targets:
        label += ": " + ", ".join(ents[t].label for t in dec.targets if t in ents)
    add(node, RDF_TYPE, sckg("Decision"))
    add(node, RDF_TYPE, NamedNode("http://www.w3.org/ns/prov#Activity"))
    add(node, RDFS_LABEL, Literal(label, language="en"))
    add(node, sckg("kind"), term(sckg, dec.kind))
    add(node, sckg("decidedBy"), term(NamedNode, dec.actor))
    for t in dec.targets:
        add(node, sckg("target"), term(NamedNode, t))
    if e.date:
        add(node, sckg("decisionDate"), _date_literal(e.date))
    if dec.basis:
        add(node, sckg("legalBasis"), Literal(dec.basis))
    _citation(add, term, node, doc, e)
    for eff in dec.effects:
        add(node, sckg(eff.change), NamedNode(_evidence_iri(extraction.iri, eff.relation)))
