"""The gazetteer: well-known entities by normalised name, and a matcher for their names."""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from ..model import normalise_name
from ..ontology import SCKG, GazetteerEntry, Ontology
from .typer import iso_names

class NoEntry:
    type = None


NO_ENTRY = NoEntry()


@dataclass
class Gazetteer:
    """Names of well-known entities, indexed by normalised form."""

    by_name: dict[str, GazetteerEntry]
    metonyms: dict[str, GazetteerEntry]
    demonyms: dict[str, GazetteerEntry]
    short_names: dict[str, list[GazetteerEntry]]  # "commission" -> bodies a text of their jurisdiction calls so
    cues: tuple[tuple[str, str], ...] = ()  # ("Council Regulation", IRI of the EU): sckg:jurisdictionCue

    @classmethod
    def build(cls, ontology: Ontology) -> "Gazetteer":
        by_name, metonyms, demonyms, short_names = {}, {}, {}, {}
        for e in ontology.gazetteer:
            for name in e.short_names:
                short_names.setdefault(normalise_name(name), []).append(e)
            for name in (e.label, *e.alt_labels):
                by_name.setdefault(normalise_name(name), e)
            for name in e.metonyms:
                metonyms.setdefault(normalise_name(name), e)
            for d in e.demonyms:
                demonyms.setdefault(normalise_name(d), e)
                for noun in ontology.government_nouns:
                    by_name.setdefault(normalise_name(f"{d} {noun}"), e)
        for e in ontology.gazetteer:  # after every label, so that a label always wins
            if e.type == SCKG.State:  # a state's other names in ISO 3166 ("Democratic People's Republic of Korea")
                for name in iso_names(e.label, *e.alt_labels):
                    by_name.setdefault(normalise_name(name), e)
        cues = tuple(sorted((cue, str(e.iri)) for e in ontology.gazetteer for cue in e.jurisdiction_cues))
        return cls(by_name, metonyms, demonyms, short_names, cues)

    def publishers(self, source: str | None) -> frozenset[str]:
        """The IRIs of the bodies with a short name that a document's source line names as its
        publisher ("... (European Commission, DG Competition weekly news summary)"): the
        document's bare "Commission" is theirs."""
        if not source:
            return frozenset()
        return frozenset(iri for pattern, iri in self._publisher_patterns() if pattern.search(source))

    def _publisher_patterns(self) -> tuple[tuple[re.Pattern, str], ...]:
        cached = self.__dict__.get("_publisher_cache")
        if cached is None:
            entries = {str(e.iri): e for es in self.short_names.values() for e in es}
            cached = self.__dict__["_publisher_cache"] = tuple(
                (re.compile("|".join(rf"(?<!\w){re.escape(n)}(?!\w)" for n in (e.label, *e.alt_labels))), iri)
                for iri, e in sorted(entries.items()))
        return cached

    def cued(self, text: str) -> frozenset[str]:
        """The IRIs of the jurisdictions whose cue words the text uses ("Regulation (EC)")."""
        return frozenset(iri for cue, iri in self.cues if cue in text)

    def entry(self, name: str) -> GazetteerEntry | None:
        """The entry a name or metonym names."""
        norm = normalise_name(name)
        return self.by_name.get(norm) or self.metonyms.get(norm)


def phrase_matcher(nlp, gazetteer: Gazetteer) -> PhraseMatcher:
    """A case-insensitive matcher for every gazetteer name."""
    m = PhraseMatcher(nlp.vocab, attr="LOWER")
    names = set(gazetteer.by_name) | set(gazetteer.metonyms)
    for e in {id(v): v for v in (*gazetteer.by_name.values(), *gazetteer.metonyms.values())}.values():
        names.update([e.label, *e.alt_labels, *e.metonyms])
    m.add("GAZ", list(nlp.tokenizer.pipe(sorted(names))))
    return m


def gazetteer_spans(doc: Doc, gazetteer: Gazetteer, matcher: PhraseMatcher) -> list[tuple[Span, GazetteerEntry]]:
    """The gazetteer's names in ``doc``, each with the entry it names."""
    out = []
    for _, start, end in matcher(doc):
        span = doc[start:end]
        entry = gazetteer.entry(span.text)
        if entry is None:
            continue
        # short names must match case: "US" is not "us"
        names = [entry.label, *entry.alt_labels, *entry.metonyms]
        if len(span.text) <= 4 and span.text not in names:
            continue
        out.append((span, entry))
    return out
