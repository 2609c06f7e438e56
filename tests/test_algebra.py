"""The operator algebra against an independent matrix route built here with numpy.

The reference matrices are written out explicitly (DESIGN.md section 2: index 0 = |0> ground,
sigma_z = diag(-1, 1), sigma_y = [[0, i], [-i, 0]], truncated a); symthermo.numeric is *not*
used to build them.  Random operators are expression trees (sums of coefficient * word of
generators) built twice: once with the algebra, once as numpy matrix products.  The algebra's
canonical result is turned back into a matrix by :func:`canonical_matrix`, which reads the
canonical form (Pauli index per qubit, (m, n) = a^dag^m a^n per boson) and nothing else.

Bosons: products of truncated matrices are exact on Fock states |k> as long as no creation
operator hits the top level; with at most MAX_RAISE creations in any product and k < LOW,
LOW + MAX_RAISE < CUTOFF keeps every compared matrix element <m|X|n> (m, n < LOW) exact.
"""

from __future__ import annotations

import itertools
import os
from fractions import Fraction
from functools import lru_cache, reduce

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from symthermo.algebra import (
    Expectation,
    Operator,
    annihilation,
    anticommutator,
    boson,
    collective,
    commutator,
    creation,
    expectation,
    identity,
    monomial_operator,
    number,
    operator_sum,
    qubit,
    qubits,
    sigma_minus,
    sigma_plus,
    sigma_x,
    sigma_y,
    sigma_z,
)
from symthermo.errors import CoefficientError, SiteError, SymthermoError

# --- reference matrices (written out, independent of the library) --------------------------

I2 = np.eye(2, dtype=complex)
SX = np.array([[0, 1], [1, 0]], dtype=complex)
SY = np.array([[0, 1j], [-1j, 0]], dtype=complex)
SZ = np.diag([-1, 1]).astype(complex)
SP = np.array([[0, 0], [1, 0]], dtype=complex)  # |1><0|
SM = np.array([[0, 1], [0, 0]], dtype=complex)  # |0><1|
PAULI_REF = {0: I2, 1: SX, 2: SY, 3: SZ}

CUTOFF = 12  # Fock levels of the reference boson
LOW = 3  # compare <m|X|n> for m, n < LOW
MAX_RAISE = 6  # creation operators in any compared product (words of <= 3 generators, squared)
assert LOW - 1 + MAX_RAISE < CUTOFF - 1


def lowering(levels: int) -> np.ndarray:
    a = np.zeros((levels, levels), dtype=complex)
    for k in range(1, levels):
        a[k - 1, k] = np.sqrt(k)
    return a


A_REF = lowering(CUTOFF)
AD_REF = A_REF.conj().T


def kron_all(mats: list[np.ndarray]) -> np.ndarray:
    return reduce(np.kron, mats, np.ones((1, 1), dtype=complex))


# --- sites, generators, coefficients ---------------------------------------------------------

S1, S2, S3 = qubits("S1", "S2", "S3")
B = boson("b")
MIXED = [("S1", "qubit"), ("S2", "qubit"), ("b", "boson")]  # tensor order for mixed tests
THREE = [("S1", "qubit"), ("S2", "qubit"), ("S3", "qubit")]

J, g, w, beta = sp.symbols("J g omega beta", positive=True)
PARAM_SYMBOLS = (J, g, w, beta)
COEFFICIENTS = [
    sp.Integer(1),
    sp.Integer(-1),
    sp.Integer(2),
    sp.Rational(1, 2),
    sp.Rational(-3, 4),
    sp.I,
    2 * sp.I - 1,
    J,
    g,
    J * g,
    J**2,
    1 / J,
    sp.I * J,
    J - 2 * g,
    sp.tanh(beta * w / 2),
    sp.sqrt(2),
]


def local_identity(kind: str) -> np.ndarray:
    return I2 if kind == "qubit" else np.eye(CUTOFF, dtype=complex)


def embed(layout: list[tuple[str, str]], name: str, mat: np.ndarray) -> np.ndarray:
    return kron_all([mat if n == name else local_identity(k) for n, k in layout])


