"""Valid time: when a relation began and ended as its clause says, and a stake before and after."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace

from spacy.tokens import Span, Token

from ..model import Relation
from ..ontology import TimeCues
from .claims import SPEECH_VERBS
from .triggers import word_forms
from .dates import parse_date, parse_range
from .typer import first_conjunct

_PERCENT = r"(\d+(?:\.\d+)?)\s*(?:%|per ?cent\b)"
_FROM_TO = re.compile(rf"\bfrom\s+(?:about\s+|around\s+|nearly\s+|almost\s+)?{_PERCENT}\s+to\s+(?:about\s+|around\s+|just\s+|below\s+|under\s+)?{_PERCENT}", re.I)
_TO = re.compile(rf"\b(?:to|at)\s+(?:about\s+|around\s+|just\s+|below\s+|under\s+)?{_PERCENT}", re.I)


@dataclass(frozen=True)
class ValidTime:
    """When a relation held, as one clause gives it (xsd lexical forms), and a changed stake."""

    start: str | None = None
    end: str | None = None
    share_before: float | None = None
    share_after: float | None = None


def clause_of(tok: Token) -> Token:
    """The head of the clause a token belongs to (the root, or a complement, adverbial, relative
    or participle clause: "real estate operated as a mining facility" is not dated by the
    sentence's "today"). A noun the parser made the subject of an infinitive is the object of
    the verb above it: "announced a partnership with X to occupy ..." is the announcement's."""
    if tok.dep_ == "nsubj" and tok.head.dep_ in ("ccomp", "xcomp") and tok.head.tag_ == "VB" \
            and any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.head.children):
        return clause_of(tok.head.head)
    while tok.dep_ not in ("ROOT", "ccomp", "advcl", "relcl", "xcomp", "acl") and tok.head.i != tok.i:
        tok = tok.head
    if tok.dep_ == "acl" and tok.head.dep_ in ("attr", "oprd"):
        # "has become a public body, wholly owned by the MOD": the participle describes
        # what the subject became; the verb that says so is the clause
        return clause_of(tok.head)
    return tok


def _stative(trigger: Token, clause: Token, cues: TimeCues) -> bool:
    """Whether a trigger's clause says that a relation holds ("owns", "holds a stake"), not
    that it began ("bought a stake")."""
    return bool(word_forms(trigger) & cues.stative) and (bool(word_forms(clause) & cues.stative) or clause.i == trigger.i)


def _preposition(doc, start: int, end: int, outer: frozenset[str] = frozenset()) -> str:
    """The word that introduces a date phrase: "since" in "since 2018", "until" in "until May".
    A date that dates a noun after one of the ``outer`` words is introduced by that word:
    "since" in "since its founding in 1962"."""
    span = doc[start:end]
    root = span.root
    if root.dep_ == "pobj" and root.head.dep_ == "prep":
        noun = root.head.head
        if noun.pos_ == "NOUN" and noun.dep_ == "pobj" and noun.head.lower_ in outer:
            return noun.head.lower_
        return root.head.lower_
    if start > 0:
        return doc[start - 1].lower_
    return ""


