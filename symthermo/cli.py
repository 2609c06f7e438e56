"""The ``symthermo`` command line.

    symthermo list [NAME|FILE]                       derivations, models, parameters
    symthermo derive NAME|PATH|--all [--out DIR]     write generated/<paper>/
    symthermo check NAME|PATH|--all                  cross-checks + printed-equation table
    symthermo steady NAME [--model V] [--set K=V ...] [--initial ground|mixed] [--json]
    symthermo figure NAME [FIG] [--out DIR]          the paper's figures (matplotlib)
    symthermo sweep NAME [--model V] --grid K=start:stop:num ... [--out table.csv|.npz]

NAME is a registered derivation (``symthermo list``); PATH a Python file that declares at
least ``MODELS`` (see :mod:`symthermo.papers.declaration`).

User errors print one line on stderr, ``symthermo: error: ...``, and exit 2: any
:class:`~symthermo.errors.SymthermoError`, bad arguments, files that cannot be read or written
(OSError), a derivation file that does not import or whose ``build()`` fails, and requests
too large for memory (estimated and refused before allocating).  ``check`` exits 1 when a
cross-check of our own derivation fails (a paper's typo is reported, not a failure) or a
printed equation could not be decided; ``derive`` exits 1 when a check is undecided.  An
unexpected internal error prints one line too and exits 3 (``SYMTHERMO_TRACEBACK=1`` shows
the traceback).  A closed output pipe (``| head``) ends the command quietly.  Progress goes
to stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import TypeVar

from . import __version__
from .errors import SymthermoError
from .papers.declaration import derivation_of, models_of, module_name, parameters_of, title_of
from .papers.discovery import figures_of, load_module, paper_modules
from .papers.figures import write_figures
from .papers.records import STATUS_UNDECIDED, Derivation
from .papers.report import write_bibliography, write_generated

T = TypeVar("T")


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


def _guarded(name: str, what: str, compute: Callable[[], T]) -> T:
    """Run the derivation's own code: its failure is a one-line error naming the file."""
    try:
        return compute()
    except UserError:
        raise
    except SymthermoError as exc:
        raise UserError(f"{name!r}: {what} failed: {exc}") from exc
    except (MemoryError, KeyboardInterrupt):
        raise
    except Exception as exc:
        raise UserError(f"{name!r}: {what} raised {type(exc).__name__}: {exc}") from exc


_DERIVATION_FIELDS = ("name", "title", "models", "parameters", "quantities", "checks")


def _check_derivation(d: object, name: str) -> None:
    """A build() result must look like a Derivation (the fields the commands read)."""
    missing = [f for f in _DERIVATION_FIELDS if not hasattr(d, f)]
    if missing or not isinstance(getattr(d, "name", None), str):
        raise UserError(
            f"{name!r}: build() returned {type(d).__name__}, not a Derivation (missing "
            f"{', '.join(missing) or 'a str name'})"
        )
    if not isinstance(d.models, dict) or not isinstance(d.parameters, dict):  # type: ignore
        raise UserError(f"{name!r}: build() returned a Derivation whose models or parameters "
                        "are not dicts")


def _names(args: argparse.Namespace) -> list[str]:
    if getattr(args, "all", False):
        if args.name:
            raise UserError(f"give a derivation NAME ({args.name!r}) or --all, not both")
        return list(paper_modules())
    if not args.name:
        raise UserError("give a derivation NAME (or PATH), or --all")
    return [args.name]


def _display_name(name: str) -> str:
    return Path(name).stem if name.endswith(".py") else name.replace("-", "_")


def _build(name: str, module: ModuleType | None = None) -> Derivation:
    start = time.perf_counter()
    _progress(f"[{_display_name(name)}] deriving ...")
    module = module if module is not None else load_module(name)
    d = _guarded(name, "its derivation", lambda: derivation_of(module))
    _check_derivation(d, name)
    _progress(f"[{d.name}] derived in {time.perf_counter() - start:.1f} s")
    return d


def _undecided(d: Derivation) -> list[str]:
    return [c.label for c in d.checks if c.status == STATUS_UNDECIDED]


# commands ----------------------------------------------------------------------------------


def models_and_parameters(name: str) -> tuple[str, dict, dict]:
    """(title, models, default parameters) of a derivation, without running its checks
    when the module declares MODELS (or build_models())."""
    module = load_module(name)
    models = _guarded(name, "its models", lambda: models_of(module))
    params = _guarded(name, "its parameters", lambda: parameters_of(module))
    if not isinstance(params, dict):
        raise UserError(f"{name!r}: PARAMETERS must be a dict {{variant: {{symbol: value}}}}")
    return title_of(module), models, params


