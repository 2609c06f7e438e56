"""The qubit ladder basis {sigma_+, sigma_-, sigma_z}, for printing.

The algebra stores qubit operators in the Pauli basis (DESIGN.md section 2); papers often
write them with sigma_+ = |1><0| and sigma_- = |0><1| instead.  With these conventions

    sigma_x = sigma_+ + sigma_-,        sigma_y = -i (sigma_+ - sigma_-),

so an expectation value of a Pauli string is a combination of expectation values of ladder
strings.  :func:`to_ladder_basis` rewrites every :class:`~symthermo.algebra.Expectation`
that contains sigma_x or sigma_y into :class:`LadderExpectation` symbols (which remember their
ladder monomial, like Expectation does); :func:`from_ladder_basis` goes back.  A ladder
monomial is a tuple of ``(site, local)`` pairs with local ``"+"``, ``"-"``, ``3`` (sigma_z)
or a boson pair ``(m, n)``, sites in canonical order.
"""

from __future__ import annotations

import sympy

from ..algebra.expectation import Expectation, MonomialSymbol
from ..algebra.monomials import local_str
from ..algebra.operator import (
    Operator,
    identity,
    monomial_operator,
    sigma_minus,
    sigma_plus,
    sigma_z,
)
from ..algebra.sites import qubit, site_sort_key

# Pauli index -> [(ladder local, coefficient)]
PAULI_TO_LADDER: dict[int, tuple[tuple[object, sympy.Expr], ...]] = {
    1: (("+", sympy.Integer(1)), ("-", sympy.Integer(1))),
    2: (("+", -sympy.I), ("-", sympy.I)),
    3: ((3, sympy.Integer(1)),),
}
# ladder local -> [(Pauli index, coefficient)]: sigma_+- = (sigma_x +- i sigma_y) / 2
LADDER_TO_PAULI: dict[object, tuple[tuple[int, sympy.Expr], ...]] = {
    "+": ((1, sympy.Rational(1, 2)), (2, sympy.I / 2)),
    "-": ((1, sympy.Rational(1, 2)), (2, -sympy.I / 2)),
    3: ((3, sympy.Integer(1)),),
}


def ladder_local_str(site: str, loc: object) -> str:
    if loc in ("+", "-"):
        return f"sigma^{loc}_{{{site}}}"
    return local_str(site, loc)


def local_sort_key(loc: object) -> tuple:
    """Total order of local operators of every basis: Pauli x, y, z, then +, -, then bosons."""
    if isinstance(loc, int):
        return (0, loc, 0)
    if loc == "+":
        return (0, 4, 0)
    if loc == "-":
        return (0, 5, 0)
    return (1, *loc)  # type: ignore[misc]


def monomial_key(mono: tuple) -> tuple:
    """Printing order of monomials of any basis: by degree, then sites, then locals."""
    return (len(mono), tuple((site_sort_key(s), local_sort_key(loc)) for s, loc in mono))


class LadderExpectation(MonomialSymbol):
    """<O> for a ladder monomial O (sigma_+, sigma_-, sigma_z, boson a^dag^m a^n)."""

    __slots__ = ()

    def __new__(cls, monomial: tuple) -> LadderExpectation:
        monomial = tuple(sorted(monomial, key=lambda p: site_sort_key(p[0])))
        if not monomial:
            raise ValueError("the expectation of the identity is 1, not a symbol")
        for site, loc in monomial:
            if not (loc in ("+", "-", 3) or isinstance(loc, tuple)):
                raise ValueError(f"ladder local operator {loc!r} on {site!r} is not +, - or 3")
        name = "<" + " ".join(ladder_local_str(s, loc) for s, loc in monomial) + ">"
        real = all(loc == 3 or (isinstance(loc, tuple) and loc[0] == loc[1])
                   for _, loc in monomial)
        return cls._create(name, monomial, real=real)

    def _latex(self, printer: object) -> str:
        """``sympy.latex`` hook (see :meth:`Expectation._latex`)."""
        if hasattr(printer, "_bracket"):
            return printer._bracket(self.monomial)  # type: ignore[attr-defined]
        from .latex import SymthermoLatexPrinter

        return SymthermoLatexPrinter()._bracket(self.monomial)

    @property
    def operator(self) -> Operator:
        """The ladder monomial as an Operator (in the algebra's Pauli basis)."""
        out = identity()
        for site, loc in self.monomial:
            if loc == "+":
                out = out * sigma_plus(qubit(site))
            elif loc == "-":
                out = out * sigma_minus(qubit(site))
            elif loc == 3:
                out = out * sigma_z(qubit(site))
            else:
                out = out * monomial_operator(((site, loc),))
        return out


def ladder_expansion(monomial: tuple) -> list[tuple[sympy.Expr, tuple]]:
    """A Pauli-basis monomial as ``[(coefficient, ladder monomial)]`` (sigma_x, sigma_y split)."""
    partial: list[tuple[sympy.Expr, tuple]] = [(sympy.Integer(1), ())]
    for site, loc in monomial:
        options = PAULI_TO_LADDER[loc] if isinstance(loc, int) else ((loc, sympy.Integer(1)),)
        partial = [(c * c2, (*m, (site, l2))) for c, m in partial for l2, c2 in options]
    return partial


def to_ladder_basis(expr: sympy.Expr) -> sympy.Expr:
    """Rewrite Pauli-string expectation values with sigma_x / sigma_y in the ladder basis.

    ``<sigma^x_1 sigma^x_2>`` becomes ``<s+ s+> + <s+ s-> + <s- s+> + <s- s->``; expectation
    values without sigma_x and sigma_y are kept as they are.  Products and integer powers of
    sums are expanded.
    """
    expr = sympy.sympify(expr)
    mapping = {}
    for s in expr.free_symbols:
        if isinstance(s, Expectation) and any(loc in (1, 2) for _, loc in s.monomial):
            mapping[s] = sympy.Add(
                *[c * LadderExpectation(m) for c, m in ladder_expansion(s.monomial)]
            )
    if not mapping:
        return expr
    return _expand(expr.xreplace(mapping))


def _expand(expr: sympy.Expr) -> sympy.Expr:
    """Distribute products and integer powers of sums (nothing else)."""
    return sympy.expand(expr, power_exp=False, power_base=False, log=False)


def from_ladder_basis(expr: sympy.Expr) -> sympy.Expr:
    """The inverse of :func:`to_ladder_basis`: back to Pauli-string Expectation symbols."""
    expr = sympy.sympify(expr)
    mapping = {}
    for s in expr.free_symbols:
        if isinstance(s, LadderExpectation):
            partial: list[tuple[sympy.Expr, tuple]] = [(sympy.Integer(1), ())]
            for site, loc in s.monomial:
                if isinstance(loc, tuple):
                    options: tuple = ((loc, sympy.Integer(1)),)
                else:
                    options = LADDER_TO_PAULI[loc]
                partial = [(c * c2, (*m, (site, l2))) for c, m in partial for l2, c2 in options]
            mapping[s] = sympy.Add(*[c * Expectation(m) for c, m in partial])
    if not mapping:
        return expr
    return _expand(expr.xreplace(mapping))


__all__ = [
    "LadderExpectation",
    "from_ladder_basis",
    "ladder_expansion",
    "monomial_key",
    "to_ladder_basis",
]
