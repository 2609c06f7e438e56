"""Symbolic N (issue 12): indexed families, sums by coincidence patterns, family models.

Every general-N form is unrolled at concrete sizes and compared, exactly, with what the
instance engine derives for the same model built by hand (derivations/general_n/*); at N = 3
(M = 3) also with the numpy matrix route at random states.
"""

from __future__ import annotations

import itertools
import random
import shutil
import subprocess

import numpy as np
import pytest
import sympy

from derivations.general_n import collective_ergotropy as ceg
from derivations.general_n import common_reservoirs as cr
from derivations.general_n import coupled_ensembles as ce
from symthermo import indexed_thermo as it
from symthermo import thermo
from symthermo.algebra import Expectation, commutator, expectation, operator_sum
from symthermo.algebra.coefficients import to_scalar
from symthermo.algebra.indexed import (
    IndexedOperator,
    collapse,
    exchangeable,
    family,
    index,
    indexed_commutator,
    indexed_expectation,
    isum,
    qubit_family,
    size_symbol,
    unroll,
    unroll_operator,
)
from symthermo.emit import EmitError, Quantity, latex, latex_document, load_kernels
from symthermo.errors import IndexedError, ModelError
from symthermo.numeric.matrices import evaluate
from symthermo.numeric.model_matrices import (
    converged_cutoff,
    heat_current_matrix,
    random_density_matrix,
    work_current_matrix,
)

N = ce.N
H, C = ce.FAMILY["h"], ce.FAMILY["c"]
n, n2 = ce.n, ce.n2
PARTS = thermo.PARTS


def assert_equal(a: sympy.Expr, b: sympy.Expr) -> None:
    """a == b exactly (canonical scalars first: fast; then per expectation value)."""
    if to_scalar(a) == to_scalar(b):
        return
    assert_zero(a - b)


def assert_zero(expr: sympy.Expr) -> None:
    """expr is exactly 0: in the algebra's canonical scalars, or (when sympy has rewritten
    a denominator) per expectation value the coefficient cancels to 0."""
    if not to_scalar(expr):
        return
    expr = sympy.expand(expr)
    syms = sorted((s for s in expr.free_symbols if isinstance(s, Expectation)), key=str)
    if not syms:
        assert sympy.cancel(expr) == 0
        return
    poly = sympy.Poly(expr, *syms)
    for coeff in poly.coeffs():
        assert sympy.cancel(sympy.together(coeff)) == 0, coeff


# ------------------------------------------------------------------------------------------
# the algebra


def test_sum_commutators_vanish_and_free_indices_stay_open() -> None:
    hop = isum(H[n].plus * H[n2].minus, (n, n2), "distinct")
    number = isum(H[n].z, n)
    assert indexed_commutator(number, hop).is_zero_exactly()
    m = index("m", N)
    assert indexed_commutator(number, H[m].plus) == 2 * H[m].plus
    # h[n] h[m]: n = m is kept as a delta term, not assumed away
    prod = H[n].plus * H[m].minus
    assert len(prod.terms) == 2
    a = unroll_operator(isum(prod, (n, m)), {N: 2})
    hs = H.members(2)
    assert a == operator_sum(s.plus for s in hs) * operator_sum(s.minus for s in hs)


def test_distinct_sum_is_the_two_ordered_sums() -> None:
    om = sympy.IndexedBase("Om", real=True)
    x = om[n, n2] * H[n].plus * H[n2].minus * H[n].z
    lhs = isum(x, (n, n2), "distinct")
    swapped = om[n2, n] * H[n2].plus * H[n].minus * H[n2].z
    rhs = isum(x, (n, n2), "ordered") + isum(swapped, (n, n2), "ordered")
    assert (lhs - rhs).is_zero_exactly()
    assert not (lhs - isum(x, (n, n2), "ordered")).is_zero_exactly()


