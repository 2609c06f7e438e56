r"""Collision models over site families with a symbolic size N: currents, Lindblad form,
Heisenberg equations, first law, unroll to instances.

A :class:`FamilyModel` is the family version of :class:`symthermo.model.CollisionModel`:
system families (``qubit_family("h", N)``) and concrete sites, H_S = H_local + H_I as closed
:class:`~symthermo.algebra.indexed.IndexedOperator` values (sums over indices), and baths
whose couplings are *coupling families* V(k), one coupling per member k of a family (or
concrete couplings, or couplings that contain sums over an ancilla family).  The pair-term
expansion of :mod:`symthermo.thermo` becomes, for one coupling family of a bath,

    local:                 (1/2) sum_k          [V(k), [V(k),  X]]
    non-local, common:     (1/2) sum_{k != k'}  [V(k), [V(k'), X]]
    non-local, cascaded:         sum_{k < k'}   [V(k), [V(k'), X]]   (earlier stroke outermost)
    non-local, independent: 0

and, between two different couplings s (listed first) and t of one bath, (1/2) sum over all
index values of [V_s, [V_t, X]] + [V_t, [V_s, X]] (common) or sum [V_s, [V_t, X]] (cascaded).
Then (DESIGN.md s. 3; time normalisation ``"tau"``: one round of collisions per tau)

    Qdot_k = sum w Tr_R <[V_o, [V_i, H_Rk]]>,   Wdot = -sum w Tr_R <[V_o, [V_i, H_S + H_Rk]]>,

each double commutator of sums expanded by coincidence patterns
(:mod:`symthermo.algebra.indexed`).  The Lindblad form (jump-operator families L_a(k), rates
gamma_ab = Tr(rho_R B_b^dag B_a), the cascaded Hamiltonian (i/2) sum_{s<s'} Tr_R[W_s, W_s'])
is built independently from the couplings, so :func:`first_law_residual` (from the Lindblad
route's dE_S/dt) is a real check.  Baths whose ancillas are a family (a cluster of M
reservoir qubits) have no Lindblad form here; their adjoint generator uses the collision
route -sum w Tr_R [V_o, [V_i, A]].

:func:`instantiate` gives the concrete :class:`~symthermo.model.CollisionModel` at a concrete
size (sites h1..hN, couplings labelled ``label + k``); :func:`symthermo.algebra.indexed.unroll`
evaluates derived general forms at the same size, which is how they are tested against the
instance engine.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import sympy
from sympy import Idx

from .algebra.indexed import (
    Family,
    IndexedExpectation,
    IndexedOperator,
    IndexedSum,
    _sorted,
    as_indexed,
    assume_distinct,
    closed,
    drop_unused,
    indexed_commutator,
    indexed_expectation,
    isum,
    ordered_form,
    placeholder_of,
    rename_free,
    unroll_operator,
)
from .algebra.monomials import OMono, monomial_sort_key
from .algebra.operator import Operator, monomial_operator
from .algebra.sites import Site
from .errors import IndexedError, ModelError
from .model import SCHEMES, CollisionModel, Scheme, bath, collision_model
from .states import AncillaState, partial_trace
from .thermo import PARTS, Part, classify_local_operators

HALF = sympy.Rational(1, 2)


@dataclass(frozen=True)
class FamilyAncilla:
    """Ancillas that form a family (a cluster of M reservoir qubits, or M reservoirs), member k
    in the state ``state(site, k)`` (k an index or, in instances, an int; e.g.
    ``lambda s, k: ThermalQubit(s, tanh=xi)``), all in a product state."""

    family: Family
    state: Callable[[Site, object], AncillaState]

    def member_state(self, site: Site, k: object) -> AncillaState:
        st = self.state(site, k)
        if not isinstance(st, AncillaState):
            raise ModelError(f"ancilla family {self.family.name!r}: state() must return an "
                             f"AncillaState, got {st!r}")
        return st


@dataclass(frozen=True)
class Coupling:
    """One coupling V (``index`` None) or a family of couplings V(k), k = 1..K."""

    label: str
    operator: IndexedOperator
    index: Idx | None = None


@dataclass(frozen=True, eq=False)
class FamilyBath:
    """A bath of a family model (see the module docstring); schemes as in :class:`Bath`."""

    name: str
    ancillas: tuple
    hamiltonian: IndexedOperator
    couplings: tuple[Coupling, ...]
    scheme: Scheme = "simultaneous"
    beta: sympy.Expr | None = None

    @property
    def concrete_ancillas(self) -> tuple[AncillaState, ...]:
        return tuple(a for a in self.ancillas if isinstance(a, AncillaState))

    @property
    def ancilla_families(self) -> tuple[FamilyAncilla, ...]:
        return tuple(a for a in self.ancillas if isinstance(a, FamilyAncilla))

    @property
    def ancilla_names(self) -> frozenset[str]:
        return frozenset(a.site.name for a in self.concrete_ancillas)

    @property
    def ancilla_family_names(self) -> frozenset[str]:
        return frozenset(a.family.name for a in self.ancilla_families)

    def with_scheme(self, scheme: Scheme) -> FamilyBath:
        return dataclasses.replace(self, scheme=scheme)


def family_bath(
    name: str,
    ancillas: Sequence[AncillaState | FamilyAncilla] | AncillaState | FamilyAncilla,
    hamiltonian: object,
    couplings: Mapping[str, object] | Sequence[tuple[str, object]],
    scheme: Scheme = "simultaneous",
    beta: object = None,
) -> FamilyBath:
    """Declare a bath of a family model.  A coupling with one free index k is the family
    V(k), k = 1..K (collision order k = 1, 2, ... for cascaded baths); a coupling without free
    indices is one coupling (it may contain sums over an ancilla family)."""
    if isinstance(ancillas, (AncillaState, FamilyAncilla)):
        ancillas = (ancillas,)
    anc = tuple(ancillas)
    for a in anc:
        if not isinstance(a, (AncillaState, FamilyAncilla)):
            raise ModelError(f"bath {name!r}: ancillas must be AncillaState or FamilyAncilla "
                             f"values, got {a!r}")
    items = couplings.items() if isinstance(couplings, Mapping) else couplings
    cpl = []
    for label, op in items:
        x = as_indexed(op)
        free = _sorted(x.free_indices)
        if len(free) > 1:
            raise ModelError(
                f"bath {name!r}: coupling {label!r} has free indices "
                f"{[str(i.label) for i in free]}; a coupling family has exactly one (V(k))"
            )
        cpl.append(Coupling(str(label), x, free[0] if free else None))
    if not cpl:
        raise ModelError(f"bath {name!r} has no couplings")
    labels = [c.label for c in cpl]
    if len(set(labels)) != len(labels):
        raise ModelError(f"bath {name!r}: a coupling label appears twice")
    if scheme not in SCHEMES:
        raise ModelError(f"bath {name!r}: scheme {scheme!r} is unknown; use one of {SCHEMES}")
    h = closed(as_indexed(hamiltonian), f"bath {name!r}: the Hamiltonian H_R")
    return FamilyBath(name, anc, h, tuple(cpl), scheme,
                      None if beta is None else sympy.sympify(beta))


@dataclass(frozen=True, eq=False)
class FamilyModel:
    """A collision model over families with symbolic sizes (see the module docstring)."""

    families: tuple[Family, ...]
    sites: tuple[Site, ...]
    hamiltonian: IndexedOperator
    baths: tuple[FamilyBath, ...]
    interaction: IndexedOperator = field(default_factory=IndexedOperator)
    name: str = "family_model"

    @property
    def system_hamiltonian(self) -> IndexedOperator:
        return self.hamiltonian + self.interaction

    def bath(self, name: str) -> FamilyBath:
        for b in self.baths:
            if b.name == name:
                return b
        raise ModelError(f"no bath named {name!r}; the model has {[b.name for b in self.baths]}")

    def with_scheme(self, scheme: Scheme) -> FamilyModel:
        return dataclasses.replace(
            self, baths=tuple(b.with_scheme(scheme) for b in self.baths),
            name=f"{self.name}[{scheme}]",
        )

    def subs(self, mapping: Mapping) -> FamilyModel:
        """Parameters substituted in H_S, H_R and the couplings; an IndexedBase key replaces
        every entry (``{g: g0}``: g[n], g[n'], ... -> g0, the uniform model)."""
        bases = {k: v for k, v in mapping.items() if isinstance(k, sympy.IndexedBase)}
        plain = {k: v for k, v in mapping.items() if not isinstance(k, sympy.IndexedBase)}

        def value(c: sympy.Expr) -> sympy.Expr:
            if bases:
                c = c.replace(lambda e: isinstance(e, sympy.Indexed) and e.base in bases,
                              lambda e: bases[e.base])
            return c.xreplace(plain) if plain else c

        def s(op: IndexedOperator) -> IndexedOperator:
            out = {}
            for p, o in op.terms.items():
                out[p] = sum((Operator.from_monomial(m, value(c)) for m, c in o.terms.items()),
                             Operator())
            return IndexedOperator(out)

        baths = tuple(
            dataclasses.replace(
                b, hamiltonian=s(b.hamiltonian),
                couplings=tuple(dataclasses.replace(c, operator=s(c.operator))
                                for c in b.couplings),
            ) for b in self.baths
        )
        return dataclasses.replace(self, hamiltonian=s(self.hamiltonian),
                                   interaction=s(self.interaction), baths=baths)


def family_collision_model(
    system: Sequence[Family | Site],
    hamiltonian: object,
    baths: Sequence[FamilyBath] | FamilyBath,
    interaction: object = None,
    *,
    round_duration: str = "tau",
    name: str = "family_model",
) -> FamilyModel:
    """Declare a family model; :func:`symthermo.model.collision_model` forwards here when the
    system contains a :class:`Family`."""
    if round_duration != "tau":
        raise ModelError("family models use round_duration='tau' (one round per tau); "
                         "instantiate() the model for the 'strokes' normalisation")
    fams = tuple(s for s in system if isinstance(s, Family))
    sites = tuple(s for s in system if isinstance(s, Site))
    for s in system:
        if not isinstance(s, (Family, Site)):
            raise ModelError(f"system entries must be Family or Site values, got {s!r}")
    if isinstance(baths, FamilyBath):
        baths = (baths,)
    baths = tuple(baths)
    for b in baths:
        if not isinstance(b, FamilyBath):
            raise ModelError(f"baths of a family model come from family_bath(), got {b!r}")
    h = closed(as_indexed(hamiltonian), "the system Hamiltonian")
    hi = closed(as_indexed(interaction if interaction is not None else 0), "H_I")
    model = FamilyModel(fams, sites, h, baths, hi, name)
    _validate(model)
    return model


def _operator_families(op: IndexedOperator) -> tuple[set, set]:
    fams, sites = set(), set()
    for _, o in op.terms.items():
        for s in o.site_names:
            ph = placeholder_of(s)
            if ph is None:
                sites.add(s)
            else:
                fams.add(ph[0])
    return fams, sites


def _validate(model: FamilyModel) -> None:
    sys_f = {f.name for f in model.families}
    sys_s = {s.name for s in model.sites}
    for label, op in (("system Hamiltonian", model.hamiltonian), ("interaction H_I",
                                                                 model.interaction)):
        fams, sites = _operator_families(op)
        if fams - sys_f or sites - sys_s:
            raise ModelError(
                f"{label} acts on {sorted((fams - sys_f) | (sites - sys_s))}, which are not "
                "system families or sites of the model"
            )
        if not (op - op.dagger()).is_zero_exactly():
            raise ModelError(f"{label} is not Hermitian: {op}")
    for b in model.baths:
        anc_f, anc_s = b.ancilla_family_names, b.ancilla_names
        fams, sites = _operator_families(b.hamiltonian)
        if fams - anc_f or sites - anc_s:
            raise ModelError(f"bath {b.name!r}: H_R acts on non-ancilla sites "
                             f"{sorted((fams - anc_f) | (sites - anc_s))}")
        for c in b.couplings:
            fams, sites = _operator_families(c.operator)
            extra = (fams - anc_f - sys_f) | (sites - anc_s - sys_s)
            if extra:
                raise ModelError(
                    f"bath {b.name!r}: coupling {c.label!r} acts on {sorted(extra)}, which are "
                    "neither system families/sites nor this bath's ancillas"
                )
            if not (c.operator - c.operator.dagger()).is_zero_exactly():
                raise ModelError(f"bath {b.name!r}: coupling {c.label!r} is not Hermitian")
            mean = indexed_partial_trace(c.operator, b)
            if not mean.is_zero_exactly():
                raise ModelError(
                    f"bath {b.name!r}: coupling {c.label!r} has non-zero bath mean "
                    f"Tr_R(rho_R V) = {mean}; the V/sqrt(tau) limit diverges"
                )


# ------------------------------------------------------------------------------------------
# partial trace


def indexed_partial_trace(op: IndexedOperator, b: FamilyBath) -> IndexedOperator:
    """Tr_R[(1 (x) rho_R) op] term by term (member states of ancilla families on placeholders)."""
    fams = {a.family.name: a for a in b.ancilla_families}
    out: dict = {}
    for p, o in op.terms.items():
        states = list(b.concrete_ancillas)
        for s in sorted(o.site_names):
            ph = placeholder_of(s)
            if ph is not None and ph[0] in fams:
                fa = fams[ph[0]]
                states.append(fa.member_state(Site(s, fa.family.kind), ph[1]))
        reduced = partial_trace(o, states) if states else o
        if reduced.is_zero():
            continue
        q, reduced = drop_unused(p, reduced)
        out[q] = out[q] + reduced if q in out else reduced
    return IndexedOperator(out)


# ------------------------------------------------------------------------------------------
# pair terms and currents


@dataclass(frozen=True)
class FamilyPairTerm:
    """weight * sum [V_outer, [V_inner, X]] over the pair's indices with a constraint."""

    outer: Coupling
    inner: Coupling
    kind: str  # "same" (one index, local), "distinct", "ordered", "all"
    weight: sympy.Rational

    @property
    def is_local(self) -> bool:
        return self.kind == "same"


def family_pair_terms(b: FamilyBath) -> list[FamilyPairTerm]:
    """The pair terms of a bath (module docstring), local ones first."""
    out = [FamilyPairTerm(c, c, "same", HALF) for c in b.couplings]
    if b.scheme == "independent":
        return out
    for s, c in enumerate(b.couplings):
        if c.index is not None:
            if b.scheme == "simultaneous":
                out.append(FamilyPairTerm(c, c, "distinct", HALF))
            else:
                out.append(FamilyPairTerm(c, c, "ordered", sympy.Integer(1)))
        for t in b.couplings[s + 1:]:
            if b.scheme == "simultaneous":
                out.append(FamilyPairTerm(c, t, "all", HALF))
                out.append(FamilyPairTerm(t, c, "all", HALF))
            else:
                out.append(FamilyPairTerm(c, t, "all", sympy.Integer(1)))
    return out


def _second_index(c: Coupling, avoid: set) -> Idx:
    from .algebra.indexed import _fresh

    return _fresh(c.index, avoid)  # type: ignore[arg-type]


def _apart(c: Coupling, avoid: set) -> tuple[IndexedOperator, Idx | None]:
    """The coupling family with its index renamed away from ``avoid`` (free indices of an
    observable), so that summing over it never captures them."""
    if c.index is None or c.index not in avoid:
        return c.operator, c.index
    k = _second_index(c, avoid | {c.index})
    return rename_free(c.operator, {c.index: k}), k


def pair_double_commutator(term: FamilyPairTerm, x: IndexedOperator) -> IndexedOperator:
    """weight * sum over the pair's indices of [V_outer, [V_inner, X]] (X may have free
    indices; the couplings' indices are renamed apart from them)."""
    free_x = set(x.free_indices)
    o, k1 = _apart(term.outer, free_x)
    if term.kind == "same":
        dc = indexed_commutator(o, indexed_commutator(o, x))
        res = isum(dc, k1) if k1 is not None else dc
        return res * term.weight
    i = term.inner.operator
    avoid = set(o.free_indices) | free_x
    indices = []
    if k1 is not None:
        indices.append(k1)
    if term.inner.index is not None:
        k2 = term.inner.index
        if k2 in avoid:
            k2 = _second_index(term.inner, avoid | {k2})
            i = rename_free(i, {term.inner.index: k2})
        indices.append(k2)
    dc = indexed_commutator(o, indexed_commutator(i, x))
    constraint = {"distinct": "distinct", "ordered": "ordered", "all": "all"}[term.kind]
    res = isum(dc, tuple(indices), constraint) if indices else dc  # type: ignore[arg-type]
    return res * term.weight


def _check_part(part: str) -> None:
    if part not in PARTS:
        raise ModelError(f"part {part!r} is unknown: use one of {PARTS}")


def _dc_sum(b: FamilyBath, x: IndexedOperator, part: Part) -> IndexedOperator:
    acc = IndexedOperator()
    for t in family_pair_terms(b):
        if (part == "local" and not t.is_local) or (part == "nonlocal" and t.is_local):
            continue
        acc = acc + pair_double_commutator(t, x)
    return acc


@lru_cache(maxsize=256)
def heat_current_operator(model: FamilyModel, bath_name: str, part: Part = "total"
                          ) -> IndexedOperator:
    """Qdot_k as an indexed system operator."""
    _check_part(part)
    b = model.bath(bath_name)
    return indexed_partial_trace(_dc_sum(b, b.hamiltonian, part), b)


@lru_cache(maxsize=256)
def work_current_operator(model: FamilyModel, bath_name: str | None = None,
                          part: Part = "total") -> IndexedOperator:
    """Wdot (all baths or one) as an indexed system operator."""
    _check_part(part)
    baths = model.baths if bath_name is None else (model.bath(bath_name),)
    acc = IndexedOperator()
    for b in baths:
        dc = _dc_sum(b, model.system_hamiltonian + b.hamiltonian, part)
        acc = acc - indexed_partial_trace(dc, b)
    return acc


def heat_current(model: FamilyModel, bath_name: str, part: Part = "total") -> sympy.Expr:
    """Heat current from a bath (positive into the system), general in N."""
    return indexed_expectation(heat_current_operator(model, bath_name, part))


def work_current(model: FamilyModel, bath_name: str | None = None, part: Part = "total"
                 ) -> sympy.Expr:
    """Work current, general in N."""
    return indexed_expectation(work_current_operator(model, bath_name, part))


# ------------------------------------------------------------------------------------------
# Lindblad form


@dataclass(frozen=True, eq=False)
class JumpFamily:
    """L(k) (x) B: a jump operator family of coupling ``coupling`` with ancilla monomial B."""

    coupling: Coupling
    ancilla: OMono
    operator: IndexedOperator  # free index coupling.index (if any)


@dataclass(frozen=True, eq=False)
class FamilyChannelLindblad:
    """Lindblad data of one bath: jump families, rates gamma_ab, cascaded Hamiltonian."""

    bath: FamilyBath
    jumps: tuple[JumpFamily, ...]
    rates: sympy.ImmutableMatrix  # gamma_ab = Tr(rho_R B_b^dag B_a)
    hamiltonian: IndexedOperator


@dataclass(frozen=True, eq=False)
class FamilyLindbladForm:
    r"""drho/dt = -i[H, rho] + sum_baths sum_{a,b} gamma_ab sum_{k,k'} (L_a(k) rho L_b(k')^dag
    - {L_b(k')^dag L_a(k), rho}/2), the (k, k') range set by the scheme: all pairs (common
    and cascaded baths; cascaded adds H_cas to H), k = k' (independent)."""

    hamiltonian: IndexedOperator
    channels: tuple[FamilyChannelLindblad, ...]

    def adjoint(self, a: object, part: Part = "total") -> IndexedOperator:
        """L^dag(A) = i[H, A] + sum gamma_ab (L_b^dag A L_a - {L_b^dag L_a, A}/2); ``part``
        keeps the local (same coupling, same index) or non-local entries of the dissipator."""
        _check_part(part)
        a = as_indexed(a)
        acc = IndexedOperator()
        if part == "total":
            acc = acc + indexed_commutator(self.hamiltonian, a) * sympy.I
        for ch in self.channels:
            acc = acc + _channel_adjoint(ch, a, part)
        return acc


def _channel_adjoint(ch: FamilyChannelLindblad, a: IndexedOperator, part: Part
                     ) -> IndexedOperator:
    acc = IndexedOperator()
    avoid = set(a.free_indices)
    for ia, ja in enumerate(ch.jumps):
        for ib, jb in enumerate(ch.jumps):
            g = ch.rates[ia, ib]
            if g == 0:
                continue
            same = ja.coupling is jb.coupling
            la, lb = ja.operator, jb.operator
            ka, kb = ja.coupling.index, jb.coupling.index
            if ka is not None and ka in avoid:  # rename apart from the observable's indices
                new = _second_index(ja.coupling, avoid | {ka})
                la = rename_free(la, {ka: new})
                if same:
                    lb, kb = rename_free(lb, {ka: new}), new
                ka = new
            if not same and kb is not None and kb in avoid | {ka}:
                new = _second_index(jb.coupling, avoid | {ka, kb})
                lb, kb = rename_free(lb, {kb: new}), new
            pieces = []  # (constraint, indices, L_a, L_b)
            if same and ka is not None:
                pieces.append(("same", (ka,), la, lb))
                if ch.bath.scheme != "independent":
                    kb2 = _second_index(jb.coupling, avoid | {ka})
                    pieces.append(("distinct", (ka, kb2), la, rename_free(lb, {kb: kb2})))
            elif same:
                pieces.append(("same", (), la, lb))
            elif ch.bath.scheme != "independent":
                idx = []
                if ka is not None:
                    idx.append(ka)
                lb2 = lb
                if kb is not None:
                    kb2 = kb
                    if kb in avoid | {ka}:
                        kb2 = _second_index(jb.coupling, avoid | {ka})
                        lb2 = rename_free(lb, {kb: kb2})
                    idx.append(kb2)
                pieces.append(("all", tuple(idx), la, lb2))
            for kind, idx, l_a, l_b in pieces:
                local = kind == "same"
                if (part == "local" and not local) or (part == "nonlocal" and local):
                    continue
                lbd = l_b.dagger()
                term = lbd * a * l_a - (lbd * l_a * a + a * lbd * l_a) * HALF
                constraint = "distinct" if kind == "distinct" else "all"
                if idx:
                    term = isum(term, idx, constraint)  # type: ignore[arg-type]
                acc = acc + term * g
    return acc


def _split_coupling(c: Coupling, ancilla_names: frozenset[str]) -> dict[OMono, IndexedOperator]:
    """V(k) = sum_B L_B(k) (x) B over concrete ancilla monomials B."""
    grouped: dict = {}
    for p, o in c.operator.terms.items():
        for (om, cm), r in o.raw_items():
            anc = tuple(q for q in om if q[0] in ancilla_names)
            sysm = tuple(q for q in om if q[0] not in ancilla_names)
            d = grouped.setdefault(anc, {}).setdefault(p, {})
            d[(sysm, cm)] = d.get((sysm, cm), 0) + r
    out = {}
    for anc in sorted(grouped, key=monomial_sort_key):
        out[anc] = IndexedOperator({p: Operator({k: r for k, r in d.items() if r})
                                    for p, d in grouped[anc].items()})
    return out


@lru_cache(maxsize=64)
def lindblad_form(model: FamilyModel) -> FamilyLindbladForm:
    """The master equation in Lindblad form (baths with concrete ancillas only)."""
    channels = []
    h_total = model.system_hamiltonian
    for b in model.baths:
        if b.ancilla_families:
            raise IndexedError(
                f"bath {b.name!r} has an ancilla family: its Lindblad form is not built here; "
                "adjoint_generator() uses the collision route for it, or instantiate() the model"
            )
        jumps = []
        for c in b.couplings:
            for anc, op in _split_coupling(c, b.ancilla_names).items():
                jumps.append(JumpFamily(c, anc, op))
        n = len(jumps)
        rates = sympy.zeros(n, n)
        for ia in range(n):
            ba = monomial_operator(jumps[ia].ancilla)
            for ib in range(n):
                bb = monomial_operator(jumps[ib].ancilla).dagger()
                rates[ia, ib] = partial_trace(bb * ba, b.concrete_ancillas).scalar_part()
        h_cas = IndexedOperator()
        if b.scheme == "cascaded":
            for t in family_pair_terms(b):
                if t.is_local:
                    continue
                h_cas = h_cas + _ordered_commutator(t)
            h_cas = indexed_partial_trace(h_cas, b) * (sympy.I / 2)
            h_total = h_total + h_cas
        channels.append(FamilyChannelLindblad(b, tuple(jumps), sympy.ImmutableMatrix(rates),
                                              h_cas))
    return FamilyLindbladForm(h_total, tuple(channels))


def _ordered_commutator(t: FamilyPairTerm) -> IndexedOperator:
    """sum over the ordered pair of [V_earlier, V_later] (for H_cas)."""
    o, i = t.outer.operator, t.inner.operator
    indices = []
    if t.outer.index is not None:
        indices.append(t.outer.index)
    if t.inner.index is not None:
        k2 = t.inner.index
        if k2 in set(o.free_indices):
            k2 = _second_index(t.inner, set(o.free_indices))
            i = rename_free(i, {t.inner.index: k2})
        indices.append(k2)
    c = indexed_commutator(o, i)
    constraint = "ordered" if t.kind == "ordered" else "all"
    return isum(c, tuple(indices), constraint) if indices else c  # type: ignore[arg-type]


def collision_adjoint(model: FamilyModel, a: object, part: Part = "total") -> IndexedOperator:
    """L^dag(A) by the collision route: i[H_S, A] - sum w Tr_R [V_o, [V_i, A]]."""
    _check_part(part)
    a = as_indexed(a)
    acc = IndexedOperator()
    if part == "total":
        acc = acc + indexed_commutator(model.system_hamiltonian, a) * sympy.I
    for b in model.baths:
        acc = acc - indexed_partial_trace(_dc_sum(b, a, part), b)
    return acc


def adjoint_generator(model: FamilyModel, a: object, part: Part = "total") -> IndexedOperator:
    """L^dag(A): from the Lindblad form, or the collision route for ancilla-family baths."""
    if any(b.ancilla_families for b in model.baths):
        return collision_adjoint(model, a, part)
    return lindblad_form(model).adjoint(a, part)


def heisenberg_equation(model: FamilyModel, observable: object, part: Part = "total",
                        distinct: bool = False) -> sympy.Expr:
    """d<O>/dt for an indexed observable (free indices stay free; ``distinct=True`` assumes
    the observable's free indices pairwise distinct)."""
    out = adjoint_generator(model, observable, part)
    if distinct:
        out = assume_distinct(out)
    return indexed_expectation(out)


def energy_rate(model: FamilyModel) -> sympy.Expr:
    """dE_S/dt = <L^dag(H_S)>."""
    return indexed_expectation(adjoint_generator(model, model.system_hamiltonian))


def first_law_residual(model: FamilyModel) -> sympy.Expr:
    """dE_S/dt - Wdot - sum_k Qdot_k in the ordered canonical form: exactly 0."""
    lhs = adjoint_generator(model, model.system_hamiltonian)
    rhs = work_current_operator(model)
    for b in model.baths:
        rhs = rhs + heat_current_operator(model, b.name)
    return indexed_expectation(ordered_form(lhs - rhs))


@dataclass(frozen=True)
class FamilyCurrents:
    heat: dict
    work: dict
    work_by_bath: dict
    energy_rate: sympy.Expr
    first_law_residual: sympy.Expr


def currents(model: FamilyModel) -> FamilyCurrents:
    """Every current (local, non-local, total), general in N."""
    heat = {b.name: {p: heat_current(model, b.name, p) for p in PARTS} for b in model.baths}
    work = {p: work_current(model, None, p) for p in PARTS}
    by_bath = {b.name: {p: work_current(model, b.name, p) for p in PARTS} for b in model.baths}
    return FamilyCurrents(heat, work, by_bath, energy_rate(model), first_law_residual(model))


# ------------------------------------------------------------------------------------------
# structure of currents


def _site_baths(model: FamilyModel) -> dict[str, set[str]]:
    """Family or site name -> names of the baths whose couplings act on it."""
    out: dict[str, set[str]] = {}
    for b in model.baths:
        for c in b.couplings:
            fams, sites = _operator_families(c.operator)
            for s in (fams - b.ancilla_family_names) | (sites - b.ancilla_names):
                out.setdefault(s, set()).add(b.name)
    return out


def classify_expectation(model: FamilyModel, e: sympy.Expr) -> str:
    """population / local_coherence / coherence_same_bath / coherence_across_baths, as
    :func:`symthermo.thermo.classify_expectation`, for indexed (or concrete) expectations."""
    if isinstance(e, IndexedExpectation):
        pairs = [((w[0] if isinstance(w, tuple) else w), loc) for w, loc in e.template]
    else:
        pairs = [(s, loc) for s, loc in e.monomial]  # type: ignore[attr-defined]
    return classify_local_operators(pairs, _site_baths(model))


@dataclass(frozen=True)
class IndexedCurrentTerm:
    """coefficient * <expectation> inside a sum over ``bound`` (empty: no sum)."""

    expectation: sympy.Expr
    coefficient: sympy.Expr
    kind: str
    bound: tuple
    order: tuple


def decompose(model: FamilyModel, expr: sympy.Expr) -> list[IndexedCurrentTerm]:
    """Split a general-N current into classified (sum, coefficient, expectation) terms."""
    out = []
    for term in sympy.Add.make_args(sympy.sympify(expr)):
        if isinstance(term, IndexedSum):
            bound, order, summand = term.bound, term.order, term.summand
        else:
            bound, order, summand = (), (), term
        for t in sympy.Add.make_args(sympy.expand(summand)):
            ev = [f for f in sympy.Mul.make_args(t) if isinstance(f, IndexedExpectation) or
                  getattr(f, "monomial", None) is not None]
            if not ev:
                out.append(IndexedCurrentTerm(sympy.Integer(1), t, "constant", bound, order))
                continue
            e = ev[0]
            out.append(IndexedCurrentTerm(e, t / e, classify_expectation(model, e), bound,
                                          order))
    return out


# ------------------------------------------------------------------------------------------
# instances


def instantiate(model: FamilyModel, sizes: Mapping) -> CollisionModel:
    """The concrete collision model at concrete sizes: family members h1..hN, coupling
    families as couplings ``label + k`` in the order k = 1, 2, ... (after the coupling's
    position in the list), ancilla families as concrete ancillas."""
    sizes = {sympy.sympify(k): v for k, v in sizes.items()}
    sites: list[Site] = []
    for f in model.families:
        sites.extend(f.members(_size(f.size, sizes)))
    sites.extend(model.sites)
    baths = []
    for b in model.baths:
        anc: list[AncillaState] = list(b.concrete_ancillas)
        for fa in b.ancilla_families:
            size = _size(fa.family.size, sizes)
            anc.extend(fa.member_state(fa.family.member(k), k) for k in range(1, size + 1))
        couplings = []
        for c in b.couplings:
            if c.index is None:
                couplings.append((c.label, unroll_operator(c.operator, sizes)))
                continue
            for k in range(1, _size(c.index.upper, sizes) + 1):
                couplings.append((f"{c.label}{k}",
                                  unroll_operator(c.operator, {**sizes, c.index: k})))
        baths.append(bath(b.name, anc, unroll_operator(b.hamiltonian, sizes), couplings,
                          scheme=b.scheme, beta=b.beta))
    return collision_model(sites, unroll_operator(model.hamiltonian, sizes), baths,
                           unroll_operator(model.interaction, sizes),
                           name=f"{model.name}{sorted((str(k), v) for k, v in sizes.items())}")


def _size(r: sympy.Expr, sizes: Mapping) -> int:
    v = sympy.sympify(r).xreplace(dict(sizes))
    if not v.is_Integer or v < 1:
        raise IndexedError(f"instantiate needs a positive integer for the size {r}: pass "
                           f"{{{r}: 3}}")
    return int(v)


__all__ = [
    "Coupling",
    "FamilyAncilla",
    "FamilyBath",
    "FamilyLindbladForm",
    "FamilyModel",
    "adjoint_generator",
    "classify_expectation",
    "collision_adjoint",
    "currents",
    "decompose",
    "energy_rate",
    "family_bath",
    "family_collision_model",
    "first_law_residual",
    "heat_current",
    "heat_current_operator",
    "heisenberg_equation",
    "instantiate",
    "lindblad_form",
    "work_current",
    "work_current_operator",
]
