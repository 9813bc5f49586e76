"""Read article files: front matter, text cleaning and the document's identity."""

from __future__ import annotations

import bisect
import datetime as _dt
import functools
import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

#: Largest article accepted by default, in bytes; raise it with ``max_bytes`` (--max-bytes).
MAX_ARTICLE_BYTES = 1_000_000
#: Largest front matter block, in characters.
MAX_FRONT_MATTER = 10_000

ARTICLE_SUFFIXES = (".txt", ".md")

# A photo credit: agencies separated by slashes, or a line ending in a picture agency.
_CREDIT = re.compile(
    r"^(?:[^\n]{0,80}/)?[^\n]{0,80}\b(?:Getty Images|AFP|Reuters|AP Photo|EPA|Bloomberg|"
    r"Shutterstock|Alamy|PA Images|PA Wire|Belga|ANP|dpa|Xinhua|Imago|Photo(?:graph)?:)"
    r"[^\n.]{0,80}$", re.IGNORECASE)
# Leftovers of an editing or rewriting step ("Beginning at ... and rewriting the content:").
_LEFTOVER = re.compile(
    r"^[^\n]{0,120}\b(?:rewrit\w*|paraphras\w*|reword\w*|here is the|continue from|"
    r"the content|the article|the text)\b[^\n.]{0,80}:\s*$", re.IGNORECASE)
# "LONDON — ", "ATHENS, Greece (Reuters) - ", "GATINEAU, QC, March 7, 2023 /CNW/ - " or, a
# place in any case with a date, "Brussels, 16 May 2012 - " at the start of a paragraph.
_DATELINE = re.compile(r"^(?:(?:[A-Z][A-Z.'\-]+(?: [A-Z][A-Z.'\-]+)*)(?:,[^\n—–-]{0,40})?(?: \([^)]{1,30}\))?"
                       r"|[A-Z][\w.'’]+(?: [A-Z][\w.'’]+)*(?:, [A-Z][\w.]+)?, "
                       r"(?:\d{1,2} [A-Z][a-z]+\.?|[A-Z][a-z]+\.? \d{1,2},?) \d{4}(?: ?/[A-Z]+/)?) ?[—–-]{1,2} ")
# A footnote's number glued to the word before it, "in the United States.[7] While", "a
# Delaware corporation.[3]": the tokenizer makes one token of "States.[7" and the name runs on.
_FOOTNOTE = re.compile(r"(?<=[^\s\[])\[\d{1,3}\]")
# A term defined for the parties listed before it, "A, B and C (together, IFM Consortium)",
# "(collectively, the “Purchasers”)": the parser hangs the list from the term and its members
# lose what the sentence says of them.
_GROUP_TERM = re.compile(r"\((?:together|collectively|jointly)\s*,?\s+[^()\n]{1,60}\)", re.IGNORECASE)
# The number or letter of a numbered paragraph, "3. ", "(2) ", "(3)In", "[4] ", "(b) ": the parser
# reads it as part of the sentence ("3. Lake Ltd is ..." hangs the name from the full stop).
_ENUMERATOR = re.compile(r"[ \t]*(?:\(?\d{1,3}[.)]|\[\d{1,3}\]|\((?:[a-z]|[ivx]{1,4})\))(?:[ \t]+(?=\S)|(?=[A-Z]))")


# An HTML page given as an article: scripts, styles, comments and tags are blanked out.
_HTML = re.compile(r"\A\s*(?:<!doctype html|<html|<head|<body|<meta|<div|<p[ >])", re.IGNORECASE)
_HTML_BLOCKS = re.compile(r"<(script|style|noscript|template)\b.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL)
_HTML_TAG = re.compile(r"<[^<>]{0,2000}>")
_INLINE_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9-]{0,20}(?:\s[^<>]{0,500})?/?>")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _blank_match(m: re.Match) -> str:
    return re.sub(r"[^\n]", " ", m.group(0))


class ArticleError(ValueError):
    """An article cannot be read; the message names the file and, where known, the line."""


_BLANK_RUN = re.compile(r"\s{2,}")


