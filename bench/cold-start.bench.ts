// Cold start of each bundle: process start to exit on a trivial input (an empty set of inputs,
// which every action rejects during validation, before any SDK is loaded), and bundle sizes.
// Compared with bare `node -e 0` on the same Node.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const dist = join(root, 'dist')
const RUNS = 15

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

function time(args: string[]): number {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME }
  const t0 = process.hrtime.bigint()
  spawnSync(process.execPath, args, { env, stdio: 'ignore' })
  return Number(process.hrtime.bigint() - t0) / 1e6
}

function dirSize(dir: string): { total: number; main: number; files: number } {
  let total = 0
  let files = 0
  for (const f of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const st = statSync(join(dir, f))
    if (st.isFile() && f.endsWith('.js')) {
      total += st.size
      files++
    }
  }
  return { total, main: statSync(join(dir, 'index.js')).size, files }
}

const baseline = median(Array.from({ length: RUNS }, () => time(['-e', '0'])))
console.log(`node ${process.version}: bare \`node -e 0\` median ${baseline.toFixed(0)} ms over ${RUNS} runs`)
console.log('action            start→exit (median)   index.js    all .js (chunks)')
for (const action of readdirSync(dist).sort()) {
  const bundle = join(dist, action, 'index.js')
  if (!existsSync(bundle)) continue
  time([bundle]) // warm the page cache
  const ms = median(Array.from({ length: RUNS }, () => time([bundle])))
  const size = dirSize(join(dist, action))
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(2)} MB`
  console.log(
    `${action.padEnd(18)}${`${ms.toFixed(0)} ms`.padStart(10)}             ${mb(size.main).padStart(8)}    ${mb(size.total)} (${size.files} files)`,
  )
}
