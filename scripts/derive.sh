#!/usr/bin/env bash
# The main job: set up (if needed) and regenerate every paper derivation into generated/.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${VENV:-.venv}"
bash scripts/setup.sh "$venv"
"$venv/bin/symthermo" derive --all --out generated
