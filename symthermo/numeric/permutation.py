"""Permutation-invariant route: N identical qubits with collective processes, N up to 100+.

Conventions: hbar = 1, qubit |0> ground, sigma_z = |1><1| - |0><0|, sigma_+ = |1><0|,
sigma_y = i sigma_- - i sigma_+ (DESIGN.md). Collective spin S^a = sum_i sigma^a_i / 2, so
S^z = k - N/2 for k excitations, J_+ = sum_i sigma^+_i = S^x + i S^y.

Schur-Weyl: the N-qubit space is sum_j (spin j) (x) C^{d_j}, j = N/2, N/2 - 1, ..., with
multiplicity d_j = C(N, N/2 - j) - C(N, N/2 - j - 1). An operator symmetric under qubit
permutations acts as X_j (x) 1 on it; a *permutation-invariant* state is
rho = sum_j rho_j (x) 1_{d_j}, stored as its blocks rho_j ((2j+1) x (2j+1), basis |j, m>,
m = -j..j ascending, so index 0 is the lowest energy), with Tr rho = sum_j d_j Tr rho_j = 1.
(O(N^3) numbers instead of 4^N.)

A generator whose Hamiltonian and jump operators are all collective (symmetric polynomials
of degree <= 2 in the sigma^a_i: e.g. omega sum_i sigma^+_i sigma^-_i, f sum_{i != j}
sigma^+_i sigma^-_j, jump operators sum_i sigma^-_i with one rate matrix shared by every pair
of qubits, as for N qubits meeting one common bath with equal couplings) maps each block to
itself: L = sum_j L_j, each L_j the Lindblad generator of the spin-j matrices, of size
(2j+1)^2 (O(N^2)), and split further into its own invariant blocks (coherence order m - m'
when H commutes with S^z). The stationary space (restricted to permutation-invariant states)
is the direct sum of the kernels of the L_j: for purely collective processes at least one per
j, so it is degenerate (dimension floor(N/2) + 1 at least); it is detected (as in
:mod:`symthermo.numeric.sparse_steady`, per block) and the state is projected from a given
permutation-invariant initial state. Local processes derived from a model (a channel per
qubit) are refused by :func:`collective_generator`, naming them; identical local dissipators
(emission, pumping, dephasing on every qubit, :class:`LocalProcesses`) are added explicitly:
they couple j to j and j +- 1 and the generator acts on the whole O(N^3) space of the blocks
(:func:`permutation_invariant_liouvillian`, the formulas of Shammah et al., PRA 98, 063815
(2018), as implemented in qutip.piqs, in double precision; checked against the 2^N route).

Measures on the blocks, without 2^N objects: populations of the excitation number, energies,
ergotropy (the spectrum of rho is that of the rho_j with multiplicities d_j; the energies of a
collective H likewise), and the l1 coherence in the product basis for states on the symmetric
subspace (j = N/2: <x|rho|y> = rho_{N/2}[k_x, k_y] / sqrt(C(N, k_x) C(N, k_y))); for other
states :meth:`PermutationInvariantState.l1_coherence` expands to the 2^N matrix (N <= 12) and
says so otherwise.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from ..algebra.operator import Operator
from ..errors import SymthermoError
from ..model import CollisionModel
from ..thermo import lindblad_form
from .errors import DegenerateSteadyStateError, NumericDomainError
from .matrices import Cutoff, _numeric
from .sparse import GeneratorTerms, assemble, liouvillian_blocks
from .sparse_steady import _block_kernel, _kernels
from .steady import NULLSPACE_RTOL

__all__ = [
    "CollectiveGenerator",
    "LocalProcesses",
    "PermutationInvariantState",
    "collective_generator",
    "excitation_number_blocks",
    "multiplicity",
    "permutation_invariant_liouvillian",
    "permutation_invariant_steady_state",
    "spin_operators",
]

#: With local processes, blocks of the permutation-invariant generator up to this size are
#: decided by a dense SVD, larger ones by sparse LU (its couplings j -> j, j +- 1 and
#: m -> m, m +- 1 form a two-dimensional grid: little fill-in).
PI_DENSE_BLOCK_MAX = 60
#: Largest N for which a permutation-invariant state is expanded to its 2^N matrix.
EXPAND_MAX_N = 12


def multiplicity(n: int, j2: int) -> int:
    """d_j: how many copies of spin j = j2/2 the N-qubit space holds (exact integer)."""
    k = (n - j2) // 2
    return math.comb(n, k) - (math.comb(n, k - 1) if k >= 1 else 0)


def spins(n: int) -> list[int]:
    """The values 2j of the spins in N qubits, largest first (N, N - 2, ..., 1 or 0)."""
    return list(range(n, -1, -2))


@dataclass(frozen=True)
class SpinOperators:
    """Sparse spin-j matrices (basis m = -j..j ascending): S^x, S^y, S^z, J_+, J_-, 1."""

    j2: int
    sx: sp.csr_matrix
    sy: sp.csr_matrix
    sz: sp.csr_matrix
    jp: sp.csr_matrix
    jm: sp.csr_matrix
    one: sp.csr_matrix

    def s(self, a: int) -> sp.csr_matrix:
        """S^a for the Pauli index a = 1 (x), 2 (y), 3 (z)."""
        return (self.sx, self.sy, self.sz)[a - 1]


def spin_operators(j2: int) -> SpinOperators:
    """Spin j = j2/2: J_+|j m> = sqrt(j(j+1) - m(m+1)) |j m+1>, S^x = (J_+ + J_-)/2,
    S^y = i(J_- - J_+)/2 (the engine's sigma_y = i sigma_- - i sigma_+), S^z = diag(m)."""
    j = j2 / 2
    m = -j + np.arange(j2 + 1)
    up = np.sqrt(j * (j + 1) - m[:-1] * (m[:-1] + 1))
    jp = sp.diags(up, -1, shape=(j2 + 1, j2 + 1), format="csr", dtype=complex)
    jm = jp.T.tocsr()
    return SpinOperators(
        j2, ((jp + jm) / 2).tocsr(), (0.5j * (jm - jp)).tocsr(),
        sp.diags(m, 0, format="csr", dtype=complex), jp, jm,
        sp.identity(j2 + 1, dtype=complex, format="csr"),
    )


_EPS = {(1, 2): 3, (2, 3): 1, (3, 1): 2}  # epsilon_abc = +1 for cyclic (a, b, c)


def _levi(a: int, b: int) -> tuple[int, int]:
    """(sign, c) with sigma^a sigma^b = delta_ab + i sign sigma^c (sign 0 when a == b)."""
    if a == b:
        return 0, 0
    if (a, b) in _EPS:
        return 1, _EPS[(a, b)]
    return -1, _EPS[(b, a)]


@dataclass(frozen=True)
class SymmetricOperator:
    """sum over groups c_g * (sum over all placements of the Pauli multiset g on distinct
    qubits), for multisets of size <= 2: the exact form of a permutation-symmetric operator."""

    n: int
    groups: tuple[tuple[tuple[int, ...], complex], ...]

    def spin_matrix(self, ops: SpinOperators) -> sp.csr_matrix:
        """The operator's action X_j on spin j (it acts as X_j (x) 1_{d_j})."""
        out = sp.csr_matrix(ops.one.shape, dtype=complex)
        for g, c in self.groups:
            if len(g) == 0:
                term = ops.one
            elif len(g) == 1:  # sum_i sigma^a_i = 2 S^a
                term = 2 * ops.s(g[0])
            elif g[0] == g[1]:  # sum_{i<j} sigma^a_i sigma^a_j = (4 (S^a)^2 - N) / 2
                sa = ops.s(g[0])
                term = 2 * (sa @ sa) - 0.5 * self.n * ops.one
            else:  # sum_{i != j} sigma^a_i sigma^b_j = 4 S^a S^b - 2 i eps_abc S^c
                a, b = g
                sign, cc = _levi(a, b)
                term = 4 * (ops.s(a) @ ops.s(b)) - 2j * sign * ops.s(cc)
            out = out + c * term
        return out.tocsr()


def _symmetric_form(
    op: Operator, names: Sequence[str], params: Mapping | None, what: str
) -> SymmetricOperator:
    """Check that ``op`` is permutation symmetric on the qubits ``names`` (degree <= 2) and
    return its group form; raise a SymthermoError naming the offending term otherwise."""
    n = len(names)
    pos = {s: i for i, s in enumerate(names)}
    groups: dict[tuple[int, ...], dict[tuple, complex]] = {}
    for mono, coeff in op.terms.items():
        if len(mono) > 2:
            raise SymthermoError(
                f"{what}: the term {mono} acts on {len(mono)} qubits; the permutation-invariant "
                "route handles collective operators of degree <= 2 (use the sparse route)"
            )
        for s, loc in mono:
            if s not in pos or not isinstance(loc, int):
                raise SymthermoError(f"{what}: the term {mono} does not act on the qubits {names}")
        key = tuple(sorted(loc for _, loc in mono))
        placement = tuple(sorted((pos[s], loc) for s, loc in mono))
        groups.setdefault(key, {})[placement] = _cached_numeric(coeff, params)
    out = []
    for key, members in sorted(groups.items()):
        if len(key) == 0:
            count = 1
        elif len(key) == 1:
            count = n
        elif key[0] == key[1]:
            count = n * (n - 1) // 2
        else:
            count = n * (n - 1)
        values = np.array(list(members.values()))
        c = values[0]
        if len(members) != count or np.max(np.abs(values - c)) > 1e-12 * max(1.0, abs(c)):
            raise SymthermoError(
                f"{what} is not symmetric under permutations of the qubits {names} (terms with "
                f"Pauli indices {key}: {len(members)} of {count} placements, coefficients not "
                "all equal); the permutation-invariant route needs identical qubits with "
                "collective operators (use the sparse route)"
            )
        out.append((key, complex(c)))
    return SymmetricOperator(n, tuple(out))


@dataclass(frozen=True)
class CollectiveGenerator:
    """L(rho) = -i[H, rho] + sum_ab rates[a, b] (C_a rho C_b^dag - 1/2 {C_b^dag C_a, rho})
    with H and the C_a permutation symmetric (module docstring)."""

    n: int
    hamiltonian: SymmetricOperator
    jumps: tuple[SymmetricOperator, ...]
    rates: np.ndarray = field(repr=False)

    def terms(self, j2: int) -> GeneratorTerms:
        """The generator's terms on spin j = j2/2 (sparse (2j+1)-dimensional matrices)."""
        ops = spin_operators(j2)
        H = self.hamiltonian.spin_matrix(ops)
        C = [x.spin_matrix(ops) for x in self.jumps]
        anti = sp.csr_matrix(H.shape, dtype=complex)
        sandwiches = []
        for b, Cb in enumerate(C):
            Gb = sp.csr_matrix(H.shape, dtype=complex)
            for a, Ca in enumerate(C):
                if self.rates[a, b] != 0:
                    Gb = Gb + self.rates[a, b] * Ca
            if Gb.nnz:
                Cb_dag = Cb.conj().T.tocsr()
                sandwiches.append((Gb.tocsr(), Cb_dag))
                anti = anti + Cb_dag @ Gb
        return GeneratorTerms(
            j2 + 1, (-1j * H - 0.5 * anti).tocsr(), (1j * H - 0.5 * anti).tocsr(),
            tuple(sandwiches),
        )

    def with_qubits(self, n: int) -> CollectiveGenerator:
        """The same collective coefficients on ``n`` qubits.

        A family of identical qubits declared by a loop over qubits and pairs (coefficients
        per qubit and per pair independent of N, e.g. omega sum_i sigma^+_i sigma^-_i,
        f sum_{i != j} sigma^+_i sigma^-_j, jumps sum_i sigma^-_i) is the same
        :class:`CollectiveGenerator` for every N but for ``n``: derive it once from a small
        model (N >= 2, so every pair term is present) and move it to large N without building
        the N-qubit model symbolically. The constant part of H (a multiple of the identity,
        which scales with N and does not enter the dynamics) is dropped.
        """
        if n < 1:
            raise NumericDomainError("the number of qubits must be positive")
        if n < 2 and any(len(g) == 2 for x in (self.hamiltonian, *self.jumps)
                         for g, _ in x.groups):
            raise NumericDomainError("pair terms need at least two qubits")
        if any(len(g) == 0 for x in self.jumps for g, _ in x.groups):
            raise NumericDomainError("a collective jump operator has an identity part")
        return CollectiveGenerator(
            n,
            SymmetricOperator(n, tuple(gc for gc in self.hamiltonian.groups if gc[0])),
            tuple(SymmetricOperator(n, x.groups) for x in self.jumps),
            self.rates,
        )

    def liouvillian(self, j2: int) -> sp.csr_matrix:
        """L_j ((2j+1)^2 square, column stacking) on the blocks rho_j."""
        return assemble(self.terms(j2))

    def hamiltonian_blocks(self) -> dict[int, np.ndarray]:
        """H_j for every spin (dense; H = sum_j H_j (x) 1_{d_j})."""
        return {j2: self.hamiltonian.spin_matrix(spin_operators(j2)).toarray()
                for j2 in spins(self.n)}


def collective_generator(
    model: CollisionModel, params: Mapping | None = None, cutoff: Cutoff | None = None
) -> CollectiveGenerator:
    """The model's derived Lindblad form (:func:`symthermo.thermo.lindblad_form`) in collective
    form, checked: every system site a qubit, H symmetric, and per channel every qubit carries
    the same jump operators with a rate matrix Gamma[(i, a), (j, b)] = Gamma_ab independent of
    the qubits i, j (collective: C_a = sum_i L_a^(i)). Local processes (a rate that differs
    between i = j and i != j) or unequal couplings raise a SymthermoError that names them.
    ``cutoff`` is unused (qubit systems only) and accepted for a uniform signature.
    """
    if not model.is_qubit_system:
        raise SymthermoError("the permutation-invariant route needs a system of qubits")
    names = [s.name for s in model.system_sites]
    n = len(names)
    lf = lindblad_form(model)
    H = _symmetric_form(lf.hamiltonian, names, params, "the Hamiltonian")
    jumps: list[SymmetricOperator] = []
    blocks = []
    for ch in lf.channels:
        if not ch.jump_operators:
            continue
        by_kind: dict[object, dict[str, int]] = {}
        for idx, (_label, anc) in enumerate(ch.labels):
            op = ch.jump_operators[idx]
            sites = op.site_names
            if len(sites) != 1 or next(iter(sites)) not in names:
                raise SymthermoError(
                    f"channel of bath {ch.bath!r}: jump operator {op} is not a one-qubit "
                    "operator; the permutation-invariant route needs collective couplings"
                )
            by_kind.setdefault(anc, {})[next(iter(sites))] = idx
        kinds = sorted(by_kind, key=str)
        gamma = np.array([[_cached_numeric(x, params) if x != 0 else 0.0 for x in row]
                          for row in ch.rates.tolist()], dtype=complex)
        for kind in kinds:
            if set(by_kind[kind]) != set(names):
                raise SymthermoError(
                    f"channel of bath {ch.bath!r}: not every qubit couples through {kind} "
                    "(a channel per qubit = local processes, e.g. the 'independent' scheme); "
                    "the permutation-invariant route handles collective processes only (use "
                    "the sparse route)"
                )
        # the same local operator on every qubit
        local_ops = []
        for kind in kinds:
            idx0 = by_kind[kind][names[0]]
            ref = _relabel(ch.jump_operators[idx0], names[0])
            for s in names[1:]:
                other = _relabel(ch.jump_operators[by_kind[kind][s]], s)
                if other != ref:
                    raise SymthermoError(
                        f"channel of bath {ch.bath!r}: qubits {names[0]} and {s} couple through "
                        "different operators (unequal couplings); the permutation-invariant "
                        "route needs identical qubits"
                    )
            local_ops.append(ch.jump_operators[idx0])
        K = len(kinds)
        G = np.zeros((K, K), dtype=complex)
        for a, ka in enumerate(kinds):
            for b, kb in enumerate(kinds):
                vals = np.array([[gamma[by_kind[ka][si], by_kind[kb][sj]] for sj in names]
                                 for si in names])
                off = vals[~np.eye(n, dtype=bool)] if n > 1 else vals.ravel()
                ref_val = off[0] if off.size else vals[0, 0]
                scale = max(1.0, float(np.max(np.abs(vals))))
                if np.max(np.abs(vals - ref_val)) > 1e-12 * scale:
                    raise SymthermoError(
                        f"channel of bath {ch.bath!r}: the rates between qubits depend on the "
                        "qubits (local processes or unequal couplings); the permutation-"
                        "invariant route handles collective processes only (use the sparse "
                        "route)"
                    )
                G[a, b] = ref_val
        for op in local_ops:
            site = next(iter(op.site_names))
            collective = Operator()
            for s in names:
                collective = collective + _move(op, site, s)
            jumps.append(_symmetric_form(collective, names, params, "a collective jump operator"))
        blocks.append(G)
    total = sum(b.shape[0] for b in blocks)
    rates = np.zeros((total, total), dtype=complex)
    at = 0
    for b in blocks:
        rates[at:at + b.shape[0], at:at + b.shape[0]] = b
        at += b.shape[0]
    return CollectiveGenerator(n, H, tuple(jumps), rates)


_NUMERIC_CACHE: dict = {}


def _cached_numeric(expr, params: Mapping | None) -> complex:
    """_numeric for the many repeated coefficients of a symmetric model (one evaluation each)."""
    key = (expr, tuple(sorted((str(k), float(v)) for k, v in (params or {}).items())))
    if key not in _NUMERIC_CACHE:
        if len(_NUMERIC_CACHE) > 4096:
            _NUMERIC_CACHE.clear()
        _NUMERIC_CACHE[key] = _numeric(expr, params, f"coefficient {expr}")
    return _NUMERIC_CACHE[key]


def _relabel(op: Operator, site: str) -> tuple:
    """A one-qubit operator with its site name removed (to compare qubits)."""
    return tuple(sorted((tuple(loc for _, loc in mono), str(c)) for mono, c in op.terms.items()))


def _move(op: Operator, old: str, new: str) -> Operator:
    out = Operator()
    for mono, c in op.terms.items():
        out = out + Operator.from_monomial(tuple((new if s == old else s, loc) for s, loc in mono),
                                           c)
    return out


# --------------------------------------------------------------------------------------------
# states and measures
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PermutationInvariantState:
    """rho = sum_j rho_j (x) 1_{d_j} for N qubits: ``blocks[2j] = rho_j`` (module docstring).

    stationary_dimension: dimension of the stationary space within the permutation-invariant
    operators (0 when the state was not computed as a steady state).
    """

    n: int
    blocks: dict[int, np.ndarray]
    stationary_dimension: int = 0
    projected: bool = False

    @classmethod
    def from_symmetric(cls, n: int, rho: np.ndarray) -> PermutationInvariantState:
        """A state on the symmetric subspace (j = N/2), rho in the Dicke basis |N/2, m>."""
        rho = np.asarray(rho, dtype=complex)
        if rho.shape != (n + 1, n + 1):
            raise NumericDomainError(f"a symmetric state of {n} qubits is ({n + 1}, {n + 1})")
        blocks = {j2: np.zeros((j2 + 1, j2 + 1), complex) for j2 in spins(n)}
        blocks[n] = rho
        return cls(n, blocks)

    @classmethod
    def ground(cls, n: int) -> PermutationInvariantState:
        """|0...0><0...0| = |N/2, -N/2><N/2, -N/2|."""
        rho = np.zeros((n + 1, n + 1), complex)
        rho[0, 0] = 1.0
        return cls.from_symmetric(n, rho)

    @classmethod
    def from_full(cls, rho: np.ndarray) -> PermutationInvariantState:
        """The blocks of a permutation-invariant 2^N matrix (rho_j = <j m a|rho|j m' a>,
        averaged over the copies a); raises if rho is not permutation invariant."""
        rho = np.asarray(rho, dtype=complex)
        n = round(math.log2(rho.shape[0]))
        basis = dicke_basis(n)
        blocks = {}
        back = np.zeros_like(rho)
        for j2, vecs in basis.items():
            copies = vecs.shape[0]
            bl = sum(vecs[a].conj().T @ rho @ vecs[a] for a in range(copies)) / copies
            blocks[j2] = bl
            for a in range(copies):
                back += vecs[a] @ bl @ vecs[a].conj().T
        if np.max(np.abs(back - rho)) > 1e-10 * max(1.0, float(np.max(np.abs(rho)))):
            raise NumericDomainError("rho is not permutation invariant (not sum_j rho_j (x) 1)")
        return cls(n, blocks)

    def trace(self) -> float:
        return float(sum(multiplicity(self.n, j2) * np.trace(b).real
                         for j2, b in self.blocks.items()))

    def to_full(self) -> np.ndarray:
        """The 2^N density matrix (computational basis, first qubit leftmost); N <= 12."""
        if self.n > EXPAND_MAX_N:
            raise NumericDomainError(
                f"expanding {self.n} qubits to a 2^{self.n} matrix is not done (N <= "
                f"{EXPAND_MAX_N}); use the block measures of PermutationInvariantState"
            )
        d = 2**self.n
        out = np.zeros((d, d), complex)
        for j2, vecs in dicke_basis(self.n).items():
            for a in range(vecs.shape[0]):
                out += vecs[a] @ self.blocks[j2] @ vecs[a].conj().T
        return out

    def excitation_populations(self) -> np.ndarray:
        """p_k = probability of k excitations (k = 0..N): sum_j d_j <j, k - N/2|rho_j|...>."""
        p = np.zeros(self.n + 1)
        for j2, b in self.blocks.items():
            k0 = (self.n - j2) // 2
            p[k0:k0 + j2 + 1] += multiplicity(self.n, j2) * np.diagonal(b).real
        return p

    def expectation(self, operator_blocks: Mapping[int, np.ndarray]) -> float:
        """Tr[rho X] for a symmetric X = sum_j X_j (x) 1 (e.g. hamiltonian_blocks())."""
        return float(sum(multiplicity(self.n, j2) * np.trace(self.blocks[j2] @ x).real
                         for j2, x in operator_blocks.items()))

    def ergotropy(self, hamiltonian_blocks: Mapping[int, np.ndarray]) -> float:
        """W = Tr[rho H] - sum_k r_k e_k (rho's eigenvalues decreasing, H's increasing), with
        the multiplicities d_j counted exactly (Python integers: 2^N may exceed int64)."""
        r_vals: list[tuple[float, int]] = []
        e_vals: list[tuple[float, int]] = []
        for j2, b in self.blocks.items():
            mult = multiplicity(self.n, j2)
            r_vals += [(float(x), mult) for x in np.linalg.eigvalsh(0.5 * (b + b.conj().T))]
            h = hamiltonian_blocks[j2]
            e_vals += [(float(x), mult) for x in np.linalg.eigvalsh(0.5 * (h + h.conj().T))]
        r_vals.sort(key=lambda t: -t[0])
        e_vals.sort(key=lambda t: t[0])
        passive = 0.0
        ie, left_e = 0, e_vals[0][1]
        for r, cnt in r_vals:
            if r == 0.0:
                continue
            while cnt > 0:
                take = min(cnt, left_e)
                passive += r * e_vals[ie][0] * take
                cnt -= take
                left_e -= take
                if left_e == 0 and ie + 1 < len(e_vals):
                    ie += 1
                    left_e = e_vals[ie][1]
        return max(self.expectation(hamiltonian_blocks) - passive, 0.0)

    def l1_coherence(self) -> float:
        """sum_{x != y} |<x|rho|y>| in the product (computational) basis.

        Exact without 2^N objects for states on the symmetric subspace:
        sum_{k,k'} sqrt(C(N,k) C(N,k')) |rho_{N/2}[k,k']| - sum_k rho_{N/2}[k,k]. Other
        states are expanded to the 2^N matrix (N <= 12, else NumericDomainError).
        """
        others = max((float(np.max(np.abs(b))) for j2, b in self.blocks.items()
                      if j2 != self.n), default=0.0)
        if others <= 1e-14:
            rho = self.blocks[self.n]
            w = np.sqrt(np.array([float(math.comb(self.n, k)) for k in range(self.n + 1)]))
            return float(np.sum(np.abs(rho) * np.outer(w, w)) - np.trace(rho).real)
        if self.n > EXPAND_MAX_N:
            raise NumericDomainError(
                "the l1 coherence in the product basis of a permutation-invariant state outside "
                f"the symmetric subspace is computed on the 2^N matrix, for N <= {EXPAND_MAX_N} "
                f"only (here N = {self.n})"
            )
        rho = self.to_full()
        return float(np.sum(np.abs(rho)) - np.sum(np.abs(np.diagonal(rho))))


def excitation_number_blocks(n: int) -> dict[int, np.ndarray]:
    """Blocks of sum_i sigma^+_i sigma^-_i = S^z + N/2 (so H_0 = omega * these blocks)."""
    return {j2: np.diag((np.arange(j2 + 1) + (n - j2) // 2).astype(float)).astype(complex)
            for j2 in spins(n)}


def dicke_basis(n: int) -> dict[int, np.ndarray]:
    """For each 2j: array (d_j, 2^N, 2j+1) of orthonormal |j, m, a> (a = copy), m ascending.

    Highest weights |j, j, a>: an orthonormal basis of ker J_+ among the states with
    N/2 + j excitations; lower weights by J_-|j m> = sqrt(j(j+1) - m(m-1)) |j m-1>. N <= 12.
    """
    if n > EXPAND_MAX_N:
        raise NumericDomainError(f"the explicit Dicke basis is built for N <= {EXPAND_MAX_N}")
    d = 2**n
    weight = np.array([bin(i).count("1") for i in range(d)])
    jp = np.zeros((d, d))
    for i in range(d):
        for q in range(n):
            bit = 1 << (n - 1 - q)  # first qubit = most significant bit
            if not i & bit:
                jp[i | bit, i] = 1.0
    jm = jp.T
    out = {}
    for j2 in spins(n):
        k_top = (n + j2) // 2
        sel = np.flatnonzero(weight == k_top)
        A = jp[:, sel]
        _, s, vh = np.linalg.svd(A)
        rank = int(np.count_nonzero(s > 1e-10))
        null = vh[rank:].conj().T  # (len(sel), d_j)
        copies = null.shape[1]
        vecs = np.zeros((copies, d, j2 + 1), complex)
        j = j2 / 2
        for a in range(copies):
            v = np.zeros(d, complex)
            v[sel] = null[:, a]
            vecs[a, :, j2] = v
            m = j
            for idx in range(j2, 0, -1):
                v = jm @ v / math.sqrt(j * (j + 1) - m * (m - 1))
                m -= 1
                vecs[a, :, idx - 1] = v
        out[j2] = vecs
    return out


# --------------------------------------------------------------------------------------------
# local processes
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LocalProcesses:
    """The same local dissipators on every qubit (rates per qubit, >= 0):

        L_loc(rho) = sum_i (emission D[sigma^-_i] + pumping D[sigma^+_i]
                            + dephasing D[sigma^z_i])(rho),
        D[A] rho = A rho A^dag - 1/2 {A^dag A, rho}

    (a coherence |1><0| of one qubit decays at 2 * dephasing from the last term). qutip.piqs
    names the same processes emission, pumping and dephasing = 4 * ``dephasing`` (its
    D[sigma^z / 2])."""

    emission: float = 0.0
    pumping: float = 0.0
    dephasing: float = 0.0

    def __post_init__(self) -> None:
        for name in ("emission", "pumping", "dephasing"):
            v = getattr(self, name)
            if not isinstance(v, numbers.Real) or not math.isfinite(v) or v < 0:
                raise NumericDomainError(
                    f"LocalProcesses.{name} must be a finite rate >= 0, got {v!r}"
                )

    @property
    def active(self) -> bool:
        return bool(self.emission or self.pumping or self.dephasing)


def _layout(n: int) -> dict[int, int]:
    """Offset of each block (2j = N, N - 2, ...) in the stacked vector of all blocks; within
    a block column stacking, entry (a, c) (m = a - j, m' = c - j) at a + c (2j + 1)."""
    out, at = {}, 0
    for j2 in spins(n):
        out[j2] = at
        at += (j2 + 1) ** 2
    return out


def _local_rates(n: int, local: LocalProcesses):
    """The nine coefficients of Shammah et al. (2018) (qutip.piqs ``gamma1..gamma9``): the
    rate from the block entry (j', m + s, m' + s) into (j, m, m'), evaluated at the source
    (j', mu, mu'), for the *summed* blocks p_j = d_j rho_j (the sum over the d_j copies).
    Keys (j' - j, s)."""
    yE, yP, yD, N = local.emission, local.pumping, 4.0 * local.dephasing, float(n)

    def g1(j, m, m1):
        deph = (yD * N / 4 + 0 * m) if j <= 0 else yD / 2 * (N / 2 - m * m1 * (N / 2 + 1)
                                                            / (j * (j + 1)))
        return -(yE / 2 * (N + m + m1) + yP / 2 * (N - m - m1) + deph)

    def root(x):
        return np.sqrt(np.maximum(x, 0.0))

    def g2(j, m, m1):
        return (0 * m if j <= 0 else yE / 2 * root((j + m) * (j - m + 1) * (j + m1)
                                                   * (j - m1 + 1)) * (N / 2 + 1) / (j * (j + 1)))

    def g3(j, m, m1):
        return (0 * m if j <= 0 else yE / 2 * root((j + m) * (j + m - 1) * (j + m1)
                                                   * (j + m1 - 1)) * (N / 2 + j + 1)
                / (j * (2 * j + 1)))

    def g4(j, m, m1):
        return yE / 2 * root((j - m + 1) * (j - m + 2) * (j - m1 + 1) * (j - m1 + 2)) * (
            N / 2 - j) / ((j + 1) * (2 * j + 1))

    def g5(j, m, m1):
        return (0 * m if j <= 0 else yD / 2 * root((j**2 - m**2) * (j**2 - m1**2))
                * (N / 2 + j + 1) / (j * (2 * j + 1)))

    def g6(j, m, m1):
        return yD / 2 * root(((j + 1) ** 2 - m**2) * ((j + 1) ** 2 - m1**2)) * (
            N / 2 - j) / ((j + 1) * (2 * j + 1))

    def g7(j, m, m1):
        return (0 * m if j <= 0 else yP / 2 * root((j - m - 1) * (j - m) * (j - m1 - 1)
                                                   * (j - m1)) * (N / 2 + j + 1)
                / (j * (2 * j + 1)))

    def g8(j, m, m1):
        return (0 * m if j <= 0 else yP / 2 * root((j + m + 1) * (j - m) * (j + m1 + 1)
                                                   * (j - m1)) * (N / 2 + 1) / (j * (j + 1)))

    def g9(j, m, m1):
        return yP / 2 * root((j + m + 1) * (j + m + 2) * (j + m1 + 1) * (j + m1 + 2)) * (
            N / 2 - j) / ((j + 1) * (2 * j + 1))

    # (2j' - 2j, s): same j: 1 (s = 0), 2 (s = +1), 8 (s = -1); j' = j + 1: 3, 5, 7;
    # j' = j - 1: 4, 6, 9
    return {(0, 0): g1, (0, 1): g2, (0, -1): g8, (2, 1): g3, (2, 0): g5, (2, -1): g7,
            (-2, 1): g4, (-2, 0): g6, (-2, -1): g9}


def local_liouvillian(n: int, local: LocalProcesses) -> sp.csr_matrix:
    """L_loc on the stacked *summed* blocks p_j = d_j rho_j (layout of :func:`_layout`)."""
    off = _layout(n)
    size = sum((j2 + 1) ** 2 for j2 in spins(n))
    rows, cols, vals = [], [], []
    for (dj2, s), g in _local_rates(n, local).items():
        for j2 in spins(n):
            src = j2 + dj2
            if src < 0 or src > n:
                continue
            j, jj = j2 / 2, src / 2
            a, c = np.meshgrid(np.arange(j2 + 1), np.arange(j2 + 1), indexing="ij")
            mu, mu1 = a - j + s, c - j + s
            ok = (np.abs(mu) <= jj) & (np.abs(mu1) <= jj)
            if not ok.any():
                continue
            v = np.broadcast_to(g(jj, mu[ok], mu1[ok]), mu[ok].shape)
            rows.append(off[j2] + a[ok] + c[ok] * (j2 + 1))
            cols.append(off[src] + (mu[ok] + jj).astype(int) + (mu1[ok] + jj).astype(int)
                        * (src + 1))
            vals.append(v)
    L = sp.csr_matrix((np.concatenate(vals).astype(complex),
                       (np.concatenate(rows), np.concatenate(cols))), shape=(size, size))
    L.eliminate_zeros()
    return L


def permutation_invariant_liouvillian(
    generator: CollectiveGenerator, local: LocalProcesses | None = None
) -> sp.csr_matrix:
    """The generator on all blocks at once (O(N^3) unknowns): block diagonal in j for the
    collective part, plus :func:`local_liouvillian`; acts on the summed blocks p_j = d_j rho_j
    (the collective part is linear within each j, so it is the same on p_j and rho_j), whose
    trace is the plain sum of the diagonal entries."""
    n = generator.n
    L = sp.block_diag([generator.liouvillian(j2) for j2 in spins(n)], format="csr")
    if local is not None and local.active:
        L = (L + local_liouvillian(n, local)).tocsr()
    return L


def _steady_with_local(
    generator: CollectiveGenerator,
    local: LocalProcesses,
    initial_state: PermutationInvariantState | None,
    rtol: float,
) -> PermutationInvariantState:
    n = generator.n
    L = permutation_invariant_liouvillian(generator, local)
    off = _layout(n)
    population = np.zeros(L.shape[0], dtype=bool)
    mult = np.empty(L.shape[0])
    for j2 in spins(n):
        dj = j2 + 1
        population[off[j2] + np.arange(dj) * (dj + 1)] = True
        mult[off[j2]:off[j2] + dj * dj] = float(multiplicity(n, j2))
    scale = float(abs(L).sum(axis=0).max()) or 1.0
    kernels = []
    for idx in liouvillian_blocks(L):
        kernels.append(_block_kernel(L[idx][:, idx], idx, 0, scale, rtol, "direct",
                                     populations=np.flatnonzero(population[idx]),
                                     dense_max=PI_DENSE_BLOCK_MAX, dense_lu_max=0))
    k = sum(kn.right.shape[1] for kn in kernels)
    if k == 0:
        raise NumericDomainError("the generator has no stationary state (no kernel)")
    if k > 1 and initial_state is None:
        raise DegenerateSteadyStateError(
            f"the stationary space of the permutation-invariant states has dimension {k} "
            "(collective processes and local dephasing conserve quantities besides the "
            "trace). Pass a PermutationInvariantState as initial_state to project it.",
            dimension=k,
        )
    if initial_state is not None and initial_state.n != n:
        raise NumericDomainError(f"initial_state is for {initial_state.n} qubits, not {n}")
    v = np.zeros(L.shape[0], dtype=complex)
    if k == 1:
        kn = next(kn for kn in kernels if kn.right.shape[1])
        r = kn.right[:, 0]
        v[kn.idx] = r / r[population[kn.idx]].sum()
    else:
        p0 = np.concatenate([initial_state.blocks[j2].T.reshape(-1) for j2 in spins(n)]) * mult
        for kn in kernels:
            if kn.right.shape[1]:
                M = kn.left.conj().T @ kn.right
                v[kn.idx] = kn.right @ np.linalg.solve(M, kn.left.conj().T @ p0[kn.idx])
    v = v / mult  # rho_j = p_j / d_j
    blocks = {}
    for j2 in spins(n):
        dj = j2 + 1
        rho = v[off[j2]:off[j2] + dj * dj].reshape(dj, dj).T
        blocks[j2] = 0.5 * (rho + rho.conj().T)
    return PermutationInvariantState(n, blocks, stationary_dimension=k, projected=k > 1)


# --------------------------------------------------------------------------------------------
# steady states
# --------------------------------------------------------------------------------------------


def permutation_invariant_steady_state(
    generator: CollectiveGenerator,
    initial_state: PermutationInvariantState | None = None,
    *,
    rtol: float = NULLSPACE_RTOL,
    local: LocalProcesses | None = None,
) -> PermutationInvariantState:
    """Steady state of a collective generator on the permutation-invariant states.

    For each spin j the generator L_j is split into its invariant blocks and each block's
    kernel is detected (tolerance ``rtol`` times max_j ||L_j||_1; method of
    :mod:`symthermo.numeric.sparse_steady`). The dimension k = sum of the kernels' dimensions
    (within the permutation-invariant operators). k = 1: the unique state. k > 1: needs
    ``initial_state`` (refused with :class:`DegenerateSteadyStateError` otherwise), projected
    sector by sector with the left and right kernels: rho_j = P_j rho0_j.

    ``local``: identical local dissipators on every qubit (:class:`LocalProcesses`); they
    couple the spins j, so the kernel is detected on the whole block space at once
    (:func:`permutation_invariant_liouvillian`, split into its invariant blocks, e.g. the
    coherence orders m - m'), the same way.
    """
    if local is not None and local.active:
        return _steady_with_local(generator, local, initial_state, rtol)
    n = generator.n
    Ls = {j2: generator.liouvillian(j2) for j2 in spins(n)}
    scale = max(float(abs(L).sum(axis=0).max()) if L.nnz else 0.0 for L in Ls.values()) or 1.0
    kernels = {
        j2: _kernels(L, liouvillian_blocks(L), j2 + 1, scale, rtol, "direct")
        for j2, L in Ls.items()
    }
    k = sum(kn.right.shape[1] for ks in kernels.values() for kn in ks)
    if k == 0:
        raise NumericDomainError("the collective generator has no stationary state (no kernel)")
    if k > 1 and initial_state is None:
        raise DegenerateSteadyStateError(
            f"the stationary space of the permutation-invariant states has dimension {k} (one "
            "or more per total spin j: purely collective processes conserve the total spin). "
            "Pass a PermutationInvariantState as initial_state (e.g. "
            "PermutationInvariantState.ground(N)) to project it.",
            dimension=k,
        )
    if initial_state is not None and initial_state.n != n:
        raise NumericDomainError(f"initial_state is for {initial_state.n} qubits, not {n}")
    blocks = {}
    for j2, ks in kernels.items():
        dj = j2 + 1
        v = np.zeros(dj * dj, complex)
        for kn in ks:
            if not kn.right.shape[1]:
                continue
            if k == 1:
                r = kn.right[:, 0]
                pops = kn.idx % (dj + 1) == 0
                v[kn.idx] = r / (r[pops].sum() * multiplicity(n, j2))
            else:
                v0 = initial_state.blocks[j2].T.reshape(-1)  # column stacking
                M = kn.left.conj().T @ kn.right
                v[kn.idx] = kn.right @ np.linalg.solve(M, kn.left.conj().T @ v0[kn.idx])
        rho = v.reshape(dj, dj).T
        blocks[j2] = 0.5 * (rho + rho.conj().T)
    return PermutationInvariantState(n, blocks, stationary_dimension=k, projected=k > 1)
