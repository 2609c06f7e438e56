"""Steady states of Liouvillians (unique and degenerate), batched sweeps, time evolution.

Conventions: hbar = k_B = 1; superoperators act on COLUMN-stacked vec(rho),
``vec(rho)[i + j*d] = rho[i, j]`` and vec(A rho B) = (B^T (x) A) vec(rho) (as QuTiP; see
:mod:`symthermo.numeric.superop`). ``L`` is any trace-preserving, Hermiticity-preserving
generator: a Lindblad Liouvillian, a collision-model generator, or ``Phi - 1`` for a
stroboscopic map Phi (its fixed points are the kernel of Phi - 1).

Stationary space. The steady states are the kernel of L. Its dimension k is counted with an SVD
of L: singular values ``s <= rtol * s_max`` are zero (default ``rtol = 1e-10``: a relaxation
rate 1e10 times slower than the fastest scale of L counts as conserved). For k = 1 the state
solves L vec(rho) = 0 with one population equation replaced by the trace condition
Tr rho = 1 (the population equations sum to zero identically, so one of them is redundant).
For k > 1 the steady state depends on the initial state; :func:`steady_state` then needs
``initial_state`` and returns P rho_0 with the spectral projector

    P = sum_k |r_k><l_k|,   L r_k = 0,   l_k^dag L = 0,   l_j^dag r_k = delta_jk,

whose left vectors l_k are the conserved quantities J_k = unvec(l_k) (d/dt Tr[J_k^dag rho] = 0).
P rho_0 = lim_{t->oo} exp(L t) rho_0 if every non-zero eigenvalue of L has a negative real part;
if some are purely imaginary (undamped oscillating coherences) it is the time average.

Batched sweeps (:func:`steady_states_batched`, :func:`steady_states_from_entries`) work on the
Hermitian parametrisation of rho: d^2 real unknowns (rho_ii, Re rho_ij, Im rho_ij for i < j)
and the d^2 real equations Re/Im (L rho)_ij, i <= j. That real (d^2, d^2) system is built from
L by an index gather, about 4x fewer flops than the complex system, and split into the blocks
the batch's sparsity pattern decouples. Two interchangeable backends solve it (no Python loop
over points): a compiled C pass over the points (:mod:`symthermo.numeric.steady_c`, the
default where a C compiler exists) and stacked LAPACK calls over cache-sized chunks.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache

import numpy as np
from numpy.typing import ArrayLike

from ..validate import choice, positive_finite
from . import steady_c
from .errors import DegenerateSteadyStateError, NumericDomainError, NumericParameterError
from .superop import check_trace_preserving, superop_dimension, unvec, vec

try:  # the LAPACK gufunc behind np.linalg.solve: lets singular stack members become NaN
    from numpy.linalg import _umath_linalg as _lapack  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - numpy without the private module
    _lapack = None

__all__ = [
    "DegenerateSteadyStateError",
    "SteadyState",
    "evolve",
    "expm",
    "steady_state",
    "steady_states_batched",
    "steady_states_from_entries",
]

#: Default relative tolerance for the null-space dimension (singular values / largest).
NULLSPACE_RTOL = 1e-10
#: Default bound on the estimated condition number in batched solves (beyond it: degenerate).
BATCH_CONDITION_LIMIT = 1e12
#: Real blocks up to this size are assembled in Fortran order (see _BlockSolver).
FORTRAN_LAYOUT_MAX = 32
#: Real systems of at least this size are split into their decoupled blocks before solving.
BLOCK_SPLIT_MIN_SIZE = 16


# --------------------------------------------------------------------------------------------
# single problems
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SteadyState:
    """A steady state of a generator L and what was learnt about its stationary space.

    rho: the steady state (d, d), Hermitian, unit trace.
    stationary_dimension: k = dim ker L (1 = unique).
    conserved_quantities: (k, d, d) Hermitian matrices J with d/dt Tr[J rho] = 0, orthonormal in
        Tr[J_a J_b]; for k = 1 this is the identity / sqrt(d) (trace conservation).
    residual: ||L vec(rho)||_2 / ||L||_2.
    relative_singular_values: singular values of L divided by the largest, ascending.
    rtol: the tolerance that counted the null space (singular values <= rtol are zero).
    projected: True if rho = P rho_0 was projected from an initial state (k > 1).
    method: "dense" (SVD of the whole L) or "sparse-direct" / "sparse-iterative"
        (:func:`symthermo.numeric.sparse_steady.sparse_steady_state`: block by block; then
        ``relative_singular_values`` are the relative magnitudes that decided k, see there).
    """

    rho: np.ndarray
    stationary_dimension: int
    conserved_quantities: np.ndarray
    residual: float
    relative_singular_values: np.ndarray = field(repr=False)
    rtol: float = NULLSPACE_RTOL
    projected: bool = False
    method: str = "dense"

    def __repr__(self) -> str:
        from ..emit.display import steady_text

        return steady_text(self)

    def _repr_latex_(self) -> str:
        from ..emit.display import steady_latex

        return steady_latex(self)

    def _repr_html_(self) -> str:
        from ..emit.display import pre_html

        return pre_html(self.report())

    def _latex(self, printer: object = None) -> str:
        return self._repr_latex_().strip("$")

    def report(self) -> str:
        """A short text summary (dimension, residual, gap to the first non-zero singular value)."""
        k = self.stationary_dimension
        sv = self.relative_singular_values
        gap = sv[k] if k < sv.size else float("nan")
        kind = "unique" if k == 1 else f"degenerate (dimension {k}), projected from rho_0"
        purity = float(np.real(np.trace(self.rho @ self.rho)))
        return "\n".join(
            [
                f"steady state: {kind} ({self.method} route)",
                f"  Hilbert dimension d = {self.rho.shape[-1]}, purity Tr rho^2 = {purity:.6g}",
                f"  residual ||L rho|| / ||L|| = {self.residual:.3g}",
                f"  null space: singular values / max <= {self.rtol:g}; "
                f"largest zero = {sv[k - 1] if k else float('nan'):.3g}, "
                f"smallest non-zero = {gap:.3g}",
                f"  conserved quantities: {k}",
            ]
        )


def _hermitian_basis(mats: np.ndarray, tol: float = 1e-8) -> np.ndarray:
    """Orthonormal Hermitian basis (Tr[A B] = delta) of span{J_k} when it is closed under dag."""
    k, d, _ = mats.shape
    dag = mats.conj().swapaxes(-1, -2)
    herm = np.concatenate([mats + dag, 1j * (mats - dag)]) / 2
    real = np.concatenate([herm.real.reshape(2 * k, -1), herm.imag.reshape(2 * k, -1)], axis=1)
    _, s, vh = np.linalg.svd(real, full_matrices=False)
    r = int(np.count_nonzero(s > tol * max(s[0], 1e-300)))
    if r != k:  # not closed under dag (not a Hermiticity-preserving L): return as computed
        return mats
    out = vh[:r, : d * d].reshape(r, d, d) + 1j * vh[:r, d * d :].reshape(r, d, d)
    for a in range(r):  # deterministic signs: positive trace (or positive first large entry)
        t = np.trace(out[a]).real
        if abs(t) < 1e-12:
            flat = out[a].reshape(-1)
            t = flat[np.argmax(np.abs(flat) > 1e-8)].real
        if t < 0:
            out[a] = -out[a]
    return out


#: ``method="auto"`` uses the dense SVD route up to this size of L (d^2; 4 qubits) and the
#: sparse block route above it (or whenever L is a scipy.sparse matrix).
DENSE_MAX_SIZE = 256
STEADY_METHODS = ("auto", "dense", "sparse", "iterative")


def steady_state(
    L: ArrayLike,
    initial_state: ArrayLike | None = None,
    *,
    rtol: float = NULLSPACE_RTOL,
    check_trace: bool = True,
    method: str = "auto",
) -> SteadyState:
    """Steady state of a trace-preserving generator L ((d^2, d^2), column stacking).

    ``method``: ``"dense"`` (below), ``"sparse"`` / ``"iterative"``
    (:func:`symthermo.numeric.sparse_steady.sparse_steady_state` with method ``"direct"``,
    sparse LU, or ``"iterative"``, preconditioned GMRES with an Arnoldi count; block by
    block, stationary dimension detected per block with the same ``rtol``), or
    ``"auto"`` (default): sparse (its ``"auto"``: large blocks iteratively when that decides
    them clearly) when L is a scipy.sparse matrix or larger than :data:`DENSE_MAX_SIZE`,
    dense otherwise. Same results, errors and guarantees.

    Counts k = dim ker L with an SVD (singular values <= ``rtol`` * largest are zero).
    k = 1: solves L vec(rho) = 0 with one population equation replaced by Tr rho = 1 and
    returns the Hermitian part. k > 1: raises :class:`DegenerateSteadyStateError` unless
    ``initial_state`` rho_0 is given; then returns P rho_0 with the spectral projector
    P = sum_k |r_k><l_k| (biorthonormal right/left kernel vectors, see the module docstring).
    Raises NotTracePreservingError if vec(I)^dag L != 0 (``check_trace=False`` skips the check,
    e.g. after checking a map Phi before forming Phi - 1).
    """
    positive_finite("rtol", rtol, error=NumericParameterError)
    if method not in STEADY_METHODS:
        raise NumericDomainError(f"method must be one of {STEADY_METHODS}, got {method!r}")
    import scipy.sparse as sp

    size = L.shape[0] if hasattr(L, "shape") and len(L.shape) == 2 else 0
    if method in ("sparse", "iterative") or (
        method == "auto" and (sp.issparse(L) or size > DENSE_MAX_SIZE)
    ):
        from .sparse_steady import sparse_steady_state

        return sparse_steady_state(
            L if sp.issparse(L) else sp.csr_matrix(np.asarray(L, dtype=complex)),
            initial_state,
            rtol=rtol,
            method={"sparse": "direct", "iterative": "iterative"}.get(method, "auto"),
            check_trace=check_trace,
        )
    Lm = _as_complex_array(L.toarray() if sp.issparse(L) else L, "L")
    if Lm.ndim != 2 or Lm.shape[0] != Lm.shape[1]:
        raise NumericDomainError(f"L must be a square (d^2, d^2) matrix, got shape {Lm.shape}")
    d = superop_dimension(Lm.shape[0])
    if not np.isfinite(Lm).all():
        raise NumericDomainError(
            "L has non-finite entries (NaN or inf): check the parameters it was built from "
            "(e.g. a temperature of zero or a division by zero in a rate)"
        )
    if initial_state is not None:  # a projection needs a state: check it before any work
        from .measures import check_density_matrix

        rho0 = _as_complex_array(initial_state, "initial_state")
        if rho0.shape != (d, d):
            raise NumericDomainError(f"initial_state must have shape ({d}, {d}), got {rho0.shape}")
        check_density_matrix(rho0)
    if check_trace:
        check_trace_preserving(Lm)
    U, s, Vh = np.linalg.svd(Lm)
    smax = s[0] if s[0] > 0 else 1.0
    rel = s[::-1] / smax
    k = int(np.count_nonzero(s <= rtol * smax))
    if k == 0:  # cannot happen for a trace-preserving L up to rounding; be explicit
        raise NumericDomainError(
            f"L has no kernel (smallest singular value / largest = {rel[0]:.3g} > rtol {rtol:g}):"
            " it does not generate trace-preserving dynamics, or rounding is large against its "
            "scale (e.g. Phi - 1 of a collision map with tau below ~1e-6)"
        )
    left = U[:, -k:]  # columns l with l^dag L = 0
    right = Vh[-k:].conj().T  # columns r with L r = 0
    conserved = _hermitian_basis(np.stack([unvec(left[:, a], d) for a in range(k)]))
    if k == 1:
        rho = _solve_unique(Lm[None])[0]
        projected = False
    else:
        if initial_state is None:
            raise DegenerateSteadyStateError(
                f"the stationary space has dimension {k} (singular values of L below "
                f"{rtol:g} * max: {k}), so the steady state depends on the initial state. "
                "Likely cause: dark states or a symmetry, e.g. collective coupling of identical "
                "subsystems to one bath, leaving conserved quantities besides the trace "
                f"({k - 1} extra). Pass initial_state=rho0 to project rho0 onto the stationary "
                "space (P rho0 = long-time limit of exp(L t) rho0).",
                dimension=k,
            )
        rho0 = np.asarray(initial_state, dtype=complex)
        M = left.conj().T @ right  # l_j^dag r_k
        coeff = np.linalg.solve(M, left.conj().T @ vec(rho0))
        rho = unvec(right @ coeff, d)
        rho = 0.5 * (rho + rho.conj().T)
        projected = True
    residual = float(np.linalg.norm(Lm @ vec(rho)) / smax)
    return SteadyState(
        rho=rho,
        stationary_dimension=k,
        conserved_quantities=conserved,
        residual=residual,
        relative_singular_values=rel,
        rtol=rtol,
        projected=projected,
    )


def _solve_unique(Ls: np.ndarray) -> np.ndarray:
    rho, cond = _batched_core(Ls)
    bad = ~np.isfinite(cond) | (cond > 1e15)
    if np.any(bad):  # SVD said unique; the LU says otherwise: fall back to the SVD null vector
        for b in np.flatnonzero(bad):
            _, _, vh = np.linalg.svd(Ls[b])
            r = unvec(vh[-1].conj(), rho.shape[-1])
            r = r / np.trace(r)
            rho[b] = 0.5 * (r + r.conj().T)
    return rho


# --------------------------------------------------------------------------------------------
# batched real formulation
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _RealBasis:
    """Index tables of the Hermitian parametrisation for Hilbert dimension d.

    Unknown/equation order: [rho_ii (d)], [Re rho_ij, i<j (m)], [Im rho_ij, i<j (m)].
    A_real[r, c] = s1[r, c] * Lf[rowcol1[r, c]] + s2[r, c] * Lf[rowcol2[r, c]] where Lf is the
    float view (n, 2n) of the complex L (real part at even, imaginary at odd positions).
    ``to_rho`` (n, 2 d^2): x @ to_rho is the float view of rho (row-major, (Re, Im) pairs).
    """

    d: int
    iu: np.ndarray
    ju: np.ndarray
    idx1: np.ndarray
    s1: np.ndarray
    idx2: np.ndarray
    s2: np.ndarray
    diag_unknowns: np.ndarray
    to_rho: np.ndarray


@cache
def _real_basis(d: int) -> _RealBasis:
    n = d * d
    iu, ju = np.triu_indices(d, 1)
    m = iu.size
    dg = np.arange(d)
    p_diag = dg * (d + 1)
    p_up = iu + ju * d  # vec index of rho[i, j], i < j
    q_up = ju + iu * d  # vec index of rho[j, i]
    # columns: (c1, f1, c2, f2) with the complex column f1 L[:, c1] + f2 L[:, c2]
    c1 = np.concatenate([p_diag, p_up, p_up])
    c2 = np.concatenate([p_diag, q_up, q_up])
    f1 = np.concatenate([np.ones(d), np.ones(m), np.full(m, 1j)])
    f2 = np.concatenate([np.zeros(d), np.ones(m), np.full(m, -1j)])
    # rows: (vec row, part) with part 0 = Re, 1 = Im
    rows = np.concatenate([p_diag, p_up, p_up])
    part = np.concatenate([np.zeros(d + m, int), np.ones(m, int)])

    def table(cols: np.ndarray, f: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # Re(f z): f=1 -> +Re z, f=i -> -Im z, f=-i -> +Im z
        # Im(f z): f=1 -> +Im z, f=i -> +Re z, f=-i -> -Re z
        R = rows[:, None]
        P = part[:, None]
        F = f[None, :]
        is_real_f = F.imag == 0
        take_im = np.where(is_real_f, P == 1, P == 0)
        sign = np.where(
            is_real_f,
            F.real,
            np.where(P == 0, -F.imag, F.imag),
        )
        idx = R * (2 * n) + 2 * cols[None, :] + take_im.astype(int)
        return idx.astype(np.intp), sign.astype(float)

    idx1, s1 = table(c1, f1)
    idx2, s2 = table(c2, f2)
    to_rho = np.zeros((n, d, d, 2))
    to_rho[dg, dg, dg, 0] = 1.0
    up = np.arange(m)
    to_rho[d + up, iu, ju, 0] = 1.0
    to_rho[d + up, ju, iu, 0] = 1.0
    to_rho[d + m + up, iu, ju, 1] = 1.0
    to_rho[d + m + up, ju, iu, 1] = -1.0
    return _RealBasis(d, iu, ju, idx1, s1, idx2, s2, np.arange(d), to_rho.reshape(n, 2 * n))


class _BlockSolver:
    """Solve one block of the real system for successive chunks of a batch.

    Index tables: A[r, c] = s1 * Lf[idx1] + s2 * Lf[idx2] restricted to the unknowns ``sel``
    (all if None). Small blocks (m <= FORTRAN_LAYOUT_MAX) are gathered transposed, so every
    matrix is in Fortran order (the layout LAPACK copies fastest); larger ones row by row, which
    reads L with far better cache locality than LAPACK's transposing copy costs. The work
    buffers are allocated once and reused for every chunk: fresh multi-megabyte temporaries
    cost more in page faults than the arithmetic.

    With ``trace=True`` the first population equation is replaced by w * sum_i rho_ii = w,
    w = max_i |A_ii| per point (scale-matched). A further right-hand side (the only one of a
    block without trace row), a fixed probe vector r, gives the condition estimate
    ||A||_F ||A^-1 r||_2 / ||r||_2 (at most sqrt(m) times a lower bound of cond_2(A); tight up
    to that factor with high probability). With
    ``probe=False`` there is no probe column (estimate 0, or inf for a non-finite solution) and
    a block without trace row is not solved at all. The entries of L are gathered once per
    chunk for all blocks (:attr:`indices`, placed at ``gather_offset``) by the caller.
    """

    def __init__(
        self, rb: _RealBasis, sel: np.ndarray | None, chunk: int, trace: bool, probe: bool = True
    ) -> None:
        n = rb.d * rb.d
        sel = np.arange(n) if sel is None else sel
        ix = np.ix_(sel, sel)
        m = sel.size
        self.m = m
        self.fortran = m <= FORTRAN_LAYOUT_MAX
        idx1, s1, idx2, s2 = rb.idx1[ix], rb.s1[ix], rb.idx2[ix], rb.s2[ix]
        if self.fortran:
            idx1, s1, idx2, s2 = idx1.T, s1.T, idx2.T, s2.T
        self.i1t = idx1.ravel()
        self.s1t = s1.ravel()
        i2t = idx2.ravel()
        s2t = s2.ravel()
        # second terms exist only for the off-diagonal unknowns (columns), which follow the
        # populations in every block: in the transposed layout they form one contiguous tail
        nz = s2t != 0
        if not self.fortran:
            self.first = 0
        elif np.any(nz):
            self.first = int(np.argmax(nz))
        else:  # a block of populations only
            self.first = nz.size
        keep = slice(self.first, None) if self.fortran else nz
        self.i2tail = i2t[keep]
        self.s2tail = s2t[keep]
        if self.fortran and not np.all(nz[self.first :]):  # pragma: no cover - invariant
            raise AssertionError("second terms do not form a contiguous tail")
        self.diag_pos = np.flatnonzero(sel < rb.d)
        self.trace_row = int(self.diag_pos[0]) if trace else None
        self.At = np.empty((chunk, m * m))
        self.tmp = np.empty((chunk, self.i2tail.size))
        self.probe = probe
        vector = _probe_vector(m)
        self.probe_norm = float(np.linalg.norm(vector))
        # right-hand sides: [solution column (trace block only)] + [probe column]
        self.sol_col = 0 if self.trace_row is not None else None
        self.probe_col = int(self.trace_row is not None) if probe else None
        self.rhs = np.zeros((chunk, m, max(1, (self.sol_col is not None) + probe)))
        if self.probe_col is not None:
            self.rhs[:, :, self.probe_col] = vector
        self.X = np.empty_like(self.rhs)
        self.diag_index = np.arange(m)
        self.gather_offset = 0  # position of this block's indices in the chunk gather

    @property
    def active(self) -> bool:
        """False for a block without trace row when no condition estimate is asked for."""
        return self.probe or self.trace_row is not None

    @property
    def indices(self) -> np.ndarray:
        """Float positions in Lf this block reads: first terms, then second terms."""
        return np.concatenate([self.i1t, self.i2tail])

    def solve(self, G: np.ndarray) -> tuple[np.ndarray | None, np.ndarray]:
        """Solution (bc, m) (None without trace row) and condition estimates (bc,).

        ``G`` (bc, k) holds the chunk's gathered entries of Lf, this block's ``indices`` from
        column ``gather_offset`` on.
        """
        bc, m = G.shape[0], self.m
        if not self.active:
            return None, np.zeros(bc)
        At = self.At[:bc]
        o1 = self.gather_offset
        o2 = o1 + self.i1t.size
        np.multiply(G[:, o1:o2], self.s1t, out=At)
        if self.i2tail.size:
            tmp = self.tmp[:bc]
            np.multiply(G[:, o2 : o2 + self.i2tail.size], self.s2tail, out=tmp)
            if self.fortran:
                tail = At[:, self.first :]
                np.add(tail, tmp, out=tail)
            else:  # off-diagonal columns of every row
                A3 = At.reshape(bc, m, m)
                ncol = self.i2tail.size // m
                cols = A3[:, :, m - ncol :]
                np.add(cols, tmp.reshape(bc, m, ncol), out=cols)
        A = At.reshape(bc, m, m)
        if self.fortran:
            A = A.swapaxes(-1, -2)
        rhs = self.rhs[:bc]
        if self.trace_row is not None:
            tr = self.trace_row
            w = np.abs(A[:, self.diag_index, self.diag_index]).max(axis=1)
            w[w == 0] = 1.0
            A[:, tr, :] = 0.0
            A[:, tr, self.diag_pos] = w[:, None]
            rhs[:, tr, 0] = w
        X = self.X[:bc]
        _solve_stack(A, rhs, X)
        x = X[:, :, self.sol_col] if self.sol_col is not None else None
        if self.probe_col is None:
            cond = np.where(np.isfinite(X[:, :, 0]).all(axis=1), 0.0, np.inf)
            return x, cond
        # ||A||_F ||A^-1 r||_2 / ||r||_2: within sqrt(m) of a lower bound of cond_2(A)
        norm_f = np.sqrt(np.einsum("ij,ij->i", At, At))
        with np.errstate(invalid="ignore", over="ignore"):
            xr = X[:, :, self.probe_col]
            cond = norm_f * np.sqrt(np.einsum("ij,ij->i", xr, xr)) / self.probe_norm
        cond[~np.isfinite(cond)] = np.inf
        return x, cond


def _components(pattern: np.ndarray) -> list[np.ndarray]:
    """Connected components of the undirected graph with adjacency ``pattern | pattern.T``."""
    adj = pattern | pattern.T
    n = adj.shape[0]
    label = np.full(n, -1)
    comps = []
    for start in range(n):
        if label[start] >= 0:
            continue
        members = np.zeros(n, bool)
        members[start] = True
        frontier = members.copy()
        while frontier.any():
            reach = adj[frontier].any(axis=0) & ~members
            members |= reach
            frontier = reach
        label[members] = len(comps)
        comps.append(np.flatnonzero(members))
    return comps


_RNG_VECTOR_CACHE: dict[int, np.ndarray] = {}


def _probe_vector(m: int) -> np.ndarray:
    """Fixed pseudo-random vector (entries +-[1, 2)) used to estimate condition numbers."""
    v = _RNG_VECTOR_CACHE.get(m)
    if v is None:
        rng = np.random.default_rng(12345 + m)
        v = (1 + rng.random(m)) * rng.choice([-1.0, 1.0], m)
        _RNG_VECTOR_CACHE[m] = v
    return v


def _solve_stack(A: np.ndarray, b: np.ndarray, out: np.ndarray) -> None:
    """out = solve(A, b) on a stack; singular members give NaN instead of raising."""
    if _lapack is not None:
        with np.errstate(invalid="ignore", divide="ignore", over="ignore", under="ignore"):
            if b.shape[-1] == 1:  # the vector gufunc is the faster path
                _lapack.solve1(A, b[..., 0], out=out[..., 0], signature="dd->d")
            else:
                _lapack.solve(A, b, out=out, signature="dd->d")
        return
    try:  # pragma: no cover - fallback path
        out[...] = np.linalg.solve(A, b)
    except np.linalg.LinAlgError:  # pragma: no cover
        out[...] = np.nan
        for i in range(A.shape[0]):
            with contextlib.suppress(np.linalg.LinAlgError):
                out[i] = np.linalg.solve(A[i], b[i])


def _entry_magnitudes(
    Ls: np.ndarray, chunk: int, compiled: bool
) -> tuple[np.ndarray, bool]:
    """max over the batch of |entry| for every float entry of L, and whether all are finite."""
    B, n, _ = Ls.shape
    if compiled:
        flat = np.ascontiguousarray(Ls, dtype=np.complex128)
        return steady_c.entry_magnitudes(flat.view(np.float64).reshape(B, 2 * n * n))
    mags = np.zeros(2 * n * n)
    buf = np.empty((min(chunk, B), 2 * n * n))
    for start in range(0, B, chunk):
        part = np.ascontiguousarray(Ls[start : start + chunk], dtype=np.complex128)
        a = buf[: part.shape[0]]
        np.abs(part.view(np.float64).reshape(part.shape[0], -1), out=a)
        np.maximum(mags, a.max(axis=0), out=mags)  # NaN propagates
    return mags, bool(np.all(np.isfinite(mags)))


def _block_structure(
    Ls: np.ndarray, rb: _RealBasis, chunk: int, compiled: bool = False
) -> list[np.ndarray] | None:
    """Decoupled blocks of the real system common to the whole batch (None: one block).

    Entries below 1e-14 of the largest entry of the batch count as zero. A batch with
    non-finite entries is not split (its points then fail in the solve and are flagged).
    """
    n = Ls.shape[-1]
    if n < BLOCK_SPLIT_MIN_SIZE:
        return None
    return _structure_from_magnitudes(*_entry_magnitudes(Ls, chunk, compiled), rb)


def _structure_from_magnitudes(
    mags: np.ndarray, finite: bool, rb: _RealBasis
) -> list[np.ndarray] | None:
    """Blocks from the batch's largest |entry| of every float entry of L (see above)."""
    if not finite:
        return None
    thr = 1e-14 * max(float(mags.max(initial=0.0)), 1e-300)
    nzmag = mags > thr
    pattern = nzmag[rb.idx1] | (nzmag[rb.idx2] & (rb.s2 != 0))
    comps = _components(pattern)
    return None if len(comps) == 1 else comps


