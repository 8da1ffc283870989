// flyway-migrate `via: kubernetes`, run as the runner runs the bundle: a real PostgreSQL reached
// only through a proxy pod of the Kubernetes simulator (port-forward through its API server),
// credentials from moto's Secrets Manager, the runner's cancellation signals, and a TCP fault
// proxy between the tunnel and PostgreSQL to cut it mid-migration.
import { spawn } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import {
  createObjectsApi,
  loadKubeConfig,
  type ObjectsApi,
  TUNNEL_HEARTBEAT_ANNOTATION,
  TUNNEL_OWNER_LABEL,
} from '@deploy-actions/kube'
import {
  type BundleRun,
  type KubeSimulator,
  type Moto,
  type Postgres,
  REPO_ROOT,
  runBundle,
  startKubeSimulator,
  startMoto,
  startPostgres,
  startTcpFaultProxy,
  type TcpFaultProxy,
  tempDir,
} from '@deploy-actions/testbed'
import pg from 'pg'
import { PORT_FORWARD_ANNOTATION } from '../../../packages/testbed/src/kube/port-forward.ts'

let sim: KubeSimulator
let server: Postgres
let moto: Moto
let cutter: TcpFaultProxy
let objects: ObjectsApi
let work: string

beforeAll(async () => {
  ;[sim, server, moto] = await Promise.all([startKubeSimulator({ podReadyDelayMs: 100 }), startPostgres(), startMoto()])
  cutter = await startTcpFaultProxy({ host: server.host, port: server.port })
  objects = await createObjectsApi((await loadKubeConfig({ kubeconfig: sim.kubeconfig })).kubeConfig)
  work = tempDir('flyway-tunnel')
}, 60_000)
afterAll(async () => {
  await Promise.all([sim?.stop(), server?.stop(), moto?.stop(), cutter?.stop()])
  if (work) rmSync(work, { recursive: true, force: true })
})

const RUNNER = {
  GITHUB_RUN_ID: '777',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_REPOSITORY: 'acme/shop',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_WORKFLOW: 'release',
}

let n = 0
function project(files: Record<string, string>): string {
  const dir = join(work, `p${++n}`)
  mkdirSync(join(dir, 'db', 'migration'), { recursive: true })
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, 'db', 'migration', name), sql)
  return dir
}

const BASE = {
  'V1__accounts.sql': 'CREATE TABLE accounts (id int PRIMARY KEY, owner text);\n',
  'V2__seed.sql': "INSERT INTO accounts VALUES (1, 'ann'), (2, 'bob');\n",
  'V3__index.sql': 'CREATE INDEX accounts_owner ON accounts (owner);\n',
  'R__view.sql': 'CREATE OR REPLACE VIEW owners AS SELECT owner FROM accounts;\n',
}

function tunnelRun(
  cwd: string,
  inputs: Record<string, string>,
  more: Partial<Parameters<typeof runBundle>[1]> = {},
): Promise<BundleRun> {
  return runBundle('flyway-migrate', {
    cwd,
    inputs: { via: 'kubernetes', kubeconfig: sim.kubeconfig, user: 'postgres', ...inputs },
    env: { ...RUNNER, ...moto.env, ...(more.env ?? {}) },
    timeoutMs: 90_000,
    ...(more.cancelWhen ? { cancelWhen: more.cancelWhen } : {}),
  })
}

async function history(url: string): Promise<Array<Record<string, unknown>>> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    return (
      await c.query(
        'SELECT installed_rank, version, description, type, script, checksum, installed_by, success FROM flyway_schema_history ORDER BY installed_rank',
      )
    ).rows
  } finally {
    await c.end()
  }
}

/** Proxy pods of flyway-migrate not being deleted. */
const livePods = async () =>
  (await objects.list('v1', 'Pod', 'default', `${TUNNEL_OWNER_LABEL}=flyway-migrate`)).filter(
    (p) => !p.metadata?.deletionTimestamp,
  )