def _random_closed(rng: random.Random, g: sympy.IndexedBase) -> IndexedOperator:
    """A random closed sum over one or two indices of products of local operators on h and c."""
    ops = ["plus", "minus", "z", "x"]
    out = IndexedOperator()
    for _ in range(2):
        kind = rng.choice(["one", "distinct", "ordered", "all"])
        fa, fb = rng.choice([(H, H), (H, C), (C, H)])
        a = getattr(fa[n], rng.choice(ops))
        if kind == "one":
            out = out + isum(g[n] * a * getattr(fb[n], rng.choice(ops)), n)
        else:
            b = getattr(fb[n2], rng.choice(ops))
            out = out + isum(g[n, n2] * a * b, (n, n2), kind)  # type: ignore[arg-type]
    return out


@pytest.mark.parametrize("seed", range(8))
def test_random_double_commutators_unroll_to_the_concrete_ones(seed: int) -> None:
    rng = random.Random(seed)
    g = sympy.IndexedBase(f"q{seed}", real=True)
    a, b, x = (_random_closed(rng, g) for _ in range(3))
    general = indexed_commutator(a, indexed_commutator(b, x))
    e = indexed_expectation(general)
    for size in (2, 3, 4):
        ua, ub, ux = (unroll_operator(o, {N: size}) for o in (a, b, x))
        concrete = commutator(ua, commutator(ub, ux))
        assert unroll_operator(general, {N: size}) == concrete
        assert_equal(unroll(e, {N: size}), expectation(concrete))


# ------------------------------------------------------------------------------------------
# the papers' family models against the instance engine


CE_VARIANTS = (*ce.VARIANTS, "comintra", "casintra")


def _compare_currents(general, instance, unroll_values, bath_sum=None) -> None:
    """Every current of the family model unrolled = the instance engine's."""
    for b in general.baths:
        inst_baths = [ib.name for ib in instance.baths] if bath_sum else [b.name]
        for part in PARTS:
            derived = unroll(it.heat_current(general, b.name, part), unroll_values)
            expected = sum(thermo.heat_current(instance, ib, part) for ib in inst_baths)
            assert_equal(derived, expected)
            derived = unroll(it.work_current(general, b.name, part), unroll_values)
            expected = sum(thermo.work_current(instance, ib, part) for ib in inst_baths)
            assert_equal(derived, expected)
    for part in PARTS:
        derived = unroll(it.work_current(general, None, part), unroll_values)
        assert_equal(derived, thermo.work_current(instance, None, part))


@pytest.mark.parametrize("variant", CE_VARIANTS)
@pytest.mark.parametrize("size", (2, 3, 4))
def test_coupled_ensembles_currents(variant: str, size: int) -> None:
    _compare_currents(ce.family_model(variant), ce.instance_model(variant, size), {N: size})


@pytest.mark.parametrize("variant", CE_VARIANTS)
def test_coupled_ensembles_first_law_and_energy_rate(variant: str) -> None:
    model = ce.family_model(variant)
    assert it.first_law_residual(model) == 0
    rate = it.energy_rate(model)
    for size in (2, 3):
        assert_equal(unroll(rate, {N: size}), thermo.energy_rate(ce.instance_model(variant, size)))


def _observables(fam_a, fam_b):
    m = index("m", N)
    return [
        ("z_n", fam_a[n].z, (n,)),
        ("cross_n", fam_a[n].plus * fam_b[n].minus, (n,)),
        ("pair_nm", fam_a[n].plus * fam_a[m].minus * fam_b[n].z, (n, m)),
        ("hop_sum", isum(fam_a[n].plus * fam_a[n2].minus, (n, n2), "distinct"), ()),
    ]


def _concrete_observable(op: IndexedOperator, free: tuple, values: tuple, size: int):
    return unroll_operator(op, {N: size, **dict(zip(free, values, strict=True))})


