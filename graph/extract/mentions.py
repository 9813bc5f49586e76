"""Find entity mentions in a parsed document and group them into typed entities.

Names come from spaCy's NER, from runs of proper nouns the NER missed, and from the
gazetteer; a name is typed by the gazetteer, then by a description in apposition, then by
the words in the name, then by how the text uses it. Unnamed entities ("a Chinese-owned
tech firm") are made on demand by :meth:`Mentions.describe`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from ..model import Entity, acronyms, entity_iri, normalise_name, without_legal_form
from ..ontology import SCKG, GazetteerEntry, Ontology

NOT_NAME_ENTS = {"DATE", "TIME", "MONEY", "PERCENT", "CARDINAL", "ORDINAL", "QUANTITY", "LAW", "EVENT",
                 "LANGUAGE"}
SOURCE_RANK = {"PAREN": 0, "GAZ": 0, "ORG": 1, "PERSON": 1, "FAC": 1, "GPE": 2, "LOC": 2, "NORP": 2, "PRODUCT": 3, "PROPN": 4}
NER_NAME_LABELS = {"ORG", "GPE", "FAC", "PERSON", "LOC", "PRODUCT", "NORP"}
PRONOUNS = {"it", "its", "itself", "they", "their", "them", "themselves"}
RELATIVE = {"that", "which", "who", "whom", "whose"}
AGENT_DEPS = {"nsubj", "nsubjpass", "poss", "dobj", "appos", "conj"}
GENERIC_DETS = {"all", "any", "some", "every", "each", "no", "many", "most", "several", "other",
                "these", "those", "such"}
DETS = {"a", "an", "the", "its", "their", "this", "that", "one"}


class _NoEntry:
    type = None


_NO = _NoEntry()


@dataclass
class Gazetteer:
    """Names of well-known entities, indexed by normalised form."""

    by_name: dict[str, GazetteerEntry]
    metonyms: dict[str, GazetteerEntry]
    demonyms: dict[str, GazetteerEntry]

    @classmethod
    def build(cls, ontology: Ontology) -> "Gazetteer":
        by_name, metonyms, demonyms = {}, {}, {}
        for e in ontology.gazetteer:
            for name in (e.label, *e.alt_labels):
                by_name.setdefault(normalise_name(name), e)
            for name in e.metonyms:
                metonyms.setdefault(normalise_name(name), e)
            for d in e.demonyms:
                demonyms.setdefault(normalise_name(d), e)
                for noun in ontology.government_nouns:
                    by_name.setdefault(normalise_name(f"{d} {noun}"), e)
        return cls(by_name, metonyms, demonyms)


@dataclass
class Mention:
    """A span of tokens that names or describes an entity."""

    start: int  # token index
    end: int
    key: str  # entity IRI


@dataclass
class Mentions:
    """The entities of one document and where the text mentions them."""

    doc: Doc
    ontology: Ontology
    scope: str  # document slug, for unnamed entities
    entities: dict[str, Entity] = field(default_factory=dict)
    mentions: list[Mention] = field(default_factory=list)
    at: list[str | None] = field(default_factory=list)  # token index -> entity IRI

    def add(self, span: Span, ent: Entity) -> Entity:
        known = self.entities.get(ent.iri)
        if known is None:
            self.entities[ent.iri] = known = ent
        else:
            known.names |= ent.names
        self.mentions.append(Mention(span.start, span.end, known.iri))
        for i in range(span.start, span.end):
            if self.at[i] is None:
                self.at[i] = known.iri
        return known

    def entity_at(self, tok: Token) -> str | None:
        return self.at[tok.i]

    def type_of(self, key: str) -> str:
        return self.entities[key].type

    def before(self, tok: Token, *, type_iri: str | None = None, limit: int = 120,
               exclude: set | None = None) -> str | None:
        """The entity a definite description refers back to (of a type, when given).

        The subject of this or the previous sentence comes first, then the most recent mention.
        """
        sent = tok.sent
        prev_start = self.doc[sent.start - 1].sent.start if sent.start > 0 else sent.start
        names = {t.lower_ for t in tok.subtree if t.pos_ == "PROPN"}
        # "the container terminal at Zeebrugge": an earlier name with Zeebrugge in it; then
        # "the terminal": an earlier name ending in "terminal"
        for wanted in ([names] if names else []) + [{tok.lemma_.lower(), tok.lower_}]:
            for m in sorted(self.mentions, key=lambda m: -m.start):
                t = self.entities[m.key].type
                label = [w.casefold() for w in self.entities[m.key].label.split()]
                hit = wanted & set(label) if wanted is names else wanted & {label[-1]}
                if m.end <= tok.i and m.key not in (exclude or ()) and hit and tok.i - m.end <= limit \
                        and (type_iri is None or self.ontology.is_a(t, type_iri)):
                    return m.key
        for m in sorted(self.mentions, key=lambda m: -m.start):
            if m.end > tok.i or m.start < prev_start or m.key in (exclude or ()):
                continue
            head = self.doc[m.start:m.end].root
            t = self.entities[m.key].type
            if head.dep_ in ("nsubj", "nsubjpass") and (type_iri is None or self.ontology.is_a(t, type_iri)):
                return m.key
        for m in sorted(self.mentions, key=lambda m: -m.start):
            if m.end > tok.i or tok.i - m.end > limit or m.key in (exclude or ()):
                continue
            t = self.entities[m.key].type
            if type_iri is None or self.ontology.is_a(t, type_iri):
                return m.key
        return None

    def describe(self, head: Token) -> str | None:
        """Make (or find) an unnamed entity for the description headed by ``head``.

        Only a singular description that is not generic becomes an entity: "a Chinese-owned
        tech firm", "one of its semiconductor factories", "the operator of a Hamburg port
        terminal"; not "all foreign companies".
        """
        type_iri = noun_type(head, self.ontology)
        if type_iri is None or head.pos_ not in ("NOUN",):
            return None
        dets = {c.lower_ for c in head.children if c.dep_ in ("det", "poss", "predet")}
        if dets & GENERIC_DETS:
            return None
        plural = head.tag_ in ("NNS",)
        one_of = head.head.lower_ == "of" and head.head.head.lower_ in ("one", "some") \
            and head.dep_ == "pobj"
        if plural and not one_of:
            return None
        if dets & {"the", "this"} and not any(c.dep_ == "prep" and c.lower_ == "of" for c in head.children):
            return None  # a definite description without "of ..." refers back
        if not dets and not one_of and not plural:
            # a bare singular noun is rarely an entity ("screening by a body" has a det)
            if head.dep_ not in ("appos",):
                return None
        poss = {t.i for c in head.children if c.dep_ == "poss" for t in c.subtree}
        words = [t for t in head.subtree
                 if t.i <= head.i and t.i not in poss and t.dep_ not in ("det", "poss", "predet", "case")
                 and not (t.is_punct and t.text not in "-–")
                 and t.lower_ not in DETS and not (t.dep_ == "nummod")]
        label = "".join(t.text_with_ws for t in words[:-1]) + (head.lemma_ if plural else head.text)
        # postmodifier "of ..." is part of the description: "the operator of a port terminal"
        of = [c for c in head.children if c.dep_ == "prep" and c.lower_ == "of"]
        if of and not plural:
            tail = of[0]
            label = "".join(t.text_with_ws for t in words) + "".join(
                t.text_with_ws for t in tail.subtree)
        label = re.sub(r"\s+", " ", label).strip(" ,.;:")
        if not label or len(label) > 80:
            return None
        iri = entity_iri(label, scope=self.scope)
        ent = Entity(iri=iri, label=label, type=type_iri, names={label}, described=True)
        span = self.doc[head.i:head.i + 1]
        return self.add(span, ent).iri


def noun_type(tok: Token, ontology: Ontology) -> str | None:
    """The entity type a common noun names ("firm" -> Company, "cargo airport" -> Airport).

    The longest declared noun ending at ``tok`` wins; answers are cached on the Doc.
    """
    cache = tok.doc.user_data.setdefault("sckg_noun_type", {})
    if tok.i in cache:
        return cache[tok.i]
    best, best_len = None, 0
    index = ontology.type_noun_index
    for form in {tok.lower_, tok.lemma_.lower()}:
        for prefix, type_iri in index.get(form, ()):
            n = len(prefix) + 1
            if n <= best_len or tok.i - len(prefix) < 0:
                continue
            if all(tok.doc[tok.i - len(prefix) + k].lower_ == w for k, w in enumerate(prefix)):
                best, best_len = type_iri, n
    cache[tok.i] = best
    return best


def _name_type(words: list[str], ontology: Ontology) -> str | None:
    """Type from words inside a name; the longest match, then the right-most, wins."""
    best, score = None, (0, -1)
    index = ontology.name_word_index
    for i, w in enumerate(words):
        for parts, type_iri in index.get(w, ()):
            n = len(parts)
            if tuple(words[i:i + n]) == parts and (n, i) > score:
                best, score = type_iri, (n, i)
    return best


def _trim(span: Span) -> Span:
    """Drop leading determiners and trailing possessive markers or punctuation."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].lower_ in ("the", "a", "an") or doc[start].is_punct):
        start += 1
    while end > start and (doc[end - 1].tag_ == "POS" or doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    return doc[start:end]


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w[0].isalpha()).casefold()


