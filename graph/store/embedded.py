"""The embedded store: an Oxigraph directory (or memory), and how a directory is checked before it opens."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pyoxigraph as ox

from ..ontology import ONTOLOGY_DIR
from .dataset import PREFIXES, DatasetStore, StoreError, with_values


#: how a command opens a store directory: ``read`` (it must be a store; opened read-only,
#: never created or rewritten), ``write`` (it must be a store), ``create`` (a store, or a
#: missing or empty directory that becomes one)
STORE_MODES = ("read", "write", "create")
#: files of a RocksDB directory (what Oxigraph writes); any of them without a readable
#: ``CURRENT`` means a damaged store, not an empty directory
_ROCKSDB_FILES = re.compile(r"(CURRENT|IDENTITY|LOCK|LOG(\.old\.\d+)?|MANIFEST-\d+|OPTIONS-\d+|\d+\.(sst|log|blob))")


def damage_error(location, exc: BaseException) -> BaseException:
    """Oxigraph's error about a damaged store (a checksum mismatch…) as a StoreError; others unchanged."""
    if isinstance(exc, (RuntimeError, OSError)) and not isinstance(exc, StoreError) and \
            re.search(r"corrupt|checksum|bad magic|truncated|unexpected end|while open a file", str(exc),
                      re.IGNORECASE):
        return StoreError(damaged_message(location, str(exc)))
    return exc


#: how often a read-only open is tried again when a writer's compaction removed a file under it
RACE_ATTEMPTS = 8


def writer_holds(path: Path | str) -> bool:
    """Whether a live process holds the store's RocksDB lock (a writer: build, import, serve…).

    Read from ``/proc/locks``, never by opening ``LOCK``: closing any descriptor of that file
    would drop a lock this very process holds. Where ``/proc/locks`` cannot be read, a
    writer is assumed.
    """
    try:
        st = os.stat(Path(path) / "LOCK")
        with open("/proc/locks", encoding="ascii", errors="replace") as fh:
            table = fh.read()
    except OSError:
        return True
    key = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    return any(key in line.split() for line in table.splitlines())


def raced_a_writer(path: Path | str, error) -> bool:
    """Whether a read failed on a file that a live writer's compaction just removed (not damage).

    A read-only open lists the store's files when it opens; a writer's compaction may delete
    some of them before they are read ("No such file or directory"). Tried again, the read
    sees the writer's new files. Without a live writer, a missing file is damage.
    """
    return "No such file or directory" in str(error) and writer_holds(path)


def _build_hint(path: Path) -> str:
    return f"build one with: sckg build ARTICLES --store {path}"


def damaged_message(path, detail: str) -> str:
    """The one line that reports a damaged store (left as it is, never rewritten)."""
    detail = " ".join(str(detail).split())
    if len(detail) > 300:
        detail = detail[:300] + "…"
    return (f"{path}: the store is damaged and was left as it is ({detail}); restore it from a copy or an "
            f"export (sckg import), or rebuild it into a new directory")


def check_store(path: Path | str, *, mode: str = "read") -> str:
    """Check a store directory without opening it; return ``"store"`` or ``"new"``.

    Raises StoreError when ``mode`` cannot use what is there: a missing store for a read
    or a write, a directory that is not a store (whatever the mode), a damaged store
    (``CURRENT`` missing, or naming a manifest that is not there).

    Examples
    --------
    >>> import tempfile
    >>> check_store(tempfile.mkdtemp(), mode="create")
    'new'
    >>> check_store("/nonexistent/store", mode="read")
    Traceback (most recent call last):
    ...
    graph.store.dataset.StoreError: /nonexistent/store: no store here; build one with: sckg build ARTICLES --store /nonexistent/store
    """
    path = Path(path)
    if not path.exists():
        if mode == "create":
            return "new"
        raise StoreError(f"{path}: no store here; {_build_hint(path)}")
    if not path.is_dir():
        raise StoreError(f"{path}: not a store directory (it is a file)")
    try:
        names = {p.name for p in path.iterdir()}
    except OSError as exc:
        raise StoreError(f"{path}: cannot read the directory: {exc.strerror}") from None
    if not names:
        if mode == "create":
            return "new"
        raise StoreError(f"{path}: an empty directory, not a store; {_build_hint(path)}")
    if not any(_ROCKSDB_FILES.fullmatch(n) for n in names):
        raise StoreError(f"{path}: this directory is not an sckg store (it holds other files); give --store a "
                         "store directory, or a new or empty one to build into")
    if "CURRENT" not in names:
        raise StoreError(damaged_message(path, "its CURRENT file is missing"))
    try:
        manifest = (path / "CURRENT").read_text(encoding="ascii", errors="replace").strip()
    except OSError as exc:
        raise StoreError(damaged_message(path, f"CURRENT cannot be read: {exc.strerror}")) from None
    if not re.fullmatch(r"MANIFEST-\d+", manifest) or manifest not in names:
        raise StoreError(damaged_message(path, f"CURRENT names {manifest[:40]!r}, which is not there"))
    return "store"


def retry_raced(path: Path | str, work, *, deadline: float | None = None):
    """``work()``, tried again (a bounded number of times, backing off) while it fails on a
    file a live writer's compaction removed under it; any other error is raised at once."""
    for attempt in range(RACE_ATTEMPTS):
        try:
            return work()
        except (OSError, RuntimeError, StoreError) as exc:
            if attempt + 1 == RACE_ATTEMPTS or not raced_a_writer(path, exc) or \
                    deadline is not None and time.monotonic() >= deadline:
                raise
        time.sleep(0.02 * 2 ** attempt)


