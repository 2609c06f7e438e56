"""Superoperators on plain numpy arrays: vectorisation, Lindblad and collision Liouvillians.

Conventions (DESIGN.md section 2)
---------------------------------
* Units hbar = k_B = 1.
* Qubit basis: index 0 = |0> (ground), index 1 = |1> (excited); sigma_z = diag(-1, 1),
  sigma_x = [[0, 1], [1, 0]], sigma_y = [[0, 1j], [-1j, 0]] (so sigma_x sigma_y = i sigma_z),
  sigma_+ = |1><0| = [[0, 0], [1, 0]].
* Tensor order: first site = leftmost Kronecker factor. In the collision functions the
  system is the LEFT factor and the ancilla (bath unit) the RIGHT factor: operators live on
  S (x) R, ``np.kron(A_S, B_R)``.
* Vectorisation: COLUMN stacking (as QuTiP). ``vec(rho)[i + j*d] = rho[i, j]``, so
  ``rho = vec.reshape(d, d, order='F')`` and

      vec(A rho B) = (B^T (x) A) vec(rho).

  A superoperator is a (d^2, d^2) matrix acting on ``vec(rho)``.
* Batches: every function accepts leading batch dimensions ``(..., d, d)`` and works on them
  with one vectorised numpy call (no Python loop over the batch).

Master equations
----------------
``lindblad_liouvillian`` builds

    L(rho) = -i[H, rho] + sum_ab gamma_ab (L_a rho L_b^dag - 1/2 {L_b^dag L_a, rho})

with a Hermitian rate matrix gamma. ``collision_dissipator`` builds the tau -> 0 dissipator of a
collision model directly from the couplings V_s on S (x) R (no Lindblad form needed):

    D(rho) = -1/2 sum_s Tr_R [V_s, [V_s, rho (x) rho_R]]
             - sum_{s<s'} Tr_R [V_s', [V_s, rho (x) rho_R]]

(Schroedinger picture, the later stroke s' is the outer commutator).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from .errors import NonZeroBathMeanError, NotTracePreservingError, NumericDomainError

__all__ = [
    "bath_mean_operator",
    "check_trace_preserving",
    "collision_dissipator",
    "commutator_superop",
    "hamiltonian_superop",
    "lindblad_liouvillian",
    "partial_trace_ancilla",
    "spost",
    "spre",
    "sprepost",
    "superop_dimension",
    "unvec",
    "vec",
]

#: Relative tolerance for Hermiticity of rate matrices and couplings (w.r.t. the largest entry).
HERMITICITY_RTOL = 1e-10
#: Relative tolerance of the zero-bath-mean check (w.r.t. the largest entry of V).
BATH_MEAN_RTOL = 1e-10
#: Relative tolerance of the trace-preservation check (w.r.t. the largest entry of L).
TRACE_PRESERVING_RTOL = 1e-10


def _finite(a: ArrayLike, what: str) -> np.ndarray:
    """``a`` as a complex array with finite entries (NaN, inf, None and text refused)."""
    arr = a if isinstance(a, np.ndarray) else np.asarray(a)
    if arr.dtype.kind not in "fiuc":
        raise NumericDomainError(f"{what} must be numeric, got {type(a).__name__}")
    arr = np.asarray(arr, dtype=complex)
    if not np.isfinite(arr).all():
        raise NumericDomainError(f"{what} has non-finite entries (NaN or inf)")
    return arr


def _square_dim(a: np.ndarray, what: str) -> int:
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise NumericDomainError(f"{what} must be square (..., d, d), got shape {a.shape}")
    return a.shape[-1]


def superop_dimension(n: int) -> int:
    """Hilbert-space dimension d of a superoperator of size n = d^2 (NumericDomainError else)."""
    d = round(n**0.5)
    if d * d != n:
        raise NumericDomainError(f"superoperator size {n} is not a perfect square d^2")
    return d


def vec(rho: ArrayLike) -> np.ndarray:
    """Column-stacking vectorisation: (..., d, d) -> (..., d^2), ``vec[i + j*d] = rho[i, j]``."""
    r = np.asarray(rho)
    d = _square_dim(r, "rho")
    return np.swapaxes(r, -1, -2).reshape(*r.shape[:-2], d * d)


def unvec(v: ArrayLike, d: int | None = None) -> np.ndarray:
    """Inverse of :func:`vec`: (..., d^2) -> (..., d, d), i.e. ``v.reshape(d, d, order='F')``."""
    v = np.asarray(v)
    if d is None:
        d = superop_dimension(v.shape[-1])
    if v.shape[-1] != d * d:
        raise NumericDomainError(f"vector of length {v.shape[-1]} cannot be unvec'ed to {d}x{d}")
    return np.swapaxes(v.reshape(*v.shape[:-1], d, d), -1, -2)


def sprepost(A: ArrayLike, B: ArrayLike) -> np.ndarray:
    """Superoperator of rho -> A rho B: ``B^T (x) A`` (column stacking), batched."""
    A = np.asarray(A)
    B = np.asarray(B)
    d = _square_dim(A, "A")
    if _square_dim(B, "B") != d:
        raise NumericDomainError("A and B must have the same dimension")
    m = np.einsum("...lj,...ik->...jilk", B, A)
    return m.reshape(*m.shape[:-4], d * d, d * d)


def _one_sided(A: np.ndarray, left: bool) -> np.ndarray:
    """1 (x) A (left: rho -> A rho) or A^T (x) 1 (right: rho -> rho A), batched, by assignment."""
    d = _square_dim(A, "A")
    out = np.zeros((*A.shape[:-2], d, d, d, d), dtype=np.result_type(A.dtype, np.float64))
    At = np.swapaxes(A, -1, -2)
    for j in range(d):  # out[..., j, i, l, k] = delta_jl A[i, k]  or  A[l, j] delta_ik
        if left:
            out[..., j, :, j, :] = A
        else:
            out[..., :, j, :, j] = At
    return out.reshape(*A.shape[:-2], d * d, d * d)


def spre(A: ArrayLike) -> np.ndarray:
    """Superoperator of rho -> A rho: ``1 (x) A`` (column stacking), batched."""
    return _one_sided(np.asarray(A), left=True)


def spost(A: ArrayLike) -> np.ndarray:
    """Superoperator of rho -> rho A: ``A^T (x) 1`` (column stacking), batched."""
    return _one_sided(np.asarray(A), left=False)


def _assemble(pre: np.ndarray, post: np.ndarray, A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Superoperator of rho -> pre rho + rho post + sum_b A_b rho B_b, built in one array.

    Shapes: pre, post (..., d, d); A, B (..., K, d, d); leading dimensions broadcast. The
    element [j, i, l, k] (row j*d + i, column l*d + k) is
    delta_jl pre[i, k] + post[l, j] delta_ik + sum_b B_b[l, j] A_b[i, k]; the sum is one small
    batched matrix product per (j, i) written straight into the result (no big temporaries:
    fresh multi-megabyte arrays cost more in page faults than the arithmetic).
    """
    d = pre.shape[-1]
    batch = np.broadcast_shapes(pre.shape[:-2], post.shape[:-2], A.shape[:-3], B.shape[:-3])
    dtype = np.result_type(pre, post, A, B, np.complex128)
    out = np.empty((*batch, d, d, d, d), dtype=dtype)
    Bt = np.swapaxes(B, -1, -2)  # Bt[..., b, j, l] = B_b[l, j]
    for j in range(d):
        left = np.swapaxes(Bt[..., :, j, :], -1, -2)  # (..., l, b)
        for i in range(d):
            np.matmul(left, A[..., :, i, :], out=out[..., j, i, :, :])
    for j in range(d):
        out[..., j, :, j, :] += pre
        out[..., :, j, :, j] += np.swapaxes(post, -1, -2)
    return out.reshape(*batch, d * d, d * d)