def generators(layout: list[tuple[str, str]]) -> dict[str, tuple[Operator, np.ndarray]]:
    """Named generators: (algebra operator, reference matrix on the layout)."""
    out: dict[str, tuple[Operator, np.ndarray]] = {}
    for name, kind in layout:
        if kind == "qubit":
            s = qubit(name)
            for label, op, mat in (
                ("x", sigma_x(s), SX),
                ("y", sigma_y(s), SY),
                ("z", sigma_z(s), SZ),
                ("+", sigma_plus(s), SP),
                ("-", sigma_minus(s), SM),
            ):
                out[f"{label}{name}"] = (op, embed(layout, name, mat))
        else:
            s = boson(name)
            for label, op, mat in (
                ("a", annihilation(s), A_REF),
                ("ad", creation(s), AD_REF),
                ("n", number(s), AD_REF @ A_REF),
            ):
                out[f"{label}{name}"] = (op, embed(layout, name, mat))
    return out


GEN_MIXED = generators(MIXED)
GEN_THREE = generators(THREE)


def dim(layout: list[tuple[str, str]]) -> int:
    return int(np.prod([2 if k == "qubit" else CUTOFF for _, k in layout]))


def numeric(coeff: sp.Expr, values: dict) -> complex:
    coeff = sp.sympify(coeff)
    return complex(coeff.xreplace(values) if values else coeff)


def build(
    expr: list, gens: dict, layout: list, values: dict | None
) -> tuple[Operator, np.ndarray | None]:
    """An expression tree [(coefficient, [generator names])] as (Operator, matrix).

    With ``values=None`` only the operator is built (the matrix is None).
    """
    op = Operator()
    mat = None if values is None else np.zeros((dim(layout),) * 2, dtype=complex)
    for coeff, word in expr:
        o = identity()
        m = None if values is None else np.eye(dim(layout), dtype=complex)
        for name in word:
            o = o * gens[name][0]
            if m is not None:
                m = m @ gens[name][1]
        op = op + coeff * o
        if mat is not None:
            mat = mat + numeric(coeff, values) * m
    return op, mat


def local_reference(kind: str, local: object) -> np.ndarray:
    if kind == "qubit":
        assert isinstance(local, int) and local in (1, 2, 3), local
        return PAULI_REF[local]
    m, n = local  # type: ignore[misc]
    return np.linalg.matrix_power(AD_REF, m) @ np.linalg.matrix_power(A_REF, n)


def canonical_matrix(op: Operator, layout: list[tuple[str, str]], values: dict) -> np.ndarray:
    """Matrix of an operator read from its canonical form (independent of numeric.matrices)."""
    mat = np.zeros((dim(layout),) * 2, dtype=complex)
    names = {n for n, _ in layout}
    items = list(op.raw_items())
    if all(len(cm) == 1 for (_, cm), _r in items):
        # numeric coefficients: read (monomial, (ipow,)) -> rational without sympy (fast path)
        coeffs = {}
        for (mono, cm), r in items:
            coeffs[mono] = coeffs.get(mono, 0) + float(r) * (1j if cm[0] else 1)
    else:
        coeffs = op.terms
    for mono, coeff in coeffs.items():
        assert {n for n, _ in mono} <= names, f"unknown site in {mono}"
        mat = mat + numeric(coeff, values) * monomial_reference(mono, tuple(layout))
    return mat


@lru_cache(maxsize=4096)
def monomial_reference(mono: tuple, layout: tuple) -> np.ndarray:
    locals_ = dict(mono)
    assert len(locals_) == len(mono), f"site repeated in monomial {mono}"
    factors = [
        local_reference(k, locals_[n]) if n in locals_ else local_identity(k) for n, k in layout
    ]
    return kron_all(factors)


def low_block(mat: np.ndarray, layout: list[tuple[str, str]]) -> np.ndarray:
    """The block of matrix elements with every boson in a Fock state below LOW."""
    keep = [
        i
        for i, idx in enumerate(
            itertools.product(*[range(2 if k == "qubit" else CUTOFF) for _, k in layout])
        )
        if all(j < LOW for j, (_, k) in zip(idx, layout, strict=True) if k == "boson")
    ]
    return mat[np.ix_(keep, keep)]


def assert_matches(op: Operator, ref: np.ndarray, layout: list, values: dict) -> None:
    got = canonical_matrix(op, layout, values)
    if any(k == "boson" for _, k in layout):
        got, ref = low_block(got, layout), low_block(ref, layout)
    scale = max(1.0, float(np.abs(ref).max()))
    if np.abs(got - ref).max() > 1e-9 * scale:
        np.testing.assert_allclose(got, ref, atol=1e-9 * scale, rtol=0)  # the report


