"""Tests of derivations/common_reservoirs.py (two coupled qubits in M common qubit reservoirs)."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from derivations import common_reservoirs as cr
from symthermo.numeric.matrices import operator_matrix
from symthermo.numeric.model_dynamics import direct_liouvillian
from symthermo.numeric.model_matrices import (
    heat_current_matrix,
    random_density_matrix,
    work_current_matrix,
)
from symthermo.numeric.steady import evolve, steady_state
from symthermo.numeric.superop import lindblad_liouvillian
from symthermo.papers import (
    STATUS_CONVENTION,
    STATUS_DIFFERS,
    STATUS_HOLDS,
    currents_at,
    derivation_of,
    evidence_consistent,
    expectation_values,
    model_parameters,
    render_report,
)
from symthermo.thermo import (
    PARTS,
    first_law_residual,
    heat_current,
    lindblad_form,
    work_current,
)

EXPECTED_STATUS = {
    "Eq. (20)": STATUS_CONVENTION,
    "Eq. (21), k = 1": STATUS_CONVENTION,
    "Eq. (22), k = 1": STATUS_CONVENTION,
    "Eq. (21), k = 2": STATUS_CONVENTION,
    "Eq. (22), k = 2": STATUS_CONVENTION,
    "Eq. (23)": STATUS_CONVENTION,
    "Eq. (24)": STATUS_CONVENTION,
    "Eq. (29)": STATUS_CONVENTION,
    "Eq. (29), definition of xi_R": STATUS_DIFFERS,
    "Eq. (30), M = 1": STATUS_CONVENTION,
    "Eq. (31), M = 1": STATUS_CONVENTION,
    "Eq. (32), M = 1": STATUS_CONVENTION,
    "Eq. (33), M = 1": STATUS_CONVENTION,
    "Eq. (30), M = 3": STATUS_DIFFERS,
    "Eq. (31), M = 3": STATUS_CONVENTION,
    "Eq. (32), M = 3": STATUS_DIFFERS,
    "Eq. (33), M = 3": STATUS_DIFFERS,
}

# issue 12: the general-M rows; Eqs. (30), (32), (33) miss factors M (right at M = 1 only)
EXPECTED_STATUS.update({
    "Eq. (21), general M": STATUS_HOLDS,
    "Eq. (22), general M": STATUS_HOLDS,
    "Eq. (23), general M": STATUS_HOLDS,
    "Eq. (24), general M": STATUS_HOLDS,
    "Eq. (30), general M": STATUS_DIFFERS,
    "Eq. (31), general M": STATUS_HOLDS,
    "Eq. (32), general M": STATUS_DIFFERS,
    "Eq. (33), general M": STATUS_DIFFERS,
    # Eq. (20) summed over M reservoirs; Sec. 5.3's recipe for the cluster misses M too
    "Eq. (20), general M": STATUS_HOLDS,
    "Eq. (28) in Eq. (20), general M": STATUS_DIFFERS,
    "Eq. (29), general M": STATUS_CONVENTION,
})

EXPECTED_STATEMENTS = {
    "Sec. 4.1, Eq. (25) (if)": True,
    "Sec. 4.1 (only if: Jx_s != Jy_s)": True,
    "Sec. 4.1 (only if: J1 = J2)": True,
    "Sec. 4.1, Fig. 1 (sign of non-local work)": True,
    "Sec. 4.2 (dark state)": True,
    "Sec. 4.2, Fig. 2 (currents vs P_D)": True,
    "Sec. 4.2 (dark state needs the common reservoir)": True,
    "Sec. 5.3 (scaling with M)": True,
    "Sec. 5.3, Fig. 7 (trend with M)": True,
}

VARIANTS = ("single", "cluster_M3", "two_reservoirs", "independent")


@pytest.fixture(scope="module")
def derivation():
    return derivation_of(cr)


def _value(expr, subs) -> float:
    return complex(sympy.N(sympy.sympify(expr).xreplace(subs), 20)).real


# checks -------------------------------------------------------------------------------------


def test_every_check_has_the_expected_status(derivation):
    assert {c.label: c.status for c in derivation.checks} == EXPECTED_STATUS
    for c in derivation.checks:
        if c.status == STATUS_DIFFERS:
            assert c.difference_kind == "paper error" and c.note
        if c.status == STATUS_CONVENTION:
            assert c.mapping_note


def test_derived_forms_agree_with_the_matrix_route(derivation):
    for c in derivation.checks:
        assert c.evidence is not None, c.label
        assert evidence_consistent(c, rtol=1e-10), (c.label, c.evidence)


def test_every_difference_is_backed_by_the_matrix_route(derivation):
    for c in derivation.checks:
        ev = c.evidence
        scale = max(1.0, abs(ev.matrix_value))
        off = abs(ev.printed_value - ev.matrix_value) / scale
        if c.status == STATUS_DIFFERS:
            assert off > 1e-3, c.label
        else:
            assert off < 1e-10, c.label


@pytest.mark.parametrize("seed", [3, 4])
def test_differences_at_other_points(derivation, seed):
    """The M = 3 differences are not an accident of one random point; M = 1 forms hold."""
    for c in derivation.checks:
        subs, value = c.matrix_route(np.random.default_rng(seed))
        printed = c.mapping(c.printed) if c.mapping else c.printed
        assert abs(_value(c.derived, subs) - value) < 1e-10 * max(1.0, abs(value)), c.label
        gap = abs(_value(printed, subs) - value)
        if c.status == STATUS_DIFFERS:
            assert gap > 1e-3, c.label
        else:
            assert gap < 1e-10 * max(1.0, abs(value)), c.label


def test_cluster_differences_are_exactly_the_missing_factor_m(derivation):
    """Eqs. (30), (32), (33): multiplying the xi-free terms by M repairs them exactly."""
    by_label = {c.label: c for c in derivation.checks}
    for eq in ("30", "32", "33"):
        c = by_label[f"Eq. ({eq}), M = 3"]
        printed = c.printed
        xi_terms = sympy.expand(printed).coeff(cr.xi_R, 1) * cr.xi_R
        repaired = xi_terms + cr.M * sympy.expand(printed - xi_terms)
        assert sympy.expand(c.mapping(repaired) - c.derived) == 0, eq


def test_xi_definition_difference_is_the_missing_half(derivation):
    c = next(c for c in derivation.checks if c.label == "Eq. (29), definition of xi_R")
    fixed = c.printed.subs(cr.omega_R, cr.omega_R / 2)
    assert sympy.simplify(c.mapping(fixed) - c.derived) == 0


def test_statements(derivation):
    got = {s.label: s.holds for s in derivation.statements}
    assert got == EXPECTED_STATEMENTS
    for s in derivation.statements:
        assert any(ch.isdigit() for ch in s.evidence), s.label
        assert "|" not in s.claim + s.evidence


def test_report_and_records(derivation):
    report = render_report(derivation)
    for label in EXPECTED_STATUS:
        assert label in report
    assert set(derivation.models) == set(VARIANTS) == set(derivation.parameters)
    assert [s.name for s in derivation.kernel_sites] == ["S1", "S2"]
    names = {q.name for q in derivation.quantities}
    assert {"heat_local", "work_nonlocal", "energy_rate", "work_M3"} <= names
    assert render_report(derivation_of(cr)) == report  # deterministic


# models: first law and currents vs matrices -------------------------------------------------


@pytest.mark.parametrize("variant", VARIANTS)
def test_first_law_residual_is_exactly_zero(derivation, variant):
    assert sympy.expand(first_law_residual(derivation.models[variant])) == 0


@pytest.mark.parametrize("variant", VARIANTS)
def test_parameters_cover_every_model_symbol(derivation, variant):
    model = derivation.models[variant]
    assert set(model_parameters(model)) == set(derivation.parameters[variant])


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_current_against_matrices(derivation, variant):
    model = derivation.models[variant]
    rng = np.random.default_rng(11)
    exprs = {}
    for b in model.baths:
        for part in PARTS:
            exprs["heat", b.name, part] = heat_current(model, b.name, part)
    for part in PARTS:
        exprs["work", None, part] = work_current(model, None, part)
        for b in model.baths:
            exprs["work", b.name, part] = work_current(model, b.name, part)
    for _ in range(3):
        params = cr.SAMPLING.parameters(model, rng)
        rho = random_density_matrix(4, rng)
        subs = dict(params)
        subs.update(expectation_values(list(exprs.values()), rho, cr.SYSTEM))
        for (kind, bath_name, part), expr in exprs.items():
            if kind == "heat":
                ref = heat_current_matrix(model, bath_name, part, rho, params)
            else:
                ref = work_current_matrix(model, bath_name, part, rho, params)
            assert abs(_value(expr, subs) - ref) < 1e-10 * max(1.0, abs(ref)), (
                variant, kind, bath_name, part)


@pytest.mark.parametrize("variant", VARIANTS)
def test_engine_lindblad_form_equals_direct_liouvillian(derivation, variant):
    """Liouvillian from the derived Lindblad form == -1/2 Tr_R[V,[V, rho (x) rho_R]] (1e-12)."""
    model = derivation.models[variant]
    params = derivation.parameters[variant]
    form = lindblad_form(model)
    sites = model.system_sites
    h = operator_matrix(form.hamiltonian, sites, None, params)
    total = lindblad_liouvillian(h, np.zeros((1, 4, 4)), np.zeros((1, 1)))
    for ch in form.channels:
        jumps = np.stack([operator_matrix(op, sites, None, params) for op in ch.jump_operators])
        rates = np.array(
            [[complex(sympy.N(g.subs(params))) for g in row] for row in ch.rates.tolist()]
        )
        total = total + lindblad_liouvillian(np.zeros((4, 4)), jumps, rates)
    direct = direct_liouvillian(model, params)
    assert np.max(np.abs(total - direct)) < 1e-12 * max(1.0, np.max(np.abs(direct)))


def test_cluster_m2_is_twice_the_single_reservoir(derivation):
    single, pair = derivation.models["single"], cr.cluster_model(2, "cluster_M2")
    for part in PARTS:
        heat = heat_current(pair, "R", part) - 2 * heat_current(single, "R", part)
        work = work_current(pair, None, part) - 2 * work_current(single, None, part)
        assert sympy.expand(heat) == 0 and sympy.expand(work) == 0


# statements at other points -----------------------------------------------------------------


@pytest.mark.parametrize("seed", [101, 102, 103])
def test_ess_at_random_points(derivation, seed):
    model = derivation.models["single"]
    p = cr._resonant_point(np.random.default_rng(seed), True)
    ss = steady_state(direct_liouvillian(model, p))
    assert ss.stationary_dimension == 1
    assert np.max(np.abs(ss.rho - cr.gibbs_product(p))) < 1e-10
    assert max(abs(v) for v in currents_at(model, ss.rho, p).values()) < 1e-10


@pytest.mark.parametrize("seed", [201, 202])
def test_ness_when_xy_couplings_differ(derivation, seed):
    model = derivation.models["single"]
    p = cr._resonant_point(np.random.default_rng(seed), False)
    ss = steady_state(direct_liouvillian(model, p))
    cur = currents_at(model, ss.rho, p)
    q = cur["Q_R,local"] + cur["Q_R,nonlocal"]
    w = cur["W_local"] + cur["W_nonlocal"]
    assert ss.stationary_dimension == 1
    assert np.max(np.abs(ss.rho - cr.gibbs_product(p))) > 1e-4
    assert abs(q) > 1e-6 and abs(q + w) < 1e-12


def test_derived_currents_at_the_steady_state_satisfy_the_first_law(derivation):
    """The symbolic currents evaluated at the numeric steady state: Qdot + Wdot = 0."""
    model, p = derivation.models["single"], derivation.parameters["single"]
    rho = steady_state(direct_liouvillian(model, p)).rho
    q, w = heat_current(model, "R", "total"), work_current(model, None, "total")
    subs = dict(p)
    subs.update(expectation_values([q, w], rho, cr.SYSTEM))
    assert abs(_value(q, subs) + _value(w, subs)) < 1e-12
    assert abs(_value(q, subs)) > 1e-3


@pytest.mark.parametrize("seed", [301, 302])
def test_dark_state_at_random_points(derivation, seed):
    model = derivation.models["single"]
    p = cr._dark_point(np.random.default_rng(seed))
    lv = direct_liouvillian(model, p)
    rho_d = np.outer(cr.DARK_STATE, cr.DARK_STATE.conj())
    assert np.max(np.abs(lv @ rho_d.flatten(order="F"))) < 1e-12
    assert steady_state(lv, rho_d).stationary_dimension > 1
    # unequal couplings: no dark state
    p_off = {**p, cr.JX[2]: p[cr.JX[1]] + 0.3}
    lv_off = direct_liouvillian(model, p_off)
    assert np.max(np.abs(lv_off @ rho_d.flatten(order="F"))) > 1e-6
    assert steady_state(lv_off).stationary_dimension == 1


def test_projected_steady_state_is_the_long_time_limit(derivation):
    """With the dark state, P rho_0 equals exp(L t) rho_0 for large t."""
    model = derivation.models["single"]
    p = {**derivation.parameters["single"], cr.JX[1]: 1.2, cr.JY[1]: 1.2}
    lv = direct_liouvillian(model, p)
    rho0 = np.zeros((4, 4), dtype=complex)
    rho0[1, 1] = 1.0
    late = evolve(lv, rho0, [400.0])[-1]
    assert np.max(np.abs(late - steady_state(lv, rho0).rho)) < 1e-8
