"""Find relations between entity mentions along the dependency parse.

Every pattern is driven by the trigger words the ontology declares for a relation:
verbs (subject -> object), event nouns ("a partnership with"), agent nouns ("the
operator of"), child nouns ("Alibaba's logistics division, Cainiao") and ownership
adjectives ("a Chinese-owned firm"). A candidate is kept only when its ends fit the
relation's domain and range.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from ..ontology import Ontology, RelationType
from .mentions import PRONOUNS, RELATIVE, Gazetteer, Mentions

OBJECT_PREPS = {"in", "into", "on", "with", "against", "of", "over", "from", "to", "for", "at", "between"}
PHRASE_DEPS = {"prep", "pobj", "compound", "poss", "nmod", "appos", "conj", "dobj", "npadvmod", "amod",
               "acl", "pcomp", "nummod", "quantmod", "agent", "relcl"}
SPEECH_VERBS = {"say", "state", "reveal", "announce", "tell", "report", "confirm", "claim", "warn",
                "add", "disclose", "write", "explain", "note"}
STATE = "https://w3id.org/sckg/ontology#State"
STATE_ACTOR = "https://w3id.org/sckg/ontology#StateActor"
GOV_BODY = "https://w3id.org/sckg/ontology#GovernmentBody"
COMPANY = "https://w3id.org/sckg/ontology#Company"
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
           "2": 2, "3": 3, "4": 4, "5": 5, "6": 6, "7": 7, "8": 8, "9": 9, "10": 10}
DEAL_NOUNS = {"deal", "takeover", "acquisition", "purchase", "sale", "investment", "bid", "transaction", "merger"}
MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], start=1)}


@dataclass(frozen=True)
class Candidate:
    """A relation found in one sentence, before it becomes evidence."""

    subject: str
    relation: str
    object: str
    sentence: Span
    trigger: Token
    confidence: float
    status: str
    asserted_by: str | None
    date: str | None
    share: float | None = None  # fraction held, for ownership


class TriggerIndex:
    """Trigger words of every relation, by kind and by (lowercase) head word."""

    def __init__(self, ontology: Ontology):
        self.verbs: dict[str, list[tuple[RelationType, str | None]]] = {}
        self.nouns: dict[str, list[tuple[RelationType, tuple[str, ...]]]] = {}
        self.agent_nouns: dict[str, list[RelationType]] = {}
        self.child_nouns: dict[str, list[RelationType]] = {}
        self.adjectives: dict[str, list[RelationType]] = {}
        for rel in ontology.relations.values():
            for v in rel.verbs:
                head, *rest = v.split()
                self.verbs.setdefault(head, []).append((rel, rest[0] if rest else None))
            for n in rel.nouns:
                words = n.split()
                self.nouns.setdefault(words[-1], []).append((rel, tuple(words[:-1])))
            for n in rel.agent_nouns:
                self.agent_nouns.setdefault(n.split()[-1], []).append(rel)
            for n in rel.child_nouns:
                self.child_nouns.setdefault(n.split()[-1], []).append(rel)
            for a in rel.owned_adjectives:
                self.adjectives.setdefault(a, []).append(rel)
        self.status_cues = {name: set(st.cues) for name, st in ontology.statuses.items()}
        self.relational = set(self.agent_nouns) | set(self.child_nouns)
        self.directed: dict[str, list[RelationType]] = {}
        for rel in ontology.relations.values():
            for v in rel.directed:
                self.directed.setdefault(v, []).append(rel)
        #: every word form that can start a pattern: most tokens are skipped on one lookup
        self.forms = frozenset().union(self.verbs, self.nouns, self.agent_nouns, self.child_nouns,
                                       self.adjectives, self.directed)


def _forms(tok: Token) -> set[str]:
    return {tok.lemma_.lower(), tok.lower_}


class RelationFinder:
    """Applies the trigger patterns to one parsed document."""

    def __init__(self, ontology: Ontology, gazetteer: Gazetteer, triggers: TriggerIndex,
                 mentions: Mentions, *, doc_date: str | None):
        self.onto = ontology
        self.gaz = gazetteer
        self.trig = triggers
        self.ms = mentions
        self.doc: Doc = mentions.doc
        self.doc_date = doc_date
        self.gov_nouns = set(ontology.government_nouns)

    # ------------------------------------------------------------------ entity lookup
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
            after = self._described_name(tok)
            if after:
                return after
            from .mentions import noun_type
            t = noun_type(tok, self.onto)
            owner = self._state_of(tok, t)
            if owner:
                return owner
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
                return self._dealmaker(tok)
            if t and dets & {"the", "this"} and not of_names and tok.tag_ == "NN":
                own_subject = {self.ms.entity_at(c) for c in tok.head.children if c.dep_ == "nsubj"} \
                    if tok.dep_ == "dobj" else set()
                back = self.ms.before(tok, type_iri=t, exclude=own_subject)
                if back:
                    return back
            if t:
                return self.ms.describe(tok)
        return None

    def _state_of(self, tok: Token, type_iri: str | None) -> str | None:
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
                    return self._gazetteer_entity(d)
        return None

    def _dealmaker(self, tok: Token) -> str | None:
        """ "the deal", "the takeover": the company that made it, the latest company subject."""
        start = self.doc[tok.sent.start - 1].sent.start if tok.sent.start > 0 else tok.sent.start
        for i in range(tok.i - 1, start - 1, -1):
            t = self.doc[i]
            k = self.ms.entity_at(t)
            if k and t.dep_ in ("nsubj", "nsubjpass") and self.onto.is_a(self.ms.type_of(k), COMPANY):
                return k
        return None

    def _described_name(self, tok: Token) -> str | None:
        """ "Piraeus Port Authority, the company that ...": the name just before ", the <noun>"."""
        i = tok.i - 1
        while i > tok.sent.start and self.doc[i].pos_ in ("ADJ", "NOUN", "PROPN", "NUM") \
                and self.doc[i].lower_ not in ("the", "a", "an") and tok.i - i < 4:
            i -= 1
        if i - 1 <= tok.sent.start or self.doc[i].lower_ not in ("the", "a", "an") or self.doc[i - 1].text != ",":
            return None
        key = self.ms.entity_at(self.doc[i - 2])
        return key if key and not self.ms.entities[key].described else None

    def antecedent(self, tok: Token) -> str | None:
        """Resolve "it", "its", "they": the subject of the governing clause, else the nearest entity."""
        plural = tok.lower_ in ("they", "their", "them", "themselves")
        # in "ordered X to sell its stake", "its" is X: the controller of the infinitive
        for anc in tok.ancestors:
            if anc.dep_ == "xcomp":
                for c in anc.head.children:
                    if c.dep_ == "dobj" and c.i < tok.i:
                        key = self.ms.entity_at(c) or self._name_in(c)
                        if key and not plural:
                            return key
                break
        # the subject of a clause that governs this one ("X said that it ...")
        for anc in tok.ancestors:
            for c in anc.children:
                if c.dep_ in ("nsubj", "nsubjpass") and c.i < tok.i and c is not tok:
                    key = self.ms.entity_at(c) or self._name_in(c)
                    if key and not plural:
                        return key
        # otherwise the most recent subject entity before it, in this or the previous sentence
        sent_start = tok.sent.start
        prev = self.doc[sent_start - 1].sent.start if sent_start > 0 else sent_start
        for i in range(tok.i - 1, prev - 1, -1):
            t = self.doc[i]
            key = self.ms.entity_at(t)
            if key and t.dep_ in ("nsubj", "nsubjpass") and not plural:
                return key
        if plural:
            return None
        for i in range(tok.i - 1, prev - 1, -1):
            key = self.ms.entity_at(self.doc[i])
            if key:
                t = self.ms.type_of(key)
                if not self.onto.is_a(t, "https://w3id.org/sckg/ontology#Person"):
                    return key
        return None

    def _name_in(self, tok: Token) -> str | None:
        for t in tok.subtree:
            key = self.ms.entity_at(t)
            if key:
                return key
        return None

    def counted(self, tok: Token) -> list[str]:
        """ "three Chinese companies ...: A, B and C" names the next three; "the two companies" the last two."""
        from .mentions import noun_type
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

    def phrase(self, tok: Token, *, indirect: bool, max_depth: int = 6) -> list[str]:
        """Entities a phrase refers to: its head and conjuncts, or (``indirect``) inside it."""
        counted = self.counted(tok)
        if counted:
            return counted
        found = []
        key = self.resolve(tok)
        if key:
            found.append(key)
            for c in tok.conjuncts:
                k = self.resolve(c)
                if k and k not in found:
                    found.append(k)
            return found
        if not indirect:
            return []
        from .mentions import noun_type
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

    # ------------------------------------------------------------------ patterns
    def find(self) -> list[Candidate]:
        out: list[Candidate] = []
        trig = self.trig
        for sent in self.doc.sents:
            if not sent.text.strip():
                continue
            for tok in sent:
                forms = sorted(_forms(tok) & trig.forms)
                if not forms:
                    continue
                if tok.pos_ in ("VERB", "AUX") or (tok.pos_ == "NOUN" and tok.dep_ == "ROOT" and tok.tag_.startswith("V")):
                    for f in forms:
                        for rel, particle in trig.verbs.get(f, ()):
                            if particle and not any(c.lower_ == particle for c in tok.children):
                                continue
                            if not particle and self._has_other_particle(tok, f):
                                continue
                            out += self._verb(tok, rel, sent)
                    for f in forms:
                        for rel in trig.directed.get(f, ()):
                            out += self._directed(tok, rel, sent)
                if tok.pos_ in ("NOUN", "PROPN"):
                    for f in forms:
                        for rel, pre in trig.nouns.get(f, ()):
                            if pre and [t.lower_ for t in self.doc[max(tok.i - len(pre), 0):tok.i]] != list(pre):
                                continue
                            out += self._event_noun(tok, rel, sent)
                    for f in forms:
                        for rel in trig.agent_nouns.get(f, ()):
                            out += self._agent_noun(tok, rel, sent)
                    for f in forms:
                        for rel in trig.child_nouns.get(f, ()):
                            out += self._child_noun(tok, rel, sent)
                for rel in trig.adjectives.get(tok.lower_, ()):
                    out += self._owned_adjective(tok, rel, sent)
        return out

    def _verb_relations(self, verb: Token) -> list[RelationType]:
        """The relations a verb triggers here, particles considered ("buy out" is not "buy")."""
        parts = {c.lower_ for c in verb.children if c.dep_ == "prt"}
        out = []
        for f in _forms(verb):
            for rel, particle in self.trig.verbs.get(f, ()):
                if (particle in parts) if particle else not self._has_other_particle(verb, f):
                    out.append(rel)
        return out

    def _has_other_particle(self, tok: Token, form: str) -> bool:
        """A verb with a particle that makes another trigger ("buy out" is not "buy")."""
        parts = {c.lower_ for c in tok.children if c.dep_ == "prt"}
        return any(p in parts for _, p in self.trig.verbs.get(form, ()) if p)

    def _subjects(self, verb: Token) -> list[str]:
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children) or verb.dep_ == "acl" \
            and verb.tag_ == "VBN"
        if passive:
            for c in verb.children:
                if c.dep_ == "agent":
                    for p in c.children:
                        if p.dep_ == "pobj":
                            return self.phrase(p, indirect=False)
            return []
        for c in verb.children:
            if c.dep_ in ("nsubj",):
                found = self.phrase(c, indirect=False)
                if found:
                    return found
                if c.lower_ in RELATIVE and verb.dep_ == "relcl" and verb.head.pos_ == "NOUN":
                    # "controls that restrict ASML": whoever announced the controls
                    return self._noun_subjects(verb.head, None)
                if c.pos_ == "NOUN" and any(d.lower_ == "the" for d in c.children):
                    # "The rules also bar ...": the rules of the last acting body
                    return self._previous_subject(c)
                return []
        head = verb.head
        if verb.dep_ == "xcomp" and head is not verb:
            objs = [c for c in head.children if c.dep_ == "dobj"]
            if objs:  # object control: "led Berlin to interfere"
                return self.phrase(objs[0], indirect=False)
            return self._subjects(head)
        if verb.dep_ in ("conj", "advcl") and head is not verb and head.pos_ in ("VERB", "AUX"):
            return self._subjects(head)
        if verb.dep_ == "acl" and verb.tag_ == "VBG":  # "the company running X"
            k = self.resolve(head)
            return [k] if k else []
        if verb.dep_ == "relcl":
            k = self.resolve(head)
            return [k] if k else []
        return []

    def _previous_subject(self, tok: Token) -> list[str]:
        sent = tok.sent
        if sent.start == 0:
            return []
        prev = self.doc[sent.start - 1].sent
        for t in prev:
            if t.dep_ == "nsubj" and t.head.dep_ == "ROOT":
                k = self.ms.entity_at(t)
                return [k] if k else []
        return []

    def _objects(self, verb: Token, rel: RelationType) -> list[str]:
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)
        if passive:
            holder = verb
            while not any(c.dep_ == "nsubjpass" for c in holder.children) and holder.dep_ == "conj":
                holder = holder.head  # "was founded by X and has been controlled by Y"
            for c in holder.children:
                if c.dep_ == "nsubjpass":
                    return self.phrase(c, indirect=rel.indirect_object)
        if verb.dep_ == "acl" and verb.tag_ == "VBN":  # "a facility run by Huawei"
            target = verb.head
            if target.dep_ == "attr":  # "that is majority owned by X"
                target = next((c for c in target.head.children if c.dep_ == "nsubj"), target)
            k = self.resolve(target)
            return [k] if k else []
        found: list[str] = []
        dobjs = [c for c in verb.children if c.dep_ == "dobj"]
        for c in dobjs:
            found += self.phrase(c, indirect=rel.indirect_object)
        if dobjs:
            return found
        for c in verb.children:
            if c.dep_ in ("prep", "prt") and c.lower_ in OBJECT_PREPS:
                for p in c.children:
                    if p.dep_ == "pobj" and not _is_time(p):
                        found += self.phrase(p, indirect=rel.indirect_object)
        return found

    def _verb(self, verb: Token, rel: RelationType, sent: Span) -> list[Candidate]:
        if _forms(verb) & set(rel.raising_verbs):
            # "Alibaba will list Cainiao on the exchange": the listed one is the object
            raised = [k for c in verb.children if c.dep_ == "dobj" for k in self.phrase(c, indirect=False)]
            if raised:
                objs = [k for c in verb.children if c.dep_ == "prep"
                        for p in c.children if p.dep_ == "pobj" for k in self.phrase(p, indirect=False)]
                return self._pairs(raised, objs, rel, verb, sent, 0.75)
        subs = self._subjects(verb)
        objs = self._objects(verb, rel)
        conf = 0.8 if rel.indirect_object is False else 0.75
        return self._pairs(subs, objs, rel, verb, sent, conf)

    def _directed(self, verb: Token, rel: RelationType, sent: Span) -> list[Candidate]:
        """ "ordered Nexperia to sell", "Skytech was ordered to divest": the orderer and the ordered."""
        head = verb.head
        if verb.dep_ != "xcomp" or not (_forms(head) & set(rel.directives)):
            return []
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in head.children)
        if passive:
            objs = [k for c in head.children if c.dep_ == "nsubjpass" for k in self.phrase(c, indirect=False)]
            subs = [k for c in head.children if c.dep_ == "agent" for p in c.children if p.dep_ == "pobj"
                    for k in self.phrase(p, indirect=False)]
        else:
            objs = [k for c in head.children if c.dep_ == "dobj" for k in self.phrase(c, indirect=False)]
            subs = self._subjects(head)
        return self._pairs(subs, objs, rel, head, sent, 0.75)

    def _event_noun(self, noun: Token, rel: RelationType, sent: Span) -> list[Candidate]:
        objs: list[str] = []
        governor = noun.head
        if noun.dep_ == "pobj" and governor.lower_ in ("to", "on") and governor.head.pos_ == "VERB" \
                and rel.indirect_object:
            # "added SMIC to its entity list", "put Huawei on a blacklist"
            verb = governor.head
            dobjs = [k for c in verb.children if c.dep_ == "dobj" for k in self.phrase(c, indirect=False)]
            if dobjs:
                return self._pairs(self._subjects(verb), dobjs, rel, noun, sent, 0.7)
        if rel.symmetric and noun.dep_ == "dobj":
            # "granted Landbridge a lease": the receiver is the partner
            dative = [k for c in governor.children if c.dep_ == "dative" for k in self.phrase(c, indirect=False)]
            if dative:
                return self._pairs(self._subjects(governor), dative, rel, noun, sent, 0.7)
        for c in noun.children:
            if c.dep_ == "prep" and c.lower_ in OBJECT_PREPS - {"from", "to", "for", "at"}:
                for p in c.children:
                    if p.dep_ == "pobj" and not _is_time(p):
                        objs += self.phrase(p, indirect=rel.indirect_object)
        modifier_subs = []
        for c in noun.children:
            if c.dep_ in ("compound", "amod", "nmod"):
                # "the Huawei ban" names the object; "US sanctions" the subject
                k = self.ms.entity_at(c)
                d = self.gaz.demonyms.get(c.lower_)
                if k is None and d is not None:
                    k = self._gazetteer_entity(d)
                if k is None:
                    continue
                if str(rel.domain).endswith("#StateActor") and self.onto.is_a(self.ms.type_of(k), rel.domain):
                    modifier_subs.append(k)
                elif c.dep_ == "compound":
                    objs.append(k)
        subs = modifier_subs or self._noun_subjects(noun, rel)
        for c in noun.children:
            # "sanctions that cut Huawei off"
            if c.dep_ == "relcl":
                for o in c.children:
                    if o.dep_ == "dobj":
                        objs += self.phrase(o, indirect=rel.indirect_object)
        if rel.symmetric:
            # "a partnership between X and Y"
            for c in noun.children:
                if c.dep_ == "prep" and c.lower_ == "between":
                    ends = [k for p in c.children if p.dep_ == "pobj" for k in self.phrase(p, indirect=False)]
                    if len(ends) >= 2:
                        return self._pairs(ends[:1], ends[1:], rel, noun, sent, 0.7)
        return self._pairs(subs, objs, rel, noun, sent, 0.7)

    def _noun_subjects(self, noun: Token, rel: RelationType | None) -> list[str]:
        """Who holds the stake, partnership or ban: a possessor, or the subject of the clause."""
        tok = noun
        for _ in range(4):
            for c in tok.children:
                if c.dep_ == "poss":
                    return self.phrase(c, indirect=False)
                if c.dep_ == "prep" and c.lower_ == "by" and tok.pos_ == "NOUN":
                    # "the purchase of a stake ... by Cosco"
                    return [k for p in c.children if p.dep_ == "pobj" for k in self.phrase(p, indirect=False)]
            if tok.dep_ in ("dobj", "attr", "nsubjpass", "oprd") or (tok.dep_ == "pobj" and tok.head.head.pos_ in ("VERB", "AUX")):
                if tok.dep_ == "pobj":
                    return []
                verb = tok.head
                if rel is not None and any(r.name != rel.name for r in self._verb_relations(verb)):
                    # "X vetoed the takeover of Y by Z": X is not the one taking over
                    return [k for c in verb.children if c.dep_ == "prep" and c.lower_ == "by"
                            for p in c.children if p.dep_ == "pobj" for k in self.phrase(p, indirect=False)]
                return self._subjects(verb)
            if tok.dep_ == "pobj" and tok.head.dep_ == "prep" and tok.head.lower_ == "of":
                tok = tok.head.head
                continue
            break
        return []

    def _agent_noun(self, noun: Token, rel: RelationType, sent: Span) -> list[Candidate]:
        """ "X, the operator of Y", "X is the owner of Y", "Y's owner X", "X and Y are partners"."""
        objs: list[str] = []
        for c in noun.children:
            if c.dep_ == "prep" and c.lower_ in ("of", "with"):
                for p in c.children:
                    if p.dep_ == "pobj":
                        objs += self.phrase(p, indirect=False)
            if c.dep_ == "poss":
                objs += self.phrase(c, indirect=False)
        subs: list[str] = []
        if noun.dep_ == "appos":
            k = self.resolve(noun.head)
            subs = [k] if k else []
        elif noun.dep_ in ("attr",):
            subs = self._subjects(noun.head)
        else:
            for c in noun.children:
                if c.dep_ == "appos":
                    subs += self.phrase(c, indirect=False)
            k = self.ms.entity_at(noun)
            if not subs and k:
                subs = [k]
        if rel.symmetric and not objs and noun.dep_ == "attr":
            # "the two companies have been partners": a plural subject names both ends
            ends = self._plural_subject(noun.head)
            if len(ends) == 2:
                return self._pairs(ends[:1], ends[1:], rel, noun, sent, 0.65, nominal=True)
        # "the operator of a port terminal" operates that terminal by definition: say nothing
        subs = [k for k in subs if not (self.ms.entities[k].described and noun.i in self._mention_tokens(k))]
        return self._pairs(subs, objs, rel, noun, sent, 0.75, nominal=True)

    def _mention_tokens(self, key: str) -> set[int]:
        return {i for m in self.ms.mentions if m.key == key for i in range(m.start, m.end)}

    def _plural_subject(self, verb: Token) -> list[str]:
        for c in verb.children:
            if c.dep_ == "nsubj":
                ends = self.phrase(c, indirect=False)
                if len(ends) >= 2:
                    return ends[:2]
                nums = [n for n in c.children if n.lower_ in ("two", "both")]
                if nums or c.lower_ == "both":
                    from .mentions import noun_type
                    t = noun_type(c, self.onto)
                    keys: list[str] = []
                    for m in sorted(self.ms.mentions, key=lambda m: -m.start):
                        if m.end <= c.i and m.key not in keys and (t is None or self.onto.is_a(self.ms.type_of(m.key), t)):
                            keys.append(m.key)
                        if len(keys) == 2:
                            return keys
        return []

    def _child_noun(self, noun: Token, rel: RelationType, sent: Span) -> list[Candidate]:
        """ "Alibaba's logistics division, Cainiao", "its subsidiary PCT", "a unit of X"."""
        parents: list[str] = []
        for c in noun.children:
            if c.dep_ == "poss":
                parents += self.phrase(c, indirect=False)
            if c.dep_ == "prep" and c.lower_ == "of":
                for p in c.children:
                    if p.dep_ == "pobj":
                        parents += self.phrase(p, indirect=False)
        children: list[str] = []
        if noun.dep_ == "appos":
            k = self.ms.entity_at(noun.head) or self.resolve(noun.head)
            children = [k] if k else []
        for c in noun.children:
            if c.dep_ == "appos":
                k = self.ms.entity_at(c)
                if k:
                    children.append(k)
        if noun.dep_ in ("compound", "nmod") and self.ms.entity_at(noun.head):
            # "its subsidiary Piraeus Container Terminal"
            children.append(self.ms.entity_at(noun.head))
            for c in noun.head.children:
                if c.dep_ == "poss" and not parents:
                    parents += self.phrase(c, indirect=False)
        if noun.dep_ == "attr":
            children += self._subjects(noun.head)
        return self._pairs(parents, children, rel, noun, sent, 0.85, nominal=True)

    def _owned_adjective(self, adj: Token, rel: RelationType, sent: Span) -> list[Candidate]:
        """ "a Chinese-owned tech firm", "the Chinese state-owned company"."""
        if adj.i < 2 or self.doc[adj.i - 1].text not in ("-", "–"):
            return []
        mod = self.doc[adj.i - 2]
        owners: list[str] = []
        if self.gaz.demonyms.get(mod.lower_):
            return []  # "Chinese-owned" names the owners' nationality, not the state
        if mod.lower_ == "state":
            # "the Chinese state-owned company": the state is named by a demonym nearby
            for t in self.doc[max(adj.i - 5, sent.start):adj.i - 2]:
                d = self.gaz.demonyms.get(t.lower_)
                if d:
                    owners = [self._gazetteer_entity(d)]
        else:
            k = self.ms.entity_at(mod)
            owners = [k] if k else []
        head = adj.head if adj.dep_ in ("amod", "compound") else adj
        while head.dep_ in ("amod", "compound") and head.head is not head:
            head = head.head
        owned = self.resolve(head) if head is not adj else None
        return self._pairs(owners, [owned] if owned else [], rel, adj, sent, 0.7, nominal=True)

    def _gazetteer_entity(self, entry) -> str:
        """The entity of a gazetteer entry named only by a demonym, added to the document."""
        key = str(entry.iri)
        if key not in self.ms.entities:
            from ..model import Entity
            self.ms.entities[key] = Entity(key, entry.label, str(entry.type), {entry.label},
                                           tuple(str(s) for s in entry.same_as))
        return key

    # ------------------------------------------------------------------ assembly
    def _pairs(self, subs, objs, rel: RelationType, trigger: Token, sent: Span, conf: float, *,
               nominal: bool = False) -> list[Candidate]:
        pairs = []
        for s in dict.fromkeys(subs):
            for o in dict.fromkeys(objs):
                if not s or not o or s == o:
                    continue
                if not (self.onto.is_a(self.ms.type_of(s), rel.domain)
                        and self.onto.is_a(self.ms.type_of(o), rel.range)):
                    continue
                pairs.append((o, s) if rel.symmetric and o < s else (s, o))
        if not pairs:
            return []
        status, by, date = self._context(trigger)
        if nominal and status != "negated":
            status = "reported"  # "its subsidiary X" holds whatever the clause around it plans
        share = _share(trigger) if rel.name == "owns" else None
        return [Candidate(s, rel.name, o, sent, trigger, conf, status, by, date, share) for s, o in pairs]

    def _context(self, trigger: Token) -> tuple[str, str | None, str | None]:
        """Status, source and date of a trigger's clause (computed once per trigger)."""
        cache = self.__dict__.setdefault("_contexts", {})
        if trigger.i not in cache:
            by = self.asserted_by(trigger)
            if by and not self.onto.is_a(self.ms.type_of(by), "https://w3id.org/sckg/ontology#Agent"):
                by = None
            cache[trigger.i] = (self.status(trigger), by, self.date(trigger))
        return cache[trigger.i]

    def status(self, trigger: Token) -> str:
        cues = self.trig.status_cues
        chain = [trigger, *list(trigger.ancestors)[:4]]
        for t in chain:
            kids = {c.lower_ for c in t.children if c.dep_ == "neg"}
            if kids and t.i == trigger.i or (kids and t.pos_ in ("VERB", "AUX") and t is chain[min(1, len(chain) - 1)]
                                             and trigger.dep_ in ("xcomp", "dobj")):
                return "negated"
        for t in chain:
            forms = _forms(t)
            if forms & cues.get("denied", set()) and t is not trigger:
                return "denied"
        for t in chain:
            forms = _forms(t)
            aux = {c.lower_ for c in t.children if c.dep_ == "aux"}
            if (forms & cues.get("planned", set()) and t is not trigger) or (aux & cues.get("planned", set())):
                return "planned"
            if t is not trigger and t.dep_ in ("ROOT", "ccomp", "advcl", "relcl", "parataxis"):
                break
        for t in chain:
            forms = _forms(t) | {c.lower_ for c in t.children if c.dep_ == "advmod"}
            if forms & cues.get("alleged", set()):
                return "alleged"
        return "reported"

    def asserted_by(self, trigger: Token) -> str | None:
        """The source a statement is attributed to: "X said that ...", "according to X"."""
        sources = SPEECH_VERBS | self.trig.status_cues.get("denied", set()) | \
            self.trig.status_cues.get("alleged", set())
        for anc in [trigger, *trigger.ancestors]:
            if anc.lemma_.lower() in sources and anc is not trigger and anc.pos_ in ("VERB", "AUX"):
                for c in anc.children:
                    if c.dep_ == "nsubj":
                        k = self.resolve(c)
                        if k and not self.ms.entities[k].described:
                            return k
        for t in trigger.sent:
            if t.lower_ == "according" and t.i + 1 < len(self.doc) and self.doc[t.i + 1].lower_ == "to":
                for p in self.doc[t.i + 1].children:
                    if p.dep_ == "pobj":
                        k = self.resolve(p)
                        if k:
                            return k
        return None

    def date(self, trigger: Token) -> str | None:
        """A date in the trigger's clause: "in 2018", "in November", "on 4 May 2021"."""
        clause = trigger
        while clause.dep_ not in ("ROOT", "ccomp", "advcl", "relcl") and clause.head is not clause:
            clause = clause.head
        lo, hi = clause.left_edge.i, clause.right_edge.i
        if "_dates" not in self.__dict__:
            self._dates = [(e.start, e.end, e.text) for e in self.doc.ents if e.label_ == "DATE"]
        for start, end, text in self._dates:
            if lo <= start and end - 1 <= hi:
                d = parse_date(text, self.doc_date)
                if d:
                    return d
        return None


