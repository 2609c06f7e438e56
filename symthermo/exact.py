"""Exact polynomial arithmetic and fraction-free sparse elimination (the closure's solver).

A :class:`PolynomialRing` is Z[x_1, ..., x_k] over named generators, on one of two backends
with the *same results* (exact arithmetic; every result is normalised the same way):

* ``"flint"``: python-flint's ``fmpz_mpoly`` (C, optional extra ``flint``), used when
  python-flint is importable;
* ``"sympy"``: sympy's sparse ``PolyElement`` over ``ZZ`` (pure Python), otherwise.

Polynomials leave the ring only as canonical dicts ``{exponent tuple: int}`` (:meth:`to_dict`),
so what is printed never depends on the backend.  gcds are unique up to sign; every quotient
``num/den`` is normalised with :func:`normalise_fraction` (gcd cancelled, the denominator's
lex-leading coefficient positive).

:func:`solve_fraction_free` solves a square sparse system A x = b over the ring by forward
elimination without fractions (Bareiss: each update divides exactly by the previous pivot, so
entries stay minors of the matrix) and fraction-free back substitution; no gcd is needed until
the end, where x_k = X_k / det is cancelled once.  Pivots are chosen by a Markowitz count
(fewest fill-ins, then the shortest pivot entry, then the lowest index): deterministic.

Measured (2 shared cores, python-flint 0.9, sympy 1.14): on the 7 x 7 block of the generic
anisotropic common-reservoirs model (9 parameters, results of ~1000 terms) this elimination
takes 1.2 s; Gauss-Jordan with Bareiss division 4.2 s; Gauss-Jordan with gcd-reduced rows
(r <- (a_pk r - a_rk p)/g, then r divided by the gcd of its entries, which leaves sparse rows
untouched) 48 s, the gcds of large multivariate polynomials dominating; sympy's
``solve_den_charpoly`` 1.3 s but without the final gcd.  End to end (bench/closed_forms.py,
state plus currents): the three-qubit chain 0.36 s and the refrigerator 0.65 s with flint
(1.0 s and 0.8 s pure sympy), against 82 s and 66 s for the previous route (sympy's
``solve_den_charpoly`` on whole Pauli components, then ``cancel``/``factor`` of the currents).
Pure sympy is slow on large multivariate polynomials: 378 s for all 255 stationary values of
the four-qubit chain (flint: 1.2 s), ~100 s of it in gcds of ~1000-term values with their
block's determinant; with the shared-denominator cancellation (:class:`_SharedDenominator`)
those gcds take ~13 s and the whole run 271 s (loaded machine), the rest being sympy's exact
divisions of the Bareiss updates (polynomials of up to ~9000 terms).  Since gcds of large
polynomials first try a modular proof of coprimality (:func:`_provably_coprime`: most values
are coprime to their denominator once the block's common factor is gone), 51 s, same bytes.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from math import gcd, lcm

try:  # optional extra "flint"
    import flint as _flint
except ImportError:  # pragma: no cover - depends on the environment
    _flint = None

BACKENDS = ("flint", "sympy") if _flint is not None else ("sympy",)
DEFAULT_BACKEND = BACKENDS[0]

Exponents = tuple[int, ...]
PolyDict = dict  # {Exponents: int}


class PolynomialRing:
    """Z[gens] on the chosen backend (see the module docstring)."""

    def __init__(self, names: Sequence[str], backend: str | None = None) -> None:
        backend = backend or DEFAULT_BACKEND
        if backend not in BACKENDS:
            raise ValueError(f"backend {backend!r} is not available; use one of {BACKENDS}")
        self.names = tuple(names)
        self.backend = backend
        self.nvars = len(self.names)
        if backend == "flint":
            if self.nvars:
                self._ctx = _flint.fmpz_mpoly_ctx.get(self.names, "lex")
            else:  # flint needs at least one generator: a dummy that never appears
                self._ctx = _flint.fmpz_mpoly_ctx.get(("_unused",), "lex")
        else:
            from sympy.polys.domains import ZZ
            from sympy.polys.rings import PolyRing

            self._ring = PolyRing(self.names or ("_unused",), ZZ)
        self.zero = self.from_dict({})
        self.one = self.from_dict({(0,) * self.nvars: 1})

    # conversion ---------------------------------------------------------------------------
    def from_dict(self, d: Mapping[Exponents, int]) -> object:
        if not self.nvars:
            d = {(0,): sum(d.values())} if d else {}
        if self.backend == "flint":
            return self._ctx.from_dict({k: int(v) for k, v in d.items() if v})
        return self._ring.from_dict({k: int(v) for k, v in d.items() if v})

    def to_dict(self, p: object) -> PolyDict:
        """Canonical {exponents: int}, keys sorted lex-descending."""
        if self.backend == "flint":
            items = [(tuple(int(e) for e in k), int(v)) for k, v in p.to_dict().items()]
        else:
            items = [(tuple(k), int(v)) for k, v in p.items()]
        if not self.nvars:
            items = [((), v) for _, v in items]
        return dict(sorted(items, reverse=True))

    # arithmetic ---------------------------------------------------------------------------
    def exquo(self, a: object, b: object) -> object:
        """a / b, exact (raises ArithmeticError if b does not divide a)."""
        if self.backend == "flint":
            try:
                return a / b
            except Exception as exc:  # DomainError
                raise ArithmeticError("inexact polynomial division") from exc
        try:
            return a.exquo(b)
        except Exception as exc:  # ExactQuotientFailed
            raise ArithmeticError("inexact polynomial division") from exc

    def divides(self, b: object, a: object) -> object | None:
        """a / b if b divides a, else None."""
        try:
            return self.exquo(a, b)
        except ArithmeticError:
            return None

    def gcd(self, a: object, b: object) -> object:
        """A gcd (sign normalised: lex-leading coefficient positive).

        On the pure-sympy backend, large polynomials are first tested for coprimality modulo a
        prime (:func:`_provably_coprime`, a proof, never a guess): then the gcd is the gcd of
        their integer contents, and sympy's heuristic gcd (seconds for two ~2000-term
        polynomials with 200-digit coefficients) is skipped."""
        if self.is_zero(a):
            return self.normal_sign(b)
        if self.is_zero(b):
            return self.normal_sign(a)
        if a == b:
            return self.normal_sign(a)
        if (self.backend == "sympy" and len(a) + len(b) > _COPRIME_TEST_TERMS
                and _provably_coprime(self.to_dict(a), self.to_dict(b), self.nvars)):
            return self.from_dict({(0,) * self.nvars: gcd(self.content(a), self.content(b))})
        return self.normal_sign(a.gcd(b))

    def is_zero(self, p: object) -> bool:
        return p == self.zero

    def is_constant(self, p: object) -> bool:
        if self.backend == "flint":
            return p.is_constant()
        return p.is_ground

    def terms(self, p: object) -> int:
        return len(p)

    def leading_coefficient(self, p: object) -> int:
        """The coefficient of the lex-largest monomial (0 for the zero polynomial)."""
        if self.is_zero(p):
            return 0
        if self.backend == "flint":
            return int(p.leading_coefficient())  # lex ordering: the first term
        return int(p.LC)

    def normal_sign(self, p: object) -> object:
        return -p if self.leading_coefficient(p) < 0 else p

    def content(self, p: object) -> int:
        """gcd of the integer coefficients (0 for the zero polynomial)."""
        g = 0
        for v in self.to_dict(p).values():
            g = gcd(g, v)
            if g == 1:
                break
        return g

    def scale(self, p: object, k: int) -> object:
        return p * k

    def monomial_content(self, p: object) -> Exponents:
        """The largest monomial dividing p (exponent-wise minimum)."""
        d = self.to_dict(p)
        if not d:
            return (0,) * self.nvars
        keys = list(d)
        return tuple(min(k[i] for k in keys) for i in range(self.nvars))

    def monomial(self, exps: Exponents, coefficient: int = 1) -> object:
        return self.from_dict({tuple(exps): coefficient})

    def evaluate_mod(self, p: object, point: Sequence[int], prime: int) -> int:
        """p at an integer point, modulo ``prime``."""
        total = 0
        for k, v in self.to_dict(p).items():
            term = v
            for e, x in zip(k, point, strict=False):
                if e:
                    term = term * pow(x, e, prime) % prime
            total += term
        return total % prime

    def evaluate(self, p: object, point: Sequence[Fraction]) -> Fraction:
        total = Fraction(0)
        for k, v in self.to_dict(p).items():
            term = Fraction(v)
            for e, x in zip(k, point, strict=False):
                if e:
                    term *= x**e
            total += term
        return total


_COPRIME_TEST_TERMS = 200
_COPRIME_PRIME = 2**61 - 1


def _univariate_mod(poly: PolyDict, v: int, point: Sequence[int], p: int) -> list[int]:
    """Coefficients (low to high) of poly in variable v, the others at ``point``, mod p."""
    coeffs: dict[int, int] = {}
    for exps, c in poly.items():
        term = c
        for u, e in enumerate(exps):
            if e and u != v:
                term = term * pow(point[u], e, p) % p
        coeffs[exps[v]] = (coeffs.get(exps[v], 0) + term) % p
    out = [0] * (max(coeffs) + 1)
    for e, c in coeffs.items():
        out[e] = c
    return out


def _gcd_degree_mod(a: list[int], b: list[int], p: int) -> int:
    """Degree of gcd(a, b) in F_p[x] (coefficient lists low to high, leading nonzero)."""
    while b:
        inv = pow(b[-1], -1, p)
        while len(a) >= len(b):
            f = a[-1] * inv % p
            shift = len(a) - len(b)
            for k, c in enumerate(b):
                a[shift + k] = (a[shift + k] - f * c) % p
            while a and a[-1] == 0:
                a.pop()
            if not a:
                break
        a, b = b, a
    return len(a) - 1


def _provably_coprime(a: PolyDict, b: PolyDict, nvars: int) -> bool:
    """True only if a and b have no common factor of positive degree (then gcd(a, b) is the
    gcd of their contents).  A common factor G divides both, so deg_v G <= min(deg_v a,
    deg_v b): only variables of both count.  For each such v, the others are set to a random
    point mod p; if a and b keep their degree in v there (so the leading coefficient of G in
    v, which divides theirs, does not vanish), G specialises to a factor of degree deg_v G of
    both univariate images: a univariate gcd of degree 0 proves deg_v G = 0.  False means
    "not proven" (the caller computes the gcd)."""
    p = _COPRIME_PRIME
    rng = random.Random(20261206)
    for v in range(nvars):
        deg_a = max(e[v] for e in a)
        deg_b = max(e[v] for e in b)
        if not deg_a or not deg_b:
            continue
        point = [rng.randrange(1, p) for _ in range(nvars)]
        ua = _univariate_mod(a, v, point, p)
        ub = _univariate_mod(b, v, point, p)
        if len(ua) - 1 != deg_a or len(ub) - 1 != deg_b or ua[-1] == 0 or ub[-1] == 0:
            return False
        if _gcd_degree_mod(ua, ub, p) > 0:
            return False
    return True


def normalise_fraction(ring: PolynomialRing, num: object, den: object) -> tuple[object, object]:
    """num/den with gcd(num, den) cancelled and den's leading coefficient positive."""
    if ring.is_zero(num):
        return ring.zero, ring.one
    g = ring.gcd(num, den)
    if not ring.is_constant(g) or ring.to_dict(g) != {(0,) * ring.nvars: 1}:
        num, den = ring.exquo(num, g), ring.exquo(den, g)
    if ring.leading_coefficient(den) < 0:
        num, den = -num, -den
    return num, den


