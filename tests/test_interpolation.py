"""Exact solves by evaluation and interpolation modulo primes (symthermo.interpolation).

Reference: the fraction-free Bareiss elimination of symthermo.exact (an independent route: no
evaluation, no primes), which must give the *same normalised fractions*; and for the closure,
the numeric steady state of the paper models in tests/test_closed_forms.py.
"""

from __future__ import annotations

import random

import pytest

from symthermo.exact import BACKENDS, PolynomialRing, solve_fraction_free
from symthermo.interpolation import (
    InterpolationTooLargeError,
    solve_by_interpolation,
)


def random_system(ring: PolynomialRing, n: int, seed: int, degree: int = 2, density: float = 0.5,
                  stride: dict[int, int] | None = None, ncols: int = 1):
    """A generically invertible sparse n x n system with small integer polynomial entries
    (variable v only in powers of x_v^stride[v]); the diagonal is always present."""
    rng = random.Random(seed)
    stride = stride or {}

    def poly():
        terms = {}
        for _ in range(rng.randint(1, 3)):
            exps = tuple(rng.randint(0, degree) * stride.get(v, 1) for v in range(ring.nvars))
            terms[exps] = rng.randint(-6, 6) or 1
        return ring.from_dict(terms)

    rows = [{j: poly() for j in range(n) if j == i or rng.random() < density} for i in range(n)]
    rhs = [[poly() if rng.random() < 0.8 else ring.zero for _ in range(ncols)] for _ in range(n)]
    return rows, rhs


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("nvars", "n", "seed"), [(1, 5, 1), (2, 6, 2), (3, 5, 3), (2, 9, 4)])
def test_same_fractions_as_fraction_free_elimination(backend, nvars, n, seed) -> None:
    ring = PolynomialRing([f"x{i}" for i in range(nvars)], backend)
    rows, rhs = random_system(ring, n, seed)
    assert solve_by_interpolation(ring, rows, rhs) == solve_fraction_free(ring, rows, rhs)


def test_several_right_hand_sides_and_zero_columns() -> None:
    ring = PolynomialRing(["a", "b"])
    rows, rhs = random_system(ring, 6, 7, ncols=3)
    for r in rhs:
        r[1] = ring.zero  # a zero column of b: x = 0 there
    got = solve_by_interpolation(ring, rows, rhs)
    assert got == solve_fraction_free(ring, rows, rhs)
    assert all(x[1] == (ring.zero, ring.one) for x in got)


def test_variables_met_only_in_powers_are_interpolated_in_the_power() -> None:
    """g only as g^2 (rates of a coupling): the grid has deg/2 + 1 nodes along g; the result
    is the same and its exponents of g are even."""
    ring = PolynomialRing(["g", "w"])
    rows, rhs = random_system(ring, 6, 11, stride={0: 2})
    got = solve_by_interpolation(ring, rows, rhs)
    assert got == solve_fraction_free(ring, rows, rhs)
    for (num, den) in (x[0] for x in got):
        for p in (num, den):
            assert all(e[0] % 2 == 0 for e in ring.to_dict(p))


def test_constant_block_without_variables() -> None:
    ring = PolynomialRing(["a"])
    rows = [{0: ring.from_dict({(0,): 2}), 1: ring.from_dict({(0,): 1})},
            {0: ring.from_dict({(0,): 1}), 1: ring.from_dict({(0,): 3})}]
    rhs = [[ring.from_dict({(0,): 1})], [ring.from_dict({(0,): 4})]]
    # 2x + y = 1, x + 3y = 4: x = -1/5, y = 7/5
    got = solve_by_interpolation(ring, rows, rhs)
    assert [ring.to_dict(v[0][0]) for v in got] == [{(0,): -1}, {(0,): 7}]
    assert [ring.to_dict(v[0][1]) for v in got] == [{(0,): 5}, {(0,): 5}]


