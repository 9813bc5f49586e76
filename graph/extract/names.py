"""What is and is not a name: the entities spaCy's model gets wrong (run across a "by", a
possessive, a slash, a sentence's end; a title taken in), headings and headlines in
capitals, document references and the short forms of laws."""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from ..model import is_legal_form, normalise_name
from ..ontology import Ontology
from .aliases import trim_span
from .typer import country_names, noun_type


#: a document reference such as "IP/06/276" or "COMP/M.5652"
#: a press release's, a case's, a land title's or a licence's reference, no name: "IP/06/276",
#: "MEMO/06/463", "NA105D/359", "NPF-80" (not "Y-12")
REFERENCE_CODE = re.compile(r"\b[A-Z]{2,}/[A-Z]?\.?\d|\b[A-Z]{1,4}\d+[A-Z]?/\d|^[A-Z]{2,4}-\d+$")


def shouted(text: str) -> bool:
    """Words in capitals that read as a headline, not a name: three or more words all in
    capitals, or a run of three words in capitals, two of them long ("Immediate Release FCC
    REVOKES CHINA UNICOM"; not "COSCO SHIPPING Ports", nor a paragraph that names NNSA, CNS
    and LLC here and there).

    >>> shouted("Immediate Release FCC REVOKES CHINA UNICOM"), shouted("COSCO SHIPPING Ports")
    (True, False)
    >>> shouted("NNSA chose CNS, LLC; NNSA said so")
    False
    >>> shouted("Eurogate is controlled by BEG LOGISTICS GROUP AG & Co. KG (50%)")  # a name: its legal form ends it
    False
    """
    words = text.split()
    if text.isupper() and len(words) >= 3 and not is_legal_form(words[-1]):
        return True
    run: list[str] = []
    for w in words + [""]:
        if w.isalpha() and w.isupper():
            run.append(w)
            continue
        if len(run) >= 3 and sum(len(x) >= 4 for x in run) >= 2 and not is_legal_form(run[-1]):
            return True
        run = []
    return False


def split_name(span: Span) -> list[Span]:
    """The names in one entity of the model's that runs across what no name holds:

    - an agent's "by": "the EU Merger Regulation by Commission" (decisions);
    - a possessive: "Aixtron's U.S." (business) is "Aixtron" and "U.S.";
    - a slash between the parties of a merger case: "HeidelbergCement/Schwenk/Cemex";
    - a sentence's end the parser may miss: "H3G. The Commission";
    - an unclosed parenthesis: "Oak Ridge National Laboratory (ORNL";
    - "of" after a legal form: "Connect Bidco Limited of Inmarsat plc" (an acquisition's
      buyer and target);
    - a verb in lower case: "the Competition Tribunal requiring Tervita";
    - a comma before a conjunct, in a list: "Polestar, Lynk & Co." (not "Group, Inc.");
    - a place after "at": "MP Materials at Mountain Pass" (not "University of Texas at Austin");
    - the receiver of a verb outside the name: "leased the Vellmar Naval Station to Trask"
      (not "the Dampier to Bunbury Natural Gas Pipeline", where "to" joins two places).
    """
    doc, pieces, start = span.doc, [], span.start
    whole_state = normalise_name(trim_span(span).text) in country_names()  # "People's Republic of China"
    for t in span[1:]:
        inner = t.i < span.end - 1 and not whole_state
        if t.text == "(" and not any(x.text == ")" for x in doc[t.i:span.end]) or \
                inner and (t.text in ("by", "/") or t.tag_ == "POS" or _plural_possessive(t) or _located_at(t, span)
                           or _to_receiver(t, span)
                           or ends_at_legal_form(t) or t.pos_ == "VERB" and t.is_lower or _listed(t, span)):
            pieces.append((start, t.i))
            start = t.i + 1
        elif t.is_sent_start or t.text == "The" and doc[t.i - 1].text.endswith(".") \
                or _after_legal_form_stop(t):
            pieces.append((start, t.i))
            start = t.i
    pieces.append((start, span.end))
    return [doc[a:b] for a, b in pieces if b > a]


