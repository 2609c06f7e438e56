"""The tutorial's code blocks run in order, as a new user would run them."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

TUTORIAL = Path(__file__).resolve().parent.parent / "docs" / "tutorial.md"


def test_tutorial_blocks_run_and_check_eq_21() -> None:
    blocks = re.findall(r"```python\n(.*?)```", TUTORIAL.read_text(), re.S)
    assert len(blocks) >= 5
    namespace: dict = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for i, block in enumerate(blocks):
            exec(compile(block, f"tutorial block {i + 1}", "exec"), namespace)
    assert "Eq. (21) holds under <sigma^z_R> = -xi_R: True" in out.getvalue()


def test_tutorial_paper_file_runs_through_the_command_line(tmp_path: Path) -> None:
    """Section 6's file is a complete paper declaration: derive and check it from a shell."""
    import subprocess
    import sys

    blocks = re.findall(r"```python\n(.*?)```", TUTORIAL.read_text(), re.S)
    paper = next(b for b in blocks if "def checks()" in b)
    assert len(paper.splitlines()) <= 150
    path = tmp_path / "my_paper.py"
    path.write_text(paper)
    root = TUTORIAL.parent.parent

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "symthermo.cli", *args], cwd=tmp_path,
                              capture_output=True, text=True, timeout=600,
                              env={"PYTHONPATH": str(root), "OPENBLAS_NUM_THREADS": "1"})

    derived = run("derive", str(path), "--out", str(tmp_path / "gen"), "--no-figures")
    assert derived.returncode == 0, derived.stderr
    report = (tmp_path / "gen" / "my_paper" / "report.md").read_text()
    assert "| Eq. (21) | local heat current | holds under convention |" in report
    assert "| Eq. (29) |" in report and "| differs | paper error |" in report
    assert "compare" not in paper
    checked = run("check", str(path))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "all cross-checks pass" in checked.stdout
