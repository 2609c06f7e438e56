"""Tests of derivations/coupled_ensembles.py and its statements module
derivations/statements/coupled_ensembles.py (2 + 2 TLSs, two oscillator baths, six scenarios)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from functools import cache

import numpy as np
import pytest
import sympy

from derivations import coupled_ensembles as ce
from derivations.statements import coupled_ensembles as ce_statements
from symthermo import thermo
from symthermo.algebra import identity
from symthermo.numeric.compiled_operator import CompiledOperator
from symthermo.numeric.matrices import operator_matrix
from symthermo.numeric.model_matrices import (
    heat_current_matrix,
    random_density_matrix,
    work_current_matrix,
)
from symthermo.papers import (
    STATUS_CONVENTION,
    STATUS_DIFFERS,
    STATUS_HOLDS,
    BathDissipator,
    derived_liouvillian,
    evidence_consistent,
    expectation_values,
    render_report,
    sector_steady_summary,
)
from symthermo.states import ThermalOscillator

# the paper's general current formulas with plain matrices (moved from the derivation: the
# engine builds the derivation's matrix routes now; this is the tests' independent one)


# pair weights of the paper's general formulas: Eqs. (20)-(24) (simultaneous: 1/2 for every
# (n', n)), Eqs. (40), (41) (cascaded: 1/2 for n' = n, 1 for the ordered pair with the earlier
# V_n outermost), independent: local terms only.  (outer, inner, weight)
def paper_pair_weights(scheme: str) -> list[tuple[int, int, float]]:
    out = [(n, n, 0.5) for n in ce.INDICES]
    if scheme == "simultaneous":
        out += [(n2, n, 0.5) for n in ce.INDICES for n2 in ce.INDICES if n2 != n]
    elif scheme == "cascaded":
        out += [(n, n2, 1.0) for n in ce.INDICES for n2 in ce.INDICES if n2 > n]
    return out


def thermal_populations(i: str, params: Mapping, levels: int) -> np.ndarray:
    """p_k = nbar^k / (1 + nbar)^(k+1) on ``levels`` Fock levels, renormalised."""
    nb = 1.0 / np.expm1(float(params[ce.omega[i]]) / float(params[ce.T[i]]))
    pops = np.array([nb**k / (1 + nb) ** (k + 1) for k in range(levels)])
    return pops / pops.sum()


@cache
def _route_operators(variant: str, cutoff: int):
    model = ce.make_model(variant)
    out = {}
    for i in ce.BATHS:
        sites = (*ce.SYSTEM_SITES, ce.ANCILLA[i])
        b = model.bath(i)
        out[i] = (
            {n: CompiledOperator(ce.coupling(i, n), sites, cutoff) for n in ce.INDICES},
            CompiledOperator(b.hamiltonian, sites, cutoff),
            CompiledOperator(model.system_hamiltonian, sites, cutoff),
        )
    return out


def matrix_currents(variant: str, params: Mapping, rho: np.ndarray, cutoff: int = ce.CUTOFF) -> dict:  # noqa: E501
    """Heat and work currents from plain matrices with the paper's general formulas:

    Qdot_i = sum w <[V_outer, [V_inner, H_Ei]]>,  Wdot = -sum_i sum w <[V_outer, [V_inner,
    H_S + H_Ei]]>  in rho_S (x) rho_Ei (thermal, ``cutoff`` Fock levels), with the weights of
    :func:`paper_pair_weights` (the test's own route, independent of the engine's pair
    terms).  Keys: ("heat", i, part), ("work", None, part)."""
    scheme = ce.SCHEMES[variant[:3]]
    weights = paper_pair_weights(scheme)
    out: dict = {}
    work = dict.fromkeys(("local", "nonlocal"), 0.0)
    for i, (vs, h_e, h_s) in _route_operators(variant, cutoff).items():
        v = {n: op(params) for n, op in vs.items()}
        he = h_e(params)
        hw = he + h_s(params)
        rho_se = np.kron(rho, np.diag(thermal_populations(i, params, cutoff)))
        left = {n: rho_se @ m - m @ rho_se for n, m in v.items()}  # [rho, V_outer]
        inner_h = {n: m @ he - he @ m for n, m in v.items()}
        inner_w = {n: m @ hw - hw @ m for n, m in v.items()}
        heat = dict.fromkeys(("local", "nonlocal"), 0.0)
        for outer, inner, w in weights:
            part = "local" if outer == inner else "nonlocal"
            # Tr[rho [A, [B, X]]] = Tr[[rho, A] [B, X]]
            heat[part] += w * np.einsum("ij,ji->", left[outer], inner_h[inner]).real
            work[part] -= w * np.einsum("ij,ji->", left[outer], inner_w[inner]).real
        for part in heat:
            out["heat", i, part] = heat[part]
        out["heat", i, "total"] = heat["local"] + heat["nonlocal"]
    for part in work:
        out["work", None, part] = work[part]
    out["work", None, "total"] = work["local"] + work["nonlocal"]
    return out

EXPECTED_STATUS = {
    "Eq. (10)": STATUS_HOLDS,
    "Eq. (11)": STATUS_HOLDS,
    "Eq. (15)": STATUS_HOLDS,
    "Eq. (25), i = h": STATUS_HOLDS,
    "Eq. (25), i = c": STATUS_HOLDS,
    "Eq. (26), i = h": STATUS_HOLDS,
    "Eq. (26), i = c": STATUS_HOLDS,
    "Eq. (26), i = h, .txt read literally": STATUS_DIFFERS,
    "Eq. (43), i = h": STATUS_HOLDS,
    "Eq. (43), i = c": STATUS_HOLDS,
    "Eq. (27) [H_I^(1)]": STATUS_HOLDS,
    "Eq. (28) [H_I^(1)]": STATUS_HOLDS,
    "Eq. (42) [H_I^(1)]": STATUS_HOLDS,
    "Eq. (27) [H_I^(2)]": STATUS_HOLDS,
    "Eq. (28) [H_I^(2)]": STATUS_HOLDS,
    "Eq. (42) [H_I^(2)]": STATUS_HOLDS,
    "Eq. (30) vs (29)": STATUS_DIFFERS,
    "Eq. (32)": STATUS_HOLDS,
    "Eq. (36)": STATUS_HOLDS,
    "Eq. (34)": STATUS_HOLDS,
    "Eq. (38)": STATUS_HOLDS,
    "Eq. (44)": STATUS_HOLDS,
    "Eq. (45)": STATUS_HOLDS,
    "Eq. (45), .md reading": STATUS_DIFFERS,
    "Eq. (33)": STATUS_HOLDS,
    "Eq. (37)": STATUS_HOLDS,
    "Eq. (35)": STATUS_HOLDS,
    "Eq. (35), .md reading": STATUS_DIFFERS,
    "Eq. (39)": STATUS_HOLDS,
    "Eq. (46)": STATUS_HOLDS,
    "Eq. (47)": STATUS_HOLDS,
    "Eq. (48)": STATUS_HOLDS,
    "Eq. (49)": STATUS_HOLDS,
    "Sec. IV, eta": STATUS_HOLDS,
    "Sec. IV, COP_R": STATUS_HOLDS,
    "Sec. IV, COP_A": STATUS_DIFFERS,
}

# issue 12: the general-N rows (symbolic N); a careful reading: all hold (the 1/2 of
# Eq. (26) is right for ordered pairs n != n', Eq. (43) has none)
EXPECTED_STATUS.update({
    "Eq. (10), i = h, general N, X = sigma^+_{h,m} sigma^-_{c,m}": STATUS_HOLDS,
    "Eq. (10), i = h, general N, X = sigma^+_{h,m} sigma^-_{h,m'}": STATUS_HOLDS,
    "Eq. (10), i = h, general N, X = sigma^z_{h,m}": STATUS_HOLDS,
    "Eq. (11), i = h, general N, X = sigma^+_{h,m} sigma^-_{c,m}": STATUS_HOLDS,
    "Eq. (11), i = h, general N, X = sigma^+_{h,m} sigma^-_{h,m'}": STATUS_HOLDS,
    "Eq. (11), i = h, general N, X = sigma^z_{h,m}": STATUS_HOLDS,
    "Eq. (15), i = h, general N, X = sigma^+_{h,m} sigma^-_{c,m}": STATUS_HOLDS,
    "Eq. (15), i = h, general N, X = sigma^+_{h,m} sigma^-_{h,m'}": STATUS_HOLDS,
    "Eq. (15), i = h, general N, X = sigma^z_{h,m}": STATUS_HOLDS,
    "Eq. (25), i = c, general N": STATUS_HOLDS,
    "Eq. (25), i = h, general N": STATUS_HOLDS,
    "Eq. (26), i = c, general N": STATUS_HOLDS,
    "Eq. (26), i = h, general N": STATUS_HOLDS,
    "Eq. (27), H_I^(1), Eq. (29), general N": STATUS_HOLDS,
    "Eq. (27), H_I^(2), Eq. (31), general N": STATUS_HOLDS,
    "Eq. (28), H_I^(1), Eq. (29), general N": STATUS_HOLDS,
    "Eq. (28), H_I^(2), Eq. (31), general N": STATUS_HOLDS,
    "Eq. (42), H_I^(1), Eq. (29), general N": STATUS_HOLDS,
    "Eq. (42), H_I^(2), Eq. (31), general N": STATUS_HOLDS,
    "Eq. (43), i = c, general N": STATUS_HOLDS,
    "Eq. (43), i = h, general N": STATUS_HOLDS,
})
# the general definitions (derivations/general_n/coupled_definitions.py): all hold but the
# appendix's restatement (A8) of the non-local heat, which is minus the non-local work
EXPECTED_STATUS.update({
    **{f"Eq. ({eq}), i = h, general N, X = {x}": STATUS_HOLDS for eq in ("5", "6", "14")
       for x in ("sigma^z_{h,m}", "sigma^+_{h,m} sigma^-_{h,m'}", "sigma^+_{h,m} sigma^-_{c,m}")},
    **{f"Eq. ({eq}), {hi}, general N": STATUS_HOLDS for eq in ("19", "20", "21", "40")
       for hi in ("H_I^(1), Eq. (29)", "H_I^(2), Eq. (31)")},
    **{f"Eq. ({eq}), i = {i}, general N": STATUS_HOLDS for eq in ("22", "23", "24", "41")
       for i in ("h", "c")},
    "Eq. (A8), i = h, general N": STATUS_DIFFERS,
    "Eq. (A8), i = c, general N": STATUS_DIFFERS,
})

EXPECTED_KIND = {
    "Eq. (26), i = h, .txt read literally": "conversion slip",
    "Eq. (30) vs (29)": "paper error",
    "Eq. (45), .md reading": "conversion slip",
    "Eq. (35), .md reading": "conversion slip",
    "Sec. IV, COP_A": "paper error",
    "Eq. (A8), i = h, general N": "paper error",
    "Eq. (A8), i = c, general N": "paper error",
}

EXPECTED_STATEMENTS = {
    "Sec. II B, time normalisation of the cascaded model": True,
    "Table I, local heat": True,
    "Table I, non-local heat": True,
    "Table I, local work": True,
    "Table I, non-local work": False,
    "Sec. IV, regimes": True,
    "Sec. IV, eta": True,
    "Sec. IV, COP_R": True,
    "Sec. IV, COP_A": False,
    "Sec. IV, omega_h = omega_c": True,
    "Sec. IV, accelerator: H_I^(1) vs H_I^(2)": True,
    "Sec. IV, accelerator: non-local vs independent": True,
    "Sec. IV, accelerator: com vs cas": True,
    "Sec. IV, engine: |W^ind(1)| < |W^cas(1)| for 1.5 < omega_h/omega_c < 2": True,
    "Sec. IV, refrigerator: non-local vs independent, H_I^(1)": True,
    "Sec. III C, Fig. 2(a)": True,
    "Sec. III C, Fig. 2(b)": True,
    "Sec. III C, Fig. 2(c)": True,
    "Sec. III C, Fig. 2(d): C_non-loc determines W_non-loc": True,
    "Sec. III C, Fig. 2(d): no product form": True,
    "Sec. IV, Fig. 4: eta_max": True,
    "Sec. IV, Fig. 4: eta_max with H_I^(1)": True,
}


@pytest.fixture(scope="module")
def derivation():
    return ce.build()


# ---- checks ----------------------------------------------------------------------------------


def test_every_equation_has_the_expected_status(derivation):
    got = {c.label: c.status for c in derivation.checks}
    assert got == EXPECTED_STATUS


def test_derived_forms_agree_with_the_matrix_route(derivation):
    for c in derivation.checks:
        assert c.evidence is not None, c.label
        assert evidence_consistent(c, rtol=1e-10), (c.label, c.evidence)


def test_every_difference_is_backed_by_the_matrix_route(derivation):
    for c in derivation.checks:
        if c.status != STATUS_DIFFERS:
            continue
        assert c.difference_kind == EXPECTED_KIND[c.label], c.label
        assert c.note, c.label
        ev = c.evidence
        scale = max(1.0, abs(ev.matrix_value))
        assert abs(ev.derived_value - ev.matrix_value) <= 1e-10 * scale, c.label
        assert abs(ev.printed_value - ev.matrix_value) > 1e-6 * scale, c.label
        assert sympy.expand(c.difference) != 0


def test_statements(derivation):
    got = {s.label: s.holds for s in derivation.statements}
    assert got == EXPECTED_STATEMENTS
    for s in derivation.statements:
        assert s.evidence


def test_report_renders_and_is_deterministic(derivation):
    text = render_report(derivation)
    assert "Eq. (30) vs (29)" in text and "conversion slip" in text
    assert STATUS_CONVENTION not in {c.status for c in derivation.checks}


def test_eq30_is_four_times_eq29():
    h29 = ce.interaction_1().subs({ce.Omega1[k]: ce.Omega_u for k in ce.Omega1})
    s_plus = {i: sum((2 * ce.sp(i, n) for n in ce.INDICES), start=identity() * 0)
              for i in ce.BATHS}
    h30 = ce.Omega_u * (s_plus["h"] * s_plus["c"].dagger() + s_plus["h"].dagger() * s_plus["c"])
    assert h30 == 4 * h29


# ---- models ----------------------------------------------------------------------------------


def test_variants_and_parameters(derivation):
    assert set(derivation.models) == set(ce.VARIANTS)
    for v, model in derivation.models.items():
        params = derivation.parameters[v]
        assert params[ce.g["h", 1]] == 0.5 and params[ce.g["c", 2]] == 0.55
        assert params[ce.T["h"]] == 2.0 and params[ce.omega["c"]] == 1.0
        assert model.round_duration == "tau"
        assert {b.scheme for b in model.baths} == {ce.SCHEMES[v[:3]]}
        free = set()
        for op in (model.system_hamiltonian, *(vv for b in model.baths for _, vv in b.couplings)):
            for coeff in op.terms.values():
                free |= coeff.free_symbols
        assert free <= set(params), (v, free - set(params))
    assert tuple(derivation.kernel_sites) == ce.SYSTEM_SITES


@pytest.mark.parametrize("variant", ce.VARIANTS)
def test_first_law_residual_is_exactly_zero(variant):
    assert sympy.expand(thermo.first_law_residual(ce.make_model(variant))) == 0


@pytest.mark.parametrize("variant", ce.VARIANTS)
def test_excitation_balance_identity(variant):
    res, first_law = ce_statements.balance_identities()[variant]
    assert res == 0 and first_law == 0


def test_derived_totals_are_local_plus_nonlocal():
    for v in ce.VARIANTS:
        cur = ce.derived_currents(v)
        for i in ce.BATHS:
            h = cur.heat[i]
            assert sympy.expand(h["total"] - h["local"] - h["nonlocal"]) == 0
        w = cur.work
        assert sympy.expand(w["total"] - w["local"] - w["nonlocal"]) == 0
        if v.startswith("ind"):
            assert w["nonlocal"] == 0 and all(cur.heat[i]["nonlocal"] == 0 for i in ce.BATHS)


def test_local_parts_do_not_depend_on_the_scheme():
    for k in "12":
        ref = ce.derived_currents(f"com{k}")
        for s in ("cas", "ind"):
            cur = ce.derived_currents(f"{s}{k}")
            assert sympy.expand(cur.work["local"] - ref.work["local"]) == 0
            for i in ce.BATHS:
                assert sympy.expand(cur.heat[i]["local"] - ref.heat[i]["local"]) == 0
    for i in ce.BATHS:
        ref = BathDissipator(ce.MODELS["com1"], (i,), "local").derived()
        for v in ("cas1", "ind1"):
            assert sympy.expand(BathDissipator(ce.MODELS[v], (i,), "local").derived() - ref) == 0


def _numeric_model(variant: str, params: dict):
    """The model at a numeric point (couplings, Hamiltonians and ancilla n_i numbers), so the
    engine's matrix route does not substitute symbols term by term."""
    model = ce.make_model(variant).subs(params)
    baths = tuple(
        dataclasses.replace(
            b, ancillas=(ThermalOscillator(b.ancillas[0].site,
                                           nbar=float(ce.n_thermal(b.name).subs(params))),)
        )
        for b in model.baths
    )
    return model.replace(baths=baths)


