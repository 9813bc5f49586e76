"""Typing: the entity type of a name or description, from the gazetteer, the country list
(pycountry), a description in apposition, the ontology's type nouns and name words, and how
the sentence uses the name."""

from __future__ import annotations

import functools

from spacy.tokens import Doc, Span, Token

from ..model import is_legal_form, normalise_name
from ..ontology import SCKG, Ontology

def noun_type(tok: Token, ontology: Ontology) -> str | None:
    """The entity type a common noun names ("firm" -> Company, "cargo airport" -> Airport).

    The longest declared noun ending at ``tok`` wins; answers are cached on the Doc.
    """
    cache = tok.doc.user_data.setdefault("sckg_noun_type", {})
    if tok.i in cache:
        return cache[tok.i]
    best, best_len = None, 0
    index = ontology.type_noun_index
    for form in {tok.lower_, tok.lemma_.lower()}:
        for prefix, type_iri in index.get(form, ()):
            n = len(prefix) + 1
            if n <= best_len or tok.i - len(prefix) < 0:
                continue
            if all(tok.doc[tok.i - len(prefix) + k].lower_ == w for k, w in enumerate(prefix)):
                best, best_len = type_iri, n
    cache[tok.i] = best
    return best



def _name_type(words: list[str], ontology: Ontology) -> str | None:
    """Type from words inside a name; the longest match, then the right-most, wins. A name
    with a complement is typed by its head before it: "Committee on Foreign Investments",
    "Department of Energy", not by a word of the complement; a head that is one common noun
    of a type is of that type ("Province of Quebec", "City of Chicago")."""
    head_words = name_head(words)
    if len(head_words) < len(words):
        head = _name_type(head_words, ontology)
        if head:
            return head
        if len(head_words) == 1:
            plain = [t for prefix, t in ontology.type_noun_index.get(head_words[0], ()) if not prefix]
            if plain:
                return plain[0]
    best, score = None, (0, -1)
    index = ontology.name_word_index
    for i, w in enumerate(words):
        for parts, type_iri in index.get(w, ()):
            n = len(parts)
            if tuple(words[i:i + n]) == parts and (n, i) > score:
                best, score = type_iri, (n, i)
    return best



NAME_COMPLEMENT = frozenset({"of", "on", "for"})


def name_head(words: list[str]) -> list[str]:
    """The words of a name before its complement: "office of rail regulation" -> ["office"]."""
    p = next((i for i, w in enumerate(words) if i and w in NAME_COMPLEMENT), None)
    return words[:p] if p is not None else words

LOCATIVE_PREPS = {"in", "at", "near", "from", "across", "outside", "inside", "throughout", "around",
                  "to", "into", "off", "via", "through", "towards", "toward", "within"}



def is_facility(type_iri: str, ontology: Ontology) -> bool:
    return bool(type_iri) and ontology.is_a(type_iri, SCKG.Facility)



def first_conjunct(tok: Token) -> Token:
    """The first member of the list ``tok`` stands in ("A" for "C" in "A, B and C")."""
    while tok.dep_ == "conj" and tok.head.i != tok.i:
        tok = tok.head
    return tok


def acts_as_agent(span: Span) -> bool:
    """True when a name is used as an agent (subject, possessor, object, the antecedent of
    "which owns ..."), not a location."""
    root = span.root
    if root.dep_ in ("nsubj", "nsubjpass", "poss", "dobj"):
        return True
    if any(c.dep_ == "relcl" and any(g.dep_ == "nsubj" and g.tag_ == "WDT" for g in c.children)
           for c in root.children):
        return True
    return root.dep_ == "pobj" and root.head.lower_ == "by"



def government_context(span: Span, ontology: Ontology) -> bool:
    """ "the government of Shenzhen", "the city of Hamburg": a place named as a government."""
    root = span.root
    head = root.head.head if root.dep_ == "pobj" and root.head.lower_ == "of" else \
        root.head if root.dep_ in ("compound", "amod") else None
    if head is None or head.pos_ != "NOUN":
        return False
    return head.lemma_.lower() in ontology.government_nouns or \
        noun_type(head, ontology) == str(SCKG.SubnationalGovernment)



def _argument(span: Span, trigger_nouns: frozenset[str]) -> bool:
    """True when a name is the argument of a noun: "the sale of Elmos", "a stake in Terminal Link"."""
    root = span.root
    if root.dep_ != "pobj" or root.head.head.pos_ != "NOUN":
        return False
    return root.head.lower_ in ("of", "by", "with", "between") or \
        root.head.head.lemma_.lower() in trigger_nouns



