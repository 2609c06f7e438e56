#!/usr/bin/env bash
# The test job: set up (if needed), lint, and run the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${VENV:-.venv}"
bash scripts/setup.sh "$venv"
"$venv/bin/ruff" check symthermo derivations tests bench
"$venv/bin/python" -m pytest "$@"
