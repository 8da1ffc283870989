// The bundled action, run as the runner runs it, against a real PostgreSQL 15.
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { freePort, type Postgres, runBundle, startPostgres, tempDir } from '@deploy-actions/testbed'
import pg from 'pg'

let server: Postgres
let work: string

beforeAll(async () => {
  server = await startPostgres()
  work = tempDir('flyway-action')
})

afterAll(async () => {
  await server?.stop()
  if (work) rmSync(work, { recursive: true, force: true })
})

let n = 0
function migrations(files: Record<string, string>): string {
  const dir = join(work, `case${++n}`, 'db', 'migration')
  mkdirSync(dir, { recursive: true })
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql)
  return join(work, `case${n}`)
}

async function rows(url: string, sql: string): Promise<unknown[]> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    return (await c.query(sql)).rows
  } finally {
    await c.end()
  }
}

describe('flyway-migrate bundle', () => {
  test('migrate: applies, sets outputs, writes info before/after to the summary and a JSON report', async () => {
    const db = await server.createDatabase()
    const cwd = migrations({
      'V1__create_accounts.sql': 'CREATE TABLE accounts (id int PRIMARY KEY, owner text);\n',
      'V2__seed.sql': "INSERT INTO accounts VALUES (1, '${owner}');\n",
      'R__views.sql': 'CREATE OR REPLACE VIEW owners AS SELECT owner FROM accounts;\n',
      'U2__undo_seed.sql': 'DELETE FROM accounts;\n',
    })
    const r = await runBundle('flyway-migrate', {
      cwd,
      inputs: { url: db.jdbcUrl.replace(/\?.*$/, ''), placeholders: 'owner=ann' },
      env: { FLYWAY_USER: 'postgres', FLYWAY_PASSWORD: 'not-used-by-trust-auth' },
    })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('::add-mask::not-used-by-trust-auth')
    expect(r.stdout).toMatch(/U2__undo_seed\.sql: ignored/)
    expect(r.outputs).toMatchObject({ applied: '3', pending: '0', 'schema-version': '2' })
    const report = JSON.parse(readFileSync(r.outputs.report!, 'utf8'))
    expect(report.applied.map((a: { script: string }) => a.script)).toEqual([
      'V1__create_accounts.sql',
      'V2__seed.sql',
      'R__views.sql',
    ])
    expect(r.summary).toContain('flyway-migrate: migrate succeeded')
    expect(r.summary).toContain('### Info before')
    expect(r.summary).toContain('### Info after')
    expect(r.summary).toMatch(/\| Versioned \| 2 \| seed \| SQL \| \d{4}-\d\d-\d\d [\d:]+ \| Success \|/)
    expect(await rows(db.url, 'SELECT owner FROM owners')).toEqual([{ owner: 'ann' }])

    // Re-run: safe, nothing applied.
    const again = await runBundle('flyway-migrate', { cwd, inputs: { url: db.jdbcUrl } })
    expect(again.code).toBe(0)
    expect(again.outputs).toMatchObject({ applied: '0', pending: '0', 'schema-version': '2' })
  })

  test('a failing migration is an annotation on its file and line, and the outputs are still set', async () => {
    const db = await server.createDatabase()
    const cwd = migrations({
      'V1__ok.sql': 'CREATE TABLE ok (id int);\n',
      'V2__bad.sql': 'CREATE TABLE t2 (id int);\n\nSELECT no_such_column FROM ok;\n',
    })
    const r = await runBundle('flyway-migrate', {
      cwd,
      inputs: { url: `postgres://postgres@127.0.0.1:${server.port}/${db.name}` },
    })
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(
      /::error title=Migration failed,file=db\/migration\/V2__bad\.sql,line=3::Migration V2__bad\.sql failed at line 3: column "no_such_column" does not exist/,
    )
    expect(r.stdout).toMatch(/::error::.*rolled back whole/)
    expect(r.outputs).toMatchObject({ applied: '1', pending: '1', 'schema-version': '1' })
    expect(r.summary).toContain('migrate failed')
    expect(r.summary).toContain('`db/migration/V2__bad.sql` line 3')
  })

  test('validate names an edited file; info and dry-run change nothing', async () => {
    const db = await server.createDatabase()
    const cwd = migrations({ 'V1__a.sql': 'CREATE TABLE a (id int);\n' })
    expect((await runBundle('flyway-migrate', { cwd, inputs: { url: db.jdbcUrl } })).code).toBe(0)
    writeFileSync(join(cwd, 'db/migration/V1__a.sql'), 'CREATE TABLE a (id bigint);\n')
    writeFileSync(join(cwd, 'db/migration/V2__b.sql'), 'CREATE TABLE b (id int);\n')
    const v = await runBundle('flyway-migrate', { cwd, inputs: { url: db.jdbcUrl, command: 'validate' } })
    expect(v.code).toBe(1)
    expect(v.stdout).toMatch(
      /::error title=Flyway validation,file=db\/migration\/V1__a\.sql::Migration checksum mismatch/,
    )
    writeFileSync(join(cwd, 'db/migration/V1__a.sql'), 'CREATE TABLE a (id int);\n')
    const dry = await runBundle('flyway-migrate', { cwd, inputs: { url: db.jdbcUrl, 'dry-run': true } })
    expect(dry.code).toBe(0)
    expect(dry.outputs).toMatchObject({ applied: '0', pending: '1', 'schema-version': '1' })
    expect(dry.summary).toContain('### Would apply')
    const info = await runBundle('flyway-migrate', { cwd, inputs: { url: db.jdbcUrl, command: 'info' } })
    expect(info.code).toBe(0)
    expect(info.summary).toMatch(/\| Versioned \| 2 \| b \| SQL \| {2}\| Pending \|/)
    expect(await rows(db.url, "SELECT to_regclass('b') AS b")).toEqual([{ b: null }])
  })

  test('a symlinked migration file is applied as Flyway does, not skipped (issue 14 item 8)', async () => {
    const db = await server.createDatabase()
    const cwd = migrations({ 'V1__a.sql': 'CREATE TABLE a (id int);\n' })
    const shared = join(cwd, 'shared')
    mkdirSync(shared)
    writeFileSync(join(shared, 'V2__linked.sql'), 'CREATE TABLE linked (id int);\n')
    symlinkSync(join(shared, 'V2__linked.sql'), join(cwd, 'db/migration/V2__linked.sql'))
    const r = await runBundle('flyway-migrate', { cwd, inputs: { url: db.jdbcUrl } })
    expect(r.code).toBe(0)
    expect(r.outputs).toMatchObject({ applied: '2', 'schema-version': '2' })
    expect(await rows(db.url, "SELECT to_regclass('linked') IS NOT NULL AS ok")).toEqual([{ ok: true }])
  })

  test('a password with @ # / ? is masked before anything runs and never printed, in part or whole', async () => {
    const db = await server.createDatabase()
    const cwd = migrations({ 'V1__a.sql': 'CREATE TABLE a (id int);\n' })
    const password = 'p@ss#wo/rd?42'
    const r = await runBundle('flyway-migrate', {
      cwd,
      inputs: { url: `postgres://postgres:${password}@127.0.0.1:${server.port}/${db.name}?sslmode=disable` },
    })
    expect(r.code).toBe(0)
    const lines = r.stdout.split('\n')
    expect(lines[0]).toBe(`::add-mask::${password}`)
    const rest = [...lines.slice(1).filter((l) => !l.startsWith('::add-mask::')), r.summary, r.stderr].join('\n')
    for (const part of ['p@ss', 'ss#wo', 'wo/rd', 'rd?42', password]) expect(rest).not.toContain(part)
    expect(r.summary).toContain(`postgres://***@127.0.0.1:${server.port}/${db.name}`)

    const bad = await runBundle('flyway-migrate', {
      cwd,
      inputs: { url: `postgres://postgres:${password}@127.0.0.1:99999999/${db.name}` },
    })
    expect(bad.code).toBe(1)
    expect(bad.stdout).toContain('::error::Invalid input url: ')
    expect(bad.stdout).toContain('postgres://***@127.0.0.1:99999999/')
    const said = bad.stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n')
    for (const part of ['p@ss', 'ss#wo', 'wo/rd', 'rd?42']) expect(said).not.toContain(part)
  })

  test.each([
    [{ url: 'jdbc:mysql://127.0.0.1:3306/app' }, 'url'],
    [{ locations: 'no/such/folder' }, 'locations'],
    [{ target: 'v2-final' }, 'target'],
    [{ command: 'clean' }, 'command'],
  ])('bad input %j fails before connecting, naming %s', async (inputs, name) => {
    // Nothing listens on this port: a connection attempt would log "not ready … retrying".
    const port = await freePort()
    const cwd = migrations({ 'V1__a.sql': 'SELECT 1;\n' })
    const r = await runBundle('flyway-migrate', {
      cwd,
      inputs: { url: `jdbc:postgresql://127.0.0.1:${port}/app?user=u`, ...inputs },
    })
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(new RegExp(`::error::Invalid input ${name}: `))
    expect(r.stdout).not.toMatch(/not ready|retrying|ECONNREFUSED/)
  })
})

