"""Benchmark: steady states that scale (sparse blocks; permutation-invariant route) vs QuTiP.

    python bench/scale.py [--chain 3-10] [--collective 4,8,16,32,64,100] [--local 10,40,100]
                          [--timeout 120] [--symthermo-timeout 300] [--mem-gib 8]
                          [--repeat 3] [--qutip-max 8]

(a) Chain: N system qubits in an XX chain (H = sum_i (omega_i/2) sigma^z_i
    + J sum_i (sigma^+_i sigma^-_{i+1} + h.c.), omega_i = 1 + 0.1 i, J = 0.3) meeting ONE
    common thermal reservoir qubit per stroke with unequal couplings g_i = 0.5 + 0.13 i
    (V_i = g_i (sigma^+_i sigma^-_R + h.c.), beta = 0.8): a unique steady state. The
    Liouvillian is built once per N by symthermo (``sparse_liouvillian``, from the derived
    Lindblad form; build time printed apart) and handed to both sides:
    symthermo ``steady_state(L)`` (sparse blocks, stationary dimension detected: LU, or for
    blocks of >= 2000 unknowns GMRES preconditioned by the no-jump part with an Arnoldi
    count, see symthermo/numeric/sparse_iterative.py) and QuTiP 5
    ``steadystate(L)`` with its default (method "direct", sparse spsolve) and its iterative
    solvers "gmres" and "lgmres" with the ILU preconditioner (``use_precond=True``). Agreement:
    max |rho_symthermo - rho_qutip| (entries).
(b) Collective: N qubits, H = omega sum_i sigma^+_i sigma^-_i, one thermal field meeting all
    qubits at once (the collective-ergotropy model: jumps sum_i sigma^-_i at rate
    gamma (nbar + 1) and sum_i sigma^+_i at gamma nbar, omega = 1, beta = 0.01), from all
    qubits in the ground state. symthermo: ``collective_generator`` of the N = 3 model moved
    to N qubits (``with_qubits``), ``permutation_invariant_steady_state`` (degenerate
    stationary space detected, state projected from |0...0>), then C_l1 and the ergotropy
    (printed next to collective-ergotropy Eqs. (16)-(17)). qutip.piqs: ``Dicke(N, H,
    collective_emission, collective_pumping).liouvillian()`` and ``qutip.steadystate`` on it
    (it has no notion of the initial state: on a degenerate stationary space it fails or
    returns one of the stationary states), and ``qutip.mesolve`` from |N/2, -N/2> to
    t = T_LONG as the long-time limit; compared by the excitation-number populations p_k.
(c) Collective + local: the model of (b) plus the same local dissipators on every qubit
    (LOCAL_RATES: D[sigma^-_i], D[sigma^+_i], D[sigma^z_i]): the PI route on all spins j at
    once (``permutation_invariant_steady_state(..., local=LocalProcesses(...))``; unique),
    and qutip.piqs' Dicke Liouvillian with the same processes handed to qutip.steadystate
    (which fails on it: piqs keeps the never-populated entries between different j, zero
    rows). Agreement with the 2^N route and with piqs' Liouvillian is in
    tests/numeric/test_permutation_local.py.

Every solve runs in its own child process (one after another, never in parallel) with a
memory cap (``--mem-gib``, RLIMIT_AS) and a timeout; peak memory is the child's maximum
resident set size (including the ~0.2 GB of imports). Wall-clock times, one BLAS thread on
both sides; sizes up to N = 6 are the best of ``--repeat`` runs, larger ones run once. The
machine is shared with other jobs: compare ratios within one run. Last line:

    RESULT ratio_n7=<QuTiP fastest / symthermo at N = 7> n_max_60s=<largest chain N solved
    by symthermo in under 60 s> collective_n100_seconds=<symthermo PI route at N = 100, (b)>
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Time of the piqs evolution standing in for the long-time limit (rates ~ nbar = 100).
T_LONG = 20.0
#: Local processes of part (c): rates per qubit of D[sigma^-], D[sigma^+], D[sigma^z].
LOCAL_RATES = {"emission": 0.3, "pumping": 0.1, "dephasing": 0.2}
QUTIP_METHODS = {
    "qutip-direct": {},
    "qutip-gmres": {"solver": "gmres", "use_precond": True},
    "qutip-lgmres": {"solver": "lgmres", "use_precond": True},
}


def chain_model(n: int):
    import sympy

    from symthermo.algebra import operator_sum, qubit
    from symthermo.model import bath, collision_model
    from symthermo.states import ThermalQubit

    qs = [qubit(f"S{i}") for i in range(1, n + 1)]
    R = qubit("R")
    h = operator_sum(sympy.Float(1.0 + 0.1 * i) / 2 * q.z for i, q in enumerate(qs))
    hi = operator_sum(
        sympy.Float(0.3) * (qs[i].plus * qs[i + 1].minus + qs[i].minus * qs[i + 1].plus)
        for i in range(n - 1)
    )
    b = bath(
        "R", ThermalQubit(R, omega=sympy.Float(1.0), beta=sympy.Float(0.8)),
        sympy.Float(0.5) * R.z,
        {q.name: sympy.Float(0.5 + 0.13 * i) * (q.plus * R.minus + q.minus * R.plus)
         for i, q in enumerate(qs)},
    )
    return collision_model(qs, h, b, hi, name=f"chain{n}")


def collective_model(n: int):
    import sympy

    from symthermo.algebra import boson, operator_sum, qubit
    from symthermo.model import bath, collision_model
    from symthermo.states import ThermalOscillator

    qs = [qubit(f"S{i}") for i in range(1, n + 1)]
    R = boson("R")
    omega, beta = sympy.Float(1.0), sympy.Float(0.01)
    b = bath("R", ThermalOscillator(R, omega=omega, beta=beta), omega * R.n,
             {q.name: q.plus * R.a + q.minus * R.adag for q in qs})
    return collision_model(qs, operator_sum(omega * q.plus * q.minus for q in qs), b)


# --------------------------------------------------------------------------------------------
# child processes
# --------------------------------------------------------------------------------------------


def _peak_gib() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def worker(kind: str, n: int, out: str) -> None:
    import numpy as np

    result: dict = {}
    if kind.startswith("chain:"):
        import scipy.sparse as sp

        from symthermo.numeric.sparse import sparse_liouvillian

        t0 = time.perf_counter()
        L = sparse_liouvillian(chain_model(n))
        result["build"] = time.perf_counter() - t0
        method = kind.split(":", 1)[1]
        d = 2**n
        if method == "symthermo":
            from symthermo.numeric.steady import steady_state

            t0 = time.perf_counter()
            ss = steady_state(L)
            result["time"] = time.perf_counter() - t0
            result["dimension"] = ss.stationary_dimension
            rho = ss.rho
        else:
            import qutip

            Lq = qutip.Qobj(sp.csr_matrix(L), dims=[[[d], [d]], [[d], [d]]], superrep="super")
            t0 = time.perf_counter()
            rho = qutip.steadystate(Lq, **QUTIP_METHODS[method]).full()
            result["time"] = time.perf_counter() - t0
        np.save(out + ".npy", rho)
    else:  # collective (with local processes: kind "local:...")
        from symthermo.numeric.permutation import (
            PermutationInvariantState,
            collective_generator,
            excitation_number_blocks,
            permutation_invariant_steady_state,
        )

        if kind == "local:symthermo":
            from symthermo.numeric.permutation import LocalProcesses

            t0 = time.perf_counter()
            gen = collective_generator(collective_model(3)).with_qubits(n)
            st = permutation_invariant_steady_state(gen, local=LocalProcesses(**LOCAL_RATES))
            result["time"] = time.perf_counter() - t0
            result["dimension"] = st.stationary_dimension
            result["trace"] = st.trace()
            p = st.excitation_populations()
        elif kind == "local:piqs-steadystate":
            import qutip
            from qutip import piqs

            nbar = 1.0 / np.expm1(0.01)
            t0 = time.perf_counter()
            system = piqs.Dicke(n, hamiltonian=piqs.jspin(n, "z", basis="dicke"),
                                collective_emission=nbar + 1, collective_pumping=nbar,
                                emission=LOCAL_RATES["emission"],
                                pumping=LOCAL_RATES["pumping"],
                                dephasing=4 * LOCAL_RATES["dephasing"])
            rho = qutip.steadystate(system.liouvillian()).full()
            result["time"] = time.perf_counter() - t0
            p = np.zeros(n + 1)
        elif kind == "collective:symthermo":
            t0 = time.perf_counter()
            gen = collective_generator(collective_model(3)).with_qubits(n)
            st = permutation_invariant_steady_state(gen, PermutationInvariantState.ground(n))
            result["coherence"] = st.l1_coherence()
            result["ergotropy"] = st.ergotropy(excitation_number_blocks(n))
            result["time"] = time.perf_counter() - t0
            result["dimension"] = st.stationary_dimension
            p = st.excitation_populations()
        else:
            import qutip
            from qutip import piqs

            nbar = 1.0 / np.expm1(0.01)
            t0 = time.perf_counter()
            jz = piqs.jspin(n, "z", basis="dicke")
            system = piqs.Dicke(n, hamiltonian=jz, collective_emission=nbar + 1,
                                collective_pumping=nbar)
            Lq = system.liouvillian()
            if kind == "collective:piqs-steadystate":
                rho = qutip.steadystate(Lq).full()
            else:  # long-time limit of the evolution from |N/2, -N/2> (t = T_LONG)
                rho0 = piqs.dicke(n, n / 2, -n / 2)
                rho = qutip.mesolve(Lq, rho0, [0.0, T_LONG],
                                    options={"nsteps": 10**7}).states[-1].full()
            result["time"] = time.perf_counter() - t0
            p = np.zeros(n + 1)
            at = 0
            for j2 in range(n, -1, -2):  # piqs: j = N/2 first, m = j .. -j (descending)
                size = j2 + 1  # piqs' blocks are summed over the d_j copies already
                diag = np.diagonal(rho[at:at + size, at:at + size]).real[::-1]
                k0 = (n - j2) // 2
                p[k0:k0 + size] += diag
                at += size
        np.save(out + ".npy", p)
    result["peak_gib"] = _peak_gib()
    Path(out + ".json").write_text(json.dumps(result))


def run_child(kind: str, n: int, args: argparse.Namespace, tmp: str,
              timeout: float | None = None):
    out = os.path.join(tmp, f"{kind.replace(':', '_')}_{n}")
    code = (
        "import resource, sys; "
        f"resource.setrlimit(resource.RLIMIT_AS, ({int(args.mem_gib * 2**30)}, "
        f"{int(args.mem_gib * 2**30)})); "
        f"sys.path.insert(0, {str(ROOT)!r}); sys.argv = ['scale.py']; "
        "import bench.scale as s; "
        f"s.worker({kind!r}, {n}, {out!r})"
    )
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(args.blas_threads),
               OMP_NUM_THREADS=str(args.blas_threads), MKL_NUM_THREADS=str(args.blas_threads))
    try:
        proc = subprocess.run([sys.executable, "-c", code], env=env,
                              timeout=timeout or args.timeout, capture_output=True, text=True,
                              cwd=str(ROOT))
    except subprocess.TimeoutExpired:
        return None, f"timeout > {timeout or args.timeout:g} s"
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["?"])[-1]
        if "MemoryError" in proc.stderr or "Cannot allocate" in proc.stderr:
            tail = f"out of memory (cap {args.mem_gib:g} GiB)"
        return None, tail[:90]
    import numpy as np

    return json.loads(Path(out + ".json").read_text()), np.load(out + ".npy")


def _range(text: str) -> list[int]:
    if "-" in text:
        a, b = text.split("-")
        return list(range(int(a), int(b) + 1))
    return [int(x) for x in text.split(",") if x]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chain", default="3-10")
    parser.add_argument("--collective", default="4,8,16,32,64,100")
    parser.add_argument("--local", default="10,40,100")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--symthermo-timeout", type=float, default=300.0,
                        help="timeout of symthermo's chain children, which include the "
                             "symbolic build of the model (8 s at N = 8, ~35 s at N = 9)")
    parser.add_argument("--mem-gib", type=float, default=8.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--qutip-max", type=int, default=8)
    parser.add_argument("--blas-threads", type=int, default=1)
    args = parser.parse_args()
    import numpy as np

    print(f"# bench/scale.py: BLAS threads {args.blas_threads}, memory cap {args.mem_gib:g} GiB "
          f"per child, timeout {args.timeout:g} s (symthermo chain: {args.symthermo_timeout:g} s, "
          "build included); shared machine (other jobs running)")
    ratio_n7 = float("nan")
    n_max_60s = 0
    failed: set[str] = set()
    with tempfile.TemporaryDirectory() as tmp:
        print("\n(a) chain + common reservoir qubit: time [s] / peak memory [GiB]")
        print(f"{'N':>3} {'d^2':>8} {'build':>7} {'method':>14} {'time':>9} {'peak':>6}  "
              "max|drho|  note")
        for n in _range(args.chain):
            results = {}
            for method in ("symthermo", *QUTIP_METHODS):
                kind = f"chain:{method}"
                if method in failed or (method != "symthermo" and n > args.qutip_max):
                    results[method] = (None, "skipped (failed at a smaller N or above "
                                       "--qutip-max)")
                    continue
                best = None
                for _ in range(args.repeat if n <= 6 else 1):
                    info, rho = run_child(kind, n, args, tmp, args.symthermo_timeout
                                          if method == "symthermo" else None)
                    if info is None:
                        best = (None, rho)
                        break
                    if best is None or info["time"] < best[0]["time"]:
                        best = (info, rho)
                results[method] = best
                if best[0] is None:
                    failed.add(method)
            ref = results["symthermo"][1] if results["symthermo"][0] else None
            build = next((r[0]["build"] for r in results.values() if r[0]), float("nan"))
            for method, (info, rho) in results.items():
                if info is None:
                    print(f"{n:>3} {4**n:>8} {build:>7.2f} {method:>14} {'-':>9} {'-':>6}  "
                          f"{'-':>9}  {rho}")
                    continue
                agree = (float(np.max(np.abs(rho - ref))) if ref is not None
                         and method != "symthermo" else float("nan"))
                note = (f"stationary dimension {info['dimension']}"
                        if "dimension" in info else "")
                print(f"{n:>3} {4**n:>8} {build:>7.2f} {method:>14} {info['time']:>9.3f} "
                      f"{info['peak_gib']:>6.2f}  {agree:>9.1e}  {note}")
            sym = results["symthermo"][0]
            if sym is not None and sym["time"] < 60.0:
                n_max_60s = max(n_max_60s, n)
            qt = [r[0]["time"] for m, r in results.items() if m != "symthermo" and r[0]]
            if sym is not None and qt:
                print(f"    ratio QuTiP fastest / symthermo = {min(qt) / sym['time']:.2f}")
                if n == 7:
                    ratio_n7 = min(qt) / sym["time"]
            sys.stdout.flush()

        print("\n(b) collective model from |0...0>, beta = 0.01: symthermo PI route vs qutip.piqs")
        print(f"{'N':>4} {'method':>20} {'time':>9} {'peak':>6}  note")
        t100 = float("nan")
        failed_c: set[str] = set()
        for n in _range(args.collective):
            r = float(np.exp(-0.01))
            eq16 = (r - 1) * (r + 1) ** n / (r ** (n + 1) - 1) - 1
            eq17 = n + (n + r) / (r ** (n + 1) - 1) + r / (1 - r)
            ours = None
            for method in ("symthermo", "piqs-steadystate", "piqs-mesolve"):
                kind = f"collective:{method}"
                if method in failed_c:
                    print(f"{n:>4} {method:>20} {'-':>9} {'-':>6}  skipped (failed at a "
                          "smaller N)")
                    continue
                info, p = run_child(kind, n, args, tmp)
                if info is None:
                    failed_c.add(method)
                    print(f"{n:>4} {method:>20} {'-':>9} {'-':>6}  {p}")
                    continue
                if method == "symthermo":
                    ours = p
                    note = (f"stationary dimension {info['dimension']} (PI states); C_l1 / "
                            f"Eq. (16) - 1 = {info['coherence'] / eq16 - 1:.1e}, W / Eq. (17) - "
                            f"1 = {info['ergotropy'] / eq17 - 1:.1e}")
                    if n == 100:
                        t100 = info["time"]
                else:
                    dev = float(np.max(np.abs(p - ours))) if ours is not None else float("nan")
                    note = f"max |p_k - p_k(PI, projected)| = {dev:.1e}" + (
                        " (no initial state: one of the stationary states)"
                        if method == "piqs-steadystate" else f" (rho(t = {T_LONG:g}))")
                print(f"{n:>4} {method:>20} {info['time']:>9.3f} {info['peak_gib']:>6.2f}  "
                      f"{note}")
                sys.stdout.flush()
        print("\n(c) collective model + local processes per qubit (rates "
              f"{LOCAL_RATES}), PI route on all spins j at once")
        print(f"{'N':>4} {'method':>20} {'time':>9} {'peak':>6}  note")
        for n in _range(args.local):
            for method in ("symthermo", "piqs-steadystate"):
                info, p = run_child(f"local:{method}", n, args, tmp)
                if info is None:
                    print(f"{n:>4} {method:>20} {'-':>9} {'-':>6}  {p}")
                    continue
                note = (f"stationary dimension {info['dimension']}, trace - 1 = "
                        f"{info['trace'] - 1:.1e}, p_N = {p[-1]:.3e}"
                        if method == "symthermo" else "returned a state")
                print(f"{n:>4} {method:>20} {info['time']:>9.3f} {info['peak_gib']:>6.2f}  "
                      f"{note}")
                sys.stdout.flush()
    print(f"RESULT ratio_n7={ratio_n7:.2f} n_max_60s={n_max_60s} "
          f"collective_n100_seconds={t100:.2f}")


if __name__ == "__main__":
    main()
