"""Exact finite-tau collision models: stroboscopic maps, fixed points, heat and work per round.

Conventions: hbar = k_B = 1; operators of a stroke act on S (x) R with the system the LEFT
Kronecker factor (first site = leftmost factor); column-stacking vectorisation
(vec(A rho B) = (B^T (x) A) vec(rho), see :mod:`symthermo.numeric.superop`).

The model
---------
A :class:`Bath` is a stream of fresh ancillas in state rho_R with Hamiltonian H_R; within one
round its ancilla meets the system in the ordered strokes V_1, ..., V_K (couplings on S (x) R).
Stroke s lasts tau and evolves S + R with

    U_s = exp(-i tau H_s),   H_s = H_S (x) 1 + 1 (x) H_R + V_s / sqrt(tau)

(H_S acts during every stroke). Schemes: a simultaneous (common) bath is ONE stroke with
V = sum_i V_i; a cascaded bath is several strokes; independent baths are several Bath objects,
one per coupling, each with its own fresh ancilla.

A :class:`CollisionRound` lists the baths of one round. ``schedule="sequential"`` (default):
the baths act one after another in the given order (bath 1's strokes, then bath 2's, ...);
the round has sum_k K_k stroke slots. ``schedule="parallel"``: all baths' ancillas are present
together and slot s runs stroke s of every bath at once,
H = H_S + sum_k H_Rk + sum_k V_{k,s} / sqrt(tau) (a bath with fewer strokes idles); the round
has max_k K_k slots (the common-time model of e.g. coupled-ensembles Eq. (2)/(13)).
After the round the ancillas are traced out and replaced.

Time normalisation
------------------
Rates are per-round quantities divided by ``time_per_round``, default tau * (number of
slots). With time_per_round = T, the tau -> 0 generator is

    L = (n_slots * tau / T) (-i[H_S, .]) + (tau / T) sum_k D_k

with D_k the :func:`~symthermo.numeric.superop.collision_dissipator` of bath k (its ordered
strokes; cross terms between baths vanish for zero bath means). With the default T this is
-i[H_S, .] + sum_k D_k / n_slots. :func:`lindblad_limit_generator` and
:func:`lindblad_limit_currents` implement exactly this, so finite-tau results converge to
them as O(tau) (for ancillas with vanishing third moments, e.g. thermal ones).

Energetics (memoryless-ness paper, Eqs. (20)-(21)), per round at a given rho_S:

* heat from bath k:  Q_k = -(Tr[H_Rk rho_Rk'] - Tr[H_Rk rho_Rk])   (Q > 0: INTO the system);
* work:  W = Delta <H_S + sum_k H_Rk> over the round (W > 0: delivered TO the system). Since
  U_s conserves H_s, each stroke changes H_S + H_R only through switching the coupling on and
  off: Delta<H_S + H_R>_s = -Delta<V_s>/sqrt(tau) (``switching_work`` checks it);
* first law: Delta E_S = W + sum_k Q_k (exact by construction).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from ..validate import choice, positive_finite
from .errors import NumericDomainError, NumericParameterError
from .steady import SteadyState, steady_state
from .superop import (
    check_trace_preserving,
    collision_dissipator,
    hamiltonian_superop,
    partial_trace_ancilla,
)

__all__ = [
    "Bath",
    "CollisionEnergetics",
    "CollisionRound",
    "EnergyCurrents",
    "collision_energetics",
    "collision_map",
    "collision_steady_state",
    "hermitian_expm",
    "lindblad_limit_currents",
    "lindblad_limit_generator",
]

_HERM_RTOL = 1e-10


def _as_hermitian(a: ArrayLike, what: str, dim: int | None = None) -> np.ndarray:
    arr = a if isinstance(a, np.ndarray) else np.asarray(a)
    if arr.dtype.kind not in "fiuc":
        raise NumericDomainError(f"{what} must be a numeric matrix, got {type(a).__name__}")
    m = np.array(arr, dtype=complex)
    if not np.isfinite(m).all():
        raise NumericDomainError(f"{what} has non-finite entries (NaN or inf)")
    if m.ndim != 2 or m.shape[0] != m.shape[1]:
        raise NumericDomainError(f"{what} must be a square matrix, got shape {m.shape}")
    if dim is not None and m.shape[0] != dim:
        raise NumericDomainError(f"{what} must have dimension {dim}, got {m.shape[0]}")
    scale = max(float(np.max(np.abs(m), initial=0.0)), 1e-300)
    if np.max(np.abs(m - m.conj().T), initial=0.0) > _HERM_RTOL * scale:
        raise NumericDomainError(f"{what} must be Hermitian")
    m.setflags(write=False)
    return m


def hermitian_expm(H: ArrayLike, t: float) -> np.ndarray:
    """exp(-i t H) for Hermitian H via its eigendecomposition (exact up to rounding)."""
    e, v = np.linalg.eigh(np.asarray(H))
    return (v * np.exp(-1j * t * e)) @ v.conj().T


@dataclass(frozen=True, eq=False)
class Bath:
    """A stream of fresh ancillas: Hamiltonian H_R, state rho_R, ordered strokes V_s on S (x) R.

    ``strokes`` are the couplings (system = left factor) in the order the ancilla meets the
    system; their dimension must be dS * dR for the system of the round.
    """

    hamiltonian: np.ndarray
    state: np.ndarray
    strokes: tuple[np.ndarray, ...]
    name: str = "bath"

    def __post_init__(self) -> None:
        H = _as_hermitian(self.hamiltonian, f"{self.name}: ancilla Hamiltonian")
        dR = H.shape[0]
        rho = _as_hermitian(self.state, f"{self.name}: ancilla state", dR)
        evals = np.linalg.eigvalsh(rho)
        if abs(np.trace(rho).real - 1) > 1e-10 or evals[0] < -1e-10:
            raise NumericDomainError(
                f"{self.name}: ancilla state must be a density matrix (trace 1, positive); "
                f"trace = {np.trace(rho).real:.12g}, smallest eigenvalue = {evals[0]:.3g}"
            )
        if isinstance(self.strokes, np.ndarray) and self.strokes.ndim == 2:
            raise NumericDomainError(f"{self.name}: strokes must be a sequence of matrices")
        strokes = tuple(
            _as_hermitian(V, f"{self.name}: stroke {s} coupling")
            for s, V in enumerate(self.strokes)
        )
        if not strokes:
            raise NumericDomainError(f"{self.name}: a bath needs at least one stroke")
        D = strokes[0].shape[0]
        if D % dR or any(V.shape[0] != D for V in strokes):
            raise NumericDomainError(
                f"{self.name}: every stroke must act on S (x) R with dim(R) = {dR}"
            )
        object.__setattr__(self, "hamiltonian", H)
        object.__setattr__(self, "state", rho)
        object.__setattr__(self, "strokes", strokes)

    @property
    def ancilla_dim(self) -> int:
        """dR, the ancilla dimension."""
        return self.hamiltonian.shape[0]


@dataclass(frozen=True, eq=False)
class CollisionRound:
    """One round of a collision model: system Hamiltonian, baths, stroke duration tau, schedule.

    ``schedule`` is ``"sequential"`` (baths one after another) or ``"parallel"`` (slot s runs
    stroke s of every bath at once); see the module docstring.
    """

    system_hamiltonian: np.ndarray
    baths: tuple[Bath, ...]
    tau: float
    schedule: str = "sequential"

    def __post_init__(self) -> None:
        H = _as_hermitian(self.system_hamiltonian, "system Hamiltonian")
        dS = H.shape[0]
        baths = (self.baths,) if isinstance(self.baths, Bath) else tuple(self.baths)
        if not baths:
            raise NumericDomainError("a collision round needs at least one bath")
        for b in baths:
            if not isinstance(b, Bath):
                raise NumericDomainError(f"baths must be Bath objects, got {type(b).__name__}")
            if b.strokes[0].shape[0] != dS * b.ancilla_dim:
                raise NumericDomainError(
                    f"{b.name}: strokes have dimension {b.strokes[0].shape[0]}, expected "
                    f"dim(S) * dim(R) = {dS} * {b.ancilla_dim}"
                )
        tau = positive_finite("tau", self.tau, error=NumericParameterError)
        choice("schedule", self.schedule, ("sequential", "parallel"), NumericDomainError)
        object.__setattr__(self, "system_hamiltonian", H)
        object.__setattr__(self, "baths", baths)
        object.__setattr__(self, "tau", tau)

    @property
    def system_dim(self) -> int:
        """dS, the system dimension."""
        return self.system_hamiltonian.shape[0]

    @property
    def n_slots(self) -> int:
        """Stroke slots per round: sum of strokes (sequential) or the largest count (parallel)."""
        counts = [len(b.strokes) for b in self.baths]
        return sum(counts) if self.schedule == "sequential" else max(counts)

    @property
    def duration(self) -> float:
        """Default time per round: tau * n_slots."""
        return self.tau * self.n_slots

    def time_per_round(self, time_per_round: float | None = None) -> float:
        """The explicit normalisation if given (must be > 0), else :attr:`duration`."""
        if time_per_round is None:
            return self.duration
        T = positive_finite("time_per_round", time_per_round, error=NumericParameterError)
        return T  # type: ignore[return-value]


# --------------------------------------------------------------------------------------------
# internal: blocks of strokes sharing one (possibly composite) ancilla
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Block:
    """Strokes sharing one joint ancilla: everything on S (x) R_joint."""

    ancilla_dim: int
    ancilla_state: np.ndarray  # joint ancilla state
    bath_index: tuple[int, ...]  # which baths of the round
    bath_hamiltonians: tuple[np.ndarray, ...]  # each 1 (x) H_Rk on S (x) R_joint
    slots: tuple[np.ndarray, ...]  # total coupling of each slot on S (x) R_joint


def _embed(V: np.ndarray, dS: int, dims: Sequence[int], k: int) -> np.ndarray:
    """Operator on S (x) R_k -> operator on S (x) R_1 (x) ... (x) R_m (identity elsewhere)."""
    before = int(np.prod(dims[:k], dtype=int))
    after = int(np.prod(dims[k + 1 :], dtype=int))
    dk = dims[k]
    V4 = V.reshape(dS, dk, dS, dk)
    out = np.einsum("srtu,ab,cd->sarctbud", V4, np.eye(before), np.eye(after))
    D = dS * before * dk * after
    return out.reshape(D, D)


def _blocks(rnd: CollisionRound) -> list[_Block]:
    dS = rnd.system_dim
    eye_S = np.eye(dS)
    if rnd.schedule == "sequential":
        return [
            _Block(
                ancilla_dim=b.ancilla_dim,
                ancilla_state=b.state,
                bath_index=(k,),
                bath_hamiltonians=(np.kron(eye_S, b.hamiltonian),),
                slots=b.strokes,
            )
            for k, b in enumerate(rnd.baths)
        ]
    dims = [b.ancilla_dim for b in rnd.baths]
    rho = np.ones((1, 1), dtype=complex)
    for b in rnd.baths:
        rho = np.kron(rho, b.state)
    bath_H = tuple(
        _embed(np.kron(eye_S, b.hamiltonian), dS, dims, k) for k, b in enumerate(rnd.baths)
    )
    D = dS * int(np.prod(dims))
    slots = []
    for s in range(rnd.n_slots):
        V = np.zeros((D, D), dtype=complex)
        for k, b in enumerate(rnd.baths):
            if s < len(b.strokes):
                V += _embed(b.strokes[s], dS, dims, k)
        slots.append(V)
    return [
        _Block(
            ancilla_dim=int(np.prod(dims)),
            ancilla_state=rho,
            bath_index=tuple(range(len(rnd.baths))),
            bath_hamiltonians=bath_H,
            slots=tuple(slots),
        )
    ]


def _slot_unitaries(rnd: CollisionRound, block: _Block) -> list[np.ndarray]:
    H0 = np.kron(rnd.system_hamiltonian, np.eye(block.ancilla_dim)) + sum(block.bath_hamiltonians)
    return [hermitian_expm(H0 + V / np.sqrt(rnd.tau), rnd.tau) for V in block.slots]


def _block_superop(rnd: CollisionRound, block: _Block) -> np.ndarray:
    """Superoperator of rho -> Tr_R[W (rho (x) rho_R) W^dag], W = U_last ... U_first."""
    dS, dR = rnd.system_dim, block.ancilla_dim
    W = np.eye(dS * dR, dtype=complex)
    for U in _slot_unitaries(rnd, block):
        W = U @ W
    p, psi = np.linalg.eigh(block.ancilla_state)
    keep = p > 1e-15
    p, psi = p[keep], psi[:, keep]
    W4 = W.reshape(dS, dR, dS, dR)
    # Kraus operators K_{n,m} = sqrt(p_m) (1 (x) <n|) W (1 (x) |psi_m>)
    K = np.einsum("injr,rm->nmij", W4, psi) * np.sqrt(p)[None, :, None, None]
    K = K.reshape(-1, dS, dS)
    M = np.einsum("xjl,xik->jilk", K.conj(), K)
    return M.reshape(dS * dS, dS * dS)


# --------------------------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------------------------


def collision_map(rnd: CollisionRound) -> np.ndarray:
    """Superoperator Phi (dS^2, dS^2) of one round: vec(rho_S') = Phi vec(rho_S), exact in tau.

    Sequential schedule: Phi = Phi_m ... Phi_1 with Phi_k(rho) = Tr_R[W_k (rho (x) rho_Rk) W_k^dag],
    W_k = U_{k,K_k} ... U_{k,1}; parallel: one such map on the joint ancilla.
    """
    dS = rnd.system_dim
    Phi = np.eye(dS * dS, dtype=complex)
    for block in _blocks(rnd):
        Phi = _block_superop(rnd, block) @ Phi
    return Phi


def collision_steady_state(
    rnd: CollisionRound, initial_state: ArrayLike | None = None, *, rtol: float = 1e-10
) -> SteadyState:
    """Fixed point of the round map: Phi rho = rho, i.e. the kernel of Phi - 1.

    Same degeneracy handling as :func:`~symthermo.numeric.steady.steady_state` (applied to the
    trace-preserving generator Phi - 1): a stationary space of dimension > 1 raises
    DegenerateSteadyStateError unless ``initial_state`` is given; then the result is the
    projection onto the fixed points (the Cesaro limit of Phi^n rho_0). Precision: Phi - 1 is
    O(tau) while rounding in Phi is ~1e-16, so for tau below ~1e-6 the fixed point is
    ill-determined in double precision (use the tau -> 0 generator there).
    """
    Phi = collision_map(rnd)
    G = Phi - np.eye(Phi.shape[0])
    check_trace_preserving(G, scale=1.0)
    return steady_state(G, initial_state, rtol=rtol, check_trace=False)


@dataclass(frozen=True)
class EnergyCurrents:
    """Energy flows per unit time at one system state.

    heat_currents[k] = Qdot_k > 0: heat flows from bath k INTO the system;
    power = Wdot > 0: work is delivered TO the system (Wdot < 0: the system performs work);
    system_energy_rate = d<H_S>/dt. First law: system_energy_rate = power + sum(heat_currents).
    """

    heat_currents: np.ndarray
    power: float
    system_energy_rate: float
    bath_names: tuple[str, ...] = ()

    @property
    def first_law_residual(self) -> float:
        """dE_S/dt - Wdot - sum_k Qdot_k (zero up to rounding / truncation)."""
        return float(self.system_energy_rate - self.power - np.sum(self.heat_currents))

    def report(self) -> str:
        """Short text: currents with the sign convention."""
        names = self.bath_names or tuple(f"bath {k}" for k in range(len(self.heat_currents)))
        lines = ["energy currents (Qdot > 0: into the system; Wdot > 0: work on the system)"]
        lines += [f"  Qdot[{n}] = {q:.10g}" for n, q in zip(names, self.heat_currents, strict=True)]
        lines += [
            f"  Wdot = {self.power:.10g}",
            f"  dE_S/dt = {self.system_energy_rate:.10g}",
            f"  first-law residual = {self.first_law_residual:.3g}",
        ]
        return "\n".join(lines)

    def _repr_latex_(self) -> str:
        from ..emit.display import energy_currents_latex

        return energy_currents_latex(self)

    def _repr_html_(self) -> str:
        from ..emit.display import pre_html

        return pre_html(self.report())

    def _latex(self, printer: object = None) -> str:
        return self._repr_latex_().strip("$")


@dataclass(frozen=True)
class CollisionEnergetics:
    """Exact energy bookkeeping of one round at a given rho_S (per round, not per time).

    heat[k] = Q_k = -(Delta <H_Rk>) (> 0 into the system); work = W = Delta <H_S + sum H_R>
    (> 0 delivered to the system); switching_work = -sum_s Delta<V_s>/sqrt(tau) (equal to
    ``work`` since each U_s conserves its H_s); system_energy_change = Delta <H_S>;
    work_per_slot: the work of each stroke slot in time order; rho_after = rho_S'.
    time_per_round: the normalisation used by :attr:`currents`.
    """

    heat: np.ndarray
    work: float
    switching_work: float
    system_energy_change: float
    work_per_slot: np.ndarray
    rho_after: np.ndarray = field(repr=False)
    time_per_round: float = 1.0
    bath_names: tuple[str, ...] = ()

    @property
    def currents(self) -> EnergyCurrents:
        """Per-round quantities divided by time_per_round."""
        T = self.time_per_round
        return EnergyCurrents(
            heat_currents=self.heat / T,
            power=self.work / T,
            system_energy_rate=self.system_energy_change / T,
            bath_names=self.bath_names,
        )

    @property
    def first_law_residual(self) -> float:
        """Delta E_S - W - sum_k Q_k (zero up to rounding)."""
        return float(self.system_energy_change - self.work - np.sum(self.heat))


def collision_energetics(
    rnd: CollisionRound, rho_S: ArrayLike, time_per_round: float | None = None
) -> CollisionEnergetics:
    """Exact heat per bath and work of one round started from rho_S (fresh ancillas).

    Follows the joint state rho_S (x) rho_R through the stroke unitaries (module docstring for
    definitions and signs). At a fixed point of the round map, Delta E_S = 0 and W = -sum Q.
    """
    dS = rnd.system_dim
    rho = np.asarray(rho_S, dtype=complex)
    if rho.shape != (dS, dS):
        raise NumericDomainError(f"rho_S must have shape ({dS}, {dS}), got {rho.shape}")
    HS = rnd.system_hamiltonian
    e0 = float(np.trace(HS @ rho).real)
    heat = np.zeros(len(rnd.baths))
    works: list[float] = []
    switching = 0.0
    for block in _blocks(rnd):
        HS_big = np.kron(HS, np.eye(block.ancilla_dim))
        HR_sum = sum(block.bath_hamiltonians)
        bare = HS_big + HR_sum
        X = np.kron(rho, block.ancilla_state)
        start_R = [float(np.trace(h @ X).real) for h in block.bath_hamiltonians]
        for U, V in zip(_slot_unitaries(rnd, block), block.slots, strict=True):
            Xn = U @ X @ U.conj().T
            works.append(float(np.trace(bare @ (Xn - X)).real))
            switching -= float(np.trace(V @ (Xn - X)).real) / np.sqrt(rnd.tau)
            X = Xn
        for k, h, e_start in zip(
            block.bath_index, block.bath_hamiltonians, start_R, strict=True
        ):
            heat[k] = -(float(np.trace(h @ X).real) - e_start)
        rho = partial_trace_ancilla(X, dS, block.ancilla_dim)
    return CollisionEnergetics(
        heat=heat,
        work=float(sum(works)),
        switching_work=switching,
        system_energy_change=float(np.trace(HS @ rho).real) - e0,
        work_per_slot=np.asarray(works),
        rho_after=rho,
        time_per_round=rnd.time_per_round(time_per_round),
        bath_names=tuple(b.name for b in rnd.baths),
    )


def lindblad_limit_generator(
    rnd: CollisionRound, time_per_round: float | None = None
) -> np.ndarray:
    """tau -> 0 generator with the round's time normalisation (module docstring):

        L = (n_slots tau / T)(-i[H_S, .]) + (tau / T) sum_k D_k,

    D_k = collision_dissipator(bath k's strokes, rho_Rk). With the default T = n_slots tau:
    L = -i[H_S, .] + sum_k D_k / n_slots. (The value of tau only enters through tau / T.)
    """
    T = rnd.time_per_round(time_per_round)
    dS = rnd.system_dim
    L = (rnd.n_slots * rnd.tau / T) * hamiltonian_superop(rnd.system_hamiltonian)
    for b in rnd.baths:
        L = L + (rnd.tau / T) * collision_dissipator(b.strokes, b.state, dS)
    return L


def _ordered_double_commutator(strokes: Sequence[np.ndarray], A: np.ndarray) -> np.ndarray:
    """1/2 sum_s [V_s, [V_s, A]] + sum_{s<s'} [V_s, [V_s', A]] (earlier stroke outermost)."""
    out = np.zeros_like(A, dtype=complex)
    for s, V in enumerate(strokes):
        inner = V @ A - A @ V
        out += 0.5 * (V @ inner - inner @ V)
        for V2 in strokes[s + 1 :]:
            inner2 = V2 @ A - A @ V2
            out += V @ inner2 - inner2 @ V
    return out


def lindblad_limit_currents(
    rnd: CollisionRound, rho_S: ArrayLike, time_per_round: float | None = None
) -> EnergyCurrents:
    """tau -> 0 heat currents and power at rho_S, with the same normalisation as the generator.

    With X = rho_S (x) rho_Rk and c = tau / T (Heisenberg picture, earlier stroke outermost):

        Qdot_k = c Tr[X (1/2 sum_s [V_s,[V_s,H_Rk]] + sum_{s<s'} [V_s,[V_s',H_Rk]])]
        Wdot   = -c sum_k Tr[X (1/2 sum_s [V_s,[V_s,H_S+H_Rk]] + sum_{s<s'} [V_s,[V_s',H_S+H_Rk]])]

    and dE_S/dt = Tr[H_S L(rho_S)] from :func:`lindblad_limit_generator` (an independent route:
    the first-law residual checks both).
    """
    dS = rnd.system_dim
    rho = np.asarray(rho_S, dtype=complex)
    if rho.shape != (dS, dS):
        raise NumericDomainError(f"rho_S must have shape ({dS}, {dS}), got {rho.shape}")
    T = rnd.time_per_round(time_per_round)
    c = rnd.tau / T
    HS = rnd.system_hamiltonian
    heat = np.zeros(len(rnd.baths))
    power = 0.0
    for k, b in enumerate(rnd.baths):
        dR = b.ancilla_dim
        X = np.kron(rho, b.state)
        HR = np.kron(np.eye(dS), b.hamiltonian)
        HSb = np.kron(HS, np.eye(dR))
        heat[k] = c * float(np.trace(X @ _ordered_double_commutator(b.strokes, HR)).real)
        power -= c * float(np.trace(X @ _ordered_double_commutator(b.strokes, HSb + HR)).real)
    L = lindblad_limit_generator(rnd, time_per_round)
    drho = (L @ rho.reshape(-1, order="F")).reshape(dS, dS, order="F")
    return EnergyCurrents(
        heat_currents=heat,
        power=power,
        system_energy_rate=float(np.trace(HS @ drho).real),
        bath_names=tuple(b.name for b in rnd.baths),
    )
