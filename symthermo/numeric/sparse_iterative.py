"""Iterative kernel of one invariant block of a sparse Liouvillian: Sylvester-Gauss-Seidel
preconditioner, preconditioned BiCGSTAB/GMRES, Arnoldi count of the stationary dimension.

Conventions as :mod:`symthermo.numeric.sparse_steady` (column stacking, vec index i + j*d for
rho_ij). A is the block L[idx][:, idx]; nothing here needs more than L itself.

Preconditioner M (built from A alone). The no-jump part of a Lindblad generator,
rho -> K rho + rho K', is a Kronecker sum 1 (x) K + K'^T (x) 1; it maps rho_ij only to
rho_i'j and rho_ij', so it leaves each *sector pair* (a, b) invariant, where the sectors a
(b) are the connected components of the one-sided couplings i -> i' at fixed j (j -> j' at
fixed i) of L. The jumps (sandwiches with both indices changing) couple different pairs.
Per pair, K_a and K'_b are read off A (off-diagonals from one column/row of the pair; the
diagonal split so that K_ii + K'_jj reproduces the pair's diagonal entries). With the
eigenvectors K_a = W diag(lam) W^-1, K'_b = W' diag(lam') W'^-1 the pair's part is inverted
as X = W [(W^-1 B W') / (lam_i + lam'_j)] W'^-1 (by the Schur forms and a triangular
Sylvester solve, LAPACK trsyl, when the eigenvectors are ill-conditioned):
O(|a|^2 |b| + |a| |b|^2) instead of a sparse LU of |a| |b| unknowns.
A pair whose no-jump part is singular (a decoherence-free
subspace, e.g. purely collective dissipation) gets an extra decay DARK_SHIFT ||A||_1 in M.
M = (Kronecker sums of all pairs) + (the rest of A above the pair diagonal, pairs ordered by
their smallest indices), inverted by one backward block Gauss-Seidel sweep. For an
excitation-conserving model with |0> the ground state, later pairs hold more excitations,
so the sweep carries the decay (emission) exactly and leaves absorption to the Krylov
method (the better of the two directions on bench/scale.py's chain: 293 against 320
iterations at N = 8; block Jacobi needed 800).

M is only a preconditioner: the kernel is that of A itself, because for any invertible M

    A x = 0  <=>  G x = x,   G = 1 - M^-1 A,

so the stationary dimension of the block is the multiplicity of the eigenvalue 1 of G.

Stationary dimension (detected). A block holding populations has at least one stationary
element (its trace is conserved). Its candidate x solves A x = 0 with one population
equation replaced by the trace (BiCGSTAB preconditioned by M, GMRES if that fails) and is
accepted only if its true residual ||A x||_1 <= rtol ||L||_1 ||x||_1 (the dense route's
tolerance). The known stationary elements X are then deflated (Wielandt: G - X Y^dag with
Y^dag X = 1 has the eigenvalues of G with the 1 of each column of X replaced by 0), and the
two eigenvalues of largest real part of the deflated G are computed by Arnoldi (ARPACK,
relative accuracy ARNOLDI_TOL, random start). Ritz values within CANDIDATE_GAP of 1 are
further stationary candidates (deflating before counting matters: a single-vector Krylov
space sees a repeated eigenvalue only once): each Ritz vector v is refined by preconditioned
GMRES on A e = -A v and z = v + e is accepted only with the same true residual bound and if
independent of X (part orthogonal to span X >= INDEPENDENCE_RTOL of it); then deflate again
and repeat until no Ritz value lies within CANDIDATE_GAP of 1 (at most KERNEL_MAX elements).
A block without populations starts from X empty. If the block has more than one
stationary element (degenerate: dark states, collective dissipation) the left kernel is
found the same way on A^dag, preconditioned by M^dag (a forward block Gauss-Seidel sweep
with the adjoint pair inversions), starting from the trace; the two counts must agree. For
one stationary element of a population block the left kernel is the trace. Anything but a
clear count (a candidate that does not refine, a value that could be either, no
convergence, differing counts, M singular or not of Kronecker-sum form) raises
:class:`IterativeUndecided` and the caller decides the block by the direct route (sparse
LU, rank-revealing).

Tolerance: G v = mu v means A v = (1 - mu) M v, so "no eigenvalue within CANDIDATE_GAP = 1e-4
of 1" says every further mode of the block has ||A v|| >= 1e-4 ||M v||: far above the dense
route's 1e-10 ||L|| (ARPACK's Ritz values are accurate to ARNOLDI_TOL = 1e-6, so a true 1
cannot hide behind the Ritz error). A Ritz value within CANDIDATE_GAP counts only through
its refined vector's residual (<= rtol ||L||_1 = 1e-10 ||L||_1). Slow modes between the two
are not guessed at: the block goes to the direct route.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from scipy.sparse.csgraph import connected_components

__all__ = [
    "ARNOLDI_TOL",
    "CANDIDATE_GAP",
    "INDEPENDENCE_RTOL",
    "KERNEL_MAX",
    "IterativeUndecided",
    "SylvesterGaussSeidel",
    "iterative_block_kernel",
]

#: Relative accuracy asked of ARPACK for the eigenvalues of G = 1 - M^-1 A.
ARNOLDI_TOL = 1e-6
#: Eigenvalues of G with |1 - mu| at most this are stationary candidates (module docstring);
#: 100 ARNOLDI_TOL, so that a stationary eigenvalue cannot hide behind the Ritz error.
CANDIDATE_GAP = 1e-4
#: A refined candidate is a new stationary element only if its part orthogonal to the known
#: ones has at least this fraction of its 2-norm.
INDEPENDENCE_RTOL = 1e-6
#: At most this many stationary elements per block are found iteratively (else: direct route).
KERNEL_MAX = 32
#: Relative residual asked of BiCGSTAB / GMRES (the accepted residual is checked on A).
GMRES_RTOL = 1e-12
GMRES_RESTART = 100
GMRES_MAXITER = 40
#: Pairs are inverted through the eigenvectors of K and K' (four matrix products) when
#: cond(W) cond(W') is at most this, else by the Schur forms and LAPACK trsyl (backward
#: stable, but unblocked: some 40 times slower at |a| = 70).
EIGENVECTOR_COND_MAX = 1e8
#: M is refused when a pair's |K_ii + K'_jj| falls below this fraction of ||A||_1.
SINGULAR_RTOL = 1e-12
#: Extra decay (relative to ||A||_1) given to M on a sector pair whose no-jump part is
#: singular (a decoherence-free subspace); M stays a preconditioner, ker A is unchanged.
DARK_SHIFT = 1e-2


class IterativeUndecided(Exception):  # noqa: N818 - a signal to fall back, not a user error
    """The iterative route cannot decide this block; the caller uses the direct route."""


def _sectors(one_sided: sp.coo_matrix, d: int) -> np.ndarray:
    """Labels 0..n-1 of the connected components of the one-sided couplings (d vertices)."""
    g = sp.csr_matrix((np.ones(one_sided.row.size), (one_sided.row, one_sided.col)),
                      shape=(d, d))
    _, labels = connected_components(g, directed=True, connection="weak")
    return labels


@dataclass
class _Pair:
    """One sector pair: entries lo..hi-1 (column-major over (a, b)), its Kronecker sum
    X -> K X + X K' and how it is inverted."""

    lo: int
    hi: int
    shape: tuple[int, int]  # (|a|, |b|)
    upper: sp.csr_matrix  # the pair's rows of M's part above the pair diagonal
    K: np.ndarray
    Kp: np.ndarray
    # K = W diag(lam) W^-1, K' = W' diag(lam') W'^-1; inv_denominator = 1 / (lam_i + lam'_j)
    eig: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None
    # Schur forms K = U T U^dag, K' = V S V^dag (when the eigenvectors are ill-conditioned)
    schur: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None


