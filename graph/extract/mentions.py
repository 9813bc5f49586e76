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

from ..model import (Entity, acronyms, entity_iri, facility_short_form, is_generic, is_legal_form, normalise_name,
                     without_legal_form, without_state_prefix)
from ..ontology import SCKG, Ontology
from .aliases import _initials, match_earlier, merge_aliases, preferred_name, title_noun, trim_span
from .gazetteer import NO_ENTRY, Gazetteer
from .joins import join_bare_government, join_bare_heads, join_of_state, join_parenthesised, join_short_before_full
from .names import REFERENCE_CODE, line_of, short_form, shouted
from .spans import _unknown_word, name_spans
from .typer import (acts_as_agent, address_place, cluster_type, country_names, first_conjunct, government_context,
                    government_of, locative, name_head, noun_type, postal_codes)

#: a name glued to one of these by a hyphen says where something is: "the Veldhoven-based company"
LOCATED_WORDS = frozenset({"based", "headquartered"})
PRONOUNS = {"it", "its", "itself", "they", "their", "them", "themselves"}
RELATIVE = {"that", "which", "who", "whom", "whose"}
AGENT_DEPS = {"nsubj", "nsubjpass", "poss", "dobj", "appos", "conj"}
GENERIC_DETS = {"all", "any", "some", "every", "each", "no", "many", "most", "several", "other",
                "these", "those", "such"}
DETS = {"a", "an", "the", "its", "their", "this", "that", "one"}
LOCATING_PREPS = frozenset({"in", "on", "at", "near"})
QUANTITY_WORDS = frozenset({"several", "few", "various", "numerous", "multiple", "both", "two", "three", "four"})
FACILITY = SCKG.Facility


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
            hits = []
            for m in sorted(self.mentions, key=lambda m: -m.start):
                t = self.entities[m.key].type
                label = [w.casefold() for w in self.entities[m.key].label.split()]
                hit = wanted & set(label) if wanted is names else wanted & {label[-1]}
                if m.end <= tok.i and m.key not in (exclude or ()) and hit and tok.i - m.end <= limit \
                        and (type_iri is None or self.ontology.is_a(t, type_iri)):
                    hits.append(m)
            if hits:
                # "Airglades Airport, a reliever airport, is located 80 miles from Miami
                # International Airport. The airport is owned by Hendry County": the subject
                # of this or the previous sentence before a later name of its kind
                subject = next((m for m in hits if m.start >= prev_start
                                and self.doc[m.start:m.end].root.dep_ in ("nsubj", "nsubjpass")), None)
                return (subject or hits[0]).key
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
        where = self._located(head, type_iri)
        plural = head.tag_ in ("NNS",)
        one_of = head.head.lower_ == "of" and head.head.head.lower_ in ("one", "some") \
            and head.dep_ == "pobj"
        if where is not None:
            # "the bulk commodity terminal on Ridley Island", "oil fields in the Niger delta":
            # the place makes even a definite or plural facility a thing of its own
            left = {t.i for c in head.lefts if c.dep_ in ("det", "poss", "predet", "nummod", "advmod", "quantmod")
                    or c.lower_ in GENERIC_DETS | QUANTITY_WORDS for t in c.subtree}
            words = [t for t in head.subtree if t.i <= head.i and t.i not in left and not t.is_punct]
            return self._described(head, "".join(t.text_with_ws for t in words) + where, type_iri)
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
        return self._described(head, label, type_iri)

    def _described(self, head: Token, label: str, type_iri: str) -> str | None:
        """The unnamed entity a description's words name, scoped to the document."""
        label = re.sub(r"\s+", " ", label).strip(" ,.;:")
        if not label or len(label) > 80:
            return None
        ent = Entity(iri=entity_iri(label, scope=self.scope), label=label, type=type_iri, names={label},
                     described=True)
        return self.add(self.doc[head.i:head.i + 1], ent).iri

    def _located(self, head: Token, type_iri: str) -> str | None:
        """ " on Ridley Island" for a facility noun followed by a place it is in, on, at or
        near: a proper name, or a noun a proper name qualifies ("the Niger delta"). The place
        stops before its first conjunct or modifier ("terminals in Hamburg and Bremerhaven" are
        in Hamburg; "the terminal on Ridley Island in Prince Rupert" is on Ridley Island)."""
        if not self.ontology.is_a(type_iri, FACILITY):
            return None
        after = [c for c in head.children if c.dep_ == "prep"]
        if head.dep_ == "dobj":  # "operates oil fields in the Niger delta": the parser hangs it on the verb
            after += [c for c in head.head.children if c.dep_ == "prep"]
        for prep in after:
            if prep.lower_ not in LOCATING_PREPS or prep.i != head.i + 1:
                continue
            place = next((c for c in prep.children if c.dep_ == "pobj"), None)
            if place is None or place.ent_type_ not in ("GPE", "LOC", "FAC", "") or not (
                    place.pos_ == "PROPN" or any(c.dep_ == "compound" and c.pos_ == "PROPN" for c in place.children)):
                continue
            stop = min([c.left_edge.i for c in place.children if c.dep_ in ("cc", "conj", "prep", "relcl", "acl")]
                       + [place.right_edge.i + 1])
            return " " + "".join(t.text_with_ws for t in self.doc[prep.i:stop])
        return None


