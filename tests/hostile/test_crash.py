"""Crash safety: SIGKILL in the middle of a build loses nothing committed; builds do not overlap."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from graph.document import read_article
from graph.store import Store
from graph.validate import validate

STATES = ["German", "French", "Italian", "Dutch", "Swedish", "British", "Japanese", "Canadian"]
COMPANIES = ["Huawei", "ZTE", "Alibaba", "Tencent", "Cosco", "Nexperia", "Wingtech", "TikTok", "ByteDance",
             "Hikvision", "SMIC", "CATL"]
SENTENCES = [
    "The {s} government blocked the sale of {a} to {b} on security grounds.",
    "{a} owns a 40% stake in {b}, according to filings.",
    "The {s} government is investigating {a} over its ties to {b}.",
    "{a} signed a partnership with {b} last year.",
    "Officials said the decision followed months of talks with both companies.",
]


def corpus(directory: Path, n: int) -> list[Path]:
    directory.mkdir()
    paths = []
    for i in range(n):
        s = STATES[i % len(STATES)]
        a, b = COMPANIES[i % len(COMPANIES)], COMPANIES[(i * 5 + 3) % len(COMPANIES)]
        body = " ".join(t.format(s=s, a=a, b=b) for t in SENTENCES) + "\n\n"
        p = directory / f"article-{i:04d}.txt"
        p.write_text(f"---\ntitle: Article {i}\ndate: 2024-01-{i % 28 + 1:02d}\n---\n" + body * 8)
        paths.append(p)
    return paths


def sckg_cmd(*args) -> list[str]:
    return [str(Path(sys.executable).with_name("sckg")), *map(str, args)]


def test_sigkill_mid_build_keeps_exactly_the_committed_documents(tmp_path, extractor):
    articles = corpus(tmp_path / "corpus", 120)
    store = tmp_path / "store"
    proc = subprocess.Popen(sckg_cmd("build", tmp_path / "corpus", "--store", store, "--verbose"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    committed = []
    for line in proc.stdout:
        if line.startswith("added "):
            committed.append(line.split()[1])
        if len(committed) >= 5:
            os.kill(proc.pid, signal.SIGKILL)
            break
    proc.wait(30)
    assert proc.returncode == -signal.SIGKILL, "the build ended before it could be killed"

    s = Store(store)
    stored = {Path(r["n"].value).name for r in s.query("SELECT ?n WHERE { ?d a sckg:Document ; sckg:fileName ?n }")}
    assert set(committed) <= stored, (committed, stored)
    assert len(stored) <= len(committed) + 1, "more documents than were committed"
    assert len(stored) < len(articles), "the kill came after the end of the build"
    # every stored document is whole: as many evidence records as its extraction yields
    for name in sorted(stored):
        expected = len(extractor.extract(read_article(tmp_path / "corpus" / name)).relations)
        got = int(next(iter(s.query(
            "SELECT (COUNT(?e) AS ?n) ?f WHERE { ?d sckg:fileName ?f . ?e prov:wasDerivedFrom ?d ; a sckg:Evidence }"
            " GROUP BY ?f", bindings={"f": name})))["n"].value)
        assert got == expected, (name, got, expected)
    report = validate(s)
    assert report.conforms, report.text
    s.close()

    done = subprocess.run(sckg_cmd("build", tmp_path / "corpus", "--store", store), capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    assert f"added {len(articles) - len(stored)}, unchanged {len(stored)}" in done.stdout, done.stdout
    s = Store(store)
    assert len(s.documents()) == len(articles)
    assert validate(s).conforms


def test_a_second_build_on_the_same_store_is_refused(tmp_path):
    corpus(tmp_path / "corpus", 60)
    store = tmp_path / "store"
    first = subprocess.Popen(sckg_cmd("build", tmp_path / "corpus", "--store", store, "--verbose"),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert first.stdout.readline().startswith("added "), "the first build did not start"
        second = subprocess.run(sckg_cmd("build", tmp_path / "corpus", "--store", store),
                                capture_output=True, text=True, timeout=120)
        assert second.returncode == 1
        assert "in use by another process" in second.stderr and "Traceback" not in second.stderr, second.stderr
    finally:
        first.kill()
        first.wait(30)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_interrupted_build_exits_cleanly(tmp_path, signum):
    corpus(tmp_path / "corpus", 60)
    proc = subprocess.Popen(sckg_cmd("build", tmp_path / "corpus", "--store", tmp_path / "store", "--verbose"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().startswith("added ")
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    assert "Traceback" not in err, err
    s = Store(tmp_path / "store")
    assert validate(s).conforms
