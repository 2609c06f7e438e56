r"""The Lindblad form in diagonal form: jump operators with real rates, as users write it.

:func:`symthermo.thermo.lindblad_form` labels jump operators by the ancilla's Pauli monomials
(sigma_x, sigma_y), so the rate matrix gamma_ab = Tr(rho_R B_b^dag B_a) is Hermitian but not
diagonal (a thermal qubit gives gamma_xy = i tanh(beta omega/2)).  Rewriting the ancilla side
in the *ladder* basis (sigma_+ = |1><0|, sigma_- = |0><1|, sigma_z, bosons a^dag^m a^n) makes
it diagonal: with V = sum_B A_B (x) B over ladder monomials B of the ancillas,

    D(rho) = sum_{B,B'} Tr(rho_R B'^dag B) (A_B rho A_B'^dag - 1/2 {A_B'^dag A_B, rho}),

and for ancillas in a product of diagonal states Tr(rho_R B'^dag B) vanishes unless B and B'
change every ancilla's excitation number by the same amount.  Each ladder monomial B with no
such partner gives one jump operator L = A_B / c with the real rate |c|^2 Tr(rho_R B^dag B)
(c: the common factor of A_B's ladder coefficients, so L reads sigma^+_{S1} + sigma^+_{S2}, not
2 g sigma^+_{S1} + ...).  Ladder monomials that do correlate (e.g. a^dag and a^dag^2 a of one
oscillator) stay a Hermitian block, diagonalised numerically on export
(:meth:`DiagonalLindbladForm.numeric_jumps`).  Every rate gets a name, gamma_<bath>,<k>, used
in the printout:

    drho/dt = -i[H, rho] + sum_k gamma_k (L_k rho L_k^dag - 1/2 {L_k^dag L_k, rho}).

H is the Hamiltonian of :func:`~symthermo.thermo.lindblad_form` (H_S plus the cascaded
corrections); the time normalisation is the model's, as there.  The Liouvillian built from
this form equals the one of :func:`~symthermo.thermo.lindblad_form` (tested).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import sympy

from .algebra.monomials import OMono, monomial_sort_key
from .algebra.operator import (
    Operator,
    identity,
    monomial_operator,
    operator_sum,
    sigma_minus,
    sigma_plus,
    sigma_z,
)
from .algebra.sites import Site, site_sort_key
from .errors import ModelError
from .model import Bath, CollisionModel
from .states import partial_trace
from .thermo import lindblad_form

# Pauli index -> ladder locals with coefficients: sigma_x = s+ + s-, sigma_y = -i s+ + i s-
_PAULI_TO_LADDER = {
    1: (("+", sympy.Integer(1)), ("-", sympy.Integer(1))),
    2: (("+", -sympy.I), ("-", sympy.I)),
    3: ((3, sympy.Integer(1)),),
}

LadderMono = tuple  # ((site, "+" | "-" | 3 | (m, n)), ...), sites in canonical order


def ladder_terms(op: Operator) -> dict[LadderMono, sympy.Expr]:
    """An operator in the ladder basis: ``{ladder monomial: coefficient}`` (zeros dropped)."""
    out: dict[LadderMono, sympy.Expr] = {}
    for mono, coeff in op.terms.items():
        partial: list[tuple[sympy.Expr, tuple]] = [(coeff, ())]
        for site, loc in mono:
            options = _PAULI_TO_LADDER[loc] if isinstance(loc, int) else ((loc, 1),)
            partial = [(c * c2, (*m, (site, l2))) for c, m in partial for l2, c2 in options]
        for c, m in partial:
            out[m] = out.get(m, 0) + c
    cleaned = {m: sympy.expand(c) for m, c in out.items()}
    return {m: c for m, c in sorted(cleaned.items(), key=lambda kv: _ladder_key(kv[0])) if c != 0}


def _ladder_key(mono: LadderMono) -> tuple:
    order = {"+": 0, "-": 1, 3: 2}
    return (len(mono), tuple((site_sort_key(s), str(order.get(loc, loc))) for s, loc in mono))


def ladder_operator(mono: LadderMono, sites: Mapping[str, Site]) -> Operator:
    """The Operator (Pauli basis) of a ladder monomial."""
    out = identity()
    for site, loc in mono:
        if loc == "+":
            out = out * sigma_plus(sites[site])
        elif loc == "-":
            out = out * sigma_minus(sites[site])
        elif loc == 3:
            out = out * sigma_z(sites[site])
        else:
            out = out * monomial_operator(((site, loc),))
    return out


def ladder_str(mono: LadderMono) -> str:
    """sigma^+_S1 sigma^-_S2, a^dag_R a_R ... (plain text)."""
    parts = []
    for site, loc in mono:
        if loc in ("+", "-"):
            parts.append(f"sigma^{loc}_{site}")
        elif loc == 3:
            parts.append(f"sigma^z_{site}")
        else:
            m, n = loc
            parts.extend([f"a^dag_{site}"] * m + [f"a_{site}"] * n)
    return " ".join(parts) or "1"


def _conjugate(c: sympy.Expr) -> sympy.Expr:
    """Complex conjugate with every parameter real (the algebra's convention)."""
    return c.xreplace({sympy.I: -sympy.I})


@dataclass(frozen=True)
class Jump:
    """One term gamma (L rho L^dag - {L^dag L, rho}/2) of the diagonal form.

    ``operator``: L on the system (Pauli-basis Operator; ``ladder`` holds its ladder terms);
    ``rate``: gamma >= 0 as a sympy expression in the parameters; ``name``: the symbol that
    names the rate in the printout; ``ancilla``: the ancilla ladder monomial B it comes from.
    """

    bath: str
    name: sympy.Symbol
    rate: sympy.Expr
    operator: Operator
    ladder: tuple[tuple[LadderMono, sympy.Expr], ...]
    ancilla: LadderMono

    def operator_str(self) -> str:
        return _ladder_sum_str(self.ladder)

    def __str__(self) -> str:
        return (f"{self.name} = {self.rate}:  L = {self.operator_str()}"
                f"  (ancilla {ladder_str(self.ancilla)})")


@dataclass(frozen=True)
class JumpBlock:
    """Jump operators whose rate matrix stays non-diagonal (correlated ancilla monomials)."""

    bath: str
    operators: tuple[Operator, ...]
    rates: sympy.ImmutableMatrix


def _ladder_sum_str(terms: tuple[tuple[LadderMono, sympy.Expr], ...]) -> str:
    out = []
    for mono, c in terms:
        s = ladder_str(mono)
        if c == 1:
            out.append(s)
        elif c == -1:
            out.append("-" + s)
        else:
            out.append(f"({c})*{s}")
    return " + ".join(out).replace("+ -", "- ") or "0"


@dataclass(frozen=True)
class DiagonalLindbladForm:
    """drho/dt = -i[H, rho] + sum_k gamma_k D[L_k] rho (+ any non-diagonal blocks)."""

    hamiltonian: Operator
    jumps: tuple[Jump, ...]
    blocks: tuple[JumpBlock, ...] = ()

    @property
    def rates(self) -> dict[sympy.Symbol, sympy.Expr]:
        """The named rates: {gamma_<bath>,<k>: expression}."""
        return {j.name: j.rate for j in self.jumps}

    def __str__(self) -> str:
        lines = [
            "drho/dt = -i[H, rho] + sum_k gamma_k (L_k rho L_k^dag - {L_k^dag L_k, rho}/2)",
            f"H = {_ladder_sum_str(tuple(ladder_terms(self.hamiltonian).items()))}",
        ]
        for j in self.jumps:
            lines.append(f"{j.name} = {j.rate}:  L = {j.operator_str()}")
        for b in self.blocks:
            lines.append(f"bath {b.bath}: non-diagonal block of {len(b.operators)} operators")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"<DiagonalLindbladForm: {len(self.jumps)} jump operators"
                f"{f', {len(self.blocks)} blocks' if self.blocks else ''}>")

    def _repr_latex_(self) -> str:
        from .emit.latex import latex

        rows = [r"\dot\rho = -i[\hat H, \rho] + \sum_k \gamma_k \mathcal{D}[\hat L_k]\rho",
                r"\hat H = " + latex(self.hamiltonian, ladder=True)]
        for j in self.jumps:
            rows.append(latex(j.name) + " = " + latex(j.rate) + r",\quad \hat L = "
                        + latex(j.operator, ladder=True))
        return r"$\begin{aligned}" + r"\\ ".join("&" + r for r in rows) + r"\end{aligned}$"

    def _latex(self, printer: object = None) -> str:
        return self._repr_latex_().strip("$")

    def numeric_jumps(self, params: Mapping | None, sites, cutoff=None) -> list[np.ndarray]:
        """Collapse operators sqrt(gamma_k) L_k as matrices (blocks diagonalised numerically).

        Raises :class:`~symthermo.errors.ModelError` for a negative rate (a rate matrix that
        is not positive semidefinite is not a physical bath).
        """
        from .numeric.matrices import _numeric, operator_matrix

        out = []
        for j in self.jumps:
            g = _numeric(j.rate, params, "rate")
            if abs(g.imag) > 1e-12 * max(1.0, abs(g.real)) or g.real < -1e-12:
                raise ModelError(f"rate {j.name} = {j.rate} evaluates to {g}, not >= 0")
            if g.real > 0:
                out.append(np.sqrt(g.real) * operator_matrix(j.operator, sites, cutoff, params))
        for b in self.blocks:
            mats = [operator_matrix(op, sites, cutoff, params) for op in b.operators]
            gm = np.array([[_numeric(x, params, "rate") for x in row] for row in b.rates.tolist()])
            w, u = np.linalg.eigh(gm)
            if w.min() < -1e-12 * max(1.0, abs(w).max()):
                raise ModelError(f"bath {b.bath}: rate matrix has a negative eigenvalue {w.min()}")
            for k in range(len(w)):
                if w[k] > 0:
                    out.append(np.sqrt(w[k]) * np.einsum("a,aij->ij", u[:, k], np.stack(mats)))
        return out