def commutator_superop(H: ArrayLike) -> np.ndarray:
    """Superoperator of rho -> [H, rho] = spre(H) - spost(H), batched."""
    return spre(H) - spost(H)


def hamiltonian_superop(H: ArrayLike) -> np.ndarray:
    """Superoperator of rho -> -i[H, rho] (the unitary part of a Liouvillian), batched."""
    return -1j * commutator_superop(H)


def _check_hermitian(a: np.ndarray, what: str, rtol: float = HERMITICITY_RTOL) -> None:
    scale = max(float(np.max(np.abs(a), initial=0.0)), 1e-300)
    dev = float(np.max(np.abs(a - np.conj(np.swapaxes(a, -1, -2))), initial=0.0))
    if dev > rtol * scale:
        raise NumericDomainError(
            f"{what} must be Hermitian: max |X - X^dag| = {dev:.3g} exceeds "
            f"{rtol:g} * max|X| = {rtol * scale:.3g}"
        )


def lindblad_liouvillian(
    H: ArrayLike, jump_operators: ArrayLike, rates: ArrayLike
) -> np.ndarray:
    """Liouvillian of a Lindblad master equation with a Hermitian rate matrix (batched).

        L(rho) = -i[H, rho] + sum_ab rates[a, b] (L_a rho L_b^dag - 1/2 {L_b^dag L_a, rho})

    Shapes: ``H`` (..., d, d); ``jump_operators`` (K, d, d) or (..., K, d, d); ``rates``
    (..., K, K) Hermitian (NumericDomainError otherwise). Leading dimensions broadcast. Returns
    the (..., d^2, d^2) matrix acting on column-stacked vec(rho) (same as
    ``qutip.liouvillian(H, c_ops)`` for diagonal rates and ``c_a = sqrt(rates[a, a]) L_a``).
    """
    H = _finite(H, "H")
    J = _finite(jump_operators, "jump_operators")
    g = _finite(rates, "rates")
    d = _square_dim(H, "H")
    _check_hermitian(H, "H (the Hamiltonian)")
    if J.ndim < 3 or J.shape[-2:] != (d, d):
        raise NumericDomainError(
            f"jump_operators must have shape (..., K, {d}, {d}), got {J.shape}"
        )
    K = J.shape[-3]
    if g.ndim < 2 or g.shape[-2:] != (K, K):
        raise NumericDomainError(f"rates must have shape (..., {K}, {K}), got {g.shape}")
    _check_hermitian(g, "rate matrix")
    G = np.einsum("...ab,...aik->...bik", g, J)  # G_b = sum_a gamma_ab L_a
    Jdag = np.conj(np.swapaxes(J, -1, -2))
    A = np.einsum("...bjk,...bkl->...jl", Jdag, G)  # sum_ab gamma_ab L_b^dag L_a
    pre = -1j * H - 0.5 * A
    post = 1j * H - 0.5 * A
    return _assemble(pre, post, G, Jdag)  # + sum_b G_b rho L_b^dag


