"""symthermo.numeric.matrices against matrices written out here.

Conventions checked (DESIGN.md section 2): index 0 = |0> (ground), sigma_z = diag(-1, 1),
sigma_x = [[0, 1], [1, 0]], sigma_y = [[0, i], [-i, 0]], sigma_+ = |1><0|, truncated a with
a|k> = sqrt(k)|k-1>; tensor order = order of the site list, first site leftmost.
"""

from __future__ import annotations

from functools import reduce

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from symthermo.algebra import (
    Expectation,
    Operator,
    annihilation,
    boson,
    creation,
    identity,
    monomial_operator,
    number,
    qubit,
    qubits,
    sigma_minus,
    sigma_plus,
    sigma_x,
    sigma_y,
    sigma_z,
)
from symthermo.errors import SiteError, SymthermoError
from symthermo.numeric.matrices import (
    dimensions,
    evaluate,
    expectation_value,
    local_matrix,
    monomial_matrix,
    operator_matrix,
)

I2 = np.eye(2, dtype=complex)
SX = np.array([[0, 1], [1, 0]], dtype=complex)
SY = np.array([[0, 1j], [-1j, 0]], dtype=complex)
SZ = np.diag([-1, 1]).astype(complex)
SP = np.array([[0, 0], [1, 0]], dtype=complex)
SM = np.array([[0, 1], [0, 0]], dtype=complex)
CUT = 6
A6 = np.diag(np.sqrt(np.arange(1, CUT)), 1).astype(complex)

S1, S2, S3 = qubits("S1", "S2", "S3")
B = boson("b")
J, g = sp.symbols("J g", real=True)


def kron_all(mats) -> np.ndarray:
    return reduce(np.kron, mats, np.ones((1, 1), dtype=complex))


def test_single_site_matrices_follow_the_conventions() -> None:
    table = ((sigma_x, SX), (sigma_y, SY), (sigma_z, SZ), (sigma_plus, SP), (sigma_minus, SM))
    for op, ref in table:
        np.testing.assert_array_equal(operator_matrix(op(S1), [S1]), ref)
    np.testing.assert_allclose(operator_matrix(annihilation(B), [B], cutoff=CUT), A6)
    np.testing.assert_allclose(operator_matrix(creation(B), [B], cutoff=CUT), A6.T)
    np.testing.assert_allclose(operator_matrix(number(B), [B], cutoff=CUT), np.diag(range(CUT)))
    np.testing.assert_allclose(operator_matrix(identity(), [S1, B], cutoff=CUT), np.eye(2 * CUT))
    np.testing.assert_array_equal(local_matrix(S1, 3), SZ)
    np.testing.assert_allclose(local_matrix(B, (2, 1), cutoff=CUT), A6.T @ A6.T @ A6)


def test_tensor_order_is_the_site_list_order() -> None:
    op = sigma_x(S1) * sigma_z(S2)
    np.testing.assert_array_equal(operator_matrix(op, [S1, S2]), np.kron(SX, SZ))
    np.testing.assert_array_equal(operator_matrix(op, [S2, S1]), np.kron(SZ, SX))
    y2 = sigma_y(S2)
    np.testing.assert_array_equal(operator_matrix(y2, [S1, S2, S3]), kron_all([I2, SY, I2]))
    np.testing.assert_array_equal(operator_matrix(y2, [S3, S1, S2]), kron_all([I2, I2, SY]))
    mixed = number(B) * sigma_plus(S1)
    np.testing.assert_allclose(
        operator_matrix(mixed, [B, S1], cutoff=CUT), np.kron(np.diag(range(CUT)), SP)
    )
    np.testing.assert_allclose(
        operator_matrix(mixed, [S1, B], cutoff={"b": 4}), np.kron(SP, np.diag(range(4)))
    )
    assert dimensions([S1, B, S2], cutoff=5) == [2, 5, 2]


GENS = {
    "x1": (sigma_x(S1), kron_all([SX, I2, I2])),
    "y2": (sigma_y(S2), kron_all([I2, SY, I2])),
    "z3": (sigma_z(S3), kron_all([I2, I2, SZ])),
    "+1": (sigma_plus(S1), kron_all([SP, I2, I2])),
    "-3": (sigma_minus(S3), kron_all([I2, I2, SM])),
    "z2": (sigma_z(S2), kron_all([I2, SZ, I2])),
}
COEFFS = [sp.Integer(1), sp.Rational(-1, 2), sp.I, J, J * g - 1, sp.tanh(g / 2)]


@settings(max_examples=40, deadline=None)
@given(
    terms=st.lists(
        st.tuples(st.sampled_from(COEFFS), st.lists(st.sampled_from(sorted(GENS)), max_size=4)),
        min_size=1,
        max_size=4,
    ),
    jv=st.floats(-2, 2),
    gv=st.floats(-2, 2),
)
def test_operator_matrix_matches_reference(terms, jv, gv) -> None:
    values = {J: jv, g: gv}
    op, ref = Operator(), np.zeros((8, 8), dtype=complex)
    for c, word in terms:
        o, m = identity(), np.eye(8, dtype=complex)
        for name in word:
            o = o * GENS[name][0]
            m = m @ GENS[name][1]
        op = op + c * o
        ref = ref + complex(c.subs({J: jv, g: gv})) * m
    got = operator_matrix(op, [S1, S2, S3], params=values)
    np.testing.assert_allclose(got, ref, atol=1e-12)


def test_expectation_value_and_evaluate() -> None:
    rng = np.random.default_rng(3)
    G = rng.normal(size=(4, 4)) + 1j * rng.normal(size=(4, 4))
    rho = G @ G.conj().T
    rho /= np.trace(rho)
    e = Expectation((("S1", 1), ("S2", 3)))
    want = np.trace(rho @ np.kron(SX, SZ))
    assert abs(expectation_value(e, rho, [S1, S2]) - want) < 1e-12
    assert abs(evaluate(2 * J * e + 1, rho, [S1, S2], params={J: 0.5}) - (want + 1)) < 1e-12
    np.testing.assert_array_equal(monomial_matrix(e.monomial, [S2, S1]), np.kron(SZ, SX))


def test_site_missing_from_the_site_list_is_refused() -> None:
    with pytest.raises(SiteError, match=r"site 'S3', which is not among the sites \['S1', 'S2'\]"):
        operator_matrix(sigma_x(S3), [S1, S2])
    with pytest.raises(SiteError, match=r"site 'S1' appears twice"):
        operator_matrix(sigma_x(S1), [S1, S1])
    with pytest.raises(SiteError, match=r"boson site 'b' needs a cutoff"):
        operator_matrix(number(B), [B])
    with pytest.raises(SiteError, match=r"sites must be Site objects"):
        operator_matrix(sigma_x(S1), ["S1"])


def test_wrong_kind_of_site_is_refused() -> None:
    with pytest.raises(SiteError, match=r"site 'S1' is a qubit but the operator acts on a boson"):
        operator_matrix(monomial_operator((("S1", (1, 0)),)), [S1])
    with pytest.raises(SiteError, match=r"site 'b' is a boson but the operator acts on a qubit"):
        operator_matrix(sigma_x(qubit("b")), [boson("b")], cutoff=3)


def test_missing_parameter_values_are_reported() -> None:
    with pytest.raises(SymthermoError, match=r"still depends on J: give their values in params"):
        operator_matrix(J * sigma_x(S1), [S1])
    rho = np.eye(2) / 2
    with pytest.raises(SymthermoError, match=r"rho has shape \(2, 2\) but the sites"):
        expectation_value(Expectation((("S1", 1),)), rho, [S1, S2])
