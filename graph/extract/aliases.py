"""Grouping names into entities within one article: short forms ("Cosco" for "Cosco
Shipping", "the Commission", "Rio" for "Rio Tinto"), legal forms (rigour), initials and
acronyms, "X, known as Y", "X (Y)" and appositions."""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from ..model import acronyms, normalise_name, variant_keys, without_legal_form
from .typer import country_names, noun_type

def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w[0].isalpha()).casefold()



def _extends(longer: str, n: int, suffixes: frozenset[str], facility_words: frozenset[str],
             legal_form: bool = False) -> bool:
    """True when the words of ``longer`` after its first ``n`` only add a company suffix
    ("Cosco Shipping") or a lowercase facility noun ("Sizewell C nuclear plant"), not a
    capitalised name part ("Piraeus Container Terminal"); with ``legal_form``, or suffixes and
    a legal form of rigour's ("Flinders Ports Holdings Pty Ltd": a short form named after its full
    name, not a full name after a short one, "Tesoro Logistics L.P." after "Tesoro")."""
    # each normalised word with the word of the text it comes from ("Frankfurt-Hahn" gives two)
    pieces = [(w, raw) for raw in longer.split() for w in normalise_name(raw).split()]
    bare = without_legal_form(longer).split()
    if legal_form and len(bare) < len(pieces) and all(w in suffixes for w in bare[n:]):
        return True  # "Flinders Ports" for "Flinders Ports Holdings Pty Ltd" (rigour's legal forms)
    for w, raw in pieces[n:]:
        if w in suffixes:
            continue
        if w in facility_words and raw.islower() and n >= 2:
            continue
        return False
    return True




_BLEND_SKIP = frozenset({"of", "the", "and", "de", "del", "la", "y", "et", "und"})


def _blend(short: str, name: str) -> bool:
    """``short`` is made of the opening letters of two or more of the words of ``name``, in
    order, from its first word on, with a plural "s" allowed at the end: "Zimplats" for
    "Zimbabwe Platinum Holdings", "Fermilab" for "Fermi National Accelerator Laboratory",
    "Caltech" for "California Institute of Technology".

    >>> _blend("Zimplats", "Zimbabwe Platinum Holdings"), _blend("Caltech", "California Institute of Technology")
    (True, True)
    >>> _blend("Zimbabwe", "Zimbabwe Platinum Holdings"), _blend("Plato", "Platinum Holdings")
    (False, False)
    """
    s = normalise_name(short).replace(" ", "")
    words = [w for w in normalise_name(name).split() if w not in _BLEND_SKIP and w.isalpha()]

    def fits(i: int, j: int, used: int) -> bool:
        if i == len(s) or (i == len(s) - 1 and s[i] == "s"):
            return used >= 2
        for k in range(j, len(words) if used else min(1, len(words))):
            w = words[k]
            for n in range(min(len(w), len(s) - i), 1, -1):
                if s[i:i + n] == w[:n] and fits(i + n, k + 1, used + 1):
                    return True
        return False

    return len(s) >= 4 and len(words) >= 2 and fits(0, 0, 0)


def _hyphen_head(name: str, word: str, suffixes: frozenset[str]) -> bool:
    """``word`` opens the hyphenated first word of a company's name that holds nothing more
    than company suffixes ("Parker" of "Parker-Hannifin", "Abitibi" of "Abitibi-Consolidated
    Inc."; not "Frankfurt" of "Frankfurt-Hahn airport").

    >>> _hyphen_head("Abitibi-Consolidated Inc.", "abitibi", frozenset({"inc"}))
    True
    >>> _hyphen_head("Frankfurt-Hahn airport", "frankfurt", frozenset({"inc"}))
    False
    """
    first, *rest = name.split()
    parts = first.split("-")
    return len(parts) > 1 and normalise_name(parts[0]) == word \
        and all(w in suffixes for r in rest for w in normalise_name(r).split())