def _main_blocks(comps: list[np.ndarray] | None, d: int) -> tuple[int, int]:
    """(number of blocks holding populations, index of the first: it gets the trace row)."""
    if comps is None:
        return 1, 0
    has_pop = [bool(np.any(c < d)) for c in comps]
    return sum(has_pop), has_pop.index(True)


#: Bytes of real work matrix per chunk of a batched solve (buffers are reused across chunks);
#: a chunk holds at least 4 points.
BATCH_CHUNK_BYTES = 1 << 20


def _compiled(backend: str) -> bool:
    """Whether ``backend`` ('auto', 'c' or 'numpy') means the compiled solver."""
    if backend == "numpy":
        return False
    if steady_c.available():
        return True
    if backend == "c":
        raise NumericDomainError(
            "backend='c' needs the compiled steady-state solver, which could not be built "
            f"here: {steady_c.unavailable_reason()} (install a C compiler, e.g. apt-get install "
            "gcc, or use backend='numpy')"
        )
    return False


_C_PLANS: dict[tuple, steady_c.BlockPlan] = {}


def _c_plan(
    rb: _RealBasis, sels: list[np.ndarray], trace_block: int, support: np.ndarray | None = None
) -> steady_c.BlockPlan:
    key = (rb.d, trace_block, None if support is None else support.tobytes(),
           *(sel.tobytes() for sel in sels))
    plan = _C_PLANS.get(key)
    if plan is None:
        plan = _C_PLANS[key] = steady_c.block_plan(rb, sels, trace_block, _probe_vector, support)
    return plan


