"""Dates: the date a clause gives, absolute or relative to the document's date."""

from __future__ import annotations

import functools
import re

from spacy.tokens import Token

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], start=1)}


def clause_date(trigger: Token, dates: list[tuple[int, int, str]], doc_date: str | None) -> str | None:
    """A date in the trigger's clause: "in 2018", "in November", "on 4 May 2021"."""
    clause = trigger
    while clause.dep_ not in ("ROOT", "ccomp", "advcl", "relcl") and clause.head is not clause:
        clause = clause.head
    lo, hi = clause.left_edge.i, clause.right_edge.i
    for start, end, text in dates:
        if lo <= start and end - 1 <= hi:
            d = parse_date(text, doc_date)
            if d:
                return d
    return None


_ORDINALS = {w: i for i, w in enumerate(
    ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
     "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
     "eighteenth", "nineteenth", "twentieth"], start=1)}
_ORDINAL = re.compile(r"\b(?:(twenty|thirty)[\s-]?)?(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|"
                      r"tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|"
                      r"nineteenth|twentieth|thirtieth)\b")
_RANGE = re.compile(r"^(?:between|from)\s+(.+?)\s+(?:and|to|through|until|till)\s+(.+)$|^(.+?)\s*[-–]\s*(.+)$", re.I)


def parse_range(text: str, doc_date: str | None) -> tuple[str, str] | None:
    """The two ends of a date range: "between 2009 and 2017", "from 2009 to 2017", "2009–2017".

    >>> parse_range("between 2009 and 2017", None)
    ('2009', '2017')
    >>> parse_range("from March 2019 to May 2020", None)
    ('2019-03', '2020-05')
    >>> parse_range("2018", None) is None
    True
    """
    m = _RANGE.match(text.strip())
    if not m:
        return None
    first, second = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
    a, b = parse_date(first, doc_date), parse_date(second, doc_date)
    if a and b and a < b:
        return a, b
    return None


def _day_words(low: str) -> str:
    """Spelled-out days as digits: "april thirtieth" → "april 30"."""
    def number(m):
        tens = {"twenty": 20, "thirty": 30}.get(m.group(1) or "", 0)
        unit = 30 if m.group(2) == "thirtieth" else _ORDINALS.get(m.group(2), 0)
        if m.group(2) == "thirtieth" and tens:
            return m.group(0)
        return str(tens + unit)
    return _ORDINAL.sub(number, low)


#: abbreviated month names, read as months only before a number ("Feb. 18", "Sept 2019")
_MONTH_OF = {m[:3]: m for m in MONTHS} | {"sept": "september"}
_ABBREVIATED = re.compile(r"\b(jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?(?=\s*\d)")


def is_time(tok: Token) -> bool:
    return tok.ent_type_ in ("DATE", "TIME")


@functools.lru_cache(maxsize=8192)
def parse_date(text: str, doc_date: str | None) -> str | None:
    """An xsd lexical date from a date phrase; relative ones are resolved against the document date.

    Examples
    --------
    >>> parse_date("2018", None)
    '2018'
    >>> parse_date("November 2021", None)
    '2021-11'
    >>> parse_date("November", "2023-12-05")
    '2023-11'
    >>> parse_date("4 May 2021", None)
    '2021-05-04'
    >>> parse_date("Thursday", "2023-12-05")  # the Thursday before a Tuesday
    '2023-11-30'
    >>> parse_date("the previous month", "2023-01-15")
    '2022-12'
    >>> parse_date("last year", "2023-01-15")
    '2022'
    >>> parse_date("Thursday", None) is None
    True
    >>> parse_date("April thirtieth", "2009-04-30")
    '2009-04-30'
    >>> parse_date("(1)On 23 March 2015", None)  # a paragraph number is no day
    '2015-03-23'
    >>> parse_date("March 2015", None)
    '2015-03'
    >>> parse_date("1 st July 2009", None)
    '2009-07-01'
    >>> parse_date("Feb. 18, 2020", None)  # a month abbreviated before a number
    '2020-02-18'
    """
    import datetime as dt

    low = _ABBREVIATED.sub(lambda m: _MONTH_OF[m.group(1)], text.casefold())
    month_name = next((m for m in MONTHS if re.search(rf"\b{m}\b", low)), None)
    if month_name:
        low = _day_words(low)
    year = re.search(r"\b(1[89]\d\d|20\d\d)\b", low)
    month = MONTHS[month_name] if month_name else None
    # the day is the number written beside the month ("23 March", "March 23rd", "the 5th of
    # May"), not another number of the phrase ("(1)On 23 March 2015")
    day = month_name and (re.search(rf"\b([0-3]?\d)\s?(?:st|nd|rd|th)?\s+(?:of\s+)?{month_name}\b", low)
                          or re.search(rf"\b{month_name}\s+([0-3]?\d)(?:st|nd|rd|th)?\b", low))
    if year and month and day and 1 <= int(day.group(1)) <= 31:
        return f"{year.group(1)}-{month:02d}-{int(day.group(1)):02d}"
    if year and month:
        return f"{year.group(1)}-{month:02d}"
    if year:
        return year.group(1)
    if not doc_date:
        return None
    y = int(doc_date[:4])
    m = int(doc_date[5:7]) if len(doc_date) >= 7 else None
    if month:
        year_of = y if m is None or month <= m else y - 1
        if day and 1 <= int(day.group(1)) <= 31 and len(doc_date) == 10:  # "on April 30": the latest up to the document
            value = f"{year_of}-{month:02d}-{int(day.group(1)):02d}"
            return value if value <= doc_date else f"{year_of - 1}-{month:02d}-{int(day.group(1)):02d}"
        return f"{year_of}-{month:02d}"
    if re.search(r"\b(last|previous|past) year\b|\ba year (ago|earlier)\b", low):
        return str(y - 1)
    if re.search(r"\b(this|same) year\b", low):
        return str(y)
    if m is not None:
        if re.search(r"\b(last|previous|past) month\b|\ba month (ago|earlier)\b", low):
            return f"{y if m > 1 else y - 1}-{(m - 2) % 12 + 1:02d}"
        if re.search(r"\b(this|same) month\b", low):
            return f"{y}-{m:02d}"
    if len(doc_date) == 10:
        today = dt.date.fromisoformat(doc_date)
        if re.search(r"\b(today|this morning|this week)\b", low):
            return today.isoformat()
        if "yesterday" in low:
            return (today - dt.timedelta(days=1)).isoformat()
        for i, name in enumerate(WEEKDAYS):
            if re.search(rf"\b{name}\b", low):  # the latest such day up to the document's date
                back = (today.weekday() - i) % 7
                return (today - dt.timedelta(days=back)).isoformat()
    return None