def _term_acronym(span) -> bool:
    """An acronym in parentheses whose letters begin the lower-case words before it: "light
    rare earth elements (LREE)" shortens a term, not a name."""
    doc = span.doc
    letters = span.text.lower()
    if len(span) != 1 or not span.text.isupper() or not letters.isalpha() or len(letters) < 2 \
            or span.start < 2 or doc[span.start - 1].text != "(":
        return False
    words = [t for t in doc[max(span.start - 1 - len(letters), 0):span.start - 1] if t.is_alpha]
    words = words[-len(letters):]
    return len(words) == len(letters) and all(t.is_lower for t in words) \
        and _initials(" ".join(t.text for t in words)) == letters


def _defined_initials(extended: list[tuple[Span, set[str]]], company_words: frozenset[str]) -> set[str]:
    """Initials defined in parentheses right after the name they shorten: "Arizona Public
    Service Company (APS)", "Southern California Edison (SCE)". They are names wherever the
    text uses them, even when they spell a legal form (rigour's list holds ApS and SCE)."""
    defined = set()
    for (name, _), (short, _) in zip(extended, extended[1:]):
        doc = short.doc
        text = short.text
        if len(short) != 1 or not text.isupper() or not text.isalpha() or len(text) < 2 \
                or short.start != name.end + 1 or doc[name.end].text != "(" \
                or short.end >= len(doc) or doc[short.end].text != ")":
            continue
        words, forms = name.text.split(), acronyms(name.text)
        while len(words) > 2 and (normalise_name(words[-1]) in company_words | {""} or is_legal_form(words[-1])):
            words = words[:-1]  # "Arizona Public Service Company (APS)": initials without the company word
            forms |= acronyms(" ".join(words))
        if text.casefold() in forms:
            defined.add(text)
    return defined


def _initials_of_common_words(doc: Doc) -> set[str]:
    """Initials defined in parentheses after lowercase words they spell: "a substantial
    lessening of competition (SLC)", "a certificate of fitness (CoF)" name a notion, not an
    entity, there and wherever the text uses them."""
    out = set()
    for tok in doc[1:-1]:
        if tok.text != "(" or tok.i + 2 >= len(doc) or doc[tok.i + 2].text != ")":
            continue
        short = doc[tok.i + 1].text
        if not (2 <= len(short) <= 6 and short.isalpha() and short[0].isupper() and sum(c.isupper() for c in short) >= 2):
            continue
        words = []
        for t in reversed(doc[max(tok.sent.start, tok.i - 2 * len(short) - 2):tok.i]):
            if not t.is_alpha or not t.is_lower:
                break
            words.insert(0, t.text)
            if short.casefold() in acronyms(" ".join(words)):
                out.add(normalise_name(short))
                break
    return out