def _after_legal_form_stop(t) -> bool:
    """A name after a legal form that ends a sentence the parser did not end: "the ENEVO
    Group and LONGi Solar Technologie GmbH. ENEVO Group, the consortium leader, ..." (not
    "Kelvane Co. Ltd.", two legal forms)."""
    prev = t.doc[t.i - 1]
    return prev.text.endswith(".") and len(prev.text) > 2 and is_legal_form(prev.text) \
        and t.text[:1].isupper() and not is_legal_form(t.text) and t.pos_ != "PUNCT"


#: organisations whose names end with the place of their campus: "University of Texas at Austin"
CAMPUS_WORDS = frozenset({"university", "college", "school", "institute"})


def _located_at(t, span: Span) -> bool:
    """ "at" where the name before it is said to be somewhere: "MP Materials at Mountain Pass"."""
    return t.text == "at" and not any(x.lower_ in CAMPUS_WORDS for x in span.doc[span.start:t.i])


def _to_receiver(t, span: Span) -> bool:
    """ "to" that hangs from a verb outside the name, after a name of two words or more and
    before a capitalised one: what was sold, leased or transferred, then to whom."""
    head = t.head
    return t.lower_ == "to" and t.dep_ in ("prep", "dative") and head.pos_ in ("VERB", "AUX") \
        and not span.start <= head.i < span.end and t.i - trim_span(span).start >= 2 \
        and (t.doc[t.i + 1].is_title or t.doc[t.i + 1].is_upper)


def _listed(comma, span: Span) -> bool:
    """A comma inside a span that separates two items of a list: the word after it is a
    conjunct of a word before it in the span, and no legal form; not a list inside the name,
    which ends in the span or follows a preposition ("Department for Business, Energy and
    Industrial Strategy", "Department of Business, Energy, and ...")."""
    if comma.text != ",":
        return False
    doc = comma.doc
    nxt = doc[comma.i + 1]
    return nxt.dep_ == "conj" and span.start <= nxt.head.i < comma.i and not is_legal_form(nxt.text) \
        and not (nxt.head.dep_ == "pobj" and span.start <= nxt.head.head.i) \
        and not any(t.lower_ == "and" for t in doc[comma.i + 1:span.end])


def ends_at_legal_form(t) -> bool:
    """"of" after a legal form, not before a state: "Connect Bidco Limited | of Inmarsat plc"
    (the name has ended), but "Halvard Oy of Finland" (a home state, joined later)."""
    if t.lower_ != "of" or t.i == 0 or not is_legal_form(t.doc[t.i - 1].text):
        return False
    rest = [x for x in t.doc[t.i + 1:t.i + 6] if not x.is_punct]
    return not any(normalise_name(" ".join(x.text for x in rest[:k])) in country_names() for k in range(1, len(rest) + 1))


def _plural_possessive(t) -> bool:
    """The apostrophe of "ForFarmers’ Burston mill", which the tagger may take for a quote."""
    prev = t.doc[t.i - 1]
    return t.text in ("'", "’") and prev.text.endswith("s") and not prev.whitespace_ and bool(t.whitespace_) \
        and not any(x.text in ("'", "‘") for x in t.sent if x.i < t.i)


def after_title(span: Span, ontology: Ontology) -> Span:
    """A name without the title the model took into it: "Angolan company Angola LNG" is
    "Angola LNG" (the type noun before it still describes it)."""
    for k, t in enumerate(span[:3]):
        if t.pos_ == "NOUN" and t.is_lower and k + 1 < len(span) and noun_type(t, ontology):
            return span[k + 1:]
    return span