def _channel_couplings(b: Bath) -> list[Operator]:
    v = b.coupling_map
    return [operator_sum(v[lab] for stroke in ch for lab in stroke) for ch in b.channels()]


def _split(v: Operator, ancillas: frozenset[str]) -> dict[LadderMono, Operator]:
    """V = sum_B A_B (x) B over ancilla ladder monomials B (A_B a system Operator)."""
    grouped: dict[OMono, dict] = {}
    for (om, cm), r in v.raw_items():
        anc = tuple(p for p in om if p[0] in ancillas)
        sysm = tuple(p for p in om if p[0] not in ancillas)
        d = grouped.setdefault(anc, {})
        d[(sysm, cm)] = d.get((sysm, cm), 0) + r
    out: dict[LadderMono, list[Operator]] = {}
    for anc, d in sorted(grouped.items(), key=lambda kv: monomial_sort_key(kv[0])):
        a_p = Operator({k: r for k, r in d.items() if r})
        partial: list[tuple[sympy.Expr, tuple]] = [(sympy.Integer(1), ())]
        for site, loc in anc:
            options = _PAULI_TO_LADDER[loc] if isinstance(loc, int) else ((loc, 1),)
            partial = [(c * c2, (*m, (site, l2))) for c, m in partial for l2, c2 in options]
        for c, m in partial:
            out.setdefault(m, []).append(a_p * c)
    result = {m: operator_sum(ops) for m, ops in out.items()}
    return {m: op for m, op in sorted(result.items(), key=lambda kv: _ladder_key(kv[0])) if op}


