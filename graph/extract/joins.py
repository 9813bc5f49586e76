"""Joins of an article's name clusters after they are grouped: a short form defined in
parentheses, a bare head word ("the Commission"), a bare government, a short form used before
its full name, "X of <state>"; each makes one entity of two names."""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from ..model import acronyms, is_legal_form, normalise_name, without_legal_form
from .aliases import _a_state, _past_renaming, join_clusters as _join, quote_mark
from .typer import country_names, postal_codes


def join_parenthesised(doc: Doc, clusters: list[dict]) -> None:
    """ "Parrish & Heimbecker's (P&H)", "Terminal Catalunya ('TERCAT')": a shorter name in
    parentheses right after a name defines it, wherever else in the text it comes first (a
    title or a lead often uses the short form before the definition)."""
    span_cluster: dict[int, tuple[dict, Span]] = {}
    for c in clusters:
        for s in c["spans"]:
            for i in range(s.start, s.end):
                span_cluster[i] = (c, s)
    for c in list(clusters):
        for s in list(c["spans"]):
            j = s.end
            if j < len(doc) and doc[j].tag_ == "POS":
                j += 1  # "Parrish & Heimbecker's (P&H) acquisition"
            if j >= len(doc) or doc[j].text != "(":
                continue
            j += 1
            opened, j = j, _past_renaming(doc, j)
            # "(formerly known as CCS Corporation)": the text says it is another name, longer or not
            said = j > opened and doc[j - 1].lower_ in ("as", "a.k.a.", "aka")
            while j < len(doc) and (quote_mark(doc[j])
                                    or doc[j].lower_ == "the" and j + 1 < len(doc) and doc[j + 1].text[:1].isupper()):
                j += 1  # "(the Company)", "(‘the Company’)": a defined term
            hit = span_cluster.get(j)
            if hit is None or hit[1].start != j:
                continue
            other, alias = hit
            k = alias.end
            while k < len(doc) and quote_mark(doc[k]):
                k += 1
            if k < len(doc) and doc[k].text == "," and j > opened and len(s) > 1:
                # "(‘Asterion’, Spain)": merger notices give the short form with the home state
                close = next((t.i for t in doc[k + 1:k + 6] if t.text == ")"), None)
                if close is not None and close > k + 1 and all(t.text[:1].isupper() for t in doc[k + 1:close]):
                    k = close
            if other is c or other not in clusters or c not in clusters or k >= len(doc) or doc[k].text != ")" \
                    or (len(alias.text) >= len(s.text) and not said):
                continue
            if _a_state(other) and not _a_state(c):
                continue  # "Global Infrastructure Partners (USA)": where it is, not another name
            named = _named_earlier(alias, s, clusters)
            if named is not None and named is not c:
                # "ByteDance Ltd., a company incorporated under the laws of the Cayman Islands
                # (``ByteDance'')": the short form names the name it shortens, not the last one
                c = named
            _join(c, other, clusters, {})


def _named_earlier(alias: Span, before: Span, clusters: list[dict]) -> dict | None:
    """The cluster of a name of the sentence, up to ``before``, that ``alias`` is without its
    legal form ("ByteDance" for "ByteDance Ltd."), or whose initials it is ("the Barcelona
    Europe South Terminal in Barcelona, Spain (‘BEST’)")."""
    bare = without_legal_form(alias.text)
    if len(bare) <= 2:
        return None
    letters = alias.text.casefold() if alias.text.isupper() and alias.text.isalpha() else None
    sent_start = before.sent.start
    for c in clusters:
        for s in c["spans"]:
            if sent_start <= s.start <= before.start and s.text != alias.text \
                    and (without_legal_form(s.text) == bare or letters and len(s) >= 3
                         and letters in acronyms(s.text)):
                return c
    return None


def join_bare_heads(clusters: list[dict], head_words: frozenset[str], short_names=None,
                    named: frozenset[str] = frozenset()) -> None:
    """A name that is only a head word ("the Commission") joins the one fuller name of the
    article it heads ("European Commission", or a gazetteer entity's other name: "the
    Committee" for CFIUS), wherever that comes in the text: a title or a first paragraph
    often uses the short form before the full one. With no fuller name, it is the gazetteer
    entity with that short name whose jurisdiction the article names (``short_names``: head
    word -> entries; ``named``: the IRIs of gazetteer entities the text names anywhere, or its
    source line names as the publisher), when just one is: "the Commission" of a text about
    the EU, or of the Commission's own release."""
    for c in list(clusters):
        if c["gaz"] is not None:
            continue
        bare = {normalise_name(n) for n in c["names"]}
        if len(bare) != 1:
            continue
        word = next(iter(bare))
        if " " in word or word not in head_words and not (short_names and word in short_names):
            continue  # a head word, or a gazetteer entity's short name ("the Crown" for its state)
        heads = []
        for other in clusters:
            if other is c:
                continue
            gaz = other["gaz"]
            for n in [*other["names"], *((gaz.label, *gaz.alt_labels) if gaz is not None else ())]:
                words = normalise_name(n).split()
                if len(words) > 1 and (words[-1] == word or (word in words[:-1] and
                                                              words[words.index(word) + 1] in ("of", "on", "for"))):
                    heads.append(other)
                    break
        if len(heads) == 1:
            _join(heads[0], c, clusters, {})
        elif not heads and short_names:
            known = [e for e in short_names.get(word, ()) if str(e.iri) in named] or \
                [e for e in short_names.get(word, ()) if str(e.jurisdiction) in named]  # the publisher first
            if len(known) == 1:
                same = next((o for o in clusters if o is not c and o["gaz"] is known[0]), None)
                if same is not None:
                    _join(same, c, clusters, {})  # "the Crown" of a text that names Canada
                else:
                    c["gaz"] = known[0]


