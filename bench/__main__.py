"""Run the benchmarks: `python -m bench [--quick] [--json FILE]`.

Everything is measured in one run and reported as ratios against the component underneath
(spaCy, raw pyoxigraph, rdflib), because the machine is shared and noisy: a ratio of two
medians taken minutes apart is steadier than either time.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.timing import median_time, median_wall_cpu  # noqa: E402

TARGETS = {
    "ingest_vs_spacy": (">=", 0.8),
    "workers2_vs_spacy2": (">=", 0.95),
    "dask_vs_workers2": (">=", 0.9),
    "load_vs_oxigraph": ("<=", 1.3),
    "query_vs_oxigraph": ("<=", 1.5),
    "query_speedup_vs_rdflib": (">=", 10.0),
    "peak_rss_mib": ("<=", 1024.0),
    "provenance_lookup_ms": ("<", 5.0),
    "add_article_to_big_store_s": ("<", 1.0),
    "view_20k_nodes_s": ("<", 1.0),
}


def words(paths) -> int:
    from graph.document import read_article
    return sum(len(read_article(p).compact[0].split()) for p in paths)


def bench_ingest(tmp: Path, sizes: list[int], repeat: int) -> dict:
    """sckg build (parse + extraction + resolution + RDF writing) against bare spaCy on the same text."""
    from bench.generate import write_corpus
    from graph.document import read_article
    from graph.extract.nlp import load_nlp
    from graph.ingest import build
    from graph.store import Store

    nlp = load_nlp()
    out = {}
    for n in sizes:
        corpus = tmp / f"corpus-{n}"
        paths = write_corpus(corpus, n)
        texts = [read_article(p).compact[0] for p in paths]
        w = sum(len(t.split()) for t in texts)

        def spacy_only():
            for _ in nlp.pipe(texts, batch_size=16):
                pass

        def sckg_build(workers=1):
            d = tmp / f"store-{n}-{workers}"
            shutil.rmtree(d, ignore_errors=True)
            with Store(d) as s:
                build([corpus], store=s, workers=workers)

        t_spacy, c_spacy = median_wall_cpu(spacy_only, repeat)
        t_sckg, c_sckg = median_wall_cpu(sckg_build, repeat)
        out[n] = {"articles": n, "words": w, "spacy_wps": w / t_spacy, "sckg_wps": w / t_sckg,
                  "ratio": t_spacy / t_sckg, "cpu_ratio": c_spacy / c_sckg}
        print(f"  ingest {n:>6} articles, {w:>9,} words: spaCy {w / t_spacy:8.0f} w/s, sckg {w / t_sckg:8.0f} w/s,"
              f" ratio {t_spacy / t_sckg:.3f} (CPU time: {c_spacy / c_sckg:.3f})", flush=True)
        if n == sizes[-1]:
            t2 = median_time(lambda: sckg_build(2), 1)
            out["workers_2_vs_1"] = t_sckg / t2
            print(f"  ingest --workers 2 vs 1: {t_sckg / t2:.2f}x", flush=True)
    return out


def bench_scaling(tmp: Path, n: int) -> dict:
    """Two parser processes and a 2-worker Dask cluster against spaCy's own n_process=2, and
    the writer (name matching + store write, in the client) alone, on the same articles."""
    from bench.generate import write_corpus
    from graph.cluster import local_cluster
    from graph.document import read_article
    from graph.extract.nlp import load_nlp
    from graph.ingest import build, new_extractor
    from graph.ontology import load_ontology
    from graph.resolve import NameIndex, load_curation, resolve_extraction
    from graph.store import Store

    corpus = tmp / f"scaling-{n}"
    paths = write_corpus(corpus, n)
    articles = [read_article(p) for p in paths]
    texts = [a.compact[0] for a in articles]
    nlp = load_nlp()

    def spacy(n_process):
        for _ in nlp.pipe(texts, batch_size=16, n_process=n_process):
            pass

    def sckg(workers, engine="local", scheduler=None, source=corpus):
        d = tmp / f"scaling-store-{engine}-{workers}"
        shutil.rmtree(d, ignore_errors=True)
        with Store(d) as s:
            build([source], store=s, workers=workers, engine=engine, scheduler=scheduler)

    def wall_and_cpu(fn) -> tuple[float, float]:
        """Wall time, and CPU time of this process and its (finished) child processes."""
        a, t = os.times(), time.perf_counter()
        fn()
        wall, b = time.perf_counter() - t, os.times()
        return wall, (b.user + b.system + b.children_user + b.children_system
                      - a.user - a.system - a.children_user - a.children_system)

    out = {"articles": n}
    t_spacy2, cpu_spacy2 = wall_and_cpu(lambda: spacy(2))
    t_workers2, cpu_workers2 = wall_and_cpu(lambda: sckg(2))
    with local_cluster(2) as cluster:  # the cluster `sckg build --engine dask` starts
        warm = tmp / "scaling-warm-up"
        if not warm.exists():
            write_corpus(warm, 4, seed=1)
        sckg(2, "dask", cluster.scheduler_address, source=warm)  # each worker loads the extractor once
        t_dask = median_time(lambda: sckg(2, "dask", cluster.scheduler_address), 1)
    # one worker's rate (parse + extract, one process) and the writer's rate on its output
    ontology = load_ontology()
    extractor = new_extractor(ontology)
    t0 = time.perf_counter()
    extractions = list(extractor.extract_many(articles))
    t_worker = time.perf_counter() - t0
    curation = load_curation(None, ontology)
    d = tmp / "scaling-writer"
    shutil.rmtree(d, ignore_errors=True)
    with Store(d) as store:
        index = NameIndex.from_store(store, ontology)
        t0 = time.perf_counter()
        for x in extractions:
            x = resolve_extraction(x, index=index, curation=curation, ontology=ontology)
            store.add(x, ontology)
            index.add_extraction(x)
        store.flush()
        t_writer = time.perf_counter() - t0
    out.update({"spacy_n_process_2_s": t_spacy2, "workers_2_s": t_workers2, "dask_2_workers_s": t_dask,
                "workers2_vs_spacy2": t_spacy2 / t_workers2, "workers2_vs_spacy2_cpu": cpu_spacy2 / cpu_workers2,
                "dask_vs_workers2": t_workers2 / t_dask,
                "worker_articles_per_s": n / t_worker, "writer_articles_per_s": n / t_writer,
                "writer_keeps_up_with_workers": (n / t_writer) / (n / t_worker)})
    print(f"  {n} articles: spaCy n_process=2 {t_spacy2:.1f} s, --workers 2 {t_workers2:.1f} s "
          f"({out['workers2_vs_spacy2']:.2f} of spaCy; CPU time {out['workers2_vs_spacy2_cpu']:.2f}), "
          f"dask on 2 workers {t_dask:.1f} s "
          f"({out['dask_vs_workers2']:.2f} of --workers 2)", flush=True)
    print(f"  writer {out['writer_articles_per_s']:.0f} articles/s; one worker parses and extracts "
          f"{out['worker_articles_per_s']:.1f} articles/s: the writer becomes the bottleneck past "
          f"{out['writer_keeps_up_with_workers']:.0f} workers", flush=True)
    return out


def bench_store(tmp: Path, n_triples: int, repeat: int) -> dict:
    """Load, queries and provenance on a big graph; run in a child for a clean peak-memory reading."""
    from bench.generate import model_graph
    import pyoxigraph as ox

    data = tmp / f"graph-{n_triples}.nq"
    if not data.exists():
        quads = model_graph(n_triples)
        with open(data, "wb") as f:
            ox.serialize(quads, f, ox.RdfFormat.N_QUADS)
        del quads
    out = {}
    for mode in ("raw", "sckg"):
        child = subprocess.run([sys.executable, "-m", "bench.store_child", mode, str(data), str(tmp), str(repeat)],
                               stdout=subprocess.PIPE, text=True, cwd=ROOT)  # progress streams on stderr
        if child.returncode != 0:
            raise RuntimeError(f"bench.store_child {mode} exited with {child.returncode}")
        out.update(json.loads(child.stdout))
    out["load_vs_oxigraph"] = out["sckg_load_s"] / out["raw_load_s"]
    print(f"  load ratio sckg / pyoxigraph: {out['load_vs_oxigraph']:.3f}", flush=True)
    return out


def bench_rdflib(tmp: Path, n_triples: int, repeat: int) -> dict:
    """The competency queries on rdflib's Memory store against sckg, on the same smaller graph."""
    from bench.generate import model_graph
    from bench.store_child import QUERIES, provenance_query
    import pyoxigraph as ox
    import rdflib
    from graph.store import PREFIXES, Store, sparql_prologue

    quads = model_graph(n_triples)
    path = tmp / f"graph-rdflib-{n_triples}.nq"
    with open(path, "wb") as f:
        ox.serialize(quads, f, ox.RdfFormat.N_QUADS)
    ds = rdflib.Dataset(default_union=True)
    ds.parse(path, format="nquads")
    ds.parse(ROOT / "ontology" / "sckg.ttl", format="turtle")
    store = Store(tmp / "rdflib-compare")
    store.load(path)
    edge = next(iter(store.query("SELECT ?s ?o WHERE { ?s sckg:owns ?o } LIMIT 1")))
    queries = dict(QUERIES, provenance=provenance_query(edge["s"].value, edge["o"].value))
    ratios = {}
    for name, q in queries.items():
        t_sckg = median_time(lambda: list(store.query(q)), repeat)
        text = sparql_prologue() + q
        t_rdf = median_time(lambda: list(ds.query(text)), 1)
        ratios[name] = t_rdf / t_sckg
        print(f"  rdflib {name:<24} rdflib {t_rdf * 1000:9.1f} ms  sckg {t_sckg * 1000:8.2f} ms  "
              f"speed-up {t_rdf / t_sckg:8.1f}", flush=True)
    del PREFIXES
    return {"per_query": ratios, "geomean": math.exp(statistics.mean(math.log(r) for r in ratios.values()))}