def valid_time(trigger: Token, dates: list[tuple[int, int, str]], doc_date: str | None,
               cues: TimeCues, closing: frozenset[str] = frozenset()) -> ValidTime:
    """The start and end a trigger's clause gives its relation.

    A date after "since"/"from" starts the relation, one after "until" ends it; a bare date
    ("in 2018", "on Thursday") is when the clause's event happened: the end when the clause
    ends something ("sold its stake in 2022"), the start when it begins something
    ("acquired in 2018", "blocked in November"), and neither when the clause only says that
    the relation holds ("owned 67% in 2018"). ``closing``: the relation's verbs that end it
    when the trigger noun is their object ("discontinued its investigation in November").
    All the words are the ontology's.
    """
    clause = clause_of(trigger)
    heads = word_forms(trigger) | word_forms(clause)
    ending = bool(heads & cues.end_triggers) or (
        trigger.dep_ in ("dobj", "nsubjpass") and bool(word_forms(trigger.head) & closing))
    stative = _stative(trigger, clause, cues)
    start = end = None
    doc = trigger.doc
    roots = doc.user_data.setdefault("sckg_date_roots", {})  # the date phrases' roots, once per document
    ranked = []
    stops = [clause, trigger]
    if clause.dep_ == "acl" and word_forms(clause.head) & cues.event_nouns:
        stops.append(clause.head)  # "the 2019 decision prohibiting the joint venture"
    if clause.dep_ in ("advcl", "xcomp", "ccomp") and clause.tag_ in ("VBG", "VBN") \
            and clause.head.lemma_ in ("be", "have"):
        # "is today sanctioning X": the parser took the auxiliary for the clause's verb and
        # hung the date from it
        stops.append(clause.head)
    if clause.dep_ == "advcl" and clause.tag_ == "VBG" and _same_time(clause):
        stops.append(clause.head)  # "Friday, X awarded A, while granting B": one act, one time
    if clause.dep_ == "ccomp" and clause.head.lemma_ in SPEECH_VERBS and _perfect(clause):
        stops.append(clause.head)  # "announced today it has awarded X": done by the report's date
    when = clause.dep_ in ("relcl", "advcl") and any(c.lower_ == "when" and c.dep_ == "advmod"
                                                       for c in clause.children)
    if when:
        stops.append(clause.head)  # "In September 2005, when the US imposed ...": the time it names
    openers = cues.start | cues.end  # words that only introduce a date
    for s, e, text in dates:
        root = roots.get((s, e))
        if root is None:
            root = roots[(s, e)] = doc[s:e].root
        named = when and s <= clause.head.i < e  # "until 1998, when it entered ...": the date the clause names
        hops = 0 if named else _attachment(root, stops, openers)
        if hops is None:
            continue
        # the date's own word ("until") is the main clause's, not the "when" clause's
        prep = "" if named else _preposition(doc, s, e, cues.start | cues.end)
        span = _range(doc, s, e, prep, doc_date)
        value = span or parse_date(text, doc_date)
        if value is not None:
            ranked.append((hops, s, e, prep, value))
    for _hops, s, e, prep, value in sorted(ranked):
        if isinstance(value, tuple):  # "between 2009 and 2017": both ends, whatever the verb
            start, end = start or value[0], end or value[1]
        elif prep in cues.start:
            start = start or value
        elif prep in cues.end or (prep == "to" and start):
            end = end or value
        elif ending:
            end = end or value
        elif not stative:
            start = start or value
    if not ranked and doc_date and not stative and not ending and _progressive(clause) \
            and clause.lemma_.lower() in cues.act_verbs:
        start = doc_date  # "The United States is imposing sanctions on X": done on the document's date
    before, after = share_change(trigger.sent)
    return ValidTime(start, end, before, after)


def leaving_party(party: Token, trigger: Token, cues: TimeCues) -> bool | None:
    """Whether a party named in a transfer leaves it (True: "sold X", "sold by A", "bought X
    from A", "the transfer of X from A to B") or enters it (False: "sold X to B"); None when
    the clause is no transfer the party takes a side in. The transfer's date ends the
    leaving party's ownership or operation and starts the entering party's."""
    tok = first_conjunct(party)
    if tok.dep_ == "appos" and tok.head.i != tok.i:
        tok = first_conjunct(tok.head)  # "sold to the private fund X": the fund's place in the clause
    clause = clause_of(trigger)
    selling = bool((word_forms(trigger) | word_forms(clause)) & cues.end_triggers)
    if tok.dep_ == "pobj" and tok.head.lower_ in ("from", "to"):
        gov = tok.head.head
        if gov.i in (trigger.i, clause.i) or gov.head.i in (trigger.i, clause.i) and gov.dep_ in ("dobj", "pobj"):
            return tok.head.lower_ == "from"
        return None
    if selling and tok.dep_ == "nsubj" and tok.head.i == clause.i:
        return True
    if selling and tok.dep_ == "pobj" and tok.head.dep_ == "agent" and tok.head.head.i == clause.i:
        return True
    return None


def _same_time(participle: Token) -> bool:
    """A participle clause with no subject of its own that says what its verb's subject did
    at the same time ("..., while granting B", "..., granting B"), not before or after it."""
    return not any(c.dep_ in ("nsubj", "nsubjpass") or (c.dep_ == "mark" and c.lower_ != "while")
                   for c in participle.children)


def _perfect(verb: Token) -> bool:
    """A verb in the present perfect: "has awarded", "have formed"."""
    return verb.tag_ == "VBN" and any(c.dep_ == "aux" and c.lower_ in ("has", "have", "'s", "'ve")
                                      for c in verb.children)


def _progressive(verb: Token) -> bool:
    """A verb in the present progressive: "is imposing", "are launching"."""
    return verb.tag_ == "VBG" and any(c.dep_ == "aux" and c.lower_ in ("is", "are", "am", "'s", "'re")
                                      for c in verb.children)