def partial_trace_ancilla(X: ArrayLike, dS: int, dR: int) -> np.ndarray:
    """Tr_R of operators on S (x) R (ancilla = right factor): (..., dS*dR, dS*dR) -> (..., dS, dS).

    (Tr_R X)[i, k] = sum_m X[(i, m), (k, m)] with the composite index (i, m) = i*dR + m.
    """
    X = np.asarray(X)
    if X.shape[-2:] != (dS * dR, dS * dR):
        raise NumericDomainError(
            f"operator of shape {X.shape[-2:]} does not act on {dS} (x) {dR} dimensions"
        )
    X4 = X.reshape(*X.shape[:-2], dS, dR, dS, dR)
    return np.einsum("...imkm->...ik", X4)


def bath_mean_operator(V: ArrayLike, rho_ancilla: ArrayLike, system_dim: int) -> np.ndarray:
    """Bath mean of a coupling: Tr_R[(1 (x) rho_R) V], an operator on S (batched).

    The tau -> 0 collision limit exists only if this vanishes (the first-order term
    -i sqrt(tau) [Tr_R((1 (x) rho_R) V), rho] / tau diverges otherwise).
    """
    V = np.asarray(V)
    rho_R = np.asarray(rho_ancilla)
    D = _square_dim(V, "V")
    dR = _square_dim(rho_R, "rho_ancilla")
    if system_dim * dR != D:
        raise NumericDomainError(
            f"V has dimension {D}, expected system_dim * ancilla_dim = {system_dim} * {dR}"
        )
    V4 = V.reshape(*V.shape[:-2], system_dim, dR, system_dim, dR)
    return np.einsum("...ipkm,...mp->...ik", V4, rho_R)