def cmd_list(args: argparse.Namespace) -> int:
    names = [args.name] if args.name else list(paper_modules())
    for name in names:
        try:
            title, models, params = models_and_parameters(name)
        except SymthermoError as exc:
            if args.name:
                raise
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
    if args.out is None:
        _progress("no --out given: writing under generated/")
    out = _output_directory(args.out or "generated")
    undecided = False
    derived = []
    for name in _names(args):
        module = load_module(name)
        d = _build(name, module)
        derived.append(d)
        files = write_generated(d, out)
        _progress(f"[{d.name}] wrote {len(files)} files under {out / d.name}")
        if _undecided(d):
            undecided = True
            _progress(f"[{d.name}] UNDECIDED checks (not counted as passing): "
                      f"{', '.join(_undecided(d))}")
        if not args.no_figures:
            _figures(name, out, None, module)
    if args.all:  # the papers of the whole set in one BibTeX file, for a manuscript
        write_bibliography(derived, out)
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
    _output_directory(args.out)
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


def _output_directory(out: str) -> Path:
    """``--out DIR``: created with its parents; refused early if not a writable directory."""
    path = Path(out)
    if path.exists() and not path.is_dir():
        raise UserError(f"--out {out!r} exists and is not a directory: give a directory")
    path.mkdir(parents=True, exist_ok=True)
    if not os.access(path, os.W_OK | os.X_OK):
        raise UserError(f"--out {out!r} is not writable: give a directory you can write to")
    return path


def _parse_sets(items: list[str]) -> dict[str, float]:
    from .validate import real_number

    out = {}
    for item in items or []:
        if "=" not in item:
            raise UserError(f"--set {item!r}: use KEY=VALUE, e.g. --set Jx_s=0.5")
        key, value = item.split("=", 1)
        key = key.strip()
        if key in out:
            raise UserError(f"--set {key!r} is given twice: give each parameter once")
        try:
            number = float(value)
        except ValueError as exc:
            raise UserError(f"--set {item!r}: {value!r} is not a number") from exc
        out[key] = real_number(key, number, what="--set")
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
    out = args.out
    if out is None:
        out = "sweep.csv"
        _progress("no --out given: writing the table to sweep.csv")
    if Path(out).suffix not in (".csv", ".npz"):
        raise UserError(f"--out {out!r} must end in .csv or .npz")
    if Path(out).is_dir():
        raise UserError(f"--out {out!r} is a directory: give a file name (.csv or .npz)")
    _output_directory(str(Path(out).parent))
    axes = [GridAxis.parse(g) for g in args.grid]
    with _sweep_executor(args.workers, args.scheduler) as executor:
        table = run_sweep(models[variant], defaults, axes, chunk=args.chunk, cutoff=args.cutoff,
                          executor=executor)
    path = write_table(table, out)
    _progress(f"wrote {len(next(iter(table.values())))} rows to {path}")
    return 0


