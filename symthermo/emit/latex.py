r"""LaTeX printing in the papers' notation.

:class:`SymthermoLatexPrinter` subclasses sympy's ``LatexPrinter`` with one ``_print_X`` method
per node kind (no string surgery on sympy's output):

* ``Expectation`` / ``LadderExpectation`` -> ``\langle \hat{\sigma}^{x}_{S_1}
  \hat{\sigma}^{x}_{S_2} \rangle_{\rho_S}``, bosons ``\hat{a}^{\dagger}_{R} \hat{a}_{R}``,
  powers ``\hat{a}^{\dagger 2}_{R}``; the state subscript is the setting ``state``
  (None: no subscript);
* parameter symbols by the naming scheme of :func:`parameter_latex`; a conjugated parameter
  as the papers write it (``conjugate(M_b)`` -> ``M^{*}_{b}``, the squeezing moment M^*);
* sums containing expectation values (or operator monomials) are grouped by expectation value,
  in monomial order, each coefficient factored (``sympy.factor``) and put in front;
* symthermo ``Operator`` objects print as sums of operator products (:func:`latex_operator`).

**Parameter naming scheme** (:func:`parameter_latex`): a symbol name is
``base[^superscript][_subscript]`` (the two parts in either order).

* ``base``: a Greek letter name (``omega``, ``gamma``, ``Gamma``, ...) becomes ``\omega``;
  sympy's modifiers work (``nbar`` -> ``\bar{n}``); a one-letter base followed by letters
  from x, y, z takes them as superscript (``Jx`` -> ``J^{x}``); trailing digits are a subscript
  (``omega1`` -> ``\omega_{1}``); other multi-letter bases are upright (``\mathrm{Th}``).
* ``subscript``: a site-like name, letters then digits, becomes ``S_1`` (``omega_S1`` ->
  ``\omega_{S_1}``); with commas (or further ``_``, read as commas) the parts are kept
  (``gamma^-_h,12`` -> ``\gamma^{-}_{h,12}``); Greek names are translated; words of three or
  more letters are upright.
* ``superscript``: signs and single letters as they are, Greek names translated, words upright
  (``T^eff`` -> ``T^{\mathrm{eff}}``).

Examples: ``Jx_1`` -> ``J^{x}_{1}``, ``omega_S1`` -> ``\omega_{S_1}``, ``xi_R`` -> ``\xi_{R}``,
``gamma^-_h,12`` -> ``\gamma^{-}_{h,12}``, ``Jx_s`` -> ``J^{x}_{s}``.

Line breaking (:func:`latex_lines`, :func:`latex_equation`): terms are packed greedily into
lines whose estimated printed width (:func:`latex_width`, in pt at 10pt type) stays below
``width`` (default 200pt, so that with the left-hand side and the equation number an equation
fits a two-column page, ~8.5cm); ``max_terms`` optionally caps the terms per line.  A single
term wider than a line is broken inside its (expanded) coefficient with ``\bigl( ... \bigr)``.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar

import sympy
from sympy.printing.latex import LatexPrinter, translate
from sympy.printing.precedence import PRECEDENCE

from ..algebra.expectation import Expectation, MonomialSymbol
from ..algebra.indexed import IndexedExpectation, IndexedSum, placeholder_of
from ..algebra.operator import Operator
from .ladder import (
    LadderExpectation,
    ladder_expansion,
    monomial_key,
    to_ladder_basis,
)
from .quantity import EmitError, Quantity

DEFAULT_WIDTH = 200.0  # pt of printed material per line, left-hand side included
#: an equation of more lines is set with ``align`` (may break across pages) instead of ``split``
MAX_SPLIT_LINES = 12


class LatexNameWarning(UserWarning):
    """A LaTeX name given by the user will not compile (double subscript, unbalanced braces)."""


# ------------------------------------------------------------------------------------------
# names

_GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta",
    "vartheta", "iota", "kappa", "lambda", "lamda", "mu", "nu", "xi", "omicron", "pi", "rho",
    "sigma", "tau", "upsilon", "phi", "varphi", "chi", "psi", "omega",
    "Gamma", "Delta", "Theta", "Lambda", "Lamda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi",
    "Omega",
}
_SITE_LIKE = re.compile(r"^([A-Za-z]+)(\d+)$")
_BASE_XYZ = re.compile(r"^([A-Za-z])([xyz]+)$")
_BASE_DIGITS = re.compile(r"^([A-Za-z]+?)(\d+)$")


def _word(text: str, upright_from: int = 3) -> str:
    """One name part: Greek translated, words of ``upright_from`` letters upright."""
    if text in _GREEK:
        return translate(text)
    if text.isalpha() and len(text) >= upright_from:
        translated = translate(text)
        return translated if translated != text else r"\mathrm{" + text + "}"
    return text


def script_text(text: str) -> str:
    r"""A super/subscript word: letters upright, hyphens as text (``non-loc`` ->
    ``\mathrm{non\text{-}loc}``), signs and single letters as they are."""
    if text in ("+", "-", "*") or len(text) == 1:
        return text
    if text in _GREEK:
        return translate(text)
    if re.fullmatch(r"[A-Za-z0-9()\-]+", text) and re.search(r"[A-Za-z]{2}", text):
        return r"\mathrm{" + text.replace("-", r"\text{-}") + "}"
    return text


def site_latex(name: str) -> str:
    """A site name in LaTeX: ``S1`` -> ``S_1``, ``h2`` -> ``h_2``, ``R12`` -> ``R_{12}``,
    ``h,1`` kept as it is; a family member at a symbolic index (placeholder ``h_np``) ->
    ``h,n'``."""
    ph = placeholder_of(name)
    if ph is not None:
        return _word(ph[0]) + "," + index_latex(ph[1])
    m = _SITE_LIKE.match(name)
    if m:
        head, digits = m.groups()
        digits = digits if len(digits) == 1 else "{" + digits + "}"
        return _word(head) + "_" + digits
    if "_" in name and "," not in name:
        head, _, tail = name.partition("_")
        return _word(head) + "_{" + tail.replace("_", ",") + "}"
    return ",".join(_word(p) for p in name.split(","))


def _subscript(text: str) -> str:
    text = text.replace("_", ",")
    if "," in text:
        return ",".join(_word(p) for p in text.split(","))
    if _SITE_LIKE.match(text) and not text.isdigit():
        return site_latex(text)
    return _word(text)


