// The reusable release workflow, rehearsed job by job against the testbed: the real
// .github/workflows/release.yml, its expressions evaluated by GitHub's engine, each `$/<short>`
// step run as its bundle (moto for RDS and S3, PostgreSQL for the migrations, a local HTTP server
// for the smoke test), outputs handed from job to job as the runner does. The deploy job needs an
// EKS cluster, which the testbed cannot give; its result is handed on as a needed job's would be.
// rollback.yml the same way, its notify job posting to a local HTTP server standing in for a Slack
// incoming webhook: rolled back (the image now serving), refused, a database restored.

import { mkdirSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { join } from 'node:path'
import { CreateRepositoryCommand, ECRClient, PutImageCommand } from '@aws-sdk/client-ecr'
import { CreateDBSnapshotCommand, DescribeDBInstancesCommand, DescribeDBSnapshotsCommand } from '@aws-sdk/client-rds'
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3'
import {
  fakeImageManifest,
  type JobRehearsal,
  type Moto,
  type NeededJob,
  type Postgres,
  type RehearsalOptions,
  rehearseJob,
  removeDir,
  startMoto,
  startPostgres,
  tempDir,
} from '@deploy-actions/testbed'
import { type Cluster, imageOf, namespace, stableApp, startCluster } from '../canary-deploy/helpers.ts'
import { rolledOut } from '../guardrails/shop-deployment.ts'
import { startWebhook, type WebhookServer } from '../guardrails/webhook-server.ts'
import { rdsClient, seedInstance } from '../rds-snapshot/seed.ts'

const WORKFLOW = '.github/workflows/release.yml'
const ROLE = 'arn:aws:iam::123456789012:role/webshop-release-staging'

let moto: Moto
let postgres: Postgres
let web: Server
let webUrl: string
let workspace: string
let cluster: Cluster
let hook: WebhookServer

beforeAll(async () => {
  ;[moto, postgres, cluster, hook] = await Promise.all([
    startMoto(),
    startPostgres(),
    startCluster(),
    startWebhook({ status: 200, body: 'ok' }),
  ])
  await namespace(cluster.objects, 'shop')
  await stableApp(cluster.objects, 'shop', 'backend', 4, 'registry.local/backend:1')
  // Rolled out before the preflight's guardrails look at it (they block a rollout in progress).
  await rolledOut(cluster.sim.kubeconfig, 'backend', 'shop')
  // The service's ECR repository exists before its first release (the preflight reads its tags).
  await ecrClient().send(new CreateRepositoryCommand({ repositoryName: 'ecommerce-backend' }))
  web = createServer((req, res) => {
    res.setHeader('Content-Type', 'application/json')
    res.end(JSON.stringify({ status: req.url === '/actuator/health' ? 'UP' : 'DOWN' }))
  })
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve))
  const address = web.address()
  webUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`

  // The service repository as actions/checkout would leave it: migrations and a built frontend.
  workspace = tempDir('rehearsal-workspace')
  mkdirSync(join(workspace, 'db/migration'), { recursive: true })
  writeFileSync(join(workspace, 'db/migration/V1__init.sql'), 'CREATE TABLE customer (id bigint PRIMARY KEY);\n')
  writeFileSync(join(workspace, 'db/migration/V2__orders.sql'), 'CREATE TABLE orders (id bigint PRIMARY KEY);\n')
  mkdirSync(join(workspace, 'out/assets'), { recursive: true })
  writeFileSync(join(workspace, 'out/index.html'), '<!doctype html><title>shop</title>\n')
  writeFileSync(join(workspace, 'out/assets/app.3f2a9c1b.js'), 'console.log(1)\n')
}, 60_000)

afterAll(async () => {
  await new Promise((resolve) => web?.close(resolve))
  await Promise.all([moto?.stop(), postgres?.stop(), cluster?.sim.stop(), hook?.stop()])
  if (workspace) removeDir(workspace)
})

/** What the caller of the release workflow passes (see the README's example). */
const CALLER = {
  environment: 'staging',
  'aws-region': 'us-east-1',
  'aws-role': ROLE,
  'ecr-repository': 'ecommerce-backend',
  'eks-cluster': 'shop-staging',
  deployment: 'backend',
}

/** Stand-ins for the third-party actions: the checkout is the workspace; OIDC credentials are moto's. */
const roles: string[] = []
const artifacts: string[] = []
function options(job: string, extra: Partial<RehearsalOptions> = {}): RehearsalOptions {
  return {
    workflow: WORKFLOW,
    job,
    workspace,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DEPLOY_ACTIONS_POLL_INTERVAL_MS: '100' },
    standIns: {
      'actions/checkout': () => ({}),
      'aws-actions/configure-aws-credentials': (inputs) => {
        roles.push(inputs['role-to-assume']!)
        return { env: { ...moto.env, AWS_REGION: inputs['aws-region']! } }
      },
      'actions/upload-artifact': (inputs) => {
        artifacts.push(inputs.path!)
        return {}
      },
    },
    ...extra,
    inputs: { ...CALLER, ...extra.inputs },
  }
}

function expectSuccess(job: JobRehearsal): void {
  const failed = job.steps.filter((s) => s.conclusion === 'failure')
  if (job.result !== 'success') throw new Error(failed.map((s) => `${s.name}:\n${s.log}`).join('\n') || job.result)
}

const success = (outputs: Record<string, string> = {}) => ({ result: 'success' as const, outputs })
const ecrClient = () =>
  new ECRClient({
    endpoint: moto.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  })
/** The preflight's guardrails reach the simulator's cluster through the kubeconfig secret. */
const onSimulator = (extra: Partial<RehearsalOptions> = {}): Partial<RehearsalOptions> => ({
  ...extra,
  inputs: { 'eks-cluster': '', namespace: 'shop', ...extra.inputs },
  secrets: { kubeconfig: cluster.sim.kubeconfig, ...extra.secrets },
})

describe('release.yml, job by job', () => {
  let preflight: JobRehearsal

  test('preflight: the version from the tag, and the frontends as a matrix', async () => {
    preflight = await rehearseJob(
      options(
        'preflight',
        onSimulator({
          inputs: {
            frontends: 'out cmc-frontend-staging E2QWRUHAPOMQZL\n\n# the admin app later\nadmin/dist shop-admin\n',
          },
        }),
      ),
    )
    expectSuccess(preflight)
    expect(preflight.outputs.guardrails).toBe('passed')
    expect(preflight.outputs.version).toBe('v1.0.0')
    expect(JSON.parse(preflight.outputs.frontends!)).toEqual([
      { source: 'out', bucket: 'cmc-frontend-staging', 'distribution-id': 'E2QWRUHAPOMQZL' },
      { source: 'admin/dist', bucket: 'shop-admin', 'distribution-id': '' },
    ])
  })

  test('preflight: a malformed frontends line fails the release before anything else runs', async () => {
    const bad = await rehearseJob(options('preflight', onSimulator({ inputs: { frontends: 'out' } })))
    expect(bad.result).toBe('failure')
    expect(bad.steps.find((s) => s.id === 'plan')!.log).toContain(
      'frontends: expected "<source dir> <bucket> [<distribution id>]" lines, got "out"',
    )
  })

  test('image: production promotes the staging-tested tag by manifest copy and hands on the digest', async () => {
    const ecr = ecrClient()
    const manifest = fakeImageManifest('a')
    await ecr.send(
      new PutImageCommand({ repositoryName: 'ecommerce-backend', imageTag: 'v1.0.0', imageManifest: manifest }),
    )
    const image = await rehearseJob(
      options('image', {
        inputs: { environment: 'production', 'promote-from': 'v1.0.0', 'image-tags': 'v1.0.0-prod' },
        needs: { preflight: success(preflight.outputs) },
      }),
    )
    expectSuccess(image)
    // No checkout for a promotion: nothing is built.
    expect(image.steps[0]).toMatchObject({ name: 'actions/checkout@v4', conclusion: 'skipped' })
    expect(image.outputs['image-ref']).toMatch(/\/ecommerce-backend@sha256:[0-9a-f]{64}$/)
    expect(image.outputs.digest).toBe(image.outputs['image-ref']!.split('@')[1])
    expect(image.steps.find((s) => s.id === 'push')!.outputs.tags).toBe('v1.0.0-prod')
  })

  test('database: the snapshot first, then the migrations; both hand their outputs on', async () => {
    await seedInstance(moto, 'webshop-staging')
    const db = await postgres.createDatabase('webshop')
    const database = await rehearseJob(
      options('database', {
        inputs: { 'db-instance-identifier': 'webshop-staging', migrations: 'db/migration', 'snapshot-retain': 3 },
        secrets: { 'database-url': db.url },
        needs: { preflight: success(preflight.outputs), image: success({ 'image-ref': 'r/x@sha256:0' }) },
      }),
    )
    expectSuccess(database)
    expect(database.steps.map((s) => [s.id ?? s.name, s.conclusion])).toEqual([
      ['aws-actions/configure-aws-credentials@v4', 'success'],
      ['snapshot', 'success'],
      ['actions/checkout@v4', 'success'],
      ['migrate', 'success'],
      // flyway-migrate's post step (it removes a tunnel pod a killed run left; none here)
      ['Post migrate', 'success'],
    ])
    expect(database.outputs).toEqual({ 'snapshot-identifier': 'webshop-staging-pre-v1-0-0', 'schema-version': '2' })
    const snapshots = await rdsClient(moto).send(
      new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: 'webshop-staging' }),
    )
    expect(snapshots.DBSnapshots?.map((s) => s.DBSnapshotIdentifier)).toContain('webshop-staging-pre-v1-0-0')
    expect(roles).toContain(ROLE)
  })

  test('database: without a DB or migrations every step is skipped and the job succeeds', async () => {
    const database = await rehearseJob(
      options('database', { needs: { preflight: success(preflight.outputs), image: success() } }),
    )
    expectSuccess(database)
    expect(database.steps.every((s) => s.conclusion === 'skipped')).toBe(true)
    expect(database.outputs).toEqual({ 'snapshot-identifier': '', 'schema-version': '' })
  })

  test('deploy: the image from the image job rolled out as a canary and promoted, previous image handed on', async () => {
    const deploy = await rehearseJob(
      options('deploy', {
        inputs: {
          'eks-cluster': '',
          namespace: 'shop',
          'canary-steps': '50,100',
          'step-duration': '1s',
          'analysis-interval': '500ms',
          'rollout-timeout': '30s',
        },
        secrets: { kubeconfig: cluster.sim.kubeconfig },
        needs: {
          preflight: success(preflight.outputs),
          image: success({ 'image-ref': 'registry.local/backend:2' }),
          database: success(),
        },
        timeoutMs: 110_000,
      }),
    )
    expectSuccess(deploy)
    expect(deploy.outputs).toMatchObject({ result: 'promoted', 'previous-image': 'registry.local/backend:1' })
    expect(await imageOf(cluster.objects, 'shop', 'backend')).toBe('registry.local/backend:2')
  }, 120_000)

  test('verify: the smoke test against the deployed service, its report kept as an artifact', async () => {
    const verify = await rehearseJob(
      options('verify', {
        inputs: {
          'smoke-urls': `${webUrl}/actuator/health`,
          'smoke-checks': `- url: ${webUrl}/actuator/health\n  expect: {json: {$.status: UP}}`,
        },
        needs: { preflight: success(preflight.outputs), deploy: success({ result: 'promoted' }) },
      }),
    )
    expectSuccess(verify)
    expect(verify.outputs).toEqual({ result: 'success' })
    expect(artifacts.at(-1)).toMatch(/smoke-test-report-smoke\.json$/)
  })

  test('verify is skipped when no smoke checks are configured', async () => {
    const verify = await rehearseJob(
      options('verify', { needs: { preflight: success(preflight.outputs), deploy: success() } }),
    )
    expect(verify.result).toBe('skipped')
  })

  test('frontends: each matrix entry published by frontend-sync, also after a skipped verify', async () => {
    const s3 = new S3Client({
      endpoint: moto.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    })
    await s3.send(new CreateBucketCommand({ Bucket: 'cmc-frontend-staging' }))
    const entry = { source: 'out', bucket: 'cmc-frontend-staging', 'distribution-id': '' }
    const frontends = await rehearseJob(
      options('frontends', {
        matrix: { frontend: entry },
        needs: {
          preflight: success({ ...preflight.outputs, frontends: JSON.stringify([entry]) }),
          deploy: success(),
          verify: { result: 'skipped', outputs: {} },
        },
      }),
    )
    expectSuccess(frontends)
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'cmc-frontend-staging' }))
    expect(listed.Contents?.map((o) => o.Key)).toEqual(expect.arrayContaining(['assets/app.3f2a9c1b.js', 'index.html']))
  })

  test('frontends are skipped when a job before failed', async () => {
    const frontends = await rehearseJob(
      options('frontends', {
        matrix: { frontend: { source: 'out', bucket: 'b', 'distribution-id': '' } },
        needs: {
          preflight: success(preflight.outputs),
          deploy: { result: 'failure', outputs: {} },
          verify: { result: 'skipped', outputs: {} },
        },
      }),
    )
    expect(frontends.result).toBe('skipped')
  })

  test('record: a table of the jobs; on a failure, the exact rollback and restore steps', async () => {
    const needs = {
      preflight: success(preflight.outputs),
      image: success({ 'image-ref': 'r/x@sha256:0' }),
      database: success({ 'snapshot-identifier': 'webshop-staging-pre-v1-0-0' }),
      deploy: success({ result: 'promoted', 'previous-image': 'r/x:v0.9.0' }),
      verify: { result: 'failure' as const, outputs: {} },
      frontends: { result: 'skipped' as const, outputs: {} },
    }
    const record = await rehearseJob(options('record', { needs }))
    expect(record.result).toBe('failure')
    expect(record.summary).toContain('| verify | failure |')
    expect(record.summary).toContain('restore snapshot `webshop-staging-pre-v1-0-0`')
    expect(record.summary).toContain('image `r/x:v0.9.0`')
    const fine = await rehearseJob(options('record', { needs: { ...needs, verify: success() } }))
    expectSuccess(fine)
    expect(fine.summary).toContain('### Release v1.0.0 to staging')
  })
})

describe('rollback.yml', () => {
  const rollback = (job: string, extra: Partial<RehearsalOptions>) => ({
    ...options(job, extra),
    workflow: '.github/workflows/rollback.yml',
    inputs: {
      environment: 'staging',
      'aws-region': 'us-east-1',
      'aws-role': ROLE,
      'eks-cluster': 'shop-staging',
      deployment: 'backend',
      ...extra.inputs,
    },
  })

  /** The notify job after the jobs before it, and the Slack messages it posted. */
  async function notified(needs: Record<string, NeededJob>, inputs: Record<string, string | boolean> = {}) {
    const before = hook.bodies.length
    const job = await rehearseJob(
      rollback('notify', { needs, inputs: { namespace: 'shop', ...inputs }, secrets: { 'slack-webhook': hook.url } }),
    )
    expectSuccess(job)
    return { job, messages: hook.bodies.slice(before) as Array<{ text: string; blocks: unknown[] }> }
  }
  const skipped: NeededJob = { result: 'skipped', outputs: {} }

  test('application: the Deployment back to its previous revision; Slack told which image serves now', async () => {
    const application = await rehearseJob(
      rollback('application', {
        inputs: { 'eks-cluster': '', namespace: 'shop', timeout: '30s' },
        secrets: { kubeconfig: cluster.sim.kubeconfig },
        timeoutMs: 110_000,
      }),
    )
    expectSuccess(application)
    expect(application.outputs).toMatchObject({ image: 'registry.local/backend:1' })
    expect(await imageOf(cluster.objects, 'shop', 'backend')).toBe('registry.local/backend:1')

    // The job's own result and outputs, handed on as the runner hands them.
    const { messages } = await notified({
      application: { result: 'success', outputs: application.outputs },
      database: skipped,
    })
    expect(messages).toHaveLength(1)
    const { revision, 'previous-image': replaced } = application.outputs
    expect(replaced).toBe('registry.local/backend:2')
    // The release rolled back is the replaced image's tag (no version input given).
    expect(messages[0]!.text).toBe(
      `:leftwards_arrow_with_hook: webshop 2 rolled back in staging: shop/backend rolled back to revision ${revision}: registry.local/backend:1 now serving (instead of registry.local/backend:2)`,
    )
    expect(JSON.stringify(messages[0]!.blocks)).toContain('*Event*\\nrollback')
  }, 180_000)

  test('a refused rollback (no such revision): nothing changed, Slack told it failed', async () => {
    const refused = await rehearseJob(
      rollback('application', {
        inputs: { 'eks-cluster': '', namespace: 'shop', 'to-revision': '99' },
        secrets: { kubeconfig: cluster.sim.kubeconfig },
        // Another run: in the same run the rollback action takes its step for a re-run of the last one.
        github: { run_id: '2' },
        timeoutMs: 60_000,
      }),
    )
    expect(refused.result).toBe('failure')
    expect(await imageOf(cluster.objects, 'shop', 'backend')).toBe('registry.local/backend:1')
    const { messages } = await notified(
      { application: { result: refused.result, outputs: refused.outputs }, database: skipped },
      { version: 'v1.4.0' },
    )
    expect(messages.map((m) => m.text)).toEqual([
      ':x: webshop v1.4.0 failed in staging: rollback of shop/backend failed: nothing was rolled back, backend serves what it served before; see the application job',
    ])
  }, 120_000)

  test('no webhook given: the notify job sends nothing and succeeds', async () => {
    const before = hook.bodies.length
    const job = await rehearseJob(
      rollback('notify', { needs: { application: success({ image: 'r/x:1' }), database: skipped } }),
    )
    expectSuccess(job)
    expect(job.steps.find((s) => s.name === 'Notification')?.log).toContain('no webhook given')
    expect(hook.bodies.length).toBe(before)
  })

  test('database: only when asked, the release snapshot restored into a new instance, with the next step for a human', async () => {
    await seedInstance(moto, 'webshop-dr')
    await rdsClient(moto).send(
      new CreateDBSnapshotCommand({
        DBInstanceIdentifier: 'webshop-dr',
        DBSnapshotIdentifier: 'webshop-dr-pre-v1-0-0',
      }),
    )
    const needs = { application: success({ revision: '3', image: 'r/x:v0.9.0' }) }
    const skipped = await rehearseJob(rollback('database', { needs }))
    expect(skipped.result).toBe('skipped')

    const restored = await rehearseJob(
      rollback('database', {
        needs,
        inputs: {
          'restore-database': true,
          'db-instance-identifier': 'webshop-dr',
          'snapshot-identifier': 'webshop-dr-pre-v1-0-0',
          'target-identifier': 'webshop-dr-restored',
        },
      }),
    )
    expectSuccess(restored)
    expect(restored.outputs.endpoint).toMatch(/webshop-dr-restored/)
    expect(restored.summary).toContain(`point \`backend\` (namespace \`default\`) at \`${restored.outputs.endpoint}\``)
    const source = await rdsClient(moto).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'webshop-dr' }))
    expect(source.DBInstances?.[0]?.DBInstanceStatus).toBe('available')

    const restore = {
      'restore-database': true,
      'snapshot-identifier': 'webshop-dr-pre-v1-0-0',
      'target-identifier': 'webshop-dr-restored',
    }
    const told = await notified(
      { ...needs, database: { result: restored.result, outputs: restored.outputs } },
      { ...restore, namespace: 'default' },
    )
    expect(told.messages.map((m) => m.text)).toEqual([
      `:leftwards_arrow_with_hook: webshop v1.0.0 rolled back in staging: default/backend rolled back to revision 3: r/x:v0.9.0 now serving; database restored from webshop-dr-pre-v1-0-0 into webshop-dr-restored (${restored.outputs.endpoint}): point backend at it by hand (the database job's summary says how)`,
    ])
    // A failed restore after a good application rollback is a failure, the current database untouched.
    const failed = await notified(
      { ...needs, database: { result: 'failure', outputs: {} } },
      { ...restore, namespace: 'default', version: 'v1.0.0' },
    )
    expect(failed.messages[0]!.text).toBe(
      ':x: webshop v1.0.0 failed in staging: default/backend rolled back to revision 3: r/x:v0.9.0 now serving; but the database restore of webshop-dr-pre-v1-0-0 into webshop-dr-restored failed: the current database is untouched, see the database job',
    )
  })
})