describe('cancellation (issue 14 item 9)', () => {
  test('SIGINT during a transactional migration: cancelled on the server, rolled back, outputs, summary and a left: line', async () => {
    const db = await server.createDatabase()
    const cwd = migrations({
      'V1__fast.sql': 'CREATE TABLE fast (id int);\n',
      'V2__slow.sql': 'CREATE TABLE slow (id int);\nSELECT pg_sleep(60);\n',
      'V3__later.sql': 'CREATE TABLE later (id int);\n',
    })
    const r = await runBundle('flyway-migrate', {
      cwd,
      inputs: { url: db.jdbcUrl },
      cancelWhen: (out) => out.includes('Migrating version 2'),
    })
    expect(r.signalsSent).toEqual(['SIGINT']) // done well before the runner's SIGTERM
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('cancelling V2__slow.sql on the server (pg_cancel_backend')
    expect(r.stdout).toMatch(/::error::cancelled \(SIGINT\): Migration V2__slow\.sql failed.*\(SQL state 57014\)/)
    expect(r.stdout).toContain(
      'left: V2__slow.sql rolled back whole, history unchanged for it; 1 migration applied before it (up to V1__fast.sql); a re-run applies it and the ones after it',
    )
    expect(r.outputs).toMatchObject({ applied: '1', pending: '2', 'schema-version': '1' })
    expect(r.summary).toContain('flyway-migrate: migrate cancelled')
    expect(r.summary).toContain('**Left:** V2__slow.sql rolled back whole')
    expect(
      await rows(
        db.url,
        "SELECT to_regclass('slow') AS slow, (SELECT count(*)::int FROM flyway_schema_history) AS n, (SELECT count(*)::int FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60)%' AND pid <> pg_backend_pid()) AS sleeping",
      ),
    ).toEqual([{ slow: null, n: 1, sleeping: 0 }])

    const rerun = await runBundle('flyway-migrate', { cwd: cwd, inputs: { url: db.jdbcUrl, target: '1' } })
    expect(rerun.code).toBe(0)
  })
})

