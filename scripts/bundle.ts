// Bundles every action (actions/<name>/src/index.ts) with ncc into dist/<name>/: one minified
// ESM file plus the chunks of its dynamic imports, a licenses file, no source maps.
// `node scripts/bundle.ts [outDir] [action…]`
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const outRoot = resolve(process.argv[2] ?? join(root, 'dist'))
const only = process.argv.slice(3)
const actions = readdirSync(join(root, 'actions')).filter(
  (name) => existsSync(join(root, 'actions', name, 'src', 'index.ts')) && (only.length === 0 || only.includes(name)),
)
const ncc = join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js')
let failed = false
for (const name of actions) {
  const out = join(outRoot, name)
  rmSync(out, { recursive: true, force: true })
  const started = Date.now()
  const r = spawnSync(
    process.execPath,
    [ncc, 'build', join('actions', name, 'src', 'index.ts'), '-o', out, '-m', '--license', 'licenses.txt', '-q'],
    { cwd: root, stdio: 'inherit' },
  )
  if (r.status !== 0) failed = true
  console.log(`${r.status === 0 ? 'bundled' : 'FAILED '} ${name} in ${((Date.now() - started) / 1000).toFixed(1)}s`)
}
process.exit(failed ? 1 : 0)
