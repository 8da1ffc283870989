// What Flyway does around each migration and which schema it manages, against a real PostgreSQL:
// each case failed (or went to the wrong schema) before the engine followed Flyway's DbMigrate,
// PostgreSQLConnection and PostgreSQLSchema.
import { flywayChecksum, parseDatabaseUrl } from '@deploy-actions/flyway'
import { type Postgres, startPostgres } from '@deploy-actions/testbed'
import { cleanUp, type Fixture, fixtures } from './fixture.ts'

let server: Postgres
let fixture: () => Promise<Fixture>

beforeAll(async () => {
  server = await startPostgres()
  fixture = fixtures(server)
})

afterAll(async () => {
  await server?.stop()
})

afterEach(cleanUp)

/** The error a run must end with (a ValidationError carries its issues). */
const failed = (run: Promise<unknown>) =>
  run.then(
    () => {
      throw new Error('expected a failure')
    },
    (e: unknown) => e as Error & { issues?: Array<{ message: string }> },
  )

const tableSchema = async (f: Fixture, table: string) =>
  (
    await f.query<{ s: string }>('SELECT table_schema AS s FROM information_schema.tables WHERE table_name = $1', [
      table,
    ])
  )
    .map((r) => r.s)
    .sort()

describe('per-migration session reset (DbMigrate: restoreOriginalState, changeCurrentSchemaTo)', () => {
  test("a pg_dump'ed V1 that empties the search path does not break the unqualified migrations after it", async () => {
    const f = await fixture()
    f.write(
      'V1__baseline.sql',
      "SELECT pg_catalog.set_config('search_path', '', false);\nCREATE TABLE public.customer (id int PRIMARY KEY);\n",
    )
    f.write('V2__phone.sql', 'ALTER TABLE customer ADD COLUMN phone text;\n')
    f.write('V3__orders.sql', 'CREATE TABLE orders (id int, customer_id int REFERENCES customer);\n')
    const r = await f.run('migrate')
    expect(r.applied.map((a) => a.script)).toEqual(['V1__baseline.sql', 'V2__phone.sql', 'V3__orders.sql'])
    expect(await tableSchema(f, 'orders')).toEqual(['public'])
  })

  test("a SET search_path in one migration does not move the next one's tables", async () => {
    const f = await fixture()
    f.write('V1__other.sql', 'CREATE SCHEMA other;\nSET search_path TO other;\nCREATE TABLE in_other (id int);\n')
    f.write('V2__next.sql', 'CREATE TABLE next_one (id int);\n')
    await f.run('migrate')
    expect(await tableSchema(f, 'in_other')).toEqual(['other'])
    expect(await tableSchema(f, 'next_one')).toEqual(['public'])
  })

  test('SET ROLE inside a migration: the history row is written as the connecting user, the next migration runs as it', async () => {
    const f = await fixture()
    const role = `flyway_owner_${Date.now()}`
    f.write('V1__role.sql', `CREATE ROLE ${role} NOLOGIN;\nGRANT CREATE ON SCHEMA public TO ${role};\n`)
    f.write('V2__as_owner.sql', `SET ROLE ${role};\nCREATE TABLE owned (id int);\n`)
    f.write('V3__after.sql', 'CREATE TABLE after_switch (id int);\n')
    const r = await f.run('migrate')
    expect(r.applied).toHaveLength(3)
    const owners = await f.query<{ t: string; o: string }>(
      "SELECT tablename AS t, tableowner AS o FROM pg_tables WHERE tablename IN ('owned', 'after_switch') ORDER BY 1",
    )
    expect(owners).toEqual([
      { t: 'after_switch', o: 'postgres' },
      { t: 'owned', o: role },
    ])
    expect((await f.history()).map((h) => h.installed_by)).toEqual(['postgres', 'postgres', 'postgres'])
    await f.query(`DROP OWNED BY ${role}; DROP ROLE ${role}`)
  })

  test('a failing migration after a SET ROLE one is still reported with its line', async () => {
    const f = await fixture()
    f.write('V1__ok.sql', 'CREATE TABLE ok (id int);\n')
    f.write('V2__bad.sql', 'SELECT 1;\n\nSELECT nope FROM ok;\n')
    const error = await f.run('migrate').catch((e: unknown) => e)
    expect((error as { line?: number }).line).toBe(3)
  })
})

