"""Steady states of sparse Liouvillians: block by block, with the stationary dimension detected.

Conventions as :mod:`symthermo.numeric.steady` (column stacking, ``vec(rho)[i + j*d] =
rho[i, j]``; L trace preserving and Hermiticity preserving). L is a ``scipy.sparse`` matrix;
nothing of size (d^2, d^2) is ever dense.

Method, per invariant block of L (:func:`symthermo.numeric.sparse.liouvillian_blocks`; ker L
is the direct sum of the blocks' kernels):

1. A block that contains populations rho_ii has at least one stationary element (its
   population rows sum to zero: trace preservation within the block). Its first population
   equation is replaced by w * sum_i rho_ii = w (w = the largest |diagonal entry| of the
   block) and the system is factorised by sparse LU (SuperLU, fill-reducing COLAMD column
   ordering), or by dense LAPACK LU up to DENSE_LU_MAX unknowns (the sparse factors of these
   generators fill in almost completely: dense is faster there). A block without populations
   is factorised as it is.
2. The stationary dimension of the block is *detected*: if the LU succeeds and the estimated
   1-norm condition number ||A||_1 ||A^-1||_1 (Hager-Higham estimate, ``onenormest``) is at
   most ``1 / rtol``, the block has exactly one stationary element (population block: the
   solution, trace 1 within the block) or none. Otherwise the zero eigenvalues of the block
   are counted by shift-invert Arnoldi (ARPACK): with sigma = -SHIFT_RTOL * ||L||_1, the
   eigenvalues mu of (A - sigma)^-1 give lambda = sigma + 1/mu, and |lambda| <= rtol * ||L||_1
   counts as zero (the same ``rtol`` = 1e-10 as the dense route's singular values, relative
   to ||L||_1 here instead of ||L||_2). More eigenvalues are requested until one of them is
   not zero. Their right and left eigenvectors (the left ones from the same LU, transposed
   solves) span the block's right and left kernels. Blocks of at most DENSE_BLOCK_MAX
   unknowns, and blocks of at most DENSE_FALLBACK_MAX whose kernel turns out larger than an
   eighth of their size, are decided by a dense SVD instead (exactly as
   :func:`~symthermo.numeric.steady.steady_state`); when such a block holds populations only
   and is a classical rate matrix with a one-dimensional kernel, its stationary vector is
   computed by GTH elimination (componentwise accurate, see ``_markov_stationary``).
3. Dimension k = sum over blocks. k = 1: the unique steady state. k > 1: refused with a
   :class:`DegenerateSteadyStateError` naming k, or, given ``initial_state``, projected:
   P rho_0 = sum_blocks R_b (L_b^dag R_b)^-1 L_b^dag rho_0 (left/right kernels of each block).

``method``: ``"direct"`` decides every block as above. ``"iterative"`` decides every block of
more than DENSE_BLOCK_MAX unknowns, and ``"auto"`` (default) every block of at least
ITERATIVE_MIN unknowns, by :mod:`symthermo.numeric.sparse_iterative` instead: GMRES
preconditioned by the block's no-jump (Sylvester) part in a Gauss-Seidel sweep over its
sector pairs, and the stationary dimension counted by Arnoldi on the preconditioned
operator (eigenvalues within 1e-4 of the stationary one are deflated one after another,
each accepted only as a vector with residual <= rtol * ||L||_1, until none is left; the left
kernel of a degenerate block likewise on L^dag; see that module). A block the iterative
route cannot decide that clearly (ambiguous gap, a candidate that does not refine, no
convergence, no Sylvester form) is decided by the direct route above, so the guarantees
are the same; only clear cases are accelerated. Memory: O(block size) vectors
instead of the LU factors.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from numpy.typing import ArrayLike

from .errors import DegenerateSteadyStateError, NotTracePreservingError, NumericDomainError
from .sparse import liouvillian_blocks
from .sparse_iterative import IterativeUndecided, iterative_block_kernel
from .steady import NULLSPACE_RTOL, SteadyState, _hermitian_basis
from .superop import TRACE_PRESERVING_RTOL, superop_dimension, unvec, vec

__all__ = [
    "DENSE_BLOCK_MAX",
    "ITERATIVE_MIN",
    "SHIFT_RTOL",
    "sparse_steady_state",
]

#: Blocks with at most this many unknowns are decided by a dense SVD.
DENSE_BLOCK_MAX = 400
#: A block whose kernel exceeds 1/DENSE_FALLBACK_FRACTION of its size is decided by a dense
#: SVD if it has at most DENSE_FALLBACK_MAX unknowns (Arnoldi with that many vectors is dense).
DENSE_FALLBACK_FRACTION = 8
DENSE_FALLBACK_MAX = 3000
#: Shift of the shift-invert eigenvalue count, relative to ||L||_1.
SHIFT_RTOL = 1e-6
#: Blocks up to this size are factorised by dense LAPACK LU (their sparse LU fills in almost
#: completely for these generators; 6000 unknowns = 0.6 GB).
DENSE_LU_MAX = 6000
#: With method="auto", blocks of at least this many unknowns are tried iteratively first.
ITERATIVE_MIN = 2000
METHODS = ("auto", "direct", "iterative")


@dataclass
class _Kernel:
    """Right (m, k) and left (m, k) kernel vectors of a block, in the block's coordinates."""

    idx: np.ndarray
    right: np.ndarray
    left: np.ndarray
    magnitudes: np.ndarray  # relative magnitudes that decided (zeros first)
    iterative: bool = False  # decided by the iterative route


