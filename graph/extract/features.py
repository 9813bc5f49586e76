"""Features of a candidate pair: types, the dependency path, trigger words, cues, rule votes.

Every feature is a string (indicator features); :func:`pair_features` is pure. The trigger
words and status cues come from the ontology, so a relation added there gets features
without code.
"""

from __future__ import annotations

from spacy.tokens import Token

from ..ontology import Ontology
from .candidates import Pair, path
from .mentions import Mentions
from .typer import first_conjunct

CONTENT = {"NOUN", "VERB", "ADJ", "PROPN", "ADP", "ADV", "NUM", "AUX", "PART"}


class Vocabulary:
    """Trigger words and status cues of the ontology, by lowercase form."""

    def __init__(self, ontology: Ontology):
        self.ontology = ontology
        self.triggers: dict[str, set[str]] = {}
        #: verbs of more than one word ("buy out", "take over", "hold stake"): head -> the next
        #: word, which must hang from the head -> triggers
        self.phrasal: dict[str, dict[str, set[str]]] = {}
        for rel in ontology.relations.values():
            kinds = (("verb", rel.verbs), ("noun", rel.nouns), ("agent", rel.agent_nouns),
                     ("child", rel.child_nouns), ("part", rel.part_nouns), ("adj", rel.owned_adjectives),
                     ("directive", rel.directives), ("directed", rel.directed))
            for kind, words in kinds:
                for w in words:
                    parts = w.lower().split()
                    if kind == "verb" and len(parts) > 1:
                        self.phrasal.setdefault(parts[0], {}).setdefault(parts[1], set()).add(f"{rel.name}:{kind}")
                        continue
                    head = parts[0] if kind == "verb" else parts[-1]
                    self.triggers.setdefault(head, set()).add(f"{rel.name}:{kind}")
        self.cues: dict[str, str] = {}
        for name, st in ontology.statuses.items():
            for c in st.cues:
                if " " not in c:
                    self.cues.setdefault(c.lower(), name)
        self._local: dict[str, str] = {}
        self._coarse: dict[str, str] = {}

    def of(self, tok: Token) -> set[str]:
        """The triggers a token is: by its lemma or form, or with the word that completes a
        verb of several words ("buy" is an ownership verb, "buy out" a blocking one)."""
        lemma = tok.lemma_.lower()
        out = self.triggers.get(lemma, set()) | self.triggers.get(tok.lower_, set())
        phrasal = self.phrasal.get(lemma)
        if phrasal:
            for c in tok.children:
                more = phrasal.get(c.lower_) or phrasal.get(c.lemma_.lower())
                if more:
                    out = out | more
        return out

    def local(self, type_iri: str) -> str:
        name = self._local.get(type_iri)
        if name is None:
            name = self._local[type_iri] = type_iri.rsplit("#", 1)[-1]
        return name

    def coarse(self, type_iri: str) -> str:
        """State actor, company-like organisation, facility, person or other."""
        name = self._coarse.get(type_iri)
        if name is None:
            o = self.ontology
            sckg = type_iri.rsplit("#", 1)[0] + "#"
            for c in ("StateActor", "Facility", "Person", "Organization"):
                if o.is_a(type_iri, sckg + c):
                    name = c
                    break
            else:
                name = "Entity"
            self._coarse[type_iri] = name
        return name


def _lemma(t: Token) -> str:
    return t.lemma_.lower() if t.pos_ != "PROPN" else "<name>"


