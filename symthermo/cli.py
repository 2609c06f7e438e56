"""The ``symthermo`` command line.

User errors (any :class:`~symthermo.errors.SymthermoError`) print one line on stderr and exit 2.
"""

from __future__ import annotations

import argparse
import sys

from . import __version__
from .errors import SymthermoError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="symthermo",
        description="Symbolic derivations for the quantum thermodynamics of collision models.",
    )
    parser.add_argument("--version", action="version", version=f"symthermo {__version__}")
    parser.add_subparsers(dest="command")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            parser.print_help()
            return 0
    except SymthermoError as exc:
        print(f"symthermo: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