const ok = (r: BundleRun) => {
  if (r.code !== 0) throw new Error(`exit ${r.code}\n${r.stdout}\n${r.stderr}`)
}

describe('via kubernetes', () => {
  test('migrates through the tunnel with the history a direct run writes, and removes the pod', async () => {
    const direct = await server.createDatabase()
    const tunnelled = await server.createDatabase()
    const cwd = project(BASE)
    ok(await runBundle('flyway-migrate', { cwd, inputs: { url: direct.url, user: 'postgres' } }))
    const r = await tunnelRun(cwd, { url: tunnelled.jdbcUrl })
    ok(r)
    expect(r.outputs).toMatchObject({ applied: '4', pending: '0', 'schema-version': '3' })
    expect(r.stdout).toMatch(/proxy pod default\/flyway-migrate-tunnel-\w+ \(alpine\/socat:1\.8\.0\.0\) created/)
    expect(r.stdout).toMatch(/tunnel: 127\.0\.0\.1:\d+ → pod default\/flyway-migrate-tunnel-\w+:\d+ →/)
    expect(r.stdout).toMatch(/proxy pod default\/flyway-migrate-tunnel-\w+ removed/)
    expect(r.state['tunnel-removed']).toBe('true')
    expect(await history(tunnelled.url)).toEqual(await history(direct.url))
    expect(await livePods()).toEqual([])
    // A no-op re-run through a new tunnel.
    const again = await tunnelRun(cwd, { url: tunnelled.jdbcUrl })
    ok(again)
    expect(again.outputs).toMatchObject({ applied: '0', pending: '0' })
  }, 120_000)

  test('tunnel-pod: through a pod the team already runs, which is left in place', async () => {
    await objects.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'pg-bastion',
        namespace: 'default',
        annotations: { [PORT_FORWARD_ANNOTATION]: `6432=${server.host}:${server.port}` },
      },
      spec: { containers: [{ name: 'bastion', image: 'busybox:1.36' }] },
    })
    const db = await server.createDatabase()
    const r = await tunnelRun(project(BASE), {
      url: `jdbc:postgresql://db.internal:5432/${db.name}`,
      'tunnel-pod': 'default/pg-bastion:6432',
    })
    ok(r)
    expect(r.outputs).toMatchObject({ applied: '4' })
    expect(r.stdout).toMatch(/tunnel: 127\.0\.0\.1:\d+ → pod default\/pg-bastion:6432/)
    expect(r.state['tunnel-pod']).toBeUndefined()
    expect(
      await objects.find({ apiVersion: 'v1', kind: 'Pod', namespace: 'default', name: 'pg-bastion' }),
    ).toBeDefined()
    expect((await history(db.url)).length).toBe(4)
  }, 120_000)

  test('a failing migration: the pod is removed all the same', async () => {
    const db = await server.createDatabase()
    const cwd = project({ ...BASE, 'V4__broken.sql': 'ALTER TABLE nowhere ADD COLUMN x int;\n' })
    const r = await tunnelRun(cwd, { url: db.jdbcUrl })
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/Migration V4__broken\.sql failed/)
    expect(r.stdout).toMatch(/proxy pod default\/flyway-migrate-tunnel-\w+ removed/)
    expect(await livePods()).toEqual([])
  }, 120_000)

  test('a stale proxy pod of an earlier, killed run is removed before this run starts its own', async () => {
    await objects.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'flyway-migrate-tunnel-0ld0ld',
        namespace: 'default',
        labels: { [TUNNEL_OWNER_LABEL]: 'flyway-migrate', 'deploy-actions.dev/run-id': '700-1' },
        annotations: { [TUNNEL_HEARTBEAT_ANNOTATION]: new Date(Date.now() - 3_600_000).toISOString() },
      },
      spec: {
        containers: [
          { name: 'proxy', image: 'alpine/socat:1.8.0.0', args: ['TCP-LISTEN:5432,fork,reuseaddr', 'TCP:db:5432'] },
        ],
      },
    })
    const db = await server.createDatabase()
    const r = await tunnelRun(project(BASE), { url: db.jdbcUrl })
    ok(r)
    expect(r.stdout).toMatch(/removed stale proxy pod default\/flyway-migrate-tunnel-0ld0ld of run 700-1/)
    expect(await livePods()).toEqual([])
  }, 120_000)

  test('cancelled (SIGINT during a migration): the migration rolls back, the pod is removed before SIGTERM', async () => {
    const db = await server.createDatabase()
    const cwd = project({ ...BASE, 'V4__slow.sql': 'CREATE TABLE slow (id int);\nSELECT pg_sleep(30);\n' })
    const r = await tunnelRun(cwd, { url: db.jdbcUrl }, { cancelWhen: (out) => out.includes('Migrating version 4') })
    expect(r.signalsSent).toEqual(['SIGINT'])
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/proxy pod default\/flyway-migrate-tunnel-\w+ removed/)
    expect(await livePods()).toEqual([])
    expect((await history(db.url)).map((h) => h.script)).not.toContain('V4__slow.sql')
  }, 120_000)

  test('SIGTERM alone during a migration: the pod is removed too', async () => {
    const db = await server.createDatabase()
    const cwd = project({ ...BASE, 'V4__slow.sql': 'CREATE TABLE slow (id int);\nSELECT pg_sleep(30);\n' })
    const dir = tempDir('sigterm')
    for (const f of ['out', 'summary', 'state']) writeFileSync(join(dir, f), '')
    const env: Record<string, string> = {}
    for (const [k, v] of Object.entries(process.env))
      if (v !== undefined && !k.startsWith('INPUT_') && k !== 'NODE_OPTIONS') env[k] = v
    Object.assign(env, RUNNER, {
      GITHUB_OUTPUT: join(dir, 'out'),
      GITHUB_STEP_SUMMARY: join(dir, 'summary'),
      GITHUB_STATE: join(dir, 'state'),
      RUNNER_TEMP: dir,
    })
    for (const [k, v] of Object.entries({
      via: 'kubernetes',
      kubeconfig: sim.kubeconfig,
      user: 'postgres',
      url: db.jdbcUrl,
    }))
      env[`INPUT_${k.replace(/ /g, '_').toUpperCase()}`] = v
    const child = spawn(process.execPath, [join(REPO_ROOT, 'dist', 'flyway-migrate', 'index.js')], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    child.stdout.on('data', (d) => {
      stdout += d
      if (stdout.includes('Migrating version 4') && child.signalCode === null && !child.killed) child.kill('SIGTERM')
    })
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)))
    expect(stdout).toMatch(/received SIGTERM/)
    expect(code).toBe(1)
    expect(stdout).toMatch(/proxy pod default\/flyway-migrate-tunnel-\w+ removed/)
    expect(await livePods()).toEqual([])
    expect((await history(db.url)).map((h) => h.script)).not.toContain('V4__slow.sql')
  }, 120_000)

  test('the post step removes the pod a killed main step left behind', async () => {
    await objects.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'flyway-migrate-tunnel-k1lled',
        namespace: 'default',
        labels: { [TUNNEL_OWNER_LABEL]: 'flyway-migrate' },
      },
      spec: { containers: [{ name: 'proxy', image: 'alpine/socat:1.8.0.0' }] },
    })
    const main = {
      code: 1,
      stdout: '',
      stderr: '',
      outputs: {},
      summary: '',
      signalsSent: [],
      env: { ...RUNNER },
      state: { 'deploy-actions-post': 'true', 'tunnel-pod': 'default/flyway-migrate-tunnel-k1lled' },
    } as BundleRun
    const post = await runBundle('flyway-migrate', {
      cwd: project(BASE),
      inputs: { via: 'kubernetes', kubeconfig: sim.kubeconfig, url: 'postgres://postgres@db.internal:5432/app' },
      postOf: main,
    })
    ok(post)
    expect(post.stdout).toMatch(/post: proxy pod default\/flyway-migrate-tunnel-k1lled removed/)
    expect(await livePods()).toEqual([])
  }, 60_000)

  test('a tunnel cut mid-migration leaves that migration unapplied, names it, and a re-run applies it', async () => {
    const db = await server.createDatabase()
    const cwd = project({
      ...BASE,
      'V4__slow.sql': 'CREATE TABLE slow (id int);\nSELECT pg_sleep(3);\n',
      'V5__after.sql': 'CREATE TABLE after_slow (id int);\n',
    })
    // The proxy pod forwards to the fault proxy, which forwards to PostgreSQL.
    const url = `jdbc:postgresql://${cutter.host}:${cutter.port}/${db.name}`
    let cut = false
    const r = await tunnelRun(
      cwd,
      { url },
      {
        cancelWhen: (out) => {
          if (!cut && out.includes('Migrating version 4')) {
            cut = true
            setTimeout(() => cutter.cutAll(), 500)
          }
          return false
        },
      },
    )
    expect(cut).toBe(true)
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(
      /the tunnel through pod default\/flyway-migrate-tunnel-\w+:\d+ dropped while V4__slow\.sql was in flight/,
    )
    expect(r.stdout).toMatch(
      /left: V4__slow\.sql not applied \(PostgreSQL rolls its transaction back when it loses the connection.*a re-run applies it/,
    )
    expect(await livePods()).toEqual([])
    // Versioned ones apply before repeatables: V1-V3 committed, V4 rolled back, V5 and R never started.
    expect((await history(db.url)).map((h) => h.script)).toEqual(['V1__accounts.sql', 'V2__seed.sql', 'V3__index.sql'])

    const again = await tunnelRun(cwd, { url })
    ok(again)
    expect((await history(db.url)).map((h) => h.script)).toEqual([
      'V1__accounts.sql',
      'V2__seed.sql',
      'V3__index.sql',
      'V4__slow.sql',
      'V5__after.sql',
      'R__view.sql',
    ])
    expect(again.outputs).toMatchObject({ applied: '3', 'schema-version': '5' })
  }, 120_000)
})