@pytest.mark.parametrize("variant", ce.VARIANTS)
def test_every_current_against_the_engine_matrix_route(variant):
    """Derived heat (per bath) and work currents, local and non-local (totals: previous test),
    against symthermo.numeric.model_matrices at random states and parameters, and the totals
    against this module's own matrix route (the paper's general formulas)."""
    rng = np.random.default_rng(11)
    cur = ce.derived_currents(variant)
    exprs = [cur.heat[i][p] for i in ce.BATHS for p in thermo.PARTS]
    exprs += [cur.work[p] for p in thermo.PARTS]
    for _ in range(2):
        params = ce.random_parameters(rng)
        rho = random_density_matrix(16, rng)
        subs = {**params, **expectation_values(exprs, rho, ce.SYSTEM_SITES)}
        model = _numeric_model(variant, params)
        own = matrix_currents(variant, params, rho)
        for i in ce.BATHS:
            for part in thermo.PARTS:
                d = float(cur.heat[i][part].xreplace(subs))
                assert d == pytest.approx(own["heat", i, part], abs=1e-10)
                if part != "total":
                    m = heat_current_matrix(model, i, part, rho, None, ce.CUTOFF)
                    assert d == pytest.approx(m, abs=1e-10), (i, part)
        for part in thermo.PARTS:
            d = float(cur.work[part].xreplace(subs))
            assert d == pytest.approx(own["work", None, part], abs=1e-10)
            if part != "total":
                m = work_current_matrix(model, None, part, rho, None, ce.CUTOFF)
                assert d == pytest.approx(m, abs=1e-10), part


