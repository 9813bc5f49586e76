"""The big-graph half of the benchmarks, in its own process so its peak memory is its own.

Usage: python -m bench.store_child raw|sckg GRAPH.nq TMPDIR REPEAT  (prints JSON on stdout)

``raw`` times raw pyoxigraph's bulk load into TMPDIR/raw-store; ``sckg`` (run after it)
times sckg's load, then its queries against that raw store, adding an article, and the
networkx projection. Each runs in its own process so the peak memory is sckg's alone.
"""

from __future__ import annotations

import json
import math
import resource
import shutil
import statistics
import sys
import time
from pathlib import Path

from bench.timing import median_time
from graph.query import named_queries

QUERIES = {name: q.text for name, q in named_queries().items()
           if name not in ("edge-evidence", "state-actions-timeline", "document-assertions")}


def provenance_query(s: str, o: str) -> str:
    return (f"SELECT ?sentence ?doc ?start ?status WHERE {{ ?ev rdf:subject <{s}> ; rdf:predicate sckg:owns ; "
            f"rdf:object <{o}> ; sckg:sentence ?sentence ; prov:wasDerivedFrom ?doc ; sckg:startChar ?start ; "
            f"sckg:status ?status }}")


def rss_mib() -> float:
    """Resident memory now (Linux), to attribute the peak to a step."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * resource.getpagesize() / 2**20
    except OSError:
        return float("nan")


def peak_rss_mib() -> float:
    """This process's peak resident memory. VmHWM starts afresh at exec; ru_maxrss on Linux
    keeps the peak of the process that forked us (the benchmark parent)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def log(msg):
    print(f"{msg}   [rss {rss_mib():.0f} MiB]", file=sys.stderr, flush=True)


def main() -> None:
    import pyoxigraph as ox

    from graph.analyze import project
    from graph.ingest import build
    from graph.store import PREFIXES, Store

    mode, data, tmp, repeat = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])

    def raw_load():
        d = tmp / "raw-store"
        shutil.rmtree(d, ignore_errors=True)
        s = ox.Store(str(d))
        s.bulk_load(path=str(data), format=ox.RdfFormat.N_QUADS)
        s.flush()
        del s

    if mode == "raw":
        t_raw = median_time(raw_load, repeat)
        log(f"  load with raw pyoxigraph bulk_load: {t_raw:.2f} s, peak {peak_rss_mib():.0f} MiB")
        print(json.dumps({"raw_load_s": t_raw}))
        return

    def sckg_load():
        d = tmp / "sckg-store"
        shutil.rmtree(d, ignore_errors=True)
        with Store(d) as s:
            return s.load(data)

    n = sckg_load()
    res = {"big_graph_quads": n}
    t_sckg = median_time(sckg_load, repeat)
    res["sckg_load_s"] = t_sckg
    log(f"  load {n:,} quads with sckg: {t_sckg:.2f} s")

    raw = ox.Store(str(tmp / "raw-store"))
    store = Store(tmp / "sckg-store")
    edge = next(iter(store.query("SELECT ?s ?o WHERE { ?s sckg:owns ?o } LIMIT 1")))
    queries = dict(QUERIES, provenance=provenance_query(edge["s"].value, edge["o"].value))
    ratios = {}
    for name, q in queries.items():
        list(store.query(q)), list(raw.query(q, use_default_graph_as_union=True, prefixes=PREFIXES))  # warm caches
        t_s = median_time(lambda: list(store.query(q)), repeat)
        t_r = median_time(lambda: list(raw.query(q, use_default_graph_as_union=True, prefixes=PREFIXES)), repeat)
        ratios[name] = t_s / t_r
        log(f"  query {name:<24} pyoxigraph {t_r * 1000:8.2f} ms  sckg {t_s * 1000:8.2f} ms  ratio {t_s / t_r:.2f}")
    res["query_vs_oxigraph"] = math.exp(statistics.mean(math.log(r) for r in ratios.values()))
    res["query_vs_oxigraph_per_query"] = ratios
    res["provenance_lookup_ms"] = median_time(lambda: list(store.query(queries["provenance"])), 11) * 1000
    log(f"  provenance lookup {res['provenance_lookup_ms']:.2f} ms")

    article = tmp / "one"
    article.mkdir(exist_ok=True)
    (article / "warm.txt").write_text("The Dutch government blocked the sale of Nexperia to Wingtech.")
    build([article / "warm.txt"], store=store)  # loads the model once
    (article / "new.txt").write_text("The German government blocked the sale of Elmos Semiconductor's fab to "
                                     "Sai Microelectronics. Wingtech owns a 30% stake in Nexperia.")
    t = time.perf_counter()
    build([article / "new.txt"], store=store)
    res["add_article_to_big_store_s"] = time.perf_counter() - t
    log(f"  add one article to the big store {res['add_article_to_big_store_s']:.3f} s")

    t = time.perf_counter()
    g = project(store)
    res["projection_s"] = time.perf_counter() - t
    res["projection_nodes"], res["projection_edges"] = g.number_of_nodes(), g.number_of_edges()
    log(f"  networkx projection {res['projection_s']:.2f} s ({g.number_of_nodes():,} nodes, "
        f"{g.number_of_edges():,} edges)")
    del g
    store.close()
    res["peak_rss_mib"] = peak_rss_mib()
    log(f"  peak memory {res['peak_rss_mib']:.0f} MiB")
    print(json.dumps(res))


if __name__ == "__main__":
    main()
