"""Tests of derivations/memoryless_ness.py (Guarnieri et al., memoryless collision models)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy

from derivations import memoryless_ness as mn
from symthermo import papers
from symthermo.algebra import Expectation
from symthermo.errors import ModelError
from symthermo.model import bath, collision_model
from symthermo.numeric.matrices import PAULI, operator_matrix
from symthermo.numeric.model_dynamics import direct_liouvillian, lindblad_liouvillian_of
from symthermo.numeric.model_matrices import (
    ancilla_density_matrix,
    heat_current_matrix,
    random_density_matrix,
    work_current_matrix,
)
from symthermo.numeric.steady import steady_state
from symthermo.papers import (
    STATUS_CONVENTION,
    STATUS_DIFFERS,
    STATUS_HOLDS,
    derivation_of,
    evidence_consistent,
    expectation_values,
    render_report,
)
from symthermo.thermo import PARTS, first_law_residual, heat_current, lindblad_form, work_current


def numeric_steady_state(generator):
    """(rho, dim ker) of a column-stacking generator (the engine's steady_state)."""
    ss = steady_state(generator)
    return ss.rho, ss.stationary_dimension


def currents_numeric(model, params, rho):
    """(heat into S, work) at rho_S by the engine's matrix route."""
    heat, work = papers.current_totals(model, rho, params)
    return heat["E"], work


def collision_map_fixed_point(model, params, tau):
    ss = papers.collision_fixed_point(model, params, tau)
    return ss.rho, ss.stationary_dimension


def model_matrices(model, params):
    """(H_S, H_A, V, rho_A) as numpy arrays (V on S (x) A, S the left Kronecker factor)."""
    b = model.baths[0]
    return (operator_matrix(model.system_hamiltonian, (mn.S,), None, params),
            operator_matrix(b.hamiltonian, (mn.A,), None, params),
            operator_matrix(b.couplings[0][1], (mn.S, mn.A), None, params),
            ancilla_density_matrix(b, params, None))

EXPECTED_STATUS = {
    "Eq. (6)": STATUS_DIFFERS,
    "Eq. (22)": STATUS_HOLDS,
    "Eq. (23)": STATUS_CONVENTION,
    "Eq. (25)": STATUS_CONVENTION,
    "Eq. (27), work": STATUS_HOLDS,
    "Eq. (27), heat": STATUS_HOLDS,
}

EXPECTED_STATEMENTS = {
    "Sec. III C, Eq. (27): ESS": True,
    "Sec. III C: diagonal NESS": True,
    "Sec. III C: beta_eff off resonance": True,
    "Sec. III C, Fig. 1(a): beta_eff vs J_y/J_x": True,
    "Sec. III C: abs(beta_eff/beta) <= 1": True,
    "Sec. III C: colder baths, further from equilibrium": True,
    "Sec. III C: negative effective temperature": True,
    "Sec. III B: Qdot + Wdot = 0 at the steady state": True,
    "Sec. III B-C: every non-energy-preserving coupling supports currents": False,
    "Sec. III C, Fig. 1(b)-(d): housekeeping currents": True,
    "Eqs. (20)-(23): finite tau -> 0": True,
    "Eq. (22) vs Eq. (20)": False,
    "Sec. IV A: SSC need both terms": True,
    "Sec. IV A, Fig. 2(a): maximal SSC": True,
    "Sec. IV A, Fig. 2(b)-(c): currents of the coherent NESS": True,
    "Sec. IV A: SSC raise the heat current": False,
    "Sec. IV A: J_y = 0": False,
    "Sec. IV A: initial-state dependence": False,
    "Sec. IV A: initial-state dependence is small for J_zy < sqrt(J_x^2 + J_y^2)": True,
}

VARIANTS = ("general", "xy", "ssc")


@pytest.fixture(scope="module")
def derivation():
    return derivation_of(mn)


def _value(expr, subs) -> float:
    return complex(sympy.N(sympy.sympify(expr).xreplace(subs), 20)).real


# checks -------------------------------------------------------------------------------------


def test_every_check_has_the_expected_status(derivation):
    got = {c.label: c.status for c in derivation.checks}
    assert got == EXPECTED_STATUS
    for c in derivation.checks:
        if c.status == STATUS_DIFFERS:
            assert c.difference_kind in ("paper error", "convention", "conversion slip")
            assert c.note


def test_derived_agrees_with_matrix_route(derivation):
    for c in derivation.checks:
        assert c.evidence is not None, c.label
        assert evidence_consistent(c, rtol=1e-10), (c.label, c.evidence)


def test_differences_are_backed_by_the_matrix_route(derivation):
    for c in derivation.checks:
        if c.status != STATUS_DIFFERS:
            continue
        ev = c.evidence
        scale = max(1.0, abs(ev.matrix_value))
        assert abs(ev.derived_value - ev.matrix_value) <= 1e-10 * scale
        assert abs(ev.printed_value - ev.matrix_value) > 1e-6 * scale, c.label
        # and at other random points too
        for seed in (1, 2, 3):
            subs, value = c.matrix_route(np.random.default_rng(seed))
            assert _value(c.derived, subs) == pytest.approx(value, abs=1e-10)
            assert abs(_value(c.printed, subs) - value) > 1e-6


def test_convention_mappings_are_needed_and_sufficient(derivation):
    for c in derivation.checks:
        if c.status != STATUS_CONVENTION:
            continue
        for seed in (5, 6):
            subs, value = c.matrix_route(np.random.default_rng(seed))
            assert _value(c.mapping(c.printed), subs) == pytest.approx(value, abs=1e-10)
            assert abs(_value(c.printed, subs) - value) > 1e-6, c.label


def test_eq22_eq23_transcriptions_against_matrices():
    model = mn.MODELS["general"]
    rng = np.random.default_rng(42)
    printed22, printed23 = mn.printed_eq22(), mn.printed_eq23()
    for _ in range(3):
        params = mn.SAMPLING.parameters(mn.MODELS["general"], rng)
        rho = random_density_matrix(2, rng)
        subs = {**params, **expectation_values([printed22, printed23], rho, (mn.S,))}
        # the printed formulas evaluated with plain matrices (VXV - {V^2, X}/2)
        hs, ha, v, rho_a = model_matrices(model, params)
        big = np.kron(rho, rho_a)
        h_a = np.kron(np.eye(2), ha)
        h0 = np.kron(hs, np.eye(2)) + h_a

        def sandwich(x, v=v, big=big):
            return np.trace((v @ x @ v - 0.5 * (v @ v @ x + x @ v @ v)) @ big).real

        assert _value(printed22, subs) == pytest.approx(sandwich(h0), abs=1e-10)
        assert _value(printed23, subs) == pytest.approx(sandwich(h_a), abs=1e-10)


# statements ---------------------------------------------------------------------------------


def test_statements_hold_or_fail_as_expected(derivation):
    got = {s.label: s.holds for s in derivation.statements}
    assert got == EXPECTED_STATEMENTS
    for s in derivation.statements:
        assert any(ch.isdigit() for ch in s.evidence), s.label


# engine consistency on the paper's models ---------------------------------------------------


@pytest.mark.parametrize("variant", VARIANTS)
def test_first_law_residual_is_exactly_zero(variant):
    assert sympy.expand(first_law_residual(mn.MODELS[variant])) == 0


@pytest.mark.parametrize("variant", VARIANTS)
def test_currents_against_matrix_route(variant):
    model = mn.MODELS[variant]
    rng = np.random.default_rng(100 + VARIANTS.index(variant))
    exprs = {("heat", p): heat_current(model, "E", p) for p in PARTS}
    exprs.update({("work", p): work_current(model, None, p) for p in PARTS})
    exprs.update({("work_E", p): work_current(model, "E", p) for p in PARTS})
    for _ in range(3):
        params = mn.SAMPLING.parameters(mn.MODELS[variant], rng)
        rho = random_density_matrix(2, rng)
        subs = {**params, **expectation_values(list(exprs.values()), rho, (mn.S,))}
        for (kind, part), expr in exprs.items():
            if kind == "heat":
                ref = heat_current_matrix(model, "E", part, rho, params)
            else:
                ref = work_current_matrix(model, None if kind == "work" else "E", part, rho,
                                          params)
            assert _value(expr, subs) == pytest.approx(ref, abs=1e-10), (kind, part)
        q, w = currents_numeric(model, params, rho)
        assert q == pytest.approx(heat_current_matrix(model, "E", "total", rho, params), abs=1e-12)
        assert w == pytest.approx(work_current_matrix(model, None, "total", rho, params),
                                  abs=1e-12)


@pytest.mark.parametrize("variant", VARIANTS)
def test_lindblad_form_liouvillian_equals_direct(variant):
    rng = np.random.default_rng(7)
    for _ in range(2):
        params = mn.SAMPLING.parameters(mn.MODELS[variant], rng)
        direct = direct_liouvillian(mn.MODELS[variant], params)
        lindblad = lindblad_liouvillian_of(mn.MODELS[variant], params)
        assert np.abs(direct - lindblad).max() < 1e-12


def test_liouvillian_is_column_stacking():
    model = mn.MODELS["ssc"]
    params = mn.PARAMETERS["ssc"]
    gen = direct_liouvillian(model, params)
    rho = random_density_matrix(2, np.random.default_rng(3))
    hs, _, v, rho_a = model_matrices(model, params)
    big = np.kron(rho, rho_a)
    inner = v @ big - big @ v
    dc = (v @ inner - inner @ v).reshape(2, 2, 2, 2)
    expected = -1j * (hs @ rho - rho @ hs) - 0.5 * np.einsum("iaja->ij", dc)
    got = (gen @ rho.reshape(-1, order="F")).reshape(2, 2, order="F")
    assert np.abs(got - expected).max() < 1e-13
    # trace preserving: the row vec(1)^T annihilates L
    assert np.abs(np.eye(2).reshape(-1, order="F") @ gen).max() < 1e-13


@pytest.mark.parametrize("variant", VARIANTS)
def test_exact_steady_state_matches_numeric(variant):
    model = mn.MODELS[variant]
    ss = mn.bloch_steady_state(model)
    rng = np.random.default_rng(11)
    for _ in range(2):
        params = mn.SAMPLING.parameters(mn.MODELS[variant], rng)
        rho, dim = numeric_steady_state(direct_liouvillian(model, params))
        assert dim == 1
        exact = [_value(ss[e], params) for e in mn.BLOCH]
        assert np.allclose(papers.bloch_vector(rho), exact, atol=1e-10)
        # currents at the steady state: first law, Qdot + Wdot = 0
        q, w = currents_numeric(model, params, rho)
        assert q + w == pytest.approx(0, abs=1e-10)


def test_steady_state_against_qutip():
    qutip = pytest.importorskip("qutip")
    model = mn.MODELS["ssc"]
    params = mn.PARAMETERS["ssc"]
    lf = lindblad_form(model)
    h = operator_matrix(lf.hamiltonian, (mn.S,), params=params)
    ch = lf.channels[0]
    jumps = [operator_matrix(op, (mn.S,), params=params) for op in ch.jump_operators]
    rates = np.array(ch.rates.subs(params).evalf(), dtype=complex)
    g, u = np.linalg.eigh(rates)
    c_ops = []
    for k in range(len(g)):
        if g[k] > 1e-14:
            op = sum(u[a, k] * jumps[a] for a in range(len(jumps)))
            c_ops.append(qutip.Qobj(math.sqrt(g[k]) * op))
    rho_q = qutip.steadystate(qutip.Qobj(h), c_ops).full()
    rho, _ = numeric_steady_state(direct_liouvillian(model, params))
    assert np.abs(rho_q - rho).max() < 1e-8


# finite tau -----------------------------------------------------------------------------------


def test_finite_tau_collision_converges_linearly():
    model = mn.MODELS["general"]
    rng = np.random.default_rng(21)
    params = mn.SAMPLING.parameters(mn.MODELS["general"], rng)
    rho = random_density_matrix(2, rng)
    q_der, w_der = currents_numeric(model, params, rho)
    errors_q, errors_w, errors_rho = [], [], []
    gen = direct_liouvillian(model, params)
    drho = (gen @ rho.reshape(-1, order="F")).reshape(2, 2, order="F")
    for tau in (2e-3, 1e-3, 5e-4):
        w20, q21, rho1 = mn.eqs_20_21(model, params, rho, tau)
        errors_q.append(abs(q21 / tau + q_der))  # Eq. (21): heat into the ancilla
        errors_w.append(abs(w20 / tau + w_der))  # Eq. (20): minus the switching work
        errors_rho.append(np.abs((rho1 - rho) / tau - drho).max())  # Eq. (2) -> Eq. (5)
    for errs in (errors_q, errors_w, errors_rho):
        assert errs[-1] < 5e-3
        assert errs[0] / errs[1] == pytest.approx(2, rel=0.1)
        assert errs[1] / errs[2] == pytest.approx(2, rel=0.1)


def test_collision_map_fixed_point_approaches_master_equation():
    model = mn.MODELS["ssc"]
    params = mn.PARAMETERS["ssc"]
    rho_me, _ = numeric_steady_state(direct_liouvillian(model, params))
    errs = []
    for tau in (0.02, 0.01, 0.005):
        rho_tau, dim = collision_map_fixed_point(model, params, tau)
        assert dim == 1
        errs.append(np.abs(rho_tau - rho_me).max())
    assert errs[-1] < 1e-2
    assert errs[0] > errs[1] > errs[2]


def test_energy_preserving_collisions_do_no_work_at_gibbs():
    model = mn.MODELS["xy"]
    for tau in (0.05, 0.3):
        params = {mn.J_x: 0.7, mn.J_y: 0.7, mn.omega_s: 1.3, mn.omega_a: 1.3, mn.beta: 0.8}
        t = math.tanh(0.8 * 1.3 / 2)
        gibbs = np.diag([(1 + t) / 2, (1 - t) / 2]).astype(complex)
        w20, q21, rho1 = mn.eqs_20_21(model, params, gibbs, tau)
        assert abs(w20) < 1e-12 and abs(q21) < 1e-12
        assert np.abs(rho1 - gibbs).max() < 1e-12


def test_balanced_off_resonance_has_zero_currents_by_iterating_collisions():
    """J_x = J_y, omega_S != omega_A: collisions from the paper's initial state relax to a
    state with beta_eff = beta omega_A/omega_S and no per-collision heat or work."""
    model = mn.MODELS["xy"]
    params = {mn.J_x: 1.0, mn.J_y: 1.0, mn.omega_s: 1.5, mn.omega_a: 1.0, mn.beta: 1.0}
    theta = 15 * math.pi / 16
    psi = np.array([math.sin(theta), math.cos(theta)], dtype=complex)  # (|0>, |1>) amplitudes
    rho = np.outer(psi, psi.conj())
    tau = 0.05
    for _ in range(1000):
        w20, q21, rho = mn.eqs_20_21(model, params, rho, tau)
    assert abs(w20) < 1e-9 and abs(q21) < 1e-9
    z = papers.bloch_vector(rho)[2]
    assert papers.inverse_temperature_of_bloch_z(z, 1.5) * 1.5 == pytest.approx(1.0, abs=1e-8)


# other -----------------------------------------------------------------------------------------


def test_ancilla_sigma_z_couplings_are_refused():
    with pytest.raises(ModelError, match="bath mean"):
        b = bath("E", mn.ANCILLA, mn.H_A, {"S": mn.S.x * mn.A.z})
        collision_model([mn.S], mn.H_S, b)


def test_parameters_cover_every_symbol():
    for variant, model in mn.MODELS.items():
        needed = set()
        for expr in (heat_current(model, "E"), work_current(model)):
            needed |= {s for s in expr.free_symbols if not isinstance(s, Expectation)}
        assert needed <= set(mn.PARAMETERS[variant]), variant
        assert all(isinstance(v, float) for v in mn.PARAMETERS[variant].values())


def test_quantities_are_named_and_finite(derivation):
    names = []
    for q in derivation.quantities:
        name, expr = (q.name, q.expr) if hasattr(q, "name") else (q[0], q[1])
        names.append(name)
        assert name.isidentifier()
        params = {}
        for variant in ("ssc", "general"):
            params.update(mn.PARAMETERS[variant])
        rho = random_density_matrix(2, np.random.default_rng(0))
        subs = {**params, **expectation_values([expr], rho, (mn.S,))}
        assert math.isfinite(_value(expr, subs))
    assert len(names) == len(set(names))


def test_report_is_deterministic(derivation):
    assert render_report(derivation_of(mn)) == render_report(derivation)


def test_sigma_z_matrix_convention():
    assert np.array_equal(PAULI[3], np.diag([-1, 1]).astype(complex))
