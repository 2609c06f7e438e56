"""symthermo.papers.tools against hand formulas and the engine's operator matrices."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy

from symthermo import papers
from symthermo.algebra import qubit
from symthermo.model import bath, collision_model
from symthermo.numeric.matrices import operator_matrix
from symthermo.numeric.measures import l1_coherence
from symthermo.numeric.model_matrices import random_density_matrix
from symthermo.states import ThermalQubit

S1, S2, R = qubit("S1"), qubit("S2"), qubit("R")
w, t, g, j = sympy.symbols("omega T g J", positive=True)


def test_number_text():
    assert papers.number_text(3e-13) == "0"
    assert papers.number_text(-1.234567891) == "-1.23457"
    assert papers.number_text(0.000123456, 3) == "0.000123"


def test_basis_states_follow_the_tensor_order_of_the_engine():
    # |01><01| = |0><0|_S1 (x) |1><1|_S2 = (1 - sz1)/2 (1 + sz2)/2 with sz = |1><1| - |0><0|
    op = (1 - S1.z) * (1 + S2.z) / 4
    assert np.allclose(papers.basis_state("01"), operator_matrix(op, (S1, S2)))
    with pytest.raises(ValueError, match="0s and 1s"):
        papers.basis_state("02")


def test_projector_population_and_offdiagonal_l1():
    psi = np.array([0, 1, -1, 0]) / math.sqrt(2)
    rho = papers.projector(psi)
    assert np.allclose(rho, [[0, 0, 0, 0], [0, .5, -.5, 0], [0, -.5, .5, 0], [0, 0, 0, 0]])
    assert papers.population(rho, psi) == pytest.approx(1.0)
    assert papers.population(papers.basis_state("00"), psi) == pytest.approx(0.0)
    states = np.stack([random_density_matrix(4, np.random.default_rng(k)) for k in range(3)])
    assert np.allclose(papers.offdiagonal_l1(states), l1_coherence(states))
    with pytest.raises(ValueError, match="normalised"):
        papers.projector([1.0, 1.0])


def test_gibbs_state_of_a_qubit_by_hand():
    rho = papers.gibbs_state_of(w / 2 * S1.z, (S1,), {w: 1.4}, 0.8)
    p1 = math.exp(-1.4 / 0.8) / (1 + math.exp(-1.4 / 0.8))  # excited population
    assert np.allclose(rho, np.diag([1 - p1, p1]))


def test_operator_stack_equals_the_matrix_at_each_point():
    op = w / 2 * (S1.z + S2.z) + j * S1.x * S2.x + 3 * S1.y * S2.y
    values = {"omega": np.array([1.0, 2.5, 3.0]), "J": np.array([0.1, -0.4, 2.0])}
    stack = papers.operator_stack(op, (S1, S2), values)
    assert stack.shape == (3, 4, 4)
    for i in range(3):
        point = {w: values["omega"][i], j: values["J"][i]}
        assert np.allclose(stack[i], operator_matrix(op, (S1, S2), None, point), atol=1e-14)
    with pytest.raises(ValueError, match="no values for J"):
        papers.operator_stack(op, (S1, S2), {"omega": np.ones(2)})


def test_kinks_of_an_absolute_value():
    x = np.linspace(0.0, 1.0, 101)
    assert papers.kinks(np.abs(x - 0.3) + 0.1 * x**2, x) == [pytest.approx(0.3)]
    assert papers.kinks(x**2, x) == []


def test_scaled_generator_detects_exact_scaling():
    def model(coupling):
        b = bath("R", ThermalQubit(R, omega=w, beta=1 / t), w / 2 * R.z,
                 {"S1": coupling * (S1.x * R.x + S1.y * R.y)}, beta=1 / t)
        return collision_model([S1], w / 2 * S1.z, b)

    weak, strong = model(g), model(sympy.sqrt(2) * g)
    assert papers.scaled_generator(weak, strong, 2, "R") == (True, True)
    assert papers.scaled_generator(weak, strong, 3, "R") == (False, False)


def test_current_quantities_names_and_the_first_law():
    b = bath("R", ThermalQubit(R, omega=w, beta=1 / t), w / 2 * R.z,
             {"S1": g * (S1.x * R.x + S1.y * R.y)}, beta=1 / t)
    model = collision_model([S1], w / 2 * S1.z, b)
    qs = {q.name: q for q in papers.current_quantities(model, "R", "_M3", r"_{M=3}", "three")}
    assert list(qs) == ["heat_local_M3", "heat_nonlocal_M3", "heat_M3", "work_local_M3",
                        "work_nonlocal_M3", "work_M3", "energy_rate_M3"]
    assert qs["energy_rate_M3"].latex_name == r"\dot{E}_{S,M=3}"
    assert qs["heat_local_M3"].description == "local heat current, three"
    # dE_S/dt = Qdot + Wdot (first law), and total = local + non-local
    assert sympy.expand(qs["energy_rate_M3"].expr - qs["heat_M3"].expr - qs["work_M3"].expr) == 0
    assert sympy.expand(qs["heat_M3"].expr - qs["heat_local_M3"].expr
                        - qs["heat_nonlocal_M3"].expr) == 0
