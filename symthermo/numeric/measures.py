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
    "EntropyBalance",
    "OperatingRegime",
    "check_density_matrix",
    "concurrence",
    "effective_temperature",
    "energy_basis",
    "entropy_balance",
    "entropy_flux",
    "entropy_production_rate",
    "entropy_rate",
    "ergotropy",
    "ergotropy_split",
    "l1_coherence",
    "operating_regime",
    "operating_regimes",
    "quantum_discord",
    "quantum_discord_x_state",
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


# --------------------------------------------------------------------------------------------
# two-qubit correlations
# --------------------------------------------------------------------------------------------

_SY = np.array([[0, 1j], [-1j, 0]])  # sigma_y in the engine's basis (index 0 = |0>)
_SYSY = np.kron(_SY, _SY)


def _two_qubit(rho: ArrayLike, atol: float, what: str) -> np.ndarray:
    r = check_density_matrix(rho, atol)
    if r.shape[-2:] != (4, 4):
        raise NumericDomainError(f"{what} needs a two-qubit state (4x4), got shape {r.shape}")
    return r


def concurrence(rho: ArrayLike, atol: float = DENSITY_ATOL) -> np.ndarray | float:
    """Wootters concurrence of a two-qubit state, C = max(0, l_1 - l_2 - l_3 - l_4).

    l_1 >= ... >= l_4 are the square roots of the eigenvalues of rho rho~ (real, >= 0), with
    the spin flip rho~ = (sigma_y (x) sigma_y) rho^* (sigma_y (x) sigma_y) (complex conjugate in
    the computational basis). Equivalently the l_k are the singular values of
    sqrt(rho) sqrt(rho~), which is what is computed (stable for rank-deficient rho).
    C = 0 for separable states, 1 for the Bell states (W. K. Wootters, PRL 80, 2245 (1998)).
    Basis-independent under local unitaries; the sign convention of sigma_y does not matter.
    """
    r = _two_qubit(rho, atol, "concurrence")
    lam, vec = np.linalg.eigh(r)
    sqrt_r = (vec * np.sqrt(np.clip(lam, 0.0, None))[..., None, :]) @ np.conj(
        np.swapaxes(vec, -1, -2))
    flip = _SYSY @ np.conj(r) @ _SYSY
    lam_f, vec_f = np.linalg.eigh((flip + np.conj(np.swapaxes(flip, -1, -2))) / 2)
    sqrt_f = (vec_f * np.sqrt(np.clip(lam_f, 0.0, None))[..., None, :]) @ np.conj(
        np.swapaxes(vec_f, -1, -2))
    s = np.linalg.svd(sqrt_r @ sqrt_f, compute_uv=False)  # decreasing
    c = s[..., 0] - s[..., 1] - s[..., 2] - s[..., 3]
    return _scalar(np.maximum(c, 0.0))


def _binary_entropy_of_bloch(length: np.ndarray) -> np.ndarray:
    """S of a qubit with Bloch vector length |r| (nats): h((1 + |r|)/2)."""
    p = np.clip((1.0 + np.clip(length, 0.0, 1.0)) / 2.0, 0.0, 1.0)
    return _entropy_of(np.stack([p, 1.0 - p], axis=-1))