def _plural_common(tok, english: frozenset[str]) -> bool:
    """A capitalised plural of an English common noun at a sentence's start or in a headline
    written in title case ("Dignitaries", "Companies"), not a name ("Emirates" is known by the
    gazetteer; "Airbus" is no plural)."""
    word = tok.lower_
    if tok.tag_ not in ("NNS", "NNPS") or not word.endswith("s"):
        return False
    singular = {tok.lemma_.lower(), word[:-1], word[:-2], word[:-3] + "y" if word.endswith("ies") else ""} - {word, ""}
    if not singular & english:
        return False
    return tok.is_sent_start or all(t.is_title or t.is_upper or not t.is_alpha or t.is_stop for t in tok.sent)


def find_mentions(doc: Doc, ontology: Ontology, gazetteer: Gazetteer, matcher: PhraseMatcher, *,
                  scope: str, english: frozenset[str] = frozenset(), source: str | None = None) -> Mentions:
    """Find and type the named entities of ``doc``; ``english``: the English words (lower-cased)
    a capitalised word the tagger did not take for a name must be outside of to be one;
    ``source``: the document's source line, which may name its publisher."""
    ms = Mentions(doc=doc, ontology=ontology, scope=scope, at=[None] * len(doc))
    # 1. name spans: gazetteer phrases, NER, runs of proper nouns, facility names (.spans)
    extended, gaz_named = name_spans(doc, ontology, gazetteer, matcher, english=english, source=source)

    # 2. group names into entities
    facility_short = functools.partial(facility_short_form, ontology=ontology)  # "hanford site" -> "hanford"
    clusters: list[dict] = []  # {names, spans, labels, gaz}
    by_norm: dict[str, dict] = {}
    doc_text = doc.text  # built anew from the tokens on each access
    # short forms of laws: "the Foreign Subsidies Regulation ('FSR')"
    not_here: set[str] = {f for e in doc.ents if e.label_ == "LAW" for f in short_form(doc, e.end)}
    not_here |= _initials_of_common_words(doc)  # "a substantial lessening of competition (SLC)"
    match = functools.partial(match_earlier, suffixes=ontology.company_suffixes, facility_words=ontology.facility_words,
                              head_words=ontology.head_words, state_prefixes=ontology.state_prefixes,
                              facility_short=facility_short)
    defined = _defined_initials(extended, ontology.company_suffixes)
    span_norms = {normalise_name(sp.text) for sp, _ in extended}  # "A and B" is two when each is named alone too
    todo = list(reversed(extended))
    while todo:
        s, labs = todo.pop()
        halves = _two_named(s, lambda n, t: by_norm.get(n) or match(n, t, clusters) or
                            (n in span_norms and n != normalise_name(s.text) or None))
        if halves:
            # "PSA and Ceres Halifax": two names met before, written as one
            todo.extend((h, labs) for h in reversed(halves))
            continue
        text = re.sub(r"\s+", " ", s.text).strip()
        norm = normalise_name(text)
        if norm in not_here or text not in defined and all(is_legal_form(w) for w in text.split()):
            continue  # a law's short form; a legal form alone ("PJSC", "Inc.")
        if not norm or norm in gazetteer.demonyms and "GAZ" not in labs:
            continue
        if labs == {"NORP"} and norm not in gazetteer.by_name and title_noun(s, ontology) is None \
                and not any(_unknown_word(t, english) for t in s):  # a people, not "Cintra of Spain"
            continue
        if norm in ontology.not_names or not any(ch.isupper() or ch.isdigit() for ch in text):
            continue
        if "GAZ" not in labs and (shouted(text) or shouted(line_of(doc_text, s))):
            continue  # a headline or a heading in capitals, not a name
        if REFERENCE_CODE.search(text) or any(len(t) > 1 and ("(" in t.text or ")" in t.text) for t in s):
            continue  # a press release's reference ("IP/06/276", "MEMO/06/463"); a section ("Section 12(a)")
        if s.end + 1 < len(doc) and doc[s.end].text in ("-", "–") and not s[-1].whitespace_ \
                and doc[s.end + 1].lower_ in LOCATED_WORDS:
            continue  # "the Veldhoven-based company": where the company is, not a name of it
        if "GAZ" not in labs and _term_acronym(s):
            continue  # "light rare earth elements (LREE)": a term's short form, not a name
        if len(s) == 1 and "GAZ" not in labs and _plural_common(s[0], english):
            continue  # "Dignitaries also entered ...", "... PRC-Based Companies on the List"
        if text.isupper() and s.end < len(doc) and doc[s.end].text == ":" \
                and (s.start_char == 0 or doc_text[s.start_char - 1] == "\n"):
            continue  # a register's field label: "AGENCY: Nuclear Regulatory Commission."
        if labs <= {"GPE", "LOC", "FAC", "PROPN", "PAREN", "ORG"} and "GAZ" not in labs and address_place(s):
            # a company with its address: "Northrop Grumman Systems Corporation of Dulles, Virginia"
            of = next((t.i for t in reversed(s) if t.lower_ == "of"), s.start)
            if not labs & {"ORG", "PROPN", "PAREN"} or of - s.start < 2 or not any(
                    is_legal_form(t.text) or t.lower_ in ontology.company_suffixes for t in doc[s.start:of]):
                continue  # a place in an address: "Princeton, NJ" (datelines are blanked when the article is read)
            s = doc[s.start:of]
            text = s.text
            norm = normalise_name(text)
        parent = len(s) > 1 and s[-1].lower_ == "company" and s.start > 0 and doc[s.start - 1].lower_ in ("a", "an")
        if parent:
            # "Jacobs Technology Inc., a Jacobs Company": one of the companies of Jacobs, which
            # is no short form of the name it describes
            s = s[:-1]
            text = s.text
            norm = normalise_name(text)
        words = norm.split()
        # the name's head: before its complement ("Office of Rail Regulation" is an office,
        # "Treaty on the Functioning of the European Union" a treaty)
        if "OFFICE" not in labs and name_head(words)[-1] in ontology.not_name_endings:
            not_here.update(short_form(doc, s.end))
            continue  # "National Security and Investment Act"
        if "OFFICE" not in labs and all(w in ontology.title_words for w in words):
            continue  # "Business Secretary"
        gaz = gazetteer.by_name.get(norm)
        if gaz is not None and len(text) <= 4 and text not in (gaz.label, *gaz.alt_labels):
            gaz = None  # a short name matches in its case only: "Ft." (Fort) is not the "FT"
        if gaz is None and len(words) > 1 and is_legal_form(text.split()[-1]):
            # "ByteDance Ltd." is the gazetteer's ByteDance (a company's legal form only)
            entry = gazetteer.by_name.get(without_legal_form(text))
            gaz = entry if entry is not None and ontology.is_a(entry.type, SCKG.Company) else None
        if gaz is None and len(words) > 2:
            # "US Federal Communications Commission" is the gazetteer's FCC, "U.S. Department
            # of Energy" its Department of Energy
            bare = without_state_prefix(text, ontology)
            if bare is None and words[0] in gazetteer.demonyms:
                bare = " ".join(words[1:])
            gaz = gazetteer.by_name.get(bare) if bare else None
        if gaz is None and s.root.dep_ == "compound" and s.root.head.lemma_.lower() in ontology.government_nouns:
            # "the Trump administration": the state a leader's metonym stands for
            gaz = next(iter(_metonym_of(norm, gazetteer)), None)
        if gaz is None and norm in gazetteer.metonyms and acts_as_agent(s):
            gaz = gazetteer.metonyms[norm]
        if gaz is None and norm in gazetteer.metonyms:
            continue  # a capital used as a place, not acting for its state
        government = government_of(norm, ontology) if gaz is None else None
        if government:
            # "the Government of Venezuela" is Venezuela, named so; the long form an alias
            government, norm, text = text, government, re.sub(
                r"^the\s+", "", text[text.lower().index(" of ") + 4:], flags=re.IGNORECASE)
        key = ("gaz", str(gaz.iri)) if gaz else None
        c = None
        if key:
            c = by_norm.get(key)
        if c is None:
            c = by_norm.get(norm)
        if c is None and gaz is not None and ontology.is_a(gaz.type, SCKG.Company) and not parent:
            # the gazetteer's "ExxonMobil" after "ExxonMobil Corporation": the short form joins
            # the full name named first, as the full name would join it named after
            # (by any of its gazetteer names: "Exxon" after "ExxonMobil Corporation")
            unknown = [k for k in clusters if k["gaz"] is None]
            c = next((m for n in dict.fromkeys((text, gaz.label, *gaz.alt_labels))
                      if (m := match(normalise_name(n), n, unknown)) is not None), None) if unknown else None
        if c is None and not gaz and not parent and not government_context(s, ontology):
            c = match(norm, text, clusters)
            if c is not None and len(words) == 1 and labs & {"GPE", "LOC"} \
                    and (locative(s) or text in postal_codes()) and norm not in country_names() \
                    and not any(normalise_name(n).split()[-1] in ontology.facility_words for n in c["names"]):
                # a place named as one ("the University of Illinois at Chicago") is no short
                # form of an organisation named after it ("Chicago Argonne, LLC"); of a
                # facility it is ("the terminal at Zeebrugge"); a US state or a Canadian province
                # is no short form of a company ("Arizona's largest electric company")
                c = None
        if c is None:
            c = {"names": [], "spans": [], "labels": [], "gaz": gaz}
            clusters.append(c)
        c["names"].append(text)
        c["spans"].append(s)
        c["labels"].append(labs)
        if government:
            c.setdefault("aliases", []).append(government)
        if gaz and c["gaz"] is None:
            c["gaz"] = gaz
        by_norm[norm] = c
        if c["gaz"]:
            by_norm[("gaz", str(c["gaz"].iri))] = c

    # aliases: "X, known as Y", "X (Y)", "X, Y" between two names
    merge_aliases(doc, clusters, ms)
    join_parenthesised(doc, clusters)
    join_bare_heads(clusters, ontology.head_words, gazetteer.short_names, gaz_named)
    join_short_before_full(clusters, facility_short, ontology.head_words, ontology.state_prefixes)
    is_state = lambda n: n in country_names() or (gazetteer.by_name.get(n) or NO_ENTRY).type == SCKG.State  # noqa: E731
    join_of_state(clusters, is_state, ontology.head_words)
    join_bare_government(clusters, frozenset(ontology.government_nouns), is_state)
    _join_bare_local_government(clusters, ontology)

    types = {id(c): cluster_type(c, ontology, doc) for c in clusters}
    token_type = {}
    for c in clusters:
        for sp in c["spans"]:
            for i in range(sp.start, sp.end):
                token_type[i] = types[id(c)]
    for c in clusters:
        if types[id(c)] is None:
            # "made by Hikvision and Dahua", "between TSMC, Bosch, Infineon and NXP": a name
            # in a list with a company is a company
            for sp in c["spans"]:
                for x in _conjuncts(sp.root):
                    t = token_type.get(x.i)
                    if t and ontology.is_a(t, SCKG.Organization) and not ontology.is_a(t, SCKG.StateActor):
                        types[id(c)] = t
    for c in clusters:
        type_iri = types[id(c)]
        if type_iri is None:
            continue
        gaz = c["gaz"]
        if gaz is not None:
            label, iri, same = gaz.label, str(gaz.iri), tuple(str(x) for x in gaz.same_as)
        else:
            label = preferred_name(c["names"], generic=ontology.head_words)
            # a bare head word ("the Department", "the Court") names nothing beyond this
            # document: its node stays in the document's scope
            iri, same = entity_iri(label, scope=scope if is_generic(label, ontology) else None), ()
        names = {n for n in c["names"] if gaz is None or not _metonym_of(normalise_name(n), gazetteer)} | {label}
        names |= set(c.get("aliases", []))
        if gaz is None and type_iri == str(SCKG.SubnationalGovernment):
            names |= {n for sp in c["spans"] if (n := _government_name(sp, ontology))}
        ent = Entity(iri=iri, label=label, type=type_iri, names=names, same_as=same)
        for s in c["spans"]:
            ms.add(s, ent)
        for s in c.get("alias_spans", []):
            ms.add(s, ent)
    return ms