def open_read_only(path: Path) -> ox.Store:
    """A read-only open, tried again while it races a writer."""
    return retry_raced(path, lambda: ox.Store.read_only(str(path)))


def scan_store(path: Path | str) -> str | None:
    """Read every quad of a store once, read-only; the error met (a checksum mismatch…), or None.

    Oxigraph's query evaluation can loop on a corrupted block; this plain scan fails on it.
    A file removed under the scan by a live writer's compaction is not damage: the scan
    starts again.
    """
    def scan() -> None:
        for _ in ox.Store.read_only(str(path)):
            pass
    try:
        retry_raced(path, scan)
    except (OSError, RuntimeError, StoreError) as exc:
        return str(exc)
    return None


class Store(DatasetStore):
    """An embedded Oxigraph store holding documents as named graphs.

    ``Store(None)`` is in memory; ``Store(path)`` persists in a directory.

    Examples
    --------
    >>> s = Store(None)
    >>> s.documents()
    []
    """

    def __init__(self, location: str | Path | None, *, ontology_dir: Path = ONTOLOGY_DIR, mode: str = "create"):
        if mode not in STORE_MODES:
            raise ValueError(f"unknown store mode {mode!r}; use one of {', '.join(STORE_MODES)}")
        self.location = Path(location) if location is not None else None
        self.read_only = mode == "read" and self.location is not None
        if self.location is not None:
            check_store(self.location, mode=mode)
        try:
            if self.location is None:
                self._store = ox.Store()
            elif self.read_only:
                self._store = open_read_only(self.location)
            else:
                self._store = ox.Store(str(self.location))
        except (OSError, RuntimeError) as exc:
            msg = str(exc)
            if "lock" in msg.lower():
                raise StoreError(f"{self.location}: the store is in use by another process "
                                 "(another sckg build or serve?); wait for it to finish") from None
            raise StoreError(damaged_message(self.location, msg)) from None
        self._ontology_dir = ontology_dir
        if not self.read_only:
            try:
                self._sync_ontology()
            except (OSError, RuntimeError) as exc:  # a corrupted block under the ontology graph
                raise damage_error(self.location, exc) from None

    @classmethod
    def wrap(cls, store: ox.Store, *, location: Path | None = None) -> "Store":
        """A Store over an already open pyoxigraph store (read-only ones included)."""
        self = cls.__new__(cls)
        self.location, self._store, self._ontology_dir = location, store, ONTOLOGY_DIR
        self.read_only = True
        return self

    def _insert(self, quads: list[ox.Quad]) -> None:
        # bulk insertion without a transaction: only for load(), after the file parsed whole
        self._store.bulk_extend(quads)

    def _solutions(self, sparql: str, subs: dict, *, union: bool = True):
        return self._store.query(with_values(sparql, subs), use_default_graph_as_union=union, prefixes=PREFIXES)

    def update(self, sparql: str) -> None:
        self._store.update(sparql, prefixes=PREFIXES)

    def _has_graph(self, iri: str) -> bool:
        return self._store.contains_named_graph(ox.NamedNode(iri))

    def _has_quad(self, quad: ox.Quad) -> bool:
        # a lookup, not SPARQL: Oxigraph's query evaluation can loop on a corrupted block where
        # a lookup raises its checksum error, and every writable open runs this check
        return quad in self._store

    def _put_graph(self, iri: str, quads: list[ox.Quad]) -> None:
        g = ox.NamedNode(iri)
        if not self._store.contains_named_graph(g):
            self._store.extend(quads)  # one transaction
        elif any(isinstance(t, ox.BlankNode) for q in quads for t in (q.subject, q.object)):
            self._store.remove_graph(g)  # INSERT DATA would rename blank nodes
            self._store.extend(quads)
        else:  # one transaction: a kill never leaves the graph dropped and not yet rewritten
            triples = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
            self._store.update(f"DROP SILENT GRAPH {g} ;\nINSERT DATA {{ GRAPH {g} {{\n{triples}\n}} }}")

    def _drop_graph(self, iri: str) -> None:
        self._store.remove_graph(ox.NamedNode(iri))

    def _drop_graphs(self, iris: list[str]) -> None:
        if iris:  # one update is one transaction
            self._store.update(" ;\n".join(f"DROP SILENT GRAPH {ox.NamedNode(i)}" for i in iris))

    def _all_quads(self) -> list[ox.Quad]:
        return list(self._store)

    def flush(self) -> None:
        if self._store is not None and self.location is not None and not getattr(self, "read_only", False):
            self._store.flush()

    def __exit__(self, kind, error, traceback) -> None:
        """Close; an error that says the store is damaged leaves as the StoreError that reports it.

        A corrupted block is met wherever a command reads it, not when the store opens.
        """
        damaged = damage_error(self.location, error) if error is not None else None
        try:
            self.close()
        except (OSError, RuntimeError) as exc:
            if error is None:
                raise damage_error(self.location, exc) from None
        if damaged is not error:
            raise damaged from None

    def close(self) -> None:
        """Flush and release the directory (its lock goes with the last reference)."""
        if self._store is not None:
            self.flush()
            self._store = None

