"""Exact solution of a square polynomial system by evaluation and interpolation modulo primes.

The same contract as :func:`symthermo.exact.solve_fraction_free` (A x = b over Z[x_1..x_k],
x_i returned as normalised fractions, so both routes give the same bytes), for blocks where
fraction-free elimination drowns in expression swell: the 69 coupled moments of
coupled-ensembles' four-qubit models with two thermal factors symbolic took 228-270 s there,
since every Bareiss update is a product of bivariate polynomials of thousands of terms with
coefficients of hundreds of digits.  Here no polynomial is ever multiplied:

1. By Cramer's rule ``det A`` and ``X_i = det A * x_i`` (det of A with column i replaced by b)
   are polynomials with integer coefficients.  Their degree in each variable is bounded by the
   sum over rows of the row's largest degree, and found exactly (with probability
   1 - deg/p per variable) by interpolating along that variable at a random point of the others.
2. Modulo a prime p < 2^31, A and b are evaluated on a tensor grid of (deg_v + 1) random nodes
   per variable, and every grid point is solved at once by sparse Gaussian elimination
   vectorised in numpy (int64: products of two residues stay below 2^62), in one pivot order
   for all points: a Markowitz order on the structure of A, fill-in tracked structurally, each
   pivot nonzero at a random point.  ``det`` is the product of the pivots, X = det * x.  A grid
   point where a pivot vanishes (probability ~ deg/p) makes the prime be skipped.
3. Each axis of the grid is interpolated by one matrix product with the inverse Vandermonde
   matrix of its nodes (from the Lagrange basis, O(d^2)); the coefficients mod p of all primes
   are combined by Garner's mixed-radix Chinese remaindering in the symmetric range, prime by
   prime, until a new prime changes no coefficient.
4. The integer polynomials are verified exactly at a random integer point (A X = b det with
   Python integers; a wrong reconstruction survives only with probability deg/2^64), and
   x_i = X_i / det is normalised (gcd cancelled) on the ring's backend.

The grid has prod_v (deg_v + 1) points, so the route suits blocks in a few symbols (the
thermal occupations at the paper's numbers, a coupling and a frequency, ...).  When the grid
would exceed ``max_points`` it raises :class:`InterpolationTooLargeError`, which names the degrees,
so the caller can say which symbols to fix.  Deterministic: nodes and probe points come from a
fixed seed, primes in a fixed order, so results (and timings) do not depend on the run.

Measured (bench/interpolation.py, 2 shared cores, one BLAS thread): coupled-ensembles
H_I^(1) met simultaneously, a 69-moment block, at the paper's couplings and frequencies with
both thermal factors symbolic (degree 64 in each: a 65 x 65 grid, 22 primes): both heat
currents and the work current in 14 s, against 228 s by fraction-free elimination (16x; the
first version, dense elimination at every grid point, took 80-87 s).  With one symbol left
the two routes are level (0.8 s against 1.5 s with a thermal factor, 0.8 s against 0.4 s with
the coupling Omega).  Same bytes on every route and backend.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from math import gcd

import numpy as np

from .exact import PolynomialRing, _SharedDenominator

MAX_POINTS = 20_000  # grid points per prime (a 69-moment block: ~3 s per prime at the limit)
MAX_PRIMES = 400  # coefficients of up to ~3700 digits
_SEED = 20261206
_MAX_AXIS = 2**14  # nodes per axis: keeps the int64 products of _matmul_mod below 2^63


class InterpolationTooLargeError(ArithmeticError):
    """The evaluation grid of a block would exceed ``limit`` points; ``degrees`` maps the
    ring's variable index to the degree of det A and the X_i in it."""

    def __init__(self, degrees: dict[int, int], points: int, limit: int) -> None:
        self.degrees = degrees
        self.points = points
        self.limit = limit
        super().__init__(
            f"the exact solution has degrees {degrees} in the ring's variables: a grid of "
            f"{points} points per prime (limit {limit})"
        )


