// Bundles every action (actions/<name>/src/index.ts, found through <short>/action.yml and the root action.yml) with ncc into dist/<name>/: one minified
// ESM file plus the chunks of its dynamic imports, a licenses file, no source maps.
// ncc's -m minifies only the entry file; its code-split chunks (the SDK clients, loaded after
// input validation) come out as plain webpack output, so they are minified here with terser too:
// a third of the size, and less for V8 to parse on every run.
// `node scripts/bundle.ts [outDir] [action…]`
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { minify } from 'terser'
import { parse } from 'yaml'

const root = resolve(import.meta.dirname, '..')
const outRoot = resolve(process.argv[2] ?? join(root, 'dist'))
const only = process.argv.slice(3)
// Actions are found by their public face: a root folder `<short>/action.yml` whose
// `runs.main` is `../dist/<name>/index.js`; the code of <name> lives in actions/<name>/src.
function bundledName(folder: string): string | undefined {
  const file = join(root, folder, 'action.yml')
  if (folder.startsWith('.') || folder === 'node_modules' || !existsSync(file)) return undefined
  const main = (parse(readFileSync(file, 'utf8')) as { runs?: { main?: string } }).runs?.main
  const match = main?.match(/^\.\.\/dist\/([a-z0-9-]+)\/index\.js$/)
  if (!match?.[1]) return undefined
  if (!existsSync(join(root, 'actions', match[1], 'src', 'index.ts'))) {
    throw new Error(`${folder}/action.yml runs ${main}, but actions/${match[1]}/src/index.ts does not exist`)
  }
  return match[1]
}
// The root action.yml (uses: org/deploy-actions@v1) runs `dist/<name>/index.js`, its code in
// actions/<name>/src too.
function rootBundledName(): string | undefined {
  const main = (parse(readFileSync(join(root, 'action.yml'), 'utf8')) as { runs?: { main?: string } }).runs?.main
  const name = main?.match(/^dist\/([a-z0-9-]+)\/index\.js$/)?.[1]
  if (name && !existsSync(join(root, 'actions', name, 'src', 'index.ts'))) {
    throw new Error(`action.yml runs ${main}, but actions/${name}/src/index.ts does not exist`)
  }
  return name
}
const actions = [
  ...readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => bundledName(entry.name)),
  rootBundledName(),
]
  .filter((name): name is string => name !== undefined && (only.length === 0 || only.includes(name)))
  .sort()
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
  // --no-cache: ncc's persistent webpack cache (~/.cache/ncc, keyed by folder and entry) does not
  // track tsconfig.json's `paths`, and once reused stale resolutions that left kit's stand-ins out
  // of a bundle; every build here starts from the sources as they are, at the same speed.
  const r = spawnSync(
    process.execPath,
    [
      ncc,
      'build',
      join('actions', name, 'src', 'index.ts'),
      '-o',
      out,
      '-m',
      '--license',
      'licenses.txt',
      '-q',
      '--no-cache',
    ],
    { cwd: root, stdio: 'inherit' },
  )
  if (r.status !== 0) failed = true
  else await minifyChunks(out)
  console.log(`${r.status === 0 ? 'bundled' : 'FAILED '} ${name} in ${((Date.now() - started) / 1000).toFixed(1)}s`)
}
process.exit(failed ? 1 : 0)