def find_mentions(doc: Doc, ontology: Ontology, gazetteer: Gazetteer, matcher: PhraseMatcher, *,
                  scope: str) -> Mentions:
    """Find and type the named entities of ``doc``."""
    ms = Mentions(doc=doc, ontology=ontology, scope=scope, at=[None] * len(doc))
    # 1. candidate name spans: gazetteer phrases, NER, runs of proper nouns
    spans: list[tuple[Span, str]] = []
    for name_span in _gazetteer_spans(doc, gazetteer, matcher):
        spans.append((name_span, "GAZ"))
    for e in doc.ents:
        if e.label_ in NER_NAME_LABELS and not (e.sent.start in _heading_sentences(doc) and len(e) > 3) \
                and not any(t.text == "/" for t in e):
            spans.append((_trim(e), e.label_))
    head_words = ontology.head_words
    headings = _heading_sentences(doc)
    person_spans = [(e.start, e.end) for e in doc.ents if e.label_ == "PERSON"]
    run: list[Token] = []
    i = 0
    while i <= len(doc):
        tok = doc[i] if i < len(doc) else None
        if tok is not None and tok.pos_ == "PROPN" and not tok.is_punct and tok.ent_type_ not in NOT_NAME_ENTS:
            run.append(tok)
            i += 1
            continue
        if tok is not None and run and tok.text in ("-", "–") and not run[-1].whitespace_ \
                and not tok.whitespace_ and i + 1 < len(doc) and doc[i + 1].pos_ == "PROPN":
            run.append(tok)  # "Port of Antwerp-Bruges"
            i += 1
            continue
        if tok is not None and run and tok.lower_ in ("of", "on", "for") and i + 1 < len(doc) \
                and doc[i + 1].pos_ == "PROPN" and doc[i + 1].ent_type_ not in NOT_NAME_ENTS \
                and run[-1].lower_ in head_words:
            # "Port of Rotterdam Authority", "Committee on Foreign Investment ..."
            run.append(tok)
            i += 1
            continue
        if tok is not None and run and tok.text == "," and i + 1 < len(doc) \
                and _legal_form(doc[i + 1].text) and doc[i + 1].pos_ in ("PROPN", "NOUN"):
            # "Washington Group International, Inc.": the legal form belongs to the name
            run.extend(doc[i: i + 2])
            i += 2
            continue
        if tok is not None and run and tok.text == "(":
            # "Sinomine (Hong Kong) Rare Metals Resources": a parenthesis inside a name
            close = next((t for t in doc[tok.i + 1: tok.i + 5] if t.text == ")"), None)
            if close is not None and close.i + 1 < len(doc) and doc[close.i + 1].pos_ == "PROPN" \
                    and all(t.pos_ == "PROPN" for t in doc[tok.i + 1: close.i]):
                run.extend(doc[tok.i: close.i + 1])
                i = close.i + 1
                continue
        if run:
            paren = any(t.text == "(" for t in run)
            a, b = run[0].i, run[-1].i + 1
            # "Secretary of Energy Samuel W. Bodman": the office words before a person's name
            person = next(((ps, pe) for ps, pe in person_spans if a < ps and pe == b), None)
            if person is not None:
                a = person[0]
            if doc[a].sent.start not in headings or (b - a) <= 2:
                spans.append((_trim(doc[a:b]), "PAREN" if paren else "PROPN"))
            run = []
        i += 1
    # a run of proper nouns that extends a non-person name is the fuller name: "CMA CGM"
    # where the model saw only "CGM"
    named = [(n.start, n.end, nl) for n, nl in spans if nl not in ("PROPN", "PAREN")]
    extending = ("ORG", "GAZ", "FAC", "GPE", "LOC", "PERSON")
    for k, (sp, lab) in enumerate(spans):
        if lab != "PROPN":
            continue
        a, b = sp.start, sp.end
        if any(a <= ns and ne <= b and ne - ns < b - a and nl in extending for ns, ne, nl in named) \
                and not any(ns < b and a < ne and nl == "PERSON" and
                            all(t.lower_ in ontology.title_words for t in sp if not (ns <= t.i < ne))
                            for ns, ne, nl in named):
            spans[k] = (sp, "PAREN")
    # longest first; a token belongs to one name; a run of proper nouns only fills the gaps
    # the gazetteer and the NER left
    spans = [(s, lab) for s, lab in spans if len(s) and s.text.strip()]
    spans.sort(key=lambda x: (x[1] == "PROPN", -(x[0].end - x[0].start), SOURCE_RANK.get(x[1], 5), x[0].start))
    taken = [False] * len(doc)
    chosen: list[tuple[Span, set[str]]] = []
    for s, lab in spans:
        if lab == "PROPN" and any(taken[s.start:s.end]):
            free = [i for i in range(s.start, s.end) if not taken[i]]
            if not free:
                continue
            # the longest free stretch
            best, cur = [], []
            for i in free:
                cur = cur + [i] if cur and cur[-1] == i - 1 else [i]
                best = cur if len(cur) > len(best) else best
            s = _trim(doc[best[0]:best[-1] + 1])
            if not len(s):
                continue
        if any(taken[s.start:s.end]):
            for c_span, labs in chosen:
                if (c_span.start, c_span.end) == (s.start, s.end):
                    labs.add(lab)
            continue
        for i in range(s.start, s.end):
            taken[i] = True
        chosen.append((s, {lab}))
    chosen.sort(key=lambda x: x[0].start)

    # 2. extend names over a following facility noun: "Liège airport", "Felixstowe container terminal"
    extended = []
    for s, labs in chosen:
        j = s.end
        while j < len(doc) and not taken[j] and (doc[j].pos_ in ("NOUN", "PROPN") and doc[j].dep_ == "compound"
                                                 or doc[j].pos_ == "ADJ" and doc[j].dep_ == "amod"):
            j += 1
        indefinite = s.start > 0 and doc[s.start - 1].lower_ in ("a", "an") or "NORP" in labs \
            or all(t.pos_ == "ADJ" for t in s) or normalise_name(s.text) in ontology.not_names \
            or normalise_name(s.text) in gazetteer.demonyms  # "the Welsh factory" is a description
        if not indefinite and j < len(doc) and doc[j].pos_ in ("NOUN", "PROPN") and not taken[j] and \
                s.root.head.i <= j and _is_facility(noun_type(doc[j], ontology) or "", ontology) \
                and (s.root.dep_ == "compound" or s.root.head.i == j):
            for i in range(s.end, j + 1):
                taken[i] = True
            s = doc[s.start:j + 1]
            labs = labs | {"FACNAME"}
        extended.append((s, labs))

    # 3. group names into entities
    clusters: list[dict] = []  # {names, spans, labels, gaz}
    by_norm: dict[str, dict] = {}
    for s, labs in extended:
        text = re.sub(r"\s+", " ", s.text).strip()
        norm = normalise_name(text)
        if not norm or norm in gazetteer.demonyms and "GAZ" not in labs:
            continue
        if labs == {"NORP"} and norm not in gazetteer.by_name:
            continue
        if norm in ontology.not_names or not any(ch.isupper() or ch.isdigit() for ch in text):
            continue
        if text.isupper() and len(text.split()) > 3 and "GAZ" not in labs:
            continue  # a headline or a heading in capitals, not a name
        words = norm.split()
        if words[-1] in ontology.not_name_endings or all(w in ontology.title_words for w in words):
            continue  # "National Security and Investment Act", "Business Secretary"
        gaz = gazetteer.by_name.get(norm)
        words = norm.split()
        if gaz is None and len(words) > 2 and (words[0] in gazetteer.demonyms or
                                               (gazetteer.by_name.get(words[0]) or _NO).type == SCKG.State):
            # "US Federal Communications Commission" is the gazetteer's FCC
            gaz = gazetteer.by_name.get(" ".join(words[1:]))
        if gaz is None and norm in gazetteer.metonyms and _acts(s):
            gaz = gazetteer.metonyms[norm]
        if gaz is None and norm in gazetteer.metonyms:
            continue  # a capital used as a place, not acting for its state
        key = ("gaz", str(gaz.iri)) if gaz else None
        c = None
        if key:
            c = by_norm.get(key)
        if c is None:
            c = by_norm.get(norm)
        if c is None and not gaz and not _government_context(s, ontology):
            c = _match_earlier(norm, text, clusters, ontology.company_suffixes, ontology.facility_words,
                               ontology.head_words, ontology.state_prefixes)
        if c is None:
            c = {"names": [], "spans": [], "labels": [], "gaz": gaz}
            clusters.append(c)
        c["names"].append(text)
        c["spans"].append(s)
        c["labels"].append(labs)
        if gaz and c["gaz"] is None:
            c["gaz"] = gaz
        by_norm[norm] = c
        if c["gaz"]:
            by_norm[("gaz", str(c["gaz"].iri))] = c

    # aliases: "X, known as Y", "X (Y)", "X, Y" between two names
    _merge_aliases(doc, clusters, ms)

    types = {id(c): _cluster_type(c, ontology, doc) for c in clusters}
    token_type = {}
    for c in clusters:
        for sp in c["spans"]:
            for i in range(sp.start, sp.end):
                token_type[i] = types[id(c)]
    for c in clusters:
        if types[id(c)] is None:
            # "made by Hikvision and Dahua": a conjunct of a company is a company
            for sp in c["spans"]:
                root = sp.root
                sibling = [root.head] if root.dep_ == "conj" else [x for x in root.children if x.dep_ == "conj"]
                for x in sibling:
                    t = token_type.get(x.i)
                    if t and ontology.is_a(t, SCKG.Organization):
                        types[id(c)] = t
    for c in clusters:
        type_iri = types[id(c)]
        if type_iri is None:
            continue
        gaz = c["gaz"]
        if gaz is not None:
            label, iri, same = gaz.label, str(gaz.iri), tuple(str(x) for x in gaz.same_as)
        else:
            label = _preferred(c["names"])
            iri, same = entity_iri(label), ()
        names = {n for n in c["names"] if gaz is None or normalise_name(n) not in gazetteer.metonyms} | {label}
        names |= set(c.get("aliases", []))
        ent = Entity(iri=iri, label=label, type=type_iri, names=names, same_as=same)
        for s in c["spans"]:
            ms.add(s, ent)
        for s in c.get("alias_spans", []):
            ms.add(s, ent)
    return ms


