"""The papers' figures: one module per paper (``derivations/figures/<paper>.py``) declares its
figures as :class:`~symthermo.papers.figures.Figure` records; this package collects them::

    FIGURES[paper][figure_id](figures_dir) -> Path of the written PNG
    available(paper) -> figure ids, in the paper's order
    make_figures(paper, out_dir, which=None, progress=None) -> written paths

The scaffolding (style, save, captions, steady states over a grid) is public API of the
library, :mod:`symthermo.papers.figures`; it is re-exported here so that the paper modules'
``from derivations.figures import ...`` keeps working.  ``symthermo figure`` finds these
modules by path (``figures/<paper>.py`` next to the paper's module).  Paper names may be
spelled with ``-`` or ``_``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

from symthermo.errors import SymthermoError
from symthermo.papers.figures import (
    DPI,
    FIGSIZE,
    STYLE,
    Figure,
    SteadyStates,
    full,
    kernel_values,
    panel_label,
    partial_trace_last,
    require_matplotlib,
    save,
    steady_states,
    style,
    subplots,
    write_figures,
)

__all__ = [
    "DPI",
    "FIGSIZE",
    "FIGURES",
    "PAPERS",
    "STYLE",
    "Figure",
    "SteadyStates",
    "available",
    "full",
    "kernel_values",
    "make_figures",
    "panel_label",
    "partial_trace_last",
    "require_matplotlib",
    "save",
    "steady_states",
    "style",
    "subplots",
]

#: Paper modules with figures, in the order of ``derivations.NAMES``.
PAPERS = ("common_reservoirs", "coupled_ensembles", "collective_ergotropy", "memoryless_ness")


# --------------------------------------------------------------------------------------------
# registry (built lazily: importing a paper module derives its models)
# --------------------------------------------------------------------------------------------

_REGISTRY: dict[str, dict[str, Figure]] = {}


def canonical_name(name: str) -> str:
    """``common-reservoirs`` -> ``common_reservoirs``; unknown names raise SymthermoError."""
    key = name.strip().replace("-", "_")
    if key not in PAPERS:
        names = ", ".join(p.replace("_", "-") for p in PAPERS)
        raise SymthermoError(f"no figures for {name!r}: choose one of {names}")
    return key


def _figures_of(name: str) -> dict[str, Figure]:
    key = canonical_name(name)
    if key not in _REGISTRY:
        module = importlib.import_module(f"derivations.figures.{key}")
        _REGISTRY[key] = {f.id: f for f in module.figures()}
    return _REGISTRY[key]


class _LazyFigures(Mapping[str, dict[str, Callable[[Path], Path]]]):
    """``FIGURES[paper][figure_id]``: importing a paper's module only on first access."""

    def __getitem__(self, name: str) -> dict[str, Callable[[Path], Path]]:
        try:
            figs = _figures_of(name)
        except SymthermoError as exc:
            raise KeyError(name) from exc
        return {fid: f.make for fid, f in figs.items()}

    def __iter__(self) -> Iterator[str]:
        return iter(PAPERS)

    def __len__(self) -> int:
        return len(PAPERS)


#: ``FIGURES[paper][figure_id](figures_dir) -> Path`` (lazily built).
FIGURES: Mapping[str, dict[str, Callable[[Path], Path]]] = _LazyFigures()


def available(name: str) -> list[str]:
    """Figure ids of a paper, in the paper's order (e.g. ``["fig1", "fig2", ...]``)."""
    return list(_figures_of(name))


def make_figures(
    name: str,
    out_dir: str | Path,
    which: Sequence[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[Path]:
    """Write a paper's figures (see :func:`symthermo.papers.figures.write_figures`)."""
    require_matplotlib()
    key = canonical_name(name)
    return write_figures(_figures_of(key), key, out_dir, which, progress)
