"""Thermodynamics of collision models, derived exactly in the limit tau -> 0.

For one channel (one fresh ancilla) meeting ordered strokes W_1, ..., W_K (each the sum of
the couplings acting together), the Heisenberg-picture change per round is (DESIGN.md s. 3)

    Delta<A> = tau <i[H_S + H_R, A]> - (tau/2) sum_s <[W_s, [W_s, A]]>
               - tau sum_{s<s'} <[W_s, [W_s', A]]>            (earlier stroke outermost).

Expanding W_s into couplings gives *pair terms* (outer V_i, inner V_j, weight w): weight 1/2
for two couplings in the same stroke (i = j included), 1 for i in an earlier stroke than j.
Simultaneous, cascaded and independent baths are the three shapes of this one expansion.
Rates are the per-round change divided by the round duration (see
:attr:`symthermo.model.CollisionModel.round_duration`).  Then, with pair terms of bath k,

    heat       Qdot_k = -d<H_Rk>/dt = sum w <[V_i, [V_j, H_Rk]]>,
    work       Wdot_k = -sum w <[V_i, [V_j, H_S + H_Rk]]>,      Wdot = sum_k Wdot_k,
    local part: i = j; non-local part: i != j (cascaded: the ordered cross terms),

and dE_S/dt = Wdot + sum_k Qdot_k (first law).  The energy rate is computed independently from
the Lindblad form (below), so :func:`first_law_residual` is a real check of the engine.  The
heat current is -d<H_Rk>/dt for every ancilla state (thermal or not).

Entropy (Esposito, Lindenberg, Van den Broeck, NJP 12, 013013 (2010), per collision):
Sigma = Delta S_S - Tr[Delta rho_R ln rho_R], so with K_k = -ln rho_Rk (the state's
:meth:`~symthermo.states.AncillaState.entropy_operator`; <i[H_Rk, K_k]> = 0 in rho_Rk) the
entropy flux from bath k into the system is

    Phi_k = -d<K_k>/dt = sum w <[V_i, [V_j, K_k]]>,     dS_Sigma/dt = dS_S/dt - sum_k Phi_k,

which is beta_k Qdot_k exactly when rho_Rk is a Gibbs state of H_Rk (then and only then an
effective temperature exists), and for a squeezed thermal bath the flux of Manzano et al.,
PRE 93, 052120 (2016) (thermal part beta omega cosh(2r) times the heat, plus the coherent
part in <b^2>); :func:`entropy_flux` says which case applies.

Lindblad form of a channel: write V = sum_a L_a (x) B_a with ancilla monomials B_a; then

    D(rho) = sum_ab gamma_ab (L_a rho L_b^dag - 1/2 {L_b^dag L_a, rho}),
    gamma_ab = Tr(rho_R B_b^dag B_a),

plus, for a cascaded channel, the Hamiltonian H_cas = (i/2) sum_{s<s'} Tr_R(rho_R [W_s, W_s'])
(the antisymmetric part of the ordered cross terms, by the Jacobi identity).  The adjoint
dissipator is D^dag(A) = sum_ab gamma_ab (L_b^dag A L_a - 1/2 {L_b^dag L_a, A}).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import sympy

from .algebra.expectation import Expectation, expectation
from .algebra.monomials import OMono, monomial_sort_key
from .algebra.operator import Operator, commutator, monomial_operator, operator_sum
from .errors import CoefficientError, ModelError, StateError
from .model import Bath, CollisionModel
from .states import SqueezedThermalOscillator, effective_beta, entropy_operator, partial_trace

Part = Literal["local", "nonlocal", "total"]
PARTS: tuple[Part, ...] = ("local", "nonlocal", "total")


@dataclass(frozen=True)
class PairTerm:
    """-weight * [V_outer, [V_inner, A]] in the adjoint generator of one channel."""

    outer: str
    inner: str
    weight: sympy.Rational

    @property
    def is_local(self) -> bool:
        return self.outer == self.inner


def pair_terms(b: Bath) -> list[PairTerm]:
    """The generic expansion of the ordered product of strokes of a bath (see module doc)."""
    half = sympy.Rational(1, 2)
    out: list[PairTerm] = []
    for channel in b.channels():
        for s, stroke in enumerate(channel):
            for i in stroke:
                for j in stroke:
                    out.append(PairTerm(i, j, half))
            for later in channel[s + 1:]:
                for i in stroke:
                    for j in later:
                        out.append(PairTerm(i, j, sympy.Integer(1)))
    return out


def _double_commutator_sum(
    b: Bath, x: Operator, part: Part
) -> Operator:
    """sum over pair terms of weight * [V_outer, [V_inner, X]] (an operator on S (x) R).

    The total is computed per channel with suffix sums of strokes, which needs O(K) double
    commutators instead of O(K^2); the non-local part is the total minus the local part.
    """
    v = b.coupling_map
    if part == "local":
        return operator_sum(commutator(v[i], commutator(v[i], x)) for i in v) * sympy.Rational(
            1, 2
        )
    total = []
    for channel in b.channels():
        strokes = [operator_sum(v[lab] for lab in stroke) for stroke in channel]
        later = Operator()
        for s in range(len(strokes) - 1, -1, -1):
            w = strokes[s]
            inner = commutator(w, x)
            total.append(commutator(w, inner) * sympy.Rational(1, 2))
            if later:
                total.append(commutator(w, commutator(later, x)))
            later = later + w
    result = operator_sum(total)
    if part == "total":
        return result
    return result - _double_commutator_sum(b, x, "local")


def _check_part(part: str) -> None:
    if part not in PARTS:
        raise ModelError(f"part {part!r} is unknown: use one of {PARTS}")


def _check_model(model: object) -> None:
    if not isinstance(model, CollisionModel):
        raise ModelError(
            f"expected a CollisionModel (from collision_model(...)), got {type(model).__name__}"
        )


@lru_cache(maxsize=256)
def heat_current_operator(model: CollisionModel, bath_name: str, part: Part = "total") -> Operator:
    """Qdot_k as a system operator (its expectation in rho_S is the heat current)."""
    _check_model(model)
    _check_part(part)
    b = model.bath(bath_name)
    dc = _double_commutator_sum(b, b.hamiltonian, part)
    return partial_trace(dc, b.ancillas) * model.time_scale(b)


@lru_cache(maxsize=256)
def work_current_operator(
    model: CollisionModel, bath_name: str | None = None, part: Part = "total"
) -> Operator:
    """Wdot (all baths, or the share of one bath) as a system operator."""
    _check_model(model)
    _check_part(part)
    baths = model.baths if bath_name is None else (model.bath(bath_name),)
    out = []
    for b in baths:
        dc = _double_commutator_sum(b, model.system_hamiltonian + b.hamiltonian, part)
        out.append(-partial_trace(dc, b.ancillas) * model.time_scale(b))
    return operator_sum(out)


@lru_cache(maxsize=256)
def entropy_flux_operator(
    model: CollisionModel, bath_name: str, part: Part = "total"
) -> Operator:
    """Phi_k = -d<K_k>/dt, K_k = -ln rho_Rk, as a system operator (see module docstring)."""
    _check_part(part)
    b = model.bath(bath_name)
    try:
        k = entropy_operator(b.ancillas)
    except StateError as exc:
        raise StateError(
            f"bath {b.name!r} has no entropy flux in closed form: {exc}"
        ) from exc
    dc = _double_commutator_sum(b, k, part)
    return partial_trace(dc, b.ancillas) * model.time_scale(b)


@dataclass(frozen=True)
class EntropyFlux:
    """Entropy flux Phi from a bath into the system, and how it was obtained.

    ``beta`` is the bath's effective inverse temperature (rho_R = exp(-beta H_R)/Z), or None
    when rho_R is not a Gibbs state of H_R (no temperature exists); ``note`` says which.
    """

    bath: str
    flux: sympy.Expr
    beta: sympy.Expr | None
    note: str


def entropy_flux(model: CollisionModel, bath_name: str, part: Part = "total") -> EntropyFlux:
    """The entropy flux Phi_k from bath k into the system.

    With an effective temperature (rho_R a Gibbs state of H_R): Phi_k = beta_k Qdot_k.  Without
    one (squeezed, coherent, ...): Phi_k = -d<-ln rho_R>/dt (module docstring), and the note
    says that no temperature exists.  Raises StateError when -ln rho_R has no closed form.
    """
    b = model.bath(bath_name)
    beta = effective_beta(b.ancillas, b.hamiltonian)
    if beta is not None:
        return EntropyFlux(
            b.name, beta * heat_current(model, bath_name, part), beta,
            f"bath {b.name!r} is a Gibbs state of H_R at beta = {beta}: Phi = beta Qdot",
        )
    flux = expectation(entropy_flux_operator(model, bath_name, part))
    squeezed = any(isinstance(st, SqueezedThermalOscillator) for st in b.ancillas)
    note = (
        f"bath {b.name!r} has no temperature (its state is not a Gibbs state of H_R): "
        "Phi = -d<-ln rho_R>/dt"
    )
    if squeezed:
        note += (
            "; squeezed thermal: -ln rho_R = beta omega [cosh(2r) b^dag b + (sinh(2r)/2)"
            "(e^{i phi} b^dag^2 + e^{-i phi} b^2)] (Manzano et al., PRE 93, 052120 (2016))"
        )
    return EntropyFlux(b.name, flux, None, note)


def entropy_production_rate(model: CollisionModel) -> sympy.Expr:
    """Steady-state entropy production -sum_k Phi_k (add dS_S/dt away from a steady state);
    -sum_k beta_k Qdot_k where every bath has a temperature."""
    return -sympy.Add(*[entropy_flux(model, b.name).flux for b in model.baths])


def _part_given_as_bath(model: CollisionModel, bath_name: str | None) -> bool:
    return bath_name in PARTS and bath_name not in {b.name for b in model.baths}


def heat_current(model: CollisionModel, bath_name: str, part: Part = "total") -> sympy.Expr:
    """Heat current from bath ``bath_name`` (positive into the system), local/nonlocal/total.

    Arguments in the order of :func:`work_current`: (model, bath, part).
    """
    if _part_given_as_bath(model, bath_name):
        raise ModelError(
            f"heat_current(model, bath, part): {bath_name!r} is a part, not a bath; the baths "
            f"are {[b.name for b in model.baths]}, e.g. heat_current(model, "
            f"{model.baths[0].name!r}, {bath_name!r})"
        )
    return expectation(heat_current_operator(model, bath_name, part))


def work_current(
    model: CollisionModel, bath_name: str | None = None, part: Part = "total"
) -> sympy.Expr:
    """Work current (power delivered to the system by switching collisions on and off).

    Arguments in the order of :func:`heat_current`: (model, bath, part), the bath optional
    (None: all baths).  ``work_current(model, "local")`` (a part where the bath goes, and no
    bath of that name) means ``work_current(model, part="local")``.
    """
    if _part_given_as_bath(model, bath_name) and part == "total":
        bath_name, part = None, bath_name  # type: ignore[assignment]
    return expectation(work_current_operator(model, bath_name, part))


# Lindblad form ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChannelLindblad:
    """Lindblad data of one channel: jump operators, rate matrix, cascaded Hamiltonian."""

    bath: str
    labels: tuple[tuple[str, OMono], ...]  # (coupling label, ancilla monomial) per jump op
    jump_operators: tuple[Operator, ...]
    rates: sympy.ImmutableMatrix
    hamiltonian: Operator  # H_cas (zero unless cascaded)

    def is_local_pair(self, a: int, b: int) -> bool:
        return self.labels[a][0] == self.labels[b][0]


@dataclass(frozen=True)
class LindbladForm:
    """drho/dt = -i[H, rho] + sum_channels sum_ab gamma_ab (L_a rho L_b^dag - {L_b^dag L_a, rho}/2).

    ``hamiltonian`` is H_S plus the cascaded corrections of all channels.
    """

    hamiltonian: Operator
    channels: tuple[ChannelLindblad, ...]

    def adjoint(self, a: Operator, part: Part = "total") -> Operator:
        """Adjoint generator L^dag(A) = i[H, A] + sum gamma_ab (L_b^dag A L_a - {L_b^dag L_a, A}/2).

        ``part`` keeps only local (same coupling) or non-local rate entries of the dissipator;
        the Hamiltonian part is included only for ``"total"``.
        """
        terms = []
        if part == "total":
            terms.append(commutator(self.hamiltonian, a) * sympy.I)
        half = sympy.Rational(1, 2)
        for ch in self.channels:
            sandwiches, anti = _channel_sandwiches(ch, part)
            for lb_dag, g_b in sandwiches:
                terms.append(lb_dag * a * g_b)
            if anti:
                terms.append(-half * (anti * a + a * anti))
        return operator_sum(terms)

    def __repr__(self) -> str:
        sizes = ", ".join(f"{ch.bath}: {len(ch.jump_operators)}" for ch in self.channels)
        return f"<LindbladForm: jump operators per channel ({sizes}); H = {self.hamiltonian}>"

    def _repr_latex_(self) -> str:
        from .emit.display import lindblad_latex

        return lindblad_latex(self)

    def _latex(self, printer: object = None) -> str:
        return self._repr_latex_().strip("$")


@lru_cache(maxsize=1024)
def _channel_sandwiches(
    ch: ChannelLindblad, part: Part
) -> tuple[tuple[tuple[Operator, Operator], ...], Operator]:
    """Precomputed pieces of the adjoint dissipator of one channel:

        D^dag(A) = sum_b L_b^dag A G_b - 1/2 {P, A},  G_b = sum_a gamma_ab L_a,
        P = sum_b L_b^dag G_b,

    with only the local (same coupling) or non-local rate entries kept for those parts.
    O(K) operator products per adjoint instead of O(K^2).
    """
    n = len(ch.jump_operators)
    sandwiches = []
    anti = []
    for ib in range(n):
        parts = []
        for ia in range(n):
            g = ch.rates[ia, ib]
            if g == 0:
                continue
            local = ch.is_local_pair(ia, ib)
            if (part == "local" and not local) or (part == "nonlocal" and local):
                continue
            parts.append(ch.jump_operators[ia] * g)
        if not parts:
            continue
        g_b = operator_sum(parts)
        lb_dag = ch.jump_operators[ib].dagger()
        sandwiches.append((lb_dag, g_b))
        anti.append(lb_dag * g_b)
    return tuple(sandwiches), operator_sum(anti)


def _split_coupling(v: Operator, ancilla_names: frozenset[str]) -> dict[OMono, Operator]:
    """V = sum_B L_B (x) B over canonical ancilla monomials B."""
    grouped: dict[OMono, dict] = {}
    for (om, cm), r in v.raw_items():
        anc = tuple(p for p in om if p[0] in ancilla_names)
        sysm = tuple(p for p in om if p[0] not in ancilla_names)
        d = grouped.setdefault(anc, {})
        d[(sysm, cm)] = d.get((sysm, cm), 0) + r
    return {
        anc: Operator({k: r for k, r in d.items() if r})
        for anc, d in sorted(grouped.items(), key=lambda kv: monomial_sort_key(kv[0]))
    }


@lru_cache(maxsize=128)
def lindblad_form(model: CollisionModel) -> LindbladForm:
    """The master equation of the model in Lindblad form (rates from bath correlations)."""
    _check_model(model)
    channels = []
    h_total = [model.system_hamiltonian]
    for b in model.baths:
        scale = model.time_scale(b)
        v = b.coupling_map
        for channel in b.channels():
            labels: list[tuple[str, OMono]] = []
            jumps: list[Operator] = []
            for stroke in channel:
                for lab in stroke:
                    for anc, op in _split_coupling(v[lab], b.ancilla_names).items():
                        labels.append((lab, anc))
                        jumps.append(op)
            n = len(jumps)
            rates = sympy.zeros(n, n)
            for ia in range(n):
                ba = monomial_operator(labels[ia][1])
                for ib in range(n):
                    bb_dag = monomial_operator(labels[ib][1]).dagger()
                    g = partial_trace(bb_dag * ba, b.ancillas).scalar_part()
                    rates[ia, ib] = g * scale
            h_cas = Operator()
            if len(channel) > 1:
                strokes = [operator_sum(v[lab] for lab in stroke) for stroke in channel]
                acc = []
                for s in range(len(strokes)):
                    for t in range(s + 1, len(strokes)):
                        acc.append(commutator(strokes[s], strokes[t]))
                h_cas = partial_trace(operator_sum(acc), b.ancillas) * (sympy.I / 2) * scale
                h_total.append(h_cas)
            channels.append(
                ChannelLindblad(
                    b.name, tuple(labels), tuple(jumps), sympy.ImmutableMatrix(rates), h_cas
                )
            )
    return LindbladForm(operator_sum(h_total), tuple(channels))


def _system_observable(model: CollisionModel, a: object) -> Operator:
    """``a`` if it is an Operator on the model's system sites (each used as its kind)."""
    from .model import check_site_kinds, require_operator

    if not isinstance(a, Operator):
        try:
            a = Operator.scalar(a)  # a number: its derivative is 0 (refuses non-scalars)
        except CoefficientError:
            require_operator(a, "the observable")
    extra = a.site_names - model.system_names
    if extra:
        raise ModelError(
            f"the observable acts on {sorted(extra)}, which are not system sites "
            f"{[s.name for s in model.system_sites]}: the Heisenberg equations are for system "
            "observables (ancillas are traced out every collision)"
        )
    check_site_kinds({s.name: s.kind for s in model.system_sites}, a, "the observable")
    return a