def locative(span: Span) -> bool:
    """True when a name is used as a place: "in Banbury", "the Hamburg port", "London-based"."""
    root = span.root
    if root.dep_ in ("compound", "nmod", "npadvmod", "amod"):
        return True
    if root.dep_ == "pobj" and root.head.lower_ in LOCATIVE_PREPS:
        return True
    if root.dep_ == "appos" and locative(span.doc[root.head.i:root.head.i + 1]):
        return True
    return root.dep_ in ("conj",) and root.head.dep_ == "pobj" and root.head.head.lower_ in LOCATIVE_PREPS



@functools.lru_cache(maxsize=1)
def country_names() -> frozenset[str]:
    """Normalised names of every country (ISO 3166-1, from pycountry): short, common and official."""
    import pycountry
    names = set()
    for c in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(c, attr, None)
            if value:
                names.add(normalise_name(value))
                if "," in value:  # "Bolivia, Plurinational State of"
                    names.add(normalise_name(value.partition(",")[0]))
                    # "Plurinational State of Bolivia", "Democratic Republic of (the) Congo"
                    inverted = normalise_name(_turned(value))
                    names.update({inverted, inverted.replace(" of the ", " of ")})
    return frozenset(names)


def _turned(value: str) -> str:
    """An ISO 3166 name with its comma turned round: "Korea, Republic of" -> "Republic of Korea"."""
    short, _, rest = value.partition(",")
    return f"{rest.strip()} {short}"


def iso_names(*names: str) -> list[str]:
    """A country's names in ISO 3166-1 (pycountry), by the first of ``names`` pycountry knows:
    its common and official names, and its name turned round where that reads as a name
    ("Korea, Republic of" -> "Republic of Korea"; never "Korea", which is two countries, nor
    "Province of China Taiwan").

    >>> iso_names("North Korea")
    ["Democratic People's Republic of Korea", 'North Korea']
    >>> iso_names("Russia", "Russian Federation")
    ['Russian Federation']
    """
    import pycountry
    for name in names:
        try:
            country = pycountry.countries.lookup(name)
        except LookupError:
            continue
        out = set()
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value and "," not in value:
                out.add(value)
            elif value and value.partition(",")[2].rstrip().endswith((" of", " of the")):
                out.add(_turned(value).replace("The ", "the "))
        return sorted(out)
    return []


def government_of(norm: str, ontology: Ontology) -> str | None:
    """The country whose government a normalised name is: "government of venezuela" ->
    "venezuela", "state of israel" -> "israel" (the gold and the graph take a country's
    government for the state)."""
    head, sep, rest = norm.partition(" of ")
    if not sep or head not in ontology.government_nouns:
        return None
    rest = rest.removeprefix("the ")
    return rest if rest in country_names() else None



@functools.lru_cache(maxsize=1)
def postal_codes() -> frozenset[str]:
    """US states and Canadian provinces (pycountry) as addresses and datelines write them:
    their two-letter codes ("Upton, NY", "GATINEAU, QC") and their names ("Boise, Idaho")."""
    import pycountry
    out = set()
    for s in pycountry.subdivisions:
        code = s.code.split("-")[1]
        if s.country_code in ("US", "CA") and len(code) == 2:
            out |= {code, s.name}
    return frozenset(out)


def address_place(span: Span) -> bool:
    """A place in an address: a state after a comma ("Princeton, NJ", "Detroit, Michigan"),
    or the town before it ("Brookhaven Science Associates, Long Island, NY")."""
    doc, codes = span.doc, postal_codes()
    if span.text in codes and span.start > 1 and doc[span.start - 1].text == "," \
            and doc[span.start - 2].pos_ == "PROPN":
        return True
    return span.end < len(doc) and doc[span.end].text == "," and any(
        doc[span.end + 1:span.end + 1 + n].text in codes for n in (1, 2, 3))  # "NY", "New York", "Prince Edward Island"


def _does(span, verbs: frozenset[str]) -> bool:
    """The name is the active subject, or the passive agent ("by ..."), of one of ``verbs``."""
    root = span.root
    if root.dep_ == "nsubj":
        verb = root.head
    elif root.dep_ == "pobj" and root.head.dep_ == "agent":
        verb = root.head.head
    else:
        return False
    return verb.lemma_.lower() in verbs or any(
        c.dep_ in ("xcomp", "conj") and c.lemma_.lower() in verbs for c in verb.children)


