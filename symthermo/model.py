"""Collision models: a system, baths of ancillas, couplings and the collision scheme.

A :class:`CollisionModel` is an immutable value.  The system is a list of sites with a local
Hamiltonian and an intra-system interaction H_I (H_S = H_local + H_I).  Each :class:`Bath`
has ancilla sites in a product of diagonal states, an ancilla Hamiltonian H_R, one coupling
V_ik per subsystem it touches (any operator on subsystem (x) ancilla, in the order given),
and a collision scheme:

* ``"simultaneous"`` (common bath): all couplings act in one stroke with one ancilla;
* ``"cascaded"``: the ancilla meets the subsystems one after another, in the given order;
* ``"independent"``: every subsystem meets its own fresh ancilla (no cross terms).

All three are one generic object, a list of *channels* (one fresh ancilla each) of ordered
*strokes* (sets of couplings acting together); see :meth:`Bath.channels` and
:func:`symthermo.thermo.pair_terms` for the expansion of the ordered product of strokes.

Time normalisation (explicit, :attr:`CollisionModel.round_duration`): ``"tau"`` (default,
the convention of the papers) counts one round of collisions (all strokes of every bath) as
one time step tau, with the free Hamiltonian acting for tau per round, so
drho/dt = lim (rho' - rho)/tau.  ``"strokes"`` counts K tau for a round of K strokes, which
divides every dissipator by K.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import sympy

from .algebra.operator import Operator
from .algebra.sites import Site
from .errors import ModelError
from .states import AncillaState, bath_mean
from .validate import choice

Scheme = Literal["simultaneous", "cascaded", "independent"]
SCHEMES = ("simultaneous", "cascaded", "independent")
ROUND_DURATIONS = ("tau", "strokes")


def require_operator(value: object, what: str) -> None:
    """Refuse a non-Operator where an operator is expected (e.g. ``sympy.nan * op``, which
    sympy evaluates to nan before symthermo sees it)."""
    if not isinstance(value, Operator):
        hint = ""
        if isinstance(value, sympy.Basic) and value.has(sympy.nan, sympy.zoo, sympy.oo):
            hint = (" (a non-finite sympy number such as nan or oo times an operator gives "
                    "that number: coefficients must be finite)")
        raise ModelError(
            f"{what} must be an Operator built from site operators, got "
            f"{type(value).__name__} {value!r}{hint}"
        )


def check_site_kinds(kinds: Mapping[str, str], op: Operator, what: str) -> None:
    """Every site of ``op`` is used as the kind it was declared with (qubit or boson)."""
    for mono in op.monomials:
        for name, loc in mono:
            used = "boson" if isinstance(loc, tuple) else "qubit"
            declared = kinds.get(name)
            if declared is not None and declared != used:
                raise ModelError(
                    f"{what} uses site {name!r} as a {used}, but it is declared as a "
                    f"{declared}: one name cannot be both; rename one of them"
                )


@dataclass(frozen=True)
class Bath:
    """A bath: ancilla states, ancilla Hamiltonian, couplings V_ik and the collision scheme.

    ``couplings`` maps a subsystem label (usually the system site name) to V_ik; for
    ``"cascaded"`` their order is the collision order.  ``beta`` (optional) is the inverse
    temperature the user declares for reports and figures; the entropy flux
    (:func:`symthermo.thermo.entropy_flux`) takes the temperature from the ancilla state
    itself, and only where the state is a Gibbs state of H_R.  Ancilla states may be any
    :class:`~symthermo.states.AncillaState` (thermal, squeezed, density matrices, clusters).
    """

    name: str
    ancillas: tuple[AncillaState, ...]
    hamiltonian: Operator
    couplings: tuple[tuple[str, Operator], ...]
    scheme: Scheme = "simultaneous"
    beta: sympy.Expr | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ModelError(f"a bath needs a name (a non-empty string), got {self.name!r}")
        anc = self.ancillas
        if isinstance(anc, AncillaState):
            anc = (anc,)
        if anc is None or isinstance(anc, (str, bytes)) or not hasattr(anc, "__iter__"):
            raise ModelError(f"bath {self.name!r}: ancillas must be ancilla states "
                             f"(ThermalQubit, ...), got {anc!r}")
        if self.couplings is None or isinstance(self.couplings, (str, bytes)) or not hasattr(
            self.couplings, "__iter__"
        ):
            raise ModelError(f"bath {self.name!r}: couplings must be a mapping {{subsystem "
                             f"label: coupling operator}}, got {self.couplings!r}")
        object.__setattr__(self, "ancillas", tuple(anc))
        if isinstance(self.couplings, Mapping):
            object.__setattr__(self, "couplings", tuple(self.couplings.items()))
        else:
            object.__setattr__(self, "couplings", tuple(tuple(c) for c in self.couplings))
        choice("scheme", self.scheme, SCHEMES, ModelError, where=f"bath {self.name!r}: ")
        if not self.couplings:
            raise ModelError(f"bath {self.name!r} has no couplings")
        labels = [lab for lab, _ in self.couplings]
        if len(set(labels)) != len(labels):
            raise ModelError(f"bath {self.name!r}: a subsystem label appears twice in couplings")
        for lab, v in self.couplings:
            require_operator(v, f"bath {self.name!r}: coupling {lab!r}")
        require_operator(self.hamiltonian, f"bath {self.name!r}: hamiltonian")
        if self.beta is not None:
            object.__setattr__(self, "beta", sympy.sympify(self.beta))

    @property
    def ancilla_sites(self) -> tuple[Site, ...]:
        return tuple(s for st in self.ancillas for s in st.sites)

    @property
    def ancilla_names(self) -> frozenset[str]:
        return frozenset(s.name for s in self.ancilla_sites)

    @property
    def coupling_map(self) -> dict[str, Operator]:
        return dict(self.couplings)

    def channels(self) -> list[list[list[str]]]:
        """Channels (fresh ancilla each) of ordered strokes (labels acting together)."""
        labels = [lab for lab, _ in self.couplings]
        if self.scheme == "simultaneous":
            return [[labels]]
        if self.scheme == "cascaded":
            return [[[lab] for lab in labels]]
        return [[[lab]] for lab in labels]

    @property
    def strokes_per_round(self) -> int:
        return max(len(ch) for ch in self.channels())

    def with_scheme(self, scheme: Scheme) -> Bath:
        return dataclasses.replace(self, scheme=scheme)

    # notebooks ------------------------------------------------------------------------------
    def __repr__(self) -> str:
        from .emit.display import bath_text

        return f"<{bath_text(self)}>"

    def _repr_latex_(self) -> str:
        from .emit.display import aligned, bath_latex_rows

        return aligned(bath_latex_rows(self))

    def _latex(self, printer: object = None) -> str:
        return self._repr_latex_().strip("$")


@dataclass(frozen=True)
class CollisionModel:
    """A collision model: system sites, H_local, H_I and baths (see module docstring)."""

    system_sites: tuple[Site, ...]
    hamiltonian: Operator
    baths: tuple[Bath, ...]
    interaction: Operator = field(default_factory=Operator)
    round_duration: Literal["tau", "strokes"] = "tau"
    name: str = "model"

    def __post_init__(self) -> None:
        sites = self.system_sites
        if sites is None or isinstance(sites, (str, bytes)) or not hasattr(sites, "__iter__"):
            raise ModelError(f"system sites must be a list of Site objects, got {sites!r}")
        object.__setattr__(self, "system_sites", tuple(sites))
        baths = self.baths
        if isinstance(baths, Bath):
            baths = (baths,)
        if baths is None or isinstance(baths, (str, bytes)) or not hasattr(baths, "__iter__"):
            raise ModelError(f"baths must be a list of Bath objects (from bath(...)), got "
                             f"{baths!r}")
        object.__setattr__(self, "baths", tuple(baths))
        self._validate()

    # structure ------------------------------------------------------------------------------
    @property
    def system_hamiltonian(self) -> Operator:
        """H_S = H_local + H_I."""
        return self.hamiltonian + self.interaction

    @property
    def system_names(self) -> frozenset[str]:
        return frozenset(s.name for s in self.system_sites)

    @property
    def ancilla_sites(self) -> tuple[Site, ...]:
        return tuple(s for b in self.baths for s in b.ancilla_sites)

    @property
    def sites(self) -> tuple[Site, ...]:
        """All sites in tensor order: system sites, then each bath's ancillas."""
        return self.system_sites + self.ancilla_sites

    @property
    def ancilla_states(self) -> tuple[AncillaState, ...]:
        return tuple(st for b in self.baths for st in b.ancillas)

    @property
    def is_qubit_system(self) -> bool:
        return all(s.kind == "qubit" for s in self.system_sites)

    def bath(self, name: str) -> Bath:
        for b in self.baths:
            if b.name == name:
                return b
        raise ModelError(
            f"no bath named {name!r}; the model has {[b.name for b in self.baths]}"
        )

    def time_scale(self, bath: Bath) -> sympy.Rational:
        """Factor multiplying a bath's per-round change to give a rate (1 or 1/K)."""
        if self.round_duration == "tau":
            return sympy.Integer(1)
        k = max(b.strokes_per_round for b in self.baths)
        return sympy.Rational(1, k)

    # notebooks ------------------------------------------------------------------------------
    def __repr__(self) -> str:
        from .emit.display import model_text

        return model_text(self)

    def _repr_latex_(self) -> str:
        from .emit.display import model_latex

        return model_latex(self)

    def _repr_html_(self) -> str:
        from .emit.display import pre_html

        return pre_html(repr(self))

    def _latex(self, printer: object = None) -> str:
        return self._repr_latex_().strip("$")

    # rebuilding -----------------------------------------------------------------------------
    def replace(self, **changes: object) -> CollisionModel:
        """A copy with fields changed (dataclasses.replace), validated again."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    def with_scheme(self, scheme: Scheme, baths: Iterable[str] | None = None) -> CollisionModel:
        """The same model with another collision scheme (for all baths, or the named ones)."""
        names = set(baths) if baths is not None else {b.name for b in self.baths}
        unknown = names - {b.name for b in self.baths}
        if unknown:
            raise ModelError(f"no bath named {sorted(unknown)}")
        return self.replace(
            baths=tuple(b.with_scheme(scheme) if b.name in names else b for b in self.baths),
            name=f"{self.name}[{scheme}]",
        )

    def subs(self, mapping: Mapping[object, object]) -> CollisionModel:
        """Substitute parameter values everywhere (Hamiltonians and couplings)."""
        baths = tuple(
            dataclasses.replace(
                b,
                ancillas=tuple(_subs_state(st, mapping) for st in b.ancillas),
                hamiltonian=b.hamiltonian.subs(mapping),
                couplings=tuple((lab, v.subs(mapping)) for lab, v in b.couplings),
                beta=None if b.beta is None else sympy.sympify(b.beta).subs(mapping),
            )
            for b in self.baths
        )
        return self.replace(
            hamiltonian=self.hamiltonian.subs(mapping),
            interaction=self.interaction.subs(mapping),
            baths=baths,
        )

    # validation -----------------------------------------------------------------------------
    def _validate(self) -> None:
        choice("round_duration", self.round_duration, ROUND_DURATIONS, ModelError)
        require_operator(self.hamiltonian, "the system Hamiltonian")
        require_operator(self.interaction, "the interaction H_I")
        for s in self.system_sites:
            if not isinstance(s, Site):
                raise ModelError(f"system sites must be Site objects, got {s!r}")
        sys_names = [s.name for s in self.system_sites]
        if len(set(sys_names)) != len(sys_names):
            raise ModelError("a system site is declared twice")
        seen: dict[str, str] = {}
        for b in self.baths:
            if not isinstance(b, Bath):
                raise ModelError(f"baths must be Bath objects, got {b!r}")
            for s in b.ancilla_sites:
                if s.name in seen:
                    raise ModelError(
                        f"ancilla site {s.name!r} is shared by baths {seen[s.name]!r} and "
                        f"{b.name!r}: each bath needs its own ancilla sites"
                    )
                if s.name in sys_names:
                    raise ModelError(f"site {s.name!r} is both a system site and an ancilla")
                seen[s.name] = b.name
        if len({b.name for b in self.baths}) != len(self.baths):
            raise ModelError("two baths have the same name")
        # the site-kind registry of the model: every operator uses a site as declared
        kinds = {s.name: s.kind for s in self.sites}
        check_site_kinds(kinds, self.hamiltonian, "the system Hamiltonian")
        check_site_kinds(kinds, self.interaction, "the interaction H_I")
        for b in self.baths:
            check_site_kinds(kinds, b.hamiltonian, f"bath {b.name!r}: Hamiltonian")
            for lab, v in b.couplings:
                check_site_kinds(kinds, v, f"bath {b.name!r}: coupling {lab!r}")
        all_sys = set(sys_names)
        for label, op in (("system Hamiltonian", self.hamiltonian),
                          ("interaction H_I", self.interaction)):
            extra = op.site_names - all_sys
            if extra:
                raise ModelError(
                    f"{label} acts on {sorted(extra)}, which are not system sites {sys_names}"
                )
            if not op.is_hermitian():
                raise ModelError(f"{label} is not Hermitian: {op}")
        for b in self.baths:
            extra = b.hamiltonian.site_names - b.ancilla_names
            if extra:
                raise ModelError(
                    f"bath {b.name!r}: its Hamiltonian acts on {sorted(extra)}, which are not "
                    f"its ancilla sites {sorted(b.ancilla_names)}"
                )
            if not b.hamiltonian.is_hermitian():
                raise ModelError(f"bath {b.name!r}: Hamiltonian H_R is not Hermitian")
            for lab, v in b.couplings:
                extra = v.site_names - all_sys - b.ancilla_names
                if extra:
                    raise ModelError(
                        f"bath {b.name!r}: coupling {lab!r} acts on {sorted(extra)}, which are "
                        "neither system sites nor this bath's ancillas"
                    )
                if not v.site_names & all_sys:
                    raise ModelError(
                        f"bath {b.name!r}: coupling {lab!r} acts on no system site (it acts on "
                        f"{sorted(v.site_names)}): a coupling must act on the system and the "
                        "bath's ancillas"
                    )
                if not v.is_hermitian():
                    raise ModelError(
                        f"bath {b.name!r}: coupling {lab!r} is not Hermitian: {v}; add its "
                        "Hermitian conjugate (e.g. sigma_+ a + sigma_- a^dag)"
                    )
                mean = bath_mean(v, b.ancillas)
                if mean:
                    raise ModelError(
                        f"bath {b.name!r}: coupling {lab!r} has non-zero bath mean "
                        f"Tr_R(rho_R V) = {mean}; with V/sqrt(tau) the tau -> 0 limit diverges. "
                        "Shift the coupling by its mean (move the mean into H_S) or use an "
                        "ancilla state with zero mean"
                    )
                if lab not in all_sys:
                    raise ModelError(
                        f"bath {b.name!r}: coupling label {lab!r} is not a system site; label "
                        f"each coupling by the system site it acts on, one of {sys_names}"
                    )


def _subs_state(state: AncillaState, mapping: Mapping[object, object]) -> AncillaState:
    """The ancilla state with parameters substituted (and its requirements checked again)."""
    return state.subs(mapping)


def collision_model(
    system_sites: Sequence[Site],
    hamiltonian: Operator,
    baths: Sequence[Bath] | Bath,
    interaction: Operator | None = None,
    *,
    round_duration: Literal["tau", "strokes"] = "tau",
    name: str = "model",
) -> CollisionModel:
    """Declare a collision model (see :class:`CollisionModel`).

    With a :class:`~symthermo.algebra.indexed.Family` among the system sites (symbolic N)
    it returns a :class:`~symthermo.indexed_thermo.FamilyModel` instead.
    """
    from .algebra.indexed import Family

    family_baths = baths if isinstance(baths, Sequence) else (baths,)
    declared = system_sites if isinstance(system_sites, Sequence) else ()
    if any(isinstance(s, Family) for s in declared) or any(
        not isinstance(b, Bath) for b in family_baths
    ):
        from .indexed_thermo import family_collision_model

        return family_collision_model(  # type: ignore[return-value]
            system_sites, hamiltonian, baths, interaction,  # type: ignore[arg-type]
            round_duration=round_duration, name=name,
        )
    return CollisionModel(
        system_sites=system_sites,  # type: ignore[arg-type]  (checked and made a tuple there)
        hamiltonian=hamiltonian,
        baths=baths,  # type: ignore[arg-type]
        interaction=interaction if interaction is not None else Operator(),
        round_duration=round_duration,
        name=name,
    )


def bath(
    name: str,
    ancillas: Sequence[AncillaState] | AncillaState,
    hamiltonian: Operator,
    couplings: Mapping[str, Operator] | Sequence[tuple[str, Operator]],
    scheme: Scheme = "simultaneous",
    beta: object = None,
) -> Bath:
    """Declare a bath (see :class:`Bath`)."""
    return Bath(name, ancillas, hamiltonian, couplings, scheme,  # type: ignore[arg-type]
                None if beta is None else sympy.sympify(beta))

