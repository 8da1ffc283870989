// Transactional migrations sent several to a round trip (packages/flyway/src/batch.ts), against a
// real PostgreSQL: each still in its own transaction with its history row, logged when it starts,
// and a failure anywhere in a batch found exactly where one-at-a-time runs would find it.
import {
  engineOptions,
  MigrationError,
  newReport,
  parseDatabaseUrl,
  runCommand,
  scanLocations,
} from '@deploy-actions/flyway'
import { recordingLogger } from '@deploy-actions/kit'
import { type Postgres, startPostgres } from '@deploy-actions/testbed'
import { cleanUp, type Fixture, fixtures } from './fixture.ts'

let server: Postgres
let fixture: () => Promise<Fixture>

beforeAll(async () => {
  server = await startPostgres()
  fixture = fixtures(server)
}, 120_000)

afterAll(async () => {
  await server?.stop()
})

afterEach(cleanUp)

const pad = (n: number) => String(n).padStart(3, '0')

/** Runs migrate with a recording logger; returns the report, the log and the error, if any. */
async function migrate(f: Fixture) {
  const log = recordingLogger()
  const report = newReport('migrate', false)
  let error: unknown
  try {
    await runCommand(
      'migrate',
      engineOptions({ connection: parseDatabaseUrl(f.url), log, connectTimeoutMs: 5000 }),
      scanLocations([f.dir]).migrations,
      report,
    )
  } catch (e) {
    error = e
  }
  // A batch's lines may come in one write, one line each.
  const lines = log.lines.flatMap((l) => l.split('\n'))
  return { report, log: lines.filter((l) => l.startsWith('Migrating ')), error }
}

test('80 migrations (more than a batch holds), one non-transactional among them: each logged once, in order, each with its row', async () => {
  const f = await fixture()
  for (let i = 1; i <= 80; i++) {
    const sql =
      i === 41
        ? 'CREATE INDEX CONCURRENTLY t1_id ON t1 (id);\n'
        : `CREATE TABLE t${i} (id int);\nINSERT INTO t${i} VALUES (${i});\n`
    f.write(`V${i}__step_${pad(i)}.sql`, sql)
  }
  const { report, log, error } = await migrate(f)
  expect(error).toBeUndefined()
  expect(log).toEqual(
    Array.from(
      { length: 80 },
      (_, k) => `Migrating version ${k + 1} - step ${pad(k + 1)}${k + 1 === 41 ? ' [non-transactional]' : ''}`,
    ),
  )
  expect(report.applied.map((a) => a.version)).toEqual(Array.from({ length: 80 }, (_, k) => String(k + 1)))
  const history = await f.history()
  expect(history.map((h) => [h.installed_rank, h.version, h.success])).toEqual(
    Array.from({ length: 80 }, (_, k) => [k + 1, String(k + 1), true]),
  )
  expect(await f.query('SELECT count(*)::int AS n FROM pg_class WHERE relname ~ $1', ['^t[0-9]+$'])).toEqual([
    { n: 79 },
  ])
}, 120_000)

test('a statement that does not parse in the fifth migration of a batch: the four before it applied, it reported at its line, none after it', async () => {
  const f = await fixture()
  for (let i = 1; i <= 8; i++) f.write(`V${i}__m${i}.sql`, `CREATE TABLE m${i} (id int);\n`)
  f.write('V5__m5.sql', 'CREATE TABLE m5 (id int);\n\nCREATE TABLE oops (id int,, name text);\n')
  const { report, log, error } = await migrate(f)
  expect(error).toBeInstanceOf(MigrationError)
  const e = error as MigrationError
  expect(e.message).toMatch(/^Migration V5__m5\.sql failed at line 3: syntax error at or near ","/)
  expect(e.line).toBe(3)
  expect(e.leftState).toMatch(
    /^V5__m5\.sql rolled back whole, history unchanged for it; 4 migrations applied before it/,
  )
  expect(report.applied.map((a) => a.version)).toEqual(['1', '2', '3', '4'])
  expect(log).toEqual([1, 2, 3, 4, 5].map((i) => `Migrating version ${i} - m${i}`))
  expect((await f.history()).map((h) => h.version)).toEqual(['1', '2', '3', '4'])
  expect(await f.query("SELECT to_regclass('m5') AS m5, to_regclass('m6') AS m6")).toEqual([{ m5: null, m6: null }])
}, 120_000)

