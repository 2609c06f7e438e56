"""Common reservoirs, general M: the master equation's dissipator and the cluster's <S^z_R>.

* Eq. (20) summed over k = 1..M (Eq. (4)) for M distinct reservoirs R_k (the ``reservoirs``
  model), compared through the adjoint on a general two-qubit observable X = sum_ab X_ab
  sigma_a^S1 sigma_b^S2: Tr[X sum_k D_k(rho_S)] = <sum_k D_k^dag(X)>, with the adjoint of
  A rho B - {BA, rho}/2 being B X A - (BA X + X BA)/2;
* Eq. (28) in Eq. (20): the paper's recipe for the cluster of M reservoir qubits (Sec. 5.3:
  the dissipator keeps the structure of Eq. (20) for one reservoir, J_ik -> J_i, with
  <sigma^z_Rk> replaced by <S^z_R> = -M xi_R);
* Eq. (29): <S^z_R> = -M xi_R for the product thermal state of the M cluster qubits.

The derived side is the engine's collision route for baths whose ancillas form a family,
-sum w Tr_R[V_o, [V_i, X]] over the pair terms (local and non-local; the Hamiltonian part
excluded), and the indexed partial trace of S^z_R = sum_k sigma^z_{R_k}.
"""

from __future__ import annotations

import sympy

from derivations.general_n import common_reservoirs as cr
from symthermo.algebra.indexed import IndexedOperator, as_indexed, isum


def _sandwich(a: object, b: object, x: IndexedOperator) -> IndexedOperator:
    """The adjoint of rho -> A rho B - {B A, rho}/2 applied to X: B X A - (B A X + X B A)/2."""
    ba = b * a
    return b * x * a - (ba * x + x * ba) * sympy.Rational(1, 2)


def printed_d_adjoint(x: IndexedOperator, jx: object, jy: object, z_r: object) -> IndexedOperator:
    """The adjoint of Eq. (20)'s D_k on X, for couplings jx(i), jy(i) and <sigma^z_Rk> = z_r:
    sum_{i,j} Jx_i Jx_j (s^x_i . s^x_j) + Jy_i Jy_j (s^y_i . s^y_j) + i z_r [Jy_i Jx_j (s^y_i .
    s^x_j) - Jx_i Jy_j (s^x_i . s^y_j)], where (A . B) is the sandwich A rho B - {BA, rho}/2."""
    s = cr.SYSTEM
    out = IndexedOperator()
    for i in (1, 2):
        for j in (1, 2):
            out = out + _sandwich(s[i].x, s[j].x, x) * (jx(i) * jx(j))  # type: ignore[operator]
            out = out + _sandwich(s[i].y, s[j].y, x) * (jy(i) * jy(j))  # type: ignore[operator]
            out = out + (_sandwich(s[i].y, s[j].x, x) * (jy(i) * jx(j))  # type: ignore[operator]
                         - _sandwich(s[i].x, s[j].y, x) * (jx(i) * jy(j))  # type: ignore[operator]
                         ) * (sympy.I * z_r)
    return out


def general_x() -> tuple[IndexedOperator, dict]:
    """X = sum_ab X_ab sigma_a^S1 sigma_b^S2 (16 real symbols X_ab)."""
    from symthermo.papers.routes import general_observable

    op, symbols = general_observable([cr.S1, cr.S2])
    return as_indexed(op), symbols


def printed_reservoirs_dissipator(x: IndexedOperator) -> IndexedOperator:
    """sum_{k=1}^M D_k^dag(X) of Eq. (20), <sigma^z_Rk> = -tanh(omega_Rk/(2 T_k)) (Eq. (16))."""
    k = cr.k
    z_r = -sympy.tanh(cr.OMEGA_RK[k] / (2 * cr.T_K[k]))
    return isum(printed_d_adjoint(x, lambda i: cr.JXK[i][k], lambda i: cr.JYK[i][k], z_r), k)


def printed_cluster_dissipator(x: IndexedOperator) -> IndexedOperator:
    """Sec. 5.3's recipe: Eq. (20) for one reservoir with J_i and <S^z_R> = -M xi_R, xi_R =
    tanh(omega_R/(2 T_R)) (Eq. (16); the definition printed under Eq. (29) drops the 1/2)."""
    z_r = -cr.M * sympy.tanh(cr.omega_R / (2 * cr.T_R))
    return printed_d_adjoint(x, lambda i: cr.JX[i], lambda i: cr.JY[i], z_r)


def derived_dissipator(variant: str, x: IndexedOperator) -> IndexedOperator:
    """sum_k D_k^dag(X) of the family model (collision route, local + non-local parts)."""
    from symthermo import indexed_thermo as it

    model = cr.family_model(variant)
    return it.collision_adjoint(model, x, "local") + it.collision_adjoint(model, x, "nonlocal")


def derived_collective_sz() -> sympy.Expr:
    """<S^z_R> = Tr[rho_R sum_k sigma^z_{R_k}] in the cluster's product thermal state."""
    from symthermo import indexed_thermo as it
    from symthermo.algebra.indexed import indexed_expectation

    b = cr.family_model("cluster").bath("R")
    return indexed_expectation(it.indexed_partial_trace(isum(cr.R[cr.k].z, cr.k), b))


XI_R = sympy.Symbol("xi_R", positive=True)