def _operator_schmidt(V: np.ndarray, dS: int, dR: int) -> tuple[np.ndarray, np.ndarray]:
    """Operator-Schmidt decomposition V = sum_a S_a (x) B_a (batched; exact up to rounding).

    Returns S (..., r, dS, dS) and B (..., r, dR, dR); components whose singular value is below
    1e-14 of the largest in every batch element are dropped.
    """
    V4 = V.reshape(*V.shape[:-2], dS, dR, dS, dR)
    M = np.swapaxes(V4, -3, -2).reshape(*V.shape[:-2], dS * dS, dR * dR)  # [(i,k),(m,n)]
    U, s, Vh = np.linalg.svd(M, full_matrices=False)
    smax = s[..., :1]
    keep = np.any(s > 1e-14 * np.maximum(smax, 1e-300), axis=tuple(range(s.ndim - 1)))
    r = max(int(np.count_nonzero(keep)), 1)
    S = (U[..., :r] * s[..., None, :r]).swapaxes(-1, -2).reshape(*V.shape[:-2], r, dS, dS)
    B = Vh[..., :r, :].reshape(*V.shape[:-2], r, dR, dR)
    return S, B


def collision_dissipator(
    strokes: Sequence[ArrayLike],
    rho_ancilla: ArrayLike,
    system_dim: int,
    *,
    mean_rtol: float = BATH_MEAN_RTOL,
) -> np.ndarray:
    """tau -> 0 dissipator of one bath whose fresh ancilla meets the system in ordered strokes.

    ``strokes`` = [V_1, ..., V_K], each a Hermitian coupling on S (x) R (system = left factor)
    of shape (..., dS*dR, dS*dR); ``rho_ancilla`` (..., dR, dR). Schroedinger picture, later
    stroke outermost:

        D(rho) = -1/2 sum_s Tr_R [V_s, [V_s, rho (x) rho_R]]
                 - sum_{s<s'} Tr_R [V_s', [V_s, rho (x) rho_R]]

    Per unit of ``tau``: one round of K strokes of duration tau changes rho by
    ``tau * D(rho)`` (+ the free part) to first order; divide by the round duration yourself
    (see :mod:`symthermo.numeric.collision`). Schemes: a simultaneous (common) bath is ONE
    stroke with V = sum_i V_i; a cascaded bath is several strokes; independent baths are
    separate calls (their cross terms trace out). Returns the (..., dS^2, dS^2) superoperator.

    Method: each V_s is split exactly as sum_a S_a (x) B_a (operator-Schmidt decomposition,
    an SVD); with C_ab = Tr(rho_R B_a B_b) every term is a sandwich S_a rho S_b or a one-sided
    product, assembled as in :func:`lindblad_liouvillian`.

    Raises :class:`NonZeroBathMeanError` (naming the stroke) if Tr_R[(1 (x) rho_R) V_s] is not
    zero to ``mean_rtol`` times max|V_s|: the tau -> 0 limit diverges then.
    """
    if len(strokes) == 0:
        raise NumericDomainError("collision_dissipator needs at least one stroke")
    rho_R = np.asarray(rho_ancilla, dtype=complex)
    dR = _square_dim(rho_R, "rho_ancilla")
    dS = int(system_dim)
    Ss, Bs, labels = [], [], []
    for s, V in enumerate(strokes):
        V = np.asarray(V, dtype=complex)
        if _square_dim(V, f"stroke {s}") != dS * dR:
            raise NumericDomainError(
                f"stroke {s} has dimension {V.shape[-1]}, expected system_dim * ancilla_dim "
                f"= {dS} * {dR}"
            )
        _check_hermitian(V, f"coupling of stroke {s}")
        mean = bath_mean_operator(V, rho_R, dS)
        scale = float(np.max(np.abs(V), initial=0.0))
        dev = float(np.max(np.abs(mean), initial=0.0))
        if dev > mean_rtol * max(scale, 1e-300):
            raise NonZeroBathMeanError(
                f"stroke {s}: the bath mean Tr_R[(1 (x) rho_R) V] is not zero "
                f"(max entry {dev:.3g}); the tau -> 0 limit diverges as 1/sqrt(tau). "
                "Shift the coupling by its mean (put Tr_R[(1 (x) rho_R) V] into the system "
                "Hamiltonian) or use an ancilla state with zero mean.",
                stroke=s,
            )
        S, B = _operator_schmidt(V, dS, dR)
        Ss.append(S)
        Bs.append(B)
        labels.extend([s] * S.shape[-3])
    batch = np.broadcast_shapes(*(S.shape[:-3] for S in Ss), rho_R.shape[:-2])
    S = np.concatenate([np.broadcast_to(x, (*batch, *x.shape[-3:])) for x in Ss], axis=-3)
    B = np.concatenate([np.broadcast_to(x, (*batch, *x.shape[-3:])) for x in Bs], axis=-3)
    lab = np.asarray(labels)
    # W[a, b]: weight of the pair (outer = component a, inner = component b).
    later = np.where(lab[None, :] < lab[:, None], -1.0, 0.0)
    W = np.where(lab[:, None] == lab[None, :], -0.5, later)
    C = np.einsum("...amn,...bnp,...pm->...ab", B, B, rho_R)  # Tr(rho_R B_a B_b)
    Ct = np.swapaxes(C, -1, -2)
    # D(rho) = sum_ab W_ab [C_ab S_a S_b rho - C_ba S_a rho S_b - C_ab S_b rho S_a
    #                       + C_ba rho S_b S_a]
    A_pre = np.einsum("...ab,...aij,...bjk->...ik", W * C, S, S)
    A_post = np.einsum("...ab,...bij,...ajk->...ik", W * Ct, S, S)
    G = -(W + W.T) * Ct  # coefficient of S_a rho S_b
    T = np.einsum("...ab,...aik->...bik", G, S)  # sum_a G_ab S_a
    return _assemble(A_pre, A_post, T, S)


