"""Candidate name spans of a parsed document: gazetteer phrases, the NER's entities (with the
names it cuts or runs together mended), runs of proper nouns and capitalised words it missed,
offices, and facility names extended over their noun ("Liège airport"). One token belongs to
one name; :func:`.mentions.find_mentions` then groups the names into typed entities."""

from __future__ import annotations

import re

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from ..model import is_legal_form, normalise_name
from ..ontology import Ontology
from .aliases import quote_mark, trim_span
from .gazetteer import Gazetteer, gazetteer_spans
from .names import (CASE_SEPARATORS, REFERENCE_CODE, after_title, ends_at_legal_form, heading_sentences,
                    join_and_tails, split_case_titles, split_name)
from .typer import is_facility, noun_type, office_names

NOT_NAME_ENTS = {"DATE", "TIME", "MONEY", "PERCENT", "CARDINAL", "ORDINAL", "QUANTITY", "LAW", "EVENT",
                 "LANGUAGE"}
SOURCE_RANK = {"OFFICE": 0, "PAREN": 0, "GAZ": 0, "ORG": 1, "PERSON": 1, "FAC": 1, "GPE": 2, "LOC": 2, "NORP": 2,
               "PRODUCT": 3, "PROPN": 4}
NER_NAME_LABELS = {"ORG", "GPE", "FAC", "PERSON", "LOC", "PRODUCT", "NORP"}


