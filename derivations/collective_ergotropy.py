"""Cakmak: Ergotropy from coherences in an open quantum system (collective coupling).

Paper: ../shared/papers/collective-ergotropy.md.  N qubits, H_0 = omega sum_i sigma_i^+ sigma_i^-,
dipole-dipole H_d = sum_{i != j} f_ij sigma_i^+ sigma_j^-, one thermal field, Eqs. (5)-(7),
derived here from a collision model: every stroke the N qubits meet ONE fresh thermal
oscillator ancilla R (H_R = omega a^dag a, nbar = 1/(e^{beta omega} - 1)) simultaneously,
V_i = g (sigma_i^+ a + sigma_i^- a^dag).  The engine's rates are g^2 (nbar + 1) for sigma^- and
g^2 nbar for sigma^+ with all cross terms: Eqs. (6)-(7) in the collective limit gamma_ij =
gamma_0 = g^2, f_ij = f.  The independent scheme (one ancilla per qubit) is gamma_ij = gamma_0
delta_ij.  Variants ``N2``, ``N3`` (collective), ``N2_independent``.

This module declares the paper: models, parameters, the printed equations transcribed as sympy
(never edited to agree), the convention mappings (collective limit, r = nbar/(nbar + 1)), the
checks and the statements.  The routes are the engine's: Eqs. (5)-(7) through
:class:`symthermo.papers.state_routes.GeneratorPairing`; Eq. (8) from the closure's
stationary family (:func:`symthermo.closure.symbolic_steady_state`) fixed by the conserved c;
Eqs. (9)-(13) with :mod:`symthermo.exact_states` (exact density matrix, l1 norm, ergotropy
formula of one passive ordering decided at exact sample points of the region the paper
states); Eqs. (16)-(17) for N = 3..6 on the symmetric subspace
(:mod:`symthermo.symmetric_subspace`); the numbers from stationary projections
(:class:`symthermo.papers.state_routes.SteadyStateMeasure`) and the permutation-invariant
route (N = 10..100).  Figures: ``derivations/figures/collective_ergotropy.py``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from functools import cache

import numpy as np
import sympy

from derivations.general_n import collective_ergotropy as general_n
from derivations.references import REFERENCES
from symthermo import exact_states as ex
from symthermo.algebra import Expectation, boson, operator_sum, qubit
from symthermo.algebra.operator import Operator, anticommutator, commutator
from symthermo.closure import symbolic_steady_state
from symthermo.emit.quantity import Quantity
from symthermo.model import CollisionModel, bath, collision_model
from symthermo.numeric.measures import ergotropy, ergotropy_split, l1_coherence
from symthermo.numeric.model_matrices import random_density_matrix
from symthermo.numeric.sectors import sector_projection
from symthermo.papers import Check, Derivation, Sampling, Statement, compare
from symthermo.papers.excitations import (
    Measure,
    all_ground_state,
    ergotropy_measure,
    excitation_block_state,
    excitation_gibbs_state,
    excitation_hamiltonian,
    l1_measure,
    product_grid,
    random_state_in_range,
)
from symthermo.papers.figures import partial_trace_last
from symthermo.papers.state_routes import (
    GeneratorPairing,
    SteadyStateMeasure,
    closed_form_state_deviation,
    direct_stationary_projection,
    pauli_observable,
)
from symthermo.states import ThermalOscillator
from symthermo.symmetric_subspace import (
    dicke_diagonal_matrix,
    symmetric_invariance_defect,
    symmetric_state_measures,
    symmetric_stationary_populations,
)
from symthermo.thermo import heat_current, work_current

NAME = "collective_ergotropy"
TITLE = "Ergotropy from coherences in an open quantum system"
REFERENCE = REFERENCES["collective_ergotropy"]  # cited in the report, the LaTeX and references.bib
SOURCES = ("collective-ergotropy.md",)

omega = sympy.Symbol("omega", positive=True)  # qubit (and ancilla) frequency
beta = sympy.Symbol("beta", positive=True)  # inverse temperature of the field
g = sympy.Symbol("g", positive=True)  # collision coupling: gamma_0 = g^2
f = sympy.Symbol("f", real=True)  # dipole-dipole strength, collective limit f_ij = f
c = sympy.Symbol("c", real=True)  # the paper's initial-state parameter (Eq. (8))
r = sympy.Symbol("r", positive=True)  # the paper's r = nbar/(nbar + 1) (Eq. (15))
gamma_0 = sympy.Symbol("gamma_0", positive=True)
NBAR = 1 / (sympy.exp(beta * omega) - 1)  # nbar = (exp(beta hbar omega) - 1)^-1, hbar = 1
Q = sympy.Symbol("q_exp", positive=True)  # exp(beta omega) as an atom in exact eigenproblems
ATOMS = {sympy.exp(beta * omega): Q}

NUMERIC_N = (2, 3, 4, 5, 6)
SYMBOLIC_N = (3, 4, 5, 6)  # Eqs. (16)-(17) from the Dicke-subspace route (N = 2: closure)
CUTOFF = 40  # Fock levels of the ancilla oscillator in the direct (collision) matrix route
R = boson("R")


def system_sites(n: int) -> tuple:
    return tuple(qubit(f"S{i}") for i in range(1, n + 1))


def gamma_symbol(i: int, j: int) -> sympy.Symbol:
    """gamma_ij of Eqs. (6)-(7) (gamma_ij = gamma_ji)."""
    return sympy.Symbol("gamma_{}{}".format(*sorted((i, j))), positive=True)


def f_symbol(i: int, j: int) -> sympy.Symbol:
    """f_ij of H_d (f_ij = f_ji, as Hermiticity of H_d requires)."""
    return sympy.Symbol("f_{}{}".format(*sorted((i, j))), real=True)


def make_model(n: int, scheme: str = "simultaneous") -> CollisionModel:
    """N qubits meeting one thermal oscillator ancilla per stroke (see module docstring)."""
    qs = system_sites(n)
    h0 = operator_sum(omega * s.plus * s.minus for s in qs)
    hd = operator_sum(f * qs[i].plus * qs[j].minus for i in range(n) for j in range(n) if i != j)
    b = bath("R", ThermalOscillator(R, omega=omega, beta=beta), omega * R.n,
             {s.name: g * (s.plus * R.a + s.minus * R.adag) for s in qs},
             scheme=scheme, beta=beta)  # type: ignore[arg-type]
    name = f"{NAME}:N{n}" + ("" if scheme == "simultaneous" else f"[{scheme}]")
    return collision_model(qs, h0, b, hd, name=name)


MODELS = {"N2": make_model(2), "N3": make_model(3), "N2_independent": make_model(2, "independent")}
# Fig. 1: omega = 1, beta in {0.01, 1, 10}; beta = 1 is the default.  gamma_0 = g^2 only sets
# the time scale (the paper gives no value); H_d does not change the steady states (f = 0).
PARAMETERS = {v: {omega: 1.0, beta: 1.0, g: 1.0, f: 0.0} for v in MODELS}


@cache
def model_of(n: int) -> CollisionModel:
    """The collective model of N qubits (the declared MODELS hold N = 2, 3)."""
    return make_model(n)


def random_parameters(rng: np.random.Generator, x_range=(0.8, 2.5)) -> dict:
    """omega, beta (beta*omega in x_range: the oscillator cutoff converges), g, f."""
    w = float(rng.uniform(0.6, 1.6))
    return {omega: w, beta: float(rng.uniform(*x_range)) / w,
            g: float(rng.uniform(0.5, 1.5)), f: float(rng.uniform(-1.0, 1.0))}


SAMPLING = Sampling(draw=lambda rng, _symbols: random_parameters(rng), cutoff=CUTOFF)

# the paper's two-qubit states (Sec. IV A): psi_0 = |00>, psi_1 = |11>, psi_pm = (|01> +- |10>)/
# sqrt(2) (printed "|01> +- |10>/sqrt(2)"; read with the normalising parentheses)
PSI_0, PSI_1 = ex.ket({"00": 1}), ex.ket({"11": 1})
PSI_P = ex.ket({"01": 1 / sympy.sqrt(2), "10": 1 / sympy.sqrt(2)})
PSI_M = ex.ket({"01": 1 / sympy.sqrt(2), "10": -1 / sympy.sqrt(2)})
# c = <psi_0|rho_0|psi_0> + <psi_1|rho_0|psi_1> + <psi_+|rho_0|psi_+> = Tr(PI_C rho_0)
PI_C = ex.projector(PSI_0) + ex.projector(PSI_1) + ex.projector(PSI_P)
PI_C_NUM = np.array(PI_C.evalf(), dtype=complex)


def c_of(rho0: np.ndarray) -> float:
    """The paper's c of a two-qubit initial state."""
    return float(np.trace(PI_C_NUM @ rho0).real)