class SylvesterGaussSeidel:
    """M^-1 for the block A (module docstring). ``order`` permutes the block's entries so that
    each sector pair is contiguous; :meth:`solve` works in that order."""

    def __init__(self, A: sp.spmatrix, idx: np.ndarray, d: int) -> None:
        A = sp.coo_matrix(A)
        scale = float(spla.norm(A.tocsc(), 1)) or 1.0
        i_all, j_all = idx % d, idx // d
        r_i, r_j = i_all[A.row], j_all[A.row]
        c_i, c_j = i_all[A.col], j_all[A.col]
        left = (r_j == c_j) & (r_i != c_i)  # (K rho)_{i' j} <- K_{i' i} rho_{i j}
        right = (r_i == c_i) & (r_j != c_j)  # (rho K')_{i j'} <- rho_{i j} K'_{j j'}
        la = _sectors(sp.coo_matrix((A.data[left], (r_i[left], c_i[left])), shape=(d, d)), d)
        lb = _sectors(sp.coo_matrix((A.data[right], (r_j[right], c_j[right])), shape=(d, d)), d)
        # sectors numbered by their smallest basis index; pairs ordered lexicographically
        first_a = np.full(la.max() + 1, d)
        np.minimum.at(first_a, la, np.arange(d))
        first_b = np.full(lb.max() + 1, d)
        np.minimum.at(first_b, lb, np.arange(d))
        ra, rb = np.argsort(np.argsort(first_a)), np.argsort(np.argsort(first_b))
        pair = ra[la[i_all]] * (rb.max() + 1) + rb[lb[j_all]]
        self.order = np.lexsort((idx, pair))
        pair = pair[self.order]
        inv = np.empty_like(self.order)
        inv[self.order] = np.arange(self.order.size)
        Ap = sp.csr_matrix((A.data, (inv[A.row], inv[A.col])), shape=A.shape)
        i_, j_ = i_all[self.order], j_all[self.order]
        coo = Ap.tocoo()  # strictly above the pair diagonal: row pair < column pair
        above = pair[coo.row] < pair[coo.col]
        upper = sp.csr_matrix((coo.data[above], (coo.row[above], coo.col[above])),
                              shape=A.shape)
        below = pair[coo.row] > pair[coo.col]
        self.lower = sp.csr_matrix((coo.data[below], (coo.row[below], coo.col[below])),
                                   shape=A.shape)
        self._upper_adjoint = upper.conj().T.tocsr()  # strictly below the pair diagonal
        starts = np.flatnonzero(np.r_[True, np.diff(pair) != 0])
        bounds = np.r_[starts, pair.size]
        self.pairs: list[_Pair] = []
        for lo, hi in itertools.pairwise(bounds):
            a, b = np.unique(i_[lo:hi]), np.unique(j_[lo:hi])
            if a.size * b.size != hi - lo:
                raise IterativeUndecided("a sector pair of the block is not a full product")
            # sorted by vec index i + j d within the pair: column-major over (a, b)
            pos = lo + np.arange(hi - lo).reshape(b.size, a.size).T
            i0, j0 = 0, 0  # reference row/column of the pair
            col, row = pos[:, j0], pos[i0, :]
            K = Ap[col][:, col].toarray()  # K_{i'i} = A[(i',j0),(i,j0)]
            Kp = Ap[row][:, row].toarray().T  # K'_{jj'} = A[(i0,j'),(i0,j)]
            c = K[i0, i0] / 2
            np.fill_diagonal(K, np.diagonal(K) - c)
            np.fill_diagonal(Kp, np.diagonal(Kp) - np.diagonal(K)[i0])
            pair_ = _Pair(lo, hi, (a.size, b.size), upper[lo:hi], K, Kp)
            lam, W = np.linalg.eig(K)
            lamp, Wp = np.linalg.eig(Kp)
            denominator = lam[:, None] + lamp[None, :]
            if np.min(np.abs(denominator)) <= SINGULAR_RTOL * scale:
                # a decoherence-free pair (no-jump part singular): M gets an extra decay
                # there (K -> K - DARK_SHIFT ||A||_1); M is then only approximate
                np.fill_diagonal(K, np.diagonal(K) - DARK_SHIFT * scale)
                lam, W = np.linalg.eig(K)
                denominator = lam[:, None] + lamp[None, :]
                if np.min(np.abs(denominator)) <= SINGULAR_RTOL * scale:
                    raise IterativeUndecided("the no-jump part of a sector pair is singular")
                pair_.K = K
            if np.linalg.cond(W) * np.linalg.cond(Wp) <= EIGENVECTOR_COND_MAX:
                pair_.eig = (W, np.linalg.inv(W), Wp, np.linalg.inv(Wp), 1.0 / denominator)
            else:
                T, U = sla.schur(K, output="complex")
                S, V = sla.schur(Kp, output="complex")
                pair_.schur = (T, U, S, V)
            self.pairs.append(pair_)
        self.A = Ap  # the block in pair order
        self.size = A.shape[0]
        # A = M + lower exactly when every pair-diagonal block of A is its Kronecker sum
        # (jumps always change the sectors); then 1 - M^-1 A = -M^-1 lower (one product less)
        rng = np.random.default_rng(0)
        v = rng.normal(size=self.size) + 1j * rng.normal(size=self.size)
        rest = Ap @ v - self.upper_product(v) - self.lower @ v - self.kronecker_sums(v)
        self.exact_split = bool(np.abs(rest).sum() <= 1e-13 * scale * np.abs(v).sum())
        self.applications = 0

    def _pair_solve(self, p: _Pair, b: np.ndarray) -> np.ndarray:
        Bm = b.reshape(p.shape, order="F")
        if p.eig is not None:
            W, Winv, Wp, Wpinv, inv_denominator = p.eig
            return (W @ ((Winv @ Bm @ Wp) * inv_denominator) @ Wpinv).ravel(order="F")
        T, U, S, V = p.schur
        Y, s, info = sla.lapack.ztrsyl(T, S, U.conj().T @ Bm @ V)
        if info < 0:
            raise IterativeUndecided(f"trsyl failed (info {info})")
        return (U @ (Y / s) @ V.conj().T).ravel(order="F")

    def _pair_solve_adjoint(self, p: _Pair, c: np.ndarray) -> np.ndarray:
        """The adjoint of :meth:`_pair_solve`: solves K^dag Y + Y K'^dag = C."""
        Cm = c.reshape(p.shape, order="F")
        if p.eig is not None:
            W, Winv, Wp, Wpinv, inv_denominator = p.eig
            Z = (W.conj().T @ Cm @ Wpinv.conj().T) * inv_denominator.conj()
            return (Winv.conj().T @ Z @ Wp.conj().T).ravel(order="F")
        T, U, S, V = p.schur
        Y, s, info = sla.lapack.ztrsyl(T, S, U.conj().T @ Cm @ V, trana="C", tranb="C")
        if info < 0:
            raise IterativeUndecided(f"trsyl failed (info {info})")
        return (U @ (Y / s) @ V.conj().T).ravel(order="F")

    def solve_adjoint(self, c: np.ndarray) -> np.ndarray:
        """y = M^-dag c (pair order): forward block Gauss-Seidel sweep (M^dag is block lower
        triangular)."""
        self.applications += 1
        y = np.zeros(self.size, dtype=complex)
        for p in self.pairs:
            rhs = c[p.lo:p.hi] - self._upper_adjoint[p.lo:p.hi] @ y
            y[p.lo:p.hi] = self._pair_solve_adjoint(p, rhs)
        return y

    def kronecker_sums(self, x: np.ndarray) -> np.ndarray:
        """The pair-diagonal part of M applied to x (K X + X K' per pair)."""
        out = np.empty_like(x, dtype=complex)
        for p in self.pairs:
            X = x[p.lo:p.hi].reshape(p.shape, order="F")
            out[p.lo:p.hi] = (p.K @ X + X @ p.Kp).ravel(order="F")
        return out

    def upper_product(self, x: np.ndarray) -> np.ndarray:
        return np.concatenate([p.upper @ x for p in self.pairs])

    def iteration(self, v: np.ndarray) -> np.ndarray:
        """G v = v - M^-1 A v (module docstring)."""
        if self.exact_split:
            return -self.solve(self.lower @ v)
        return v - self.solve(self.A @ v)

    def solve(self, b: np.ndarray) -> np.ndarray:
        """x = M^-1 b (pair order): backward block Gauss-Seidel sweep."""
        self.applications += 1
        x = np.zeros(self.size, dtype=complex)
        for p in reversed(self.pairs):
            rhs = b[p.lo:p.hi] - p.upper @ x
            x[p.lo:p.hi] = self._pair_solve(p, rhs)
        return x


