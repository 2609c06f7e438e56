"""symthermo.exact_states and symthermo.symmetric_subspace against independent numeric routes
(explicit Kronecker products, numpy eigen-decompositions, the numeric Liouvillians)."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from collective_models import PARAMS, b, collective, g, kron_string, q_atom, sites, w

from symthermo import exact_states as ex
from symthermo.algebra import Expectation, boson, operator_sum
from symthermo.closure import pauli_strings
from symthermo.model import bath, collision_model
from symthermo.numeric.measures import ergotropy, l1_coherence
from symthermo.numeric.model_dynamics import lindblad_liouvillian_of
from symthermo.numeric.model_matrices import random_density_matrix
from symthermo.numeric.sectors import sector_projection
from symthermo.numeric.superop import unvec, vec
from symthermo.states import ThermalOscillator
from symthermo.symmetric_subspace import (
    dicke_diagonal_matrix,
    restrict_to_symmetric,
    symmetric_invariance_defect,
    symmetric_state_measures,
    symmetric_stationary_populations,
)

# exact matrices ------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 3])
def test_pauli_matrices_are_the_kronecker_products(n):
    ss = sites(n)
    for mono in pauli_strings(ss):
        exact = np.array(ex.pauli_matrix(mono, ss).evalf(), dtype=complex)
        assert np.array_equal(exact, kron_string(mono, ss))


def test_density_matrix_and_pauli_coefficients_round_trip():
    ss = sites(2)
    rng = np.random.default_rng(1)
    rho = random_density_matrix(4, rng)
    values = {Expectation(m): sympy.Float(np.trace(rho @ kron_string(m, ss)).real, 30)
              for m in pauli_strings(ss)}
    back = np.array(ex.density_matrix(values, ss).evalf(), dtype=complex)
    assert np.abs(back - rho).max() < 1e-12
    # an exact operator: Tr(op rho) = o_0 + sum_P o_P <P>
    op = sympy.Matrix(4, 4, lambda i, j: sympy.Rational(i + 2 * j, 3) + sympy.I * (i - j))
    op = op + op.H
    o0, coeffs = ex.pauli_coefficients(op, ss)
    expected = np.trace(np.array(op.evalf(), dtype=complex) @ rho).real
    assert float(o0 + sum(v * values[e] for e, v in coeffs.items())) == pytest.approx(expected)
    # and the engine operator of the matrix has the same matrix
    from symthermo.numeric.matrices import operator_matrix

    assert np.abs(operator_matrix(ex.operator_of_matrix(op, ss), ss)
                  - np.array(op.evalf(), dtype=complex)).max() < 1e-12


def test_ket_and_projector_follow_the_bit_order():
    v = ex.ket({"01": 1})
    assert v[1] == 1 and sum(v) == 1  # S1 in |0>, S2 in |1>: index 0b01
    with pytest.raises(ValueError):
        ex.ket({"0": 1, "01": 1})
    p = ex.projector(ex.ket({"01": 1 / sympy.sqrt(2), "10": 1 / sympy.sqrt(2)}))
    assert p.trace() == 1 and p[1, 2] == sympy.Rational(1, 2)


def test_l1_coherence_and_eigenvalues_against_numbers():
    x = sympy.Symbol("x", positive=True)
    c = sympy.Symbol("c", real=True)
    z = 1 + sympy.exp(x) + sympy.exp(2 * x)
    rho = sympy.Matrix([[c / z, 0, 0, 0],
                        [0, (1 - c) / 2 + c * sympy.exp(x) / (2 * z), -(1 - c) / 2 + c *
                         sympy.exp(x) / (2 * z), 0],
                        [0, -(1 - c) / 2 + c * sympy.exp(x) / (2 * z), (1 - c) / 2 + c *
                         sympy.exp(x) / (2 * z), 0],
                        [0, 0, 0, c * sympy.exp(2 * x) / z]])
    lam = ex.exact_eigenvalues(rho, {sympy.exp(x): q_atom})
    l1 = ex.l1_coherence(rho)
    for point in ({x: 0.3, c: 0.2}, {x: 2.0, c: 0.9}):
        num = np.array(rho.xreplace(point).evalf(), dtype=complex)
        assert sorted(float(v.xreplace(point)) for v in lam) == pytest.approx(
            sorted(np.linalg.eigvalsh(num)), abs=1e-12)
        assert float(l1.xreplace(point)) == pytest.approx(l1_coherence(num), abs=1e-12)


def test_ergotropy_formula_against_the_sorted_spectrum():
    x = sympy.Symbol("x", positive=True)
    p = sympy.Symbol("p", positive=True)
    # a qubit with coherence: rho = [[1 - p, s], [s, p]], H = diag(0, 1)
    s = sympy.Rational(1, 5)
    rho = sympy.Matrix([[1 - p, s], [s, p]])
    samples = [{p: sympy.Rational(k, 10)} for k in (6, 7, 8)]  # inverted: p > 1/2
    wf = ex.ergotropy_formula(rho, [0, 1], samples)
    assert wf.samples == 3 and wf.orderings == 1
    for pv in (0.62, 0.75, 0.9):
        num = np.array(rho.xreplace({p: pv}).evalf(), dtype=complex)
        assert float(wf.formula.xreplace({p: pv})) == pytest.approx(
            ergotropy(num, np.diag([0.0, 1.0])), abs=1e-12)
    # a region across the crossing of the eigenvalue ordering has no single formula
    lam = [1 - p, p]
    with pytest.raises(ValueError, match="level crossing"):
        ex.ergotropy_formula_of_spectrum(p, lam, [x * 0, 1],
                                         [{p: sympy.Rational(1, 5)}, {p: sympy.Rational(4, 5)}])


def test_lindblad_action_is_the_numeric_lindblad_liouvillian():
    model = collective(2)
    ss = model.system_sites
    rng = np.random.default_rng(4)
    rho = random_density_matrix(4, rng)
    exact = sympy.Matrix(4, 4, lambda i, j: sympy.Rational(round(rho[i, j].real * 1000), 1000)
                         + sympy.I * sympy.Rational(round(rho[i, j].imag * 1000), 1000))
    exact = (exact + exact.H) / 2
    out = ex.lindblad_action(model, ex.operator_of_matrix(exact, ss))
    from symthermo.numeric.matrices import operator_matrix

    lv = lindblad_liouvillian_of(model, PARAMS)
    num = np.array(exact.evalf(), dtype=complex)
    assert np.abs(operator_matrix(out, ss, None, PARAMS) - unvec(lv @ vec(num), 4)).max() < 1e-12


# symmetric subspace ----------------------------------------------------------------------------


def test_restriction_is_v_dagger_op_v():
    ss = sites(3)
    op = operator_sum([ss[0].plus * ss[1].minus, ss[2].z * 2, ss[0].x * ss[1].x * ss[2].z])
    from symthermo.numeric.matrices import operator_matrix

    m = operator_matrix(op, ss)
    v = np.zeros((8, 4))
    for i in range(8):
        v[i, bin(i).count("1")] = 1.0
    v = v / np.linalg.norm(v, axis=0)
    expected = v.T @ m @ v
    assert np.abs(np.array(restrict_to_symmetric(op, ss).evalf(), dtype=complex)
                  - expected).max() < 1e-12


def test_invariance_defect_separates_collective_from_independent():
    assert symmetric_invariance_defect(collective(3), PARAMS) < 1e-12
    assert symmetric_invariance_defect(collective(2, "independent"), PARAMS) > 1e-3


@pytest.mark.parametrize("n", [2, 3, 4])
def test_stationary_populations_are_the_numeric_projection_of_the_ground_state(n):
    model = collective(n)
    pops = symmetric_stationary_populations(model, {sympy.exp(b * w): q_atom})
    assert len(pops) == n + 1
    rho0 = np.zeros((2**n, 2**n), dtype=complex)
    rho0[0, 0] = 1
    rho, _ = sector_projection(model, PARAMS, rho0)
    expected = dicke_diagonal_matrix([float(p.xreplace(PARAMS)) for p in pops])
    assert np.abs(rho - expected).max() < 1e-10
    l1, lam, levels, energy = symmetric_state_measures(pops, w)
    at = {**PARAMS}
    assert float(l1.xreplace(at)) == pytest.approx(l1_coherence(rho), abs=1e-10)
    assert sorted(float(sympy.sympify(x).xreplace(at)) for x in lam) == pytest.approx(
        sorted(np.linalg.eigvalsh(rho)), abs=1e-10)
    h0 = np.diag([float(sympy.sympify(e).xreplace(at)) for e in levels])
    assert float(energy.xreplace(at)) == pytest.approx(np.trace(rho @ h0).real, abs=1e-10)


def test_stationary_populations_refuse_a_non_diagonal_hamiltonian():
    qs = sites(2)
    r = boson("R")
    bt = bath("R", ThermalOscillator(r, omega=w, beta=b), w * r.n,
              {s.name: g * (s.plus * r.a + s.minus * r.adag) for s in qs}, beta=b)
    model = collision_model(qs, operator_sum([w * qs[0].x]), bt, None, name="test-x-field")
    with pytest.raises(ValueError, match="not diagonal"):
        symmetric_stationary_populations(model)


# stationary families labelled by a conserved functional -----------------------------------------


def test_expectation_form_is_the_trace_against_the_state():
    ss = sites(2)
    op = ex.projector(ex.ket({"00": 1})) + 2 * ex.projector(ex.ket({"01": 1, "10": 1}))
    form = ex.expectation_form(op, ss)
    rho = random_density_matrix(4, np.random.default_rng(8))
    values = {e: float(np.trace(rho @ kron_string(e.monomial, ss)).real)
              for e in form.free_symbols if isinstance(e, Expectation)}
    expected = np.trace(np.array(op.evalf(), dtype=complex) @ rho).real
    assert float(form.xreplace(values)) == pytest.approx(expected, abs=1e-12)


def test_labelled_family_is_the_numeric_projection():
    from symthermo.closure import symbolic_steady_state
    from symthermo.numeric.steady import steady_state

    model = collective(2)
    ss = model.system_sites
    family = symbolic_steady_state(model)
    triplet = (ex.projector(ex.ket({"00": 1})) + ex.projector(ex.ket({"11": 1}))
               + ex.projector(ex.ket({"01": 1 / sympy.sqrt(2), "10": 1 / sympy.sqrt(2)})))
    label = sympy.Symbol("label", real=True)
    member = ex.family_labelled_by(family, ex.expectation_form(triplet, ss), label)
    rho0 = random_density_matrix(4, np.random.default_rng(9))
    value = np.trace(np.array(triplet.evalf(), dtype=complex) @ rho0).real
    rho = steady_state(lindblad_liouvillian_of(model, PARAMS), initial_state=rho0).rho
    for e, v in member.values.items():
        expected = np.trace(rho @ kron_string(e.monomial, ss)).real
        assert float(v.xreplace({**PARAMS, label: value})) == pytest.approx(expected, abs=1e-10)
    # a label that the dynamics does not conserve cannot label the members
    with pytest.raises(ValueError, match="not a function of the conserved"):
        ex.family_labelled_by(family, Expectation(((ss[0].name, 3),)), label)


def test_ergotropy_limit_on_pieces_against_numbers():
    """A qubit mixing its thermal state with |1> (weight c): W -> omega (2c - 1) as beta -> oo
    for c > 1/2 (numbers at beta omega = 40), and 0 for c < 1/2; pieces that disagree refuse."""
    c, x = sympy.Symbol("c", positive=True), sympy.Symbol("x", positive=True)
    q = sympy.exp(x)
    rho = sympy.diag((1 - c) * q / (1 + q), c + (1 - c) / (1 + q))

    def grid(cs):
        return [{c: sympy.nsimplify(cv), x: xv} for cv in cs for xv in (12, 16)]

    limit, note = ex.ergotropy_limit_on_pieces(
        rho, [0, 1], c, [("interval", (sympy.Rational(3, 5), sympy.Rational(4, 5)))], grid, x,
        sympy.oo, {q: q_atom})
    assert sympy.simplify(limit - (2 * c - 1)) == 0 and note.startswith("interval")
    for cv in (0.6, 0.8):
        num = np.array(rho.xreplace({c: cv, x: 40}).evalf(), dtype=float)
        assert ergotropy(num, np.diag([0.0, 1.0])) == pytest.approx(2 * cv - 1, abs=1e-12)
    # at c = 1/2 the inverted ordering holds (W = omega/(1 + e^x)); its limit is 0 as below 1/2
    low, note = ex.ergotropy_limit_on_pieces(
        rho, [0, 1], c, [("interval", (0, sympy.Rational(1, 4))), ("point", sympy.Rational(1, 2))],
        grid, x, sympy.oo, {q: q_atom})
    assert low == 0 and note.endswith("point 1/2: W -> 0")
    with pytest.raises(ValueError, match="different limits"):
        ex.ergotropy_limit_on_pieces(rho, [0, 1], c, [("interval", (sympy.Rational(1, 4),)),
                                                      ("point", 1)], grid, x, sympy.oo)
    with pytest.raises(ValueError, match="piece kind"):
        ex.ergotropy_limit_on_pieces(rho, [0, 1], c, [("range", (0,))], grid, x, sympy.oo)


def test_labelled_steady_state_matrices_are_the_numeric_projections():
    """rho_ss(label) at the label of a random rho_0, and the member reached from |01>, against
    the numeric Lindblad Liouvillian's stationary projections (numpy, no closure)."""
    from symthermo.numeric.steady import steady_state

    model = collective(2)
    triplet = (ex.projector(ex.ket({"00": 1})) + ex.projector(ex.ket({"11": 1}))
               + ex.projector(ex.ket({"01": 1 / sympy.sqrt(2), "10": 1 / sympy.sqrt(2)})))
    label = sympy.Symbol("label", real=True)
    state = ex.labelled_steady_state(model, triplet, label)
    assert state.family.dimension == 2 and state.rho.shape == (4, 4)
    lv = lindblad_liouvillian_of(model, PARAMS)
    rho0 = random_density_matrix(4, np.random.default_rng(10))
    value = np.trace(np.array(triplet.evalf(), dtype=complex) @ rho0).real
    numeric = steady_state(lv, initial_state=rho0).rho
    exact = np.array(state.rho.xreplace({**PARAMS, label: value}).evalf(), dtype=complex)
    assert np.abs(exact - numeric).max() < 1e-10
    start = ex.projector(ex.ket({"01": 1}))
    numeric = steady_state(lv, initial_state=np.array(start, dtype=complex)).rho
    reached = np.array(state.reached_from(start).xreplace(PARAMS).evalf(), dtype=complex)
    assert np.abs(reached - numeric).max() < 1e-10
    with pytest.raises(ValueError, match="not a function of the conserved"):
        ex.labelled_steady_state(model, ex.projector(ex.ket({"00": 1})), label)