# printed equations --------------------------------------------------------------------------


def printed_generator(n: int, rho: Operator) -> Operator:
    """Eqs. (5)-(7): -i[H_0 + H_d, rho] + D_-(rho) + D_+(rho), as printed (f_ij, gamma_ij)."""
    qs = system_sites(n)
    h0 = operator_sum(omega * s.plus * s.minus for s in qs)
    # H_d = f_ij sum_{i != j} sigma_i^+ sigma_j^- (f_ij printed outside the sum; read inside)
    hd = operator_sum(f_symbol(i + 1, j + 1) * qs[i].plus * qs[j].minus
                      for i in range(n) for j in range(n) if i != j)
    out = commutator(h0 + hd, rho) * (-sympy.I)
    half = sympy.Rational(1, 2)
    for i in range(n):
        for j in range(n):
            gij = gamma_symbol(i + 1, j + 1)
            sp_i, sm_i, sp_j, sm_j = qs[i].plus, qs[i].minus, qs[j].plus, qs[j].minus
            # Eq. (6): gamma_ij (nbar + 1)(sigma_j^- rho sigma_i^+ - {sigma_i^+ sigma_j^-, rho}/2)
            out = out + (sm_j * rho * sp_i - half * anticommutator(sp_i * sm_j, rho)) * (
                gij * (NBAR + 1))
            # Eq. (7): gamma_ij nbar (sigma_j^+ rho sigma_i^- - {sigma_i^- sigma_j^+, rho}/2)
            out = out + (sp_j * rho * sm_i - half * anticommutator(sm_i * sp_j, rho)) * (
                gij * NBAR)
    return out


def printed_eq8() -> sympy.Matrix:
    """Eq. (8): (1-c)|psi_-><psi_-| + c Z_+^-1 (e^{-2 omega beta}|psi_1><psi_1|
    + e^{-omega beta}|psi_+><psi_+| + |psi_0><psi_0|), Z_+ = 1 + e^{-omega beta}
    + e^{-2 omega beta}."""
    z_plus = 1 + sympy.exp(-omega * beta) + sympy.exp(-2 * omega * beta)
    return (1 - c) * ex.projector(PSI_M) + c / z_plus * (
        sympy.exp(-2 * omega * beta) * ex.projector(PSI_1)
        + sympy.exp(-omega * beta) * ex.projector(PSI_P) + ex.projector(PSI_0))


def printed_eq9() -> tuple[sympy.Expr, sympy.Expr]:
    """Eq. (9): |c Z/Z_+ - 1| = |-1 + c + c/(1 + 2 cosh(beta omega))| (two printed forms)."""
    z_plus = 1 + sympy.exp(-omega * beta) + sympy.exp(-2 * omega * beta)
    z = 1 + 2 * sympy.exp(-omega * beta) + sympy.exp(-2 * omega * beta)
    return (sympy.Abs(c * z / z_plus - 1),
            sympy.Abs(-1 + c + c / (1 + 2 * sympy.cosh(beta * omega))))


def printed_eq10() -> list[sympy.Expr]:
    """Eq. (10): eigenvalues 1-c, c e^{2x}/Z', c e^{x}/Z', c/Z', Z' = 1 + e^x + e^{2x}."""
    x = beta * omega
    den = 1 + sympy.exp(x) + sympy.exp(2 * x)
    return [1 - c, c * sympy.exp(2 * x) / den, c * sympy.exp(x) / den, c / den]


def printed_eq11() -> tuple[sympy.Expr, sympy.Expr]:
    """Eq. (11): (0 <= c < 1/2) omega(1 - c[1 + 3 cosh + sinh]/(1 + 2 cosh)); (c = 1)
    omega/(1 + e^{-omega beta} + e^{-2 omega beta})."""
    x = beta * omega
    low = omega * (1 - c * (1 + 3 * sympy.cosh(x) + sympy.sinh(x)) / (1 + 2 * sympy.cosh(x)))
    return low, omega / (1 + sympy.exp(-omega * beta) + sympy.exp(-2 * omega * beta))


def printed_eq12() -> tuple[sympy.Expr, sympy.Expr]:
    """Eq. (12), beta -> oo: omega(1 - 2c) for 0 <= c < 1/2, 0 for 1/2 <= c <= 1."""
    return omega * (1 - 2 * c), sympy.Integer(0)


def printed_eq13() -> tuple[sympy.Expr, sympy.Expr, sympy.Expr]:
    """Eq. (13), beta -> 0: omega(1 - 4c/3) (c < 3/4), 0 (c = 3/4), omega(4c/3 - 1) (c > 3/4)."""
    return (omega * (1 - 4 * c / 3), sympy.Integer(0), omega * (4 * c / 3 - 1))


def printed_d(k: int, n: int) -> sympy.Expr:
    """Eq. (15): d_k = (1 - r) r^k / ((1 - r^{N+1}) p_k), p_k = C(N, k)."""
    return (1 - r) * r**k / ((1 - r ** (n + 1)) * sympy.binomial(n, k))


def printed_eq16(n: int) -> tuple[sympy.Expr, sympy.Expr]:
    """Eq. (16): (sum) sum_{k=0}^N d_k p_k (p_k - 1); (closed) (r-1)(r+1)^N/(r^{N+1}-1) - 1."""
    total = sympy.Integer(0)
    for k in range(0, n + 1):
        p_k = sympy.binomial(n, k)
        total += printed_d(k, n) * p_k * (p_k - 1)
    return total, (r - 1) * (r + 1) ** n / (r ** (n + 1) - 1) - 1


def printed_eq17(n: int) -> tuple[sympy.Expr, sympy.Expr]:
    """Eq. (17): (sum) sum_{k=1}^{N-1} k p_{k+1} d_{k+1} omega;
    (closed) omega (N + (N + r)/(r^{N+1} - 1) + r/(1 - r))."""
    total = sympy.Integer(0)
    for k in range(1, n):
        total += k * sympy.binomial(n, k + 1) * printed_d(k + 1, n) * omega
    return total, omega * (n + (n + r) / (r ** (n + 1) - 1) + r / (1 - r))


def printed_appendix_a() -> dict[str, sympy.Expr]:
    """Thresholds of Eqs. (A1)-(A3), as printed (A1 without the 1/omega of (A2), (A3))."""
    a1 = sympy.log((sympy.sqrt((-7 * c**2 + 10 * c - 3) / (2 * c - 1) ** 2) * (2 * c - 1) - c + 1)
                   / (2 * (2 * c - 1)))
    a2 = sympy.log((sympy.sqrt((4 * c - 3) / (c - 1) ** 2) * (c - 1) - 2 * c + 1)
                   / (2 * (c - 1))) / omega
    a3 = sympy.log(sympy.Rational(1, 2) * (sympy.sqrt((3 - 7 * c) / (c - 1)) - 1)) / omega
    return {"A1": a1, "A2": a2, "A3": a3}


def printed_block_state(n: int, rv: float) -> np.ndarray:
    """Eqs. (14)-(15): blocks D_k = d_k U_k on the k-excitation states, d_k of Eq. (15)."""
    return excitation_block_state([float(printed_d(k, n).subs(r, rv)) for k in range(n + 1)])


