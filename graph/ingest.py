"""Build the graph: read articles, extract, and store each document's graph."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .document import MAX_ARTICLE_BYTES, ArticleError, find_articles, read_article
from .extract import Extractor
from .ontology import ONTOLOGY_DIR, load_ontology
from .store import Store


#: documents between flushes of the store's write buffers during a build (without them,
#: RocksDB's buffers grow with the build: 660 MiB after 3,000 articles)
FLUSH_EVERY = 250


@dataclass
class BuildReport:
    """What a build did."""

    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    relations: int = 0
    curation: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)  # messages for files left out (skip_bad)


def build(paths, *, store: Store, ontology_dir: Path = ONTOLOGY_DIR, model: str | None = None,
          relation_model: str | None = None,
          max_bytes: int = MAX_ARTICLE_BYTES, progress: bool = False,
          curation_dir: Path | str | None = None, extractor: str = "rules", llm=None,
          skip_bad: bool = False, on_document=None, workers: int = 1) -> BuildReport:
    """Ingest article files and directories into ``store``.

    Every file is read and checked before anything is written, so a bad file stops the
    build with the store as it was. Each document is committed on its own: an interrupted
    build keeps the documents finished before it stopped.

    Examples
    --------
    >>> from graph.store import Store
    >>> s = Store(None)
    >>> build(["seeds"], store=s).added[0].startswith("https://w3id.org/sckg/id/doc/")
    True
    """
    from .resolve import NameIndex, apply_curation, load_curation, resolve_extraction

    if extractor not in ("rules", "llm", "both"):
        raise ValueError(f"unknown extractor {extractor!r}; use rules, llm or both")
    ontology = load_ontology(ontology_dir)
    curation = load_curation(curation_dir, ontology)
    llm_extractor = None
    if extractor in ("llm", "both"):
        from .extract.llm import LLMConfig, LLMExtractor
        llm_extractor = LLMExtractor(ontology, llm or LLMConfig.from_env())
    files = find_articles(paths)
    report = BuildReport()
    articles = []
    for f in files:
        try:
            articles.append(read_article(f, max_bytes=max_bytes))
        except ArticleError as exc:
            if not skip_bad:
                raise
            report.skipped.append(str(exc))
    todo = []
    stored, named = {}, {}
    for sol in store.query("SELECT ?d ?h ?n WHERE { GRAPH ?d { ?d sckg:contentHash ?h OPTIONAL { ?d sckg:fileName ?n } } }"):
        stored[sol["h"].value] = sol["d"].value
        if sol["n"] is not None:
            named.setdefault(sol["n"].value, set()).add(sol["d"].value)
    for art in articles:
        known = stored.get(art.content_hash)
        if known:
            report.unchanged.append(known)
            # a build killed between writing a new version and dropping the old one left both
            for older in sorted(named.get(art.name, set()) - {known}):
                store._drop_graph(older)
                report.replaced.append(older)
        else:
            todo.append(art)
    if todo:
        rules = Extractor(ontology, model=model, relation_model=relation_model or "shipped") \
            if extractor != "llm" else None
        index = NameIndex.from_store(store, ontology)
        bar = None
        if progress:
            from tqdm import tqdm
            bar = tqdm(total=len(todo), unit="doc", desc="extracting", leave=False)
        if rules is not None:
            extractions = rules.extract_many(todo, n_process=workers)
        else:
            extractions = (llm_extractor.extract(a) for a in todo)
        for extraction in extractions:
            if rules is not None and llm_extractor is not None:
                from .extract.llm import combine
                extraction = combine(extraction, llm_extractor.extract(extraction.article))
            extraction = resolve_extraction(extraction, index=index, curation=curation, ontology=ontology)
            result = store.add(extraction, ontology)
            index.add_extraction(extraction)
            (report.added if result.added else report.unchanged).append(result.document)
            if result.added and len(report.added) % FLUSH_EVERY == 0:
                store.flush()  # write buffers out: memory stays flat on long builds
            report.replaced.extend(result.replaced)
            report.relations += len(extraction.relations)
            if on_document is not None:
                on_document(extraction.article, result)
            if bar is not None:
                bar.update(1)
        if bar is not None:
            bar.close()
    if todo or curation.same or curation.rejections or curation.assertions:
        report.curation = apply_curation(store, curation, ontology)
    store.flush()
    return report


def write_extractions(store: Store, extractions, ontology) -> None:
    """Store already-made extractions in order, joining names across documents as a build does."""
    from .resolve import NameIndex, load_curation, resolve_extraction

    curation = load_curation(None, ontology)
    index = NameIndex.from_store(store, ontology)
    for extraction in extractions:
        extraction = resolve_extraction(extraction, index=index, curation=curation, ontology=ontology)
        store.add(extraction, ontology)
        index.add_extraction(extraction)
    store.flush()