def _join_bare_local_government(clusters: list[dict], ontology: Ontology) -> None:
    """ "owned and operated by the city of Chicago ... The City also owns ...": a bare noun of
    a local government, written as a name, is the one government the text names by that noun
    and its place. The bare noun names nothing itself: it joins as a mention, not a name."""
    named: dict[str, list[dict]] = {}
    for c in clusters:
        nouns = {sp.root.head.head.lower_ for sp in c["spans"] if _government_name(sp, ontology)}
        for noun in nouns:
            named.setdefault(noun, []).append(c)
    for c in list(clusters):
        norms = {normalise_name(n) for n in c["names"]}
        if c["gaz"] is not None or len(norms) != 1:
            continue
        target = named.get(next(iter(norms)), [])
        if len(target) == 1 and target[0] is not c:
            target[0].setdefault("alias_spans", []).extend(c["spans"])
            clusters.remove(c)


def _government_name(span: Span, ontology: Ontology) -> str | None:
    """ "the city of Chicago", "the county of Kent": a local government named by its place is
    also named so ("City of Chicago"), as other texts and registers name it."""
    root = span.root
    if root.dep_ != "pobj" or root.head.lower_ != "of" or not government_context(span, ontology):
        return None
    gov = root.head.head
    return f"{gov.text[:1].upper()}{gov.text[1:]} of {span.text}"


