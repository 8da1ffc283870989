// 300 migrations of mixed DDL and DML: our migrate vs psql -f of the same files on the same
// server (the physical floor: psql parses and sends, nothing else). Prints figures; never asserts.
// node bench/flyway.bench.ts
import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { engineOptions, newReport, parseDatabaseUrl, runCommand, scanLocations } from '@deploy-actions/flyway'
import { consoleLogger, type Logger } from '@deploy-actions/kit'
import { startPostgres, tempDir } from '@deploy-actions/testbed'

const COUNT = 300
const ROUNDS = 3

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

const quiet: Logger = { ...consoleLogger, info: () => {}, group: async (_t, fn) => fn() }

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

const results: Record<string, number[]> = { ours: [], psqlPerFile: [], psqlOneRun: [] }
try {
  for (let round = 0; round < ROUNDS; round++) {
    const a = await server.createDatabase()
    results.ours!.push(
      await time(async () => {
        const report = newReport('migrate', false)
        await runCommand(
          'migrate',
          engineOptions({ connection: parseDatabaseUrl(`${a.jdbcUrl}&sslmode=disable`), log: quiet }),
          scanLocations([migDir]).migrations,
          report,
        )
        if (report.applied.length !== COUNT) throw new Error(`applied ${report.applied.length}`)
      }),
    )
    const b = await server.createDatabase()
    results.psqlPerFile!.push(
      await time(() => {
        for (const f of files) psqlRun(b.name, ['-1', '-f', f])
      }),
    )
    const c = await server.createDatabase()
    results.psqlOneRun!.push(await time(() => psqlRun(c.name, ['-f', all])))
  }
} finally {
  await server.stop()
  rmSync(dir, { recursive: true, force: true })
}

const best = (xs: number[]) => Math.min(...xs)
const ours = best(results.ours!)
const perFile = best(results.psqlPerFile!)
const oneRun = best(results.psqlOneRun!)
console.log(
  `flyway migrate bench: ${COUNT} migrations of mixed DDL and DML, best of ${ROUNDS}, PostgreSQL 15 on 127.0.0.1`,
)
console.log(`  ours (scan + checksum + lock + history + each in its own transaction): ${ours.toFixed(0)} ms`)
console.log(
  `  psql -1 -f, one psql per file:                                     ${perFile.toFixed(0)} ms  → ratio ${(ours / perFile).toFixed(2)}x`,
)
console.log(
  `  psql -f of one concatenated file (BEGIN/COMMIT per migration):     ${oneRun.toFixed(0)} ms  → ratio ${(ours / oneRun).toFixed(2)}x`,
)
