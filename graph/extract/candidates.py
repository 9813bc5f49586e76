"""Candidate relation instances: ordered pairs of entity mentions within one sentence.

A mention is a name or description found by :mod:`.mentions`, or a pronoun or relative
pronoun ("which is owned by ...") that resolves to one. For each sentence every ordered
pair of distinct entities becomes one candidate, represented by the two mentions closest
to each other in the dependency tree.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span, Token

from ..ontology import SCKG
from .mentions import PRONOUNS, RELATIVE, Mentions
from .references import DEAL_NOUNS
from .typer import LOCATIVE_PREPS, noun_type

STATE_ACTOR = str(SCKG.StateActor)
STATE = str(SCKG.State)
ORGANIZATION = str(SCKG.Organization)

#: the longest dependency path (in arcs) a candidate may span
MAX_PATH = 14


@dataclass(frozen=True)
class Pair:
    """Two entities mentioned in one sentence, subject first."""

    subject: str
    object: str
    sentence: Span
    s_tok: Token  # head token of the subject's mention
    o_tok: Token
    s_pron: bool = False  # the subject mention is a pronoun resolved to its antecedent
    o_pron: bool = False
    #: the subject is not in the sentence: the document's leading state actor, taken as the
    #: unnamed agent of the sentence's review or prohibition ("The merger inquiry into ...");
    #: ``s_tok`` is then that trigger word
    implicit: bool = False


def path(a: Token, b: Token) -> tuple[list[Token], list[Token]]:
    """The dependency path from ``a`` up to the lowest common ancestor and down to ``b``.

    Returns (up, down): ``up`` from ``a`` to the ancestor inclusive, ``down`` from the
    token below the ancestor to ``b``.
    """
    cache = a.doc.user_data.setdefault("sckg_up", {})
    chain = cache.get(a.i)
    if chain is None:
        up_all = [a, *a.ancestors]
        chain = cache[a.i] = (up_all, {t.i: k for k, t in enumerate(up_all)})
    up, index = chain
    down: list[Token] = []
    t = b
    while t.i not in index:
        down.append(t)
        if t.head.i == t.i:
            break
        t = t.head
    if t.i not in index:  # different trees (should not happen within a sentence)
        return up, list(reversed(down))
    return up[: index[t.i] + 1], list(reversed(down))


def attach_conjuncts_to_names(ms: Mentions) -> None:
    """ "agreements between the State of Rhineland-Palatinate and Ryanair": the parser joins
    the second name to the last word inside the first; it is a conjunct of the whole name, so
    it hangs from the name's head (its list then shares the name's governor)."""
    doc = ms.doc
    for m in ms.mentions:
        if m.end - m.start < 2:
            continue
        span = doc[m.start:m.end]
        root = span.root
        for t in span:
            if t is root:
                continue
            for c in list(t.children):
                if c.dep_ in ("conj", "cc") and not (m.start <= c.i < m.end) and c.i > t.i and not c.is_ancestor(root):
                    c.head = root


_SINGULAR_AUX = frozenset(["is", "has", "was", "'s"])


def attach_relatives_to_nearest(ms: Mentions) -> None:
    """ "E.ON and RWE, which controls Innogy": the parser hangs a relative clause after a list
    from the list's first name; a verb in the singular agrees with the last name only, so the
    clause hangs from that name (a plural verb, "which operate", stays with the whole list)."""
    doc = ms.doc
    for tok in doc:
        if tok.dep_ != "relcl" or ms.at[tok.head.i] is None:
            continue
        conjs = [c for c in tok.head.children if c.dep_ == "conj" and c.i < tok.i]
        if not conjs:
            continue
        last = conjs[-1]
        while True:  # "A, B and C, which ...": the list's last name
            more = [c for c in last.children if c.dep_ == "conj" and c.i < tok.i]
            if not more:
                break
            last = more[-1]
        singular = tok.tag_ == "VBZ" or any(c.dep_ in ("aux", "auxpass") and c.lower_ in _SINGULAR_AUX
                                            for c in tok.children)
        if singular and ms.at[last.i] is not None and last.right_edge.i < tok.i and not tok.is_ancestor(last):
            tok.head = last


def distance(a: Token, b: Token) -> int:
    up, down = path(a, b)
    return len(up) - 1 + len(down)


def sentence_mentions(ms: Mentions, resolve) -> dict[int, list[tuple[str, Token, bool]]]:
    """Mentions by sentence start: (entity key, head token, is a resolved pronoun)."""
    doc = ms.doc
    out: dict[int, list[tuple[str, Token, bool]]] = {}
    seen: set[int] = set()
    for m in ms.mentions:
        if m.key not in ms.entities:
            continue
        head = doc[m.start:m.end].root
        if head.i in seen or _place_of(head, m.key, ms):
            continue
        seen.add(head.i)
        out.setdefault(head.sent.start, []).append((m.key, head, False))
    for tok in doc:
        if ms.at[tok.i] is not None or tok.i in seen:
            continue
        low = tok.lower_
        if low in PRONOUNS or low in RELATIVE:
            key = resolve(tok)
            if key and key in ms.entities:
                out.setdefault(tok.sent.start, []).append((key, tok, True))
        elif _definite(tok, ms) or _deal(tok):
            # "the company", "the New York-based bank": a description that refers back to a
            # named entity, in this sentence or an earlier one
            key = resolve(tok)
            if key and key in ms.entities and not ms.entities[key].described \
                    and any(m.key == key and m.end <= tok.i for m in ms.mentions):
                out.setdefault(tok.sent.start, []).append((key, tok, True))
    return out


def _place_of(head: Token, key: str, ms: Mentions) -> bool:
    """A state named only as where an organisation is: "frozen in a Macau bank" is about the
    bank, not Macau ("the Macau government" is Macau)."""
    if head.dep_ != "compound" or head.head.pos_ != "NOUN" or head.head.lemma_.lower() in ms.ontology.government_nouns:
        return False
    if not ms.ontology.is_a(ms.type_of(key), STATE_ACTOR):
        return False
    kind = noun_type(head.head, ms.ontology)
    return kind is not None and ms.ontology.is_a(kind, ORGANIZATION) and not ms.ontology.is_a(kind, STATE_ACTOR)


def _definite(tok: Token, ms: Mentions) -> bool:
    """A singular common noun with "the" or "this" that names an entity type."""
    if tok.pos_ != "NOUN" or tok.tag_ != "NN":
        return False
    if not any(c.dep_ == "det" and c.lower_ in ("the", "this") for c in tok.children):
        return False
    return noun_type(tok, ms.ontology) is not None


def _deal(tok: Token) -> bool:
    """ "the merger", "this transaction" with no parties of its own: a reference to a deal
    named earlier (:meth:`References.earlier_deal`)."""
    return tok.pos_ == "NOUN" and tok.lemma_.lower() in DEAL_NOUNS and \
        any(c.dep_ == "det" and c.lower_ in ("the", "this") for c in tok.children) and \
        not any(c.dep_ == "prep" and c.lower_ in ("of", "by", "between") for c in tok.children)


def _only_where(tok: Token) -> bool:
    """A state named only as where something is or comes from, or whose it is ("Chinese firms",
    "oil from Iran"): no actor of the sentence."""
    return tok.dep_ == "amod" or tok.dep_ == "pobj" and tok.head.lower_ in LOCATIVE_PREPS


def _mentions_of(ms: Mentions, type_iri: str) -> dict[str, int]:
    """How often the document names each entity of a type, in order of first mention."""
    counts: dict[str, int] = {}
    for m in ms.mentions:
        if m.key in ms.entities and ms.ontology.is_a(ms.type_of(m.key), type_iri):
            counts[m.key] = counts.get(m.key, 0) + 1
    return counts


def leading_state_actor(ms: Mentions) -> str | None:
    """The state actor the document names most often (the first named on a tie)."""
    counts = _mentions_of(ms, STATE_ACTOR)
    return max(counts, key=counts.get) if counts else None


def leading_state(ms: Mentions) -> str | None:
    """The state the document names most often, when one is named more often than any other:
    the state a "state-owned carrier" or a "Crown corporation" of a text that names none
    beside it belongs to."""
    counts = _mentions_of(ms, STATE)
    ranked = sorted(counts.values(), reverse=True)
    if not ranked or len(ranked) > 1 and ranked[0] == ranked[1]:
        return None
    return max(counts, key=counts.get)


def find_pairs(ms: Mentions, resolve, state_triggers=(), agents=None) -> list[Pair]:
    """Every ordered pair of distinct entities mentioned in one sentence.

    ``resolve(token)`` gives the entity a pronoun stands for (or None). ``state_triggers``
    are the words that name what only a state does (a review, a prohibition): a sentence
    with one and no state actor also pairs the document's leading state actor with each
    organisation it names (:attr:`Pair.implicit`); so does a sentence with neither that
    follows one stating a review without naming an organisation (``s_tok`` is then the
    trigger in the sentence before). ``agents(verb)`` gives who does what a verb says: a
    trigger verb a company does is no state's.
    """
    doc = ms.doc
    pairs: list[Pair] = []
    first: dict[int, Token] = {}
    for t in state_triggers:
        if agents is not None and t.pos_ == "VERB" and any(
                ms.ontology.is_a(ms.type_of(k), ORGANIZATION) and not ms.ontology.is_a(ms.type_of(k), STATE_ACTOR)
                for k in agents(t) if k in ms.entities):
            continue  # "X would use a platform to oversee its operations": X, no state, does it
        first.setdefault(t.sent.start, t)
    lead = leading_state_actor(ms) if first else None
    by_sentence = sentence_mentions(ms, resolve)
    for start, mentions in sorted(by_sentence.items()):
        sent = doc[start].sent
        if lead is not None and not any(ms.ontology.is_a(ms.type_of(k), STATE_ACTOR) and not _only_where(tok)
                                        for k, tok, _ in mentions):
            trigger = first.get(start)
            if trigger is None and start > 0:
                # "The Commission launched two in-depth investigations. The two companies
                # involved were X and Y": a review the sentence before states without a target
                prev = doc[start - 1].sent
                named = by_sentence.get(prev.start, ())
                if prev.start in first and not any(ms.ontology.is_a(ms.type_of(k), ORGANIZATION) and
                                                   not ms.ontology.is_a(ms.type_of(k), STATE_ACTOR)
                                                   for k, _, _ in named):
                    trigger = first[prev.start]
            if trigger is not None:
                done = set()
                for k, tok, pron in mentions:
                    if k not in done and ms.ontology.is_a(ms.type_of(k), ORGANIZATION):
                        done.add(k)
                        pairs.append(Pair(lead, k, sent, trigger, tok, o_pron=pron, implicit=True))
        best: dict[tuple[str, str], tuple[tuple, Token, Token, bool, bool]] = {}
        for ka, ta, pa in mentions:
            for kb, tb, pb in mentions:
                if ka == kb:
                    continue
                d = distance(ta, tb)
                if d > MAX_PATH:
                    continue
                # the closest pair; on a tie a name over a pronoun, then the earliest
                rank = (d, pa + pb, ta.i, tb.i)
                if (ka, kb) not in best or rank < best[(ka, kb)][0]:
                    best[(ka, kb)] = (rank, ta, tb, pa, pb)
        for (ka, kb), (_, ta, tb, pa, pb) in sorted(best.items(), key=lambda x: (x[1][1].i, x[1][2].i)):
            pairs.append(Pair(ka, kb, sent, ta, tb, pa, pb))
    return pairs
