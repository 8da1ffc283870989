#!/usr/bin/env bash
# The main job: three local releases of a sample service and a DR drill, by the release CLI
# against real local services (see README).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh
source scripts/env.sh
# The release runs each step as its action's bundle (dist/ is committed; build what is missing).
missing=()
for name in ecr-push rds-snapshot flyway-migrate canary-deploy smoke-test frontend-sync; do
  [ -f "${DEPLOY_ACTIONS_DIST:-dist}/$name/index.js" ] || missing+=("$name")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "demo: bundling ${missing[*]} (dist/ lacks them)"
  node scripts/bundle.ts "${DEPLOY_ACTIONS_DIST:-dist}" "${missing[@]}"
fi
exec node scripts/demo.ts "$@"
