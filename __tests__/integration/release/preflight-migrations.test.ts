// The release's preflight lists the migrations a release would apply, against a real PostgreSQL,
// before anything changes: flyway-migrate's `info` on a read-only session, no advisory lock
// taken (so a migration running elsewhere does not hold it up), nothing written (an empty
// database stays without a history table), and through the tunnel when the plan's database is
// private (`with: { via: kubernetes }`, here through a bastion pod of the Kubernetes simulator).
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { advisoryLockKey } from '@deploy-actions/flyway'
import { createObjectsApi, loadKubeConfig } from '@deploy-actions/kube'
import {
  type KubeSimulator,
  type Postgres,
  removeDir,
  runBundle,
  startKubeSimulator,
  startPostgres,
  tempDir,
} from '@deploy-actions/testbed'
import pg from 'pg'
import { renderSummary } from '../../../actions/release/src/report.ts'
import { openSession, type ReleaseOutcome, releaseFromPlan } from '../../../packages/release/src/session.ts'
import { preflight } from '../../../packages/release/src/steps.ts'

let server: Postgres
let sim: KubeSimulator
let work: string
beforeAll(async () => {
  ;[server, sim] = await Promise.all([startPostgres(), startKubeSimulator({ podReadyDelayMs: 50 })])
  work = tempDir('release-preflight')
}, 60_000)
afterAll(async () => {
  await Promise.all([server?.stop(), sim?.stop()])
  if (work) removeDir(work)
})

const MIGRATIONS = {
  'V1__accounts.sql': 'CREATE TABLE accounts (id int PRIMARY KEY, owner text);\n',
  'V2__seed.sql': "INSERT INTO accounts VALUES (1, 'ann');\n",
  'V3__index.sql': 'CREATE INDEX accounts_owner ON accounts (owner);\n',
  'R__owners_view.sql': 'CREATE OR REPLACE VIEW owners AS SELECT owner FROM accounts;\n',
}

let n = 0
/** A service's folder: its migrations (all, or the first `upTo`) and its release plan. */
function service(plan: string, upTo = 4): string {
  const dir = join(work, `s${++n}`)
  mkdirSync(join(dir, 'db/migration'), { recursive: true })
  for (const [name, sql] of Object.entries(MIGRATIONS).slice(0, upTo))
    writeFileSync(join(dir, 'db/migration', name), sql)
  writeFileSync(join(dir, 'kubeconfig'), sim.kubeconfig)
  writeFileSync(join(dir, 'release.yaml'), plan)
  return dir
}

const lines: string[] = []
async function preflightOf(dir: string, more: Record<string, string> = {}): Promise<ReleaseOutcome> {
  const { NODE_OPTIONS: _, ...env } = process.env
  const session = openSession({
    planFile: join(dir, 'release.yaml'),
    version: 'v2.0.0',
    env: { ...env, ...more },
    sink: (l) => lines.push(l),
  })
  try {
    return await releaseFromPlan(session, [preflight])
  } finally {
    session.close()
  }
}

async function query<T>(url: string, sql: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    return (await c.query(sql)).rows as T[]
  } finally {
    await c.end()
  }
}
const history = (url: string) =>
  query(url, 'SELECT installed_rank, version, script, checksum, success FROM flyway_schema_history ORDER BY 1')

const fail = (o: ReleaseOutcome) => {
  if (!o.result.ok) throw new Error(`${o.result.failure?.reason}\n${lines.slice(-30).join('\n')}`)
}

