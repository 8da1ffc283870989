#!/usr/bin/env bash
# The test command: set up what is missing, then typecheck, lint, check that the lockfile installs
# on a fresh clone and that dist/ matches the sources, and run the unit and integration tests
# (which start real local services).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh
source scripts/env.sh
echo "== typecheck"; npm run --silent typecheck
echo "== lint"; npm run --silent lint
echo "== check-lockfile"; npm run --silent check-lockfile
echo "== check-dist"; npm run --silent check-dist
echo "== tests"
results="$(mktemp -d)/jest.json"
status=0
npm test --silent -- --ci --json --outputFile="$results" || status=$?
# One plain closing line that any CI reader understands, whatever jest's own output looks like.
if [ -s "$results" ]; then
  node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`)' "$results"
fi
exit "$status"