test('a failure while the third migration of a batch runs: the two before it committed, it rolled back, its line from the server position', async () => {
  const f = await fixture()
  f.write('V1__a.sql', 'CREATE TABLE a (id int);\n')
  f.write('V2__b.sql', 'CREATE TABLE b (id int);\n')
  f.write('V3__c.sql', 'CREATE TABLE c (id int);\n-- a comment\nINSERT INTO c SELECT no_such_column FROM a;\n')
  f.write('V4__d.sql', 'CREATE TABLE d (id int);\n')
  const { report, log, error } = await migrate(f)
  expect((error as MigrationError).message).toMatch(/^Migration V3__c\.sql failed at line 3: column "no_such_column"/)
  expect(report.applied.map((a) => a.version)).toEqual(['1', '2'])
  expect(log).toHaveLength(3)
  expect((await f.history()).map((h) => h.version)).toEqual(['1', '2'])
  expect(await f.query("SELECT to_regclass('c') AS c, to_regclass('d') AS d")).toEqual([{ c: null, d: null }])
}, 120_000)

test("a migration that sets client_min_messages = warning (pg_dump's header) does not hide the later ones' start", async () => {
  const f = await fixture()
  f.write(
    'V1__dump.sql',
    "SET client_min_messages = warning;\nSELECT pg_catalog.set_config('search_path', '', false);\n",
  )
  f.write('V2__a.sql', 'CREATE TABLE a (id int);\n')
  f.write('V3__b.sql', 'CREATE TABLE b (id int);\n')
  const { log, error } = await migrate(f)
  expect(error).toBeUndefined()
  expect(log).toEqual(['Migrating version 1 - dump', 'Migrating version 2 - a', 'Migrating version 3 - b'])
  expect(await f.query("SELECT to_regclass('public.a') AS a, to_regclass('public.b') AS b")).toEqual([
    { a: 'a', b: 'b' },
  ])
}, 120_000)

test('without PL/pgSQL (no marker can be raised) the migrations go one at a time, all applied', async () => {
  const f = await fixture()
  await f.query('DROP EXTENSION plpgsql')
  for (let i = 1; i <= 5; i++) f.write(`V${i}__p${i}.sql`, `CREATE TABLE p${i} (id int);\n`)
  const { report, log, error } = await migrate(f)
  expect(error).toBeUndefined()
  expect(log).toEqual([1, 2, 3, 4, 5].map((i) => `Migrating version ${i} - p${i}`))
  expect(report.applied.map((a) => a.version)).toEqual(['1', '2', '3', '4', '5'])
  expect((await f.history()).map((h) => [h.version, h.success])).toEqual([1, 2, 3, 4, 5].map((i) => [String(i), true]))
}, 120_000)

test('descriptions with a quote and a backslash are written into the history rows as they are', async () => {
  const f = await fixture()
  f.write("V1__it's_a\\b.sql", 'CREATE TABLE q1 (id int);\n')
  f.write('V2__plain.sql', 'CREATE TABLE q2 (id int);\n')
  const { error } = await migrate(f)
  expect(error).toBeUndefined()
  expect((await f.history()).map((h) => [h.description, h.script])).toEqual([
    ["it's a\\b", "V1__it's_a\\b.sql"],
    ['plain', 'V2__plain.sql'],
  ])
}, 120_000)

test('a later run numbers its rows on from the history: installed_rank continues after the last row, across a batch', async () => {
  const f = await fixture()
  for (let i = 1; i <= 3; i++) f.write(`V${i}__first_${i}.sql`, `CREATE TABLE f${i} (id int);\n`)
  expect((await migrate(f)).error).toBeUndefined()
  for (let i = 4; i <= 70; i++) f.write(`V${i}__later_${i}.sql`, `CREATE TABLE f${i} (id int);\n`)
  f.write('R__view.sql', 'CREATE OR REPLACE VIEW v AS SELECT 1 AS one;\n')
  const { error } = await migrate(f)
  expect(error).toBeUndefined()
  const history = await f.history()
  expect(history.map((h) => h.installed_rank)).toEqual(Array.from({ length: 71 }, (_, k) => k + 1))
  expect(history.at(-1)?.script).toBe('R__view.sql')
}, 120_000)

test('a migration that writes a history row itself fails on the primary key, rolled back whole (the one case where numbering once differs from Flyway)', async () => {
  const f = await fixture()
  f.write('V1__a.sql', 'CREATE TABLE a (id int);\n')
  f.write(
    'V2__sneaky.sql',
    `CREATE TABLE b (id int);\nINSERT INTO flyway_schema_history (installed_rank, version, description, type, script, installed_by, execution_time, success) VALUES (2, 'x', 'by hand', 'SQL', 'x.sql', 'me', 0, true);\n`,
  )
  f.write('V3__c.sql', 'CREATE TABLE c (id int);\n')
  const { report, error } = await migrate(f)
  expect((error as MigrationError).message).toMatch(/^Migration V2__sneaky\.sql failed.*duplicate key value/)
  expect(report.applied.map((a) => a.version)).toEqual(['1'])
  expect((await f.history()).map((h) => [h.installed_rank, h.version])).toEqual([[1, '1']])
  expect(await f.query("SELECT to_regclass('b') AS b, to_regclass('c') AS c")).toEqual([{ b: null, c: null }])
}, 120_000)
