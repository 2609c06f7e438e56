"""Benchmark of the generated numpy kernels on the common-reservoir currents.

Model: two coupled qubits S1, S2 in one common qubit reservoir R,
H_S = sum_i (omega_i/2) sigma^z_i + Jx_s sigma^x_1 sigma^x_2 + Jy_s sigma^y_1 sigma^y_2,
V_i = Jx_i sigma^x_i sigma^x_R + Jy_i sigma^y_i sigma^y_R, thermal R with
<sigma^z_R> = -tanh(beta omega_R/2).  The four currents (local / non-local heat and work) are
derived with symthermo.algebra and symthermo.states.trace_out:

    heat_loc  = (1/2) sum_i <[V_i, [V_i, H_R]]>,    heat_nonloc  = (1/2) sum_{i!=j} ...,
    work_loc  = -(1/2) sum_i <[V_i, [V_i, H_S + H_R]]>, work_nonloc = -(1/2) sum_{i!=j} ...

All 10 parameters and 5 expectation values are float64 arrays of N = 10^6 points.  Printed, in
one run (best of several repetitions each):

* baseline: the memory-bandwidth floor = bytes of every input and output array (19 arrays of
  8 MB) divided by the best streaming rate measured on this machine (``np.copyto`` counting
  read + write bytes, ``np.sum`` counting read bytes, over a 64 MB array, in one thread and
  ``np.sum`` split over two threads); "floor" below is the best of these;
* the numpy kernel module from ``symthermo.emit.load_kernels`` (``evaluate(**arguments)``,
  CHUNK elements per chunk), THREADS = 1 and 2, outputs allocated by the call;
* the C99 kernels of the same plan (``compile_c_kernels``: ``-O3 -march=native``, glibc vector
  math), writing into preallocated outputs (``evaluate(out=...)``; the floor streams into
  existing arrays too) and allocating them, in one thread and in all cores;
* plain ``sympy.lambdify`` of the four expressions, without CSE, on the same arrays.

Last line: ``RESULT bandwidth_ratio=<kernel/floor> lambdify_ratio=<lambdify/kernel>`` for the
fastest kernel symthermo emits on this machine: the C99 kernels in all cores with
preallocated outputs when a C compiler is present, else the numpy module.
Usage: ``python bench/kernels.py [--n N] [--repeat R]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import threading
import time

import numpy as np
import sympy

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from symthermo.algebra import commutator, operator_sum, qubits
from symthermo.emit import Quantity, load_kernels
from symthermo.emit.kernels import compile_c_kernels, plan_kernels
from symthermo.states import ThermalQubit, trace_out


def currents() -> tuple[list[Quantity], list]:
    s1, s2, r = qubits("S1", "S2", "R")
    w1, w2, w_r, jxs, jys, jx1, jy1, jx2, jy2, beta = sympy.symbols(
        "omega_S1 omega_S2 omega_R Jx_s Jy_s Jx_1 Jy_1 Jx_2 Jy_2 beta", real=True
    )
    hs = w1 / 2 * s1.z + w2 / 2 * s2.z + jxs * s1.x * s2.x + jys * s1.y * s2.y
    hr = w_r / 2 * r.z
    v = [jx1 * s1.x * r.x + jy1 * s1.y * r.y, jx2 * s2.x * r.x + jy2 * s2.y * r.y]
    state = ThermalQubit(r, omega=w_r, beta=beta)
    half = sympy.Rational(1, 2)

    def dc(i: int, j: int, x):  # type: ignore[no-untyped-def]
        return commutator(v[j], commutator(v[i], x))

    loc, non = [(0, 0), (1, 1)], [(0, 1), (1, 0)]
    heat = [half * trace_out(operator_sum(dc(i, j, hr) for i, j in p), state) for p in (loc, non)]
    work = [-half * trace_out(operator_sum(dc(i, j, hs + hr) for i, j in p), state)
            for p in (loc, non)]
    qs = [
        Quantity("heat_local_R", heat[0]),
        Quantity("heat_nonlocal_R", heat[1]),
        Quantity("work_local", work[0]),
        Quantity("work_nonlocal", work[1]),
    ]
    return qs, [s1, s2]


def best_time(f, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return min(times)


def streaming_rate(repeat: int) -> tuple[float, float, float]:
    """Best streaming rates (bytes/s) over a 64 MB array: np.copyto (read + write), np.sum
    (read), and np.sum in two threads (each over one half)."""
    a = np.random.default_rng(0).random(8 * 1024 * 1024)
    b = np.empty_like(a)
    np.copyto(b, a)
    t_copy = best_time(lambda: np.copyto(b, a), repeat)
    t_sum = best_time(lambda: a.sum(), repeat)
    half = a.size // 2

    def two() -> None:
        t = threading.Thread(target=lambda: a[:half].sum())
        t.start()
        a[half:].sum()
        t.join()

    t_two = best_time(two, repeat)
    return 2 * a.nbytes / t_copy, a.nbytes / t_sum, a.nbytes / t_two


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10**6)
    parser.add_argument("--repeat", type=int, default=15)
    opts = parser.parse_args()
    n = opts.n

    t0 = time.perf_counter()
    qs, sites = currents()
    t_derive = time.perf_counter() - t0
    t0 = time.perf_counter()
    module = load_kernels(qs, sites)
    t_emit = time.perf_counter() - t0
    plan = plan_kernels(qs, sites)
    calls = len(plan.all_block.lines)

    rng = np.random.default_rng(1)
    arguments = {}
    for name in module.PARAMETERS:
        arguments[name] = rng.uniform(0.1, 1.5, n)
    for name in module.EXPECTATIONS:
        arguments[name] = rng.uniform(-1.0, 1.0, n)
    n_in, n_out = len(arguments), len(qs)
    nbytes = (n_in + n_out) * 8 * n

    copy_rate, sum_rate, two_rate = streaming_rate(opts.repeat)
    rate1 = max(copy_rate, sum_rate)
    t_floor1 = nbytes / rate1
    t_floor = nbytes / max(rate1, two_rate)

    module.evaluate(**arguments)  # warm up (allocator, caches)
    t_numpy = best_time(lambda: module.evaluate(**arguments), opts.repeat)
    module.THREADS = 2
    t_numpy2 = best_time(lambda: module.evaluate(**arguments), opts.repeat)
    module.THREADS = 1
    c_times: dict[str, float] = {}
    if shutil.which("cc"):
        ck = compile_c_kernels(qs, sites)
        outs = {q.name: np.empty(n) for q in qs}
        ck.evaluate(out=outs, **arguments)
        cores = ck.threads
        for threads in sorted({1, cores}):
            ck.threads = threads
            c_times[f"prealloc {threads}"] = best_time(
                lambda: ck.evaluate(out=outs, **arguments), opts.repeat)
            c_times[f"fresh {threads}"] = best_time(lambda: ck.evaluate(**arguments), opts.repeat)
        ck.threads = cores
        c_values = ck.evaluate(**arguments)
        c_err = max(
            float(np.max(np.abs(c_values[k] - v) / np.maximum(np.abs(v), 1.0)))
            for k, v in module.evaluate(**arguments).items()
        )

    symbols = {}
    for q in qs:
        for s in q.expr.free_symbols:
            symbols[str(s)] = s
    names = sorted(symbols)
    to_arg = {a.plain: a.name for a in plan.arguments}
    f = sympy.lambdify([symbols[k] for k in names], [q.expr for q in qs], "numpy")
    values = [arguments[to_arg[k]] for k in names]
    t_lambdify = best_time(lambda: f(*values), max(3, opts.repeat // 5))

    ours = module.evaluate(**arguments)
    theirs = f(*values)
    err = max(
        float(np.max(np.abs(ours[q.name] - ref) / np.maximum(np.abs(ref), 1.0)))
        for q, ref in zip(qs, theirs, strict=True)
    )

    print(f"common-reservoir currents: {len(qs)} quantities, {n_in} input arrays, N = {n}")
    print(f"derivation {t_derive * 1e3:.0f} ms, kernel generation {t_emit * 1e3:.0f} ms, "
          f"{calls} ufunc calls per chunk (CSE + Horner), CHUNK = {module.CHUNK}")
    print(f"streaming rate: copyto {copy_rate / 1e9:.1f} GB/s, sum {sum_rate / 1e9:.1f} GB/s, "
          f"sum in 2 threads {two_rate / 1e9:.1f} GB/s")
    print(f"floor for {nbytes / 1e6:.0f} MB in + out: {t_floor1 * 1e3:.2f} ms (1 thread), "
          f"{t_floor * 1e3:.2f} ms (best of 1 and 2 threads) = floor")
    rows = {"numpy kernel, 1 thread:": t_numpy, "numpy kernel, 2 threads:": t_numpy2}
    for key, t in c_times.items():
        kind, threads = key.split()
        rows[f"C99 kernel, {threads} thread{'s' if threads != '1' else ''}, {kind}:"] = t
    for label, t in rows.items():
        print(f"{label:33s} {t * 1e3:8.2f} ms = {t / t_floor:.2f} x floor")
    if c_times:
        print(f"C99 flags: {' '.join(ck.flags)}; max relative difference to numpy {c_err:.1e}")
    print(f"sympy.lambdify, no CSE:           {t_lambdify * 1e3:8.2f} ms = "
          f"{t_lambdify / t_floor:.2f} x floor")
    print(f"max relative difference numpy kernel vs lambdify: {err:.1e}")
    if c_times:
        t_best, which = c_times[f"prealloc {cores}"], f"C99 kernel, {cores} thread(s), prealloc"
    else:
        t_best, which = t_numpy, "numpy kernel, 1 thread"
    print(f"RESULT kernel: {which}")
    print(f"RESULT bandwidth_ratio={t_best / t_floor:.2f} "
          f"lambdify_ratio={t_lambdify / t_best:.2f}")

if __name__ == "__main__":
    main()
