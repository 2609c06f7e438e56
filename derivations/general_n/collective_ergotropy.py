"""Collective ergotropy with N symbolic: N qubits S_n, H_0 = omega sum_n sigma^+_n sigma^-_n,
dipole-dipole H_d = sum_{n != n'} f sigma^+_n sigma^-_{n'} (collective limit f_ij = f), one
thermal oscillator ancilla R met by all qubits through V_n = g_n (sigma^+_n a + sigma^-_n a^dag)
(the collision model behind Eqs. (5)-(7) of collective-ergotropy; gamma_nn' = g_n g_n').

Variants: ``collective`` (common ancilla), ``independent`` (one ancilla per qubit, gamma_nn' =
gamma_n delta_nn'), ``cascaded``.  :func:`instance_model` builds the same at N = size by hand.
"""

from __future__ import annotations

from functools import cache

import sympy

from symthermo.algebra import boson, operator_sum, qubit
from symthermo.algebra.indexed import isum, qubit_family, size_symbol
from symthermo.indexed_thermo import FamilyModel, family_bath
from symthermo.model import CollisionModel, bath, collision_model
from symthermo.states import ThermalOscillator

SCHEMES = {"collective": "simultaneous", "independent": "independent", "cascaded": "cascaded"}

N = size_symbol("N")
S = qubit_family("S", N, index_label="n")
n, n2 = S.indices(2)
R = boson("R")
omega = sympy.Symbol("omega", positive=True)
beta = sympy.Symbol("beta", positive=True)
f = sympy.Symbol("f", real=True)
g = sympy.IndexedBase("g", real=True)


@cache
def family_model(variant: str) -> FamilyModel:
    h0 = isum(omega * S[n].plus * S[n].minus, n)
    hd = isum(f * S[n].plus * S[n2].minus, (n, n2), "distinct")
    b = family_bath("R", ThermalOscillator(R, omega=omega, beta=beta), omega * R.n,
                    {"S": g[n] * (S[n].plus * R.a + S[n].minus * R.adag)},
                    scheme=SCHEMES[variant], beta=beta)  # type: ignore[arg-type]
    return collision_model([S], h0, b, hd,  # type: ignore[return-value]
                           name=f"collective_ergotropy[{variant}]")


@cache
def instance_model(variant: str, size: int) -> CollisionModel:
    qs = [qubit(f"S{j}") for j in range(1, size + 1)]
    h0 = operator_sum(omega * q.plus * q.minus for q in qs)
    hd = operator_sum(f * qs[i].plus * qs[j].minus for i in range(size) for j in range(size)
                      if i != j)
    b = bath("R", ThermalOscillator(R, omega=omega, beta=beta), omega * R.n,
             [(f"S{j}", g[j] * (q.plus * R.a + q.minus * R.adag))
              for j, q in enumerate(qs, start=1)],
             scheme=SCHEMES[variant], beta=beta)  # type: ignore[arg-type]
    return collision_model(qs, h0, b, hd, name=f"collective_ergotropy[{variant}]N{size}")


# --------------------------------------------------------------------------------------------
# general-N rows of the report: the master equation Eqs. (5)-(7) for symbolic N, as the
# action of its adjoint on observables (Tr[X L(rho)] = <L^dag(X)>), printed vs derived
# --------------------------------------------------------------------------------------------

gamma = sympy.IndexedBase("gamma", real=True)  # gamma_ij of Eqs. (6)-(7)
NBAR = 1 / (sympy.exp(beta * omega) - 1)


def printed_adjoint(x: object) -> object:
    """L^dag(X) of Eqs. (5)-(7): i[H_0 + H_d, X] + sum_{i,j} gamma_ij (nbar + 1)
    (sigma^+_i X sigma^-_j - {sigma^+_i sigma^-_j, X}/2) + gamma_ij nbar (sigma^-_i X
    sigma^+_j - {sigma^-_i sigma^+_j, X}/2) (the adjoint of A rho B is B X A)."""
    from symthermo.algebra.indexed import as_indexed, indexed_commutator

    x = as_indexed(x)
    h = isum(omega * S[n].plus * S[n].minus, n) + isum(f * S[n].plus * S[n2].minus, (n, n2),
                                                      "distinct")
    i, j = S.index(4), S.index(5)  # n'''' and n''''': away from the observables' indices
    half = sympy.Rational(1, 2)
    d_minus = gamma[i, j] * (NBAR + 1) * (
        S[i].plus * x * S[j].minus
        - half * (S[i].plus * S[j].minus * x + x * S[i].plus * S[j].minus))
    d_plus = gamma[i, j] * NBAR * (
        S[i].minus * x * S[j].plus
        - half * (S[i].minus * S[j].plus * x + x * S[i].minus * S[j].plus))
    return indexed_commutator(h, x) * sympy.I + isum(d_minus + d_plus, (i, j))


