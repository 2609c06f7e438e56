"""Tests of derivations/collective_ergotropy.py (Cakmak, ergotropy from coherences)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy

from derivations import collective_ergotropy as ce
from symthermo.numeric.matrices import monomial_matrix
from symthermo.numeric.measures import ergotropy, l1_coherence
from symthermo.numeric.model_dynamics import direct_liouvillian, lindblad_liouvillian_of
from symthermo.numeric.model_matrices import (
    heat_current_matrix,
    random_density_matrix,
    work_current_matrix,
)
from symthermo.numeric.sectors import sector_projection
from symthermo.numeric.steady import steady_state
from symthermo.numeric.superop import unvec, vec
from symthermo.papers import (
    STATUS_CONVENTION,
    STATUS_DIFFERS,
    STATUS_HOLDS,
    evidence_consistent,
    expectation_values,
    render_report,
)
from symthermo.papers.excitations import excitation_gibbs_state, excitation_hamiltonian
from symthermo.papers.state_routes import direct_stationary_projection, pauli_observable
from symthermo.symmetric_subspace import symmetric_invariance_defect
from symthermo.thermo import PARTS, first_law_residual, heat_current, work_current

EXPECTED_STATUS = {
    "Eqs. (5)-(7)": STATUS_CONVENTION,
    "Eqs. (5)-(7), N = 3": STATUS_CONVENTION,
    "Eq. (8)": STATUS_HOLDS,
    "Eq. (9)": STATUS_HOLDS,
    "Eq. (9), second form": STATUS_HOLDS,
    "Eq. (11), 0 <= c < 1/2": STATUS_HOLDS,
    "Eq. (11), c = 1": STATUS_DIFFERS,
    "Eq. (12), 0 <= c < 1/2": STATUS_HOLDS,
    "Eq. (12), 1/2 <= c <= 1": STATUS_HOLDS,
    "Eq. (13), 0 <= c < 3/4": STATUS_HOLDS,
    "Eq. (13), c = 3/4": STATUS_HOLDS,
    "Eq. (13), 3/4 < c <= 1": STATUS_HOLDS,
    "Eq. (16), N = 2 (sum)": STATUS_CONVENTION,
    "Eq. (16), N = 2": STATUS_CONVENTION,
    "Eq. (17), N = 2 (sum)": STATUS_CONVENTION,
    "Eq. (17), N = 2": STATUS_CONVENTION,
    **{f"Eq. ({k}), N = {n}": STATUS_CONVENTION for n in (3, 4, 5, 6) for k in (16, 17)},
}

# issue 12: the master equation for symbolic N
EXPECTED_STATUS.update({
    "Eqs. (5)-(7), general N, X = sigma^z_m": STATUS_HOLDS,
    "Eqs. (5)-(7), general N, X = sigma^+_m": STATUS_HOLDS,
    "Eqs. (5)-(7), general N, X = sigma^+_m sigma^-_m' (m != m')": STATUS_HOLDS,
})

EXPECTED_STATEMENTS = {
    "Sec. III: collective vs individual coupling": True,
    "Sec. IV A: |psi_-> is stationary, c is conserved": True,
    "Eq. (8): random initial states": True,
    "Eq. (9): no coherence from a thermal initial state": True,
    "Eq. (10): spectrum of rho_ss": True,
    "Fig. 1: C_l1 >= W": True,
    "Sec. IV A: W/omega = C_l1 at high temperature": True,
    "Appendix A: eigenvalue ordering": True,
    "Sec. IV A: populations not inverted": False,
    "Sec. IV A: |psi_1> and |psi_0> initial states": True,
    "Sec. IV B: thermal initial states": True,
    "Eqs. (14)-(15): ground initial state": True,
    "Eqs. (16)-(17): N = 2..5, numeric": True,
    "Eqs. (16)-(17): sums = closed forms": True,
    "Eqs. (16)-(17): N = 10..100": True,  # permutation-invariant route (issue 14)
    "Sec. IV B, Fig. 2: high temperature limits": True,
    "Sec. IV B: nbar and beta": False,
    "Sec. IV B: reduced states": True,
}

VARIANTS = ("N2", "N3", "N2_independent")
CUTOFF = 30


@pytest.fixture(scope="module")
def derivation():
    return ce.build()


def _value(expr, subs) -> float:
    return complex(sympy.N(sympy.sympify(expr).xreplace(subs), 20)).real


# checks -------------------------------------------------------------------------------------


def test_every_check_has_the_expected_status(derivation):
    assert {c.label: c.status for c in derivation.checks} == EXPECTED_STATUS
    for c in derivation.checks:
        assert c.status
        if c.status == STATUS_DIFFERS:
            assert c.difference_kind in ("paper error", "convention", "conversion slip")
            assert c.note


def test_derived_agrees_with_matrix_route(derivation):
    for c in derivation.checks:
        assert c.evidence is not None, c.label
        # the limits beta -> 0 are compared with numbers at beta*omega = 1e-10
        assert evidence_consistent(c, rtol=1e-9), (c.label, c.evidence)


def test_difference_is_backed_by_the_matrix_route(derivation):
    for c in derivation.checks:
        if c.status != STATUS_DIFFERS:
            continue
        ev = c.evidence
        scale = max(1.0, abs(ev.matrix_value))
        assert abs(ev.derived_value - ev.matrix_value) <= 1e-10 * scale
        assert abs(ev.printed_value - ev.matrix_value) > 1e-6 * scale
        for seed in (1, 2, 3):
            subs, value = c.matrix_route(np.random.default_rng(seed))
            assert _value(c.derived, subs) == pytest.approx(value, abs=1e-10)
            assert abs(_value(c.printed, subs) - value) > 1e-3


def test_eq11_c1_is_the_printed_form_with_flipped_exponents(derivation):
    check = next(c for c in derivation.checks if c.label == "Eq. (11), c = 1")
    flipped = check.printed.xreplace({ce.beta: -ce.beta})
    assert sympy.simplify(flipped - check.derived) == 0
    # and it agrees with Eq. (17) at N = 2 (the ground state has c = 1)
    _, closed17 = ce.printed_eq17(2)
    assert sympy.simplify(ce.r_reading(closed17) - check.derived) == 0


def test_convention_mappings_are_needed_and_sufficient(derivation):
    for c in derivation.checks:
        if c.status != STATUS_CONVENTION:
            continue
        subs, value = c.matrix_route(np.random.default_rng(5))
        assert _value(c.mapping(c.printed), subs) == pytest.approx(value, abs=1e-9), c.label
        # the printed form alone is not a number here: it carries gamma_ij, f_ij or r
        left = sympy.sympify(c.printed).xreplace(subs).free_symbols
        assert left & ({ce.r} | {ce.gamma_symbol(1, 2), ce.f_symbol(1, 2)}), c.label


@pytest.mark.parametrize("seed", [7, 8])
def test_checks_at_other_points(derivation, seed):
    for c in derivation.checks:
        if c.label.startswith("Eqs. (5)-(7), N = 3") or "N = 6" in c.label:
            continue  # the slowest routes: covered at the report's seed
        subs, value = c.matrix_route(np.random.default_rng(seed))
        tol = 1e-8 if c.label.startswith("Eq. (13)") else 1e-10
        assert _value(c.derived, subs) == pytest.approx(value, abs=tol * max(1, abs(value)))


def test_master_equation_is_the_papers_as_liouvillians():
    """Derived Lindblad form == direct collision generator == printed Eqs. (5)-(7) (1e-12)."""
    rng = np.random.default_rng(3)
    for n in (2, 3):
        p = ce.random_parameters(rng)
        fl = {k: float(v) for k, v in p.items()}
        derived = lindblad_liouvillian_of(ce.MODELS[f"N{n}"], fl)
        direct = direct_liouvillian(ce.MODELS[f"N{n}"], fl, 45)
        assert np.abs(derived - direct).max() < 1e-12
        # printed generator applied to matrix units, gamma_ij = g^2, f_ij = f
        d = 2**n
        xs = pauli_observable(ce.system_sites(n))
        rate = ce.collective_mapping(n)(ce.printed_observable_rate(n))
        rho = random_density_matrix(d, rng)
        xv = {x: float(rng.normal()) for x in xs.values()}
        subs = {**p, **xv, **expectation_values([rate], rho, ce.system_sites(n))}
        x_matrix = sum(xv[x] * monomial_matrix(mono, ce.system_sites(n)) for mono, x in xs.items())
        value = np.trace(x_matrix @ unvec(derived @ vec(rho), d)).real
        assert _value(rate, subs) == pytest.approx(value, abs=1e-10)


# steady states ------------------------------------------------------------------------------


def test_family_reproduces_projection_for_random_initial_states():
    rho_c = sympy.lambdify((ce.c, ce.beta, ce.omega), ce.derived_rho_c(), "numpy")
    for seed in range(3):
        rng = np.random.default_rng(100 + seed)
        p = ce.random_parameters(rng)
        rho0 = random_density_matrix(4, rng)
        rho, dim = direct_stationary_projection(ce.MODELS["N2"], p, rho0, ce.CUTOFF)
        assert dim == 2
        expected = np.array(rho_c(ce.c_of(rho0), p[ce.beta], p[ce.omega]), dtype=complex)
        assert np.abs(rho - expected).max() < 1e-10


def test_sector_route_equals_full_projection():
    """The excitation-sector projection equals the full-space projection (N = 2, 3)."""
    rng = np.random.default_rng(21)
    for n in (2, 3):
        p = ce.random_parameters(rng)
        rho0 = random_density_matrix(2**n, rng)
        full = steady_state(lindblad_liouvillian_of(ce.MODELS[f"N{n}"],
                                                    {k: float(v) for k, v in p.items()}),
                            initial_state=rho0)
        rho, k = sector_projection(ce.model_of(n), p, rho0)
        assert k == full.stationary_dimension
        assert np.abs(rho - full.rho).max() < 1e-10


def test_dicke_route_agrees_with_closure_at_n2():
    w = ce.dicke_ground_populations(2)
    rho = ce.derived_rho_ground()
    # |D_0> = |00>, |D_1> = (|01> + |10>)/sqrt(2), |D_2> = |11>
    assert sympy.simplify(rho[0, 0] - w[0]) == 0
    assert sympy.simplify(rho[1, 2] - w[1] / 2) == 0
    assert sympy.simplify(rho[3, 3] - w[2]) == 0


@pytest.mark.parametrize("n", [3, 4, 5, 6])
def test_symmetric_subspace_is_invariant(n):
    p = ce.random_parameters(np.random.default_rng(n))
    assert symmetric_invariance_defect(ce.model_of(n), p) < 1e-12


def test_dicke_populations_are_thermal():
    for n in (3, 4):
        w = ce.dicke_ground_populations(n)
        for k in range(n):
            assert sympy.simplify(w[k + 1] / w[k] - sympy.exp(-ce.beta * ce.omega)) == 0


def test_independent_scheme_has_a_unique_gibbs_steady_state():
    p = {ce.omega: 1.3, ce.beta: 0.9, ce.g: 0.8, ce.f: 0.4}
    lv = direct_liouvillian(ce.MODELS["N2_independent"], p, 40)
    ss = steady_state(lv)
    assert ss.stationary_dimension == 1
    assert np.abs(ss.rho - excitation_gibbs_state(2, 1.3 * 0.9)).max() < 1e-10


def test_ergotropy_formula_against_numbers_in_the_crossing_region():
    """Between the regions of Eqs. (11)-(12) the passive ordering changes (Appendix A):
    the sorted-spectrum ergotropy of the derived family equals the numeric one."""
    rho_c = sympy.lambdify((ce.c, ce.beta, ce.omega), ce.derived_rho_c(), "numpy")
    rng = np.random.default_rng(4)
    for _ in range(5):
        p = ce.random_parameters(rng)
        rho0 = ce._random_state_with_c(rng, "upper")
        rho, _ = direct_stationary_projection(ce.MODELS["N2"], p, rho0, ce.CUTOFF)
        exact = np.array(rho_c(ce.c_of(rho0), p[ce.beta], p[ce.omega]), dtype=complex)
        h = excitation_hamiltonian(2, p[ce.omega])
        assert ergotropy(rho, h) == pytest.approx(ergotropy(exact, h), abs=1e-10)
        assert l1_coherence(rho) == pytest.approx(l1_coherence(exact), abs=1e-10)


def test_passive_formula_refuses_a_level_crossing():
    rho = ce.derived_rho_c()
    with pytest.raises(ValueError):
        ce.passive_formula(rho, ce.sample_grid([sympy.Rational(1, 5), sympy.Rational(95, 100)],
                                               [1]))


# statements, records ------------------------------------------------------------------------


def test_statements_hold_or_fail_as_expected(derivation):
    got = {s.label: s.holds for s in derivation.statements}
    assert got == EXPECTED_STATEMENTS
    for s in derivation.statements:
        assert s.evidence


@pytest.mark.parametrize("variant", VARIANTS)
def test_first_law_residual_is_exactly_zero(variant):
    assert sympy.expand(first_law_residual(ce.MODELS[variant])) == 0


@pytest.mark.parametrize("variant", VARIANTS)
def test_parameters_cover_every_symbol(derivation, variant):
    model = derivation.models[variant]
    symbols = set()
    for op in (model.system_hamiltonian, *(v for b in model.baths for _, v in b.couplings)):
        for coeff in op.terms.values():
            symbols |= sympy.sympify(coeff).free_symbols
    symbols |= {ce.beta}
    assert symbols <= set(derivation.parameters[variant])


@pytest.mark.parametrize("variant", VARIANTS)
def test_currents_against_matrix_route(variant):
    model = ce.MODELS[variant]
    n = len(model.system_sites)
    exprs = {}
    for part in PARTS:
        exprs["heat", part] = heat_current(model, "R", part)
        exprs["work", part] = work_current(model, None, part)
        exprs["work_R", part] = work_current(model, "R", part)
    rng = np.random.default_rng(17)
    for _ in range(2):
        # beta*omega >= 2: nbar <= 0.16, the oscillator converged at 30 levels
        w = float(rng.uniform(0.7, 1.5))
        params = {ce.omega: w, ce.beta: float(rng.uniform(2.0, 3.0)) / w,
                  ce.g: float(rng.uniform(0.5, 1.5)), ce.f: float(rng.uniform(-1, 1))}
        rho = random_density_matrix(2**n, rng)
        subs = dict(params)
        subs.update(expectation_values(list(exprs.values()), rho, model.system_sites))
        for (kind, part), expr in exprs.items():
            if kind == "heat":
                ref = heat_current_matrix(model, "R", part, rho, params, CUTOFF)
            else:
                ref = work_current_matrix(model, None if kind == "work" else "R", part, rho,
                                          params, CUTOFF)
            assert _value(expr, subs) == pytest.approx(ref, abs=1e-10), (variant, kind, part)


def test_resonant_coupling_does_no_work_without_dipole_interaction():
    for variant in VARIANTS:
        w = work_current(ce.MODELS[variant])
        assert sympy.expand(w.xreplace({ce.f: 0})) == 0


def test_quantities_are_named_and_finite(derivation):
    from symthermo.algebra.indexed import contains_symbolic_size

    names = [q.name if hasattr(q, "name") else q[0] for q in derivation.quantities]
    assert len(names) == len(set(names))
    sub = {ce.omega: 1.0, ce.beta: 0.8, ce.g: 1.0, ce.f: 0.2, ce.c: 0.3}
    for q in derivation.quantities:
        expr = q.expr if hasattr(q, "expr") else q[1]
        if contains_symbolic_size(expr):  # issue 12: general N (LaTeX only, test_general_latex)
            continue
        value = sympy.sympify(expr).xreplace(sub)
        value = value.xreplace({e: 0.1 for e in value.free_symbols})
        assert math.isfinite(complex(sympy.N(value)).real)
    assert derivation.kernel_sites == ce.system_sites(2)


def test_report_renders(derivation):
    text = render_report(derivation)
    for label in EXPECTED_STATUS:
        assert f"| {label} |" in text
    assert "paper error" in text


def test_checks_and_statements_packages_are_not_papers():
    """derivations/checks/ and derivations/statements/ hold parts of a paper's declaration:
    discovery (derivations.NAMES) lists the papers only, and each part names its paper."""
    import derivations
    from derivations.checks import collective_ergotropy as checks_part
    from derivations.statements import collective_ergotropy as statements_part
    from symthermo.papers import paper_modules

    assert list(paper_modules()) == list(derivations.NAMES)
    assert not {"checks", "statements"} & set(derivations.NAMES)
    assert checks_part.MODELS is ce.MODELS and statements_part.MODELS is ce.MODELS