# convention mappings --------------------------------------------------------------------------


def collective_mapping(n: int) -> Callable[[sympy.Expr], sympy.Expr]:
    """The collective limit gamma_ij = gamma_0 = g^2, f_ij = f (Sec. III)."""
    sub = {gamma_symbol(i, j): g**2 for i in range(1, n + 1) for j in range(1, n + 1)}
    sub.update({f_symbol(i, j): f for i in range(1, n + 1) for j in range(1, n + 1) if i != j})
    return lambda expr: sympy.expand(expr.xreplace(sub))


def r_reading(expr: sympy.Expr) -> sympy.Expr:
    """The paper's r = nbar/(nbar + 1) (printed "r = nbar/nbar + 1"); with
    nbar = 1/(e^{beta omega} - 1) that is r = e^{-beta omega} (checked exactly)."""
    value = sympy.exp(-beta * omega)
    if sympy.simplify(NBAR / (NBAR + 1) - value) != 0:  # pragma: no cover - identity
        raise AssertionError("nbar/(nbar + 1) != exp(-beta omega)")
    return expr.xreplace({r: value})


R_NOTE = (
    "r = nbar/(nbar + 1) with nbar = 1/(exp(beta omega) - 1), i.e. r = exp(-beta omega); the "
    "paper prints 'r = nbar/nbar + 1' (parentheses lost), read as the only form consistent "
    "with its limits r -> 0 (T -> 0) and r -> 1 (T -> oo)"
)


# derived (engine) sides ---------------------------------------------------------------------


def observable_symbols(n: int) -> dict[tuple, sympy.Symbol]:
    """Coefficients x_P of a generic observable X = sum_P x_P P (engine's pauli_observable)."""
    return pauli_observable(system_sites(n))


def printed_observable_rate(n: int) -> sympy.Expr:
    """Tr[X L(rho)] for the printed generator, X generic, rho generic (Expectation symbols)."""
    return GeneratorPairing(model_of(n)).pairing(lambda rho: printed_generator(n, rho))


@cache
def two_qubit_family():
    """The symbolic stationary family of the collective two-qubit model (engine closure)."""
    return symbolic_steady_state(MODELS["N2"])


@cache
def c_in_expectations() -> sympy.Expr:
    """c = Tr(PI_C rho) in Pauli expectations: 3/4 + (<xx> + <yy> + <zz>)/4."""
    return ex.expectation_form(PI_C, system_sites(2))


@cache
def _c_family() -> ex.LabelledFamily:
    """The family labelled by c (c = mu + lambda q, q conserved: c fixes the member)."""
    return ex.family_labelled_by(two_qubit_family(), c_in_expectations(), c)


def conserved_c_relation() -> tuple[sympy.Expr, sympy.Expr]:
    return _c_family().slope, _c_family().offset


def derived_values_c() -> dict:
    """Stationary Pauli expectations of the family as functions of c (exact)."""
    return _c_family().values


@cache
def derived_rho_c() -> sympy.Matrix:
    """The engine's stationary state for a given c (4x4, computational basis)."""
    return ex.density_matrix(derived_values_c(), system_sites(2))


@cache
def derived_rho_ground() -> sympy.Matrix:
    """Stationary state reached from |00> (the closure's family fixed at the initial state)."""
    values = ex.pauli_coefficients(ex.projector(PSI_0), system_sites(2))[1]
    fam = two_qubit_family()
    initial = {e: sympy.sympify(4 * values.get(e, 0)) for e in fam.values}  # <P> = Tr(P |00><00|)
    return ex.density_matrix(fam.fix(initial), system_sites(2))


def energies(n: int) -> list[sympy.Expr]:
    """Diagonal of H_0 = omega sum sigma^+ sigma^- in the computational basis."""
    return [omega * bin(i).count("1") for i in range(2**n)]


def eigenvalues(rho: sympy.Matrix) -> list[sympy.Expr]:
    return ex.exact_eigenvalues(rho, ATOMS)


def passive_formula(rho: sympy.Matrix, samples: Sequence[Mapping]) -> tuple[sympy.Expr, str]:
    """Ergotropy of rho w.r.t. H_0 on a region, one formula (engine's ergotropy_formula)."""
    w = ex.ergotropy_formula(rho, energies(round(math.log2(rho.rows))), samples, ATOMS,
                             {omega: 1})
    return w.formula, w.note


def _grid(cs: Sequence, xs: Sequence) -> list[dict]:
    """Sample points {c, omega, beta} with beta*omega = x, omega in {1, 3/2}."""
    return product_grid({c: cs}, omega, beta, xs)


def limit_on_pieces(pieces: Sequence[tuple[str, object]], xs: Sequence, point: object
                    ) -> tuple[sympy.Expr, str]:
    """Limit beta -> point of the ergotropy of rho_ss(c), per piece of c (("interval",
    [c samples]) or ("point", c0)): the formula passive at beta*omega in ``xs``."""
    return ex.ergotropy_limit_on_pieces(derived_rho_c(), energies(2), c, pieces,
                                        lambda cs: _grid(cs, xs), beta, point, ATOMS, {omega: 1})


@cache
def dicke_ground_populations(n: int) -> tuple[sympy.Expr, ...]:
    """Stationary populations w_k of |D_k> reached from |0...0> = |D_0>, exact (engine)."""
    return symmetric_stationary_populations(make_model(n), ATOMS)


def dicke_invariance_defect(n: int, params: Mapping) -> float:
    return symmetric_invariance_defect(model_of(n), params)


@cache
def dicke_ground_l1(n: int) -> sympy.Expr:
    return symmetric_state_measures(dicke_ground_populations(n), omega)[0]


@cache
def dicke_ground_ergotropy(n: int) -> tuple[sympy.Expr, str]:
    _, lam, levels, energy = symmetric_state_measures(dicke_ground_populations(n), omega)
    w = ex.ergotropy_formula_of_spectrum(energy, lam, levels, _grid([0], X_ALL), {omega: 1})
    return w.formula, w.note


@cache
def _eq11_derived() -> tuple[tuple[sympy.Expr, str], tuple[sympy.Expr, str]]:
    """Derived ergotropy on 0 <= c < 1/2 (all temperatures) and at c = 1, with notes."""
    rho = derived_rho_c()
    return (passive_formula(rho, _grid(C_LOW, X_ALL)),
            passive_formula(rho.xreplace({c: 1}), _grid([1], X_ALL)))


# sample points: c values and beta*omega values of the regions the paper states
C_LOW = (0, sympy.Rational(1, 10), sympy.Rational(1, 4), sympy.Rational(2, 5),
         sympy.Rational(49, 100))
C_UPPER = (sympy.Rational(51, 100), sympy.Rational(3, 5), sympy.Rational(3, 4),
           sympy.Rational(9, 10), sympy.Rational(99, 100))
X_ALL = (sympy.Rational(1, 100), sympy.Rational(1, 10), 1, 3, 10)
X_LARGE = (12, 16, 20)
X_SMALL = (sympy.Rational(1, 1000), sympy.Rational(1, 2000))


# numeric routes (the engine's stationary projections) -----------------------------------------


def _random_state_with_c(rng: np.random.Generator, kind: str) -> np.ndarray:
    """Random two-qubit states: 'any'; 'low' (c < 1/2); 'one' (c = 1: on the triplet);
    'upper' (1/2 < c < 1); 'three_quarters' (c = 3/4); 'high' (3/4 < c <= 1); 'below' (c < 3/4)."""
    p_minus = np.array(ex.projector(PSI_M).evalf(), dtype=complex)
    if kind == "any":
        return random_density_matrix(4, rng)
    sigma = random_state_in_range(PI_C_NUM, rng)  # c = 1
    if kind == "low":
        w = float(rng.uniform(0.55, 0.95))
        return w * p_minus + (1 - w) * random_density_matrix(4, rng)
    weight = {"one": lambda: 1.0, "three_quarters": lambda: 0.75,
              "upper": lambda: float(rng.uniform(0.55, 0.95)),
              "high": lambda: float(rng.uniform(0.8, 1.0)),
              "below": lambda: float(rng.uniform(0.0, 0.7))}[kind]()
    return sigma if kind == "one" else (1 - weight) * p_minus + weight * sigma