class OffsetMap:
    """For each character of the compact text, its offset in the original text (by bisection)."""

    __slots__ = ("_starts", "_origins", "_lead", "_length")

    def __init__(self, starts: list[int], origins: list[int], lead: int, length: int):
        self._starts, self._origins, self._lead, self._length = starts, origins, lead, length

    def __len__(self) -> int:
        return self._length - self._lead

    def __getitem__(self, i: int) -> int:
        if not 0 <= i < len(self):
            raise IndexError(i)
        i += self._lead
        k = bisect.bisect_right(self._starts, i) - 1
        return self._origins[k] + (i - self._starts[k])


@dataclass(frozen=True, eq=False)
class Article:
    """A source document as read from disk.

    ``text`` is the file's full text; ``clean`` has the same length, with front matter,
    photo credits, captions, editing leftovers and datelines blanked out, so offsets into
    ``clean`` are offsets into ``text``.
    """

    name: str
    text: str
    clean: str
    title: str | None
    date: str | None
    source: str | None
    content_hash: str

    @functools.cached_property
    def compact(self) -> tuple[str, "OffsetMap"]:
        r"""``clean`` with runs of blanks collapsed (what the parser reads), and for each of its
        characters the offset of that character in ``text``.

        Examples
        --------
        >>> a = parse_article("A.   \n\n   <b>B</b> c.", name="x.txt")
        >>> a.compact[0]
        'A.\nB c.'
        >>> a.text[a.compact[1][3]]
        'B'
        """
        pieces: list[str] = []
        starts: list[int] = []  # where each piece starts in the compact text ...
        origins: list[int] = []  # ... and in ``text``
        at = done = 0
        for m in _BLANK_RUN.finditer(self.clean):
            for piece, origin in ((self.clean[done:m.start()], done), ("\n" if "\n" in m.group() else " ", m.start())):
                if piece:
                    pieces.append(piece)
                    starts.append(at)
                    origins.append(origin)
                    at += len(piece)
            done = m.end()
        if done < len(self.clean):
            pieces.append(self.clean[done:])
            starts.append(at)
            origins.append(done)
        text = "".join(pieces)
        lead = len(text) - len(text.lstrip())
        return text[lead:], OffsetMap(starts, origins, lead, len(text))

    @property
    def slug(self) -> str:
        """A readable, stable identifier: file stem plus a short content hash."""
        stem = re.sub(r"[^a-z0-9]+", "-", Path(self.name).stem.casefold()).strip("-") or "doc"
        return f"{stem}-{self.content_hash[:12]}"


def _blank(chars: list[str], start: int, end: int) -> None:
    for i in range(start, end):
        if chars[i] != "\n":
            chars[i] = " "


#: libyaml's safe loader when PyYAML was built with it (10x faster), else the Python one.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YAMLRefused(yaml.YAMLError):
    """YAML that parses but is refused (an alias, a number too long); ``line`` is 1-based."""

    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.message, self.line = message, line


def load_yaml(text: str):
    r"""Parse YAML safely and in bounded memory: aliases (``*name``) are refused.

    An alias repeats the node its anchor names; nine levels of nine aliases take a few
    hundred characters and expand to hundreds of millions of nodes. Our files never need
    one, so the events are read first (linear in the text) and any alias is refused before
    anything is built.

    Examples
    --------
    >>> load_yaml("date: 2024-01-02\ntitle: x")
    {'date': datetime.date(2024, 1, 2), 'title': 'x'}
    >>> load_yaml("a: &a [1]\nb: *a")
    Traceback (most recent call last):
    ...
    graph.document.YAMLRefused: YAML aliases (*a) are not accepted: they can expand without bound
    """
    for event in yaml.parse(text, Loader=_YAML_LOADER):
        if isinstance(event, yaml.AliasEvent):
            raise YAMLRefused(f"YAML aliases (*{event.anchor}) are not accepted: they can expand without bound",
                              event.start_mark.line + 1)
    try:
        return yaml.load(text, Loader=_YAML_LOADER)
    except ValueError as exc:  # 2024-02-30, T25:00:00, an integer of more digits than Python converts
        raise YAMLRefused(f"a value cannot be read ({exc}); quote it or correct it", _bad_value_line(text)) from None


def _bad_value_line(text: str) -> int:
    """The 1-based line of the first scalar the safe loader cannot construct (1 if none is found)."""
    loader = _YAML_LOADER("")
    for event in yaml.parse(text, Loader=_YAML_LOADER):
        if isinstance(event, yaml.ScalarEvent) and event.implicit[0]:
            tag = loader.resolve(yaml.ScalarNode, event.value, event.implicit)
            try:
                yaml.load(f"!!{tag.rsplit(':', 1)[-1]} {event.value}", Loader=_YAML_LOADER)
            except (ValueError, yaml.YAMLError):
                return event.start_mark.line + 1
    return 1