describe('password-secret-id (moto Secrets Manager)', () => {
  const PASSWORD = 'Tr0ub4dor&3-"quoted"/slash'
  const secrets = () =>
    new SecretsManagerClient({
      region: 'eu-west-1',
      endpoint: moto.endpoint,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    })

  const noLeak = (r: BundleRun, secret: string) => {
    const files = [r.outputs.report ? readFileSync(r.outputs.report, 'utf8') : '']
    for (const [where, text] of [
      [
        'stdout',
        r.stdout
          .split('\n')
          .filter((l) => !l.startsWith('::add-mask::'))
          .join('\n'),
      ],
      ['stderr', r.stderr],
      ['summary', r.summary],
      ['report', files.join('\n')],
      ['outputs', JSON.stringify(r.outputs)],
    ] as const) {
      expect({ where, leaks: text.includes(secret) || text.includes(JSON.stringify(secret).slice(1, -1)) }).toEqual({
        where,
        leaks: false,
      })
    }
  }

  test('a plain string secret is the password: masked, never printed', async () => {
    await moto.reset()
    await secrets().send(new CreateSecretCommand({ Name: 'prod/database/password', SecretString: PASSWORD }))
    const db = await server.createDatabase()
    const r = await tunnelRun(project(BASE), {
      url: db.jdbcUrl,
      'password-secret-id': 'prod/database/password',
      'secret-region': 'eu-west-1',
    })
    ok(r)
    expect(r.stdout).toContain(`::add-mask::${PASSWORD}`)
    expect(r.stdout).toMatch(/credentials from Secrets Manager secret prod\/database\/password: password/)
    noLeak(r, PASSWORD)
  }, 120_000)

  test('RDS JSON fills user, host, port and database when the url is left out', async () => {
    await moto.reset()
    const db = await server.createDatabase()
    const value = JSON.stringify({
      username: 'postgres',
      password: PASSWORD,
      engine: 'postgres',
      host: server.host,
      port: server.port,
      dbname: db.name,
    })
    await secrets().send(new CreateSecretCommand({ Name: 'prod/database/rds', SecretString: value }))
    const r = await runBundle('flyway-migrate', {
      cwd: project(BASE),
      inputs: { via: 'kubernetes', kubeconfig: sim.kubeconfig, 'password-secret-id': 'prod/database/rds' },
      env: { ...RUNNER, ...moto.env, AWS_REGION: 'eu-west-1' },
      timeoutMs: 90_000,
    })
    ok(r)
    expect(r.outputs).toMatchObject({ applied: '4' })
    expect(r.stdout).toContain(`::add-mask::${PASSWORD}`)
    expect(r.stdout).toContain(`::add-mask::${value}`)
    expect(r.stdout).toMatch(/password, user, host, port and database/)
    noLeak(r, PASSWORD)
    noLeak(r, value)
    expect((await history(db.url)).length).toBe(4)
  }, 120_000)
})