# --- hypothesis strategies ---------------------------------------------------------------------

values_strategy = st.tuples(*[st.floats(0.2, 2.0) for _ in PARAM_SYMBOLS]).map(
    lambda vs: {s: sp.Float(v) for s, v in zip(PARAM_SYMBOLS, vs, strict=True)}
)


def expressions(gens: dict, max_word: int = 3, max_terms: int = 4) -> st.SearchStrategy:
    word = st.lists(st.sampled_from(sorted(gens)), min_size=0, max_size=max_word)
    return st.lists(
        st.tuples(st.sampled_from(COEFFICIENTS), word), min_size=1, max_size=max_terms
    )


mixed_expr = expressions(GEN_MIXED)
three_expr = expressions(GEN_THREE)
any_layout = st.sampled_from([(MIXED, GEN_MIXED), (THREE, GEN_THREE)])
FAST = settings(max_examples=60, deadline=None)


# --- products, commutators, daggers against matrices ----------------------------------------


@FAST
@given(data=st.data(), values=values_strategy)
def test_product_sum_and_scaling_match_matrices(data, values) -> None:
    layout, gens = data.draw(any_layout)
    e1, e2 = data.draw(expressions(gens)), data.draw(expressions(gens))
    a, ma = build(e1, gens, layout, values)
    b, mb = build(e2, gens, layout, values)
    assert_matches(a, ma, layout, values)
    assert_matches(a * b, ma @ mb, layout, values)
    assert_matches(a + b, ma + mb, layout, values)
    assert_matches(a - 3 * b, ma - 3 * mb, layout, values)
    assert_matches(J * a / 2, numeric(J, values) / 2 * ma, layout, values)


@FAST
@given(data=st.data(), values=values_strategy)
def test_commutator_and_anticommutator_match_matrices(data, values) -> None:
    layout, gens = data.draw(any_layout)
    a, ma = build(data.draw(expressions(gens)), gens, layout, values)
    b, mb = build(data.draw(expressions(gens)), gens, layout, values)
    assert_matches(commutator(a, b), ma @ mb - mb @ ma, layout, values)
    assert_matches(anticommutator(a, b), ma @ mb + mb @ ma, layout, values)


@FAST
@given(data=st.data(), values=values_strategy)
def test_double_commutator_matches_matrices(data, values) -> None:
    layout, gens = data.draw(any_layout)
    v, mv = build(data.draw(expressions(gens, 2, 3)), gens, layout, values)
    u, mu = build(data.draw(expressions(gens, 2, 3)), gens, layout, values)
    x, mx = build(data.draw(expressions(gens, 2, 3)), gens, layout, values)

    def c(p, q):
        return p @ q - q @ p

    assert_matches(commutator(u, commutator(v, x)), c(mu, c(mv, mx)), layout, values)


@FAST
@given(data=st.data(), values=values_strategy)
def test_dagger_and_hermiticity_match_matrices(data, values) -> None:
    layout, gens = data.draw(any_layout)
    a, ma = build(data.draw(expressions(gens)), gens, layout, values)
    assert_matches(a.dagger(), ma.conj().T, layout, values)
    assert a.dagger().dagger() == a
    assert (a + a.dagger()).is_hermitian()
    assert (sp.I * (a - a.dagger())).is_hermitian()
    assert (a * a.dagger()).is_hermitian()
    got = canonical_matrix(a, layout, values)
    if a.is_hermitian():
        np.testing.assert_allclose(got, got.conj().T, atol=1e-9)
    if not np.allclose(got, got.conj().T):
        assert not a.is_hermitian()


# --- canonical forms ------------------------------------------------------------------------------