def _components(n: int, linked: set[tuple[int, int]]) -> list[list[int]]:
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in linked:
        parent[find(a)] = find(b)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    return sorted(groups.values())


def _normalised(a: Operator) -> tuple[sympy.Expr, Operator, tuple]:
    """A = c L with c the common factor of A's ladder coefficients, first coefficient of L > 0."""
    terms = ladder_terms(a)
    coeffs = list(terms.values())
    try:
        content = functools.reduce(sympy.gcd, coeffs)
    except (sympy.PolynomialError, TypeError, ValueError):
        content = sympy.Integer(1)
    if content == 0:
        content = sympy.Integer(1)
    first = sympy.cancel(coeffs[0] / content)
    phase = sympy.Integer(1)
    if first.could_extract_minus_sign():
        phase = -phase
    if sympy.im(first) != 0 and sympy.re(first) == 0:
        phase = phase * sympy.I * sympy.sign(sympy.im(first))
    content = content * phase
    ladder = tuple((m, sympy.cancel(c / content)) for m, c in terms.items())
    return content, a * (1 / content), ladder


@lru_cache(maxsize=64)
def diagonal_lindblad_form(model: CollisionModel) -> DiagonalLindbladForm:
    """The model's master equation with jump operators and real, named rates (module doc)."""
    jumps: list[Jump] = []
    blocks: list[JumpBlock] = []
    for b in model.baths:
        scale = model.time_scale(b)
        sites = {s.name: s for s in b.ancilla_sites}
        k = 0
        for v in _channel_couplings(b):
            parts = _split(v, b.ancilla_names)
            monos = list(parts)
            n = len(monos)
            b_ops = [ladder_operator(m, sites) for m in monos]
            gamma = [[sympy.Integer(0)] * n for _ in range(n)]
            linked: set[tuple[int, int]] = set()
            for i in range(n):
                for j in range(n):
                    g = partial_trace(b_ops[j].dagger() * b_ops[i], b.ancillas).scalar_part()
                    gamma[i][j] = sympy.expand(g * scale)
                    if i != j and gamma[i][j] != 0:
                        linked.add((i, j))
            for comp in _components(n, linked):
                if len(comp) == 1:
                    i = comp[0]
                    if gamma[i][i] == 0:
                        continue
                    c, op, ladder = _normalised(parts[monos[i]])
                    k += 1
                    rate = sympy.factor(sympy.expand(c * _conjugate(c) * gamma[i][i]))
                    name = sympy.Symbol(f"gamma_{b.name},{k}", real=True)
                    jumps.append(Jump(b.name, name, rate, op, ladder, monos[i]))
                else:
                    blocks.append(JumpBlock(
                        b.name,
                        tuple(parts[monos[i]] for i in comp),
                        sympy.ImmutableMatrix([[gamma[i][j] for j in comp] for i in comp]),
                    ))
    return DiagonalLindbladForm(lindblad_form(model).hamiltonian, tuple(jumps), tuple(blocks))


__all__ = [
    "DiagonalLindbladForm",
    "Jump",
    "JumpBlock",
    "diagonal_lindblad_form",
    "ladder_operator",
    "ladder_str",
    "ladder_terms",
]
