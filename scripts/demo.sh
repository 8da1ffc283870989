#!/usr/bin/env bash
# The main job: a whole local release demo against real local services (see README).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh
source scripts/env.sh
exec node scripts/demo.ts "$@"
