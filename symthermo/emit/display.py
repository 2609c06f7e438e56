r"""How symthermo's objects show in a notebook: short text, LaTeX, HTML.

The classes (operators, models, baths, Lindblad forms, currents, steady states, energy
reports) call these functions from their ``__repr__`` / ``_repr_latex_`` / ``_repr_html_``
and from ``_latex(printer)``, the hook through which ``sympy.latex(obj)`` prints them.  A
model's text repr is a few lines (sites, H_S, one line per bath), never a dump of operators;
long expressions are shortened in text and given in full in LaTeX.
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np

TEXT_WIDTH = 100


def short(text: str, width: int = TEXT_WIDTH) -> str:
    """One line, cut with an ellipsis beyond ``width`` characters."""
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 3] + "..."


def aligned(rows: list[tuple[str, str]]) -> str:
    r"""``$\begin{aligned} lhs &= rhs \\ ... \end{aligned}$`` for a notebook."""
    body = r" \\ ".join(f"{lhs} &= {rhs}" if lhs else f"&{rhs}" for lhs, rhs in rows)
    return r"$\begin{aligned}" + body + r"\end{aligned}$"


def pre_html(text: str) -> str:
    return "<pre>" + html.escape(text) + "</pre>"


def _tex(obj: Any, **settings: Any) -> str:
    from .latex import latex

    return latex(obj, **settings)


def _site_list(sites: Any) -> str:
    return ", ".join(f"{s.name} ({s.kind})" for s in sites)


# models and baths ----------------------------------------------------------------------------


def state_text(state: Any) -> str:
    """``ThermalQubit(R, tanh=xi_R)`` without the default None fields."""
    import dataclasses

    fields = [f"{f.name}={getattr(state, f.name)}" for f in dataclasses.fields(state)
              if f.name != "site" and getattr(state, f.name) is not None]
    return f"{type(state).__name__}({state.site.name}{', ' if fields else ''}{', '.join(fields)})"


def bath_text(b: Any) -> str:
    anc = ", ".join(state_text(st) for st in b.ancillas)
    labels = ", ".join(lab for lab, _ in b.couplings)
    return f"bath {b.name} ({b.scheme}): {anc}; couplings to {labels}"


def bath_latex_rows(b: Any) -> list[tuple[str, str]]:
    from .latex import site_latex

    rows = [(r"\hat{H}_{" + site_latex(b.name) + "}", _tex(b.hamiltonian))]
    for lab, v in b.couplings:
        rows.append((r"\hat{V}_{" + site_latex(b.name) + "," + site_latex(lab) + "}", _tex(v)))
    for st in b.ancillas:
        rows.append(("", r"\text{" + _text_tex(state_text(st)) + "}"))
    rows.append(("", r"\text{scheme: " + b.scheme + "}"))
    return rows


def _text_tex(text: str) -> str:
    from .latex import escape_text

    return escape_text(text)


def model_text(m: Any) -> str:
    lines = [f"CollisionModel {m.name!r}: system {_site_list(m.system_sites)}",
             "  " + short(f"H_S = {m.system_hamiltonian}", TEXT_WIDTH - 2)]
    lines += ["  " + short(bath_text(b), TEXT_WIDTH - 2) for b in m.baths]
    if m.round_duration != "tau":
        lines.append(f"  time per round: {m.round_duration}")
    return "\n".join(lines)


def model_latex(m: Any) -> str:
    rows = [(r"\hat{H}_S", _tex(m.hamiltonian))]
    if m.interaction:
        rows.append((r"\hat{H}_I", _tex(m.interaction)))
    for b in m.baths:
        rows += bath_latex_rows(b)
    return aligned(rows)


# derived objects -----------------------------------------------------------------------------


def lindblad_latex(lf: Any) -> str:
    import sympy

    from .latex import site_latex

    rows = [(r"\dot\rho", r"-i[\hat{H}, \rho] + \sum_{a,b} \gamma_{ab}\big(\hat{L}_a \rho "
             r"\hat{L}_b^\dagger - \tfrac{1}{2}\{\hat{L}_b^\dagger \hat{L}_a, \rho\}\big)"),
            (r"\hat{H}", _tex(lf.hamiltonian))]
    for ch in lf.channels:
        ops = r",\ ".join(_tex(op) for op in ch.jump_operators)
        rows.append((r"\hat{L}_{" + site_latex(ch.bath) + "}", r"\left(" + ops + r"\right)"))
        rows.append((r"\gamma_{" + site_latex(ch.bath) + "}", sympy.latex(ch.rates)))
    return aligned(rows)


def currents_latex(c: Any) -> str:
    from .latex import current_symbol

    rows = []
    for bath, parts in c.heat.items():
        for part, expr in parts.items():
            rows.append((current_symbol("Q", _part(part), bath), _tex(expr)))
    for part, expr in c.work.items():
        rows.append((current_symbol("W", _part(part)), _tex(expr)))
    rows.append((r"\dot{E}_S", _tex(c.energy_rate)))
    return aligned(rows)


def _part(part: str) -> str | None:
    return {"local": "loc", "nonlocal": "non-loc", "total": None}[part]


def currents_text(c: Any) -> str:
    baths = ", ".join(c.heat)
    return (f"<Currents: heat from {baths} and work (local, non-local, total), energy rate; "
            f"first-law residual {c.first_law_residual}>")


# numeric results -------------------------------------------------------------------------------


def matrix_latex(a: np.ndarray, digits: int = 4) -> str:
    """A small complex matrix as a pmatrix (real parts only where the imaginary part is 0)."""
    def entry(z: complex) -> str:
        re, im = float(np.real(z)), float(np.imag(z))
        if abs(im) < 10.0 ** -(digits + 2):
            return f"{re:.{digits}g}"
        sign = "+" if im >= 0 else "-"
        return f"{re:.{digits}g} {sign} {abs(im):.{digits}g}i"

    rows = [" & ".join(entry(z) for z in row) for row in np.asarray(a)]
    return r"\begin{pmatrix}" + r" \\ ".join(rows) + r"\end{pmatrix}"


def steady_text(ss: Any) -> str:
    k = ss.stationary_dimension
    kind = "unique" if k == 1 else f"projected, stationary dimension {k}"
    purity = float(np.real(np.trace(ss.rho @ ss.rho)))
    return (f"<SteadyState d={ss.rho.shape[-1]} ({kind}), purity {purity:.6g}, "
            f"residual {ss.residual:.3g}>")


def steady_latex(ss: Any) -> str:
    d = ss.rho.shape[-1]
    k = ss.stationary_dimension
    kind = r"\text{unique}" if k == 1 else rf"\text{{projected, }} \dim\ker\mathcal{{L}} = {k}"
    purity = float(np.real(np.trace(ss.rho @ ss.rho)))
    rows = [(r"\rho_{\mathrm{ss}}", matrix_latex(ss.rho) if d <= 4 else
             rf"\text{{a {d} \texttimes{{}} {d} matrix}}"),
            (r"\mathrm{Tr}\,\rho_{\mathrm{ss}}^2", f"{purity:.6g}"),
            ("", kind + rf",\ \text{{residual }} {_sci(ss.residual)}")]
    return aligned(rows)


def _sci(x: float) -> str:
    mant, _, exp = f"{x:.2e}".partition("e")
    return rf"{mant} \times 10^{{{int(exp)}}}"


def energy_currents_latex(ec: Any) -> str:
    from .latex import current_symbol

    names = ec.bath_names or tuple(str(k) for k in range(len(ec.heat_currents)))
    rows = [(current_symbol("Q", None, n), f"{q:.10g}")
            for n, q in zip(names, ec.heat_currents, strict=True)]
    rows += [(r"\dot{W}", f"{ec.power:.10g}"), (r"\dot{E}_S", f"{ec.system_energy_rate:.10g}"),
             ("", r"\text{(heat positive into the system, work done on the system)}")]
    return aligned(rows)


__all__ = [
    "aligned",
    "bath_text",
    "currents_latex",
    "energy_currents_latex",
    "lindblad_latex",
    "matrix_latex",
    "model_latex",
    "model_text",
    "pre_html",
    "short",
    "steady_latex",
    "steady_text",
]