def name_spans(doc: Doc, ontology: Ontology, gazetteer: Gazetteer, matcher: PhraseMatcher, *,
               english: frozenset[str], source: str | None) -> tuple[list[tuple[Span, set[str]]], frozenset[str]]:
    """The document's name spans in text order, each with the sources that found it (NER
    labels, "GAZ", "PROPN", "PAREN", "OFFICE", "FACNAME"); and the gazetteer entries the text
    names or shows by their cue words, or its source line names as publisher."""
    # 1. candidate name spans: gazetteer phrases, NER, runs of proper nouns
    spans: list[tuple[Span, str]] = []
    gaz_spans = gazetteer_spans(doc, gazetteer, matcher)
    spans.extend((name_span, "GAZ") for name_span, _ in gaz_spans)
    # what the gazetteer knows is named, even inside another name ("EU" in "EU Merger Regulation"),
    # or shown by its cue words ("Council Regulation (EC) No 139/2004" for the EU), and the
    # publisher its source line names ("the Commission" of the Commission's own release)
    gaz_named = frozenset(str(entry.iri) for _, entry in gaz_spans) | gazetteer.cued(doc.text) \
        | gazetteer.publishers(source)
    known = {i for sp, _ in spans for i in range(sp.start, sp.end)}
    for office in office_names(doc, ontology):
        # "President of the United States", "Secretary of the Treasury": the state or body
        # named inside is what the text is about, not an office of its own
        if not any(t.i in known or t.ent_type_ == "GPE" for t in office[1:]):
            spans.append((office, "OFFICE"))
    headings = heading_sentences(doc)
    for e in doc.ents:
        if e.label_ in NER_NAME_LABELS and not REFERENCE_CODE.search(e.text):
            if spans and spans[-1][0].end == e.start and all(is_legal_form(t.text) for t in e):
                # "the Emirates Telecommunications Group Company | PJSC": the legal form ends the name
                prev, lab = spans.pop()
                spans.append((doc[prev.start:e.end], lab))
                continue
            if e.end < len(doc) and _name_number(doc[e.end], e[-1]):
                e = doc[e.start:e.end + 1]  # "Sakhalin 2": the model's place and the project's number
            for part in split_name(e):
                name = trim_span(after_title(part, ontology))
                if not (e.sent.start in headings and len(part) > 3 and not (len(name) and _whole_name(name, ontology))
                        and not any(t.lower_ in CASE_SEPARATORS for t in part)):  # a heading's words in capitals
                    spans.append((name, e.label_))
    head_words = ontology.head_words
    person_spans = [(e.start, e.end) for e in doc.ents if e.label_ == "PERSON"]
    run: list[Token] = []
    i = 0
    while i <= len(doc):
        tok = doc[i] if i < len(doc) else None
        if tok is not None and (tok.pos_ == "PROPN" or _acronym(tok) or _unknown_name(tok, english, headings)
                                or _defined_short_form(tok)) \
                and not tok.is_punct and tok.ent_type_ not in NOT_NAME_ENTS \
                or tok is not None and _number_word_name(tok, headings):
            run.append(tok)
            i += 1
            continue
        if tok is not None and run and _name_number(tok, run[-1]):
            run.append(tok)  # "Pegasus 88 Limited"
            i += 1
            continue
        if tok is not None and run and tok.text[:1].isupper() and is_legal_form(tok.text) \
                and tok.ent_type_ not in NOT_NAME_ENTS:
            run.append(tok)  # "SEA Handling SpA", whatever the tagger made of the legal form
            i += 1
            continue
        if tok is not None and run and tok.is_lower and tok.is_alpha:
            # "Caisse de dépôt et placement du Québec" (the tagger may take "de" for a proper
            # noun, and "placement" for a common one)
            k = i
            while k > run[0].i + 1 and doc[k - 1].is_lower and doc[k - 1].is_alpha:
                k -= 1
            end = _particle_stretch(doc[k], ontology.name_particles, english) \
                if doc[k].lower_ in ontology.name_particles else None
            if end:
                run.extend(doc[i:end])
                i = end
                continue
        if tok is not None and run and tok.text in ("-", "–") and not run[-1].whitespace_ \
                and not tok.whitespace_ and i + 1 < len(doc) and doc[i + 1].pos_ == "PROPN":
            run.append(tok)  # "Port of Antwerp-Bruges"
            i += 1
            continue
        if tok is not None and run and tok.lower_ in ("of", "on", "for") and i + 1 < len(doc) \
                and doc[i + 1].pos_ == "PROPN" and doc[i + 1].ent_type_ not in NOT_NAME_ENTS \
                and run[-1].lower_ in head_words and not ends_at_legal_form(tok):
            # "Port of Rotterdam Authority", "Committee on Foreign Investment ..."
            run.append(tok)
            i += 1
            continue
        if tok is not None and run and tok.text == "," and i + 1 < len(doc) \
                and is_legal_form(doc[i + 1].text) and doc[i + 1].pos_ in ("PROPN", "NOUN"):
            # "Washington Group International, Inc.": the legal form belongs to the name
            run.extend(doc[i: i + 2])
            i += 2
            continue
        if tok is not None and run and tok.text == "(":
            # "Sinomine (Hong Kong) Rare Metals Resources": a parenthesis inside a name
            close = next((t for t in doc[tok.i + 1: tok.i + 5] if t.text == ")"), None)
            if close is not None and close.i + 1 < len(doc) and doc[close.i + 1].pos_ == "PROPN" \
                    and all(t.pos_ == "PROPN" for t in doc[tok.i + 1: close.i]) \
                    and not _acronym_of(doc[tok.i + 1: close.i], run):
                run.extend(doc[tok.i: close.i + 1])
                i = close.i + 1
                continue
        if run:
            paren = any(t.text == "(" for t in run)
            a, b = run[0].i, run[-1].i + 1
            # "Secretary of Energy Samuel W. Bodman": the office words before a person's name
            person = next(((ps, pe) for ps, pe in person_spans if a < ps and pe == b), None)
            if person is not None and any(t.lower_ in ontology.title_words or t.lower_ in ontology.office_words
                                          for t in doc[a:person[0]]):
                a = person[0]
            elif person is not None and person[0] - a >= 2 and doc[person[0] - 1].lower_ in english \
                    and doc[person[0] - 1].text[:1].isupper() \
                    and not is_legal_form(doc[person[0] - 1].text):
                # "NASA Administrator Charles Bolden", "NASA Stennis Director Rick Gilbrech": the
                # organisation, a title, and the person who holds it
                spans.append((trim_span(doc[a:person[0] - 1]), "PROPN"))
                a = person[0]
            if doc[a].sent.start not in headings or (b - a) <= 2 or _whole_name(doc[a:b], ontology):
                for part in split_name(doc[a:b]):  # "K4T. The Commission": two names
                    spans.append((trim_span(part), "PAREN" if paren else "PROPN"))
            run = []
        i += 1
    # a run of proper nouns that extends a non-person name is the fuller name: "CMA CGM"
    # where the model saw only "CGM"
    named = [(n.start, n.end, nl) for n, nl in spans if nl not in ("PROPN", "PAREN")]
    extending = ("ORG", "GAZ", "FAC", "GPE", "LOC", "PERSON")
    in_office = {i for n, nl in spans if nl == "OFFICE" for i in range(n.start, n.end)}
    for k, (sp, lab) in enumerate(spans):
        if lab != "PROPN":
            continue
        a, b = sp.start, sp.end
        if any(i in in_office for i in range(a, b)):
            continue  # "U.S. Secretary | of Energy | Samuel W. Bodman": an office's words extend no name
        if any(a <= ns and ne <= b and ne - ns < b - a and nl in extending for ns, ne, nl in named) \
                and not any(ns < b and a < ne and nl == "PERSON" and
                            all(t.lower_ in ontology.title_words for t in sp if not (ns <= t.i < ne))
                            for ns, ne, nl in named):
            spans[k] = (sp, "PAREN")
    spans = join_and_tails(split_case_titles(spans), english)
    # longest first; a token belongs to one name; a run of proper nouns only fills the gaps
    # the gazetteer and the NER left
    spans = [(s, lab) for s, lab in spans if len(s) and s.text.strip()]
    spans.sort(key=lambda x: (x[1] == "PROPN", -(x[0].end - x[0].start), SOURCE_RANK.get(x[1], 5), x[0].start))
    taken = [False] * len(doc)
    chosen: list[tuple[Span, set[str]]] = []
    for s, lab in spans:
        if lab == "PROPN" and any(taken[s.start:s.end]):
            free = [i for i in range(s.start, s.end) if not taken[i]]
            if not free:
                continue
            # the longest free stretch
            best, cur = [], []
            for i in free:
                cur = cur + [i] if cur and cur[-1] == i - 1 else [i]
                best = cur if len(cur) > len(best) else best
            s = trim_span(doc[best[0]:best[-1] + 1])
            if not len(s):
                continue
        if any(taken[s.start:s.end]):
            for c_span, labs in chosen:
                if (c_span.start, c_span.end) == (s.start, s.end):
                    labs.add(lab)
            continue
        for i in range(s.start, s.end):
            taken[i] = True
        chosen.append((s, {lab}))
    chosen.sort(key=lambda x: x[0].start)

    # 2. extend names over a following facility noun: "Liège airport", "Felixstowe container terminal"
    extended = []
    for s, labs in chosen:
        j = s.end
        while j < len(doc) and not taken[j] and (doc[j].pos_ in ("NOUN", "PROPN") and doc[j].dep_ == "compound"
                                                 or doc[j].pos_ == "ADJ" and doc[j].dep_ == "amod"):
            j += 1
        # "the Welsh factory" is a description; "the Dounreay site" (no English adjective) a name
        indefinite = s.start > 0 and doc[s.start - 1].lower_ in ("a", "an") or "NORP" in labs \
            or all(t.pos_ == "ADJ" and t.lower_ in english for t in s) \
            or normalise_name(s.text) in ontology.not_names or normalise_name(s.text) in gazetteer.demonyms
        if not indefinite and j < len(doc) and doc[j].pos_ in ("NOUN", "PROPN") and not taken[j] and \
                s.root.head.i <= j and is_facility(noun_type(doc[j], ontology) or "", ontology) \
                and (s.root.dep_ == "compound" or s.root.head.i == j):
            for i in range(s.end, j + 1):
                taken[i] = True
            s = doc[s.start:j + 1]
            labs = labs | {"FACNAME"}
        extended.append((s, labs))

    return _join_routes(extended, ontology), gaz_named


