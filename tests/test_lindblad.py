"""The derived master equation against the collision dissipator built directly with matrices.

Vectorisation: COLUMN stacking, vec(rho)[i + j d] = rho[i, j], so vec(A rho B) = (B^T (x) A)
vec(rho) (checked in ``test_column_stacking``).

Direct reference, per bath, for the ordered pairs (outer o, inner i, weight w) of its scheme in
the Schroedinger picture (written out in :func:`schrodinger_pairs`):

    D_k(rho) = -sum w Tr_R [V_o, [V_i, rho (x) rho_R]]

* simultaneous: one pair, V = sum_i V_i, w = 1/2: -(1/2) Tr_R [V, [V, rho (x) rho_R]];
* cascaded: (s, s, 1/2) and (s', s, 1) for s < s' (the later stroke outermost);
* independent: (i, i, 1/2).

The superoperator of rho -> Tr_R[A (rho (x) rho_R) B] is assembled with one einsum from the
matrices of A and B (:func:`tr_r_superop`); one-sided products use Tr_R[A (rho (x) rho_R)] =
Tr_R[A (1 (x) rho_R)] rho.  The whole Liouvillian is -i[H_S, .] + sum_k D_k.

From the engine: thermo.lindblad_form(model) gives channels (jump operators L_a, rate matrix
gamma_ab) and a Hamiltonian (H_S plus cascaded corrections); its Liouvillian is built here as

    L(rho) = -i[H, rho] + sum_ab gamma_ab (L_a rho L_b^dag - 1/2 {L_b^dag L_a, rho}).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import sympy as sp
from test_model import (
    CATALOGUE_NAMES,
    PAULI_REF,
    SM,
    SP,
    ModelSpec,
    NumericModel,
    catalogue,
    collective_ergotropy,
    kron_all,
    number_of,
    operator_reference,
    random_density_matrix,
)
from test_thermo import evaluate

from symthermo import thermo
from symthermo.algebra import Operator, identity, qubit, sigma_x, sigma_y, sigma_z

TOL = 1e-12

# --- superoperators (column stacking) ----------------------------------------------------------


def vec(rho: np.ndarray) -> np.ndarray:
    return rho.reshape(-1, order="F")


def unvec(v: np.ndarray) -> np.ndarray:
    d = round(np.sqrt(v.size))
    return v.reshape(d, d, order="F")


def spre(a: np.ndarray) -> np.ndarray:  # rho -> a rho
    return np.kron(np.eye(a.shape[0]), a)


def spost(b: np.ndarray) -> np.ndarray:  # rho -> rho b
    return np.kron(b.T, np.eye(b.shape[0]))


def sprepost(a: np.ndarray, b: np.ndarray) -> np.ndarray:  # rho -> a rho b
    return np.kron(b.T, a)


def test_column_stacking() -> None:
    rng = np.random.default_rng(0)
    a, b, rho = (rng.normal(size=(3, 3)) + 1j * rng.normal(size=(3, 3)) for _ in range(3))
    assert vec(rho)[1 + 2 * 3] == rho[1, 2]
    assert np.allclose(sprepost(a, b) @ vec(rho), vec(a @ rho @ b))
    assert np.allclose(spre(a) @ vec(rho), vec(a @ rho))
    assert np.allclose(spost(b) @ vec(rho), vec(rho @ b))
    assert np.allclose(unvec(vec(rho)), rho)


def partial_trace_r(x: np.ndarray, ds: int, dr: int) -> np.ndarray:
    return np.einsum("imkm->ik", x.reshape(ds, dr, ds, dr))


def tr_r_superop(a: np.ndarray, b: np.ndarray, rho_r: np.ndarray, ds: int) -> np.ndarray:
    """Superoperator of rho -> Tr_R[A (rho (x) rho_R) B] (A, B on S (x) R, system left).

    With rho_R = sum_{n,p} rho_R[n, p] |n><p| and the system blocks A_mn = <m|A|n> (ancilla
    matrix elements), the partial trace sum_m <m| . |m> gives

        Tr_R[A (rho (x) rho_R) B] = sum_{m, n, p} rho_R[n, p] A_mn rho B_pm,

    a sum of sandwiches (zero blocks skipped).
    """
    dr = rho_r.shape[0]
    a4 = a.reshape(ds, dr, ds, dr)  # [i, m, k, n] = A[(i m), (k n)]
    b4 = b.reshape(ds, dr, ds, dr)
    a_blocks = np.abs(a4).max(axis=(0, 2))  # [m, n]
    b_blocks = np.abs(b4).max(axis=(0, 2))  # [p, m]
    out = np.zeros((ds * ds, ds * ds), dtype=complex)
    for m, n in zip(*np.nonzero(a_blocks), strict=True):
        for p in np.nonzero(rho_r[n])[0]:
            if b_blocks[p, m]:
                out += rho_r[n, p] * sprepost(a4[:, m, :, n], b4[:, p, :, m])
    return out


def tr_r_left(a: np.ndarray, rho_r: np.ndarray, ds: int) -> np.ndarray:
    """Tr_R[A (1 (x) rho_R)]: [i, k] = sum_{m, n} A[(i m), (k n)] rho_R[n, m];
    so that Tr_R[A (rho (x) rho_R)] = (this) rho."""
    dr = rho_r.shape[0]
    return np.einsum("imkn,nm->ik", a.reshape(ds, dr, ds, dr), rho_r)


def tr_r_right(b: np.ndarray, rho_r: np.ndarray, ds: int) -> np.ndarray:
    """Tr_R[(1 (x) rho_R) B]: [i, k] = sum_{m, n} rho_R[m, n] B[(i n), (k m)];
    so that Tr_R[(rho (x) rho_R) B] = rho (this)."""
    dr = rho_r.shape[0]
    return np.einsum("mn,inkm->ik", rho_r, b.reshape(ds, dr, ds, dr))


def schrodinger_pairs(scheme: str, n: int) -> list[tuple[list[int], list[int], float]]:
    """(outer couplings, inner couplings, weight): D = -sum w Tr_R[V_outer, [V_inner, .]]."""
    if scheme == "simultaneous":
        everything = list(range(n))
        return [(everything, everything, 0.5)]
    if scheme == "cascaded":
        return [([s], [s], 0.5) for s in range(n)] + [
            ([later], [s], 1.0) for s in range(n) for later in range(s + 1, n)
        ]
    if scheme == "independent":
        return [([i], [i], 0.5) for i in range(n)]
    raise AssertionError(scheme)


def _pair_operators(nb, outer: list[int], inner: list[int]):
    """V_outer and V_inner as sparse matrices (products of sparse matrices are cheap)."""
    _, _, v = nb.sparse()
    return sum(v[k] for k in outer), sum(v[k] for k in inner)


def collision_dissipator_reference(nb, ds: int) -> np.ndarray:
    """D_k of one bath, directly: -sum w Tr_R[V_o, [V_i, rho (x) rho_R]]."""
    rho_r = nb.rho_r
    out = np.zeros((ds * ds, ds * ds), dtype=complex)
    for outer, inner, w in schrodinger_pairs(nb.scheme, len(nb.couplings)):
        vo, vi = _pair_operators(nb, outer, inner)
        # [Vo, [Vi, X]] = Vo Vi X - Vo X Vi - Vi X Vo + X Vi Vo
        term = (
            spre(tr_r_left((vo @ vi).toarray(), rho_r, ds))
            - tr_r_superop(vo.toarray(), vi.toarray(), rho_r, ds)
            - tr_r_superop(vi.toarray(), vo.toarray(), rho_r, ds)
            + spost(tr_r_right((vi @ vo).toarray(), rho_r, ds))
        )
        out -= w * term
    return out


def brute_force_dissipator(nb, ds: int, rho: np.ndarray) -> np.ndarray:
    """The same D_k(rho) with full matrices on S (x) R, for one state (checks the einsum)."""
    x = np.kron(rho, nb.rho_r)
    out = np.zeros_like(x)
    for outer, inner, w in schrodinger_pairs(nb.scheme, len(nb.couplings)):
        vo, vi = _pair_operators(nb, outer, inner)
        inner_c = vi @ x - (vi.T @ x.T).T  # [V_i, X] (sparse times dense)
        out -= w * (vo @ inner_c - (vo.T @ inner_c.T).T)
    return partial_trace_r(out, ds, nb.ancilla_dim)


def direct_liouvillian(num: NumericModel, scale: float = 1.0) -> np.ndarray:
    """-i[H_S, .] + scale * sum_k D_k (scale = 1/K for round_duration='strokes')."""
    ds = num.spec.system_dim
    h = num.system_hamiltonian
    out = -1j * (spre(h) - spost(h))
    for nb in num.baths:
        out += scale * collision_dissipator_reference(nb, ds)
    return out


# --- the engine's Lindblad form as matrices ----------------------------------------------------


def lindblad_matrices(model, spec: ModelSpec, params: dict):
    """(H, [(jump matrices, numeric rate matrix)]) of thermo.lindblad_form(model)."""
    form = thermo.lindblad_form(model)
    layout = spec.system_layout
    h = operator_reference(form.hamiltonian, layout, 0, params)
    channels = []
    for ch in form.channels:
        jumps = [operator_reference(op, layout, 0, params) for op in ch.jump_operators]
        n = len(jumps)
        rates = np.array(
            [[number_of(ch.rates[a, b], params) for b in range(n)] for a in range(n)]
        )
        channels.append((jumps, rates))
    return h, channels


def lindblad_liouvillian_reference(h: np.ndarray, channels) -> np.ndarray:
    out = -1j * (spre(h) - spost(h))
    for jumps, rates in channels:
        for (a, la), (b, lb) in itertools.product(enumerate(jumps), repeat=2):
            g = rates[a, b]
            if g == 0:
                continue
            lbd = lb.conj().T
            out += g * (sprepost(la, lbd) - 0.5 * spre(lbd @ la) - 0.5 * spost(lbd @ la))
    return out


def _seed(name: str) -> int:
    return 1000 + sum(ord(c) * (k + 3) for k, c in enumerate(name))


class Point:
    """A model at one random point: parameters, matrices, both Liouvillians."""

    def __init__(self, name: str) -> None:
        self.spec = catalogue()[name]
        self.model = self.spec.model()
        self.rng = np.random.default_rng(_seed(name))
        self.params = self.spec.random_parameters(self.rng)
        self.num = self.spec.numeric(self.params)
        self.h, self.channels = lindblad_matrices(self.model, self.spec, self.params)
        self.derived = lindblad_liouvillian_reference(self.h, self.channels)
        self.direct = direct_liouvillian(self.num)


_POINTS: dict[str, Point] = {}


def point(name: str) -> Point:
    if name not in _POINTS:
        _POINTS[name] = Point(name)
    return _POINTS[name]


# --- 3. Liouvillian from the Lindblad form = direct collision dissipator -----------------------


@pytest.mark.parametrize("name", CATALOGUE_NAMES)
def test_lindblad_form_liouvillian_equals_direct_collision_liouvillian(name: str) -> None:
    p = point(name)
    scale = max(1.0, np.abs(p.direct).max())
    assert np.abs(p.derived - p.direct).max() < TOL * scale
    # the direct superoperator is what it claims to be: compare with full matrices at a state
    ds = p.spec.system_dim
    rho = random_density_matrix(ds, p.rng)
    for nb in p.num.baths:
        d_vec = collision_dissipator_reference(nb, ds) @ vec(rho)
        assert np.abs(unvec(d_vec) - brute_force_dissipator(nb, ds, rho)).max() < TOL
    # trace preserving, and Hermiticity preserving
    trace_row = vec(np.eye(ds)).conj() @ p.derived
    assert np.abs(trace_row).max() < TOL * scale
    out = unvec(p.derived @ vec(rho))
    assert np.abs(out - out.conj().T).max() < TOL * scale


@pytest.mark.parametrize("name", CATALOGUE_NAMES)
def test_rate_matrices_are_hermitian_and_positive(name: str) -> None:
    p = point(name)
    for _, rates in p.channels:
        assert np.abs(rates - rates.conj().T).max() < TOL
        assert np.linalg.eigvalsh(rates).min() > -TOL


def test_cascaded_hamiltonian_correction_is_needed() -> None:
    """Without H_cas the cascaded Lindblad form misses the antisymmetric cross terms."""
    p = point("coupled-ensembles H_I(1) cascaded")
    h_s = p.num.system_hamiltonian
    assert np.abs(p.h - h_s).max() > 1e-3  # H = H_S + H_cas with H_cas != 0
    without = lindblad_liouvillian_reference(h_s, p.channels)
    assert np.abs(without - p.direct).max() > 1e-3
    q = point("coupled-ensembles H_I(1) simultaneous")
    assert np.abs(q.h - q.num.system_hamiltonian).max() < TOL  # no correction needed


def test_time_per_stroke_scales_the_dissipator() -> None:
    """round_duration='strokes': a round of K = 2 strokes lasts 2 tau, so D -> D/2."""
    name = "coupled-ensembles H_I(2) cascaded"
    p = point(name)
    model = p.model.replace(round_duration="strokes")
    h, channels = lindblad_matrices(model, p.spec, p.params)
    derived = lindblad_liouvillian_reference(h, channels)
    assert np.abs(derived - direct_liouvillian(p.num, scale=0.5)).max() < TOL


def test_collective_ergotropy_master_equation_is_the_papers() -> None:
    """Eqs. (5)-(7) with gamma_ij = gamma_0 = g^2 (collision model: -(1/2) Tr_R[V,[V,.]])."""
    for n_qubits in (2, 3):
        spec = collective_ergotropy(n_qubits)
        rng = np.random.default_rng(n_qubits)
        params = spec.random_parameters(rng)
        h, channels = lindblad_matrices(spec.model(), spec, params)
        derived = lindblad_liouvillian_reference(h, channels)
        w, f, g, beta = (params[k] for k in ("w", "f", "g", "beta"))
        nbar = 1 / np.expm1(beta * w)
        gamma0 = g**2
        sp_ = [kron_all([SP if k == i else PAULI_REF[0] for k in range(n_qubits)])
               for i in range(n_qubits)]
        sm_ = [s.conj().T for s in sp_]
        assert np.allclose(sm_[0], kron_all([SM] + [PAULI_REF[0]] * (n_qubits - 1)))
        h0 = w * sum(s @ m for s, m in zip(sp_, sm_, strict=True))
        hd = f * sum(sp_[i] @ sm_[j] for i in range(n_qubits) for j in range(n_qubits) if i != j)
        paper = -1j * (spre(h0 + hd) - spost(h0 + hd))
        for i in range(n_qubits):
            for j in range(n_qubits):
                for rate, jump, jump_dag in (
                    (gamma0 * (nbar + 1), sm_[j], sp_[i]),  # D_-: sigma_j^- rho sigma_i^+
                    (gamma0 * nbar, sp_[j], sm_[i]),  # D_+: sigma_j^+ rho sigma_i^-
                ):
                    prod = jump_dag @ jump
                    paper += rate * (
                        sprepost(jump, jump_dag) - 0.5 * spre(prod) - 0.5 * spost(prod)
                    )
        assert np.abs(derived - paper).max() < TOL


def test_against_numeric_superop_module() -> None:
    """symthermo.numeric.superop (a colleague's module) agrees with the direct reference."""
    superop = pytest.importorskip("symthermo.numeric.superop")
    for name in ("coupled-ensembles H_I(1) cascaded", "common-reservoirs M=3 cascaded",
                 "common-reservoirs M=1 independent", "collective-ergotropy N=2"):
        p = point(name)
        ds = p.spec.system_dim
        # Lindblad form -> superop.lindblad_liouvillian, channel by channel
        total = np.zeros_like(p.derived)
        for k, (jumps, rates) in enumerate(p.channels):
            h = p.h if k == 0 else np.zeros_like(p.h)
            total += superop.lindblad_liouvillian(h, np.array(jumps), rates)
        assert np.abs(total - p.derived).max() < TOL, name
        # couplings -> superop.collision_dissipator, bath by bath
        for nb in p.num.baths:
            if nb.scheme == "simultaneous":
                calls = [[sum(nb.couplings)]]
            elif nb.scheme == "cascaded":
                calls = [nb.couplings]
            else:
                calls = [[v] for v in nb.couplings]
            d = sum(superop.collision_dissipator(strokes, nb.rho_r, ds) for strokes in calls)
            assert np.abs(d - collision_dissipator_reference(nb, ds)).max() < TOL, name


# --- 4. Heisenberg equations -------------------------------------------------------------------


PAULI_OPS = {1: sigma_x, 2: sigma_y, 3: sigma_z}


def random_observables(spec: ModelSpec, rng: np.random.Generator, count: int = 4):
    """Random Hermitian system observables: integer combinations of a few Pauli strings,
    plus every single-site Pauli operator."""
    sites = [n for n, _ in spec.system]
    out = []
    for name in sites:
        for k in (1, 2, 3):
            out.append(PAULI_OPS[k](qubit(name)))
    for _ in range(count):
        op = Operator()
        for _ in range(4):
            string = rng.integers(0, 4, size=len(sites))
            term = identity()
            for name, k in zip(sites, string, strict=True):
                if k:
                    term = term * PAULI_OPS[int(k)](qubit(name))
            op = op + sp.Rational(int(rng.integers(-5, 6)), int(rng.integers(1, 4))) * term
        out.append(op)
    return out


@pytest.mark.parametrize("name", CATALOGUE_NAMES)
def test_heisenberg_equations_equal_trace_of_direct_liouvillian(name: str) -> None:
    """d<O>/dt derived = Tr[O L(rho)] with the direct Liouvillian, at a random rho."""
    p = point(name)
    rho = random_density_matrix(p.spec.system_dim, p.rng)
    drho = unvec(p.direct @ vec(rho))
    layout = p.spec.system_layout
    observables = random_observables(p.spec, p.rng)
    observables.append(p.model.system_hamiltonian)
    for op in observables:
        derived = evaluate(thermo.heisenberg_equation(p.model, op), p.spec, p.params, rho)
        o = operator_reference(op, layout, 0, p.params)
        ref = np.trace(o @ drho)
        assert abs(derived - ref) < 1e-10, (name, str(op))
    # the energy rate is the Heisenberg equation of H_S
    energy = evaluate(thermo.energy_rate(p.model), p.spec, p.params, rho)
    h_s = p.num.system_hamiltonian
    assert abs(energy - np.trace(h_s @ drho)) < 1e-10
