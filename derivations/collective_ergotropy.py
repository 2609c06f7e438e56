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
derived sides and routes the checks and statements share, the quantities and the notes.  The
checks are in ``derivations/checks/collective_ergotropy.py``, the statements in
``derivations/statements/collective_ergotropy.py``, the figures in
``derivations/figures/collective_ergotropy.py``.  The routes are the engine's: Eqs. (5)-(7)
through :class:`symthermo.papers.state_routes.GeneratorPairing`; Eq. (8) from the closure's
stationary family labelled by the conserved c (:func:`symthermo.exact_states.
labelled_steady_state`); Eqs. (9)-(13) with :mod:`symthermo.exact_states` (exact density
matrix, l1 norm, ergotropy formula of one passive ordering decided at exact sample points of
the region the paper states); Eqs. (16)-(17) for N = 3..6 on the symmetric subspace
(:mod:`symthermo.symmetric_subspace`); the numbers from stationary projections
(:class:`symthermo.papers.state_routes.SteadyStateMeasure`, :mod:`symthermo.papers.excitations`)
and the permutation-invariant route (N = 10..100).
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
from symthermo.emit.quantity import Quantity
from symthermo.model import CollisionModel, bath, collision_model
from symthermo.numeric.model_matrices import random_density_matrix
from symthermo.papers import Check, Derivation, Sampling, Statement, compare
from symthermo.papers.excitations import (
    Measure,
    all_ground_state,
    excitation_block_state,
    l1_measure,
    product_grid,
    random_state_in_range,
)
from symthermo.papers.state_routes import (
    GeneratorPairing,
    SteadyStateMeasure,
)
from symthermo.states import ThermalOscillator
from symthermo.symmetric_subspace import (
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


def printed_observable_rate(n: int) -> sympy.Expr:
    """Tr[X L(rho)] for the printed generator, X generic, rho generic (Expectation symbols)."""
    return GeneratorPairing(model_of(n)).pairing(lambda rho: printed_generator(n, rho))


@cache
def c_state() -> ex.LabelledSteadyState:
    """The closure's stationary family of the collective two-qubit model labelled by the
    paper's c = Tr(Pi_c rho_0) = mu + lambda q (q conserved: c fixes the member)."""
    return ex.labelled_steady_state(MODELS["N2"], PI_C, c)


def two_qubit_family():
    """The symbolic stationary family of the collective two-qubit model (engine closure)."""
    return c_state().family


def derived_rho_c() -> sympy.Matrix:
    """The engine's stationary state for a given c (4x4, computational basis)."""
    return c_state().rho


@cache
def derived_rho_ground() -> sympy.Matrix:
    """Stationary state reached from |00> (the closure's family fixed at the initial state)."""
    return c_state().reached_from(ex.projector(PSI_0))


def energies(n: int) -> list[sympy.Expr]:
    """Diagonal of H_0 = omega sum sigma^+ sigma^- in the computational basis."""
    return [omega * bin(i).count("1") for i in range(2**n)]


def passive_formula(rho: sympy.Matrix, samples: Sequence[Mapping]) -> tuple[sympy.Expr, str]:
    """Ergotropy of rho w.r.t. H_0 on a region, one formula (engine's ergotropy_formula)."""
    w = ex.ergotropy_formula(rho, energies(round(math.log2(rho.rows))), samples, ATOMS,
                             {omega: 1})
    return w.formula, w.note


def sample_grid(cs: Sequence, xs: Sequence) -> list[dict]:
    """Sample points {c, omega, beta} with beta*omega = x, omega in {1, 3/2}."""
    return product_grid({c: cs}, omega, beta, xs)


def limit_on_pieces(pieces: Sequence[tuple[str, object]], xs: Sequence, point: object
                    ) -> tuple[sympy.Expr, str]:
    """Limit beta -> point of the ergotropy of rho_ss(c), per piece of c (("interval",
    [c samples]) or ("point", c0)): the formula passive at beta*omega in ``xs``."""
    return ex.ergotropy_limit_on_pieces(derived_rho_c(), energies(2), c, pieces,
                                        lambda cs: sample_grid(cs, xs), beta, point, ATOMS,
                                        {omega: 1})


@cache
def dicke_ground_populations(n: int) -> tuple[sympy.Expr, ...]:
    """Stationary populations w_k of |D_k> reached from |0...0> = |D_0>, exact (engine)."""
    return symmetric_stationary_populations(make_model(n), ATOMS)


@cache
def dicke_ground_l1(n: int) -> sympy.Expr:
    """C_l1 = sum_k w_k (C(N, k) - 1) of the steady state reached from |0...0> (exact)."""
    return symmetric_state_measures(dicke_ground_populations(n), omega)[0]


@cache
def dicke_ground_ergotropy(n: int) -> tuple[sympy.Expr, str]:
    """Ergotropy of the steady state reached from |0...0> w.r.t. H_0 (one formula passive at
    beta*omega in X_ALL) and the note of how its ordering was decided."""
    _, lam, levels, energy = symmetric_state_measures(dicke_ground_populations(n), omega)
    w = ex.ergotropy_formula_of_spectrum(energy, lam, levels, sample_grid([0], X_ALL), {omega: 1})
    return w.formula, w.note


@cache
def eq11_derived() -> tuple[tuple[sympy.Expr, str], tuple[sympy.Expr, str]]:
    """Derived ergotropy on 0 <= c < 1/2 (all temperatures) and at c = 1, with notes."""
    rho = derived_rho_c()
    return (passive_formula(rho, sample_grid(C_LOW, X_ALL)),
            passive_formula(rho.xreplace({c: 1}), sample_grid([1], X_ALL)))


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


def _limit_temperature(temperature: str) -> Callable[[dict], dict]:
    """beta*omega = 40 (low) or 1e-10 (high), g such that the rates are O(1)."""
    def at(p: dict) -> dict:
        x = 40.0 if temperature == "low" else 1e-10
        return {**p, beta: x / p[omega], g: 1.0 / math.sqrt(1.0 / math.expm1(x) + 1.0)}
    return at


def two_qubit_route(kind: str, measure: Measure = l1_measure, temperature: str = "finite",
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
    items.append(("c_of_state", c_state().label, "c",
                  r"the paper's $c = \langle\psi_0|\rho|\psi_0\rangle + \langle\psi_1|\rho|\psi_1"
                  r"\rangle + \langle\psi_+|\rho|\psi_+\rangle$ (conserved by the collective "
                  "dynamics)"))
    vals = c_state().labelled.values
    for mono, name, latex in (
        ((("S1", 3),), "sigma_z_steady", r"\langle\sigma^z_{1}\rangle_{ss}"),
        ((("S1", 1), ("S2", 1)), "sigma_xx_steady", r"\langle\sigma^x_{1}\sigma^x_{2}\rangle_{ss}"),
        ((("S1", 3), ("S2", 3)), "sigma_zz_steady", r"\langle\sigma^z_{1}\sigma^z_{2}\rangle_{ss}"),
    ):
        items.append((name, vals[Expectation(mono)], latex,
                      "stationary value in the two-qubit family, as a function of $c$ (Eq. (8))"))
    items.append(("l1_coherence_c", ex.l1_coherence(derived_rho_c()), r"C_{l_1}",
                  "$l_1$ norm of coherence of the two-qubit steady state (Eq. (9))"))
    (w_low, _), (w_one, _) = eq11_derived()
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


def checks() -> list[Check]:
    """The printed equations against the engine, compared (derivations/checks/
    collective_ergotropy.py; imported here, not at the top: that module imports this one)."""
    from derivations.checks.collective_ergotropy import checks as paper_checks

    return paper_checks()


def statements() -> list[Statement]:
    """The paper's statements (derivations/statements/collective_ergotropy.py; imported here,
    not at the top: that module imports this one)."""
    from derivations.statements.collective_ergotropy import statements as paper_statements

    return paper_statements()


def build() -> Derivation:
    return Derivation(
        name=NAME,
        title=TITLE,
        sources=SOURCES,
        models=dict(MODELS),
        parameters={k: dict(v) for k, v in PARAMETERS.items()},
        quantities=[*general_n.general_quantities(), *quantities()],  # issue 12
        checks=[*checks(), *[compare(c) for c in general_n.general_checks()]],  # issue 12
        statements=statements(),
        notes=list(NOTES),
        kernel_sites=system_sites(2),
    )