class _UnluckyPointError(Exception):
    """A grid point where a pivot vanishes modulo the prime: the prime is skipped."""


def _primes() -> list[int]:
    """Primes below 2^31 in decreasing order (fixed, so every run uses the same ones)."""
    from sympy import prevprime

    out, p = [], 2**31
    for _ in range(MAX_PRIMES):
        p = prevprime(p)
        out.append(p)
    return out


_PRIME_LIST: list[int] = []


def _prime_list() -> list[int]:
    if not _PRIME_LIST:
        _PRIME_LIST.extend(_primes())
    return _PRIME_LIST


# --- arithmetic modulo p on int64 arrays --------------------------------------------------------


def _inverse_mod(a: np.ndarray, p: int) -> np.ndarray:
    """a^(p-2) mod p elementwise (a != 0)."""
    result = np.ones_like(a)
    base = a % p
    e = p - 2
    while e:
        if e & 1:
            result = result * base % p
        base = base * base % p
        e >>= 1
    return result


def _matmul_mod(a: np.ndarray, b: np.ndarray, p: int) -> np.ndarray:
    """a @ b mod p for residues below 2^31 (b split in 16-bit halves: no int64 overflow for
    inner dimensions below 2^15)."""
    lo = b & 0xFFFF
    hi = b >> 16
    return ((a @ hi % p) * 65536 + a @ lo % p) % p


def _inverse_vandermonde(nodes: Sequence[int], p: int) -> np.ndarray:
    """V^-1 mod p for V[i, j] = nodes[i]^j: column i holds the coefficients of the Lagrange
    basis polynomial L_i (L_i(nodes[j]) = delta_ij), so coefficients = V^-1 @ values."""
    m = len(nodes)
    master = [1]  # prod_j (x - t_j), coefficients low to high
    for t in nodes:
        nxt = [0] * (len(master) + 1)
        for k, c in enumerate(master):
            nxt[k] = (nxt[k] - t * c) % p
            nxt[k + 1] = (nxt[k + 1] + c) % p
        master = nxt
    out = np.zeros((m, m), dtype=np.int64)
    for i, t in enumerate(nodes):
        # quotient q = master / (x - t) by synthetic division (high to low)
        q = [0] * m
        carry = 0
        for k in range(m, 0, -1):
            carry = (master[k] + carry * t) % p
            q[k - 1] = carry
        denom = 1
        for j, s in enumerate(nodes):
            if j != i:
                denom = denom * (t - s) % p
        inv = pow(denom, -1, p)
        out[:, i] = [c * inv % p for c in q]
    return out


# --- the solver ---------------------------------------------------------------------------------