def _check_trace(L: sp.csr_matrix, d: int, scale: float) -> None:
    t = np.asarray(L[np.arange(d) * (d + 1)].sum(axis=0)).ravel()
    worst = float(np.max(np.abs(t), initial=0.0))
    if worst > TRACE_PRESERVING_RTOL * max(float(np.max(np.abs(L.data), initial=0)), 1e-300):
        c = int(np.argmax(np.abs(t)))
        raise NotTracePreservingError(
            f"generator is not trace preserving: d Tr[rho]/dt = {t[c]:.3g} for the matrix unit "
            f"|{c % d}><{c // d}| (|vec(I)^dag L| up to {worst:.3g})"
        )


def _markov_stationary(M: np.ndarray) -> np.ndarray | None:
    """Stationary vector of a classical rate matrix by the GTH algorithm, or None.

    M acts on populations only: M[i, j] >= 0 (i != j) is the rate j -> i, columns sum to
    zero. Grassmann-Taksar-Heyman elimination uses no subtractions, so every component, even
    one of 1e-40, is accurate to a few ulps (an SVD null vector is accurate only relative to
    its largest component; the product-basis l1 norm weighs tiny populations by up to 2^N).
    None if M is not such a matrix or is reducible (a zero pivot).
    """
    scale = float(np.max(np.abs(M), initial=0.0))
    if scale == 0 or np.max(np.abs(M.imag)) > 1e-13 * scale:
        return None
    R = M.real.T.copy()  # R[i, j] = rate i -> j
    off = ~np.eye(R.shape[0], dtype=bool)
    if np.min(R[off], initial=0.0) < -1e-13 * scale or np.max(np.abs(M.real.sum(axis=0))) > (
        1e-10 * scale
    ):
        return None
    R[off] = np.maximum(R[off], 0.0)
    n = R.shape[0]
    pivots = np.empty(n)
    for k in range(n - 1, 0, -1):
        s = R[k, :k].sum()
        if s <= 0:
            return None
        pivots[k] = s
        R[:k, :k] += np.outer(R[:k, k], R[k, :k]) / s
    pi = np.empty(n)
    pi[0] = 1.0
    for k in range(1, n):
        pi[k] = pi[:k] @ R[:k, k] / pivots[k]
    return pi / pi.sum()


def _dense_block(
    A: sp.spmatrix, idx: np.ndarray, scale: float, rtol: float, populations_only: bool = False
) -> _Kernel:
    M = A.toarray()
    s = np.linalg.svd(M, compute_uv=False)  # singular values first: most blocks have no kernel
    k = int(np.count_nonzero(s <= rtol * scale))
    if k == 0:
        return _Kernel(idx, np.zeros((idx.size, 0), complex), np.zeros((idx.size, 0), complex),
                       np.sort(s / scale))
    U, s, Vh = np.linalg.svd(M)
    k = int(np.count_nonzero(s <= rtol * scale))
    right = Vh[s.size - k:].conj().T
    if k == 1 and populations_only:
        pi = _markov_stationary(M)
        if pi is not None:
            right = pi[:, None].astype(complex)
    return _Kernel(idx, right, U[:, s.size - k:], np.sort(s / scale))


