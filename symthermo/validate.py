"""Validation of the values that enter symthermo from outside: one check per kind of input.

Every public boundary that receives numbers or choices calls these functions once, where the
input enters; everything downstream may then assume clean input.  Each failure raises a
:class:`~symthermo.errors.SymthermoError` subclass whose message names the parameter, the
value received, the allowed range and how to fix it (the command line prints it on one line).

* :func:`real_number` / :func:`real_values` -- a parameter value substituted into a derived
  expression: a real, finite number (Python, numpy or sympy number; a 0-d array); refused are
  None, strings, booleans, complex numbers with a non-zero imaginary part, NaN, +-inf and
  arrays where a scalar is expected;
* :func:`validate_parameter_values` -- a whole ``{symbol or name: value}`` mapping, scalars
  (single points) or real finite arrays (sweeps), with the required names present;
* :func:`positive_finite` -- tolerances, durations and limits (> 0, finite);
* :func:`choice` -- an option that must be one of a few strings (a typo is never a default);
* :func:`estimate_bytes` -- refuse an allocation that cannot fit in memory before making it.
"""

from __future__ import annotations

import numbers
import os
from collections.abc import Iterable, Mapping
from fractions import Fraction

import numpy as np
import sympy

from .errors import ParameterError, SymthermoError

__all__ = [
    "MEMORY_LIMIT_BYTES",
    "choice",
    "estimate_bytes",
    "positive_finite",
    "real_number",
    "real_values",
    "validate_parameter_values",
]

def _physical_memory() -> int | None:
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, OSError, ValueError):
        return None


#: Largest single allocation symthermo attempts for a user request (grids, Liouvillians,
#: matrices): half the machine's physical memory (8 GiB where that is unknown); larger
#: requests are refused with a message before anything is allocated.
MEMORY_LIMIT_BYTES = (_physical_memory() or 16 * 2**30) // 2


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def real_number(
    name: str, value: object, *, what: str = "parameter",
    error: type[ParameterError] = ParameterError,
) -> float:
    """``value`` as a Python float, refusing anything that is not one real, finite number."""
    where = f"{what} {name!r}"
    if value is None:
        raise error(
            f"{where} has no value (None): give a real, finite number", name
        )
    if isinstance(value, (bool, np.bool_)):
        raise error(f"{where} = {value!r} is a boolean, not a number", name)
    if isinstance(value, (str, bytes)):
        raise error(
            f"{where} = {_shown(value)} is a string: give a number (e.g. 0.5), not text", name
        )
    if isinstance(value, np.ndarray):
        if value.ndim != 0:
            raise error(
                f"{where} must be a single number, got an array of shape {value.shape}: "
                "sweep over values with a batched routine (LiouvillianBuilder, run_sweep)",
                name,
            )
        value = value[()]
    if isinstance(value, sympy.Basic):
        if not isinstance(value, sympy.Expr) or not value.is_number:
            raise error(
                f"{where} = {_shown(value)} is not a number (free symbols "
                f"{sorted(map(str, value.free_symbols))}): substitute numbers", name
            )
        try:
            value = complex(value.evalf())
        except (TypeError, ValueError) as exc:
            raise error(f"{where} = {_shown(value)} is not a finite number", name) from exc
    elif isinstance(value, (list, tuple, set, dict)):
        raise error(
            f"{where} must be a single number, got a {type(value).__name__}", name
        )
    elif not isinstance(value, (numbers.Number, Fraction)):
        raise error(
            f"{where} = {_shown(value)} of type {type(value).__name__} is not a number", name
        )
    try:
        z = complex(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError) as exc:
        raise error(f"{where} = {_shown(value)} is not a finite number", name) from exc
    if z.imag != 0:
        if np.isnan(z.imag) or np.isnan(z.real):
            raise error(f"{where} is NaN: give a real, finite number", name)
        raise error(
            f"{where} = {_shown(value)} is complex; parameters are real (hbar = k_B = 1, "
            "real couplings and frequencies): give its real value", name
        )
    x = z.real
    if np.isnan(x):
        raise error(f"{where} is NaN: give a real, finite number", name)
    if np.isinf(x):
        raise error(
            f"{where} = {x} is not finite (overflow?): give a real, finite number", name
        )
    return float(x)


def real_values(
    name: str, value: object, *, what: str = "parameter",
    error: type[ParameterError] = ParameterError,
) -> np.ndarray:
    """``value`` as a float64 array (any shape), every entry real and finite."""
    if value is None:
        raise error(f"{what} {name!r} has no value (None): give numbers", name)
    if isinstance(value, np.ndarray) and value.dtype.kind in "fiu":
        a = np.asarray(value, dtype=float)
    elif isinstance(value, np.ndarray) and value.dtype.kind == "c":
        if np.any(value.imag != 0):
            raise error(
                f"{what} {name!r} has complex values; parameters are real: pass real arrays",
                name,
            )
        a = np.asarray(value.real, dtype=float)
    elif isinstance(value, (np.ndarray, list, tuple)):
        flat = np.asarray(value, dtype=object).reshape(-1)
        entries = [real_number(name, v, what=what, error=error) for v in flat]
        a = np.array(entries, dtype=float).reshape(np.shape(np.asarray(value, dtype=object)))
    else:
        return np.asarray(real_number(name, value, what=what, error=error))
    bad = ~np.isfinite(a)
    if np.any(bad):
        i = int(np.flatnonzero(bad.reshape(-1))[0])
        raise error(
            f"{what} {name!r} has {int(bad.sum())} non-finite value(s) (first: "
            f"{a.reshape(-1)[i]} at flat index {i}): give real, finite numbers", name
        )
    return a


