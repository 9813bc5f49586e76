"""Shared fixtures: the real ontology, the real spaCy model, a store built from the seeds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from graph.extract import Extractor
from graph.ontology import ONTOLOGY_DIR, load_ontology
from graph.store import Store

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DEV = Path(__file__).resolve().parent / "data" / "eval" / "dev"


@pytest.fixture(scope="session")
def ontology():
    return load_ontology()


@pytest.fixture(scope="session")
def extractor(ontology):
    return Extractor(ontology)


@pytest.fixture(scope="session")
def rules_only(extractor, ontology):
    """The extractor with the rules alone (no relation model), sharing the spaCy pipeline."""
    return Extractor(ontology, nlp=extractor.nlp, relation_model=None)


@pytest.fixture(scope="session")
def seed_store(tmp_path_factory):
    """A store directory built once from seeds/ (read-only for tests: copy it to modify)."""
    from graph.ingest import build
    path = tmp_path_factory.mktemp("seed-store") / "store"
    store = Store(path)
    build([SEEDS], store=store)
    return store


@pytest.fixture()
def ontology_copy(tmp_path):
    """A writable copy of ontology/ for tests that edit declarations."""
    dst = tmp_path / "ontology"
    shutil.copytree(ONTOLOGY_DIR, dst)
    return dst


def triples(extractor, text: str) -> set[tuple[str, str, str]]:
    """The (subject label, relation, object label) triples extracted from a small article."""
    return {(s, p, o) for s, p, o, _e in extract_text(extractor, text)}


def extract_text(extractor, text: str):
    """Extract a small article given as a string; return (subject label, relation, object label, evidence)."""
    from graph.document import parse_article
    x = extractor.extract(parse_article(text, name="inline.txt"))
    return [(x.entities[r.subject].label, r.relation, x.entities[r.object].label, r.evidence) for r in x.relations]
