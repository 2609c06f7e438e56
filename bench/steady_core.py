"""Benchmark: batched steady states (symthermo.numeric.steady) vs a loop of qutip.steadystate.

    python bench/steady_core.py [--points2 10000] [--points4 1000] [--sample2 400]
                                [--sample4 20] [--repeat 3] [--blas-threads 1] [--workers 1]

Two parameter sweeps of collision-model Liouvillians (built with
symthermo.numeric.superop.lindblad_liouvillian, batched):

* two qubits (d = 4, n = 16): qubits h and c, H = w_h s+s-_h + w_c s+s-_c + g (s+_h s-_c + h.c.),
  each qubit with its own thermal bath (rates gamma (n+1), gamma n), plus a sigma_x-type
  dephasing term that breaks excitation conservation ("generic": dense real system);
* four qubits (d = 16, n = 256): two hot and two cold qubits (coupled-ensembles, N = 2),
  collective thermal dissipation per ensemble plus weak individual decay (unique steady state),
  intra-system exchange g between the ensembles ("structured": excitation conserving, so the
  real system splits into coherence sectors), and the same with a sigma_x term ("generic").

QuTiP runs on a random sample of the points (per-point cost x number of points = loop time);
each QuTiP method (direct, svd, eigen) is timed and the fastest of direct/svd is the baseline
(the ratio against eigen is printed as well). Timings are wall-clock, best of ``--repeat``.
BLAS threads are pinned for both sides before numpy is imported (``--blas-threads``, default 1:
a single-core comparison; multi-threaded BLAS on small matrices mostly adds synchronisation
cost, catastrophically so on a busy machine). ``--workers`` > 1 additionally times
steady_states_batched(..., workers=W) (thread-parallel chunks); the line "condition_limit=None"
times the solve without the degeneracy (condition) probe.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="batched steady states vs qutip loop")
    parser.add_argument("--points2", type=int, default=10_000)
    parser.add_argument("--points4", type=int, default=1_000)
    parser.add_argument("--sample2", type=int, default=400)
    parser.add_argument("--sample4", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--blas-threads", type=int, default=1)
    parser.add_argument("--workers", type=int, default=1)
    return parser.parse_args()


ARGS = _parse() if __name__ == "__main__" else None
if ARGS is not None and "numpy" not in sys.modules:
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(ARGS.blas_threads)

import numpy as np  # noqa: E402

from symthermo.numeric.steady import steady_states_batched  # noqa: E402
from symthermo.numeric.superop import lindblad_liouvillian  # noqa: E402

SM = np.array([[0, 1], [0, 0]], dtype=complex)  # sigma_- = |0><1|
SX = np.array([[0, 1], [1, 0]], dtype=complex)


def _site(op: np.ndarray, k: int, n: int) -> np.ndarray:
    out = np.ones((1, 1), dtype=complex)
    for j in range(n):
        out = np.kron(out, op if j == k else np.eye(2))
    return out


def two_qubit_sweep(points: int, rng: np.random.Generator):
    """(H, jump ops, rates) stacks for the two-qubit sweep."""
    w_h = 1.0 + rng.random(points)
    g = 0.3 * rng.random(points)
    n_h = 2.0 * rng.random(points)
    n_c = 0.2 * rng.random(points)
    sm = [_site(SM, k, 2) for k in range(2)]
    num = [s.conj().T @ s for s in sm]
    hop = sm[0].conj().T @ sm[1] + sm[1].conj().T @ sm[0]
    H = w_h[:, None, None] * num[0] + 0.7 * num[1] + g[:, None, None] * hop
    J = np.stack([sm[0], sm[0].conj().T, sm[1], sm[1].conj().T, _site(SX, 0, 2)])
    rates = np.zeros((points, 5, 5))
    rates[:, 0, 0] = 0.1 * (n_h + 1)
    rates[:, 1, 1] = 0.1 * n_h
    rates[:, 2, 2] = 0.2 * (n_c + 1)
    rates[:, 3, 3] = 0.2 * n_c
    rates[:, 4, 4] = 0.01
    return H, J, rates


def four_qubit_sweep(points: int, rng: np.random.Generator, generic: bool):
    """(H, jump ops, rates) stacks for the four-qubit coupled-ensembles sweep."""
    w_h = 1.5 + rng.random(points)
    g = 0.2 * rng.random(points)
    n_h = 1.0 + rng.random(points)
    n_c = 0.1 * rng.random(points)
    sm = [_site(SM, k, 4) for k in range(4)]
    num = [s.conj().T @ s for s in sm]
    hop = sum(sm[i].conj().T @ sm[j] + sm[j].conj().T @ sm[i] for i in (0, 1) for j in (2, 3))
    H = w_h[:, None, None] * (num[0] + num[1]) + (num[2] + num[3]) + g[:, None, None] * hop
    Jh, Jc = sm[0] + sm[1], sm[2] + sm[3]
    ops = [Jh, Jh.conj().T, Jc, Jc.conj().T, *sm]
    if generic:
        ops.append(_site(SX, 0, 4) + _site(SX, 2, 4))
    K = len(ops)
    rates = np.zeros((points, K, K))
    rates[:, 0, 0] = 0.1 * (n_h + 1)
    rates[:, 1, 1] = 0.1 * n_h
    rates[:, 2, 2] = 0.1 * (n_c + 1)
    rates[:, 3, 3] = 0.1 * n_c
    for k in range(4, 8):
        rates[:, k, k] = 0.01
    if generic:
        rates[:, 8, 8] = 0.005
    return H, np.stack(ops), rates


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _qutip_loops(Ls: np.ndarray, sample: np.ndarray):
    """Per method: (loop of qutip.steadystate over the sample, its size). 'direct' spends
    ~25 ms per call in option handling (qutip 5), so it runs on the first 20 sampled points."""
    import qutip

    d = round(Ls.shape[-1] ** 0.5)
    dims = [[[d], [d]], [[d], [d]]]
    Q = [qutip.Qobj(Ls[i], dims=dims, superrep="super") for i in sample]
    loops = {}
    for method in ("direct", "svd", "eigen"):
        qutip.steadystate(Q[0], method=method)  # warm-up
        part = Q[:20] if method == "direct" else Q

        def loop(method=method, part=part):
            for q in part:
                qutip.steadystate(q, method=method)

        loops[method] = (loop, len(part))
    return loops


def _accuracy(Ls: np.ndarray, rho: np.ndarray, sample: np.ndarray) -> float:
    import qutip

    d = rho.shape[-1]
    dims = [[[d], [d]], [[d], [d]]]
    err = 0.0
    for i in sample[:20]:
        ref = qutip.steadystate(qutip.Qobj(Ls[i], dims=dims, superrep="super"), method="svd")
        err = max(err, float(np.max(np.abs(rho[i] - ref.full()))))
    return err


def run_case(
    name: str, H, J, rates, sample_size: int, repeat: int, rng, workers: int = 1
) -> None:
    points = H.shape[0]
    t0 = time.perf_counter()
    Ls = lindblad_liouvillian(H, J, rates)
    t_build = time.perf_counter() - t0
    steady_states_batched(Ls[: min(points, 64)])  # warm-up (index tables)
    rho = steady_states_batched(Ls)
    sample = rng.choice(points, size=min(sample_size, points), replace=False)
    loops = _qutip_loops(Ls, sample)
    # interleave the repetitions so that load fluctuations hit both sides alike; keep the best
    t_ours = t_threads = t_nocheck = np.inf
    per = dict.fromkeys(loops, np.inf)
    for _ in range(repeat):
        t_ours = min(t_ours, _timed(lambda: steady_states_batched(Ls)))
        t_nocheck = min(
            t_nocheck, _timed(lambda: steady_states_batched(Ls, condition_limit=None))
        )
        if workers > 1:
            t_threads = min(t_threads, _timed(lambda: steady_states_batched(Ls, workers=workers)))
        for m, (loop, size) in loops.items():
            per[m] = min(per[m], _timed(loop) / size)
    t_threads = None if workers == 1 else t_threads
    base_method = min(("direct", "svd"), key=lambda m: per[m])
    t_qutip = per[base_method] * points
    t_eigen = per["eigen"] * points
    err = _accuracy(Ls, rho, sample)
    n = Ls.shape[-1]
    print(f"\n== {name}: {points} points, d = {round(n**0.5)}, n = {n}")
    print(f"   build Liouvillians (batched einsum)      {t_build * 1e3:10.1f} ms")
    print(f"   steady_states_batched                    {t_ours * 1e3:10.1f} ms "
          f"({t_ours / points * 1e6:.2f} us/point)")
    print(f"   ... (condition_limit=None, no probe)     {t_nocheck * 1e3:10.1f} ms "
          f"({t_qutip / t_nocheck:.1f}x vs {base_method})")
    if t_threads is not None:
        print(f"   ... (workers={workers})                         {t_threads * 1e3:10.1f} ms "
              f"({t_qutip / t_threads:.1f}x vs {base_method})")
    for m in ("direct", "svd", "eigen"):
        size = loops[m][1]
        print(f"   qutip.steadystate({m!r:8}) loop (est.)  {per[m] * points * 1e3:10.1f} ms "
              f"({per[m] * 1e6:.1f} us/point, sampled on {size})")
    print(f"   speed-up vs fastest of direct/svd ({base_method}): {t_qutip / t_ours:8.1f}x")
    print(f"   speed-up vs eigen:                          {t_eigen / t_ours:8.1f}x")
    print(f"   max |rho - rho_qutip| on 20 sampled points: {err:.2e}")


def main() -> None:
    args = ARGS if ARGS is not None else _parse()
    warnings.filterwarnings("ignore")
    rng = np.random.default_rng(2024)
    print("steady-state benchmark (symthermo.numeric.steady vs qutip)")
    print(f"numpy {np.__version__}; BLAS threads {os.environ.get('OPENBLAS_NUM_THREADS')}; "
          f"cpus={os.cpu_count()}; load average {os.getloadavg()[0]:.2f}")
    w = args.workers
    run_case("two qubits", *two_qubit_sweep(args.points2, rng), args.sample2, args.repeat, rng, w)
    run_case("four qubits, excitation conserving",
             *four_qubit_sweep(args.points4, rng, generic=False), args.sample4, args.repeat, rng, w)
    run_case("four qubits, generic (sigma_x term)",
             *four_qubit_sweep(args.points4, rng, generic=True), args.sample4, args.repeat, rng, w)
    print(f"\nload average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