def _heading_sentences(doc: Doc) -> frozenset[int]:
    """Starts of sentences written as headings: Title Case words, no closing full stop.

    A headline ("DOE Awards Management and Operating Contract for ...") capitalises every
    word, so its proper-noun runs are not names."""
    cache = doc.user_data.get("sckg_headings")
    if cache is not None:
        return cache
    out = set()
    for sent in doc.sents:
        words = [t for t in sent if t.is_alpha and len(t) > 3]
        if len(words) >= 4 and sum(t.text[0].isupper() for t in words) >= 0.8 * len(words) \
                and not sent.text.rstrip().endswith((".", "?", "!", ";", ":")):
            out.add(sent.start)
    doc.user_data["sckg_headings"] = frozenset(out)
    return doc.user_data["sckg_headings"]


def _is_facility(type_iri: str, ontology: Ontology) -> bool:
    return bool(type_iri) and ontology.is_a(type_iri, SCKG.Facility)


def _acts(span: Span) -> bool:
    """True when a name is used as an agent (subject, possessor, object), not a location."""
    root = span.root
    if root.dep_ in ("nsubj", "nsubjpass", "poss", "dobj"):
        return True
    return root.dep_ == "pobj" and root.head.lower_ == "by"


def phrase_matcher(nlp, gazetteer: Gazetteer) -> PhraseMatcher:
    """A case-insensitive matcher for every gazetteer name."""
    m = PhraseMatcher(nlp.vocab, attr="LOWER")
    names = set(gazetteer.by_name) | set(gazetteer.metonyms)
    for e in {id(v): v for v in (*gazetteer.by_name.values(), *gazetteer.metonyms.values())}.values():
        names.update([e.label, *e.alt_labels, *e.metonyms])
    m.add("GAZ", list(nlp.tokenizer.pipe(sorted(names))))
    return m