@pytest.mark.parametrize("variant", CE_VARIANTS)
@pytest.mark.parametrize("size", (2, 3, 4))
def test_coupled_ensembles_heisenberg_and_dissipators(variant: str, size: int) -> None:
    model, inst = ce.family_model(variant), ce.instance_model(variant, size)
    lind = thermo.lindblad_form(inst)
    for _, obs, free in _observables(H, C):
        for part in PARTS:
            general = it.heisenberg_equation(model, obs, part, distinct=True)
            for values in itertools.permutations(range(1, size + 1), len(free)):
                concrete = _concrete_observable(obs, free, values, size)
                expected = expectation(lind.adjoint(concrete, part))
                got = unroll(general, {N: size, **dict(zip(free, values, strict=True))})
                assert_equal(got, expected)


@pytest.mark.parametrize("variant", CE_VARIANTS)
def test_lindblad_and_collision_routes_agree(variant: str) -> None:
    """L^dag(A) from the rates and jump families = -sum w Tr_R [V_o, [V_i, A]] + i[H_S, A]
    (for cascaded baths only the totals: H_cas moves part of the ordered cross terms)."""
    model = ce.family_model(variant)
    parts = ("total",) if variant.startswith("cas") else PARTS
    for _, obs, _ in _observables(H, C):
        for part in parts:
            a = it.lindblad_form(model).adjoint(obs, part)
            b = it.collision_adjoint(model, obs, part)
            assert (a - b).is_zero_exactly()


def test_lindblad_form_rates_and_cascaded_hamiltonian() -> None:
    lf = it.lindblad_form(ce.family_model("cas2"))
    ch = lf.channels[0]
    # jump families g_h[n] sigma^-_{h,n} (with a^dag) and g_h[n] sigma^+_{h,n} (with a)
    assert len(ch.jumps) == 2
    nbar = 1 / (sympy.exp(ce.omega["h"] / ce.T["h"]) - 1)
    rates = sorted((sympy.simplify(r - nbar) for r in ch.rates if r != 0), key=str)
    assert rates == [0, 1]
    assert not ch.hamiltonian.is_zero()  # H_cas = (i/2) sum_{n<n'} Tr_R[V_n, V_n']
    inst = thermo.lindblad_form(ce.instance_model("cas2", 3))
    assert unroll_operator(ch.hamiltonian, {N: 3}) == inst.channels[0].hamiltonian


@pytest.mark.parametrize("variant", cr.VARIANTS)
@pytest.mark.parametrize("m", (1, 2, 3))
def test_common_reservoirs_currents_and_heisenberg(variant: str, m: int) -> None:
    model, inst = cr.family_model(variant), cr.instance_model(variant, m)
    _compare_currents(model, inst, {cr.M: m}, bath_sum=(variant == "reservoirs"))
    assert it.first_law_residual(model) == 0
    for obs in (cr.S1.z, cr.S1.x * cr.S2.x, cr.S1.y * cr.S2.z):
        for part in PARTS:
            got = unroll(it.heisenberg_equation(model, obs, part), {cr.M: m})
            expected = expectation(thermo.lindblad_form(inst).adjoint(obs, part))
            assert_equal(got, expected)


def test_common_reservoirs_cluster_scales_with_m() -> None:
    """The cluster's heat currents scale with M: the non-local one overall, and the local
    one on both terms -- also on -2 J^x_i J^y_i omega_R <sigma^z_Si>, where Eq. (30) of the
    paper has no M (each of the M reservoir qubits contributes it; the instance engine at
    M = 1, 2, 3 and the matrix route agree with this general form)."""
    model = cr.family_model("cluster")
    q_loc = it.heat_current(model, "R", "local")
    q_non = it.heat_current(model, "R", "nonlocal")
    assert sympy.expand(q_non / cr.M).free_symbols.isdisjoint({cr.M})
    assert sympy.Poly(sympy.expand(q_loc), cr.M).degree() == 1
    xi = sympy.tanh(cr.omega_R / (2 * cr.T_R))
    s1z, s2z = Expectation((("S1", 3),)), Expectation((("S2", 3),))
    expected = sum(
        cr.M * cr.omega_R * (-2 * cr.JX[i] * cr.JY[i] * s - (cr.JX[i] ** 2 + cr.JY[i] ** 2) * xi)
        for i, s in ((1, s1z), (2, s2z))
    )
    assert_zero(q_loc - expected)