def parameter_latex(name: str) -> str:
    """LaTeX of a parameter symbol name (the naming scheme in the module docstring)."""
    head = re.split(r"[_^]", name, maxsplit=1)[0]
    rest = name[len(head):]
    sup = sub = ""
    while rest:
        kind, rest = rest[0], rest[1:]
        if kind == "^":
            part, _, tail = rest.partition("_")
            sup, rest = part, ("_" + tail if _ else "")
        else:
            part, _, tail = rest.partition("^")
            sub, rest = part, ("^" + tail if _ else "")
    if not head:
        return name
    base_sup = ""
    m = _BASE_XYZ.match(head)
    if m and head not in _GREEK and translate(head) == head:
        head, base_sup = m.groups()
    else:
        m = _BASE_DIGITS.match(head)
        if m:
            head, digits = m.groups()
            sub = digits + ("," + sub if sub else "")
    base = _word(head, upright_from=2)
    sups = [s for s in (base_sup, script_text(sup) if sup else "") if s]
    out = base
    if sups:
        out += "^{" + ",".join(sups) + "}"
    if sub:
        out += "_{" + _subscript(sub) + "}"
    return out


def current_symbol(kind: str, part: str | None = None, bath: str | None = None) -> str:
    r"""LaTeX of a current: ``current_symbol("Q", "loc", "R")`` -> ``\dot{Q}^{\mathrm{loc}}_{R}``.

    ``kind``: ``"Q"`` (heat) or ``"W"`` (work) or any letter; ``part``: e.g. ``"loc"``,
    ``"non-loc"`` (-> ``\mathrm{non\text{-}loc}``), None for the total; ``bath``: subscript.
    """
    out = r"\dot{" + kind + "}"
    if part:
        out += "^{" + script_text(part) + "}"
    if bath:
        out += "_{" + _subscript(bath) + "}"
    return out


# ------------------------------------------------------------------------------------------
# operator monomials as symbols


class OperatorMonomial(MonomialSymbol):
    """A canonical operator monomial as a commuting sympy symbol, for printing operators."""

    __slots__ = ()

    def __new__(cls, monomial: tuple) -> OperatorMonomial:
        monomial = tuple(monomial)
        return cls._create("op" + repr(monomial), monomial)


def _is_monomial_symbol(s: object) -> bool:
    return isinstance(s, (Expectation, LadderExpectation, OperatorMonomial, IndexedExpectation))


def _monomial_atoms(expr: sympy.Basic) -> set:
    """The monomial symbols of expr, indexed expectation values (symbolic N) included."""
    found = {s for s in expr.free_symbols if _is_monomial_symbol(s)}
    return found | expr.atoms(IndexedExpectation)


def index_latex(i: sympy.Expr) -> str:
    """An index: its label (``n'`` stays ``n'``) or the integer."""
    return str(i.label) if isinstance(i, sympy.Idx) else str(i)


def _indices_latex(indices: Sequence) -> str:
    parts = [index_latex(i) for i in indices]
    if all(len(p.rstrip("'")) == 1 for p in parts):
        return "".join(parts)
    return ",".join(parts)


def _range_conditions(bound: Sequence, order: Sequence, exclude: Sequence) -> str:
    r"""The subscript of one sum sign over indices of one range (pairwise distinct)."""
    names = [index_latex(b) for b in bound]
    pairs = [(index_latex(a), index_latex(b)) for a, b in order]
    excl = [index_latex(e) for e in exclude]
    if len(names) == 1 and not pairs and not excl:
        return names[0] + "=1"
    if len(names) == 2 and not excl and not pairs:
        return names[0] + r" \neq " + names[1] + "=1"
    if len(names) == 2 and not excl and len(pairs) == 1:
        a, b = pairs[0]
        return b + ">" + a + "=1"
    conds = []
    if len(names) > 1:
        conds.append(r"\text{distinct } " + ", ".join(names))
    conds.extend(a + "<" + b for a, b in pairs)
    conds.extend(n + r" \neq " + e for n in names for e in excl)
    return r"\substack{" + ", ".join(names) + "=1" + r" \\ " + r",\ ".join(conds) + "}"


def operator_expression(op: Operator, ladder: bool = False) -> sympy.Expr:
    """An Operator as ``sum coefficient * OperatorMonomial`` (identity -> the scalar)."""
    terms = []
    for mono, coeff in op.terms.items():
        if not mono:
            terms.append(coeff)
        elif ladder and any(loc in (1, 2) for _, loc in mono):
            for c, m in ladder_expansion(mono):
                terms.append(coeff * c * OperatorMonomial(m))
        else:
            terms.append(coeff * OperatorMonomial(mono))
    return sympy.expand_mul(sympy.Add(*terms))


# ------------------------------------------------------------------------------------------
# the printer


@dataclass
class Term:
    """One printed term of a sum: sign, LaTeX body, and how to break it if it is too wide."""

    sign: str  # "+" or "-"
    body: str
    pieces: list[tuple[str, str]] | None = None  # terms (sign, latex) of the bracket to break
    suffix: str = ""  # the monomial part following the broken coefficient
    prefix: str = ""  # factors in front of the broken bracket
    head: str = ""  # an opening in front of the body (``c \sum_{...} \Bigl( ``), own item