_ergo, _l1 = ergotropy_measure(omega), l1_measure


def _limit_temperature(temperature: str) -> Callable[[dict], dict]:
    """beta*omega = 40 (low) or 1e-10 (high), g such that the rates are O(1)."""
    def at(p: dict) -> dict:
        x = 40.0 if temperature == "low" else 1e-10
        return {**p, beta: x / p[omega], g: 1.0 / math.sqrt(1.0 / math.expm1(x) + 1.0)}
    return at


def two_qubit_route(kind: str, measure: Measure = _l1, temperature: str = "finite",
                    pair: bool = False) -> SteadyStateMeasure:
    """A random initial state of the given kind, its c, and its stationary projection (collision
    generator at finite temperature; the derived Lindblad form at the limits)."""
    return SteadyStateMeasure(
        MODELS["N2"], lambda rng: _random_state_with_c(rng, kind),
        lambda p, rho0: {c: c_of(rho0), omega: p[omega], beta: p[beta]},
        None if pair else measure, SAMPLING, "direct" if temperature == "finite" else "lindblad",
        None if temperature == "finite" else _limit_temperature(temperature), pair)


def ground_route(n: int, measure: Measure) -> SteadyStateMeasure:
    """The stationary projection of |0...0> (N = 2: collision generator; N > 2: sector)."""
    return SteadyStateMeasure(model_of(n) if n > 2 else MODELS["N2"],
                              lambda rng: all_ground_state(n),
                              lambda p, rho0: {omega: p[omega], beta: p[beta]}, measure,
                              SAMPLING, "direct" if n == 2 else "sector")


# checks -------------------------------------------------------------------------------------


def _check_master_equation(n: int) -> Check:
    pairing = GeneratorPairing(MODELS[f"N{n}"], SAMPLING)
    return Check(
        label="Eqs. (5)-(7)" + ("" if n == 2 else f", N = {n}"),
        quantity=f"master equation, N = {n}: Tr[X L(rho)] for a generic observable X and state "
        "rho (the derived side is the engine's Heisenberg equation d<X>/dt)",
        printed=printed_observable_rate(n), of=pairing, mapping=collective_mapping(n),
        mapping_note="collective limit gamma_ij = gamma_0 and f_ij = f (Sec. III), with "
        "gamma_0 = g^2 for the coupling V_i = g(sigma_i^+ a + sigma_i^- a^dag) to a thermal "
        "oscillator ancilla at the qubit frequency (rates Tr(rho_R a a^dag) = nbar + 1 for "
        "sigma^-, Tr(rho_R a^dag a) = nbar for sigma^+)",
        note="H_d is printed as 'f_ij sum_{i != j} sigma_i^+ sigma_j^-' and read as "
        "sum_{i != j} f_ij sigma_i^+ sigma_j^- (f_ij = f_ji). X = sum_P x_P P over all Pauli "
        "strings; rho = 2^-N (1 + sum_P <P> P). Matrix route: the collision generator "
        "-i[H_S, rho] - (1/2) Tr_R[V, [V, rho (x) rho_R]] from matrices, oscillator cutoff "
        f"{CUTOFF}.",
    )


def _check_eq8() -> Check:
    xs = observable_symbols(2)
    printed = sympy.Add(*[x * (ex.pauli_matrix(mono, system_sites(2)) * printed_eq8()).trace()
                          for mono, x in xs.items()])
    route = two_qubit_route("any", pair=True)
    lam, mu = conserved_c_relation()
    return Check(
        label="Eq. (8)",
        quantity="two-qubit steady state rho_ss(beta, c), compared through Tr[X rho_ss] for a "
        "generic observable X = sum_P x_P P",
        printed=sympy.expand(printed), derived=route.observable_expr(derived_values_c()),
        note="derived: the engine's symbolic stationary family (one free constant) with its "
        f"conserved quantity q = {sympy.sstr(two_qubit_family().conserved[0])}; the paper's c = "
        f"Tr(Pi_c rho_0) is {sympy.sstr(mu)} + {sympy.sstr(lam)} q, so c is conserved and fixes "
        "the member. Kets read as psi_pm = (|01> +- |10>)/sqrt(2). Matrix route: the stationary "
        "projection of a random initial state under the collision generator built from matrices.",
        matrix_route=route.matrix_route(),
    )


def _checks_eq9() -> list[Check]:
    derived = ex.l1_coherence(derived_rho_c())
    return [Check(
        label=label, printed=printed, derived=derived,
        quantity="l1 norm of coherence of rho_ss(beta, c) (computational basis = eigenbasis of "
        "H_0)",
        note="derived: sum_{i != j} |rho_ij| of the engine's stationary family; matrix route: "
        "l1 norm of the numeric steady state from a random initial state.",
        matrix_route=two_qubit_route("any", _l1).matrix_route(),
    ) for label, printed in zip(("Eq. (9)", "Eq. (9), second form"), printed_eq9(), strict=True)]


def _checks_eq11() -> list[Check]:
    low, one = printed_eq11()
    (w_low, note_low), (w_one, note_one) = _eq11_derived()
    return [
        Check(label="Eq. (11), 0 <= c < 1/2", quantity="ergotropy of rho_ss(beta, c) for "
              "0 <= c < 1/2", printed=low, derived=w_low,
              note=f"derived: Eq. (3) with the engine's eigenvalues; {note_low} (c in "
              "{0, 0.1, 0.25, 0.4, 0.49}, beta*omega in {0.01, 0.1, 1, 3, 10}). Matrix route: "
              "ergotropy of the numeric steady state from a random initial state with c < 1/2.",
              matrix_route=two_qubit_route("low", _ergo).matrix_route()),
        Check(label="Eq. (11), c = 1", quantity="ergotropy of rho_ss(beta, 1)", printed=one,
              derived=w_one, difference_kind="paper error",
              note="the printed omega/Z_+ has the exponents' sign flipped: the passive state "
              "puts the eigenvalues 1/Z_+, e^{-x}/Z_+, e^{-2x}/Z_+ (x = beta omega) on 0, omega, "
              "omega, so W = omega e^{-2x}/Z_+ = omega/(1 + e^{x} + e^{2x}). The printed form "
              "tends to omega (not 0) as beta -> oo, contradicting the paper's own Eq. (12) "
              "(W = 0 for c = 1 at low temperature) and Eq. (17) at N = 2 (the ground initial "
              f"state has c = 1). Derived: {note_one}. Matrix route: ergotropy of the numeric "
              "steady state from a random initial state supported on the triplet (c = 1).",
              matrix_route=two_qubit_route("one", _ergo).matrix_route()),
    ]


def _limit_checks(label: str, quantity: str, xs: Sequence, point: object, temperature: str,
                  rows: Sequence[tuple[str, sympy.Expr, list, str]]) -> list[Check]:
    """Eqs. (12)-(13): the limit beta -> point of the passive formula, per region of c."""
    words = {"low": ("{12, 16, 20}", "40"), "high": ("{1/1000, 1/2000}", "1e-10")}[temperature]
    out = []
    for region, printed, pieces, kind in rows:
        derived, note = limit_on_pieces(pieces, xs, point)
        out.append(Check(
            label=f"{label}, {region}", quantity=quantity, printed=printed, derived=derived,
            note=f"derived: limit beta -> {'oo' if point == sympy.oo else '0'} of the ergotropy "
            f"formula that is passive at beta*omega in {words[0]}; {note}. Matrix route: the "
            f"numeric steady state at beta*omega = {words[1]} (derived Lindblad form) from a "
            "random initial state in the region.",
            matrix_route=two_qubit_route(kind, _ergo, temperature).matrix_route()))
    return out