@pytest.mark.parametrize("variant", tuple(ceg.SCHEMES))
@pytest.mark.parametrize("size", (2, 3, 4))
def test_collective_ergotropy(variant: str, size: int) -> None:
    model, inst = ceg.family_model(variant), ceg.instance_model(variant, size)
    _compare_currents(model, inst, {ceg.N: size})
    assert it.first_law_residual(model) == 0
    s = ceg.S
    m = index("m", ceg.N)
    lind = thermo.lindblad_form(inst)
    for obs, free in ((s[ceg.n].z, (ceg.n,)), (s[ceg.n].plus, (ceg.n,)),
                      (s[ceg.n].plus * s[m].minus, (ceg.n, m))):
        general = it.heisenberg_equation(model, obs, distinct=True)
        for values in itertools.permutations(range(1, size + 1), len(free)):
            env = dict(zip(free, values, strict=True))
            expected = expectation(lind.adjoint(unroll_operator(obs, {ceg.N: size, **env})))
            assert_equal(unroll(general, {ceg.N: size, **env}), expected)


# ------------------------------------------------------------------------------------------
# the matrix route at N = 3 (M = 3), random states


@pytest.mark.parametrize("variant", ("com1", "cas2", "casintra"))
def test_coupled_ensembles_matrix_route_n3(variant: str) -> None:
    rng = np.random.default_rng(12)
    model, inst = ce.family_model(variant), ce.instance_model(variant, 3)
    forms = {("heat", b, p): unroll(it.heat_current(model, b, p), {N: 3})
             for b in ce.BATHS for p in PARTS}
    forms.update({("work", None, p): unroll(it.work_current(model, None, p), {N: 3})
                  for p in PARTS})
    params = {}
    for e in forms.values():
        for a in e.atoms(sympy.Indexed):
            params[a] = float(rng.uniform(0.3, 1.0))
    for i in ce.BATHS:  # omega_i/T_i in [7, 9]: a short oscillator cutoff converges to 1e-14
        params[ce.omega[i]] = float(rng.uniform(0.5, 2.0))
        params[ce.T[i]] = params[ce.omega[i]] / float(rng.uniform(7.0, 9.0))
    cutoff = converged_cutoff(inst, params)
    rho = random_density_matrix(2 ** 6, rng)
    for (kind, b, p), form in forms.items():
        value = evaluate(form, rho, inst.system_sites, params).real
        if kind == "heat":
            ref = heat_current_matrix(inst, b, p, rho, params, cutoff)
        else:
            ref = work_current_matrix(inst, b, p, rho, params, cutoff)
        assert abs(value - ref) < 1e-10 * max(1.0, abs(ref)), (kind, b, p)


@pytest.mark.parametrize("variant", cr.VARIANTS)
def test_common_reservoirs_matrix_route_m3(variant: str) -> None:
    rng = np.random.default_rng(3)
    model, inst = cr.family_model(variant), cr.instance_model(variant, 3)
    params = {s: float(rng.uniform(0.3, 1.5)) for s in
              (*cr.omega_S.values(), cr.omega_R, cr.T_R, cr.Jx_s, cr.Jy_s, *cr.JX.values(),
               *cr.JY.values())}
    for k in (1, 2, 3):
        for i in (1, 2):
            params[cr.JXK[i][k]] = float(rng.uniform(0.3, 1.5))
            params[cr.JYK[i][k]] = float(rng.uniform(0.3, 1.5))
        params[cr.OMEGA_RK[k]] = float(rng.uniform(0.5, 2.0))
        params[cr.T_K[k]] = float(rng.uniform(0.5, 2.0))
    rho = random_density_matrix(4, rng)
    for p in PARTS:
        q = evaluate(unroll(it.heat_current(model, "R", p), {cr.M: 3}), rho, inst.system_sites,
                     params).real
        q_ref = sum(heat_current_matrix(inst, b.name, p, rho, params) for b in inst.baths)
        assert abs(q - q_ref) < 1e-10 * max(1.0, abs(q_ref))
        w = evaluate(unroll(it.work_current(model, None, p), {cr.M: 3}), rho,
                     inst.system_sites, params).real
        assert abs(w - work_current_matrix(inst, None, p, rho, params)) < 1e-10 * max(1, abs(w))


