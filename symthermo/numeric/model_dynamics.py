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
normalisation (``round_duration="tau"``: the round counts as tau and H_S acts for tau per round,
so the stroke Hamiltonian carries H_S / K for K stroke slots; ``"strokes"``: K tau per round).

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
from ..errors import SymthermoError
from ..model import CollisionModel
from ..thermo import lindblad_form
from .collision import Bath as NumericBath
from .collision import CollisionRound
from .matrices import Cutoff, _numeric, monomial_matrix, operator_matrix
from .model_matrices import ancilla_density_matrix
from .steady import SteadyState, steady_state, steady_states_batched
from .superop import collision_dissipator, hamiltonian_superop, lindblad_liouvillian


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
    d = int(np.prod([2 if s.kind == "qubit" else _levels(s, cutoff) for s in sites]))
    H = operator_matrix(lf.hamiltonian, sites, cutoff, params)
    L = hamiltonian_superop(H)
    for ch in lf.channels:
        if not ch.jump_operators:
            continue
        jumps = np.stack([operator_matrix(op, sites, cutoff, params) for op in ch.jump_operators])
        rates = _rates_matrix(ch.rates, params)
        L = L + lindblad_liouvillian(np.zeros((d, d)), jumps, rates)
    return L


def _levels(site, cutoff):
    from .matrices import _levels as levels

    return levels(site, cutoff)


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
    H = operator_matrix(model.system_hamiltonian, sites, cutoff, params)
    d = H.shape[0]
    L = hamiltonian_superop(H)
    for name, strokes, rho_r, _ in _channel_matrices(model, params, cutoff):
        scale = float(model.time_scale(model.bath(name)))
        L = L + scale * collision_dissipator(strokes, rho_r, d)
    return L


def model_steady_state(
    model: CollisionModel,
    params: Mapping | None = None,
    cutoff: Cutoff | None = None,
    initial_state: np.ndarray | None = None,
    route: str = "lindblad",
) -> SteadyState:
    """Numeric steady state (unique, or projected from ``initial_state`` when degenerate)."""
    if route == "lindblad":
        L = lindblad_liouvillian_of(model, params, cutoff)
    elif route == "direct":
        L = direct_liouvillian(model, params, cutoff)
    else:
        raise SymthermoError(f"route {route!r} is unknown: use 'lindblad' or 'direct'")
    return steady_state(L, initial_state=initial_state)


def collision_round(
    model: CollisionModel,
    tau: float,
    params: Mapping | None = None,
    cutoff: Cutoff | None = None,
) -> tuple[CollisionRound, float, list[str]]:
    """The exact finite-tau round of the model, its time per round, and each channel's bath.

    All channels act in parallel (slot s runs stroke s of every channel, each with its own
    fresh ancilla).  See the module docstring for the normalisation.
    """
    chans = _channel_matrices(model, params, cutoff)
    slots = max(len(strokes) for _, strokes, _, _ in chans)
    H = operator_matrix(model.system_hamiltonian, model.system_sites, cutoff, params)
    if model.round_duration == "tau":
        h_stroke, time_per_round = H / slots, tau
    else:
        h_stroke, time_per_round = H, tau * slots
    baths = tuple(
        NumericBath(h_r, rho_r, tuple(strokes), name=f"{name}[{i}]")
        for i, (name, strokes, rho_r, h_r) in enumerate(chans)
    )
    rnd = CollisionRound(h_stroke, baths, tau, schedule="parallel")
    return rnd, time_per_round, [name for name, _, _, _ in chans]


# batched sweeps ----------------------------------------------------------------------------


def _operator_parts(op: Operator, sites, cutoff) -> tuple[list[sympy.Expr], np.ndarray]:
    terms = op.terms
    mats = [monomial_matrix(m, sites, cutoff) for m in terms]
    d = int(np.prod([_levels(s, cutoff) for s in sites]))
    return list(terms.values()), (np.stack(mats) if mats else np.zeros((0, d, d)))


@dataclass
class LiouvillianBuilder:
    """Evaluate the derived Lindblad generator at many parameter points at once.

    ``builder(values)`` with ``values = {symbol or name: array}`` (arrays broadcast together)
    returns Liouvillians of shape (*batch, d^2, d^2).  Coefficients are lambdified once.
    """

    model: CollisionModel
    cutoff: Cutoff | None = None

    def __post_init__(self) -> None:
        lf = lindblad_form(self.model)
        sites = self.model.system_sites
        self.dimension = int(np.prod([_levels(s, self.cutoff) for s in sites]))
        exprs: list[sympy.Expr] = []
        self._h_coeffs, self._h_mats = _operator_parts(lf.hamiltonian, sites, self.cutoff)
        exprs += self._h_coeffs
        self._channels = []
        for ch in lf.channels:
            jumps = [_operator_parts(op, sites, self.cutoff) for op in ch.jump_operators]
            self._channels.append((jumps, ch.rates))
            for coeffs, _ in jumps:
                exprs += coeffs
            exprs += list(ch.rates)
        free = set()
        for e in exprs:
            free |= {s for s in sympy.sympify(e).free_symbols if not isinstance(s, Expectation)}
        self.parameters = tuple(sorted(free, key=str))
        self._exprs = exprs
        self._fn = sympy.lambdify(self.parameters, exprs, modules="numpy", cse=True)

    def __call__(self, values: Mapping[object, object]) -> np.ndarray:
        by_name = {str(k): v for k, v in values.items()}
        missing = [str(p) for p in self.parameters if str(p) not in by_name]
        if missing:
            raise SymthermoError(f"parameter values missing for {missing}")
        args = np.broadcast_arrays(*[np.asarray(by_name[str(p)], dtype=float)
                                     for p in self.parameters]) if self.parameters else []
        batch = args[0].shape if args else ()
        flat = self._fn(*args)
        vals = [np.broadcast_to(np.asarray(v, dtype=complex), batch) for v in flat]
        pos = 0

        def take(n: int) -> list[np.ndarray]:
            nonlocal pos
            out = vals[pos:pos + n]
            pos += n
            return out

        d = self.dimension
        h_c = take(len(self._h_coeffs))
        H = np.zeros((*batch, d, d), dtype=complex)
        for c, m in zip(h_c, self._h_mats, strict=True):
            H += c[..., None, None] * m
        L = hamiltonian_superop(H)
        for jumps, rates in self._channels:
            k = len(jumps)
            if k == 0:
                continue
            J = np.zeros((*batch, k, d, d), dtype=complex)
            for a, (coeffs, mats) in enumerate(jumps):
                for c, m in zip(take(len(coeffs)), mats, strict=True):
                    J[..., a, :, :] += c[..., None, None] * m
            g = np.stack(take(rates.rows * rates.cols), axis=-1).reshape(*batch, k, k)
            L = L + lindblad_liouvillian(np.zeros((*batch, d, d)), J, g)
        return L


def steady_states_sweep(
    model: CollisionModel,
    values: Mapping[object, object],
    cutoff: Cutoff | None = None,
    on_degenerate: str = "raise",
) -> np.ndarray:
    """Steady states (*batch, d, d) of the model at many parameter points (one stacked solve)."""
    L = LiouvillianBuilder(model, cutoff)(values)
    return steady_states_batched(L, on_degenerate=on_degenerate)