@FAST
@given(data=st.data())
def test_canonical_form_identities(data) -> None:
    layout, gens = data.draw(any_layout)
    ea, eb, ec = (data.draw(expressions(gens)) for _ in range(3))
    a, _ = build(ea, gens, layout, None)
    b, _ = build(eb, gens, layout, None)
    c, _ = build(ec, gens, layout, None)
    # the same operator built two ways: equal and equally hashed
    for left, right in (
        (a * (b + c), a * b + a * c),
        ((a * b) * c, a * (b * c)),
        (a + b + c, operator_sum([c, a, b])),
        (commutator(a, b), a * b - b * a),
        (commutator(a, b), -commutator(b, a)),
        ((a * b).dagger(), b.dagger() * a.dagger()),
        (build(list(reversed(ea)), gens, layout, None)[0], a),
        (J * (g * a), (J * g) * a),
        (a * J, J * a),
        (2 * a / 2, a),
    ):
        assert left == right
        assert hash(left) == hash(right)
        assert left - right == 0
    assert (a - a).is_zero()
    assert a - a == Operator()
    assert not (a - a)
    assert hash(a - a) == hash(Operator())
    assert {a * (b + c), a * b + a * c} == {a * b + a * c}


@FAST
@given(data=st.data())
def test_jacobi_identity(data) -> None:
    layout, gens = data.draw(any_layout)
    a, b, c = (build(data.draw(expressions(gens)), gens, layout, None)[0] for _ in range(3))
    total = commutator(a, commutator(b, c)) + commutator(b, commutator(c, a))
    total = total + commutator(c, commutator(a, b))
    assert total.is_zero()


def test_canonical_form_does_not_depend_on_site_creation_order() -> None:
    T3, T1 = qubit("S3"), qubit("S1")  # created in another order, same sites
    built_one_way = sigma_x(T3) * sigma_z(T1) * sigma_y(S2)
    built_other_way = sigma_y(S2) * sigma_z(S1) * sigma_x(S3)
    assert built_one_way == built_other_way
    assert built_one_way.monomials == [(("S1", 3), ("S2", 2), ("S3", 1))]
    # natural order of names: S2 before S10
    s10 = qubit("S10")
    assert (sigma_x(s10) * sigma_x(S2)).monomials == [(("S2", 1), ("S10", 1))]


def test_sites_with_equal_natural_keys_stay_distinct() -> None:
    """'S1' and 'S01' are two sites; they must not be merged as one (regression)."""
    s01 = qubit("S01")
    prod = sigma_x(S1) * sigma_x(s01)
    assert prod != identity()
    assert len(prod.monomials[0]) == 2
    assert commutator(sigma_x(S1), sigma_z(s01)).is_zero()
    assert commutator(sigma_x(S1) * sigma_y(s01), sigma_x(s01)) == -2 * sp.I * sigma_x(
        S1
    ) * sigma_z(s01)


def test_numeric_radicals_are_canonical() -> None:
    """sqrt(2)**2 = 2 and sqrt(2)*sqrt(3) = sqrt(6) in the coefficients (regression)."""
    x = sigma_x(S1)
    assert sp.sqrt(2) * (sp.sqrt(2) * x) == 2 * x
    assert sp.sqrt(2) * (sp.sqrt(3) * x) == sp.sqrt(6) * x
    assert (x / sp.sqrt(2)) * sp.sqrt(2) == x
    assert sp.sqrt(8) * x == 2 * sp.sqrt(2) * x
    half = sp.sqrt(sp.Rational(1, 2))
    assert half * (half * x) == x / 2
    assert (sp.sqrt(2) * x - sp.sqrt(2) * x).is_zero()
    assert sp.sqrt(2) * (sp.sqrt(2) * x).terms[(("S1", 1),)] == 2
    # symbols with fractional powers combine as well
    assert sp.sqrt(J) * (sp.sqrt(J) * x) == J * x


# --- every product of Pauli strings on three sites -------------------------------------------


PAULI_LABELS = list(itertools.product(range(4), repeat=3))  # 64 strings, degree 0..3


def pauli_string(labels: tuple[int, ...]) -> Operator:
    out = identity()
    for site, p in zip((S1, S2, S3), labels, strict=True):
        if p:
            out = out * (sigma_x, sigma_y, sigma_z)[p - 1](site)
    return out


def pauli_reference(labels: tuple[int, ...]) -> np.ndarray:
    return kron_all([PAULI_REF[p] for p in labels])


def test_every_pauli_string_product_on_three_sites() -> None:
    ops = {lab: pauli_string(lab) for lab in PAULI_LABELS}
    mats = {lab: pauli_reference(lab) for lab in PAULI_LABELS}
    for lab, op in ops.items():
        assert_matches(op, mats[lab], THREE, {})
    count = 0
    for la, lb in itertools.product(PAULI_LABELS, repeat=2):
        prod = ops[la] * ops[lb]
        assert len(prod.monomials) == 1  # a Pauli string times a phase
        assert_matches(prod, mats[la] @ mats[lb], THREE, {})
        comm = commutator(ops[la], ops[lb])
        assert_matches(comm, mats[la] @ mats[lb] - mats[lb] @ mats[la], THREE, {})
        count += 1
    assert count == 64 * 64