def match_earlier(norm: str, text: str, clusters: list[dict], suffixes: frozenset[str],
                   facility_words: frozenset[str], head_words: frozenset[str] = frozenset(),
                   state_prefixes: frozenset[str] = frozenset(), facility_short=None) -> dict | None:
    """A short form of an earlier name: "Cosco" for "Cosco Shipping", "CGN" for its initials.

    A longer name extends a shorter one only by company suffixes ("Shipping", "Group"):
    "Huawei Cyber Security Evaluation Centre" is not Huawei. ``facility_short`` gives a
    facility name's bare short form ("los alamos" for "los alamos national laboratory").
    """
    words = norm.split()
    country = norm in country_names()  # no short form of "Angola LNG"
    bare = without_legal_form(text)
    if len(words) == 1 and words[0] in head_words and not text.isupper():
        # "the Department" for the one "U.S. Department of Energy" of the article
        w = words[0]
        heads = [c for c in clusters if any(
            len(nw) >= 2 and (nw[-1] == w or any(a == w and b == "of" for a, b in zip(nw, nw[1:])))
            for nw in (normalise_name(m).split() for m in c["names"]))]
        if len(heads) == 1:
            return heads[0]
    variants = variant_keys(norm) | ({norm.replace(" ", "")} if len(words) >= 2 else set())
    for c in reversed(clusters):
        for name in c["names"]:
            n = normalise_name(name)
            nw = n.split()
            if variants & (variant_keys(n) | {n.replace(" ", "")}):
                return c  # "Zambia" and "Republic of Zambia", "U.A.E." and "UAE", "Exxon Mobil" and "ExxonMobil"
            name_bare = without_legal_form(name)  # normalised
            if bare == name_bare and len(bare) > 2:
                return c  # "Qualcomm" and "Qualcomm Incorporated"
            if text.isupper() and 2 <= len(text) <= 6 and len(nw) >= 2 \
                    and text.replace(".", "").casefold() in acronyms(name):
                return c  # "DHS" for "Department of Homeland Security"
            if len(words) == 1 and len(nw) >= 2 and not text.isupper() and not country and _blend(text, name):
                return c  # "Zimplats" for "Zimbabwe Platinum Holdings"
            if len(words) == 1 and len(nw) >= 2 and nw[-1] == words[0] and words[0] in head_words \
                    and not text.isupper():
                return c  # "the Commission" for the "European Commission" named before
            if len(words) == 1 and len(nw) >= 2 and nw[0] == words[0] and len(words[0]) > 2 \
                    and (normalise_name(name.split()[0]) == words[0]
                         or _hyphen_head(name, words[0], suffixes)
                         and not any(w in facility_words for m in c["names"] for w in normalise_name(m).split())) \
                    and words[0] not in head_words and words[0] not in state_prefixes and not country \
                    and sum(1 for k in clusters for m in k["names"]
                            if normalise_name(m).split()[:1] == words and len(normalise_name(m).split()) > 1) \
                    == sum(1 for m in c["names"] if normalise_name(m).split()[:1] == words
                           and len(normalise_name(m).split()) > 1):
                return c  # "Rio" for "Rio Tinto", "Parker" for "Parker-Hannifin", when no other name opens so
            if len(words) >= 2 and len(nw) > len(words) and nw[-len(words):] == words \
                    and " ".join(nw[:-len(words)]) in state_prefixes:
                return c  # "Department of Energy" for the "U.S. Department of Energy"
            if len(nw) >= 2 and len(words) > len(nw) and words[-len(nw):] == nw \
                    and " ".join(words[:-len(nw)]) in state_prefixes:
                return c
            if 2 <= len(words) < len(nw) - 1 and nw[:len(words)] == words and nw[len(words)] in ("for", "of") \
                    and not country:
                return c  # "Secretary of State" for the "Secretary of State for Business, ..." named before
            nb = name_bare.split() or nw  # the name without its legal form
            if 2 <= len(words) < len(nb) and nb[-len(words):] == words and not country \
                    and all(w.isalpha() and len(w) > 1 for w in words) \
                    and words[-1] not in head_words and words[-1] not in facility_words \
                    and words[-1] not in suffixes and " ".join(nb[:-len(words)]) not in state_prefixes:
                # "Dutch Shell" for "Royal Dutch Shell"; "Luqing Petrochemical" for "Shandong Shouguang
                # Luqing Petrochemical Co., Ltd."
                return c
            if len(words) >= 2 and len(nw) >= 2 and words[0] == nw[0] and _same_noun(words[-1], nw[-1]) \
                    and (set(words[:-1]) <= set(nw[:-1]) or set(nw[:-1]) <= set(words[:-1])):
                return c  # "Liège airport" and "Liège cargo airport"; "the X field" and "the X oil fields"
            if len(words) < len(nw) and nw[: len(words)] == words and (len(words[0]) > 2 or len(words) > 1) \
                    and _extends(name, len(words), suffixes, facility_words, legal_form=True) and not country:
                return c  # "Cosco" for "Cosco Shipping"; "MP Materials" for "MP Materials Corp."
            if len(words) > len(nw) and words[: len(nw)] == nw and (len(nw[0]) > 2 or len(nw) > 1) \
                    and _extends(text, len(nw), suffixes, facility_words) and not _a_state(c):
                return c  # "Cosco Shipping" for "Cosco"; not "Angola LNG" for Angola
            if text.isupper() and 2 <= len(text) <= 6 and len(nw) >= 2 and \
                    _initials(name).startswith(text.casefold()):
                return c
            if len(words) == 1 and len(nw) >= 2 and nw[-1] == words[0] \
                    and any("PERSON" in labels for labels in c.get("labels", ())):
                return c  # "Deripaska" for "Oleg Deripaska"
            if facility_short is not None and not country and len(nw) > len(words) and facility_short(n) == norm:
                # "Los Alamos" after "Los Alamos National Laboratory" (not a full facility name
                # after a bare one: "Piraeus" may already name the port authority)
                return c
    return None



