"""A paper (or a user's own model) as a declaration, and the Derivation the framework makes of it.

A declaration is a Python module.  Every name is optional except the models:

``MODELS`` (or ``build_models()``)
    ``{variant: CollisionModel}``;
``PARAMETERS`` (or ``build_parameters()``)
    ``{variant: {Symbol: default value}}`` (for ``steady``, ``sweep``, ``check``);
``TITLE``, ``NAME``, ``SOURCES``, ``NOTES``
    report header and notes (``NAME`` defaults to the file's stem);
``checks()`` (or ``CHECKS``)
    the printed equations as :class:`~symthermo.papers.records.Check` records; the framework
    compares every one itself (:func:`decide`);
``statements()`` (or ``STATEMENTS``)
    :class:`~symthermo.papers.records.Statement` records;
``quantities()``
    :class:`symthermo.emit.Quantity` objects for LaTeX and kernels (default:
    :func:`standard_quantities`, every current of every variant); ``KERNEL_SITES``;
``figures()``
    :class:`~symthermo.papers.figures.Figure` records (or a module ``figures/<stem>.py``
    next to the declaration with a ``figures()`` function);
``build()``
    a whole :class:`~symthermo.papers.records.Derivation`, for papers that need full control;
    its checks are still compared by the framework.

:func:`derivation_of` turns a module into a decided Derivation.  A module with ``MODELS``
only gives the standard report: the currents of every variant (local, non-local, total),
their LaTeX and kernels, and the Lindblad form of each model in the notes.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import ModuleType
from typing import Any

import sympy

from ..errors import SymthermoError
from .compare import compare
from .records import DECIDED, Derivation


class DeclarationError(SymthermoError):
    """A derivation module lacks what a command needs (e.g. no MODELS)."""


def module_name(module: ModuleType) -> str:
    """The paper's name: ``NAME`` or the module's last dotted component."""
    return str(getattr(module, "NAME", module.__name__.rsplit(".", 1)[-1]))


def _value(module: ModuleType, constant: str, function: str, default: Any = None) -> Any:
    """The module's constant, else the result of its function, else ``default``."""
    if hasattr(module, constant):
        return getattr(module, constant)
    if callable(getattr(module, function, None)):
        return getattr(module, function)()
    return default


def models_of(module: ModuleType) -> dict:
    """``{variant: model}`` of a declaration (MODELS / build_models(); else build())."""
    models = _value(module, "MODELS", "build_models")
    if models is None:
        if hasattr(module, "build"):
            return dict(_built(module).models)
        raise DeclarationError(
            f"{module_name(module)!r} declares no models: define MODELS = {{'name': model}} "
            "(and optionally PARAMETERS = {'name': {symbol: value}})"
        )
    if not isinstance(models, Mapping) or not models:
        raise DeclarationError(
            f"{module_name(module)!r}: MODELS must be a non-empty dict {{variant: CollisionModel}}"
        )
    return dict(models)


def parameters_of(module: ModuleType) -> dict:
    """``{variant: {Symbol: value}}`` of a declaration (PARAMETERS / build_parameters())."""
    params = _value(module, "PARAMETERS", "build_parameters")
    if params is None and not hasattr(module, "MODELS") and hasattr(module, "build"):
        return dict(_built(module).parameters)
    return dict(params or {})


def title_of(module: ModuleType) -> str:
    return str(getattr(module, "TITLE", module_name(module)))


_PART_SCRIPT = {"local": "loc", "nonlocal": "non-loc", "total": None}
_PART_WORD = {"local": "local ", "nonlocal": "non-local ", "total": ""}


