"""Named quantities: the only input of the emitters.

The emitters know nothing about models: they receive a list of :class:`Quantity` values, each
a sympy expression in parameter symbols (real, commuting) and
:class:`~symthermo.algebra.Expectation` symbols, with a Python name, an optional LaTeX name,
a plain-text description and an optional equation label.
"""

from __future__ import annotations

import keyword
from collections.abc import Iterable
from dataclasses import dataclass

import sympy

from ..errors import SymthermoError


class EmitError(SymthermoError, ValueError):
    """An emitter input is malformed (bad quantity name, duplicate names, unsupported node)."""


@dataclass(frozen=True)
class Quantity:
    """A derived quantity to emit.

    name:        Python identifier, e.g. ``"heat_local_R"`` (kernel function name, label stem)
    expr:        sympy expression in parameter symbols and Expectation symbols
    latex_name:  left-hand side in LaTeX, e.g. ``current_symbol("Q", "loc", "R")``;
                 None prints ``name`` in upright type
    description: one line of plain text (``$...$`` segments are kept as math in LaTeX)
    label:       equation label stem; the emitted label is ``eq:<prefix>:<label or name>``
    """

    name: str
    expr: sympy.Expr
    latex_name: str | None = None
    description: str = ""
    label: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.isidentifier() or keyword.iskeyword(
            self.name
        ):
            raise EmitError(
                f"quantity name {self.name!r} is not a Python identifier: use letters, digits "
                "and '_' (e.g. 'heat_local_R'); put the printed form in latex_name"
            )
        if self.name.startswith("_"):
            raise EmitError(f"quantity name {self.name!r} must not start with '_'")
        try:
            expr = sympy.sympify(self.expr, strict=True)
        except (sympy.SympifyError, TypeError) as exc:
            raise EmitError(
                f"quantity {self.name!r}: expr must be a sympy expression, got {self.expr!r}"
            ) from exc
        if not isinstance(expr, sympy.Expr):
            raise EmitError(f"quantity {self.name!r}: expr {expr!r} is not a scalar expression")
        object.__setattr__(self, "expr", expr)
        if self.label is not None and not _is_label(self.label):
            raise EmitError(
                f"quantity {self.name!r}: label {self.label!r} may only contain letters, "
                "digits and '_', '-', ':', '.'"
            )

    def _repr_latex_(self) -> str:
        from .latex import latex_repr

        return latex_repr(self)


def _is_label(text: str) -> bool:
    return bool(text) and all(c.isalnum() or c in "_-:." for c in text)


def check_quantities(quantities: Iterable[Quantity]) -> list[Quantity]:
    """A list of quantities with distinct names (raises :class:`EmitError` otherwise)."""
    out = list(quantities)
    seen: set[str] = set()
    for q in out:
        if not isinstance(q, Quantity):
            raise EmitError(f"expected Quantity objects, got {q!r}")
        if q.name in seen:
            raise EmitError(f"two quantities are named {q.name!r}: names must be distinct")
        seen.add(q.name)
    return out