#: words that may come before a government noun in a bare reference to a state's government
GOVERNMENT_ADJECTIVES = frozenset({"federal", "national", "central"})


def join_bare_government(clusters: list[dict], government_nouns, is_state) -> None:
    """ "the Government", "the Federal Government", "the Administration" of a text that names
    one state (``is_state(normalised name)`` for one of its names): that state. Runs after
    :func:`join_bare_heads`, so "the Administration" of a text that names the National
    Nuclear Security Administration has joined that already."""
    states = [c for c in clusters if any(is_state(normalise_name(n)) for n in
                                         [*c["names"], *([c["gaz"].label] if c["gaz"] is not None else [])])]
    if len(states) != 1:
        return
    for c in list(clusters):
        if c is states[0] or c["gaz"] is not None:
            continue
        norms = {normalise_name(n) for n in c["names"]}
        if norms and all(n.split() and n.split()[-1] in government_nouns
                         and set(n.split()[:-1]) <= GOVERNMENT_ADJECTIVES for n in norms):
            _join(states[0], c, clusters, {})


def join_short_before_full(clusters: list[dict], facility_short, head_words: frozenset[str],
                           state_prefixes: frozenset[str]) -> None:
    """A name used before the one facility whose full name it shortens ("Hanford" in a
    headline, "Hanford Site" in the text; ``facility_short`` gives a facility name's bare
    short form, as for ``match_earlier``, which joins such short forms after the full name),
    or the initials of the one name of three words or more it abbreviates ("FCPP", "Four
    Corners Power Plant"; "MSHA", "Mine Safety and Health Administration"): the same entity.
    A state or province, a head word ("Commission") or a state prefix never joins."""
    for c in list(clusters):
        if c["gaz"] is not None or c not in clusters:
            continue
        bare = {normalise_name(n) for n in c["names"]}
        if len(bare) != 1:
            continue
        short = next(iter(bare))
        if len(short) <= 2 or short in head_words or short in state_prefixes or short in country_names() \
                or any(n in postal_codes() for n in c["names"]):
            continue  # nor a state or province ("Indiana" and the "Indiana Toll Road")
        first = min(s.start for s in c["spans"])
        fuller = [o for o in clusters if o is not c and any(facility_short(normalise_name(n)) == short
                                                           for n in o["names"])]
        if not fuller and all(n.isupper() and n.isalpha() and 3 <= len(n) <= 6 for n in c["names"]):
            # "FCPP" in a text that spells out "Four Corners Power Plant" only later
            fuller = [o for o in clusters if o is not c and any(
                len(n.split()) >= 3 and short in acronyms(n)
                for n in o["names"])]
        if len(fuller) == 1 and min(s.start for s in fuller[0]["spans"]) > first:
            _join(fuller[0], c, clusters, {})


def join_of_state(clusters: list[dict], is_state, generic: frozenset[str]) -> None:
    """"Eni of Italy", "Total of France": a company named with its home state (as merger
    notices write them) is the company the article names alone, and not its label."""
    by_name = {}
    for c in clusters:
        for n in c["names"]:
            by_name.setdefault(normalise_name(n), c)

    def home_state(n: str):
        m = re.fullmatch(r"(.+?) of (?:the )?(.+)", normalise_name(n))
        return m if m and m.group(1) not in generic and is_state(m.group(2)) and not is_state(m.group(0)) else None

    def listed(sent: Span) -> bool:
        """ "BP of the UK, Eni of Italy and Total of France": several named with their state."""
        return sum(1 for t in sent if t.lower_ == "of" and t.head.pos_ == "PROPN" and any(
            p.dep_ == "pobj" and is_state(normalise_name(" ".join(x.text for x in p.subtree if x.dep_ != "det")))
            for p in t.children)) >= 2
    for c in list(clusters):
        if c["gaz"] is not None or c not in clusters:
            continue
        longer, short = [], None
        for k, (n, sp) in enumerate(zip(c["names"], c["spans"])):
            m = home_state(n)
            before = n[:n.lower().rindex(" of ")] if m else ""
            if m and m.group(1) not in by_name and (is_legal_form(before.split()[-1]) or listed(sp.sent)):
                # named nowhere alone, but one of a list, or its legal form ends it ("Fortum
                # Oy of Finland"): the name is the part before "of"
                c.setdefault("aliases", []).append(n)
                c["names"][k] = before
            elif m and m.group(1) in by_name:
                longer.append(k)
                short = m.group(1)
        if not longer:
            continue
        # the longer form is another way of writing the name, never the label
        c.setdefault("aliases", []).extend(c["names"][k] for k in longer)
        c.setdefault("alias_spans", []).extend(c["spans"][k] for k in longer)
        for key in ("names", "spans", "labels"):
            c[key] = [v for k, v in enumerate(c[key]) if k not in longer]
        other = by_name[short]
        if other is not c and other in clusters:
            _join(other, c, clusters, {})