describe("Flyway's configuration sources (issue 15 item 6)", () => {
  test("abd-vro's own flyway.conf drives the run: #[…] placeholders, schema claims, table schema_history, ISO-8859-1, mixed", async () => {
    const db = await server.createDatabase()
    const cwd = join(work, `abdvro${++n}`)
    mkdirSync(cwd, { recursive: true })
    cpSync(join(import.meta.dirname, '../../fixtures/flyway/abdvro'), join(cwd, 'abdvro'), { recursive: true })
    const conf = readFileSync(join(import.meta.dirname, '../../fixtures/flyway/abdvro.flyway.conf'), 'utf8')
    writeFileSync(join(cwd, 'flyway.conf'), conf.replaceAll('@PORT@', String(server.port)).replaceAll('@DB@', db.name))
    const r = await runBundle('flyway-migrate', { cwd, inputs: {}, timeoutMs: 20_000 })
    if (r.code !== 0) throw new Error(r.stdout + r.stderr)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('Flyway configuration read from flyway.conf')
    expect(r.outputs).toMatchObject({ 'schema-version': '2.2' })
    const history = await rows(db.url, 'SELECT version, type FROM claims.schema_history ORDER BY installed_rank')
    expect(history[0]).toEqual({ version: null, type: 'SCHEMA' })
    expect(history.length).toBeGreaterThan(5)
  })

  test('FLYWAY_* variables: placeholders, default schema, ignore-migration-patterns; an unsupported one is refused', async () => {
    const db = await server.createDatabase()
    const cwd = migrations({ 'V1__t.sql': "CREATE TABLE t (role text DEFAULT '${app_role}');\n" })
    const r = await runBundle('flyway-migrate', {
      cwd,
      inputs: { url: db.jdbcUrl },
      env: { FLYWAY_PLACEHOLDERS_APP_ROLE: 'app_rw', FLYWAY_DEFAULT_SCHEMA: 'app' },
    })
    expect(r.code).toBe(0)
    expect(await rows(db.url, "SELECT to_regclass('app.flyway_schema_history') IS NOT NULL AS ok")).toEqual([
      { ok: true },
    ])
    // A migration applied elsewhere whose file is gone here: refused, unless ignored as Kestra's databases need.
    await rows(
      db.url,
      "INSERT INTO app.flyway_schema_history VALUES (3, '0.5', 'gone', 'SQL', 'V0_5__gone.sql', 1, 'x', now(), 1, true)",
    )
    const strict = await runBundle('flyway-migrate', {
      cwd,
      inputs: { url: db.jdbcUrl, command: 'validate' },
      env: { FLYWAY_DEFAULT_SCHEMA: 'app' },
    })
    expect(strict.code).toBe(1)
    const lenient = await runBundle('flyway-migrate', {
      cwd,
      inputs: { url: db.jdbcUrl, command: 'validate', 'ignore-migration-patterns': '*:missing' },
      env: { FLYWAY_DEFAULT_SCHEMA: 'app' },
    })
    expect(lenient.code).toBe(0)
    const refused = await runBundle('flyway-migrate', {
      cwd,
      inputs: { url: db.jdbcUrl },
      env: { FLYWAY_INSTALLED_BY: 'ci' },
    })
    expect(refused.code).toBe(1)
    expect(refused.stdout).toContain(
      '::error::Invalid input FLYWAY_INSTALLED_BY: a Flyway setting this action supports',
    )
  })

  test('a migration mixing transactional and non-transactional statements: validate names it, mixed: true runs it', async () => {
    const db = await server.createDatabase()
    const cwd = migrations({ 'V1__mixed.sql': 'CREATE TABLE m (id int);\nCREATE INDEX CONCURRENTLY m_id ON m (id);\n' })
    const v = await runBundle('flyway-migrate', { cwd, inputs: { url: db.jdbcUrl, command: 'validate' } })
    expect(v.code).toBe(1)
    expect(v.stdout).toContain(
      'Detected both transactional and non-transactional statements within the same migration (even though mixed is false)',
    )
    const refused = await runBundle('flyway-migrate', { cwd, inputs: { url: db.jdbcUrl } })
    expect(refused.code).toBe(1)
    expect(refused.outputs).toMatchObject({ applied: '0' })
    const mixed = await runBundle('flyway-migrate', { cwd, inputs: { url: db.jdbcUrl, mixed: 'true' } })
    expect(mixed.code).toBe(0)
  })
})