def _checks_limits() -> list[Check]:
    low, upper = printed_eq12()
    below, at, above = printed_eq13()
    half, quarter3 = sympy.Rational(1, 2), sympy.Rational(3, 4)
    c_below = (0, sympy.Rational(1, 4), half, sympy.Rational(7, 10))
    c_above = (sympy.Rational(4, 5), sympy.Rational(9, 10), 1)
    return [
        *_limit_checks("Eq. (12)", "ergotropy, low temperature limit", X_LARGE, sympy.oo, "low", [
            ("0 <= c < 1/2", low, [("interval", C_LOW)], "low"),
            ("1/2 <= c <= 1", upper, [("point", half), ("interval", C_UPPER), ("point", 1)],
             "upper")]),
        *_limit_checks("Eq. (13)", "ergotropy, high temperature limit", X_SMALL, 0, "high", [
            ("0 <= c < 3/4", below, [("interval", c_below)], "below"),
            ("c = 3/4", at, [("point", quarter3)], "three_quarters"),
            ("3/4 < c <= 1", above, [("interval", c_above)], "high")]),
    ]


def _checks_scaling() -> list[Check]:
    """Eqs. (16)-(17) from |0...0>: N = 2 by the closure (sums and closed forms), N = 3..6 on
    the symmetric subspace; matrix routes: stationary projections of |0...0>."""
    rho = derived_rho_ground()
    w2, note_w2 = passive_formula(rho, _grid([0], X_ALL))
    rows = [(2, "Eq. (16), N = 2 (sum)", printed_eq16(2)[0], ex.l1_coherence(rho), "l1 norm."),
            (2, "Eq. (16), N = 2", printed_eq16(2)[1], ex.l1_coherence(rho), "l1 norm."),
            (2, "Eq. (17), N = 2 (sum)", printed_eq17(2)[0], w2, f"ergotropy; {note_w2}."),
            (2, "Eq. (17), N = 2", printed_eq17(2)[1], w2, f"ergotropy; {note_w2}.")]
    for n in SYMBOLIC_N:
        w, note_w = dicke_ground_ergotropy(n)
        rows += [(n, f"Eq. (16), N = {n}", printed_eq16(n)[1], dicke_ground_l1(n),
                  "l1 norm = sum_k w_k (p_k - 1)."),
                 (n, f"Eq. (17), N = {n}", printed_eq17(n)[1], w, f"ergotropy; {note_w}.")]
    out = []
    for n, label, printed, derived, extra in rows:
        is_l1 = extra.startswith("l1")
        if n == 2:
            base = ("derived: the engine's stationary family fixed by the initial state |00> "
                    "(SteadyStateFamily.fix); ")
            route = (" Matrix route: numeric steady state from |00> (collision generator from "
                     "matrices).")
        else:
            base = ("derived: the generator restricted exactly to the symmetric (Dicke) "
                    "subspace, which contains |0...0> and is invariant (checked), and to its "
                    "diagonal; its one-dimensional kernel gives populations w_k of |D_k>; ")
            route = (" Matrix route: the stationary projection of |0...0> on the full 2^N space "
                     "(sector of equal excitation numbers), derived Lindblad form at numbers.")
        out.append(Check(
            label=label, printed=printed, derived=derived, mapping=r_reading, mapping_note=R_NOTE,
            quantity=("l1 coherence" if is_l1 else "ergotropy")
            + f" of the steady state reached from the all-ground state, N = {n}",
            note=base + extra + route,
            matrix_route=ground_route(n, _l1 if is_l1 else _ergo).matrix_route()))
    return out


def _checks() -> list[Check]:
    checks = [_check_master_equation(2), _check_master_equation(3), _check_eq8(),
              *_checks_eq9(), *_checks_eq11(), *_checks_limits(), *_checks_scaling()]
    return [compare(ch) for ch in checks]


# statements ---------------------------------------------------------------------------------


def _num(x: float, digits: int = 6) -> str:
    return "0" if abs(float(x)) < 1e-12 else f"{float(x):.{digits}g}"


def _statement_uniqueness() -> Statement:
    fam, ind = two_qubit_family(), symbolic_steady_state(MODELS["N2_independent"])
    zq = -sympy.tanh(beta * omega / 2)  # thermal qubit <sigma_z>; product Gibbs state:
    gibbs = {e: zq ** len(e.monomial) if all(loc == 3 for _, loc in e.monomial) else 0
             for e in ind.values}
    tanh_ok = ind.is_unique and all(sympy.simplify((v - gibbs[e]).rewrite(sympy.exp)) == 0
                                    for e, v in ind.values.items())
    _, k3 = direct_stationary_projection(MODELS["N3"], {omega: 1.0, beta: 1.0, g: 1.0, f: 0.3},
                                         all_ground_state(3), CUTOFF)
    return Statement(
        "Sec. III: collective vs individual coupling",
        "in the collective limit the steady state is not unique (it depends on the initial "
        "state); with individual coupling (gamma_ij = gamma_0 delta_ij) every qubit thermalises",
        fam.dimension == 2 and ind.is_unique and tanh_ok and k3 > 1,
        f"engine closure: collective N = 2 family of dimension {fam.dimension} "
        f"(free constants {len(fam.free_constants)}, conserved {sympy.sstr(fam.conserved[0])}); "
        f"independent scheme: unique, product Gibbs state <sigma_z> = -tanh(beta omega/2) "
        f"({'yes' if tanh_ok else 'no'}); collective N = 3: stationary dimension {k3} "
        "(numeric, collision generator from matrices)")


def _statement_psi_minus() -> Statement:
    out = ex.lindblad_action(MODELS["N2"],
                             ex.operator_of_matrix(ex.projector(PSI_M), system_sites(2)))
    lam, mu = conserved_c_relation()
    q = two_qubit_family().conserved
    return Statement(
        "Sec. IV A: |psi_-> is stationary, c is conserved",
        "L(|psi_-><psi_-|) = 0, and the steady state depends on rho_0 only through c",
        out.is_zero() and len(q) == 1,
        f"L(|psi_-><psi_-|) from the derived Lindblad form: {out} (exact); the only "
        f"conserved quantity besides the trace is q = {sympy.sstr(q[0])}"
        f" and c = Tr(Pi_c rho) = {sympy.sstr(mu)} + {sympy.sstr(lam)} q")


def _statement_eq8_numeric() -> Statement:
    worst = closed_form_state_deviation(two_qubit_route("any", pair=True), printed_eq8(),
                                        (11, 12, 13))
    return Statement(
        "Eq. (8): random initial states",
        "from any initial state the dynamics reaches Eq. (8) with c computed from rho_0",
        worst < 1e-10,
        f"three random rho_0 (seeds 11-13), random omega, beta, g, f: max |rho_ss - "
        f"Eq. (8)| = {_num(worst, 3)} (stationary projection of the collision generator built "
        f"from matrices, oscillator cutoff {CUTOFF})")


def _statement_eq9_zero() -> Statement:
    z_plus = 1 + sympy.exp(-omega * beta) + sympy.exp(-2 * omega * beta)
    z = 1 + 2 * sympy.exp(-omega * beta) + sympy.exp(-2 * omega * beta)
    l1_at = ex.l1_coherence(derived_rho_c().xreplace({c: z_plus / z}))
    gibbs = sympy.diag(*[sympy.exp(-beta * omega * bin(i).count("1")) for i in range(4)]) / z
    c_thermal = sympy.simplify((PI_C * gibbs).trace() - z_plus / z)
    zero = sympy.simplify(l1_at.rewrite(sympy.exp)) == 0
    return Statement(
        "Eq. (9): no coherence from a thermal initial state",
        "C_l1 vanishes at c = Z_+/Z, which is the c of the thermal (Gibbs) initial state",
        zero and c_thermal == 0,
        f"derived C_l1 at c = Z_+/Z simplifies to {'0' if zero else sympy.sstr(l1_at)};"
        f" Tr(Pi_c rho_Gibbs) - Z_+/Z = {c_thermal} (exact)")


@cache
def _numeric_family():
    """Lambdified derived rho(c, beta, omega)."""
    return sympy.lambdify((c, beta, omega), derived_rho_c(), "numpy")


