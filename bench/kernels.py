"""Benchmark of the generated numpy kernels on the common-reservoir currents.

Model: two coupled qubits S1, S2 in one common qubit reservoir R,
H_S = sum_i (omega_i/2) sigma^z_i + Jx_s sigma^x_1 sigma^x_2 + Jy_s sigma^y_1 sigma^y_2,
V_i = Jx_i sigma^x_i sigma^x_R + Jy_i sigma^y_i sigma^y_R, thermal R with
<sigma^z_R> = -tanh(beta omega_R/2).  The four currents (local / non-local heat and work) are
derived with symthermo.algebra and symthermo.states.trace_out:

    heat_loc  = (1/2) sum_i <[V_i, [V_i, H_R]]>,    heat_nonloc  = (1/2) sum_{i!=j} ...,
    work_loc  = -(1/2) sum_i <[V_i, [V_i, H_S + H_R]]>, work_nonloc = -(1/2) sum_{i!=j} ...

All 10 parameters and 5 expectation values are float64 arrays of N = 10^6 points.  Printed, in
one run (best of several repetitions each, single thread unless said otherwise):

* kernel: ``evaluate(**arguments)`` of the module from ``symthermo.emit.load_kernels``
  (default settings: CHUNK elements per chunk, THREADS = 1), outputs allocated by the call;
* baseline: the memory-bandwidth floor = bytes of every input and output array (19 arrays of
  8 MB) divided by the best streaming rate measured on this machine (``np.copyto`` counting
  read + write bytes, and ``np.sum`` counting read bytes, over a 64 MB array);
* plain ``sympy.lambdify`` of the four expressions, without CSE, on the same arrays.

Last line: ``RESULT bandwidth_ratio=<kernel/baseline> lambdify_ratio=<lambdify/kernel>``.
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
    rate = max(copy_rate, sum_rate)
    t_floor = nbytes / rate
    t_floor2 = nbytes / max(rate, two_rate)

    module.evaluate(**arguments)  # warm up (allocator, caches)
    t_kernel = best_time(lambda: module.evaluate(**arguments), opts.repeat)
    module.THREADS = 2
    t_kernel2 = best_time(lambda: module.evaluate(**arguments), opts.repeat)
    module.THREADS = 1
    t_c = None
    if shutil.which("cc"):
        ck = compile_c_kernels(qs, sites)
        t_c = best_time(lambda: ck.evaluate(**arguments), opts.repeat)

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
    print(f"floor for {nbytes / 1e6:.0f} MB in + out: {t_floor * 1e3:.2f} ms (1 thread), "
          f"{t_floor2 * 1e3:.2f} ms (best of 1 and 2 threads)")
    print(f"kernel (numpy, 1 thread):   {t_kernel * 1e3:8.2f} ms  "
          f"= {t_kernel / t_floor:.2f} x floor")
    print(f"kernel (numpy, 2 threads):  {t_kernel2 * 1e3:8.2f} ms  "
          f"= {t_kernel2 / t_floor2:.2f} x 2-thread floor (not used in RESULT)")
    if t_c is not None:
        print(f"kernel (C99, cc -O3):       {t_c * 1e3:8.2f} ms  "
              f"= {t_c / t_floor:.2f} x floor (scalar libm tanh; not used in RESULT)")
    print(f"sympy.lambdify, no CSE:     {t_lambdify * 1e3:8.2f} ms  "
          f"= {t_lambdify / t_floor:.2f} x floor")
    print(f"max relative difference kernel vs lambdify: {err:.1e}")
    print(f"RESULT bandwidth_ratio={t_kernel / t_floor:.2f} "
          f"lambdify_ratio={t_lambdify / t_kernel:.2f}")


if __name__ == "__main__":
    main()