def standard_quantities(models: Mapping) -> list:
    """Every current of every variant as :class:`symthermo.emit.Quantity` objects.

    Names ``<variant>_heat_<bath>_<part>``, ``<variant>_work_<part>`` and
    ``<variant>_energy_rate``; the variant prefix is dropped when there is one variant.
    """
    from ..emit import Quantity, current_symbol
    from ..thermo import PARTS, energy_rate, heat_current, work_current

    out = []
    for variant, model in models.items():
        prefix = "" if len(models) == 1 else f"{variant}_"
        where = "" if len(models) == 1 else f", model {variant}"
        for b in model.baths:
            for part in PARTS:
                out.append(Quantity(
                    f"{prefix}heat_{b.name}_{part}", heat_current(model, b.name, part),
                    current_symbol("Q", _PART_SCRIPT[part], b.name),
                    f"{_PART_WORD[part]}heat current from bath {b.name}{where}",
                ))
        for part in PARTS:
            out.append(Quantity(
                f"{prefix}work_{part}", work_current(model, None, part),
                current_symbol("W", _PART_SCRIPT[part]),
                f"{_PART_WORD[part]}work current{where}",
            ))
        out.append(Quantity(f"{prefix}energy_rate", energy_rate(model), r"\dot{E}_{S}",
                            f"rate of change of the system energy{where}"))
    return out


def lindblad_notes(models: Mapping) -> list[str]:
    """The Lindblad form of each model, as text (jump operators and rate matrices)."""
    from ..thermo import lindblad_form

    notes = []
    for variant, model in models.items():
        lf = lindblad_form(model)
        parts = [f"Lindblad form of {variant}: drho/dt = -i[H, rho] + sum_channels sum_ab "
                 f"gamma_ab (L_a rho L_b^dag - {{L_b^dag L_a, rho}}/2) with H = {lf.hamiltonian}"]
        for k, ch in enumerate(lf.channels):
            jumps = ", ".join(f"L_{a} = {op}" for a, op in enumerate(ch.jump_operators))
            parts.append(f"channel {k}: {jumps}; gamma = {sympy.sstr(ch.rates.tolist())}")
        notes.append("; ".join(parts))
    return notes


def _shared_sites(models: Mapping) -> tuple:
    sites = {tuple(m.system_sites) for m in models.values()}
    return next(iter(sites)) if len(sites) == 1 else ()


def _built(module: ModuleType) -> Derivation:
    """``module.build()``, checked: a function that returns a Derivation."""
    build = module.build
    if not callable(build):
        raise DeclarationError(
            f"{module_name(module)}: build is {type(build).__name__}, not a function: define "
            "def build() -> Derivation, or declare MODELS (and PARAMETERS, CHECKS, ...)"
        )
    d = build()
    if not isinstance(d, Derivation):
        raise DeclarationError(
            f"{module_name(module)}.build() returned {type(d).__name__}, not a Derivation"
        )
    return d


def assemble(module: ModuleType) -> Derivation:
    """The Derivation of a declaration module (its checks not yet compared)."""
    if hasattr(module, "build"):
        d = _built(module)
        if d.reference is None:
            d.reference = getattr(module, "REFERENCE", None)
        return d
    models = models_of(module)
    quantities = _value(module, "QUANTITIES", "quantities")
    notes = list(_value(module, "NOTES", "notes", []) or [])
    if quantities is None:
        quantities = standard_quantities(models)
        notes += lindblad_notes(models)
    return Derivation(
        name=module_name(module),
        title=title_of(module),
        sources=tuple(getattr(module, "SOURCES", ())),
        models=models,
        parameters=parameters_of(module),
        quantities=list(quantities),
        checks=list(_value(module, "CHECKS", "checks", []) or []),
        statements=list(_value(module, "STATEMENTS", "statements", []) or []),
        notes=notes,
        kernel_sites=tuple(getattr(module, "KERNEL_SITES", ()) or _shared_sites(models)),
        reference=getattr(module, "REFERENCE", None),
    )


def decide(d: Derivation) -> Derivation:
    """Compare every check of the derivation that has not been compared (no silent pass)."""
    for c in d.checks:
        if c.status not in DECIDED:
            compare(c)
    return d


def derivation_of(module: ModuleType) -> Derivation:
    """The decided Derivation of a declaration module (every check compared)."""
    return decide(assemble(module))
