"""References: the entity a token stands for — a mention, a pronoun's antecedent, a
definite description ("the company"), a counted plural ("the two companies"), the names in
a noun phrase."""

from __future__ import annotations

import functools

from spacy.tokens import Doc, Token

from ..ontology import Ontology
from .aliases import example_prep, exemplified
from .gazetteer import Gazetteer
from .mentions import PRONOUNS, RELATIVE, Mentions
from .typer import noun_type

PHRASE_DEPS = {"prep", "pobj", "compound", "poss", "nmod", "appos", "conj", "dobj", "npadvmod", "amod",
               "acl", "pcomp", "nummod", "quantmod", "agent", "relcl"}
STATE_ACTOR = "https://w3id.org/sckg/ontology#StateActor"
GOV_BODY = "https://w3id.org/sckg/ontology#GovernmentBody"
COMPANY = "https://w3id.org/sckg/ontology#Company"
STATE = "https://w3id.org/sckg/ontology#State"
NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
           "2": 2, "3": 3, "4": 4, "5": 5, "6": 6, "7": 7, "8": 8, "9": 9, "10": 10}
DEAL_NOUNS = {"deal", "takeover", "acquisition", "purchase", "sale", "investment", "bid", "transaction", "merger"}


class References:
    """Finds the entities tokens refer to in one document (its mentions)."""

    def __init__(self, ontology: Ontology, gazetteer: Gazetteer, triggers, mentions: Mentions):
        self.onto = ontology
        self.gaz = gazetteer
        self.trig = triggers
        self.ms = mentions
        self.doc: Doc = mentions.doc
        self.gov_nouns = set(ontology.government_nouns)

    def resolve(self, tok: Token, *, depth: int = 0) -> str | None:
        """The entity a token stands for: a mention, a pronoun's antecedent, a description."""
        key = self.ms.entity_at(tok)
        if key:
            return key
        if depth > 3:
            return None
        low = tok.lower_
        if low in RELATIVE and tok.head.dep_ in ("relcl", "acl"):
            return self.resolve(tok.head.head, depth=depth + 1)
        if low in PRONOUNS and tok.pos_ in ("PRON", "DET"):
            return self.antecedent(tok)
        for c in tok.children:
            if c.dep_ == "appos":
                key = self.ms.entity_at(c)
                if key:
                    return key
        if tok.dep_ == "appos":
            key = self.ms.entity_at(tok.head)
            if key:
                return key
        if tok.pos_ == "NOUN":
            after = self.described_name(tok)
            if after:
                return after

            t = noun_type(tok, self.onto)
            owner = self.state_of(tok, t)
            if owner:
                return owner
            named = self.named_in(tok, t)
            if named:
                return named
            if tok.lemma_.lower() in self.gov_nouns and tok.tag_ == "NN" and any(
                    c.dep_ == "det" and c.lower_ == "the" for c in tok.children) and not any(
                    c.dep_ in ("prep", "poss", "compound") for c in tok.children):
                # "the (federal) government" of a text that names one state, before or after
                only = self.only_state
                if only:
                    return only
            of_names = [self.ms.entity_at(p) for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"
                        for p in c.children if p.dep_ == "pobj"]
            of_names = [k for k in of_names if k]
            if of_names and t and self.onto.is_a(self.ms.type_of(of_names[0]), t):
                return of_names[0]  # "the ports of Balboa", "the city of Hamburg"
            dets = {c.lower_ for c in tok.children if c.dep_ == "det"}
            poss = [c for c in tok.children if c.dep_ == "poss"]
            if poss and tok.lemma_.lower() in self.trig.relational:
                return None  # "its Chinese owner" is someone else, not a new entity
            if tok.lemma_.lower() in DEAL_NOUNS and dets & {"the", "this"}:
                return self.dealmaker(tok) or self.earlier_deal(tok)
            if t and dets & {"the", "this"} and not of_names and tok.tag_ == "NN":
                own_subject = {self.ms.entity_at(c) for c in tok.head.children if c.dep_ == "nsubj"} \
                    if tok.dep_ == "dobj" else set()
                back = self.ms.before(tok, type_iri=t, exclude=own_subject)
                if back:
                    return back
            if t:
                return self.ms.describe(tok)
        return None

    def named_in(self, tok: Token, type_iri: str | None) -> str | None:
        """ "Britain's BP oil company", "the Kelvane shipping group": the one name that modifies
        a noun of its type is what the noun stands for."""
        if type_iri is None:
            return None
        named = {k for c in tok.children if c.dep_ in ("compound", "amod", "nmod") and c.i < tok.i
                 and (k := self.ms.entity_at(c)) and self.onto.is_a(self.ms.type_of(k), type_iri)}
        return next(iter(named)) if len(named) == 1 else None

    @functools.cached_property
    def only_state(self) -> str | None:
        """The one state a document names, if it names just one."""
        states = {m.key for m in self.ms.mentions if self.ms.type_of(m.key) == STATE}
        return next(iter(states)) if len(states) == 1 else None

    def state_of(self, tok: Token, type_iri: str | None) -> str | None:
        """ "Italy's government", "Panama's comptroller general", "the government of Greece": the state."""
        if type_iri is None and tok.lemma_.lower() not in self.gov_nouns:
            return None
        if type_iri is not None and not self.onto.is_a(type_iri, STATE_ACTOR) \
                and tok.lemma_.lower() not in self.gov_nouns:
            return None
        for c in tok.children:
            cands = [c] if c.dep_ in ("poss", "amod", "compound") else \
                [p for p in c.children if p.dep_ == "pobj"] if c.dep_ == "prep" and c.lower_ == "of" else []
            for x in cands:
                k = self.ms.entity_at(x)
                if k and self.onto.is_a(self.ms.type_of(k), STATE_ACTOR) and \
                        not self.onto.is_a(self.ms.type_of(k), GOV_BODY):
                    return k
                d = self.gaz.demonyms.get(x.lower_)
                if d is not None and c.dep_ == "amod":
                    return self.gazetteer_entity(d)
        return None

    def dealmaker(self, tok: Token) -> str | None:
        """ "the deal", "the takeover": the company that made it, the latest company subject."""
        start = self.doc[tok.sent.start - 1].sent.start if tok.sent.start > 0 else tok.sent.start
        for i in range(tok.i - 1, start - 1, -1):
            t = self.doc[i]
            k = self.ms.entity_at(t)
            if k and t.dep_ in ("nsubj", "nsubjpass") and self.onto.is_a(self.ms.type_of(k), COMPANY):
                return k
        return None

    def earlier_deal(self, tok: Token) -> str | None:
        """ "the merger", "this transaction": the company an earlier deal noun of the document
        names as its target ("the proposed merger of X and Y", "the acquisition of X by Y"),
        else its buyer."""
        for i in range(tok.i - 1, -1, -1):
            t = self.doc[i]
            if t.pos_ != "NOUN" or t.lemma_.lower() not in DEAL_NOUNS:
                continue
            parties = {"of": None, "by": None}
            for c in t.children:
                if c.dep_ == "prep" and c.lower_ in parties:
                    for p in c.children:
                        if p.dep_ == "pobj" and parties[c.lower_] is None:
                            parties[c.lower_] = self.ms.entity_at(p)
            found = parties["of"] or parties["by"]
            if found and self.onto.is_a(self.ms.type_of(found), COMPANY):
                return found
        return None

    def described_name(self, tok: Token) -> str | None:
        """ "Piraeus Port Authority, the company that ...": the name just before ", the <noun>"."""
        i = tok.i - 1
        while i > tok.sent.start and self.doc[i].pos_ in ("ADJ", "NOUN", "PROPN", "NUM") \
                and self.doc[i].lower_ not in ("the", "a", "an") and tok.i - i < 4:
            i -= 1
        if i - 1 <= tok.sent.start or self.doc[i].lower_ not in ("the", "a", "an") or self.doc[i - 1].text != ",":
            return None
        key = self.ms.entity_at(self.doc[i - 2])
        return key if key and not self.ms.entities[key].described else None

    def _set_beside(self, tok: Token) -> str | None:
        """The entity named right before ", its": over a parenthesis after the name."""
        i = tok.i - 1
        if i < 1 or self.doc[i].text != ",":
            return None
        i -= 1
        if self.doc[i].text == ")":
            while i > 0 and self.doc[i].text != "(":
                i -= 1
            i -= 1
        return self.ms.entity_at(self.doc[i]) if i >= 0 else None

    def antecedent(self, tok: Token) -> str | None:
        """Resolve "it", "its", "they": the subject of the governing clause, else the nearest entity."""
        plural = tok.lower_ in ("they", "their", "them", "themselves")
        # in "X and its subsidiaries", "X (BEH), its subsidiary Y", "its" is X: the name its
        # noun is listed with or set beside
        if tok.dep_ == "poss" and not plural:
            h = tok.head
            while h.dep_ in ("conj", "appos") and h.head.i < h.i:
                h = h.head
                key = self.ms.entity_at(h)
                if key:
                    return key
        if tok.dep_ == "poss" and not plural and tok.head.lemma_.lower() in self.trig.relational:
            # "the Islamic Republic of Iran Shipping Lines (IRISL), its China-based subsidiary,
            # E-Sail": the name right before, however the parser hung the noun
            key = self._set_beside(tok)
            if key:
                return key
        # in "ordered X to sell its stake", "its" is X: the controller of the infinitive
        for anc in tok.ancestors:
            if anc.dep_ == "xcomp":
                for c in anc.head.children:
                    if c.dep_ == "dobj" and c.i < tok.i:
                        key = self.ms.entity_at(c) or self.name_in(c)
                        if key and not plural:
                            return key
                break
        # the subject of a clause that governs this one ("X said that it ...")
        for anc in tok.ancestors:
            for c in anc.children:
                if c.dep_ in ("nsubj", "nsubjpass") and c.i < tok.i and c is not tok:
                    key = self.ms.entity_at(c) or self.name_in(c)
                    if key and not plural:
                        return key
        # otherwise the most recent subject entity before it, in this or the previous
        # sentence, else the nearest entity; for the possessor of a relational noun, in this
        # sentence first ("compensating X for the damages suffered by its subsidiary Y")
        if plural:
            return None
        sent_start = tok.sent.start
        prev = self.doc[sent_start - 1].sent.start if sent_start > 0 else sent_start
        relational = tok.dep_ == "poss" and tok.head.lemma_.lower() in self.trig.relational
        for lo, hi in ((sent_start, tok.i), (prev, sent_start)) if relational else ((prev, tok.i),):
            for i in range(hi - 1, lo - 1, -1):
                t = self.doc[i]
                key = self.ms.entity_at(t)
                if key and t.dep_ in ("nsubj", "nsubjpass"):
                    return key
            for i in range(hi - 1, lo - 1, -1):
                key = self.ms.entity_at(self.doc[i])
                if key and not self.onto.is_a(self.ms.type_of(key), "https://w3id.org/sckg/ontology#Person"):
                    return key
        return None

    def name_in(self, tok: Token) -> str | None:
        for t in tok.subtree:
            key = self.ms.entity_at(t)
            if key:
                return key
        return None

    def counted(self, tok: Token) -> list[str]:
        """ "three Chinese companies ...: A, B and C" names the next three; "the two companies" the last two."""

        if tok.pos_ != "NOUN" or tok.tag_ != "NNS":
            return []
        nums = [c for c in tok.children if c.dep_ == "nummod"]
        n = NUMBERS.get(nums[0].lower_) if nums else None
        t = noun_type(tok, self.onto)
        if not n or not t:
            return []
        definite = any(c.lower_ in ("the", "these", "those", "both") for c in tok.children)
        order = sorted(self.ms.mentions, key=lambda m: -m.start) if definite else \
            sorted(self.ms.mentions, key=lambda m: m.start)
        keys: list[str] = []
        limit_sent = tok.sent.end
        if not definite and tok.sent.end < len(self.doc):
            limit_sent = self.doc[tok.sent.end].sent.end
        for m in order:
            if (definite and m.end > tok.i) or (not definite and (m.start < tok.i or m.start >= limit_sent)):
                continue
            if m.key not in keys and self.onto.is_a(self.ms.type_of(m.key), t) \
                    and not self.ms.entities[m.key].described:
                keys.append(m.key)
            if len(keys) == n:
                return keys
        return []

    def examples(self, tok: Token) -> list[str]:
        """The names a plural noun lists: "(a number of) airports including (like, such as) A
        and B", "the two terminals, namely A and B", "three terminals, A, B and C"."""
        noun = exemplified(tok)
        if noun is None or noun.tag_ != "NNS":
            return []
        heads = [p for c in noun.children if example_prep(c) for p in c.children if p.dep_ == "pobj"]
        heads += [c for c in noun.children if c.dep_ == "appos"]
        found: list[str] = []
        for h in heads:
            # "airports including A, B and C", where the parser hangs B from A in apposition
            # and C from B
            members = [h, *h.conjuncts]
            for a in [c for m in members for c in m.children if c.dep_ == "appos"]:
                members += [a, *a.conjuncts]
            for t in members:
                k = self.ms.entity_at(t)
                if k and k not in found:
                    found.append(k)
        return found

    def phrase(self, tok: Token, *, indirect: bool, max_depth: int = 6) -> list[str]:
        """Entities a phrase refers to: its head and conjuncts, or (``indirect``) inside it."""
        listed_after = self.examples(tok) if tok.tag_ == "NNS" else []
        if listed_after:
            return listed_after  # "the two terminals, namely A and B": the names that follow
        counted = self.counted(tok)
        if counted:
            return counted
        found = []
        key = self.resolve(tok)
        if key:
            found.append(key)
            # "include Kelvane Air and Talvor Wings", where the parser hangs the list's first
            # names from the last as a modifier ("Air" nmod of "Wings")
            for c in tok.children:
                if c.dep_ == "nmod" and c.i < tok.i and any(g.dep_ == "cc" for g in c.children):
                    for x in (c, *c.conjuncts):
                        k = self.resolve(x)
                        if k and k not in found:
                            found.append(k)
            for c in tok.conjuncts:
                # "owns Vellmar and a number of brands including Osric and Talvor"
                for k in ([k] if (k := self.resolve(c)) else self.examples(c)):
                    if k not in found:
                        found.append(k)
            return found
        # a list whose first item is no entity ("controls Swiss, Air Dolomiti and Eurowings",
        # "owns a port and the Kelvane terminal"): the items that are
        listed = [k for c in tok.conjuncts if (k := self.resolve(c))]
        if listed and (not indirect or tok.pos_ == "PROPN"):
            return list(dict.fromkeys(listed))
        if not indirect:
            return self.examples(tok)  # "operates airports including A and B"

        frontier = [tok]
        for _ in range(max_depth):
            nxt = []
            for t in frontier:
                typed_head = t.pos_ == "NOUN" and noun_type(t, self.onto) is not None
                for c in t.children:
                    # "a Chinese state nuclear firm" is a firm, not China
                    if typed_head and c.dep_ in ("compound", "amod", "nmod"):
                        continue
                    if c.dep_ in PHRASE_DEPS:
                        nxt.append(c)
            hits = []
            for c in nxt:
                if c.dep_ in ("prep", "acl", "amod", "agent", "relcl"):
                    continue
                k = self.resolve(c)
                if k and k not in hits:
                    hits.append(k)
                    for cj in c.conjuncts:
                        kj = self.resolve(cj)
                        if kj and kj not in hits:
                            hits.append(kj)
            if hits:
                return hits
            frontier = nxt
        return []

    def gazetteer_entity(self, entry) -> str:
        """The entity of a gazetteer entry named only by a demonym, added to the document."""
        key = str(entry.iri)
        if key not in self.ms.entities:
            from ..model import Entity
            self.ms.entities[key] = Entity(key, entry.label, str(entry.type), {entry.label},
                                           tuple(str(s) for s in entry.same_as))
        return key