def _join_routes(spans: list, ontology: Ontology) -> list:
    """ "the Dampier to Bunbury Natural Gas Pipeline": a route's two ends named before its
    facility noun are one name, not a place and a pipeline ("from A to B" is no name)."""
    out = []
    for s, labs in spans:
        if out:
            prev, plabs = out[-1]
            doc = s.doc
            if s.start == prev.end + 1 and doc[prev.end].lower_ == "to" and prev.start > 0 \
                    and doc[prev.start - 1].lower_ == "the" and all(t.pos_ == "PROPN" for t in prev) \
                    and is_facility(noun_type(s[-1], ontology) or "", ontology):
                out[-1] = (doc[prev.start:s.end], plabs | labs)
                continue
        out.append((s, labs))
    return out


def _acronym(tok: Token) -> bool:
    """A word in capitals the tagger took for a common word ("COSCO Shipping", "CRRC
    Qingdao", "VSSE is monitoring"): a name all the same."""
    return len(tok) >= 3 and tok.is_alpha and tok.is_upper and not tok.is_stop


def _name_number(tok: Token, last: Token) -> bool:
    """A number of one or two digits that belongs to the name before it ("Sakhalin 2
    venture", "Pegasus 88 Limited"): it counts nothing, only numbers the name."""
    return tok.is_digit and len(tok) <= 2 and tok.dep_ == "nummod" and tok.head.i == last.i \
        and tok.ent_type_ not in _NOT_NUMBER_ENTS


