"""Sites: named qubits and bosonic modes.

A :class:`Site` is a name and a kind (``"qubit"`` or ``"boson"``).  Sites are plain values:
two ``qubit("S1")`` are the same site.  Inside operator monomials sites are referred to by
name and sorted with :func:`site_sort_key` (natural order, ``S2`` before ``S10``), which makes
the canonical form independent of the order in which a program happened to create sites.
Tensor order for matrices is the order of the site list handed to the matrix routines
(first site = leftmost Kronecker factor), i.e. the declared order of a model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Literal

from ..errors import SiteError

if TYPE_CHECKING:
    from .operator import Operator

SiteKind = Literal["qubit", "boson"]
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_,]*$")


@cache
def site_sort_key(name: str) -> tuple:
    """Natural sort key of a site name: ``S2`` before ``S10``.

    The name itself is the tie-breaker, so that two different names never get equal keys
    (``S1`` and ``S01`` have the same natural parts but are different sites).
    """
    parts = re.split(r"(\d+)", name)
    return (tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts if p != ""), name)


@dataclass(frozen=True, order=False)
class Site:
    """A named degree of freedom: a qubit (two levels) or a boson (harmonic oscillator).

    Qubit operators: ``.x .y .z .plus .minus .id``; boson operators: ``.a .adag .n .id``.
    """

    name: str
    kind: SiteKind

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not _NAME.match(self.name):
            raise SiteError(
                f"site name {self.name!r} is not valid: use a string that starts with a letter "
                "and contains letters, digits, '_' or ',' (e.g. 'S1', 'R', 'h2')"
            )
        if self.kind not in ("qubit", "boson"):
            raise SiteError(f"site kind {self.kind!r} is unknown: use 'qubit' or 'boson'")

    def __repr__(self) -> str:
        return f"{self.kind}({self.name!r})"

    # qubit operators ---------------------------------------------------------------------
    @property
    def x(self) -> Operator:
        from .operator import sigma_x

        return sigma_x(self)

    @property
    def y(self) -> Operator:
        from .operator import sigma_y

        return sigma_y(self)

    @property
    def z(self) -> Operator:
        from .operator import sigma_z

        return sigma_z(self)

    @property
    def plus(self) -> Operator:
        from .operator import sigma_plus

        return sigma_plus(self)

    @property
    def minus(self) -> Operator:
        from .operator import sigma_minus

        return sigma_minus(self)

    # boson operators ---------------------------------------------------------------------
    @property
    def a(self) -> Operator:
        from .operator import annihilation

        return annihilation(self)

    @property
    def adag(self) -> Operator:
        from .operator import creation

        return creation(self)

    @property
    def n(self) -> Operator:
        from .operator import number

        return number(self)

    @property
    def id(self) -> Operator:
        from .operator import identity

        return identity()


def qubit(name: str) -> Site:
    """A qubit site; basis |0> (ground), |1> (excited)."""
    return Site(name, "qubit")


def boson(name: str) -> Site:
    """A bosonic mode (harmonic oscillator) site; Fock basis |0>, |1>, ..."""
    return Site(name, "boson")


def qubits(*names: str) -> tuple[Site, ...]:
    """Several qubit sites at once: ``S1, S2 = qubits("S1", "S2")``."""
    return tuple(qubit(n) for n in names)


def bosons(*names: str) -> tuple[Site, ...]:
    """Several boson sites at once."""
    return tuple(boson(n) for n in names)