def _statement_fig1() -> Statement:
    worst, high = math.inf, 0.0
    for b in (0.01, 1.0, 10.0):
        for cv in np.linspace(0, 1, 101):
            rho = np.array(_numeric_family()(cv, b, 1.0), dtype=complex)
            diff = float(l1_coherence(rho)) - float(ergotropy(rho, excitation_hamiltonian(2, 1.0)))
            worst = min(worst, diff)
            high = max(high, abs(diff)) if b == 0.01 else high
    return Statement(
        "Fig. 1: C_l1 >= W",
        "C_l1 is larger than W (omega = 1) for all c and bath temperatures, the two being "
        "equal in the high temperature limit",
        worst >= -1e-12 and high < 0.02,
        f"derived family on c in [0, 1] (step 0.01), beta in {{0.01, 1, 10}}: "
        f"min(C_l1 - W) = {_num(worst, 3)}; at beta = 0.01, max |C_l1 - W| = {_num(high, 3)} "
        "(-> 0 as beta -> 0, see the next statement)")


def _statement_high_t_equality() -> Statement:
    inner = sympy.cancel(derived_rho_c()[1, 2] * 2)  # the two equal off-diagonals, signed
    lim = sympy.factor(sympy.limit(inner, beta, 0))
    eq13 = printed_eq13()
    ok = (sympy.simplify(lim - (4 * c / 3 - 1)) == 0
          and sympy.simplify(eq13[0] / omega - (1 - 4 * c / 3)) == 0
          and sympy.simplify(eq13[2] / omega - (4 * c / 3 - 1)) == 0)
    return Statement(
        "Sec. IV A: W/omega = C_l1 at high temperature",
        "as beta -> 0, C_l1 -> |4c/3 - 1|, the same as W/omega of Eq. (13)", ok,
        f"limit beta -> 0 of the derived off-diagonal sum 2 rho_(01,10) = "
        f"{sympy.sstr(lim)}, so C_l1 -> |4c/3 - 1|; Eq. (13) (checked above) gives "
        "W/omega = 1 - 4c/3 (c < 3/4), 4c/3 - 1 (c > 3/4), 0 at 3/4")


def _statement_eq10() -> Statement:
    derived = eigenvalues(derived_rho_c())
    remaining = list(derived)
    for pv in printed_eq10():
        k = next((k for k, dv in enumerate(remaining) if sympy.simplify(pv - dv) == 0), None)
        if k is not None:
            remaining.pop(k)
    return Statement(
        "Eq. (10): spectrum of rho_ss",
        "the eigenvalues of Eq. (8) are {1-c, c e^{2x}/Z', c e^{x}/Z', c/Z'}, "
        "Z' = 1 + e^{x} + e^{2x}, x = beta omega",
        not remaining and len(derived) == 4,
        "derived eigenvalues " + ", ".join(sympy.sstr(v) for v in derived)
        + "; they match the printed list one to one (the printed eigenvector of the second "
        "eigenvalue, [0, 0, 0, 1]^T/sqrt(2), and of the fourth carry a spurious 1/sqrt(2))")


def _statement_populations() -> Statement:
    rho = derived_rho_c()
    # inversion: the one-excitation population exceeds the ground population
    threshold = sympy.solve(sympy.Eq(rho[1, 1], rho[0, 0]), c)
    thr = sympy.factor(threshold[0]) if len(threshold) == 1 else None
    r0 = np.array(_numeric_family()(0.2, 1.0, 1.0), dtype=complex)
    w_inc, w_coh = ergotropy_split(r0, excitation_hamiltonian(2, 1.0), basis=np.eye(4))
    thr_num = [float(thr.subs({beta: b, omega: 1})) for b in (0.01, 1.0, 10.0)] if thr else []
    return Statement(
        "Sec. IV A: populations not inverted",
        "the populations of Eq. (8) are not inverted, so its ergotropy is entirely due to "
        "coherences", False,
        f"derived populations: |01>, |10> exceed |00> for c < {sympy.sstr(thr)} "
        f"(= {', '.join(_num(t, 4) for t in thr_num)} at beta omega = 0.01, 1, 10). At c = 0.2, "
        f"beta omega = 1: populations (|00>, |01>, |10>, |11>) = "
        f"({', '.join(_num(p_, 4) for p_ in np.real(np.diag(r0)))}); the dephased state alone "
        f"has ergotropy {_num(w_inc, 4)} of the total {_num(w_inc + w_coh, 4)} omega "
        "(incoherent/coherent split in the computational basis)")


def _statement_psi1() -> Statement:
    w_one = _eq11_derived()[1][0]
    rr = sympy.Symbol("rr", positive=True)
    w_r = sympy.simplify((w_one / omega).xreplace({beta: -sympy.log(rr) / omega}))
    sup = sympy.limit(w_r, rr, 1)
    positive = all(float(w_r.subs(rr, v)) > 0 for v in (1e-3, 0.1, 0.5, 0.9, 0.999))
    return Statement(
        "Sec. IV A: |psi_1> and |psi_0> initial states",
        "both reach the c = 1 steady state; starting from |psi_1> (ergotropy 2 omega) the "
        "final ergotropy is smaller at all temperatures, starting from |psi_0> (zero ergotropy) "
        "it is non-zero at every finite temperature", bool(sup < 2) and positive,
        f"c(|psi_1>) = c(|psi_0>) = 1; derived W(c = 1) = {sympy.sstr(w_one)} = "
        f"omega r^2/(1 + r + r^2), increasing in r = e^(-beta omega) to {sympy.sstr(sup)} omega "
        "(beta -> 0) < 2 omega, and > 0 for 0 < r")


def _statements_scaling() -> list[Statement]:
    """Thermal and ground initial states, N = 2..5, beta omega in {0.5, 1, 2} (N = 6: the
    checks' matrix routes): sector projections against Eqs. (14)-(17)."""
    worst = dict.fromkeys(("c", "w", "rho", "16", "17", "sum"), 0.0)
    for n in NUMERIC_N[:-1]:
        for x in (0.5, 1.0, 2.0):
            p, rv = {omega: 1.0, beta: x, g: 1.0, f: 0.3}, math.exp(-x)
            th, _ = sector_projection(model_of(n), p, excitation_gibbs_state(n, x))
            rho, _ = sector_projection(model_of(n), p, all_ground_state(n))
            l1, w = _l1(rho, p), _ergo(rho, p)
            (s16, c16), (s17, c17) = printed_eq16(n), printed_eq17(n)
            at = {r: rv, omega: 1}
            for key, value in (
                    ("c", _l1(th, p)), ("w", _ergo(th, p)),
                    ("rho", float(np.abs(rho - printed_block_state(n, rv)).max())),
                    ("16", abs(l1 - float(c16.subs(r, rv)))), ("17", abs(w - float(c17.subs(at)))),
                    ("sum", max(abs(l1 - float(s16.subs(r, rv))), abs(w - float(s17.subs(at)))))):
                worst[key] = max(worst[key], value)
    exact = all(sympy.simplify(a - b) == 0
                for n in range(2, 9) for a, b in (printed_eq16(n), printed_eq17(n)))
    return [
        Statement(
            "Sec. IV B: thermal initial states",
            "a thermal initial state gives a steady state without coherence and ergotropy, "
            "for any number of qubits", worst["c"] < 1e-10 and worst["w"] < 1e-10,
            f"N = 2..5, beta omega in {{0.5, 1, 2}}, Gibbs initial state at the "
            f"bath temperature: max C_l1 = {_num(worst['c'], 3)}, max W = {_num(worst['w'], 3)} "
            "(stationary projection on the full space, derived Lindblad form, f = 0.3)"),
        Statement(
            "Eqs. (14)-(15): ground initial state",
            "from |0...0> the steady state is block diagonal, D_k = d_k U_k on the "
            "k-excitation states with d_k of Eq. (15)", worst["rho"] < 1e-10,
            f"N = 2..5, beta omega in {{0.5, 1, 2}} (N = 6: the matrix routes of "
            f"Eqs. (16)-(17)): max |rho_ss - Eqs. (14)-(15)| = {_num(worst['rho'], 3)} "
            "(stationary projection on the full space, derived Lindblad form at numbers, "
            "f = 0.3)"),
        Statement(
            "Eqs. (16)-(17): N = 2..5, numeric",
            "C_l1 and W of the steady state from |0...0> follow Eqs. (16) and (17) "
            "(numbers from the full 2^N space)",
            max(worst["16"], worst["17"], worst["sum"]) < 1e-10,
            f"same points: max |C_l1 - Eq. (16)| = {_num(worst['16'], 3)}, "
            f"max |W - Eq. (17)| = {_num(worst['17'], 3)}, sums of Eqs. (16)-(17) and (C5): "
            f"{_num(worst['sum'], 3)}"),
        Statement(
            "Eqs. (16)-(17): sums = closed forms",
            "sum_k d_k p_k (p_k - 1) and sum_k k p_{k+1} d_{k+1} omega equal the printed "
            "closed forms", exact, "exact in r for N = 2..8"),
    ]