def _same_noun(a: str, b: str) -> bool:
    """The same word, or its plural: "field" and "fields"."""
    return a == b or a + "s" == b or b + "s" == a


def _a_state(c: dict) -> bool:
    """The cluster names a state: a gazetteer state or a country (pycountry)."""
    if c["gaz"] is not None:
        return str(c["gaz"].type).endswith("#State")
    return any(normalise_name(n) in country_names() for n in c["names"])


def merge_aliases(doc: Doc, clusters: list[dict], ms) -> None:
    span_cluster = {}
    for c in clusters:
        for s in c["spans"]:
            for i in range(s.start, s.end):
                span_cluster[i] = c
    for c in clusters:
        for s in c["spans"]:
            noun = title_noun(s, ms.ontology)
            if noun is not None:
                c.setdefault("described_as", []).append(noun)
            # "Hinkley Point C, the plant ...", "Nexperia, a Dutch chipmaker": a description
            # after a comma describes the name even when the parser attaches it elsewhere
            if s.end + 2 < len(doc) and doc[s.end].text == "," and doc[s.end + 1].lower_ in ("the", "a", "an"):
                for t in doc[s.end + 2: min(s.end + 6, len(doc))]:
                    if t.dep_ == "appos" and not (s.start <= t.head.i < s.end) and t.head.i in span_cluster:
                        break  # the parser put it in apposition to another name
                    if t.pos_ == "NOUN" and noun_type(t, ms.ontology):
                        t = _members_noun(t)  # "Glider Field, a group of four subsea wells"
                        if t is not None and noun_type(t, ms.ontology):
                            c.setdefault("described_as", []).append(t)
                        break
                    if t.pos_ not in ("ADJ", "NOUN", "PROPN", "NUM", "PUNCT") or t.text == ",":
                        break
    for tok in doc:
        # "<description>, known as VSSE": the description names the same entity
        if tok.lower_ == "known" and tok.dep_ in ("acl", "relcl", "advcl"):
            as_ = [c for c in tok.children if c.lower_ in ("as",)]
            if not as_ or _renamed_in_parentheses(tok, as_[0]):
                continue  # "(formerly known as X)" names what comes before it: join_parenthesised
            objs = [c for c in as_[0].children if c.dep_ == "pobj"]
            if not objs or objs[0].i not in span_cluster:
                continue
            target = span_cluster[objs[0].i]
            head = tok.head
            if head.i in span_cluster and span_cluster[head.i] is not target:
                join_clusters(span_cluster[head.i], target, clusters, span_cluster)
            elif head.pos_ == "NOUN":
                desc = _description_span(head)
                target.setdefault("aliases", []).append(re.sub(r"\s+", " ", desc.text).strip())
                target.setdefault("alias_spans", []).append(desc)
                target.setdefault("described_as", []).append(head)
        # "National Cyber Security Centre (NCSC)" and "the Swedish Security Service, Säpo"
        if tok.dep_ == "appos" and tok.i in span_cluster and tok.head.i in span_cluster:
            a, b = span_cluster[tok.i], span_cluster[tok.head.i]
            if a is not b and _alias_like(a, b):
                join_clusters(b, a, clusters, span_cluster)
        if tok.dep_ == "appos" and tok.head.i in span_cluster and tok.pos_ == "NOUN" \
                and (described := _members_noun(tok)) is not None:
            span_cluster[tok.head.i].setdefault("described_as", []).append(described)
        # "Alghero is a regional airport in Sardinia": the subject of "is a <noun>" is one
        if tok.dep_ == "attr" and tok.pos_ == "NOUN" and tok.head.lemma_ == "be" and tok.i not in span_cluster \
                and not any(c.dep_ == "neg" for c in tok.head.children):
            subj = next((c for c in tok.head.children if c.dep_ == "nsubj"), None)
            if subj is not None and subj.i in span_cluster:
                span_cluster[subj.i].setdefault("described_as", []).append(tok)
        if tok.dep_ == "appos" and tok.i in span_cluster and tok.head.pos_ == "NOUN" \
                and tok.head.i not in span_cluster:
            span_cluster[tok.i].setdefault("described_as", []).append(tok.head)
        # "airports including London Luton International and Belfast International", "companies
        # such as X": the names are instances of the noun they exemplify
        if example_prep(tok):
            kind = exemplified(tok.head)
            if kind is not None:
                for obj in tok.children:
                    if obj.dep_ != "pobj":
                        continue
                    for member in [obj, *(c for c in obj.subtree if c.dep_ == "conj" and c.head.i != c.i)]:
                        if member.i in span_cluster:
                            span_cluster[member.i].setdefault("described_as", []).append(kind)