def adjoint_generator(model: CollisionModel, a: Operator) -> Operator:
    """L^dag(A): the right-hand side of dA/dt in the Heisenberg picture (an operator)."""
    return lindblad_form(model).adjoint(_system_observable(model, a))


def heisenberg_equation(model: CollisionModel, observable: Operator) -> sympy.Expr:
    """d<O>/dt as a sympy expression in parameters and system expectation values."""
    return expectation(adjoint_generator(model, observable))


def energy_rate(model: CollisionModel) -> sympy.Expr:
    """dE_S/dt = <L^dag(H_S)>, from the Lindblad form (independent of the currents' route)."""
    return expectation(adjoint_generator(model, model.system_hamiltonian))


def first_law_residual(model: CollisionModel) -> sympy.Expr:
    """dE_S/dt - Wdot - sum_k Qdot_k: exactly 0 when the engine is consistent."""
    lhs = adjoint_generator(model, model.system_hamiltonian)
    rhs = operator_sum(
        [work_current_operator(model)]
        + [heat_current_operator(model, b.name) for b in model.baths]
    )
    return expectation(lhs - rhs)


# structure of currents ----------------------------------------------------------------------

ExpectationKind = Literal[
    "population", "local_coherence", "coherence_same_bath", "coherence_across_baths"
]


