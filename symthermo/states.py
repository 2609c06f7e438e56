"""Ancilla states and the partial trace over ancillas.

The engine needs nothing of an ancilla state but its *moments*: the expectation values of
products of local operators on its sites.  The partial trace of a monomial factorises over the
states of a collision (they are a product):

    Tr_R[(rho_S (x) rho_R) X_S (x) X_R] = <X_S>_{rho_S} * prod_states <X_state>_{rho_state},

so every state below works with :func:`trace_out`, :func:`bath_mean`, the Lindblad rates
gamma_ab = Tr(rho_R B_b^dag B_a) and the currents.  Moments in closed form (DESIGN.md s. 2):

* :class:`ThermalQubit`, H = (omega/2) sigma_z (or omega sigma_+ sigma_-):
  <sigma_x> = <sigma_y> = 0, <sigma_z> = -tanh(beta*omega/2);
* :class:`ThermalOscillator`, H = omega a^dag a: <a^dag^m a^n> = delta_mn m! nbar^m,
  nbar = 1/(exp(beta*omega) - 1);
* :class:`DiagonalState` with populations p_k: <sigma_z> = p_1 - p_0,
  <a^dag^m a^m> = sum_k p_k k!/(k-m)!;
* :class:`SqueezedThermalOscillator`, rho = S(xi) rho_th(nbar) S(xi)^dag with
  S(xi) = exp[(xi^* a^2 - xi a^dag^2)/2], xi = r e^{i phi}:
  N = <a^dag a> = nbar cosh(2r) + sinh(r)^2, M = <a a> = -(2 nbar + 1) e^{i phi} sinh(r) cosh(r)
  (the papers' N and M), and, the state being Gaussian with zero mean, every normally ordered
  moment by Wick's theorem (:func:`gaussian_moment`);
* :class:`DensityMatrixState`: any density matrix of one site or a few sites (qubits, at most
  one oscillator in its Fock basis), symbolic entries allowed: <X> = Tr(rho X);
* :class:`ProductState`: a cluster of several ancilla sites per collision, in a product of any
  of the above (a correlated cluster is one :class:`DensityMatrixState` on several sites).

**Validation** (one mechanism, :meth:`AncillaState.requirements`): every state lists its
physical requirements as :class:`Requirement` values (the parameter, its value, the allowed
range); they are checked when the state is built and again when numbers are substituted
(:meth:`AncillaState.subs`, which the numeric routes call), and a violated one raises
:class:`~symthermo.errors.StateError` naming the parameter, its value and the allowed range.
Numbers are always checked; symbols only as far as their sympy assumptions decide (a symbol
declared ``positive=True`` passes ``beta > 0``, one declared ``negative=True`` is refused).

**Entropy** (:meth:`AncillaState.entropy_operator`): K = -ln rho as an operator on the
ancilla sites (up to an additive constant), where a closed form exists; the entropy flux of a
bath is -d<K>/dt (see :func:`symthermo.thermo.entropy_flux`).

:func:`trace_out` returns a sympy expression in the parameters and in
:class:`~symthermo.algebra.Expectation` symbols of the remaining (system) monomials.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from math import factorial

import sympy

from .algebra.coefficients import (
    cmono_factors,
    cmono_mul,
    fast_add,
    fast_mul,
    scalar_to_sympy,
    sort_factors,
    to_scalar,
)
from .algebra.expectation import Expectation
from .algebra.monomials import monomial_sort_key
from .algebra.operator import Operator, monomial_operator
from .algebra.sites import Site
from .errors import StateError
from .validate import allow_complex

#: Tolerance for inexact (floating-point sympy) numbers in the checks; exact numbers are exact.
FLOAT_TOLERANCE = 1e-12


def _sym(value: object, what: str) -> sympy.Expr:
    """A state parameter as a sympy expression (Python floats become exact rationals)."""
    if isinstance(value, bool):
        raise StateError(f"{what} must be a number or sympy expression, got {value!r}")
    if isinstance(value, float):  # non-finite floats are left to the requirements' message
        if value != value or value in (float("inf"), float("-inf")):
            return sympy.nan if value != value else (sympy.oo if value > 0 else -sympy.oo)
        return sympy.Rational(repr(value))
    try:
        expr = sympy.sympify(value, strict=True)
    except (sympy.SympifyError, TypeError) as exc:
        raise StateError(f"{what} must be a number or sympy expression, got {value!r}") from exc
    if not isinstance(expr, sympy.Expr) or isinstance(expr, sympy.MatrixBase):
        raise StateError(f"{what} must be a scalar number or sympy expression, got {value!r}")
    return expr


# --- validation: one mechanism for every state ---------------------------------------------


def _number(expr: sympy.Expr) -> complex | None:
    """The value of an expression without free symbols (None if it has symbols)."""
    if expr.free_symbols:
        return None
    if expr.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
        return complex("nan")
    try:
        return complex(expr.evalf(30))
    except (TypeError, ValueError):
        return complex("nan")


def _tolerance(expr: sympy.Expr) -> float:
    return FLOAT_TOLERANCE if expr.has(sympy.Float) else 0.0


@dataclass(frozen=True)
class Requirement:
    """One physical requirement of a state: ``parameter`` (its name), ``value`` and the allowed
    range ``allowed`` (text), decided by ``violated(value)``: True (refuse), False or None
    (holds, or undecidable for symbols).  ``hint`` says how to fix a violation."""

    parameter: str
    value: object
    allowed: str
    violated: Callable[[object], bool | None]
    hint: str = ""
    #: the message's first part, a template with {owner} and {value} (default: the parameter)
    message: str = "{owner}: {parameter} = {value} is not allowed"
    #: for checks at many points at once (sweeps): the expression (default ``value``) whose
    #: numbers must be real, finite and within ``bounds`` = (low, high, low_open, high_open)
    bounds: tuple | None = None
    bounded: object = None
    #: or a function of the stacked values {name: array} giving (index, value) of a violation
    array_check: Callable[[Mapping[str, object]], tuple | None] | None = None

    def check(self, owner: str) -> None:
        if self.violated(self.value):
            self._raise(owner, _show(self.value))

    def _raise(self, owner: str, shown: str, where: str = "") -> None:
        first = self.message.format(owner=owner, parameter=self.parameter, value=shown)
        text = f"{first}{where}; it must satisfy {self.allowed}"
        raise StateError(text + (f" ({self.hint})" if self.hint else ""))

    def check_points(self, owner: str, values: Mapping[str, object]) -> None:
        """The same requirement at many parameter points ``{name: array}`` (broadcast)."""
        if self.array_check is not None:
            found = self.array_check(values)
        elif self.bounds is not None:
            found = _bounds_violation(self.value if self.bounded is None else self.bounded,
                                      self.bounds, values)
        else:
            return
        if found is not None:
            index, shown = found
            if self.bounded is not None:  # show the parameter itself, not the bounded form
                own = _lambdified(sympy.sympify(self.value), values)
                if own is not None:
                    shown = _format_number(own[index])
            self._raise(owner, shown, f" at parameter point {index}")


def _lambdified(expr: sympy.Expr, values: Mapping[str, object]) -> object:
    """expr evaluated on the arrays ``values`` (by symbol name); None if a symbol is missing."""
    import numpy as np

    symbols = sorted(expr.free_symbols, key=str)
    if not symbols or any(str(x) not in values for x in symbols):
        return None
    fn = sympy.lambdify(symbols, expr, modules="numpy")
    args = np.broadcast_arrays(*[np.asarray(values[str(x)]) for x in symbols])
    return np.broadcast_to(np.asarray(fn(*args), dtype=complex), args[0].shape)


def _bounds_violation(expr: object, bounds: tuple, values: Mapping[str, object]) -> tuple | None:
    import numpy as np

    x = _lambdified(sympy.sympify(expr), values)
    if x is None:
        return None
    low, high, low_open, high_open = bounds
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(x) | (np.abs(x.imag) > FLOAT_TOLERANCE * np.maximum(1, abs(x.real)))
        if low is not None:
            bad |= (x.real <= float(low)) if low_open else (x.real < float(low) - FLOAT_TOLERANCE)
        if high is not None:
            bad |= (x.real >= float(high)) if high_open else (
                x.real > float(high) + FLOAT_TOLERANCE)
    if not bad.any():
        return None
    index = tuple(int(i) for i in np.unravel_index(int(np.flatnonzero(bad)[0]), bad.shape))
    return index, _format_number(x[index])


def _format_number(value: complex) -> str:
    return f"{value.real:g}" if value.imag == 0 else f"{value:g}"


def check_values(states: Iterable[AncillaState] | AncillaState,
                 values: Mapping[object, object]) -> None:
    """Check the states' requirements at many numeric parameter points at once (a sweep:
    ``values = {symbol or name: array}``, broadcast together); StateError names the parameter,
    the first violating value, its point (index into the broadcast shape) and the range.
    Requirements that hold identically (a sum of populations that is 1) were checked when the
    states were built."""
    by_name = {str(k): v for k, v in values.items()}
    seen: set[int] = set()
    for st in _state_map(states).values():
        if id(st) in seen:
            continue
        seen.add(id(st))
        for part in st.states if isinstance(st, ProductState) else (st,):
            for req in part.requirements():
                req.check_points(part.label, by_name)


def _show(value: object) -> str:
    if isinstance(value, sympy.MatrixBase):
        return str(value.tolist())
    return str(value)


def _outside(low: object = None, high: object = None, *, low_open: bool = False,
             high_open: bool = False) -> Callable[[object], bool | None]:
    """A range test: True if the value is not real, not finite, or outside [low, high]
    (ends open as asked).  Numbers are decided numerically, symbols by their assumptions."""

    def test(value: object) -> bool | None:
        expr = sympy.sympify(value)
        number = _number(expr)
        if number is not None:
            if number != number or abs(number) == float("inf"):
                return True
            tol = _tolerance(expr)
            if abs(number.imag) > tol * max(1.0, abs(number.real)):
                return True
            x = number.real
            if low is not None and (x <= float(low) if low_open else x < float(low) - tol):
                return True
            return high is not None and (x >= float(high) if high_open else x > float(high) + tol)
        if expr.is_real is False or expr.is_finite is False:
            return True
        checks = []
        if low is not None:
            checks.append(expr <= low if low_open else expr < low)
        if high is not None:
            checks.append(expr >= high if high_open else expr > high)
        return any(c is sympy.true for c in checks)

    return test


def _real_range(name: str, value: object, low: object = None, high: object = None, *,
                low_open: bool = False, high_open: bool = False, hint: str = "") -> Requirement:
    lo = "" if low is None else f"{low} {'<' if low_open else '<='} "
    hi = "" if high is None else f" {'<' if high_open else '<='} {high}"
    allowed = f"{lo}{name}{hi}, real and finite" if (lo or hi) else f"{name} real and finite"
    return Requirement(name, value, allowed,
                       _outside(low, high, low_open=low_open, high_open=high_open), hint,
                       bounds=(low, high, low_open, high_open))


def _is_nonzero(expr: sympy.Expr) -> bool | None:
    """True if ``expr`` is certainly not zero (numbers within the float tolerance)."""
    number = _number(expr)
    if number is not None:
        return number != number or abs(number) > _tolerance(expr)
    simplified = sympy.simplify(expr)
    if simplified == 0:
        return False
    number = _number(simplified)
    if number is not None:
        return abs(number) > _tolerance(simplified)
    return True if simplified.is_zero is False else None


FLOAT_SUM_HINT = (
    "floats such as 1/3 = 0.333... cannot sum to exactly 1: give exact rationals, e.g. "
    "sympy.Rational(1, 3)"
)


def _sums_to_one(name: str, total: sympy.Expr, message: str | None = None) -> Requirement:
    # a symbolic sum must be 1 identically (else the state is not normalised for most values)
    def test(value: object) -> bool:
        return _is_nonzero(sympy.sympify(value) - 1) is not False

    return Requirement(name, total, f"{name} = 1", test, FLOAT_SUM_HINT,
                       message or Requirement.message)


# --- the states ------------------------------------------------------------------------------


class AncillaState:
    """Base of ancilla states: ``sites`` and ``moment(locals)`` = <product of local operators>.

    A new kind of state is a frozen dataclass with a ``site`` field (or a ``sites`` property)
    that gives :meth:`local_expectation` (one site) or :meth:`moment` (several sites), lists
    its physical :meth:`requirements` and calls :meth:`validate` in ``__post_init__``; the
    requirements are checked again after :meth:`subs` and at every point of a sweep
    (:func:`check_values`).  :meth:`entropy_operator` is optional (entropy fluxes).
    The numeric matrix route builds the known states from their definitions
    (:func:`symthermo.numeric.model_matrices.ancilla_state_matrix`).
    """

    #: the kind of site a single-site state describes (None: checked by the subclass)
    site_kind: str | None = None

    # structure --------------------------------------------------------------------------------
    @property
    def sites(self) -> tuple[Site, ...]:
        return (self.site,)  # type: ignore[attr-defined]

    @property
    def site_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.sites)

    @property
    def label(self) -> str:
        names = ", ".join(repr(n) for n in self.site_names)
        return f"{type(self).__name__} of site{'s' if len(self.sites) > 1 else ''} {names}"

    def local_expectation(self, local: object) -> sympy.Expr:  # pragma: no cover - abstract
        """<local operator> of a single-site state (Pauli index, or (m, n) for a^dag^m a^n)."""
        raise NotImplementedError

    def moment(self, locals_: tuple[tuple[str, object], ...]) -> sympy.Expr:
        """<prod_k local_k> for local operators on this state's sites (monomial order)."""
        if len(locals_) != 1:
            raise StateError(f"{self.label} has one site; got operators on {locals_}")
        return self.local_expectation(locals_[0][1])

    def populations(self, levels: int | None = None) -> list[sympy.Expr]:
        """Diagonal of rho in the local basis (bosons: first ``levels`` Fock populations)."""
        raise StateError(f"{type(self).__name__} has no closed form of its populations")

    def entropy_operator(self) -> Operator:
        """K = -ln rho as an operator on the ancilla sites, up to an additive constant."""
        raise StateError(
            f"{self.label}: -ln rho has no closed form as a polynomial in the site operators, "
            "so its entropy flux cannot be derived; use a state with a closed form "
            "(thermal, squeezed thermal, a full-rank qubit state) or compute it numerically"
        )

    # validation -------------------------------------------------------------------------------
    def requirements(self) -> list[Requirement]:
        """The physical requirements of the state (checked by :meth:`validate`)."""
        return []

    def validate(self) -> None:
        for s in self.sites:
            if not isinstance(s, Site):
                raise StateError(f"an ancilla state needs a Site, got {s!r}")
        if self.site_kind is not None and self.sites[0].kind != self.site_kind:
            raise StateError(
                f"{type(self).__name__} describes a {self.site_kind}, but site "
                f"{self.sites[0].name!r} is a {self.sites[0].kind}"
            )
        for req in self.requirements():
            req.check(self.label)

    # substitution -----------------------------------------------------------------------------
    def subs(self, mapping: Mapping[object, object]) -> AncillaState:
        """The state with parameter values substituted (keys: symbols or their names), checked
        again: numbers substituted here meet the requirements or raise StateError."""
        changes = {}
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if f.name in ("site", "sites") or value is None:
                continue
            changes[f.name] = _substitute(value, mapping)
        return dataclasses.replace(self, **changes)  # type: ignore[type-var]


