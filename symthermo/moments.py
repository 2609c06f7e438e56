"""Real moment coordinates adapted to U(1) symmetry, and closed Heisenberg systems on them.

Coordinates.  Per site the *ladder* basis: a qubit has sigma^z, sigma^+, sigma^- (locals 3, 4, 5
here; sigma^x = sigma^+ + sigma^-, sigma^y = -i sigma^+ + i sigma^-), a boson a^dag^m a^n
(local (m, n)).  A ladder monomial L is a product over sites; L^dag is a ladder monomial
again.  The real coordinates of Hermitian operators are, with L the representative of
{L, L^dag} (the first in :func:`symthermo.algebra.monomials.monomial_sort_key` order),

    <L>                  if L = L^dag        ("diag": sigma^z strings, a^dag^m a^m products),
    <L + L^dag>          ("re")   and   <i (L - L^dag)>   ("im")    otherwise,

so that a Hermitian c L + conj(c) L^dag + ... has real coefficients Re c, Im c on them.
Each ladder monomial carries a charge per site (+1 for sigma^+ / a^dag, ...), and a
phase-covariant generator (thermal baths, excitation-conserving couplings) maps a monomial only
to monomials of its charge pattern: the Heisenberg matrix on these coordinates splits into small
blocks by itself (the charge sectors, and the finer sectors of local conservation laws such
as those of the absorption refrigerator), where the Pauli basis mixes sigma^x and sigma^y.
Models without the symmetry simply give larger blocks.

Closed systems.  :func:`closed_moment_system` starts from seed coordinates and adds every
coordinate that the adjoint generator produces (breadth first), so the result is the smallest
closed system containing the seeds: for qubits always finite; for bosons closed exactly when the
Hamiltonian is at most quadratic and the couplings linear in the modes (the boson degree never
grows); otherwise :class:`~symthermo.errors.ModelError` names the moment that grew.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from typing import Literal

from .algebra.coefficients import ONE, Scalar, cmono_mul
from .algebra.monomials import OMono, monomial_sort_key
from .algebra.operator import Operator, monomial_operator
from .errors import ModelError
from .model import CollisionModel
from .thermo import adjoint_generator

Z, PLUS, MINUS = 3, 4, 5
LadderMono = tuple
Part = Literal["diag", "re", "im"]
_PART_ORDER = {"diag": 0, "re": 1, "im": 2}


def ladder_dagger(mono: LadderMono) -> LadderMono:
    out = []
    for s, loc in mono:
        if isinstance(loc, tuple):
            out.append((s, (loc[1], loc[0])))
        else:
            out.append((s, {PLUS: MINUS, MINUS: PLUS}.get(loc, loc)))
    return tuple(out)


def _ladder_key(mono: LadderMono) -> tuple:
    return monomial_sort_key(mono)


@dataclass(frozen=True)
class Coordinate:
    """A real moment coordinate: ``part`` of the ladder monomial ``monomial`` (see module)."""

    monomial: LadderMono
    part: Part

    @property
    def sort_key(self) -> tuple:
        return (_ladder_key(self.monomial), _PART_ORDER[self.part])

    @property
    def boson_degree(self) -> int:
        return sum(loc[0] + loc[1] for _, loc in self.monomial if isinstance(loc, tuple))

    @property
    def charges(self) -> tuple[tuple[str, int], ...]:
        out = []
        for s, loc in self.monomial:
            q = loc[0] - loc[1] if isinstance(loc, tuple) else {PLUS: 1, MINUS: -1}.get(loc, 0)
            out.append((s, q))
        return tuple(out)

    def operator(self) -> Operator:
        """The Hermitian operator of the coordinate (its expectation is the coordinate)."""
        return _coordinate_operator(self)

    def __str__(self) -> str:
        inner = " ".join(f"{_LOCAL_NAMES.get(loc, loc)}_{s}" for s, loc in self.monomial)
        return {"diag": f"<{inner}>", "re": f"<{inner} + h.c.>", "im": f"<i({inner} - h.c.)>"}[
            self.part
        ]


_LOCAL_NAMES = {Z: "sz", PLUS: "s+", MINUS: "s-"}


def ladder_operator(mono: LadderMono) -> Operator:
    out = monomial_operator(())
    for s, loc in mono:
        if isinstance(loc, tuple):
            out = out * monomial_operator(((s, loc),))
        elif loc == Z:
            out = out * monomial_operator(((s, 3),))
        else:
            sign = Fraction(1, 2) if loc == PLUS else Fraction(-1, 2)
            x = monomial_operator(((s, 1),)) * Fraction(1, 2)
            y = Operator({(((s, 2),), (1,)): sign})  # +-(i/2) sigma^y
            out = out * (x + y)
    return out


@cache
def _coordinate_operator(c: Coordinate) -> Operator:
    op = ladder_operator(c.monomial)
    if c.part == "diag":
        return op
    dag = op.dagger()
    if c.part == "re":
        return op + dag
    return (op - dag) * Operator({((), (1,)): 1})


# Pauli locals in the ladder basis: list of (rational factor, i-power, ladder local)
_PAULI_TO_LADDER = {
    1: ((1, 0, PLUS), (1, 0, MINUS)),
    2: ((-1, 1, PLUS), (1, 1, MINUS)),
    3: ((1, 0, Z),),
}


def _ladder_terms(om: OMono) -> list[tuple[int, int, LadderMono]]:
    partial: list[tuple[int, int, list]] = [(1, 0, [])]
    for s, loc in om:
        if isinstance(loc, tuple):
            for t in partial:
                t[2].append((s, loc))
            continue
        new = []
        for f, ip, pairs in partial:
            for f2, ip2, loc2 in _PAULI_TO_LADDER[loc]:
                new.append((f * f2, ip + ip2, [*pairs, (s, loc2)]))
        partial = new
    return [(f, ip, tuple(p)) for f, ip, p in partial]


def _add_scalar(out: dict, key: object, cm: tuple, value: Fraction | int) -> None:
    d = out.setdefault(key, {})
    v = d.get(cm, 0) + value
    if v == 0:
        d.pop(cm, None)
    else:
        d[cm] = v


def coordinates_of(op: Operator) -> tuple[Scalar, dict[Coordinate, Scalar]]:
    """(constant, {coordinate: real coefficient}) of a Hermitian operator.

    Coefficients are the algebra's exact scalars ({coefficient monomial: rational}) with no
    factor i left.  A non-Hermitian ``op`` raises ModelError.
    """
    ladder: dict[LadderMono, dict] = {}
    for (om, cm), r in op.raw_items():
        for f, ip, lm in _ladder_terms(om):
            s, cm2 = cmono_mul(cm, ONE, ip)
            _add_scalar(ladder, lm, cm2, s * f * r)
    constant: Scalar = {}
    coords: dict[Coordinate, dict] = {}
    for lm, scalar in ladder.items():
        if not scalar:
            continue
        if not lm:
            constant = _real_part(scalar, "the identity coefficient")
            continue
        dag = ladder_dagger(lm)
        if dag == lm:
            coords[Coordinate(lm, "diag")] = _real_part(scalar, str(lm))
            continue
        if _ladder_key(lm) > _ladder_key(dag):
            continue  # the representative carries both parts
        re: dict = {}
        im: dict = {}
        for cm, r in scalar.items():
            if cm[0]:
                im[(0, *cm[1:])] = r
            else:
                re[cm] = r
        if re:
            coords[Coordinate(lm, "re")] = re
        if im:
            coords[Coordinate(lm, "im")] = im
    return constant, dict(sorted(coords.items(), key=lambda kv: kv[0].sort_key))


def _real_part(scalar: dict, what: str) -> dict:
    if any(cm[0] for cm in scalar):
        raise ModelError(f"the operator is not Hermitian (imaginary coefficient of {what})")
    return dict(scalar)


@dataclass(frozen=True)
class MomentSystem:
    """d x/dt = M x + c on real coordinates: ``rows[i] = ({j: coefficient}, constant)``."""

    coordinates: tuple[Coordinate, ...]
    rows: tuple[tuple[dict[int, Scalar], Scalar], ...]

    @property
    def size(self) -> int:
        return len(self.coordinates)


BOSON_CLOSURE_DEGREE = 2


def closed_moment_system(
    model: CollisionModel, seeds: Iterable[Coordinate], max_size: int | None = None
) -> MomentSystem:
    """The smallest closed Heisenberg system containing ``seeds`` (see the module docstring)."""
    seeds = sorted(set(seeds), key=lambda c: c.sort_key)
    bound = max([BOSON_CLOSURE_DEGREE] + [c.boson_degree for c in seeds])
    index: dict[Coordinate, int] = {}
    order: list[Coordinate] = []
    queue: deque[Coordinate] = deque()
    for c in seeds:
        index[c] = len(order)
        order.append(c)
        queue.append(c)
    raw: dict[int, tuple[Scalar, dict[Coordinate, Scalar]]] = {}
    while queue:
        c = queue.popleft()
        const, terms = coordinates_of(adjoint_generator(model, c.operator()))
        for c2 in terms:
            if c2 in index:
                continue
            if c2.boson_degree > bound:
                raise ModelError(
                    f"the Heisenberg equations of the moments do not close: d{c}/dt involves "
                    f"{c2} (boson degree {c2.boson_degree} > {bound}); moments close only for "
                    "Hamiltonians at most quadratic in the modes and couplings linear in them. "
                    "Use the numeric route (symthermo.numeric.model_dynamics.model_steady_state "
                    "with a cutoff) for this model"
                )
            index[c2] = len(order)
            order.append(c2)
            queue.append(c2)
            if max_size is not None and len(order) > max_size:
                raise ModelError(
                    f"the closed moment system exceeds {max_size} coordinates; use "
                    "symthermo.numeric steady states"
                )
        raw[index[c]] = (const, terms)
    perm = sorted(range(len(order)), key=lambda i: order[i].sort_key)
    new_index = {old: new for new, old in enumerate(perm)}
    rows = []
    for old in perm:
        const, terms = raw[old]
        rows.append(({new_index[index[c2]]: s for c2, s in terms.items()}, const))
    return MomentSystem(tuple(order[i] for i in perm), tuple(rows))


def all_qubit_coordinates(sites: Iterable) -> list[Coordinate]:
    """Every coordinate of a qubit system (4^n - 1 of them), canonical order."""
    from itertools import product

    from .algebra.sites import site_sort_key

    names = sorted((s.name for s in sites), key=site_sort_key)
    out = []
    for locs in product((0, Z, PLUS, MINUS), repeat=len(names)):
        mono = tuple((n, loc) for n, loc in zip(names, locs, strict=True) if loc)
        if not mono:
            continue
        dag = ladder_dagger(mono)
        if dag == mono:
            out.append(Coordinate(mono, "diag"))
        elif _ladder_key(mono) < _ladder_key(dag):
            out += [Coordinate(mono, "re"), Coordinate(mono, "im")]
    return sorted(out, key=lambda c: c.sort_key)


# --- permutation symmetry of identical subsystems --------------------------------------------
#
# A permutation pi of the system sites acts on operators by renaming sites, P(A) = U_pi A U_pi^dag
# (different sites commute, so a product of site operators is renamed factor by factor).  On the
# real coordinates it is a *signed* permutation: pi(L) is a ladder monomial again, and when
# pi(L)^dag is the representative of {pi(L), pi(L)^dag} the "im" coordinate changes sign,
#
#     P(O_c) = s_c O_{pi(c)},    s_c = -1 exactly for such "im" coordinates, else +1.
#
# pi is a symmetry of the model when P commutes with the adjoint generator L^dag, i.e. on the
# moment system  s_i M_{pi(i), pi(j)} s_j = M_ij  and  s_i c_{pi(i)} = c_i.  A stationary state
# that is unique is then invariant (U_pi rho U_pi^dag = rho), so x_{pi(i)} = s_i x_i: the
# stationary moments are fixed by one representative per orbit, and a coordinate that its orbit
# maps to minus itself vanishes.

SitePermutation = tuple[tuple[str, str], ...]  # sorted (site, image) pairs, moved sites only


def _renamed_monomial(mono: tuple, mapping: dict[str, str]) -> tuple:
    from .algebra.sites import site_sort_key

    return tuple(sorted(((mapping.get(s, s), loc) for s, loc in mono),
                        key=lambda p: site_sort_key(p[0])))


def renamed_operator(op: Operator, mapping: dict[str, str]) -> Operator:
    """U_pi A U_pi^dag for the site renaming ``mapping`` (a bijection of site names)."""
    return Operator({(_renamed_monomial(om, mapping), cm): r for (om, cm), r in op.raw_items()})


def permuted_coordinate(c: Coordinate, mapping: dict[str, str]) -> tuple[Coordinate, int]:
    """(pi(c), s_c) with P(O_c) = s_c O_{pi(c)} (see the comment above)."""
    mono = _renamed_monomial(c.monomial, mapping)
    if c.part == "diag":
        return Coordinate(mono, "diag"), 1
    dag = ladder_dagger(mono)
    if _ladder_key(mono) < _ladder_key(dag):
        return Coordinate(mono, c.part), 1
    return Coordinate(dag, c.part), (1 if c.part == "re" else -1)


def _bath_invariant(bath: object, mapping: dict[str, str]) -> bool:
    ops = [v for _, v in bath.couplings]  # type: ignore[attr-defined]
    images = [renamed_operator(v, mapping) for v in ops]
    if bath.scheme == "cascaded":  # type: ignore[attr-defined]
        return images == ops  # the collision order is part of the model
    remaining = list(ops)
    for im in images:
        if im not in remaining:
            return False
        remaining.remove(im)
    return True


MAX_PERMUTED_SITES = 6  # all permutations of up to 6 identical sites are tried (720)


def site_permutation_symmetries(model: CollisionModel) -> tuple[SitePermutation, ...]:
    """Non-trivial permutations of identical system sites that leave the model invariant.

    A permutation (of sites of the same kind; ancillas are not moved) qualifies when it maps
    H_S = H_local + H_I to itself and every bath to itself: the same ancillas and state, and its
    couplings V_k permuted among themselves (simultaneous and independent schemes) or each
    mapped to itself (cascaded: the collision order is part of the model).  Parameters are not
    renamed: equal couplings must be equal symbols (substitute them into the model first).
    All permutations are tried for up to ``MAX_PERMUTED_SITES`` sites of a kind, only
    transpositions beyond.  Deterministic order (lexicographic in the sorted site names).
    """
    from itertools import combinations, permutations

    from .algebra.sites import site_sort_key

    names = sorted((s.name for s in model.system_sites), key=site_sort_key)
    kinds = {s.name: s.kind for s in model.system_sites}
    groups = [[n for n in names if kinds[n] == k] for k in ("qubit", "boson")]
    per_kind: list[list[dict[str, str]]] = []
    for grp in groups:
        if len(grp) <= MAX_PERMUTED_SITES:
            maps = [dict(zip(grp, img, strict=True)) for img in permutations(grp)]
        else:
            maps = [{n: n for n in grp}]
            for a, b in combinations(grp, 2):
                maps.append({**{n: n for n in grp}, a: b, b: a})
        per_kind.append(maps)
    h_s = model.system_hamiltonian
    out = []
    for mq in per_kind[0]:
        for mb in per_kind[1]:
            mapping = {k: v for k, v in {**mq, **mb}.items() if k != v}
            if not mapping:
                continue
            if renamed_operator(h_s, mapping) != h_s:
                continue
            if all(_bath_invariant(b, mapping) for b in model.baths):
                out.append(tuple(sorted(mapping.items(), key=lambda p: site_sort_key(p[0]))))
    return tuple(out)


def is_symmetry_of(system: MomentSystem, permutation: SitePermutation) -> bool:
    """Whether the site permutation commutes with the generator on ``system`` (see above):
    its coordinates are mapped among themselves and s_i M_{pi(i),pi(j)} s_j = M_ij,
    s_i c_{pi(i)} = c_i."""
    mapping = dict(permutation)
    index = {c: i for i, c in enumerate(system.coordinates)}
    image: list[tuple[int, int]] = []
    for c in system.coordinates:
        c2, s = permuted_coordinate(c, mapping)
        if c2 not in index:
            return False
        image.append((index[c2], s))

    def signed(scalar: Scalar, s: int) -> Scalar:
        return scalar if s == 1 else {cm: -r for cm, r in scalar.items()}

    for i, (terms, const) in enumerate(system.rows):
        pi_i, s_i = image[i]
        terms2, const2 = system.rows[pi_i]
        if signed(const2, s_i) != const or len(terms2) != len(terms):
            return False
        for j, scalar in terms.items():
            pi_j, s_j = image[j]
            if signed(terms2.get(pi_j, {}), s_i * s_j) != scalar:
                return False
    return True


@dataclass(frozen=True)
class SymmetryOrbits:
    """Orbits of the coordinates of a moment system under a group of site permutations.

    ``representative[i] = (r, sigma)``: at an invariant state x_i = sigma x_r, with r the first
    coordinate of the orbit (canonical order) and sigma = +-1; ``sigma = 0`` for the orbits that
    the group maps to minus themselves (x_i = 0 at every invariant state).
    """

    permutations: tuple[SitePermutation, ...]
    representative: tuple[tuple[int, int], ...]

    @property
    def representatives(self) -> list[int]:
        return sorted({r for r, s in self.representative if s})


def symmetry_orbits(
    system: MomentSystem, permutations: Iterable[SitePermutation]
) -> SymmetryOrbits:
    """The orbits of the coordinates under the group generated by ``permutations`` (each
    confirmed with :func:`is_symmetry_of`; the others are dropped)."""
    perms = tuple(p for p in permutations if is_symmetry_of(system, p))
    index = {c: i for i, c in enumerate(system.coordinates)}
    images = [
        [(index[c2], s) for c2, s in (permuted_coordinate(c, dict(p)) for c in system.coordinates)]
        for p in perms
    ]
    rep: list[tuple[int, int] | None] = [None] * system.size
    for start in range(system.size):
        if rep[start] is not None:
            continue
        sign = {start: 1}
        stack = [start]
        vanishes = False
        while stack:
            i = stack.pop()
            for img in images:
                j, s = img[i]
                if j not in sign:
                    sign[j] = sign[i] * s
                    stack.append(j)
                elif sign[j] != sign[i] * s:
                    vanishes = True
        for j, s in sign.items():
            rep[j] = (start, 0 if vanishes else s)
    return SymmetryOrbits(perms, tuple(rep))  # type: ignore[arg-type]


def symmetric_seeds(
    seeds: Iterable[Coordinate], permutations: Iterable[SitePermutation]
) -> list[Coordinate]:
    """The seeds and their images under the group generated by the permutations."""
    out = set(seeds)
    stack = list(out)
    perms = [dict(p) for p in permutations]
    while stack:
        c = stack.pop()
        for p in perms:
            c2, _ = permuted_coordinate(c, p)
            if c2 not in out:
                out.add(c2)
                stack.append(c2)
    return sorted(out, key=lambda c: c.sort_key)


def reduced_moment_system(system: MomentSystem, orbits: SymmetryOrbits) -> MomentSystem:
    """The moment system on the orbit representatives, at invariant states:

        d x_r/dt = sum_j M_rj sigma_j x_{rep(j)} + c_r      (r a representative),

    whose stationary solutions are exactly the invariant stationary solutions of the full
    system (the rows of the other members of an orbit are the same equations, up to sign)."""
    reps = orbits.representatives
    position = {r: k for k, r in enumerate(reps)}
    rows = []
    for r in reps:
        terms, const = system.rows[r]
        out: dict[int, dict] = {}
        for j, scalar in terms.items():
            rj, sigma = orbits.representative[j]
            if not sigma:
                continue
            for cm, v in scalar.items():
                _add_scalar(out, position[rj], cm, sigma * v)
        rows.append(({k: v for k, v in sorted(out.items()) if v}, const))
    return MomentSystem(tuple(system.coordinates[r] for r in reps), tuple(rows))