LOCATIVE_PREPS = {"in", "at", "near", "from", "across", "outside", "inside", "throughout", "around",
                  "to", "into", "off", "via", "through", "towards", "toward", "within"}


def _government_context(span: Span, ontology: Ontology) -> bool:
    """ "the government of Shenzhen", "the city of Hamburg": a place named as a government."""
    root = span.root
    head = root.head.head if root.dep_ == "pobj" and root.head.lower_ == "of" else \
        root.head if root.dep_ in ("compound", "amod") else None
    if head is None or head.pos_ != "NOUN":
        return False
    return head.lemma_.lower() in ontology.government_nouns or \
        noun_type(head, ontology) == str(SCKG.SubnationalGovernment)


def _argument(span: Span, trigger_nouns: frozenset[str]) -> bool:
    """True when a name is the argument of a noun: "the sale of Elmos", "a stake in Terminal Link"."""
    root = span.root
    if root.dep_ != "pobj" or root.head.head.pos_ != "NOUN":
        return False
    return root.head.lower_ in ("of", "by", "with", "between") or \
        root.head.head.lemma_.lower() in trigger_nouns


def _locative(span: Span) -> bool:
    """True when a name is used as a place: "in Banbury", "the Hamburg port", "London-based"."""
    root = span.root
    if root.dep_ in ("compound", "nmod", "npadvmod", "amod"):
        return True
    if root.dep_ == "pobj" and root.head.lower_ in LOCATIVE_PREPS:
        return True
    if root.dep_ == "appos" and _locative(span.doc[root.head.i:root.head.i + 1]):
        return True
    return root.dep_ in ("conj",) and root.head.dep_ == "pobj" and root.head.head.lower_ in LOCATIVE_PREPS