def check_trace_preserving(
    L: ArrayLike, tol: float = TRACE_PRESERVING_RTOL, scale: float | None = None
) -> None:
    """Raise :class:`NotTracePreservingError` unless vec(I)^dag L = 0 (trace-preserving generator).

    The trace row t_c = sum_i L[i + i*d, c] (column stacking) is d Tr[L(E_c)]/dt for the
    matrix unit E_c; it must vanish to ``tol * scale`` for every column c and every batch
    element; ``scale`` defaults to max|L| (relative check, default tol 1e-10). For L = Phi - 1
    of a map Phi pass ``scale=1`` (Phi's entries, not their small differences, set the
    rounding). The message names the worst element (k, l) of rho and the batch index.
    """
    L = np.asarray(L)
    n = _square_dim(L, "L")
    d = superop_dimension(n)
    diag = np.arange(d) * (d + 1)
    t = L[..., diag, :].sum(axis=-2)
    if scale is None:
        scale = float(np.max(np.abs(L), initial=0.0))
    scale = max(scale, 1e-300)
    worst = float(np.max(np.abs(t), initial=0.0))
    if worst > tol * scale:
        flat = int(np.argmax(np.abs(t)))
        idx = np.unravel_index(flat, t.shape)
        c = int(idx[-1])
        k, col = c % d, c // d
        where = f" at batch index {tuple(int(i) for i in idx[:-1])}" if t.ndim > 1 else ""
        raise NotTracePreservingError(
            f"generator is not trace preserving{where}: d Tr[rho]/dt = {t[idx]:.3g} for the "
            f"matrix unit |{k}><{col}| (|vec(I)^dag L| up to {worst:.3g} > tol {tol:g} * "
            f"scale {scale:.3g}; the scale is max|L| unless given)"
        )
