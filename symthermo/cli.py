"""The ``symthermo`` command line.

    symthermo list [NAME|PATH]                       derivations, models, parameters
    symthermo derive NAME|PATH|--all [--out DIR]     write generated/<paper>/
    symthermo check NAME|PATH|--all                  cross-checks + printed-equation table
    symthermo steady NAME [--model V] [--set K=V ...] [--initial ground|mixed] [--json]
    symthermo figure NAME [FIG] [--out DIR]          the paper's figures (matplotlib)
    symthermo sweep NAME [--model V] --grid K=start:stop:num ... [--out table.csv|.npz]

NAME is a registered derivation (``symthermo list``); PATH a Python file that declares at
least ``MODELS`` (see :mod:`symthermo.papers.declaration`).

User errors (any :class:`~symthermo.errors.SymthermoError`, bad arguments) print one line on
stderr and exit 2; ``check`` exits 1 when a cross-check of our own derivation fails (a paper's
typo is reported, not a failure) or a printed equation could not be decided; ``derive``
exits 1 when a check is undecided.  Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from pathlib import Path
from types import ModuleType

from . import __version__
from .errors import SymthermoError
from .papers.declaration import derivation_of, models_of, module_name, parameters_of, title_of
from .papers.discovery import figures_of, load_module, paper_modules
from .papers.figures import write_figures
from .papers.records import STATUS_UNDECIDED, Derivation
from .papers.report import write_generated


class UserError(SymthermoError):
    """A bad command-line request."""


def __getattr__(name: str) -> object:
    # DERIVATION_NAMES: the registered derivations (found by entry point or path, see
    # symthermo.papers.discovery), computed when asked for
    if name == "DERIVATION_NAMES":
        return tuple(paper_modules())
    raise AttributeError(name)


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def load_derivation_module(name_or_path: str) -> ModuleType:
    """A derivation module by registered name or by path to a .py file."""
    return load_module(name_or_path)


def _names(args: argparse.Namespace) -> list[str]:
    if getattr(args, "all", False):
        return list(paper_modules())
    if not args.name:
        raise UserError("give a derivation NAME (or PATH), or --all")
    return [args.name]


def _display_name(name: str) -> str:
    return Path(name).stem if name.endswith(".py") else name.replace("-", "_")


def _build(name: str, module: ModuleType | None = None) -> Derivation:
    start = time.perf_counter()
    _progress(f"[{_display_name(name)}] deriving ...")
    d = derivation_of(module if module is not None else load_module(name))
    _progress(f"[{d.name}] derived in {time.perf_counter() - start:.1f} s")
    return d


def _undecided(d: Derivation) -> list[str]:
    return [c.label for c in d.checks if c.status == STATUS_UNDECIDED]


# commands ----------------------------------------------------------------------------------


def models_and_parameters(name: str) -> tuple[str, dict, dict]:
    """(title, models, default parameters) of a derivation, without running its checks
    when the module declares MODELS (or build_models())."""
    module = load_module(name)
    return title_of(module), models_of(module), parameters_of(module)


def cmd_list(args: argparse.Namespace) -> int:
    names = [args.name] if args.name else list(paper_modules())
    for name in names:
        try:
            title, models, params = models_and_parameters(name)
        except SymthermoError as exc:
            print(f"{name}: (not available: {exc})")
            continue
        print(f"{_display_name(name)}: {title}")
        for variant in models:
            values = params.get(variant, {})
            items = sorted(values.items(), key=lambda kv: str(kv[0]))
            shown = ", ".join(f"{k}={v:g}" for k, v in items)
            print(f"  --model {variant}: {shown}")
    return 0


def cmd_derive(args: argparse.Namespace) -> int:
    out = Path(args.out)
    undecided = False
    for name in _names(args):
        module = load_module(name)
        d = _build(name, module)
        files = write_generated(d, out)
        _progress(f"[{d.name}] wrote {len(files)} files under {out / d.name}")
        if _undecided(d):
            undecided = True
            _progress(f"[{d.name}] UNDECIDED checks (not counted as passing): "
                      f"{', '.join(_undecided(d))}")
        if not args.no_figures:
            _figures(name, out, None, module)
    return 1 if undecided else 0


def _figures(name: str, out: Path, which: list[str] | None,
             module: ModuleType | None = None) -> list[Path]:
    """The derivation's figures, when matplotlib is there and it defines some (else say so)."""
    key = _display_name(name)
    if importlib.util.find_spec("matplotlib") is None:
        _progress(f"[{key}] figures skipped: matplotlib is not installed "
                  "(pip install 'symthermo[plot]')")
        return []
    module = module if module is not None else load_module(name)
    figs = figures_of(module)
    if not figs:
        _progress(f"[{key}] no figures defined")
        return []
    key = module_name(module)
    paths = write_figures(figs, key, out, which, progress=_progress)
    _progress(f"[{key}] wrote {len(paths) - 1} figures under {out / key / 'figures'}")
    return paths


def cmd_figure(args: argparse.Namespace) -> int:
    if importlib.util.find_spec("matplotlib") is None:
        raise UserError("matplotlib is not installed: pip install 'symthermo[plot]'")
    module = load_module(args.name)
    figs = figures_of(module)
    if not figs:
        raise UserError(f"{args.name!r} defines no figures (a figures() function)")
    ids = [f.id for f in figs]
    which = [args.fig] if args.fig else None
    if args.fig and args.fig not in ids:
        raise UserError(
            f"{module_name(module)} has no figure {args.fig!r}; it has {', '.join(ids)}"
        )
    _figures(args.name, Path(args.out), which, module)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from .crosscheck import run_cross_checks

    failed = False
    for name in _names(args):
        d = _build(name)
        ok = run_cross_checks(d, out=sys.stdout, progress=_progress)
        failed = failed or not ok
    return 1 if failed else 0