def _gazetteer_spans(doc: Doc, gazetteer: Gazetteer, matcher: PhraseMatcher) -> list[Span]:
    out = []
    for _, start, end in matcher(doc):
        span = doc[start:end]
        norm = normalise_name(span.text)
        entry = gazetteer.by_name.get(norm) or gazetteer.metonyms.get(norm)
        if entry is None:
            continue
        # short names must match case: "US" is not "us"
        names = [entry.label, *entry.alt_labels, *entry.metonyms]
        if len(span.text) <= 4 and span.text not in names:
            continue
        out.append(span)
    return out


def _extends(longer: str, n: int, suffixes: frozenset[str], facility_words: frozenset[str]) -> bool:
    """True when the words of ``longer`` after its first ``n`` only add a company suffix
    ("Cosco Shipping") or a lowercase facility noun ("Sizewell C nuclear plant"), not a
    capitalised name part ("Piraeus Container Terminal")."""
    extra = normalise_name(longer).split()[n:]
    raw = longer.split()[n:] if len(longer.split()) == len(normalise_name(longer).split()) else None
    for i, w in enumerate(extra):
        if w in suffixes:
            continue
        if w in facility_words and raw is not None and raw[i].islower() and n >= 2:
            continue
        return False
    return True


def _legal_form(word: str) -> bool:
    """True for a legal form such as "Inc.", "LLC", "Ltd", "S.A." (rigour's list)."""
    from rigour.names import extract_org_types
    return bool(extract_org_types(word))


