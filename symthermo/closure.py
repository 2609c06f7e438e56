"""Closed Heisenberg equations on Pauli strings and symbolic steady states (qubit systems).

For a system of n qubits the adjoint generator maps a Pauli string to a combination of Pauli
strings and the identity, so the 4^n - 1 expectations x_P = <P> obey the closed linear system

    dx/dt = M x + c        (M, c exact sympy, from :func:`symthermo.thermo.adjoint_generator`).

Steady states solve M x = -c.  The solution is computed exactly over Z[parameters], on the
real ladder coordinates of :mod:`symthermo.moments`, one diagonal block of the (block
triangular) system at a time, with the parameters treated as *generic* (substitute special
values, e.g. equal couplings, into the model first): blocks of up to ``INTERPOLATE_ABOVE``
moments by fraction-free elimination (:func:`symthermo.exact.solve_fraction_free`), larger
ones by evaluation and interpolation modulo primes
(:func:`symthermo.interpolation.solve_by_interpolation`; the same normalised fractions).  A
block too large for both is refused with the degree of its solution in each parameter.  When
the stationary space is not one point, the result
is the whole family: free constants ``k_1, k_2, ...`` and the conserved quantities (left null
vectors l of M with l.c = 0: d(l.x)/dt = 0) that fix them from an initial state.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import product

import sympy
from sympy.polys.matrices import DomainMatrix

from .algebra.coefficients import Scalar, atom, fast_add, fast_mul, sort_factors
from .algebra.expectation import Expectation, expectation
from .algebra.monomials import monomial_sort_key
from .algebra.operator import Operator, monomial_operator
from .closed_form import ClosedForm, closed_form, driving_factors
from .errors import ModelError
from .exact import (
    PolynomialRing,
    lcm_int,
    normalise_fraction,
    solve_fraction_free,
    strongly_connected_components,
)
from .interpolation import InterpolationTooLargeError, solve_by_interpolation
from .model import CollisionModel
from .moments import (
    MomentSystem,
    SitePermutation,
    SymmetryOrbits,
    all_qubit_coordinates,
    closed_moment_system,
    coordinates_of,
    reduced_moment_system,
    site_permutation_symmetries,
    symmetric_seeds,
    symmetry_orbits,
)
from .thermo import adjoint_generator, heat_current_operator, work_current_operator


@dataclass(frozen=True)
class HeisenbergSystem:
    """dx/dt = matrix * x + constant for x = the Pauli-string expectations ``variables``."""

    variables: tuple[Expectation, ...]
    matrix: sympy.Matrix
    constant: sympy.Matrix

    def equations(self) -> list[sympy.Eq]:
        t = sympy.Symbol("t")
        rhs = self.matrix * sympy.Matrix(self.variables) + self.constant
        return [
            sympy.Eq(sympy.Derivative(sympy.Function(v.name)(t), t), rhs[i])
            for i, v in enumerate(self.variables)
        ]


def pauli_strings(sites: tuple) -> list[tuple]:
    """All non-identity Pauli strings on the given qubit sites, in canonical order."""
    names = [s.name for s in sites]
    out = []
    for locs in product(range(4), repeat=len(names)):
        mono = tuple((n, loc) for n, loc in zip(names, locs, strict=True) if loc)
        if mono:
            out.append(tuple(sorted(mono, key=lambda p: monomial_sort_key(((p[0], 1),)))))
    return sorted(out, key=monomial_sort_key)


def heisenberg_system(model: CollisionModel) -> HeisenbergSystem:
    """The closed Heisenberg equations of a qubit system on all its Pauli strings."""
    if not model.is_qubit_system:
        raise ModelError(
            "the Pauli-string closure needs a system of qubits; for bosonic systems use "
            "thermo.heisenberg_equation on chosen observables"
        )
    strings = pauli_strings(model.system_sites)
    index = {m: i for i, m in enumerate(strings)}
    n = len(strings)
    mat = sympy.zeros(n, n)
    const = sympy.zeros(n, 1)
    for i, mono in enumerate(strings):
        rhs = adjoint_generator(model, monomial_operator(mono))
        for m2, coeff in rhs.terms.items():
            if m2 == ():
                const[i] = coeff
            else:
                mat[i, index[m2]] = coeff
    return HeisenbergSystem(tuple(Expectation(m) for m in strings), mat, const)


@dataclass(frozen=True)
class SteadyStateFamily:
    """Stationary expectation values, possibly with free constants.

    ``values[e]`` is <e> at stationarity, in parameters and ``free_constants``; ``conserved``
    are linear combinations of expectations that the dynamics conserves (as many as free
    constants), whose initial values fix the constants (:meth:`fix`).
    """

    values: dict[Expectation, sympy.Expr]
    free_constants: tuple[sympy.Symbol, ...]
    conserved: tuple[sympy.Expr, ...]

    @property
    def dimension(self) -> int:
        """Dimension of the stationary set (1 = unique steady state)."""
        return 1 + len(self.free_constants)

    @property
    def is_unique(self) -> bool:
        return not self.free_constants

    def fix(self, initial: dict[Expectation, object]) -> dict[Expectation, sympy.Expr]:
        """The member reached from an initial state given by its expectation values."""
        if self.is_unique:
            return dict(self.values)
        eqs = []
        for q in self.conserved:
            at_start = q.xreplace({e: initial.get(e, 0) for e in self.values})
            at_end = q.xreplace(self.values)
            eqs.append(sympy.Eq(at_end, at_start))
        sol = sympy.solve(eqs, self.free_constants, dict=True)
        if len(sol) != 1:
            raise ModelError("the conserved quantities do not fix the free constants uniquely")
        return {e: sympy.simplify(v.xreplace(sol[0])) for e, v in self.values.items()}

    def density_matrix_coefficients(self) -> dict[Expectation, sympy.Expr]:
        """rho = 2^-n (1 + sum_P <P> P): the Pauli coefficients of the stationary state."""
        return dict(self.values)


def _components(mat: sympy.Matrix, const: sympy.Matrix) -> list[list[int]]:
    n = mat.rows
    adj: list[set[int]] = [set() for _ in range(n)]
    for i in range(n):
        for j in range(n):
            if mat[i, j] != 0:
                adj[i].add(j)
                adj[j].add(i)
    seen = [False] * n
    comps = []
    for start in range(n):
        if seen[start]:
            continue
        stack, comp = [start], []
        seen[start] = True
        while stack:
            k = stack.pop()
            comp.append(k)
            for m in adj[k]:
                if not seen[m]:
                    seen[m] = True
                    stack.append(m)
        comps.append(sorted(comp))
    return comps


def _random_point(symbols: set, seed: int) -> dict:
    rng = random.Random(seed)
    return {
        s: sympy.Rational(rng.randint(1, 10**6), rng.randint(1, 10**6))
        for s in sorted(symbols, key=str)
    }


def _generic_pivots(m: sympy.Matrix) -> tuple[int, ...]:
    """Pivot columns of m at generic parameters: the larger set found at two random points."""
    best: tuple[int, ...] = ()
    for seed in (7, 11):
        num = m.xreplace(_random_point(m.free_symbols, seed))
        _, pivots = DomainMatrix.from_Matrix(num).to_field().rref()
        if len(pivots) > len(best):
            best = tuple(pivots)
    return best


def _terms(p: object) -> int:
    try:
        return len(p)  # type: ignore[arg-type]
    except TypeError:
        return 1


def _nice(e: sympy.Expr) -> sympy.Expr:
    """Cancel common factors when the expression is small enough to do it cheaply."""
    if sympy.count_ops(e) <= 400:
        return sympy.factor(sympy.cancel(e))
    return e


def _solve_square(a: sympy.Matrix, rhs: sympy.Matrix) -> sympy.Matrix:
    """a^-1 rhs exactly (a square and generically invertible), via the characteristic
    polynomial: fraction free, and far faster than row reduction over the field of rational
    functions (0.2 s instead of 20 s for the common-reservoirs block)."""
    da = DomainMatrix.from_Matrix(a)
    db = DomainMatrix.from_Matrix(rhs)
    dom = da.domain.unify(db.domain)
    da, db = da.convert_to(dom), db.convert_to(dom)
    num, den = da.to_sparse().solve_den_charpoly(db.to_sparse())
    dense = num.to_dense().to_list()
    out = sympy.zeros(rhs.rows, rhs.cols)
    for i in range(rhs.rows):
        for j in range(rhs.cols):
            n_ij, d_ij = dense[i][j], den
            if _terms(n_ij) * _terms(den) <= 20000:  # the gcd of large polynomials costs seconds
                g = dom.gcd(n_ij, den)
                n_ij, d_ij = dom.quo(n_ij, g), dom.quo(den, g)
            out[i, j] = _nice(dom.to_sympy(n_ij) / dom.to_sympy(d_ij))
    return out


def _opaque_atoms(*mats: sympy.Matrix) -> dict:
    """Functions such as tanh(beta*omega/2) -> fresh symbols, so that the matrices live in a
    polynomial domain (sympy falls back to its slow EX domain when omega appears both alone
    and inside tanh)."""
    atoms: set = set()
    for m in mats:
        atoms |= m.atoms(sympy.Function)
        atoms |= {p for p in m.atoms(sympy.Pow) if not p.exp.is_Integer}
    ordered = sorted(atoms, key=sympy.default_sort_key)
    return {a: sympy.Dummy(f"atom{i}", real=True) for i, a in enumerate(ordered)}


# --- the exact ring of a moment system -------------------------------------------------------


class _Ring:
    """Z[generators] for the scalars of a moment system and of some observables.

    Generators are the algebra's atoms (symbols, tanh(...), ...), each raised to 1/d where d is
    the lcm of the denominators of its exponents; negative exponents and rational coefficients
    become a denominator, so every scalar is a fraction (numerator, denominator) of ring
    polynomials.  Generators are ordered by sympy's default_sort_key of the atom: the ring, and
    so every printed result, does not depend on the order in which atoms were interned.
    """

    def __init__(self, scalars: Iterable[Scalar], backend: str | None = None) -> None:
        exponents: dict[int, set] = {}
        for scalar in scalars:
            for cm in scalar:
                for k, e in cm[1:]:
                    exponents.setdefault(k, set()).add(e)
        ordered = sorted(exponents, key=lambda k: sympy.default_sort_key(atom(k)))
        self.root: dict[int, int] = {}
        self.position: dict[int, int] = {}
        self.generators: list[sympy.Expr] = []
        for pos, k in enumerate(ordered):
            d = lcm_int(Fraction(e).denominator for e in exponents[k])
            self.root[k] = d
            self.position[k] = pos
            base = atom(k)
            self.generators.append(base if d == 1 else base ** sympy.Rational(1, d))
        self.poly = PolynomialRing([f"x{i}" for i in range(len(ordered))], backend)
        self._powers: dict[tuple[int, int], sympy.Expr | None] = {}
        self._fast_cache: bool | None = None

    def fraction(self, scalar: Scalar) -> tuple[object, object]:
        """The scalar as (numerator, denominator), normalised."""
        n = self.poly.nvars
        terms = []
        for cm, r in scalar.items():
            if cm[0]:
                raise ModelError("internal: an imaginary coefficient reached the real solver")
            exps = [0] * n
            for k, e in cm[1:]:
                exps[self.position[k]] = int(Fraction(e) * self.root[k])
            terms.append((exps, Fraction(r)))
        if not terms:
            return self.poly.zero, self.poly.one
        shift = [min(0, min(t[0][i] for t in terms)) for i in range(n)]
        den_int = lcm_int(t[1].denominator for t in terms)
        num = {}
        for exps, r in terms:
            key = tuple(e - s for e, s in zip(exps, shift, strict=True))
            num[key] = num.get(key, 0) + int(r * den_int)
        den = self.poly.monomial(tuple(-s for s in shift), den_int)
        return normalise_fraction(self.poly, self.poly.from_dict(num), den)

    def try_fraction(self, scalar: Scalar) -> tuple[object, object] | None:
        """Like :meth:`fraction`, None if the scalar has an atom (or root) not in the ring."""
        for cm in scalar:
            for k, e in cm[1:]:
                if k not in self.position or (Fraction(e) * self.root[k]).denominator != 1:
                    return None
        return self.fraction(scalar)

    def to_sympy(self, p: object) -> sympy.Expr:
        """A ring polynomial as an expanded sympy expression.

        Terms are built with the algebra's canonical-order constructors (``fast_mul``,
        ``fast_add``: the same expression as ``Add(*[Mul(...)])`` without sympy's flatten,
        which dominated for results of ~1000 terms) when the generators have pairwise
        different non-numeric bases (e.g. ``1/(exp(beta*omega) - 1)``, a power of
        ``exp(beta*omega) - 1``) and each power of them is a plain power (the rule of
        :func:`symthermo.algebra.coefficients.cmono_factors`); otherwise with sympy's
        constructors (exponentials, whose powers sympy rewrites).
        """
        items = self.poly.to_dict(p).items()
        plain = self._fast and all(self._power(i, e) is not None
                                   for exps, _ in items for i, e in enumerate(exps) if e)
        if not plain:
            return sympy.Add(*[
                sympy.Mul(sympy.Integer(c), *[g**e for g, e in zip(self.generators, exps,
                                                                   strict=False) if e])
                for exps, c in items
            ])
        terms = []
        number = 0
        for exps, c in items:
            factors = [self._power(i, e) for i, e in enumerate(exps) if e]
            if not factors:
                number += c
                continue
            sort_factors(factors)
            terms.append(fast_mul(c, factors))
        return fast_add(terms, number)

    @property
    def _fast(self) -> bool:
        hit = self._fast_cache
        if hit is None:
            bases = [g.as_base_exp()[0] for g in self.generators]
            hit = len(set(bases)) == len(bases) and not any(
                g.is_number or isinstance(b, sympy.exp) or b.is_number
                for g, b in zip(self.generators, bases, strict=True)
            )
            self._fast_cache = hit
        return hit

    def _power(self, i: int, e: int) -> sympy.Expr | None:
        """generator_i ** e, or None when sympy rewrites it into a sum or product."""
        key = (i, e)
        if key not in self._powers:
            hit = self.generators[i] if e == 1 else sympy.Pow(self.generators[i], e)
            self._powers[key] = None if (hit.is_Add or hit.is_Mul or hit.is_Number) else hit
        return self._powers[key]

    def point(self, seed: int) -> list[int]:
        """A fixed integer point of the generators (for the rank tests mod a prime)."""
        return [(1000003 * (i + 1) + 7919 * seed) ** 3 % (2**61 - 1) + 2
                for i in range(self.poly.nvars)]


def _fraction_add(ring: PolynomialRing, a: tuple, b: tuple) -> tuple:
    (na, da), (nb, db) = a, b
    if ring.is_zero(na):
        return b
    if ring.is_zero(nb):
        return a
    if da == db:
        return normalise_fraction(ring, na + nb, da)
    g = ring.gcd(da, db)
    fa, fb = ring.exquo(db, g), ring.exquo(da, g)
    return normalise_fraction(ring, na * fa + nb * fb, da * fa)


def _fraction_mul(ring: PolynomialRing, a: tuple, b: tuple) -> tuple:
    (na, da), (nb, db) = a, b
    if ring.is_zero(na) or ring.is_zero(nb):
        return ring.zero, ring.one
    g1, g2 = ring.gcd(na, db), ring.gcd(nb, da)
    return normalise_fraction(
        ring, ring.exquo(na, g1) * ring.exquo(nb, g2), ring.exquo(da, g2) * ring.exquo(db, g1)
    )


_PRIME = 2**61 - 1


def _pivots(ring: PolynomialRing, rows: list[dict[int, object]], ncols: int, point) -> list[int]:
    """Pivot columns of the block at an integer point, modulo the prime 2^61 - 1.

    The rank mod p at a point never exceeds the generic rank, so a full rank here proves the
    block generically invertible; a deficient rank at two points means singular except with
    negligible probability (and a singular verdict only sends the model to the family route,
    which decides again)."""
    mat = []
    for r in rows:
        vec = {j: ring.evaluate_mod(v, point, _PRIME) for j, v in r.items() if j < ncols}
        mat.append({j: v for j, v in vec.items() if v})
    return _pivots_mod(mat, ncols)


def _pivots_mod(mat: list[dict[int, int]], ncols: int) -> list[int]:
    """Pivot columns of a sparse matrix mod _PRIME (Gauss elimination; ``mat`` is consumed)."""
    pivots = []
    used: set[int] = set()
    for c in range(ncols):
        piv = next((i for i, r in enumerate(mat) if i not in used and c in r), None)
        if piv is None:
            continue
        used.add(piv)
        pivots.append(c)
        prow = mat[piv]
        inv = pow(prow[c], -1, _PRIME)
        for i, r in enumerate(mat):
            if i in used or c not in r:
                continue
            f = r[c] * inv % _PRIME
            for j, v in prow.items():
                w = (r.get(j, 0) - f * v) % _PRIME
                if w:
                    r[j] = w
                else:
                    r.pop(j, None)
    return pivots


def _rank(ring: PolynomialRing, rows: list[dict[int, object]], cols: list[int], point) -> int:
    return len(_pivots(ring, rows, len(cols), point))


class _SingularBlockError(Exception):
    """A block of the moment system is singular at generic parameters."""


@dataclass
class ExactMomentSolution:
    """Exact stationary values of (some) coordinates of a closed moment system.

    ``values[i] = (numerator, denominator)`` over ``ring`` for the solved coordinates;
    :meth:`observable` gives <O> of any Hermitian operator whose coordinates were solved.
    ``blocks`` are the sizes of the diagonal blocks that were eliminated (of the reduced
    system when a permutation symmetry was used: ``orbits``).
    """

    system: MomentSystem
    ring: _Ring
    values: dict[int, tuple[object, object]]
    blocks: list[int]
    orbits: SymmetryOrbits | None = None

    def observable(self, op: Operator) -> tuple[object, object]:
        const, coords = coordinates_of(op)
        index = {c: i for i, c in enumerate(self.system.coordinates)}
        poly = self.ring.poly
        total = self.ring.fraction(const)
        for c, scalar in coords.items():
            i = index.get(c)
            if i is None or i not in self.values:
                raise ModelError(f"internal: coordinate {c} was not solved")
            total = _fraction_add(
                poly, total, _fraction_mul(poly, self.ring.fraction(scalar), self.values[i])
            )
        return total

    def to_sympy(self, frac: tuple[object, object]) -> sympy.Expr:
        num, den = frac
        n = self.ring.to_sympy(num)
        if self.ring.poly.to_dict(den) == {(0,) * self.ring.poly.nvars: 1}:
            return n
        return n / self.ring.to_sympy(den)


def _ring_of(system: MomentSystem, extra: Iterable[Scalar] = (), backend: str | None = None):
    scalars: list[Scalar] = []
    for terms, const in system.rows:
        scalars.append(const)
        scalars.extend(terms.values())
    scalars.extend(extra)
    return _Ring(scalars, backend)


def solve_moment_system(
    system: MomentSystem,
    wanted: Iterable[int] | None = None,
    extra_scalars: Iterable[Scalar] = (),
    backend: str | None = None,
    max_block: int | None = None,
    symmetries: Sequence[SitePermutation] = (),
) -> ExactMomentSolution:
    """Stationary values (M x + c = 0) of the coordinates ``wanted`` (default: all) and of
    every coordinate they depend on (see :func:`_solve_blocks`).

    With ``symmetries`` (site permutations, e.g. from
    :func:`symthermo.moments.site_permutation_symmetries`; each is confirmed on the system with
    :func:`symthermo.moments.is_symmetry_of`, the others are ignored), the stationary state is
    invariant when it is unique, so only one coordinate per orbit is solved, on the reduced
    system (:func:`symthermo.moments.reduced_moment_system`), and the others follow by sign.
    Uniqueness is decided on the full system first: every diagonal block that the wanted
    coordinates depend on must be invertible (rank modulo a prime at fixed points, cheap),
    else :class:`_SingularBlockError` as without symmetry (a non-symmetric dark state would be
    missed by the reduced system).  The values are the same exact fractions as without
    symmetry (normalised: same bytes).
    """
    orbits = symmetry_orbits(system, symmetries) if symmetries else None
    if orbits is None or not orbits.permutations:
        return _solve_blocks(system, wanted, extra_scalars, backend, max_block)
    needed = _dependencies(system, wanted)
    _require_invertible_blocks(system, needed, extra_scalars, backend)
    reduced = reduced_moment_system(system, orbits)
    position = {r: k for k, r in enumerate(orbits.representatives)}
    wanted_reduced = sorted({position[orbits.representative[i][0]] for i in needed
                             if orbits.representative[i][1]})
    sol = _solve_blocks(reduced, wanted_reduced, extra_scalars, backend, max_block)
    poly = sol.ring.poly
    values: dict[int, tuple] = {}
    for i in needed:
        r, sigma = orbits.representative[i]
        if not sigma:
            values[i] = (poly.zero, poly.one)
            continue
        num, den = sol.values[position[r]]
        values[i] = (num if sigma == 1 else -num, den)
    return ExactMomentSolution(system, sol.ring, values, sol.blocks, orbits)


def _dependencies(system: MomentSystem, wanted: Iterable[int] | None) -> list[int]:
    """The coordinates ``wanted`` and all that their equations reach (sorted)."""
    if wanted is None:
        return list(range(system.size))
    seen: set[int] = set()
    stack = sorted(set(wanted))
    while stack:
        i = stack.pop()
        if i in seen:
            continue
        seen.add(i)
        stack.extend(j for j in system.rows[i][0] if j not in seen)
    return sorted(seen)


def _require_invertible_blocks(
    system: MomentSystem, nodes: list[int], extra: Iterable[Scalar], backend: str | None
) -> None:
    """Raise :class:`_SingularBlockError` unless every diagonal block of the full system among
    ``nodes`` is generically invertible (rank modulo a prime at two fixed points)."""
    ring = _ring_of(system, extra, backend)
    poly = ring.poly
    points = [ring.point(0), ring.point(1)]
    at_point: dict[int, dict] = {}
    edges = {i: [j for j in system.rows[i][0] if j != i] for i in nodes}
    for comp in strongly_connected_components(nodes, edges):
        local = {j: k for k, j in enumerate(comp)}
        for p, point in enumerate(points):
            mat = []
            for i in comp:
                row = {}
                for j, scalar in system.rows[i][0].items():
                    if j not in local:
                        continue
                    key = (i, j)
                    if key not in at_point.setdefault(p, {}):
                        num, den = ring.fraction(scalar)
                        d = poly.evaluate_mod(den, point, _PRIME)
                        at_point[p][key] = (poly.evaluate_mod(num, point, _PRIME)
                                            * pow(d, -1, _PRIME) % _PRIME)
                    if at_point[p][key]:
                        row[local[j]] = at_point[p][key]
                mat.append(row)
            if len(_pivots_mod(mat, len(comp))) == len(comp):
                break
        else:
            raise _SingularBlockError(comp)


def _solve_blocks(
    system: MomentSystem,
    wanted: Iterable[int] | None = None,
    extra_scalars: Iterable[Scalar] = (),
    backend: str | None = None,
    max_block: int | None = None,
) -> ExactMomentSolution:
    """Stationary values (M x + c = 0) of the coordinates ``wanted`` (default: all) and of
    every coordinate they depend on, block by block.

    The dependency graph (row i -> coordinate j when M_ij != 0) is split into strongly
    connected components, solved in topological order (dependencies first): each diagonal
    block M_SS x_S = -c_S - sum_T M_ST x_T is solved fraction-free
    (:func:`symthermo.exact.solve_fraction_free`), blocks without a source term are zero.
    Raises :class:`_SingularBlockError` if a diagonal block is singular at generic parameters (the
    caller then computes the stationary family), and :class:`ModelError` when a block with a
    source term has more than ``max_block`` coordinates (no symmetry splits the system enough
    for an exact solve in reasonable time).
    """
    ring = _ring_of(system, extra_scalars, backend)
    poly = ring.poly
    rows: list[dict[int, tuple]] = []
    consts: list[tuple] = []
    for terms, const in system.rows:
        rows.append({j: ring.fraction(s) for j, s in terms.items()})
        consts.append(ring.fraction(const))
    edges = {i: [j for j in rows[i] if j != i] for i in range(system.size)}
    nodes = _dependencies(system, wanted)
    values: dict[int, tuple] = {}
    blocks = []
    points = [ring.point(0), ring.point(1)]
    for comp in strongly_connected_components(nodes, edges):
        members = set(comp)
        local = {j: k for k, j in enumerate(comp)}
        a_rows: list[dict[int, object]] = []
        rhs: list[list[object]] = []
        for i in comp:
            outside = [(j, f) for j, f in rows[i].items() if j not in members]
            dens = [consts[i][1]] + [
                _fraction_mul(poly, f, values[j])[1] for j, f in outside
            ]
            # common denominator of the row's known part
            common = dens[0]
            for d in dens[1:]:
                if d != common:
                    g = poly.gcd(common, d)
                    common = common * poly.exquo(d, g)
            known_num = poly.zero
            for f in [consts[i]] + [_fraction_mul(poly, f, values[j]) for j, f in outside]:
                num, den = f
                if not poly.is_zero(num):
                    known_num = known_num + num * poly.exquo(common, den)
            row = {}
            for j, (num, den) in rows[i].items():
                if j in members:
                    row[local[j]] = (num, den)
            # scale the row by common * lcm(denominators of its block entries)
            scale = common
            for _, den in row.values():
                if den != poly.one:
                    g = poly.gcd(scale, den)
                    scale = scale * poly.exquo(den, g)
            extra = poly.exquo(scale, common)
            a_rows.append({k: num * poly.exquo(scale, den) for k, (num, den) in row.items()})
            rhs.append([-(known_num * extra)])
        if all(poly.is_zero(r[0]) for r in rhs):
            full = all(_rank(poly, a_rows, list(range(len(comp))), p) == len(comp)
                       for p in points[:1])
            if not full and _rank(poly, a_rows, list(range(len(comp))), points[1]) < len(comp):
                raise _SingularBlockError(comp)
            for j in comp:
                values[j] = (poly.zero, poly.one)
            continue
        cols = list(range(len(comp)))
        if _rank(poly, a_rows, cols, points[0]) < len(comp) and _rank(
            poly, a_rows, cols, points[1]
        ) < len(comp):
            raise _SingularBlockError(comp)
        blocks.append(len(comp))
        sol = _solve_block(ring, a_rows, rhs, max_block)
        for k, j in enumerate(comp):
            values[j] = sol[k][0]
    return ExactMomentSolution(system, ring, values, blocks)


def _solve_block(ring: _Ring, rows: list[dict[int, object]], rhs: list[list[object]],
                 max_block: int | None) -> list[list[tuple[object, object]]]:
    """One diagonal block, fraction free up to ``INTERPOLATE_ABOVE`` moments, above by
    evaluation and interpolation modulo primes (:mod:`symthermo.interpolation`; same
    fractions), which needs a grid of prod_v (deg_v + 1) points: when that is too large,
    fraction free again up to ``max_block`` moments, and beyond a :class:`ModelError` that
    names the degree of the solution in each parameter (which ones to fix)."""
    if len(rows) <= INTERPOLATE_ABOVE:
        return solve_fraction_free(ring.poly, rows, rhs)
    try:
        return solve_by_interpolation(ring.poly, rows, rhs)
    except InterpolationTooLargeError as exc:
        if max_block is None or len(rows) <= max_block:
            return solve_fraction_free(ring.poly, rows, rhs)
        degrees = ", ".join(
            f"{d} in {sympy.sstr(ring.generators[v])}"
            for v, d in sorted(exc.degrees.items(), key=lambda kv: (-kv[1], kv[0]))
        )
        raise ModelError(
            f"the exact steady state needs a block of {len(rows)} coupled moments whose "
            f"solution has degree {degrees}: too large for an exact solve (an interpolation "
            f"grid of {exc.points} points per prime, limit {exc.limit}; elimination is limited "
            f"to {max_block} moments). Substitute "
            "values for all but a few parameters (those of highest degree first; equal "
            "couplings of identical sites also let the permutation symmetry reduce the "
            "system) into the model first, or use symthermo.numeric steady states"
        ) from None


MAX_SYMBOLIC_QUBITS = 4
MAX_BLOCK = 64  # largest block solved by elimination when interpolation's grid is too large
INTERPOLATE_ABOVE = 24  # larger blocks: interpolation modulo primes first


def _pauli_values(solution: ExactMomentSolution, sites: tuple) -> dict[Expectation, sympy.Expr]:
    out = {}
    for mono in pauli_strings(sites):
        out[Expectation(mono)] = solution.to_sympy(
            solution.observable(monomial_operator(mono))
        )
    return out


def symbolic_steady_state(
    model: CollisionModel, backend: str | None = None, symmetry: bool = True
) -> SteadyStateFamily:
    """Exact stationary Pauli expectations of a qubit system (generic parameters).

    The Heisenberg equations are written on the real ladder coordinates of
    :mod:`symthermo.moments` (where excitation-number and local conservation laws make the
    matrix block triangular with small blocks) and solved block by block, fraction free
    (:func:`solve_moment_system`).  When a block is singular at generic parameters, the
    stationary set is a family: free constants ``k_1, k_2, ...`` and as many conserved
    quantities (left null vectors of M), computed per connected component (Pauli basis for one
    and two qubits, as before, so that their families print as before; ladder coordinates and
    the fraction-free solver for three and four: the collective three-qubit family of
    collective-ergotropy takes 0.6 s there, minutes on the Pauli route).  Substitute special
    parameter values (equal couplings, ...) into the model first.  ``backend``: ``"flint"`` or
    ``"sympy"`` (default: flint when python-flint is installed; same results).  When the model
    is invariant under permutations of identical sites
    (:func:`symthermo.moments.site_permutation_symmetries`) and the steady state is unique,
    one moment per orbit is solved (``symmetry=False`` solves them all: same results).
    Four-qubit models with a (reduced) block of more than ``MAX_BLOCK`` coupled moments whose
    interpolation grid is too large (too many parameters left symbolic) are refused, naming
    the solution's degree in each parameter (see :func:`_solve_block`).  Raises
    :class:`ModelError` for bosonic systems (use :func:`steady_state_values`), for more than
    ``MAX_SYMBOLIC_QUBITS`` qubits, or when no steady state exists (a conserved quantity is
    driven).
    """
    if not model.is_qubit_system:
        raise ModelError(
            "symbolic_steady_state returns Pauli expectations and needs a system of qubits; for "
            "bosonic or mixed models whose moments close use closure.steady_state_values (any "
            "Hermitian observables) or closure.steady_state_currents"
        )
    if len(model.system_sites) > MAX_SYMBOLIC_QUBITS:
        raise ModelError(
            f"symbolic steady states are limited to {MAX_SYMBOLIC_QUBITS} qubits "
            f"({len(model.system_sites)} given): use symthermo.numeric steady states"
        )
    system = closed_moment_system(model, all_qubit_coordinates(model.system_sites))
    limit = MAX_BLOCK if len(model.system_sites) == MAX_SYMBOLIC_QUBITS else None
    perms = site_permutation_symmetries(model) if symmetry else ()
    try:
        solution = solve_moment_system(system, backend=backend, max_block=limit,
                                       symmetries=perms)
    except _SingularBlockError:
        if len(model.system_sites) <= 2:  # the route of the previous releases: same prints
            return _pauli_family(model)
        return _ladder_family(model, system, backend)
    values = _pauli_values(solution, tuple(model.system_sites))
    ordered = dict(sorted(values.items(), key=lambda kv: monomial_sort_key(kv[0].monomial)))
    return SteadyStateFamily(ordered, (), ())


def _pauli_family(model: CollisionModel) -> SteadyStateFamily:
    hs = heisenberg_system(model)
    return _family(list(hs.variables), hs.matrix, hs.constant, hs.variables)


def _ladder_family(
    model: CollisionModel, system: MomentSystem, backend: str | None = None
) -> SteadyStateFamily:
    """The stationary family on ladder coordinates (three and four qubits), values in Pauli.

    Per connected component of M: a generically invertible component is solved fraction free;
    otherwise, with r = its generic rank (read off modulo a prime at fixed points), the r x r
    part on the pivot rows and columns is solved for the constant and for each of the n - r
    free coordinates (free constants k_i), the dropped rows are checked at a point (else a
    conserved quantity is driven: ModelError), and the left null vectors of the component give
    the conserved quantities, written in Pauli expectations.
    """
    ring = _ring_of(system, backend=backend)
    poly = ring.poly
    n_all = system.size
    int_rows: list[dict[int, object]] = []
    int_const: list[object] = []
    row_scale: list[object] = []  # row i of M was multiplied by row_scale[i]
    for terms, c in system.rows:
        fr = {j: ring.fraction(s) for j, s in terms.items()}
        fc = ring.fraction(c)
        scale = fc[1]
        for _, den in fr.values():
            if den != scale:
                g = poly.gcd(scale, den)
                scale = scale * poly.exquo(den, g)
        row_scale.append(scale)
        int_rows.append({j: num * poly.exquo(scale, den) for j, (num, den) in fr.items()})
        int_const.append(fc[0] * poly.exquo(scale, fc[1]))
    adjacency: dict[int, set[int]] = {i: set() for i in range(n_all)}
    for i, r in enumerate(int_rows):
        for j in r:
            adjacency[i].add(j)
            adjacency[j].add(i)
    comps = strongly_connected_components(list(range(n_all)), adjacency)
    points = [ring.point(0), ring.point(1)]
    values: dict[int, sympy.Expr] = {}
    free: list[sympy.Symbol] = []
    conserved: list[sympy.Expr] = []
    variable = [expectation(c.operator()) for c in system.coordinates]

    def frac_expr(f: tuple) -> sympy.Expr:
        num, den = f
        return ring.to_sympy(num) / ring.to_sympy(den)

    def mod_value(f: tuple, point) -> int:
        num, den = f
        d = poly.evaluate_mod(den, point, _PRIME)
        return poly.evaluate_mod(num, point, _PRIME) * pow(d, -1, _PRIME) % _PRIME

    for comp in sorted(comps):
        n = len(comp)
        local = {j: k for k, j in enumerate(comp)}
        a_rows = [{local[j]: v for j, v in int_rows[i].items()} for i in comp]
        c = [int_const[i] for i in comp]
        cols = max((_pivots(poly, a_rows, n, p) for p in points), key=len)
        if len(cols) == n:
            if all(poly.is_zero(ci) for ci in c):
                values.update({j: sympy.Integer(0) for j in comp})
                continue
            sol = solve_fraction_free(poly, a_rows, [[-ci] for ci in c])
            values.update({j: frac_expr(sol[k][0]) for j, k in local.items()})
            continue
        transposed: list[dict[int, object]] = [{} for _ in range(n)]
        for i, r in enumerate(a_rows):
            for j, v in r.items():
                transposed[j][i] = v
        prows = max((_pivots(poly, transposed, n, p) for p in points), key=len)
        free_cols = [j for j in range(n) if j not in cols]
        free_rows = [i for i in range(n) if i not in prows]
        col_pos = {j: k for k, j in enumerate(cols)}
        block = [{col_pos[j]: v for j, v in a_rows[i].items() if j in col_pos} for i in prows]
        rhs = [[-c[i]] + [-a_rows[i].get(fc, poly.zero) for fc in free_cols] for i in prows]
        sol = solve_fraction_free(poly, block, rhs)
        # consistency: the dropped rows hold too (else a conserved quantity is driven)
        pt = points[0]
        member = {fc: 1 for fc in free_cols}
        for k, j in enumerate(cols):
            member[j] = sum(mod_value(f, pt) for f in sol[k]) % _PRIME
        for i in range(n):
            total = poly.evaluate_mod(c[i], pt, _PRIME)
            for j, v in a_rows[i].items():
                total += poly.evaluate_mod(v, pt, _PRIME) * member[j]
            if total % _PRIME:
                raise ModelError(
                    "the Heisenberg equations have no stationary solution (a conserved "
                    f"quantity is driven) in the block of {n} moments containing "
                    f"{system.coordinates[comp[0]]}"
                )
        consts = []
        for fc in free_cols:
            k = sympy.Symbol(f"k_{len(free) + 1}", real=True)
            free.append(k)
            consts.append(k)
            values[comp[fc]] = k
        for k, j in enumerate(cols):
            values[comp[j]] = frac_expr(sol[k][0]) + sum(
                frac_expr(sol[k][1 + f]) * consts[f] for f in range(len(consts))
            )
        # conserved quantities: left null vectors l (l^T M = 0), one per dependent row; the
        # rows were scaled (S M), so l = S l_scaled, normalised to coefficient 1 on the row
        left_rows = [{r: a_rows[prows[r]][j] for r in range(len(prows))
                      if j in a_rows[prows[r]]} for j in cols]
        left_rhs = [[-a_rows[fr].get(j, poly.zero) for fr in free_rows] for j in cols]
        left = solve_fraction_free(poly, left_rows, left_rhs)
        for f, fr in enumerate(free_rows):
            q = variable[comp[fr]]
            s_fr = (poly.one, row_scale[comp[fr]])
            for r, i in enumerate(prows):
                weight = _fraction_mul(poly, left[r][f], (row_scale[comp[i]], poly.one))
                q += frac_expr(_fraction_mul(poly, weight, s_fr)) * variable[comp[i]]
            conserved.append(sympy.expand(q))
    out = {}
    index = {c: i for i, c in enumerate(system.coordinates)}
    for mono in pauli_strings(model.system_sites):
        c0, terms = coordinates_of(monomial_operator(mono))
        expr = _scalar_expr(ring, c0)
        for c, s in terms.items():
            expr += _scalar_expr(ring, s) * values[index[c]]
        out[Expectation(mono)] = expr
    return SteadyStateFamily(out, tuple(free), tuple(conserved))


def _scalar_expr(ring: _Ring, scalar: Scalar) -> sympy.Expr:
    num, den = ring.fraction(scalar)
    return ring.to_sympy(num) / ring.to_sympy(den)


def _family(
    variables: list, matrix: sympy.Matrix, constant: sympy.Matrix, order: object
) -> SteadyStateFamily:
    """The stationary family of dx/dt = matrix x + constant, per connected component.

    Per component: the rank and the independent rows and columns are read off at random
    rational points (generic parameters); a full-rank block is solved exactly; a block of rank
    r < n gets n - r free constants, solved on its independent r x r part, and the same number
    of conserved quantities (left null vectors).  (The route of the previous releases, kept
    for singular systems so that their families print as before.)
    """
    opaque = _opaque_atoms(matrix, constant)
    back = {v: k for k, v in opaque.items()}
    matrix, constant = matrix.xreplace(opaque), constant.xreplace(opaque)
    values: dict = {}
    free: list[sympy.Symbol] = []
    conserved: list[sympy.Expr] = []
    for comp in _components(matrix, constant):
        m = matrix.extract(comp, comp)
        c = constant.extract(comp, [0])
        block_vars = [variables[k] for k in comp]
        n = len(comp)
        cols = list(_generic_pivots(m))
        if len(cols) == n:
            if all(ci == 0 for ci in c):
                values.update({v: sympy.Integer(0) for v in block_vars})
            else:
                x = _solve_square(m, -c)
                values.update({v: x[i].xreplace(back) for i, v in enumerate(block_vars)})
            continue
        rows = list(_generic_pivots(m.T))
        free_cols = [j for j in range(n) if j not in cols]
        free_rows = [i for i in range(n) if i not in rows]
        a = m.extract(rows, cols)
        rhs = (-c.extract(rows, [0])).row_join(-m.extract(rows, free_cols))
        sol = _solve_square(a, rhs)
        # consistency: the dropped rows must hold too (else a conserved quantity is driven)
        point = _random_point(m.free_symbols | c.free_symbols, 13)
        member = sympy.zeros(n, 1)
        for j in free_cols:
            member[j] = 1
        for i, j in enumerate(cols):
            member[j] = sum(sol[i, :]).xreplace(point)
        if any(x != 0 for x in (m.xreplace(point) * member + c.xreplace(point))):
            raise ModelError(
                "the Heisenberg equations have no stationary solution (a conserved quantity "
                f"is driven) in the block {[str(v) for v in block_vars]}"
            )
        consts = []
        for j in free_cols:
            k = sympy.Symbol(f"k_{len(free) + 1}", real=True)
            free.append(k)
            consts.append(k)
            values[block_vars[j]] = k
        for i, j in enumerate(cols):
            expr = sol[i, 0] + sum(sol[i, 1 + f] * consts[f] for f in range(len(consts)))
            values[block_vars[j]] = _nice(expr).xreplace(back)
        # conserved quantities: left null vectors l (l^T m = 0), one per dependent row
        left = _solve_square(a.T, -m.extract(free_rows, cols).T)
        for f, fr in enumerate(free_rows):
            coeffs = {fr: sympy.Integer(1)}
            coeffs.update({r: left[i, f] for i, r in enumerate(rows)})
            conserved.append(
                sympy.Add(*[coeffs[r].xreplace(back) * block_vars[r] for r in sorted(coeffs)])
            )
    if order is not None:
        values = dict(sorted(values.items(), key=lambda kv: monomial_sort_key(kv[0].monomial)))
    return SteadyStateFamily(values, tuple(free), tuple(conserved))


# --- stationary values and currents in closed form -------------------------------------------


def steady_state_values(
    model: CollisionModel,
    observables: dict[str, Operator],
    backend: str | None = None,
    max_size: int = 400,
    max_block: int = MAX_BLOCK,
    symmetry: bool = True,
) -> dict[str, ClosedForm]:
    """Exact stationary <O> of Hermitian observables, as :class:`ClosedForm` pieces.

    Only the moments that the observables need are computed: the closed moment system grown
    from the observables' coordinates (:func:`symthermo.moments.closed_moment_system`), solved
    block by block (:func:`solve_moment_system`), on one moment per orbit when the model is
    invariant under permutations of identical sites (``symmetry=False``: all moments, same
    results).  Works for qubit, bosonic and mixed systems
    whose moments close (bosons: quadratic Hamiltonian, linear couplings; otherwise
    :class:`ModelError` says which moment grew).  Raises :class:`ModelError` when the needed
    moments have no unique stationary value (use :func:`symbolic_steady_state` for the
    family of a qubit system).
    """
    decomposed = {name: coordinates_of(op) for name, op in observables.items()}
    seeds = set()
    extra: list[Scalar] = []
    for const, coords in decomposed.values():
        seeds |= set(coords)
        extra.append(const)
        extra.extend(coords.values())
    perms = site_permutation_symmetries(model) if symmetry else ()
    system = closed_moment_system(model, symmetric_seeds(seeds, perms), max_size=max_size)
    index = {c: i for i, c in enumerate(system.coordinates)}
    try:
        solution = solve_moment_system(
            system, [index[c] for c in seeds], extra, backend, max_block, perms
        )
    except _SingularBlockError as exc:
        raise ModelError(
            "the stationary moments are not unique at generic parameters (a conserved "
            f"quantity: dark states or a symmetry) in the block of {len(exc.args[0])} moments; "
            "for a qubit system use symbolic_steady_state for the stationary family"
        ) from None
    candidates = driving_factors(model)
    out = {}
    for name, op in observables.items():
        num, den = solution.observable(op)
        out[name] = closed_form(name, solution.ring, num, den, candidates)
    return out


def steady_state_currents(
    model: CollisionModel, backend: str | None = None, symmetry: bool = True
) -> dict[str, ClosedForm]:
    """Heat current of every bath (``Qdot_<bath>``) and the total work current (``Wdot``) at
    the exact steady state, in closed-form pieces (see :mod:`symthermo.closed_form`)."""
    ops = {f"Qdot_{b.name}": heat_current_operator(model, b.name) for b in model.baths}
    ops["Wdot"] = work_current_operator(model)
    return steady_state_values(model, ops, backend, symmetry=symmetry)
