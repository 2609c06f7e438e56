"""Compatibility: the paper-checking framework is public API of the library now,
:mod:`symthermo.papers` (records, compare, report writer).  Import from there."""

from symthermo.papers.compare import (
    _numerically_nonzero,
    compare,
    evidence_consistent,
    expectation_values,
    is_zero,
    zero_status,
)
from symthermo.papers.records import (
    STATUS_CONVENTION,
    STATUS_DIFFERS,
    STATUS_HOLDS,
    STATUS_UNDECIDED,
    Check,
    Derivation,
    Evidence,
    Statement,
)
from symthermo.papers.report import render_report, write_generated

__all__ = [
    "STATUS_CONVENTION",
    "STATUS_DIFFERS",
    "STATUS_HOLDS",
    "STATUS_UNDECIDED",
    "Check",
    "Derivation",
    "Evidence",
    "Statement",
    "_numerically_nonzero",
    "compare",
    "evidence_consistent",
    "expectation_values",
    "is_zero",
    "render_report",
    "write_generated",
    "zero_status",
]
