"""The nominal patterns of the relation finder: event nouns ("a partnership with X"), agent
nouns ("the operator of X"), child and part nouns ("Alibaba's logistics division, Cainiao"),
ownership adjectives ("a Chinese-owned firm") and state modifiers ("Venezuela's state oil
company, PDVSA"), and who holds what such a noun names."""

from __future__ import annotations

from typing import TYPE_CHECKING

from spacy.tokens import Span, Token

from ..ontology import SCKG, RelationType
from .candidates import leading_state
from .dates import is_time
from .triggers import LIST_VERBS, OBJECT_PREPS
from .typer import first_conjunct, noun_type

if TYPE_CHECKING:
    from .relations import Candidate


ORGANIZATION = str(SCKG.Organization)


class NominalPatterns:
    """Patterns around nouns and adjectives; mixed into :class:`~.relations.RelationFinder`,
    whose verb patterns, references and ``_pairs`` they use."""

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
        if rel.symmetric and (noun.dep_ == "dobj" or noun.dep_ == "appos" and governor.dep_ == "dative"
                              and governor.head.pos_ == "VERB"):
            # "granted Landbridge a lease", "awarded a contract to Shell": the receiver is the
            # partner; also "awarded Kelvane Solutions LLC the contract" parsed as the
            # receiver's apposition
            verb, receivers = (governor, [c for c in governor.children if c.dep_ == "dative"]) \
                if noun.dep_ == "dobj" else (governor.head, [governor])
            dative = self._receiver_keys(receivers)
            if dative:
                return self._pairs(self._subjects(verb), dative, rel, noun, sent, 0.7)
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
                if len(ends) >= 2:  # each member is the others' partner
                    return self._pairs(ends, ends, rel, noun, sent, 0.7)
            if not objs and len(set(subs)) > 1:
                # "ITRCC and IFA executed the Lease Agreement", "A and B won a joint contract":
                # the parties to it are its subjects
                return self._pairs(subs, subs, rel, noun, sent, 0.7)
        return self._pairs(subs, objs, rel, noun, sent, 0.7)

    def agents(self, trigger: Token) -> list[str]:
        """Who does what a trigger word says: a verb's subject (or passive agent), an event
        noun's possessor or the subject of its clause ("the Commission launched an investigation")."""
        return self._subjects(trigger) if trigger.pos_ == "VERB" else self._noun_subjects(trigger, None)

    def _receiver_keys(self, receivers: list[Token]) -> list[str]:
        """The entities a verb's receivers name: "gave Kelvane a stake", "a contract to Shell"."""
        return [k for c in receivers
                for t in ([p for p in c.children if p.dep_ == "pobj"] if c.pos_ == "ADP" else [c])
                for k in self.refs.phrase(t, indirect=False)]

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
                receivers = [c for c in verb.children if c.dep_ == "dative"] if tok.dep_ == "dobj" else []
                if receivers:  # "the transaction gives Kelvane a five percent stake in Talvor"
                    return self._receiver_keys(receivers)
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
            if c.dep_ == "prep" and c.lower_ == "in":
                # "the other shareholders in Eurostar"; not a place ("the operator in Poland")
                objs += [k for p in c.children if p.dep_ == "pobj" for k in self.refs.phrase(p, indirect=False)
                         if self.onto.is_a(self.ms.type_of(k), ORGANIZATION)
                         and not self.onto.is_a(self.ms.type_of(k), str(SCKG.StateActor))]
            if c.dep_ == "poss":
                objs += self.refs.phrase(c, indirect=False)
        subs: list[str] = []
        if noun.dep_ == "appos":
            # "SNCF and SNCB—the other shareholders in Eurostar—": each of the names it follows
            subs = [k for t in (noun.head, *noun.head.conjuncts) if (k := self.refs.resolve(t))]
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

    def _name_root(self, tok: Token, key: str) -> Token | None:
        """The syntactic root of the mention of ``key`` that covers ``tok``."""
        m = next((m for m in self.ms.mentions if m.key == key and m.start <= tok.i < m.end), None)
        return self.doc[m.start:m.end].root if m is not None else None

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
                head = self._list_head(noun) if c.lower_ in ("its", "their") else []
                parents += head or self.refs.phrase(c, indirect=False)
            if c.dep_ == "prep" and c.lower_ in ("of", "between"):
                for p in c.children:
                    if p.dep_ == "pobj":
                        parents += self.refs.phrase(p, indirect=False)
        children: list[str] = []
        if noun.dep_ == "appos":
            k = self.ms.entity_at(noun.head) or self.refs.resolve(noun.head)
            children = [k] if k else []
        for c in noun.children:
            if c.dep_ == "appos":  # "its subsidiaries, A, B and C"
                children += [k for x in (c, *c.conjuncts) if (k := self.ms.entity_at(x))]
        if not children and noun.i + 2 < sent.end and self.doc[noun.i + 1].text == ",":
            # "through its U.S. subsidiary, China Telecom Americas ("CTA"), a Delaware
            # corporation": a name right after the comma that the parser hung elsewhere, not
            # as a clause's subject ("through its subsidiary, Kelvane bought ...")
            nxt = self.doc[noun.i + 2]
            k = self.ms.entity_at(nxt)
            root = self._name_root(nxt, k) if k else None
            listed = [j for c in root.conjuncts if (j := self.ms.entity_at(c))] if root is not None else []
            if root is not None and (root.dep_ not in ("nsubj", "nsubjpass", "dobj", "pobj", "conj")
                                     or noun.tag_ == "NNS" and listed):
                # "and its subsidiaries, A, B and C operate five refineries": a plural noun's
                # list, whatever the parser made of it
                children += [k, *listed]
        if noun.dep_ in ("compound", "nmod") and self.ms.entity_at(noun.head):
            # "its subsidiary Piraeus Container Terminal"
            children.append(self.ms.entity_at(noun.head))
            for c in noun.head.children:
                if c.dep_ == "poss" and not parents:
                    parents += self.refs.phrase(c, indirect=False)
        if noun.dep_ == "attr":
            children += self._subjects(noun.head)
        if noun.dep_ == "pobj" and noun.head.lower_ == "as" and noun.head.head.pos_ == "VERB":
            # "identified NVS3T as a wholly owned subsidiary of Lockheed Martin": the verb's object
            children += [k for c in noun.head.head.children if c.dep_ in ("dobj", "nsubjpass")
                         for k in self.refs.phrase(c, indirect=False)]
        if noun.dep_ == "nsubj" and noun.head.lemma_.lower() in LIST_VERBS | {"be"}:
            # "Its subsidiaries include Lauda Air and Tyrolean Airways"
            children += [k for c in noun.head.children if c.dep_ in ("dobj", "attr")
                         for k in self.refs.phrase(c, indirect=False)]
        subs, objs = (children, parents) if part else (parents, children)
        return self._pairs(subs, objs, rel, noun, sent, 0.85, nominal=True)

    def _list_head(self, noun: Token) -> list[str]:
        """ "BEH, its gas supply subsidiary Bulgargaz and its gas infrastructure subsidiary
        Bulgartransgaz": in a list headed by an organisation's name, "its" is that
        organisation's (not the sentence's subject, nor the name just before)."""
        tok = noun.head if noun.dep_ in ("compound", "nmod") and self.ms.entity_at(noun.head) else noun
        if tok.dep_ != "conj":
            return []
        k = self.ms.entity_at(first_conjunct(tok))
        return [k] if k and self._company_like(k) else []

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
        owned = self.refs.resolve(head) if head is not adj else None
        if mod.lower_ in rel.state_modifiers:  # "the Chinese state-owned company", "Brazil's state-run ..."
            before = self.doc[max(adj.i - 5, sent.start):adj.i - 2]
            owners = self._state_named(before, head if head is not adj else None)
            if not owners and head is not adj:
                # no state named: the document's, for an organisation the phrase names
                # ("the ailing state-owned carrier LOT", "the state-owned energy company, PTT"),
                # not one a description refers back to ("to the state-owned oil company")
                named = [k for t in (*self.doc[adj.i + 1:head.i + 1], *(c for c in head.children if c.dep_ == "appos"))
                         if (k := self.ms.entity_at(t)) and not self.ms.entities[k].described]
                owned = named[0] if named and self.onto.is_a(self.ms.type_of(named[0]), ORGANIZATION) else None
                owners = self._unnamed_state(mod, before) if owned else []
        else:
            owners = [k] if (k := self.ms.entity_at(mod)) else []
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
        if not owners:
            k = self.ms.entity_at(mod)  # "a Crown corporation": "the Crown" is the state's short name
            owners = [k] if k and self.onto.is_a(self.ms.type_of(k), str(SCKG.State)) else []
        if self.ms.entity_at(head):
            owned = [self.ms.entity_at(head)]  # "the Russian state arms exporter Rosoboronexport"
        else:
            named = [c for c in head.children if c.dep_ == "appos"] + ([head.head] if head.dep_ == "appos" else [])
            after = head.i + 2 < len(self.doc) and self.doc[head.i + 1].text == ","
            named += [self.doc[head.i + 2]] if after else []  # "Venezuela's state oil company, PDVSA said"
            owned = [k for t in named if (k := self.ms.entity_at(t))]
            if not owned and head.dep_ == "attr":
                owned = self._subjects(head.head)  # "Kelvane Ferries is a Crown corporation"
        return self._pairs(owners, owned[:1], rel, mod, sent, 0.7, nominal=True)

    def _demonym_state(self, tok: Token) -> str | None:
        """The state of the document a nationality word outside the gazetteer names ("the
        Venezuelan state-owned airline" in a text that names Venezuela), by rigour's territories."""
        if tok.ent_type_ != "NORP":
            return None
        from rigour.territories import lookup_territory
        territory = lookup_territory(tok.text)
        if territory is None or not territory.is_country:
            return None
        for k, e in self.ms.entities.items():
            if self.onto.is_a(e.type, str(SCKG.State)) and (t := lookup_territory(e.label)) is not None \
                    and t.code == territory.code:
                return k
        return None

    def _unnamed_state(self, mod: Token, before: Span | None = None) -> list[str]:
        """ "the ailing state-owned carrier LOT", "wholly owned by the State" with no state named
        beside them: the state the document names most (none when the word is part of a name,
        "State Street", when a nationality or place before it names another, "the Venezuelan
        state-owned airline", or when no state leads)."""
        if self.ms.entity_at(mod) or before is not None and any(
                t.ent_type_ in ("NORP", "GPE") or t.dep_ == "poss" for t in before):
            return []
        lead = leading_state(self.ms)
        return [lead] if lead else []

    def _state_named(self, before: Span, head: Token | None) -> list[str]:
        """The state a phrase about a state's organisation names: a demonym before the state
        word ("the Chinese state-owned company"), else a state that possesses the phrase's head
        or follows it after "in" ("Brazil's state-run energy company", "the State-owned
        operator in Poland")."""
        demonyms = [k for t in before if (k := self.refs.gazetteer_entity(d) if (d := self.gaz.demonyms.get(t.lower_))
                                          else self._demonym_state(t))]
        if not demonyms and len(before):
            # "the People's Republic of China (PRC) state-owned Union Development Group": the
            # state itself named right before the state word
            last = before[-1] if before[-1].text != ")" or len(before) < 2 else before[-2]
            k = self.ms.entity_at(last)
            if k and self.onto.is_a(self.ms.type_of(k), str(SCKG.State)):
                demonyms = [k]
        if demonyms or head is None:
            return demonyms[-1:]
        named = [c for c in head.children if c.dep_ == "poss"] + [
            p for c in head.children if c.dep_ == "prep" and c.lower_ == "in" for p in c.children if p.dep_ == "pobj"]
        return [k for t in named if (k := self.ms.entity_at(t)) and self.onto.is_a(self.ms.type_of(k), str(SCKG.State))]
