"""Finding derivations: by path (a ``.py`` file) or by name.

Names come, in this order, from

1. a ``derivations`` package in the current directory (a checkout: its ``NAMES``),
2. the entry-point group ``symthermo.papers`` of installed distributions
   (``name = "package.module"``; symthermo declares its four papers there),
3. a ``derivations`` package next to the installed ``symthermo`` package (a checkout run
   from elsewhere).

The library never imports a derivation statically: modules are imported by the name these
sources give, or from their file.  Figures of a derivation ``<dir>/<stem>.py`` come from its
``figures()`` function or from ``<dir>/figures/<stem>.py`` (its ``figures()``).
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType

from ..errors import SymthermoError

ENTRY_POINT_GROUP = "symthermo.papers"


class UnknownDerivationError(SymthermoError):
    """No derivation of that name or path."""


class DerivationImportError(SymthermoError):
    """A derivation file does not import (syntax error, failing import, top-level error)."""


def _checkout_names(root: Path) -> dict[str, str] | None:
    """``{name: module}`` from ``root/derivations/__init__.py`` (its NAMES), else None."""
    init = root / "derivations" / "__init__.py"
    if not init.is_file():
        return None
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    package = importlib.import_module("derivations")
    if Path(getattr(package, "__file__", "") or "").resolve() != init.resolve():
        return None  # another 'derivations' package is already imported
    return {name: f"derivations.{name}" for name in getattr(package, "NAMES", ())}


def paper_modules() -> dict[str, str]:
    """Registered derivations in their order: ``{name: importable module name}``."""
    found = _checkout_names(Path.cwd())
    if found:
        return found
    eps = entry_points(group=ENTRY_POINT_GROUP)
    if eps:
        return {ep.name: ep.value for ep in eps}
    return _checkout_names(Path(__file__).resolve().parents[2]) or {}


def _load_file(path: Path, prefix: str = "symthermo_user_") -> ModuleType:
    if not path.is_file():
        raise UnknownDerivationError(f"no derivation file {str(path)!r}")
    name = f"{prefix}{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise UnknownDerivationError(f"cannot import {str(path)!r}")
    module = importlib.util.module_from_spec(spec)
    module.NAME = getattr(module, "NAME", path.stem)  # default, a file may set its own
    sys.modules[name] = module  # dataclasses and pickling look the module up by name
    folder = str(path.resolve().parent)
    if folder not in sys.path:
        sys.path.insert(0, folder)  # a declaration may import its sibling modules
    try:
        spec.loader.exec_module(module)
    except SyntaxError as exc:
        sys.modules.pop(name, None)
        raise DerivationImportError(
            f"derivation file {str(path)!r} has a syntax error at line {exc.lineno}: {exc.msg}"
        ) from exc
    except SymthermoError as exc:
        sys.modules.pop(name, None)
        raise DerivationImportError(f"derivation file {str(path)!r}: {exc}") from exc
    except Exception as exc:  # its imports or top-level code: the file's problem
        sys.modules.pop(name, None)
        raise DerivationImportError(
            f"importing derivation file {str(path)!r} failed: {type(exc).__name__}: {exc}"
        ) from exc
    return module


def load_module(name_or_path: str) -> ModuleType:
    """A derivation module by path to a ``.py`` file or by registered name (``-`` = ``_``)."""
    path = Path(name_or_path)
    if path.suffix == ".py":
        return _load_file(path)
    key = name_or_path.replace("-", "_")
    modules = paper_modules()
    if key not in modules:
        raise UnknownDerivationError(
            f"unknown derivation {name_or_path!r}: choose one of "
            f"{', '.join(modules) or '(none registered)'} or give a path to a .py file"
        )
    try:
        return importlib.import_module(modules[key])
    except ModuleNotFoundError as exc:
        raise UnknownDerivationError(f"derivation {key!r} is not available ({exc})") from exc


def figures_of(module: ModuleType) -> list | None:
    """The module's Figure records: its ``figures()``, else ``figures/<stem>.py`` beside it;
    None when it defines none."""
    if callable(getattr(module, "figures", None)):
        return list(module.figures())
    stem = module.__name__.rsplit(".", 1)[-1]
    package = module.__package__ or ""
    if package:
        spec_name = f"{package}.figures.{stem}"
        try:
            if importlib.util.find_spec(spec_name) is not None:
                return list(importlib.import_module(spec_name).figures())
        except ModuleNotFoundError:
            pass
    file = getattr(module, "__file__", None)
    if file:
        candidate = Path(file).resolve().parent / "figures" / f"{Path(file).stem}.py"
        if candidate.is_file():
            return list(_load_file(candidate, "symthermo_user_figures_").figures())
    return None
