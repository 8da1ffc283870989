// The engine against a real PostgreSQL 15 from the testbed.
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  engineOptions,
  flywayChecksum,
  MigrationError,
  newReport,
  parseDatabaseUrl,
  parseVersion,
  runCommand,
  scanLocations,
  ValidationError,
} from '@deploy-actions/flyway'
import { recordingLogger } from '@deploy-actions/kit'
import { freePort, type Postgres, startPostgres, tempDir } from '@deploy-actions/testbed'
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

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p
  } catch (e) {
    return e as Error
  }
  throw new Error('expected a failure')
}

// Flyway's own DDL for PostgreSQL (PostgreSQLDatabase.getRawCreateScript), kept verbatim here as the
// reference our table must equal.
const FLYWAY_DDL = `CREATE TABLE "public"."flyway_schema_history" (
    "installed_rank" INT NOT NULL,
    "version" VARCHAR(50),
    "description" VARCHAR(200) NOT NULL,
    "type" VARCHAR(20) NOT NULL,
    "script" VARCHAR(1000) NOT NULL,
    "checksum" INTEGER,
    "installed_by" VARCHAR(100) NOT NULL,
    "installed_on" TIMESTAMP NOT NULL DEFAULT now(),
    "execution_time" INTEGER NOT NULL,
    "success" BOOLEAN NOT NULL
);
ALTER TABLE "public"."flyway_schema_history" ADD CONSTRAINT "flyway_schema_history_pk" PRIMARY KEY ("installed_rank");
CREATE INDEX "flyway_schema_history_s_idx" ON "public"."flyway_schema_history" ("success");`

const SHAPE = `SELECT column_name, data_type, character_maximum_length, is_nullable, column_default
  FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'flyway_schema_history' ORDER BY ordinal_position`
const INDEXES = `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'flyway_schema_history' ORDER BY indexname`

