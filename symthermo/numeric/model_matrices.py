"""The matrix route for collision models: the same physics with plain numpy matrices.

Everything here is computed from the operators' matrices (no partial trace algebra): for a
bath k with ancilla state rho_R and pair terms (outer i, inner j, weight w) of its collision
scheme (:func:`symthermo.thermo.pair_terms`),

    Qdot_k = scale * sum w Tr[(rho_S (x) rho_R) [V_i, [V_j, H_R]]],
    Wdot_k = -scale * sum w Tr[(rho_S (x) rho_R) [V_i, [V_j, H_S + H_R]]],

with ``scale`` the time normalisation of the model.  Tensor order: system sites in declared
order, then the bath's ancilla sites (first = leftmost Kronecker factor).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..algebra.sites import Site
from ..errors import SymthermoError
from ..model import Bath, CollisionModel
from ..states import (
    AncillaState,
    DensityMatrixState,
    DiagonalState,
    ProductState,
    SqueezedThermalOscillator,
    ThermalOscillator,
    ThermalQubit,
)
from ..thermo import pair_terms
from .matrices import Cutoff, _levels, _numeric, operator_matrix


def _kron_all(mats: list[np.ndarray]) -> np.ndarray:
    out = np.ones((1, 1), dtype=complex)
    for m in mats:
        out = np.kron(out, m)
    return out


def ancilla_density_matrix(b: Bath, params: Mapping | None, cutoff: Cutoff | None) -> np.ndarray:
    """rho_R of a bath: the product of its ancillas' states (in declared order), each built by
    :func:`ancilla_state_matrix` from its definition (never from the derived moments)."""
    return _kron_all([ancilla_state_matrix(st, params, cutoff) for st in b.ancillas])


def ancilla_state_matrix(
    state: AncillaState, params: Mapping | None = None, cutoff: Cutoff | None = None
) -> np.ndarray:
    """Numeric density matrix of an ancilla state on its sites (tensor order of ``state.sites``,
    oscillators on ``cutoff`` Fock levels).

    Parameter values are substituted with :meth:`AncillaState.subs`, which checks the state's
    physical requirements again (StateError naming the parameter otherwise).  Built from the
    definitions: thermal and diagonal states from their populations; the squeezed thermal state
    as S(xi) rho_th S(xi)^dag with S = expm[(xi^* a^2 - xi a^dag^2)/2] on a larger Fock space,
    then cut to the cutoff; a density matrix as given (zero-padded to the cutoff).  States of
    oscillators truncated at the cutoff are renormalised to unit trace (the error is the
    population beyond the cutoff: :func:`converged_cutoff` chooses it below 1e-14).
    """
    if params:
        state.subs(params)  # checks the requirements at these values (StateError if violated)
    return _state_matrix(state, params, cutoff)


def _state_matrix(st: AncillaState, params: Mapping | None, cutoff: Cutoff | None) -> np.ndarray:
    if isinstance(st, ProductState):
        return _kron_all([_state_matrix(s, params, cutoff) for s in st.states])
    if isinstance(st, DensityMatrixState):
        return _padded_density_matrix(st, params, cutoff)
    levels = _levels(st.sites[0], cutoff)
    if isinstance(st, SqueezedThermalOscillator):
        rho = _squeezed_thermal(st, params, levels + SQUEEZE_MARGIN)[:levels, :levels]
        return (rho / np.trace(rho).real).astype(complex)
    if isinstance(st, ThermalOscillator):
        nbar = _numeric(st.mean_number, params, "mean occupation").real
        pops = (nbar / (1 + nbar)) ** np.arange(levels)
    elif isinstance(st, (ThermalQubit, DiagonalState)):
        pops = np.array(
            [_numeric(p, params, "population").real for p in st.populations(levels)]
        )
    else:
        raise SymthermoError(
            f"the matrix route has no construction for {type(st).__name__}: give the state "
            "as a DensityMatrixState (or a product of the known states)"
        )
    return np.diag(pops / pops.sum()).astype(complex)


#: extra Fock levels on which a squeezed state is built before it is cut to the cutoff
SQUEEZE_MARGIN = 60


def squeezing_parameters(
    state: SqueezedThermalOscillator, params: Mapping | None = None
) -> tuple[float, float, float]:
    """(nbar, r, phi) of a numeric squeezed thermal state, also when it was given by N, M:
    nbar = sqrt((N + 1/2)^2 - |M|^2) - 1/2, sinh(2r) = |M|/(nbar + 1/2), e^{i phi} = -M/|M|."""
    if state.N is None:
        nbar = _numeric(state.thermal_number, params, "nbar").real
        r = _numeric(state.r, params, "r").real  # type: ignore[arg-type]
        return nbar, r, _numeric(state.phi, params, "phi").real  # type: ignore[arg-type]
    n = _numeric(state.N, params, "N").real  # type: ignore[arg-type]
    m = _numeric(state.M, params, "M")  # type: ignore[arg-type]
    nbar = float(np.sqrt(max((n + 0.5) ** 2 - abs(m) ** 2, 0.25))) - 0.5
    r = 0.5 * float(np.arcsinh(abs(m) / (nbar + 0.5)))
    phi = float(np.angle(-m)) if abs(m) > 0 else 0.0
    return nbar, r, phi


def _squeezed_thermal(
    state: SqueezedThermalOscillator, params: Mapping | None, levels: int
) -> np.ndarray:
    from scipy.linalg import expm

    nbar, r, phi = squeezing_parameters(state, params)
    a = np.diag(np.sqrt(np.arange(1, levels, dtype=float)), 1).astype(complex)
    xi = r * np.exp(1j * phi)
    s = expm((np.conj(xi) * a @ a - xi * a.conj().T @ a.conj().T) / 2)
    pops = (nbar / (1 + nbar)) ** np.arange(levels) / (1 + nbar) if nbar > 0 else np.eye(levels)[0]
    return s @ np.diag(pops).astype(complex) @ s.conj().T


def _padded_density_matrix(
    st: DensityMatrixState, params: Mapping | None, cutoff: Cutoff | None
) -> np.ndarray:
    dims = st.dimensions
    rho = np.array([[_numeric(x, params, "density matrix entry") for x in row]
                    for row in st.rho.tolist()], dtype=complex)  # type: ignore[union-attr]
    new = [d if s.kind == "qubit" else _levels(s, cutoff) for s, d in zip(st.sites, dims,
                                                                            strict=True)]
    if list(dims) == new:
        return rho
    for s, d, n in zip(st.sites, dims, new, strict=True):
        if n < d:
            raise SymthermoError(
                f"the cutoff {n} of oscillator {s.name!r} is below the {d} Fock levels of its "
                "density matrix: raise the cutoff"
            )
    out = np.zeros(tuple(new) * 2, dtype=complex)
    out[tuple(slice(0, d) for d in dims) * 2] = rho.reshape(tuple(dims) * 2)
    size = int(np.prod(new))
    return out.reshape(size, size)


def system_hamiltonian_matrix(
    model: CollisionModel, params: Mapping | None = None, cutoff: Cutoff | None = None
) -> np.ndarray:
    return operator_matrix(model.system_hamiltonian, model.system_sites, cutoff, params)


def _bath_sites(model: CollisionModel, b: Bath) -> tuple[Site, ...]:
    return model.system_sites + b.ancilla_sites


def _pair_sum(
    model: CollisionModel,
    b: Bath,
    x: np.ndarray,
    part: str,
    rho_s: np.ndarray,
    params: Mapping | None,
    cutoff: Cutoff | None,
) -> complex:
    sites = _bath_sites(model, b)
    v = {lab: operator_matrix(op, sites, cutoff, params) for lab, op in b.couplings}
    rho = np.kron(rho_s, ancilla_density_matrix(b, params, cutoff))
    total = 0j
    for t in pair_terms(b):
        if (part == "local" and not t.is_local) or (part == "nonlocal" and t.is_local):
            continue
        vo, vi = v[t.outer], v[t.inner]
        inner = vi @ x - x @ vi
        dc = vo @ inner - inner @ vo
        total += float(t.weight) * np.trace(rho @ dc)
    return total * float(model.time_scale(b))


def heat_current_matrix(
    model: CollisionModel,
    bath_name: str,
    part: str,
    rho_s: np.ndarray,
    params: Mapping | None = None,
    cutoff: Cutoff | None = None,
) -> float:
    """Qdot_k at rho_S from matrices (see module docstring)."""
    b = model.bath(bath_name)
    sites = _bath_sites(model, b)
    h_r = operator_matrix(b.hamiltonian, sites, cutoff, params)
    return _pair_sum(model, b, h_r, part, rho_s, params, cutoff).real


def work_current_matrix(
    model: CollisionModel,
    bath_name: str | None,
    part: str,
    rho_s: np.ndarray,
    params: Mapping | None = None,
    cutoff: Cutoff | None = None,
) -> float:
    """Wdot (all baths or one bath's share) at rho_S from matrices."""
    total = 0.0
    for b in model.baths if bath_name is None else (model.bath(bath_name),):
        sites = _bath_sites(model, b)
        h = operator_matrix(model.system_hamiltonian + b.hamiltonian, sites, cutoff, params)
        total -= _pair_sum(model, b, h, part, rho_s, params, cutoff).real
    return total


def converged_cutoff(
    model: CollisionModel, params: Mapping | None, tol: float = 1e-14, at_most: int = 120
) -> dict[str, int]:
    """Fock levels per oscillator ancilla so that the population left beyond the cutoff is
    below ``tol``: thermal (nbar / (1 + nbar))^L < tol (plus two levels of margin); squeezed
    thermal from its populations on a large Fock space; a density matrix: its own size."""
    from ..validate import positive_finite

    positive_finite("tol", tol)
    out: dict[str, int] = {}
    for b in model.baths:
        for st in b.ancillas:
            if params:
                st.subs(params)  # checks the requirements at these values
            out.update(_state_cutoff(st, params, tol, at_most))
    return out


def _state_cutoff(
    st: AncillaState, params: Mapping | None, tol: float, at_most: int
) -> dict[str, int]:
    if isinstance(st, ProductState):
        out: dict[str, int] = {}
        for s in st.states:
            out.update(_state_cutoff(s, params, tol, at_most))
        return out
    if isinstance(st, DensityMatrixState):
        return {s.name: d for s, d in zip(st.sites, st.dimensions, strict=True)
                if s.kind == "boson"}
    site = st.sites[0]
    if isinstance(st, ThermalOscillator):
        nbar = _numeric(st.mean_number, params, "mean occupation").real
        ratio = nbar / (1 + nbar)
        levels = 2 if ratio <= 0 else int(np.ceil(np.log(tol) / np.log(ratio))) + 2
        return {site.name: max(4, min(at_most, levels))}
    if isinstance(st, SqueezedThermalOscillator):
        pops = np.diag(_squeezed_thermal(st, params, at_most + SQUEEZE_MARGIN)).real
        tail = np.cumsum(pops[::-1])[::-1]  # tail[L] = population at levels >= L
        above = np.nonzero(tail < tol)[0]
        levels = int(above[0]) + 2 if above.size else at_most
        return {site.name: max(4, min(at_most, levels))}
    if isinstance(st, DiagonalState) and site.kind == "boson":
        return {site.name: len(st.probabilities)}
    return {}


def random_density_matrix(
    dim: int, rng: np.random.Generator, rank: int | None = None
) -> np.ndarray:
    """A random full-rank (or given rank) density matrix: G G^dag / Tr, G complex Gaussian."""
    g = rng.normal(size=(dim, rank or dim)) + 1j * rng.normal(size=(dim, rank or dim))
    rho = g @ g.conj().T
    return rho / np.trace(rho).real


def bath_dissipator_matrix(
    model: CollisionModel,
    bath_name: str,
    part: str,
    rho_s: np.ndarray,
    params: Mapping | None = None,
    cutoff: Cutoff | None = None,
    sites: tuple[Site, ...] | None = None,
) -> np.ndarray:
    """D_k(rho_S) of one bath from matrices (Schroedinger picture, as a matrix)::

        D_k(rho_S) = -scale * sum w Tr_R[V_inner, [V_outer, rho_S (x) rho_R]]

    over the pair terms (outer, inner, w) of the bath's scheme (:func:`symthermo.thermo.
    pair_terms`; ``part``: ``local`` (outer = inner), ``nonlocal`` (the cross terms: for a
    cascaded bath their antisymmetric part is the cascaded Hamiltonian) or ``total``).  It is
    the adjoint of the Heisenberg-picture sum of :func:`heat_current_matrix`:
    Tr[X D_k(rho)] = -scale sum w Tr[(rho (x) rho_R) [V_outer, [V_inner, X]]].

    ``sites``: the system sites rho_S lives on (default: all of the model's, in declared
    order); a subset is allowed when the bath's couplings act on it only (e.g. the two qubits
    of one ensemble); tensor order ``sites`` then the bath's ancillas.
    """
    from ..validate import choice

    choice("part", part, ("local", "nonlocal", "total"))
    b = model.bath(bath_name)
    system = tuple(model.system_sites if sites is None else sites)
    full = system + b.ancilla_sites
    d_s = int(rho_s.shape[0])
    v = {lab: operator_matrix(op, full, cutoff, params) for lab, op in b.couplings}
    rho_r = ancilla_density_matrix(b, params, cutoff)
    d_r = rho_r.shape[0]
    if d_s * d_r != next(iter(v.values())).shape[0]:
        raise SymthermoError(
            f"rho_S has dimension {d_s}, the sites {[s.name for s in system]} need "
            f"{next(iter(v.values())).shape[0] // d_r}: give rho_S on those sites"
        )
    rho = np.kron(rho_s, rho_r)
    acc = np.zeros_like(rho)
    for t in pair_terms(b):
        if (part == "local" and not t.is_local) or (part == "nonlocal" and t.is_local):
            continue
        vo, vi = v[t.outer], v[t.inner]
        x = vo @ rho - rho @ vo
        acc -= float(t.weight) * (vi @ x - x @ vi)
    out = np.trace(acc.reshape(d_s, d_r, d_s, d_r), axis1=1, axis2=3)
    return out * float(model.time_scale(b))