def test_pauli_relations() -> None:
    x, y, z = sigma_x(S1), sigma_y(S1), sigma_z(S1)
    assert x * y == sp.I * z
    assert y * z == sp.I * x
    assert z * x == sp.I * y
    assert y * x == -sp.I * z
    for p in (x, y, z):
        assert p * p == identity()
        assert p.is_hermitian()
    assert commutator(x, y) == 2 * sp.I * z
    assert anticommutator(x, y).is_zero()
    # sigma_+ sigma_- = |1><1| = diag(0, 1), sigma_- sigma_+ = |0><0|
    plus, minus = sigma_plus(S1), sigma_minus(S1)
    layout = [("S1", "qubit")]
    assert_matches(plus * minus, np.diag([0, 1]).astype(complex), layout, {})
    assert_matches(minus * plus, np.diag([1, 0]).astype(complex), layout, {})
    assert_matches(plus, SP, layout, {})
    assert_matches(minus, SM, layout, {})
    assert plus * minus == (identity() + z) / 2
    assert plus.dagger() == minus
    assert plus * plus == Operator()
    assert not plus.is_hermitian()


# --- bosons ---------------------------------------------------------------------------------------


def test_canonical_commutation_relation() -> None:
    a, ad = annihilation(B), creation(B)
    assert commutator(a, ad) == identity()
    assert commutator(ad, a) == -1
    assert a * ad == number(B) + 1
    assert a.dagger() == ad
    assert number(B).is_hermitian()
    for k in range(1, 5):
        assert commutator(a, ad**k) == k * ad ** (k - 1)
        assert commutator(number(B), ad**k) == k * ad**k


def test_normal_ordered_products_match_matrices() -> None:
    """(a^dag^m a^n)(a^dag^p a^q) for all m, n, p, q <= 3, on Fock states below LOW."""
    layout = [("b", "boson")]
    a, ad = annihilation(B), creation(B)
    for m, n, p, q in itertools.product(range(4), repeat=4):
        left = (ad**m) * (a**n)
        right = (ad**p) * (a**q)
        ref = (
            np.linalg.matrix_power(AD_REF, m)
            @ np.linalg.matrix_power(A_REF, n)
            @ np.linalg.matrix_power(AD_REF, p)
            @ np.linalg.matrix_power(A_REF, q)
        )
        prod = left * right
        assert_matches(prod, ref, layout, {})
        for mono in prod.monomials:  # normal ordered: one (m, n) pair per site
            assert all(isinstance(loc, tuple) and sum(loc) > 0 for _, loc in mono)


# --- collective operators and sympy coefficients -------------------------------------------


def test_collective_sums_match_matrices() -> None:
    sites = (S1, S2, S3)
    for op, mat in ((sigma_x, SX), (sigma_y, SY), (sigma_z, SZ), (sigma_plus, SP)):
        coll = collective(op, sites)
        ref = sum(embed(THREE, s.name, mat) for s in sites)
        assert_matches(coll, ref, THREE, {})
        assert_matches(coll * coll.dagger(), ref @ ref.conj().T, THREE, {})
    jx, jy, jz = (collective(f, sites) / 2 for f in (sigma_x, sigma_y, sigma_z))
    assert commutator(jx, jy) == sp.I * jz  # angular momentum algebra
    casimir = jx * jx + jy * jy + jz * jz
    assert commutator(casimir, jz).is_zero()
    assert collective(sigma_z, []) == 0


@settings(max_examples=40, deadline=None)
@given(data=st.data(), values=values_strategy)
def test_sympy_coefficients_match_numeric_values(data, values) -> None:
    """Symbols, Rationals, I and tanh in coefficients, evaluated at random parameters."""
    e = data.draw(expressions(GEN_MIXED))
    op, mat = build(e, GEN_MIXED, MIXED, values)
    for coeff in op.terms.values():
        assert isinstance(coeff, sp.Expr)
        assert coeff.free_symbols <= set(PARAM_SYMBOLS)
    assert_matches(op, mat, MIXED, values)
    # substituting exact values into the operator agrees with substituting into the matrix
    exact = {J: sp.Rational(3, 2), g: sp.Rational(-1, 3), w: 2, beta: sp.Rational(1, 2)}
    floats = {k: sp.Float(v) for k, v in exact.items()}
    assert_matches(op.subs(exact), build(e, GEN_MIXED, MIXED, floats)[1], MIXED, {})