def _substitute(value: object, mapping: Mapping[object, object]) -> object:
    if isinstance(value, AncillaState):
        return value.subs(mapping)
    if isinstance(value, tuple):
        return tuple(_substitute(v, mapping) for v in value)
    if isinstance(value, sympy.MatrixBase):
        return sympy.ImmutableMatrix(value.applyfunc(lambda e: _substitute(e, mapping)))
    expr = sympy.sympify(value)
    keyed = {sympy.Symbol(k) if isinstance(k, str) else k: v for k, v in mapping.items()}
    out = expr.subs(keyed)
    if out.free_symbols:  # keys given under other assumptions: fall back to names
        by_name = {str(k): v for k, v in keyed.items()}
        out = out.subs({s: by_name[s.name] for s in out.free_symbols
                        if getattr(s, "name", None) in by_name})
    return out


def _either(state: str, first: str, given_first: bool, second: str, given_second: bool,
            partial_second: bool) -> None:
    if given_first == (given_second or partial_second) or not (given_first or given_second):
        raise StateError(f"{state} needs either {first}, or {second} (not both)")


@dataclass(frozen=True)
class ThermalQubit(AncillaState):
    """Thermal qubit, H = (omega/2) sigma_z: <sigma_z> = -tanh(beta*omega/2).

    Give ``omega`` and ``beta``, or ``tanh`` = a symbol (or value) standing for
    tanh(beta*omega/2).  Requirements: beta > 0 and finite, omega real, -1 <= tanh <= 1.
    """

    site: Site
    omega: object = None
    beta: object = None
    tanh: object = None
    site_kind = "qubit"

    def __post_init__(self) -> None:
        by_tanh = self.tanh is not None
        some_temp = self.omega is not None or self.beta is not None
        by_temp = self.omega is not None and self.beta is not None
        if by_tanh == some_temp or (not by_tanh and not by_temp):
            raise StateError(
                "ThermalQubit needs either omega and beta, or tanh (a symbol for "
                "tanh(beta*omega/2)), not both"
            )
        self.validate()

    def requirements(self) -> list[Requirement]:
        if self.tanh is not None:
            return [_real_range("tanh", _sym(self.tanh, "tanh"), -1, 1,
                                hint="tanh stands for tanh(beta*omega/2)")]
        return [_real_range("beta", _sym(self.beta, "beta"), 0, low_open=True),
                _real_range("omega", _sym(self.omega, "omega"))]

    @property
    def z_mean(self) -> sympy.Expr:
        if self.tanh is not None:
            return -_sym(self.tanh, "tanh")
        return -sympy.tanh(_sym(self.beta, "beta") * _sym(self.omega, "omega") / 2)

    def local_expectation(self, local: object) -> sympy.Expr:
        return self.z_mean if local == 3 else sympy.Integer(0)

    def populations(self, levels: int | None = None) -> list[sympy.Expr]:
        z = self.z_mean
        return [(1 - z) / 2, (1 + z) / 2]

    def entropy_operator(self) -> Operator:
        """K = (beta omega/2) sigma_z, or atanh(tanh) sigma_z (tanh = +-1: a pure state)."""
        if self.tanh is not None:
            t = _sym(self.tanh, "tanh")
            if _number(t) is not None and abs(_number(t)) >= 1:  # type: ignore[arg-type]
                raise StateError(f"{self.label} is pure (tanh = {t}): -ln rho diverges")
            coefficient = sympy.atanh(t)
        else:
            coefficient = _sym(self.beta, "beta") * _sym(self.omega, "omega") / 2
        return coefficient * monomial_operator(((self.site.name, 3),))


