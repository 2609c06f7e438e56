r"""QuTiP interop: export a model's master equation to QuTiP, import QuTiP generators.

QuTiP is an optional dependency (``pip install qutip``); this module imports it on use.

**Basis.**  symthermo's qubit index 0 is the ground state |0> and sigma_z = diag(-1, 1)
(DESIGN.md s. 2).  QuTiP's convention is the opposite: ``sigmaz() = diag(1, -1)``, so
``basis(2, 0)`` is the excited state, ``sigmap() = |0><1|`` raises and ``sigmam()`` lowers.
With ``basis="qutip"`` (the default) the export flips every *qubit* index (0 <-> 1; a
permutation P, the same on bra and ket, bosons untouched), so that the exported objects read
as a QuTiP user writes them: our H = (omega/2) sigma_z becomes ``omega/2 * sigmaz()``, our
sigma_+ becomes ``sigmap()``, our ground state becomes ``basis(2, 1)``, and
``qutip.expect(sigmaz(), rho)`` is our <sigma_z>.  Our sigma_y = [[0, i], [-i, 0]] becomes
QuTiP's ``sigmay()``.  ``basis="symthermo"`` exports the matrices unchanged (then QuTiP's
``sigmaz()`` is *minus* our sigma_z).  :func:`from_qutip`, :func:`state_from_qutip` and
:func:`state_to_qutip` undo or apply the same flip, so a round trip is the identity.

Tensor order (first site leftmost) and vectorisation (column stacking) are the same in both
libraries, so a Liouvillian is transformed by L -> (P (x) P) L (P (x) P).

**Jump operators.**  The collapse operators are those of the diagonal Lindblad form
(:func:`symthermo.jumps.diagonal_lindblad_form`): c_k = sqrt(gamma_k) L_k with real rates,
e.g. sqrt(gamma_-) sigmam() and sqrt(gamma_+) sigmap() for a qubit in a thermal qubit bath.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from ..errors import SymthermoError
from ..model import CollisionModel
from ..numeric.matrices import Cutoff, _numeric, dimensions, operator_matrix
from ..numeric.steady import SteadyState, steady_state
from ..numeric.superop import hamiltonian_superop, lindblad_liouvillian

Basis = Literal["qutip", "symthermo"]


class InteropError(SymthermoError, ValueError):
    """An object handed to / from QuTiP does not fit (dimensions, type, missing qutip)."""


def _qutip() -> Any:
    try:
        import qutip
    except ImportError as exc:  # pragma: no cover - qutip is in the test extra
        raise InteropError("QuTiP is not installed: pip install 'symthermo[qutip]'") from exc
    return qutip


def _check_basis(basis: str) -> None:
    if basis not in ("qutip", "symthermo"):
        raise InteropError(f"basis {basis!r} is unknown: use 'qutip' or 'symthermo'")


def basis_permutation(dims: Sequence[int], kinds: Sequence[str]) -> np.ndarray:
    """Index permutation flipping every qubit (kind "qubit") of a tensor product: perm[i]."""
    axes = [np.arange(d)[::-1] if k == "qubit" else np.arange(d) for d, k in zip(dims, kinds,
                                                                                  strict=True)]
    grids = np.meshgrid(*axes, indexing="ij")
    flat = np.zeros_like(grids[0])
    for g, d in zip(grids, dims, strict=True):
        flat = flat * d + g
    return flat.ravel()


def _flip_operator(m: np.ndarray, perm: np.ndarray | None) -> np.ndarray:
    return m if perm is None else m[np.ix_(perm, perm)]


def _flip_superop(L: np.ndarray, perm: np.ndarray | None) -> np.ndarray:
    if perm is None:
        return L
    d = perm.size
    # vec index (column stacking) = row + d * col
    sp = (perm[None, :] * d + perm[:, None]).ravel(order="F")
    return L[np.ix_(sp, sp)]


@dataclass(frozen=True)
class QutipModel:
    """A model's master equation as QuTiP objects (see the module docstring for the basis).

    ``H``: system Hamiltonian (with cascaded corrections); ``c_ops``: collapse operators
    sqrt(gamma_k) L_k; ``rates`` and ``jump_operators``: gamma_k and L_k apart, with
    ``rate_names`` from the diagonal form; ``liouvillian``: ``qutip.liouvillian(H, c_ops)``;
    ``dims`` and ``kinds``: local dimensions and site kinds in tensor order.
    """

    H: Any
    c_ops: tuple[Any, ...]
    rates: tuple[float, ...]
    rate_names: tuple[str, ...]
    jump_operators: tuple[Any, ...]
    liouvillian: Any
    basis: Basis
    dims: tuple[int, ...]
    kinds: tuple[str, ...]

    def state_to_symthermo(self, rho: Any) -> np.ndarray:
        """A QuTiP density matrix (this export's basis) as symthermo's numpy matrix."""
        return state_from_qutip(rho, self.basis, self.kinds)

    def __repr__(self) -> str:
        return (f"<QutipModel dims={list(self.dims)} basis={self.basis!r}: "
                f"{len(self.c_ops)} collapse operators>")


def to_qutip(
    model: CollisionModel,
    values: Mapping,
    cutoff: Cutoff | None = None,
    basis: Basis = "qutip",
) -> QutipModel:
    """H, collapse operators (diagonal form, real rates) and Liouvillian as QuTiP objects.

    ``values``: {symbol or name: number} for every parameter of the model.
    """
    from ..jumps import diagonal_lindblad_form

    _check_basis(basis)
    qutip = _qutip()
    sites = model.system_sites
    dims = dimensions(sites, cutoff)
    kinds = tuple(s.kind for s in sites)
    perm = basis_permutation(dims, kinds) if basis == "qutip" else None
    values = _by_symbol(model, values)
    form = diagonal_lindblad_form(model)
    H = _flip_operator(operator_matrix(form.hamiltonian, sites, cutoff, values), perm)
    qdims = [list(dims), list(dims)]
    rates, names, jumps = [], [], []
    for j in form.jumps:
        g = _numeric(j.rate, values, "rate").real
        if g < -1e-12:
            raise InteropError(f"rate {j.name} = {j.rate} is negative ({g}) at these values")
        rates.append(max(g, 0.0))
        names.append(str(j.name))
        jumps.append(_flip_operator(operator_matrix(j.operator, sites, cutoff, values), perm))
    c_ops = [np.sqrt(g) * m for g, m in zip(rates, jumps, strict=True)]
    if form.blocks:  # correlated ancilla monomials: numeric eigen-decomposition
        block_form = type(form)(form.hamiltonian, (), form.blocks)
        for k, m in enumerate(block_form.numeric_jumps(values, sites, cutoff)):
            c_ops.append(_flip_operator(m, perm))
            rates.append(1.0)
            names.append(f"block_{k + 1}")
            jumps.append(c_ops[-1])
    qH = qutip.Qobj(H, dims=qdims)
    qc = tuple(qutip.Qobj(c, dims=qdims) for c in c_ops if np.any(c))
    return QutipModel(
        H=qH,
        c_ops=qc,
        rates=tuple(rates),
        rate_names=tuple(names),
        jump_operators=tuple(qutip.Qobj(m, dims=qdims) for m in jumps),
        liouvillian=qutip.liouvillian(qH, list(qc)),
        basis=basis,
        dims=tuple(dims),
        kinds=kinds,
    )


def _by_symbol(model: CollisionModel, values: Mapping) -> dict:
    """Values keyed by symbols (names accepted) for numeric evaluation."""
    from ..thermo import lindblad_form

    lf = lindblad_form(model)
    syms: set = set()
    for op in [lf.hamiltonian, *[j for ch in lf.channels for j in ch.jump_operators]]:
        for c in op.terms.values():
            syms |= c.free_symbols
    for ch in lf.channels:
        syms |= ch.rates.free_symbols
    by_name = {str(s): s for s in syms}
    out = {}
    for k, v in values.items():
        out[by_name.get(str(k), k)] = v
    missing = sorted(str(s) for s in syms if s not in out)
    if missing:
        raise InteropError(f"no value for parameters {missing}: add them to values")
    return out


@dataclass(frozen=True)
class ImportedGenerator:
    """A generator imported from QuTiP, in symthermo's basis (numpy, column stacking).

    ``liouvillian``: (d^2, d^2); ``hamiltonian``: (d, d) or None (a bare Liouvillian has none);
    ``dims``: local dimensions.  :meth:`steady_state` is symthermo's steady-state solver
    (non-unique steady states raise, or are projected from ``initial_state``).
    """

    liouvillian: np.ndarray
    hamiltonian: np.ndarray | None
    dims: tuple[int, ...]

    def steady_state(self, initial_state: np.ndarray | None = None) -> SteadyState:
        return steady_state(self.liouvillian, initial_state=initial_state)

    def __repr__(self) -> str:
        return f"<ImportedGenerator dims={list(self.dims)}>"


def _kinds_of(dims: Sequence[int], kinds: Sequence[str] | None) -> tuple[str, ...]:
    if kinds is None:
        return tuple("qubit" if d == 2 else "boson" for d in dims)
    if len(kinds) != len(dims):
        raise InteropError(f"kinds {list(kinds)} do not match the dimensions {list(dims)}")
    return tuple(kinds)


def from_qutip(
    generator: Any,
    c_ops: Sequence[Any] | None = None,
    basis: Basis = "qutip",
    kinds: Sequence[str] | None = None,
) -> ImportedGenerator:
    """A QuTiP Liouvillian, or a Hamiltonian with collapse operators, in symthermo's basis.

    ``generator``: a QuTiP superoperator (then ``c_ops`` must be None) or a Hamiltonian Qobj;
    ``c_ops``: collapse operators for L = -i[H, .] + sum_k D[c_k].  ``basis="qutip"`` (default)
    flips every qubit index back (module docstring); ``kinds`` names each tensor factor
    "qubit" or "boson" (default: dimension 2 is a qubit).
    """
    _check_basis(basis)
    qutip = _qutip()
    if not isinstance(generator, qutip.Qobj):
        raise InteropError(f"expected a qutip.Qobj, got {type(generator).__name__}")
    if generator.issuper:
        if c_ops:
            raise InteropError("give either a Liouvillian or (H, c_ops), not a Liouvillian "
                               "with c_ops")
        dims = tuple(int(d) for d in generator.dims[0][0])
        L = np.asarray(generator.full(), dtype=complex)
        H = None
    elif generator.isoper:
        dims = tuple(int(d) for d in generator.dims[0])
        H = np.asarray(generator.full(), dtype=complex)
        if not np.allclose(H, H.conj().T, atol=1e-12):
            raise InteropError("the Hamiltonian is not Hermitian")
        cs = []
        for c in c_ops or []:
            if not isinstance(c, qutip.Qobj) or not c.isoper or list(c.dims[0]) != list(dims):
                raise InteropError(f"collapse operators must be operators on dims {list(dims)}")
            cs.append(np.asarray(c.full(), dtype=complex))
        L = (lindblad_liouvillian(H, np.stack(cs), np.eye(len(cs))) if cs
             else hamiltonian_superop(H))
    else:
        raise InteropError(f"expected an operator or a superoperator, got type {generator.type}")
    perm = basis_permutation(dims, _kinds_of(dims, kinds)) if basis == "qutip" else None
    return ImportedGenerator(
        liouvillian=_flip_superop(L, perm),
        hamiltonian=None if H is None else _flip_operator(H, perm),
        dims=dims,
    )


def state_from_qutip(
    rho: Any, basis: Basis = "qutip", kinds: Sequence[str] | None = None
) -> np.ndarray:
    """A QuTiP density matrix (or ket) as a numpy matrix in symthermo's basis."""
    _check_basis(basis)
    qutip = _qutip()
    if not isinstance(rho, qutip.Qobj):
        raise InteropError(f"expected a qutip.Qobj, got {type(rho).__name__}")
    if rho.isket:
        rho = qutip.ket2dm(rho)
    dims = tuple(int(d) for d in rho.dims[0])
    m = np.asarray(rho.full(), dtype=complex)
    perm = basis_permutation(dims, _kinds_of(dims, kinds)) if basis == "qutip" else None
    return _flip_operator(m, perm)


def state_to_qutip(
    rho: np.ndarray, dims: Sequence[int], basis: Basis = "qutip",
    kinds: Sequence[str] | None = None,
) -> Any:
    """A symthermo density matrix as a QuTiP Qobj (the inverse of :func:`state_from_qutip`)."""
    _check_basis(basis)
    qutip = _qutip()
    dims = tuple(int(d) for d in dims)
    perm = basis_permutation(dims, _kinds_of(dims, kinds)) if basis == "qutip" else None
    return qutip.Qobj(_flip_operator(np.asarray(rho, dtype=complex), perm),
                      dims=[list(dims), list(dims)])


__all__ = [
    "ImportedGenerator",
    "InteropError",
    "QutipModel",
    "basis_permutation",
    "from_qutip",
    "state_from_qutip",
    "state_to_qutip",
    "to_qutip",
]