describe('flyway engine on PostgreSQL 15', () => {
  test("creates a history table identical to Flyway's and records rows as Flyway does", async () => {
    const f = await fixture()
    f.write('V1__create_users.sql', 'CREATE TABLE users (id int PRIMARY KEY, name text);\n')
    f.write('V1_1__seed.sql', "INSERT INTO users VALUES (1, 'ann');\r\n")
    f.write('R__user_view.sql', 'CREATE OR REPLACE VIEW user_names AS SELECT name FROM users;\n')
    const r = await f.run('migrate')
    expect(r.applied.map((a) => a.script)).toEqual(['V1__create_users.sql', 'V1_1__seed.sql', 'R__user_view.sql'])
    expect(r.schemaVersion).toBe('1.1')
    const ours = { shape: await f.query(SHAPE), indexes: await f.query(INDEXES) }
    const ref = await fixture()
    await ref.query(FLYWAY_DDL)
    expect(ours).toEqual({ shape: await ref.query(SHAPE), indexes: await ref.query(INDEXES) })
    expect(await f.history()).toEqual([
      expect.objectContaining({
        installed_rank: 1,
        version: '1',
        description: 'create users',
        type: 'SQL',
        script: 'V1__create_users.sql',
        checksum: flywayChecksum('CREATE TABLE users (id int PRIMARY KEY, name text);\n'),
        installed_by: 'postgres',
        success: true,
      }),
      expect.objectContaining({
        installed_rank: 2,
        version: '1.1',
        description: 'seed',
        type: 'SQL',
        script: 'V1_1__seed.sql',
        success: true,
      }),
      expect.objectContaining({
        installed_rank: 3,
        version: null,
        description: 'user view',
        type: 'SQL',
        script: 'R__user_view.sql',
        success: true,
      }),
    ])
    // A second run finds nothing to do.
    const again = await f.run('migrate')
    expect(again.applied).toEqual([])
    expect(again.infoAfter.map((i) => i.state)).toEqual(['Success', 'Success', 'Success'])
  })

  test('accepts a history table written by Flyway and runs only the newer migrations', async () => {
    const f = await fixture()
    const v1 = 'CREATE TABLE orders (id bigint PRIMARY KEY);\n'
    const v2 = '\ufeffALTER TABLE orders ADD COLUMN total numeric;\r\n'
    f.write('V1__orders.sql', v1)
    f.write('V2__order_total.sql', v2)
    f.write('V3__order_index.sql', 'CREATE INDEX orders_total ON orders (total);\n')
    await f.query(FLYWAY_DDL)
    await f.query(v1)
    await f.query(v2.slice(1))
    // Rows as Flyway 10 writes them (checksums from Flyway's rule, computed independently in the unit tests).
    await f.query(
      `INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success) VALUES
       (1, '1', 'orders', 'SQL', 'V1__orders.sql', $1, 'flyway', 12, true),
       (2, '2', 'order total', 'SQL', 'V2__order_total.sql', $2, 'flyway', 7, true)`,
      [flywayChecksum(Buffer.from(v1)), flywayChecksum(Buffer.from(v2))],
    )
    const r = await f.run('migrate')
    expect(r.schemaVersionBefore).toBe('2')
    expect(r.applied.map((a) => a.version)).toEqual(['3'])
    expect((await f.history()).map((h) => [h.installed_rank, h.version, h.installed_by])).toEqual([
      [1, '1', 'flyway'],
      [2, '2', 'flyway'],
      [3, '3', 'postgres'],
    ])
  })

  test('an edited applied file makes validate fail naming the file', async () => {
    const f = await fixture()
    f.write('V1__a.sql', 'CREATE TABLE a (id int);\n')
    f.write('V2__b.sql', 'CREATE TABLE b (id int);\n')
    await f.run('migrate')
    f.write('V2__b.sql', 'CREATE TABLE b (id bigint);\n')
    const e = await failure(f.run('validate'))
    expect(e).toBeInstanceOf(ValidationError)
    const issues = (e as ValidationError).issues
    expect(issues).toHaveLength(1)
    expect(issues[0]?.file).toBe(join(f.dir, 'V2__b.sql'))
    expect(issues[0]?.message).toMatch(/checksum mismatch.*version 2/)
    // migrate refuses too, applying nothing
    f.write('V3__c.sql', 'CREATE TABLE c (id int);\n')
    await expect(f.run('migrate')).rejects.toBeInstanceOf(ValidationError)
    expect(await f.query("SELECT to_regclass('c') AS t")).toEqual([{ t: null }])
    // repair realigns the checksum; then migrate proceeds
    const rep = await f.run('repair')
    expect(rep.actions.join('\n')).toMatch(/realign 2/)
    expect((await f.run('migrate')).applied.map((a) => a.version)).toEqual(['3'])
  })

  test('two concurrent migrate runs: one applies, the other waits on the lock and finds nothing pending', async () => {
    const f = await fixture()
    f.write('V1__slow.sql', 'CREATE TABLE counter (n int);\nSELECT pg_sleep(0.6);\n')
    f.write('V2__insert.sql', 'INSERT INTO counter VALUES (1);\n')
    f.write('V3__index.sql', 'CREATE INDEX CONCURRENTLY counter_n ON counter (n);\n')
    const [a, b] = await Promise.all([f.run('migrate'), f.run('migrate')])
    expect(a.applied.length + b.applied.length).toBe(3)
    expect(Math.min(a.applied.length, b.applied.length)).toBe(0)
    expect(await f.query('SELECT count(*)::int AS n FROM counter')).toEqual([{ n: 1 }])
    expect((await f.history()).map((h) => h.version)).toEqual(['1', '2', '3'])
  })

  test('a failing migration in the middle rolls back whole and reports its file and line', async () => {
    const f = await fixture()
    f.write('V1__ok.sql', 'CREATE TABLE ok (id int);\n')
    f.write(
      'V2__broken.sql',
      '-- first a table\nCREATE TABLE half (id int);\n\nINSERT INTO missing_table VALUES (1);\n',
    )
    f.write('V3__never.sql', 'CREATE TABLE never (id int);\n')
    const report = newReport('migrate', false)
    const e = await failure(
      runCommand(
        'migrate',
        engineOptions({ connection: parseDatabaseUrl(f.url), log: recordingLogger() }),
        scanLocations([f.dir]).migrations,
        report,
      ),
    )
    expect(e).toBeInstanceOf(MigrationError)
    expect((e as MigrationError).file).toBe(join(f.dir, 'V2__broken.sql'))
    expect((e as MigrationError).line).toBe(4)
    expect((e as MigrationError).leftState).toMatch(/rolled back whole.*1 migration applied before it/)
    expect(report.applied.map((a) => a.version)).toEqual(['1'])
    expect(report.infoAfter.map((i) => [i.version, i.state])).toEqual([
      ['1', 'Success'],
      ['2', 'Pending'],
      ['3', 'Pending'],
    ])
    expect(await f.query("SELECT to_regclass('half') AS h, to_regclass('never') AS n")).toEqual([{ h: null, n: null }])
    expect((await f.history()).map((h) => h.version)).toEqual(['1'])
  })

  test('an error without a position is located by replaying the statements', async () => {
    const f = await fixture()
    f.write(
      'V1__dup.sql',
      'CREATE TABLE u (id int PRIMARY KEY);\nINSERT INTO u VALUES (1);\n\nINSERT INTO u VALUES (1);\n',
    )
    const e = await failure(f.run('migrate'))
    expect(e).toBeInstanceOf(MigrationError)
    expect((e as MigrationError).line).toBe(4)
    expect((e as MigrationError).sqlState).toBe('23505')
  })

  test('a CONCURRENTLY index migration runs outside a transaction', async () => {
    const f = await fixture()
    f.write('V1__t.sql', 'CREATE TABLE t (a int);\n')
    f.write('V2__idx.sql', "SET lock_timeout = '5s';\nCREATE INDEX CONCURRENTLY t_a ON t (a);\n")
    // SET counts as transactional (Flyway's parser), so this mix needs mixed, as in Flyway.
    await expect(f.run('migrate')).rejects.toThrow(/even though mixed is false/)
    const r = await f.run('migrate', { mixed: true })
    expect(r.applied.map((a) => [a.version, a.transactional])).toEqual([
      ['1', true],
      ['2', false],
    ])
    expect(
      await f.query(
        "SELECT i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 't_a'",
      ),
    ).toEqual([{ valid: true }])
  })

  test('a failing non-transactional migration leaves a failed row; repair removes it', async () => {
    const f = await fixture()
    f.write('V1__t.sql', 'CREATE TABLE t (a int);\nINSERT INTO t VALUES (1), (1);\n')
    f.write('V2__idx.sql', 'CREATE UNIQUE INDEX CONCURRENTLY t_a ON t (a);\n')
    const e = await failure(f.run('migrate'))
    expect(e).toBeInstanceOf(MigrationError)
    expect((e as MigrationError).leftState).toMatch(/outside a transaction/)
    expect((await f.history()).map((h) => [h.version, h.success])).toEqual([
      ['1', true],
      ['2', false],
    ])
    const info = await f.run('info')
    expect(info.infoBefore.map((i) => i.state)).toEqual(['Success', 'Failed'])
    await expect(f.run('migrate')).rejects.toThrow(/failed migration to version 2/)
    await f.query('DROP INDEX t_a')
    await f.query('DELETE FROM t WHERE ctid NOT IN (SELECT min(ctid) FROM t)')
    await f.run('repair')
    expect((await f.history()).map((h) => h.version)).toEqual(['1'])
    expect((await f.run('migrate')).applied.map((a) => a.version)).toEqual(['2'])
  })

  test('info shows each state', async () => {
    const f = await fixture()
    f.write('V1__a.sql', 'CREATE TABLE a (id int);\n')
    f.write('V2__gone.sql', 'CREATE TABLE gone (id int);\n')
    f.write('V4__d.sql', 'CREATE TABLE d (id int);\n')
    f.write('R__v.sql', 'CREATE OR REPLACE VIEW v AS SELECT 1 AS x;\n')
    await f.run('migrate')
    f.remove('V2__gone.sql')
    f.write('V3__late.sql', 'CREATE TABLE late (id int);\n')
    f.write('V5__next.sql', 'CREATE TABLE next (id int);\n')
    f.write('V6__later.sql', 'CREATE TABLE later (id int);\n')
    f.write('R__v.sql', 'CREATE OR REPLACE VIEW v AS SELECT 2 AS x;\n')
    const r = await f.run('info', { target: parseVersion('5')! })
    expect(r.infoBefore.map((i) => [i.version || i.description, i.state])).toEqual([
      ['1', 'Success'],
      ['2', 'Missing'],
      ['4', 'Success'],
      ['v', 'Outdated'],
      ['3', 'Ignored'],
      ['5', 'Pending'],
      ['6', 'Above Target'],
      ['v', 'Pending'],
    ])
    expect(r.schemaVersion).toBe('4')
    // repair marks the missing one deleted; out-of-order then applies 3, 5 and the view
    await f.run('repair')
    const m = await f.run('migrate', { outOfOrder: true, target: parseVersion('5')! })
    expect(m.applied.map((a) => a.version || a.description)).toEqual(['3', '5', 'v'])
    expect(m.infoAfter.find((i) => i.version === '2')?.state).toBe('Deleted')
    expect(m.infoAfter.find((i) => i.version === '3')?.state).toBe('Out of Order')
  })

  test('baseline-on-migrate for a non-empty schema without history; refused without it', async () => {
    const f = await fixture()
    await f.query('CREATE TABLE legacy (id int)')
    f.write('V1__legacy.sql', 'CREATE TABLE legacy (id int);\n')
    f.write('V2__new.sql', 'CREATE TABLE newer (id int);\n')
    await expect(f.run('migrate')).rejects.toThrow(/non-empty schema.*baseline/)
    const r = await f.run('migrate', { baselineOnMigrate: true })
    expect(r.applied.map((a) => a.version)).toEqual(['2'])
    expect(
      (await f.history()).map((h) => [h.installed_rank, h.version, h.type, h.description, h.script, h.checksum]),
    ).toEqual([
      [1, '1', 'BASELINE', '<< Flyway Baseline >>', '<< Flyway Baseline >>', null],
      [2, '2', 'SQL', 'new', 'V2__new.sql', expect.any(Number)],
    ])
  })

  test('baseline command, then baseline again is a no-op', async () => {
    const f = await fixture()
    f.write('V1__a.sql', 'SELECT 1;\n')
    f.write('V2__b.sql', 'SELECT 2;\n')
    await f.run('baseline', { baselineVersion: parseVersion('1')! })
    const again = await f.run('baseline', { baselineVersion: parseVersion('1')! })
    expect(again.actions.join()).toMatch(/already baselined/)
    expect((await f.run('migrate')).applied.map((a) => a.version)).toEqual(['2'])
  })

  test("creates a missing schema with Flyway's schema-creation marker at rank 0", async () => {
    const f = await fixture()
    f.write('V1__t.sql', 'CREATE TABLE t (id int);\n')
    await f.run('migrate', { schemas: ['app'] })
    expect(
      await f.query(
        'SELECT installed_rank, version, description, type, script, checksum FROM app.flyway_schema_history ORDER BY 1',
      ),
    ).toEqual([
      {
        installed_rank: 0,
        version: null,
        description: '<< Flyway Schema Creation >>',
        type: 'SCHEMA',
        script: '"app"',
        checksum: null,
      },
      {
        installed_rank: 1,
        version: '1',
        description: 't',
        type: 'SQL',
        script: 'V1__t.sql',
        checksum: expect.any(Number),
      },
    ])
    expect(await f.query("SELECT to_regclass('app.t') IS NOT NULL AS in_app")).toEqual([{ in_app: true }])
  })

  test('placeholders, user-defined and Flyway built-ins', async () => {
    const f = await fixture()
    f.write(
      'V1__p.sql',
      "CREATE TABLE ${tbl} (k text, v text);\nINSERT INTO ${tbl} VALUES ('schema', '${flyway:defaultSchema}'), ('user', '${flyway:user}'), ('db', '${flyway:database}'), ('file', '${flyway:filename}'), ('table', '${flyway:table}'), ('ts', '${flyway:timestamp}');\n",
    )
    await f.run('migrate', { placeholders: { tbl: 'settings' } })
    const rows = Object.fromEntries(
      (await f.query<{ k: string; v: string }>('SELECT k, v FROM settings')).map((r) => [r.k, r.v]),
    )
    expect(rows).toMatchObject({
      schema: 'public',
      user: 'postgres',
      file: 'V1__p.sql',
      table: 'flyway_schema_history',
    })
    expect(rows.db).toMatch(/^db_/)
    expect(rows.ts).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/)
    f.write('V2__q.sql', 'SELECT ${nope};\n')
    await expect(f.run('migrate', { placeholders: { tbl: 'settings' } })).rejects.toThrow(
      /no value provided for placeholder \$\{nope\}/,
    )
  })

  test('dry-run lists what would run and applies nothing', async () => {
    const f = await fixture()
    f.write('V1__a.sql', 'CREATE TABLE a (id int);\n')
    f.write('R__v.sql', 'CREATE VIEW v AS SELECT 1;\n')
    const r = await f.run('migrate', { dryRun: true })
    expect(r.pending.map((p) => p.script)).toEqual(['V1__a.sql', 'R__v.sql'])
    expect(r.applied).toEqual([])
    expect(await f.query("SELECT to_regclass('flyway_schema_history') AS h, to_regclass('a') AS a")).toEqual([
      { h: null, a: null },
    ])
  })

  test('retries while the database wakes up', async () => {
    const port = await freePort()
    const dir = tempDir('flyway-wake')
    writeFileSync(join(dir, 'V1__a.sql'), 'CREATE TABLE a (id int);\n')
    let late: Postgres | undefined
    const starter = new Promise<void>((resolve) =>
      setTimeout(async () => {
        late = await startPostgres({ port })
        resolve()
      }, 1500),
    )
    try {
      const log = recordingLogger()
      const report = newReport('migrate', false)
      await runCommand(
        'migrate',
        engineOptions({
          connection: parseDatabaseUrl(`jdbc:postgresql://127.0.0.1:${port}/postgres?user=postgres&sslmode=disable`),
          log,
          connectTimeoutMs: 30_000,
        }),
        scanLocations([dir]).migrations,
        report,
      )
      expect(report.applied.map((a) => a.version)).toEqual(['1'])
      expect(log.lines.some((l) => /not ready .*retrying/.test(l))).toBe(true)
    } finally {
      await starter
      await late?.stop()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