def _front_matter(text: str, name: str) -> tuple[dict, int]:
    """Parse a leading ``---`` block; return its fields and the offset where the body starts."""
    if not text.startswith("---"):
        return {}, 0
    m = re.match(r"---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|$)", text[: MAX_FRONT_MATTER + 10], re.DOTALL)
    if not m:
        raise ArticleError(f"{name}:1: front matter opened with '---' is never closed "
                           f"(within its first {MAX_FRONT_MATTER:,} characters)")
    try:
        data = load_yaml(m.group(1) or "") or {}
    except YAMLRefused as exc:
        raise ArticleError(f"{name}:{exc.line + 1}: front matter: {exc.message}") from None
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", 0) + 2
        raise ArticleError(f"{name}:{line}: front matter is not valid YAML") from None
    if not isinstance(data, dict):
        raise ArticleError(f"{name}:2: front matter must be 'key: value' lines")
    for key in ("title", "source"):
        if key in data and data[key] is not None and not isinstance(data[key], (str, int, float)):
            raise ArticleError(f"{name}: front matter {key} must be text, not {type(data[key]).__name__}")
    return data, m.end()


def _as_date(value, name: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    text = str(value).strip()
    if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text):
        try:  # a real day of a real month
            _dt.date.fromisoformat((text + "-01-01")[:10] if len(text) < 10 else text)
        except ValueError as exc:
            raise ArticleError(f"{name}: front matter date {text!r} is not a calendar date ({exc})") from None
        return text
    raise ArticleError(f"{name}: front matter date {text[:40]!r} is not an ISO 8601 date (YYYY-MM-DD)")


def clean_text(text: str, *, body_start: int = 0) -> str:
    """Blank out what is not article prose, keeping every offset.

    Removes photo credits and the caption line just above one, editing leftovers,
    the numbers of numbered paragraphs and of footnotes, and datelines.

    Examples
    --------
    >>> t = "Intro.\\nA caption, seen in 2021\\nJane Doe/AFP/Getty Images\\nBody."
    >>> clean_text(t).split()
    ['Intro.', 'Body.']
    >>> clean_text("Brussels, 16 May 2012 - The Commission cleared it.").split()[0]
    'The'
    """
    chars = list(text)
    lines = []
    pos = 0
    for line in text.split("\n"):
        lines.append((pos, pos + len(line), line))
        pos += len(line) + 1
    for i, (start, end, line) in enumerate(lines):
        if end <= body_start:
            continue
        stripped = line.strip()
        if not stripped:
            continue
        if _CREDIT.match(stripped) or _LEFTOVER.match(stripped):
            _blank(chars, start, end)
            # a caption: the non-empty line above a credit that does not end a sentence
            if _CREDIT.match(stripped) and i > 0:
                p_start, p_end, prev = lines[i - 1]
                if prev.strip() and not prev.rstrip().endswith((".", "!", "?", '"', "”")) \
                        and p_start >= body_start:
                    _blank(chars, p_start, p_end)
            continue
        for m in _FOOTNOTE.finditer(line):
            _blank(chars, start + m.start(), start + m.end())
        for m in _GROUP_TERM.finditer(line):
            _blank(chars, start + m.start(), start + m.end())
        m = _ENUMERATOR.match(line)
        if m:
            _blank(chars, start, start + m.end())
            continue
        m = _DATELINE.match(line)
        if m:
            _blank(chars, start, start + m.end())
    return "".join(chars)