def test_coefficients_are_exact_and_expanded() -> None:
    x, z = sigma_x(S1), sigma_z(S2)
    op = (J + g) * x * ((J - g) * z)
    assert op.terms == {(("S1", 1), ("S2", 3)): J**2 - g**2}
    t = sp.tanh(beta * w / 2)
    assert (t * x) * (t * x) == t**2
    assert (J * x) / J == x
    assert (sp.I * x) * (sp.I * x) == -1
    assert sp.Float(0.5) * x == sp.Rational(1, 2) * x
    assert 0.25 * x == Fraction(1, 4) * x
    assert (1 + 2j) * x == (1 + 2 * sp.I) * x
    ex, exz = Expectation((("S1", 1),)), Expectation((("S1", 1), ("S2", 3)))
    assert expectation(2 * x + J * x * z + 3) == 2 * ex + J * exz + 3
    assert ex.operator == x
    assert ex.is_real
    assert monomial_operator((("S1", 1),)) == x


# --- errors ------------------------------------------------------------------------------------


def test_qubit_operator_on_boson_site_is_refused() -> None:
    with pytest.raises(SiteError, match=r"sigma_x acts on a qubit, but site 'b' is a boson"):
        sigma_x(B)
    with pytest.raises(SiteError, match=r"acts on a boson, but site 'S1' is a qubit"):
        annihilation(S1)
    with pytest.raises(SiteError, match=r"needs a Site"):
        sigma_z("S1")  # type: ignore[arg-type]
    as_qubit = monomial_operator((("S1", 1),))
    as_boson = monomial_operator((("S1", (1, 0)),))
    with pytest.raises(SiteError, match=r"'S1' is used both as a qubit and as a boson"):
        as_qubit * as_boson


def test_bad_site_names_are_refused() -> None:
    with pytest.raises(SiteError, match=r"site name '1a' is not valid"):
        qubit("1a")
    with pytest.raises(SiteError, match=r"site kind 'fermion' is unknown"):
        from symthermo.algebra import Site

        Site("f", "fermion")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "bad, words",
    [
        ([1, 2], r"type list .* is not a scalar"),
        ("J", r"type str .* is not a scalar"),
        (sp.Matrix([[1, 0], [0, 1]]), r"not a scalar"),
        (sp.ImmutableMatrix([[1]]), r"matrices, relations and sets are not coefficients"),
        (sp.Symbol("B", commutative=False), r"not commutative"),
        (sp.oo, r"not finite"),
        (float("nan"), r"not finite"),
        (True, r"boolean is not a coefficient"),
        (sp.Eq(J, 1), r"not a sympy scalar expression"),
        (None, r"type NoneType .* is not a scalar"),
    ],
)
def test_non_scalar_coefficients_are_refused(bad, words) -> None:
    x = sigma_x(S1)
    with pytest.raises(CoefficientError, match=words):
        x * bad
    with pytest.raises(CoefficientError, match=words):
        bad * x
    with pytest.raises(CoefficientError, match=words):
        Operator.from_monomial((("S1", 1),), bad)


def test_operator_used_as_a_coefficient_is_refused() -> None:
    x, z = sigma_x(S1), sigma_z(S1)
    with pytest.raises(CoefficientError, match=r"type Operator .* is not a scalar"):
        Operator.from_monomial((("S1", 1),), z)
    with pytest.raises(CoefficientError, match=r"cannot divide by an operator"):
        x / z
    with pytest.raises(CoefficientError, match=r"not a scalar"):
        (J * x).subs({J: z})
    with pytest.raises(CoefficientError, match=r"non-negative integer"):
        x**-1
    with pytest.raises(CoefficientError, match=r"division of an operator by zero"):
        x / 0
    # every error above is a SymthermoError
    assert issubclass(CoefficientError, SymthermoError)


# --- conversion back to sympy: the fast constructors build sympy's own canonical form --------