@dataclass(frozen=True)
class ThermalOscillator(AncillaState):
    """Thermal oscillator, H = omega a^dag a: <a^dag^m a^n> = delta_mn m! nbar^m.

    Give ``nbar`` (a symbol or value), or ``omega`` and ``beta`` (nbar = 1/(e^{beta omega}-1)).
    Requirements: nbar >= 0; beta > 0 and omega > 0, both finite.
    """

    site: Site
    nbar: object = None
    omega: object = None
    beta: object = None
    site_kind = "boson"

    def __post_init__(self) -> None:
        by_nbar = self.nbar is not None
        some_temp = self.omega is not None or self.beta is not None
        by_temp = self.omega is not None and self.beta is not None
        if by_nbar == some_temp or (not by_nbar and not by_temp):
            raise StateError("ThermalOscillator needs either nbar, or omega and beta (not both)")
        self.validate()

    def requirements(self) -> list[Requirement]:
        return _thermal_requirements(self.nbar, self.omega, self.beta)

    @property
    def mean_number(self) -> sympy.Expr:
        if self.nbar is not None:
            return _sym(self.nbar, "nbar")
        return 1 / (sympy.exp(_sym(self.beta, "beta") * _sym(self.omega, "omega")) - 1)

    @property
    def beta_omega(self) -> sympy.Expr:
        """beta*omega = ln(1 + 1/nbar)."""
        if self.nbar is not None:
            return sympy.log(1 + 1 / self.mean_number)
        return _sym(self.beta, "beta") * _sym(self.omega, "omega")

    def local_expectation(self, local: object) -> sympy.Expr:
        m, n = local  # type: ignore[misc]
        if m != n:
            return sympy.Integer(0)
        return factorial(m) * self.mean_number**m

    def populations(self, levels: int | None = None) -> list[sympy.Expr]:
        if levels is None:
            raise StateError("a thermal oscillator has infinitely many levels: pass `levels`")
        nb = self.mean_number
        return [nb**k / (1 + nb) ** (k + 1) for k in range(levels)]

    def entropy_operator(self) -> Operator:
        """K = beta omega a^dag a = ln(1 + 1/nbar) a^dag a (nbar = 0: the vacuum, pure)."""
        _refuse_pure_vacuum(self)
        return self.beta_omega * monomial_operator(((self.site.name, (1, 1)),))


