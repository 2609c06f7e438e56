"""The ``symthermo`` command line.

    symthermo list                                   derivations, models, parameters
    symthermo derive NAME|PATH|--all [--out DIR]     write generated/<paper>/
    symthermo check NAME|--all                       cross-checks + printed-equation table
    symthermo steady NAME [--model V] [--set K=V ...] [--initial ground|mixed] [--json]
    symthermo figure NAME [FIG] [--out DIR]          the paper's figures (matplotlib)
    symthermo sweep NAME [--model V] --grid K=start:stop:num ... [--out table.csv|.npz]

User errors print one line on stderr, ``symthermo: error: ...``, and exit 2: any
:class:`~symthermo.errors.SymthermoError`, bad arguments, files that cannot be read or written
(OSError), a derivation file that does not import or whose ``build()`` fails, and requests
too large for memory (estimated and refused before allocating).  ``check`` exits 1 when a
cross-check of our own derivation fails (a paper's typo is reported, not a failure).  An
unexpected internal error prints one line too and exits 3 (``SYMTHERMO_TRACEBACK=1`` shows
the traceback).  A closed output pipe (``| head``) ends the command quietly.  Progress goes
to stderr.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import os
import sys
import time
import warnings
from pathlib import Path
from types import ModuleType

from . import __version__
from .errors import SymthermoError

DERIVATION_NAMES = ("common_reservoirs", "coupled_ensembles", "collective_ergotropy",
                    "memoryless_ness")


class UserError(SymthermoError):
    """A bad command-line request."""


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _project_root() -> Path:
    return Path(__file__).resolve().parent.parent


def load_derivation_module(name_or_path: str) -> ModuleType:
    """A derivation module by name (derivations/<name>.py) or by path to a .py file."""
    path = Path(name_or_path)
    if path.suffix == ".py":
        if not path.is_file():
            raise UserError(f"no derivation file {name_or_path!r}")
        spec = importlib.util.spec_from_file_location(path.stem, path)
        if spec is None or spec.loader is None:
            raise UserError(f"cannot import {name_or_path!r}")
        module = importlib.util.module_from_spec(spec)
        root = str(_project_root())
        if root not in sys.path:
            sys.path.insert(0, root)
        try:
            spec.loader.exec_module(module)
        except SyntaxError as exc:
            raise UserError(
                f"derivation file {name_or_path!r} has a syntax error at line {exc.lineno}: "
                f"{exc.msg}"
            ) from exc
        except SymthermoError as exc:
            raise UserError(f"derivation file {name_or_path!r}: {exc}") from exc
        except Exception as exc:  # its imports or top-level code: the file's problem
            raise UserError(
                f"importing derivation file {name_or_path!r} failed: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
    else:
        key = name_or_path.replace("-", "_")
        if key not in DERIVATION_NAMES:
            raise UserError(
                f"unknown derivation {name_or_path!r}: choose one of "
                f"{', '.join(DERIVATION_NAMES)} or give a path to a .py file"
            )
        try:
            module = importlib.import_module(f"derivations.{key}")
        except ModuleNotFoundError as exc:
            raise UserError(f"derivation {key!r} is not available ({exc})") from exc
    if not callable(getattr(module, "build", None)):
        raise UserError(f"{name_or_path!r} has no build() function returning a Derivation")
    return module


def _call(module: ModuleType, function: str, name: str) -> object:
    """``module.<function>()``: a failure of the derivation's own code is a one-line error."""
    fn = getattr(module, function, None)
    if not callable(fn):
        raise UserError(f"{name!r}: {function} is not a function")
    try:
        return fn()
    except SymthermoError as exc:
        raise UserError(f"{name!r}: {function}() failed: {exc}") from exc
    except (MemoryError, KeyboardInterrupt):
        raise
    except Exception as exc:
        raise UserError(f"{name!r}: {function}() raised {type(exc).__name__}: {exc}") from exc


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
        return list(DERIVATION_NAMES)
    if not args.name:
        raise UserError("give a derivation NAME (or PATH), or --all")
    return [args.name]


def _build(name: str):
    start = time.perf_counter()
    _progress(f"[{name}] deriving ...")
    d = _call(load_derivation_module(name), "build", name)
    _check_derivation(d, name)
    _progress(f"[{name}] derived in {time.perf_counter() - start:.1f} s")
    return d


# commands ----------------------------------------------------------------------------------