_NOT_NUMBER_ENTS = NOT_NAME_ENTS - {"CARDINAL"}  # a date, an amount, a share...


def _number_word_name(tok: Token, headings: set[int]) -> bool:
    """A number word written with a capital where a count would not have one: inside a
    sentence before a name ("33% of the shares in Seven West Media", "First Quantum
    Minerals"), or as a name's short form in parentheses, "Seven Group Holdings (Seven)", and
    then wherever the text uses it ("Seven owns 25.3% of ...")."""
    text = tok.text
    if not (tok.is_alpha and tok.like_num and text[0].isupper() and not text.isupper()) \
            or tok.sent.start in headings:
        return False
    doc, i = tok.doc, tok.i
    nxt = doc[i + 1] if i + 1 < len(doc) else None
    if i > 0 and doc[i - 1].text == "(" and nxt is not None and nxt.text == ")":
        return True
    if i != tok.sent.start and nxt is not None and nxt.pos_ == "PROPN" and nxt.text[:1].isupper() \
            and nxt.ent_type_ not in NOT_NAME_ENTS:
        return True
    return f"({text})" in doc.text


#: parts of speech of words that are no name even when capitalised ("During", "Having")
FUNCTION_POS = frozenset({"DET", "ADP", "SCONJ", "CCONJ", "AUX", "PART", "INTJ", "NUM", "PUNCT", "SYM"})


#: the endings of the names of peoples, which the lemmatizer's lexicon lacks ("Chadian", "Iraqi", "Somalis")
DEMONYM_ENDING = re.compile(r"(?:an|ese|ish|i|ic|ch)s?$")


def _unknown_word(tok: Token, words: frozenset[str]) -> bool:
    """A word that is neither English (nor an English plural) nor shaped like a people's name."""
    low = tok.lower_
    return tok.is_alpha and low not in words and low.removesuffix("s") not in words \
        and not DEMONYM_ENDING.search(low)