def office_names(doc: Doc, ontology: Ontology) -> list[Span]:
    """The names of state offices: "Minister of Transport", "Secretary of State for Business,
    Energy and Industrial Strategy" (a title, "of"/"for", capitalised words); cached on the Doc."""
    if "sckg_offices" in doc.user_data:
        return doc.user_data["sckg_offices"]
    titles = ontology.office_words
    out = []
    for tok in doc:
        if not (tok.lower_ in titles and tok.text[:1].isupper() and tok.i + 2 < len(doc)
                and doc[tok.i + 1].lower_ in ("of", "for")):
            continue
        end = tok.i + 2
        if doc[end].lower_ == "the" and end + 1 < len(doc) and doc[end + 1].text[:1].isupper() \
                and doc[end + 1].lower_ not in ontology.head_words:
            # "Chancellor of the Duchy of Lancaster"; not "President of the Commission", where
            # the body is what the text names
            end += 1
        if not doc[end].text[:1].isupper():
            continue
        while end < len(doc):
            t = doc[end]
            if t.ent_type_ == "PERSON" and t.ent_iob_ == "B" and end > tok.i + 2:
                break  # "Secretary of Energy | Samuel W. Bodman": the holder's name
            if t.text[:1].isupper() and t.is_alpha or t.lower_ in ("of", "for", "the") and end + 1 < len(doc) \
                    and doc[end + 1].text[:1].isupper():
                end += 1
            elif t.text in (",", "and", "&") and end + 1 < len(doc) and doc[end + 1].text[:1].isupper() \
                    and doc[end + 1].is_alpha and t.sent == doc[end + 1].sent and (
                        t.text != "," or any(x.lower_ in ("and", "&") for x in doc[end + 1:end + 5])) \
                    and doc[end - 1].ent_type_ != "PERSON":
                # "Business, Energy and Industrial Strategy", "Digital, Culture, Media & Sport";
                # not past the holder's name ("Secretary of State Condoleezza Rice and Treasury
                # Secretary Henry Paulson" are two)
                end += 1
            else:
                break
        while end > tok.i + 2 and not doc[end - 1].text[:1].isupper():
            end -= 1
        out.append(doc[tok.i:end])
    doc.user_data["sckg_offices"] = out
    return out


def _in_office(span, titles, ontology: Ontology) -> bool:
    """"Commerce Secretary Wilbur Ross", "Steven Mnuchin, Secretary of the Treasury",
    "Secretary of Energy Samuel W. Bodman": the name carries a state office's title; not
    "Battelle Memorial Institute President X" (the title of a named organisation's officer)."""
    if not titles:
        return False
    # "Secretary of Energy Samuel W. Bodman", "Under Secretary for Science Dr. X": the office's
    # name right before, titles aside
    if any(o[0].lower_ in titles and o.end <= span.start
           and all(t.lower_.rstrip(".") in ontology.title_words for t in span.doc[o.end:span.start])
           for o in office_names(span.doc, ontology)):
        return True
    root = span.root
    for t in root.children:
        if t.dep_ not in ("compound", "appos") or t.lower_ not in titles:
            continue
        before = [m for m in t.subtree if m.i < t.i and m.i < span.start]
        if any(m.ent_type_ == "ORG" and (m.ent_iob_ == "I" or m.i + 1 < len(m.doc) and m.doc[m.i + 1].ent_iob_ == "I")
               for m in before):
            continue  # the title of an officer of an organisation with a name of several words
        return True
    return False