def line_of(text: str, span: Span) -> str:
    """The line of ``text`` (the document's) that ``span`` stands on."""
    a = text.rfind("\n", 0, span.start_char) + 1
    b = text.find("\n", span.end_char)
    return text[a: b if b >= 0 else len(text)]


def short_form(doc: Doc, end: int) -> list[str]:
    """The short form defined in parentheses right after a name that ends at token ``end``:
    "the EU Merger Regulation ('EUMR')" gives ["eumr"]."""
    inner = [t for t in doc[end:end + 6] if not t.is_quote]
    if len(inner) >= 3 and inner[0].text == "(" and inner[2].text == ")":
        return [normalise_name(inner[1].text)]
    return []


#: the token between the parties of a court case's title ("Altice Group Lux v Commission")
CASE_SEPARATORS = frozenset({"v", "v.", "vs", "vs."})


def split_case_titles(spans: list[tuple[Span, str]]) -> list[tuple[Span, str]]:
    """A case title is not one name: "Altice Group Lux v Commission" is two parties."""
    out = []
    for sp, lab in spans:
        cuts = [t.i for t in sp[1:-1] if t.lower_ in CASE_SEPARATORS]
        if not cuts:
            out.append((sp, lab))
            continue
        doc, start = sp.doc, sp.start
        for cut in [*cuts, sp.end]:
            part = trim_span(doc[start:cut])
            if len(part):
                out.append((part, "PROPN"))
            start = cut + 1
    return out


def heading_sentences(doc: Doc) -> frozenset[int]:
    """Starts of sentences written as headings: Title Case words, no closing full stop.

    A headline ("DOE Awards Management and Operating Contract for ...") capitalises every
    word, so its proper-noun runs are not names."""
    cache = doc.user_data.get("sckg_headings")
    if cache is not None:
        return cache
    out = set()
    for sent in doc.sents:
        words = [t for t in sent if t.is_alpha and len(t) > 3]
        if len(words) >= 3 and sum(t.text[0].isupper() for t in words) >= 0.8 * len(words) \
                and not sent.text.rstrip().endswith((".", "?", "!", ";", ":")):
            out.add(sent.start)
    doc.user_data["sckg_headings"] = frozenset(out)
    return doc.user_data["sckg_headings"]


#: the words that end a company's name as a legal form would ("Harbour Company")
COMPANY_ENDS = frozenset({"company", "corporation"})


def join_and_tails(spans: list[tuple[Span, str]], english: frozenset[str]) -> list[tuple[Span, str]]:
    """ "Amentum Environment and Energy, Inc.": a name of dictionary words and a legal form right
    after "A and" ("Energy, Inc.", all the tagger saw) is the end of one name with A, also with
    plural words ("English Welsh & Scottish Railway Holdings Limited"); so is one that ends in
    "Company" ("the Mersey Docks and Harbour Company"). A company's own word ("Airlines") does
    not: "British Midland and SN Brussels Airlines" are two.

    A tail with a word of its own ("and Fluor Federal Services, Inc.") is a name of its own."""
    if not english:
        return spans
    ends = {sp.end: sp for sp, _ in spans}
    out = list(spans)
    for sp, _ in spans:
        words = [t for t in sp if not t.is_punct and not is_legal_form(t.text)]
        if sp.start < 2 or not len(sp) or not words \
                or not (is_legal_form(sp[-1].text) or len(words) >= 2 and sp[-1].lower_ in COMPANY_ENDS) \
                or sp.doc[sp.start - 1].lower_ not in ("and", "&") \
                or not all(t.text[:1].isupper() and (t.lower_ in english or t.lower_.endswith("s")
                                                     and t.lower_[:-1] in english) for t in words):
            continue
        head = ends.get(sp.start - 1)
        if head is not None and not any(is_legal_form(t.text) for t in head) \
                and not (len(head) == 1 and head[0].text.isupper()):  # "GSU and Cajun Electric ...": an acronym is a name
            out.append((sp.doc[head.start:sp.end], "ORG"))
    return out
