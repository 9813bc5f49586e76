"""A store that is missing, mistyped or damaged: read commands refuse it and never rewrite it.

Found by a hostile tester: every command opened its store create-if-missing, so a read on
a mistyped ``--store`` answered "(0 rows)" from a new empty store, any directory silently
became a store, and ``sckg stats`` on a store whose ``CURRENT`` was missing "repaired" it
into an empty one (the original ``.sst`` files gone). Corrupted blocks made ``stats``,
``export`` and ``validate`` spin for more than ten minutes, and ``query --timeout 5``
hung because the store was opened before the timed worker.
"""

import hashlib
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.store import Store, StoreError
from tests.conftest import SEEDS
from tests.servers import free_port

from .conftest import one_clear_line

READS = [
    ["query", "ASK { ?s ?p ?o }"],
    ["stats"],
    ["path", "Alibaba", "Cainiao"],
    ["view", "--out", "{tmp}/v.html"],
    ["view", "--timeline", "--out", "{tmp}/t.html"],
    ["export", "--out", "{tmp}/x.ttl"],
    ["validate"],
    ["analyze"],
    ["resolve", "--curation", "{tmp}/cur"],
]
WRITES = [["retract", "x.txt"], ["resolve", "--curation", "{tmp}/cur", "apply"]]


def sckg_process(*args, timeout=120, env=None):
    """The real console script in its own process (a hang fails the test instead of hanging it)."""
    exe = Path(sys.executable).with_name("sckg")
    start = time.monotonic()
    proc = subprocess.run([str(exe), *map(str, args)], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})
    return proc.returncode, proc.stdout, proc.stderr, time.monotonic() - start


def fingerprint(directory: Path) -> dict:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.iterdir()) if p.is_file()}


def args_for(cmd, tmp_path):
    return [a.replace("{tmp}", str(tmp_path)) for a in cmd]


@pytest.mark.parametrize("cmd", READS + WRITES, ids=lambda c: c[0] + ("-" + c[-1] if c[0] == "resolve" else ""))
def test_read_on_missing_store_creates_nothing(sckg, tmp_path, cmd):
    missing = tmp_path / "mistyped-store"
    args = args_for(cmd, tmp_path)
    code, out, err = sckg(args[0], "--store", missing, *args[1:])
    one_clear_line(code, out, err, f"{missing}: no store here")
    assert "sckg build" in err, err
    assert not missing.exists(), "a read command created a store"


def test_serve_on_missing_store_creates_nothing(tmp_path):
    missing = tmp_path / "mistyped-store"
    code, out, err, _ = sckg_process("serve", "--store", missing, "--port", free_port(), timeout=60)
    assert code == 1 and "no store here" in err and "sckg build" in err, (code, out, err)
    assert not missing.exists()


@pytest.mark.parametrize("cmd", READS + WRITES + [["build", "{seeds}"], ["import", "{tmp}/x.nq"]],
                         ids=lambda c: c[0] + ("-" + c[-1] if c[0] == "resolve" else ""))
def test_directory_that_is_not_a_store_is_refused_and_untouched(sckg, tmp_path, cmd):
    from tests.conftest import SEEDS
    home = tmp_path / "home"
    home.mkdir()
    (home / "notes.txt").write_text("my notes\n", encoding="utf-8")
    (tmp_path / "x.nq").write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    before = fingerprint(home)
    args = [a.replace("{seeds}", str(SEEDS)) for a in args_for(cmd, tmp_path)]
    code, out, err = sckg(args[0], "--store", home, *args[1:])
    one_clear_line(code, out, err, "is not an sckg store")
    assert fingerprint(home) == before


