"""Writing output files safely: whole or not at all.

:func:`write_bytes_atomic` writes to a temporary file in the target directory and renames it
into place (``os.replace`` is atomic on POSIX and Windows), so an interrupted run never
leaves a half-written report, LaTeX file or kernel module behind: each file is either the old
one or the new one.  :func:`remove_stale` deletes the outputs of a previous run that the
current run no longer produces (e.g. the fragment of a quantity that was renamed).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

__all__ = ["remove_stale", "write_bytes_atomic"]


def write_bytes_atomic(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (parent directories are created)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path


def remove_stale(directory: str | Path, keep: Iterable[str | Path], pattern: str) -> list[Path]:
    """Delete the files of ``directory`` matching ``pattern`` that are not in ``keep``."""
    directory = Path(directory)
    kept = {Path(p).resolve() for p in keep}
    removed = []
    for path in sorted(directory.glob(pattern)):
        if path.is_file() and path.resolve() not in kept:
            path.unlink()
            removed.append(path)
    return removed