def _unknown_name(tok: Token, words: frozenset[str], headings: set[int]) -> bool:
    """A word the tagger took for a common word that English does not know, written as a
    name: capitalised inside a sentence that is not a heading ("include Geely, which owns
    Volvo"), or in camel case ("easyJet")."""
    text = tok.text
    if text.islower() or len(text) < 3 or not tok.is_alpha or tok.is_stop or tok.pos_ in FUNCTION_POS \
            or tok.lower_ in words or tok.lemma_.lower() in words:
        return False
    if text[:-1].isupper() and text.endswith("s"):
        return False  # "OTAs": a plural abbreviation
    if any(c.isupper() for c in text[1:]) and not tok.is_upper:
        return True  # camel case or a blend, wherever it stands: "easyJet", "SOCCo", "PetroChina"
    return text[0].isupper() and not tok.is_upper and tok.i != tok.sent.start and tok.sent.start not in headings


def _acronym_of(inner: Span, run: list[Token]) -> bool:
    """ "Alliance for Sustainable Energy (ASE) LLC": the parenthesis holds the short form of the
    name before it, which ends there (the legal form after it is dropped; the short form then
    names it wherever the text uses it)."""
    letters = "".join(t.text[0] for t in run if t.text[:1].isupper())
    return len(inner) == 1 and inner[0].text.isupper() and len(inner[0].text) >= 2 \
        and inner[0].text.replace("&", "") == letters.replace("&", "")


def _particle_stretch(tok: Token, particles: frozenset[str], english: frozenset[str]) -> int | None:
    """The index of the proper noun that a stretch of lower-case words opened by a name
    particle leads to, inside one name of another language: "Caisse | de dépôt et placement
    du | Québec", "Aeropuertos Españoles | y | Navegación Aérea". The stretch holds particles
    and words English does not know ("dépôt") and no more than five words; English words
    other than particles only beside one it does not know ("placement")."""
    doc = tok.doc
    foreign = False
    for j in range(tok.i, min(tok.i + 6, len(doc))):
        t = doc[j]
        if t.pos_ == "PROPN" and t.text[:1].isupper() and t.ent_type_ not in NOT_NAME_ENTS:
            return j if j > tok.i and (foreign or all(x.lower_ in particles for x in doc[tok.i:j])) else None
        if not (t.is_alpha and t.is_lower):
            return None
        foreign = foreign or (t.lower_ not in particles and t.lower_ not in english)
    return None


def _defined_short_form(tok: Token) -> bool:
    """A capitalised word quoted in parentheses after a name, as notices define short forms
    ("Asterion Industrial Partners SGEIC, S.A. (‘Asterion’, Spain)"), in a heading-like list
    line too, whatever the tagger took it for."""
    doc, i = tok.doc, tok.i
    if tok.text[:-1].isupper() and tok.text.endswith("s"):
        return False  # "(“OTAs”)": a plural abbreviation of common words
    return tok.text[:1].isupper() and not tok.is_punct and 2 <= i < len(doc) - 1 and doc[i - 2].text == "(" \
        and quote_mark(doc[i - 1]) and quote_mark(doc[i + 1])


def _whole_name(span: Span, ontology: Ontology) -> bool:
    """In a line written as a heading, a span is a name all the same when it ends in a legal
    form or company word ("Halvard Orbital Systems Corporation" in the list line "Halvard
    Orbital Systems Corporation of Kent, Washington, for $130 million") or is the whole line
    in capitalised words alone ("Nuclear Transport Solutions"; not "Vendral Ltd Becomes a
    Subsidiary of the Agency")."""
    # the last word, or the word before "of" ("... Systems Corporation of Dulles": with its town)
    ends = [span[-1].text, *(span.doc[t.i - 1].text for t in span if t.lower_ == "of" and t.i > span.start)]
    if any(is_legal_form(last) or normalise_name(last) in ontology.company_suffixes for last in ends):
        return True
    return all(t.text[0].isupper() for t in span if t.is_alpha) and \
        all(not t.is_alpha for t in span.sent if not (span.start <= t.i < span.end))