def _match_earlier(norm: str, text: str, clusters: list[dict], suffixes: frozenset[str],
                   facility_words: frozenset[str], head_words: frozenset[str] = frozenset(),
                   state_prefixes: frozenset[str] = frozenset()) -> dict | None:
    """A short form of an earlier name: "Cosco" for "Cosco Shipping", "CGN" for its initials.

    A longer name extends a shorter one only by company suffixes ("Shipping", "Group"):
    "Huawei Cyber Security Evaluation Centre" is not Huawei.
    """
    words = norm.split()
    bare = without_legal_form(text)
    for c in reversed(clusters):
        for name in c["names"]:
            n = normalise_name(name)
            nw = n.split()
            if bare == without_legal_form(name) and len(bare) > 2:
                return c  # "Qualcomm" and "Qualcomm Incorporated"
            if text.isupper() and 2 <= len(text) <= 6 and len(nw) >= 2 and text.casefold() in acronyms(name):
                return c  # "DHS" for "Department of Homeland Security"
            if len(words) == 1 and len(nw) >= 2 and nw[-1] == words[0] and words[0] in head_words \
                    and not text.isupper():
                return c  # "the Commission" for the "European Commission" named before
            if len(words) == 1 and len(nw) >= 2 and nw[0] == words[0] and len(words[0]) > 2 \
                    and words[0] not in head_words and words[0] not in state_prefixes \
                    and sum(1 for k in clusters for m in k["names"]
                            if normalise_name(m).split()[:1] == words and len(normalise_name(m).split()) > 1) \
                    == sum(1 for m in c["names"] if normalise_name(m).split()[:1] == words
                           and len(normalise_name(m).split()) > 1):
                return c  # "Rio" for "Rio Tinto", when no other name opens with "Rio"
            if len(words) >= 2 and len(nw) > len(words) and nw[-len(words):] == words \
                    and " ".join(nw[:-len(words)]) in state_prefixes:
                return c  # "Department of Energy" for the "U.S. Department of Energy"
            if len(nw) >= 2 and len(words) > len(nw) and words[-len(nw):] == nw \
                    and " ".join(words[:-len(nw)]) in state_prefixes:
                return c
            if len(words) >= 2 and len(nw) >= 2 and words[0] == nw[0] and words[-1] == nw[-1] \
                    and (set(words) <= set(nw) or set(nw) <= set(words)):
                return c  # "Liège airport" and "Liège cargo airport"
            if len(words) < len(nw) and nw[: len(words)] == words and len(words[0]) > 2 \
                    and _extends(name, len(words), suffixes, facility_words):
                return c
            if len(words) > len(nw) and words[: len(nw)] == nw and len(nw[0]) > 2 \
                    and _extends(text, len(nw), suffixes, facility_words):
                return c
            if text.isupper() and 2 <= len(text) <= 6 and len(nw) >= 2 and \
                    _initials(name).startswith(text.casefold()):
                return c
    return None