def bench_view(n_nodes: int, repeat: int) -> float:
    import networkx as nx
    from graph.ontology import load_ontology
    from graph.view import build_view, render_html

    onto = load_ontology()
    base = nx.barabasi_albert_graph(n_nodes, 1, seed=3)
    g = nx.MultiDiGraph()
    types = ["Company", "Facility", "State", "Regulator"]
    for n in base:
        g.add_node(f"n{n}", label=f"Entity {n}", type=types[n % 4], names=[f"Entity {n}"], same_as=[])
    for a, b in base.edges:
        g.add_edge(f"n{a}", f"n{b}", key="owns", relation="owns", asserted=True, confidence=0.8,
                   evidence=[{"sentence": f"Entity {a} owns Entity {b}.", "document": "d", "title": "t",
                              "document_date": None, "date": None, "status": "reported", "confidence": 0.8,
                              "method": "m", "start": 0, "end": 10}])
    return median_time(lambda: render_html(build_view(g, onto, max_nodes=None)), repeat)


def bench_serve(tmp: Path, *, clients: int = 200, per_client: int = 5) -> dict:
    """``sckg serve`` over the seed store: a burst of concurrent clients, then one client alone."""
    from bench.load import load
    from graph.ingest import build
    from graph.store import Store
    from tests.servers import free_port, wait_http
    store = tmp / "serve-store"
    if not store.exists():
        with Store(store) as s:
            build([ROOT / "seeds"], store=s)
    port = free_port()
    proc = subprocess.Popen([str(Path(sys.executable).with_name("sckg")), "serve", "--store", str(store), "--port",
                             str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    queries = ["SELECT ?a ?t WHERE { ?a sckg:monitors ?t }", "ASK { ?s sckg:owns ?o }",
               "SELECT ?e ?l WHERE { ?e a sckg:Company ; rdfs:label ?l } LIMIT 20"]
    try:
        wait_http(url + "/sparql?query=ASK%7B%7D", proc, timeout=90)
        burst = load(url, queries, clients=clients, per_client=per_client)
        alone = load(url, queries, clients=1, per_client=200)
    finally:
        proc.terminate()
        proc.wait(10)
    print(f"  serve: {clients} concurrent clients x {per_client}: p50 {burst['p50_ms']:.1f} ms, p99 "
          f"{burst['p99_ms']:.1f} ms, {burst['errors']} errors, {burst['listen_overflows']} listen overflows; "
          f"one client: p50 {alone['p50_ms']:.1f} ms, p99 {alone['p99_ms']:.1f} ms", flush=True)
    return {"serve_concurrent": burst, "serve_sequential": alone,
            "serve_p99_concurrent_vs_sequential": burst["p99_ms"] / alone["p99_ms"]}


def check(results: dict) -> list[str]:
    lines = []
    for key, (op, target) in TARGETS.items():
        v = results.get(key)
        if v is None:
            continue
        ok = {"<=": v <= target, ">=": v >= target, "<": v < target}[op]
        lines.append(f"  {key:<28} {v:10.3f}   target {op} {target:<6}  {'ok' if ok else 'MISS'}")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    ap.add_argument("--quick", action="store_true", help="a smaller run, under 10 minutes")
    ap.add_argument("--json", type=Path, help="write the results here")
    ap.add_argument("--keep", type=Path, help="keep generated data in this directory")
    ap.add_argument("--only", choices=["ingest", "scaling", "store", "rdflib", "view", "serve"], action="append",
                    help="run only this part (repeatable); the default runs everything")
    args = ap.parse_args()
    sizes = [100, 500] if args.quick else [1000, 10000]
    big = 200_000 if args.quick else 1_000_000
    small = 20_000 if args.quick else 100_000
    repeat = 3
    tmp = args.keep or Path(tempfile.mkdtemp(prefix="sckg-bench-"))
    tmp.mkdir(parents=True, exist_ok=True)
    started = time.time()
    results: dict = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                                 "platform": platform.platform()},
                     "quick": args.quick}
    print(f"sckg benchmarks ({'quick' if args.quick else 'full'}) in {tmp}", flush=True)
    parts = set(args.only or ["ingest", "scaling", "store", "rdflib", "view", "serve"])
    if "ingest" in parts:
        ingest = bench_ingest(tmp, sizes, 1)
        results["ingest"] = {str(k): v for k, v in ingest.items()}
        results["ingest_vs_spacy"] = ingest[sizes[-1]]["ratio"]
        results["ingest_cpu_vs_spacy"] = ingest[sizes[-1]]["cpu_ratio"]
        results["ingest_scaling_wps_ratio"] = ingest[sizes[-1]]["sckg_wps"] / ingest[sizes[0]]["sckg_wps"]
        results["workers_2_vs_1"] = ingest["workers_2_vs_1"]
    if "scaling" in parts:
        scaling = bench_scaling(tmp, 400 if args.quick else 2000)
        results["scaling"] = scaling
        for key in ("workers2_vs_spacy2", "workers2_vs_spacy2_cpu", "dask_vs_workers2", "writer_articles_per_s",
                    "writer_keeps_up_with_workers"):
            results[key] = scaling[key]
    if "store" in parts:
        results.update(bench_store(tmp, big, repeat))
    if "rdflib" in parts:
        rd = bench_rdflib(tmp, small, repeat)
        results["query_speedup_vs_rdflib"] = rd["geomean"]
        results["rdflib_per_query"] = rd["per_query"]
        results["rdflib_graph_triples"] = small
    if "view" in parts:
        results["view_20k_nodes_s"] = bench_view(20_000, repeat)
        print(f"  view of 20,000 nodes generated in {results['view_20k_nodes_s']:.3f} s", flush=True)
    if "serve" in parts:
        results.update(bench_serve(tmp))
    results["seconds"] = time.time() - started
    results["peak_rss_mib_bench_process"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("\nresults:")
    print("\n".join(check(results)))
    if "ingest" in parts:
        print(f"  ingest CPU time, spaCy / sckg (the parse overlaps extraction and writing): "
              f"{results['ingest_cpu_vs_spacy']:.3f}")
        print(f"  ingest words/s scaling {sizes[0]}->{sizes[-1]} articles: {results['ingest_scaling_wps_ratio']:.2f}")
        print(f"  ingest --workers 2 vs 1: {results['workers_2_vs_1']:.2f}x")
    if "scaling" in parts:
        print(f"  writer: {results['writer_articles_per_s']:.0f} articles/s, the bottleneck past "
              f"{results['writer_keeps_up_with_workers']:.0f} workers")
    print(f"  total {results['seconds']:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, sort_keys=True), encoding="utf-8")
    if not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
