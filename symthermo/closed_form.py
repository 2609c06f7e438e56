"""Closed forms an author would print: numerator/denominator in named pieces.

An exact stationary value num/den (polynomials over Z in the model's parameters, gcd already
cancelled) is written, deterministically and without sympy's ``factor`` (whose multivariate
factorisation evaluates at random points), as

    value = prefactor * D_1 * D_2 ... * (N_1 N_2 ...) / (E_1 E_2 ...)

* ``prefactor``: a rational times monomials (integer content and monomial content of the
  numerator over those of the denominator);
* ``driving``: the model's *driving factors* D that divide the numerator, found by exact trial
  division with candidates built from the model (:func:`driving_factors`): differences of the
  thermal factors of two baths (m_a - m_b for qubit baths with m = tanh(beta w / 2), n_a - n_b
  for oscillators) and, for every term of H_I that moves excitations between bath-coupled qubits
  (sigma^+_i sigma^-_j sigma^+_k ...), the virtual-temperature criterion
  prod_{raised}(1 + m) prod_{lowered}(1 - m) - prod_{raised}(1 - m) prod_{lowered}(1 + m)
  (Linden, Popescu, Skrzypczyk 2010), printed in that product form;
* ``numerator`` / ``denominator``: the remaining polynomials, each split into the factors that
  the per-variable content gives (p = cont_x(p) pp_x(p) for each generator x in turn: gcds
  only), expanded, in a fixed order.

Every step is exact and deterministic, so the pieces (and their strings and LaTeX) are
byte-identical across runs, PYTHONHASHSEED values and the flint / pure-sympy backends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sympy

from .algebra.coefficients import scalar_from_sympy
from .model import CollisionModel
from .moments import coordinates_of
from .states import ThermalOscillator, ThermalQubit


@dataclass(frozen=True)
class ClosedForm:
    """value = prefactor * prod(driving) * prod(numerator) / prod(denominator)."""

    name: str
    prefactor: sympy.Expr
    driving: tuple[sympy.Expr, ...]
    numerator: tuple[sympy.Expr, ...]
    denominator: tuple[sympy.Expr, ...]

    @property
    def expr(self) -> sympy.Expr:
        """The value as one sympy expression (equal to the product of the pieces)."""
        out = self.prefactor
        for f in (*self.driving, *self.numerator):
            out = out * f
        for f in self.denominator:
            out = out / f
        return out

    @property
    def is_zero(self) -> bool:
        return self.prefactor == 0

    def __str__(self) -> str:
        if self.is_zero:
            return f"{self.name} = 0"
        parts = [sympy.sstr(self.prefactor)]
        parts += [f"({sympy.sstr(d)})" for d in self.driving]
        parts += [f"({sympy.sstr(n)})" for n in self.numerator]
        text = " * ".join(parts)
        if len(self.denominator) == 1:
            text += f" / ({sympy.sstr(self.denominator[0])})"
        elif self.denominator:
            text += " / (" + " * ".join(f"({sympy.sstr(d)})" for d in self.denominator) + ")"
        return f"{self.name} = {text}"

    def latex(self, name: str | None = None) -> str:
        """``name = prefactor \\frac{numerator}{denominator} \\left[driving\\right]``."""
        lhs = name if name is not None else _latex_name(self.name)
        if self.is_zero:
            return f"{lhs} = 0"
        pre = sympy.latex(self.prefactor)
        pre = "" if self.prefactor == 1 else ("-" if self.prefactor == -1 else pre)
        num = " ".join(_group(sympy.latex(n)) for n in self.numerator) or "1"
        body = num if not self.denominator else (
            "\\frac{" + num + "}{" + " ".join(_group(sympy.latex(d)) for d in self.denominator)
            + "}"
        )
        drive = " ".join(f"\\left[{sympy.latex(d)}\\right]" for d in self.driving)
        return f"{lhs} = {pre} {body} {drive}".replace("  ", " ").strip()


def _group(text: str) -> str:
    return f"\\left({text}\\right)" if ("+" in text or "-" in text.lstrip("-")) else text


def _latex_name(name: str) -> str:
    if name.startswith("Qdot_"):
        return "\\dot{Q}_{\\mathrm{" + name[5:] + "}}"
    if name.startswith("Wdot"):
        return "\\dot{W}" + ("" if name == "Wdot" else "_{\\mathrm{" + name[5:] + "}}")
    return "\\mathrm{" + name.replace("_", "\\_") + "}"


# driving factors --------------------------------------------------------------------------


def _thermal_factors(model: CollisionModel) -> list[tuple[str, str, sympy.Expr, tuple[str, ...]]]:
    """(bath, kind, thermal factor, system sites) for baths of one thermal ancilla."""
    out = []
    for b in model.baths:
        if len(b.ancillas) != 1:
            continue
        st = b.ancillas[0]
        sites: set[str] = set()
        for _, v in b.couplings:
            sites |= v.site_names - b.ancilla_names
        if isinstance(st, ThermalQubit):
            out.append((b.name, "qubit", sympy.expand(-st.z_mean), tuple(sorted(sites))))
        elif isinstance(st, ThermalOscillator):
            out.append((b.name, "boson", sympy.sympify(st.mean_number), tuple(sorted(sites))))
    return out


def driving_factors(model: CollisionModel) -> list[sympy.Expr]:
    """Candidate driving factors of the model's currents (see the module docstring)."""
    thermal = _thermal_factors(model)
    out: list[sympy.Expr] = []
    by_site: dict[str, list[sympy.Expr]] = {}
    for _, kind, f, sites in thermal:
        if kind == "qubit":
            for s in sites:
                by_site.setdefault(s, []).append(f)
    if model.interaction:
        _, coords = coordinates_of(model.interaction)
        for c in coords:
            raised, lowered, ok = [], [], True
            for s, q in c.charges:
                if q == 0:
                    continue
                if abs(q) != 1 or len(by_site.get(s, [])) != 1:
                    ok = False
                    break
                (raised if q > 0 else lowered).append(by_site[s][0])
            if ok and raised and lowered and len(raised) + len(lowered) >= 2:
                forward = sympy.Mul(*[1 + m for m in raised], *[1 - m for m in lowered])
                backward = sympy.Mul(*[1 - m for m in raised], *[1 + m for m in lowered])
                out.append(forward - backward)
    for i, (_, kind_a, fa, _) in enumerate(thermal):
        for _, kind_b, fb, _ in thermal[i + 1:]:
            if kind_a == kind_b and fa != fb:
                out.append(fa - fb)
    unique: list[sympy.Expr] = []
    for d in out:
        if d not in unique:
            unique.append(d)
    return unique


