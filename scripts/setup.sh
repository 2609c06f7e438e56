#!/usr/bin/env bash
# Set up everything symthermo needs on a fresh Debian machine with Python and pip:
# LaTeX (for the pdflatex tests) from apt, and a virtual environment with the project.
# Usage: scripts/setup.sh [VENV_DIR]   (default .venv; reused when it exists)
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${1:-.venv}"
if ! command -v pdflatex >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    echo "installing LaTeX (texlive-latex-base, texlive-latex-recommended) with apt-get" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq texlive-latex-base texlive-latex-recommended >/dev/null
  else
    echo "pdflatex not found and not root: install texlive-latex-base texlive-latex-recommended" >&2
  fi
fi
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install -q --upgrade pip >/dev/null
"$venv/bin/python" -m pip install -q -e ".[test,plot,dev]"
