// What `via: kubernetes` adds to flyway-migrate: the bundle run directly against PostgreSQL and
// through the tunnel (proxy pod in the Kubernetes simulator, port-forward through its API server,
// same PostgreSQL), for 300 migrations on a fresh database and for a no-op re-run; three rounds,
// direct and tunnelled alternating, medians. The simulator's pod turns Ready after 100 ms: on a
// real cluster the pod's scheduling, image pull and start add to the tunnel's fixed cost.
// Prints figures; never asserts.
// node bench/flyway-tunnel.bench.ts  (needs dist/flyway-migrate: node scripts/bundle.ts dist flyway-migrate)
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runBundle, startKubeSimulator, startPostgres, tempDir } from '@deploy-actions/testbed'

const COUNT = 300
const ROUNDS = 3

/** Mixed DDL and DML, a table every third migration. */
function sql(i: number): string {
  const t = `tb${Math.floor(i / 3)}`
  if (i % 3 === 0) return `CREATE TABLE ${t} (id bigserial PRIMARY KEY, label text, qty int DEFAULT 0);\n`
  if (i % 3 === 1) return `INSERT INTO ${t} (label, qty) SELECT 'item ' || g, g FROM generate_series(1, 100) g;\n`
  return `CREATE INDEX ${t}_label ON ${t} (label);\nUPDATE ${t} SET qty = qty * 2 WHERE id % 3 = 0;\n`
}

const [server, sim] = await Promise.all([startPostgres(), startKubeSimulator({ podReadyDelayMs: 100 })])
const dir = tempDir('flyway-tunnel-bench')
mkdirSync(join(dir, 'db', 'migration'), { recursive: true })
for (let i = 0; i < COUNT; i++) writeFileSync(join(dir, 'db', 'migration', `V${i + 1}__m${i + 1}.sql`), sql(i))

async function timed(url: string, tunnel: boolean, expectApplied: number): Promise<{ ms: number; readyS?: number }> {
  const t0 = performance.now()
  const r = await runBundle('flyway-migrate', {
    cwd: dir,
    inputs: {
      url: `${url}&sslmode=disable`,
      user: 'postgres',
      ...(tunnel ? { via: 'kubernetes', kubeconfig: sim.kubeconfig } : {}),
    },
    timeoutMs: 300_000,
  })
  const ms = performance.now() - t0
  if (r.code !== 0 || r.outputs.applied !== String(expectApplied))
    throw new Error(`bundle failed: ${r.stdout}${r.stderr}`)
  const ready = /Ready after ([\d.]+) s/.exec(r.stdout)
  return { ms, ...(ready ? { readyS: Number(ready[1]) } : {}) }
}

const rows: Array<{ direct: number; tunnel: number; directNoop: number; tunnelNoop: number; readyS: number }> = []
try {
  for (let round = 0; round < ROUNDS; round++) {
    const a = await server.createDatabase()
    const b = await server.createDatabase()
    // Alternate which goes first, so neither always runs on a warmer machine.
    const first = round % 2 === 0
    const d1 = first ? await timed(a.jdbcUrl, false, COUNT) : undefined
    const t1 = await timed(b.jdbcUrl, true, COUNT)
    const d = d1 ?? (await timed(a.jdbcUrl, false, COUNT))
    const t2 = await timed(b.jdbcUrl, true, 0)
    const d2 = await timed(a.jdbcUrl, false, 0)
    rows.push({ direct: d.ms, tunnel: t1.ms, directNoop: d2.ms, tunnelNoop: t2.ms, readyS: t1.readyS ?? Number.NaN })
  }
} finally {
  await Promise.all([server.stop(), sim.stop()])
  rmSync(dir, { recursive: true, force: true })
}

const median = (xs: number[]) => {
  const s = [...xs].sort((x, y) => x - y)
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}
const f = (ms: number) => `${ms.toFixed(0)} ms`
console.log(
  `flyway-migrate tunnel bench: ${COUNT} migrations, ${ROUNDS} rounds, PostgreSQL 15 and the Kubernetes simulator on 127.0.0.1`,
)
for (const [i, r] of rows.entries())
  console.log(
    `  round ${i + 1}: ${COUNT} migrations direct ${f(r.direct)}, via kubernetes ${f(r.tunnel)} (+${f(r.tunnel - r.direct)}; pod Ready after ${r.readyS} s); no-op re-run direct ${f(r.directNoop)}, via kubernetes ${f(r.tunnelNoop)} (+${f(r.tunnelNoop - r.directNoop)})`,
  )
console.log(
  `  median added by the tunnel: ${f(median(rows.map((r) => r.tunnel - r.direct)))} to the ${COUNT}-migration run (median direct ${f(median(rows.map((r) => r.direct)))}), ${f(median(rows.map((r) => r.tunnelNoop - r.directNoop)))} to the no-op re-run (median direct ${f(median(rows.map((r) => r.directNoop)))})`,
)
console.log('  (whole bundle process, start to exit: pod create, Ready wait, port-forward, migrations, pod delete)')