def _range(doc, start: int, end: int, prep: str, doc_date: str | None) -> tuple[str, str] | None:
    """Both ends of a range a date phrase opens: "between 2009 and 2017" (the parser may tag
    only "between 2009": the rest is the phrase's conjunct), "from 2009 to 2017"."""
    root = doc[start:end].root
    last = max(end, root.right_edge.i + 1)
    text = doc[start:last].text
    return parse_range(text, doc_date) or parse_range(f"{prep} {text}", doc_date)


def _attachment(tok: Token, stops: list[Token], openers: frozenset[str] = frozenset()) -> int | None:
    """How closely a date attaches to the clause: the hops from the date up to the clause's
    head (or the trigger, or an event noun the clause describes), counting a noun passed on the way as three ("the summit in
    September" dates the summit, not the clause); None when the way leaves the clause or
    enters it from a clause of its own ("as announced in November, ..."). A word of
    ``openers`` the parser made a clause of its own ("Effective 8 July 2010, X acquired") only
    introduces the date."""
    hops = 0
    stops = {t.i for t in stops}
    while tok.i not in stops:
        if tok.dep_ in ("advcl", "relcl", "ccomp", "acl", "csubj", "parataxis") and tok.lower_ not in openers \
                or tok.head.i == tok.i:
            return None
        tok = tok.head
        hops += 3 if tok.pos_ in ("NOUN", "PROPN") and tok.i not in stops else 1
    return hops


def date_phrases(doc) -> list[tuple[int, int, str]]:
    """Date phrases: the parser's DATE entities, and "today", "yesterday" or a weekday it left
    untagged; not the year that names a law ("the Defense Production Act of 1950")."""
    out = [(e.start, e.end, e.text) for e in doc.ents if e.label_ == "DATE" and not _names_a_law(doc, e.start)]
    tagged = {i for s, e, _ in out for i in range(s, e)}
    for tok in doc:
        if tok.i not in tagged and tok.lower_ in _DAY_WORDS:
            out.append((tok.i, tok.i + 1, tok.text))
    return sorted(out)


def _names_a_law(doc, start: int) -> bool:
    return start >= 2 and doc[start - 1].lower_ == "of" and doc[start - 2].ent_type_ == "LAW"


_DAY_WORDS = frozenset(["today", "yesterday", "monday", "tuesday", "wednesday", "thursday", "friday",
                        "saturday", "sunday"])


def share_change(sent: Span) -> tuple[float | None, float | None]:
    """A stake before and after a change the sentence states: "cut from 35% to 24.9%".

    >>> import spacy
    >>> nlp = spacy.blank("en")
    >>> share_change(nlp("It cut its stake from 35% to 24.9%.")[:])
    (0.35, 0.249)
    >>> share_change(nlp("The stake was reduced to 24.9 percent.")[:])
    (None, 0.249)
    >>> share_change(nlp("It holds 35%.")[:])
    (None, None)
    """
    return _share_change(sent.text)


@functools.lru_cache(maxsize=4096)
def _share_change(text: str) -> tuple[float | None, float | None]:
    m = _FROM_TO.search(text)
    if m:
        return _fraction(m.group(1)), _fraction(m.group(2))
    m = _TO.search(text)
    if m and re.search(r"\b(reduc|cut|lower|decreas|dilut|cap|rais|increas|limit|trim)", text, re.I):
        return None, _fraction(m.group(1))
    return None, None


def _fraction(number: str) -> float | None:
    value = float(number) / 100
    return round(value, 4) if 0 < value <= 1 else None