def _two_named(span: Span, earlier) -> tuple[Span, Span] | None:
    """The two names of a span "A and B" after a plural noun ("the providers Secure and
    Tervita"), or when each names a different entity met before or named alone elsewhere in
    the text (``earlier(norm, text)`` gives its cluster, or True): "PSA and Ceres Halifax"
    after "PSA Canada Ventures Ltd." and "Ceres Halifax Inc."; "jointly owned by Electricity
    de France and China General Nuclear Corporation" before "Electricity de France will
    supply ..."; not "Airport Concessions and Development Limited"."""
    doc = span.doc
    ands = [t for t in span[1:-1] if t.lower_ == "and"]
    if len(ands) != 1:
        return None
    a, b = trim_span(doc[span.start:ands[0].i]), trim_span(doc[ands[0].i + 1:span.end])
    if not len(a) or not len(b) or not (a[0].is_title or a[0].is_upper) or not (b[0].is_title or b[0].is_upper):
        return None
    if is_legal_form(b[-1].text) and not is_legal_form(a[-1].text):
        return None  # "Airport Concessions and Development Limited": one company's name
    if span.start > 0 and doc[span.start - 1].tag_ == "NNS":
        return a, b
    found = [earlier(normalise_name(h.text), h.text) for h in (a, b)]
    if found[0] is None or found[1] is None or found[0] is found[1] and found[0] is not True:
        return None
    return a, b


def _conjuncts(tok: Token) -> list[Token]:
    """The other members of the list ``tok`` stands in ("A, B and C")."""
    first = first_conjunct(tok)
    if first is not tok and first.dep_ == "pobj" and first.head.lower_ == "of" \
            and any(c.dep_ == "prep" and c.lower_ == "of" for c in tok.children):
        # "Chevron of the United States and Petronas of Malaysia": the parser joined the
        # second name to the first one's complement; the list is of the "X of Y"
        first = first.head.head
    out, todo = [], [first]
    while todo and len(out) < 20:
        t = todo.pop()
        out.append(t)
        todo.extend(x for x in t.children if x.dep_ == "conj")
    return [t for t in out if t.i != tok.i]


def _metonym_of(norm: str, gazetteer: Gazetteer) -> list:
    """The gazetteer entries a normalised name stands for without being their name: it is
    one of their metonyms ("donald trump" for the United States) or its last words ("trump")."""
    return [e for m, e in gazetteer.metonyms.items() if m == norm or m.endswith(" " + norm)]