describe('default schema (schemas unset): the connection current schema, as Flyway', () => {
  test("the user's own schema under the default search path holds the history and the tables", async () => {
    const f = await fixture()
    const user = `alice_${Date.now()}`
    await f.query(`CREATE ROLE ${user} LOGIN; CREATE SCHEMA ${user} AUTHORIZATION ${user}`)
    f.write('V1__t.sql', 'CREATE TABLE t (id int);\n')
    const connection = { ...parseDatabaseUrl(f.url), user, sslmode: 'disable' as const }
    await f.run('migrate', { connection })
    expect(await tableSchema(f, 'flyway_schema_history')).toEqual([user])
    expect(await tableSchema(f, 't')).toEqual([user])
    await f.query(`DROP SCHEMA ${user} CASCADE; DROP ROLE ${user}`)
  })

  test('currentSchema= in a JDBC URL: created with the marker row, holds the history and the tables', async () => {
    const f = await fixture()
    f.write('V1__t.sql', 'CREATE TABLE t (id int);\n')
    const connection = parseDatabaseUrl(`${f.jdbcUrl}&sslmode=disable&currentSchema=app`)
    const r = await f.run('migrate', { connection })
    expect(r.actions).toContain('created schema app')
    expect(await tableSchema(f, 't')).toEqual(['app'])
    expect((await f.history('app.flyway_schema_history')).map((h) => h.type)).toEqual(['SCHEMA', 'SQL'])
  })

  test('a history Flyway wrote in the current schema is found: nothing is applied again', async () => {
    const f = await fixture()
    f.write('V1__t.sql', 'CREATE TABLE t (id int);\n')
    const connection = parseDatabaseUrl(`${f.jdbcUrl}&sslmode=disable&currentSchema=app`)
    await f.run('migrate', { connection })
    const again = await f.run('migrate', { connection })
    expect(again.applied).toEqual([])
    expect(await tableSchema(f, 'flyway_schema_history')).toEqual(['app'])
  })
})

test('extension-owned objects do not make a schema non-empty (PostgreSQLSchema.doEmpty)', async () => {
  const f = await fixture()
  await f.query('CREATE EXTENSION "uuid-ossp"; CREATE EXTENSION pgcrypto')
  f.write('V1__t.sql', 'CREATE TABLE t (id uuid DEFAULT uuid_generate_v4());\n')
  const r = await f.run('migrate')
  expect(r.applied.map((a) => a.version)).toEqual(['1'])
  expect((await f.history()).map((h) => h.type)).toEqual(['SQL'])
  // A schema with a table of its own is still refused without baseline-on-migrate.
  const g = await fixture()
  await g.query('CREATE EXTENSION pgcrypto; CREATE TABLE legacy (id int)')
  g.write('V1__t.sql', 'CREATE TABLE t (id int);\n')
  await expect(g.run('migrate')).rejects.toThrow(/non-empty schema/)
})

describe("scanning as Flyway's FileSystemScanner", () => {
  test('symlinked files are followed, hidden folders skipped, .SQL matched; a ConfigMap-style mount applies each file once', async () => {
    const f = await fixture()
    f.write('..2026_01_01_00_00_00.1/V1__first.sql', 'CREATE TABLE first_t (id int);\n')
    f.write('..2026_01_01_00_00_00.1/V2__second.SQL', 'CREATE TABLE second_t (id int);\n')
    f.link('..data', '..2026_01_01_00_00_00.1')
    f.link('V1__first.sql', '..data/V1__first.sql')
    f.link('V2__second.SQL', '..data/V2__second.SQL')
    f.write('.hidden/V3__hidden.sql', 'CREATE TABLE hidden_t (id int);\n')
    const r = await f.run('migrate')
    expect(r.applied.map((a) => a.script)).toEqual(['V1__first.sql', 'V2__second.SQL'])
    expect(await tableSchema(f, 'hidden_t')).toEqual([])
  })

  test('a description over 200 characters is stored as Flyway abbreviates it, and validate agrees', async () => {
    const f = await fixture()
    const long = `${'very_long_description_'.repeat(11)}end`
    f.write(`V1__${long}.sql`, 'SELECT 1;\n')
    await f.run('migrate')
    const [row] = await f.history()
    expect(row!.description).toBe(`${long.replace(/_/g, ' ').slice(0, 197)}...`)
    expect((row!.description as string).length).toBe(200)
    await expect(f.run('validate')).resolves.toMatchObject({ errors: [] })
    await expect(f.run('repair')).resolves.toMatchObject({
      actions: ['schema history is consistent: nothing to repair'],
    })
  })

  test("invalid UTF-8 is refused with Flyway's message, and read with the encoding that fits", async () => {
    const f = await fixture()
    f.write(
      'V1__latin1.sql',
      Buffer.from("-- caf\xe9\nCREATE TABLE latin1_t (note text DEFAULT 'caf\xe9');\n", 'latin1'),
    )
    await expect(f.run('migrate')).rejects.toThrow(
      /Unable to calculate checksum of V1__latin1\.sql: it is not valid UTF-8/,
    )
    const r = await f.run('migrate', { encoding: 'ISO-8859-1' })
    expect(r.applied).toHaveLength(1)
    expect(
      await f.query("SELECT column_default AS d FROM information_schema.columns WHERE table_name = 'latin1_t'"),
    ).toEqual([{ d: "'café'::text" }])
  })

  test('${flyway:workingDirectory} and ${flyway:environment}', async () => {
    const f = await fixture()
    f.write(
      'V1__fp.sql',
      "CREATE TABLE fp AS SELECT '${flyway:workingDirectory}' AS wd, '${flyway:environment}' AS env;\n",
    )
    await f.run('migrate')
    expect(await f.query('SELECT wd, env FROM fp')).toEqual([{ wd: process.cwd(), env: 'default' }])
  })
})

