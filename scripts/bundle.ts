// Bundles every action (actions/<name>/src/index.ts) with ncc into dist/<name>/: one minified
// ESM file plus the chunks of its dynamic imports, a licenses file, no source maps.
// ncc's -m minifies only the entry file; its code-split chunks (the SDK clients, loaded after
// input validation) come out as plain webpack output, so they are minified here with terser too:
// a third of the size, and less for V8 to parse on every run.
// `node scripts/bundle.ts [outDir] [action…]`
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { minify } from 'terser'

const root = resolve(import.meta.dirname, '..')
const outRoot = resolve(process.argv[2] ?? join(root, 'dist'))
const only = process.argv.slice(3)
const actions = readdirSync(join(root, 'actions')).filter(
  (name) => existsSync(join(root, 'actions', name, 'src', 'index.ts')) && (only.length === 0 || only.includes(name)),
)
const ncc = join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js')
let failed = false

async function minifyChunks(dir: string): Promise<void> {
  for (const file of readdirSync(dir).filter((f) => /^\d+\.index\.js$/.test(f))) {
    const path = join(dir, file)
    const result = await minify(readFileSync(path, 'utf8'), {
      module: true,
      compress: { passes: 1 },
      mangle: true,
      format: { comments: false },
    })
    if (result.code === undefined) throw new Error(`terser produced nothing for ${path}`)
    writeFileSync(path, result.code)
  }
}
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
  else await minifyChunks(out)
  console.log(`${r.status === 0 ? 'bundled' : 'FAILED '} ${name} in ${((Date.now() - started) / 1000).toFixed(1)}s`)
}
process.exit(failed ? 1 : 0)
