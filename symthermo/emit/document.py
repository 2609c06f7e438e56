r"""LaTeX documents from named quantities, rendered with jinja2 templates.

* :func:`latex_document`: a standalone document (``templates/document.tex.j2``) whose preamble
  section states the conventions of DESIGN.md section 2, then one numbered equation per
  quantity, labelled ``eq:<prefix>:<label or name>``, then the derivation transcripts; the
  general forms (sums over indices, symbolic sizes N, M) come first, and when a document has
  both, the instances at concrete sizes follow under their own heading (an appendix section);
* :func:`latex_fragment`: the same equations for ``\input`` into a manuscript
  (``templates/fragment.tex.j2``; the conventions as TeX comments; needs ``amsmath``).

Output is deterministic (no dates, no paths): the same input gives the same bytes.
The LaTeX templates use the delimiters ``<% %>``, ``<< >>`` and ``<# #>`` (see
:func:`environment`), which never clash with TeX braces.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from ..files import write_bytes_atomic
from .abbreviations import choose as choose_abbreviations
from .abbreviations import declaration, find_abbreviations
from .abbreviations import used as used_abbreviations
from .bibliography import Reference
from .latex import (
    DEFAULT_WIDTH,
    Step,
    equation_label,
    escape_text,
    latex_derivation,
    latex_equation,
    site_latex,
)
from .quantity import EmitError, Quantity, check_quantities


def _py(value: object) -> str:
    return repr(value)


def environment(python: bool = False) -> jinja2.Environment:
    """The jinja2 environment of the emit templates.

    Python templates use jinja2's default delimiters; LaTeX templates use ``<% %>`` (blocks),
    ``<< >>`` (variables) and ``<# #>`` (comments).
    """
    common: dict = dict(
        loader=jinja2.PackageLoader("symthermo.emit", "templates"),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    if python:
        env = jinja2.Environment(**common)
    else:
        env = jinja2.Environment(
            block_start_string="<%",
            block_end_string="%>",
            variable_start_string="<<",
            variable_end_string=">>",
            comment_start_string="<#",
            comment_end_string="#>",
            **common,
        )
    env.filters["py"] = _py
    env.filters["tuple"] = tuple
    env.filters["tex"] = escape_text
    return env


@dataclass(frozen=True)
class Derivation:
    """A derivation transcript: a title and its steps (see :func:`latex_derivation`)."""

    title: str
    steps: Sequence[Step | tuple] = field(default_factory=tuple)
    description: str = ""


#: Heading of the equations at concrete sizes when a document also has general-N forms.
INSTANCES_HEADING = "Instances at concrete sizes"


def _is_general(q: Quantity) -> bool:
    """A general form: a sum over indices, an indexed expectation or a symbolic size N, M."""
    from ..algebra.indexed import contains_symbolic_size

    return contains_symbolic_size(q.expr)


def _general_first(qs: list[Quantity]) -> list[Quantity]:
    """The general forms (symbolic N, M) first, then the instances; each group keeps its order
    (an author prints the general equations, the instances go to an appendix section)."""
    return [q for q in qs if _is_general(q)] + [q for q in qs if not _is_general(q)]


def _context(
    quantities: Iterable[Quantity],
    *,
    prefix: str,
    sites: Iterable | None,
    derivations: Iterable[Derivation],
    width: float,
    max_terms: int | None,
    settings: dict,
    abbreviate: bool = True,
    references: Iterable[Reference] = (),
) -> dict:
    qs = check_quantities(quantities)
    abbreviations = find_abbreviations([q.expr for q in qs]) if abbreviate else []
    if abbreviations:
        # one choice for the whole document (Bose factors or Boltzmann factors, the narrower)
        qs = choose_abbreviations(qs, abbreviations)
        abbreviations = used_abbreviations(abbreviations, [q.expr for q in qs])
    refs = list(references)
    for r in refs:
        if not isinstance(r, Reference):
            raise EmitError(f"references must be Reference objects, got {r!r}")
    if prefix and not all(c.isalnum() or c in "_-." for c in prefix):
        raise EmitError(f"label prefix {prefix!r} may only contain letters, digits, '_-.'")
    equations = []
    labels: set[str] = set()
    qs = _general_first(qs)
    split = any(_is_general(q) for q in qs) and not all(_is_general(q) for q in qs)
    for q in qs:
        label = equation_label(q, prefix)
        if label in labels:
            raise EmitError(f"two equations would get the label {label!r}")
        labels.add(label)
        heading = ""
        if split and not _is_general(q) and not any(not e["general"] for e in equations):
            heading = INSTANCES_HEADING
        equations.append(
            {
                "general": _is_general(q),
                "heading": heading,
                "name": q.name,
                "label": label,
                "description": escape_text(q.description) if q.description else "",
                "latex": latex_equation(
                    q, prefix=prefix, width=width, max_terms=max_terms, **settings
                ).rstrip("\n"),
            }
        )
    site_list = []
    for s in sites or ():
        name, kind = (s.name, s.kind) if hasattr(s, "name") else (s[0], s[1])
        site_list.append({"name": name, "kind": kind, "latex": site_latex(name)})
    blocks = []
    for d in derivations:
        if not isinstance(d, Derivation):
            raise EmitError(f"derivations must be Derivation objects, got {d!r}")
        blocks.append(
            {
                "title": escape_text(d.title),
                "description": escape_text(d.description) if d.description else "",
                "latex": latex_derivation(
                    d.steps, width=width, max_terms=max_terms, **settings
                ).rstrip("\n"),
            }
        )
    state = settings.get("state", r"\rho_S")
    return {
        "abbreviations": declaration(abbreviations),
        "citations": ",".join(r.key for r in refs),
        "equations": equations,
        "sites": site_list,
        "derivations": blocks,
        "ladder": bool(settings.get("ladder", False)),
        "state": state,
    }


def latex_document(
    quantities: Iterable[Quantity],
    *,
    title: str = "Derived quantities",
    prefix: str = "",
    sites: Iterable | None = None,
    derivations: Iterable[Derivation] = (),
    twocolumn: bool = True,
    width: float = DEFAULT_WIDTH,
    max_terms: int | None = None,
    abbreviate: bool = True,
    references: Iterable[Reference] = (),
    bibliography: str = "references",
    **settings: object,
) -> str:
    """A standalone LaTeX document (article class, amsmath, amssymb) for pdflatex.

    ``sites`` (Site objects or ``(name, kind)`` pairs) are listed in the conventions with
    their tensor order; ``settings`` go to the printer (``state``, ``ladder``, ...).
    ``abbreviate``: name tanh(beta omega/2) and the Bose factors in the text
    (:mod:`.abbreviations`); ``references``: the papers the document derives, cited in the
    text and listed from ``<bibliography>.bib`` (write it with :func:`~.bibliography.bibtex`;
    run pdflatex, bibtex, pdflatex).
    """
    ctx = _context(
        quantities, prefix=prefix, sites=sites, derivations=derivations, width=width,
        max_terms=max_terms, settings=dict(settings), abbreviate=abbreviate,
        references=references,
    )
    template = environment().get_template("document.tex.j2")
    return template.render(title=escape_text(title), twocolumn=twocolumn,
                           bibliography=bibliography, standalone=True, **ctx)


def latex_fragment(
    quantities: Iterable[Quantity],
    *,
    prefix: str = "",
    sites: Iterable | None = None,
    derivations: Iterable[Derivation] = (),
    width: float = DEFAULT_WIDTH,
    max_terms: int | None = None,
    abbreviate: bool = True,
    references: Iterable[Reference] = (),
    **settings: object,
) -> str:
    r"""The equations (and derivations) for ``\input{...}`` in a manuscript (needs amsmath;
    ``\allowdisplaybreaks`` lets its longest equations break across pages)."""
    ctx = _context(
        quantities, prefix=prefix, sites=sites, derivations=derivations, width=width,
        max_terms=max_terms, settings=dict(settings), abbreviate=abbreviate,
        references=references,
    )
    env = environment()
    conventions = env.get_template("conventions.tex.j2").render(**ctx)
    comment = "\n".join(("% " + line).rstrip() for line in conventions.strip("\n").splitlines())
    return env.get_template("fragment.tex.j2").render(conventions_comment=comment,
                                                      standalone=False, **ctx)


def write_latex(
    path: str | Path,
    quantities: Iterable[Quantity],
    *,
    standalone: bool = True,
    **options: object,
) -> Path:
    """Write :func:`latex_document` (or :func:`latex_fragment`) to ``path``."""
    path = Path(path)
    text = latex_document(quantities, **options) if standalone else latex_fragment(
        quantities, **options
    )
    write_bytes_atomic(path, text.encode("utf-8"))
    return path


__all__ = [
    "Derivation",
    "environment",
    "latex_document",
    "latex_fragment",
    "write_latex",
]
