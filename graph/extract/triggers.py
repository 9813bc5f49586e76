"""The trigger words of every relation, indexed for the patterns: verbs (with the particle
that must follow, "take over"), event, agent, child and part nouns, ownership adjectives,
state modifiers, directive, transfer and member verbs — all read from the ontology."""

from __future__ import annotations

from spacy.tokens import Token

from ..ontology import Ontology, RelationType

#: verbs that list what a plural or a group names: "a consortium that includes X and Y" (its
#: partners, as after the ontology's member verbs), "its subsidiaries include X and Y"
LIST_VERBS = frozenset({"include"})
#: prepositions that introduce a verb's or an event noun's object ("an investigation into X")
OBJECT_PREPS = {"in", "into", "on", "with", "against", "of", "over", "from", "to", "for", "at", "between"}


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
        #: "X, formed by A and B": the same, only where the verb's agents are named
        self.founders = _by_head_word(ontology, "founder_verbs")
        #: every word form that can start a pattern: most tokens are skipped on one lookup
        self.forms = frozenset().union(self.verbs, self.nouns, self.agent_nouns, self.child_nouns,
                                       self.adjectives, self.directed, self.transfer, self.state_modifiers,
                                       self.members, self.founders)


def _by_head_word(ontology: Ontology, attr: str) -> dict[str, list[tuple[RelationType, str | None]]]:
    """Each relation's verbs of one kind by their first word, with the particle that must
    follow it ("take over": "take", "over"), or None."""
    out: dict[str, list[tuple[RelationType, str | None]]] = {}
    for rel in ontology.relations.values():
        for v in getattr(rel, attr):
            head, *rest = v.split()
            out.setdefault(head, []).append((rel, rest[0] if rest else None))
    return out


def word_forms(tok: Token) -> set[str]:
    """The forms a trigger word may match: the lemma and the word, lower-cased."""
    return {tok.lemma_.lower(), tok.lower_}