def test_matrix_route_cutoff_is_converged():
    rng = np.random.default_rng(5)
    params = ce.random_parameters(rng)
    rho = random_density_matrix(16, rng)
    a = matrix_currents("cas1", params, rho, ce.CUTOFF)
    b = matrix_currents("cas1", params, rho, ce.CUTOFF + 4)
    for k in a:
        assert a[k] == pytest.approx(b[k], abs=1e-12)


# ---- Liouvillian and steady states ---------------------------------------------------------


def _collision_generator(variant: str, params: dict, rho: np.ndarray, cutoff: int = 8):
    """-i[H_S, rho] + sum_i D^(i)(rho), D from Eqs. (5), (6), (14) with matrices of V."""
    model = ce.make_model(variant)
    scheme = ce.SCHEMES[variant[:3]]
    hs = operator_matrix(model.system_hamiltonian, ce.SYSTEM_SITES, None, params)
    out = -1j * (hs @ rho - rho @ hs)
    for i in ce.BATHS:
        sites = (*ce.SYSTEM_SITES, ce.ANCILLA[i])
        v = {n: operator_matrix(ce.coupling(i, n), sites, cutoff, params) for n in ce.INDICES}
        rho_se = np.kron(rho, np.diag(thermal_populations(i, params, cutoff)))

        def dc(outer, inner, rho_se=rho_se):
            x = inner @ rho_se - rho_se @ inner
            return outer @ x - x @ outer

        acc = np.zeros_like(rho_se)
        for n in ce.INDICES:
            acc += -0.5 * dc(v[n], v[n])
            for m in ce.INDICES:
                if m != n and scheme == "simultaneous":
                    acc += -0.5 * dc(v[m], v[n])
                if m > n and scheme == "cascaded":
                    acc += -dc(v[m], v[n])
        out += np.trace(acc.reshape(16, cutoff, 16, cutoff), axis1=1, axis2=3)
    return out