def pair_features(pair: Pair, ms: Mentions, vocab: Vocabulary, votes: frozenset[str]) -> list[str]:
    """The features of one candidate; ``votes`` names the relations the rules found for it
    (``rel`` for subject -> object, ``rel~`` for object -> subject)."""
    s_type = ms.type_of(pair.subject)
    o_type = ms.type_of(pair.object)
    st, ot = vocab.local(s_type), vocab.local(o_type)
    sc, oc = vocab.coarse(s_type), vocab.coarse(o_type)
    f = [f"ts={st}", f"to={ot}", f"tp={st}|{ot}", f"cp={sc}|{oc}", "bias"]
    s_ent, o_ent = ms.entities[pair.subject], ms.entities[pair.object]
    if s_ent.described:
        f.append("s_desc")
    if o_ent.described:
        f.append("o_desc")
    for tag, ent in (("s", s_ent), ("o", o_ent)):
        words = ent.label.split()
        f.append(f"{tag}_last={words[-1].lower() if words else ''}")
        f.append(f"{tag}_nwords={min(len(words), 5)}")
        if ent.label.isupper() and len(ent.label) > 6:
            f.append(f"{tag}_caps")
        if any(ch.isdigit() for ch in ent.label):
            f.append(f"{tag}_digit")
        if ent.same_as:
            f.append(f"{tag}_known")
    if pair.implicit:  # the subject is the document's leading state actor, not named here
        f.append("implicit")
        if pair.s_tok.sent.start != pair.sentence.start:
            f.append("implicit_before")  # the review is stated in the sentence before
        for trig in vocab.of(pair.s_tok):
            f.append(f"implicit={trig}")
            f.append(f"implicit={trig}|{ot}")
    for tag, pron, tok in (("s", pair.s_pron, pair.s_tok), ("o", pair.o_pron, pair.o_tok)):
        if pron:  # a pronoun, or a description such as "the company", standing for a name
            f.append(f"{tag}_pron" if tok.pos_ != "NOUN" else f"{tag}_ref")
    a, b = pair.s_tok, pair.o_tok
    f.append("order=so" if a.i < b.i else "order=os")
    up, down = path(a, b)
    lca = up[-1]
    # the path: dependency labels with arrows, the words in between as lemmas
    labels = [f"{t.dep_}^" for t in up[:-1]] + [f"v{t.dep_}" for t in down]
    words = [_lemma(t) for t in up[1:-1]] + [_lemma(t) for t in down[:-1]]
    lca_word = _lemma(lca) if lca not in (a, b) else "<end>"
    f.append("deps=" + " ".join(labels))
    f.append(f"path={' '.join(labels[:len(up) - 1])}|{lca_word}|{' '.join(labels[len(up) - 1:])}")
    f.append(f"lca={lca_word}")
    f.append(f"lca={lca_word}|{sc}|{oc}")
    f.append(f"lca_pos={lca.pos_}")
    f.append(f"len={min(len(labels), 8)}")
    f.append(f"s_dep={a.dep_}")
    f.append(f"o_dep={b.dep_}")
    f.append(f"s_dep_lca={a.dep_}|{lca_word}")
    f.append(f"o_dep_lca={b.dep_}|{lca_word}")
    f.append(f"s_head={_lemma(a.head)}")
    f.append(f"o_head={_lemma(b.head)}")
    if lca in (a, b) and all(t.dep_ == "conj" for t in [*up[:-1], *down]):
        # members of one list ("a joint venture between A, B and C"): what governs the list
        # says what they share
        first = first_conjunct(lca)
        gov = first.head
        if gov.i != first.i:
            f.append(f"list={first.dep_}|{_lemma(gov)}")
            outer = gov.head if gov.dep_ == "prep" and gov.head.i != gov.i else gov
            f.append(f"list_gov={_lemma(outer)}")
            for trig in vocab.of(outer):
                f.append(f"list_trig={trig}")
    on_path = [*up[1:-1], *(down[:-1]), lca] if lca not in (a, b) else [*up[1:-1], *down[:-1]]
    for t in on_path:
        f.append(f"pw={_lemma(t)}")
        for trig in vocab.of(t):
            f.append(f"trig={trig}")
            f.append(f"trig={trig}|{a.dep_}|{b.dep_}")
            f.append(f"trig={trig}|{sc}|{oc}")
    # triggers attached to the ends: "Alibaba's logistics division Cainiao" (child noun),
    # "the owner of", compounds and appositions
    for end, tag in ((a, "s"), (b, "o")):
        for c in end.children:
            if c.dep_ in ("appos", "compound", "amod", "acl", "relcl", "prep"):
                for trig in vocab.of(c):
                    f.append(f"{tag}_mod_trig={trig}")
                    f.append(f"{tag}_mod_trig={trig}|{sc}|{oc}")
        for trig in vocab.of(end.head):
            f.append(f"{tag}_head_trig={trig}")
            f.append(f"{tag}_head_trig={trig}|{sc}|{oc}")
    # "Cainiao, Alibaba's logistics division": a possessor inside a phrase set beside a name;
    # what the phrase does, the name does, and the possessor owns it
    for end, tag in ((a, "s"), (b, "o")):
        if end.dep_ == "poss":
            noun = end.head
            beside = noun.head if noun.dep_ == "appos" else next(
                (c for c in noun.children if c.dep_ == "appos"), None)
            named = ms.entity_at(beside) if beside is not None else None
            if named is not None and named != (pair.subject if tag == "s" else pair.object):
                other = pair.object if tag == "s" else pair.subject
                f.append(f"{tag}_poss_beside={'other' if named == other else 'third'}")
    # words between the two mentions, when close
    lo, hi = sorted((a.i, b.i))
    between = ms.doc[lo + 1:hi]
    if len(between) <= 10:
        for t in between:
            if t.pos_ in CONTENT:
                f.append(f"bw={_lemma(t)}")
        if not len(between):
            f.append("adjacent")
    else:
        f.append("far")
        for t in between[:20]:
            if t.pos_ in ("VERB", "NOUN"):
                f.append(f"fw={_lemma(t)}")
    # negation and modality on the path or attached to it
    for t in [lca, *on_path]:
        for c in t.children:
            if c.dep_ == "neg":
                f.append("neg")
            cue = vocab.cues.get(c.lower_)
            if cue and c.dep_ in ("aux", "advmod", "neg", "xcomp", "auxpass"):
                f.append(f"cue={cue}")
        cue = vocab.cues.get(t.lemma_.lower())
        if cue:
            f.append(f"cue={cue}")
    for v in votes:
        f.append(f"rule={v}")
    return f