def _site_baths(model: CollisionModel) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for b in model.baths:
        for _, v in b.couplings:
            for s in v.site_names - b.ancilla_names:
                out.setdefault(s, set()).add(b.name)
    return out


def classify_expectation(model: CollisionModel, e: Expectation) -> ExpectationKind:
    """Classify <e> by the sites where its monomial is off-diagonal in the local energy basis
    (sigma_x, sigma_y; a^dag^m a^n with m != n):

    * ``population``: none (products of sigma_z and a^dag^m a^m);
    * ``local_coherence``: one site (a coherence of a single subsystem);
    * ``coherence_same_bath``: several sites, all coupled to one common bath;
    * ``coherence_across_baths``: several sites not all coupled to one bath (sites coupled to
      no bath count as belonging to none).
    """
    return classify_local_operators(e.monomial, _site_baths(model))


def classify_local_operators(
    pairs: Iterable[tuple[str, object]], owners: Mapping[str, set[str]]
) -> ExpectationKind:
    """The kind of a monomial given as (site, local operator) pairs (see
    :func:`classify_expectation`); ``owners``: site -> names of the baths coupled to it."""
    off = [s for s, loc in pairs
           if loc in (1, 2) or (isinstance(loc, tuple) and loc[0] != loc[1])]
    if not off:
        return "population"
    if len(off) == 1:
        return "local_coherence"
    common = set.intersection(*[owners.get(s, set()) for s in off])
    return "coherence_same_bath" if common else "coherence_across_baths"