def test_large_coefficients_need_many_primes() -> None:
    """Entries with 40-digit coefficients: the result's coefficients exceed one prime by far
    and are still reconstructed exactly."""
    ring = PolynomialRing(["a"])
    big = 10**40 + 7
    rows = [{0: ring.from_dict({(1,): big, (0,): 3}), 1: ring.from_dict({(0,): big - 2})},
            {0: ring.from_dict({(0,): 5}), 1: ring.from_dict({(1,): 1, (0,): -big})}]
    rhs = [[ring.from_dict({(0,): big * 3})], [ring.from_dict({(1,): 2})]]
    assert solve_by_interpolation(ring, rows, rhs) == solve_fraction_free(ring, rows, rhs)


def test_singular_block_is_refused() -> None:
    ring = PolynomialRing(["a"])
    a = ring.from_dict({(1,): 1})
    rows = [{0: a, 1: a * 2}, {0: a * 3, 1: a * 6}]  # rank 1 for every a
    rhs = [[ring.one], [ring.one]]
    with pytest.raises(ArithmeticError, match="singular"):
        solve_by_interpolation(ring, rows, rhs)


def test_a_grid_above_the_limit_names_the_degrees() -> None:
    ring = PolynomialRing(["a", "b", "c"])
    rows, rhs = random_system(ring, 8, 5, degree=3)
    with pytest.raises(InterpolationTooLargeError) as info:
        solve_by_interpolation(ring, rows, rhs, max_points=50)
    exc = info.value
    assert exc.points > 50 and exc.limit == 50
    # the degrees bound those of the exact solution (x = num/den, from the elimination)
    (num, den), = solve_fraction_free(ring, rows, rhs)[0]
    for v, d in exc.degrees.items():
        assert d >= max(e[v] for p in (num, den) for e in ring.to_dict(p))


def test_probed_degrees_are_those_of_the_determinant() -> None:
    """One variable: the degree found by interpolation along it equals deg det A (sympy)."""
    import sympy as sp

    ring = PolynomialRing(["a"])
    rows, rhs = random_system(ring, 5, 3, degree=3, density=0.8)
    a = sp.Symbol("x0")
    mat = sp.zeros(5, 5)
    for i, row in enumerate(rows):
        for j, v in row.items():
            mat[i, j] = sum(c * a**e[0] for e, c in ring.to_dict(v).items())
    degree = sp.degree(sp.expand(mat.det(method="berkowitz")), a)
    with pytest.raises(InterpolationTooLargeError) as info:
        solve_by_interpolation(ring, rows, rhs, max_points=1)
    assert info.value.degrees[0] >= degree


def test_a_degree_missed_by_the_probe_is_caught_by_the_exact_check(monkeypatch) -> None:
    """If the probe under-estimates a degree, the reconstruction fails its exact check at a
    random point and the solve is redone on the degree bounds: still the exact result."""
    from symthermo import interpolation

    ring = PolynomialRing(["a", "b"])
    rows, rhs = random_system(ring, 5, 21)
    monkeypatch.setattr(interpolation, "_probe_degree", lambda *args: 1)
    assert solve_by_interpolation(ring, rows, rhs) == solve_fraction_free(ring, rows, rhs)


def test_an_unlucky_prime_is_skipped(monkeypatch) -> None:
    """A grid point where a pivot vanishes modulo the prime: that prime is skipped."""
    from symthermo import interpolation

    ring = PolynomialRing(["a", "b"])
    rows, rhs = random_system(ring, 6, 22)
    original = interpolation._solve_points
    skipped = interpolation._prime_list()[1]
    raised: list[int] = []

    def unlucky(aug, n, plan, p):
        if p == skipped:
            raised.append(p)
            raise interpolation._UnluckyPointError
        return original(aug, n, plan, p)

    monkeypatch.setattr(interpolation, "_solve_points", unlucky)
    assert solve_by_interpolation(ring, rows, rhs) == solve_fraction_free(ring, rows, rhs)
    assert raised  # the prime was met, and skipped
