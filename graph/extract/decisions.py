"""Decisions: a state's action as a thing of its own, linked to the relations it changed.

A decision comes from a relation the extractor already found and the sentence around it:
a ``blocked`` relation (a prohibition, an order, a sanction) or a ``monitors`` relation
stated as a review or investigation, or as an approval ("has approved the acquisition"); or
a law or rule the sentence says a state adopted or brought into force. Its effects are the
ownership, partnership and operation relations of the same sentence that involve its
targets: prevented by a prohibition, ended by an order to divest, changed (ownership only)
when the sentence cuts a stake, started by an approval; an ownership between two of its
targets stated elsewhere in the document, prevented or ended likewise (a prevented one only
when stated as a deal, ``sckg:dealWord``); and the actor's reviews of its targets, which an
approval ends. Every word is the ontology's
(``sckg:DecisionKind`` cues, ``sckg:ended``/``sckg:changed`` cues, ``sckg:enactVerb``).
"""

from __future__ import annotations

import re

from spacy.tokens import Span, Token

from ..model import Decision, Effect, Relation
from ..ontology import SCKG, Ontology

# Kinds tried in this order: an order to divest is an order before it is a prohibition.
_PRIORITY = ("order", "sanction", "prohibition", "review", "approval")
_BASIS = re.compile(r"\b((?:[A-Z][\w'’-]*\s+(?:(?:and|of|on|for|the|in)\s+)*){1,10}"
                    r"(?:Act|Law|Regulation|Decree|Ordinance|Directive|Code))\b(?:\s+(?:of\s+)?\d{4})?")
_EFFECT_RELATIONS = ("owns", "partnersWith", "operates")


def _lemmas(toks) -> set[str]:
    return {t.lemma_.lower() for t in toks} | {t.lower_ for t in toks}


