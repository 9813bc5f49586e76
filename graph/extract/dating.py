"""The dates of an extraction's relations that their own clause does not give: a state
actor's review or prohibition dated from the actor's other sentences or from a word that
opens it, a transfer's leaving party, and a state's act whose date is not the relation's.
Mixed into :class:`~graph.extract.Extractor`."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ..model import Relation
from ..ontology import SCKG
from .mentions import Mentions
from .timing import leaving_party, valid_time

if TYPE_CHECKING:
    from . import Analysis
    from .relations import Candidate


class RelationDating:
    """Dating helpers of the extractor (``self.ontology``, ``self.vocab`` and
    ``self._state_relations`` are the extractor's)."""

    def _actor_dates(self, an: Analysis, chosen, dates, doc_date, cite) -> list[tuple[Relation, object]]:
        """Records that date a state actor's undated review or prohibition from elsewhere in
        the document:

        - the same actor's dated relation to another target the record's sentence names
          ("opened an investigation into X" on a date; "will also investigate the contract
          between X and Y": the review of Y is that review), when those give one date;
        - else the actor's sentences, when they give one start: a sentence where it does it
          with no target named ("Today, the Commission is launching an in-depth
          investigation" dates "the Commission monitors X" stated in the next paragraph), or
          one that opens the relation with a word of its sckg:openingWord ("The transaction
          was notified to the Commission on 1 June 2010"), naming the actor or no state actor.
        """
        undated = [(r, c) for r, c in chosen if not (r.evidence.valid_from or r.evidence.valid_until)
                   and r.relation in self._state_relations]
        if not undated:
            return []
        onto = self.ontology
        cues = onto.time_cues
        found: dict[tuple[str, str], dict[str, object]] = {}
        for tok in an.state_triggers:
            actors = an.finder.agents(tok)
            if not actors:
                continue
            for rel in {k.split(":", 1)[0] for k in self.vocab.of(tok)} & self._state_relations:
                vt = valid_time(tok, dates, doc_date, cues, onto.relations[rel].closing_verbs)
                if vt.start and not vt.end:
                    for actor in actors:
                        found.setdefault((actor, rel), {}).setdefault(vt.start, tok.sent)
        for (actor, rel), start, sent in self._openings(an, undated, dates, doc_date):
            found.setdefault((actor, rel), {}).setdefault(start, sent)
        dated = {}
        for r, c in chosen:
            if r.relation in self._state_relations and r.evidence.valid_from and not r.evidence.valid_until:
                dated.setdefault((r.subject, r.relation, r.object), (r.evidence.valid_from, c.sentence))
        at = an.mentions.at
        out = []
        for r, c in undated:
            siblings = {}
            for other in {at[i] for i in range(c.sentence.start, c.sentence.end)} - {None, r.object}:
                if (r.subject, r.relation, other) in dated:
                    date, sent = dated[(r.subject, r.relation, other)]
                    siblings.setdefault(date, sent)
            one = siblings if len(siblings) == 1 else found.get((r.subject, r.relation), {})
            if len(one) != 1:
                continue
            (date, sent), = one.items()
            sentence, start, end = cite(sent)
            ev = replace(r.evidence, sentence=sentence, start=start, end=end, valid_from=date, valid_until=None)
            out.append((Relation(r.subject, r.relation, r.object, ev), c))
        return out

    def _openings(self, an: Analysis, undated, dates, doc_date):
        """((actor, relation), start, sentence) for each dated word of a relation's
        sckg:openingWord, for the actors of ``undated`` records the sentence names (all of
        them when it names no state actor)."""
        onto = self.ontology
        openings = {rel: onto.relations[rel].opening_words for rel in {r.relation for r, _ in undated}}
        if not any(openings.values()):
            return
        ms = an.mentions
        state = str(SCKG.StateActor)
        for tok in ms.doc:
            for rel, words in openings.items():
                if tok.lemma_.lower() not in words or tok.dep_ in ("amod", "compound") or not (
                        tok.pos_ == "NOUN" or tok.pos_ == "VERB"
                        and any(c.dep_ in ("nsubj", "nsubjpass") for c in tok.children)):
                    continue  # a verb with a subject: not a heading's "(notified under document ...)"
                vt = valid_time(tok, dates, doc_date, onto.time_cues)
                if not vt.start or vt.end:
                    continue
                named = {ms.at[i] for i in range(tok.sent.start, tok.sent.end)} - {None}
                actors = {r.subject for r, _ in undated if r.relation == rel}
                if any(onto.is_a(ms.type_of(k), state) for k in named):
                    actors &= named
                for actor in actors:
                    yield (actor, rel), vt.start, tok.sent

    def _leaving(self, c: Candidate, ms: Mentions) -> bool | None:
        """Whether the candidate's subject leaves the transfer its clause states (see
        :func:`timing.leaving_party`), read from the subject's mention in the sentence."""
        at = ms.at
        for t in c.sentence:
            if at[t.i] == c.subject and (at[t.head.i] != c.subject or t.head.i == t.i):
                return leaving_party(t, c.trigger, self.ontology.time_cues)
        return None

    def _dated_by_state_act(self, c: Candidate) -> bool:
        """A relation a state does not hold whose clause is a state's act on it ("prohibited the
        acquisition of X by Y"): the clause's date is the act's, not the relation's."""
        return c.relation not in self._state_relations and self._under_state_act(c.trigger)

    def _under_state_act(self, trigger) -> bool:
        """A relation's noun that a state's act governs ("an order prohibiting the purchase
        of X", "requiring the divestment of X"): the clause's date is the act's, not when the
        relation began or ended."""
        return trigger.pos_ == "NOUN" and trigger.dep_ in ("dobj", "nsubjpass") and any(
            k.split(":", 1)[0] in self._state_relations and k.endswith((":verb", ":noun"))
            for k in self.vocab.of(trigger.head))  # "sold" is blocked only when ordered
