"""Checking a paper: public API for the four papers' derivations and for users' own.

A paper is a *declaration* (a Python module, see :mod:`.declaration`): its models and
parameters, its printed equations transcribed as sympy (never edited to agree) as
:class:`Check` records, its convention mappings, its statements and its figures.  The
framework does the rest:

* :func:`compare` decides every check (holds / holds under convention / differs /
  undecided; an undecided check never counts as passing), :func:`decide` compares every
  check of a :class:`Derivation`;
* :mod:`.routes` builds the matrix route of a current, a dissipator or a Heisenberg equation
  from the model itself (plain numpy products and commutators at a random state and
  parameters), so a check names the physical quantity (``of=HeatCurrent(model, "R")``) instead
  of carrying a hand-written route; :mod:`.routes` also has the steady-state helpers
  statements use;
* :mod:`.quantities` adds one bath's dissipator (:class:`BathDissipator`), polynomials in
  expectation values and rescaled quantities (and derived sides proportional to a current or in
  product form); :mod:`.steady` the steady state of the derived generator on an excitation
  sector with every derived current there, kernel dimensions and a one-dimensional maximum
  search; :mod:`.regimes` the statements about thermal machines (which
  expectation values a current depends on, operating regimes over a grid, balance laws);
* :func:`render_report` and :func:`write_generated` write ``generated/<paper>/`` (report,
  LaTeX, kernels), byte-for-byte reproducibly;
* :mod:`.figures`: figure records, fixed style, byte-stable PNGs and captions, steady states
  over a parameter grid;
* :mod:`.stationary`: exact stationary expectation values from the Heisenberg equations,
  steady-state currents as check quantities, relaxation and finite-tau collisions;
  :mod:`.printed`: printed GKSL and sandwich forms; :mod:`.tools`: small state, curve and
  text helpers shared by statements and figures;
* :mod:`.discovery`: finding derivations by path or by name (entry points
  ``symthermo.papers``).

Minimal use (``my_paper.py``)::

    from symthermo.papers import Check, HeatCurrent
    MODELS = {"single": model}
    PARAMETERS = {"single": {omega: 1.0, beta: 1.0, g: 0.5}}
    def checks():
        return [Check("Eq. (7)", "heat current", printed, of=HeatCurrent(model, "R"))]

then ``symthermo derive my_paper.py`` writes the report.
"""

from .compare import compare, evidence_consistent, expectation_values, is_zero, zero_status
from .declaration import (
    DeclarationError,
    assemble,
    decide,
    derivation_of,
    models_of,
    parameters_of,
    standard_quantities,
)
from .discovery import ENTRY_POINT_GROUP, figures_of, load_module, paper_modules
from .printed import gksl_heisenberg, gksl_term, sandwich
from .quantities import (
    BathDissipator,
    ExpectationPolynomial,
    Rescaled,
    bath_system_sites,
    product_form,
    proportional_combination,
)
from .records import (
    STATUS_CONVENTION,
    STATUS_DIFFERS,
    STATUS_HOLDS,
    STATUS_UNDECIDED,
    Check,
    Derivation,
    Evidence,
    Statement,
    substitution,
)
from .regimes import (
    excitation_balance_residual,
    expectation_kind_table,
    kind_table_markdown,
    regime_letter,
    regimes_over_grid,
    steady_measure_route,
    two_bath_machine_performance,
)
from .report import render_report, write_bibliography, write_generated
from .routes import (
    AncillaExpectation,
    Dissipator,
    HeatCurrent,
    Heisenberg,
    Sampling,
    SteadySummary,
    WorkCurrent,
    currents_at,
    general_observable,
    general_state,
    gibbs_state,
    model_parameters,
    stationarity,
    steady_summary,
    system_trace,
)
from .stationary import (
    Relaxation,
    SteadyCurrent,
    bloch_vector,
    collision_fixed_point,
    collision_step,
    current_totals,
    derived_totals,
    inverse_temperature_of_bloch_z,
    relaxation,
    stationary_current,
    stationary_equations,
    stationary_expectations,
)
from .steady import (
    derived_currents_at,
    derived_liouvillian,
    evaluate_at,
    golden_section_maximum,
    kernel_dimension,
    parabolic_maximum,
    sector_steady_summary,
)
from .tools import (
    basis_state,
    current_quantities,
    gibbs_state_of,
    kinks,
    number_text,
    offdiagonal_l1,
    operator_stack,
    population,
    projector,
    scaled_generator,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "STATUS_CONVENTION",
    "STATUS_DIFFERS",
    "STATUS_HOLDS",
    "STATUS_UNDECIDED",
    "AncillaExpectation",
    "BathDissipator",
    "Check",
    "DeclarationError",
    "Derivation",
    "Dissipator",
    "Evidence",
    "ExpectationPolynomial",
    "HeatCurrent",
    "Heisenberg",
    "Relaxation",
    "Rescaled",
    "Sampling",
    "Statement",
    "SteadyCurrent",
    "SteadySummary",
    "WorkCurrent",
    "assemble",
    "basis_state",
    "bath_system_sites",
    "bloch_vector",
    "collision_fixed_point",
    "collision_step",
    "compare",
    "current_quantities",
    "current_totals",
    "currents_at",
    "decide",
    "derivation_of",
    "derived_currents_at",
    "derived_liouvillian",
    "derived_totals",
    "evaluate_at",
    "evidence_consistent",
    "excitation_balance_residual",
    "expectation_kind_table",
    "expectation_values",
    "figures_of",
    "general_observable",
    "general_state",
    "gibbs_state",
    "gibbs_state_of",
    "gksl_heisenberg",
    "gksl_term",
    "golden_section_maximum",
    "inverse_temperature_of_bloch_z",
    "is_zero",
    "kernel_dimension",
    "kind_table_markdown",
    "kinks",
    "load_module",
    "model_parameters",
    "models_of",
    "number_text",
    "offdiagonal_l1",
    "operator_stack",
    "paper_modules",
    "parabolic_maximum",
    "parameters_of",
    "population",
    "product_form",
    "projector",
    "proportional_combination",
    "regime_letter",
    "regimes_over_grid",
    "relaxation",
    "render_report",
    "sandwich",
    "scaled_generator",
    "sector_steady_summary",
    "standard_quantities",
    "stationarity",
    "stationary_current",
    "stationary_equations",
    "stationary_expectations",
    "steady_measure_route",
    "steady_summary",
    "substitution",
    "system_trace",
    "two_bath_machine_performance",
    "write_bibliography",
    "write_generated",
    "zero_status",
]
