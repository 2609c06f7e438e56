"""Closed Heisenberg equations on Pauli strings and symbolic steady states (qubit systems).

For a system of n qubits the adjoint generator maps a Pauli string to a combination of Pauli
strings and the identity, so the 4^n - 1 expectations x_P = <P> obey the closed linear system

    dx/dt = M x + c        (M, c exact sympy, from :func:`symthermo.thermo.adjoint_generator`).

Steady states solve M x = -c.  The solution is computed exactly over the field of rational
functions of the parameters (``DomainMatrix.rref``), one connected block of the coupling graph
at a time, with the parameters treated as *generic* (substitute special values, e.g. equal
couplings, into the model first).  When the stationary space is not one point, the result
is the whole family: free constants ``k_1, k_2, ...`` and the conserved quantities (left null
vectors l of M with l.c = 0: d(l.x)/dt = 0) that fix them from an initial state.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from itertools import product

import sympy
from sympy.polys.matrices import DomainMatrix

from .algebra.expectation import Expectation
from .algebra.monomials import monomial_sort_key
from .algebra.operator import monomial_operator
from .errors import ModelError
from .model import CollisionModel
from .thermo import adjoint_generator

MAX_SYMBOLIC_QUBITS = 3


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


def symbolic_steady_state(model: CollisionModel) -> SteadyStateFamily:
    """Exact stationary Pauli expectations of a qubit system (generic parameters).

    Per block of the coupling graph: the rank and the independent rows and columns are read
    off at random rational points (generic parameters); a full-rank block is solved exactly;
    a block of rank r < n gets n - r free constants, solved on its independent r x r part, and
    the same number of conserved quantities (left null vectors).  Raises :class:`ModelError`
    for more than ``MAX_SYMBOLIC_QUBITS`` qubits (use the numeric solver) or when no steady
    state exists (a conserved quantity is driven).
    """
    if len(model.system_sites) > MAX_SYMBOLIC_QUBITS:
        raise ModelError(
            f"symbolic steady states are limited to {MAX_SYMBOLIC_QUBITS} qubits "
            f"({len(model.system_sites)} given): use symthermo.numeric steady states"
        )
    hs = heisenberg_system(model)
    opaque = _opaque_atoms(hs.matrix, hs.constant)
    back = {v: k for k, v in opaque.items()}
    matrix, constant = hs.matrix.xreplace(opaque), hs.constant.xreplace(opaque)
    values: dict[Expectation, sympy.Expr] = {}
    free: list[sympy.Symbol] = []
    conserved: list[sympy.Expr] = []
    for comp in _components(matrix, constant):
        m = matrix.extract(comp, comp)
        c = constant.extract(comp, [0])
        variables = [hs.variables[k] for k in comp]
        n = len(comp)
        cols = list(_generic_pivots(m))
        if len(cols) == n:
            if all(ci == 0 for ci in c):
                values.update({v: sympy.Integer(0) for v in variables})
            else:
                x = _solve_square(m, -c)
                values.update({v: x[i].xreplace(back) for i, v in enumerate(variables)})
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
                f"is driven) in the block {[str(v) for v in variables]}"
            )
        consts = []
        for j in free_cols:
            k = sympy.Symbol(f"k_{len(free) + 1}", real=True)
            free.append(k)
            consts.append(k)
            values[variables[j]] = k
        for i, j in enumerate(cols):
            expr = sol[i, 0] + sum(sol[i, 1 + f] * consts[f] for f in range(len(consts)))
            values[variables[j]] = _nice(expr).xreplace(back)
        # conserved quantities: left null vectors l (l^T m = 0), one per dependent row
        left = _solve_square(a.T, -m.extract(free_rows, cols).T)
        for f, fr in enumerate(free_rows):
            coeffs = {fr: sympy.Integer(1)}
            coeffs.update({r: left[i, f] for i, r in enumerate(rows)})
            conserved.append(
                sympy.Add(*[coeffs[r].xreplace(back) * variables[r] for r in sorted(coeffs)])
            )
    ordered = dict(sorted(values.items(), key=lambda kv: monomial_sort_key(kv[0].monomial)))
    return SteadyStateFamily(ordered, tuple(free), tuple(conserved))