@pytest.mark.parametrize("variant", ["com1", "cas1", "ind2"])
def test_liouvillian_against_the_collision_generator(variant):
    rng = np.random.default_rng(3)
    params = ce.random_parameters(rng)
    lv = derived_liouvillian(ce.MODELS[variant], params)
    for _ in range(2):
        rho = random_density_matrix(16, rng)
        direct = _collision_generator(variant, params, rho)
        via_l = (lv @ rho.reshape(-1, order="F")).reshape(16, 16, order="F")
        assert np.abs(via_l - direct).max() < 1e-10


@pytest.mark.parametrize("variant", ["com1", "cas2"])
def test_steady_state_against_numeric_steady(variant):
    from symthermo.numeric.steady import steady_state
    from symthermo.numeric.superop import lindblad_liouvillian

    params = ce_statements.fig_point(variant, 1.5)
    lf = thermo.lindblad_form(ce.make_model(variant))
    h = operator_matrix(lf.hamiltonian, ce.SYSTEM_SITES, None, params)
    jumps, blocks = [], []
    for ch in lf.channels:
        jumps += [operator_matrix(op, ce.SYSTEM_SITES, None, params) for op in ch.jump_operators]
        blocks.append(np.array(ch.rates.subs(params).evalf(), dtype=complex))
    n = len(jumps)
    rates = np.zeros((n, n), dtype=complex)
    k = 0
    for b in blocks:
        rates[k:k + len(b), k:k + len(b)] = b
        k += len(b)
    lv = lindblad_liouvillian(h, jumps, rates)
    assert np.abs(lv - derived_liouvillian(ce.MODELS[variant], params)).max() < 1e-12
    ref = steady_state(lv)
    ss = sector_steady_summary(ce.MODELS[variant], params)
    rho, kernel = ss.rho, ss.dimension
    assert kernel == 1 and ref.stationary_dimension == 1
    assert np.abs(ref.rho - rho).max() < 1e-10
    assert np.abs(lv @ rho.reshape(-1, order="F")).max() < 1e-12


def test_steady_currents_satisfy_the_balance_laws():
    for v in ("com1", "cas2", "ind1"):
        for r in (0.7, 1.4, 2.6):
            c = ce_statements.steady_currents(v, ce_statements.fig_point(v, r))
            assert c["W"] + c["Qh"] + c["Qc"] == pytest.approx(0, abs=1e-14)
            assert c["Qh"] / r + c["Qc"] == pytest.approx(0, abs=1e-14)


# ---- Table I ---------------------------------------------------------------------------------


def test_generated_table():
    table = ce_statements.generated_table()
    assert table == {
        "local heat": {"population"},
        "non-local heat": {"coherence_same_bath"},
        "local work": {"coherence_across_baths"},
        "non-local work": {"coherence_across_baths"},
    }
    md = ce_statements.table_markdown(table)
    assert md.count("\n") == 5


def test_quantities_are_named_and_distinct(derivation):
    names = [q.name for q in derivation.quantities]
    assert len(names) == len(set(names))
    assert "C_nonloc_cas2" in names and "Wdot_total_ind1" in names
