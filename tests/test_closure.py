"""Symbolic steady states of the closed Pauli-string Heisenberg equations vs numerics.

Reference: the numeric steady state of the Liouvillian built directly from the couplings'
matrices (symthermo.numeric.model_dynamics.direct_liouvillian), which shares no code with the
symbolic closure.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from symthermo.algebra import qubits
from symthermo.closure import heisenberg_system, symbolic_steady_state
from symthermo.errors import ModelError
from symthermo.model import bath, collision_model
from symthermo.numeric.matrices import expectation_value, monomial_matrix
from symthermo.numeric.model_dynamics import direct_liouvillian
from symthermo.numeric.steady import steady_state
from symthermo.states import ThermalQubit

S1, S2, R = qubits("S1", "S2", "R")
w, w1, w2, jxs, jys, j1, j2, xi = sp.symbols(
    "omega omega_1 omega_2 Jx_s Jy_s J_1 J_2 xi_R", real=True
)


def common_reservoir(coupling_2=j2, resonant=True):
    """Two qubits, XY interaction, isotropic couplings J_i to one common reservoir qubit."""
    h_s = (w / 2) * (S1.z + S2.z) if resonant else (w1 / 2) * S1.z + (w2 / 2) * S2.z
    b = bath(
        "R",
        ThermalQubit(R, tanh=xi),
        (w / 2) * R.z,
        {"S1": j1 * (S1.x * R.x + S1.y * R.y), "S2": coupling_2 * (S2.x * R.x + S2.y * R.y)},
    )
    return collision_model([S1, S2], h_s, b, interaction=jxs * S1.x * S2.x + jys * S1.y * S2.y)


def _numeric_values(model, point, rho=None):
    L = direct_liouvillian(model, point)
    ss = steady_state(L, initial_state=rho)
    return ss


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_unique_symbolic_steady_state_equals_numeric(seed: int) -> None:
    model = common_reservoir()
    family = symbolic_steady_state(model)
    assert family.is_unique
    rng = np.random.default_rng(seed)
    point = {
        w: rng.uniform(0.5, 2), jxs: rng.uniform(0.1, 1), jys: rng.uniform(0.1, 1),
        j1: rng.uniform(0.2, 1), j2: rng.uniform(0.2, 1), xi: rng.uniform(0.1, 0.9),
    }
    rho = _numeric_values(model, point).rho
    for e, value in family.values.items():
        exact = float(sp.N(value.xreplace(point)))
        assert exact == pytest.approx(expectation_value(e, rho, [S1, S2]).real, abs=1e-10)


def test_equal_couplings_give_a_family_containing_the_dark_state() -> None:
    model = common_reservoir(coupling_2=j1).replace(
        interaction=jxs * (S1.x * S2.x + S1.y * S2.y)
    )
    family = symbolic_steady_state(model)
    assert family.dimension == 2 and len(family.conserved) == 1
    # the dark state (|01> - |10>)/sqrt(2) of common-reservoirs Sec. 4.2
    psi = np.zeros(4, dtype=complex)
    psi[1], psi[2] = 1 / np.sqrt(2), -1 / np.sqrt(2)
    dark = np.outer(psi, psi.conj())
    dark_values = {e: expectation_value(e, dark, [S1, S2]).real for e in family.values}
    point = {w: 1.3, jxs: 0.4, j1: 0.7, xi: 0.35}
    member = family.fix(dark_values)
    for e, value in member.items():
        assert float(sp.N(value.xreplace(point))) == pytest.approx(dark_values[e], abs=1e-12)
    # and the member fixed from another initial state equals the projected numeric state
    rng = np.random.default_rng(5)
    g = rng.normal(size=(4, 4)) + 1j * rng.normal(size=(4, 4))
    rho0 = g @ g.conj().T
    rho0 /= np.trace(rho0)
    numeric = _numeric_values(model, point, rho0).rho
    init = {e: expectation_value(e, rho0, [S1, S2]).real for e in family.values}
    fixed = family.fix(init)
    for e, value in fixed.items():
        assert float(sp.N(value.xreplace(point))) == pytest.approx(
            expectation_value(e, numeric, [S1, S2]).real, abs=1e-9
        )


def test_heisenberg_system_matches_matrix_generator() -> None:
    model = common_reservoir(resonant=False)
    hs = heisenberg_system(model)
    point = {w: 1.0, w1: 1.3, w2: 0.8, jxs: 0.3, jys: 0.6, j1: 0.5, j2: 0.9, xi: 0.4}
    L = direct_liouvillian(model, point)
    mat = np.array(hs.matrix.xreplace(point).evalf(), dtype=float)
    const = np.array(hs.constant.xreplace(point).evalf(), dtype=float).ravel()
    rng = np.random.default_rng(0)
    g = rng.normal(size=(4, 4)) + 1j * rng.normal(size=(4, 4))
    rho = g @ g.conj().T
    rho /= np.trace(rho)
    drho = (L @ rho.reshape(-1, order="F")).reshape(4, 4, order="F")
    x = np.array([expectation_value(e, rho, [S1, S2]).real for e in hs.variables])
    for i, e in enumerate(hs.variables):
        rate = np.trace(monomial_matrix(e.monomial, [S1, S2]) @ drho).real
        assert mat[i] @ x + const[i] == pytest.approx(rate, abs=1e-12)


def test_too_many_qubits_is_refused_clearly() -> None:
    sites = qubits("A1", "A2", "A3", "A4", "A5")  # the limit is four qubits (issue 15)
    anc = qubits("B")[0]
    b = bath("B", ThermalQubit(anc, tanh=xi), anc.z, {s.name: s.x * anc.x for s in sites})
    model = collision_model(sites, sum((s.z for s in sites[1:]), sites[0].z), b)
    with pytest.raises(ModelError, match="numeric"):
        symbolic_steady_state(model)