# ------------------------------------------------------------------------------------------
# collapse, structure, printing


@pytest.mark.parametrize("variant", ("com1", "cas2", "comintra", "casintra"))
def test_collapse_equals_the_unrolled_sum_of_exchangeable_members(variant: str) -> None:
    model = ce.family_model(variant).subs(ce.uniform(variant))
    for expr in (it.heat_current(model, "h", "nonlocal"), it.work_current(model, None, "total"),
                 it.work_current(model, None, "nonlocal")):
        assert not expr.atoms(sympy.Indexed)
        collapsed = collapse(expr)
        for size in range(2, 7):
            assert_zero(collapsed.subs(N, size) - exchangeable(unroll(expr, {N: size})))


def test_collapse_counts_pairs() -> None:
    x = indexed_expectation(isum(H[n].plus * H[n2].minus, (n, n2), "distinct"))
    rep = collapse(x)
    # <s+_n s-_n'> = (<x x> + <y y> + i<x y> - i<y x>)/4; the imaginary parts cancel in the
    # sum over n != n' (relabelling n <-> n')
    xx, yy = Expectation((("h1", 1), ("h2", 1))), Expectation((("h1", 2), ("h2", 2)))
    assert sympy.expand(rep - N * (N - 1) * (xx + yy) / 4) == 0
    ordered = indexed_expectation(isum(H[n].z * H[n2].z, (n, n2), "ordered"))
    assert sympy.expand(collapse(ordered) - N * (N - 1) / 2 *
                        Expectation((("h1", 3), ("h2", 3)))) == 0


def test_decompose_classifies_indexed_expectations() -> None:
    model = ce.family_model("com1")
    kinds = {t.kind for t in it.decompose(model, it.heat_current(model, "h", "nonlocal"))}
    assert kinds == {"coherence_same_bath"}
    kinds = {t.kind for t in it.decompose(model, it.work_current(model, None, "local"))}
    assert kinds == {"coherence_across_baths"}
    kinds = {t.kind for t in it.decompose(model, it.heat_current(model, "h", "local"))}
    assert kinds <= {"population", "constant"}


def test_latex_prints_sums_as_the_papers() -> None:
    com, cas = ce.family_model("com2"), ce.family_model("cas2")
    text = latex(it.heat_current(com, "h", "nonlocal"))
    assert r"\sum_{n \neq n'=1}^{N}" in text
    assert r"g_{h,n}" in text and r"\hat{\sigma}^{x}_{h,n'}" in text
    assert r"\sum_{n'>n=1}^{N}" in latex(it.heat_current(cas, "h", "nonlocal"))
    gamma = sympy.IndexedBase("gamma^-_h", real=True)
    assert latex(gamma[n, n2]) == r"\gamma^{-}_{h,nn'}"


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex not installed")
def test_general_forms_compile(tmp_path) -> None:
    model = ce.family_model("cas1")
    qs = [Quantity("Q_h_nonloc", it.heat_current(model, "h", "nonlocal")),
          Quantity("W_loc", it.work_current(model, None, "local")),
          Quantity("W_nonloc", it.work_current(model, None, "nonlocal"))]
    (tmp_path / "doc.tex").write_text(latex_document(qs, title="general N"))
    run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-2000:]


# ------------------------------------------------------------------------------------------
# bad input