class _Solver:
    """x = A^-1 b (and A^-H b) by a sparse LU, or a dense LU for blocks of at most
    DENSE_LU_MAX unknowns (their sparse LU fills in almost completely: LAPACK is faster)."""

    def __init__(self, A: sp.csc_matrix, dense_lu_max: int = DENSE_LU_MAX) -> None:
        self.A = A
        self.dense = None
        if A.shape[0] <= dense_lu_max:
            import scipy.linalg as sla

            M = A.toarray()
            self.anorm = float(np.abs(M).sum(axis=0).max())
            self.dense = sla.lu_factor(M, check_finite=False)
            if not np.all(np.isfinite(self.dense[0])) or np.any(np.diagonal(self.dense[0]) == 0):
                raise RuntimeError("Factor is exactly singular")
            return
        self.lu = spla.splu(A, permc_spec="COLAMD")

    def solve(self, b: np.ndarray, trans: str = "N") -> np.ndarray:
        if self.dense is not None:
            import scipy.linalg as sla

            return sla.lu_solve(self.dense, np.asarray(b, dtype=complex),
                                trans=0 if trans == "N" else 2, check_finite=False)
        return self.lu.solve(np.asarray(b, dtype=complex), trans=trans)

    def inverse_norm1(self) -> float:
        if self.dense is not None:  # LAPACK's estimate of ||A^-1||_1 from the factors
            import scipy.linalg as sla

            rcond, _ = sla.lapack.zgecon(self.dense[0], self.anorm, norm="1")
            return np.inf if rcond == 0 else 1.0 / (rcond * self.anorm)
        n = self.A.shape[0]
        op = spla.LinearOperator(
            (n, n), matvec=self.solve, rmatvec=lambda x: self.solve(x, "H"), dtype=complex
        )
        if n <= 4:
            return float(np.max(np.abs(np.column_stack([self.solve(e) for e in np.eye(n)])).sum(0)))
        return float(spla.onenormest(op))


def _count_by_shift_invert(
    A: sp.csc_matrix, idx: np.ndarray, scale: float, rtol: float
) -> _Kernel:
    """Zero eigenvalues of A counted by shift-invert Arnoldi (module docstring, step 2)."""
    m = A.shape[0]
    sigma = -SHIFT_RTOL * scale
    lu = spla.splu((A - sigma * sp.identity(m, format="csc")).tocsc(), permc_spec="COLAMD")
    k = min(8, m - 2)
    rng = np.random.default_rng(0)
    v0 = rng.normal(size=m) + 1j * rng.normal(size=m)

    def zeros(trans: str, k: int) -> tuple[np.ndarray, np.ndarray]:
        op = spla.LinearOperator((m, m), matvec=lambda x: lu.solve(x, trans=trans),
                                 dtype=complex)
        mu, vecs = spla.eigs(op, k=k, which="LM", v0=v0, tol=1e-13)
        lam = (np.conj(sigma) if trans == "H" else sigma) + 1.0 / mu
        return lam, vecs

    while True:
        lam, right = zeros("N", k)
        zero = np.abs(lam) <= rtol * scale
        if np.count_nonzero(zero) < k or k >= m - 2:
            break
        if 2 * k > m // DENSE_FALLBACK_FRACTION and m <= DENSE_FALLBACK_MAX:
            return _dense_block(A, idx, scale, rtol)  # a large kernel: Arnoldi would be dense
        k = min(2 * k, m - 2)
    if np.count_nonzero(zero) >= m - 2:
        raise NumericDomainError(
            f"a block of L of size {m} has at least {m - 2} stationary elements: use the dense "
            "route (method='dense')"
        )
    kz = int(np.count_nonzero(zero))
    right = np.linalg.qr(right[:, zero])[0]
    lam_l, left = zeros("H", max(kz + 1, min(k, m - 2)))
    zero_l = np.abs(lam_l) <= rtol * scale
    if int(np.count_nonzero(zero_l)) != kz:
        raise NumericDomainError(
            f"a block of L of size {m}: {kz} zero eigenvalues from the right but "
            f"{int(np.count_nonzero(zero_l))} from the left (tolerance {rtol:g} * ||L||_1); "
            "the gap to the rest of the spectrum is too small to decide the stationary "
            "dimension: rescale the model or use the dense route"
        )
    left = np.linalg.qr(left[:, zero_l])[0]
    return _Kernel(idx, right, left, np.sort(np.abs(lam)) / scale)


