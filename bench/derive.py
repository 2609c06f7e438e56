"""Time of the symbolic derivations: currents, master equation, Heisenberg equations.

Run from the repository root:  python bench/derive.py  [--repeat R] [--max-n N] [--warm-algebra]

For each model the derivation is timed in three phases, in this order, with caches cleared
before the first phase (every functools cache of symthermo.thermo / symthermo.closure, and,
unless --warm-algebra, the memo tables of the operator algebra: monomial products and
commutators, coefficient products, sympy conversions):

* currents: heat current of every bath and work current of every bath and in total, each
  local, non-local and total (thermo.heat_current / thermo.work_current);
* master_equation: thermo.lindblad_form (jump operators, rate matrices, cascaded Hamiltonian);
* heisenberg: thermo.heisenberg_equation for sigma^x, sigma^y, sigma^z of every system qubit
  and for the system energy H_S (reusing the master equation of the previous phase, as the
  engine does).

Models:

* the four papers' models of tests/test_model.py: common-reservoirs (two qubits, M = 1 and
  M = 3 reservoir qubits), coupled-ensembles (H_I of Eqs. (29) and (31), simultaneous /
  cascaded / independent), collective-ergotropy (N = 2, 3), memoryless-ness; the papers' time
  is the sum of the best of ``--repeat`` cold runs of each;
* the N-qubit common reservoir, N = 2..10, M = 1, 2, 3 reservoir qubits (one run each):
  H_S = sum_i (w_i/2) sigma^z_i + sum_i (Jx_s x_i x_{i+1} + Jy_s y_i y_{i+1}), a
  NEAREST-NEIGHBOUR open XY chain; V_i = sum_k (Jx_i x_i x_Rk + Jy_i y_i y_Rk), all
  simultaneous, thermal reservoir qubits (w_R/2) sigma^z_Rk;
* separately, closure.symbolic_steady_state of the common-reservoirs two-qubit model
  (M = 1) at resonance (w_S1 = w_S2 = w_R = w) with generic J_1 != J_2, the reservoir
  given by xi_R = tanh(beta_R w / 2) (the paper's Eq. 16 parameter).

Last line: RESULT papers_seconds=<t> n10_m3_seconds=<t> symbolic_ness_seconds=<t>
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import sympy  # noqa: E402
from test_model import catalogue  # noqa: E402

from symthermo import thermo  # noqa: E402
from symthermo.algebra import (  # noqa: E402
    coefficients,
    monomials,
    operator_sum,
    qubit,
    sigma_x,
    sigma_y,
    sigma_z,
)
from symthermo.model import CollisionModel, bath, collision_model  # noqa: E402
from symthermo.states import ThermalQubit  # noqa: E402

PAPER_MODELS = (
    "common-reservoirs M=1",
    "common-reservoirs M=3",
    "coupled-ensembles H_I(1) simultaneous",
    "coupled-ensembles H_I(1) cascaded",
    "coupled-ensembles H_I(1) independent",
    "coupled-ensembles H_I(2) simultaneous",
    "coupled-ensembles H_I(2) cascaded",
    "coupled-ensembles H_I(2) independent",
    "collective-ergotropy N=2",
    "collective-ergotropy N=3",
    "memoryless-ness",
)
PARTS = ("local", "nonlocal", "total")


def clear_caches(algebra: bool = True) -> None:
    """Empty the derivation caches (functools caches of thermo/closure; algebra memo tables)."""
    modules = [thermo]
    try:
        from symthermo import closure

        modules.append(closure)
    except ImportError:  # pragma: no cover - older engine
        pass
    for mod in modules:
        for obj in vars(mod).values():
            if callable(getattr(obj, "cache_clear", None)):
                obj.cache_clear()
    if algebra:
        monomials._product_cache.clear()
        monomials._commutator_cache.clear()
        coefficients._mul_cache.clear()
        coefficients._sympy_cache.clear()
        coefficients.scalar_from_sympy.cache_clear()


def derive(model: CollisionModel, algebra_cold: bool = True) -> dict[str, float]:
    """Seconds of each phase (caches cleared first)."""
    clear_caches(algebra_cold)
    t0 = time.perf_counter()
    for b in model.baths:
        for p in PARTS:
            thermo.heat_current(model, b.name, p)
            thermo.work_current(model, b.name, p)
    for p in PARTS:
        thermo.work_current(model, None, p)
    t1 = time.perf_counter()
    thermo.lindblad_form(model)
    t2 = time.perf_counter()
    observables = [op(s) for s in model.system_sites for op in (sigma_x, sigma_y, sigma_z)]
    observables.append(model.system_hamiltonian)
    for o in observables:
        thermo.heisenberg_equation(model, o)
    t3 = time.perf_counter()
    return {
        "currents": t1 - t0,
        "master_equation": t2 - t1,
        "heisenberg": t3 - t2,
        "total": t3 - t0,
        "observables": len(observables),
    }


def best_of(model: CollisionModel, repeat: int, algebra_cold: bool) -> dict[str, float]:
    runs = [derive(model, algebra_cold) for _ in range(repeat)]
    return min(runs, key=lambda r: r["total"])


def _sym(name: str) -> sympy.Symbol:
    return sympy.Symbol(name, real=True)


def n_qubit_common_reservoir(n: int, m: int) -> CollisionModel:
    """N qubits, nearest-neighbour XY chain, one common reservoir of M thermal qubits."""
    qs = [qubit(f"S{i}") for i in range(1, n + 1)]
    rs = [qubit(f"R{k}") for k in range(1, m + 1)]
    w_r, beta = _sym("w_R"), _sym("beta_R")
    h = operator_sum(_sym(f"w_S{i + 1}") / 2 * sigma_z(q) for i, q in enumerate(qs))
    h_i = operator_sum(
        _sym("Jx_s") * sigma_x(a) * sigma_x(b) + _sym("Jy_s") * sigma_y(a) * sigma_y(b)
        for a, b in itertools.pairwise(qs)
    )
    sx = operator_sum(sigma_x(r) for r in rs)
    sy = operator_sum(sigma_y(r) for r in rs)
    couplings = [
        (q.name, _sym(f"Jx_{i + 1}") * sigma_x(q) * sx + _sym(f"Jy_{i + 1}") * sigma_y(q) * sy)
        for i, q in enumerate(qs)
    ]
    h_r = operator_sum(w_r / 2 * sigma_z(r) for r in rs)
    res = bath("R", [ThermalQubit(r, omega=w_r, beta=beta) for r in rs], h_r, couplings,
               beta=beta)
    return collision_model(qs, h, res, h_i, name=f"common reservoir N={n} M={m}")


def symbolic_ness_seconds(algebra_cold: bool) -> tuple[float, str]:
    """closure.symbolic_steady_state of common-reservoirs M = 1 at resonance, J_1 != J_2.

    The reservoir state is given by xi_R = tanh(beta_R w_R / 2) as in the paper (Eq. 16): with
    omega/beta instead, w appears both alone and inside tanh(beta_R w / 2) at resonance, sympy
    puts the Heisenberg matrix in the EX domain and the solve fails (see the bench report).
    """
    try:
        from symthermo.closure import symbolic_steady_state
    except ImportError:
        return float("nan"), "symbolic_steady_state not found"
    model = resonant_common_reservoir(xi=True)
    clear_caches(algebra_cold)
    t0 = time.perf_counter()
    family = symbolic_steady_state(model)
    seconds = time.perf_counter() - t0
    return seconds, (
        f"stationary dimension {family.dimension}, {len(family.values)} expectations, "
        "reservoir given by xi_R"
    )


def resonant_common_reservoir(xi: bool) -> CollisionModel:
    """common-reservoirs M = 1 with w_S1 = w_S2 = w_R = w (and xi_R for the reservoir)."""
    model = catalogue()["common-reservoirs M=1"].model()
    w = sympy.Symbol("w", positive=True)
    model = model.subs({sympy.Symbol(k, real=True): w for k in ("w_S1", "w_S2", "w_R")})
    if not xi:
        return model
    (b,) = model.baths
    (anc,) = b.ancillas
    state = ThermalQubit(anc.site, tanh=sympy.Symbol("xi_R", positive=True))
    return model.replace(baths=(dataclasses.replace(b, ancillas=(state,)),))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="cold runs per paper model")
    parser.add_argument("--max-n", type=int, default=10, help="largest N of the N-qubit scan")
    parser.add_argument("--warm-algebra", action="store_true",
                        help="keep the algebra's memo tables between runs (thermo caches only)")
    args = parser.parse_args()
    cold = not args.warm_algebra
    print(f"# caches: thermo/closure functools caches cleared before every run; algebra memo "
          f"tables {'cleared too' if cold else 'kept (warm)'}")

    papers = 0.0
    cat = catalogue()
    print(f"# papers' models (best of {args.repeat})")
    for name in PAPER_MODELS:
        r = best_of(cat[name].model(), args.repeat, cold)
        papers += r["total"]
        print(f"model={name!r} currents_seconds={r['currents']:.4f} "
              f"master_equation_seconds={r['master_equation']:.4f} "
              f"heisenberg_seconds={r['heisenberg']:.4f} ({r['observables']} observables) "
              f"total_seconds={r['total']:.4f}")
    print(f"papers_total_seconds={papers:.4f} (target < 5)")

    print("# N-qubit common reservoir, nearest-neighbour XY chain, M reservoir qubits")
    n10_m3 = float("nan")
    for m in (1, 2, 3):
        for n in range(2, args.max_n + 1):
            r = derive(n_qubit_common_reservoir(n, m), cold)
            print(f"N={n} M={m} currents_seconds={r['currents']:.4f} "
                  f"master_equation_seconds={r['master_equation']:.4f} "
                  f"heisenberg_seconds={r['heisenberg']:.4f} total_seconds={r['total']:.4f}",
                  flush=True)
            if n == 10 and m == 3:
                n10_m3 = r["total"]

    ness, note = symbolic_ness_seconds(cold)
    print(f"# symbolic steady state, common-reservoirs M=1 at resonance: {note}")
    print(f"RESULT papers_seconds={papers:.4f} n10_m3_seconds={n10_m3:.4f} "
          f"symbolic_ness_seconds={ness:.4f}")


if __name__ == "__main__":
    main()
