"""Hostile articles: every case gives a clean result, or one clear line naming the file."""

import pytest

from graph.store import Store

from .conftest import one_clear_line

BAD = [
    ("empty", b"", "the article is empty"),
    ("whitespace", b"   \n\n\t  \n", "the article is empty"),
    ("png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), "NUL bytes"),
    ("high-bytes", bytes(range(128, 256)) * 4, "not UTF-8"),
    ("latin1", "Caf\u00e9 owners: Huawei was banned.\nLi\u00e8ge airport.".encode("latin-1"), ":1: not UTF-8"),
    ("latin1-line3", b"line one\nline two\nna\xefve line\n", ":3: not UTF-8"),
    ("utf16-no-bom", "Huawei".encode("utf-16-le"), "NUL bytes"),
    ("front-unclosed", b"---\ntitle: x\n\nBody with no end of front matter.", "never closed"),
    ("front-bad-yaml", b"---\ntitle: [unclosed\n---\nBody.", "front matter is not valid YAML"),
    ("front-list", b"---\n- a\n- b\n---\nBody.", "must be 'key: value' lines"),
    ("front-python-tag", b"---\ntitle: !!python/object/apply:os.system ['echo pwned']\n---\nBody.",
     "front matter is not valid YAML"),
    ("front-alias-bomb", b"---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                         b"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                         b"title: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n---\nBody.", "YAML aliases (*a) are not accepted"),
    ("front-bad-date", b"---\ndate: next tuesday\n---\nBody.", "not an ISO 8601 date"),
    ("front-huge", b"---\n" + b"k: " + b"v" * 20_000 + b"\n---\nBody.", "never closed"),
    ("front-only", b"---\ntitle: nothing else\n---\n", "the article is empty"),
]


@pytest.mark.parametrize("name,content,message", BAD, ids=[b[0] for b in BAD])
def test_bad_article_is_one_clear_line_and_the_store_is_untouched(sckg, tmp_path, name, content, message):
    store = tmp_path / "store"
    good = tmp_path / "good"
    good.mkdir()
    (good / "ok.txt").write_text("The Swedish regulator PTS banned Huawei.")
    assert sckg("build", good, "--store", store)[0] == 0
    before = Store(store).quads()
    bad = tmp_path / f"{name}.txt"
    bad.write_bytes(content)
    code, out, err = sckg("build", bad, "--store", store)
    one_clear_line(code, out, err, message)
    assert f"{name}.txt" in err
    assert Store(store).quads() == before


def test_oversized_article_is_refused_with_how_to_raise_the_limit(sckg, tmp_path):
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:  # 50 MB, written sparsely
        f.truncate(50 * 1024 * 1024)
    code, out, err = sckg("build", big, "--store", tmp_path / "s")
    one_clear_line(code, out, err, "over the article limit of 1,000,000 bytes (raise it with --max-bytes)")


def test_one_five_megabyte_line_is_refused(sckg, tmp_path):
    line = tmp_path / "line.txt"
    line.write_text("Huawei " * (5 * 1024 * 1024 // 7))
    one_clear_line(*sckg("build", line, "--store", tmp_path / "s"), "over the article limit")


OK = [
    ("utf16-bom", "Britain banned Huawei from its 5G networks.".encode("utf-16"), "Huawei"),
    ("utf16-be-bom", b"\xfe\xff" + "The Swedish regulator PTS banned ZTE.".encode("utf-16-be"), "ZTE"),
    ("utf8-bom", b"\xef\xbb\xbfThe Swedish regulator PTS banned ZTE.", "ZTE"),
    ("crlf", b"Line one.\r\nThe Swedish regulator PTS banned ZTE.\r\n", "ZTE"),
    ("quotes", "The FCC banned O'Neil & \"Sons\" Ltd, a supplier.".encode(), "FCC"),
    ("html-name", b"The FCC banned <b>Huawei</b> equipment.", "Huawei"),
    ("script-payload", b"<script>alert(1)</script> The FCC banned Huawei equipment.", "Huawei"),
    ("zero-width", "The FCC banned Hua\u200bwei and \u200dZTE equipment.".encode(), "FCC"),
    ("right-to-left", "The FCC banned \u202eiewauH\u202c and ZTE equipment.".encode(), "FCC"),
    ("control-chars", b"The FCC \x07banned\x1b[31m Huawei equipment.", "FCC"),
    ("newline-in-name", b"The Swedish regulator PTS banned Huawei\nTechnologies and ZTE.", "PTS"),
    ("long-word", ("x" * 100_000 + " The FCC banned Huawei.").encode(), "Huawei"),
    ("title-html", b"---\ntitle: \"<img src=x onerror=alert(1)>\"\n---\nThe FCC banned Huawei.", "Huawei"),
    ("numbers-only", b"1 2 3 4 5 6 7 8 9 10", None),
    ("emoji", "The FCC \U0001F525 banned Huawei \U0001F4F1 equipment.".encode(), "Huawei"),
]


@pytest.mark.parametrize("name,content,expect", OK, ids=[o[0] for o in OK])
def test_strange_but_readable_article_builds_a_valid_graph(sckg, tmp_path, name, content, expect):
    path = tmp_path / f"{name}.txt"
    path.write_bytes(content)
    store = tmp_path / "store"
    code, out, err = sckg("build", path, "--store", store)
    assert code == 0, out + err
    code, out, err = sckg("validate", "--store", store)
    assert code == 0 and "conforms" in out, out + err
    if expect:
        code, out, _ = sckg("query", "--store", store, "--format", "csv",
                            "SELECT ?l WHERE { ?e a sckg:Entity ; rdfs:label ?l }")
        assert expect in out.replace("\u200b", "").replace("\u200d", ""), out


def test_html_page_with_scripts_is_read_as_text(sckg, tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("<!DOCTYPE html><html><head><script>var Huawei = 'the FCC banned Alibaba';</script>"
                    "<style>.x{}</style></head><body><p>The FCC banned Huawei equipment.</p>"
                    "<!-- Cosco owns Alibaba --></body></html>")
    store = tmp_path / "store"
    assert sckg("build", page, "--store", store)[0] == 0
    _, out, _ = sckg("query", "--store", store, "--format", "csv",
                     "SELECT ?s ?o WHERE { ?s ?p ?o . ?p a sckg:Relation }")
    assert "huawei" in out and "alibaba" not in out, out


def test_directory_without_articles_says_what_was_looked_for(sckg, tmp_path):
    """A folder with no .txt/.md built "0 documents" with exit 0."""
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.pdf").write_bytes(b"%PDF")
    one_clear_line(*sckg("build", tmp_path / "empty", "--store", tmp_path / "s"),
                   "no articles found: looked for *.txt and *.md files")


def test_missing_path_is_one_clear_line(sckg, tmp_path):
    one_clear_line(*sckg("build", tmp_path / "nope.txt", "--store", tmp_path / "s"), "no such file or directory")


def test_skip_bad_keeps_the_good_articles(sckg, tmp_path):
    d = tmp_path / "mixed"
    d.mkdir()
    (d / "a.txt").write_text("The Swedish regulator PTS banned Huawei.")
    (d / "b.txt").write_bytes(b"\xff\xfe\xfd")
    code, out, err = sckg("build", d, "--store", tmp_path / "s", "--skip-bad")
    assert code == 0 and "added 1" in out and "skipped: " in err and "b.txt" in err, out + err
