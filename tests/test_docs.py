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