@dataclass(frozen=True)
class CurrentTerm:
    expectation: sympy.Expr  # an Expectation symbol, or 1 for the constant term
    coefficient: sympy.Expr
    kind: str


def decompose(model: CollisionModel, expr: sympy.Expr) -> list[CurrentTerm]:
    """Split a derived current into coefficient * <monomial> terms, each classified."""
    expr = sympy.expand(expr)
    syms = sorted(
        (s for s in expr.free_symbols if isinstance(s, Expectation)),
        key=lambda e: monomial_sort_key(e.monomial),
    )
    poly = sympy.Poly(expr, *syms) if syms else None
    out: list[CurrentTerm] = []
    constant = expr.subs({s: 0 for s in syms}) if syms else expr
    if constant != 0:
        out.append(CurrentTerm(sympy.Integer(1), sympy.factor(constant), "constant"))
    if poly is not None:
        for s in syms:
            c = poly.coeff_monomial(s)
            if c != 0:
                out.append(CurrentTerm(s, sympy.factor(c), classify_expectation(model, s)))
    return out


# collecting everything ----------------------------------------------------------------------


@dataclass(frozen=True)
class Currents:
    """All currents of a model: heat[bath][part], work[part], energy rate and residual."""

    heat: dict[str, dict[str, sympy.Expr]]
    work: dict[str, sympy.Expr]
    work_by_bath: dict[str, dict[str, sympy.Expr]]
    energy_rate: sympy.Expr
    first_law_residual: sympy.Expr

    def __repr__(self) -> str:
        from .emit.display import currents_text

        return currents_text(self)

    def _repr_latex_(self) -> str:
        from .emit.display import currents_latex

        return currents_latex(self)

    def _latex(self, printer: object = None) -> str:
        return self._repr_latex_().strip("$")


def currents(model: CollisionModel) -> Currents:
    """Derive every current of the model (local, non-local and total)."""
    heat = {b.name: {p: heat_current(model, b.name, p) for p in PARTS} for b in model.baths}
    work = {p: work_current(model, None, p) for p in PARTS}
    by_bath = {b.name: {p: work_current(model, b.name, p) for p in PARTS} for b in model.baths}
    return Currents(heat, work, by_bath, energy_rate(model), first_law_residual(model))


def map_expectations(expr: sympy.Expr, fn: Callable[[Expectation], sympy.Expr]) -> sympy.Expr:
    """Replace every Expectation symbol e of expr by fn(e)."""
    return expr.xreplace({s: fn(s) for s in expr.free_symbols if isinstance(s, Expectation)})
