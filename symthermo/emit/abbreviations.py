r"""Named abbreviations for the thermal functions that make printed equations long.

A manuscript does not write ``\tanh(\beta\omega_A/2)`` ten times in one equation, nor
``e^{\omega_h/T_h}``: it names them once in the text.  :func:`find_abbreviations` looks through
the expressions of a document for

* ``tanh(x)``  ->  ``xi<suffix>`` (printed ``\xi_A``): the thermal qubit's polarisation,
  ``<sigma_z> = -xi`` for H = (omega/2) sigma_z;
* ``exp(k x)`` ->  ``(1 + 1/nbar<suffix>)^k`` with ``nbar = 1/(e^x - 1)`` (printed
  ``\bar{n}_h``): the thermal oscillator's mean occupation, so that e.g.
  (e^x + 1)/(e^x - 1) prints as 2 nbar + 1 ("bose");
* or ``exp(k x)`` -> ``z<suffix>^k`` with ``z = e^x`` ("boltzmann"), for rational functions
  of e^x (a document chooses, per equation, the narrower of the two: :func:`choose`);

where the suffix is that of the frequency symbol in x (``omega_A`` -> ``_A``; a bare
``omega`` -> none).  :func:`abbreviate` rewrites an expression with them (an exact identity),
and :func:`declaration` is the sentence that declares them in the text.  Names already used by
a parameter of the document get a numeric suffix, so an abbreviation never aliases a parameter.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sympy


@dataclass(frozen=True)
class Abbreviation:
    """``symbol`` stands for ``meaning``; ``kind`` is "tanh", "bose" (nbar = 1/(e^x - 1)) or
    "boltzmann" (z = e^x)."""

    symbol: sympy.Symbol
    argument: sympy.Expr
    kind: str

    @property
    def meaning(self) -> sympy.Expr:
        if self.kind == "tanh":
            return sympy.tanh(self.argument)
        if self.kind == "boltzmann":
            return sympy.exp(self.argument)
        return 1 / (sympy.exp(self.argument) - 1)


def _frequency_suffix(x: sympy.Expr) -> str | None:
    names = sorted(s.name for s in x.free_symbols if s.name.startswith("omega"))
    if len(names) != 1:
        return None
    return names[0][len("omega"):]


def _split_exp_argument(arg: sympy.Expr) -> tuple[sympy.Rational, sympy.Expr]:
    c, base = arg.as_coeff_Mul()
    return sympy.Rational(c), base


def find_abbreviations(exprs: Iterable[sympy.Expr]) -> list[Abbreviation]:
    """The abbreviations that apply to ``exprs`` (deterministic order and names)."""
    exprs = [sympy.sympify(e) for e in exprs]
    used = {s.name for e in exprs for s in e.free_symbols}
    tanh_args: set[sympy.Expr] = set()
    exp_bases: set[sympy.Expr] = set()
    for e in exprs:
        for f in e.atoms(sympy.tanh):
            if _frequency_suffix(f.args[0]) is not None:
                tanh_args.add(f.args[0])
        for f in e.atoms(sympy.exp):
            c, base = _split_exp_argument(f.args[0])
            if c.is_integer and _frequency_suffix(base) is not None:
                exp_bases.add(base)
    out = []
    for kind, stem, args in (("tanh", "xi", tanh_args), ("bose", "nbar", exp_bases),
                             ("boltzmann", "z", exp_bases)):
        for arg in sorted(args, key=sympy.default_sort_key):
            suffix = _frequency_suffix(arg) or ""
            name = stem + suffix
            k = 1
            while name in used:
                k += 1
                name = f"{stem}{k}{suffix}" if not suffix else f"{stem}{suffix},{k}"
            used.add(name)
            out.append(Abbreviation(sympy.Symbol(name, positive=True), arg, kind))
    return out


def abbreviate(expr: sympy.Expr, abbreviations: Iterable[Abbreviation]) -> sympy.Expr:
    """``expr`` with every abbreviated function replaced by its symbol (an exact rewrite)."""
    mapping: dict = {}
    abbreviations = list(abbreviations)
    by_base = {a.argument: a.symbol for a in abbreviations if a.kind == "bose"}
    by_z = {a.argument: a.symbol for a in abbreviations if a.kind == "boltzmann"}
    by_tanh = {a.argument: a.symbol for a in abbreviations if a.kind == "tanh"}
    for f in expr.atoms(sympy.tanh):
        if f.args[0] in by_tanh:
            mapping[f] = by_tanh[f.args[0]]
    for f in expr.atoms(sympy.exp):
        c, base = _split_exp_argument(f.args[0])
        if base in by_base and c.is_integer:
            mapping[f] = (1 + 1 / by_base[base]) ** int(c)
        elif base in by_z and c.is_integer:
            mapping[f] = by_z[base] ** int(c)
    return expr.xreplace(mapping) if mapping else expr


def choose(quantities: list, abbreviations: Iterable[Abbreviation]) -> list:
    """The quantities (objects with ``.expr``, rewritten with ``dataclasses.replace``) with the
    Bose or the Boltzmann abbreviations, one choice for all of them: whichever prints
    narrower in total (one-line LaTeX width)."""
    import dataclasses

    from .latex import latex, latex_width

    abbreviations = list(abbreviations)
    best, best_width = None, float("inf")
    for drop in ("boltzmann", "bose"):
        keep = [a for a in abbreviations if a.kind != drop]
        exprs = [abbreviate(q.expr, keep) for q in quantities]
        total = sum(latex_width(latex(e)) for e in exprs)
        if total < best_width:
            best, best_width = exprs, total
    return [dataclasses.replace(q, expr=e) for q, e in zip(quantities, best, strict=True)]


def used(abbreviations: Iterable[Abbreviation], exprs: Iterable[sympy.Expr]) -> list:
    """The abbreviations whose symbol occurs in ``exprs`` (to declare only those)."""
    symbols = set().union(*[sympy.sympify(e).free_symbols for e in exprs])
    return [a for a in abbreviations if a.symbol in symbols]


def declaration(abbreviations: Iterable[Abbreviation], printer=None) -> str:
    r"""``$\xi_{A} = \tanh\left(\frac{\beta \omega_{A}}{2}\right)$ and ...`` (LaTeX text)."""
    from .latex import latex

    parts = []
    for a in abbreviations:
        if a.kind == "tanh":
            rhs = r"\tanh\left(" + latex(a.argument) + r"\right)"
        elif a.kind == "boltzmann":
            rhs = "e^{" + latex(a.argument) + "}"
        else:
            rhs = r"1/\left(e^{" + latex(a.argument) + r"} - 1\right)"
        parts.append("$" + latex(a.symbol) + " = " + rhs + "$")
    if not parts:
        return ""
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return "Abbreviations: " + joined + "."


__all__ = ["Abbreviation", "abbreviate", "choose", "declaration", "find_abbreviations", "used"]
