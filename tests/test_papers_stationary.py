"""symthermo.papers.stationary against independent routes: hand formulas of a thermalising
qubit, the numeric Liouvillian steady state (plain matrices) and the exact collision map."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy

from symthermo import papers
from symthermo.algebra import expectation, qubit
from symthermo.errors import ModelError
from symthermo.model import bath, collision_model
from symthermo.numeric.matrices import evaluate
from symthermo.numeric.model_dynamics import direct_liouvillian
from symthermo.numeric.model_matrices import random_density_matrix
from symthermo.numeric.steady import steady_state
from symthermo.states import ThermalQubit
from symthermo.thermo import heat_current, work_current

S, R = qubit("S"), qubit("R")
w_s = sympy.Symbol("omega_S", positive=True)
w_r = sympy.Symbol("omega_R", positive=True)
beta = sympy.Symbol("beta", positive=True)
gx = sympy.Symbol("g_x", real=True)
gy = sympy.Symbol("g_y", real=True)
BLOCH_OPS = (S.x, S.y, S.z)


def model(coupling=None):
    v = coupling if coupling is not None else gx * S.x * R.x + gy * S.y * R.y
    b = bath("R", ThermalQubit(R, omega=w_r, beta=beta), w_r / 2 * R.z, {"S": v}, beta=beta)
    return collision_model([S], w_s / 2 * S.z, b)


POINT = {w_s: 1.3, w_r: 0.9, beta: 0.7, gx: 0.8, gy: -0.35}


def test_resonant_exchange_thermalises_to_the_bath_temperature():
    """J_x = J_y on resonance: the stationary <sigma_z> is -tanh(beta omega/2) (hand formula),
    with no coherence, and both steady currents vanish."""
    m = model().subs({gy: gx, w_s: w_r})
    ss = papers.stationary_expectations(m, BLOCH_OPS)
    x, y, z = (ss[expectation(o)] for o in BLOCH_OPS)
    assert x == 0 and y == 0
    assert sympy.simplify(z + sympy.tanh(beta * w_r / 2)) == 0
    assert papers.stationary_current(m, "heat", ss, "R") == 0
    assert papers.stationary_current(m, "work", ss) == 0


def test_exact_stationary_point_equals_the_numeric_kernel_of_the_liouvillian():
    m = model()
    ss = papers.stationary_expectations(m, BLOCH_OPS)
    rho = steady_state(direct_liouvillian(m, POINT)).rho
    exact = [float(ss[expectation(o)].subs(POINT)) for o in BLOCH_OPS]
    assert np.allclose(papers.bloch_vector(rho), exact, atol=1e-12)
    q_exact = float(papers.stationary_current(m, "heat", ss).subs(POINT))  # the only bath
    w_exact = float(papers.stationary_current(m, "work", ss).subs(POINT))
    heat, work = papers.current_totals(m, rho, POINT)
    assert heat["R"] == pytest.approx(q_exact, abs=1e-12)
    assert work == pytest.approx(w_exact, abs=1e-12)
    assert q_exact + w_exact == pytest.approx(0, abs=1e-12)  # first law at a steady state


def test_open_equations_and_degenerate_points_are_refused():
    with pytest.raises(ModelError, match="not closed"):
        papers.stationary_equations(model(), (S.x,))
    with pytest.raises(ModelError, match="not unique"):
        papers.stationary_expectations(model(0 * S.x * R.x + gx * S.z * R.x), BLOCH_OPS)
    with pytest.raises(ModelError, match="monomial"):
        papers.stationary_equations(model(), (S.x + S.z,))
    with pytest.raises(ValueError, match="'heat' or 'work'"):
        papers.stationary_current(model(), "energy", {})


def test_current_totals_against_the_derived_currents():
    m = model()
    rho = random_density_matrix(2, np.random.default_rng(5))
    heat, work = papers.current_totals(m, rho, POINT)
    assert heat["R"] == pytest.approx(evaluate(heat_current(m, "R"), rho, (S,), POINT).real,
                                      abs=1e-12)
    assert work == pytest.approx(evaluate(work_current(m), rho, (S,), POINT).real, abs=1e-12)
    heat_der, work_der = papers.derived_totals(m, rho, POINT)  # symbolic route, same numbers
    assert heat_der["R"] == pytest.approx(heat["R"], abs=1e-12) and abs(heat["R"]) > 1e-3
    assert work_der == pytest.approx(work, abs=1e-12)


def test_steady_current_check_route_agrees_with_its_derived_side():
    m = model()
    sampling = papers.Sampling(ranges={"omega*": (0.5, 2.0), "beta": (0.2, 2.0)},
                               default=(-1.0, 1.0))
    for kind, b in (("heat", "R"), ("work", None)):
        quantity = papers.SteadyCurrent(m, kind, BLOCH_OPS, b, sampling)
        derived = quantity.derived()
        subs, value = quantity.matrix_route([derived])(np.random.default_rng(3))
        assert abs(value) > 1e-3  # a real non-zero current, not a trivial agreement
        assert float(derived.xreplace(subs)) == pytest.approx(value, rel=1e-9)


def test_bloch_vector_and_inverse_temperature_by_hand():
    plus = np.full((2, 2), 0.5, dtype=complex)  # |+><+|, |0> ground
    assert papers.bloch_vector(plus) == pytest.approx((1.0, 0.0, 0.0))
    assert papers.bloch_vector(np.diag([1.0, 0.0]))[2] == pytest.approx(-1.0)  # ground
    b, w = 0.8, 1.7
    p1 = math.exp(-b * w) / (1 + math.exp(-b * w))
    gibbs = np.diag([1 - p1, p1])
    z = papers.bloch_vector(gibbs)[2]
    assert papers.inverse_temperature_of_bloch_z(z, w) == pytest.approx(b, rel=1e-12)
    assert papers.inverse_temperature_of_bloch_z(-z, w) == pytest.approx(-b, rel=1e-12)
    with pytest.raises(ValueError, match="inverse temperature"):
        papers.inverse_temperature_of_bloch_z(1.0, w)
    with pytest.raises(ValueError, match="2x2"):
        papers.bloch_vector(np.eye(4) / 4)


def test_relaxation_rates_from_the_symbolic_bloch_matrix():
    """Resonant exchange: populations relax at Gamma = -M_zz, coherences at Gamma/2 (both
    from the engine's symbolic Heisenberg equations); ground and excited states approach
    each other as exp(-Gamma t)."""
    m = model().subs({gy: gx, w_s: w_r})
    params = {w_r: 1.1, beta: 0.6, gx: 0.7}
    mat, _ = papers.stationary_equations(m, BLOCH_OPS)
    gamma = float(-mat[2, 2].subs(params))
    assert float(-mat[0, 0].subs(params)) == pytest.approx(gamma / 2, rel=1e-12)
    t = 1.3
    r = papers.relaxation(m, params, np.diag([1.0, 0.0]), np.diag([0.0, 1.0]), t)
    assert r.dimension == 1
    assert r.slowest_rate == pytest.approx(gamma / 2, rel=1e-10)
    assert r.trace_distance == pytest.approx(math.exp(-gamma * t), rel=1e-9)


def test_collision_step_converges_to_the_derived_currents():
    m = model()
    rng = np.random.default_rng(9)
    rho = random_density_matrix(2, rng)
    q = evaluate(heat_current(m, "R"), rho, (S,), POINT).real
    w = evaluate(work_current(m), rho, (S,), POINT).real
    errors = []
    for tau in (4e-3, 2e-3, 1e-3):
        e = papers.collision_step(m, POINT, rho, tau)
        assert abs(e.first_law_residual) < 1e-12
        errors.append(max(abs(e.heat[0] / tau - q), abs(e.switching_work / tau - w)))
    assert errors[-1] < 1e-2
    assert errors[0] / errors[1] == pytest.approx(2, rel=0.15)  # linear in tau
    rho_me = steady_state(direct_liouvillian(m, POINT)).rho
    fixed = [papers.collision_fixed_point(m, POINT, tau) for tau in (0.02, 0.01)]
    assert all(f.stationary_dimension == 1 for f in fixed)
    dist = [np.abs(f.rho - rho_me).max() for f in fixed]
    assert dist[1] < dist[0] < 5e-2


def test_a_heat_current_of_several_baths_needs_the_bath_named():
    r1, r2 = qubit("R1"), qubit("R2")
    baths = [bath(n, ThermalQubit(r, omega=w_r, beta=beta), w_r / 2 * r.z,
                  {"S": gx * (S.x * r.x + S.y * r.y)}, beta=beta)
             for n, r in (("R1", r1), ("R2", r2))]
    m = collision_model([S], w_s / 2 * S.z, baths)
    ss = papers.stationary_expectations(m, BLOCH_OPS)
    with pytest.raises(ModelError, match="name the bath"):
        papers.stationary_current(m, "heat", ss)
    q1 = papers.stationary_current(m, "heat", ss, "R1")
    assert sympy.simplify(q1 - papers.stationary_current(m, "heat", ss, "R2")) == 0  # same baths