def carry_dates(chosen: list[tuple[Relation, object]], dates: list[tuple[int, int, str]], doc_date: str | None,
                cues: TimeCues, cite, *, lenders=()) -> list[tuple[Relation, object]]:
    """Dates a document gives a relation outside the sentence that states it.

    ``chosen``: the document's relations with the candidates they came from (``.sentence``,
    ``.trigger``); ``cite(sentence)`` gives a sentence's text and offsets. Only a record with
    neither a start nor an end of its own receives one, and it cites the sentence the date
    was read from (``Evidence.time_sentence`` and its offsets):

    - another record of the same relation in the document that has a date: the earliest
      start (with that record's end); ``lenders`` are more such records, read from clauses
      that likely state the relation but are not kept as its evidence;
    - the next sentence continues this one with an event noun as its subject and a date on
      its verb ("... agreed to buy Y. The deal closed in 2019."): that date starts the
      relation, or ends it when the relation's clause ends something ("sold its stake").
    """
    out = list(chosen)
    dated: dict[tuple, tuple] = {}
    for rel, cand in [*chosen, *lenders]:
        e = rel.evidence
        if e.valid_from or e.valid_until:
            key = (rel.subject, rel.relation, rel.object)
            if key not in dated or (e.valid_from or "9") < (dated[key][0].valid_from or "9"):
                dated[key] = (e, cand)
    sents = list(chosen[0][1].sentence.doc.sents) if chosen else []
    follows = {a.start: b for a, b in zip(sents, sents[1:])}
    for i, (rel, cand) in enumerate(chosen):
        e = rel.evidence
        if e.valid_from or e.valid_until:
            continue
        source = dated.get((rel.subject, rel.relation, rel.object))
        if source is not None:
            src = source[0]
            ev = replace(e, valid_from=src.valid_from, valid_until=src.valid_until,
                         time_sentence=src.sentence, time_start=src.start, time_end=src.end)
            out[i] = (replace(rel, evidence=ev), cand)
            continue
        nxt = follows.get(cand.sentence.start)
        value = _continued(nxt, dates, doc_date, cues) if nxt is not None else None
        if value is None:
            continue
        clause = clause_of(cand.trigger)
        heads = word_forms(cand.trigger) | word_forms(clause)
        if _stative(cand.trigger, clause, cues):
            continue
        sentence, start, end = cite(nxt)
        ending = bool(heads & cues.end_triggers)
        ev = replace(e, valid_from=None if ending else value, valid_until=value if ending else None,
                     time_sentence=sentence, time_start=start, time_end=end)
        out[i] = (replace(rel, evidence=ev), cand)
    return out


def _continued(sent: Span, dates, doc_date, cues: TimeCues) -> str | None:
    """The date of a sentence that continues the previous one's event: its subject is a
    definite event noun ("The deal", "This acquisition"), its verb says the event was done
    ("closed", "was completed", "took effect") and a date attaches to that verb."""
    root = sent.root
    if not (word_forms(root) & cues.completion_verbs):
        return None
    subj = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None or not (word_forms(subj) & cues.event_nouns):
        return None
    if not any(c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in subj.children):
        return None
    if any(c.dep_ in ("prep", "compound", "poss", "nmod") or c.pos_ == "PROPN" for c in subj.subtree if c.i != subj.i):
        return None  # "The deal for X": a deal named anew, not the previous sentence's
    ranked = []
    for s, e, text in dates:
        if not (sent.start <= s < sent.end):
            continue
        hops = _attachment(root.doc[s:e].root, [root])
        value = parse_date(text, doc_date)
        if hops is not None and value is not None:
            ranked.append((hops, s, value))
    return min(ranked)[2] if ranked else None


def origin_dates(chosen: list[tuple[Relation, object]], dates: list[tuple[int, int, str]], doc_date: str | None,
                 cues: TimeCues, cite, entity_at) -> list[tuple[Relation, object]]:
    """Ownerships nothing else dates, started by their object's founding: "China Telecom
    Americas was founded in 2001" dates "China Telecom owns China Telecom Americas" stated in
    another sentence. ``entity_at(token)`` is the entity a token names, if any. The record
    cites the founding sentence as its time sentence."""
    owned = {r.object for r, _ in chosen if r.relation == "owns"
             and not (r.evidence.valid_from or r.evidence.valid_until)}
    if not owned:
        return chosen
    doc = chosen[0][1].sentence.doc
    founded: dict[str, tuple[str, object]] = {}
    for tok in doc:
        if tok.pos_ != "VERB" or tok.tag_ != "VBN" or not (word_forms(tok) & cues.origin_verbs):
            continue
        subj = next((c for c in tok.children if c.dep_ == "nsubjpass"), None)
        entity = entity_at(subj) if subj is not None else None
        if entity not in owned or entity in founded:
            continue
        vt = valid_time(tok, dates, doc_date, cues)
        if vt.start and not vt.end:
            founded[entity] = (vt.start, tok.sent)
    out = list(chosen)
    for i, (rel, cand) in enumerate(chosen):
        e = rel.evidence
        if rel.relation != "owns" or e.valid_from or e.valid_until or rel.object not in founded:
            continue
        value, sent = founded[rel.object]
        sentence, start, end = cite(sent)
        ev = replace(e, valid_from=value, time_sentence=sentence, time_start=start, time_end=end)
        out[i] = (replace(rel, evidence=ev), cand)
    return out