class _Block:
    """A x = b with entries as {exponents: int} dicts over the used variables."""

    def __init__(self, ring: PolynomialRing, rows: Sequence[Mapping[int, object]],
                 rhs: Sequence[Sequence[object]]) -> None:
        self.n = len(rows)
        self.ncols = len(rhs[0]) if rhs else 0
        self.nvars = ring.nvars
        entries: dict[tuple[int, int], dict] = {}
        for i, row in enumerate(rows):
            for j, v in row.items():
                d = ring.to_dict(v)
                if d:
                    entries[(i, j)] = d
            for k in range(self.ncols):
                d = ring.to_dict(rhs[i][k])
                if d:
                    entries[(i, self.n + k)] = d
        used = sorted({v for d in entries.values() for e in d for v, x in enumerate(e) if x})
        # a variable met only in powers of x^s (a coupling g through rates g^2) is
        # interpolated in u = x^s: det A and the X_i are polynomials in the entries
        self.stride = {v: 0 for v in used}
        for d in entries.values():
            for e in d:
                for v in used:
                    self.stride[v] = gcd(self.stride[v], e[v])
        self.entries = {
            key: {tuple(x // self.stride[v] if x else 0 for v, x in enumerate(e)): c
                  for e, c in d.items()}
            for key, d in entries.items()
        }
        self.variables = used

    def degree_bound(self, v: int) -> int:
        """Sum over rows of the row's largest degree in variable v (bounds det A and every X_i,
        whose rows are rows of the augmented matrix)."""
        best: dict[int, int] = {}
        for (i, _), d in self.entries.items():
            deg = max(e[v] for e in d)
            best[i] = max(best.get(i, 0), deg)
        return sum(best.values())

    def evaluate(self, values: dict[int, np.ndarray], size: int, p: int) -> np.ndarray:
        """The augmented matrix at ``size`` points (values[v]: the variable's residues)."""
        out = np.zeros((size, self.n, self.n + self.ncols), dtype=np.int64)
        powers: dict[tuple[int, int], np.ndarray] = {}

        def power(v: int, e: int) -> np.ndarray:
            key = (v, e)
            if key not in powers:
                powers[key] = values[v] if e == 1 else power(v, e - 1) * values[v] % p
            return powers[key]

        for (i, j), d in self.entries.items():
            acc = np.zeros(size, dtype=np.int64)
            for exps, c in d.items():
                term = np.full(size, c % p, dtype=np.int64)
                for v, e in enumerate(exps):
                    if e:
                        term = term * power(v, e) % p
                acc += term
            out[:, i, j] = acc % p
        return out


@dataclass(frozen=True)
class _Plan:
    """A sparse elimination order, the same at every point: step k pivots on (row, column) and
    updates ``targets`` (rows with a structural entry in that column) on ``columns`` (the pivot
    row's structural pattern among the columns not yet eliminated, and the right-hand sides).
    Chosen by a Markowitz count (fewest fill-ins) on the structural pattern, with each pivot
    nonzero at a random point (so nonzero generically)."""

    steps: tuple[tuple[int, int, np.ndarray, np.ndarray], ...]


def _elimination_plan(block: _Block, point: dict[int, int], p: int) -> _Plan:
    """Markowitz order on the structure of A (fill-in tracked structurally, a superset of the
    true pattern at every point); raises ArithmeticError if A is singular at ``point``."""
    n = block.n
    aug = block.evaluate({v: np.array([x]) for v, x in point.items()}, 1, p)[0]
    values = [{j: int(aug[i, j]) for j in range(n) if aug[i, j]} for i in range(n)]
    pattern = [set() for _ in range(n)]
    for (i, j) in block.entries:
        if j < n:
            pattern[i].add(j)
    rows, cols = set(range(n)), set(range(n))
    rhs = list(range(n, n + block.ncols))
    steps = []
    for _ in range(n):
        count: dict[int, int] = {}
        for i in rows:
            for j in pattern[i]:
                count[j] = count.get(j, 0) + 1
        best = None
        for i in sorted(rows):
            for j in sorted(pattern[i]):
                if values[i].get(j, 0):
                    key = ((len(pattern[i]) - 1) * (count[j] - 1), i, j)
                    if best is None or key < best:
                        best = key
        if best is None:
            raise ArithmeticError("singular block: no pivot at a random point")
        _, r, c = best
        rows.discard(r)
        cols.discard(c)
        targets = sorted(i for i in rows if c in pattern[i])
        prow = sorted(pattern[r] - {c})
        inv = pow(values[r][c], -1, p)
        for i in targets:
            f = values[i].pop(c, 0) * inv % p
            pattern[i] |= set(prow)
            pattern[i].discard(c)
            for j in prow:
                w = (values[i].get(j, 0) - f * values[r].get(j, 0)) % p
                if w:
                    values[i][j] = w
                else:
                    values[i].pop(j, None)
        steps.append((r, c, np.array(targets, dtype=np.intp),
                      np.array(prow + rhs, dtype=np.intp)))
    return _Plan(tuple(steps))


def _solve_points(aug: np.ndarray, n: int, plan: _Plan, p: int) -> np.ndarray:
    """det A (up to a sign common to all points, which cancels from X_i/det) and
    X = det A * x at every point: returns (points, 1 + n * ncols) residues (det first, then X
    column by column).  Sparse elimination in the fixed ``plan``; a point where a pivot
    vanishes raises :class:`_UnluckyPointError` (the caller moves on to the next prime)."""
    g = aug.shape[0]
    ncols = aug.shape[2] - n
    det = np.ones(g, dtype=np.int64)
    for r, c, targets, columns in plan.steps:
        piv = aug[:, r, c]
        if not piv.all():
            raise _UnluckyPointError
        det = det * piv % p
        inv = _inverse_mod(piv, p)
        prow = aug[:, r, columns] * inv[:, None] % p  # unit pivot row
        aug[:, r, columns] = prow
        if len(targets):
            f = aug[:, targets, c]
            where = (slice(None), targets[:, None], columns[None, :])
            aug[where] = (aug[where] - f[:, :, None] * prow[:, None, :]) % p
    x = np.zeros((g, n, ncols), dtype=np.int64)
    for r, c, _, columns in reversed(plan.steps):
        inner = columns[:-ncols] if ncols else columns
        acc = aug[:, r, n:]
        if len(inner):
            acc = (acc - (aug[:, r, inner][:, :, None] * x[:, inner, :] % p).sum(axis=1)) % p
        x[:, c, :] = acc
    out = np.empty((g, 1 + n * ncols), dtype=np.int64)
    out[:, 0] = det
    out[:, 1:] = (x * det[:, None, None] % p).transpose(0, 2, 1).reshape(g, n * ncols)
    return out


def _solve_grid(block: _Block, plan: _Plan, axes: list[tuple[int, list[int]]],
                p: int) -> np.ndarray:
    """det and X at every point of the tensor grid ``axes`` ([(variable, nodes)], first axis
    slowest), as residues of shape (*nodes, 1 + n * ncols)."""
    shape = [len(nodes) for _, nodes in axes]
    size = int(np.prod(shape)) if shape else 1
    grids = np.meshgrid(*[np.array(nodes, dtype=np.int64) for _, nodes in axes],
                        indexing="ij") if axes else []
    flat = {v: g.reshape(-1) for (v, _), g in zip(axes, grids, strict=True)}
    width = block.n + block.ncols
    chunk = max(1, 2_000_000 // (block.n * width))
    out = np.empty((size, 1 + block.n * block.ncols), dtype=np.int64)
    for start in range(0, size, chunk):
        stop = min(size, start + chunk)
        values = {v: f[start:stop] for v, f in flat.items()}
        aug = block.evaluate(values, stop - start, p)
        out[start:stop] = _solve_points(aug, block.n, plan, p)
    return out.reshape(*shape, -1)


def _interpolate(values: np.ndarray, axes: list[tuple[int, list[int]]], p: int) -> np.ndarray:
    """Coefficients mod p from values on the tensor grid (axis a: powers 0..len(nodes)-1)."""
    out = values
    for a, (_, nodes) in enumerate(axes):
        inv = _inverse_vandermonde(nodes, p)
        moved = np.moveaxis(out, a, 0)
        flat = moved.reshape(len(nodes), -1)
        out = np.moveaxis(_matmul_mod(inv, flat, p).reshape(moved.shape), 0, a)
    return out


def _distinct_nodes(rng: random.Random, count: int, p: int) -> list[int]:
    nodes: list[int] = []
    seen: set[int] = set()
    while len(nodes) < count:
        t = rng.randrange(1, p)
        if t not in seen:
            seen.add(t)
            nodes.append(t)
    return nodes


def _probe_degree(block: _Block, plan: _Plan, v: int, point: dict[int, int],
                  rng: random.Random, p: int) -> int:
    """The degree in variable v of det A and the X_i: interpolated along v (bound + 1 nodes)
    with the other variables at ``point``."""
    bound = block.degree_bound(v)
    if bound >= _MAX_AXIS:  # not probed: the grid is refused anyway
        return bound
    nodes = _distinct_nodes(rng, bound + 1, p)
    axes = [(u, [point[u]]) for u in block.variables if u != v] + [(v, nodes)]
    for _ in range(8):
        try:
            coeffs = _interpolate(_solve_grid(block, plan, axes, p), axes, p)
            break
        except _UnluckyPointError:
            axes[-1] = (v, _distinct_nodes(rng, bound + 1, p))
    else:
        raise ArithmeticError("interpolation: no lucky evaluation points found")
    along = coeffs.reshape(bound + 1, -1)
    nonzero = np.nonzero(along.any(axis=1))[0]
    return int(nonzero[-1]) if len(nonzero) else 0


def _evaluate_int(poly: dict, point: Sequence[int]) -> int:
    total = 0
    for exps, c in poly.items():
        term = c
        for e, x in zip(exps, point, strict=True):
            if e:
                term *= x**e
        total += term
    return total


def solve_by_interpolation(
    ring: PolynomialRing,
    rows: Sequence[Mapping[int, object]],
    rhs: Sequence[Sequence[object]],
    max_points: int = MAX_POINTS,
) -> list[list[tuple[object, object]]]:
    """x with A x = b for square A, as :func:`symthermo.exact.solve_fraction_free` (same
    normalised fractions), by evaluation and interpolation modulo primes (module docstring).

    Raises :class:`InterpolationTooLargeError` when the grid would exceed ``max_points`` points and
    ArithmeticError when A is singular (at a random point, then identically after
    interpolation)."""
    block = _Block(ring, rows, rhs)
    n, ncols = block.n, block.ncols
    rng = random.Random(_SEED)
    primes = _prime_list()
    p0 = primes[0]
    point = {v: rng.randrange(1, p0) for v in block.variables}
    plan = _elimination_plan(block, point, p0)
    degrees = {v: _probe_degree(block, plan, v, point, rng, p0) for v in block.variables}
    shape = [degrees[v] + 1 for v in block.variables]
    size = int(np.prod(shape, dtype=object)) if shape else 1
    if size > max_points or max(degrees.values(), default=0) >= _MAX_AXIS:
        raise InterpolationTooLargeError(
            {v: d * block.stride[v] for v, d in degrees.items()}, size, max_points)
    polys = _reconstruct(block, plan, degrees, rng, primes)
    if polys is None:  # a probe missed a degree (probability ~ deg/p): the bounds, once
        bounds = {v: block.degree_bound(v) for v in block.variables}
        if int(np.prod([d + 1 for d in bounds.values()], dtype=object)) <= max_points:
            polys = _reconstruct(block, plan, bounds, rng, primes)
    if polys is None:
        raise ArithmeticError("interpolation: the reconstructed solution failed its exact check")
    det = ring.from_dict(polys[0])
    if ring.is_zero(det):
        raise ArithmeticError("singular block: det A is identically zero")
    cancel = _SharedDenominator(ring, det)
    out: list[list[tuple[object, object]]] = [[] for _ in range(n)]
    for c in range(ncols):
        for k in range(n):
            out[k].append(cancel(ring.from_dict(polys[1 + c * n + k])))
    return out


def _reconstruct(block: _Block, plan: _Plan, degrees: dict[int, int], rng: random.Random,
                 primes: list[int]) -> list[dict] | None:
    """det A and the X_i as {exponents: int}, prime by prime until stable and verified; None
    when two stable reconstructions fail the exact check (degrees too low)."""
    shape = [degrees[v] + 1 for v in block.variables]
    targets = 1 + block.n * block.ncols
    crt = _MixedRadix()
    failures = 0
    for p in primes:
        axes = [(v, _distinct_nodes(rng, degrees[v] + 1, p)) for v in block.variables]
        try:
            residues = _interpolate(_solve_grid(block, plan, axes, p), axes, p)
        except _UnluckyPointError:
            continue
        if crt.add(residues.reshape(-1, targets).T.reshape(-1), p):
            coefficients = crt.values().reshape(targets, *shape)
            polys = [_to_dict(coefficients[t], block.variables, block.nvars, block.stride)
                     for t in range(targets)]
            if _verify(block, polys, rng):
                return polys
            failures += 1
            if failures == 2:
                return None
    return None


class _MixedRadix:
    """Chinese remaindering of many integers at once (Garner): v = d_0 + d_1 p_0 +
    d_2 p_0 p_1 + ..., each digit in the symmetric range (-p_k/2, p_k/2], computed with int64
    arithmetic modulo p_k; a coefficient is stable when its new digit is 0."""

    def __init__(self) -> None:
        self.primes: list[int] = []
        self.digits: list[np.ndarray] = []

    def add(self, residues: np.ndarray, p: int) -> bool:
        """Take the residues modulo p; True when no value changed (after the first prime)."""
        partial = np.zeros_like(residues)  # sum_j d_j m_j modulo p (Horner from the top)
        for d, q in zip(reversed(self.digits), reversed(self.primes), strict=True):
            partial = (partial * q + d) % p
        m = 1
        for q in self.primes:
            m = m * q % p
        digit = (residues - partial) % p * pow(m, -1, p) % p
        digit = np.where(digit > p // 2, digit - p, digit)
        self.primes.append(p)
        self.digits.append(digit)
        return len(self.digits) > 1 and not digit.any()

    def values(self) -> np.ndarray:
        """The integers (object array), in the symmetric range of the product of the primes."""
        out = np.zeros(self.digits[0].shape, dtype=object)
        live = np.zeros(out.shape, dtype=bool)
        for d in self.digits:
            live |= d != 0
        idx = np.nonzero(live)[0]
        acc = np.zeros(len(idx), dtype=object)
        for d, q in zip(reversed(self.digits), reversed(self.primes), strict=True):
            acc = acc * q + d[idx].astype(object)
        out[idx] = acc
        return out


def _to_dict(coefficients: np.ndarray, variables: list[int], nvars: int,
             stride: dict[int, int] | None = None) -> dict:
    """{exponents: int} from a coefficient tensor (axis k: powers of variables[k]**stride)."""
    stride = stride or {}
    coefficients = np.asarray(coefficients, dtype=object)
    out = {}
    if not variables:
        value = int(coefficients.reshape(-1)[0]) if coefficients.size else 0
        return {(0,) * nvars: value} if value else {}
    for index in zip(*np.nonzero(coefficients), strict=True):
        exps = [0] * nvars
        for v, e in zip(variables, index, strict=True):
            exps[v] = int(e) * stride.get(v, 1)
        out[tuple(exps)] = int(coefficients[index])
    return out


def _verify(block: _Block, polys: list[dict], rng: random.Random) -> bool:
    """A X = b det at a random integer point, exactly (Python integers)."""
    point = [rng.randrange(-(2**64), 2**64) for _ in range(block.nvars)]
    det = _evaluate_int(polys[0], point)
    if det == 0:
        return False
    n = block.n
    rows: dict[int, dict[int, int]] = {}
    u = [x ** block.stride.get(v, 1) for v, x in enumerate(point)]  # entries are in u = x^s
    for (i, j), d in block.entries.items():
        rows.setdefault(i, {})[j] = _evaluate_int(d, u)
    for c in range(block.ncols):
        x = [_evaluate_int(polys[1 + c * n + k], point) for k in range(n)]
        for i in range(n):
            row = rows.get(i, {})
            lhs = sum(a * x[j] for j, a in row.items() if j < n)
            if lhs != row.get(n + c, 0) * det:
                return False
    return True