def _share(trigger: Token) -> float | None:
    """The fraction an ownership trigger states: "a 51% stake", "wholly owned", "acquired 49%".

    Examples
    --------
    >>> import spacy
    >>> nlp = spacy.blank("en")
    >>> _share(nlp("stake")[0]) is None
    True
    """
    def percent(tok: Token) -> float | None:
        for t in tok.subtree:
            if t.text == "%" or t.lower_ in ("percent", "per cent"):
                nums = [c for c in t.children if c.like_num] or \
                       ([t.doc[t.i - 1]] if t.i > 0 and t.doc[t.i - 1].like_num else [])
                for n in nums:
                    try:
                        value = float(n.text.replace(",", "."))
                    except ValueError:
                        continue
                    if 0 < value <= 100:
                        return round(value / 100, 4)
        return None
    if any(c.lower_ in ("wholly", "fully", "entirely") for c in trigger.children):
        return 1.0
    found = percent(trigger) if trigger.pos_ == "NOUN" else None
    if found is None and trigger.pos_ in ("VERB", "AUX"):
        for c in trigger.children:
            if c.dep_ == "dobj":
                found = percent(c)
    return found


def _is_time(tok: Token) -> bool:
    return tok.ent_type_ in ("DATE", "TIME")


def parse_date(text: str, doc_date: str | None) -> str | None:
    """An xsd lexical date from a date phrase; relative ones are resolved against the document date.

    Examples
    --------
    >>> parse_date("2018", None)
    '2018'
    >>> parse_date("November 2021", None)
    '2021-11'
    >>> parse_date("November", "2023-12-05")
    '2023-11'
    >>> parse_date("4 May 2021", None)
    '2021-05-04'
    >>> parse_date("Thursday", "2023-12-05")  # the Thursday before a Tuesday
    '2023-11-30'
    >>> parse_date("the previous month", "2023-01-15")
    '2022-12'
    >>> parse_date("last year", "2023-01-15")
    '2022'
    >>> parse_date("Thursday", None) is None
    True
    """
    import datetime as dt

    low = text.casefold()
    year = re.search(r"\b(1[89]\d\d|20\d\d)\b", low)
    month = next((n for m, n in MONTHS.items() if re.search(rf"\b{m}\b", low)), None)
    day = re.search(r"\b([0-3]?\d)(?:st|nd|rd|th)?\b", re.sub(r"\b(1[89]\d\d|20\d\d)\b", "", low))
    if year and month and day and 1 <= int(day.group(1)) <= 31:
        return f"{year.group(1)}-{month:02d}-{int(day.group(1)):02d}"
    if year and month:
        return f"{year.group(1)}-{month:02d}"
    if year:
        return year.group(1)
    if not doc_date:
        return None
    y = int(doc_date[:4])
    m = int(doc_date[5:7]) if len(doc_date) >= 7 else None
    if month:
        return f"{y if m is None or month <= m else y - 1}-{month:02d}"
    if re.search(r"\b(last|previous|past) year\b|\ba year (ago|earlier)\b", low):
        return str(y - 1)
    if re.search(r"\b(this|same) year\b", low):
        return str(y)
    if m is not None:
        if re.search(r"\b(last|previous|past) month\b|\ba month (ago|earlier)\b", low):
            return f"{y if m > 1 else y - 1}-{(m - 2) % 12 + 1:02d}"
        if re.search(r"\b(this|same) month\b", low):
            return f"{y}-{m:02d}"
    if len(doc_date) == 10:
        today = dt.date.fromisoformat(doc_date)
        if re.search(r"\b(today|this morning|this week)\b", low):
            return today.isoformat()
        if "yesterday" in low:
            return (today - dt.timedelta(days=1)).isoformat()
        for i, name in enumerate(WEEKDAYS):
            if re.search(rf"\b{name}\b", low):  # the latest such day up to the document's date
                back = (today.weekday() - i) % 7
                return (today - dt.timedelta(days=back)).isoformat()
    return None
