"""Compile C source into a shared library and load it with ctypes (needs a C compiler).

Used by the compiled kernels (:func:`symthermo.emit.kernels.compile_c_kernels`) and by the
compiled batched steady-state solver (:mod:`symthermo.numeric.steady_c`). Each set of flags in
``flag_sets`` is tried in order; the first that compiles and loads wins (e.g. vector code for
this machine first, plain ``-O3`` as the fallback).

Every library's file name hashes the source, the flags, the compiler and this machine's CPU
description: a path is never reused for other content (the dynamic loader hands back the
library it already loaded from a path, whatever the file holds now), and an existing file of
that name is loaded without compiling. With ``cache=True`` libraries are kept under
:func:`cache_directory`, so a second process loads them without compiling (and a home
directory shared between different CPUs never loads a ``-march=native`` library built for
another one). Libraries are written under a temporary name and renamed into place, so
concurrent processes never load a half-written file.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import platform
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .errors import SymthermoError


class CCompileError(SymthermoError, RuntimeError):
    """The C compiler is missing, or no set of flags compiled and loaded the source."""


@dataclass(frozen=True)
class SharedLibrary:
    """A loaded library, the file it came from and the flags that built it."""

    library: ctypes.CDLL
    path: Path
    flags: tuple[str, ...]


@cache
def _cpu_signature() -> str:
    """What -march=native depends on: the CPU model and feature flags (Linux), else platform."""
    text = platform.machine() + platform.processor()
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith(("model name", "flags", "Features", "CPU part")):
                    text += line
                if line.strip() == "":  # the first processor is enough
                    break
    except OSError:
        pass
    return text


def cache_directory() -> Path:
    """``$SYMTHERMO_CACHE_DIR``, else ``$XDG_CACHE_HOME/symthermo``, else ``~/.cache/symthermo``."""
    env = os.environ.get("SYMTHERMO_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "symthermo"


def _writable(directory: Path) -> bool:
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(directory, os.W_OK)


def compile_shared_library(
    source: str,
    name: str,
    flag_sets: Sequence[Sequence[str]],
    *,
    compiler: str = "cc",
    directory: str | Path | None = None,
    cache: bool = False,
) -> SharedLibrary:
    """Compile ``source`` into ``<name>*.so`` and load it; the first flag set that works wins.

    ``directory``: where the source and library are written (default: the cache directory
    when ``cache=True`` and writable, else a fresh temporary directory). Raises
    :class:`CCompileError` with the compiler's messages when nothing compiles and loads.
    """
    if shutil.which(compiler) is None:
        raise CCompileError(f"C compiler {compiler!r} not found: install gcc or pass compiler=")
    if directory is not None:
        where = Path(directory)
        try:
            where.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CCompileError(
                f"cannot use {where} for compiled libraries ({exc.strerror or exc}): pass a "
                "writable directory"
            ) from exc
    elif cache and _writable(cache_directory()):
        where = cache_directory()
    else:
        where = Path(tempfile.mkdtemp(prefix="symthermo-cc-"))
    errors = []
    for flags in flag_sets:
        flags = tuple(flags)
        # the file name hashes everything the library's content depends on: the dynamic
        # loader keys loaded libraries by path, so reusing a path for other content would
        # hand back the first library (wrong functions, or a crash on other argument lists)
        key = "\0".join([source, compiler, *flags, _cpu_signature()])
        stem = f"{name}-{hashlib.sha256(key.encode()).hexdigest()[:16]}"
        lib = where / f"{stem}.so"
        if not lib.exists():
            src = where / f"{stem}.c"
            tmp_src = src.with_suffix(f".{os.getpid()}.c")
            tmp_lib = lib.with_suffix(f".{os.getpid()}.so")
            try:
                tmp_src.write_text(source)
            except OSError as exc:
                raise CCompileError(
                    f"cannot write {tmp_src} ({exc.strerror or exc}): pass a writable directory"
                ) from exc
            res = subprocess.run(
                [compiler, *flags, "-shared", "-fPIC", "-o", str(tmp_lib), str(tmp_src), "-lm"],
                capture_output=True, text=True, check=False,
            )
            if res.returncode != 0:
                tmp_src.unlink(missing_ok=True)
                errors.append(f"{compiler} {' '.join(flags)}:\n{res.stderr}")
                continue
            os.replace(tmp_src, src)
            os.replace(tmp_lib, lib)
        try:
            library = ctypes.CDLL(str(lib))
        except OSError as exc:  # e.g. glibc without the vector math symbols
            errors.append(f"loading {lib}: {exc}")
            continue
        return SharedLibrary(library, lib, flags)
    raise CCompileError(f"{compiler} failed on {name} in {where}:\n" + "\n".join(errors))


__all__ = ["CCompileError", "SharedLibrary", "cache_directory", "compile_shared_library"]
