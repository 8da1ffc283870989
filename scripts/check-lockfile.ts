// Fails when package-lock.json would not install on a fresh clone: out of sync with package.json
// or a workspace's package.json (what `npm ci` refuses), or missing another platform's optional
// packages (biome's and unrs' native binaries), which a lockfile regenerated on top of an existing
// node_modules silently drops, so `npm ci` on macOS or Windows fails.
// The sync check is npm's own: `npm ci --dry-run` in a scratch copy of the manifests, so the real
// node_modules is never touched and nothing is downloaded.
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces?: string[] }

/** The workspace folders `package.json` names (`packages/*` style patterns, or plain folders). */
function workspaceDirs(): string[] {
  return (manifest.workspaces ?? []).flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [pattern]
    const parent = pattern.slice(0, -2)
    return readdirSync(join(root, parent), { withFileTypes: true })
      .filter((e) => e.isDirectory() && existsSync(join(root, parent, e.name, 'package.json')))
      .map((e) => `${parent}/${e.name}`)
  })
}

function npmCiDryRun(): string[] {
  const scratch = mkdtempSync(join(tmpdir(), 'check-lockfile-'))
  try {
    const files = ['package.json', 'package-lock.json', ...workspaceDirs().map((d) => `${d}/package.json`)]
    for (const file of files) {
      mkdirSync(dirname(join(scratch, file)), { recursive: true })
      cpSync(join(root, file), join(scratch, file))
    }
    const r = spawnSync('npm', ['ci', '--dry-run', '--ignore-scripts', '--no-audit', '--no-fund'], {
      cwd: scratch,
      encoding: 'utf8',
    })
    if (r.status === 0) return []
    // npm's reason ("Missing: x@1 from lock file", "Invalid: lock file's y@1 does not satisfy y@2"),
    // without the usage text it prints after it.
    const reasons = r.stderr
      .split('\n')
      .map((l) => l.replace(/^npm error ?/, ''))
      .filter((l) => /^(Missing|Invalid|`npm ci`)/.test(l))
    return reasons.length ? reasons : [`npm ci --dry-run exited with ${r.status}: ${r.stderr.slice(0, 500)}`]
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
}

interface LockEntry {
  optionalDependencies?: Record<string, string>
}

/** Optional dependencies (of any platform) that the lockfile does not carry. */
function missingOptional(): string[] {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>
  }
  const missing: string[] = []
  for (const [path, entry] of Object.entries(lock.packages)) {
    for (const dep of Object.keys(entry.optionalDependencies ?? {})) {
      // Node's resolution: the package's own node_modules, then each enclosing one up to the root.
      let base = path
      let found = false
      for (;;) {
        if (lock.packages[`${base ? `${base}/` : ''}node_modules/${dep}`]) {
          found = true
          break
        }
        if (!base) break
        const up = base.lastIndexOf('/node_modules/')
        base = up < 0 ? '' : base.slice(0, up)
      }
      if (!found) missing.push(`${dep} (optional dependency of ${path || 'the root'})`)
    }
  }
  return missing
}

const problems = [
  ...npmCiDryRun(),
  ...missingOptional().map(
    (m) => `lockfile lacks ${m}: regenerate it with rm -rf node_modules package-lock.json && npm install`,
  ),
]
if (problems.length) {
  console.error(`package-lock.json would not install on a fresh clone:\n  ${problems.join('\n  ')}`)
  process.exit(1)
}
console.log('package-lock.json matches package.json and its workspaces, with every platform’s optional packages')