#: nouns of a collection, which describe a thing by its members: "a group of four subsea wells"
COLLECTION_NOUNS = frozenset({"group", "set", "collection", "cluster", "pair", "string", "network"})


def _members_noun(noun: Token) -> Token | None:
    """What a describing noun says a thing is: the noun itself, or for a collection of a
    plural noun ("a group of four subsea wells") its members' noun; None for a collection of
    something else ("a group of investors" is a company, "a group of them" says nothing)."""
    if noun.lemma_.lower() not in COLLECTION_NOUNS:
        return noun
    of = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    if of is None:
        return noun
    members = next((c for c in of.children if c.dep_ == "pobj"), None)
    if members is None or members.tag_ != "NNS":
        return None
    return members


def example_prep(tok: Token) -> bool:
    """The preposition that introduces examples of the noun it hangs from: "including",
    "like", "such as"."""
    return tok.dep_ == "prep" and (tok.lower_ in ("including", "like") or
                                   tok.lower_ == "as" and any(c.lower_ == "such" for c in tok.children))


def exemplified(noun: Token) -> Token | None:
    """The plural noun a list of examples belongs to: "airports" in "airports including ...",
    also through a quantity ("a number of airports including ...")."""
    if noun.pos_ != "NOUN":
        return None
    if noun.lower_ in QUANTITY_NOUNS:
        of = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        obj = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
        return obj if obj is not None and obj.pos_ == "NOUN" else None
    return noun


# the words of "(formerly known as X)", "(also known as X)", "(now X)"
RENAMED = frozenset({"formerly", "previously", "also", "now", "known", "as", "a.k.a.", "aka"})


def _past_renaming(doc: Doc, i: int) -> int:
    """The index after the renaming words ("formerly known as") that start at ``i``."""
    while i < len(doc) and doc[i].lower_ in RENAMED:
        i += 1
    return i


def _renamed_in_parentheses(known: Token, as_: Token) -> bool:
    """ "(formerly known as X)": only renaming words from the parenthesis to "as"."""
    doc, i = known.doc, known.i
    while i > 0 and doc[i - 1].lower_ in RENAMED:
        i -= 1
    return i > 0 and doc[i - 1].text == "(" and _past_renaming(doc, i) > as_.i


def quote_mark(tok: Token) -> bool:
    """A quotation mark, straight or curly (spaCy's ``is_quote`` misses the curly single ones)."""
    return tok.is_quote or tok.text in ("‘", "’", "“", "”")


def title_noun(span: Span, ontology) -> Token | None:
    """A type noun written right before a name, as a title: "Swiss company Transocean",
    "the Spanish energy regulator CNE" (the parser may attach it either way)."""
    if span.start == 0:
        return None
    t = span.doc[span.start - 1]
    if t.pos_ != "NOUN" or t.tag_ == "NNS" or not (t.head.i in range(span.start, span.end) or t.dep_ == span.root.dep_):
        return None
    return t if noun_type(t, ontology) else None