def _thermal_requirements(nbar: object, omega: object, beta: object) -> list[Requirement]:
    if nbar is not None:
        return [_real_range("nbar", _sym(nbar, "nbar"), 0)]
    return [_real_range("beta", _sym(beta, "beta"), 0, low_open=True),
            _real_range("omega", _sym(omega, "omega"), 0, low_open=True,
                        hint="an oscillator at omega <= 0 has no thermal state")]


def _refuse_pure_vacuum(state: AncillaState) -> None:
    nbar = getattr(state, "nbar", None)
    if nbar is not None and _sym(nbar, "nbar") == 0:
        raise StateError(f"{state.label} is the vacuum (nbar = 0), a pure state: -ln rho diverges")


@dataclass(frozen=True)
class DiagonalState(AncillaState):
    """Any state diagonal in the local basis, given by its populations p_0, p_1, ...

    A qubit needs two populations; a boson any number (higher Fock levels are empty).
    Requirements: each population real in [0, 1]; their sum exactly 1 (sympy; Python floats are
    read as the exact rationals they denote, so give exact rationals where floats cannot sum to 1).
    """

    site: Site
    probabilities: tuple = field(default=())

    def __post_init__(self) -> None:
        if not isinstance(self.site, Site):
            raise StateError(f"an ancilla state needs a Site, got {self.site!r}")
        given = self.probabilities
        matrix_like = isinstance(given, sympy.MatrixBase) or getattr(given, "ndim", 1) > 1
        rows = isinstance(given, (tuple, list)) and any(isinstance(p, (tuple, list)) for p in given)
        if matrix_like or rows:
            raise StateError(
                f"DiagonalState takes the populations (p0, p1, ...) of site "
                f"{self.site.name!r}, not a matrix: give a density matrix as "
                "DensityMatrixState(site, rho)"
            )
        probs = tuple(_sym(p, "population") for p in given)
        object.__setattr__(self, "probabilities", probs)
        if self.site.kind == "qubit" and len(probs) != 2:
            raise StateError(
                f"a qubit state needs 2 populations (p0, p1), got {len(probs)} for "
                f"site {self.site.name!r}"
            )
        if not probs:
            raise StateError("DiagonalState needs at least one population")
        self.validate()

    def requirements(self) -> list[Requirement]:
        site = self.site.name
        reqs = []
        for k, p in enumerate(self.probabilities):
            # p_k >= 0 and the sum 1 imply p_k <= 1
            req = _real_range(f"p_{k}", p, 0)
            number = _number(p)
            finite_real = number is None or (
                number == number and abs(number) != float("inf")
                and abs(number.imag) <= _tolerance(p))
            reqs.append(dataclasses.replace(req, message=(
                f"population {{value}} of site {site!r} is "
                + ("negative" if finite_real else "not a finite real number")
                + " ({parameter})")))
        reqs.append(_sums_to_one(
            "sum of the populations", sympy.Add(*self.probabilities),
            f"populations of site {site!r} sum to {{value}}, not 1: normalise them"))
        return reqs

    def local_expectation(self, local: object) -> sympy.Expr:
        p = self.probabilities
        if self.site.kind == "qubit":
            return p[1] - p[0] if local == 3 else sympy.Integer(0)
        m, n = local  # type: ignore[misc]
        if m != n:
            return sympy.Integer(0)
        return sympy.Add(*[p[k] * (factorial(k) // factorial(k - m)) for k in range(m, len(p))])

    def populations(self, levels: int | None = None) -> list[sympy.Expr]:
        p = list(self.probabilities)
        if levels is not None:
            if levels < len(p) and any(x != 0 for x in p[levels:]):
                raise StateError(f"{levels} levels cannot hold the populations {p}")
            p = (p + [sympy.Integer(0)] * levels)[:levels]
        return p

    def entropy_operator(self) -> Operator:
        """Qubit: K = (1/2) ln(p0/p1) sigma_z (both populations non-zero)."""
        if self.site.kind != "qubit" or any(p == 0 for p in self.probabilities):
            return super().entropy_operator()
        p0, p1 = self.probabilities
        return sympy.log(p0 / p1) / 2 * monomial_operator(((self.site.name, 3),))


# --- squeezed thermal oscillator -----------------------------------------------------------


def gaussian_moment(m: int, n: int, N: sympy.Expr, M: sympy.Expr,
                    M_conjugate: sympy.Expr) -> sympy.Expr:
    """<a^dag^m a^n> of a zero-mean Gaussian state with <a^dag a> = N, <a a> = M (Wick):

        sum_{k = m, n mod 2} m! n! / (k! j! l! 2^(j + l)) N^k (M^*)^j M^l,
        j = (m - k)/2, l = (n - k)/2,

    the number of ways to pair k a^dag with k a and the rest among themselves."""
    terms = []
    for k in range(min(m, n) + 1):
        if (m - k) % 2 or (n - k) % 2:
            continue
        j, l_ = (m - k) // 2, (n - k) // 2
        count = factorial(m) * factorial(n) // (
            factorial(k) * factorial(j) * factorial(l_) * 2 ** (j + l_)
        )
        terms.append(count * N**k * M_conjugate**j * M**l_)
    return sympy.Add(*terms)


@dataclass(frozen=True)
class SqueezedThermalOscillator(AncillaState):
    """Squeezed thermal oscillator rho = S(xi) rho_th(nbar) S(xi)^dag.

    S(xi) = exp[(xi^* a^2 - xi a^dag^2)/2], xi = r e^{i phi}, so S^dag a S = a cosh r -
    a^dag e^{i phi} sinh r; rho_th(nbar) the thermal state of H = omega a^dag a.  Its moments
    (the papers' N and M; e.g. Manzano et al., PRE 93, 052120 (2016)):

        N = <a^dag a> = nbar cosh(2r) + sinh(r)^2,
        M = <a a>     = -(2 nbar + 1) e^{i phi} sinh(r) cosh(r),

    and every normally ordered moment <a^dag^m a^n> by Wick's theorem
    (:func:`gaussian_moment`; zero for odd m + n).  Build it from ``nbar`` (or ``omega`` and
    ``beta``), ``r`` and ``phi``; or from the moments with :meth:`from_moments` (``N``, ``M``).
    Requirements: nbar >= 0 (beta, omega > 0), r >= 0, phi real; N >= 0 and
    |M|^2 <= N (N + 1) (equality: a pure squeezed vacuum).
    """

    site: Site
    nbar: object = None
    r: object = None
    phi: object = 0
    omega: object = None
    beta: object = None
    N: object = None
    M: object = None
    site_kind = "boson"

    def __post_init__(self) -> None:
        by_moments = self.N is not None or self.M is not None
        by_squeezing = any(x is not None for x in (self.nbar, self.r, self.omega, self.beta))
        if by_moments:
            if by_squeezing or self.N is None or self.M is None:
                raise StateError(
                    "SqueezedThermalOscillator needs either (nbar or omega and beta), r and "
                    "phi; or the moments N and M (not both)"
                )
        else:
            if self.r is None:
                raise StateError("SqueezedThermalOscillator needs the squeezing r (r >= 0)")
            _either("SqueezedThermalOscillator", "nbar", self.nbar is not None,
                    "omega and beta", self.omega is not None and self.beta is not None,
                    self.omega is not None or self.beta is not None)
        self.validate()

    @classmethod
    def from_moments(cls, site: Site, N: object = None, M: object = None
                     ) -> SqueezedThermalOscillator:
        """The state with <a^dag a> = N and <a a> = M, as the papers write it.  Without
        values, N and M are symbols named after the site (``N_b``, ``M_b``; N nonnegative,
        M complex), printed as N_{b}, M_{b} and M^*_{b}."""
        if N is None:
            N = sympy.Symbol(f"N_{site.name}", nonnegative=True)
        if M is None:
            M = sympy.Symbol(f"M_{site.name}")
        if isinstance(M, sympy.Symbol):
            allow_complex(M)  # <b b> is complex: numeric values of M may be
        return cls(site, N=N, M=M, phi=None)

    def in_moment_symbols(self) -> tuple[SqueezedThermalOscillator, dict[sympy.Symbol, object]]:
        """The same state written with the papers' symbols N_b, M_b (see :meth:`from_moments`),
        and their values {N_b: N, M_b: M}: derive with the first (results print in N and M),
        substitute the values for numbers."""
        symbolic = SqueezedThermalOscillator.from_moments(self.site)
        return symbolic, {symbolic.N: self.mean_number, symbolic.M: self.squeezing_moment}

    # requirements -----------------------------------------------------------------------------
    def requirements(self) -> list[Requirement]:
        if self.N is not None:
            N, M = _sym(self.N, "N"), _sym(self.M, "M")
            bound = Requirement(
                "|M|^2", sympy.Abs(M) ** 2, f"|M|^2 <= N (N + 1) = {N * (N + 1)}",
                lambda v: _outside(None, 0)(sympy.sympify(v) - N * (N + 1)),
                "a squeezed thermal state has |<a a>|^2 <= <a^dag a>(<a^dag a> + 1)",
                bounds=(None, 0, False, False), bounded=sympy.Abs(M) ** 2 - N * (N + 1),
            )
            return [_real_range("N", N, 0), Requirement("M", M, "M finite", _not_finite), bound]
        reqs = _thermal_requirements(self.nbar, self.omega, self.beta)
        reqs.append(_real_range("r", _sym(self.r, "r"), 0,
                                hint="use r >= 0 and put the sign into the phase phi"))
        reqs.append(_real_range("phi", _sym(self.phi, "phi")))
        return reqs

    # moments ----------------------------------------------------------------------------------
    @property
    def thermal_number(self) -> sympy.Expr:
        """nbar of the thermal state before squeezing (from N, M: sqrt((N+1/2)^2-|M|^2)-1/2)."""
        if self.N is not None:
            N, M = _sym(self.N, "N"), _sym(self.M, "M")
            return sympy.sqrt((N + sympy.Rational(1, 2)) ** 2 - M * sympy.conjugate(M)) - \
                sympy.Rational(1, 2)
        if self.nbar is not None:
            return _sym(self.nbar, "nbar")
        return 1 / (sympy.exp(_sym(self.beta, "beta") * _sym(self.omega, "omega")) - 1)

    @property
    def mean_number(self) -> sympy.Expr:
        """N = <a^dag a>."""
        if self.N is not None:
            return _sym(self.N, "N")
        n, r = self.thermal_number, _sym(self.r, "r")
        return n * sympy.cosh(2 * r) + sympy.sinh(r) ** 2

    @property
    def squeezing_moment(self) -> sympy.Expr:
        """M = <a a>."""
        if self.M is not None:
            return _sym(self.M, "M")
        n, r, phi = self.thermal_number, _sym(self.r, "r"), _sym(self.phi, "phi")
        return -(2 * n + 1) * sympy.exp(sympy.I * phi) * sympy.sinh(r) * sympy.cosh(r)

    @property
    def squeezing_moment_conjugate(self) -> sympy.Expr:
        """M^* = <a^dag a^dag> (nbar, r, phi real)."""
        if self.M is not None:
            return sympy.conjugate(_sym(self.M, "M"))
        n, r, phi = self.thermal_number, _sym(self.r, "r"), _sym(self.phi, "phi")
        return -(2 * n + 1) * sympy.exp(-sympy.I * phi) * sympy.sinh(r) * sympy.cosh(r)

    def local_expectation(self, local: object) -> sympy.Expr:
        m, n = local  # type: ignore[misc]
        return gaussian_moment(m, n, self.mean_number, self.squeezing_moment,
                               self.squeezing_moment_conjugate)

    def entropy_operator(self) -> Operator:
        """K = -ln rho = beta omega S a^dag a S^dag (up to a constant), beta omega = ln(1+1/nbar):

            K = beta omega [cosh(2r) a^dag a + (sinh(2r)/2)(e^{i phi} a^dag^2 + e^{-i phi} a^2)]
              = lambda [(N + 1/2) a^dag a - (M a^dag^2 + M^* a^2)/2],
            lambda = ln(1 + 1/nbar)/(nbar + 1/2)   (the form in N and M).
        """
        name = self.site.name
        number = monomial_operator(((name, (1, 1)),))
        create2 = monomial_operator(((name, (2, 0)),))
        destroy2 = monomial_operator(((name, (0, 2)),))
        if self.N is not None:
            n = self.thermal_number
            if _number(n) is not None and abs(_number(n)) < FLOAT_TOLERANCE:  # type: ignore
                raise StateError(f"{self.label} is pure (|M|^2 = N (N + 1)): -ln rho diverges")
            lam = sympy.log(1 + 1 / n) / (n + sympy.Rational(1, 2))
            half = sympy.Rational(1, 2)
            return lam * ((self.mean_number + half) * number
                          - half * (self.squeezing_moment * create2
                                    + self.squeezing_moment_conjugate * destroy2))
        _refuse_pure_vacuum(self)
        bw = (sympy.log(1 + 1 / self.thermal_number) if self.nbar is not None
              else _sym(self.beta, "beta") * _sym(self.omega, "omega"))
        r, phi = _sym(self.r, "r"), _sym(self.phi, "phi")
        return bw * (sympy.cosh(2 * r) * number + sympy.sinh(2 * r) / 2 * (
            sympy.exp(sympy.I * phi) * create2 + sympy.exp(-sympy.I * phi) * destroy2))


def _not_finite(value: object) -> bool:
    number = _number(sympy.sympify(value))
    return number is not None and (number != number or abs(number) == float("inf"))


# --- any density matrix ----------------------------------------------------------------------


def _as_matrix(rho: object) -> sympy.ImmutableMatrix:
    """A sympy matrix from a sympy/numpy matrix or a tuple (list) of rows; floats exact."""
    if hasattr(rho, "tolist") and not isinstance(rho, sympy.MatrixBase):
        rho = rho.tolist()  # numpy arrays
    if isinstance(rho, sympy.MatrixBase):
        rows = rho.tolist()
    elif isinstance(rho, (tuple, list)) and all(isinstance(r, (tuple, list)) for r in rho):
        rows = [list(r) for r in rho]
    else:
        raise StateError(
            f"a density matrix must be a sympy Matrix or a tuple of rows, got {rho!r}"
        )
    if not rows or any(len(r) != len(rows) for r in rows):
        raise StateError(
            f"a density matrix must be square (d rows of d entries), got rows of lengths "
            f"{[len(r) for r in rows]}"
        )
    return sympy.ImmutableMatrix(
        [[_entry(x, f"entry ({i}, {j})") for j, x in enumerate(row)]
         for i, row in enumerate(rows)]
    )


def _entry(x: object, what: str) -> sympy.Expr:
    """A density-matrix entry: floats (Python, numpy, complex) become sympy Floats, so that the
    checks allow them the float tolerance; everything else as :func:`_sym`."""
    if isinstance(x, bool):
        return _sym(x, what)
    if isinstance(x, (float, complex)) or type(x).__name__ in (
        "float64", "float32", "complex128", "complex64"
    ):
        c = complex(x)  # type: ignore[arg-type]
        if not (np_isfinite(c.real) and np_isfinite(c.imag)):
            raise StateError(f"{what} = {x} is not finite")
        real = sympy.Float(c.real, 17)
        return real if c.imag == 0 else real + sympy.I * sympy.Float(c.imag, 17)
    return _sym(x, what)


def np_isfinite(x: float) -> bool:
    return x == x and x not in (float("inf"), float("-inf"))


def _local_matrix(site: Site, local: object, levels: int) -> sympy.Matrix:
    """Exact matrix of a local operator: Pauli (sigma_z = diag(-1, 1), sigma_y = [[0, i],
    [-i, 0]], DESIGN.md s. 2) or a^dag^m a^n on the first ``levels`` Fock states (exact on a
    state supported there: a^n lowers first, so nothing is lost above the support)."""
    if site.kind == "qubit":
        i = sympy.I
        return {
            1: sympy.Matrix([[0, 1], [1, 0]]),
            2: sympy.Matrix([[0, i], [-i, 0]]),
            3: sympy.Matrix([[-1, 0], [0, 1]]),
        }[local]  # type: ignore[index]
    m, n = local  # type: ignore[misc]
    a = sympy.zeros(levels, levels)
    for k in range(1, levels):
        a[k - 1, k] = sympy.sqrt(k)
    return (a.T ** m) * (a ** n)


@dataclass(frozen=True)
class DensityMatrixState(AncillaState):
    """Any density matrix of an ancilla: one qubit, one oscillator (Fock basis |0>..|d-1>,
    higher levels empty), or several sites in a correlated cluster (qubits and at most one
    oscillator; tensor order = the order of ``sites``, first site = leftmost factor).

    ``rho``: a sympy Matrix (symbolic entries allowed), numpy array or tuple of rows.  Qubit
    basis |0> (ground), |1> (excited) as in DESIGN.md s. 2.  Moments <X> = Tr(rho X).
    Requirements: Hermitian and unit trace (exactly, or within 1e-12 for floating entries, which
    are then made exactly Hermitian, (rho + rho^dag)/2; symbols as far as sympy decides), and
    positive semidefinite when the entries are numbers.  Complex entries with symbols: write
    them with real symbols (``(x + I*y)/2``); the algebra treats parameters as real.
    """

    sites: tuple = ()
    rho: object = None

    def __post_init__(self) -> None:
        sites = self.sites
        if isinstance(sites, Site):
            sites = (sites,)
        sites = tuple(sites)
        object.__setattr__(self, "sites", sites)
        if not sites:
            raise StateError("DensityMatrixState needs its site (or sites)")
        for s in sites:
            if not isinstance(s, Site):
                raise StateError(f"an ancilla state needs a Site, got {s!r}")
        if len({s.name for s in sites}) != len(sites):
            raise StateError(f"DensityMatrixState: a site appears twice in {sites}")
        if self.rho is None:
            raise StateError(f"{self.label} needs its density matrix rho")
        rho = _as_matrix(self.rho)
        object.__setattr__(self, "rho", rho)
        inexact = rho.has(sympy.Float)
        bosons = [s for s in sites if s.kind == "boson"]
        qubit_dim = 2 ** (len(sites) - len(bosons))
        if len(bosons) > 1:
            raise StateError(
                f"{self.label}: at most one oscillator per density matrix (its Fock "
                "dimension is read from the matrix size); give one state per oscillator"
            )
        if rho.rows % qubit_dim or (not bosons and rho.rows != qubit_dim):
            raise StateError(
                f"{self.label}: a {rho.rows}x{rho.rows} matrix does not fit sites "
                f"{[repr(s) for s in sites]} (qubits need dimension {qubit_dim}"
                f"{' times the Fock levels' if bosons else ''})"
            )
        self.validate()
        if inexact:  # checked within the float tolerance: now make it exactly Hermitian
            object.__setattr__(self, "rho", sympy.ImmutableMatrix((rho + rho.H) / 2))

    @property
    def dimensions(self) -> tuple[int, ...]:
        qubit_dim = 2 ** sum(1 for s in self.sites if s.kind == "qubit")
        return tuple(2 if s.kind == "qubit" else self.rho.rows // qubit_dim  # type: ignore
                     for s in self.sites)

    def requirements(self) -> list[Requirement]:
        rho: sympy.ImmutableMatrix = self.rho  # type: ignore[assignment]
        diff = rho - rho.H
        return [
            Requirement("rho - rho^dag", diff, "rho Hermitian (rho = rho^dag)",
                        lambda d: any(_is_nonzero(e) for e in d)),
            _sums_to_one("Tr rho", rho.trace()),
            Requirement("smallest eigenvalue", rho, "rho positive semidefinite "
                        "(every eigenvalue >= 0)", _negative_eigenvalue,
                        "a density matrix has no negative eigenvalue",
                        array_check=lambda values: _negative_eigenvalue_at(rho, values)),
        ]

    @property
    def label(self) -> str:
        names = ", ".join(repr(s.name) for s in self.sites) if self.sites else "?"
        return f"DensityMatrixState of site{'s' if len(self.sites) > 1 else ''} {names}"

    def moment(self, locals_: tuple[tuple[str, object], ...]) -> sympy.Expr:
        given = dict(locals_)
        x = sympy.ones(1, 1)
        for s, d in zip(self.sites, self.dimensions, strict=True):
            loc = given.get(s.name)
            x = sympy.kronecker_product(x, sympy.eye(d) if loc is None
                                        else _local_matrix(s, loc, d))
        rho = self.rho
        return sympy.expand(sympy.Add(*[
            rho[i, j] * x[j, i]  # type: ignore[index]
            for i in range(rho.rows) for j in range(rho.rows)  # type: ignore[union-attr]
            if x[j, i] != 0
        ]))

    def local_expectation(self, local: object) -> sympy.Expr:
        return self.moment(((self.sites[0].name, local),))

    def populations(self, levels: int | None = None) -> list[sympy.Expr]:
        p = [self.rho[k, k] for k in range(self.rho.rows)]  # type: ignore[index]
        if levels is not None and len(self.sites) == 1:
            if levels < len(p) and any(x != 0 for x in p[levels:]):
                raise StateError(f"{levels} levels cannot hold the populations {p}")
            p = (p + [sympy.Integer(0)] * levels)[:levels]
        return p

    def entropy_operator(self) -> Operator:
        """One qubit with Bloch vector v = (<sigma_x>, <sigma_y>, <sigma_z>), |v| < 1:
        K = -ln rho = -(atanh|v|/|v|) v.sigma (up to a constant; K = 0 for |v| = 0)."""
        if len(self.sites) != 1 or self.sites[0].kind != "qubit":
            return super().entropy_operator()
        name = self.sites[0].name
        v = [self.local_expectation(k) for k in (1, 2, 3)]
        length = sympy.sqrt(sum(sympy.expand(c * sympy.conjugate(c)) for c in v))
        number = _number(length)
        if number is not None and abs(number.real - 1) < FLOAT_TOLERANCE:
            raise StateError(f"{self.label} is pure (|Bloch vector| = 1): -ln rho diverges")
        if number is not None and abs(number) == 0:
            return Operator()
        factor = -sympy.atanh(length) / length
        return sum((factor * c * monomial_operator(((name, k),))
                    for k, c in zip((1, 2, 3), v, strict=True)), Operator())


def _negative_eigenvalue_at(rho: sympy.ImmutableMatrix, values: Mapping[str, object]
                            ) -> tuple | None:
    """(point, smallest eigenvalue) of the first point where rho is not positive."""
    import numpy as np

    free = rho.free_symbols
    if not free or any(str(x) not in values for x in free):
        return None
    shape = np.broadcast_shapes(*[np.shape(values[str(x)]) for x in free])
    d = rho.rows
    m = np.empty((*shape, d, d), dtype=complex)
    for i in range(d):
        for j in range(d):
            e = rho[i, j]
            m[..., i, j] = _lambdified(e, values) if e.free_symbols else complex(e)
    lam = np.linalg.eigvalsh((m + np.conj(np.swapaxes(m, -1, -2))) / 2)[..., 0]
    bad = lam < -FLOAT_TOLERANCE
    if not bad.any():
        return None
    index = np.unravel_index(int(np.flatnonzero(bad)[0]), bad.shape)
    return tuple(int(i) for i in index), f"{lam[index]:.3g}"


def _negative_eigenvalue(rho: object) -> bool:
    values = [_number(e) for e in rho]  # type: ignore[union-attr]
    if any(v is None for v in values):
        return False  # symbolic entries: positivity is not decided
    import numpy as np

    d = rho.rows  # type: ignore[union-attr]
    m = np.array(values, dtype=complex).reshape(d, d)
    lam = np.linalg.eigvalsh((m + m.conj().T) / 2)
    return bool(lam[0] < -FLOAT_TOLERANCE)


# --- a cluster: product of states ------------------------------------------------------------


@dataclass(frozen=True)
class ProductState(AncillaState):
    """A cluster of ancilla sites met in one collision, in the product of ``states``:
    rho_R = rho_1 (x) rho_2 (x) ...; moments factorise.  The same as giving the states to a
    bath one by one; useful where one object must stand for the whole cluster."""

    states: tuple = ()

    def __post_init__(self) -> None:
        states = tuple(self.states)
        object.__setattr__(self, "states", states)
        if not states:
            raise StateError("ProductState needs at least one state")
        for st in states:
            if not isinstance(st, AncillaState):
                raise StateError(f"ProductState: expected ancilla states, got {st!r}")
        names = [n for st in states for n in st.site_names]
        if len(set(names)) != len(names):
            raise StateError(f"ProductState: a site has two states among {names}")
        self.validate()

    @property
    def sites(self) -> tuple[Site, ...]:
        return tuple(s for st in self.states for s in st.sites)

    def moment(self, locals_: tuple[tuple[str, object], ...]) -> sympy.Expr:
        owner = {n: st for st in self.states for n in st.site_names}
        return _product_moment(locals_, owner)

    def entropy_operator(self) -> Operator:
        """K = sum of the states' K (ln of a product is the sum of the logarithms)."""
        return sum((st.entropy_operator() for st in self.states), Operator())

    def subs(self, mapping: Mapping[object, object]) -> AncillaState:
        return ProductState(tuple(st.subs(mapping) for st in self.states))


def _product_moment(locals_: Sequence[tuple[str, object]],
                    owner: Mapping[str, AncillaState]) -> sympy.Expr:
    grouped: dict[int, tuple[AncillaState, list]] = {}
    for name, loc in locals_:
        st = owner[name]
        grouped.setdefault(id(st), (st, []))[1].append((name, loc))
    return sympy.Mul(*[st.moment(tuple(parts)) for st, parts in grouped.values()])


# --- the partial trace ----------------------------------------------------------------------


def _state_map(states: Iterable[AncillaState] | AncillaState) -> dict[str, AncillaState]:
    if isinstance(states, AncillaState):
        states = [states]
    out: dict[str, AncillaState] = {}
    for st in states:
        if not isinstance(st, AncillaState):
            raise StateError(f"expected ancilla states (ThermalQubit, ...), got {st!r}")
        for s in st.sites:
            if s.name in out:
                raise StateError(f"two states given for ancilla site {s.name!r}")
            out[s.name] = st
    return out


def _site_kinds(smap: Mapping[str, AncillaState]) -> dict[str, str]:
    return {s.name: s.kind for st in smap.values() for s in st.sites}


def partial_trace(op: Operator, states: Iterable[AncillaState] | AncillaState) -> Operator:
    """Tr_R[(1 (x) rho_R) op]: the operator on the remaining sites (exact)."""
    smap = _state_map(states)
    kinds = _site_kinds(smap)
    cache: dict[tuple, dict] = {}
    out: dict = {}
    for (om, cm), r in op.raw_items():
        sys_part = tuple(p for p in om if p[0] not in smap)
        anc_part = tuple(p for p in om if p[0] in smap)
        factor = cache.get(anc_part)
        if factor is None:
            for s, loc in anc_part:
                if isinstance(loc, tuple) != (kinds[s] == "boson"):
                    used = "boson" if isinstance(loc, tuple) else "qubit"
                    raise StateError(
                        f"operator acts on {s!r} as a {used} but its state is for a {kinds[s]}"
                    )
            factor = to_scalar(_product_moment(anc_part, smap)) if anc_part else {(0,): 1}
            cache[anc_part] = factor
        for cm2, r2 in factor.items():
            sign, cm3 = cmono_mul(cm, cm2)
            key = (sys_part, cm3)
            v = out.get(key, 0) + sign * r * r2
            if v == 0:
                out.pop(key, None)
            else:
                out[key] = v
    return Operator(out)


def trace_out(op: Operator, states: Iterable[AncillaState] | AncillaState) -> sympy.Expr:
    """Tr[(rho_S (x) rho_R) op] as a sympy expression in parameters and system expectations.

    One :class:`Expectation` symbol per canonical system monomial; terms in monomial order.
    """
    reduced = partial_trace(op, states)
    grouped: dict[tuple, dict] = {}
    for (om, cm), r in reduced.raw_items():
        grouped.setdefault(om, {})[cm] = r
    # built with the fast constructors of .algebra.coefficients (same expression as
    # sum(coefficient * Expectation), without re-flattening every product)
    terms: list[sympy.Expr] = []
    number: sympy.Expr = sympy.S.Zero
    slow: list[sympy.Expr] = []
    for mono in sorted(grouped, key=monomial_sort_key):
        scalar = grouped[mono]
        if not mono:
            number, rest = scalar_to_sympy(scalar).as_coeff_Add()
            terms.extend(sympy.Add.make_args(rest) if rest != 0 else ())
            continue
        symbol = Expectation(mono)
        if len(scalar) == 1:
            ((cm, r),) = scalar.items()
            factors = cmono_factors(cm) if not (len(cm) == 1 and not cm[0]) else ()
            if factors is not None:
                args = [*factors, symbol]
                sort_factors(args)
                terms.append(fast_mul(r, args))
                continue
        coeff = scalar_to_sympy(scalar)
        if coeff.is_Add:
            args = [coeff, symbol]
            sort_factors(args)
            terms.append(sympy.Mul._from_args(tuple(args)))
        else:
            slow.append(coeff * symbol)
    if not number.is_Rational:
        slow.append(number)
        number = sympy.S.Zero
    if slow:
        return sympy.Add(number, *terms, *slow)
    return fast_add(terms, Fraction(int(number.p), int(number.q)))


def bath_mean(coupling: Operator, states: Iterable[AncillaState] | AncillaState) -> Operator:
    """Tr_R(rho_R V): the bath mean of a coupling, an operator on the system.

    A collision model needs it to vanish; otherwise the V/sqrt(tau) scaling diverges as tau -> 0.
    """
    return partial_trace(coupling, states)


def entropy_operator(states: Iterable[AncillaState] | AncillaState) -> Operator:
    """K = -ln rho_R of a product of states: the sum of their entropy operators."""
    smap = _state_map(states)
    unique = {id(st): st for st in smap.values()}
    return sum((st.entropy_operator() for st in unique.values()), Operator())


def effective_beta(states: Iterable[AncillaState] | AncillaState,
                   hamiltonian: Operator) -> sympy.Expr | None:
    """The inverse temperature beta with rho_R = exp(-beta H_R)/Z, if there is one: then
    K = -ln rho_R = beta H_R + const.  None if rho_R is not a Gibbs state of ``hamiltonian``
    (squeezed, coherent in the energy basis, ...) or has no closed-form K."""
    try:
        k = entropy_operator(states)
    except StateError:
        return None
    k0 = k - Operator.scalar(k.scalar_part())
    h0 = hamiltonian - Operator.scalar(hamiltonian.scalar_part())
    if not h0:
        return None
    mono, coefficient = next(iter(h0.terms.items()))
    beta = sympy.cancel(k0.coefficient(mono) / coefficient)
    return beta if k0 == beta * h0 else None


__all__ = [
    "FLOAT_TOLERANCE",
    "AncillaState",
    "DensityMatrixState",
    "DiagonalState",
    "ProductState",
    "Requirement",
    "SqueezedThermalOscillator",
    "ThermalOscillator",
    "ThermalQubit",
    "bath_mean",
    "check_values",
    "effective_beta",
    "entropy_operator",
    "gaussian_moment",
    "partial_trace",
    "trace_out",
]