#: names of parameters that are complex by definition (a squeezed bath's M = <b b>),
#: registered by the objects that introduce them (:func:`allow_complex`); all others are real
_COMPLEX_PARAMETERS: set[str] = set()


def allow_complex(symbol: object) -> None:
    """Declare the parameter ``symbol`` complex-valued: its numeric values may be complex
    (still finite).  Only for quantities whose conjugate the algebra tracks explicitly."""
    _COMPLEX_PARAMETERS.add(str(symbol))


def complex_number(name: str, value: object, *, what: str = "parameter") -> complex:
    """``value`` as a finite Python complex (for parameters declared by :func:`allow_complex`)."""
    try:
        z = complex(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"{what} {name!r} = {_shown(value)} is not a finite number",
                             name) from exc
    if not (np.isfinite(z.real) and np.isfinite(z.imag)):
        raise ParameterError(f"{what} {name!r} = {_shown(value)} is not finite", name)
    return z


def validate_parameter_values(
    values: Mapping[object, object] | None,
    required: Iterable[object] = (),
    *,
    arrays: bool = False,
    what: str = "parameter",
) -> dict:
    """Check a ``{symbol or name: value}`` mapping of parameter values; return a clean copy.

    Keys keep their type (sympy symbols or names); values become floats (``arrays=False``) or
    float64 arrays (``arrays=True``, for sweeps; the arrays are not broadcast here).  Sympy
    numbers are kept exact when ``arrays=False`` (after checking them).  Every name in
    ``required`` must be present (a missing one is named, with the names that were given).
    """
    if values is None:
        values = {}
    if not isinstance(values, Mapping):
        raise ParameterError(
            f"{what} values must be a mapping {{symbol or name: value}}, got "
            f"{type(values).__name__}"
        )
    out: dict = {}
    for key, value in values.items():
        if not isinstance(key, (str, sympy.Symbol, sympy.Indexed)):
            raise ParameterError(
                f"{what} key {_shown(key)} is neither a name nor a sympy Symbol (or an indexed "
                "parameter such as g[1])"
            )
        name = str(key)
        if arrays:
            out[key] = real_values(name, value, what=what)
        elif name in _COMPLEX_PARAMETERS and not isinstance(value, sympy.Basic):
            out[key] = complex_number(name, value, what=what)
        elif isinstance(value, sympy.Basic) and isinstance(value, sympy.Expr) and \
                value.is_number:
            real_number(name, value, what=what)
            out[key] = value
        else:
            out[key] = real_number(name, value, what=what)
    given = {str(k) for k in out}
    missing = sorted({str(r) for r in required} - given)
    if missing:
        raise ParameterError(
            f"no value for {what}s {missing}: give them (the values given are for "
            f"{sorted(given) or 'nothing'})", missing[0]
        )
    return out


def positive_finite(
    name: str, value: object, *, allow_none: bool = False,
    error: type[ParameterError] = ParameterError,
) -> float | None:
    """A tolerance, duration or limit: a real number > 0 and finite (or None if allowed)."""
    if value is None and allow_none:
        return None
    x = real_number(name, value, what="option", error=error)
    if not x > 0:
        raise error(
            f"option {name!r} = {x!r} must be positive and finite", name
        )
    return x


def choice(
    name: str,
    value: object,
    allowed: Iterable[str],
    error: type[SymthermoError] = ParameterError,
    *,
    where: str = "",
) -> str:
    """``value`` if it is one of ``allowed`` (exact match), else a clear error of type ``error``.

    ``where`` prefixes the message (e.g. ``"bath 'R': "``).
    """
    options = tuple(allowed)
    if isinstance(value, str) and value in options:
        return value
    hint = ""
    if isinstance(value, str):
        close = [o for o in options if o.lower() == value.strip().lower()]
        if close:
            hint = f" (did you mean {close[0]!r}?)"
    raise error(
        f"{where}{name} {_shown(value)} is unknown{hint}: {name} must be one of "
        f"{', '.join(map(repr, options))}"
    )


def estimate_bytes(what: str, count: float, itemsize: int, limit: int | None = None) -> None:
    """Refuse a request for ``count`` items of ``itemsize`` bytes above the memory limit."""
    limit = MEMORY_LIMIT_BYTES if limit is None else limit
    need = float(count) * itemsize
    if not need <= limit:
        raise ParameterError(
            f"{what} needs about {need / 2**30:.3g} GiB (limit {limit / 2**30:.3g} GiB): "
            "use fewer points, a smaller cutoff or smaller chunks"
        )