class SymthermoLatexPrinter(LatexPrinter):
    """sympy's LatexPrinter with the papers' notation (see the module docstring)."""

    _default_settings: ClassVar[dict] = {
        **LatexPrinter._default_settings,
        "state": r"\rho_S",
        "group": True,
        "factor": True,
        "ladder": False,
        "closed_form": True,
        "width": DEFAULT_WIDTH,
    }

    def __init__(self, settings: dict | None = None) -> None:
        super().__init__(settings)
        # rows (name, terms) defining abbreviations introduced while printing, e.g. the
        # denominator D of a long fraction: D = ...
        self.definitions: list[tuple[str, list[Term]]] = []

    # --- entry point -----------------------------------------------------------------------
    def doprint(self, expr: object) -> str:
        if isinstance(expr, sympy.Basic) and self._settings["ladder"]:
            expr = to_ladder_basis(expr)
        return super().doprint(expr)

    # --- leaves ----------------------------------------------------------------------------
    def _print_Symbol(self, expr: sympy.Symbol, style: str = "plain") -> str:
        names = self._settings["symbol_names"]
        if expr in names:
            return names[expr]
        if "\\" in expr.name:
            return expr.name
        return parameter_latex(expr.name)

    def _local(self, site: str, loc: object) -> str:
        s = site_latex(site)
        if isinstance(loc, int):
            return r"\hat{\sigma}^{" + "xyz"[loc - 1] + "}_{" + s + "}"
        if loc in ("+", "-"):
            return r"\hat{\sigma}^{" + str(loc) + "}_{" + s + "}"
        m, n = loc  # type: ignore[misc]
        parts = []
        if m:
            parts.append(r"\hat{a}^{\dagger" + (f" {m}" if m > 1 else "") + "}_{" + s + "}")
        if n:
            parts.append(r"\hat{a}" + (f"^{{{n}}}" if n > 1 else "") + "_{" + s + "}")
        return " ".join(parts)

    def monomial_latex(self, monomial: tuple) -> str:
        """An operator monomial as a product of hatted local operators."""
        return " ".join(self._local(s, loc) for s, loc in monomial)

    def _bracket(self, monomial: tuple) -> str:
        state = self._settings["state"]
        inner = r"\langle " + self.monomial_latex(monomial) + r" \rangle"
        return inner + ("_{" + state + "}" if state else "")

    def print_monomial_symbol(self, expr: sympy.Symbol) -> str:
        """Hook called by :class:`~symthermo.algebra.expectation.MonomialSymbol` (which prints
        itself, ahead of sympy's dispatch on class names): our method for its class."""
        for cls in type(expr).__mro__:
            method = getattr(self, "_print_" + cls.__name__, None)
            if method is not None:
                return method(expr)
        return self._print_Symbol(expr)  # pragma: no cover - every subclass has a method

    def _print_Expectation(self, expr: Expectation) -> str:
        return self._bracket(expr.monomial)

    def _print_LadderExpectation(self, expr: LadderExpectation) -> str:
        return self._bracket(expr.monomial)

    def _print_IndexedExpectation(self, expr: IndexedExpectation) -> str:
        return self._bracket(expr.monomial)

    def _print_Indexed(self, expr: sympy.Indexed) -> str:
        r"""``gamma^-_h[n, n']`` -> ``\gamma^{-}_{h,nn'}``, ``Omega[n, n']`` -> ``\Omega_{nn'}``."""
        base = self._print(sympy.Symbol(str(expr.base.label)))
        idx = _indices_latex(expr.indices)
        if base.endswith("}") and "_{" in base:
            head, _, sub = base.rpartition("_{")
            if "{" not in sub[:-1] and "}" not in sub[:-1]:
                return head + "_{" + sub[:-1] + "," + idx + "}"
        return base + "_{" + idx + "}"

    def _print_IndexedSum(self, expr: IndexedSum, signs_only: bool = False) -> str:
        r"""``\sum_{n \neq n'=1}^{N}``, ``\sum_{n'>n=1}^{N}``, ``\sum_{n=1}^{N}`` (one sign
        per range), then the summand (parenthesised when it is a sum)."""
        by_range: dict = {}
        for b in expr.bound:
            by_range.setdefault(b.upper, []).append(b)
        signs = []
        for r in sorted(by_range, key=str):
            bs = by_range[r]
            order = [(a, b) for a, b in expr.order if a.upper == r]
            excl = [e for e in expr.exclude if e.upper == r]
            signs.append(r"\sum_{" + _range_conditions(bs, order, excl) + "}^{"
                         + self._print(r) + "}")
        conditions = [(a, b) for a, b in expr.order if a.upper not in by_range]
        if conditions:  # an Iverson bracket on free indices
            signs.append(r"\left[" + r",\ ".join(index_latex(a) + "<" + index_latex(b)
                                                  for a, b in conditions) + r"\right]")
        if signs_only:
            return " ".join(signs)
        body = self._print(expr.summand)
        if expr.summand.is_Add:
            body = r"\left(" + body + r"\right)"
        return " ".join(signs) + " " + body

    def _print_OperatorMonomial(self, expr: OperatorMonomial) -> str:
        return self.monomial_latex(expr.monomial)

    def _print_conjugate(self, expr: sympy.Expr, exp: str | None = None) -> str:
        """A conjugated parameter as the papers write it: ``M_b`` -> ``M^{*}_{b}``."""
        arg = expr.args[0]
        if isinstance(arg, sympy.Symbol) and not _is_monomial_symbol(arg) and "^" not in arg.name:
            head, sep, tail = arg.name.partition("_")
            if arg not in self._settings["symbol_names"] and "\\" not in arg.name:
                text = parameter_latex(head + "^*" + sep + tail)
                return text if exp is None else r"\left(" + text + r"\right)^{" + exp + "}"
        return super()._print_conjugate(expr, exp=exp)

    def _print_Pow(self, expr: sympy.Pow) -> str:
        if _is_monomial_symbol(expr.base) and expr.exp.is_Integer and expr.exp > 0:
            return r"\left(" + self._print(expr.base) + r"\right)^{" + self._print(expr.exp) + "}"
        if isinstance(expr.base, sympy.Indexed) and expr.exp.is_Integer and expr.exp > 0:
            base = self._print(expr.base)  # J^{x}_{1,k} squared: {J^{x}_{1,k}}^{2}
            if "^" in base:
                return "{" + base + "}^{" + self._print(expr.exp) + "}"
        return super()._print_Pow(expr)

    # --- symthermo objects -----------------------------------------------------------------
    def _print_Operator(self, op: Operator) -> str:
        return self._print(operator_expression(op, self._settings["ladder"]))

    def _print_Quantity(self, q: object) -> str:
        if isinstance(q, Quantity):
            return quantity_lhs(q) + " = " + self._print(q.expr)
        return super()._print_Quantity(q)  # sympy.physics.units.Quantity

    # --- grouped sums ----------------------------------------------------------------------
    def terms(self, expr: sympy.Expr) -> list[Term]:
        """The printed terms of ``expr`` (grouped by expectation value when it has any)."""
        expr = sympy.sympify(expr)
        monos = sorted(_monomial_atoms(expr), key=sympy.default_sort_key)
        if not monos and self._settings["group"] and self._settings["closed_form"]:
            return self._closed_form_terms(expr)
        if not monos or not self._settings["group"]:
            if expr.is_Add:
                return [self._plain_term(t) for t in self._as_ordered_terms(expr)]
            return [self._plain_term(expr)]
        groups: dict = {}
        others = []  # terms whose expectation part is not a monomial product (sqrt(<x>), 1/<z>)
        for t in sympy.Add.make_args(sympy.expand_mul(expr)):
            coeff, key = t.as_independent(*monos, as_Add=False)
            if _is_monomial_key(key):
                groups[key] = groups.get(key, 0) + coeff
            else:
                others.append(t)
        out = []
        for key in sorted(groups, key=_key_order):
            coeff = groups[key]
            if coeff != 0 and key != 1:
                out.append(self._grouped_term(coeff, key))
        if others:
            for t in self._as_ordered_terms(sympy.Add(*others)):
                out.extend(self._sum_terms(t) or [self._plain_term(t)])
        if groups.get(1, 0) != 0:
            out.append(self._grouped_term(groups[1], sympy.Integer(1)))
        return out or [Term("+", "0")]

    # --- closed forms (no expectation values): one collected fraction ---------------------
    def collected_pieces(self, poly: sympy.Expr) -> list[tuple[str, str]]:
        """A polynomial as printed terms (sign, LaTeX), collected by powers of the frequencies
        (symbols named omega..., Omega...) with factored coefficients; without frequencies,
        the terms of the factored polynomial."""
        poly = sympy.expand(poly)
        gens = _frequencies(poly)
        if not poly.is_Add:
            return [self._signed(poly)]
        if not gens or len(poly.args) > 200:
            f = sympy.factor(poly) if len(poly.args) <= 40 else poly
            if not f.is_Add:
                return [self._signed(f)]
            return [self._signed(t) for t in self._as_ordered_terms(f)]
        groups = sympy.collect(poly, gens, evaluate=False)
        keys = sorted(groups, key=lambda k: (-sympy.Poly(k, *gens).total_degree(),
                                             sympy.default_sort_key(k)))
        out = []
        for k in keys:
            c = sympy.factor(groups[k])
            sign = "+"
            if c.could_extract_minus_sign():
                sign, c = "-", -c
            if k == 1:
                tex = self._print(c)
            elif c == 1:
                tex = self._print(k)
            elif c.is_Add:
                tex = r"\left(" + self._print(c) + r"\right) " + self._print(k)
            else:
                tex = self.parenthesize(c, PRECEDENCE["Mul"], strict=True) + " " + self._print(k)
            if latex_width(tex) > 0.8 * float(self._settings["width"]):  # wider than a line
                sub = sympy.expand(c * k) * (-1 if sign == "-" else 1)
                out.extend(self._signed(t) for t in self._as_ordered_terms(sub))
            else:
                out.append((sign, tex))
        return out

    def _signed(self, t: sympy.Expr) -> tuple[str, str]:
        if t.could_extract_minus_sign():
            return ("-", self._print(-t))
        return ("+", self._print(t))

    def _closed_form_terms(self, expr: sympy.Expr) -> list[Term]:
        """``expr`` (no expectation values) as one fraction N/D, numerator and denominator
        collected by the frequencies; when it is too wide for a line, the numerator is broken
        in ``\\bigl( ... \\bigr)`` after ``\\frac{c}{D}``, and a denominator wider than half
        a line is named ``\\mathcal{D}`` and defined on its own rows
        (:attr:`definitions`)."""
        if expr.is_Number or expr.is_Symbol or not expr.free_symbols:
            return [self._plain_term(expr)]
        expr = expr.replace(lambda e: isinstance(e, sympy.Abs),
                            lambda e: sympy.Abs(sympy.factor(sympy.together(e.args[0]))))
        num, den = sympy.fraction(sympy.together(expr))
        sign = "+"
        if num.could_extract_minus_sign():
            sign, num = "-", -num
        n_out, n_in = _outer_and_inner(num)
        d_out, d_in = _outer_and_inner(den)
        if n_out.could_extract_minus_sign():  # the sign goes in front of the fraction
            sign, n_out = ("-" if sign == "+" else "+"), -n_out
        n_pieces = self.collected_pieces(n_in) if n_in != 1 else []
        d_pieces = self.collected_pieces(d_in) if d_in != 1 else []
        flip = {"+": "-", "-": "+"}
        if n_pieces and n_pieces[0][0] == "-":  # -(-a + b) reads worse than (a - b)
            sign = flip[sign]
            n_pieces = [(flip[ps], t) for ps, t in n_pieces]

        def product(outer: sympy.Expr, pieces: list[tuple[str, str]]) -> str:
            inner = join_terms([Term(s, t) for s, t in pieces]) if pieces else ""
            if outer == 1:
                return inner or "1"
            o = self._print(outer)
            if not pieces:
                return o
            return o + (r" \left(" + inner + r"\right)" if len(pieces) > 1 else " " + inner)

        n_tex, d_tex = product(n_out, n_pieces), product(d_out, d_pieces)
        body = n_tex if den == 1 else r"\frac{" + n_tex + "}{" + d_tex + "}"
        width = float(self._settings["width"])
        if latex_width(body) <= 0.75 * width or (len(n_pieces) < 2 and len(d_pieces) < 2):
            return [Term(sign, body)]
        if den != 1 and latex_width(d_tex) > 0.45 * width:
            name = r"\mathcal{D}"
            if d_out == 1:
                dterms = [Term(ps, t) for ps, t in d_pieces]
            else:
                dterms = [Term("+", d_tex, d_pieces if len(d_pieces) > 1 else None,
                               prefix=self.parenthesize(d_out, PRECEDENCE["Mul"], strict=True))]
            self.definitions.append((name, dterms))
            d_tex = name
        if len(n_pieces) < 2:
            return [Term(sign, n_tex if den == 1 else r"\frac{" + n_tex + "}{" + d_tex + "}")]
        outer = "1" if n_out == 1 else self._print(n_out)
        prefix = outer if den == 1 else r"\frac{" + outer + "}{" + d_tex + "}"
        if prefix == "1":  # a plain polynomial: its collected terms
            return [Term(ps if sign == "+" else flip[ps], t) for ps, t in n_pieces]
        full = prefix + r" \left(" + join_terms([Term(s, t) for s, t in n_pieces]) + r"\right)"
        return [Term(sign, full, n_pieces, "", prefix)]

    def _sum_terms(self, t: sympy.Expr) -> list[Term] | None:
        r"""An indexed sum (times a coefficient) as breakable terms: ``c \sum_{...} \Bigl(``
        first term, the next terms, last term ``\Bigr)``; None for anything else."""
        sums = [f for f in sympy.Mul.make_args(t) if isinstance(f, IndexedSum)]
        if len(sums) != 1 or not sums[0].summand.is_Add:
            return None
        s0 = sums[0]
        coeff = t / s0
        if coeff.atoms(IndexedSum, IndexedExpectation):
            return None
        sign = "+"
        if coeff.could_extract_minus_sign():
            sign, coeff = "-", -coeff
        inner = self.terms(s0.summand)
        if len(inner) < 2:
            return None
        head = "" if coeff == 1 else self.parenthesize(coeff, PRECEDENCE["Mul"], strict=True) + " "
        head += self._print_IndexedSum(s0, signs_only=True) + r" \Bigl( "
        first, last = inner[0], inner[-1]
        lead = "- " if first.sign == "-" else ""
        out = [Term(sign, lead + first.body, first.pieces, first.suffix, lead + first.prefix,
                    head=head)]
        out.extend(inner[1:-1])
        out.append(Term(last.sign, last.body + r" \Bigr)", last.pieces,
                        last.suffix + r" \Bigr)", last.prefix))
        return out

    def _plain_term(self, t: sympy.Expr) -> Term:
        if t.could_extract_minus_sign():
            return Term("-", self._print(-t))
        return Term("+", self._print(t))

    def _coefficient(self, coeff: sympy.Expr) -> sympy.Expr:
        if self._settings["factor"] and len(sympy.Add.make_args(coeff)) <= 40:
            return sympy.factor(coeff)
        return coeff

    def _grouped_term(self, coeff: sympy.Expr, key: sympy.Expr) -> Term:
        coeff = self._coefficient(coeff)
        sign = "+"
        if coeff.could_extract_minus_sign():
            sign, coeff = "-", -coeff
        key_tex = "" if key == 1 else self._print_monomial_product(key)
        # how to break the coefficient if the term is too wide: prefix * \bigl( pieces \bigr)
        prefix, bracket = sympy.Integer(1), sympy.expand(coeff)
        if coeff.is_Add:
            bracket = coeff
        elif coeff.is_Mul:
            adds = [f for f in coeff.args if f.is_Add]
            if len(adds) == 1:
                prefix, bracket = sympy.Mul(*[f for f in coeff.args if f is not adds[0]]), adds[0]
        pieces = None
        if bracket.is_Add:
            pieces = [
                ("-", self._print(-t)) if t.could_extract_minus_sign() else ("+", self._print(t))
                for t in self._as_ordered_terms(bracket)
            ]
        prefix_tex = "" if prefix == 1 else self.parenthesize(
            prefix, PRECEDENCE["Mul"], strict=True
        )
        if coeff == 1:
            return Term(sign, key_tex or "1")
        if key == 1:
            body = self._print(coeff)
        elif coeff.is_Add:
            body = r"\left(" + self._print(coeff) + r"\right) " + key_tex
        else:
            body = self.parenthesize(coeff, PRECEDENCE["Mul"], strict=True) + " " + key_tex
        return Term(sign, body, pieces, key_tex, prefix_tex)

    def _print_monomial_product(self, key: sympy.Expr) -> str:
        factors = sorted(key.as_powers_dict().items(), key=lambda p: monomial_key(p[0].monomial))
        return " ".join(self._print(b if e == 1 else sympy.Pow(b, e)) for b, e in factors)

    def _print_Add(self, expr: sympy.Add, order: str | None = None) -> str:
        if self._settings["group"] and _monomial_atoms(expr):
            return join_terms(self.terms(expr))
        return super()._print_Add(expr, order)

    def _print_Mul(self, expr: sympy.Mul) -> str:
        monos = list(_monomial_atoms(expr))
        if monos and self._settings["group"]:
            coeff, rest = expr.as_independent(*monos, as_Add=False)
            if coeff != 1 and rest != 1:
                if _is_monomial_key(rest):
                    return join_terms([self._grouped_term(coeff, rest)])
                if not rest.is_Add:
                    return super()._print_Mul(expr)
                sign = ""
                if coeff.could_extract_minus_sign():
                    sign, coeff = "- ", -coeff
                c = "" if coeff == 1 else self.parenthesize(coeff, PRECEDENCE["Mul"], strict=True)
                r = self.parenthesize(rest, PRECEDENCE["Mul"], strict=True)
                return sign + (c + " " if c else "") + r
        return super()._print_Mul(expr)


