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


def _rref(aug: sympy.Matrix) -> tuple[sympy.Matrix, tuple[int, ...]]:
    dm = DomainMatrix.from_Matrix(aug).to_field()
    r, pivots = dm.rref()
    return r.to_Matrix(), tuple(pivots)


def _generic_rank(m: sympy.Matrix, seed: int = 7) -> int:
    """Rank of m at generic parameters: the max rank at two random rational points."""
    rng = random.Random(seed)
    free = sorted(m.free_symbols, key=str)
    best = 0
    for _ in range(2):
        point = {s: sympy.Rational(rng.randint(1, 10**6), rng.randint(1, 10**6)) for s in free}
        num = m.xreplace(point)
        best = max(best, DomainMatrix.from_Matrix(num).to_field().rank())
    return best


def _solve_unique(m: sympy.Matrix, rhs: sympy.Matrix) -> list[sympy.Expr]:
    """x = m^-1 rhs exactly, via the characteristic polynomial (fraction free, fast)."""
    a = DomainMatrix.from_Matrix(m)
    b = DomainMatrix.from_Matrix(rhs)
    dom = a.domain.unify(b.domain)
    a, b = a.convert_to(dom), b.convert_to(dom)
    num, den = a.to_sparse().solve_den_charpoly(b.to_sparse())
    out = []
    dense = num.to_dense().to_list()
    for i in range(m.rows):
        n_i = dense[i][0]
        d_i = den
        if _terms(n_i) * _terms(den) <= 20000:  # the gcd of large polynomials costs seconds
            g = dom.gcd(n_i, den)
            n_i, d_i = dom.quo(n_i, g), dom.quo(den, g)
        out.append(_nice(dom.to_sympy(n_i) / dom.to_sympy(d_i)))
    return out


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


def symbolic_steady_state(model: CollisionModel) -> SteadyStateFamily:
    """Exact stationary Pauli expectations of a qubit system (generic parameters).

    Raises :class:`ModelError` for more than ``MAX_SYMBOLIC_QUBITS`` qubits (use the numeric
    solver) or when no steady state exists (a conserved quantity is driven).
    """
    if len(model.system_sites) > MAX_SYMBOLIC_QUBITS:
        raise ModelError(
            f"symbolic steady states are limited to {MAX_SYMBOLIC_QUBITS} qubits "
            f"({len(model.system_sites)} given): use symthermo.numeric steady states"
        )
    hs = heisenberg_system(model)
    values: dict[Expectation, sympy.Expr] = {}
    free: list[sympy.Symbol] = []
    conserved: list[sympy.Expr] = []
    for comp in _components(hs.matrix, hs.constant):
        m = hs.matrix.extract(comp, comp)
        c = hs.constant.extract(comp, [0])
        variables = [hs.variables[k] for k in comp]
        ncol = len(comp)
        rank = _generic_rank(m)
        if rank == ncol:
            if all(ci == 0 for ci in c):
                values.update({v: sympy.Integer(0) for v in variables})
            else:
                values.update(zip(variables, _solve_unique(m, -c), strict=True))
            continue
        rref, pivots = _rref(m.row_join(-c))
        if ncol in pivots:
            raise ModelError(
                "the Heisenberg equations have no stationary solution (a conserved quantity "
                f"is driven) in the block {[str(v) for v in variables]}"
            )
        free_cols = [j for j in range(ncol) if j not in pivots]
        consts = {}
        for j in free_cols:
            k = sympy.Symbol(f"k_{len(free) + 1}", real=True)
            free.append(k)
            consts[j] = k
            values[variables[j]] = k
        for row, pc in enumerate(pivots):
            expr = rref[row, ncol] - sum(rref[row, j] * consts[j] for j in free_cols)
            values[variables[pc]] = _nice(expr)
        left = DomainMatrix.from_Matrix(m.T).to_field().nullspace().to_Matrix()
        for r in range(left.rows):
            vec = left.row(r)
            lead = next(x for x in vec if x != 0)
            conserved.append(
                sympy.Add(*[_nice(vec[j] / lead) * variables[j] for j in range(ncol)])
            )
    ordered = dict(sorted(values.items(), key=lambda kv: monomial_sort_key(kv[0].monomial)))
    return SteadyStateFamily(ordered, tuple(free), tuple(conserved))