class DecisionFinder:
    """Finds the decisions of one document from its chosen relations."""

    def __init__(self, ontology: Ontology):
        self.onto = ontology
        self.kinds = ontology.decision_kinds
        self.cues = ontology.time_cues
        self.state_actor = str(SCKG.StateActor)

    def kind(self, relation: str, trigger: Token) -> str | None:
        """The kind of decision a blocked or monitors relation reports, from its trigger's clause."""
        near = {trigger, trigger.head, *trigger.children}
        clause = trigger
        while clause.dep_ not in ("ROOT", "ccomp", "advcl", "relcl") and clause.head.i != clause.i:
            clause = clause.head
            near.add(clause)
        words = _lemmas(near)
        if relation == "monitors":
            if words & self.kinds.get("review", frozenset()):
                return "review"
            # "the Commission has approved the acquisition": the review's end, an approval
            return "approval" if words & self.kinds.get("approval", frozenset()) else None
        orders = words & self.kinds.get("order", frozenset())
        if orders == {"order"} and words & self.kinds.get("prohibition", frozenset()):
            return "prohibition"  # "an order prohibiting the acquisition" orders a prohibition, no divestment
        for kind in _PRIORITY:
            if kind != "review" and words & self.kinds.get(kind, frozenset()):
                return kind
        return "prohibition"

    def basis(self, sent: Span) -> str | None:
        """The law a sentence names: a LAW entity, else a Title-Case name ending in Act, Law..."""
        for ent in sent.ents:
            if ent.label_ == "LAW":
                return ent.text.removeprefix("the ").strip()
        m = _BASIS.search(sent.text)
        return m.group(0).strip() if m else None

    def find(self, chosen: list[tuple[Relation, object]], *, resolve, mentions, context,
             evidence_of) -> list[Decision]:
        """``chosen``: the document's relations with the candidates they came from;
        ``context(token)`` gives a clause's status, source and date;
        ``evidence_of(sentence, trigger, confidence, status, date, method)`` makes an Evidence."""
        by_sentence: dict[int, list[tuple[Relation, object]]] = {}
        for rel, cand in chosen:
            by_sentence.setdefault(cand.sentence.start, []).append((rel, cand))
        decisions: list[Decision] = []
        for _start, items in sorted(by_sentence.items()):
            groups: dict[tuple[str, str], list[tuple[Relation, object]]] = {}
            for rel, cand in items:
                if rel.relation not in ("blocked", "monitors"):
                    continue
                if not self.onto.statuses[rel.evidence.status].asserts_fact:
                    continue
                kind = self.kind(rel.relation, cand.trigger)
                if kind:
                    groups.setdefault((rel.subject, kind), []).append((rel, cand))
            for (actor, kind), members in groups.items():
                decisions.append(self._decision(actor, kind, members, items, evidence_of, chosen))
        for sent in mentions.doc.sents:  # laws and rules adopted or coming into force
            text = sent.text.strip() if decisions else None
            actors = {d.actor for d in decisions if d.evidence.sentence == text}
            decisions.extend(self._laws(sent, resolve, mentions, context, evidence_of, actors))
        return decisions

    def _deal(self, rel: Relation, cand) -> bool:
        """Whether the relation is stated as a deal ("the acquisition of X by Y"), not as a
        holding ("X, majority owned by Y"): only a deal is what a prohibition prevents."""
        words = self.onto.relations[rel.relation].deal_words
        return cand.trigger.lemma_.lower() in words or cand.trigger.lower_ in words

    def _decision(self, actor, kind, members, sentence_items, evidence_of, chosen) -> Decision:
        targets = tuple(dict.fromkeys(rel.object for rel, _ in members))
        best_rel, best = max(members, key=lambda m: m[0].evidence.confidence)
        e = best_rel.evidence
        date = e.valid_from or e.date
        ev = evidence_of(best.sentence, best.trigger, e.confidence, e.status, date, e.method)
        words = _lemmas(best.sentence)
        effects = []
        aim = set(targets)
        change = self._change(kind, words)
        for rel, cand in sentence_items:
            if rel.relation not in _EFFECT_RELATIONS or not ({rel.subject, rel.object} & aim):
                continue
            if change == "changed" and rel.relation != "owns":
                continue  # a stake cut changes who owns what, not who runs or partners with it
            if change == "prevented" and rel.relation == "owns" and not self._deal(rel, cand):
                continue  # "prohibited X, majority owned by Y, from buying Z": Y still owns X
            if change:
                effects.append(Effect(change, rel))
        # in the whole document: the actor's reviews of its targets, which an approval closes;
        # the deal a prohibition or a divestment order is about, stated in another sentence
        # (an ownership between two of its targets)
        have = {e.relation for e in effects}
        for rel, cand in chosen:
            if rel in have:
                continue
            if kind == "approval" and rel.relation == "monitors" and rel.subject == actor and rel.object in aim:
                effects.append(Effect("ended", rel))
            elif change in ("prevented", "ended") and rel.relation == "owns" and {rel.subject, rel.object} <= aim \
                    and (change == "ended" or self._deal(rel, cand)):
                effects.append(Effect(change, rel))
            else:
                continue
            have.add(rel)
        return Decision(kind, actor, targets, ev, self.basis(best.sentence), tuple(effects))

    def _change(self, kind: str, words: set[str]) -> str | None:
        if words & self.cues.changed and kind in ("prohibition", "order", "approval"):
            return "changed"
        if kind == "order" and words & self.cues.ended:
            return "ended"
        if kind == "prohibition":
            return "prevented"
        if kind == "approval":
            return "started"
        return None

    def _laws(self, sent: Span, resolve, mentions, context, evidence_of, already: set[str]) -> list[Decision]:
        """"The Belgian government implemented a new rule", "the Act came into force": a law
        decision whose actor is the state body that adopts it."""
        out = []
        for tok in sent:
            if tok.pos_ not in ("NOUN", "PROPN") or tok.lemma_.lower() not in self.cues.law_nouns:
                continue
            verb = tok.head
            if verb.pos_ not in ("VERB", "AUX") or verb.lemma_.lower() not in self.cues.enact:
                continue
            if tok.dep_ in ("nsubj", "nsubjpass") and verb.lemma_.lower() in ("come", "enter", "take"):
                if not any(c.lower_ in ("force", "effect") for c in verb.subtree):
                    continue
                subj = None  # "the act came into force": the state is whoever the sentence names
            elif tok.dep_ == "dobj":
                subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
            else:
                continue
            actor = resolve(subj) if subj is not None else None
            if actor is None:
                actor = next((mentions.entity_at(t) for t in sent if mentions.entity_at(t)
                              and self.onto.is_a(mentions.type_of(mentions.entity_at(t)), self.state_actor)), None)
            if actor is None or actor in already or not self.onto.is_a(mentions.type_of(actor), self.state_actor):
                continue
            status, _by, date = context(verb)
            if not self.onto.statuses[status].asserts_fact:
                continue
            ev = evidence_of(sent, verb, 0.6, status, date, "sckg-rules")
            out.append(Decision("law", actor, (), ev, self.basis(sent) or None))
            already.add(actor)
        return out
