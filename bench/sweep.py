"""Benchmark: a 10^6-point steady-state sweep on 1 process, 2 local workers, 2 Dask workers.

    python bench/sweep.py [--points 1000000] [--chunk 2048] [--repeat 1]

The sweep is ``symthermo sweep common_reservoirs --model single`` (two coupled qubits, one
common thermal qubit reservoir, d = 4) on a square grid of Jx_s in [0.1, 2] and T_R in
[0.5, 3] with about ``--points`` points: steady states, every heat/work current (local,
non-local, total) and the l1 coherence per point (:func:`symthermo.sweep.run_sweep`).

(a) one process: ``run_sweep(...)``, no executor (the anchor);
(b) ``run_sweep(..., executor=ProcessPoolExecutor(2))``: chunks are tasks, each worker
    compiles the kernels once;
(c) ``run_sweep(..., executor=distributed.Client(LocalCluster(n_workers=2,
    threads_per_worker=1)))`` (worker processes), once with Dask's default worker environment
    and once without ``MALLOC_TRIM_THRESHOLD_`` (Dask sets it to 65536 in its workers; glibc
    then serves every large temporary array of a chunk with a fresh mmap, which about doubled
    the CPU time per point in a one-worker experiment: 1.1 s against 0.7 s for 160000 points;
    with two workers on the loaded machine the difference was within the noise).  The RESULT
    line's dask2_speedup is the second run.

Pool / cluster start-up is printed apart and not in the timed run.  Every run is timed warm, as
a long sweep on a running cluster is: the one-process run after its derivations are cached, the
forked pool workers inherit that cache, and the Dask workers (fresh processes) first solve a
small sweep of the same plan (imports, derivation and kernel compilation: printed apart).
Every run must give the one-process table exactly (checked).
Speed-up = t(a) / t(b or c); efficiency = speed-up / 2.  BLAS is single-threaded.  The last line is

    RESULT workers2_speedup=<s> dask2_speedup=<s>
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from symthermo.cli import models_and_parameters
from symthermo.sweep import GridAxis, run_sweep


def _same(a: dict, b: dict) -> bool:
    return list(a) == list(b) and all(
        np.array_equal(a[k], b[k], equal_nan=True) for k in a
    )


def _timed(fn, repeat: int) -> tuple[float, dict]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out  # type: ignore[return-value]


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=1_000_000)
    ap.add_argument("--chunk", type=int, default=2048)
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    side = max(1, round(args.points ** 0.5))
    _, models, params = models_and_parameters("common_reservoirs")
    model = models["single"]
    defaults = {str(k): v for k, v in params["single"].items()}
    axes = [GridAxis.parse(f"Jx_s=0.1:2:{side}"), GridAxis.parse(f"T_R=0.5:3:{side}")]
    n = side * side
    print(f"two-qubit sweep (common_reservoirs/single), {n} points, chunk {args.chunk}, "
          f"{os.cpu_count()} cpus visible (the machine is shared: figures vary with its load)")

    def sweep(executor=None):
        return run_sweep(model, defaults, axes, chunk=args.chunk, progress=None,
                         executor=executor)

    print(f"load average at start: {_load()}")
    run_sweep(model, defaults, [GridAxis.parse("Jx_s=0.1:2:3")], progress=None)  # warm caches
    c = time.process_time()
    t1, ref = _timed(sweep, args.repeat)
    cpu1 = (time.process_time() - c) / args.repeat
    print(f"(a) 1 process:            {t1:8.2f} s  ({n / t1:,.0f} points/s; {cpu1:.2f} s CPU)")

    t = time.perf_counter()
    c = _children_cpu()
    with ProcessPoolExecutor(max_workers=2) as pool:
        list(pool.map(abs, [1, 2]))  # start the workers
        start = time.perf_counter() - t
        t2, out = _timed(lambda: sweep(pool), args.repeat)
    cpu2 = (_children_cpu() - c) / args.repeat
    assert _same(out, ref), "process pool table differs from the one-process table"
    s2 = t1 / t2
    print(f"(b) 2 local workers:      {t2:8.2f} s  speed-up {s2:.2f}, efficiency "
          f"{s2 / 2:.0%} (pool start {start:.2f} s, not timed); table identical")
    print(f"    CPU time in the workers {cpu2:.2f} s against {cpu1:.2f} s in one process: "
          f"the work itself parallelises with {cpu1 / cpu2:.0%} CPU efficiency; the wall-clock "
          "speed-up is what the machine's other load leaves")

    sd = float("nan")
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError:
        print("(c) Dask not installed: pip install 'symthermo[dask]'")
    else:
        default_env = dict(dask.config.get("distributed.nanny.pre-spawn-environ"))
        tuned_env = {k: v for k, v in default_env.items() if k != "MALLOC_TRIM_THRESHOLD_"}
        for label, env in (("Dask defaults", default_env),
                           ("MALLOC_TRIM_THRESHOLD_ unset", tuned_env)):
            with dask.config.set({"distributed.nanny.pre-spawn-environ": env}):
                t = time.perf_counter()
                c = _children_cpu()
                m = time.process_time()
                with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, Client(cluster) as client:
                    start = time.perf_counter() - t
                    # warm the workers as (a) is warm: imports, derivation, kernels (a small
                    # sweep of the same plan, a few chunks so that every worker gets one)
                    w = time.perf_counter()
                    run_sweep(model, defaults, [GridAxis.parse(f"Jx_s=0.1:2:{8 * args.chunk}")],
                              chunk=args.chunk, progress=None, executor=client)
                    warm = time.perf_counter() - w
                    td, out = _timed(lambda client=client: sweep(client), args.repeat)
                cpud, cpum = _children_cpu() - c, time.process_time() - m
            assert _same(out, ref), "Dask table differs from the one-process table"
            sd = t1 / td
            print(f"(c) Dask LocalCluster x2, {label}: {td:8.2f} s  speed-up {sd:.2f}, "
                  f"efficiency {sd / 2:.0%} (cluster start {start:.2f} s and worker warm-up "
                  f"{warm:.2f} s, not timed); table identical")
            print(f"    CPU time: workers {cpud:.2f} s (with their start-up, imports and one "
                  f"compilation each), scheduler and client in this process {cpum:.2f} s")
    print(f"load average at end: {_load()}")
    print(f"RESULT workers2_speedup={s2:.2f} dask2_speedup={sd:.2f}")


if __name__ == "__main__":
    main()