def test_empty_directory_is_no_store_to_read_but_can_be_built_into(sckg, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    one_clear_line(*sckg("stats", "--store", empty), "an empty directory, not a store")
    (tmp_path / "x.nq").write_text("<urn:a> <urn:b> <urn:c> <urn:g> .\n", encoding="utf-8")
    code, out, err = sckg("import", tmp_path / "x.nq", "--store", empty)
    assert code == 0 and (empty / "CURRENT").exists(), out + err


@pytest.fixture(scope="module")
def big_store(tmp_path_factory):
    """A store of 200,000 quads in 50 graphs: several SST files with many data blocks."""
    path = tmp_path_factory.mktemp("damage") / "store"
    quads = [ox.Quad(ox.NamedNode(f"http://x/{i}"), ox.NamedNode("http://x/p"), ox.Literal("v" * 50 + str(i)),
                     ox.NamedNode(f"http://g/{i % 50}")) for i in range(200_000)]
    with Store(path) as s:
        s._store.bulk_extend(quads)
    return path


def test_stats_on_store_without_current_keeps_its_files(sckg, big_store, tmp_path):
    store = tmp_path / "store"
    shutil.copytree(big_store, store)
    (store / "CURRENT").unlink()
    before = fingerprint(store)
    for cmd in (["stats"], ["stats"], ["export", "--out", tmp_path / "x.nq"], ["validate"],
                ["query", "ASK { ?s ?p ?o }"]):
        code, out, err = sckg(cmd[0], "--store", store, *cmd[1:])
        one_clear_line(code, out, err, "the store is damaged and was left as it is")
        assert "CURRENT" in err, err
    for cmd in (["build", tmp_path / "nothing"], ["import", tmp_path / "x.nq"], ["retract", "x"]):
        (tmp_path / "nothing").mkdir(exist_ok=True)
        (tmp_path / "x.nq").write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
        code, out, err = sckg(cmd[0], *cmd[1:], "--store", store) if cmd[0] != "retract" else \
            sckg(cmd[0], cmd[1], "--store", store)
        one_clear_line(code, out, err, "damaged")
    assert fingerprint(store) == before, "a command rewrote the damaged store"
    manifest = next(n for n in before if n.startswith("MANIFEST-"))
    (store / "CURRENT").write_text(manifest + "\n", encoding="ascii")
    with Store(store, mode="read") as s:
        assert len(s._store) == 200_000 + len(Store(None)._store), "the data did not survive"


def corrupt(store: Path, seed: int) -> None:
    """200 random bytes inside each data-bearing SST file (in its first half: data blocks)."""
    rnd = random.Random(seed)
    for f in sorted(store.glob("*.sst")):
        size = f.stat().st_size
        if size < 10_000:
            continue
        with open(f, "r+b") as fh:
            fh.seek(rnd.randrange(0, size // 2))
            fh.write(bytes(rnd.randrange(256) for _ in range(200)))


@pytest.mark.parametrize("cmd", [["stats"], ["export", "--out", "{tmp}/x.nq"], ["validate"]], ids=lambda c: c[0])
def test_corrupted_blocks_are_reported_not_spun_on(big_store, tmp_path, cmd):
    store = tmp_path / "store"
    shutil.copytree(big_store, store)
    corrupt(store, 1)
    before = fingerprint(store)
    args = args_for(cmd, tmp_path)
    code, out, err, took = sckg_process(args[0], "--store", store, *args[1:], timeout=120,
                                        env={"SCKG_READ_TIMEOUT": "100"})
    assert code == 1 and "the store is damaged" in err and "checksum" in err.lower(), (code, out, err)
    assert took < 60, f"{took:.0f} s to report a damaged store"
    assert fingerprint(store) == before


def test_query_timeout_covers_opening_a_corrupted_store(big_store, tmp_path):
    store = tmp_path / "store"
    shutil.copytree(big_store, store)
    corrupt(store, 1)
    code, out, err, took = sckg_process("query", "--store", store, "--timeout", "5",
                                        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", timeout=120)
    assert code == 1 and took < 30, (code, took, out, err)
    assert "damaged" in err or "--timeout" in err, err


def test_check_store_names_a_file_given_as_store(tmp_path):
    from graph.store import check_store
    f = tmp_path / "store"
    f.write_text("x", encoding="utf-8")
    with pytest.raises(StoreError, match="not a store directory"):
        check_store(f, mode="create")


def test_build_on_corrupted_blocks_reports_the_damage_not_an_internal_error(big_store, tmp_path):
    """A write opens such a store (its CURRENT intact) at once and meets the bad block later,
    where it reads: that was "internal error: RuntimeError: Corruption…", exit 2. (An import
    reads only the ontology check: where the bad blocks lie elsewhere it completes, and the
    next command that meets them reports them; see the ontology-only store below.) Then, on
    some builds of ``big_store`` (its bulk load numbers SST files in a different order each
    time, so the same seed corrupts different blocks), the write spun to 120 s: opening ran
    the ontology check as a SPARQL ASK, Oxigraph's query evaluation loops on the bad block,
    and the damage watch only started once the store was open."""
    store = tmp_path / "store"
    shutil.copytree(big_store, store)
    corrupt(store, 1)
    shutil.copytree(SEEDS, tmp_path / "articles")
    code, out, err, took = sckg_process("build", tmp_path / "articles", "--store", store, timeout=120)
    assert code == 1 and "the store is damaged" in err and "checksum" in err.lower(), (code, out, err)
    assert "internal error" not in err and len(err.strip().splitlines()) == 1, err
    assert took < 60, f"{took:.0f} s to report a damaged store"


def test_write_commands_on_a_corrupted_store_whose_current_is_intact_are_time_limited(big_store, tmp_path):
    """A scan through a writable store spun for minutes on such a store (reads were bounded,
    writes were not); under stop_on_damage, as every write command runs, it ends reported.
    Opening for writing reads the store (the ontology check) before any watch: it must fail
    on the bad block, not loop."""
    store = tmp_path / "store"
    shutil.copytree(big_store, store)
    corrupt(store, 1)
    code = ("import sys\nfrom graph.store import Store, stop_on_damage\n"
            "with Store(sys.argv[1], mode='write') as s, stop_on_damage(sys.argv[1]):\n    s.stats()\n")
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", code, str(store)], capture_output=True, text=True, timeout=120)
    took = time.monotonic() - start
    assert proc.returncode == 1 and "the store is damaged" in proc.stderr, (proc.returncode, proc.stderr[-2000:])
    assert "checksum" in proc.stderr.lower() and took < 60, (took, proc.stderr[-2000:])


@pytest.fixture()
def ontology_only_store_with_bad_blocks(tmp_path):
    """A store holding only the ontology graph, with a bad data block under its content hash:
    64 bytes overwritten at 4 KiB steps of its larger SST files until looking that quad up
    meets a checksum error (where it lies depends on the ontology's text)."""
    from graph.model import sckg
    path = tmp_path / "store"
    with Store(path) as s:
        (marker,) = s._store.quads_for_pattern(None, sckg("contentHash"), None, None)
    for f in sorted(path.glob("*.sst")):
        size = f.stat().st_size
        for offset in range(0, size // 2, 4096) if size >= 10_000 else ():
            with open(f, "r+b") as fh:
                fh.seek(offset)
                kept = fh.read(64)
                fh.seek(offset)
                fh.write(b"\xff" * 64)
            try:
                marker in ox.Store.read_only(str(path))
            except (OSError, RuntimeError) as exc:
                if "checksum mismatch" in str(exc):
                    return path, f.name
            with open(f, "r+b") as fh:
                fh.seek(offset)
                fh.write(kept)
    pytest.fail("no data block of the store holds the ontology's content hash")


def test_opening_a_store_with_a_bad_block_for_writing_fails_at_once_not_spun_on(ontology_only_store_with_bad_blocks):
    """Opening for writing checks the ontology graph; that check was a SPARQL ASK, which
    Oxigraph evaluates in a loop on a corrupted block (no damage watch runs yet while a
    store opens): the write commands spun until killed."""
    code = "import sys\nfrom graph.store import Store\nStore(sys.argv[1], mode='write').close()\n"
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", code, str(ontology_only_store_with_bad_blocks[0])],
                          capture_output=True, text=True, timeout=120)
    took = time.monotonic() - start
    assert proc.returncode == 1 and "the store is damaged" in proc.stderr, (proc.returncode, proc.stderr[-2000:])
    assert "checksum" in proc.stderr.lower() and took < 30, (took, proc.stderr[-2000:])


@pytest.mark.parametrize("cmd", [["import", "{tmp}/x.nq"], ["build", "{tmp}/articles"]], ids=lambda c: c[0])
def test_write_commands_on_a_store_with_a_bad_block_under_its_ontology_report_the_damage(
        ontology_only_store_with_bad_blocks, tmp_path, cmd):
    store, damaged = ontology_only_store_with_bad_blocks
    before = fingerprint(store)
    (tmp_path / "x.nq").write_text("<urn:a> <urn:b> <urn:c> <urn:g> .\n", encoding="utf-8")
    shutil.copytree(SEEDS, tmp_path / "articles")
    code, out, err, took = sckg_process(*args_for(cmd, tmp_path), "--store", store, timeout=120)
    assert code == 1 and "the store is damaged" in err and "checksum" in err.lower(), (code, out, err)
    assert len(err.strip().splitlines()) == 1 and took < 30, (took, err)
    # RocksDB may compact other files when a store opens for writing; the damaged one stays
    assert fingerprint(store).get(damaged) == before[damaged], f"the damaged {damaged} was rewritten or removed"
