"""Exact finite-tau collision rounds: maps, energetics, and convergence to the tau -> 0 limit."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg

from symthermo.numeric.collision import (
    Bath,
    CollisionRound,
    collision_energetics,
    collision_map,
    collision_steady_state,
    hermitian_expm,
    lindblad_limit_currents,
    lindblad_limit_generator,
)
from symthermo.numeric.errors import DegenerateSteadyStateError, NumericDomainError
from symthermo.numeric.steady import steady_state
from symthermo.numeric.superop import (
    check_trace_preserving,
    collision_dissipator,
    hamiltonian_superop,
    partial_trace_ancilla,
    unvec,
    vec,
)

from ._helpers import (
    I2,
    SM,
    SP,
    SX,
    SY,
    SZ,
    destroy,
    random_density,
    random_hermitian,
    site,
    thermal_oscillator,
    thermal_qubit,
)


def qubit_bath(omega_r=1.3, beta=0.8, jx=0.7, jy=0.3, name="bath"):
    """memoryless-ness Eq. (24): V = Jx sx (x) sx + Jy sy (x) sy, thermal qubit ancilla."""
    V = jx * np.kron(SX, SX) + jy * np.kron(SY, SY)
    return Bath(omega_r / 2 * SZ, thermal_qubit(omega_r, beta), (V,), name=name)


def oscillator_bath(levels=14, omega=1.1, beta=1.0, g=0.6, name="osc"):
    """Truncated thermal oscillator, V = g (s+ a + s- a^dag) + 0.3 g sx (x) (a + a^dag)."""
    a = destroy(levels)
    V = g * (np.kron(SP, a) + np.kron(SM, a.conj().T)) + 0.3 * g * np.kron(SX, a + a.conj().T)
    return Bath(omega * a.conj().T @ a, thermal_oscillator(omega, beta, levels), (V,), name=name)


def two_qubit_round(tau, schedule="sequential"):
    """Two coupled qubits; a cascaded hot bath (qubit 0 then qubit 1) and a cold bath on qubit 1."""
    HS = site(0.5 * SZ, 0, 2) + site(0.6 * SZ, 1, 2) + 0.2 * (
        site(SP, 0, 2) @ site(SM, 1, 2) + site(SM, 0, 2) @ site(SP, 1, 2)
    )

    def exchange(k, B):
        return np.kron(site(SP, k, 2), B) + np.kron(site(SM, k, 2), B.conj().T)

    hot = Bath(1.3 / 2 * SZ, thermal_qubit(1.3, 0.4), (exchange(0, SM), exchange(1, SM)), "hot")
    Vc = 0.8 * np.kron(site(SX, 1, 2), SX) + 0.5 * np.kron(site(SY, 1, 2), SY)
    cold = Bath(0.9 / 2 * SZ, thermal_qubit(0.9, 2.0), (Vc,), "cold")
    return CollisionRound(HS, (hot, cold), tau, schedule=schedule)


def test_hermitian_expm_matches_scipy():
    rng = np.random.default_rng(0)
    H = random_hermitian(6, rng)
    assert np.max(np.abs(hermitian_expm(H, 0.37) - scipy.linalg.expm(-0.37j * H))) < 1e-13


def test_validation_errors():
    with pytest.raises(NumericDomainError, match="Hermitian"):
        Bath(SP, thermal_qubit(1, 1), (np.kron(SX, SX),))
    with pytest.raises(NumericDomainError, match="density matrix"):
        Bath(SZ, np.diag([0.7, 0.7]), (np.kron(SX, SX),))
    with pytest.raises(NumericDomainError, match="at least one stroke"):
        Bath(SZ, thermal_qubit(1, 1), ())
    bath = qubit_bath()
    with pytest.raises(NumericDomainError, match="expected dim"):
        CollisionRound(np.eye(3), (bath,), 0.1)
    with pytest.raises(NumericDomainError, match="tau"):
        CollisionRound(SZ, (bath,), 0.0)
    with pytest.raises(NumericDomainError, match="schedule"):
        CollisionRound(SZ, (bath,), 0.1, schedule="random")
    with pytest.raises(NumericDomainError, match="time_per_round"):
        CollisionRound(SZ, (bath,), 0.1).time_per_round(-1.0)


def test_collision_map_is_the_exact_cptp_round():
    rng = np.random.default_rng(1)
    rnd = two_qubit_round(0.3)
    Phi = collision_map(rnd)
    check_trace_preserving(Phi - np.eye(16))
    rho = random_density(4, rng)
    out = unvec(Phi @ vec(rho))
    assert np.min(np.linalg.eigvalsh(out)) > -1e-12
    # direct simulation, written out independently (sequential: hot strokes, then cold)
    HS = rnd.system_hamiltonian
    state = rho
    for bath in rnd.baths:
        X = np.kron(state, bath.state)
        H0 = np.kron(HS, I2) + np.kron(np.eye(4), bath.hamiltonian)
        for V in bath.strokes:
            U = scipy.linalg.expm(-1j * rnd.tau * (H0 + V / np.sqrt(rnd.tau)))
            X = U @ X @ U.conj().T
        state = partial_trace_ancilla(X, 4, 2)
    assert np.max(np.abs(out - state)) < 1e-12
    en = collision_energetics(rnd, rho)
    assert np.max(np.abs(en.rho_after - state)) < 1e-12


@pytest.mark.parametrize("schedule", ["sequential", "parallel"])
def test_energetics_first_law_and_switching_work(schedule):
    rng = np.random.default_rng(2)
    rnd = two_qubit_round(0.2, schedule)
    en = collision_energetics(rnd, random_density(4, rng))
    assert abs(en.first_law_residual) < 1e-13
    # energy conservation of each U_s: Delta<H_S + H_R> = -Delta<V>/sqrt(tau)
    assert abs(en.work - en.switching_work) < 1e-12
    assert len(en.work_per_slot) == rnd.n_slots
    cur = en.currents
    assert cur.power == pytest.approx(en.work / rnd.duration)
    assert "first-law residual" in cur.report()
    # explicit normalisation
    en2 = collision_energetics(rnd, random_density(4, rng), time_per_round=1.0)
    assert en2.currents.power == en2.work


def test_at_the_fixed_point_energy_is_stationary():
    rnd = two_qubit_round(0.1)
    ss = collision_steady_state(rnd)
    en = collision_energetics(rnd, ss.rho)
    assert np.max(np.abs(en.rho_after - ss.rho)) < 1e-12
    assert abs(en.system_energy_change) < 1e-13
    assert abs(en.work + en.heat.sum()) < 1e-13


def test_energy_preserving_exchange_thermalises_exactly_at_finite_tau():
    """memoryless-ness Sec. III C: Jx = Jy and resonance -> Gibbs state, zero work, any tau."""
    omega, beta = 1.0, 0.6
    bath = qubit_bath(omega_r=omega, beta=beta, jx=0.5, jy=0.5)
    rnd = CollisionRound(omega / 2 * SZ, (bath,), 0.7)
    ss = collision_steady_state(rnd)
    assert np.max(np.abs(ss.rho - thermal_qubit(omega, beta))) < 1e-12
    en = collision_energetics(rnd, random_density(2, np.random.default_rng(3)))
    assert abs(en.work) < 1e-13
    # non energy-preserving coupling: housekeeping work W = -Q != 0 at the steady state
    rnd2 = CollisionRound(omega / 2 * SZ, (qubit_bath(omega, beta, jx=0.5, jy=0.1),), 0.7)
    en2 = collision_energetics(rnd2, collision_steady_state(rnd2).rho)
    assert en2.work > 1e-3 and abs(en2.work + en2.heat[0]) < 1e-13


def _errors(rnd_factory, taus):
    out = []
    for tau in taus:
        rnd = rnd_factory(tau)
        exact = collision_steady_state(rnd).rho
        limit_L = lindblad_limit_generator(rnd)
        limit = steady_state(limit_L).rho
        cur = collision_energetics(rnd, exact).currents
        ref = lindblad_limit_currents(rnd, limit)
        assert abs(ref.first_law_residual) < 1e-12
        current_err = max(np.max(np.abs(cur.heat_currents - ref.heat_currents)),
                          abs(cur.power - ref.power))
        out.append((np.max(np.abs(exact - limit)), current_err))
    return np.array(out)


def _assert_first_order(errs):
    """Errors at tau, tau/2, tau/4 shrink by ~2 each time (O(tau))."""
    for col in range(errs.shape[1]):
        ratios = errs[:-1, col] / errs[1:, col]
        assert np.all((ratios > 1.8) & (ratios < 2.2)), (col, errs[:, col])


TAUS = (0.02, 0.01, 0.005)


def test_tau_to_zero_qubit_ancilla():
    def factory(tau):
        return CollisionRound(0.5 * SZ, (qubit_bath(),), tau)

    errs = _errors(factory, TAUS)
    _assert_first_order(errs)
    assert errs[-1, 0] < 1e-3


def test_tau_to_zero_truncated_oscillator_ancilla():
    def factory(tau):
        return CollisionRound(0.55 * SZ, (oscillator_bath(),), tau)

    errs = _errors(factory, TAUS)
    _assert_first_order(errs)


@pytest.mark.parametrize("schedule", ["sequential", "parallel"])
def test_tau_to_zero_cascaded_two_baths(schedule):
    errs = _errors(lambda tau: two_qubit_round(tau, schedule), TAUS)
    _assert_first_order(errs)


def test_lindblad_limit_normalisation():
    """Default T = n_slots tau: L = -i[H_S, .] + sum_k D_k / n_slots (sequential) and
    -i[H_S, .] + sum_k D_k / max_k K_k (parallel); explicit T rescales both parts."""
    seq = two_qubit_round(0.01, "sequential")
    par = two_qubit_round(0.01, "parallel")
    assert seq.n_slots == 3 and par.n_slots == 2
    D = sum(collision_dissipator(b.strokes, b.state, 4) for b in seq.baths)
    free = hamiltonian_superop(seq.system_hamiltonian)
    assert np.allclose(lindblad_limit_generator(seq), free + D / 3)
    assert np.allclose(lindblad_limit_generator(par), free + D / 2)
    assert np.allclose(lindblad_limit_generator(seq, time_per_round=0.01), 3 * free + D)


def test_independent_baths_in_parallel_equal_sum_of_dissipators():
    """Two single-stroke baths at once (coupled-ensembles Eq. (4)): -i[H_S,.] + D_h + D_c."""
    HS = site(0.5 * SZ, 0, 2) + site(0.7 * SZ, 1, 2)
    b1 = Bath(SZ / 2, thermal_qubit(1.0, 0.5), (np.kron(site(SX, 0, 2), SX),), "h")
    b2 = Bath(0.7 * SZ, thermal_qubit(1.4, 1.5), (np.kron(site(SY, 1, 2), SY),), "c")
    rnd = CollisionRound(HS, (b1, b2), 0.01, schedule="parallel")
    D = sum(collision_dissipator(b.strokes, b.state, 4) for b in rnd.baths)
    assert np.allclose(lindblad_limit_generator(rnd), hamiltonian_superop(HS) + D)


def test_degenerate_collision_model_projects_like_repeated_rounds():
    """Two identical qubits exchanging with one common ancilla: |psi-> is dark."""
    J = site(SM, 0, 2) + site(SM, 1, 2)
    V = 0.8 * (np.kron(J.conj().T, SM) + np.kron(J, SP))
    bath = Bath(SZ / 2, thermal_qubit(1.0, 0.7), (V,), "common")
    HS = site(SZ / 2, 0, 2) + site(SZ / 2, 1, 2)
    rnd = CollisionRound(HS, (bath,), 0.3)
    with pytest.raises(DegenerateSteadyStateError, match="dimension"):
        collision_steady_state(rnd)
    rho0 = random_density(4, np.random.default_rng(4))
    ss = collision_steady_state(rnd, initial_state=rho0)
    Phi = collision_map(rnd)
    late = unvec(np.linalg.matrix_power(Phi, 4000) @ vec(rho0))
    assert np.max(np.abs(ss.rho - late)) < 1e-9
    psi_m = np.array([0, 1, -1, 0]) / np.sqrt(2)
    assert (psi_m @ ss.rho @ psi_m).real == pytest.approx((psi_m @ rho0 @ psi_m).real)


def test_small_tau_fixed_point_and_its_precision_limit():
    """Phi - 1 = O(tau): fine at tau = 1e-4 (error O(tau)), ill-determined at tau = 1e-8."""
    rnd = CollisionRound(0.5 * SZ, (qubit_bath(),), 1e-4)
    exact = collision_steady_state(rnd).rho
    limit = steady_state(lindblad_limit_generator(rnd)).rho
    assert np.max(np.abs(exact - limit)) < 1e-4
    with pytest.raises(NumericDomainError, match="tau"):
        collision_steady_state(CollisionRound(0.5 * SZ, (qubit_bath(),), 1e-8))
