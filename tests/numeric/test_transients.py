"""Transient heat, work and entropy along the finite-tau collision trajectory and the tau -> 0
master equation: first law along the path, agreement between the routes, entropy balance."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.linalg import expm

from symthermo.numeric.collision import (
    Bath,
    CollisionRound,
    collision_energetics,
    collision_steady_state,
    lindblad_limit_currents,
    lindblad_limit_generator,
)
from symthermo.numeric.errors import NumericDomainError
from symthermo.numeric.measures import von_neumann_entropy
from symthermo.numeric.transients import collision_transient, lindblad_transient

from ._helpers import SX, SY, SZ, kron, random_density, thermal_qubit

BETA = 1.0
PSI = np.cos(15 * np.pi / 16) * np.array([0, 1]) + np.sin(15 * np.pi / 16) * np.array([1, 0])
RHO_PSI = np.outer(PSI, PSI).astype(complex)


def qubit_round(jx=1.0, jy=0.5, jzy=0.3, tau=0.05, beta=BETA):
    hs = 0.5 * SZ
    v = jx * kron(SX, SX) + jy * kron(SY, SY) + jzy * kron(SZ, SY)
    return CollisionRound(hs, (Bath(0.5 * SZ, thermal_qubit(1.0, beta), (v,), name="A"),), tau)


@pytest.mark.parametrize("couplings", [(1.0, 1.0, 0.0), (1.0, -0.5, 0.0), (1.0, 0.5, 0.7)])
def test_finite_tau_first_law_along_the_path(couplings):
    rnd = qubit_round(*couplings)
    tr = collision_transient(rnd, RHO_PSI, 200, betas=[BETA])
    assert tr.first_law_residual < 1e-12
    # independent route: step the states with collision_energetics' own rho_after
    rho = RHO_PSI.copy()
    heat = work = 0.0
    for n in range(200):
        e = collision_energetics(rnd, rho)
        heat += e.heat[0]
        work += e.work
        rho = e.rho_after
        if n in (0, 17, 199):
            assert np.allclose(tr.states[n + 1], rho, atol=1e-12)
            assert tr.heat[n + 1, 0] == pytest.approx(heat, abs=1e-12)
            assert tr.work[n + 1] == pytest.approx(work, abs=1e-12)
    assert tr.heat_currents[0, 0] == pytest.approx(
        collision_energetics(rnd, RHO_PSI).heat[0] / rnd.tau)
    assert tr.times[-1] == pytest.approx(200 * rnd.tau)


def test_energy_preserving_coupling_does_no_work_and_produces_entropy():
    tr = collision_transient(qubit_round(1.0, 1.0, 0.0), RHO_PSI, 400, betas=[BETA])
    assert np.max(np.abs(tr.work)) < 1e-12
    assert np.all(tr.entropy.production >= -1e-12)
    assert np.all(np.diff(tr.entropy.production) >= -1e-12)
    # relaxes to the bath's Gibbs state: heat and entropy currents vanish at the end
    assert np.allclose(tr.states[-1], thermal_qubit(1.0, BETA), atol=1e-6)
    assert abs(tr.heat_currents[-1, 0]) < 1e-5


def test_master_equation_route_against_matrix_exponential_and_quadrature():
    rnd = qubit_round(1.0, 0.5, 0.7)
    t = np.linspace(0, 10, 2001)
    tr = lindblad_transient(rnd, RHO_PSI, t, betas=[BETA])
    assert tr.first_law_residual < 1e-10
    L = lindblad_limit_generator(rnd)
    for i in (1, 500, 2000):
        v = expm(L * t[i]) @ RHO_PSI.reshape(-1, order="F")
        assert np.allclose(tr.states[i], v.reshape(2, 2, order="F"), atol=1e-11)
        c = lindblad_limit_currents(rnd, tr.states[i])
        assert tr.heat_currents[i, 0] == pytest.approx(c.heat_currents[0], abs=1e-11)
        assert tr.power[i] == pytest.approx(c.power, abs=1e-11)
    # exact running integrals: the trapezoid rule converges to them as O(dt^2)
    def trapezoid_error(step):
        q, tt = tr.heat_currents[::step, 0], t[::step]
        trap = np.cumsum((q[1:] + q[:-1]) / 2 * np.diff(tt))
        return np.max(np.abs(trap - tr.heat[::step, 0][1:]))

    assert trapezoid_error(1) < 2e-5
    assert trapezoid_error(2) / trapezoid_error(1) == pytest.approx(4.0, rel=0.05)
    # the instantaneous entropy production rate integrates to Sigma(t) (from t > 0)
    s = tr.entropy_production_rate
    assert s[0] == np.inf  # pure initial state: dS/dt diverges at t = 0
    i0 = 200  # away from the logarithmic singularity of dS/dt at t = 0
    trap_s = np.cumsum((s[i0 + 1:] + s[i0:-1]) / 2 * np.diff(t[i0:]))
    sig = tr.entropy.production
    assert np.max(np.abs(trap_s - (sig[i0 + 1:] - sig[i0]))) < 1e-5
    assert tr.entropy.entropy[500] == pytest.approx(von_neumann_entropy(tr.states[500]))


def test_finite_tau_converges_to_the_master_equation():
    t_end = 4.0
    errs = []
    for tau in (0.02, 0.01):
        rnd = qubit_round(1.0, 0.5, 0.7, tau=tau)
        n = round(t_end / tau)
        fin = collision_transient(rnd, RHO_PSI, n, betas=[BETA])
        lim = lindblad_transient(rnd, RHO_PSI, fin.times, betas=[BETA])
        errs.append(max(abs(fin.heat[-1, 0] - lim.heat[-1, 0]), abs(fin.work[-1] - lim.work[-1]),
                        float(np.max(np.abs(fin.states[-1] - lim.states[-1])))))
    assert errs[1] < 0.6 * errs[0]  # O(tau)
    assert errs[1] < 2e-2


def test_long_time_currents_reach_the_steady_state():
    rnd = qubit_round(1.0, -0.5, 0.0)
    tr = collision_transient(rnd, random_density(2, np.random.default_rng(2)), 2000,
                             betas=[BETA])
    ss = collision_steady_state(rnd).rho
    e = collision_energetics(rnd, ss)
    assert tr.heat_currents[-1, 0] == pytest.approx(e.heat[0] / rnd.tau, rel=1e-6)
    assert tr.power[-1] == pytest.approx(-tr.heat_currents[-1, 0], rel=1e-6)
    # steady state: entropy production rate = -beta Qdot
    assert tr.entropy_production_rate[-1] == pytest.approx(-BETA * tr.heat_currents[-1, 0],
                                                           rel=1e-5)


def test_transients_reject_bad_input():
    rnd = qubit_round()
    with pytest.raises(NumericDomainError, match="rounds"):
        collision_transient(rnd, RHO_PSI, 0)
    with pytest.raises(NumericDomainError, match="betas"):
        collision_transient(rnd, RHO_PSI, 3, betas=[1.0, 2.0])
    with pytest.raises(NumericDomainError, match="start at 0"):
        lindblad_transient(rnd, RHO_PSI, [0.5, 1.0])
    with pytest.raises(NumericDomainError, match="initial state"):
        lindblad_transient(rnd, np.eye(4) / 4, [0.0, 1.0])


def test_matrix_exponential_matches_scipy_on_stacks_and_defective_matrices():
    from symthermo.numeric.transients import matrix_exponential

    rng = np.random.default_rng(4)
    stack = rng.normal(size=(5, 4, 4)) * np.array([0.01, 0.3, 1, 5, 40])[:, None, None]
    ours = matrix_exponential(stack)
    for a, e in zip(stack, ours, strict=True):
        assert np.allclose(e, expm(a), rtol=1e-11, atol=1e-12 * np.abs(expm(a)).max())
    jordan = np.array([[-1.0, 1.0], [0.0, -1.0]])  # defective
    assert np.allclose(matrix_exponential(3 * jordan), np.exp(-3) * np.array([[1, 3], [0, 1]]))
    with pytest.raises(NumericDomainError, match="n, n"):
        matrix_exponential(np.ones(3))