_FREQUENCY = re.compile(r"^(omega|Omega)")


def _frequencies(expr: sympy.Expr) -> list[sympy.Symbol]:
    """The frequency symbols (omega..., Omega...) of an expression: the parameters an author
    collects a polynomial by."""
    return sorted(
        (s for s in expr.free_symbols if isinstance(s, sympy.Symbol)
         and not _is_monomial_symbol(s) and _FREQUENCY.match(s.name)),
        key=lambda s: s.name,
    )


def _outer_and_inner(expr: sympy.Expr) -> tuple[sympy.Expr, sympy.Expr]:
    """expr = outer * inner with inner the one sum left after pulling out common factors
    (inner = 1 when expr is a product of non-sums)."""
    f = sympy.factor_terms(expr)
    if f.is_Add:
        return sympy.Integer(1), f
    if not f.is_Mul:
        return f, sympy.Integer(1)
    adds = [a for a in f.args if a.is_Add]
    if len(adds) != 1:
        return f, sympy.Integer(1)
    outer = sympy.Mul(*[a for a in f.args if a is not adds[0]])
    return outer, adds[0]


def _is_monomial_key(key: sympy.Expr) -> bool:
    """1 or a product of positive integer powers of monomial symbols."""
    if key == 1:
        return True
    return all(
        _is_monomial_symbol(b) and getattr(e, "is_Integer", False) and e > 0
        for b, e in key.as_powers_dict().items()
    )