def _statement_high_t_limits() -> Statement:
    def limits_ok(l1: sympy.Expr, w: sympy.Expr, n: int) -> bool:
        return (sympy.simplify(l1 - sympy.Rational(2**n - n - 1, n + 1)) == 0
                and sympy.simplify(w - omega * sympy.Rational(n * (n - 1), 2 * (n + 1))) == 0)

    ok = all(limits_ok(sympy.limit(printed_eq16(n)[1], r, 1),
                       sympy.limit(printed_eq17(n)[1], r, 1), n) for n in range(2, 8))
    derived = []
    for n in SYMBOLIC_N:
        l1 = sympy.limit(dicke_ground_l1(n), beta, 0)
        w = sympy.limit(dicke_ground_ergotropy(n)[0], beta, 0)
        derived.append(f"N = {n}: {sympy.sstr(l1)}, {sympy.sstr(w)}")
        ok &= limits_ok(l1, w, n)
    return Statement(
        "Sec. IV B, Fig. 2: high temperature limits",
        "as r -> 1, C_l1 -> (2^N - N - 1)/(N + 1) and W -> omega N (N - 1)/(2 (N + 1))", ok,
        "limits of the printed closed forms, N = 2..7 (exact); limits beta -> 0 of the "
        "derived (Dicke-route) C_l1, W: " + "; ".join(derived))


def _statement_nbar_beta() -> Statement:
    slope = sympy.simplify(sympy.diff(NBAR, beta))
    return Statement(
        "Sec. IV B: nbar and beta", "increasing nbar corresponds to increasing beta",
        bool(slope.is_positive),
        f"d nbar/d beta = {sympy.sstr(slope)} < 0: nbar grows as beta decreases "
        "(a slip of the text; the argument needs high temperature, small beta)")


def _statement_reduced_states() -> Statement:
    lines, ok = [], True
    for n in (3, 4, 5, 6):
        at = {beta: 1.0, omega: 1.0}
        rho = dicke_diagonal_matrix([float(x.subs(at)) for x in dicke_ground_populations(n)])
        w_total = float(dicke_ground_ergotropy(n)[0].subs(at))
        one, two = partial_trace_last(rho, 2), partial_trace_last(rho, 4)
        c2, w2 = float(l1_coherence(two)), float(ergotropy(two, excitation_hamiltonian(2, 1.0)))
        ok &= abs(one[0, 1]) < 1e-12 and one[1, 1].real < one[0, 0].real
        ok &= c2 > 1e-6 and 0 < w2 < w_total
        lines.append(f"N = {n}: two-qubit C_l1 = {_num(c2, 4)}, W = {_num(w2, 4)} "
                     f"(total W = {_num(w_total, 4)})")
    return Statement(
        "Sec. IV B: reduced states",
        "the single-qubit reduced states of Eq. (14) are diagonal with non-inverted "
        "populations (passive); for N > 2 two-qubit reduced states carry coherence and some "
        "ergotropy, less than the global state's", bool(ok),
        "derived Dicke-route steady state from |0...0> at beta omega = 1: single-qubit "
        "states diagonal, not inverted; " + "; ".join(lines))


def _statement_appendix_a() -> Statement:
    """(A1): 1-c < t0 iff beta > A1 (1/2 < c <= 3/4), always (3/4 < c < 1); (A2): 1-c < t1 iff
    beta < A2; (A3): 1-c < t2 iff beta < A3 (3/4 < c < 1); t0 > t1 > t2 the triplet eigenvalues.
    Decided with the derived eigenvalues at 40 digits around each printed threshold."""
    lam = eigenvalues(derived_rho_c())
    s_val = next(v for v in lam if not v.has(sympy.exp))
    probe = {c: sympy.Rational(1, 2), beta: 1, omega: 1}
    t0, t1, t2 = sorted((v for v in lam if v.has(sympy.exp)),
                        key=lambda v: -float(v.xreplace(probe)))
    th, bad = printed_appendix_a(), []

    def gap(t: sympy.Expr, cv: sympy.Expr, x: object) -> float:
        return float(sympy.N((s_val - t).xreplace({c: cv, beta: sympy.Float(x, 40), omega: 1}),
                             40))

    for cv in (sympy.Rational(11, 20), sympy.Rational(3, 5), sympy.Rational(7, 10)):
        x1 = float(sympy.N(th["A1"].xreplace({c: cv}), 30))
        if not (gap(t0, cv, x1 * 1.01) < 0 < gap(t0, cv, x1 * 0.99)):
            bad.append(f"A1 at c = {cv}")
    for cv in (sympy.Rational(4, 5), sympy.Rational(9, 10), sympy.Rational(99, 100)):
        if any(gap(t0, cv, x) >= 0 for x in (0, sympy.Rational(1, 2), 2, 10)):
            bad.append(f"A1 at c = {cv}")
        for key, t in (("A2", t1), ("A3", t2)):
            xk = float(sympy.N(th[key].xreplace({c: cv, omega: 1}), 30))
            if not (gap(t, cv, xk * 0.99) < 0 < gap(t, cv, xk * 1.01)):
                bad.append(f"{key} at c = {cv}")
    return Statement(
        "Appendix A: eigenvalue ordering",
        "the first eigenvalue of Eq. (10), 1 - c, drops below the second, third and fourth "
        "at the temperatures of Eqs. (A1)-(A3)", not bad,
        "derived eigenvalues compared just above and below each printed threshold "
        "(omega = 1), c in {0.55, 0.6, 0.7} for (A1) and {0.8, 0.9, 0.99} for (A1)-(A3): "
        + ("every inequality switches where printed" if not bad else "fails: " + ", ".join(bad))
        + "; (A1) prints beta > log(...) without the 1/omega of (A2)-(A3) (same at omega = 1)")


def _statement_eqs_16_17_large_n() -> Statement:
    """Eqs. (16)-(17) at N = 10..100 by the permutation-invariant route (issue 14)."""
    from symthermo.numeric import permutation as pi

    gen = pi.collective_generator(make_model(3), {omega: 1.0, beta: 1.0, g: 1.0, f: 0.3})
    worst, rv = 0.0, math.exp(-1.0)
    for n in (10, 25, 50, 100):
        st = pi.permutation_invariant_steady_state(
            gen.with_qubits(n), pi.PermutationInvariantState.ground(n))
        w = st.ergotropy(pi.excitation_number_blocks(n))
        worst = max(worst, abs(st.l1_coherence() / float(printed_eq16(n)[1].subs(r, rv)) - 1),
                    abs(w / float(printed_eq17(n)[1].subs({r: rv, omega: 1})) - 1))
    return Statement(
        "Eqs. (16)-(17): N = 10..100",
        "C_l1 and W of the steady state from |0...0> follow Eqs. (16)-(17) for large N",
        worst < 1e-6,
        f"beta omega = 1, f = 0.3, N = 10, 25, 50, 100: max relative deviation "
        f"{worst:.1e} (permutation-invariant route: spin blocks, projected stationary "
        "state)")