def _block_kernel(
    A: sp.spmatrix, idx: np.ndarray, d: int, scale: float, rtol: float, method: str,
    populations: np.ndarray | None = None,
    dense_max: int | None = None,
    dense_lu_max: int = DENSE_LU_MAX,
) -> _Kernel:
    """Kernel of the block A = L[idx][:, idx] (module docstring, steps 1-2).

    ``populations``: positions within the block of the entries whose plain sum is the
    conserved trace (default: the rho_ii of a (d^2, d^2) generator, vec index i*(d+1)).
    ``dense_max`` (default DENSE_BLOCK_MAX) and ``dense_lu_max``: the sizes up to which a
    block is decided by a dense SVD and factorised by a dense LU (generators whose sparse LU
    does not fill in, such as the permutation-invariant one, set both low).
    """
    dense_max = DENSE_BLOCK_MAX if dense_max is None else dense_max
    A = A.tocsc()
    m = idx.size
    if populations is None:
        pops = np.flatnonzero(idx % (d + 1) == 0)  # vec index i*(d+1) = population rho_ii
    else:
        pops = np.asarray(populations, dtype=int)
        method = "direct"  # the iterative route reads the sector structure of (d^2, d^2)
    if m <= dense_max:
        return _dense_block(A, idx, scale, rtol, populations_only=pops.size == m)
    if method == "iterative" or (method == "auto" and m >= ITERATIVE_MIN):
        try:
            right, left, mags = iterative_block_kernel(A, idx, d, scale, rtol)
        except IterativeUndecided:
            pass  # decided by the direct route below
        else:
            return _Kernel(idx, right, left, mags, iterative=True)
    B = A
    if pops.size:
        diag = np.abs(A.diagonal())
        w = float(diag.max()) if diag.size and diag.max() > 0 else 1.0
        B = A.tolil()
        B[pops[0], :] = 0
        B[pops[0], pops] = w
        B = B.tocsc()
    try:
        solver = _Solver(B, dense_lu_max)
        cond = spla.norm(B, 1) * solver.inverse_norm1()
        x = solver.solve(np.eye(1, m, pops[0]).ravel() * w) if pops.size else None
        ok = np.isfinite(cond) and cond <= 1.0 / rtol and (x is None or np.all(np.isfinite(x)))
    except RuntimeError:  # exactly singular LU
        ok, cond = False, np.inf
    if ok:
        if x is None:
            return _Kernel(idx, np.zeros((m, 0), complex), np.zeros((m, 0), complex),
                           np.array([1.0 / cond]))
        left = np.zeros((m, 1), dtype=complex)
        left[pops, 0] = 1.0  # the trace within the block is conserved
        return _Kernel(idx, x[:, None], left, np.array([0.0, 1.0 / cond]))
    return _count_by_shift_invert(A, idx, scale, rtol)


