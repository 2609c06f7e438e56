"""symthermo.ccompile: compile, fall back through flag sets, cache, clear errors."""

from __future__ import annotations

import ctypes
import shutil
import subprocess

import pytest

from symthermo import ccompile
from symthermo.ccompile import CCompileError, compile_shared_library

pytestmark = pytest.mark.skipif(shutil.which("cc") is None, reason="no C compiler")

SOURCE = "double symthermo_test_axpy(double a, double x, double y) { return a * x + y; }\n"


def _axpy(library: ctypes.CDLL) -> float:
    fn = library.symthermo_test_axpy
    fn.restype = ctypes.c_double
    fn.argtypes = [ctypes.c_double] * 3
    return fn(2.5, 4.0, -1.0)


def test_first_working_flag_set_wins(tmp_path):
    built = compile_shared_library(
        SOURCE, "axpy", [("-fno-such-flag-for-symthermo",), ("-O2",)], directory=tmp_path
    )
    assert built.flags == ("-O2",)
    assert _axpy(built.library) == 9.0


def test_cache_is_reused_without_compiling(tmp_path, monkeypatch):
    monkeypatch.setenv("SYMTHERMO_CACHE_DIR", str(tmp_path / "cache"))
    first = compile_shared_library(SOURCE, "axpy", [("-O2",)], cache=True)
    assert first.path.parent == tmp_path / "cache"
    assert sorted(p.suffix for p in first.path.parent.iterdir()) == [".c", ".so"]

    def no_compiler(*args, **kwargs):
        raise AssertionError("compiled again although the cached library exists")

    monkeypatch.setattr(subprocess, "run", no_compiler)
    second = compile_shared_library(SOURCE, "axpy", [("-O2",)], cache=True)
    assert second.path == first.path
    assert _axpy(second.library) == 9.0
    # other flags or another source: another file
    monkeypatch.undo()
    monkeypatch.setenv("SYMTHERMO_CACHE_DIR", str(tmp_path / "cache"))
    third = compile_shared_library(SOURCE, "axpy", [("-O1",)], cache=True)
    assert third.path != first.path


def test_errors_name_the_problem(tmp_path, monkeypatch):
    with pytest.raises(CCompileError, match="'no-such-cc' not found: install gcc"):
        compile_shared_library(SOURCE, "axpy", [("-O2",)], compiler="no-such-cc")
    with pytest.raises(CCompileError, match="error") as info:
        compile_shared_library("double broken( {", "broken", [("-O2",)], directory=tmp_path)
    assert "broken" in str(info.value)
    assert not list(tmp_path.glob("*.so"))


def test_cache_directory_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SYMTHERMO_CACHE_DIR", str(tmp_path / "a"))
    assert ccompile.cache_directory() == tmp_path / "a"
    monkeypatch.delenv("SYMTHERMO_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert ccompile.cache_directory() == tmp_path / "xdg" / "symthermo"
