"""Benchmark: batched steady states (symthermo.numeric.steady) vs a loop of qutip.steadystate.

    python bench/steady_core.py [--points2 10000] [--points4 1000] [--sample2 400]
                                [--sample4 20] [--repeat 3]

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
The machine's BLAS threading applies to both sides (set OPENBLAS_NUM_THREADS to control it).
"""

from __future__ import annotations

import argparse
import os
import time
import warnings

import numpy as np

from symthermo.numeric.steady import steady_states_batched
from symthermo.numeric.superop import lindblad_liouvillian

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


def _best(fn, repeat: int) -> float:
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _qutip_per_point(Ls: np.ndarray, sample: np.ndarray, repeat: int) -> dict[str, float]:
    import qutip

    d = round(Ls.shape[-1] ** 0.5)
    dims = [[[d], [d]], [[d], [d]]]
    Q = [qutip.Qobj(Ls[i], dims=dims, superrep="super") for i in sample]
    out = {}
    for method in ("direct", "svd", "eigen"):
        qutip.steadystate(Q[0], method=method)  # warm-up

        def loop(method=method):
            for q in Q:
                qutip.steadystate(q, method=method)

        out[method] = _best(loop, max(1, repeat - 1)) / len(Q)
    return out


def _accuracy(Ls: np.ndarray, rho: np.ndarray, sample: np.ndarray) -> float:
    import qutip

    d = rho.shape[-1]
    dims = [[[d], [d]], [[d], [d]]]
    err = 0.0
    for i in sample[:20]:
        ref = qutip.steadystate(qutip.Qobj(Ls[i], dims=dims, superrep="super"), method="svd")
        err = max(err, float(np.max(np.abs(rho[i] - ref.full()))))
    return err


def run_case(name: str, H, J, rates, sample_size: int, repeat: int, rng) -> None:
    points = H.shape[0]
    t0 = time.perf_counter()
    Ls = lindblad_liouvillian(H, J, rates)
    t_build = time.perf_counter() - t0
    steady_states_batched(Ls[: min(points, 64)])  # warm-up (index tables)
    rho = steady_states_batched(Ls)
    t_ours = _best(lambda: steady_states_batched(Ls), repeat)
    sample = rng.choice(points, size=min(sample_size, points), replace=False)
    per = _qutip_per_point(Ls, sample, repeat)
    base_method = min(("direct", "svd"), key=lambda m: per[m])
    t_qutip = per[base_method] * points
    t_eigen = per["eigen"] * points
    err = _accuracy(Ls, rho, sample)
    n = Ls.shape[-1]
    print(f"\n== {name}: {points} points, d = {round(n**0.5)}, n = {n}")
    print(f"   build Liouvillians (batched einsum)      {t_build * 1e3:10.1f} ms")
    print(f"   steady_states_batched                    {t_ours * 1e3:10.1f} ms "
          f"({t_ours / points * 1e6:.2f} us/point)")
    for m in ("direct", "svd", "eigen"):
        print(f"   qutip.steadystate({m!r:8}) loop (est.)  {per[m] * points * 1e3:10.1f} ms "
              f"({per[m] * 1e6:.1f} us/point, sampled on {len(sample)})")
    print(f"   speed-up vs fastest of direct/svd ({base_method}): {t_qutip / t_ours:8.1f}x")
    print(f"   speed-up vs eigen:                          {t_eigen / t_ours:8.1f}x")
    print(f"   max |rho - rho_qutip| on 20 sampled points: {err:.2e}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--points2", type=int, default=10_000)
    parser.add_argument("--points4", type=int, default=1_000)
    parser.add_argument("--sample2", type=int, default=400)
    parser.add_argument("--sample4", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    rng = np.random.default_rng(2024)
    print("steady-state benchmark (symthermo.numeric.steady vs qutip)")
    print(f"numpy {np.__version__}; OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}; "
          f"cpus={os.cpu_count()}; load average {os.getloadavg()[0]:.2f}")
    run_case("two qubits", *two_qubit_sweep(args.points2, rng), args.sample2, args.repeat, rng)
    run_case("four qubits, excitation conserving",
             *four_qubit_sweep(args.points4, rng, generic=False), args.sample4, args.repeat, rng)
    run_case("four qubits, generic (sigma_x term)",
             *four_qubit_sweep(args.points4, rng, generic=True), args.sample4, args.repeat, rng)


if __name__ == "__main__":
    main()