def _arnoldi_near_one(
    G, X: np.ndarray, m: int, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Two eigenvalues of largest real part of G deflated by the known stationary elements X
    (Wielandt: G - X Y^dag with Y^dag X = 1 maps their eigenvalue 1 to 0 and keeps the rest):
    (|1 - mu| sorted, mu, Ritz vectors) in that order."""
    if X.shape[1]:
        Yh = np.linalg.solve(X.conj().T @ X, X.conj().T)

        def deflated(v: np.ndarray) -> np.ndarray:
            return G(v) - X @ (Yh @ v)

        op = spla.LinearOperator((m, m), matvec=deflated, dtype=complex)
    else:
        op = spla.LinearOperator((m, m), matvec=G, dtype=complex)
    rng = np.random.default_rng(seed)
    v0 = rng.normal(size=m) + 1j * rng.normal(size=m)
    try:
        mu, vecs = spla.eigs(op, k=2, which="LR", tol=ARNOLDI_TOL, v0=v0, ncv=40, maxiter=2000)
    except spla.ArpackNoConvergence as exc:
        raise IterativeUndecided("Arnoldi did not converge") from exc
    order = np.argsort(np.abs(1 - mu))
    return np.abs(1 - mu)[order], mu[order], vecs[:, order]


def _refine(
    A: sp.csr_matrix, precond, v: np.ndarray, scale: float, rtol: float
) -> np.ndarray | None:
    """A stationary element z = v + e near the Ritz vector v: GMRES (preconditioned) on
    A e = -A v, accepted only if ||A z||_1 <= rtol ||L||_1 ||z||_1 (else None)."""
    m = v.size
    Mop = spla.LinearOperator((m, m), matvec=precond, dtype=complex)
    z = v / np.abs(v).sum()
    for _ in range(3):  # a few restarts of the refinement
        r = A @ z
        if float(np.abs(r).sum()) <= rtol * scale * float(np.abs(z).sum()):
            return z
        e, _ = spla.gmres(A, -r, M=Mop, rtol=GMRES_RTOL, atol=0.0, restart=GMRES_RESTART,
                             maxiter=GMRES_MAXITER)
        if not np.all(np.isfinite(e)):
            return None
        z = z + e
    r = A @ z
    return z if float(np.abs(r).sum()) <= rtol * scale * float(np.abs(z).sum()) else None


def _kernel_by_deflation(
    A: sp.csr_matrix, G, precond, X: np.ndarray, scale: float, rtol: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Complete the stationary elements X of A (G = 1 - P A, P the preconditioner solve).

    Repeatedly: Arnoldi on G deflated by X (:func:`_arnoldi_near_one`); Ritz values within
    CANDIDATE_GAP of 1 are candidates, each refined by :func:`_refine` (true residual checked)
    and kept if independent of X (its part orthogonal to span X at least INDEPENDENCE_RTOL
    of it); stops when no Ritz value lies within CANDIDATE_GAP of 1. A candidate that does not
    refine, or no progress, raises :class:`IterativeUndecided`. Returns (X, final |1 - mu|).
    """
    m = A.shape[0]
    while True:
        gaps, _, vecs = _arnoldi_near_one(G, X, m, seed + X.shape[1])
        near = gaps <= CANDIDATE_GAP
        if not near.any():
            return X, gaps
        if X.shape[1] + int(near.sum()) > KERNEL_MAX:
            raise IterativeUndecided(f"more than {KERNEL_MAX} stationary elements in a block")
        added = 0
        for v in vecs[:, near].T:
            z = _refine(A, precond, v, scale, rtol)
            if z is None:
                raise IterativeUndecided(
                    f"a stationary candidate (|1 - mu| = {gaps}) does not refine to a residual "
                    f"<= {rtol:g} ||L||_1"
                )
            if X.shape[1]:
                Q = np.linalg.qr(X)[0]
                if np.linalg.norm(z - Q @ (Q.conj().T @ z)) < INDEPENDENCE_RTOL * np.linalg.norm(z):
                    continue
            X = np.column_stack([X, z])
            added += 1
        if not added:
            raise IterativeUndecided("stationary candidates repeat the known ones")


def iterative_block_kernel(
    A: sp.spmatrix, idx: np.ndarray, d: int, scale: float, rtol: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Right and left kernels of the block (module docstring): (right (m, k), left (m, k),
    magnitudes).

    For a block with populations the first right element is the solution with unit trace
    within the block and the first left one the trace; further ones (degenerate blocks) are
    found by deflation (:func:`_kernel_by_deflation`), on A for the right kernel and on A^dag
    (preconditioned by M^dag) for the left one; the two counts must agree. magnitudes are
    k zeros followed by |1 - mu| of the Ritz values that ended the right count. Raises
    :class:`IterativeUndecided` when the count is not clear.
    """
    M = SylvesterGaussSeidel(A, idx, d)
    Ap, m = M.A, M.size
    if m < 8:
        raise IterativeUndecided("block too small for Arnoldi")
    ordered = idx[M.order]
    pops = np.flatnonzero(ordered % (d + 1) == 0)
    X = np.zeros((m, 0), dtype=complex)
    trace = np.zeros((m, 0), dtype=complex)
    if pops.size:  # the candidate: A x = 0 with one population equation replaced by the trace
        trace = np.zeros((m, 1), dtype=complex)
        trace[pops, 0] = 1.0
        w = float(np.max(np.abs(Ap.diagonal()))) or 1.0
        B = Ap.tolil()
        B[pops[0], :] = 0
        B[pops[0], pops] = w
        B = B.tocsr()
        rhs = np.zeros(m, dtype=complex)
        rhs[pops[0]] = w
        Mop = spla.LinearOperator((m, m), matvec=M.solve, dtype=complex)
        for solver in ("bicgstab", "gmres"):  # BiCGSTAB: no orthogonalisation, ~1.5x faster
            if solver == "bicgstab":
                x, info = spla.bicgstab(B, rhs, M=Mop, rtol=GMRES_RTOL, atol=0.0,
                                        maxiter=GMRES_RESTART * GMRES_MAXITER)
            else:
                x, info = spla.gmres(B, rhs, M=Mop, rtol=GMRES_RTOL, atol=0.0,
                                     restart=GMRES_RESTART, maxiter=GMRES_MAXITER)
            size = float(np.abs(x).sum())
            resid = float(np.abs(Ap @ x).sum())
            if info == 0 and np.all(np.isfinite(x)) and resid <= rtol * scale * size:
                X = x[:, None]
                break
        # a degenerate block may make B singular: then all elements come from the deflation
    # any eigenvalue of (deflated) G near 1 is a further stationary element
    X, gaps = _kernel_by_deflation(Ap, M.iteration, M.solve, X, scale, rtol, m)
    k = X.shape[1]
    if pops.size and k == 0:
        raise IterativeUndecided("a block with populations shows no stationary element")
    right = np.empty((m, k), dtype=complex)
    right[M.order] = X
    if k == 0:
        return right, right.copy(), gaps
    if pops.size and k == 1:
        left_p = trace
    else:
        AH = Ap.conj().T.tocsr()

        def adjoint_iteration(v: np.ndarray) -> np.ndarray:  # 1 - M^-dag A^dag
            return v - M.solve_adjoint(AH @ v)

        left_p, _ = _kernel_by_deflation(AH, adjoint_iteration, M.solve_adjoint, trace,
                                         scale, rtol, m + 1)
        if left_p.shape[1] != k:
            raise IterativeUndecided(
                f"{k} right but {left_p.shape[1]} left stationary elements in a block"
            )
    left = np.empty((m, k), dtype=complex)
    left[M.order] = left_p
    return right, left, np.r_[np.zeros(k), gaps]