def _parse_sets(items: list[str]) -> dict[str, float]:
    out = {}
    for item in items or []:
        if "=" not in item:
            raise UserError(f"--set {item!r}: use KEY=VALUE, e.g. --set Jx_s=0.5")
        key, value = item.split("=", 1)
        try:
            out[key.strip()] = float(value)
        except ValueError as exc:
            raise UserError(f"--set {item!r}: {value!r} is not a number") from exc
    return out


def cmd_steady(args: argparse.Namespace) -> int:
    from .steadycli import steady_report

    _, models, params = models_and_parameters(args.name)
    result = steady_report(
        _display_name(args.name),
        models, params, variant=args.model, sets=_parse_sets(args.set),
        initial=args.initial, cutoff=args.cutoff,
    )
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for line in _format_steady(result):
            print(line)
    return 0


def cmd_sweep(args: argparse.Namespace) -> int:
    from .sweep import GridAxis, run_sweep, write_table

    if not args.grid:
        raise UserError("give at least one --grid KEY=start:stop:num")
    _, models, params = models_and_parameters(args.name)
    variant = args.model or next(iter(models))
    if variant not in models:
        raise UserError(f"no model {variant!r}; choose one of {', '.join(models)}")
    defaults = {str(k): v for k, v in params.get(variant, {}).items()}
    defaults.update(_parse_sets(args.set))
    axes = [GridAxis.parse(g) for g in args.grid]
    table = run_sweep(models[variant], defaults, axes, chunk=args.chunk, cutoff=args.cutoff)
    path = write_table(table, args.out)
    _progress(f"wrote {len(next(iter(table.values())))} rows to {path}")
    return 0


def _format_steady(r: dict) -> list[str]:
    lines = [f"{r['derivation']} / {r['model']}"]
    lines.append("parameters: " + ", ".join(f"{k}={v:g}" for k, v in r["parameters"].items()))
    lines.append(f"stationary dimension: {r['stationary_dimension']}")
    for bath, parts in r["heat"].items():
        lines.append(
            f"heat from {bath}: local {parts['local']:.10g}, non-local {parts['nonlocal']:.10g},"
            f" total {parts['total']:.10g}"
        )
    w = r["work"]
    lines.append(
        f"work: local {w['local']:.10g}, non-local {w['nonlocal']:.10g}, total {w['total']:.10g}"
    )
    lines.append(f"energy rate: {r['energy_rate']:.3g}")
    lines.append(f"l1 coherence: {r['l1_coherence']:.10g}")
    lines.append(f"ergotropy: {r['ergotropy']:.10g}")
    return lines


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="symthermo",
        description="Symbolic derivations for the quantum thermodynamics of collision models.",
    )
    parser.add_argument("--version", action="version", version=f"symthermo {__version__}")
    sub = parser.add_subparsers(dest="command")
    p = sub.add_parser("list", help="derivations, their models and parameters")
    p.add_argument("name", nargs="?", help="one derivation name or path to a .py file")
    p.set_defaults(func=cmd_list)
    p = sub.add_parser("derive", help="regenerate a derivation's outputs into generated/")
    p.add_argument("name", nargs="?", help="derivation name or path to a .py file")
    p.add_argument("--all", action="store_true", help="all four paper derivations")
    p.add_argument("--out", default="generated", help="output directory (default generated)")
    p.add_argument("--no-figures", action="store_true", help="skip the figures")
    p.set_defaults(func=cmd_derive)
    p = sub.add_parser("figure", help="make a paper's figures (needs matplotlib)")
    p.add_argument("name")
    p.add_argument("fig", nargs="?", help="one figure id (default: all)")
    p.add_argument("--out", default="generated", help="output directory (default generated)")
    p.set_defaults(func=cmd_figure)
    p = sub.add_parser("check", help="cross-checks and the printed-equation comparison")
    p.add_argument("name", nargs="?")
    p.add_argument("--all", action="store_true")
    p.set_defaults(func=cmd_check)
    p = sub.add_parser("steady", help="numeric steady state and its thermodynamics")
    p.add_argument("name")
    p.add_argument("--model", help="model variant (see `symthermo list`)")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="parameter value")
    p.add_argument(
        "--initial", default=None,
        help="initial state for a non-unique steady state: 'ground' or 'mixed'",
    )
    p.add_argument("--cutoff", type=int, default=12, help="Fock levels of system bosons")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.set_defaults(func=cmd_steady)
    p = sub.add_parser("sweep", help="steady states and currents over a parameter grid")
    p.add_argument("name")
    p.add_argument("--model", help="model variant")
    p.add_argument("--grid", action="append", metavar="KEY=start:stop:num")
    p.add_argument("--set", action="append", metavar="KEY=VALUE")
    p.add_argument("--chunk", type=int, default=2048, help="grid points per batched solve")
    p.add_argument("--cutoff", type=int, default=12, help="Fock levels of system bosons")
    p.add_argument("--out", default="sweep.csv", help="output .csv or .npz")
    p.set_defaults(func=cmd_sweep)
    return parser


def main(argv: list[str] | None = None) -> int:
    import sympy.core.random

    # sympy's own generator (used e.g. by multivariate factorisation) is seeded from the OS;
    # a fixed seed makes every run of a command repeat the same computation, in time too
    sympy.core.random.seed(20261122)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed a one-line usage error
        return 2 if exc.code not in (0, None) else 0
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return int(args.func(args))
    except SymthermoError as exc:
        print(f"symthermo: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("symthermo: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
