// `npm run bench`: runs every bench/*.bench.ts in turn (or those named: `npm run bench -- flyway`),
// each printing its own figures. Benchmarks never assert on time.
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'

const dir = import.meta.dirname
const wanted = process.argv.slice(2)
const benches = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort()
let failed = 0
for (const file of benches) {
  console.log(`\n=== ${file}`)
  const r = spawnSync(process.execPath, [join(dir, file)], { stdio: 'inherit' })
  if (r.status !== 0) {
    failed++
    console.log(`(${file} exited with ${r.status})`)
  }
}
process.exit(failed ? 1 : 0)