def models_and_parameters(name: str) -> tuple[str, dict, dict]:
    """(title, models, default parameters) of a derivation, without running its checks
    when the module offers ``build_models()`` and ``build_parameters()``."""
    module = load_derivation_module(name)
    title = getattr(module, "TITLE", name)
    if hasattr(module, "build_models") and hasattr(module, "build_parameters"):
        models, params = _call(module, "build_models", name), _call(module, "build_parameters",
                                                                     name)
    elif hasattr(module, "MODELS") and hasattr(module, "PARAMETERS"):
        models, params = module.MODELS, module.PARAMETERS
    else:
        d = _call(module, "build", name)
        _check_derivation(d, name)
        title, models, params = d.title, d.models, d.parameters  # type: ignore[attr-defined]
    if not isinstance(models, dict) or not isinstance(params, dict) or not models:
        raise UserError(f"{name!r}: its models and parameters must be non-empty dicts "
                        "{variant: model} and {variant: {symbol: value}}")
    return title, dict(models), dict(params)


def cmd_list(args: argparse.Namespace) -> int:
    for name in DERIVATION_NAMES:
        try:
            title, models, params = models_and_parameters(name)
        except UserError as exc:
            print(f"{name}: (not available: {exc})")
            continue
        print(f"{name}: {title}")
        for variant in models:
            values = params.get(variant, {})
            items = sorted(values.items(), key=lambda kv: str(kv[0]))
            shown = ", ".join(f"{k}={v:g}" for k, v in items)
            print(f"  --model {variant}: {shown}")
    return 0


def cmd_derive(args: argparse.Namespace) -> int:
    from derivations.framework import write_generated

    out = _output_directory(args.out)
    for name in _names(args):
        d = _build(name)
        files = write_generated(d, out)
        _progress(f"[{name}] wrote {len(files)} files under {out / d.name}")
        if not args.no_figures:
            _figures(name, out, None)
    return 0


def _figures(name: str, out: Path, which: list[str] | None) -> list[Path]:
    """The paper's figures, when matplotlib and the figure module are there (else say so)."""
    import importlib.util as util

    if util.find_spec("matplotlib") is None:
        _progress(f"[{name}] figures skipped: matplotlib is not installed "
                  "(pip install 'symthermo[plot]')")
        return []
    try:
        figures = importlib.import_module("derivations.figures")
    except ModuleNotFoundError:
        _progress(f"[{name}] figures skipped: derivations.figures is not available")
        return []
    if name not in getattr(figures, "FIGURE_PAPERS", DERIVATION_NAMES) or not figures.available(
        name
    ):
        _progress(f"[{name}] no figures defined")
        return []
    paths = figures.make_figures(name, out, which, progress=_progress)
    _progress(f"[{name}] wrote {len(paths)} figures under {out / name / 'figures'}")
    return paths


def cmd_figure(args: argparse.Namespace) -> int:
    key = args.name.replace("-", "_")
    if key not in DERIVATION_NAMES:
        raise UserError(
            f"unknown derivation {args.name!r}: choose one of {', '.join(DERIVATION_NAMES)}"
        )
    if importlib.util.find_spec("matplotlib") is None:
        raise UserError("matplotlib is not installed: pip install 'symthermo[plot]'")
    try:
        figures = importlib.import_module("derivations.figures")
    except ModuleNotFoundError as exc:
        raise UserError(f"figures are not available ({exc})") from exc
    which = [args.fig] if args.fig else None
    _output_directory(args.out)
    if args.fig and args.fig not in figures.available(key):
        raise UserError(
            f"{key} has no figure {args.fig!r}; it has {', '.join(figures.available(key))}"
        )
    _figures(key, Path(args.out), which)
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
        Path(args.name).stem if args.name.endswith(".py") else args.name.replace("-", "_"),
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
    if Path(args.out).suffix not in (".csv", ".npz"):
        raise UserError(f"--out {args.out!r} must end in .csv or .npz")
    if Path(args.out).is_dir():
        raise UserError(f"--out {args.out!r} is a directory: give a file name (.csv or .npz)")
    _output_directory(str(Path(args.out).parent))
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


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="symthermo",
        description="Symbolic derivations for the quantum thermodynamics of collision models.",
    )
    parser.add_argument("--version", action="version", version=f"symthermo {__version__}")
    sub = parser.add_subparsers(dest="command")
    p = sub.add_parser("list", help="derivations, their models and parameters")
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
    p.add_argument("--cutoff", type=_positive_int, default=12,
                   help="Fock levels of system bosons")
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.set_defaults(func=cmd_steady)
    p = sub.add_parser("sweep", help="steady states and currents over a parameter grid")
    p.add_argument("name")
    p.add_argument("--model", help="model variant")
    p.add_argument("--grid", action="append", metavar="KEY=start:stop:num")
    p.add_argument("--set", action="append", metavar="KEY=VALUE")
    p.add_argument("--chunk", type=_positive_int, default=2048,
                   help="grid points per batched solve")
    p.add_argument("--cutoff", type=_positive_int, default=12,
                   help="Fock levels of system bosons")
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
