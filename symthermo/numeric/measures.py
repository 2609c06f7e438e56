"""Thermodynamic and coherence measures of density matrices (numpy only, batched).

Conventions: hbar = k_B = 1, natural logarithms (entropies in nats). Qubit basis index 0 = |0>
(ground), 1 = |1> (excited); sigma_z = diag(-1, 1). Tensor order: first site = leftmost factor,
so the "local product basis" is the computational basis of the matrix.

Signs: Qdot_k > 0 is heat flowing from bath k INTO the system; Wdot > 0 is power delivered TO
the system (Wdot < 0: the system performs work). Entropy production rate
sigma = -sum_k beta_k Qdot_k (>= 0 at a steady state by the second law).

Validation: every function taking a density matrix checks it and raises
:class:`InvalidDensityMatrixError` naming the violated condition: square, Hermitian
(max |rho - rho^dag| <= ``atol``), unit trace (|Tr rho - 1| <= ``atol``), positive semidefinite
(smallest eigenvalue >= -``atol``); ``atol`` defaults to 1e-8 (:data:`DENSITY_ATOL`). All
functions accept stacks (..., d, d) and return arrays of the batch shape (floats for one state).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ..validate import positive_finite, real_number
from .errors import InvalidDensityMatrixError, NumericDomainError, NumericParameterError

__all__ = [
    "DENSITY_ATOL",
    "OperatingRegime",
    "check_density_matrix",
    "effective_temperature",
    "energy_basis",
    "entropy_production_rate",
    "ergotropy",
    "ergotropy_split",
    "l1_coherence",
    "operating_regime",
    "operating_regimes",
    "relative_entropy_of_coherence",
    "von_neumann_entropy",
]

#: Default absolute tolerance of the density-matrix checks.
DENSITY_ATOL = 1e-8


def _scalar(x: np.ndarray) -> np.ndarray | float:
    return float(x) if np.ndim(x) == 0 else x


def check_density_matrix(rho: ArrayLike, atol: float = DENSITY_ATOL) -> np.ndarray:
    """Return rho as a complex array after checking it is a density matrix (batched).

    Raises InvalidDensityMatrixError with ``condition`` in {"square", "hermitian",
    "unit trace", "positive semidefinite"} (checked in this order, tolerance ``atol``).
    """
    positive_finite("atol", atol, error=NumericParameterError)
    r = _finite_array(rho, "density matrix")
    if r.ndim < 2 or r.shape[-1] != r.shape[-2] or r.shape[-1] == 0:
        raise InvalidDensityMatrixError(
            f"a density matrix must be square (..., d, d); got shape {r.shape}", "square"
        )
    herm = float(np.max(np.abs(r - np.conj(np.swapaxes(r, -1, -2))), initial=0.0))
    if herm > atol:
        raise InvalidDensityMatrixError(
            f"density matrix is not Hermitian: max |rho - rho^dag| = {herm:.3g} > {atol:g}",
            "hermitian",
        )
    tr = np.trace(r, axis1=-2, axis2=-1).real
    dev = float(np.max(np.abs(tr - 1), initial=0.0))
    if dev > atol:
        raise InvalidDensityMatrixError(
            f"density matrix does not have unit trace: max |Tr rho - 1| = {dev:.3g} > {atol:g}",
            "unit trace",
        )
    lam = np.linalg.eigvalsh(r)
    low = float(np.min(lam[..., 0], initial=np.inf))
    if low < -atol:
        raise InvalidDensityMatrixError(
            f"density matrix is not positive semidefinite: smallest eigenvalue {low:.3g} "
            f"< -{atol:g}",
            "positive semidefinite",
        )
    return r


def _finite_array(a: ArrayLike, what: str) -> np.ndarray:
    """``a`` as a complex array; None, text, NaN and inf are refused naming ``what``."""
    arr = a if isinstance(a, np.ndarray) else np.asarray(a)
    if arr.dtype.kind not in "fiuc":
        raise NumericDomainError(
            f"{what} must be a numeric array, got {type(a).__name__} of dtype {arr.dtype}"
        )
    arr = np.asarray(arr, dtype=complex)
    if not np.isfinite(arr).all():
        raise NumericDomainError(f"{what} has non-finite entries (NaN or inf)")
    return arr


def _hamiltonian(H: ArrayLike, shape: tuple[int, ...] | None = None) -> np.ndarray:
    """H as a complex array, checked: finite, square (of ``shape`` if given), Hermitian."""
    Hm = _finite_array(H, "Hamiltonian H")
    if Hm.ndim < 2 or Hm.shape[-1] != Hm.shape[-2]:
        raise NumericDomainError(f"H must be square (..., d, d), got shape {Hm.shape}")
    if shape is not None and Hm.shape[-2:] != shape:
        raise NumericDomainError(f"H must have shape {shape}, got {Hm.shape}")
    scale = max(1.0, float(np.max(np.abs(Hm), initial=0.0)))
    dev = float(np.max(np.abs(Hm - np.conj(np.swapaxes(Hm, -1, -2))), initial=0.0))
    if dev > 1e-10 * scale:
        raise NumericDomainError(
            f"H is not Hermitian: max |H - H^dag| = {dev:.3g}; energies (ergotropy, energy "
            "basis) need a Hermitian Hamiltonian"
        )
    return Hm


def energy_basis(H: ArrayLike) -> np.ndarray:
    """Unitary whose columns are eigenvectors of H, energies increasing (``np.linalg.eigh``).

    Within a degenerate eigenspace the vectors are eigh's choice; basis-dependent measures
    (coherence, dephasing) then refer to that choice: pass your own basis to fix it.
    """
    _, v = np.linalg.eigh(_hamiltonian(H))
    return v


def _in_basis(r: np.ndarray, basis: ArrayLike | None) -> np.ndarray:
    if basis is None:
        return r
    U = _finite_array(basis, "basis")
    if U.shape[-2:] != r.shape[-2:]:
        raise NumericDomainError(f"basis must have shape {r.shape[-2:]}, got {U.shape}")
    eye = np.eye(U.shape[-1])
    if np.max(np.abs(np.conj(np.swapaxes(U, -1, -2)) @ U - eye)) > 1e-8:
        raise NumericDomainError("basis must be unitary (columns = orthonormal basis vectors)")
    return np.conj(np.swapaxes(U, -1, -2)) @ r @ U


def _entropy_of(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 0.0, None)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, -p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    return terms.sum(axis=-1)


def von_neumann_entropy(rho: ArrayLike, atol: float = DENSITY_ATOL) -> np.ndarray | float:
    """S(rho) = -Tr[rho ln rho] = -sum_k lambda_k ln lambda_k (nats; 0 ln 0 = 0)."""
    r = check_density_matrix(rho, atol)
    return _scalar(_entropy_of(np.linalg.eigvalsh(r)))


def l1_coherence(
    rho: ArrayLike, basis: ArrayLike | None = None, atol: float = DENSITY_ATOL
) -> np.ndarray | float:
    """l1 norm of coherence C_l1 = sum_{i != j} |rho_ij| in a basis.

    Default: the local product (computational) basis of the matrix. ``basis``: a unitary whose
    columns are the basis vectors (e.g. :func:`energy_basis` (H)); then rho_ij = <b_i|rho|b_j>.
    """
    r = _in_basis(check_density_matrix(rho, atol), basis)
    a = np.abs(r)
    return _scalar(a.sum(axis=(-2, -1)) - np.abs(np.diagonal(r, axis1=-2, axis2=-1)).sum(-1))


def relative_entropy_of_coherence(
    rho: ArrayLike, basis: ArrayLike | None = None, atol: float = DENSITY_ATOL
) -> np.ndarray | float:
    """C_rel = S(Delta(rho)) - S(rho), Delta = dephasing in the basis (default computational)."""
    r = _in_basis(check_density_matrix(rho, atol), basis)
    diag = np.diagonal(r, axis1=-2, axis2=-1).real
    return _scalar(_entropy_of(diag) - _entropy_of(np.linalg.eigvalsh(r)))


def ergotropy(rho: ArrayLike, H: ArrayLike, atol: float = DENSITY_ATOL) -> np.ndarray | float:
    """Ergotropy W = Tr[rho H] - sum_k r_k e_k (maximal work extractable by a unitary).

    r_1 >= r_2 >= ... are the eigenvalues of rho in DECREASING order, e_1 <= e_2 <= ... those
    of H in INCREASING order: sum_k r_k e_k is the energy of the passive state. Sorting rho's
    eigenvalues (never their order in some analytic formula) handles the level crossings of
    e.g. collective-ergotropy Eqs. (10)-(13); degenerate spectra are fine. W >= 0.
    """
    r = check_density_matrix(rho, atol)
    Hm = _hamiltonian(H, r.shape[-2:])
    energy = np.einsum("...ij,...ji->...", r, Hm).real
    lam = np.linalg.eigvalsh(r)[..., ::-1]  # decreasing
    e = np.linalg.eigvalsh(Hm)  # increasing
    w = energy - np.sum(lam * e, axis=-1)
    return _scalar(np.maximum(w, 0.0))


def ergotropy_split(
    rho: ArrayLike, H: ArrayLike, basis: ArrayLike | None = None, atol: float = DENSITY_ATOL
) -> tuple[np.ndarray | float, np.ndarray | float]:
    """(incoherent, coherent) ergotropy, W = W_i + W_c (Francica et al., PRL 125, 180603 (2020)).

    W_i = ergotropy of the dephased state Delta(rho) = sum_k |b_k><b_k| rho |b_k><b_k| in the
    energy eigenbasis {b_k} (:func:`energy_basis`, or ``basis``); W_c = W - W_i. For a
    degenerate H the split depends on the eigenbasis used: rho is dephased completely in that
    basis (rank-one projectors), not only between eigenspaces.
    """
    r = check_density_matrix(rho, atol)
    Hm = _hamiltonian(H, r.shape[-2:])
    U = energy_basis(Hm) if basis is None else np.asarray(basis, dtype=complex)
    rb = _in_basis(r, U)
    pd = np.diagonal(rb, axis1=-2, axis2=-1).real
    dephased = (U * pd[..., None, :]) @ np.conj(np.swapaxes(U, -1, -2))
    total = np.asarray(ergotropy(r, Hm, atol))
    incoherent = np.asarray(ergotropy(dephased, Hm, atol))
    return _scalar(incoherent), _scalar(np.maximum(total - incoherent, 0.0))


def effective_temperature(
    rho_qubit: ArrayLike, omega: ArrayLike, atol: float = DENSITY_ATOL
) -> np.ndarray | float:
    """Effective temperature of a qubit with H = (omega/2) sigma_z: T_eff = omega / ln(p0/p1).

    p0 = <0|rho|0> (ground), p1 = <1|rho|1> (excited), so p1/p0 = exp(-omega/T_eff).
    Returns +0.0 for p1 = 0 (ground state), -0.0 for p0 = 0 (fully inverted: T -> 0^-),
    np.inf at p0 = p1 (infinite temperature, no population bias) and a negative T_eff for
    population inversion (p1 > p0). Coherences are ignored (populations only).
    """
    r = check_density_matrix(rho_qubit, atol)
    if r.shape[-2:] != (2, 2):
        raise NumericDomainError(f"effective_temperature needs a qubit (2x2), got {r.shape}")
    w = _finite_array(omega, "omega")
    if np.any(w.imag != 0):
        raise NumericDomainError("omega must be real")
    w = w.real
    p0 = np.clip(r[..., 0, 0].real, 0.0, None)
    p1 = np.clip(r[..., 1, 1].real, 0.0, None)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_ratio = np.log(p0) - np.log(p1)
        T = np.where(log_ratio == 0, np.inf, w / log_ratio)
    T = np.where(np.isclose(p0, p1, rtol=0, atol=1e-15), np.inf, T)
    return _scalar(T)


def entropy_production_rate(heat_currents: ArrayLike, betas: ArrayLike) -> np.ndarray | float:
    """sigma = -sum_k beta_k Qdot_k (Qdot_k > 0: heat INTO the system from bath k).

    ``heat_currents`` (..., K) and ``betas`` (..., K) broadcast; the sum runs over the last axis.
    Steady-state entropy production of the baths (the system's entropy is constant there).
    """
    q = _real_array(heat_currents, "heat_currents")
    b = _real_array(betas, "betas")
    if np.any(b <= 0):
        raise NumericDomainError("betas (inverse temperatures) must be positive and finite")
    return _scalar(-np.sum(q * b, axis=-1))


@dataclass(frozen=True)
class OperatingRegime:
    """Operating regime of a two-bath machine and its figure of merit.

    name: "engine" (Wdot < 0, Qh > 0, Qc < 0), "refrigerator" (Wdot > 0, Qc > 0, Qh < 0),
    "accelerator" (Wdot > 0, Qh > 0, Qc < 0), "heater" (Wdot > 0, Qh < 0, Qc < 0), or "none"
    (any other sign pattern, including zero currents within ``tol``).
    efficiency: eta = -Wdot / Qh for an engine, else None.
    coefficient_of_performance: COP = Qc / Wdot for a refrigerator, else None.
    """

    name: str
    efficiency: float | None = None
    coefficient_of_performance: float | None = None


def _real_array(a: ArrayLike, what: str) -> np.ndarray:
    arr = _finite_array(a, what)
    if np.any(arr.imag != 0):
        raise NumericDomainError(f"{what} must be real, got complex values")
    return arr.real


def _tolerance(tol: float) -> float:
    x = real_number("tol", tol, what="option", error=NumericParameterError)
    if x < 0:
        raise NumericDomainError(f"tol = {x!r} must be non-negative and finite")
    return x


def _regime_codes(W: np.ndarray, Qh: np.ndarray, Qc: np.ndarray, tol: float) -> np.ndarray:
    pos = {k: v > tol for k, v in (("W", W), ("h", Qh), ("c", Qc))}
    neg = {k: v < -tol for k, v in (("W", W), ("h", Qh), ("c", Qc))}
    code = np.zeros(np.broadcast_shapes(W.shape, Qh.shape, Qc.shape), dtype=int)
    code = np.where(neg["W"] & pos["h"] & neg["c"], 1, code)
    code = np.where(pos["W"] & pos["c"] & neg["h"], 2, code)
    code = np.where(pos["W"] & pos["h"] & neg["c"], 3, code)
    code = np.where(pos["W"] & neg["h"] & neg["c"], 4, code)
    return code


_REGIME_NAMES = np.array(["none", "engine", "refrigerator", "accelerator", "heater"])


def operating_regime(
    work: float, heat_hot: float, heat_cold: float, tol: float = 1e-12
) -> OperatingRegime:
    """Classify a two-bath machine from Wdot, Qdot_h, Qdot_c (coupled-ensembles Sec. IV).

    Signs: Qdot > 0 is heat INTO the system from the bath; Wdot > 0 is power delivered TO the
    system. Values with |x| <= ``tol`` count as zero (-> "none"). See :class:`OperatingRegime`.
    """
    tol = _tolerance(tol)
    work, heat_hot, heat_cold = (
        real_number(n, v, what="current", error=NumericParameterError)
        for n, v in (("work", work), ("heat_hot", heat_hot), ("heat_cold", heat_cold))
    )
    code = int(_regime_codes(np.asarray(work), np.asarray(heat_hot), np.asarray(heat_cold), tol))
    name = str(_REGIME_NAMES[code])
    if name == "engine":
        return OperatingRegime(name, efficiency=float(-work / heat_hot))
    if name == "refrigerator":
        return OperatingRegime(name, coefficient_of_performance=float(heat_cold / work))
    return OperatingRegime(name)


def operating_regimes(
    work: ArrayLike, heat_hot: ArrayLike, heat_cold: ArrayLike, tol: float = 1e-12
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vectorised :func:`operating_regime`: (names, efficiency, COP) arrays (NaN if N/A)."""
    tol = _tolerance(tol)
    W = _real_array(work, "work")
    Qh = _real_array(heat_hot, "heat_hot")
    Qc = _real_array(heat_cold, "heat_cold")
    code = _regime_codes(W, Qh, Qc, tol)
    with np.errstate(divide="ignore", invalid="ignore"):
        eta = np.where(code == 1, -W / Qh, np.nan)
        cop = np.where(code == 2, Qc / W, np.nan)
    return _REGIME_NAMES[code], eta, cop