def parse_article(text: str, *, name: str) -> Article:
    """Build an :class:`Article` from text; ``name`` is used in messages and identity."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        raise ArticleError(f"{name}: contains NUL bytes; it looks like a binary file, not an article")
    meta, body_start = _front_matter(text, name)
    if not text[body_start:].strip():
        raise ArticleError(f"{name}: the article is empty")
    # markup left by scrapers is blanked (scripts and styles whole); so are control characters
    source = _HTML_BLOCKS.sub(_blank_match, text)
    source = (_HTML_TAG if _HTML.match(text[body_start:]) else _INLINE_TAG).sub(_blank_match, source)
    source = _CONTROL.sub(" ", source)
    clean = clean_text(source, body_start=body_start)
    chars = list(clean)
    _blank(chars, 0, body_start)
    clean = "".join(chars)
    title = meta.get("title")
    if title is None:
        # a first line that is short, has no final full stop and stands alone is a headline
        first = clean.lstrip("\n").split("\n", 1)
        if len(first) == 2 and first[1].startswith("\n") and 0 < len(first[0]) < 160 \
                and not first[0].rstrip().endswith("."):
            title = first[0].strip()
    return Article(
        name=name,
        text=text,
        clean=clean,
        title=str(title).strip() if title is not None else None,
        date=_as_date(meta.get("date"), name),
        source=str(meta["source"]).strip() if meta.get("source") is not None else None,
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )


def read_article(path: Path | str, *, max_bytes: int = MAX_ARTICLE_BYTES) -> Article:
    """Read one article file (UTF-8, optional front matter with title, date, source).

    Raises
    ------
    ArticleError
        The file is missing, too large, binary or not UTF-8, or its front matter is broken.
    """
    import stat
    path = Path(path)
    try:
        info = path.stat()
    except OSError as exc:
        raise ArticleError(f"{path}: cannot read: {exc.strerror}") from None
    if not stat.S_ISREG(info.st_mode):  # /dev/zero, a FIFO: no size to check, no end
        raise ArticleError(f"{path}: not a regular file")
    size = info.st_size
    if size > max_bytes:
        raise ArticleError(f"{path}: {size:,} bytes is over the article limit of {max_bytes:,} "
                           "bytes (raise it with --max-bytes)")
    try:
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)  # the file may have grown since stat
    except OSError as exc:
        raise ArticleError(f"{path}: cannot read: {exc.strerror}") from None
    if len(data) > max_bytes:
        raise ArticleError(f"{path}: over the article limit of {max_bytes:,} bytes (raise it with --max-bytes)")
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ArticleError(f"{path}: contains NUL bytes; it looks like a binary file, not an article")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise ArticleError(f"{path}: has a UTF-16 byte-order mark but is not valid UTF-16") from None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise ArticleError(f"{path}:{line}: not UTF-8 (byte 0x{data[exc.start]:02x} at offset "
                               f"{exc.start}); convert it, e.g. iconv -f latin1 -t utf-8") from None
    return parse_article(text, name=path.name)


def _walk(directory: Path):
    """Regular files under a directory; symbolic links (to files or directories) are not followed."""
    import os
    for root, dirs, files in os.walk(directory, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not os.path.islink(os.path.join(root, d)))
        for name in sorted(files):
            full = Path(root) / name
            if not full.is_symlink():
                yield full


def _opens_with_front_matter(path: Path) -> bool:
    """Whether a file's first line is ``---`` (after a byte-order mark), as an article's front matter opens."""
    try:
        with open(path, "rb") as f:
            head = f.read(8)
    except OSError:
        return True  # read (and reported) as an article
    return head.removeprefix(b"\xef\xbb\xbf").startswith(b"---")


def find_articles(paths) -> list[Path]:
    """Expand files and directories into a sorted list of article files.

    A directory is searched recursively (symbolic links and hidden files left out: a link could point anywhere) for ``.txt`` files and for ``.md`` files that open with
    front matter (``---``) (any case: ``.TXT`` too): a ``.md`` file without it is a note
    about the folder (README, SOURCES, AUDIT...), not an article. One that holds none is an
    error saying what was looked for and what was there. A file named on its own is read
    whatever it is.
    """
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files = sorted(f for f in _walk(p) if not f.name.startswith(".") and f.is_file())
            articles = [f for f in files if f.suffix.lower() in ARTICLE_SUFFIXES
                        and (f.suffix.lower() != ".md" or _opens_with_front_matter(f))]
            if not articles:
                others = Counter(f.suffix.lower() or "(no extension)" for f in files)
                there = ", ".join(f"{n} {ext}" for ext, n in sorted(others.items())) if others else "no files"
                raise ArticleError(f"{p}: no articles found: looked for *.txt and *.md files (a .md file only "
                                   f"when it opens with front matter '---'; any case, in subfolders too) "
                                   f"and found {there}")
            found.extend(articles)
        elif p.exists():
            found.append(p)
        else:
            raise ArticleError(f"{p}: no such file or directory")
    return found