def _description_span(head: Token) -> Span:
    toks = [t for t in head.subtree if t.dep_ not in ("acl", "relcl", "punct", "appos")
            and not any(a.dep_ in ("acl", "relcl", "appos") and a.head == head for a in t.ancestors
                        if a.i != head.i and a in head.subtree)]
    toks = [t for t in toks if t.i >= head.left_edge.i]
    start = min(t.i for t in toks)
    end = max(t.i for t in toks) + 1
    # stop before a comma
    for t in head.doc[head.i:end]:
        if t.is_punct:
            end = t.i
            break
    return trim_span(head.doc[start:end])



def _alias_like(a: dict, b: dict) -> bool:
    """Two names in apposition are one entity when one is an acronym or both are agencies."""
    for x in a["names"]:
        for y in b["names"]:
            if x.isupper() and _initials(y).startswith(x.casefold()[:2]):
                return True
            if y.isupper() and _initials(x).startswith(y.casefold()[:2]):
                return True
    return bool(a["gaz"] and b["gaz"] and a["gaz"] is b["gaz"])



def join_clusters(keep: dict, other: dict, clusters: list[dict], span_cluster: dict) -> None:
    """Make ``other`` part of ``keep`` (the gazetteer's cluster is kept), in ``span_cluster`` too."""
    if keep is other:
        return
    if keep["gaz"] is None and other["gaz"] is not None:
        keep, other = other, keep
    for k in ("names", "spans", "labels", "aliases", "alias_spans", "described_as"):
        keep.setdefault(k, []).extend(other.get(k, []))
    clusters.remove(other)
    for s in other["spans"]:
        for i in range(s.start, s.end):
            span_cluster[i] = keep



def preferred_name(names: list[str], *, generic: frozenset[str] = frozenset()) -> str:
    """The most used name that is not all capitals (the fuller one on a tie), else the first.

    A bare ``generic`` word ("Department", "Commission") is never preferred to a full name,
    nor a name to the same name continued by "for" or "of" ("Secretary of State").
    """
    named = [n for n in names if normalise_name(n) not in generic] or names
    norm = {n: normalise_name(n) for n in named}
    # "Secretary of State" is short for the "Secretary of State for Business, ..." of the cluster
    named = [n for n in named if not any(m.startswith((norm[n] + " for ", norm[n] + " of ")) for m in norm.values())] \
        or named
    mixed = [n for n in named if not n.isupper()]
    pool = mixed or named
    return max(pool, key=lambda n: (pool.count(n), len(n.split()), -pool.index(n)))


#: nouns of quantity a list of examples passes through: "a number of airports including ..."
QUANTITY_NOUNS = frozenset({"number", "range", "series", "variety", "host", "handful", "couple", "dozen", "list"})
#: words no name ends with ("University of Illinois at", a name cut short)
_NO_LAST_WORD = frozenset({"of", "at", "and", "for", "the", "a", "an", "to", "in", "by", "with", "on"})
#: sentence adverbs and conjunctions the tagger may read into a name that follows them
#: ("Today Ofgem announced", "Whereas Air Canada and Transat gave notice")
_NO_FIRST_WORD = frozenset({"today", "yesterday", "tonight", "whereas", "meanwhile", "however", "moreover",
                            "furthermore", "separately", "subsequently", "thereafter", "additionally",
                            "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
                            # a party's role in a filing or order, capitalised as a defined term
                            # ("Applicant Soo Line Corp. is", "the Purchasers and Lattice")
                            "applicant", "applicants", "petitioner", "petitioners", "respondent",
                            "respondents", "licensee", "purchaser", "purchasers", "transferee",
                            "transferor", "complainant", "defendant", "plaintiff", "appellant"})


def trim_span(span: Span) -> Span:
    """Drop leading determiners, sentence adverbs and list numbers, and trailing possessive
    markers, punctuation and words no name ends with."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].lower_ in ("the", "a", "an") or doc[start].is_punct
                           or (doc[start].lower_ in _NO_FIRST_WORD and end - start > 1)
                           or (doc[start].lower_ in ("and", "or") and start > span.start)
                           or (doc[start].like_num and start + 1 < end and doc[start + 1].text == ")")
                           or re.fullmatch(r"\(?\d{1,2}\)", doc[start].text)):
        start += 1  # "(8) Cooper": a list's number is no part of the name
    while end > start and (doc[end - 1].tag_ == "POS" or doc[end - 1].is_punct or doc[end - 1].is_space
                           or doc[end - 1].text in _NO_LAST_WORD):
        end -= 1
    return doc[start:end]
