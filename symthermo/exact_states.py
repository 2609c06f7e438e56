"""Exact (sympy) density matrices of qubit systems and their measures.

Conventions (DESIGN.md section 2): |0> is the ground state, sigma_z = |1><1| - |0><0|; the
basis index of a computational state is its bit string read with the first declared site as
the most significant bit (``"01"``: first qubit in |0>, second in |1>); Pauli strings are the
engine's monomials (:func:`symthermo.closure.pauli_strings` order).

* :func:`pauli_matrix`, :func:`density_matrix`, :func:`pauli_coefficients`,
  :func:`operator_of_matrix`: rho = 2^-N (1 + sum_P <P> P) and back, exact;
* :func:`ket`, :func:`projector`: states written in the computational basis;
* :func:`l1_coherence`: C_l1 = sum_{i != j} |rho_ij| (computational basis);
* :func:`exact_eigenvalues`: eigenvalues with multiplicity, chosen exponentials as atoms;
* :func:`ergotropy_formula`, :func:`ergotropy_formula_of_spectrum`: the ergotropy
  W = Tr(rho H) - sum_j lambda_j^down e_j^up (Eq. (3) of Cakmak; Allahverdyan et al.) as one
  closed formula on a region, the passive ordering decided at exact sample points;
* :class:`LabelledSteadyState` (:func:`labelled_steady_state`): a model's exact stationary
  family (:func:`symthermo.closure.symbolic_steady_state`) labelled by a conserved observable,
  with its density matrix as a function of the label and the member reached from a given
  initial state;
* :func:`ergotropy_limit_on_pieces`: the limit of that formula (e.g. beta -> oo) over a
  region of a label (e.g. c) made of intervals and points, the pieces required to agree;
* :func:`expectation_form`, :func:`family_labelled_by`: Tr(O rho) in expectation values, and a
  one-parameter stationary family of :func:`symthermo.closure.symbolic_steady_state` as a
  function of a conserved label (e.g. Cakmak's c = Tr(Pi_c rho_0));
* :func:`lindblad_action`: L(rho) of the derived Lindblad form on an exact state (a *derived*
  side, made with the algebra, for statements such as L(|psi_-><psi_-|) = 0).

The exact Pauli matrices are made from the numeric matrices of
:func:`symthermo.numeric.matrices.monomial_matrix` (integer entries), never from the symbolic
algebra's products, so that these routes stay independent of the algebra they check.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

import sympy

from .algebra.expectation import Expectation
from .algebra.operator import Operator, monomial_operator, operator_sum
from .closure import pauli_strings
from .numeric.matrices import monomial_matrix

__all__ = [
    "ErgotropyFormula",
    "LabelledFamily",
    "LabelledSteadyState",
    "density_matrix",
    "ergotropy_formula",
    "ergotropy_formula_of_spectrum",
    "ergotropy_limit_on_pieces",
    "exact_eigenvalues",
    "expectation_form",
    "family_labelled_by",
    "ket",
    "l1_coherence",
    "labelled_steady_state",
    "lindblad_action",
    "operator_of_matrix",
    "pauli_coefficients",
    "pauli_matrix",
    "projector",
]


def _exact(z: complex) -> sympy.Expr:
    """An entry of a Pauli-string matrix (a Gaussian integer) as an exact number."""
    re, im = round(z.real), round(z.imag)
    if abs(z - complex(re, im)) > 1e-12:
        raise ValueError(f"{z} is not a Gaussian integer (not a Pauli-string entry)")
    return sympy.Integer(re) + sympy.I * sympy.Integer(im)


@cache
def pauli_matrix(monomial: tuple, sites: tuple) -> sympy.Matrix:
    """Exact 2^N x 2^N matrix of a Pauli string (an engine monomial) on ``sites``."""
    m = monomial_matrix(monomial, sites)
    return sympy.Matrix(m.shape[0], m.shape[1], lambda i, j: _exact(m[i, j]))


def density_matrix(values: Mapping, sites: tuple) -> sympy.Matrix:
    """rho = 2^-N (1 + sum_P <P> P) from ``{Expectation(P): <P>}`` (missing strings are 0);
    entries cancelled."""
    d = 2 ** len(sites)
    rho = sympy.eye(d)
    for mono in pauli_strings(sites):
        v = values.get(Expectation(mono), 0)
        if v != 0:
            rho = rho + v * pauli_matrix(mono, sites)
    return (rho / d).applyfunc(sympy.cancel)


def pauli_coefficients(matrix: sympy.Matrix, sites: tuple) -> tuple[sympy.Expr, dict]:
    """op = o_0 + sum_P o_P P as (o_0, {Expectation(P): o_P}), o_0 = Tr(op)/2^N and
    o_P = Tr(op P)/2^N (rationalised), so that Tr(op rho) = o_0 + sum_P o_P <P> for a
    unit-trace rho."""
    d = 2 ** len(sites)
    o0 = sympy.nsimplify(matrix.trace() / d)
    out = {}
    for mono in pauli_strings(sites):
        v = sympy.nsimplify(sympy.expand((matrix * pauli_matrix(mono, sites)).trace() / d))
        if v != 0:
            out[Expectation(mono)] = v
    return o0, out


def operator_of_matrix(matrix: sympy.Matrix, sites: tuple) -> Operator:
    """The engine operator o_0 + sum_P o_P P of a 2^N x 2^N matrix (see pauli_coefficients)."""
    o0, coeffs = pauli_coefficients(matrix, sites)
    return Operator.scalar(o0) + operator_sum(v * monomial_operator(e.monomial)
                                              for e, v in coeffs.items())


def ket(amplitudes: Mapping[str, object]) -> sympy.Matrix:
    """Column vector sum_bits a_bits |bits> (``{"01": a}``: first qubit |0>, second |1>)."""
    sizes = {len(b) for b in amplitudes}
    if len(sizes) != 1:
        raise ValueError(f"bit strings of different lengths: {sorted(amplitudes)}")
    v = sympy.zeros(2 ** sizes.pop(), 1)
    for bits, a in amplitudes.items():
        v[int(bits, 2)] = a
    return v


def projector(v: sympy.Matrix) -> sympy.Matrix:
    """|v><v| (v not normalised here)."""
    return v * v.H


def l1_coherence(rho: sympy.Matrix) -> sympy.Expr:
    """C_l1 = sum_{i != j} |rho_ij| in the basis rho is written in (Baumgratz et al.)."""
    d = rho.rows
    return sympy.Add(*[sympy.Abs(rho[i, j]) for i in range(d) for j in range(d) if i != j])


def exact_eigenvalues(rho: sympy.Matrix, atoms: Mapping[sympy.Expr, sympy.Symbol] | None = None
                      ) -> list[sympy.Expr]:
    """Eigenvalues with multiplicity, each factored.

    ``atoms``: ``{expression: positive symbol}`` replaced while solving (e.g.
    ``{exp(beta omega): q}``: the characteristic polynomial becomes rational) and put back."""
    atoms = dict(atoms or {})
    back = {s: e for e, s in atoms.items()}
    rq = rho.xreplace(atoms).applyfunc(sympy.cancel)
    out = []
    for val, mult in rq.eigenvals().items():
        out.extend([sympy.factor(val).xreplace(back)] * mult)
    return out


@dataclass(frozen=True)
class ErgotropyFormula:
    """W as one closed formula valid at every sample point of a region.

    formula: Tr(rho H) - sum_j lambda_order[j] e_j (levels e_j increasing); order: the
    eigenvalue indices in that assignment; orderings: how many passive orderings the samples
    showed; samples: how many sample points.
    """

    formula: sympy.Expr
    order: tuple[int, ...]
    orderings: int
    samples: int

    @property
    def note(self) -> str:
        return (f"one eigenvalue ordering is passive at all {self.samples} sample points "
                f"({self.orderings} orderings seen)")


def ergotropy_formula_of_spectrum(
    energy: sympy.Expr,
    eigenvalues: Sequence[sympy.Expr],
    levels: Sequence[sympy.Expr],
    samples: Sequence[Mapping],
    level_point: Mapping | None = None,
    digits: int = 50,
) -> ErgotropyFormula:
    """W = Tr(rho H) - sum_j lambda_sigma(j) e_j (Allahverdyan-Balian-Nieuwenhuizen) with ONE
    assignment sigma of eigenvalues to levels, valid on a region.

    ``energy`` = Tr(rho H); ``eigenvalues`` those of rho; ``levels`` those of H, in any order
    (sorted increasingly at ``level_point``, e.g. ``{omega: 1}``: the levels' order must not
    depend on the region).  The passive assignment (eigenvalues decreasing against levels
    increasing) is read off at every exact sample point with ``digits`` digits; the formula of
    one assignment must reproduce the sorted-spectrum ergotropy at *every* sample (else the
    region contains a level crossing: ValueError).
    """
    at = dict(level_point or {})
    eps = sorted(levels, key=lambda e: float(sympy.sympify(e).xreplace(at)))
    lam = list(eigenvalues)

    def formula(order: Sequence[int]) -> sympy.Expr:
        return energy - sympy.Add(*[lam[k] * eps[j] for j, k in enumerate(order)])

    numeric = []
    candidates: list[tuple[int, ...]] = []
    for s in samples:
        vals = [sympy.N(v.xreplace(dict(s)), digits) for v in lam]
        order = tuple(sorted(range(len(lam)), key=lambda k: -vals[k]))
        true = sympy.N(energy.xreplace(dict(s)), digits) - sum(
            vals[k] * sympy.N(sympy.sympify(eps[j]).xreplace(dict(s)), digits)
            for j, k in enumerate(order))
        numeric.append(true)
        if order not in candidates:
            candidates.append(order)
    tol = sympy.Float(10) ** (-(digits - 15))
    for order in candidates:
        w = formula(order)
        if all(abs(sympy.N(w.xreplace(dict(s)), digits) - t) <= tol
               for s, t in zip(samples, numeric, strict=True)):
            return ErgotropyFormula(sympy.factor(sympy.cancel(w)), order, len(candidates),
                                    len(samples))
    raise ValueError("no single eigenvalue ordering is passive over the sample points: the "
                     "region contains a level crossing; split it")


def ergotropy_formula(
    rho: sympy.Matrix,
    levels: Sequence[sympy.Expr],
    samples: Sequence[Mapping],
    atoms: Mapping[sympy.Expr, sympy.Symbol] | None = None,
    level_point: Mapping | None = None,
    digits: int = 50,
) -> ErgotropyFormula:
    """The ergotropy of rho w.r.t. a Hamiltonian diagonal in rho's basis with diagonal
    ``levels`` (energy Tr(rho H) = sum_i rho_ii e_i), one formula on a region
    (:func:`ergotropy_formula_of_spectrum`; eigenvalues by :func:`exact_eigenvalues`)."""
    if len(levels) != rho.rows:
        raise ValueError(f"{len(levels)} levels for a {rho.rows}x{rho.rows} state")
    energy = sympy.Add(*[rho[i, i] * levels[i] for i in range(rho.rows)])
    return ergotropy_formula_of_spectrum(energy, exact_eigenvalues(rho, atoms), levels, samples,
                                         level_point, digits)


def lindblad_action(model: object, rho: Operator) -> Operator:
    """L(rho) = -i[H, rho] + sum_ab gamma_ab (L_a rho L_b^dag - {L_b^dag L_a, rho}/2) of the
    model's derived Lindblad form (:func:`symthermo.thermo.lindblad_form`), Schroedinger
    picture, as an engine operator (e.g. rho from :func:`operator_of_matrix`)."""
    from .algebra.operator import anticommutator, commutator
    from .thermo import lindblad_form

    lf = lindblad_form(model)  # type: ignore[arg-type]
    out = commutator(lf.hamiltonian, rho) * (-sympy.I)
    half = sympy.Rational(1, 2)
    for ch in lf.channels:
        for a, la in enumerate(ch.jump_operators):
            for b, lb in enumerate(ch.jump_operators):
                gab = ch.rates[a, b]
                if gab != 0:
                    prod = lb.dagger() * la
                    out = out + (la * rho * lb.dagger() - half * anticommutator(prod, rho)) * gab
    return out


def expectation_form(matrix: sympy.Matrix, sites: tuple) -> sympy.Expr:
    """Tr(O rho) for a unit-trace rho as o_0 + sum_P o_P <P> (:func:`pauli_coefficients`)."""
    o0, coeffs = pauli_coefficients(matrix, sites)
    return o0 + sum(v * e for e, v in coeffs.items())


@dataclass(frozen=True)
class LabelledFamily:
    """A one-parameter stationary family labelled by a conserved linear functional.

    ``label`` = offset + slope q with q the family's conserved quantity; ``values``: the
    stationary expectations at label = ``value`` (the family's free constant eliminated)."""

    values: dict
    slope: sympy.Expr
    offset: sympy.Expr


def family_labelled_by(family: object, label: sympy.Expr, value: sympy.Symbol) -> LabelledFamily:
    """The members of a stationary family (:class:`symthermo.closure.SteadyStateFamily` with
    one free constant) as functions of a label: a linear function of the expectations that is
    an affine function offset + slope q of the conserved quantity q (then the dynamics conserves
    it and it fixes the member).  ValueError when the family has not exactly one conserved
    quantity, the label is not such a function, or it does not fix the free constant."""
    conserved = family.conserved  # type: ignore[attr-defined]
    if len(conserved) != 1:
        raise ValueError(f"expected one conserved quantity, got {conserved}")
    q = conserved[0]
    mu = label.xreplace({e: 0 for e in label.free_symbols if isinstance(e, Expectation)})
    sym = next(e for e in sorted(q.free_symbols, key=str) if isinstance(e, Expectation))
    lam = sympy.expand(label - mu).coeff(sym) / sympy.expand(q).coeff(sym)
    if sympy.expand(label - mu - lam * q) != 0:
        raise ValueError("the label is not a function of the conserved quantity")
    k = family.free_constants[0]  # type: ignore[attr-defined]
    sol = sympy.solve(sympy.Eq(mu + lam * q.xreplace(family.values), value), k)  # type: ignore
    if len(sol) != 1:
        raise ValueError("the label does not fix the free constant uniquely")
    values = {e: sympy.factor(sympy.cancel(v.xreplace({k: sol[0]})))
              for e, v in family.values.items()}  # type: ignore[attr-defined]
    return LabelledFamily(values, lam, mu)


def ergotropy_limit_on_pieces(
    rho: sympy.Matrix,
    levels: Sequence[sympy.Expr],
    label: sympy.Symbol,
    pieces: Sequence[tuple[str, object]],
    grid: Callable[[Sequence], Sequence[Mapping]],
    variable: sympy.Symbol,
    point: object,
    atoms: Mapping[sympy.Expr, sympy.Symbol] | None = None,
    level_point: Mapping | None = None,
) -> tuple[sympy.Expr, str]:
    """lim_{variable -> point} W of a state family rho(label) over a region of the label.

    The region is a list of pieces, ``("interval", [label samples])`` or ``("point", value)``.
    On each piece W is the one formula passive at the samples ``grid(label values)``
    (:func:`ergotropy_formula`; a point is substituted into rho first, so an eigenvalue
    ordering that holds only at the point is allowed, and its limit is a number there); the
    limit is taken with :func:`sympy.limit` and factored.  The pieces' limits must be the same
    expression (e.g. 0 on the whole region; ValueError otherwise).  Returns the common limit
    and a note ``"<kind> <value>: W -> <limit>; ..."``."""
    limits: list[sympy.Expr] = []
    notes = []
    for kind, value in pieces:
        if kind == "point":
            at = sympy.nsimplify(value)
            w = ergotropy_formula(rho.xreplace({label: at}), levels, grid([value]), atoms,
                                  level_point).formula.xreplace({label: at})
        elif kind == "interval":
            w = ergotropy_formula(rho, levels, grid(value), atoms,  # type: ignore[arg-type]
                                  level_point).formula
        else:
            raise ValueError(f"piece kind {kind!r}: use 'interval' or 'point'")
        limits.append(sympy.factor(sympy.limit(w, variable, point)))
        notes.append(f"{kind} {value}: W -> {sympy.sstr(limits[-1])}")
    if any(sympy.simplify(x - limits[0]) != 0 for x in limits):
        raise ValueError(f"the pieces have different limits: {notes}")
    return limits[0], "; ".join(notes)


@dataclass(frozen=True)
class LabelledSteadyState:
    """The exact stationary states of a qubit model with one conserved quantity q, labelled by
    the value of a conserved observable O: label = Tr(O rho_0) = offset + slope q.

    family:   :class:`symthermo.closure.SteadyStateFamily` (one free constant);
    label:    Tr(O rho) in Pauli expectations (:func:`expectation_form`);
    labelled: :class:`LabelledFamily`, the stationary expectations as functions of the label
              symbol, and the slope and offset;
    rho:      rho_ss(label) = 2^-N (1 + sum_P <P>_ss P), exact (:func:`density_matrix`).
    """

    family: object
    label: sympy.Expr
    labelled: LabelledFamily
    rho: sympy.Matrix
    sites: tuple

    def reached_from(self, initial: sympy.Matrix) -> sympy.Matrix:
        """rho_ss of the member fixed by an initial state (exact matrix, computational basis):
        its Pauli expectations <P> = Tr(P rho_0) = 2^N p_P fix the family's free constant
        (:meth:`symthermo.closure.SteadyStateFamily.fix`)."""
        coeffs = pauli_coefficients(initial, self.sites)[1]
        d = 2 ** len(self.sites)
        start = {e: sympy.sympify(d * coeffs.get(e, 0))
                 for e in self.family.values}  # type: ignore[attr-defined]
        return density_matrix(self.family.fix(start), self.sites)  # type: ignore[attr-defined]


def labelled_steady_state(model: object, observable: sympy.Matrix, value: sympy.Symbol
                          ) -> LabelledSteadyState:
    """The closure's stationary family of ``model`` labelled by Tr(observable rho) = ``value``
    (see :class:`LabelledSteadyState`; ValueError from :func:`family_labelled_by` when the
    observable is not conserved or does not fix the member)."""
    from .closure import symbolic_steady_state

    sites = tuple(model.system_sites)  # type: ignore[attr-defined]
    family = symbolic_steady_state(model)  # type: ignore[arg-type]
    label = expectation_form(observable, sites)
    labelled = family_labelled_by(family, label, value)
    return LabelledSteadyState(family, label, labelled,
                               density_matrix(labelled.values, sites), sites)