def _merge_aliases(doc: Doc, clusters: list[dict], ms: Mentions) -> None:
    span_cluster = {}
    for c in clusters:
        for s in c["spans"]:
            for i in range(s.start, s.end):
                span_cluster[i] = c
    for c in clusters:
        for s in c["spans"]:
            # "Hinkley Point C, the plant ...", "Nexperia, a Dutch chipmaker": a description
            # after a comma describes the name even when the parser attaches it elsewhere
            if s.end + 2 < len(doc) and doc[s.end].text == "," and doc[s.end + 1].lower_ in ("the", "a", "an"):
                for t in doc[s.end + 2: min(s.end + 6, len(doc))]:
                    if t.dep_ == "appos" and not (s.start <= t.head.i < s.end) and t.head.i in span_cluster:
                        break  # the parser put it in apposition to another name
                    if t.pos_ == "NOUN" and noun_type(t, ms.ontology):
                        c.setdefault("described_as", []).append(t)
                        break
                    if t.pos_ not in ("ADJ", "NOUN", "PROPN", "NUM", "PUNCT") or t.text == ",":
                        break
    for tok in doc:
        # "<description>, known as VSSE": the description names the same entity
        if tok.lower_ == "known" and tok.dep_ in ("acl", "relcl", "advcl"):
            as_ = [c for c in tok.children if c.lower_ in ("as",)]
            if not as_:
                continue
            objs = [c for c in as_[0].children if c.dep_ == "pobj"]
            if not objs or objs[0].i not in span_cluster:
                continue
            target = span_cluster[objs[0].i]
            head = tok.head
            if head.i in span_cluster and span_cluster[head.i] is not target:
                _join(span_cluster[head.i], target, clusters, span_cluster)
            elif head.pos_ == "NOUN":
                desc = _description_span(head)
                target.setdefault("aliases", []).append(re.sub(r"\s+", " ", desc.text).strip())
                target.setdefault("alias_spans", []).append(desc)
                target.setdefault("described_as", []).append(head)
        # "National Cyber Security Centre (NCSC)" and "the Swedish Security Service, Säpo"
        if tok.dep_ == "appos" and tok.i in span_cluster and tok.head.i in span_cluster:
            a, b = span_cluster[tok.i], span_cluster[tok.head.i]
            if a is not b and _alias_like(a, b):
                _join(b, a, clusters, span_cluster)
        if tok.dep_ == "appos" and tok.head.i in span_cluster and tok.pos_ == "NOUN":
            span_cluster[tok.head.i].setdefault("described_as", []).append(tok)
        if tok.dep_ == "appos" and tok.i in span_cluster and tok.head.pos_ == "NOUN" \
                and tok.head.i not in span_cluster:
            span_cluster[tok.i].setdefault("described_as", []).append(tok.head)