def _key_order(key: sympy.Expr) -> tuple:
    if key == 1:  # the term without expectation values goes last
        return (2, ())
    factors = sorted(key.as_powers_dict().items(), key=lambda p: monomial_key(p[0].monomial))
    degree = sum(int(e) * len(b.monomial) for b, e in factors)
    return (1, degree, tuple((monomial_key(b.monomial), int(e)) for b, e in factors))


def join_terms(terms: Sequence[Term], first: bool = True) -> str:
    """Terms joined with their signs (the first term's + is dropped when ``first``)."""
    out = []
    for k, t in enumerate(terms):
        if k == 0 and first:
            out.append(("- " if t.sign == "-" else "") + t.head + t.body)
        else:
            out.append(f" {t.sign} " + t.head + t.body)
    return "".join(out)


# ------------------------------------------------------------------------------------------
# width estimate and line breaking

_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|[{}^_]|\s+|.")
_WRAPPERS = {
    "hat", "dot", "bar", "tilde", "vec", "mathrm", "text", "mathbb", "mathbf", "mathcal",
    "operatorname", "boldsymbol", "displaystyle", "textstyle", "mathit",
}
_SIZED = {"left", "right", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr", "big", "Big"}
_SPACES = {"quad": 10.0, "qquad": 20.0, ",": 1.67, ";": 2.78, ":": 2.22, "!": -1.67, " ": 3.33}
_FUNCS = {"tanh", "exp", "cosh", "sinh", "coth", "sin", "cos", "tan", "log", "ln", "Tr"}
_CALIBRATION = 1.08  # measured: pdflatex's widths / these sums over the currents' terms
_NARROW = {"langle": 3.9, "rangle": 3.9, "dagger": 4.4, "prime": 2.8}


def latex_width(text: str) -> float:
    """Estimated printed width (pt, 10pt type, display style) of a LaTeX math string."""
    tokens = _TOKEN.findall(text)
    width, _ = _seq(tokens, 0, 1.0)
    return width * _CALIBRATION


def _seq(tokens: list[str], i: int, scale: float) -> tuple[float, int]:
    total = 0.0
    while i < len(tokens):
        if tokens[i] == "}":
            return total, i + 1
        w, i = _atom(tokens, i, scale)
        sup = sub = 0.0
        while i < len(tokens) and tokens[i] in ("^", "_"):
            which = tokens[i]
            sw, i = _atom(tokens, i + 1, max(scale * 0.7, 0.5))
            if which == "^":
                sup = max(sup, sw)
            else:
                sub = max(sub, sw)
        total += w + max(sup, sub)
    return total, i


def _atom(tokens: list[str], i: int, scale: float) -> tuple[float, int]:
    if i >= len(tokens):
        return 0.0, i
    t = tokens[i]
    if t == "{":
        return _seq(tokens, i + 1, scale)
    if t.isspace() or t in ("&", "}"):
        return 0.0, i + 1
    if t.startswith("\\"):
        name = t[1:]
        if name in _SPACES:
            return _SPACES[name] * (1 if scale >= 1 else 0.7), i + 1
        if name in _WRAPPERS:
            return _atom(tokens, i + 1, scale)
        if name in _SIZED:
            d, j = tokens[i + 1] if i + 1 < len(tokens) else ".", i + 2
            return (0.0 if d == "." else 4.5 * scale), j
        if name in ("label", "nonumber", "notag"):
            if name == "label":
                _, j = _atom(tokens, i + 1, scale)
                return 0.0, j
            return 0.0, i + 1
        if name in ("frac", "dfrac", "tfrac"):
            num, j = _atom(tokens, i + 1, scale)
            den, j = _atom(tokens, j, scale)
            return max(num, den) + 2.4 * scale, j
        if name == "sqrt":
            arg, j = _atom(tokens, i + 1, scale)
            return arg + 8.3 * scale, j
        if name in _FUNCS:
            return (5.0 * len(name) + 1.7) * scale, i + 1
        if name in ("cdot", "times", "pm", "mp"):
            return (7.8 + (4.4 if scale >= 1 else 0)) * scale, i + 1
        if name in ("leq", "geq", "approx", "equiv", "to"):
            return (7.8 + (5.6 if scale >= 1 else 0)) * scale, i + 1
        if name == "\\":
            return 0.0, i + 1
        return _NARROW.get(name, 6.2) * scale, i + 1
    if t in "+-":
        return (7.8 + (4.4 if scale >= 1 else 0)) * scale, i + 1
    if t == "=":
        return (7.8 + (5.6 if scale >= 1 else 0)) * scale, i + 1
    if t in "()[]|/":
        return 3.9 * scale, i + 1
    if t in ",;.":
        return 4.4 * scale, i + 1
    if t.isdigit():
        return 5.0 * scale, i + 1
    if t.isupper():
        return 7.2 * scale, i + 1
    return 5.5 * scale, i + 1


def latex_problems(text: str) -> list[str]:
    """Errors that pdflatex would stop on in a math string: unbalanced braces, double
    subscripts or superscripts (``\\dot{E}_{S}_{M=3}``).  Empty when none are found."""
    problems = []
    depth = 0
    for t in _TOKEN.findall(text):
        depth += t == "{"
        depth -= t == "}"
        if depth < 0:
            problems.append("a '}' closes no group")
            depth = 0
    if depth:
        problems.append(f"{depth} unclosed '{{'")
    tokens = _TOKEN.findall(text)

    def scan(i: int) -> int:
        while i < len(tokens) and tokens[i] != "}":
            if tokens[i].isspace():
                i += 1
                continue
            i = skip_atom(i)
            seen: list[str] = []
            while i < len(tokens) and tokens[i] in ("^", "_"):
                if tokens[i] in seen:
                    problems.append(f"double {'subscript' if tokens[i] == '_' else 'superscript'}")
                seen.append(tokens[i])
                i = skip_atom(i + 1)
        return i + 1

    def skip_atom(i: int) -> int:
        while i < len(tokens) and tokens[i].isspace():
            i += 1
        if i < len(tokens) and tokens[i] == "{":
            return scan(i + 1)
        return i + 1

    if not problems:
        scan(0)
    return problems


def _term_text(t: Term, leading: bool) -> str:
    if leading:
        return ("- " if t.sign == "-" else "") + t.head + t.body
    return f"{t.sign} {t.head}{t.body}"


def _items(t: Term, leading: bool, width: float) -> list[str]:
    """A term as unbreakable items: itself, or its coefficient spread as
    ``- \bigl( a``, ``+ b``, ..., ``+ c \bigr) <O>`` when it is wider than ``width``."""
    text = _term_text(t, leading)
    if latex_width(text) <= width:
        return [text]
    if t.head:  # the opening of a sum on its own, then the first term of the sum
        rest = Term("+", t.body, t.pieces, t.suffix, t.prefix)
        return [_term_text(Term(t.sign, t.head.rstrip()), leading), *_items(rest, True, width)]
    if not t.pieces or len(t.pieces) < 2:
        return [text]
    sign = "- " if t.sign == "-" else ("" if leading else "+ ")
    items = []
    for k, (ps, p) in enumerate(t.pieces):
        if k == 0:
            front = sign + (t.prefix + " " if t.prefix else "")
            items.append(front + r"\bigl(" + ("- " if ps == "-" else "") + p)
        else:
            items.append(f"{ps} {p}")
    items[-1] += r" \bigr)" + (" " + t.suffix if t.suffix else "")
    return items


def layout_terms(
    terms: Sequence[Term],
    first_width: float,
    width: float,
    max_terms: int | None = None,
) -> list[str]:
    """Greedy packing of terms into lines: the first line has ``first_width`` pt, the others
    ``width`` pt, at most ``max_terms`` terms each; a term too wide for a line is broken inside
    its coefficient."""
    lines: list[list[str]] = [[]]
    used = 0.0
    count = 0
    for k, t in enumerate(terms):
        for j, item in enumerate(_items(t, k == 0, min(first_width, width))):
            w = latex_width(item)
            avail = first_width if len(lines) == 1 else width
            full = j == 0 and max_terms is not None and count >= max_terms
            if lines[-1] and (used + w > avail or full):
                lines.append([])
                used, count = 0.0, 0
            lines[-1].append(item)
            used += w
            count += j == 0
    return [" ".join(line) for line in lines if line]


def latex_lines(
    expr: object,
    *,
    width: float = DEFAULT_WIDTH,
    lhs: str = "",
    max_terms: int | None = None,
    lhs_width: float | None = None,
    **settings: object,
) -> list[str]:
    """The right-hand side of ``lhs = expr`` broken into lines (see :func:`layout_terms`).

    ``lhs_width``: the width (pt) of the left column when it is wider than ``lhs`` (in an
    ``align`` block every row is aligned at the widest left-hand side).

    The first line has ``width - width(lhs =)`` pt, the continuation lines (indented by
    ``\\quad`` under the ``=``) ``width - width(lhs) - 10`` pt.  A closed form whose printing
    names its denominator ``\\mathcal{D}`` also needs the definition rows of
    :func:`latex_rows`; this function returns the first row only.
    """
    return latex_rows(expr, width=width, lhs=lhs, max_terms=max_terms, lhs_width=lhs_width,
                      **settings)[0][1]


def latex_rows(
    expr: object,
    *,
    width: float = DEFAULT_WIDTH,
    lhs: str = "",
    max_terms: int | None = None,
    lhs_width: float | None = None,
    **settings: object,
) -> list[tuple[str, list[str]]]:
    """``[(lhs, lines), (name, lines), ...]``: the equation and the definitions it introduced
    (a long fraction's denominator ``\\mathcal{D}``), each broken into lines."""
    settings.setdefault("width", width)
    printer = SymthermoLatexPrinter(settings)
    if isinstance(expr, Operator):
        expr = operator_expression(expr, bool(settings.get("ladder", False)))
    elif isinstance(expr, (list, tuple)):
        ladder = bool(settings.get("ladder", False))
        terms: list[Term] = []
        for op in expr:
            e = operator_expression(op, ladder) if isinstance(op, Operator) else op
            terms.extend(printer.terms(e))
        return [(lhs, _layout(terms, width, lhs, max_terms, lhs_width))]
    elif settings.get("ladder"):
        expr = to_ladder_basis(expr)
    rows = [(lhs, _layout(printer.terms(expr), width, lhs, max_terms, lhs_width))]
    for name, dterms in printer.definitions:
        rows.append((name, _layout(dterms, width, name, max_terms, lhs_width)))
    return rows


def _layout(
    terms: list[Term], width: float, lhs: str, max_terms: int | None, lhs_width: float | None
) -> list[str]:
    lw = max(latex_width(lhs) if lhs else 0.0, lhs_width or 0.0)
    first = width - lw - (latex_width("=") if lhs else 0.0)
    rest = width - lw - 10.0
    return layout_terms(terms, max(first, 60.0), max(rest, 60.0), max_terms)


# ------------------------------------------------------------------------------------------
# public helpers


def latex(expr: object, **settings: object) -> str:
    """LaTeX of a sympy expression, an Operator or a Quantity (one line, no breaking).

    Settings: those of sympy's ``latex`` plus ``state`` (subscript of expectation values,
    default ``\\rho_S``; None for none), ``group`` (group by expectation value, default True),
    ``factor`` (factor the coefficients, default True), ``ladder`` (print qubits in the basis
    sigma_+, sigma_-, sigma_z, default False).
    """
    return SymthermoLatexPrinter(settings).doprint(expr)


def latex_operator(op: Operator, **settings: object) -> str:
    """LaTeX of an Operator: ``\\hat{\\sigma}^{x}_{S_1} \\hat{\\sigma}^{x}_{R}`` products."""
    if not isinstance(op, Operator):
        raise EmitError(f"latex_operator needs an Operator, got {op!r}")
    return SymthermoLatexPrinter(settings).doprint(op)


def quantity_lhs(q: Quantity) -> str:
    """The left-hand side of a quantity's equation."""
    if q.latex_name:
        return q.latex_name
    return r"\mathrm{" + q.name.replace("_", r"\_") + "}"


def equation_label(q: Quantity, prefix: str = "") -> str:
    stem = q.label or q.name
    return f"eq:{prefix}:{stem}" if prefix else f"eq:{stem}"


def latex_equation(
    q: Quantity,
    *,
    prefix: str = "",
    width: float = DEFAULT_WIDTH,
    max_terms: int | None = None,
    numbered: bool = True,
    **settings: object,
) -> str:
    """A display equation for a quantity, ``\\label{eq:<prefix>:<label or name>}``, broken
    over lines with ``split`` when it is too wide."""
    lhs = quantity_lhs(q)
    problems = latex_problems(lhs)
    if problems:  # a warning, not an error: the rest of a document is still written
        warnings.warn(
            f"quantity {q.name!r}: latex_name {lhs!r} will not compile ({'; '.join(problems)}); "
            "e.g. write \\dot{E}_{S,M=3} instead of \\dot{E}_{S}_{M=3}",
            LatexNameWarning,
            stacklevel=2,
        )
    rows = latex_rows(q.expr, width=width, lhs=lhs, max_terms=max_terms, **settings)
    env = "equation" if numbered else "equation*"
    label = f"\\label{{{equation_label(q, prefix)}}}" if numbered else ""
    if len(rows) == 1 and len(rows[0][1]) == 1:
        return f"\\begin{{{env}}}\n{label}{chr(10) if label else ''}{lhs} = {rows[0][1][0]}\n" \
            f"\\end{{{env}}}\n"
    body = []
    for k, (left, lines) in enumerate(rows):
        for j, line in enumerate(lines):
            text = f"{left} &= {line}" if j == 0 else f"&\\quad {line}"
            if j == len(lines) - 1 and k < len(rows) - 1:
                text += ","  # the equation, then the definitions of its abbreviations
            body.append(text)
    if len(body) <= MAX_SPLIT_LINES:
        return (
            f"\\begin{{{env}}}\n{label}{chr(10) if label else ''}\\begin{{split}}\n"
            + " \\\\\n".join(body)
            + "\n\\end{split}\n"
            + f"\\end{{{env}}}\n"
        )
    # taller than a column is safe for one unbreakable block: align, which may break
    # across pages (\allowdisplaybreaks), numbered on its last line
    tagged = [line + " \\nonumber" for line in body[:-1]]
    tagged.append(body[-1] + (f" {label}" if numbered else " \\nonumber"))
    return "\\begin{align}\n" + " \\\\\n".join(tagged) + "\n\\end{align}\n"


@dataclass(frozen=True)
class Step:
    """One step of a derivation transcript: ``lhs = rhs`` (lhs None: continue with ``=``)."""

    lhs: object
    rhs: object
    note: str = ""
    label: str | None = None


def _side(x: object, settings: dict) -> str:
    if x is None:
        return ""
    if isinstance(x, str):
        return x
    return SymthermoLatexPrinter(settings).doprint(x)


def latex_derivation(
    steps: Iterable[Step | tuple],
    *,
    width: float = DEFAULT_WIDTH,
    max_terms: int | None = None,
    **settings: object,
) -> str:
    """A derivation transcript as an ``align`` block.

    ``steps``: :class:`Step` values or tuples ``(lhs, rhs[, note[, label]])``; ``lhs`` is a
    LaTeX string, a sympy expression, an Operator or None (continue the previous step with
    ``=``); ``rhs`` a sympy expression, an Operator, or a list of Operators (printed as their
    sum, in list order).  A note is set with ``\\intertext`` before its step; labelled steps
    are numbered, the other lines are not.
    """
    rows: list[str] = []
    parsed = [raw if isinstance(raw, Step) else Step(*raw) for raw in steps]
    sides = [_side(step.lhs, dict(settings)) for step in parsed]
    widest = max((latex_width(x) for x in sides), default=0.0)
    for step, lhs in zip(parsed, sides, strict=True):
        parts = latex_rows(step.rhs, width=width, lhs=lhs, max_terms=max_terms,
                           lhs_width=widest, **settings)
        if step.note:
            rows.append("\\intertext{" + escape_text(step.note) + "}")
        for r, (left, lines) in enumerate(parts):
            for k, line in enumerate(lines):
                text = f"{left} &= {line}" if k == 0 else f"&\\quad {line}"
                last = k == len(lines) - 1
                if last and r < len(parts) - 1:
                    text += ","  # then the definitions of the step's abbreviations
                if last and r == 0 and step.label:
                    text += f" \\label{{{step.label}}}"
                else:
                    text += " \\nonumber"
                rows.append(text)
    out = []
    for k, row in enumerate(rows):
        is_note = row.startswith("\\intertext")
        nxt = rows[k + 1] if k + 1 < len(rows) else None
        if nxt is None or is_note:
            out.append(row)
        else:
            out.append(row + " \\\\")
    return "\\begin{align}\n" + "\n".join(out) + "\n\\end{align}\n"


_SPECIAL = {
    "<": r"$<$", ">": r"$>$",
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_", "{": r"\{",
    "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "$": r"\$",
}


_BRACKET = re.compile(r"<([^<>$\s](?:[^<>$]{0,38}[^<>$\s])?)>")
_PLAIN_OPERATOR = re.compile(r"^(sigma|s)[_^]?([xyz+-])(?:_?\{?([A-Za-z0-9]+)\}?)?$")


def _bracket_math(inner: str) -> str:
    """``<sigma_x>`` -> ``$\\langle\\hat{\\sigma}^{x}\\rangle$`` (other contents as text)."""
    m = _PLAIN_OPERATOR.match(inner.strip())
    if m:
        sub = "_{" + site_latex(m.group(3)) + "}" if m.group(3) else ""
        return r"$\langle\hat{\sigma}^{" + m.group(2) + "}" + sub + r"\rangle$"
    return r"$\langle$" + "".join(_SPECIAL.get(c, c) for c in inner) + r"$\rangle$"


def _escape_plain(text: str) -> str:
    out = []
    pos = 0
    for m in _BRACKET.finditer(text):
        out.append("".join(_SPECIAL.get(c, c) for c in text[pos:m.start()]))
        out.append(_bracket_math(m.group(1)))
        pos = m.end()
    out.append("".join(_SPECIAL.get(c, c) for c in text[pos:]))
    return "".join(out)


def escape_text(text: str) -> str:
    """Plain text for LaTeX: special characters escaped, ``$...$`` math kept as it is;
    ``<sigma_x>`` becomes an expectation value in math and a lone ``<`` or ``>`` is set in
    math (in text mode the default font would print them as other glyphs)."""
    parts = text.split("$")
    out = []
    for k, p in enumerate(parts):
        if k % 2 == 1 and k < len(parts) - 1:
            out.append("$" + p + "$")
        else:
            out.append(_escape_plain(p))
    return "".join(out)


def latex_repr(obj: object, **settings: object) -> str:
    """``$\\displaystyle ...$`` for Jupyter's ``_repr_latex_`` (Quantity, Operator, sympy)."""
    if isinstance(obj, Quantity):
        body = quantity_lhs(obj) + " = " + latex(obj.expr, **settings)
    else:
        body = latex(obj, **settings)
    return "$\\displaystyle " + body + "$"


class LatexReprMixin:
    """Mixin giving a class ``_repr_latex_`` through :func:`latex_repr` (Jupyter)."""

    def _repr_latex_(self) -> str:
        return latex_repr(self)


__all__ = [
    "DEFAULT_WIDTH",
    "LatexNameWarning",
    "LatexReprMixin",
    "OperatorMonomial",
    "Step",
    "SymthermoLatexPrinter",
    "Term",
    "current_symbol",
    "equation_label",
    "escape_text",
    "latex",
    "latex_derivation",
    "latex_equation",
    "latex_lines",
    "latex_operator",
    "latex_problems",
    "latex_repr",
    "latex_width",
    "layout_terms",
    "operator_expression",
    "parameter_latex",
    "quantity_lhs",
    "script_text",
    "site_latex",
]


def _print_monomial_symbol_default(symbol: sympy.Symbol) -> str:
    """``sympy.latex`` of an expectation value outside our printer: the emitters' form."""
    return SymthermoLatexPrinter().print_monomial_symbol(symbol)


MonomialSymbol.latex_fallback = _print_monomial_symbol_default