describe('repeatable checksums after placeholder replacement (SqlMigrationResolver)', () => {
  const clockAt = (ms: number) => ({ now: () => ms, sleep: async () => {} })

  test('the stored checksum is over the replaced text; a changed placeholder value re-applies the repeatable', async () => {
    const f = await fixture()
    const sql = "CREATE OR REPLACE VIEW role_view AS SELECT '${app_role}'::text AS role_name;\n"
    f.write('R__role_view.sql', sql)
    await f.run('migrate', { placeholders: { app_role: 'app_rw' } })
    const [row] = await f.history()
    expect(row!.checksum).toBe(flywayChecksum(sql.replace('${app_role}', 'app_rw')))
    expect((await f.run('migrate', { placeholders: { app_role: 'app_rw' } })).applied).toEqual([])
    const again = await f.run('migrate', { placeholders: { app_role: 'app_ro' } })
    expect(again.applied.map((a) => a.script)).toEqual(['R__role_view.sql'])
    expect(await f.query('SELECT role_name FROM role_view')).toEqual([{ role_name: 'app_ro' }])
  })

  test('${flyway:timestamp} in a repeatable re-runs it on every migrate', async () => {
    const f = await fixture()
    f.write('R__refreshed.sql', '-- ${flyway:timestamp}\nCREATE OR REPLACE VIEW refreshed AS SELECT 1 AS one;\n')
    await f.run('migrate', { clock: clockAt(Date.UTC(2026, 0, 1, 10)) })
    const second = await f.run('migrate', { clock: clockAt(Date.UTC(2026, 0, 1, 11)) })
    expect(second.applied.map((a) => a.script)).toEqual(['R__refreshed.sql'])
  })

  test('a row with the checksum of the file as it is (written before replacement) still counts as applied', async () => {
    const f = await fixture()
    const sql = "CREATE OR REPLACE VIEW v AS SELECT '${x}'::text AS x;\n"
    f.write('R__v.sql', sql)
    await f.run('migrate', { placeholders: { x: '1' } })
    await f.query('UPDATE flyway_schema_history SET checksum = $1', [flywayChecksum(sql)])
    const r = await f.run('migrate', { placeholders: { x: '1' } })
    expect(r.applied).toEqual([])
    expect(r.infoBefore.map((i) => i.state)).toEqual(['Success'])
  })
})