def strongly_connected_components(
    nodes: Sequence[int], edges: Mapping[int, Iterable[int]]
) -> list[list[int]]:
    """Tarjan's algorithm, iterative; components in reverse topological order (a component
    comes after every component it has edges to), each sorted; deterministic in the input."""
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    on_stack: set[int] = set()
    stack: list[int] = []
    out: list[list[int]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            v, it = work[-1]
            advanced = False
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(edges.get(w, ())))))
                    advanced = True
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                u = work[-1][0]
                low[u] = min(low[u], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                out.append(sorted(comp))
    return out


def lcm_int(values: Iterable[int]) -> int:
    out = 1
    for v in values:
        out = lcm(out, v)
    return out


def solve_fraction_free(
    ring: PolynomialRing,
    rows: Sequence[Mapping[int, object]],
    rhs: Sequence[Sequence[object]],
) -> list[list[tuple[object, object]]]:
    """x with A x = b for square A (rows: {column: polynomial}), one column of x per column
    of b (``rhs[i]`` is row i of b); x[i][k] = (numerator, denominator), normalised.

    Forward elimination with Bareiss' exact division by the previous pivot (no gcd):

        r <- (a_pk r - a_rk p) / prev      for every remaining row r,

    so every entry stays a minor of the augmented matrix and the last pivot is det A (up to
    sign).  Back substitution is fraction free too: X_k = det * x_k is a polynomial (Cramer),

        X_k = (det * b_k - sum_{j after k} a_kj X_j) / a_kk        (exact division),

    and gcd(X_k, det) is cancelled once at the end.  A must be generically invertible (a zero
    pivot column raises ArithmeticError).
    """
    n = len(rows)
    ncols_b = len(rhs[0]) if rhs else 0
    work: list[dict[int, object]] = []
    for i in range(n):
        r = {j: v for j, v in rows[i].items() if not ring.is_zero(v)}
        for k in range(ncols_b):
            if not ring.is_zero(rhs[i][k]):
                r[n + k] = rhs[i][k]
        work.append(r)
    prev = ring.one
    remaining_rows = set(range(n))
    remaining_cols = set(range(n))
    order: list[tuple[int, int]] = []  # (pivot row, pivot column) in elimination order
    for _ in range(n):
        col_count: dict[int, int] = {}
        for i in remaining_rows:
            for j in work[i]:
                if j in remaining_cols:
                    col_count[j] = col_count.get(j, 0) + 1
        best = None
        for i in sorted(remaining_rows):
            r_len = sum(1 for j in work[i] if j in remaining_cols)
            for j, v in work[i].items():
                if j not in remaining_cols:
                    continue
                key = ((r_len - 1) * (col_count[j] - 1), ring.terms(v), i, j)
                if best is None or key < best:
                    best = key
        if best is None:
            raise ArithmeticError("singular block: no pivot left")
        _, _, p, k = best
        remaining_rows.discard(p)
        remaining_cols.discard(k)
        order.append((p, k))
        prow = work[p]
        a_pk = prow[k]
        unit = prev == ring.one
        for r in remaining_rows:
            row_r = work[r]
            a_rk = row_r.get(k)
            new: dict[int, object] = {}
            if a_rk is None:
                for j, v in row_r.items():
                    new[j] = a_pk * v if unit else ring.exquo(a_pk * v, prev)
            else:
                for j in set(row_r) | set(prow):
                    if j == k or (j < n and j not in remaining_cols):
                        continue
                    v = row_r.get(j)
                    w = prow.get(j)
                    val = (a_pk * v if v is not None else ring.zero) - (
                        a_rk * w if w is not None else ring.zero
                    )
                    if not ring.is_zero(val):
                        new[j] = val if unit else ring.exquo(val, prev)
            work[r] = new
        prev = a_pk
    det = prev
    out: list[list[tuple[object, object]]] = [[] for _ in range(n)]
    cancel = _SharedDenominator(ring, det)
    for c in range(ncols_b):
        big: dict[int, object] = {}  # column -> X = det * x
        for p, k in reversed(order):
            row = work[p]
            acc = det * row[n + c] if (n + c) in row else ring.zero
            for j, v in row.items():
                if j < n and j != k and j in big:
                    acc = acc - v * big[j]
            big[k] = ring.zero if ring.is_zero(acc) else ring.exquo(acc, row[k])
        for k in range(n):
            out[k].append(cancel(big[k]))
    return out


class _SharedDenominator:
    """x -> normalise_fraction(x, det) for many x over one det, reusing the last gcd found.

    The x_k = X_k / det of one block usually share a large common factor g with det (a factor
    of the Bareiss determinant that cancels from every value).  When the last full gcd g
    divides X (a cheap exact division), X/det = (X/g)/(det/g) is normalised against the small
    cofactor det/g instead of det; the result is the same canonical fraction (gcds are unique
    up to sign).  In pure sympy this replaces most gcds of ~1000-term polynomials (seconds
    each with sympy's heuristic gcd) by divisions."""

    def __init__(self, ring: PolynomialRing, det: object) -> None:
        self.ring = ring
        self.det = det
        self.known: tuple[object, object] | None = None  # (g, det / g)

    def __call__(self, x: object) -> tuple[object, object]:
        ring = self.ring
        if ring.is_zero(x):
            return ring.zero, ring.one
        if self.known is not None:
            g, cofactor = self.known
            q = ring.divides(g, x)
            if q is not None:
                return normalise_fraction(ring, q, cofactor)
        g = ring.gcd(x, self.det)
        if not ring.is_constant(g):
            self.known = (g, ring.exquo(self.det, g))
        return normalise_fraction(ring, ring.exquo(x, g), ring.exquo(self.det, g))


