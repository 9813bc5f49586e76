"""Medians of repeated timings, shared by the benchmark parent and its store child."""

from __future__ import annotations

import gc
import statistics
import time


def median_wall_cpu(fn, repeat: int) -> tuple[float, float]:
    """Median wall time and median CPU time of this process (all its threads) over ``repeat`` calls."""
    walls, cpus = [], []
    for _ in range(repeat):
        gc.collect()
        t, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus)


def median_time(fn, repeat: int) -> float:
    """Median wall time over ``repeat`` calls."""
    return median_wall_cpu(fn, repeat)[0]
