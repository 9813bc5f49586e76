"""Find relations between entity mentions along the dependency parse.

Every pattern is driven by the trigger words the ontology declares for a relation
(:mod:`.triggers`): verbs (subject -> object), directive, transfer and member verbs here;
event nouns ("a partnership with"), agent nouns ("the operator of"), child nouns
("Alibaba's logistics division, Cainiao") and ownership adjectives ("a Chinese-owned firm")
in :mod:`.nominal`. A candidate is kept only when its ends fit the relation's domain and
range.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from ..ontology import SCKG, Ontology, RelationType
from .gazetteer import Gazetteer
from .mentions import RELATIVE, Mentions
from .candidates import leading_state_actor
from .claims import attribution, claim_status, ownership_share
from .dates import clause_date, is_time
from .nominal import NominalPatterns
from .references import References
from .triggers import OBJECT_PREPS, TriggerIndex, word_forms
from .typer import noun_type

__all__ = ["Candidate", "RelationFinder", "TriggerIndex"]


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


class RelationFinder(NominalPatterns):
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
        self.refs = References(ontology, gazetteer, triggers, mentions)
        self.resolve = self.refs.resolve

    # ------------------------------------------------------------------ patterns
    def find(self) -> list[Candidate]:
        out: list[Candidate] = []
        trig = self.trig
        for sent in self.doc.sents:
            if not sent.text.strip():
                continue
            for tok in sent:
                forms = sorted(word_forms(tok) & trig.forms)
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
                    for f in forms:
                        for rel, particle in trig.transfer.get(f, ()):
                            if not particle or any(c.lower_ == particle for c in tok.children):
                                out += self._transfer(tok, rel, sent)
                    for f in forms:
                        for rel, particle in trig.members.get(f, ()):
                            if not particle or any(c.lower_ == particle for c in tok.children):
                                out += self._members(tok, rel, sent)
                        for rel, particle in trig.founders.get(f, ()):
                            if (not particle or any(c.lower_ == particle for c in tok.children)) \
                                    and any(c.dep_ == "agent" for c in tok.children):
                                out += self._members(tok, rel, sent)
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
                        for rel, part, pre in trig.child_nouns.get(f, ()):
                            if pre and [t.lower_ for t in self.doc[max(tok.i - len(pre), 0):tok.i]] != list(pre):
                                continue
                            out += self._child_noun(tok, rel, sent, part=part)
                for rel in trig.adjectives.get(tok.lower_, ()):
                    out += self._owned_adjective(tok, rel, sent)
                for rel in trig.state_modifiers.get(tok.lower_, ()):
                    out += self._state_modifier(tok, rel, sent)
        return out

    def _verb_relations(self, verb: Token) -> list[RelationType]:
        """The relations a verb triggers here, particles considered ("buy out" is not "buy")."""
        parts = {c.lower_ for c in verb.children if c.dep_ == "prt"}
        out = []
        for f in word_forms(verb):
            for rel, particle in self.trig.verbs.get(f, ()):
                if (particle in parts) if particle else not self._has_other_particle(verb, f):
                    out.append(rel)
        return out

    def _has_other_particle(self, tok: Token, form: str) -> bool:
        """A verb with a particle that makes another trigger ("buy out" is not "buy")."""
        parts = {c.lower_ for c in tok.children if c.dep_ == "prt"}
        return any(p in parts for _, p in self.trig.verbs.get(form, ()) if p)

    def _subjects(self, verb: Token) -> list[str]:
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children) or verb.tag_ == "VBN" and (
            verb.dep_ == "acl" or any(c.dep_ == "agent" for c in verb.children))  # "and jointly controlled by X"
        if passive:
            # "owned and operated by X": the agent hangs from the last participle only
            for v in (verb, *(c for c in verb.children if c.dep_ == "conj" and c.tag_ == "VBN"
                              and not any(g.dep_ == "nsubjpass" for g in c.children))):
                for c in v.children:
                    if c.dep_ == "agent":
                        for p in c.children:
                            if p.dep_ == "pobj":
                                found = self.refs.phrase(p, indirect=False)
                                if not found and p.lower_ in self.trig.state_modifiers \
                                        and any(d.lower_ == "the" for d in p.children):
                                    found = self._unnamed_state(p)  # "wholly owned by the State"
                                # "jointly controlled by EUROKAI KGaA (50%) and BEG LOGISTICS GROUP
                                # AG & Co. KG (50%)": the share cut the list, the second name
                                # hangs from the participle
                                if found:
                                    found += [k for x in v.children if x.dep_ == "conj" and x.pos_ in ("PROPN", "NOUN")
                                              and (k := self.ms.entity_at(x)) and k not in found]
                                return found
            return []
        for c in verb.children:
            if c.dep_ in ("nsubj",):
                found = self.refs.phrase(c, indirect=False)
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
            controller = self.refs.phrase(objs[0], indirect=False) if objs else []
            if objs and self._unnamed_agent(objs[0]):
                return []  # "NNSA is soliciting a firm to operate Y": a firm it does not name
            # object control, "led Berlin to interfere"; else the subject's, "X would use a
            # platform to oversee ..."
            return controller or self._subjects(head)
        infinitive = any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)
        if verb.dep_ == "advcl" and infinitive and any(
                c.dep_ == "dobj" and self._unnamed_agent(c)
                for c in head.children):
            return []  # "NNSA is soliciting a contractor to manage and operate Y"
        if verb.dep_ in ("conj", "advcl") and head is not verb and head.pos_ in ("VERB", "AUX"):
            return self._subjects(head)
        if verb.dep_ == "acl" and infinitive and head.pos_ == "NOUN":
            # "the concession granted to AIA to operate Athens International Airport": the
            # one the noun is granted to
            receivers = [p for c in head.children if c.dep_ == "acl" and c.tag_ == "VBN"
                         for d in c.children if d.dep_ in ("dative", "prep") and d.lower_ == "to"
                         for p in d.children if p.dep_ == "pobj"]
            granted = [k for p in receivers for k in self.refs.phrase(p, indirect=False)]
            if granted:
                return granted
        if verb.dep_ in ("relcl", "acl") and head.dep_ == "dobj" and head.head.pos_ in ("VERB", "AUX") \
                and infinitive:
            if self._unnamed_agent(head):
                return []  # "Brenna is soliciting a firm to operate Y": the firm, not Brenna
            return self._subjects(head.head)  # "X would use a platform to oversee ...": X's act
        if verb.dep_ == "acl" and verb.tag_ == "VBG":  # "the company running X"
            k = self.refs.resolve(head)
            return [k] if k else []
        if verb.dep_ == "relcl":
            k = self.refs.resolve(head)
            return [k] if k else []
        before = self.doc[verb.i - 1] if verb.i > verb.sent.start else None
        k = self.ms.entity_at(before) if before is not None else None
        if k and verb.dep_ == "ROOT" and before.dep_ == "pobj" and before.head.head.i == verb.i \
                and before.head.i == verb.sent.start and before.head.dep_ == "prep":
            # "On 1 April 2016 Sellafield Ltd became a wholly owned subsidiary of the NDA": the
            # parser took the name for the object of the opening "On"
            return [k]
        return []

    def _unnamed_agent(self, noun: Token) -> bool:
        """An indefinite common noun that names a kind of agent ("a contractor", "a firm"), not
        a thing ("a platform") nor one named before ("the company")."""
        if noun.pos_ != "NOUN" or not any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in noun.children):
            return False
        t = noun_type(noun, self.onto)
        return bool(t) and self.onto.is_a(t, str(SCKG.Agent))

    def _named_before_parenthesis(self, verb: Token) -> str | None:
        """ "the Goldfields Gas Pipeline (operated and majority owned by APA) and the Parmelia
        Gas Pipeline (owned and operated by CKI)": a participle opening a parenthesis is said
        of the name right before it, wherever the parser hung it."""
        if verb.tag_ != "VBN":
            return None
        for j in range(verb.i - 1, max(verb.i - 5, 0), -1):
            t = self.doc[j]
            if t.text == ")" or t.is_sent_start:
                return None
            if t.text == "(":
                return self.ms.entity_at(self.doc[j - 1]) if j > 0 else None
            if not (t.pos_ in ("VERB", "CCONJ", "ADV", "NOUN") and t.is_lower):
                return None
        return None

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
        while verb.dep_ == "conj" and verb.tag_ == "VBN" and verb.head.tag_ == "VBN" and not any(
                c.dep_ in ("nsubjpass", "auxpass", "dobj") for c in verb.children):
            verb = verb.head  # "X, owned and operated by Y": "operated" has the object of "owned"
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)
        named = self._named_before_parenthesis(verb) if not passive else None
        if named:
            return [named]  # "the X Pipeline (owned and operated by CKI)"
        if passive:
            holder = verb
            while not any(c.dep_ == "nsubjpass" for c in holder.children) and holder.dep_ == "conj":
                holder = holder.head  # "was founded by X and has been controlled by Y"
            for c in holder.children:
                if c.dep_ == "nsubjpass":
                    # "50 percent of X is owned by Y": a share names the company it is of
                    return self.refs.phrase(c, indirect=rel.indirect_object) or self._share_of(c, rel)
        if verb.dep_ == "acl" and verb.tag_ == "VBN":  # "a facility run by Huawei"
            target = verb.head
            if target.dep_ == "attr":  # "that is majority owned by X"
                target = next((c for c in target.head.children if c.dep_ == "nsubj"), target)
            k = self.refs.resolve(target)
            return [k] if k else []
        found: list[str] = []
        dobjs = [c for c in verb.children if c.dep_ == "dobj"]
        # "owns 50% of A and, indirectly, 25% of B": the parser hangs the second share from the verb
        shares = [c for c in verb.children if c.dep_ == "npadvmod" and self._is_share(c, rel)]
        for c in dobjs + shares:
            got = self.refs.phrase(c, indirect=rel.indirect_object) or self._share_of(c, rel)
            if not got and self._is_share(c, rel):
                # "has acquired 75% of stock in Iceland's second largest bank, Glitnir": the
                # company after "in", hung from the verb
                got = [k for p in verb.children if p.dep_ == "prep" and p.lower_ == "in"
                       for o in p.children if o.dep_ == "pobj" and not is_time(o)
                       for k in self.refs.phrase(o, indirect=False)]
            found += got
        if dobjs:
            return found
        for c in verb.children:
            if c.dep_ in ("prep", "prt") and c.lower_ in OBJECT_PREPS:
                for p in c.children:
                    if p.dep_ == "pobj" and not is_time(p):
                        found += self.refs.phrase(p, indirect=rel.indirect_object)
        if not found:
            # "X owns and operates Y": the parser hangs the shared object from the second verb
            for c in verb.children:
                if c.dep_ == "conj" and c.pos_ == "VERB" and not any(
                        g.dep_ in ("nsubj", "nsubjpass", "auxpass") for g in c.children):
                    found = [k for g in c.children if g.dep_ == "dobj"
                             for k in self.refs.phrase(g, indirect=rel.indirect_object)]
                    break
        return found

    def _verb(self, verb: Token, rel: RelationType, sent: Span) -> list[Candidate]:
        if word_forms(verb) & set(rel.raising_verbs):
            # "Alibaba will list Cainiao on the exchange": the listed one is the object
            raised = [k for c in verb.children if c.dep_ == "dobj" for k in self.refs.phrase(c, indirect=False)]
            if raised:
                objs = [k for c in verb.children if c.dep_ == "prep"
                        for p in c.children if p.dep_ == "pobj" for k in self.refs.phrase(p, indirect=False)]
                return self._pairs(raised, objs, rel, verb, sent, 0.75)
        subs = self._subjects(verb)
        objs = self._objects(verb, rel)
        conf = 0.8 if rel.indirect_object is False else 0.75
        out = self._pairs(subs, objs, rel, verb, sent, conf)
        if word_forms(verb) & rel.deal_words:
            # "A acquired X from B": B held X until then (its record ends on the deal's date)
            sellers = [k for c in verb.children if c.dep_ == "prep" and c.lower_ == "from"
                       for p in c.children if p.dep_ == "pobj" for k in self.refs.phrase(p, indirect=False)]
            out += self._pairs(sellers, objs, rel, verb, sent, conf)
        if len(set(subs)) > 1:
            # "jointly controlled by A and B": A and B hold the joint relation with each other
            for c in verb.children:
                if c.dep_ == "advmod":
                    for joint in self.trig.joint.get(c.lower_, ()):
                        out += self._pairs(subs, subs, joint, verb, sent, conf)
        return out

    def _directed(self, verb: Token, rel: RelationType, sent: Span) -> list[Candidate]:
        """ "ordered Nexperia to sell", "Skytech was ordered to divest": the orderer and the ordered."""
        head = verb.head
        if verb.dep_ != "xcomp" or not (word_forms(head) & set(rel.directives)):
            return []
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in head.children)
        if passive:
            objs = [k for c in head.children if c.dep_ == "nsubjpass" for k in self.refs.phrase(c, indirect=False)]
            subs = [k for c in head.children if c.dep_ == "agent" for p in c.children if p.dep_ == "pobj"
                    for k in self.refs.phrase(p, indirect=False)]
            if not subs and not any(c.dep_ == "agent" for c in head.children) \
                    and self.onto.is_a(str(rel.domain), str(SCKG.StateActor)):
                # "Kelvane Mining Co. is required to divest itself of its investment in X", in
                # a state's orders: the document's leading state actor orders it
                lead = leading_state_actor(self.ms)
                subs = [lead] if lead else []
                if subs:
                    return self._pairs(subs, objs, rel, head, sent, 0.6)
        else:
            objs = [k for c in head.children if c.dep_ == "dobj" for k in self.refs.phrase(c, indirect=False)]
            subs = self._subjects(head)
        return self._pairs(subs, objs, rel, head, sent, 0.75)

    def _transfer(self, verb: Token, rel: RelationType, sent: Span) -> list[Candidate]:
        """ "A sold X to B", "X was transferred to B": the party after "to" and what passes to it."""
        takers = [k for c in verb.children if c.dep_ in ("prep", "dative") and c.lower_ == "to"
                  for p in c.children if p.dep_ == "pobj" for k in self.refs.phrase(p, indirect=False)]
        if not takers:
            return []
        passed = self._objects(verb, rel)  # also "30% of Kelvane's capital was sold to B"
        return self._pairs(takers, passed, rel, verb, sent, 0.75)

    def _members(self, verb: Token, rel: RelationType, sent: Span) -> list[Candidate]:
        """ "X is a company which consists of A, B and C", "X is made up of three members: A,
        B and C", "X (ERC) composed of A and B", and with a founder verb "X is a company
        formed by A; B; and C": the organisations named after the verb, up to the next verb of
        its own, hold the relation with the organisation the verb lists.

        The list is read in the text, not the parse: the parser splits lists with
        semicolons and parenthesised short forms into pieces it hangs anywhere."""
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)
        if passive or verb.dep_ == "acl":
            holder = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
            whole = self.refs.phrase(holder, indirect=True)[:1] if holder is not None else []
            if not passive:  # "a company made up of", "Elizabeth River Crossings (ERC) composed of"
                target = verb.head
                if target.dep_ == "attr":
                    target = next((c for c in target.head.children if c.dep_ == "nsubj"), target)
                whole = [k] if (k := self.resolve(target)) else []
        elif verb.dep_ == "relcl" and verb.head.dep_ == "attr":
            # "X is a limited liability company, which consists of"
            whole = [k for c in verb.head.head.children if c.dep_ == "nsubj" and (k := self.resolve(c))]
        else:
            whole = self._subjects(verb)
        if len(whole) != 1 or not self._company_like(whole[0]):
            return []
        stop = next((t.i for t in self.doc[verb.i + 1:sent.end]
                     if t.pos_ in ("VERB", "AUX") and t.tag_ in ("VBD", "VBZ", "VBP", "MD")
                     and self.ms.entity_at(t) is None), sent.end)
        # "AECL consisted of two divisions: the Nuclear Laboratories and the CANDU Reactor
        # Division": parts named by a child noun belong to the whole
        parts = any(t.lemma_.lower() in {n.split()[-1] for n in rel.child_nouns} and t.tag_ == "NNS"
                    for t in self.doc[verb.i + 1:min(stop, verb.i + 5)])
        members: list[str] = []
        for m in sorted(self.ms.mentions, key=lambda m: m.start):
            if verb.i < m.start < stop and m.key not in members and m.key != whole[0] \
                    and (self._company_like(m.key) or parts) and self.doc[m.start - 1].lower_ not in ("a", "an"):
                # "Jacobs Technology Inc., a Jacobs Company": the member's parent is no member
                members.append(m.key)
        if len(members) < 2:  # a list of members, not one company said to be part of another
            return []
        if parts:
            return self._pairs(whole, members, rel, verb, sent, 0.7)
        return self._pairs(members, whole, rel, verb, sent, 0.7)

    def _company_like(self, key: str) -> bool:
        t = self.ms.type_of(key)
        return self.onto.is_a(t, SCKG.Organization) and not self.onto.is_a(t, SCKG.StateActor)

    @staticmethod
    def _is_share(tok: Token, rel: RelationType) -> bool:
        """A percentage or one of the relation's nouns ("stake", "share")."""
        return tok.text == "%" or tok.lower_ == "percent" or tok.lemma_.lower() in rel.nouns

    def _share_of(self, tok: Token, rel: RelationType) -> list[str]:
        """The company a share phrase is a part of: "30% of Kelvane's capital", "a 30% stake in
        Kelvane" (a percentage, or one of the relation's nouns, with the names inside it)."""
        found: list[str] = []
        for share in (tok, *tok.conjuncts):  # "25.3% of the shares in A and around 33% of B"
            if not self._is_share(share, rel):
                continue
            # only through "of", "in" and possessives: in "the stake held by X", X is the holder
            frontier = [share]
            for _ in range(3):
                nxt = [p for t in frontier for c in t.children
                       for p in ([g for g in c.children if g.dep_ == "pobj"]
                                 if c.dep_ == "prep" and c.lower_ in ("of", "in") else [c] if c.dep_ == "poss" else [])]
                k = next((k for t in nxt if (k := self.resolve(t))), None)
                if k:
                    found.append(k)
                    break
                frontier = nxt
        return list(dict.fromkeys(found))

    # ------------------------------------------------------------------ assembly
    def _pairs(self, subs, objs, rel: RelationType, trigger: Token, sent: Span, conf: float, *,
               nominal: bool = False) -> list[Candidate]:
        pairs = []
        for s in dict.fromkeys(subs):
            for o in dict.fromkeys(objs):
                if not s or not o or s == o:
                    continue
                if not self.onto.fits(rel, self.ms.type_of(s), self.ms.type_of(o)):
                    continue
                pairs.append((o, s) if rel.symmetric and o < s else (s, o))
        pairs = list(dict.fromkeys(pairs))
        if not pairs:
            return []
        status, by, date = self.context(trigger)
        if nominal and status != "negated":
            status = "reported"  # "its subsidiary X" holds whatever the clause around it plans
        share = ownership_share(trigger) if rel.name == "owns" else None
        return [Candidate(s, rel.name, o, sent, trigger, conf, status, by, date, share) for s, o in pairs]

    def context(self, trigger: Token) -> tuple[str, str | None, str | None]:
        """Status, source and date of a trigger's clause (computed once per trigger)."""
        cache = self.__dict__.setdefault("_contexts", {})
        if trigger.i not in cache:
            by = self.asserted_by(trigger)
            if by and not self.onto.is_a(self.ms.type_of(by), "https://w3id.org/sckg/ontology#Agent"):
                by = None
            cache[trigger.i] = (self.status(trigger), by, self.date(trigger))
        return cache[trigger.i]

    def status(self, trigger: Token) -> str:
        return claim_status(trigger, self.trig.status_cues)

    def asserted_by(self, trigger: Token) -> str | None:
        """The source a statement is attributed to: "X said that ...", "according to X"."""
        return attribution(trigger, self.resolve, self.ms, self.trig.status_cues)

    def date(self, trigger: Token) -> str | None:
        """A date in the trigger's clause: "in 2018", "in November", "on 4 May 2021"."""
        if "_dates" not in self.__dict__:
            self._dates = [(e.start, e.end, e.text) for e in self.doc.ents if e.label_ == "DATE"]
        return clause_date(trigger, self._dates, self.doc_date)
