// Fails when a fresh bundle differs from the committed dist/ (changed, missing or extra files).
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const fresh = mkdtempSync(join(tmpdir(), 'check-dist-'))
const r = spawnSync(process.execPath, [join(root, 'scripts', 'bundle.ts'), fresh], { stdio: 'inherit' })
if (r.status !== 0) process.exit(1)

function files(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => statSync(join(dir, f)).isFile())
    .sort()
}
const committed = join(root, 'dist')
const a = new Set(files(committed))
const b = new Set(files(fresh))
const problems: string[] = []
for (const f of b) {
  if (!a.has(f)) problems.push(`missing from dist/: ${f}`)
  else if (!readFileSync(join(committed, f)).equals(readFileSync(join(fresh, f)))) problems.push(`differs: dist/${f}`)
}
for (const f of a) if (!b.has(f)) problems.push(`stale in dist/ (no longer built): ${f}`)
if (problems.length) {
  console.error(
    `dist/ is out of date with the sources (run npm run bundle and commit dist/):\n  ${problems.join('\n  ')}`,
  )
  process.exit(1)
}
console.log(`dist/ matches a fresh bundle (${b.size} files in ${relative(root, committed)}/)`)
