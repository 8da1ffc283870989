// Real projects' migration folders (__tests__/fixtures/flyway, sources in its README) applied by
// the engine on empty databases of a real PostgreSQL, with the history rows Flyway writes: rank,
// version, description, type, script and checksum from the file, success.
import { cpSync, mkdirSync, rmSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import {
  engineOptions,
  flywayChecksum,
  newReport,
  parseDatabaseUrl,
  type Report,
  replacePlaceholders,
  runCommand,
  scanLocations,
} from '@deploy-actions/flyway'
import { recordingLogger } from '@deploy-actions/kit'
import { type Postgres, startPostgres, tempDir } from '@deploy-actions/testbed'
import pg from 'pg'

const FIXTURES = join(import.meta.dirname, '../../fixtures/flyway')
let server: Postgres
let work: string

beforeAll(async () => {
  server = await startPostgres()
  work = tempDir('flyway-corpora')
})

afterAll(async () => {
  await server?.stop()
  if (work) rmSync(work, { recursive: true, force: true })
})

async function query<T = Record<string, unknown>>(url: string, sql: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    return (await c.query(sql)).rows
  } finally {
    await c.end()
  }
}

interface Case {
  placeholders?: Record<string, string>
  prepare?: (dir: string) => void
  check?: (url: string, report: Report) => Promise<void>
}

const CASES: Record<string, Case> = {
  marquez: {},
  kestra: {},
  conductor: {},
  pgdump: {
    async check(url) {
      // The COPY data arrived (tabs, escaped newlines, a `\.` inside a value), and V2/V3 landed in public.
      expect(
        Number((await query<{ n: string }>(url, 'SELECT count(*) AS n FROM public.customer'))[0]!.n),
      ).toBeGreaterThan(0)
      expect(await query(url, "SELECT to_regclass('public.paid_orders') IS NOT NULL AS ok")).toEqual([{ ok: true }])
    },
  },
  'pgdump-inserts': {
    async check(url) {
      expect(await query(url, "SELECT to_regclass('public.paid_orders') IS NOT NULL AS ok")).toEqual([{ ok: true }])
    },
  },
  edge: { placeholders: { app_role: 'app_rw' } },
  'edge-copy': {
    async check(url) {
      expect(await query(url, 'SELECT id, name, note FROM edge_copy ORDER BY id')).toEqual([
        { id: 1, name: 'alpha', note: 'first row; with semicolon' },
        { id: 2, name: 'beta', note: null },
        { id: 3, name: 'gamma', note: '-- not a comment' },
        { id: 4, name: 'delta', note: 'after copy' },
      ])
    },
  },
  'edge-set-role': {},
  'edge-naming': {
    prepare(dir) {
      cpSync(join(FIXTURES, 'extra/edge-naming/hidden'), join(dir, '.hidden'), { recursive: true })
      symlinkSync(
        join(FIXTURES, 'extra/edge-naming/linked/V4__symlinked_file.sql'),
        join(dir, 'V4__symlinked_file.sql'),
      )
    },
    async check(_url, report) {
      expect(report.applied.map((a) => a.version)).toEqual(['1', '2', '4', '5'])
    },
  },
  'edge-flyway-placeholders': {},
  'edge-repeatable-placeholder': { placeholders: { app_role: 'app_rw' } },
  'edge-timestamp': {},
}

/** A repeatable's checksum as Flyway stores it: over the text after placeholder replacement. */
function replacedChecksum(sql: string, placeholders: Record<string, string>): number {
  if (/\$\{flyway:/.test(sql)) return expect.any(Number) as unknown as number // run-time values
  return flywayChecksum(replacePlaceholders(sql, placeholders))
}

test.each(Object.keys(CASES))('%s applies on an empty database with the rows Flyway writes', async (name) => {
  const c = CASES[name]!
  const db = await server.createDatabase()
  const dir = join(work, name)
  mkdirSync(dir, { recursive: true })
  cpSync(join(FIXTURES, name), dir, { recursive: true })
  c.prepare?.(dir)
  const scan = scanLocations([dir])
  const report = newReport('migrate', false)
  const options = engineOptions({
    connection: parseDatabaseUrl(`${db.jdbcUrl}&sslmode=disable`),
    log: recordingLogger(),
    placeholders: c.placeholders ?? {},
  })
  await runCommand('migrate', options, scan.migrations, report)
  const rows = await query(
    db.url,
    'SELECT installed_rank, version, description, type, script, checksum, success FROM flyway_schema_history ORDER BY installed_rank',
  )
  expect(rows).toEqual(
    scan.migrations.map((m, i) => ({
      installed_rank: i + 1,
      version: m.version?.text ?? null,
      description: m.description,
      type: 'SQL',
      script: m.script,
      checksum: m.kind === 'repeatable' ? replacedChecksum(m.sql, c.placeholders ?? {}) : m.checksum,
      success: true,
    })),
  )
  await c.check?.(db.url, report)
})