test('lists what migrate would apply, in order, while another run holds the migration lock; writes nothing', async () => {
  const db = await server.createDatabase()
  // V1 and V2 applied by an earlier release.
  const earlier = service('', 2)
  const applied = await runBundle('flyway-migrate', {
    cwd: earlier,
    inputs: { url: db.url, locations: 'db/migration' },
  })
  expect(applied.code).toBe(0)
  const dir = service(`database:\n  url: ${db.url}\n  user: postgres\n  migrations: db/migration\n`)
  const before = await history(db.url)

  // A migration running elsewhere holds Flyway's advisory lock for the whole preflight.
  const holder = new pg.Client({ connectionString: db.url })
  await holder.connect()
  await holder.query('SELECT pg_advisory_lock($1::bigint)', [advisoryLockKey('public', 'flyway_schema_history')])
  let outcome: ReleaseOutcome
  try {
    outcome = await preflightOf(dir)
  } finally {
    await holder.end()
  }
  fail(outcome)
  expect(outcome.result.state.pending).toEqual({
    schemaVersion: '2',
    migrations: [
      { version: '3', description: 'index', script: 'V3__index.sql' },
      { version: '', description: 'owners view', script: 'R__owners_view.sql' },
    ],
  })
  expect(outcome.result.timeline[0]?.detail).toBe(
    'release v2.0.0: migrations; schema version 2, 2 pending migration(s): V3__index.sql, R__owners_view.sql',
  )
  expect(lines).toContain('  schema version 2, 2 pending migration(s):')
  expect(lines).toContain('    3 index (V3__index.sql)')
  expect(lines).toContain('    repeatable owners view (R__owners_view.sql)')
  expect(await history(db.url)).toEqual(before)
  // The root action's summary shows them too.
  const summary = renderSummary({ version: 'v2.0.0', outcome })
  expect(summary).toContain('### Pending migrations at preflight (schema version 2)')
  expect(summary).toContain('| 3 | index | V3__index.sql |')
  expect(summary).toContain('| repeatable | owners view | R__owners_view.sql |')
}, 120_000)

test('an empty database: everything pending, and no history table is created', async () => {
  const db = await server.createDatabase()
  const outcome = await preflightOf(service(`database:\n  url: ${db.url}\n  migrations: db/migration\n`))
  fail(outcome)
  expect(outcome.result.state.pending?.schemaVersion).toBeUndefined()
  expect(outcome.result.state.pending?.migrations.map((m) => m.script)).toEqual([
    'V1__accounts.sql',
    'V2__seed.sql',
    'V3__index.sql',
    'R__owners_view.sql',
  ])
  expect(outcome.result.timeline[0]?.detail).toMatch(/schema version empty, 4 pending migration\(s\): .*, \+1 more$/)
  expect(await query(db.url, "SELECT to_regclass('public.flyway_schema_history') IS NULL AS absent")).toEqual([
    { absent: true },
  ])
}, 120_000)

test('a private database (via: kubernetes): read through the tunnel of the plan’s cluster', async () => {
  const objects = await createObjectsApi((await loadKubeConfig({ kubeconfig: sim.kubeconfig })).kubeConfig)
  // The team's bastion: socat in a pod, forwarding its port 6432 to the database.
  const bastion = ['TCP-LISTEN:6432,fork,reuseaddr', `TCP:${server.host}:${server.port}`]
  await objects.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'db-bastion', namespace: 'default', labels: { app: 'db-bastion' } },
    spec: { containers: [{ name: 'socat', image: 'alpine/socat:1.8.0.0', args: bastion }] },
  })
  const db = await server.createDatabase()
  const dir = service(
    [
      'database:',
      // Not reachable from here: only the bastion pod forwards to it.
      `  url: jdbc:postgresql://db.internal:5432/${db.name}`,
      '  user: postgres',
      '  migrations: db/migration',
      '  with: { via: kubernetes, tunnel-pod: default/db-bastion:6432 }',
      'kubernetes:',
      '  deployment: accounts',
      '  image: registry.local/accounts:2',
      '  kubeconfig: kubeconfig',
      '',
    ].join('\n'),
  )
  lines.length = 0
  const outcome = await preflightOf(dir)
  fail(outcome)
  expect(outcome.result.state.pending?.migrations).toHaveLength(4)
  expect(lines.join('\n')).toMatch(/tunnel: 127\.0\.0\.1:\d+ → pod default\/db-bastion:6432/)
}, 120_000)

test('an unreachable database stops the release at its preflight, naming why', async () => {
  const dir = service('database:\n  url: postgres://postgres@127.0.0.1:9/nowhere\n  migrations: db/migration\n')
  // Flyway's connectRetries=0: refused once is refused (the default keeps trying for a minute).
  const outcome = await preflightOf(dir, { FLYWAY_CONNECT_RETRIES: '0' })
  expect(outcome.result.ok).toBe(false)
  expect(outcome.result.failure?.step).toBe('preflight')
  expect(outcome.result.failure?.reason).toMatch(/^pending migrations could not be read: .*ECONNREFUSED/)
}, 120_000)