describe("validate as Flyway's (it parses pending migrations too)", () => {
  test('pending and outdated migrations fail validate unless *:pending; applied ones pass', async () => {
    const f = await fixture()
    f.write('V1__a.sql', 'CREATE TABLE a (id int);\n')
    f.write('R__v.sql', 'CREATE OR REPLACE VIEW v AS SELECT 1 AS one;\n')
    const before = await failed(f.run('validate'))
    expect(before.message).toMatch(/Detected resolved migration not applied to database: 1 .*\*:pending/)
    await expect(f.run('validate', { ignoreMigrationPatterns: ['*:pending'] })).resolves.toMatchObject({ errors: [] })
    await f.run('migrate')
    await expect(f.run('validate')).resolves.toMatchObject({ errors: [] })
    f.write('R__v.sql', 'CREATE OR REPLACE VIEW v AS SELECT 2 AS two;\n')
    const outdated = await failed(f.run('validate'))
    expect(outdated.message).toContain(
      'Detected outdated resolved repeatable migration that should be re-applied to database: v',
    )
  })

  test('an unknown placeholder, an unterminated statement or a mixed migration fail validate, and migrate before it applies anything', async () => {
    const f = await fixture()
    f.write('V1__ok.sql', 'CREATE TABLE ok (id int);\n')
    f.write('V2__placeholder.sql', 'INSERT INTO ok VALUES (${nope});\n')
    f.write('V3__unterminated.sql', 'CREATE FUNCTION f() RETURNS int AS $$ SELECT 1;\n')
    f.write('V4__mixed.sql', 'CREATE TABLE m (id int);\nCREATE INDEX CONCURRENTLY m_i ON m (id);\n')
    const v = await failed(f.run('validate', { ignoreMigrationPatterns: ['*:pending'] }))
    expect(v.issues?.map((i) => i.message)).toEqual([
      expect.stringContaining('no value provided for placeholder ${nope}'),
      'V3__unterminated.sql: Incomplete statement at line 1: CREATE FUNCTION f() RETURNS int AS $$ SELECT 1;',
      expect.stringContaining(
        'V4__mixed.sql: Detected both transactional and non-transactional statements within the same migration (even though mixed is false). Offending statement found at line 2',
      ),
    ])
    await expect(f.run('migrate')).rejects.toThrow(/Validate failed/)
    expect(await tableSchema(f, 'ok')).toEqual([])
  })

  test('info labels as Flyway prints them: Ignored (Baseline), Below Baseline, Future, Missing', async () => {
    const f = await fixture()
    f.write('V1__a.sql', 'SELECT 1;\n')
    f.write('V2__b.sql', 'SELECT 2;\n')
    f.write('V3__c.sql', 'SELECT 3;\n')
    await f.run('baseline', { baselineVersion: { text: '2', parts: [2n] } })
    const info = await f.run('info')
    expect(info.infoBefore.map((i) => [i.version, i.state])).toEqual([
      ['2', 'Baseline'],
      ['1', 'Below Baseline'],
      ['2', 'Ignored (Baseline)'],
      ['3', 'Pending'],
    ])
    await f.run('migrate')
    f.remove('V3__c.sql')
    f.write('V2_5__between.sql', 'SELECT 25;\n')
    const later = await f.run('info')
    expect(later.infoBefore.filter((i) => i.version === '3').map((i) => i.state)).toEqual(['Future'])
  })
})

test('hotfix policy: V2.1.1 shipped after V2.2 was applied is named by validate with the input that allows it; out-of-order applies it', async () => {
  const f = await fixture()
  f.write('V2_1__release.sql', 'CREATE TABLE r21 (id int);\n')
  f.write('V2_2__release.sql', 'CREATE TABLE r22 (id int);\n')
  await f.run('migrate')
  f.write('V2_1_1__hotfix.sql', 'CREATE TABLE hotfix (id int);\n')
  const v = await failed(f.run('validate'))
  expect(v.message).toContain('Detected resolved migration not applied to database: 2.1.1 (')
  expect(v.message).toContain('is older than the current version 2.2; set out-of-order: true to apply it')
  await expect(f.run('migrate')).rejects.toThrow(/out-of-order: true/)
  const r = await f.run('migrate', { outOfOrder: true })
  expect(r.applied.map((a) => a.version)).toEqual(['2.1.1'])
  expect(r.infoAfter.find((i) => i.version === '2.1.1')?.state).toBe('Out of Order')
  await expect(f.run('validate')).resolves.toMatchObject({ errors: [] })
})

test('cancelling a non-transactional migration: the running statement is cancelled, a failed row says where it stopped', async () => {
  const f = await fixture()
  f.write('V1__t.sql', 'CREATE TABLE t (id int);\n')
  f.write(
    'V2__slow.sql',
    'CREATE INDEX CONCURRENTLY t_id ON t (id);\nSELECT pg_sleep(60);\nCREATE TABLE never (id int);\n',
  )
  f.write('V3__later.sql', 'CREATE TABLE later (id int);\n')
  const controller = new AbortController()
  const started = Date.now()
  const run = f.run('migrate', { mixed: true, signal: controller.signal })
  for (let i = 0; i < 100; i++) {
    const busy = await f.query("SELECT 1 FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(60)%'")
    if (busy.length > 0) break
    await new Promise((r) => setTimeout(r, 50))
  }
  controller.abort(new Error('cancelled (SIGINT)'))
  const error = await failed(run)
  expect(Date.now() - started).toBeLessThan(30_000)
  expect((error as { leftState?: string }).leftState).toMatch(
    /^V2__slow\.sql ran outside a transaction and stopped midway/,
  )
  expect((await f.history()).map((h) => [h.version, h.success])).toEqual([
    ['1', true],
    ['2', false],
  ])
  expect(await tableSchema(f, 'never')).toEqual([])
  expect(await tableSchema(f, 'later')).toEqual([])
})
