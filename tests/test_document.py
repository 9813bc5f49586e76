"""Reading articles: front matter, cleaning that keeps offsets, clear errors."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.document import ArticleError, clean_text, parse_article, read_article

from .conftest import SEEDS


def test_front_matter_fields_and_offsets_kept():
    text = "---\ntitle: A title\ndate: 2020-10-20\nsource: desk\n---\nBody sentence.\n"
    art = parse_article(text, name="a.txt")
    assert (art.title, art.date, art.source) == ("A title", "2020-10-20", "desk")
    assert len(art.clean) == len(art.text)
    start = art.clean.index("Body")
    assert art.text[start:start + 14] == "Body sentence."
    assert "title" not in art.clean


def test_seed_photo_credit_caption_and_leftover_are_blanked():
    art = read_article(SEEDS / "vsse-cainiao-liege.txt")
    assert "Getty Images" in art.text and "Getty Images" not in art.clean
    assert "rewriting the content" not in art.clean
    assert "seen in November 2021" not in art.clean
    assert "The hub opened in 2021." in art.clean


@pytest.mark.parametrize("line", [
    "LONDON — Britain banned it.",
    "Brussels, 16 May 2012 - Britain banned it.",
    "GATINEAU, QC, March 7, 2023 /CNW/ - Britain banned it.",
    "Ostrava, Moravia, Feb. 23, 2024 – Britain banned it.",
])
def test_dateline_is_blanked(line):
    assert clean_text(line).strip() == "Britain banned it."


@pytest.mark.parametrize("line", [
    "3. Talvor Holdings Limited is the subsidiary of Kelvane SA.",
    "(2) Talvor Holdings Limited is the subsidiary of Kelvane SA.",
    "[4] Talvor Holdings Limited is the subsidiary of Kelvane SA.",
    "(b) Talvor Holdings Limited is the subsidiary of Kelvane SA.",
    "(3)Talvor Holdings Limited is the subsidiary of Kelvane SA.",
])
def test_the_number_of_a_numbered_paragraph_is_blanked(line):
    """Registers, orders and decisions number their paragraphs; the parser read "3." into the
    sentence and hung the name after it from the full stop, so "X is the subsidiary of Y" said
    nothing. Offsets are kept (blanks, not deletions)."""
    cleaned = clean_text("Intro.\n" + line)
    assert len(cleaned) == len(line) + 7
    assert cleaned.split("\n")[1].strip() == "Talvor Holdings Limited is the subsidiary of Kelvane SA."


@pytest.mark.parametrize("line", ["3.5 million tonnes went through the port.", "(EU) No 139/2004 applies.",
                                  "2019 was a good year.", "1.5bn euros were paid."])
def test_a_number_that_starts_a_sentence_is_kept(line):
    assert clean_text(line) == line


def test_a_clause_with_a_year_and_a_dash_is_no_dateline():
    line = "Velmar Steel, founded in 1907 - the steelmaker - said so."
    assert clean_text(line) == line


def test_headline_becomes_title():
    art = parse_article("UK bans Huawei\n\nBritain banned Huawei.", name="h.txt")
    assert art.title == "UK bans Huawei"


def test_same_text_same_identity():
    a = parse_article("Same text.", name="x.txt")
    b = parse_article("Same text.", name="x.txt")
    assert a.slug == b.slug and a.content_hash == b.content_hash


@pytest.mark.parametrize("content,message", [
    (b"---\ntitle: x\nno end", ":1: front matter opened with '---' is never closed"),
    (b"---\ntitle: [unclosed\n---\nBody", "front matter is not valid YAML"),
    (b"---\n- a\n- b\n---\nBody", "front matter must be 'key: value' lines"),
    (b"---\ndate: yesterday\n---\nBody", "is not an ISO 8601 date"),
    (b"ok line\nbad \xe9 byte\n", ":2: not UTF-8"),
    (b"\x00\x01\x02binary", "NUL bytes"),
])
def test_bad_article_names_file_and_line(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(ArticleError, match="bad.txt") as err:
        read_article(path)
    assert message in str(err.value)


def test_utf16_with_bom_is_read(tmp_path):
    path = tmp_path / "u16.txt"
    path.write_bytes("Huawei was banned.".encode("utf-16"))
    assert read_article(path).text == "Huawei was banned."


def test_too_large_is_refused_quickly(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * 1000)
    with pytest.raises(ArticleError, match="over the article limit"):
        read_article(path, max_bytes=100)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab \n\t\u00a0\u2003.")), max_size=60))
def test_every_compact_character_maps_back_to_the_same_character(text):
    art = parse_article(text + "x", name="p.txt")
    compact, offsets = art.compact
    assert len(offsets) == len(compact)
    assert all(compact[i] == art.text[offsets[i]] for i in range(len(compact)) if not compact[i].isspace())
    assert all(offsets[i] < offsets[i + 1] for i in range(len(compact) - 1))
    assert "  " not in compact and compact == compact.lstrip()


def test_a_term_defined_for_listed_parties_is_blanked():
    """ "A consortium comprising IFM Investors Pty Ltd (IFM), APG Asset Management N.V. (APG) and
    Macquarie Infrastructure and Real Assets (MIRA) (together, IFM Consortium) proposes ...": the
    parser hung the list from the term, and one member came out owning another. The term is
    blanked before parsing, offsets kept; a defined short name ("(KI)") stays."""
    from graph.document import clean_text
    text = ("A consortium comprising Kelvane Investors Pty Ltd (KI) and Talvor Asset Management N.V. (together, "
            "Kelvane Consortium) proposes to acquire the lease. Osric Ltd and Brenna plc (collectively, the "
            "\u201cPurchasers\u201d) agreed.")
    cleaned = clean_text(text)
    assert len(cleaned) == len(text)
    assert "together" not in cleaned and "Consortium)" not in cleaned and "Purchasers" not in cleaned, cleaned
    assert "(KI)" in cleaned and "N.V.  " in cleaned, cleaned


def test_a_footnote_number_glued_to_a_word_is_blanked():
    """ "in the United States.[7] While CTA ..." was tokenised "States.[7", and a name "United
    States.[7] While" came out; a footnote's number glued to the word before it is blanked,
    offsets kept. One written apart ("here [5].") is left to the tokenizer."""
    from graph.document import clean_text
    text = "It has no customers in the United States.[7] While Kelvane said so, a Delaware corporation.[12]"
    cleaned = clean_text(text)
    assert len(cleaned) == len(text)
    assert "[" not in cleaned and "States.    While" in cleaned, cleaned
    assert clean_text("It is here [5].") == "It is here [5]."