def dissipator_route(exprs: list, variant: str, x_op: object, x_symbols: dict):
    """Matrix route at M = 3: -sum over the instance's baths of sum w Tr[(rho (x) rho_R)
    [V_o, [V_i, X]]], X at random values of its symbols X_ab."""
    from derivations.general_n.common_reservoirs import _fixed
    from derivations.general_n.routes import route
    from symthermo.algebra.indexed import unroll_operator
    from symthermo.numeric.matrices import operator_matrix
    from symthermo.numeric.model_matrices import _bath_sites, _pair_sum

    inst = cr.instance_model(variant, 3)
    concrete = unroll_operator(x_op, {cr.M: 3})

    def value(rho: object, params: dict) -> float:
        total = 0j
        for b in inst.baths:
            xm = operator_matrix(concrete, _bath_sites(inst, b), None, params)
            total -= _pair_sum(inst, b, xm, "total", rho, params, None)
        return float(total.real)

    def fixed(rng: object) -> dict:
        out = _fixed(rng)
        for sym in sorted(x_symbols.values(), key=str):
            out[sym] = float(rng.uniform(-1.0, 1.0))  # type: ignore[attr-defined]
        return out

    return route(exprs, {cr.M: 3}, inst.system_sites, fixed, value, 4)


def sz_route(exprs: list):
    """Matrix route at M = 3: Tr[rho_R S^z_R] with the cluster's ancilla density matrix."""
    import numpy as np

    from derivations.general_n.common_reservoirs import _fixed
    from derivations.general_n.routes import route
    from symthermo.algebra import operator_sum
    from symthermo.numeric.matrices import operator_matrix
    from symthermo.numeric.model_matrices import ancilla_density_matrix

    inst = cr.instance_model("cluster", 3)
    b = inst.bath("R")
    s_z = operator_sum(s_.z for s_ in _qubits(b.ancilla_sites))

    def value(rho: object, params: dict) -> float:
        rho_r = ancilla_density_matrix(b, params, None)
        return float(np.trace(rho_r @ operator_matrix(s_z, b.ancilla_sites, None, params)).real)

    return route(exprs, {cr.M: 3}, inst.system_sites, _fixed, value, 4)


def _qubits(sites: tuple) -> list:
    from symthermo.algebra import qubit

    return [qubit(s.name) for s in sites]


def rows() -> tuple[list, list]:
    """(the Eq. (20) row for M distinct reservoirs, the Eq. (28)/(29) cluster rows)."""
    from derivations.framework import Check
    from derivations.general_n.coupled_ensembles import canonical
    from symthermo.algebra.indexed import indexed_expectation

    x, x_symbols = general_x()
    unrolled = ("M symbolic; unrolled at M = 1, 2, 3 it equals the instance engine's "
                "(tests/test_general_definitions.py).")
    printed = canonical(indexed_expectation(printed_reservoirs_dissipator(x)))
    derived = canonical(indexed_expectation(derived_dissipator("reservoirs", x)))
    eq20 = Check(
        "Eq. (20), general M", "dissipator sum_{k=1}^M D_k(rho_S) of M distinct reservoirs, as "
        "Tr[X sum_k D_k(rho_S)] for a general two-qubit X", printed, derived,
        note="X = sum_ab X_ab sigma_a^S1 sigma_b^S2 general (16 real symbols); the adjoint of "
             "A rho B - {BA, rho}/2 is B X A - {BA, X}/2; <sigma^z_{R_k}> = -tanh(omega_{R_k}/"
             "(2 T_k)) (Eq. (16)). The derived side is the engine's collision route "
             "-sum w Tr_R[V_o, [V_i, X]] of the family model; the matrix route applies it to a "
             "random rho_S at M = 3 with plain matrices. " + unrolled,
        matrix_route=dissipator_route([printed, derived], "reservoirs", x, x_symbols))
    printed28 = canonical(indexed_expectation(printed_cluster_dissipator(x)))
    derived28 = canonical(indexed_expectation(derived_dissipator("cluster", x)))
    eq28 = Check(
        "Eq. (28) in Eq. (20), general M", "dissipator of the cluster of M reservoir qubits "
        "by Sec. 5.3's recipe (Eq. (20) with <sigma^z_R> -> <S^z_R> = -M xi_R), on a general X",
        printed28, derived28, difference_kind="paper error",
        note="Sec. 5.3 says the dissipator keeps the structure of Eq. (20) and the scale "
             "effect enters only through <S^z_R> = -M xi_R. But every one of the M cluster "
             "qubits contributes the whole single-reservoir dissipator (the cross terms "
             "between different qubits vanish: zero means), so the derived dissipator is M "
             "times Eq. (20) for one reservoir: the recipe misses the factor M on the terms "
             "without <sigma^z_R> (right at M = 1 only). xi_R = tanh(omega_R/(2 T_R)) as in "
             "Eq. (16). " + unrolled,
        matrix_route=dissipator_route([printed28, derived28], "cluster", x, x_symbols))
    sz = derived_collective_sz()
    eq29 = Check(
        "Eq. (29), general M", "<S^z_R> of the cluster of M reservoir qubits, in terms of xi_R",
        -cr.M * XI_R, sz,
        mapping=lambda e: e.subs(XI_R, sympy.tanh(cr.omega_R / (2 * cr.T_R))),
        mapping_note="xi_R = tanh(beta_R omega_R/2) as in Eq. (16) (the definition printed "
                     "under Eq. (29), tanh(beta_R omega_R), drops the 1/2: the M = 3 row "
                     "'Eq. (29), definition of xi_R')",
        difference_kind="convention",
        note="Derived as the indexed partial trace of S^z_R = sum_k sigma^z_{R_k} in the "
             "product thermal state of the M qubits. " + unrolled,
        matrix_route=sz_route([-cr.M * sympy.tanh(cr.omega_R / (2 * cr.T_R)), sz]))
    return [eq20], [eq28, eq29]
