"""A paper stays a declaration (issue 18): every module under derivations/ is at most 600 lines.

Generic numerics belong in symthermo/ (symthermo.papers, symthermo.numeric); what a paper module
keeps is its models, printed equations, convention mappings, statements and figures.
"""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted(ROOT.glob("derivations/**/*.py"))
LIMIT = 600


def test_there_are_paper_modules():
    names = {p.stem for p in FILES}
    assert {"coupled_ensembles", "collective_ergotropy", "common_reservoirs"} <= names


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_paper_module_is_at_most_600_lines(path):
    n = len(path.read_text().splitlines())
    assert n <= LIMIT, f"{path.relative_to(ROOT)}: {n} lines; move generic numerics into symthermo/"


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_paper_module_builds_no_numpy_ladder_matrices(path):
    text = path.read_text()
    for helper in ("np.kron(", "np.linalg.svd(", "scipy.linalg.null_space("):
        assert helper not in text, f"{path.relative_to(ROOT)} uses {helper}: use the engine"
