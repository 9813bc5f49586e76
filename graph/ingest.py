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
    bulk_files: list[str] = field(default_factory=list)  # N-Quads files written (bulk_dir)


ENGINES = ("local", "dask")


def new_extractor(ontology, *, model: str | None = None, relation_model: str | None = None) -> Extractor:
    """The extractor for a build (the one place a build constructs it, on any engine); the
    relation model the package ships unless ``relation_model`` names a file."""
    return Extractor(ontology, model=model, relation_model=relation_model or "shipped")


class BulkWriter:
    """Writes each partition's document graphs to one N-Quads file, for a bulk loader.

    Stands in for the store during a build: documents already in the store, or written
    earlier in the same build, are left out as a store would; a new version of a stored
    file is refused (a file cannot drop the older graph).
    """

    def __init__(self, directory: Path | str, store: Store, ontology, *, partition_size: int):
        from .store import StoreError
        self.directory = Path(directory)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{self.directory}: cannot create the bulk directory: {exc.strerror}") from None
        if any(self.directory.glob("part-*.nq")):
            raise StoreError(f"{self.directory}: already holds part-*.nq files; give an empty directory")
        self.store, self.ontology, self.partition_size = store, ontology, partition_size
        self.written: dict[str, str] = {}  # file name -> document IRI
        self.iris: set[str] = set()
        self.files: list[Path] = []
        self._out = None
        self._count = 0

    def add(self, extraction):
        import pyoxigraph as ox

        from .store import IngestResult, StoreError
        iri, name = extraction.iri, extraction.article.name
        if iri in self.iris or self.store._has_graph(iri):
            return IngestResult(iri, added=False)
        if self.store.documents_named(name) or name in self.written:
            raise StoreError(f"{name}: another version of this file is already in the store or this build; "
                             "--bulk cannot replace it (sckg retract it first, or build without --bulk)")
        if self._count % self.partition_size == 0:
            self._close_file()
            path = self.directory / f"part-{len(self.files):05d}.nq"
            self.files.append(path)
            self._out = open(path, "wb")
        ox.serialize(_to_quads(extraction, self.ontology), self._out, ox.RdfFormat.N_QUADS)
        self._count += 1
        self.written[name] = iri
        self.iris.add(iri)
        return IngestResult(iri, added=True)

    def _close_file(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None

    def close(self) -> None:
        self._close_file()


def _to_quads(extraction, ontology):
    from .model import to_quads
    return to_quads(extraction, ontology)


def build(paths, *, store: Store, ontology_dir: Path = ONTOLOGY_DIR, model: str | None = None,
          relation_model: str | None = None,
          max_bytes: int = MAX_ARTICLE_BYTES, progress: bool = False,
          curation_dir: Path | str | None = None, extractor: str = "rules", llm=None,
          skip_bad: bool = False, on_document=None, workers: int = 1, engine: str = "local",
          scheduler: str | None = None, bulk_dir: Path | str | None = None,
          partition_size: int | None = None) -> BuildReport:
    """Ingest article files and directories into ``store``.

    Every file is read and checked before anything is written, so a bad file stops the
    build with the store as it was. Each document is committed on its own: an interrupted
    build keeps the documents finished before it stopped.

    ``engine="dask"`` parses and extracts on a Dask cluster (``scheduler``, or a local one
    of ``workers`` processes); names are still matched and documents written here, in
    input order, so the store ends the same as with the local engine. ``bulk_dir`` writes
    the document graphs to one N-Quads file per partition there instead of the store
    (for ``oxigraph load`` or Virtuoso's ``ld_dir``); the store is only read.

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
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; use {' or '.join(ENGINES)}")
    if engine == "dask" and extractor != "rules":
        raise ValueError("the dask engine runs the rule extractor only (--extractor rules)")
    from .cluster import PARTITION_SIZE
    partition_size = partition_size or PARTITION_SIZE
    ontology = load_ontology(ontology_dir)
    curation = load_curation(curation_dir, ontology)
    llm_extractor = None
    if extractor in ("llm", "both"):
        from .extract.llm import LLMConfig, LLMExtractor
        llm_extractor = LLMExtractor(ontology, llm or LLMConfig.from_env())
    files = find_articles(paths)
    report = BuildReport()
    articles, source = [], {}
    for f in files:
        try:
            articles.append(read_article(f, max_bytes=max_bytes))
            source[id(articles[-1])] = f
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
    writer = None if bulk_dir is None else BulkWriter(bulk_dir, store, ontology, partition_size=partition_size)
    if todo:
        index = NameIndex.from_store(store, ontology)
        bar = None
        if progress:
            from tqdm import tqdm
            bar = tqdm(total=len(todo), unit="doc", desc="extracting", leave=False)
        rules = None
        if engine == "dask":
            from .cluster import dask_extractions
            extractions = dask_extractions(
                [(source[id(a)], a) for a in todo], ontology_dir=ontology_dir, model=model, scheduler=scheduler,
                workers=workers, max_bytes=max_bytes,
                partition_size=partition_size, status=bar.set_postfix_str if bar is not None else None,
                relation_model=relation_model)
        elif workers > 1 and extractor == "rules":  # parse and extract in the worker processes
            from .cluster import pool_extractions
            extractions = pool_extractions(
                [(source[id(a)], a) for a in todo], ontology_dir=ontology_dir, model=model, workers=workers,
                max_bytes=max_bytes, status=bar.set_postfix_str if bar is not None else None,
                relation_model=relation_model)
        elif extractor != "llm":
            rules = new_extractor(ontology, model=model, relation_model=relation_model)
            extractions = rules.extract_many(todo, n_process=workers)
        else:
            extractions = (llm_extractor.extract(a) for a in todo)
        for extraction in extractions:
            if rules is not None and llm_extractor is not None:
                from .extract.llm import combine
                extraction = combine(extraction, llm_extractor.extract(extraction.article))
            extraction = resolve_extraction(extraction, index=index, curation=curation, ontology=ontology)
            result = store.add(extraction, ontology) if writer is None else writer.add(extraction)
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
    if writer is not None:
        writer.close()
        report.bulk_files = [str(f) for f in writer.files]
    elif todo or curation.same or curation.rejections or curation.assertions:
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
