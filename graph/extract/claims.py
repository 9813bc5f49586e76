"""Claims: the status of a statement (negated, denied, planned, alleged, reported), who
asserts it, and the share an ownership statement gives."""

from __future__ import annotations

from spacy.tokens import Token

from .triggers import word_forms

SPEECH_VERBS = {"say", "state", "reveal", "announce", "tell", "report", "confirm", "claim", "warn",
                "add", "disclose", "write", "explain", "note"}


def claim_status(trigger: Token, cues: dict[str, set[str]]) -> str:
    """The status of what a trigger word says: negated, denied, planned, alleged or reported,
    from negation and the ontology's cue words in its clause."""
    chain = [trigger, *list(trigger.ancestors)[:4]]
    for t in chain:
        kids = {c.lower_ for c in t.children if c.dep_ == "neg"}
        if kids and t.i == trigger.i or (kids and t.pos_ in ("VERB", "AUX") and t is chain[min(1, len(chain) - 1)]
                                         and trigger.dep_ in ("xcomp", "dobj")):
            return "negated"
    for t in chain:
        forms = word_forms(t)
        if forms & cues.get("denied", set()) and t is not trigger:
            return "denied"
    for t in chain:
        forms = word_forms(t)
        aux = {c.lower_ for c in t.children if c.dep_ == "aux"}
        if t is trigger and t.pos_ == "NOUN":  # "the proposed acquisition", "a planned joint venture"
            aux |= {c.lower_ for c in t.children if c.dep_ == "amod"}
        if (forms & cues.get("planned", set()) and t is not trigger) or (aux & cues.get("planned", set())):
            return "planned"
        if t is not trigger and t.dep_ in ("ROOT", "ccomp", "advcl", "relcl", "parataxis"):
            break
    for t in chain:
        forms = word_forms(t) | {c.lower_ for c in t.children if c.dep_ == "advmod"}
        if forms & cues.get("alleged", set()):
            return "alleged"
    return "reported"


def attribution(trigger: Token, resolve, ms, cues: dict[str, set[str]]) -> str | None:
    """The source a statement is attributed to: "X said that ...", "according to X"."""
    sources = SPEECH_VERBS | cues.get("denied", set()) | \
        cues.get("alleged", set())
    for anc in [trigger, *trigger.ancestors]:
        if anc.lemma_.lower() in sources and anc is not trigger and anc.pos_ in ("VERB", "AUX"):
            for c in anc.children:
                if c.dep_ == "nsubj":
                    k = resolve(c)
                    if k and not ms.entities[k].described:
                        return k
    for t in trigger.sent:
        if t.lower_ == "according" and t.i + 1 < len(trigger.doc) and trigger.doc[t.i + 1].lower_ == "to":
            for p in trigger.doc[t.i + 1].children:
                if p.dep_ == "pobj":
                    k = resolve(p)
                    if k:
                        return k
    return None


def ownership_share(trigger: Token) -> float | None:
    """The fraction an ownership trigger states: "a 51% stake", "wholly owned", "acquired 49%".

    Examples
    --------
    >>> import spacy
    >>> nlp = spacy.blank("en")
    >>> ownership_share(nlp("stake")[0]) is None
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
