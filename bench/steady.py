"""Benchmark: steady states of the papers' models over parameter sweeps, batched vs QuTiP.

    python bench/steady.py [--points2 10000] [--points4 1000] [--sample2 500] [--sample4 40]
                           [--slow-sample 40] [--repeat 3] [--blas-threads 1] [--seed 2024]

Two sweeps of the *derived* Lindblad generators of the papers' models:

* two qubits: common-reservoirs, variant "single" (two coupled qubits, one common thermal
  qubit reservoir), d = 4, Liouvillian 16 x 16, ``--points2`` points;
* four qubits: coupled-ensembles, variant "com2" (two hot and two cold qubits, thermal
  oscillator baths, common collisions, interaction of Eq. (31)), d = 16, Liouvillian
  256 x 256, ``--points4`` points.

At every point each parameter is its default times an independent factor in [0.7, 1.3].

(a) symthermo: ``LiouvillianBuilder(model)`` (one-off: lambdify the weights, set-up time
    printed apart) -> ``builder(values)`` (all Liouvillians of the sweep, stacked) ->
    ``steady_states_batched`` (default settings, i.e. the compiled backend where a C compiler
    exists, with the degeneracy / condition probe; also timed with ``condition_limit=None``,
    which flags only exactly singular points, and with ``backend="numpy"``), and
    the same pipeline run chunk by chunk (Liouvillians of at most 64 MB at a time: a
    1000-point four-qubit sweep is 1 GB of Liouvillians, whose first-touch page faults
    dominate the one-shot build on a busy machine), and ``builder.steady_states(values)``,
    parameters to steady states without the dense stack (the solver reads the generators'
    entries on their support).
(b) QuTiP: the same numeric Liouvillians, each wrapped as a superoperator Qobj (not timed),
    then a loop of ``qutip.steadystate(L, method=...)`` for the default method ('direct') and
    for 'svd', 'eigen' and 'power'. The loops run on a random subset of the points (sizes
    printed) and are scaled to the whole sweep. The fastest method is the baseline.
    For information (not in RESULT) also QuTiP's private ``_steadystate_direct`` (dense
    LAPACK solve and scipy spsolve): the public 'direct' and 'power' spend ~18 ms per call
    in option handling in qutip 5.3 (see QUTIP_PRIVATE), so these lines show what its linear
    algebra alone costs.

Every timing is wall-clock, the best of ``--repeat`` interleaved repetitions (a shared machine's
load hits both sides alike). BLAS threads are pinned (default 1) before numpy is imported, for
both sides. On sampled points the two sides must agree to 1e-8 (printed). The last line is

    RESULT ratio_two_qubit=<r> ratio_four_qubit=<r>

with r = (QuTiP's fastest loop over all points) / (steady_states_batched, default settings),
solver against solver: QuTiP is handed finished Liouvillians, so the Liouvillian construction
is not in r (the "build + solve" lines include it).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from pathlib import Path


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--points2", type=int, default=10_000)
    parser.add_argument("--points4", type=int, default=1_000)
    parser.add_argument("--sample2", type=int, default=500,
                        help="QuTiP points for the fast methods (svd, eigen), two qubits")
    parser.add_argument("--sample4", type=int, default=40,
                        help="QuTiP points per method, four qubits")
    parser.add_argument("--slow-sample", type=int, default=40,
                        help="QuTiP points for direct/power on the two-qubit sweep (~20 ms each)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--blas-threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=2024)
    return parser.parse_args()


ARGS = _parse() if __name__ == "__main__" else None
if ARGS is not None and "numpy" not in sys.modules:
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(ARGS.blas_threads)
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from symthermo.numeric import steady_c  # noqa: E402
from symthermo.numeric.model_dynamics import LiouvillianBuilder  # noqa: E402
from symthermo.numeric.steady import steady_states_batched  # noqa: E402

QUTIP_METHODS = ("default", "svd", "eigen", "power")
#: Informational: qutip.solver.steadystate._steadystate_direct (private) with a dense LAPACK
#: solve and with scipy's sparse spsolve. qutip 5.3's public steadystate() wraps the 'direct'
#: and 'power' methods in ``CoreOptions(default_dtype_scope=...)``, whose set-up costs ~18 ms
#: per call here (inspect.cleandoc over the data-layer docstrings): the public 'direct' is
#: dominated by that overhead, not by its linear algebra. Not used for RESULT.
QUTIP_PRIVATE = ("_direct/solve", "_direct/spsolve")
CHUNK_BYTES = 64 << 20  # end-to-end pipeline: Liouvillians of one chunk, at most this size
AGREEMENT = 1e-8


def _models():
    """(label, model, default parameters) of the two sweeps."""
    from derivations import common_reservoirs, coupled_ensembles

    cr_models, cr_params = common_reservoirs.build_models(), common_reservoirs.build_parameters()
    return [
        ("two qubits: common_reservoirs 'single'", cr_models["single"], cr_params["single"]),
        ("four qubits: coupled_ensembles 'com2'", coupled_ensembles.make_model("com2"),
         coupled_ensembles.default_parameters("com2")),
    ]


def _best(fn, results: list[float]) -> None:
    t0 = time.perf_counter()
    fn()
    results.append(time.perf_counter() - t0)


def _qutip_superops(Ls: np.ndarray, idx: np.ndarray) -> list:
    import qutip

    d = round(Ls.shape[-1] ** 0.5)
    dims = [[[d], [d]], [[d], [d]]]
    return [qutip.Qobj(Ls[i], dims=dims, superrep="super") for i in idx]


def _qutip_call(method: str):
    import qutip

    if method == "default":
        return lambda q: qutip.steadystate(q)
    if method.startswith("_direct"):  # QuTiP's direct solver without the public wrapper
        from qutip.solver.steadystate import _steadystate_direct

        if method == "_direct/solve":
            return lambda q: _steadystate_direct(q.to("dense"), 0, method="solve")
        return lambda q: _steadystate_direct(q.to("csr"), 0, method="spsolve")
    return lambda q: qutip.steadystate(q, method=method)


def run_case(label, model, params, points, fast_sample, slow_sample, repeat, rng):
    d = 2 ** len(model.system_sites)
    t0 = time.perf_counter()
    builder = LiouvillianBuilder(model)
    t_setup = time.perf_counter() - t0
    values = {str(k): float(v) * rng.uniform(0.7, 1.3, points) for k, v in params.items()}
    warm = {k: v[:16] for k, v in values.items()}
    steady_states_batched(builder(warm))  # index tables, caches
    Ls = builder(values)
    rho = steady_states_batched(Ls)

    # QuTiP subsets: fast methods on `fast_sample` points, slow ones on `slow_sample`
    order = rng.permutation(points)
    methods = QUTIP_METHODS + QUTIP_PRIVATE
    fast = ("svd", "eigen", *QUTIP_PRIVATE)
    sizes = {m: min(points, fast_sample if m in fast else slow_sample) for m in methods}
    qobjs = _qutip_superops(Ls, order[: max(sizes.values())])
    calls = {m: _qutip_call(m) for m in methods}
    for m in methods:
        calls[m](qobjs[0])  # warm-up
    chunk = max(1, CHUNK_BYTES // Ls[0].nbytes)

    def pipeline() -> None:
        for start in range(0, points, chunk):
            part = {k: v[start : start + chunk] for k, v in values.items()}
            steady_states_batched(builder(part))

    t_build, t_solve, t_plain, t_pipe, t_numpy, t_sparse = [], [], [], [], [], []
    t_q: dict[str, list[float]] = {m: [] for m in methods}
    for _ in range(repeat):
        _best(lambda: builder(values), t_build)
        _best(lambda: steady_states_batched(Ls), t_solve)
        _best(lambda: steady_states_batched(Ls, condition_limit=None), t_plain)
        _best(lambda: steady_states_batched(Ls, backend="numpy"), t_numpy)
        _best(pipeline, t_pipe)
        _best(lambda: builder.steady_states(values), t_sparse)
        for m in methods:
            part = qobjs[: sizes[m]]

            def loop(call=calls[m], part=part):
                for q in part:
                    call(q)

            _best(loop, t_q[m])
    build, solve, plain, pipe = min(t_build), min(t_solve), min(t_plain), min(t_pipe)
    numpy_solve, sparse = min(t_numpy), min(t_sparse)
    per = {m: min(t_q[m]) / sizes[m] for m in methods}  # seconds per point
    loop_all = {m: per[m] * points for m in methods}
    fastest = min(QUTIP_METHODS, key=lambda m: per[m])

    # agreement on sampled points (every method's answer against ours)
    worst = 0.0
    for m in methods:
        for j, q in enumerate(qobjs[: min(5, sizes[m])]):
            ref = calls[m](q).full()
            worst = max(worst, float(np.max(np.abs(rho[order[j]] - ref))))
    # LAPACK floor: stacked real solves of the same size on random matrices
    n = d * d
    A = rng.random((points, n, n)) + n * np.eye(n)
    b = rng.random((points, n, 1))
    floor: list[float] = []
    for _ in range(repeat):
        _best(lambda: np.linalg.solve(A, b), floor)

    us = 1e6 / points
    print(f"\n== {label}: {points} points, d = {d}, Liouvillian {n} x {n}")
    print(f"   symthermo LiouvillianBuilder set-up (once)   {t_setup * 1e3:10.1f} ms")
    print(f"   symthermo builder(values), all points        {build * 1e3:10.1f} ms "
          f"({build * us:8.2f} us/point)")
    print(f"   symthermo steady_states_batched              {solve * 1e3:10.1f} ms "
          f"({solve * us:8.2f} us/point)")
    print(f"   symthermo total (build + solve)              {(build + solve) * 1e3:10.1f} ms "
          f"({(build + solve) * us:8.2f} us/point)")
    print(f"   ... solve with condition_limit=None          {plain * 1e3:10.1f} ms "
          f"({plain * us:8.2f} us/point)")
    print(f"   ... solve with backend='numpy' (LAPACK)      {numpy_solve * 1e3:10.1f} ms "
          f"({numpy_solve * us:8.2f} us/point)")
    print(f"   ... build + solve in chunks of {chunk:5d} points  {pipe * 1e3:10.1f} ms "
          f"({pipe * us:8.2f} us/point; no sweep-sized temporaries)")
    print(f"   ... builder.steady_states(values)            {sparse * 1e3:10.1f} ms "
          f"({sparse * us:8.2f} us/point; parameters -> rho, no dense Liouvillians)")
    print(f"   (floor: np.linalg.solve on {n}x{n} real stack {min(floor) * 1e3:10.1f} ms "
          f"({min(floor) * us:8.2f} us/point))")
    for m in QUTIP_METHODS:
        name = "default ('direct')" if m == "default" else repr(m)
        print(f"   qutip.steadystate {name:19} loop   {loop_all[m] * 1e3:10.1f} ms "
              f"({per[m] * 1e6:8.1f} us/point; timed on {sizes[m]} points, scaled)")
    for m in QUTIP_PRIVATE:
        print(f"   (private {m:15}) loop                {loop_all[m] * 1e3:10.1f} ms "
              f"({per[m] * 1e6:8.1f} us/point; timed on {sizes[m]} points, scaled)")
    print(f"   fastest QuTiP method: {fastest!r}")
    ratios = {
        "solve vs default": loop_all["default"] / solve,
        f"solve vs fastest ({fastest})": loop_all[fastest] / solve,
        f"solve (condition_limit=None) vs fastest ({fastest})": loop_all[fastest] / plain,
        f"solve (backend='numpy') vs fastest ({fastest})": loop_all[fastest] / numpy_solve,
        f"build + solve vs fastest ({fastest})": loop_all[fastest] / (build + solve),
        "build + solve vs default": loop_all["default"] / (build + solve),
        "chunked build + solve vs fastest": loop_all[fastest] / pipe,
        "builder.steady_states (parameters -> rho) vs fastest": loop_all[fastest] / sparse,
    }
    private = min(QUTIP_PRIVATE, key=lambda m: per[m])
    ratios[f"solve vs private {private} (informational)"] = loop_all[private] / solve
    for k, r in ratios.items():
        print(f"   speed-up {k:52} {r:9.1f}x")
    ok = worst < AGREEMENT
    print(f"   agreement: max |rho - rho_qutip| over every QuTiP route, 5 points each: "
          f"{worst:.2e} ({'OK' if ok else 'FAILED'}, tolerance {AGREEMENT:g})")
    return loop_all[fastest] / solve, ok


def main() -> int:
    args = ARGS if ARGS is not None else _parse()
    warnings.filterwarnings("ignore")
    import qutip

    rng = np.random.default_rng(args.seed)
    print("steady states of the papers' models: symthermo batched vs a loop of qutip.steadystate")
    print(f"numpy {np.__version__}, qutip {qutip.__version__}; BLAS threads "
          f"{os.environ.get('OPENBLAS_NUM_THREADS')}; cpus {os.cpu_count()}; "
          f"load average {os.getloadavg()[0]:.2f}; best of {args.repeat}")
    print("parameters: each default times an independent factor in [0.7, 1.3]")
    if steady_c.available():
        print(f"steady_states_batched backend: compiled C ({' '.join(steady_c.compiled_flags())})")
    else:
        print(f"steady_states_batched backend: numpy/LAPACK ({steady_c.unavailable_reason()})")
    (l2, m2, p2), (l4, m4, p4) = _models()
    r2, ok2 = run_case(l2, m2, p2, args.points2, args.sample2, args.slow_sample, args.repeat, rng)
    r4, ok4 = run_case(l4, m4, p4, args.points4, args.sample4, args.sample4, args.repeat, rng)
    print(f"\nload average at the end {os.getloadavg()[0]:.2f}")
    print(f"RESULT ratio_two_qubit={r2:.1f} ratio_four_qubit={r4:.1f}")
    return 0 if ok2 and ok4 else 1


if __name__ == "__main__":
    sys.exit(main())
