"""Dynamics of a declared collision model with numbers: Liouvillians, steady states, finite tau.

Two independent routes to the generator of a :class:`~symthermo.model.CollisionModel`:

* :func:`lindblad_liouvillian_of` evaluates the *derived* Lindblad form
  (:func:`symthermo.thermo.lindblad_form`: jump operators, rate matrix, cascaded Hamiltonian);
* :func:`direct_liouvillian` builds -i[H_S, .] + sum_channels scale * D_channel from matrices,
  with D the ordered-stroke dissipator of :func:`symthermo.numeric.superop.collision_dissipator`
  (-1/2 Tr_R[V_s,[V_s, rho (x) rho_R]] - sum_{s<s'} Tr_R[V_s',[V_s, rho (x) rho_R]]).

:class:`LiouvillianBuilder` evaluates the derived form for many parameter points at once
(stacked arrays, no Python loop over points) for sweeps; :func:`collision_round` turns the model
into the exact finite-tau simulation of :mod:`symthermo.numeric.collision` with the *same* time
normalisation (see :func:`collision_round`).

Vectorisation is column stacking (see :mod:`symthermo.numeric.superop`); tensor order is the
model's system sites in declared order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import sympy

from ..algebra.expectation import Expectation
from ..algebra.operator import Operator, operator_sum
from ..errors import ParameterError
from ..model import CollisionModel
from ..states import check_values
from ..thermo import lindblad_form
from ..validate import choice, estimate_bytes, positive_finite, validate_parameter_values
from .collision import Bath as NumericBath
from .collision import CollisionRound
from .errors import DegenerateSteadyStateError
from .matrices import Cutoff, _numeric, dimensions, monomial_matrix, operator_matrix
from .model_matrices import ancilla_density_matrix
from .steady import SteadyState, steady_state, steady_states_from_entries
from .superop import (
    collision_dissipator,
    hamiltonian_superop,
    lindblad_liouvillian,
    spost,
    spre,
    sprepost,
)


def _check_liouvillian_size(d: int, copies: int = 4) -> None:
    """Refuse a Liouvillian (d^2, d^2) that would not fit in memory (a few copies are made)."""
    estimate_bytes(f"a Liouvillian of Hilbert dimension {d}", float(d) ** 4 * copies, 16)


def _rates_matrix(rates: sympy.Matrix, params: Mapping | None) -> np.ndarray:
    out = np.zeros(rates.shape, dtype=complex)
    for i in range(rates.rows):
        for j in range(rates.cols):
            if rates[i, j] != 0:
                out[i, j] = _numeric(rates[i, j], params, "rate")
    return out


def lindblad_liouvillian_of(
    model: CollisionModel, params: Mapping | None = None, cutoff: Cutoff | None = None
) -> np.ndarray:
    """Liouvillian (d^2, d^2) of the derived Lindblad form at given parameter values."""
    lf = lindblad_form(model)
    sites = model.system_sites
    d = int(np.prod(dimensions(sites, cutoff)))
    _check_liouvillian_size(d)
    H = operator_matrix(lf.hamiltonian, sites, cutoff, params)
    L = hamiltonian_superop(H)
    for ch in lf.channels:
        if not ch.jump_operators:
            continue
        jumps = np.stack([operator_matrix(op, sites, cutoff, params) for op in ch.jump_operators])
        rates = _rates_matrix(ch.rates, params)
        L = L + lindblad_liouvillian(np.zeros((d, d)), jumps, rates)
    return L


def _channel_matrices(
    model: CollisionModel, params: Mapping | None, cutoff: Cutoff | None
) -> list[tuple[str, list[np.ndarray], np.ndarray, np.ndarray]]:
    """Per channel: (bath name, stroke matrices on S (x) R, rho_R, H_R)."""
    out = []
    for b in model.baths:
        sites = model.system_sites + b.ancilla_sites
        v = b.coupling_map
        rho_r = ancilla_density_matrix(b, params, cutoff)
        h_r = operator_matrix(b.hamiltonian, b.ancilla_sites, cutoff, params)
        for channel in b.channels():
            strokes = [
                operator_matrix(operator_sum(v[lab] for lab in stroke), sites, cutoff, params)
                for stroke in channel
            ]
            out.append((b.name, strokes, rho_r, h_r))
    return out


def direct_liouvillian(
    model: CollisionModel, params: Mapping | None = None, cutoff: Cutoff | None = None
) -> np.ndarray:
    """-i[H_S, .] + sum_channels scale * D_channel, everything from matrices."""
    sites = model.system_sites
    _check_liouvillian_size(int(np.prod(dimensions(sites, cutoff))))
    H = operator_matrix(model.system_hamiltonian, sites, cutoff, params)
    d = H.shape[0]
    L = hamiltonian_superop(H)
    for name, strokes, rho_r, _ in _channel_matrices(model, params, cutoff):
        scale = float(model.time_scale(model.bath(name)))
        L = L + scale * collision_dissipator(strokes, rho_r, d)
    return L


#: ``method="auto"`` builds dense Liouvillians up to this Hilbert dimension (4 qubits), sparse
#: ones above it.
DENSE_MAX_DIMENSION = 16


def model_steady_state(
    model: CollisionModel,
    params: Mapping | None = None,
    cutoff: Cutoff | None = None,
    initial_state: np.ndarray | None = None,
    route: str = "lindblad",
    method: str = "auto",
) -> SteadyState:
    """Numeric steady state (unique, or projected from ``initial_state`` when degenerate).

    ``route``: ``"lindblad"`` (the derived Lindblad form) or ``"direct"`` (from the couplings).
    ``method``: ``"dense"`` (dense (d^2, d^2) Liouvillian, SVD), ``"sparse"`` /
    ``"iterative"`` (:func:`symthermo.numeric.sparse.sparse_liouvillian` and
    :func:`symthermo.numeric.sparse_steady.sparse_steady_state`), or ``"auto"`` (default):
    dense up to d = DENSE_MAX_DIMENSION, sparse above.
    """
    choice("route", route, ("lindblad", "direct"))
    choice("method", method, ("auto", "dense", "sparse", "iterative"))
    d = int(np.prod(dimensions(model.system_sites, cutoff)))
    if method == "sparse" or method == "iterative" or (
        method == "auto" and d > DENSE_MAX_DIMENSION
    ):
        from .sparse import sparse_liouvillian

        L = sparse_liouvillian(model, params, cutoff, route)
        return steady_state(
            L, initial_state=initial_state,
            method=method,
        )
    if route == "lindblad":
        L = lindblad_liouvillian_of(model, params, cutoff)
    else:
        L = direct_liouvillian(model, params, cutoff)
    return steady_state(L, initial_state=initial_state, method="dense")


def collision_round(
    model: CollisionModel,
    tau: float,
    params: Mapping | None = None,
    cutoff: Cutoff | None = None,
) -> tuple[CollisionRound, float, list[str]]:
    """The exact finite-tau round of the model, its time per round, and each channel's bath.

    The channels (each with its own fresh ancilla) act one after another, each for its own
    strokes of duration tau; cross terms between channels vanish (zero bath means), so the
    order does not matter as tau -> 0, and only one channel's ancilla is ever held in memory.
    With n slots in all and the model's scale (1 for ``round_duration="tau"``, 1/K for
    ``"strokes"``), the time per round is T = tau / scale and every slot carries
    H_S / (scale n), so the tau -> 0 generator is -i[H_S, .] + scale sum_channels D_channel:
    exactly the derived master equation.
    """
    chans = _channel_matrices(model, params, cutoff)
    slots = sum(len(strokes) for _, strokes, _, _ in chans)
    scale = float(model.time_scale(model.baths[0]))
    H = operator_matrix(model.system_hamiltonian, model.system_sites, cutoff, params)
    baths = tuple(
        NumericBath(h_r, rho_r, tuple(strokes), name=f"{name}[{i}]")
        for i, (name, strokes, rho_r, h_r) in enumerate(chans)
    )
    rnd = CollisionRound(H / (scale * slots), baths, tau, schedule="sequential")
    return rnd, tau / scale, [name for name, _, _, _ in chans]


# batched sweeps ----------------------------------------------------------------------------


def _operator_parts(op: Operator, sites, cutoff) -> tuple[list[sympy.Expr], np.ndarray]:
    terms = op.terms
    mats = [monomial_matrix(m, sites, cutoff) for m in terms]
    d = int(np.prod(dimensions(sites, cutoff)))
    return list(terms.values()), (np.stack(mats) if mats else np.zeros((0, d, d)))


@dataclass
class LiouvillianBuilder:
    """Evaluate the derived Lindblad generator at many parameter points at once.

    ``builder(values)`` with ``values = {symbol or name: array}`` (arrays broadcast together)
    returns Liouvillians of shape (*batch, d^2, d^2).

    The generator is linear in a few parameter functions: with H = sum_m h_m M_m and jump
    operators L_a = sum_m c_am M_m (M_m canonical monomial matrices),

        L = sum_m h_m (-i[M_m, .]) + sum_{m,n} w_mn D_mn,
        w_mn = sum_ab gamma_ab c_am conj(c_bn),  D_mn = M_m . M_n^dag - {M_n^dag M_m, .}/2,

    so the weights h_m, w_mn are lambdified once (with CSE) and the Liouvillians of a whole
    batch are one matrix product W @ S on the union of the superoperators' non-zero entries.
    Parameters are real (the algebra's convention), so conj only flips i.
    """

    model: CollisionModel
    cutoff: Cutoff | None = None

    def __post_init__(self) -> None:
        lf = lindblad_form(self.model)
        sites = self.model.system_sites
        d = int(np.prod(dimensions(sites, self.cutoff)))
        _check_liouvillian_size(d)
        self.dimension = d
        weights: dict[tuple, sympy.Expr] = {}

        def add(key: tuple, value: sympy.Expr) -> None:
            weights[key] = weights.get(key, sympy.Integer(0)) + value

        for mono, coeff in lf.hamiltonian.terms.items():
            add(("H", mono), coeff)
        for ch in lf.channels:
            parts = [op.terms for op in ch.jump_operators]
            for ia, pa in enumerate(parts):
                for ib, pb in enumerate(parts):
                    g = ch.rates[ia, ib]
                    if g == 0:
                        continue
                    for m, ca in pa.items():
                        for n, cb in pb.items():
                            add(("D", m, n), g * ca * cb.xreplace({sympy.I: -sympy.I}))
        keys = [k for k in sorted(weights, key=str) if sympy.expand(weights[k]) != 0]
        mats: dict = {}

        def matrix(mono: tuple) -> np.ndarray:
            if mono not in mats:
                mats[mono] = monomial_matrix(mono, sites, self.cutoff)
            return mats[mono]

        supers = []
        for key in keys:
            if key[0] == "H":
                supers.append(hamiltonian_superop(matrix(key[1])))
            else:
                mm, mn_dag = matrix(key[1]), matrix(key[2]).conj().T
                anti = mn_dag @ mm
                supers.append(sprepost(mm, mn_dag) - 0.5 * (spre(anti) + spost(anti)))
        flat = np.array(supers, dtype=complex).reshape(len(keys), -1) if keys else np.zeros(
            (0, d**4), dtype=complex)
        self._support = np.flatnonzero(np.any(flat != 0, axis=0))
        self._supers = np.ascontiguousarray(flat[:, self._support])
        # dense position -> slot in the entries, or the appended zero slot
        self._dense_slot = np.full(d**4, self._support.size, dtype=np.intp)
        self._dense_slot[self._support] = np.arange(self._support.size)
        free: set = set()
        for k in keys:
            free |= {s for s in weights[k].free_symbols if not isinstance(s, Expectation)}
        self.parameters = tuple(sorted(free, key=str))
        self._fn = sympy.lambdify(
            self.parameters, [weights[k] for k in keys], modules="numpy", cse=True
        )

    def entries(self, values: Mapping[object, object]) -> tuple[np.ndarray, tuple[int, ...]]:
        """The generators' entries at :attr:`support` (size, s) and the batch shape.

        ``L.reshape(-1, d^4)[:, support] = entries``; every other entry of L is zero for
        every parameter value (one matrix product W @ S, no dense (d^2, d^2) stack).
        """
        clean = validate_parameter_values(values, self.parameters, arrays=True)
        by_name = {str(k): v for k, v in clean.items()}
        check_values(self.model.ancilla_states, by_name)  # physical ancilla states at each point
        try:
            args = np.broadcast_arrays(*[by_name[str(p)] for p in self.parameters]) \
                if self.parameters else []
        except ValueError as exc:
            shapes = {str(p): by_name[str(p)].shape for p in self.parameters}
            raise ParameterError(
                f"parameter arrays do not broadcast together: shapes {shapes}"
            ) from exc
        if args:
            estimate_bytes("the generators of this batch", args[0].size * max(1, self.support.size),
                           16)
        batch = args[0].shape if args else ()
        size = int(np.prod(batch))
        w = np.empty((size, self._supers.shape[0]), dtype=complex)
        for j, v in enumerate(self._fn(*args)):
            w[:, j] = np.broadcast_to(np.asarray(v, dtype=complex), batch).reshape(-1)
        return w @ self._supers, batch

    @property
    def support(self) -> np.ndarray:
        """Flat positions (row-major, in the (d^2, d^2) generator) that can be non-zero."""
        return self._support

    def __call__(self, values: Mapping[object, object]) -> np.ndarray:
        entries, batch = self.entries(values)
        d2 = self.dimension**2
        padded = np.zeros((entries.shape[0], entries.shape[1] + 1), dtype=complex)
        padded[:, :-1] = entries
        # a gather into the dense stack (about 2x faster than scattering into zeros)
        return np.take(padded, self._dense_slot, axis=1).reshape(*batch, d2, d2)

    def steady_states(self, values: Mapping[object, object], **options: object) -> np.ndarray:
        """Steady states (*batch, d, d) at the parameter points ``values``, in one batched solve.

        Same as ``steady_states_batched(self(values), **options)`` (options: condition_limit,
        on_degenerate, workers, backend) without building the dense Liouvillians: the solver
        reads the generators' entries on their support
        (:func:`symthermo.numeric.steady.steady_states_from_entries`).
        """
        entries, batch = self.entries(values)
        rho = steady_states_from_entries(
            entries, self._support, self.dimension**2, **options  # type: ignore[arg-type]
        )
        return rho.reshape(*batch, self.dimension, self.dimension)


def steady_states_sweep(
    model: CollisionModel,
    values: Mapping[object, object],
    cutoff: Cutoff | None = None,
    on_degenerate: str = "raise",
    chunk_bytes: int = 64 * 2**20,
) -> np.ndarray:
    """Steady states (*batch, d, d) of the model at many parameter points.

    The generators' entries on their support (:meth:`LiouvillianBuilder.steady_states`) are
    built and solved in chunks of about ``chunk_bytes``, each chunk one batched solve.
    """
    choice("on_degenerate", on_degenerate, ("raise", "nan"))
    positive_finite("chunk_bytes", chunk_bytes)
    builder = LiouvillianBuilder(model, cutoff)
    clean = validate_parameter_values(values, builder.parameters, arrays=True)
    by_name = {str(k): v for k, v in clean.items()}
    try:
        shape = np.broadcast_shapes(*[v.shape for v in by_name.values()]) if by_name else ()
    except ValueError as exc:
        raise ParameterError(
            f"parameter arrays do not broadcast together: shapes "
            f"{ {k: v.shape for k, v in by_name.items()} }"
        ) from exc
    estimate_bytes("the steady states of this sweep", float(np.prod(shape)) *
                   builder.dimension**2, 16)
    flat = {k: np.broadcast_to(v, shape).reshape(-1) for k, v in by_name.items()}
    total = int(np.prod(shape))
    d = builder.dimension
    step = max(1, chunk_bytes // (16 * max(1, builder.support.size)))
    out = np.empty((total, d, d), dtype=complex)
    bad: list[int] = []
    for start in range(0, total, step):
        part = {k: v[start:start + step] for k, v in flat.items()}
        rho = builder.steady_states(part, on_degenerate="nan")
        bad += [start + int(i) for i in np.flatnonzero(np.isnan(rho[:, 0, 0].real))]
        out[start:start + step] = rho
    if bad and on_degenerate == "raise":
        raise DegenerateSteadyStateError(
            f"{len(bad)} of {total} parameter points have a stationary space of dimension > 1 "
            f"(flat indices {bad[:10]}{' ...' if len(bad) > 10 else ''}): dark states or a "
            "symmetry; pass on_degenerate='nan' and solve those points with an initial state",
            indices=bad,
        )
    return out.reshape(*shape, d, d)