def cluster_type(c: dict, ontology: Ontology, doc: Doc) -> str | None:
    if c["gaz"] is not None:
        return str(c["gaz"].type)
    if any(normalise_name(n) in country_names() or government_of(normalise_name(n), ontology) for n in c["names"]):
        return str(SCKG.State)
    # a description in apposition or "known as": "PPA, the company that runs ..."
    for head in c.get("described_as", []):
        t = noun_type(head, ontology)
        if t:
            return t
    labels = set().union(*c["labels"])
    if "OFFICE" in labels:
        return str(SCKG.GovernmentBody)  # "Minister of Transport": the office, a state organ
    name_types = [t for t in (_name_type(normalise_name(n).split(), ontology) for n in c["names"]) if t]
    # "the government of Shenzhen", "the Northern Territory government": a local government;
    # "the ports of Balboa and Cristóbal": a facility
    for s in c["spans"]:
        root = first_conjunct(s.root)
        gov = None
        if root.dep_ == "pobj" and root.head.lower_ == "of":
            gov = root.head.head
        elif root.dep_ in ("compound", "amod", "nmod") and root.head.pos_ == "NOUN":
            gov = root.head
        if gov is None:
            continue
        t = noun_type(gov, ontology)
        if (gov.lemma_.lower() in ontology.government_nouns or t == str(SCKG.SubnationalGovernment)) \
                and not name_types:
            # not a name with a type word of its own: "Cork Airport" is no local government
            # because the text speaks of "the Cork region"
            return str(SCKG.SubnationalGovernment)
        if t and is_facility(t, ontology) and (root.dep_ == "pobj" or gov.tag_ == "NNS" and any(
                c.dep_ == "conj" for c in root.children)) and not name_types:
            # "the ports of Balboa and Cristóbal"; "the Milan Malpensa and Milan Linate
            # airports": names sharing a plural facility noun are each one of them (not a name
            # with a type word of its own: "an installation of the Joint Munitions Command")
            return t
    if name_types:
        if is_facility(name_types[0], ontology) and (any(
                s.root.dep_ == "nsubj" and s.root.head.lemma_.lower() in ontology.agent_verbs
                and not _passive(s.root.head) for s in c["spans"])
                or any(is_legal_form(n.split()[-1]) for n in c["names"] if n.split())):
            # "CSP Zeebrugge Terminal operates ...", "Indiana Toll Road Concession Company,
            # LLC": a company, not a quay or a road
            return str(SCKG.Company)
        return name_types[0]
    if "FACNAME" in labels or "FAC" in labels:
        return str(SCKG.Facility)
    if "ORG" in labels:
        # "The CMA is investigating the acquisition": what only a state does
        if any(_does(s, ontology.state_verbs) for s in c["spans"]):
            return str(SCKG.GovernmentBody)
        return str(SCKG.Company)
    if "PERSON" in labels:
        office = next((t for t in ontology.entity_types.values() if any(_in_office(s, t.office_titles, ontology)
                                                                        for s in c["spans"])), None)
        if office is not None:
            return str(office.iri)
    if any("PERSON" in lab and len(n.split()) >= 2 for n, lab in zip(c["names"], c["labels"])):
        return str(SCKG.Person)  # a full name the model took for a person's, not a one-word name beside another
    # a name the model took for a place or a person (or missed) is an organisation unless
    # the text only ever uses it as a location ("in Banbury", "the Hamburg port")
    place = bool(labels & {"GPE", "LOC"})
    if "LOC" in labels and not labels - {"LOC", "PROPN", "PAREN"}:
        return None  # a continent, a region, a sea: "Europe's largest port", "Africa"
    if "ORG" not in labels and all(n in postal_codes() for n in c["names"]):
        # "a plant in Arizona", "Arizona's largest electric company": a US state or a Canadian
        # province is a place, or its government when it acts ("Ontario sold its stake")
        acting = any(acts_as_agent(s) and s.root.dep_ != "poss" for s in c["spans"])
        return str(SCKG.SubnationalGovernment) if acting else None
    if any(acts_as_agent(s) or (_argument(s, ontology.trigger_nouns) and not place) for s in c["spans"]) \
            and not all(locative(s) and not _argument(s, ontology.trigger_nouns) for s in c["spans"]):
        return str(SCKG.Company)
    if any(_with_home_state(s) for s in c["spans"]):
        return str(SCKG.Company)
    if not place and any(_run_by(s, ontology) for s in c["spans"]):
        return str(SCKG.Facility)
    return None


def _run_by(span: Span, ontology: Ontology) -> bool:
    """ "Fitzpatrick, near Oswego, New York, operated by the Power Authority of the State of
    New York": a name otherwise untyped that a verb of a relation whose range is a facility
    says is run by someone is a facility."""
    verbs = ontology.facility_verbs
    root = first_conjunct(span.root)
    participles = [c for c in root.children if c.dep_ == "acl"]
    if root.dep_ == "nsubjpass":
        participles.append(root.head)
    return any(v.tag_ == "VBN" and v.lemma_.lower() in verbs and any(c.dep_ == "agent" for c in v.children)
               for v in participles)


def _passive(verb: Token) -> bool:
    """A participle with an agent or a passive auxiliary, its own or its conjunct's: "(owned
    and operated by CKI)"."""
    return verb.tag_ == "VBN" and any(c.dep_ in ("agent", "auxpass") for v in (verb, *verb.conjuncts)
                                      for c in v.children)


def _with_home_state(span: Span) -> bool:
    """ "the business of Safran of France, by Smiths of the UK": a name given with its home
    state, as merger notices write companies (the model may take the name for a place), or
    with its town and state, as awards do ("Blue Origin of Kent, Washington")."""
    doc = span.doc
    if span.end >= len(doc) or doc[span.end].lower_ != "of":
        return False
    obj = next((t for t in doc[span.end].children if t.dep_ == "pobj"), None)
    if obj is not None and all(t.pos_ == "PROPN" for t in doc[span.end + 1:obj.i + 1]) \
            and address_place(doc[span.end + 1:obj.i + 1]):
        return True  # "Blue Origin of Kent, Washington": a name with its address, as awards list companies
    if obj is None or normalise_name(" ".join(t.text for t in obj.subtree if t.dep_ != "det")) not in country_names():
        return False
    words = f" {normalise_name(span.text)} "  # not "Democratic Republic" of the Congo
    return not any(words in f" {name} " for name in country_names())
