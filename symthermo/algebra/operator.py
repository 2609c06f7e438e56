"""Operators: exact linear combinations of canonical monomials with sympy coefficients.

An :class:`Operator` is an immutable value.  Internally it is one flat dict

    {(operator monomial, coefficient monomial): non-zero rational}

(see :mod:`.monomials` and :mod:`.coefficients`), which is the canonical form of DESIGN.md
section 2: Pauli basis per qubit, normal order per boson, sites sorted, coefficients expanded.
Equal operators therefore compare and hash equal, and ``A - A`` is exactly zero.  Coefficients
are expanded when terms are collected (every product is collected into the dict at once);
that is exact and, measured in ``bench/algebra.py``, much faster than sympy expressions with
a final ``expand`` (see the note there).

Products of operators use memoised monomial products; commutators use the monomial
commutator, which skips commuting pairs (disjoint sites, or an even number of anticommuting
Pauli sites) without computing them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import TYPE_CHECKING

import sympy

from ..errors import CoefficientError, SiteError
from .coefficients import (
    ONE,
    cmono_conjugate,
    cmono_from_portable,
    cmono_mul,
    cmono_portable,
    scalar_to_sympy,
    to_scalar,
)
from .monomials import (
    OMono,
    monomial_commutator,
    monomial_dagger,
    monomial_product,
    monomial_sort_key,
    monomial_str,
)

if TYPE_CHECKING:
    from .sites import Site

Key = tuple  # (OMono, CMono)


def _accumulate(out: dict, key: Key, value: int | Fraction) -> None:
    v = out.get(key, 0) + value
    if v == 0:
        out.pop(key, None)
    else:
        out[key] = v


class Operator:
    """An operator in canonical form; build it from site operators, sums and products.

    ``A * B`` (product), ``c * A`` (sympy or numeric scalar), ``A + B``, ``A - B``, ``A / c``,
    ``A ** n``; :func:`commutator`, :func:`anticommutator`, :meth:`dagger`,
    :meth:`is_hermitian`; :attr:`terms` gives ``{monomial: sympy coefficient}``.
    """

    __slots__ = ("_data", "_hash")

    # sympy objects (expressions, matrices) defer to the operand with the higher priority, so
    # ``J * A`` and ``Matrix(...) * A`` reach ``__rmul__`` (which accepts only scalars)
    # instead of failing inside sympify
    _op_priority = 20.0
    # numpy defers too: ``np.float64(2) * A`` reaches ``__rmul__`` (a number), and
    # ``np.array([1, 2]) * A`` is refused there instead of becoming an array of operators
    __array_ufunc__ = None

    def __init__(self, data: Mapping[Key, int | Fraction] | None = None) -> None:
        self._data: dict[Key, int | Fraction] = dict(data) if data else {}
        self._hash: int | None = None

    # construction -------------------------------------------------------------------------
    @classmethod
    def from_monomial(cls, mono: OMono, coefficient: object = 1) -> Operator:
        scalar = to_scalar(coefficient)
        return cls({(mono, cm): r for cm, r in scalar.items()})

    @classmethod
    def scalar(cls, value: object) -> Operator:
        return cls.from_monomial((), value)

    # structure ----------------------------------------------------------------------------
    @property
    def terms(self) -> dict[OMono, sympy.Expr]:
        """``{monomial: sympy coefficient}``, in deterministic (degree, site) order."""
        grouped: dict[OMono, dict] = {}
        for (om, cm), r in self._data.items():
            grouped.setdefault(om, {})[cm] = r
        return {
            om: scalar_to_sympy(grouped[om])
            for om in sorted(grouped, key=monomial_sort_key)
        }

    @property
    def monomials(self) -> list[OMono]:
        return sorted({om for om, _ in self._data}, key=monomial_sort_key)

    @property
    def site_names(self) -> frozenset[str]:
        return frozenset(s for om, _ in self._data for s, _ in om)

    def raw_items(self) -> Iterable[tuple[Key, int | Fraction]]:
        """The internal (monomial, coefficient-monomial) -> rational items (read only)."""
        return self._data.items()

    def is_zero(self) -> bool:
        return not self._data

    def __bool__(self) -> bool:
        return bool(self._data)

    def coefficient(self, mono: OMono) -> sympy.Expr:
        """Sympy coefficient of one canonical monomial (0 if absent)."""
        return scalar_to_sympy({cm: r for (om, cm), r in self._data.items() if om == mono})

    def scalar_part(self) -> sympy.Expr:
        return self.coefficient(())

    # arithmetic ---------------------------------------------------------------------------
    def __add__(self, other: object) -> Operator:
        if other.__class__ is not Operator and getattr(other, "is_indexed_operator", False):
            return NotImplemented  # an IndexedOperator (symbolic N) handles the sum
        other = _as_operator(other)
        out = dict(self._data)
        for k, v in other._data.items():
            _accumulate(out, k, v)
        return Operator(out)

    __radd__ = __add__

    def __neg__(self) -> Operator:
        return Operator({k: -v for k, v in self._data.items()})

    def __sub__(self, other: object) -> Operator:
        if other.__class__ is not Operator and getattr(other, "is_indexed_operator", False):
            return NotImplemented
        return self + (-_as_operator(other))

    def __rsub__(self, other: object) -> Operator:
        return _as_operator(other) + (-self)

    def __mul__(self, other: object) -> Operator:
        if other.__class__ is not Operator and getattr(other, "is_indexed_operator", False):
            return NotImplemented
        if isinstance(other, Operator):
            return _product(self, other)
        return _scale(self, other)

    def __rmul__(self, other: object) -> Operator:
        if other.__class__ is not Operator and getattr(other, "is_indexed_operator", False):
            return NotImplemented
        if isinstance(other, Operator):
            return _product(other, self)
        return _scale(self, other)

    def __truediv__(self, other: object) -> Operator:
        if isinstance(other, Operator):
            raise CoefficientError("cannot divide by an operator; divide by a scalar only")
        scalar = to_scalar(other)
        if not scalar:
            raise CoefficientError("division of an operator by zero")
        if len(scalar) == 1 and ONE in scalar:
            return _scale_rational(self, Fraction(1) / Fraction(scalar[ONE]))
        return _scale(self, 1 / sympy.sympify(other))

    def __pow__(self, n: int) -> Operator:
        if not isinstance(n, int) or n < 0:
            raise CoefficientError(f"operator power must be a non-negative integer, got {n!r}")
        out = identity()
        for _ in range(n):
            out = out * self
        return out

    # adjoint ------------------------------------------------------------------------------
    def dagger(self) -> Operator:
        """Hermitian conjugate (parameters are real; i -> -i, exp(I*x) -> exp(-I*x))."""
        out: dict[Key, int | Fraction] = {}
        for (om, cm), r in self._data.items():
            sign, conj = cmono_conjugate(cm)
            _accumulate(out, (monomial_dagger(om), conj), sign * r)
        return Operator(out)

    def is_hermitian(self) -> bool:
        return self.dagger() == self

    # substitution -------------------------------------------------------------------------
    def subs(self, mapping: Mapping[object, object]) -> Operator:
        """Substitute parameter values into the coefficients (exactly)."""
        for key, value in mapping.items():
            if isinstance(value, (Operator, str, bytes)):
                raise CoefficientError(
                    f"the value substituted for {key} is a {type(value).__name__}, not a scalar: "
                    "substitute numbers or sympy expressions"
                )
            to_scalar(value)  # refuses matrices, lists, ... with a CoefficientError
        out = Operator()
        for om, coeff in self.terms.items():
            out = out + Operator.from_monomial(om, sympy.sympify(coeff).subs(mapping))
        return out

    # value semantics ----------------------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        if isinstance(other, Operator):
            return self._data == other._data
        if isinstance(other, (int, Fraction, sympy.Expr)):
            return self == Operator.scalar(other)
        return NotImplemented

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self._data.items()))
        return self._hash

    def __str__(self) -> str:
        if not self._data:
            return "0"
        parts = []
        for om, coeff in self.terms.items():
            c = sympy.sstr(coeff)
            if om == ():
                parts.append(c if coeff.is_Atom or coeff.is_Mul or coeff.is_Pow else f"({c})")
            elif coeff == 1:
                parts.append(monomial_str(om))
            elif coeff == -1:
                parts.append("-" + monomial_str(om))
            else:
                wrap = not (coeff.is_Atom or coeff.is_Mul or coeff.is_Pow)
                parts.append(f"({c})*{monomial_str(om)}" if wrap else f"{c}*{monomial_str(om)}")
        return " + ".join(parts).replace("+ -", "- ")

    def __repr__(self) -> str:
        return f"Operator({self})"

    # notebooks and sympy.latex: the emitter's printer (imported on use)
    def _latex(self, printer: object) -> str:
        if hasattr(printer, "_print_Operator"):
            return printer._print_Operator(self)  # type: ignore[attr-defined]
        from ..emit.latex import latex

        return latex(self)

    def _repr_latex_(self) -> str:
        return "$\\displaystyle " + self._latex(None) + "$"

    def __reduce__(self) -> tuple:
        # coefficient atoms are interned per process: pickle them as sympy expressions
        items = tuple((om, cmono_portable(cm), r) for (om, cm), r in self._data.items())
        return (_operator_from_portable, (items,))


def _operator_from_portable(items: tuple) -> Operator:
    out: dict[Key, int | Fraction] = {}
    for om, pcm, r in items:
        factor, cm = cmono_from_portable(pcm)
        _accumulate(out, (om, cm), r * factor)
    return Operator(out)


def _as_operator(x: object) -> Operator:
    if isinstance(x, Operator):
        return x
    return Operator.scalar(x)


def _scale_rational(a: Operator, r: int | Fraction) -> Operator:
    if isinstance(r, Fraction) and r.denominator == 1:
        r = r.numerator
    if r == 0:
        return Operator()
    return Operator({k: v * r for k, v in a._data.items()})


def _scale(a: Operator, c: object) -> Operator:
    scalar = to_scalar(c)
    if len(scalar) == 1 and ONE in scalar:
        return _scale_rational(a, scalar[ONE])
    out: dict[Key, int | Fraction] = {}
    for (om, cm), r in a._data.items():
        for cm2, r2 in scalar.items():
            s, m = cmono_mul(cm, cm2)
            _accumulate(out, (om, m), s * r * r2)
    return Operator(out)


def _product(a: Operator, b: Operator) -> Operator:
    out: dict[Key, int | Fraction] = {}
    for (om1, cm1), r1 in a._data.items():
        for (om2, cm2), r2 in b._data.items():
            r = r1 * r2
            for f, ip, om in monomial_product(om1, om2):
                s, cm = cmono_mul(cm1, cm2, ip)
                _accumulate(out, (om, cm), s * f * r)
    return Operator(out)


def commutator(a: Operator, b: Operator) -> Operator:
    """[A, B] = AB - BA, computed monomial by monomial (commuting pairs are skipped)."""
    a, b = _as_operator(a), _as_operator(b)
    out: dict[Key, int | Fraction] = {}
    for (om1, cm1), r1 in a._data.items():
        for (om2, cm2), r2 in b._data.items():
            terms = monomial_commutator(om1, om2)
            if not terms:
                continue
            r = r1 * r2
            for f, ip, om in terms:
                s, cm = cmono_mul(cm1, cm2, ip)
                _accumulate(out, (om, cm), s * f * r)
    return Operator(out)


def anticommutator(a: Operator, b: Operator) -> Operator:
    """{A, B} = AB + BA."""
    a, b = _as_operator(a), _as_operator(b)
    return _product(a, b) + _product(b, a)


def identity() -> Operator:
    return Operator({((), ONE): 1})


# site operators ---------------------------------------------------------------------------


def _require(site: Site, kind: str, what: str) -> str:
    from .sites import Site

    if not isinstance(site, Site):
        raise SiteError(
            f"{what} needs a Site (e.g. qubit('S1') or boson('R')), got {site!r}"
        )
    if site.kind != kind:
        raise SiteError(
            f"{what} acts on a {kind}, but site {site.name!r} is a {site.kind}"
        )
    return site.name


def sigma_x(site: Site) -> Operator:
    """Pauli x: |0><1| + |1><0|."""
    return Operator({(((_require(site, "qubit", "sigma_x"), 1),), ONE): 1})


def sigma_y(site: Site) -> Operator:
    """Pauli y = i|0><1| - i|1><0|, so that sigma_x sigma_y = i sigma_z."""
    return Operator({(((_require(site, "qubit", "sigma_y"), 2),), ONE): 1})


def sigma_z(site: Site) -> Operator:
    """Pauli z = |1><1| - |0><0| (|0> is the ground state)."""
    return Operator({(((_require(site, "qubit", "sigma_z"), 3),), ONE): 1})


def sigma_plus(site: Site) -> Operator:
    """Raising operator |1><0| = (sigma_x + i sigma_y)/2."""
    name = _require(site, "qubit", "sigma_plus")
    half = Fraction(1, 2)
    return Operator({(((name, 1),), ONE): half, (((name, 2),), (1,)): half})


def sigma_minus(site: Site) -> Operator:
    """Lowering operator |0><1| = (sigma_x - i sigma_y)/2."""
    name = _require(site, "qubit", "sigma_minus")
    half = Fraction(1, 2)
    return Operator({(((name, 1),), ONE): half, (((name, 2),), (1,)): -half})


def annihilation(site: Site) -> Operator:
    """Bosonic a."""
    return Operator({(((_require(site, "boson", "annihilation a"), (0, 1)),), ONE): 1})


def creation(site: Site) -> Operator:
    """Bosonic a^dagger."""
    return Operator({(((_require(site, "boson", "creation a^dagger"), (1, 0)),), ONE): 1})


def number(site: Site) -> Operator:
    """Number operator a^dagger a."""
    return Operator({(((_require(site, "boson", "number operator"), (1, 1)),), ONE): 1})


def collective(op: object, sites: Iterable[Site]) -> Operator:
    """Collective sum over sites, e.g. ``collective(sigma_x, [S1, S2])`` = S^x = sum_i sigma^x_i."""
    if not callable(op):
        raise SiteError(f"collective needs a site operator function such as sigma_x, got {op!r}")
    out = Operator()
    for s in sites:
        out = out + op(s)  # type: ignore[operator]
    return out


def operator_sum(ops: Iterable[Operator]) -> Operator:
    """Sum of many operators in one pass (faster than repeated ``+``)."""
    out: dict[Key, int | Fraction] = {}
    for op in ops:
        for k, v in op._data.items():
            _accumulate(out, k, v)
    return Operator(out)


def monomial_operator(mono: OMono) -> Operator:
    """The operator of one canonical monomial, coefficient 1."""
    return Operator({(mono, ONE): 1})


__all__ = [
    "Operator",
    "annihilation",
    "anticommutator",
    "collective",
    "commutator",
    "creation",
    "identity",
    "monomial_operator",
    "number",
    "operator_sum",
    "sigma_minus",
    "sigma_plus",
    "sigma_x",
    "sigma_y",
    "sigma_z",
]