def general_checks() -> list:
    """Eqs. (5)-(7) for symbolic N, on sigma^z_m, sigma^+_m and sigma^+_m sigma^-_m' (m != m'),
    under the collision model's rates gamma_ij = g_i g_j (the collective limit)."""
    from derivations.framework import Check
    from derivations.general_n.coupled_ensembles import canonical
    from symthermo import indexed_thermo as it
    from symthermo.algebra.indexed import assume_distinct, index, indexed_expectation

    model = family_model("collective")
    m, m2 = index("m", N), index("m'", N)
    observables = (("sigma^z_m", S[m].z), ("sigma^+_m", S[m].plus),
                   ("sigma^+_m sigma^-_m' (m != m')", S[m].plus * S[m2].minus))

    def rates(e: sympy.Expr) -> sympy.Expr:
        return e.replace(lambda a: isinstance(a, sympy.Indexed) and a.base == gamma,
                         lambda a: g[a.indices[0]] * g[a.indices[1]])

    out = []
    for name, x in observables:
        # the printed generator is evaluated at the model's rates before the comparison (the
        # framework's first, convention-free comparison would run sympy.simplify on sums)
        printed = canonical(rates(indexed_expectation(assume_distinct(printed_adjoint(x)))))
        derived = canonical(it.heisenberg_equation(model, x, distinct=True))
        out.append(Check(
            f"Eqs. (5)-(7), general N, X = {name}",
            "Tr[X L(rho)] of the master equation at gamma_ij = g_i g_j, f_ij = f",
            printed, derived,
            matrix_route=heisenberg_route([printed, derived], x, {m: 1, m2: 2}),
            note="The printed rates gamma_ij are set to the collision model's g_i g_j (the "
                 "collective limit; gamma_ij = gamma_0 at uniform g) and f_ij = f. N symbolic; "
                 "the derived generator unrolled at N = 2, 3, 4 equals the instance engine's "
                 "(tests/test_indexed.py).",
        ))
    return out


def heisenberg_route(exprs: list, x: object, env: dict):
    """Matrix route at N = 3: Tr[rho i[H_S, X]] - sum w Tr[(rho (x) rho_R)[V_o, [V_i, X]]]
    with the instance's matrices (truncated oscillator), X at the indices ``env``."""
    from derivations.general_n.routes import route
    from symthermo.algebra.indexed import unroll_operator
    from symthermo.numeric.matrices import operator_matrix
    from symthermo.numeric.model_matrices import _bath_sites, _pair_sum, converged_cutoff

    inst = instance_model("collective", 3)
    x_op = unroll_operator(x, {N: 3, **env})

    def fixed(rng: object) -> dict:
        out = {omega: float(rng.uniform(0.5, 2.0)), f: float(rng.uniform(0.1, 0.5))}  # type: ignore[attr-defined]
        out[beta] = float(rng.uniform(9.0, 11.0)) / out[omega]  # type: ignore[attr-defined]
        out.update({g[j]: float(rng.uniform(0.3, 1.0)) for j in (1, 2, 3)})  # type: ignore[attr-defined]
        return out

    def value(rho: object, params: dict) -> float:
        import numpy as np

        cut = converged_cutoff(inst, params)
        h = operator_matrix(inst.system_hamiltonian, inst.system_sites, cut, params)
        xs = operator_matrix(x_op, inst.system_sites, cut, params)
        total = np.trace(rho @ (1j * (h @ xs - xs @ h)))  # type: ignore[operator]
        for b in inst.baths:
            xb = operator_matrix(x_op, _bath_sites(inst, b), cut, params)
            total -= _pair_sum(inst, b, xb, "total", rho, params, cut)
        return float(np.real(total))

    return route(exprs, {N: 3, **env}, inst.system_sites, fixed, value, 8)


def general_quantities() -> list:
    """The master equation Eqs. (5)-(7) for symbolic N in equations.tex (LaTeX only): its
    Heisenberg equations d<X>/dt = <L^dag(X)> for X = sigma^z_m and the exchange coherence
    sigma^x_m sigma^x_m' + sigma^y_m sigma^y_m' (m != m'), in the collective limit gamma_ij =
    g_i g_j, f_ij = f (the collision model's rates), and its heat and work currents."""
    from symthermo import indexed_thermo as it
    from symthermo.algebra.indexed import index
    from symthermo.emit import Quantity, current_symbol

    model = family_model("collective")
    m, m2 = index("m", N), index("m'", N)
    return [
        Quantity("general_dsz_dt", it.heisenberg_equation(model, S[m].z, distinct=True),
                 r"\frac{d}{dt}\langle \hat{\sigma}^{z}_{S,m} \rangle_{\rho_S}",
                 "master equation, Eqs. (5)-(7), for N qubits (general N) in the Heisenberg "
                 "picture: the population of qubit m (rates $\\gamma_{ij} = g_i g_j$)"),
        Quantity("general_dexchange_dt",
                 it.heisenberg_equation(model, S[m].x * S[m2].x + S[m].y * S[m2].y,
                                        distinct=True),
                 r"\dot{C}_{mm'}",
                 "the same for the exchange coherence $C_{mm'} = \\langle \\hat{\\sigma}^{x}_{S,m} "
                 "\\hat{\\sigma}^{x}_{S,m'} + \\hat{\\sigma}^{y}_{S,m} \\hat{\\sigma}^{y}_{S,m'} "
                 "\\rangle_{\\rho_S}$ of qubits $m \\neq m'$ (general N)"),
        Quantity("general_heat", it.heat_current(model, "R"), current_symbol("Q", None, "R"),
                 "heat current from the field into N collectively coupled qubits (general N)"),
        Quantity("general_work", it.work_current(model), current_symbol("W"),
                 "work current of the collisions, N qubits (general N; non-zero through $H_d$)"),
    ]
