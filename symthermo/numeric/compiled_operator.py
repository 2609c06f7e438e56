"""The matrix of an operator with symbolic coefficients, compiled once for many parameter points.

For O = sum_m c_m(params) M_m (M_m the matrices of the operator's monomials in the tensor order
of ``sites``, :func:`~symthermo.numeric.matrices.monomial_matrix`), the coefficients c_m are
lambdified once (numpy) and ``CompiledOperator(op, sites)(params)`` is the tensor contraction
sum_m c_m M_m: the same matrix as :func:`~symthermo.numeric.matrices.operator_matrix`, without a
sympy substitution per term and point (the steady-state sweeps of a paper evaluate the same
current operators at hundreds of points).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import sympy

from ..algebra.operator import Operator
from ..algebra.sites import Site
from ..errors import ParameterError
from .matrices import Cutoff, dimensions, monomial_matrix

__all__ = ["CompiledOperator"]


class CompiledOperator:
    """sum_m c_m(params) M_m of an operator (see the module docstring).

    ``parameters``: the coefficients' free symbols, sorted by name; a call takes
    ``{symbol or name: value}`` and raises ParameterError naming any that is missing.
    """

    def __init__(self, op: Operator, sites: Sequence[Site], cutoff: Cutoff | None = None) -> None:
        terms = list(op.terms.items())
        self.dimension = int(np.prod(dimensions(sites, cutoff)))
        d = self.dimension
        self._mats = (np.array([monomial_matrix(m, sites, cutoff) for m, _ in terms])
                      if terms else np.zeros((0, d, d), dtype=complex))
        free: set = set()
        for _, c in terms:
            free |= sympy.sympify(c).free_symbols
        self.parameters = tuple(sorted(free, key=lambda s: s.name))
        self._fn = sympy.lambdify(self.parameters, [c for _, c in terms], "numpy")

    def __call__(self, params: Mapping) -> np.ndarray:
        if not len(self._mats):
            return np.zeros((self.dimension, self.dimension), dtype=complex)
        by_name = {str(k): v for k, v in params.items()}
        missing = [p.name for p in self.parameters if p not in params and p.name not in by_name]
        if missing:
            raise ParameterError(f"give values of {', '.join(missing)} (operator coefficients)",
                                 missing[0])
        values = [float(params[p]) if p in params else float(by_name[p.name])
                  for p in self.parameters]
        c = np.array(self._fn(*values), dtype=complex)
        return np.tensordot(c, self._mats, axes=1)