def _description_span(head: Token) -> Span:
    toks = [t for t in head.subtree if t.dep_ not in ("acl", "relcl", "punct", "appos")
            and not any(a.dep_ in ("acl", "relcl", "appos") and a.head == head for a in t.ancestors
                        if a.i != head.i and a in head.subtree)]
    toks = [t for t in toks if t.i >= head.left_edge.i]
    start = min(t.i for t in toks)
    end = max(t.i for t in toks) + 1
    # stop before a comma
    for t in head.doc[head.i:end]:
        if t.is_punct:
            end = t.i
            break
    return _trim(head.doc[start:end])


def _alias_like(a: dict, b: dict) -> bool:
    """Two names in apposition are one entity when one is an acronym or both are agencies."""
    for x in a["names"]:
        for y in b["names"]:
            if x.isupper() and _initials(y).startswith(x.casefold()[:2]):
                return True
            if y.isupper() and _initials(x).startswith(y.casefold()[:2]):
                return True
    return bool(a["gaz"] and b["gaz"] and a["gaz"] is b["gaz"])


def _join(keep: dict, other: dict, clusters: list[dict], span_cluster: dict) -> None:
    if keep is other:
        return
    if keep["gaz"] is None and other["gaz"] is not None:
        keep, other = other, keep
    for k in ("names", "spans", "labels", "aliases", "alias_spans", "described_as"):
        keep.setdefault(k, []).extend(other.get(k, []))
    clusters.remove(other)
    for s in other["spans"]:
        for i in range(s.start, s.end):
            span_cluster[i] = keep


def _preferred(names: list[str]) -> str:
    """The most used name that is not all capitals (the fuller one on a tie), else the first."""
    mixed = [n for n in names if not n.isupper()]
    pool = mixed or names
    return max(pool, key=lambda n: (pool.count(n), len(n.split()), -pool.index(n)))


@functools.lru_cache(maxsize=1)
def country_names() -> frozenset[str]:
    """Normalised names of every country (ISO 3166-1, from pycountry): short, common and official."""
    import pycountry
    names = set()
    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(c, attr, None)
            if value:
                names.add(normalise_name(value))
                if "," in value:  # "Bolivia, Plurinational State of"
                    names.add(normalise_name(value.split(",")[0]))
    return frozenset(names)


def _cluster_type(c: dict, ontology: Ontology, doc: Doc) -> str | None:
    if c["gaz"] is not None:
        return str(c["gaz"].type)
    if any(normalise_name(n) in country_names() for n in c["names"]):
        return str(SCKG.State)
    # a description in apposition or "known as": "PPA, the company that runs ..."
    for head in c.get("described_as", []):
        t = noun_type(head, ontology)
        if t:
            return t
    labels = set().union(*c["labels"])
    # "the government of Shenzhen", "the Northern Territory government": a local government;
    # "the ports of Balboa and Cristóbal": a facility
    for s in c["spans"]:
        root = s.root
        while root.dep_ == "conj":
            root = root.head
        gov = None
        if root.dep_ == "pobj" and root.head.lower_ == "of":
            gov = root.head.head
        elif root.dep_ in ("compound", "amod") and root.head.pos_ == "NOUN":
            gov = root.head
        if gov is None:
            continue
        t = noun_type(gov, ontology)
        if gov.lemma_.lower() in ontology.government_nouns or t == str(SCKG.SubnationalGovernment):
            return str(SCKG.SubnationalGovernment)
        if t and _is_facility(t, ontology) and root.dep_ == "pobj":
            return t
    name_types = [_name_type(normalise_name(n).split(), ontology) for n in c["names"]]
    name_types = [t for t in name_types if t]
    if name_types:
        if _is_facility(name_types[0], ontology) and any(
                s.root.dep_ == "nsubj" and s.root.head.lemma_.lower() in ontology.agent_verbs for s in c["spans"]):
            return str(SCKG.Company)  # "CSP Zeebrugge Terminal operates ...": a company, not a quay
        return name_types[0]
    if "FACNAME" in labels or "FAC" in labels:
        return str(SCKG.Facility)
    if "ORG" in labels:
        return str(SCKG.Company)
    if "PERSON" in labels and any(len(n.split()) >= 2 for n in c["names"]):
        return str(SCKG.Person)
    # a name the model took for a place or a person (or missed) is an organisation unless
    # the text only ever uses it as a location ("in Banbury", "the Hamburg port")
    place = bool(labels & {"GPE", "LOC"})
    if any(_acts(s) or (_argument(s, ontology.trigger_nouns) and not place) for s in c["spans"]) \
            and not all(_locative(s) and not _argument(s, ontology.trigger_nouns) for s in c["spans"]):
        return str(SCKG.Company)
    return None
