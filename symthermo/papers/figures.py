"""Figure scaffolding for a paper's derivation: records, fixed style, byte-stable PNGs, captions,
and steady states over a parameter grid.

A paper declares its figures as :class:`Figure` records (``make(figures_dir) -> Path`` and a
``caption() -> str``); :func:`write_figures` writes ``out_dir/<paper>/figures/<id>.png`` and
``captions.md`` next to them (one section per figure: the paper's parameters, what is plotted,
and where our curve differs from the paper's and why).

Reproducibility: every figure is drawn on a matplotlib Agg canvas (no pyplot, so no backend
switch in the caller's session) from ``matplotlib.rcdefaults()`` plus the fixed :data:`STYLE`,
at a fixed size and dpi, and saved as a 300 dpi PNG with ``metadata={"Software": None}`` and as
a PDF beside it (vector graphics; Creator, Producer and CreationDate removed), so two runs on
one machine give byte-identical files.  matplotlib is imported lazily;
without it :func:`require_matplotlib` raises :class:`~symthermo.errors.SymthermoError` with the
install hint.

Numbers: :func:`steady_states` solves the model's derived Lindblad generator at a whole grid of
parameter points in one batched call (projecting a stated initial state where the stationary
space is degenerate); :func:`kernel_values` evaluates generated kernels there.

Conventions are the engine's (hbar = k_B = 1, |0> ground, sigma_z = |1><1| - |0><0|, heat
currents positive INTO the system, work currents positive when delivered TO the system).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import SymthermoError

__all__ = [
    "DPI",
    "FIGSIZE",
    "STYLE",
    "Figure",
    "SteadyStates",
    "finish_panels",
    "full",
    "grid",
    "kernel_values",
    "panel_label",
    "partial_trace_last",
    "require_matplotlib",
    "save",
    "steady_states",
    "steady_sweep",
    "style",
    "subplots",
    "write_figures",
]

#: Size (inches) and resolution of every figure.
FIGSIZE = (6.4, 4.4)
DPI = 300

#: rcParams applied on top of ``matplotlib.rcdefaults()`` while a figure is drawn.
STYLE: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 9.0,
    "axes.titlesize": 9.0,
    "axes.labelsize": 9.5,
    "legend.fontsize": 7.5,
    "legend.frameon": False,
    "xtick.labelsize": 8.0,
    "ytick.labelsize": 8.0,
    "lines.linewidth": 1.4,
    "axes.grid": False,
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "savefig.bbox": "standard",
    "path.simplify": False,
    "text.usetex": False,
    "mathtext.fontset": "dejavusans",
    "axes.formatter.useoffset": False,
}


@dataclass(frozen=True)
class Figure:
    """One figure of a paper.

    id:      file stem and command-line name, e.g. ``"fig1"``, ``"fig2a"``
    title:   one line, e.g. ``"Fig. 1: currents vs Jx_s/Jy_s"``
    make:    ``make(figures_dir) -> Path``: computes the data and writes ``<id>.png``
    caption: ``caption() -> str`` (markdown): parameters, what is plotted, differences from
             the paper; called after ``make`` (it may quote numbers that ``make`` computed,
             which the paper modules cache)
    """

    id: str
    title: str
    make: Callable[[Path], Path]
    caption: Callable[[], str]


# --------------------------------------------------------------------------------------------
# drawing helpers shared by the paper modules
# --------------------------------------------------------------------------------------------


def require_matplotlib() -> Any:
    """``matplotlib``, or SymthermoError with the install hint when it is missing."""
    try:
        import matplotlib
    except ImportError as exc:
        raise SymthermoError("matplotlib is not installed: pip install 'symthermo[plot]'") from exc
    return matplotlib


class _AggFigures:
    """The part of ``pyplot`` the paper modules use, without pyplot's global state: figures
    are ``matplotlib.figure.Figure`` objects on an Agg canvas (headless, no backend switch in
    the caller's session, nothing to close)."""

    def subplots(self, nrows: int = 1, ncols: int = 1, figsize: Sequence[float] = FIGSIZE,
                 dpi: float = DPI, **kwargs: Any) -> tuple[Any, Any]:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure as MplFigure

        fig = MplFigure(figsize=tuple(figsize), dpi=dpi)
        FigureCanvasAgg(fig)
        return fig, fig.subplots(nrows, ncols, **kwargs)


@contextlib.contextmanager
def style() -> Iterator[Any]:
    """A figure factory under ``rcdefaults()`` + :data:`STYLE` (Agg canvas); the caller's
    rcParams are restored on exit.  Draw and :func:`save` inside the ``with`` block."""
    matplotlib = require_matplotlib()
    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        matplotlib.rcParams.update(STYLE)
        yield _AggFigures()


def subplots(plt: Any, nrows: int = 1, ncols: int = 1, size: Sequence[float] | None = None,
             **kwargs: Any) -> tuple[Any, Any]:
    """``subplots`` with the fixed size and dpi (``size`` in inches overrides FIGSIZE)."""
    return plt.subplots(nrows, ncols, figsize=tuple(size or FIGSIZE), dpi=DPI, **kwargs)


def save(fig: Any, path: Path) -> Path:
    """Write ``path`` (PNG, DPI dots per inch) and the same figure as vector graphics beside it
    (``path.with_suffix(".pdf")``), both without software/date metadata (byte-stable)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png", dpi=DPI, metadata={"Software": None})
    fig.savefig(path.with_suffix(".pdf"), format="pdf", dpi=DPI,
                metadata={"Creator": None, "Producer": None, "CreationDate": None})
    return path


def panel_label(ax: Any, text: str) -> None:
    """A panel tag '(a)' above the upper left corner (never on top of a curve)."""
    ax.set_title(text, loc="left", fontsize=9.5, pad=3)


# --------------------------------------------------------------------------------------------
# numbers shared by the paper modules
# --------------------------------------------------------------------------------------------


@dataclass
class SteadyStates:
    """Steady states of a model on a stack of parameter points.

    rho:       (*batch, d, d)
    projected: (*batch,) bool, True where the stationary space is degenerate and rho is the
               projection of ``initial_state`` onto it (P rho_0, :func:`steady_state`)
    """

    rho: Any
    projected: Any


def steady_states(model: Any, values: Mapping[str, Any], initial_state: Any = None,
                  cutoff: Any = None) -> SteadyStates:
    """Batched steady states of the model's derived Lindblad generator at many points.

    ``values``: parameter name -> array (broadcast together).  All points go through one
    :class:`~symthermo.numeric.model_dynamics.LiouvillianBuilder` call and one
    :func:`~symthermo.numeric.steady.steady_states_batched` solve; points whose stationary space
    is degenerate are then projected one by one from ``initial_state`` (default: the maximally
    mixed state 1/d) with :func:`~symthermo.numeric.steady.steady_state`.
    """
    import numpy as np

    from ..numeric.model_dynamics import LiouvillianBuilder
    from ..numeric.steady import steady_state, steady_states_batched

    L = LiouvillianBuilder(model, cutoff)(values)
    rho = steady_states_batched(L, on_degenerate="nan")
    batch = rho.shape[:-2]
    d = rho.shape[-1]
    flat_rho = rho.reshape(-1, d, d)
    flat_l = L.reshape(-1, d * d, d * d)
    bad = np.isnan(flat_rho[:, 0, 0].real)
    rho0 = np.eye(d) / d if initial_state is None else np.asarray(initial_state)
    for i in np.flatnonzero(bad):
        flat_rho[i] = steady_state(flat_l[i], initial_state=rho0).rho
    return SteadyStates(flat_rho.reshape(*batch, d, d), bad.reshape(batch))


def kernel_values(kernels: Any, rho: Any, values: Mapping[str, Any]) -> dict[str, Any]:
    """Every quantity of a generated kernel module at the states ``rho`` (``evaluate_all``).

    ``values``: parameter name -> array; parameters of the module that are not given (they
    belong to other variants' quantities) are NaN, so a quantity that needed one shows NaN.
    """
    import numpy as np

    params = {arg: values.get(name, np.nan) for arg, name in kernels.PARAMETERS.items()}
    return kernels.evaluate_all(rho, **params)


def partial_trace_last(rho: Any, d_keep: int) -> Any:
    """Reduced state of the leading factor (dimension d_keep) of a stack of matrices."""
    import numpy as np

    d = rho.shape[-1]
    r = rho.reshape(*rho.shape[:-2], d_keep, d // d_keep, d_keep, d // d_keep)
    return np.einsum("...ajbj->...ab", r)


def full(shape: Any, values: Mapping[str, float]) -> dict[str, Any]:
    """Parameter arrays of a common shape from scalar values (name -> value)."""
    import numpy as np

    return {str(k): np.full(shape, float(v)) for k, v in values.items()}


# --------------------------------------------------------------------------------------------
# making figures
# --------------------------------------------------------------------------------------------


def _read_captions(path: Path) -> dict[str, str]:
    """Sections of an existing captions.md by figure id (each starts with '## <id>: ')."""
    if not path.exists():
        return {}
    out: dict[str, str] = {}
    text = path.read_text(encoding="utf-8")
    for chunk in text.split("\n## ")[1:]:
        fid = chunk.split(":", 1)[0].strip()
        out[fid] = "## " + chunk.strip() + "\n"
    return out


def _figure_id(figs: Mapping[str, Figure], text: str) -> str:
    """'fig1', 'Fig1', '1' -> 'fig1' when that figure exists (else unchanged)."""
    t = text.strip().lower().replace(" ", "").replace(".", "")
    for cand in (t, "fig" + t.removeprefix("fig")):
        if cand in figs:
            return cand
    return text


def _caption_section(fig: Figure) -> str:
    return f"## {fig.id}: {fig.title}\n\n{fig.caption().strip()}\n"


def write_figures(
    figures: Sequence[Figure] | Mapping[str, Figure],
    key: str,
    out_dir: str | Path,
    which: Sequence[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[Path]:
    """Write a paper's figures to ``out_dir/<key>/figures/<id>.png`` and their captions.

    ``figures``: the paper's :class:`Figure` records in the paper's order; ``key``: the
    paper's name (directory).  ``which``: figure ids (default: all; ``"1"`` and ``"Fig. 1"``
    mean ``"fig1"``); an unknown id raises SymthermoError.  ``progress(message)`` is called
    before each figure.  ``captions.md`` keeps the sections of figures made earlier and not in
    ``which`` (making one figure does not drop the others' captions); sections are in the
    paper's order.  Returns the PNG paths and the captions path (last).
    """
    require_matplotlib()
    figs = dict(figures) if isinstance(figures, Mapping) else {f.id: f for f in figures}
    ids = list(figs) if which is None else [_figure_id(figs, i) for i in which]
    unknown = [i for i in ids if i not in figs]
    if unknown:
        raise SymthermoError(
            f"{key} has no figure {', '.join(unknown)}: choose from {', '.join(figs)}"
        )
    fig_dir = Path(out_dir) / key / "figures"
    fig_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    sections = _read_captions(fig_dir / "captions.md")
    for fid in ids:
        if progress is not None:
            progress(f"{key}: {fid} ({figs[fid].title})")
        written.append(figs[fid].make(fig_dir))
        sections[fid] = _caption_section(figs[fid])
    title = f"# Figures of {key.replace('_', '-')}\n\n" + _PREAMBLE
    body = "\n".join(sections[f] for f in figs if f in sections)
    captions = fig_dir / "captions.md"
    captions.write_bytes((title + "\n" + body).encode("utf-8"))
    written.append(captions)
    return written


_PREAMBLE = (
    "Computed by symthermo: steady states of the derived Lindblad generators (batched solves; "
    "projections of the stated initial state where the stationary state is not unique), "
    "currents from the generated numpy kernels of the derived expressions, coherence, "
    "ergotropy and effective temperatures from symthermo.numeric.measures. Conventions: "
    "hbar = k_B = 1, |0> ground, sigma_z = |1><1| - |0><0|; heat currents are positive INTO "
    "the system, work currents positive when delivered TO the system. Where a curve differs "
    "from the paper's, the caption says why; no curve is tuned to look like the paper's.\n"
)


# --------------------------------------------------------------------------------------------
# a sweep's numbers, a parameter grid and finished panels
# --------------------------------------------------------------------------------------------


def steady_sweep(model: Any, kernels: Any, values: Mapping[str, Any], initial_state: Any = None,
                 cutoff: Any = None) -> dict[str, Any]:
    """Every kernel quantity at the steady states of a parameter grid, with the states.

    :func:`steady_states` then :func:`kernel_values`; the result also holds ``"rho"``
    (*batch, d, d) and ``"projected"`` (*batch,) (see :class:`SteadyStates`).
    """
    ss = steady_states(model, values, initial_state, cutoff)
    out = kernel_values(kernels, ss.rho, values)
    out["rho"] = ss.rho
    out["projected"] = ss.projected
    return out


def finish_panels(axes: Sequence[Any], tags: Sequence[str] | None = None, xlabel: str | None = None,
                  x: Any = None, bottom: float | None = None) -> None:
    """For each panel: the x label, x limits ``(x[0], x[-1])``, ``set_ylim(bottom=...)`` and the
    panel tag ('(a)', '(b)', ... by default), each when given."""
    tags = tags if tags is not None else [f"({chr(97 + i)})" for i in range(len(axes))]
    for ax, tag in zip(axes, tags, strict=True):
        if xlabel is not None:
            ax.set_xlabel(xlabel)
        if x is not None:
            ax.set_xlim(x[0], x[-1])
        if bottom is not None:
            ax.set_ylim(bottom=bottom)
        panel_label(ax, tag)


def grid(base: Mapping[str, float], **varied: Any) -> dict[str, Any]:
    """Parameter arrays of a sweep: every value of ``base`` as a constant array of the shape of
    the ``varied`` arrays (see :func:`full`), the varied parameters as given, e.g.
    ``grid(BASE, Jx_s=ratio * 0.5)``."""
    import numpy as np

    shape = np.broadcast_shapes(*(np.shape(v) for v in varied.values()))
    out = full(shape, base)
    out.update(varied)
    return out