def _statements() -> list[Statement]:
    thermal, *scaling = _statements_scaling()
    return [_statement_uniqueness(), _statement_psi_minus(), _statement_eq8_numeric(),
            _statement_eq9_zero(), _statement_eq10(), _statement_fig1(),
            _statement_high_t_equality(), _statement_appendix_a(), _statement_populations(),
            _statement_psi1(), thermal, *scaling, _statement_eqs_16_17_large_n(),
            _statement_high_t_limits(), _statement_nbar_beta(), _statement_reduced_states()]


# quantities, notes, build -------------------------------------------------------------------


def quantities() -> list:
    """Named derived expressions for the LaTeX and the kernels."""
    items = []
    model = MODELS["N2"]
    for part, tag in (("local", "loc"), ("nonlocal", "nl"), ("total", "")):
        sup = rf"^{{\mathrm{{{tag}}}}}" if tag else ""
        items.append((f"heat_{part}_N2", heat_current(model, "R", part),
                      r"\dot{Q}" + sup + r"_{R}",
                      f"heat current from the field into two collectively coupled qubits ({part}; "
                      "$N = 2$)"))
    items.append(("work_N2", work_current(model), r"\dot{W}",
                  "work current of the collisions (non-zero only through $H_d$, $f \\neq 0$)"))
    items.append(("c_of_state", c_in_expectations(), "c",
                  r"the paper's $c = \langle\psi_0|\rho|\psi_0\rangle + \langle\psi_1|\rho|\psi_1"
                  r"\rangle + \langle\psi_+|\rho|\psi_+\rangle$ (conserved by the collective "
                  "dynamics)"))
    vals = derived_values_c()
    for mono, name, latex in (
        ((("S1", 3),), "sigma_z_steady", r"\langle\sigma^z_{1}\rangle_{ss}"),
        ((("S1", 1), ("S2", 1)), "sigma_xx_steady", r"\langle\sigma^x_{1}\sigma^x_{2}\rangle_{ss}"),
        ((("S1", 3), ("S2", 3)), "sigma_zz_steady", r"\langle\sigma^z_{1}\sigma^z_{2}\rangle_{ss}"),
    ):
        items.append((name, vals[Expectation(mono)], latex,
                      "stationary value in the two-qubit family, as a function of $c$ (Eq. (8))"))
    items.append(("l1_coherence_c", ex.l1_coherence(derived_rho_c()), r"C_{l_1}",
                  "$l_1$ norm of coherence of the two-qubit steady state (Eq. (9))"))
    (w_low, _), (w_one, _) = _eq11_derived()
    items.append(("ergotropy_c_low", w_low, r"\mathcal{W}_{c \le 1/2}",
                  r"ergotropy of the two-qubit steady state for $0 \le c < 1/2$ (Eq. (11))"))
    items.append(("ergotropy_c_one", w_one, r"\mathcal{W}_{c = 1}",
                  "ergotropy of the two-qubit steady state for $c = 1$ (corrects Eq. (11))"))
    for n in (2, *SYMBOLIC_N):
        items.append((f"l1_ground_N{n}", dicke_ground_l1(n), rf"C_{{l_1}}^{{(N={n})}}",
                      f"$l_1$ coherence of the steady state from the all-ground state, $N = {n}$"))
        items.append((f"ergotropy_ground_N{n}", dicke_ground_ergotropy(n)[0],
                      rf"\mathcal{{W}}^{{(N={n})}}",
                      f"ergotropy of the steady state from the all-ground state, $N = {n}$"))
    return [Quantity(name, expr, latex, text) for name, expr, latex, text in items]


NOTES = [
    "Model: N qubits meet ONE fresh thermal oscillator ancilla per stroke (simultaneous scheme), "
    "V_i = g (sigma_i^+ a + sigma_i^- a^dag), H_R = omega a^dag a at the qubit frequency. The "
    "derived rates are g^2 (nbar + 1) for sigma^- and g^2 nbar for sigma^+ with all cross terms "
    "i != j: Eqs. (6)-(7) in the collective limit with gamma_0 = g^2 (the coupling is not given "
    "in the paper; g only sets the time scale). The independent scheme (one ancilla per qubit, "
    "variant N2_independent) is the limit gamma_ij = gamma_0 delta_ij.",
    "H_d is printed 'f_ij sum_{i != j} sigma_i^+ sigma_j^-' and read as sum_{i != j} f_ij "
    "sigma_i^+ sigma_j^-; the collective limit f_ij = f is the model's intra-system interaction. "
    "It leaves every steady state unchanged (checks at random f, statements at f = 0.3); its "
    "only trace is a work current proportional to f. Default f = 0.",
    "Defaults (Fig. 1): omega = 1, beta = 1 (the paper also uses beta = 0.01 and 10), g = 1. "
    "The steady state of the collective models is not unique: `symthermo steady` needs "
    "--initial (ground: c = 1).",
    "States: |0> ground, kets |ab> with S1 the left factor; psi_pm read as (|01> +- |10>)/sqrt(2) "
    "(printed without parentheses). c = Tr(Pi_c rho_0) with Pi_c = |psi_0><psi_0| + "
    "|psi_1><psi_1| + |psi_+><psi_+| = 3/4 + (sigma_x sigma_x + sigma_y sigma_y + "
    "sigma_z sigma_z)/4, which is the engine's conserved quantity.",
    "Coherence and ergotropy are taken, as in the paper, in the computational basis and with "
    "respect to H_0 = omega sum sigma^+ sigma^- (the paper's 'self-Hamiltonian'); H_0 is "
    "degenerate, so the l1 norm depends on the basis chosen inside its omega-eigenspace: in the "
    "basis {|psi_->, |psi_+>} Eq. (8) is diagonal.",
    "Symbolic ergotropy: the eigenvalues are exact; the passive ordering (Eq. (3), Appendix A) "
    "is read off at exact sample points of each region the paper states, evaluated with 50 "
    "digits, and the resulting formula must reproduce the sorted-spectrum ergotropy at every "
    "sample. Limits beta -> oo, beta -> 0 are sympy limits of that formula.",
    "r: the paper prints 'r = nbar/nbar + 1'; read as nbar/(nbar + 1) = exp(-beta omega). "
    "Fig. 2's caption calls beta -> oo the high temperature limit; the text and the formulas use "
    "r -> 1, i.e. beta -> 0 (a slip of the caption). Sec. IV B also says that increasing nbar "
    "corresponds to increasing beta (the opposite holds; statement below).",
    "Eq. (10): the eigenvalues hold; two printed eigenvectors ([0, 0, 0, 1]^T and "
    "[1, 0, 0, 0]^T) carry a spurious 1/sqrt(2).",
    "All-ground initial state: N = 2 from the engine's closure (family fixed by the initial "
    "state); N = 3..6 from the generator restricted exactly to the symmetric (Dicke) subspace, "
    "which contains |0...0> and is left invariant (checked numerically, "
    "dicke_invariance_defect). The numeric route works on the full 2^N space, on the sector of "
    "density-matrix elements with equal excitation numbers (invariant: checked for H, every "
    "jump operator and the rate matrix), with the stationary projection (left and right kernel "
    "of the generator). The symbolic closure of the full N = 3 space takes minutes and is not "
    "used.",
    "Not reproduced: Fig. 3 (10^5 random initial states, N up to 7; the sampling measure is not "
    "stated) and Appendix B (concurrence, discord).",
]


def build() -> Derivation:
    return Derivation(
        name=NAME,
        title=TITLE,
        sources=SOURCES,
        models=dict(MODELS),
        parameters={k: dict(v) for k, v in PARAMETERS.items()},
        quantities=quantities(),
        checks=[*_checks(), *[compare(c) for c in general_n.general_checks()]],  # issue 12
        statements=_statements(),
        notes=list(NOTES),
        kernel_sites=system_sites(2),
    )
