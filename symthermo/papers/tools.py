"""Small numeric and symbolic tools that papers' statements and figures share.

* states: :func:`projector` (|psi><psi| of a normalised ket), :func:`basis_state`
  (|b_1 ... b_n><b_1 ... b_n| of qubits, first site = leftmost Kronecker factor, |0> ground),
  :func:`gibbs_state_of` (exp(-H/T)/Z of an operator's matrix);
* measures on stacks of matrices: :func:`population` (<psi|rho|psi>), :func:`offdiagonal_l1`
  (sum of |m_ij| over i != j, for matrices that need not be states), :func:`operator_stack`
  (an operator's matrix at every point of a parameter grid);
* curves: :func:`kinks` (grid points where a curve's slope jumps);
* symbolic: :func:`scaled_generator` (is one model's dissipator and every current exactly
  ``factor`` times another's?);
* text: :func:`number_text` (deterministic short text of a float);
* quantities: :func:`current_quantities` (a model's currents, local/non-local/total, for
  the LaTeX and the kernels).

Conventions are the engine's (hbar = k_B = 1, |0> ground, sigma_z = |1><1| - |0><0|, heat
positive INTO the system).  Matrices come from :mod:`symthermo.numeric.matrices` (plain numpy,
never the symbolic products).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import sympy

from ..algebra.operator import Operator
from ..model import CollisionModel
from ..numeric.matrices import dimensions, monomial_matrix, operator_matrix
from .routes import gibbs_state

__all__ = [
    "basis_state",
    "current_quantities",
    "gibbs_state_of",
    "kinks",
    "number_text",
    "offdiagonal_l1",
    "operator_stack",
    "population",
    "projector",
    "scaled_generator",
]


def number_text(x: float, digits: int = 6) -> str:
    """``f"{x:.{digits}g}"``, with values below 1e-12 in size printed as ``0`` (so that a
    rounding residue does not depend on the BLAS)."""
    x = float(x)
    if abs(x) < 1e-12:
        return "0"
    return f"{x:.{digits}g}"


def projector(ket: Sequence[complex]) -> np.ndarray:
    """|psi><psi| of a normalised ket (ValueError when it is not a 1-d array of norm 1)."""
    psi = np.asarray(ket, dtype=complex)
    if psi.ndim != 1 or abs(np.linalg.norm(psi) - 1.0) > 1e-12:
        raise ValueError("projector needs a normalised ket (a 1-d array of amplitudes with "
                         "sum |a_i|^2 = 1)")
    return np.outer(psi, psi.conj())


def basis_state(bits: str) -> np.ndarray:
    """|b_1 ... b_n><b_1 ... b_n| of n qubits, e.g. ``basis_state("01")`` (first qubit
    leftmost, 0 = ground); a diagonal complex matrix."""
    if not bits or set(bits) - {"0", "1"}:
        raise ValueError(f"basis_state needs a string of 0s and 1s, got {bits!r}")
    rho = np.zeros((2 ** len(bits),) * 2, dtype=complex)
    rho[int(bits, 2), int(bits, 2)] = 1.0
    return rho


def gibbs_state_of(op: Operator, sites: Sequence, params: Mapping, temperature: float
                   ) -> np.ndarray:
    """exp(-H/T)/Tr exp(-H/T) with H the matrix of ``op`` on ``sites`` at ``params``."""
    return gibbs_state(operator_matrix(op, sites, None, params), temperature)


def population(rho: np.ndarray, ket: Sequence[complex]) -> np.ndarray:
    """<psi|rho|psi> (real part) for a stack of matrices rho (..., d, d)."""
    psi = np.asarray(ket, dtype=complex)
    return np.einsum("i,...ij,j->...", psi.conj(), rho, psi).real


def offdiagonal_l1(m: np.ndarray) -> np.ndarray:
    """sum_{i != j} |m_ij| for a stack of matrices (the l1 coherence when m is a state)."""
    return np.abs(m).sum(axis=(-2, -1)) - np.abs(np.diagonal(m, axis1=-2, axis2=-1)).sum(-1)


def operator_stack(op: Operator, sites: Sequence, values: Mapping[str, np.ndarray]
                   ) -> np.ndarray:
    """The matrix of ``op`` at every point of a parameter grid: (*shape, d, d).

    ``values``: parameter name -> array (one shape); each term c_k(params) M_k of ``op`` is
    evaluated on the grid and the terms are summed in the operator's term order.
    """
    shape = np.shape(next(iter(values.values())))
    out = None
    for monomial, coeff in op.terms.items():
        m = monomial_matrix(monomial, sites)
        c = sympy.sympify(coeff)
        symbols = sorted(c.free_symbols, key=lambda s: s.name)
        missing = [s.name for s in symbols if s.name not in values]
        if missing:
            raise ValueError(f"operator_stack: no values for {', '.join(missing)}")
        f = sympy.lambdify(symbols, c, "numpy")
        w = np.broadcast_to(np.asarray(f(*(np.asarray(values[s.name], dtype=float)
                                           for s in symbols)), dtype=complex), shape)
        contribution = w[..., None, None] * m
        out = contribution if out is None else out + contribution
    if out is None:
        d = int(np.prod(dimensions(sites)))
        return np.zeros((*shape, d, d), dtype=complex)
    return out


def kinks(curve: np.ndarray, x: np.ndarray, factor: float = 50.0) -> list[float]:
    """Grid points where the slope of a sampled curve jumps: the second difference exceeds
    ``factor`` times its median and is the largest within two points either side."""
    second = np.abs(np.diff(curve, 2))
    typical = np.median(second) + 1e-15
    idx = [i + 1 for i in range(len(second)) if second[i] > factor * typical
           and second[i] == second[max(0, i - 2):i + 3].max()]
    return [float(x[i]) for i in idx]


def scaled_generator(model: CollisionModel, scaled: CollisionModel, factor: sympy.Expr,
                     bath: str) -> tuple[bool, bool]:
    """(dissipators, currents): is the adjoint dissipator of ``scaled`` (local + non-local, on
    a general system observable) exactly ``factor`` times that of ``model``, and is every
    local and non-local heat current of ``bath`` and work current?  Symbolic, exact."""
    from ..thermo import heat_current, lindblad_form, work_current
    from .routes import general_observable

    x_op, _ = general_observable(model.system_sites)
    f1, f2 = lindblad_form(model), lindblad_form(scaled)
    d1 = f1.adjoint(x_op, "local") + f1.adjoint(x_op, "nonlocal")
    d2 = f2.adjoint(x_op, "local") + f2.adjoint(x_op, "nonlocal")
    diss_ok = (d2 - d1 * factor).is_zero()
    cur_ok = all(sympy.expand(f(scaled, b, part) - factor * f(model, b, part)) == 0
                 for part in ("local", "nonlocal")
                 for f, b in ((heat_current, bath), (work_current, None)))
    return bool(diss_ok), bool(cur_ok)


_PARTS = (("local", "local ", "loc"), ("nonlocal", "non-local ", "non-loc"), ("total", "", None))


def current_quantities(model: CollisionModel, bath: str, suffix: str = "",
                       latex_suffix: str = "", what: str = "") -> list:
    """The heat current of ``bath`` and the work current, each local, non-local and total,
    and the energy rate dE_S/dt, as :class:`symthermo.emit.Quantity` objects.

    Names ``heat_local``, ``heat_nonlocal``, ``heat``, ``work_local``, ``work_nonlocal``,
    ``work``, ``energy_rate`` (each + ``suffix``); LaTeX ``\\dot{Q}_{loc}`` ... +
    ``latex_suffix`` (a ``_{...}`` suffix joins the energy rate's own subscript:
    ``\\dot{E}_{S,M=3}``); descriptions ``"<part> heat current, <what>"``.
    """
    from ..emit import Quantity, current_symbol
    from ..thermo import energy_rate, heat_current, work_current

    out = []
    for kind, letter in (("heat", "Q"), ("work", "W")):
        for part, word, script in _PARTS:
            expr = (heat_current(model, bath, part) if kind == "heat"
                    else work_current(model, None, part))
            name = kind if part == "total" else f"{kind}_{part}"
            out.append(Quantity(name + suffix, expr, current_symbol(letter, script) + latex_suffix,
                                f"{word}{kind} current, {what}"))
    inner = latex_suffix[2:-1] if latex_suffix.startswith("_{") else ""
    energy = rf"\dot{{E}}_{{S,{inner}}}" if inner else r"\dot{E}_{S}"
    out.append(Quantity(f"energy_rate{suffix}", energy_rate(model), energy,
                        f"rate of change of the system energy, {what}"))
    return out