@contextlib.contextmanager
def _sweep_executor(workers: int | None, scheduler: str | None):
    """None, a local process pool (--workers N) or a Dask client (--scheduler ADDRESS)."""
    if workers is not None and scheduler is not None:
        raise UserError("give --workers N or --scheduler ADDRESS, not both")
    if scheduler is not None:
        try:
            from distributed import Client
        except ImportError as exc:
            raise UserError("--scheduler needs Dask: pip install 'symthermo[dask]'") from exc
        try:
            client = Client(scheduler, timeout=30)
        except (OSError, TimeoutError, ValueError) as exc:
            raise UserError(f"cannot reach the Dask scheduler at {scheduler!r}: {exc}") from exc
        _progress(f"sweep on the Dask scheduler {scheduler}")
        with client:
            yield client
        return
    if workers is None or workers == 1:
        yield None
        return
    if workers < 1:
        raise UserError(f"--workers {workers}: give a number of processes >= 1")
    from concurrent.futures import ProcessPoolExecutor

    _progress(f"sweep on {workers} local worker processes")
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield pool


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


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (``symthermo: error: ...``, exit 2), no usage dump."""

    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"symthermo: error: {message} (see {self.prog} --help)", file=sys.stderr)
        raise SystemExit(2)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def _name_help() -> str:
    return ("derivation: one of " + ", ".join(paper_modules())
            + ", or the path of your own derivation .py file")


_MODEL_HELP = ("model variant of the derivation (its MODELS keys, e.g. 'single' for "
               "common_reservoirs); `symthermo list NAME` lists them with their default "
               "parameters; default: the first variant")
_SET_HELP = ("override a default parameter, by the symbol's name as `symthermo list` prints it, "
             "e.g. --set Jx_s=0.7 (repeatable)")
_CUTOFF_HELP = "Fock levels kept for each bosonic system site (default 12; qubits need none)"


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="symthermo",
        description="Symbolic derivations for the quantum thermodynamics of collision models. "
        "User errors exit with status 2; `check` exits 1 when one of our own cross-checks "
        "fails.",
    )
    parser.add_argument("--version", action="version", version=f"symthermo {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    p = sub.add_parser("list", help="derivations, their models (--model) and default parameters",
                       description="List the derivations (or one, by name or .py file) with "
                       "their model variants, the values accepted by --model, and their "
                       "default parameters, the names accepted by --set and --grid.")
    p.add_argument("name", nargs="?", metavar="NAME|FILE",
                   help=_name_help() + " (default: the four paper derivations)")
    p.set_defaults(func=cmd_list)
    p = sub.add_parser("derive", help="regenerate a derivation's outputs (report, LaTeX, "
                       "references.bib, kernels, figures)",
                       description="Write <out>/<derivation>/: report.md, equations.tex, "
                       "fragments/*.tex, references.bib, kernels.py and figures/.")
    p.add_argument("name", nargs="?", metavar="NAME|FILE", help=_name_help())
    p.add_argument("--all", action="store_true", help="all four paper derivations")
    p.add_argument("--out", default=None, metavar="DIR",
                   help="output directory (default: generated, announced on stderr)")
    p.add_argument("--no-figures", action="store_true", help="skip the figures (no matplotlib "
                   "needed)")
    p.set_defaults(func=cmd_derive)
    p = sub.add_parser("figure", help="make a paper's figures (needs matplotlib)")
    p.add_argument("name", metavar="NAME", help=_name_help())
    p.add_argument("fig", nargs="?", help="one figure id, e.g. fig1 (default: all)")
    p.add_argument("--out", default="generated", metavar="DIR",
                   help="output directory; figures go to DIR/NAME/figures (default: generated)")
    p.set_defaults(func=cmd_figure)
    p = sub.add_parser("check", help="cross-checks and the printed-equation comparison")
    p.add_argument("name", nargs="?", metavar="NAME|FILE", help=_name_help())
    p.add_argument("--all", action="store_true", help="all four paper derivations")
    p.set_defaults(func=cmd_check)
    p = sub.add_parser("steady", help="numeric steady state and its thermodynamics")
    p.add_argument("name", metavar="NAME|FILE", help=_name_help())
    p.add_argument("--model", metavar="VARIANT", help=_MODEL_HELP)
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help=_SET_HELP)
    p.add_argument(
        "--initial", default=None, metavar="{ground,mixed}",
        help="initial state from which a non-unique steady state is projected: 'ground' "
        "(every qubit in |0>, bosons in vacuum) or 'mixed' (maximally mixed)",
    )
    p.add_argument("--cutoff", type=_positive_int, default=12, metavar="LEVELS", help=_CUTOFF_HELP)
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.set_defaults(func=cmd_steady)
    p = sub.add_parser("sweep", help="steady states and currents over a parameter grid",
                       description="Steady states, every heat and work current (local, "
                       "non-local, total) and the l1 coherence on the Cartesian product of the "
                       "--grid axes; one row per grid point (last axis fastest).")
    p.add_argument("name", metavar="NAME|FILE", help=_name_help())
    p.add_argument("--model", metavar="VARIANT", help=_MODEL_HELP)
    p.add_argument("--grid", action="append", metavar="KEY=start:stop:num",
                   help="one axis of the grid: parameter KEY from start to stop (both "
                   "included) in num points, as numpy.linspace, e.g. --grid Jx_s=0.1:2:50 "
                   "(repeatable; at least one)")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help=_SET_HELP)
    p.add_argument("--chunk", type=_positive_int, default=2048,
                   help="grid points per batched solve, and per task with --workers/--scheduler "
                   "(default 2048)")
    p.add_argument("--cutoff", type=_positive_int, default=12, metavar="LEVELS", help=_CUTOFF_HELP)
    p.add_argument("--workers", type=_positive_int, metavar="N", default=None,
                   help="solve the chunks on N local worker processes (default: this process)")
    p.add_argument("--scheduler", metavar="ADDRESS", default=None,
                   help="solve the chunks on a Dask cluster, e.g. tcp://10.0.0.1:8786 "
                   "(needs symthermo[dask]); the table is the same as in one process")
    p.add_argument("--out", default=None, metavar="FILE",
                   help="output table, .csv or .npz (default: sweep.csv, announced on stderr)")
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
    return run_command(args)


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def _stdout_closed() -> None:
    """The reader of stdout went away (``| head``): drop further output quietly."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def run_command(args: argparse.Namespace) -> int:
    """Run a parsed command; every error a user can cause becomes one line and exit 2."""
    try:
        with warnings.catch_warnings():  # overflow/NaN become one-line errors, not warnings
            warnings.simplefilter("ignore", RuntimeWarning)
            code = int(args.func(args))
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        _stdout_closed()
        return 0
    except SymthermoError as exc:
        message = _one_line(exc)
    except MemoryError:
        message = ("not enough memory for this request: use fewer grid points, a smaller "
                   "--cutoff or a smaller --chunk")
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        message = f"cannot access{where}: {_one_line(exc.strerror or exc)}"
    except OverflowError as exc:
        message = f"a number overflows ({_one_line(exc)}): use smaller parameter values"
    except KeyboardInterrupt:
        print("symthermo: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug of ours: one line; the traceback on request
        if os.environ.get("SYMTHERMO_TRACEBACK"):
            raise
        print(f"symthermo: internal error: {type(exc).__name__}: {_one_line(exc)} (please "
              "report it; SYMTHERMO_TRACEBACK=1 shows the traceback)", file=sys.stderr)
        return 3
    print(f"symthermo: error: {message}", file=sys.stderr)
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
