"""Find relations between entity mentions along the dependency parse.

Every pattern is driven by the trigger words the ontology declares for a relation:
verbs (subject -> object), event nouns ("a partnership with"), agent nouns ("the
operator of"), child nouns ("Alibaba's logistics division, Cainiao") and ownership
adjectives ("a Chinese-owned firm"). A candidate is kept only when its ends fit the
relation's domain and range.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from ..ontology import SCKG, Ontology, RelationType
from .gazetteer import Gazetteer
from .mentions import RELATIVE, Mentions
from .claims import attribution, claim_status, ownership_share
from .dates import clause_date, is_time
from .references import References
from .typer import noun_type

#: verbs that list what a plural or a group names: "a consortium that includes X and Y" (its
#: partners, as after the ontology's member verbs), "its subsidiaries include X and Y"
LIST_VERBS = frozenset({"include"})
OBJECT_PREPS = {"in", "into", "on", "with", "against", "of", "over", "from", "to", "for", "at", "between"}
STATE = "https://w3id.org/sckg/ontology#State"
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
        self.verbs = _by_head_word(ontology, "verbs")  # "take over": "take", then the particle
        self.nouns: dict[str, list[tuple[RelationType, tuple[str, ...]]]] = {}
        self.agent_nouns: dict[str, list[RelationType]] = {}
        #: a child noun names the object of its possessor's relation ("Alibaba's division
        #: Cainiao"), a part noun the subject ("Belgium's agency VSSE" is part of Belgium)
        self.child_nouns: dict[str, list[tuple[RelationType, bool, tuple[str, ...]]]] = {}
        self.adjectives: dict[str, list[RelationType]] = {}
        self.state_modifiers: dict[str, list[RelationType]] = {}
        #: "jointly" in "jointly controlled by A and B": A and B are partners
        self.joint: dict[str, list[RelationType]] = {}
        for rel in ontology.relations.values():
            for n in rel.nouns:
                words = n.split()
                self.nouns.setdefault(words[-1], []).append((rel, tuple(words[:-1])))
            for n in rel.agent_nouns:
                self.agent_nouns.setdefault(n.split()[-1], []).append(rel)
            for n in rel.child_nouns:
                words = n.split()
                self.child_nouns.setdefault(words[-1], []).append((rel, False, tuple(words[:-1])))
            for n in rel.part_nouns:
                words = n.split()
                self.child_nouns.setdefault(words[-1], []).append((rel, True, tuple(words[:-1])))
            for a in rel.owned_adjectives:
                self.adjectives.setdefault(a, []).append(rel)
            for a in rel.state_modifiers:
                self.state_modifiers.setdefault(a, []).append(rel)
            for a in rel.joint_adverbs:
                self.joint.setdefault(a.casefold(), []).append(rel)
        self.status_cues = {name: set(st.cues) for name, st in ontology.statuses.items()}
        self.relational = set(self.agent_nouns) | set(self.child_nouns)
        self.directed: dict[str, list[RelationType]] = {}
        for rel in ontology.relations.values():
            for v in rel.directed:
                self.directed.setdefault(v, []).append(rel)
        #: "A sold X to B": B holds the relation with X (a particle must follow: "hand over")
        self.transfer = _by_head_word(ontology, "transfer_verbs")
        #: "X consists of A and B": A and B hold the relation with X
        self.members = _by_head_word(ontology, "member_verbs")
        #: every word form that can start a pattern: most tokens are skipped on one lookup
        self.forms = frozenset().union(self.verbs, self.nouns, self.agent_nouns, self.child_nouns,
                                       self.adjectives, self.directed, self.transfer, self.state_modifiers,
                                       self.members)


def _by_head_word(ontology: Ontology, attr: str) -> dict[str, list[tuple[RelationType, str | None]]]:
    """Each relation's verbs of one kind by their first word, with the particle that must
    follow it ("take over": "take", "over"), or None."""
    out: dict[str, list[tuple[RelationType, str | None]]] = {}
    for rel in ontology.relations.values():
        for v in getattr(rel, attr):
            head, *rest = v.split()
            out.setdefault(head, []).append((rel, rest[0] if rest else None))
    return out


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
                    for f in forms:
                        for rel, particle in trig.transfer.get(f, ()):
                            if not particle or any(c.lower_ == particle for c in tok.children):
                                out += self._transfer(tok, rel, sent)
                    for f in forms:
                        for rel, particle in trig.members.get(f, ()):
                            if not particle or any(c.lower_ == particle for c in tok.children):
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
                                return self.refs.phrase(p, indirect=False)
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
            # object control, "led Berlin to interfere"; else the subject's, "X would use a
            # platform to oversee ..."
            return controller or self._subjects(head)
        if verb.dep_ in ("conj", "advcl") and head is not verb and head.pos_ in ("VERB", "AUX"):
            return self._subjects(head)
        if verb.dep_ in ("relcl", "acl") and head.dep_ == "dobj" and head.head.pos_ in ("VERB", "AUX") \
                and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
            return self._subjects(head.head)  # "X would use a platform to oversee ...": X's act
        if verb.dep_ == "acl" and verb.tag_ == "VBG":  # "the company running X"
            k = self.refs.resolve(head)
            return [k] if k else []
        if verb.dep_ == "relcl":
            k = self.refs.resolve(head)
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
        while verb.dep_ == "conj" and verb.tag_ == "VBN" and verb.head.tag_ == "VBN" and not any(
                c.dep_ in ("nsubjpass", "auxpass", "dobj") for c in verb.children):
            verb = verb.head  # "X, owned and operated by Y": "operated" has the object of "owned"
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)
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
        for c in dobjs:
            found += self.refs.phrase(c, indirect=rel.indirect_object) or self._share_of(c, rel)
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
        if _forms(verb) & set(rel.raising_verbs):
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
        if verb.dep_ != "xcomp" or not (_forms(head) & set(rel.directives)):
            return []
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in head.children)
        if passive:
            objs = [k for c in head.children if c.dep_ == "nsubjpass" for k in self.refs.phrase(c, indirect=False)]
            subs = [k for c in head.children if c.dep_ == "agent" for p in c.children if p.dep_ == "pobj"
                    for k in self.refs.phrase(p, indirect=False)]
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
        B and C", "X (ERC) composed of A and B": the organisations named after the verb, up to
        the next verb of its own, hold the relation with the organisation the verb lists.

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
        members: list[str] = []
        for m in sorted(self.ms.mentions, key=lambda m: m.start):
            if verb.i < m.start < stop and m.key not in members and m.key != whole[0] \
                    and self._company_like(m.key) and self.doc[m.start - 1].lower_ not in ("a", "an"):
                # "Jacobs Technology Inc., a Jacobs Company": the member's parent is no member
                members.append(m.key)
        if len(members) < 2:  # a list of members, not one company said to be part of another
            return []
        return self._pairs(members, whole, rel, verb, sent, 0.7)

    def _company_like(self, key: str) -> bool:
        t = self.ms.type_of(key)
        return self.onto.is_a(t, SCKG.Organization) and not self.onto.is_a(t, SCKG.StateActor)

    def _share_of(self, tok: Token, rel: RelationType) -> list[str]:
        """The company a share phrase is a part of: "30% of Kelvane's capital", "a 30% stake in
        Kelvane" (a percentage, or one of the relation's nouns, with the names inside it)."""
        found: list[str] = []
        for share in (tok, *tok.conjuncts):  # "25.3% of the shares in A and around 33% of B"
            if share.text != "%" and share.lower_ != "percent" and share.lemma_.lower() not in rel.nouns:
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

    def _event_noun(self, noun: Token, rel: RelationType, sent: Span) -> list[Candidate]:
        objs: list[str] = []
        governor = noun.head
        if noun.dep_ == "pobj" and governor.lower_ in ("to", "on") and governor.head.pos_ == "VERB" \
                and rel.indirect_object:
            # "added SMIC to its entity list", "put Huawei on a blacklist"
            verb = governor.head
            dobjs = [k for c in verb.children if c.dep_ == "dobj" for k in self.refs.phrase(c, indirect=False)]
            if dobjs:
                return self._pairs(self._subjects(verb), dobjs, rel, noun, sent, 0.7)
        if rel.symmetric and noun.dep_ == "dobj":
            # "granted Landbridge a lease", "awarded a contract to Shell": the receiver is the partner
            dative = [k for c in governor.children if c.dep_ == "dative"
                      for t in ([p for p in c.children if p.dep_ == "pobj"] if c.pos_ == "ADP" else [c])
                      for k in self.refs.phrase(t, indirect=False)]
            if dative:
                return self._pairs(self._subjects(governor), dative, rel, noun, sent, 0.7)
        for c in noun.children:
            if c.dep_ == "prep" and c.lower_ in OBJECT_PREPS - {"from", "to", "for", "at"}:
                for p in c.children:
                    if p.dep_ == "pobj" and not is_time(p):
                        objs += self.refs.phrase(p, indirect=rel.indirect_object)
        modifier_subs = []
        for c in noun.children:
            if c.dep_ in ("compound", "amod", "nmod"):
                # "the Huawei ban" names the object; "US sanctions" the subject
                k = self.ms.entity_at(c)
                d = self.gaz.demonyms.get(c.lower_)
                if k is None and d is not None:
                    k = self.refs.gazetteer_entity(d)
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
                        objs += self.refs.phrase(o, indirect=rel.indirect_object)
        if rel.symmetric:
            # "a partnership between X and Y", "a joint venture of X and Y", "a consortium
            # comprising X, Y and Z", "... that includes X and Y": its members, named together
            for c in noun.children:
                if c.dep_ == "prep" and c.lower_ in ("between", "of"):
                    members = [p for p in c.children if p.dep_ == "pobj"]
                elif c.dep_ in ("acl", "relcl") and (c.lemma_.lower() in self.trig.members
                                                      or c.lemma_.lower() in LIST_VERBS):
                    members = [p for p in c.children if p.dep_ == "dobj"] + [
                        p for q in c.children if q.dep_ == "prep" and q.lower_ == "of"
                        for p in q.children if p.dep_ == "pobj"]  # "consisting of"
                else:
                    continue
                ends = [k for p in members for k in self.refs.phrase(p, indirect=False)]
                if len(ends) >= 2:
                    return self._pairs(ends[:1], ends[1:], rel, noun, sent, 0.7)
            if not objs and len(set(subs)) > 1:
                # "ITRCC and IFA executed the Lease Agreement", "A and B won a joint contract":
                # the parties to it are its subjects
                return self._pairs(subs[:1], subs[1:], rel, noun, sent, 0.7)
        return self._pairs(subs, objs, rel, noun, sent, 0.7)

    def agents(self, trigger: Token) -> list[str]:
        """Who does what a trigger word says: a verb's subject (or passive agent), an event
        noun's possessor or the subject of its clause ("the Commission launched an investigation")."""
        return self._subjects(trigger) if trigger.pos_ == "VERB" else self._noun_subjects(trigger, None)

    def _noun_subjects(self, noun: Token, rel: RelationType | None) -> list[str]:
        """Who holds the stake, partnership or ban: a possessor, or the subject of the clause."""
        tok = noun
        for _ in range(4):
            if tok.dep_ == "compound" and tok.head.pos_ == "NOUN":
                tok = tok.head  # "issued an intervention notice": what the notice's issuer does
                continue
            for c in tok.children:
                if c.dep_ == "poss":
                    return self.refs.phrase(c, indirect=False)
                if c.dep_ == "prep" and c.lower_ == "by" and tok.pos_ == "NOUN":
                    # "the purchase of a stake ... by Cosco"
                    return [k for p in c.children if p.dep_ == "pobj" for k in self.refs.phrase(p, indirect=False)]
            if tok.dep_ in ("dobj", "attr", "nsubjpass", "oprd") or (tok.dep_ == "pobj" and tok.head.head.pos_ in ("VERB", "AUX")):
                if tok.dep_ == "pobj":
                    return []
                verb = tok.head
                if rel is not None and any(r.name != rel.name for r in self._verb_relations(verb)):
                    # "X vetoed the takeover of Y by Z": X is not the one taking over
                    return [k for c in verb.children if c.dep_ == "prep" and c.lower_ == "by"
                            for p in c.children if p.dep_ == "pobj" for k in self.refs.phrase(p, indirect=False)]
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
                        objs += self.refs.phrase(p, indirect=False)
            if c.dep_ == "poss":
                objs += self.refs.phrase(c, indirect=False)
        subs: list[str] = []
        if noun.dep_ == "appos":
            k = self.refs.resolve(noun.head)
            subs = [k] if k else []
        elif noun.dep_ in ("attr",):
            subs = self._subjects(noun.head)
        else:
            for c in noun.children:
                if c.dep_ == "appos":
                    subs += self.refs.phrase(c, indirect=False)
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
                ends = self.refs.phrase(c, indirect=False)
                if len(ends) >= 2:
                    return ends[:2]
                nums = [n for n in c.children if n.lower_ in ("two", "both")]
                if nums or c.lower_ == "both":
                    t = noun_type(c, self.onto)
                    keys: list[str] = []
                    for m in sorted(self.ms.mentions, key=lambda m: -m.start):
                        if m.end <= c.i and m.key not in keys and (t is None or self.onto.is_a(self.ms.type_of(m.key), t)):
                            keys.append(m.key)
                        if len(keys) == 2:
                            return keys
        return []

    def _child_noun(self, noun: Token, rel: RelationType, sent: Span, *, part: bool = False) -> list[Candidate]:
        """ "Alibaba's logistics division, Cainiao", "its subsidiary PCT", "a unit of X", "Y, a
        joint venture between A and B": the possessor (or the members) is the subject, or the
        object when the noun is a ``part`` noun ("Belgium's intelligence agency, the VSSE": the
        VSSE is part of Belgium)."""
        parents: list[str] = []
        for c in noun.children:
            if c.dep_ == "poss":
                parents += self.refs.phrase(c, indirect=False)
            if c.dep_ == "prep" and c.lower_ in ("of", "between"):
                for p in c.children:
                    if p.dep_ == "pobj":
                        parents += self.refs.phrase(p, indirect=False)
        children: list[str] = []
        if noun.dep_ == "appos":
            k = self.ms.entity_at(noun.head) or self.refs.resolve(noun.head)
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
                    parents += self.refs.phrase(c, indirect=False)
        if noun.dep_ == "attr":
            children += self._subjects(noun.head)
        if noun.dep_ == "nsubj" and noun.head.lemma_.lower() in LIST_VERBS | {"be"}:
            # "Its subsidiaries include Lauda Air and Tyrolean Airways"
            children += [k for c in noun.head.children if c.dep_ in ("dobj", "attr")
                         for k in self.refs.phrase(c, indirect=False)]
        subs, objs = (children, parents) if part else (parents, children)
        return self._pairs(subs, objs, rel, noun, sent, 0.85, nominal=True)

    def _owned_adjective(self, adj: Token, rel: RelationType, sent: Span) -> list[Candidate]:
        """ "a Chinese-owned tech firm", "the Chinese state-owned company"."""
        if adj.i < 2 or self.doc[adj.i - 1].text not in ("-", "–"):
            return []
        mod = self.doc[adj.i - 2]
        if self.gaz.demonyms.get(mod.lower_):
            return []  # "Chinese-owned" names the owners' nationality, not the state
        head = adj.head if adj.dep_ in ("amod", "compound") else adj
        while head.dep_ in ("amod", "compound") and head.head is not head:
            head = head.head
        if mod.lower_ == "state":  # "the Chinese state-owned company", "Brazil's state-run ..."
            before = self.doc[max(adj.i - 5, sent.start):adj.i - 2]
            owners = self._state_named(before, head if head is not adj else None)
        else:
            owners = [k] if (k := self.ms.entity_at(mod)) else []
        owned = self.refs.resolve(head) if head is not adj else None
        return self._pairs(owners, [owned] if owned else [], rel, adj, sent, 0.7, nominal=True)

    def _state_modifier(self, mod: Token, rel: RelationType, sent: Span) -> list[Candidate]:
        """ "Venezuela's state oil company, PDVSA", "the Russian state arms exporter
        Rosoboronexport": the state the phrase names holds the organisation named beside it."""
        nxt = self.doc[mod.i + 1] if mod.i + 1 < len(self.doc) else None
        if mod.dep_ not in ("amod", "compound", "nmod") or nxt is None or nxt.text in ("-", "–"):
            return []  # "state-owned" is an ownership adjective's
        head = mod.head
        while head.dep_ in ("amod", "compound") and head.head is not head:
            head = head.head
        if head.pos_ not in ("NOUN", "PROPN"):
            return []
        owners = self._state_named(self.doc[max(head.left_edge.i, sent.start):mod.i], head)
        if self.ms.entity_at(head):
            owned = [self.ms.entity_at(head)]  # "the Russian state arms exporter Rosoboronexport"
        else:
            named = [c for c in head.children if c.dep_ == "appos"] + ([head.head] if head.dep_ == "appos" else [])
            after = head.i + 2 < len(self.doc) and self.doc[head.i + 1].text == ","
            named += [self.doc[head.i + 2]] if after else []  # "Venezuela's state oil company, PDVSA said"
            owned = [k for t in named if (k := self.ms.entity_at(t))]
        return self._pairs(owners, owned[:1], rel, mod, sent, 0.7, nominal=True)

    def _state_named(self, before: Span, head: Token | None) -> list[str]:
        """The state a phrase about a state's organisation names: a demonym before the state
        word ("the Chinese state-owned company"), else a state that possesses the phrase's head
        or follows it after "in" ("Brazil's state-run energy company", "the State-owned
        operator in Poland")."""
        demonyms = [self.refs.gazetteer_entity(d) for t in before if (d := self.gaz.demonyms.get(t.lower_))]
        if demonyms or head is None:
            return demonyms[-1:]
        named = [c for c in head.children if c.dep_ == "poss"] + [
            p for c in head.children if c.dep_ == "prep" and c.lower_ == "in" for p in c.children if p.dep_ == "pobj"]
        return [k for t in named if (k := self.ms.entity_at(t)) and self.onto.is_a(self.ms.type_of(k), str(SCKG.State))]

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