describe('bad inputs fail before anything is created', () => {
  test.each([
    [
      { via: 'kubernetes', url: 'postgres://postgres@db:5432/app' },
      /Invalid input kubeconfig: kubeconfig content, or eks-cluster/,
    ],
    [
      {
        via: 'kubernetes',
        kubeconfig: 'KUBECONFIG',
        url: 'postgres://postgres@db:5432/app',
        'tunnel-pod': 'bastion:5432',
      },
      /Invalid input tunnel-pod: expected a pod as <namespace>\/<pod>:<port>/,
    ],
    [
      { via: 'kubernetes', url: 'postgres://postgres@db:5432/app', 'tunnel-pod': 'db-access/bastion:99999' },
      /Invalid input tunnel-pod/,
    ],
    [
      { url: 'postgres://postgres@db:5432/app', 'tunnel-pod': 'db-access/bastion:5432' },
      /Invalid input via: expected kubernetes when tunnel-pod is given/,
    ],
    [
      { via: 'kubernetes', url: 'postgres://postgres@db:5432/app', 'tunnel-pod-spec': 'hostNetwork: true' },
      /Invalid input tunnel-pod-spec: .*got "hostNetwork"/,
    ],
    [
      { url: 'postgres://postgres@db:5432/app', 'password-secret-id': 'has spaces in it' },
      /Invalid input password-secret-id/,
    ],
  ])(
    '%j',
    async (inputs, message) => {
      const given = { ...inputs } as Record<string, string>
      if (given.kubeconfig === 'KUBECONFIG') given.kubeconfig = sim.kubeconfig
      else if (
        given.via === 'kubernetes' &&
        !('tunnel-pod' in given && /:99999$/.test(given['tunnel-pod']!)) &&
        !given['tunnel-pod-spec']
      )
        delete given.kubeconfig
      if (given['tunnel-pod-spec'] || /:99999$/.test(given['tunnel-pod'] ?? '')) given.kubeconfig = sim.kubeconfig
      // Pods not being deleted: an earlier test's proxy pod may still be terminating, and goes meanwhile.
      const standing = async () =>
        (await objects.list('v1', 'Pod', 'default'))
          .filter((p) => !p.metadata?.deletionTimestamp)
          .map((p) => p.metadata?.name)
      const before = await standing()
      const r = await runBundle('flyway-migrate', {
        cwd: project(BASE),
        inputs: given,
        env: { ...RUNNER, KUBECONFIG: undefined, HOME: work, KUBERNETES_SERVICE_HOST: undefined },
      })
      expect(r.code).toBe(1)
      expect(r.stdout).toMatch(message)
      expect(await standing()).toEqual(before)
      expect(r.state['tunnel-pod']).toBeUndefined()
    },
    30_000,
  )
})