def test_bad_input_is_refused_clearly() -> None:
    m_size = size_symbol("Mx")
    k = index("k", m_size)
    with pytest.raises(IndexedError, match=r"ranges over 1\.\.Mx"):
        H[k]
    with pytest.raises(IndexedError, match="symbolic index"):
        H[1]
    with pytest.raises(IndexedError, match="no family named 'zz'"):
        family("zz")
    with pytest.raises(IndexedError, match="positive integer sympy Symbol"):
        qubit_family("q", 3)  # type: ignore[arg-type]
    with pytest.raises(IndexedError, match="constraint"):
        isum(H[n].z, n, "sorted")  # type: ignore[arg-type]
    q = it.heat_current(ce.family_model("com2"), "h", "nonlocal")
    with pytest.raises(EmitError, match="concrete size"):
        load_kernels([Quantity("q", q)], None)
    with pytest.raises(IndexedError, match="needs a value for the size N"):
        unroll(q, {})
    with pytest.raises(IndexedError, match="uniform couplings"):
        collapse(q)
    with pytest.raises(ModelError, match="exactly one"):
        it.family_bath("h", ce._state("h"), 0 * H[n].z,
                       {"h": ce.g["h"][n] * H[n].plus * H[n2].minus * ce.ANCILLA["h"].a})
    with pytest.raises(ModelError, match="not Hermitian"):
        it.family_collision_model([H], isum(H[n].plus, n), [])
    with pytest.raises(IndexedError, match="free indices"):
        it.family_collision_model([H], H[n].z, [])


def test_unrolled_forms_make_kernels() -> None:
    q = unroll(it.heat_current(ce.family_model("com2"), "h", "nonlocal"), {N: 2})
    k = load_kernels([Quantity("q", q)], None)
    args = {p: 0.7 for p in k.PARAMETERS}
    args.update({e: 0.2 for e in k.EXPECTATIONS})
    value = k.q(**args)
    params = {s: 0.7 for s in q.atoms(sympy.Indexed)} | {s: 0.7 for s in q.free_symbols
                                                          if not isinstance(s, Expectation)}
    ref = sympy.sympify(q).xreplace(params).xreplace(
        {e: 0.2 for e in q.free_symbols if isinstance(e, Expectation)})
    assert abs(complex(value) - complex(ref)) < 1e-12


# ------------------------------------------------------------------------------------------
# the general-N rows of the reports (issue 12, item 7)


def test_general_n_verdicts() -> None:
    from derivations.framework import Check, compare
    from derivations.general_n import collective_ergotropy as ceg_rows
    from derivations.general_n import common_reservoirs as cr_rows
    from derivations.general_n import coupled_ensembles as ce_rows
    from derivations.general_n.coupled_definitions import definition_checks

    # 21 rows of the TLS forms and 27 of the general definitions (their verdicts and routes:
    # tests/test_general_definitions.py)
    rows = ce_rows.general_checks()
    definitions = {c.label for c in definition_checks()}
    assert len(rows) == len({c.label for c in rows}) == 21 + 27 and len(definitions) == 27
    status = {c.label: compare(c).status for c in rows if c.label not in definitions}
    assert set(status.values()) == {"holds"} and len(status) == 21
    # the 1/2 of Eq. (26) is right for ordered pairs n != n'; Eq. (43) has none
    com, cas = ce.family_model("com1"), ce.family_model("cas1")
    wrong26 = Check("x", "y", ce_rows.canonical(2 * ce_rows.printed_heat("26", "h")),
                    ce_rows.canonical(it.heat_current(com, "h", "nonlocal")))
    wrong43 = Check("x", "y", ce_rows.canonical(ce_rows.printed_heat("43", "h") / 2),
                    ce_rows.canonical(it.heat_current(cas, "h", "nonlocal")))
    assert compare(wrong26).status == compare(wrong43).status == "differs"
    # common reservoirs: Eqs. (30), (32), (33) miss factors M, Eq. (31) holds
    rows = {c.label: c for c in map(compare, cr_rows.general_checks())}
    assert rows["Eq. (31), general M"].status == "holds"
    assert all(rows[f"Eq. ({eq}), general M"].status == "holds" for eq in ("21", "22", "23", "24"))
    for eq in ("30", "32", "33"):
        c = rows[f"Eq. ({eq}), general M"]
        assert c.status == "differs"
        assert sympy.expand(c.difference.subs(cr.M, 1)) == 0  # right at M = 1 only
    assert {c.status for c in map(compare, ceg_rows.general_checks())} == {"holds"}
