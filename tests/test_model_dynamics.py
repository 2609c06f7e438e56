"""Model -> numbers: the batched Liouvillian builder and the finite-tau round of a model.

References: the Liouvillian built directly from the couplings' matrices (collision
dissipators of the ordered strokes) and the exact stroboscopic map of one round.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from symthermo.algebra import boson, qubits
from symthermo.model import bath, collision_model
from symthermo.numeric.collision import collision_map
from symthermo.numeric.model_dynamics import (
    LiouvillianBuilder,
    collision_round,
    direct_liouvillian,
    lindblad_liouvillian_of,
)
from symthermo.numeric.steady import steady_state, steady_states_batched
from symthermo.states import ThermalOscillator, ThermalQubit

S1, S2, R = qubits("S1", "S2", "R")
E = boson("E")
w1, w2, wr, g1, g2, J, nb, xi = sp.symbols("omega_1 omega_2 omega_R g_1 g_2 J nbar xi", real=True)


def oscillator_model(scheme: str):
    b = bath("E", ThermalOscillator(E, nbar=nb), wr * E.n,
             {"S1": g1 * (S1.plus * E.a + S1.minus * E.adag),
              "S2": g2 * (S2.plus * E.a + S2.minus * E.adag)}, scheme=scheme)
    h = w1 * S1.plus * S1.minus + w2 * S2.plus * S2.minus
    return collision_model([S1, S2], h, b, interaction=J * S1.x * S2.x)


def qubit_model(scheme: str):
    b = bath("R", ThermalQubit(R, tanh=xi), wr / 2 * R.z,
             {"S1": g1 * S1.x * R.x + g2 * S1.y * R.y, "S2": g2 * S2.x * R.x}, scheme=scheme)
    return collision_model([S1, S2], w1 / 2 * S1.z + w2 / 2 * S2.z, b,
                           interaction=J * (S1.x * S2.y - S1.y * S2.x))


POINTS = {w1: 1.1, w2: 0.7, wr: 0.9, g1: 0.3, g2: 0.5, J: 0.2, nb: 0.3, xi: 0.4}


@pytest.mark.parametrize("scheme", ["simultaneous", "cascaded", "independent"])
@pytest.mark.parametrize("make", [oscillator_model, qubit_model], ids=["oscillator", "qubit"])
def test_batched_builder_equals_direct_liouvillian(make, scheme: str) -> None:
    model = make(scheme)
    builder = LiouvillianBuilder(model)
    rng = np.random.default_rng(3)
    names = [str(p) for p in builder.parameters]
    batch = {n: POINTS[sp.Symbol(n, real=True)] * rng.uniform(0.5, 1.5, 4) for n in names}
    stack = builder(batch)
    assert stack.shape == (4, 16, 16)
    for i in range(4):
        point = dict(POINTS)
        point.update({sp.Symbol(n, real=True): float(v[i]) for n, v in batch.items()})
        ref = direct_liouvillian(model, point, cutoff=40)
        assert np.abs(stack[i] - ref).max() < 1e-10
        assert np.abs(stack[i] - lindblad_liouvillian_of(model, point)).max() < 1e-12


@pytest.mark.parametrize("backend", ["auto", "numpy"])
@pytest.mark.parametrize("make", [oscillator_model, qubit_model], ids=["oscillator", "qubit"])
def test_builder_steady_states_from_entries(make, backend: str) -> None:
    """builder.steady_states (solver reads the entries on the support, no dense stack) equals
    the dense route and the SVD null vector of the directly built Liouvillian."""
    model = make("cascaded")
    builder = LiouvillianBuilder(model)
    rng = np.random.default_rng(4)
    names = [str(p) for p in builder.parameters]
    batch = {n: POINTS[sp.Symbol(n, real=True)] * rng.uniform(0.5, 1.5, (2, 3)) for n in names}
    assert builder.support.size < 16 * 16  # the generators are sparse
    rho = builder.steady_states(batch, backend=backend)
    assert rho.shape == (2, 3, 4, 4)
    dense = steady_states_batched(builder(batch), backend=backend)
    assert np.abs(rho - dense).max() < 1e-12
    point = dict(POINTS)
    point.update({sp.Symbol(n, real=True): float(v[1, 2]) for n, v in batch.items()})
    reference = steady_state(direct_liouvillian(model, point, cutoff=40)).rho
    assert np.abs(rho[1, 2] - reference).max() < 1e-9
    assert abs(np.trace(rho[1, 2]) - 1) < 1e-13


@pytest.mark.parametrize("scheme", ["simultaneous", "cascaded"])
def test_finite_tau_round_converges_to_the_derived_generator(scheme: str) -> None:
    model = qubit_model(scheme)
    reference = lindblad_liouvillian_of(model, POINTS)
    errors = []
    for tau in (0.04, 0.02, 0.01):
        rnd, period, _ = collision_round(model, tau, POINTS)
        phi = collision_map(rnd)
        errors.append(np.abs((phi - np.eye(16)) / period - reference).max())
    assert errors[0] > errors[1] > errors[2]
    assert 1.7 < errors[0] / errors[1] < 2.3 and 1.7 < errors[1] / errors[2] < 2.3  # O(tau)
