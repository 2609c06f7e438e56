"""Expectation-value symbols: one structured sympy Symbol per canonical system monomial.

``Expectation(monomial)`` is a sympy ``Symbol`` (so it works in ``solve``, ``cse`` and
``lambdify``) that remembers its operator: ``.monomial`` (canonical tuple), ``.operator``.
Its name is the plain-text form ``<sigma^x_{S1} sigma^x_{S2}>``; LaTeX printing is done by the
emitters from ``.monomial``, never from the name.  Pauli-string and ``a^dag^m a^m`` monomials
have real expectation values in any state and are declared real; ``a^dag^m a^n`` with m != n
is complex.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

import sympy

from .coefficients import register_name_first
from .monomials import OMono, monomial_str
from .operator import Operator, monomial_operator


def _is_real_monomial(mono: OMono) -> bool:
    return all(isinstance(loc, int) or loc[0] == loc[1] for _, loc in mono)


@register_name_first  # its hashable content is (name, assumptions..., monomial)
class MonomialSymbol(sympy.Symbol):
    """A sympy Symbol that carries an operator monomial (``.monomial``).

    The monomial is part of the symbol's identity (hash, equality, pickling); subclasses
    choose the name and the assumptions with :meth:`_create`.
    """

    __slots__ = ("monomial",)
    monomial: tuple

    @classmethod
    def _create(cls, name: str, monomial: tuple, real: bool = False) -> MonomialSymbol:
        obj = sympy.Symbol.__new__(cls, name, real=True) if real else sympy.Symbol.__new__(
            cls, name
        )
        obj.monomial = monomial
        return obj

    def __getnewargs_ex__(self) -> tuple[tuple, dict]:
        return ((self.monomial,), {})

    def __getstate__(self) -> dict:
        return {}

    def _hashable_content(self) -> tuple:
        return (*super()._hashable_content(), self.monomial)

    # printing -------------------------------------------------------------------------------
    # sympy's LaTeX and pretty printers dispatch on the class *name*, and sympy.stats has a
    # class ``Expectation`` too (with arguments): ``sympy.latex(2*<sigma_z>)`` would run
    # sympy.stats' printer and fail. The printers first ask the object to print itself, so
    # monomial symbols do: a printer that knows them (symthermo.emit.latex) gets the symbol
    # through its ``print_monomial_symbol`` hook, any other printer a plain default.
    # symthermo.emit.latex registers its printer here when it is imported (the algebra never
    # imports the emitters), so plain ``sympy.latex`` gives the emitters' form in a notebook.
    latex_fallback: ClassVar[Callable[[MonomialSymbol], str] | None] = None

    def _latex(self, printer: object, **_options: object) -> str:
        own = getattr(printer, "print_monomial_symbol", None)
        if own is not None:
            return own(self)
        fallback = MonomialSymbol.latex_fallback
        return fallback(self) if fallback is not None else self.default_latex()

    def _pretty(self, printer: object, **_options: object) -> object:
        from sympy.printing.pretty.stringpict import prettyForm

        return prettyForm(self.name)

    def default_latex(self) -> str:
        """The monomial as a product of local operators (\\sigma^x_{S1}, a^\\dagger_{R})."""
        parts = []
        for site, loc in self.monomial:
            sub = "_{" + site.replace("_", r"\_") + "}"
            if isinstance(loc, int):
                parts.append(r"\sigma^{" + "xyz"[loc - 1] + "}" + sub)
            elif isinstance(loc, str):  # ladder basis: "+" or "-"
                parts.append(r"\sigma^{" + loc + "}" + sub)
            else:
                m, n = loc
                if m:
                    parts.append(r"a^{\dagger" + (f" {m}" if m > 1 else "") + "}" + sub)
                if n:
                    parts.append("a" + sub + (f"^{{{n}}}" if n > 1 else ""))
        return " ".join(parts)


class Expectation(MonomialSymbol):
    """<O>: the expectation value of a canonical monomial O in the system state rho_S."""

    __slots__ = ()
    monomial: OMono

    def __new__(cls, monomial: OMono) -> Expectation:
        monomial = tuple(monomial)
        if not monomial:
            raise ValueError("the expectation of the identity is 1, not a symbol")
        name = "<" + monomial_str(monomial) + ">"
        return cls._create(name, monomial, real=_is_real_monomial(monomial))

    @property
    def operator(self) -> Operator:
        return monomial_operator(self.monomial)

    def default_latex(self) -> str:
        """\\langle O \\rangle with O printed by :meth:`MonomialSymbol.default_latex`."""
        return r"\langle " + super().default_latex() + r" \rangle"

    @property
    def site_names(self) -> tuple[str, ...]:
        return tuple(s for s, _ in self.monomial)


def expectation(op: Operator) -> sympy.Expr:
    """<op> as a linear combination of :class:`Expectation` symbols (identity -> 1)."""
    if not isinstance(op, Operator):
        op = Operator.scalar(op)  # a number is its own expectation; anything else is refused
    terms = []
    for mono, coeff in op.terms.items():
        terms.append(coeff if not mono else coeff * Expectation(mono))
    return sympy.Add(*terms)


def expectations_in(expr: sympy.Expr) -> list[Expectation]:
    """The Expectation symbols of an expression, in deterministic order."""
    from .monomials import monomial_sort_key

    found = {s for s in sympy.sympify(expr).free_symbols if isinstance(s, Expectation)}
    return sorted(found, key=lambda e: monomial_sort_key(e.monomial))