SYMPY_COEFFICIENTS = [
    J,
    g,
    J * g**2 / 3,
    -J / g,
    sp.tanh(beta * w / 2),
    sp.tanh(beta * w / 2) ** 2 * J,
    1 / (sp.exp(beta * w) - 1),
    sp.sqrt(J),
    J ** sp.Rational(3, 2),
    sp.sqrt(1 + J),
    1 / (1 + J),
    sp.sqrt(2) * J,
    sp.sqrt(3),
    sp.exp(J),
    sp.exp(-g / 2) * J,
    sp.I * J,
    sp.Integer(5),
    sp.Rational(-7, 2),
    sp.pi * g,
    sp.Symbol("<x>"),
]


def numerically_equal(a: sp.Expr, b: sp.Expr) -> bool:
    """a == b at a fixed generic point (parameters and Expectation symbols)."""
    diff = sp.sympify(a - b)
    point = {J: 0.37, g: 0.61, beta: 1.3, w: 0.7}
    for k, s in enumerate(sorted(diff.free_symbols - set(point), key=str)):
        point[s] = 0.11 * (k + 2)
    return abs(complex(diff.xreplace({k: sp.Float(v) for k, v in point.items()}))) < 1e-10


@settings(max_examples=int(os.environ.get("SYMTHERMO_FAST_SYMPY_EXAMPLES", "60")), deadline=None)
@given(st.lists(st.sampled_from(SYMPY_COEFFICIENTS), min_size=1, max_size=4), st.data())
def test_fast_sympy_conversion_equals_sympy_constructors(factors, data) -> None:
    from symthermo.algebra.coefficients import scalar_to_sympy, scalar_to_sympy_slow, to_scalar
    from symthermo.states import ThermalQubit, trace_out

    expr = sp.Mul(*factors) + sp.Add(*data.draw(st.lists(st.sampled_from(SYMPY_COEFFICIENTS))))
    scalar = to_scalar(expr)
    fast, slow = scalar_to_sympy(scalar), scalar_to_sympy_slow(scalar)
    assert fast.args == slow.args
    assert fast == slow
    assert hash(fast) == hash(slow)
    assert numerically_equal(fast, expr)
    op = expr * sigma_x(S1) + factors[0] * sigma_z(S1) * sigma_z(S2) + factors[-1]
    traced = trace_out(op * sigma_z(S3), ThermalQubit(S3, tanh=g))
    reference = sp.Add(*[c * (Expectation(m) if m else 1) for m, c in op.terms.items()]) * (-g)
    assert numerically_equal(traced, reference)
    # sympy's own constructors give back exactly the same expression tree
    terms = sp.Add.make_args(traced)
    rebuilt = sp.Add(*[sp.Mul(*t.args) if t.is_Mul else t for t in terms])
    assert rebuilt.args == traced.args
    for t in terms:
        assert not t.is_Mul or sp.Mul(*t.args).args == t.args


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(SYMPY_COEFFICIENTS), min_size=2, max_size=8), st.data())
def test_compare_key_is_sympys_canonical_order(items, data) -> None:
    from functools import cmp_to_key

    from symthermo.algebra.coefficients import compare_key

    exprs = list(items)
    for _ in range(3):  # products and sums of the samples as well
        a, b = data.draw(st.sampled_from(exprs)), data.draw(st.sampled_from(exprs))
        exprs += [a * b * Expectation((("S1", 1),)), a + b]
    by_key = sorted(exprs, key=compare_key)
    by_sympy = sorted(exprs, key=cmp_to_key(lambda x, y: x.compare(y)))
    assert [compare_key(e) for e in by_key] == [compare_key(e) for e in by_sympy]
    assert all(x.compare(y) <= 0 for x, y in itertools.pairwise(by_key))


def test_canonical_order_survives_renumbering() -> None:
    from symthermo.algebra.coefficients import _CanonicalOrder

    forgotten = []
    order = _CanonicalOrder(lambda a, b: (a > b) - (a < b), lambda: forgotten.append(1))
    for x in range(3000, 0, -1):  # always at the front: halves the gap until it renumbers
        order(x)
    for x in range(3000):
        order(x + 0.5)
    seen = sorted(order.rank)
    assert all(order(a) < order(b) for a, b in itertools.pairwise(seen))
    assert forgotten  # the memoised keys were told to go