def _solve_compiled(
    Lf: np.ndarray,
    rb: _RealBasis,
    comps: list[np.ndarray] | None,
    support: np.ndarray | None,
    probe: bool,
    workers: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Compiled solve of the float view ``Lf`` (B, 2 n^2), or (B, 2 s) of the entries at
    ``support``, split into the blocks ``comps`` (None: one block): (rho, cond)."""
    B, d, n = Lf.shape[0], rb.d, rb.d * rb.d
    main_count, first_main = _main_blocks(comps, d)
    plan = _c_plan(rb, [np.arange(n)] if comps is None else comps, first_main, support)
    rho = np.empty((B, d, d), dtype=np.complex128)
    cond = np.empty(B)
    steady_c.solve_blocks(Lf, plan, probe, rho.view(np.float64).reshape(B, 2 * d * d), cond,
                          workers)
    if main_count > 1:  # populations split into uncoupled sets: each has its own trace
        cond[:] = np.inf
    return rho, cond


def _batched_core(
    Ls: np.ndarray, workers: int = 1, probe: bool = True, backend: str = "auto"
) -> tuple[np.ndarray, np.ndarray]:
    """Steady states (B, d, d) of a stack of generators and condition estimates (B,).

    Compiled backend (:mod:`symthermo.numeric.steady_c`): one C pass over the points, each
    point's blocks gathered, solved and written as rho while its L is in cache. numpy backend:
    the batch is processed in chunks of about BATCH_CHUNK_BYTES of work matrix (a loop over
    chunks and blocks; each step is one vectorised gather and one stacked LAPACK call). With
    ``workers > 1`` the points (chunks) are shared among that many threads (the C call, numpy
    and LAPACK release the GIL), each with its own work space.
    """
    B, n, _ = Ls.shape
    d = superop_dimension(n)
    rb = _real_basis(d)
    workers = max(1, min(int(workers), B))
    chunk = max(1, min(-(-B // workers), max(4, BATCH_CHUNK_BYTES // (8 * n * n))))
    compiled = _compiled(backend)
    comps = _block_structure(Ls, rb, chunk, compiled)
    sels: list[np.ndarray | None] = [None] if comps is None else list(comps)
    main_count, first_main = _main_blocks(comps, d)
    if compiled:
        flat = np.ascontiguousarray(Ls, dtype=np.complex128)
        return _solve_compiled(flat.view(np.float64).reshape(B, 2 * n * n), rb, comps, None,
                               probe, workers)
    x = np.zeros((B, n))
    cond = np.zeros(B)
    starts = list(range(0, B, chunk))

    def run(my_starts: list[int]) -> None:
        solvers = [
            _BlockSolver(rb, sel, chunk, trace=(k == first_main), probe=probe)
            for k, sel in enumerate(sels)
        ]
        # one gather per chunk for every block: each point's L is read from memory once
        tables = []
        offset = 0
        for solver in solvers:
            solver.gather_offset = offset
            if solver.active:
                tables.append(solver.indices)
                offset += tables[-1].size
        gather_index = np.concatenate(tables) if tables else np.zeros(0, np.intp)
        gathered = np.empty((chunk, gather_index.size))
        for start in my_starts:
            stop = min(start + chunk, B)
            part = np.ascontiguousarray(Ls[start:stop], dtype=np.complex128)
            Lf = part.view(np.float64).reshape(stop - start, 2 * n * n)
            G = gathered[: stop - start]
            np.take(Lf, gather_index, axis=1, out=G, mode="clip")
            broken = ~np.isfinite(Lf).all(axis=1)  # NaN / inf anywhere flags the point
            for sel, solver in zip(sels, solvers, strict=True):
                xs, cb = solver.solve(G)
                if xs is not None:
                    if sel is None:
                        x[start:stop] = xs
                    else:
                        x[start:stop, sel] = xs
                np.maximum(cond[start:stop], cb, out=cond[start:stop])
            cond[start:stop][broken] = np.inf

    if workers == 1 or len(starts) == 1:
        run(starts)
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for future in [pool.submit(run, starts[w::workers]) for w in range(workers)]:
                future.result()
    if main_count > 1:  # populations split into uncoupled sets: each has its own trace
        cond[:] = np.inf
    rho = (x @ rb.to_rho).view(np.complex128).reshape(B, d, d)
    return rho, cond


def _as_complex_array(a: ArrayLike, what: str) -> np.ndarray:
    """A numeric array as complex; None, text and objects are refused by name."""
    arr = a if isinstance(a, np.ndarray) else np.asarray(a)
    if arr.dtype.kind not in "fiuc":
        raise NumericDomainError(
            f"{what} must be a numeric array, got {type(a).__name__} of dtype {arr.dtype}"
        )
    return np.asarray(arr, dtype=complex)


def _check_options(
    on_degenerate: str, backend: str, condition_limit: float | None = None, workers: int = 1
) -> None:
    choice("on_degenerate", on_degenerate, ("raise", "nan"), NumericDomainError)
    choice("backend", backend, ("auto", "c", "numpy"), NumericDomainError)
    positive_finite("condition_limit", condition_limit, allow_none=True,
                    error=NumericParameterError)
    if isinstance(workers, bool) or not isinstance(workers, (int, np.integer)) or workers < 1:
        raise NumericDomainError(f"workers must be a positive int, got {workers!r}")


def _flag_points(
    rho: np.ndarray,
    cond: np.ndarray,
    condition_limit: float | None,
    on_degenerate: str,
    non_finite: Callable[[np.ndarray], np.ndarray],
) -> None:
    """Raise for (or set to NaN) the points whose condition estimate fails the limit.

    ``non_finite(idx)``: mask of the points ``idx`` whose generator has a NaN or inf entry;
    those are refused with a :class:`NumericDomainError` first (a broken input, not a
    degenerate steady state).
    """
    limit = np.inf if condition_limit is None else condition_limit
    bad = ~np.isfinite(cond) | (cond > limit)
    if not np.any(bad):
        return
    idx = np.flatnonzero(bad)
    broken = idx[non_finite(idx)]
    if broken.size:
        shown = ", ".join(str(int(i)) for i in broken[:20])
        raise NumericDomainError(
            f"{broken.size} of {cond.size} generators have non-finite entries (NaN or "
            f"inf): flat batch indices [{shown}{' ...' if broken.size > 20 else ''}]. Check "
            "the parameters of those points (e.g. a temperature of zero or a division by "
            "zero in a rate)."
        )
    if on_degenerate == "raise":
        shown = ", ".join(str(int(i)) for i in idx[:20]) + (" ..." if idx.size > 20 else "")
        why = (f"estimated condition number > {limit:g}" if condition_limit is not None
               else "singular to working precision")
        raise DegenerateSteadyStateError(
            f"{idx.size} of {cond.size} points have a degenerate (or numerically "
            f"ill-conditioned, {why}) stationary "
            f"space: flat batch indices [{shown}]. Likely cause: dark states or a symmetry "
            "(collective coupling of identical subsystems, conserved quantities). Use "
            "on_degenerate='nan' to get a mask, and steady_state(L, initial_state=rho0) "
            "for those points.",
            indices=idx,
        )
    rho[idx] = np.nan


def steady_states_batched(
    Ls: ArrayLike,
    *,
    condition_limit: float | None = BATCH_CONDITION_LIMIT,
    on_degenerate: str = "raise",
    workers: int = 1,
    backend: str = "auto",
) -> np.ndarray:
    """Steady states of a stack of generators in one vectorised solve: (..., n, n) -> (..., d, d).

    Every L must be trace preserving and Hermiticity preserving (Lindblad or collision
    generators; not checked here, for speed). Each point is solved in the Hermitian real
    parametrisation (module docstring) with the first population equation replaced by
    Tr rho = 1, by the compiled solver or by stacked LAPACK calls over chunks of the batch
    (about 1 MB of work matrix each; buffers reused), see ``backend``. For d^2 >= 16 the real
    system is first split into the blocks that the batch's common sparsity pattern decouples
    (e.g. the coherence sectors of an excitation-conserving model); entries below 1e-14 of the
    largest count as zero for that split; all blocks are factorised, so no degeneracy is missed.

    Degeneracy: a point is flagged when the estimated condition number of its trace-replaced
    system exceeds ``condition_limit`` (default 1e12), or the LU finds an exact zero pivot. That
    happens when the stationary space has dimension > 1 (dark states, symmetries, collective
    coupling) or is numerically ill-conditioned. ``on_degenerate="raise"`` (default) raises
    :class:`DegenerateSteadyStateError` whose ``indices`` are the flat batch indices;
    ``on_degenerate="nan"`` returns NaN for those points (mask: ``np.isnan(rho[..., 0, 0])``).
    Use :func:`steady_state` with ``initial_state`` on the flagged points.
    ``condition_limit=None`` skips the condition estimate (about 1.5x faster for d <= 4;
    only singular points, zero pivots, are flagged then -- the compiled solver counts a pivot
    below 16 m eps max|A| as zero, since rounding seldom leaves an exact zero; use it when the
    model is known to have a unique steady state).

    ``workers``: number of threads sharing the points of the batch (default 1: no thread is
    started). Useful on idle multi-core machines; results do not depend on it.

    ``backend``: ``"auto"`` (default) uses the compiled solver of
    :mod:`symthermo.numeric.steady_c` (built with the machine's C compiler on first use and
    cached) and numpy/LAPACK when no compiler is available; ``"c"`` insists on the compiled
    solver, ``"numpy"`` on numpy/LAPACK. Both solve the same systems with partial pivoting and
    agree to rounding; the compiled one avoids numpy's per-call and LAPACK's per-matrix
    overheads, which dominate for small blocks (several times faster for two qubits).

    A generator with a non-finite entry (NaN, inf) is refused with a
    :class:`NumericDomainError` that lists the offending points.
    """
    _check_options(on_degenerate, backend, condition_limit, workers)
    L = _as_complex_array(Ls, "Ls")
    if L.ndim < 2 or L.shape[-1] != L.shape[-2]:
        raise NumericDomainError(f"Ls must have shape (..., n, n), got {L.shape}")
    n = L.shape[-1]
    d = superop_dimension(n)
    batch = L.shape[:-2]
    flat = L.reshape(-1, n, n)
    if flat.shape[0] == 0:
        return np.zeros((*batch, d, d), dtype=complex)
    rho, cond = _batched_core(flat, workers, probe=condition_limit is not None, backend=backend)
    _flag_points(rho, cond, condition_limit, on_degenerate,
                 lambda idx: ~np.isfinite(flat[idx]).all(axis=(1, 2)))
    return rho.reshape(*batch, d, d)


def _entries_core(
    E: np.ndarray, support: np.ndarray, n: int, workers: int, probe: bool, backend: str
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_batched_core` for generators stored as their entries at ``support``."""
    B, s = E.shape
    d = superop_dimension(n)
    rb = _real_basis(d)
    if not _compiled(backend):  # numpy: dense generators, a few MB at a time
        step = max(1, (8 << 20) // (16 * n * n))
        rho = np.empty((B, d, d), dtype=np.complex128)
        cond = np.empty(B)
        dense = np.zeros((min(step, B), n * n), dtype=np.complex128)
        for start in range(0, B, step):
            part = E[start : start + step]
            block = dense[: part.shape[0]]
            block[:, support] = part
            rho[start : start + step], cond[start : start + step] = _batched_core(
                block.reshape(-1, n, n), workers, probe, "numpy"
            )
        return rho, cond
    Ef = np.ascontiguousarray(E, dtype=np.complex128).view(np.float64).reshape(B, 2 * s)
    comps = None
    if n >= BLOCK_SPLIT_MIN_SIZE:
        stored, finite = steady_c.entry_magnitudes(Ef)
        mags = np.zeros(2 * n * n)
        mags[2 * support] = stored[0::2]
        mags[2 * support + 1] = stored[1::2]
        comps = _structure_from_magnitudes(mags, finite, rb)
    return _solve_compiled(Ef, rb, comps, support, probe, workers)


def steady_states_from_entries(
    entries: ArrayLike,
    support: ArrayLike,
    n: int,
    *,
    condition_limit: float | None = BATCH_CONDITION_LIMIT,
    on_degenerate: str = "raise",
    workers: int = 1,
    backend: str = "auto",
) -> np.ndarray:
    """:func:`steady_states_batched` for generators given by their structurally non-zero entries.

    ``L.reshape(n * n)[support] = entries[..., :]`` and every other entry of L is zero:
    ``entries`` (..., s) complex, ``support`` (s,) distinct flat (row-major) positions in the
    (n, n) generator. A sweep of a model's generator has a fixed support far smaller than
    n^2 (112 of 256 entries for two qubits, 4352 of 65536 for four), so this form skips
    building, writing and reading the dense (n, n) stack:
    :meth:`symthermo.numeric.model_dynamics.LiouvillianBuilder.steady_states` uses it. Same
    options, conventions, errors and results as :func:`steady_states_batched` (the numpy
    backend builds dense generators a few MB at a time).
    """
    _check_options(on_degenerate, backend, condition_limit, workers)
    E = _as_complex_array(entries, "entries")
    sup = np.asarray(support, dtype=np.int64).reshape(-1)
    n = int(n)
    d = superop_dimension(n)
    if E.ndim < 1 or E.shape[-1] != sup.size:
        raise NumericDomainError(
            f"entries must have shape (..., {sup.size}) to match support, got {E.shape}"
        )
    if sup.size and (sup.min() < 0 or sup.max() >= n * n or np.unique(sup).size != sup.size):
        raise NumericDomainError(
            f"support must hold distinct flat positions in [0, {n * n}) of the (n, n) generator"
        )
    batch = E.shape[:-1]
    flat = E.reshape(-1, sup.size)
    if flat.shape[0] == 0:
        return np.zeros((*batch, d, d), dtype=complex)
    rho, cond = _entries_core(flat, sup, n, workers, condition_limit is not None, backend)
    _flag_points(rho, cond, condition_limit, on_degenerate,
                 lambda idx: ~np.isfinite(flat[idx]).all(axis=1))
    return rho.reshape(*batch, d, d)


# --------------------------------------------------------------------------------------------
# time evolution
# --------------------------------------------------------------------------------------------

_PADE = {
    3: (1.495585217958292e-2, [120.0, 60.0, 12.0, 1.0]),
    5: (2.539398330063230e-1, [30240.0, 15120.0, 3360.0, 420.0, 30.0, 1.0]),
    7: (
        9.504178996162932e-1,
        [17297280.0, 8648640.0, 1995840.0, 277200.0, 25200.0, 1512.0, 56.0, 1.0],
    ),
    9: (
        2.097847961257068e0,
        [
            17643225600.0, 8821612800.0, 2075673600.0, 302702400.0, 30270240.0,
            2162160.0, 110880.0, 3960.0, 90.0, 1.0,
        ],
    ),
}
_THETA13 = 5.371920351148152
_B13 = [
    64764752532480000.0, 32382376266240000.0, 7771770303897600.0, 1187353796428800.0,
    129060195264000.0, 10559470521600.0, 670442572800.0, 33522128640.0, 1323241920.0,
    40840800.0, 960960.0, 16380.0, 182.0, 1.0,
]


def expm(A: ArrayLike) -> np.ndarray:
    """Matrix exponential exp(A) of a (stack of) square matrices, numpy only.

    Scaling and squaring with diagonal Pade approximants of degree 3, 5, 7, 9 or 13 chosen from
    the 1-norm (Higham, SIAM J. Matrix Anal. Appl. 26, 1179 (2005)); accurate to a few ulps
    times the condition of the problem. Stacks use the largest norm of the stack.
    """
    A = np.asarray(A)
    if A.dtype.kind not in "fiuc" or A.ndim < 2:
        raise NumericDomainError(f"expm needs numeric square matrices, got {A.dtype} {A.shape}")
    if not np.isfinite(A).all():
        raise NumericDomainError("expm: the matrix has non-finite entries (NaN or inf)")
    A = A.astype(np.result_type(A.dtype, np.float64))
    n = A.shape[-1]
    if A.ndim < 2 or A.shape[-2] != n:
        raise NumericDomainError(f"expm needs square matrices, got shape {A.shape}")
    eye = np.broadcast_to(np.eye(n, dtype=A.dtype), A.shape)
    norm1 = float(np.max(np.abs(A).sum(axis=-2), initial=0.0))
    for m, (theta, b) in _PADE.items():
        if norm1 <= theta:
            powers = [eye, A @ A]
            for _ in range(2, m // 2 + 1):
                powers.append(powers[-1] @ powers[1])
            U = A @ sum(b[2 * k + 1] * powers[k] for k in range(m // 2 + 1))
            V = sum(b[2 * k] * powers[k] for k in range(m // 2 + 1))
            return np.linalg.solve(V - U, V + U)
    s = max(0, int(np.ceil(np.log2(norm1 / _THETA13))))
    A = A / 2.0**s
    b = _B13
    A2 = A @ A
    A4 = A2 @ A2
    A6 = A4 @ A2
    U = A @ (A6 @ (b[13] * A6 + b[11] * A4 + b[9] * A2) + b[7] * A6 + b[5] * A4 + b[3] * A2
             + b[1] * eye)
    V = A6 @ (b[12] * A6 + b[10] * A4 + b[8] * A2) + b[6] * A6 + b[4] * A4 + b[2] * A2 + b[0] * eye
    R = np.linalg.solve(V - U, V + U)
    for _ in range(s):
        R = R @ R
    return R


def evolve(
    L: ArrayLike, rho0: ArrayLike, times: ArrayLike, *, method: str = "auto"
) -> np.ndarray:
    """rho(t) = unvec(exp(L t) vec(rho0)) at the given times: returns (len(times), d, d).

    ``method="eig"``: eigendecomposition L = V diag(lambda) V^-1 (fast; accurate when V is well
    conditioned). ``"expm"``: exact propagators exp(L (t_k - t_{k-1})) chained along the
    sorted times (reused when steps are equal). ``"auto"`` (default) uses eig when
    cond(V) <= 1e4, else expm (e.g. non-diagonalisable L with Jordan blocks).
    """
    Lm = _as_complex_array(L, "L")
    if Lm.ndim != 2 or not np.isfinite(Lm).all():
        raise NumericDomainError("L must be one finite (d^2, d^2) matrix")
    d = superop_dimension(Lm.shape[-1])
    r0 = vec(_as_complex_array(rho0, "rho0"))
    if r0.shape != (d * d,):
        raise NumericDomainError(f"rho0 must have shape ({d}, {d})")
    t = _as_complex_array(times, "times").reshape(-1)
    if not np.isfinite(t).all() or np.any(t.imag != 0):
        raise NumericDomainError("times must be real and finite")
    t = t.real
    if method not in ("auto", "eig", "expm"):
        raise NumericDomainError("method must be 'auto', 'eig' or 'expm'")
    if method in ("auto", "eig"):
        lam, V = np.linalg.eig(Lm)
        if method == "eig" or np.linalg.cond(V) <= 1e4:
            c = np.linalg.solve(V, r0)
            out = (V[None] * np.exp(np.outer(t, lam))[:, None, :]) @ c
            return unvec(out, d)
    order = np.argsort(t)
    out = np.empty((t.size, d * d), dtype=complex)
    state = r0
    t_prev = 0.0
    prop = None
    step_prev = None
    for k in order:
        step = t[k] - t_prev
        if step != 0.0:
            if prop is None or step_prev is None or not np.isclose(step, step_prev, rtol=1e-13,
                                                                    atol=0.0):
                prop = expm(Lm * step)
                step_prev = step
            state = prop @ state
        out[k] = state
        t_prev = t[k]
    return unvec(out, d)