def _kernels(
    L: sp.csr_matrix, blocks: list[np.ndarray], d: int, scale: float, rtol: float,
    method: str,
) -> list[_Kernel]:
    """Kernels of all blocks. L commutes with rho -> rho^dag (Hermiticity preserving), which
    maps the block of the entries (i, j) onto the block of the (j, i): its kernel is the
    mirror image (conjugated, transposed) of the first one's and is not computed again."""
    done: dict[int, _Kernel] = {}
    out = []
    order = np.concatenate(blocks)
    Lp = L[order][:, order].tocsr()  # blocks contiguous: each is a cheap range slice
    starts = np.cumsum([0] + [b.size for b in blocks])
    for bi, idx in enumerate(blocks):
        mirror = np.sort((idx % d) * d + idx // d)
        twin = done.get(int(mirror[0]))
        if twin is not None and twin.idx.size == idx.size and np.array_equal(twin.idx, mirror):
            # entry p of this block is the transpose of entry t(p) of the twin
            pos = np.searchsorted(twin.idx, (idx % d) * d + idx // d)
            kn = _Kernel(idx, twin.right[pos].conj(), twin.left[pos].conj(), twin.magnitudes,
                         twin.iterative)
        else:
            lo, hi = starts[bi], starts[bi + 1]
            kn = _block_kernel(Lp[lo:hi, lo:hi], idx, d, scale, rtol, method)
        done[int(idx[0])] = kn
        out.append(kn)
    return out


def sparse_steady_state(
    L: sp.spmatrix,
    initial_state: ArrayLike | None = None,
    *,
    rtol: float = NULLSPACE_RTOL,
    method: str = "auto",
    check_trace: bool = True,
    blocks: list[np.ndarray] | None = None,
) -> SteadyState:
    """Steady state of a sparse trace-preserving generator L ((d^2, d^2), column stacking).

    The stationary dimension k is detected block by block (module docstring; tolerance
    ``rtol`` relative to ||L||_1). k = 1: the unique steady state. k > 1: raises
    :class:`DegenerateSteadyStateError` (``dimension`` = k) unless ``initial_state`` rho_0 is
    given; then returns P rho_0 projected with the left and right kernels, as
    :func:`symthermo.numeric.steady.steady_state`. ``method``: ``"auto"`` (default; blocks
    of at least ITERATIVE_MIN unknowns tried iteratively first), ``"direct"`` (sparse LU
    everywhere) or ``"iterative"`` (every block above DENSE_BLOCK_MAX tried iteratively
    first); module docstring. ``blocks``: the invariant
    index sets of L if already known (default: :func:`~symthermo.numeric.sparse.
    liouvillian_blocks`). The result's ``relative_singular_values`` holds the relative
    magnitudes that decided k (singular values of small blocks, |eigenvalues| or inverse
    condition estimates of large ones, each / ||L||_1; for blocks decided iteratively
    |1 - mu| of the preconditioned operator's eigenvalues, 0 for the stationary one),
    ascending.
    """
    if method not in METHODS:
        raise NumericDomainError(f"method must be one of {METHODS}, got {method!r}")
    if not sp.issparse(L):
        raise NumericDomainError("sparse_steady_state needs a scipy.sparse matrix")
    Lc = sp.csr_matrix(L, dtype=complex)
    if Lc.shape[0] != Lc.shape[1]:
        raise NumericDomainError(f"L must be square (d^2, d^2), got shape {Lc.shape}")
    d = superop_dimension(Lc.shape[0])
    if Lc.nnz and not np.all(np.isfinite(Lc.data)):
        raise NumericDomainError("L has non-finite entries (NaN or inf): check the parameters")
    scale = float(spla.norm(Lc, 1)) or 1.0
    if check_trace:
        _check_trace(Lc, d, scale)
    kernels = _kernels(Lc, blocks if blocks is not None else liouvillian_blocks(Lc), d, scale,
                       rtol, method)
    k = sum(kn.right.shape[1] for kn in kernels)
    mags = np.sort(np.concatenate([kn.magnitudes for kn in kernels]))
    if k == 0:
        raise NumericDomainError(
            f"L has no kernel (smallest relative magnitude {mags[0]:.3g} > rtol {rtol:g})"
        )
    with_kernel = [kn for kn in kernels if kn.right.shape[1]]
    n = d * d
    if k > 1 and initial_state is None:
        raise DegenerateSteadyStateError(
            f"the stationary space has dimension {k} (detected block by block, tolerance "
            f"{rtol:g} * ||L||_1), so the steady state depends on the initial state. Likely "
            "cause: dark states or a symmetry, e.g. collective coupling of identical subsystems "
            f"to one bath, leaving conserved quantities besides the trace ({k - 1} extra). Pass "
            "initial_state=rho0 to project rho0 onto the stationary space (P rho0 = long-time "
            "limit of exp(L t) rho0).",
            dimension=k,
        )
    v = np.zeros(n, dtype=complex)
    if k == 1:
        kn = with_kernel[0]
        r = kn.right[:, 0]
        pops = kn.idx % (d + 1) == 0
        v[kn.idx] = r / r[pops].sum()
        projected = False
    else:
        rho0 = np.asarray(initial_state, dtype=complex)
        if rho0.shape != (d, d):
            raise NumericDomainError(f"initial_state must have shape ({d}, {d}), got {rho0.shape}")
        v0 = vec(rho0)
        for kn in with_kernel:
            M = kn.left.conj().T @ kn.right
            v[kn.idx] = kn.right @ np.linalg.solve(M, kn.left.conj().T @ v0[kn.idx])
        projected = True
    rho = unvec(v, d)
    rho = 0.5 * (rho + rho.conj().T)
    if k == 1:
        conserved = (np.eye(d) / np.sqrt(d))[None].astype(complex)
    else:
        lefts = np.zeros((k, n), dtype=complex)
        a = 0
        for kn in with_kernel:
            for col in range(kn.left.shape[1]):
                lefts[a, kn.idx] = kn.left[:, col]
                a += 1
        conserved = _hermitian_basis(unvec(lefts, d))
    residual = float(np.linalg.norm(Lc @ vec(rho)) / scale)
    return SteadyState(
        rho=rho,
        stationary_dimension=k,
        conserved_quantities=conserved,
        residual=residual,
        relative_singular_values=mags,
        rtol=rtol,
        projected=projected,
        method="sparse-iterative" if any(kn.iterative for kn in kernels) else "sparse-direct",
    )
