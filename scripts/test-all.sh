#!/usr/bin/env bash
# The test command: set up what is missing, then typecheck, lint, check that dist/ matches the
# sources, and run the unit and integration tests (which start real local services).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh
source scripts/env.sh
echo "== typecheck"; npm run --silent typecheck
echo "== lint"; npm run --silent lint
echo "== check-dist"; npm run --silent check-dist
echo "== tests"; npm test --silent -- --ci
