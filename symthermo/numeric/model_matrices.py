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
from ..model import Bath, CollisionModel
from ..thermo import pair_terms
from .matrices import Cutoff, operator_matrix


def _kron_all(mats: list[np.ndarray]) -> np.ndarray:
    out = np.ones((1, 1), dtype=complex)
    for m in mats:
        out = np.kron(out, m)
    return out


def ancilla_density_matrix(b: Bath, params: Mapping | None, cutoff: Cutoff | None) -> np.ndarray:
    """rho_R of a bath: the product of its ancillas' diagonal states (in declared order).

    A thermal oscillator truncated at ``cutoff`` levels is renormalised to unit trace (the
    truncation error is the population beyond the cutoff: choose the cutoff so it is small).
    """
    from ..states import ThermalOscillator
    from .matrices import _levels, _numeric

    mats = []
    for st in b.ancillas:
        levels = _levels(st.site, cutoff)
        if isinstance(st, ThermalOscillator):
            nbar = _numeric(st.mean_number, params, "mean occupation").real
            pops = (nbar / (1 + nbar)) ** np.arange(levels)
        else:
            pops = np.array(
                [_numeric(p, params, "population").real for p in st.populations(levels)]
            )
        mats.append(np.diag(pops / pops.sum()))
    return _kron_all(mats).astype(complex)


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
    """Fock levels per thermal oscillator ancilla so that the population left beyond the
    cutoff is below ``tol``: (nbar / (1 + nbar))^L < tol (plus two levels of margin)."""
    from ..states import ThermalOscillator
    from ..validate import positive_finite
    from .matrices import _numeric

    positive_finite("tol", tol)
    out = {}
    for b in model.baths:
        for st in b.ancillas:
            if isinstance(st, ThermalOscillator):
                nbar = _numeric(st.mean_number, params, "mean occupation").real
                ratio = nbar / (1 + nbar)
                levels = 2 if ratio <= 0 else int(np.ceil(np.log(tol) / np.log(ratio))) + 2
                out[st.site.name] = max(4, min(at_most, levels))
    return out


def random_density_matrix(
    dim: int, rng: np.random.Generator, rank: int | None = None
) -> np.ndarray:
    """A random full-rank (or given rank) density matrix: G G^dag / Tr, G complex Gaussian."""
    g = rng.normal(size=(dim, rank or dim)) + 1j * rng.normal(size=(dim, rank or dim))
    rho = g @ g.conj().T
    return rho / np.trace(rho).real