def _pauli_coordinates(r: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """a_i = <sigma_i (x) 1>, b_j = <1 (x) sigma_j>, T_ij = <sigma_i (x) sigma_j> in rho."""
    paulis = np.array([[[0, 1], [1, 0]], [[0, 1j], [-1j, 0]], [[-1, 0], [0, 1]]], dtype=complex)
    eye = np.eye(2)
    a = np.stack([np.einsum("...ij,ji->...", r, np.kron(p, eye)).real for p in paulis], -1)
    b = np.stack([np.einsum("...ij,ji->...", r, np.kron(eye, p)).real for p in paulis], -1)
    T = np.stack([np.stack([np.einsum("...ij,ji->...", r, np.kron(p, q)).real
                            for q in paulis], -1) for p in paulis], -2)
    return a, b, T


def _conditional_entropy(a: np.ndarray, b: np.ndarray, T: np.ndarray,
                         n: np.ndarray) -> np.ndarray:
    """sum_+- p_+- S(rho_a|+-) after measuring 1 (x) (1 +- n.sigma)/2 (n: (..., m, 3) unit).

    Post-measurement Bloch vectors r_+- = (a +- T n)/(1 +- b.n), p_+- = (1 +- b.n)/2.
    """
    bn = np.einsum("...j,...mj->...m", b, n)
    Tn = np.einsum("...ij,...mj->...mi", T, n)
    out = np.zeros(bn.shape)
    for sign in (1.0, -1.0):
        p = (1.0 + sign * bn) / 2.0
        vec = a[..., None, :] + sign * Tn
        length = np.linalg.norm(vec, axis=-1)
        with np.errstate(divide="ignore", invalid="ignore"):
            rlen = np.where(p > 1e-15, length / np.where(p > 1e-15, 2 * p, 1.0), 0.0)
        out = out + np.where(p > 1e-15, p * _binary_entropy_of_bloch(rlen), 0.0)
    return out


def _directions(theta: np.ndarray, phi: np.ndarray) -> np.ndarray:
    return np.stack([np.sin(theta) * np.cos(phi), np.sin(theta) * np.sin(phi),
                     np.cos(theta)], axis=-1)


def quantum_discord(
    rho: ArrayLike, measured: int = 1, atol: float = DENSITY_ATOL, grid: int = 24,
    tol: float = 1e-10,
) -> np.ndarray | float:
    """Quantum discord of a two-qubit state, measurement on one qubit (nats).

    D(rho_ab) = I(rho_ab) - J(rho_ab) = S(rho_m) - S(rho_ab) + min_n sum_+- p_+- S(rho_u|+-),

    the measured qubit m (``measured`` = 1: the second, b, the collective-ergotropy paper's
    D^<-; 0: the first) and the unmeasured u; I = S(rho_a) + S(rho_b) - S(rho_ab);
    J = S(rho_u) - min sum p_k S(rho_u|k) (Ollivier-Zurek; Henderson-Vedral). The minimum runs
    over projective measurements {(1 +- n.sigma)/2} on m, i.e. over Bloch directions n (for two
    qubits projective measurements suffice up to < 1e-2 bits in rare cases and are the
    definition used by the papers). Optimisation: a (theta, phi) grid of ``grid`` x 2 ``grid``
    directions, then a vectorised pattern search around the best point of each state until
    the step is below ``tol`` radians. Entropies in nats (divide by ln 2 for bits).
    """
    r = _two_qubit(rho, atol, "quantum_discord")
    if measured not in (0, 1):
        raise NumericDomainError(f"measured must be 0 (first qubit) or 1 (second), got {measured}")
    if measured == 0:  # swap the qubits: |ij> -> |ji>
        perm = [0, 2, 1, 3]
        r = r[..., perm, :][..., :, perm]
    batch = r.shape[:-2]
    r = r.reshape(-1, 4, 4)
    a, b, T = _pauli_coordinates(r)
    th, ph = np.meshgrid((np.arange(grid) + 0.5) * np.pi / grid,
                         np.arange(2 * grid) * np.pi / grid, indexing="ij")
    th, ph = th.ravel(), ph.ravel()
    vals = _conditional_entropy(a, b, T, np.broadcast_to(_directions(th, ph),
                                                         (len(r), th.size, 3)))
    best = np.argmin(vals, axis=-1)
    theta, phi = th[best], ph[best]
    fbest = vals[np.arange(len(r)), best]
    step = np.full(len(r), np.pi / grid)
    offsets = np.array([(i, j) for i in (-1, 0, 1) for j in (-1, 0, 1) if (i, j) != (0, 0)])
    while np.any(step > tol):
        cand_t = theta[:, None] + step[:, None] * offsets[None, :, 0]
        cand_p = phi[:, None] + step[:, None] * offsets[None, :, 1]
        f = _conditional_entropy(a, b, T, _directions(cand_t, cand_p))
        k = np.argmin(f, axis=-1)
        fk = f[np.arange(len(r)), k]
        better = fk < fbest
        theta = np.where(better, cand_t[np.arange(len(r)), k], theta)
        phi = np.where(better, cand_p[np.arange(len(r)), k], phi)
        fbest = np.where(better, fk, fbest)
        step = np.where(better, step, step / 2)
    s_ab = _entropy_of(np.linalg.eigvalsh(r))
    s_m = _binary_entropy_of_bloch(np.linalg.norm(b, axis=-1))
    d = np.maximum(s_m - s_ab + fbest, 0.0)
    return _scalar(d.reshape(batch))


def quantum_discord_x_state(rho: ArrayLike, atol: float = DENSITY_ATOL) -> np.ndarray | float:
    """Closed form of the discord of an X state (measurement on the second qubit, nats).

    An X state has non-zero entries only on the diagonal and anti-diagonal of the 4x4 matrix
    (computational basis). Then the conditional entropy depends on n only through its polar
    angle and is extremal at sigma_z (n = z) or sigma_x-type (n in the xy-plane, rotated to the
    phase of the coherences) measurements (Ali, Rau, Alber, PRA 81, 042105 (2010); Chen et al.,
    PRA 84, 042313 (2011)): D = S(rho_b) - S(rho_ab) + min(S_z, S_x) with

        S_z = sum_{k=0,1} p_k H(|rho_0k,0k - rho_1k,1k| / p_k),  p_k = rho_0k,0k + rho_1k,1k,
        S_x = H(sqrt(a_z^2 + 4 (|rho_03| + |rho_12|)^2)),  a_z = <sigma_z (x) 1>,

    with H(r) = h((1 + r)/2) the entropy of a qubit of Bloch length r and indices |ab>.

    This min over two candidates is exact for most X states and an upper bound in general
    (Huang, PRA 88, 014302 (2013) gives the rare X states where an intermediate angle wins by
    < 1e-3 bits). Raises NumericDomainError if rho is not an X state (within ``atol``).
    """
    r = _two_qubit(rho, atol, "quantum_discord_x_state")
    mask = np.array([[0, 1, 1, 0], [1, 0, 0, 1], [1, 0, 0, 1], [0, 1, 1, 0]], dtype=bool)
    off = float(np.max(np.abs(r[..., mask]), initial=0.0))
    if off > atol:
        raise NumericDomainError(
            f"not an X state: an entry off the diagonal and anti-diagonal has |.| = {off:.3g}; "
            "use quantum_discord for general states")
    p = np.diagonal(r, axis1=-2, axis2=-1).real  # rho_00, rho_11, rho_22, rho_33 (|ab>)
    z1, z2 = np.abs(r[..., 0, 3]), np.abs(r[..., 1, 2])
    # measuring sigma_z on b: outcome b=0 -> a-populations (p0, p2), outcome b=1 -> (p1, p3)
    s_z = np.zeros(p.shape[:-1])
    for i, j in ((0, 2), (1, 3)):
        pk = p[..., i] + p[..., j]
        with np.errstate(divide="ignore", invalid="ignore"):
            length = np.where(pk > 1e-15, np.abs(p[..., i] - p[..., j]) / np.where(
                pk > 1e-15, pk, 1.0), 0.0)
        s_z = s_z + np.where(pk > 1e-15, pk * _binary_entropy_of_bloch(length), 0.0)
    # measuring in the xy-plane of b: both outcomes have p = 1/2 and the same Bloch length
    az = p[..., 0] + p[..., 1] - p[..., 2] - p[..., 3]
    s_x = _binary_entropy_of_bloch(np.sqrt(az**2 + 4 * (z1 + z2) ** 2))
    bz = p[..., 0] - p[..., 1] + p[..., 2] - p[..., 3]
    s_ab = _entropy_of(np.linalg.eigvalsh(r))
    d = _binary_entropy_of_bloch(np.abs(bz)) - s_ab + np.minimum(s_z, s_x)
    return _scalar(np.maximum(d, 0.0))


# --------------------------------------------------------------------------------------------
# entropy along a trajectory
# --------------------------------------------------------------------------------------------


def entropy_flux(heat_currents: ArrayLike, betas: ArrayLike) -> np.ndarray | float:
    """Entropy flux INTO the system carried by heat, Phi = sum_k beta_k Qdot_k (per time).

    Qdot_k > 0 is heat flowing from bath k INTO the system; ``heat_currents`` (..., K) and
    ``betas`` (..., K) broadcast, the sum runs over the last axis. At a steady state
    sigma = -Phi (:func:`entropy_production_rate`); along a trajectory sigma = dS/dt - Phi.
    """
    q = np.asarray(heat_currents, dtype=float)
    b = np.asarray(betas, dtype=float)
    return _scalar(np.sum(q * b, axis=-1))


def entropy_rate(rho: ArrayLike, drho_dt: ArrayLike, atol: float = DENSITY_ATOL
                 ) -> np.ndarray | float:
    """dS/dt = -Tr[(d rho/dt) ln rho] of the von Neumann entropy (nats per time, batched).

    (The term -Tr[d rho/dt] vanishes for trace-preserving dynamics.) In the eigenbasis
    rho = sum_k l_k |k><k|: dS/dt = -sum_k <k|d rho/dt|k> ln l_k. Where an eigenvalue is zero
    and the population flowing into it is positive the rate is +inf (e.g. a pure initial state
    under dissipation, S ~ -t ln t); zero eigenvalues with no inflow contribute 0.
    """
    r = check_density_matrix(rho, atol)
    dr = np.asarray(drho_dt, dtype=complex)
    if dr.shape[-2:] != r.shape[-2:]:
        raise NumericDomainError(f"drho_dt must have shape {r.shape[-2:]}, got {dr.shape}")
    lam, vec = np.linalg.eigh(r)
    flow = np.einsum("...ki,...kl,...li->...i", np.conj(vec), dr, vec).real
    zero = lam <= 1e-14
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(zero, 0.0, -flow * np.log(np.where(zero, 1.0, lam)))
    inflow = np.any(zero & (flow > 1e-14), axis=-1)
    return _scalar(np.where(inflow, np.inf, terms.sum(axis=-1)))


@dataclass(frozen=True)
class EntropyBalance:
    """Entropy bookkeeping of the system along a trajectory sampled at t_0 < t_1 < ... < t_n.

    entropy[i] = S(rho(t_i)) (nats); flux[i] = Phi(t_i) = sum_k beta_k Q_k(t_i), the entropy
    that entered the system with the heat Q_k(t_i) = int_0^t_i Qdot_k (Q > 0: into the
    system); production[i] = Sigma(t_i) = S(t_i) - S(t_0) - Phi(t_i) (>= 0 for thermal baths
    when the system starts uncorrelated, Esposito-Lindenberg-Van den Broeck);
    flux_rate[i], production_rate[i]: the average rates over [t_i, t_{i+1}] (length n),
    (Phi(t_{i+1}) - Phi(t_i)) / (t_{i+1} - t_i) and likewise for Sigma.
    """

    times: np.ndarray
    entropy: np.ndarray
    flux: np.ndarray
    production: np.ndarray
    flux_rate: np.ndarray
    production_rate: np.ndarray


def entropy_balance(times: ArrayLike, states: ArrayLike, heat: ArrayLike, betas: ArrayLike,
                    atol: float = DENSITY_ATOL) -> EntropyBalance:
    """Integrated entropy flux and production along a trajectory (see :class:`EntropyBalance`).

    ``times`` (n+1,) increasing; ``states`` (n+1, d, d); ``heat`` (n+1, K): the running
    integrals Q_k(t_i) of the heat from each bath (Q_k(t_0) = 0, Q > 0 into the system);
    ``betas`` (K,): the baths' inverse temperatures. Sigma(t) = Delta S - sum_k beta_k Q_k(t)
    (memoryless-ness paper, Sigma(dt) = Delta S - beta Q below its Eq. (21), with Q counted into
    the system).
    """
    t = np.asarray(times, dtype=float)
    q = np.asarray(heat, dtype=float)
    if t.ndim != 1 or t.size < 2 or np.any(np.diff(t) <= 0):
        raise NumericDomainError("times must be a 1-d increasing array of at least two points")
    if q.ndim == 1:
        q = q[:, None]
    if q.shape[0] != t.size:
        raise NumericDomainError(f"heat must have shape ({t.size}, K), got {q.shape}")
    if abs(float(np.max(np.abs(q[0])))) > 1e-12:
        raise NumericDomainError("heat holds running integrals: heat[0] must be 0")
    s = np.asarray(von_neumann_entropy(states, atol), dtype=float)
    if s.shape != t.shape:
        raise NumericDomainError(f"states must have shape ({t.size}, d, d)")
    flux = np.asarray(entropy_flux(q, np.broadcast_to(np.asarray(betas, float), q.shape)))
    production = s - s[0] - flux
    dt = np.diff(t)
    return EntropyBalance(t, s, flux, production, np.diff(flux) / dt, np.diff(production) / dt)
