// 300 migrations of mixed DDL and DML on a fresh database: the whole flyway-migrate bundle run as
// the runner runs it (process start to exit, history written) against one `psql -f` of the same
// files, each wrapped in BEGIN/COMMIT, on another fresh database of the same server; five pairs
// back to back (after one warm-up pair, printed, not counted; the order alternates within pairs),
// the median of the pair ratios. Prints figures; never asserts.
// node bench/flyway.bench.ts  (needs dist/flyway-migrate: node scripts/bundle.ts dist flyway-migrate)
import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { runBundle, startPostgres, tempDir } from '@deploy-actions/testbed'

const COUNT = 300
const PAIRS = 5

function migration(i: number): string {
  const t = `t${Math.floor(i / 6)}`
  switch (i % 6) {
    case 0:
      return `-- table ${t}\nCREATE TABLE ${t} (\n  id bigserial PRIMARY KEY,\n  name text NOT NULL,\n  amount numeric(12,2) DEFAULT 0,\n  created_at timestamptz DEFAULT now()\n);\nCOMMENT ON TABLE ${t} IS 'table ${i}; with a semicolon';\n`
    case 1:
      return `INSERT INTO ${t} (name, amount)\nSELECT 'row ' || g, g * 1.5 FROM generate_series(1, 200) AS g;\nUPDATE ${t} SET amount = amount + 1 WHERE id % 2 = 0;\n`
    case 2:
      return `ALTER TABLE ${t} ADD COLUMN note text;\nCREATE INDEX ${t}_name ON ${t} (name);\nCREATE OR REPLACE FUNCTION ${t}_total() RETURNS numeric LANGUAGE plpgsql AS $$\nDECLARE s numeric;\nBEGIN\n  SELECT sum(amount) INTO s FROM ${t};\n  RETURN s;\nEND;\n$$;\n`
    case 3:
      return `CREATE VIEW ${t}_v AS SELECT id, upper(name) AS name FROM ${t};\nINSERT INTO ${t} (name) VALUES ('it''s'), ('a;b'), ('naïve');\n`
    case 4:
      return `DELETE FROM ${t} WHERE id > 190;\nALTER TABLE ${t} ALTER COLUMN note SET DEFAULT 'n/a';\n`
    default:
      return `CREATE TABLE ${t}_audit (id bigint REFERENCES ${t}(id), at timestamptz DEFAULT now());\nINSERT INTO ${t}_audit (id) SELECT id FROM ${t} WHERE id <= 50;\n`
  }
}

const server = await startPostgres()
const dir = tempDir('flyway-bench')
const migDir = join(dir, 'db', 'migration')
mkdirSync(migDir, { recursive: true })
for (let i = 0; i < COUNT; i++) writeFileSync(join(migDir, `V${i + 1}__step_${i + 1}.sql`), migration(i))
const files = readdirSync(migDir)
  .sort((a, b) => Number(a.slice(1, a.indexOf('__'))) - Number(b.slice(1, b.indexOf('__'))))
  .map((f) => join(migDir, f))
const all = join(dir, 'all.sql')
writeFileSync(all, files.map((f) => `BEGIN;\n${readFileSync(f, 'utf8')}\nCOMMIT;\n`).join(''))
const psql = join(server.binDir, 'psql')

function psqlRun(db: string, args: string[]): void {
  const r = spawnSync(
    psql,
    [
      '-X',
      '-q',
      '-v',
      'ON_ERROR_STOP=1',
      '-h',
      '127.0.0.1',
      '-p',
      String(server.port),
      '-U',
      'postgres',
      '-d',
      db,
      ...args,
    ],
    {
      encoding: 'utf8',
    },
  )
  if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`)
}

async function time(fn: () => Promise<void> | void): Promise<number> {
  const t0 = performance.now()
  await fn()
  return performance.now() - t0
}

async function oursOnce(): Promise<number> {
  const a = await server.createDatabase()
  return time(async () => {
    const r = await runBundle('flyway-migrate', { cwd: dir, inputs: { url: `${a.jdbcUrl}&sslmode=disable` } })
    if (r.code !== 0 || r.outputs.applied !== String(COUNT)) throw new Error(`bundle failed: ${r.stdout}${r.stderr}`)
  })
}
async function psqlOnce(): Promise<number> {
  const b = await server.createDatabase()
  return time(() => psqlRun(b.name, ['-f', all]))
}

// One pair first, not counted: the first run reads the bundle's 5 MB of chunks from disk, which
// psql's small binary does not pay; it is printed so the cold figure stays visible. Within each
// pair the order alternates, so neither side always runs on a server the other just warmed.
const pairs: Array<{ ours: number; psql: number }> = []
let warmUp: { ours: number; psql: number } | undefined
try {
  warmUp = { ours: await oursOnce(), psql: await psqlOnce() }
  for (let pair = 0; pair < PAIRS; pair++) {
    if (pair % 2 === 0) {
      const ours = await oursOnce()
      pairs.push({ ours, psql: await psqlOnce() })
    } else {
      const psqlMs = await psqlOnce()
      pairs.push({ ours: await oursOnce(), psql: psqlMs })
    }
  }
} finally {
  await server.stop()
  rmSync(dir, { recursive: true, force: true })
}

const median = (xs: number[]) => {
  const s = [...xs].sort((x, y) => x - y)
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}
const ratios = pairs.map((p) => p.ours / p.psql)
console.log(
  `flyway-migrate bench: ${COUNT} migrations of mixed DDL and DML, ${PAIRS} pairs, PostgreSQL 15 on 127.0.0.1 (load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')})`,
)
if (warmUp)
  console.log(
    `  warm-up (not counted): bundle ${warmUp.ours.toFixed(0)} ms, psql -f ${warmUp.psql.toFixed(0)} ms → ${(warmUp.ours / warmUp.psql).toFixed(2)}x`,
  )
for (const [i, p] of pairs.entries())
  console.log(
    `  pair ${i + 1}: bundle ${p.ours.toFixed(0)} ms, psql -f ${p.psql.toFixed(0)} ms → ${(p.ours / p.psql).toFixed(2)}x`,
  )
console.log(
  `  median of the pair ratios: ${median(ratios).toFixed(2)}x (bundle run: process start to exit, history written)`,
)
