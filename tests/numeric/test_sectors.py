"""symthermo.numeric.sectors: steady states on the sector of equal excitation numbers equal the
full-space ones (independent route: the full derived Liouvillian and its spectral projection)."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from symthermo.algebra import boson, qubits
from symthermo.model import bath, collision_model
from symthermo.numeric.model_dynamics import lindblad_liouvillian_of
from symthermo.numeric.model_matrices import random_density_matrix
from symthermo.numeric.sectors import (
    equal_excitation_elements,
    lindblad_parts,
    sector_projection,
    sector_steady_state,
)
from symthermo.numeric.steady import steady_state
from symthermo.states import ThermalOscillator, ThermalQubit

S1, S2, Q = qubits("S1", "S2", "Q")
R = boson("R")
w, g, b, J = sp.symbols("omega g beta J", positive=True)
PARAMS = {w: 1.0, g: 0.7, b: 0.8, J: 0.3}


def _model(coupling: str = "exchange"):
    """Two qubits exchanging excitations with a thermal oscillator (jump operators sigma^-,
    sigma^+: definite excitation changes), or coupled by sigma^x sigma^x to a qubit ancilla
    (jump operators from the ancilla's Pauli basis, mixing the changes)."""
    if coupling == "exchange":
        couplings = {s.name: g * (s.plus * R.a + s.minus * R.adag) for s in (S1, S2)}
        res = bath("R", ThermalOscillator(R, omega=w, beta=b), w * R.n, couplings, beta=b)
    else:
        couplings = {s.name: g * s.x * Q.x for s in (S1, S2)}
        res = bath("Q", ThermalQubit(Q, omega=w, beta=b), w / 2 * Q.z, couplings, beta=b)
    return collision_model([S1, S2], w / 2 * (S1.z + S2.z), res,
                           interaction=J * (S1.plus * S2.minus + S1.minus * S2.plus))


def test_sector_elements_count_and_order():
    ii, jj = equal_excitation_elements(3)
    assert len(ii) == sum(int(sp.binomial(3, k)) ** 2 for k in range(4))  # 1 + 9 + 9 + 1
    vec = ii + jj * 8
    assert list(vec) == sorted(vec)  # column-stacking order


def test_projection_equals_full_space_projection():
    model = _model()  # collective exchange: a dark state, so the kernel is degenerate
    full_l = lindblad_liouvillian_of(model, PARAMS)
    for seed in (1, 2):
        rho0 = random_density_matrix(4, np.random.default_rng(seed))
        full = steady_state(full_l, initial_state=rho0)
        rho, k = sector_projection(model, PARAMS, rho0)
        assert k == full.stationary_dimension > 1
        assert np.abs(rho - full.rho).max() < 1e-10
        assert np.trace(rho).real == pytest.approx(1.0)


def test_sector_steady_state_of_a_unique_generator():
    model = _model().with_scheme("independent")  # no dark state: unique steady state
    full_l = lindblad_liouvillian_of(model, PARAMS)
    rho, k = sector_steady_state(full_l, 2)
    assert k == 1
    assert np.abs(rho - steady_state(full_l).rho).max() < 1e-10


def test_a_generator_that_mixes_excitation_numbers_is_refused():
    with pytest.raises(ValueError, match="excitation"):
        lindblad_parts(_model("xx"), PARAMS)
