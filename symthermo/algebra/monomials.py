"""Operator monomials and their products, in canonical form.

A monomial (``OMono``) is a tuple of ``(site_name, local)`` pairs, one per site, sorted by
:func:`site_sort_key`; the empty tuple is the identity.  ``local`` is

* for a qubit, an int 1, 2, 3 for sigma_x, sigma_y, sigma_z (the identity is left out), so a
  qubit monomial is a Pauli string;
* for a boson, a pair ``(m, n)`` with m + n > 0 for the normal-ordered ``a^dag^m a^n``.

Products are returned as a tuple of terms ``(factor, ipow, monomial)`` meaning
``factor * i**ipow * monomial`` with integer ``factor`` and ``ipow`` in {0, 1, 2, 3}.
Conventions are data, not branches: ``PAULI_PRODUCT`` is the table sigma_a sigma_b =
delta_ab + i eps_abc sigma_c, and bosons use the Wick rule

    a^n a^dag^p = sum_k k! C(n,k) C(p,k) a^dag^(p-k) a^(n-k).

Every routine is a pure function of hashable tuples and is memoised.
"""

from __future__ import annotations

from math import comb, factorial

from ..errors import SiteError
from .sites import site_sort_key

OMono = tuple
Term = tuple[int, int, OMono]

LOCAL_NAMES = {1: "x", 2: "y", 3: "z"}

# sigma_a sigma_b = (ipow, c): i**ipow * sigma_c (c = 0: identity), sign folded into ipow
PAULI_PRODUCT: dict[tuple[int, int], tuple[int, int]] = {
    (1, 1): (0, 0), (2, 2): (0, 0), (3, 3): (0, 0),
    (1, 2): (1, 3), (2, 3): (1, 1), (3, 1): (1, 2),
    (2, 1): (3, 3), (3, 2): (3, 1), (1, 3): (3, 2),
}


def is_boson_local(local: object) -> bool:
    return isinstance(local, tuple)


def _local_product(site: str, p: object, q: object) -> list[tuple[int, int, object]]:
    """Product of two local operators on one site: list of (factor, ipow, local-or-None)."""
    if isinstance(p, int) and isinstance(q, int):
        ipow, c = PAULI_PRODUCT[(p, q)]
        return [(1, ipow, c or None)]
    if isinstance(p, tuple) and isinstance(q, tuple):
        m, n = p
        r, s = q
        out = []
        for k in range(min(n, r) + 1):
            f = factorial(k) * comb(n, k) * comb(r, k)
            loc = (m + r - k, n + s - k)
            out.append((f, 0, loc if loc != (0, 0) else None))
        return out
    raise SiteError(
        f"site {site!r} is used both as a qubit and as a boson; give the two different names"
    )


_product_cache: dict[tuple[OMono, OMono], tuple[Term, ...]] = {}


def monomial_product(a: OMono, b: OMono) -> tuple[Term, ...]:
    """Canonical expansion of the product a*b (terms with distinct monomials)."""
    key = (a, b)
    hit = _product_cache.get(key)
    if hit is not None:
        return hit
    if not a:
        result: tuple[Term, ...] = ((1, 0, b),)
    elif not b:
        result = ((1, 0, a),)
    else:
        # partial results: list of (factor, ipow, list-of-pairs)
        partial: list[tuple[int, int, list]] = [(1, 0, [])]
        i = j = 0
        while i < len(a) or j < len(b):
            if j >= len(b) or (i < len(a) and site_sort_key(a[i][0]) < site_sort_key(b[j][0])):
                for t in partial:
                    t[2].append(a[i])
                i += 1
            elif i >= len(a) or site_sort_key(b[j][0]) < site_sort_key(a[i][0]):
                for t in partial:
                    t[2].append(b[j])
                j += 1
            else:
                site = a[i][0]
                options = _local_product(site, a[i][1], b[j][1])
                if len(options) == 1:
                    f, ip, loc = options[0]
                    new = []
                    for (f0, ip0, pairs) in partial:
                        if loc is not None:
                            pairs.append((site, loc))
                        new.append((f0 * f, ip0 + ip, pairs))
                    partial = new
                else:
                    new = []
                    for (f0, ip0, pairs) in partial:
                        for f, ip, loc in options:
                            p2 = [*pairs, (site, loc)] if loc is not None else list(pairs)
                            new.append((f0 * f, ip0 + ip, p2))
                    partial = new
                i += 1
                j += 1
        result = tuple((f, ip % 4, tuple(pairs)) for f, ip, pairs in partial)
    _product_cache[key] = result
    return result


_commutator_cache: dict[tuple[OMono, OMono], tuple[Term, ...]] = {}


def monomial_commutator(a: OMono, b: OMono) -> tuple[Term, ...]:
    """Canonical expansion of [a, b] (zero terms dropped)."""
    key = (a, b)
    hit = _commutator_cache.get(key)
    if hit is not None:
        return hit
    da = dict(a)
    shared = [s for s, _ in b if s in da]
    if not shared:
        result: tuple[Term, ...] = ()
    elif all(isinstance(da[s], int) for s in shared) and all(
        isinstance(loc, int) for s, loc in b if s in da
    ):
        db = dict(b)
        anti = sum(1 for s in shared if da[s] != db[s])
        if anti % 2 == 0:
            result = ()
        else:
            result = tuple((2 * f, ip, m) for f, ip, m in monomial_product(a, b))
    else:
        acc: dict[tuple[OMono, int], int] = {}
        for sign, terms in ((1, monomial_product(a, b)), (-1, monomial_product(b, a))):
            for f, ip, m in terms:
                k = (m, ip % 2)
                acc[k] = acc.get(k, 0) + (sign * f if ip < 2 else -sign * f)
        out = [(v, ip, m) for (m, ip), v in acc.items() if v]
        result = tuple(out)
    _commutator_cache[key] = result
    return result


def monomial_dagger(a: OMono) -> OMono:
    """Hermitian conjugate of a canonical monomial (Pauli strings are Hermitian)."""
    return tuple((s, (loc[1], loc[0]) if isinstance(loc, tuple) else loc) for s, loc in a)


def monomial_sort_key(a: OMono) -> tuple:
    """Deterministic printing order: by degree, then sites, then local operators."""
    return (
        len(a),
        tuple((site_sort_key(s), loc if isinstance(loc, tuple) else (loc,)) for s, loc in a),
    )


def local_str(site: str, loc: object) -> str:
    if isinstance(loc, int):
        return f"sigma^{LOCAL_NAMES[loc]}_{{{site}}}"
    m, n = loc
    parts = []
    if m:
        parts.append(f"a^dag_{{{site}}}" if m == 1 else f"(a^dag_{{{site}}})^{m}")
    if n:
        parts.append(f"a_{{{site}}}" if n == 1 else f"(a_{{{site}}})^{n}")
    return " ".join(parts)


def monomial_str(a: OMono) -> str:
    if not a:
        return "1"
    return " ".join(local_str(s, loc) for s, loc in a)
