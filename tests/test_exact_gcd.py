"""gcds on the pure-sympy backend with the modular coprimality proof (symthermo.exact).

Reference: sympy's own gcd of the same polynomials (PolyElement.gcd), which the proof may only
skip when the two are coprime up to integer content.
"""

from __future__ import annotations

import random

import pytest

from symthermo.exact import PolynomialRing, _provably_coprime


def random_poly(ring: PolynomialRing, rng: random.Random, terms: int, degree: int):
    return ring.from_dict({tuple(rng.randrange(degree) for _ in range(ring.nvars)):
                           rng.randrange(-50, 51) or 1 for _ in range(terms)})


@pytest.mark.parametrize("seed", range(6))
def test_gcd_equals_sympy_gcd_with_and_without_common_factors(seed: int) -> None:
    ring = PolynomialRing(["a", "b", "c"], "sympy")
    rng = random.Random(seed)
    for k in range(6):
        common = (random_poly(ring, rng, rng.randrange(1, 4), 3) if k % 2
                  else ring.from_dict({(0, 0, 0): rng.randrange(1, 7)}))
        a = random_poly(ring, rng, 120, 5) * common * (6 if k == 4 else 1)
        b = random_poly(ring, rng, 110, 5) * common
        assert ring.gcd(a, b) == ring.normal_sign(a.gcd(b))


def test_coprimality_is_never_claimed_for_a_common_factor() -> None:
    """(1 + a b) divides both: never 'proven coprime', whatever the random point."""
    ring = PolynomialRing(["a", "b"], "sympy")
    rng = random.Random(1)
    g = ring.from_dict({(1, 1): 1, (0, 0): 1})
    for _ in range(10):
        a = random_poly(ring, rng, 30, 4) * g
        b = random_poly(ring, rng, 30, 4) * g
        assert not _provably_coprime(ring.to_dict(a), ring.to_dict(b), 2)


def test_a_factor_in_one_variable_only_is_found() -> None:
    """A common factor (b + 2) not involving a: the proof looks along every shared variable."""
    ring = PolynomialRing(["a", "b"], "sympy")
    rng = random.Random(2)
    g = ring.from_dict({(0, 1): 1, (0, 0): 2})
    a = random_poly(ring, rng, 150, 4) * g
    b = random_poly(ring, rng, 150, 4) * g
    assert not _provably_coprime(ring.to_dict(a), ring.to_dict(b), 2)
    assert ring.gcd(a, b) == ring.normal_sign(a.gcd(b))
