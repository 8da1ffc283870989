// Cold start: how long each bundle takes to reject a bad input, from process start to exit, side
// by side with the toolkit's own floor, a minimal action that imports @actions/core and fails on
// an input, bundled here at run time with ncc exactly as ours are. Our target: within 1.2x of it.
// Every action is run with no inputs, as a runner would run a step whose required inputs are
// missing (each must fail with "Invalid input …" before loading any SDK); the row says so when
// one did not. Runs are interleaved (floor, each action, floor, …) so that a machine getting
// busier or quieter moves every column alike.
// `node bench/cold-start.bench.ts [distDir]` (default dist/; build one with
// `node scripts/bundle.ts /tmp/dist`).
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const dist = resolve(process.argv[2] ?? join(root, 'dist'))
const RUNS = 21
const scratch = mkdtempSync(join(tmpdir(), 'cold-start-'))

/** The floor: the smallest honest action, built like ours (ncc -m, ESM). */
function buildFloor(): string {
  const src = join(scratch, 'floor-src')
  mkdirSync(src)
  // ncc resolves @actions/core from the project's node_modules, as it does for our actions.
  symlinkSync(join(root, 'node_modules'), join(src, 'node_modules'))
  writeFileSync(join(src, 'package.json'), '{"type":"module"}\n')
  writeFileSync(
    join(src, 'index.js'),
    [
      "import * as core from '@actions/core'",
      'try {',
      "  const timeout = core.getInput('timeout', { required: true })",
      '  if (!/^\\d+[smh]$/.test(timeout)) throw new Error(`timeout: expected a duration like 30s, got "${timeout}"`)',
      '} catch (error) {',
      '  core.setFailed(`Invalid input ${error.message}`)',
      '}',
      '',
    ].join('\n'),
  )
  const out = join(scratch, 'floor')
  const ncc = join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js')
  // From the scratch folder: ncc reads tsconfig.json from its working directory, and ours maps
  // @actions/http-client to kit's lazy stand-in; the floor is @actions/core as anyone bundles it.
  const r = spawnSync(process.execPath, [ncc, 'build', join(src, 'index.js'), '-o', out, '-m', '-q'], {
    cwd: src,
    stdio: 'inherit',
  })
  if (r.status !== 0) throw new Error('ncc could not bundle the @actions/core floor action')
  return join(out, 'index.js')
}

/** A runner-like environment: the step's file commands in scratch files, no inputs. */
function runnerEnv(): NodeJS.ProcessEnv {
  const files = join(scratch, 'runner')
  mkdirSync(files, { recursive: true })
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, RUNNER_TEMP: files }
  for (const name of ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY']) {
    env[name] = join(files, name.toLowerCase())
    writeFileSync(env[name]!, '')
  }
  return env
}

interface Run {
  ms: number
  code: number | null
  stdout: string
}

function run(args: string[], env: NodeJS.ProcessEnv): Run {
  const t0 = process.hrtime.bigint()
  const r = spawnSync(process.execPath, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  const ms = Number(process.hrtime.bigint() - t0) / 1e6
  return { ms, code: r.status, stdout: r.stdout }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

function jsSize(dir: string): { main: number; total: number; files: number } {
  let total = 0
  let files = 0
  for (const f of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const st = statSync(join(dir, f))
    if (st.isFile() && f.endsWith('.js')) {
      total += st.size
      files++
    }
  }
  return { main: statSync(join(dir, 'index.js')).size, total, files }
}

try {
  const floor = buildFloor()
  const env = runnerEnv()
  const actions = readdirSync(dist)
    .filter((a) => existsSync(join(dist, a, 'index.js')))
    .sort()
  const subjects = [
    { name: '@actions/core floor', bundle: floor },
    ...actions.map((a) => ({ name: a, bundle: join(dist, a, 'index.js') })),
  ]
  const times = new Map(subjects.map((s) => [s.name, [] as number[]]))
  const rejected = new Map<string, string>()
  for (const s of subjects) {
    const first = run([s.bundle], env) // warms the page cache; its result says whether it rejected
    rejected.set(s.name, first.code === 1 && /^::error::/m.test(first.stdout) ? 'yes' : `no (exit ${first.code})`)
  }
  const bare: number[] = []
  for (let i = 0; i < RUNS; i++) {
    bare.push(run(['-e', '0'], env).ms)
    for (const s of subjects) times.get(s.name)!.push(run([s.bundle], env).ms)
  }
  const floorMs = median(times.get('@actions/core floor')!)
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(2)} MB`
  console.log(
    `node ${process.version}, ${RUNS} interleaved runs each, medians; bare \`node -e 0\`: ${median(bare).toFixed(0)} ms`,
  )
  console.log(`bundles from ${dist}; target: each action within 1.2x of the @actions/core floor`)
  console.log('bundle                start→exit   vs floor   rejected   index.js    all .js (files)')
  for (const s of subjects) {
    const ms = median(times.get(s.name)!)
    const size = jsSize(join(s.bundle, '..'))
    console.log(
      `${s.name.padEnd(20)}${`${ms.toFixed(0)} ms`.padStart(10)}${`${(ms / floorMs).toFixed(2)}x`.padStart(11)}` +
        `   ${rejected.get(s.name)!.padEnd(9)}${mb(size.main).padStart(9)}    ${mb(size.total)} (${size.files})`,
    )
  }
} finally {
  rmSync(scratch, { recursive: true, force: true })
}
