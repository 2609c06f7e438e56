"""Sparse Liouvillians of collision models, built from the operators' monomials.

Same conventions as :mod:`symthermo.numeric.superop` (hbar = 1, |0> ground, first site =
leftmost Kronecker factor) and the same COLUMN-stacking vectorisation,
``vec(rho)[i + j*d] = rho[i, j]`` and vec(A rho B) = (B^T (x) A) vec(rho), but every matrix is
a ``scipy.sparse`` matrix and no dense (d^2, d^2) array is ever formed: a monomial on n qubits
is a Kronecker product of 2 x 2 factors with d non-zero entries, and the generator is a sum of
Kronecker products of those.

A generator is first collected as :class:`GeneratorTerms`,

    L(rho) = pre rho + rho post + sum_k A_k rho B_k,

and then assembled as L = 1 (x) pre + post^T (x) 1 + sum_k B_k^T (x) A_k (:func:`assemble`).
Two independent routes give the terms of a :class:`~symthermo.model.CollisionModel`:

* :func:`lindblad_terms` evaluates the *derived* Lindblad form
  (:func:`symthermo.thermo.lindblad_form`): pre = -iH - A/2, post = iH - A/2 with
  A = sum_ab gamma_ab L_b^dag L_a, sandwiches G_b rho L_b^dag, G_b = sum_a gamma_ab L_a;
* :func:`direct_terms` starts from the couplings themselves: every monomial of a stroke V_s
  factorises as (system monomial) (x) (ancilla monomial), so V_s = sum_a S_a (x) B_a exactly,
  and the ordered-stroke dissipator
  -1/2 sum_s Tr_R[V_s,[V_s, rho (x) rho_R]] - sum_{s<s'} Tr_R[V_s',[V_s, rho (x) rho_R]]
  becomes sandwiches and one-sided products with C_ab = Tr(rho_R B_a B_b) (as
  :func:`symthermo.numeric.superop.collision_dissipator`, without its SVD).

:func:`liouvillian_blocks` splits L into the blocks it leaves invariant: the connected
components of the graph whose vertices are the entries rho_ij and whose edges are the
structurally non-zero entries of L. Conserved quantities such as the excitation number (the
coherence sectors n_i - n_j = const of an excitation-conserving model) or a parity show up
there without being declared.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from ..algebra.monomials import OMono
from ..algebra.operator import Operator, operator_sum
from ..algebra.sites import Site
from ..errors import SymthermoError
from ..model import CollisionModel
from ..thermo import lindblad_form
from .matrices import Cutoff, _check_sites, _levels, _numeric, local_matrix, monomial_matrix
from .model_matrices import ancilla_density_matrix

__all__ = [
    "BLOCK_DROP_RTOL",
    "GeneratorTerms",
    "assemble",
    "direct_terms",
    "lindblad_terms",
    "liouvillian_blocks",
    "sparse_liouvillian",
    "sparse_monomial_matrix",
    "sparse_operator_matrix",
]

#: Entries of L below this fraction of its largest entry are rounding (e.g. the cancelling
#: sigma_x sigma_x + sigma_y sigma_y parts of a flip-flop sandwich) and are dropped.
BLOCK_DROP_RTOL = 1e-14


def sparse_monomial_matrix(
    mono: OMono, sites: Sequence[Site], cutoff: Cutoff | None = None
) -> sp.csr_matrix:
    """CSR matrix of a canonical monomial on the tensor product of ``sites`` (first = left)."""
    index = _check_sites(sites)
    locals_ = dict(mono)
    for name in locals_:
        if name not in index:
            raise SymthermoError(
                f"operator acts on site {name!r}, which is not among the sites "
                f"{[s.name for s in sites]}: add it to the site list"
            )
    out = sp.identity(1, dtype=complex, format="csr")
    run = 1  # identity factors are merged into one before the next Kronecker product
    for s in sites:
        loc = locals_.get(s.name)
        if loc is None:
            run *= _levels(s, cutoff)
            continue
        if run > 1:
            out = sp.kron(out, sp.identity(run, dtype=complex, format="csr"), format="csr")
            run = 1
        out = sp.kron(out, sp.csr_matrix(local_matrix(s, loc, cutoff)), format="csr")
    if run > 1:
        out = sp.kron(out, sp.identity(run, dtype=complex, format="csr"), format="csr")
    return out


def sparse_operator_matrix(
    op: Operator,
    sites: Sequence[Site],
    cutoff: Cutoff | None = None,
    params: Mapping | None = None,
) -> sp.csr_matrix:
    """CSR matrix of an operator (parameters substituted) in the tensor order of ``sites``."""
    d = int(np.prod([_levels(s, cutoff) for s in sites]))
    out = sp.csr_matrix((d, d), dtype=complex)
    for mono, coeff in op.terms.items():
        out = out + _numeric(coeff, params, f"coefficient of {mono}") * sparse_monomial_matrix(
            mono, sites, cutoff
        )
    return out.tocsr()


@dataclass(frozen=True)
class GeneratorTerms:
    """L(rho) = pre rho + rho post + sum_k A_k rho B_k with sparse (d, d) operators."""

    dimension: int
    pre: sp.csr_matrix
    post: sp.csr_matrix
    sandwiches: tuple[tuple[sp.csr_matrix, sp.csr_matrix], ...]


def assemble(terms: GeneratorTerms) -> sp.csr_matrix:
    """L = 1 (x) pre + post^T (x) 1 + sum_k B_k^T (x) A_k as a (d^2, d^2) CSR matrix.

    Column stacking: vec(A rho B) = (B^T (x) A) vec(rho). Duplicates are summed and entries
    below :data:`BLOCK_DROP_RTOL` times the largest are removed (cancellations in rounding).
    """
    d = terms.dimension
    eye = sp.identity(d, dtype=complex, format="csr")
    parts = [sp.kron(eye, terms.pre, format="coo"), sp.kron(terms.post.T, eye, format="coo")]
    parts += [sp.kron(B.T, A, format="coo") for A, B in terms.sandwiches]
    rows = np.concatenate([p.row for p in parts])
    cols = np.concatenate([p.col for p in parts])
    data = np.concatenate([p.data for p in parts])
    L = sp.csr_matrix((data, (rows, cols)), shape=(d * d, d * d))
    L.sum_duplicates()
    if L.nnz:
        big = float(np.max(np.abs(L.data)))
        L.data[np.abs(L.data) <= BLOCK_DROP_RTOL * big] = 0
        L.eliminate_zeros()
    return L


def _rates(rates, params: Mapping | None) -> np.ndarray:
    out = np.zeros(rates.shape, dtype=complex)
    for i in range(rates.rows):
        for j in range(rates.cols):
            if rates[i, j] != 0:
                out[i, j] = _numeric(rates[i, j], params, "rate")
    return out


def lindblad_terms(
    model: CollisionModel, params: Mapping | None = None, cutoff: Cutoff | None = None
) -> GeneratorTerms:
    """Terms of the derived Lindblad generator (:func:`symthermo.thermo.lindblad_form`).

    L(rho) = -i[H, rho] + sum_ab gamma_ab (L_a rho L_b^dag - 1/2 {L_b^dag L_a, rho}).
    """
    lf = lindblad_form(model)
    sites = model.system_sites
    H = sparse_operator_matrix(lf.hamiltonian, sites, cutoff, params)
    d = H.shape[0]
    anti = sp.csr_matrix((d, d), dtype=complex)
    sandwiches = []
    for ch in lf.channels:
        if not ch.jump_operators:
            continue
        jumps = [sparse_operator_matrix(op, sites, cutoff, params) for op in ch.jump_operators]
        gamma = _rates(ch.rates, params)
        for b, Lb in enumerate(jumps):
            Gb = sp.csr_matrix((d, d), dtype=complex)
            for a, La in enumerate(jumps):
                if gamma[a, b] != 0:
                    Gb = Gb + gamma[a, b] * La
            if Gb.nnz == 0:
                continue
            Lb_dag = Lb.conj().T.tocsr()
            sandwiches.append((Gb.tocsr(), Lb_dag))
            anti = anti + Lb_dag @ Gb
    return GeneratorTerms(
        d, (-1j * H - 0.5 * anti).tocsr(), (1j * H - 0.5 * anti).tocsr(), tuple(sandwiches)
    )


def _split_by_ancilla(
    v: Operator, system: frozenset[str]
) -> dict[OMono, Operator]:
    """V = sum_B S_B (x) B over the canonical ancilla monomials B (exact, monomial by monomial)."""
    out: dict[OMono, list[Operator]] = {}
    for mono, coeff in v.terms.items():
        anc = tuple(p for p in mono if p[0] not in system)
        sysm = tuple(p for p in mono if p[0] in system)
        out.setdefault(anc, []).append(Operator.from_monomial(sysm, coeff))
    return {anc: operator_sum(parts) for anc, parts in out.items()}


def direct_terms(
    model: CollisionModel, params: Mapping | None = None, cutoff: Cutoff | None = None
) -> GeneratorTerms:
    """Terms of -i[H_S, .] + sum_channels scale * D_channel from the couplings' monomials.

    Per channel with ordered strokes V_1..V_K, V_s = sum_a S_a (x) B_a (a runs over the
    ancilla monomials of stroke s), C_ab = Tr(rho_R B_a B_b) and the pair weight W_ab = -1/2
    (same stroke) or -1 (stroke of b earlier than stroke of a, a outermost):

        D(rho) = sum_ab W_ab [C_ab S_a S_b rho - C_ba S_a rho S_b - C_ab S_b rho S_a
                              + C_ba rho S_b S_a]

    (Schroedinger picture, later stroke outermost; cf. ``collision_dissipator``).
    """
    sites = model.system_sites
    system = frozenset(s.name for s in sites)
    H = sparse_operator_matrix(model.system_hamiltonian, sites, cutoff, params)
    d = H.shape[0]
    pre = -1j * H
    post = 1j * H
    sandwiches = []
    for b in model.baths:
        scale = float(model.time_scale(b))
        rho_r = ancilla_density_matrix(b, params, cutoff)
        v = b.coupling_map
        for channel in b.channels():
            S, B, lab = [], [], []
            for s, stroke in enumerate(channel):
                vs = operator_sum(v[x] for x in stroke)
                for anc, sys_op in _split_by_ancilla(vs, system).items():
                    S.append(sparse_operator_matrix(sys_op, sites, cutoff, params))
                    B.append(monomial_matrix(anc, b.ancilla_sites, cutoff))
                    lab.append(s)
            labels = np.asarray(lab)
            W = np.where(labels[:, None] == labels[None, :], -0.5,
                         np.where(labels[None, :] < labels[:, None], -1.0, 0.0)) * scale
            C = np.array([[np.trace(rho_r @ Ba @ Bb) for Bb in B] for Ba in B])
            G = -(W + W.T) * C.T  # coefficient of S_a rho S_b
            n = len(S)
            for a in range(n):
                for c in range(n):
                    if W[a, c] == 0:
                        continue
                    if C[a, c] != 0:
                        pre = pre + (W[a, c] * C[a, c]) * (S[a] @ S[c])
                    if C[c, a] != 0:
                        post = post + (W[a, c] * C[c, a]) * (S[c] @ S[a])
            for c in range(n):
                T = sp.csr_matrix((d, d), dtype=complex)
                for a in range(n):
                    if G[a, c] != 0:
                        T = T + G[a, c] * S[a]
                if T.nnz:
                    sandwiches.append((T.tocsr(), S[c]))
    return GeneratorTerms(d, pre.tocsr(), post.tocsr(), tuple(sandwiches))


def sparse_liouvillian(
    model: CollisionModel,
    params: Mapping | None = None,
    cutoff: Cutoff | None = None,
    route: str = "lindblad",
) -> sp.csr_matrix:
    """The model's Liouvillian as a (d^2, d^2) CSR matrix (column stacking).

    ``route="lindblad"``: the derived Lindblad form; ``"direct"``: from the couplings'
    monomials (module docstring). Equal, entry by entry, to
    :func:`symthermo.numeric.model_dynamics.lindblad_liouvillian_of` and
    :func:`~symthermo.numeric.model_dynamics.direct_liouvillian` (tested).
    """
    if route == "lindblad":
        return assemble(lindblad_terms(model, params, cutoff))
    if route == "direct":
        return assemble(direct_terms(model, params, cutoff))
    raise SymthermoError(f"route {route!r} is unknown: use 'lindblad' or 'direct'")


def liouvillian_blocks(L: sp.spmatrix) -> list[np.ndarray]:
    """Index sets (sorted, into vec(rho)) of the blocks that L leaves invariant.

    The connected components of the undirected graph of L's structurally non-zero entries:
    L[np.ix_(b, b')] = 0 for different blocks b, b', so ker L is the direct sum of the blocks'
    kernels. Blocks are ordered by their smallest index (deterministic).
    """
    A = sp.csr_matrix(L)
    n = A.shape[0]
    pattern = sp.csr_matrix((np.ones(A.nnz, dtype=np.int8), A.indices, A.indptr), shape=(n, n))
    _, labels = connected_components(pattern, directed=True, connection="weak")
    order = np.argsort(labels, kind="stable")
    bounds = np.flatnonzero(np.diff(labels[order])) + 1
    blocks = np.split(order, bounds)
    blocks.sort(key=lambda b: int(b[0]))
    return blocks
