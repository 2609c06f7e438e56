"""The exact operator algebra: sites, operators in canonical form, expectation symbols.

Conventions (DESIGN.md section 2): |0> ground, |1> excited; sigma_z = |1><1| - |0><0|,
sigma_+ = |1><0|, sigma_- = |0><1|; a qubit operator is stored in the Pauli basis
{1, sigma_x, sigma_y, sigma_z}, a boson operator normal ordered (a^dag^m a^n); different sites
commute; parameters are real commuting scalars.  Families of identical sites with a symbolic
size N, indexed operators and sums over indices: :mod:`.indexed`.
"""

from .expectation import Expectation, expectation, expectations_in
from .indexed import (
    Family,
    IndexedExpectation,
    IndexedOperator,
    IndexedSum,
    boson_family,
    collapse,
    index,
    indexed_commutator,
    indexed_expectation,
    isum,
    qubit_family,
    size_symbol,
    unroll,
)
from .monomials import OMono, monomial_str
from .operator import (
    Operator,
    annihilation,
    anticommutator,
    collective,
    commutator,
    creation,
    identity,
    monomial_operator,
    number,
    operator_sum,
    sigma_minus,
    sigma_plus,
    sigma_x,
    sigma_y,
    sigma_z,
)
from .sites import Site, boson, bosons, qubit, qubits

__all__ = [
    "Expectation",
    "Family",
    "IndexedExpectation",
    "IndexedOperator",
    "IndexedSum",
    "OMono",
    "Operator",
    "Site",
    "annihilation",
    "anticommutator",
    "boson",
    "boson_family",
    "bosons",
    "collapse",
    "collective",
    "commutator",
    "creation",
    "expectation",
    "expectations_in",
    "identity",
    "index",
    "indexed_commutator",
    "indexed_expectation",
    "isum",
    "monomial_operator",
    "monomial_str",
    "number",
    "operator_sum",
    "qubit",
    "qubit_family",
    "qubits",
    "sigma_minus",
    "sigma_plus",
    "sigma_x",
    "sigma_y",
    "sigma_z",
    "size_symbol",
    "unroll",
]