# extraction -------------------------------------------------------------------------------


def _content_split(poly, p) -> list:
    """Factors of p from per-variable contents (gcds only); constant factors left out."""
    pieces = [p]
    for x in range(poly.nvars):
        new = []
        for q in pieces:
            d = poly.to_dict(q)
            if not any(k[x] for k in d):
                new.append(q)
                continue
            groups: dict[int, dict] = {}
            for k, v in d.items():
                groups.setdefault(k[x], {})[(*k[:x], 0, *k[x + 1:])] = v
            g = None
            for e in sorted(groups):
                c = poly.from_dict(groups[e])
                g = c if g is None else poly.gcd(g, c)
                if poly.is_constant(g):
                    break
            if g is not None and not poly.is_constant(g):
                g = poly.normal_sign(poly.exquo(g, poly.from_dict({(0,) * poly.nvars:
                                                                     poly.content(g)})))
                new += [g, poly.exquo(q, g)]
            else:
                new.append(q)
        pieces = new
    return pieces


def _split_constant(poly, p) -> tuple[sympy.Rational, tuple, object]:
    """p = rational * monomial * rest with rest primitive, monomial-free, positive lead."""
    c = poly.content(p)
    mono = poly.monomial_content(p)
    rest = poly.exquo(p, poly.monomial(mono, c))
    sign = 1
    if poly.leading_coefficient(rest) < 0:
        rest, sign = -rest, -1
    return sympy.Integer(sign * c), mono, rest


def closed_form(
    name: str, ring: object, num: object, den: object, candidates: Sequence[sympy.Expr] = ()
) -> ClosedForm:
    """The named pieces of num/den (``ring``: the closure's ring with generators and
    :meth:`to_sympy`; num/den normalised)."""
    poly = ring.poly
    if poly.is_zero(num):
        return ClosedForm(name, sympy.Integer(0), (), (), ())
    cn, mn, rest_n = _split_constant(poly, num)
    cd, md, rest_d = _split_constant(poly, den)
    prefactor = cn / cd
    gens = ring.generators
    for g, a, b in zip(gens, mn, md, strict=True):
        if a - b:
            prefactor = prefactor * g ** (a - b)
    driving = []
    for cand in candidates:
        frac = ring.try_fraction(scalar_from_sympy(sympy.expand(cand)))
        if frac is None:
            continue
        cnum, cden = frac
        if poly.is_constant(cnum):
            continue
        ccontent, cmono, cprim = _split_constant(poly, cnum)
        if any(cmono):
            continue
        while True:
            q = poly.divides(cprim, rest_n)
            if q is None:
                break
            rest_n = q
            driving.append(cand)
            # cand = ccontent * cprim / cden  =>  cprim = cand * cden / ccontent
            prefactor = prefactor * ring.to_sympy(cden) / ccontent
    numerator, denominator = [], []
    for target, rest, power in ((numerator, rest_n, 1), (denominator, rest_d, -1)):
        for f in _content_split(poly, rest):
            expr = ring.to_sympy(f)
            if expr.is_number:  # constants, and powers of numeric radicals such as sqrt(2)**2
                prefactor = prefactor * expr**power
            else:
                target.append(expr)
    return ClosedForm(name, prefactor, tuple(driving), tuple(numerator), tuple(denominator))
