// The demo's three releases, end to end, through the release runner and its plan file against
// the local production (moto's ECR/RDS/S3/CloudFront with a real registry behind ECR, dockerd,
// PostgreSQL, the Kubernetes simulator, real Prometheus fed by the traffic emulator through the
// service's HTTPRoute, and a local GitHub API for the release's Deployments): the state after each
// release is read back from the services themselves.
import { spawn } from 'node:child_process'
import { CloudFrontClient, ListInvalidationsCommand } from '@aws-sdk/client-cloudfront'
import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr'
import { DescribeDBInstancesCommand, DescribeDBSnapshotsCommand, RDSClient } from '@aws-sdk/client-rds'
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3'
import type { KubeObject } from '@deploy-actions/kube'
import { type GitHubApi, REPO_ROOT, startGitHubApi } from '@deploy-actions/testbed'
import pg from 'pg'
import { defaultGuardrailDeps, withGuardrails } from '../../../packages/release/src/guardrails/steps.ts'
import {
  openSession,
  type ReleaseOutcome,
  releaseFromPlan,
  restoreFromPlan,
} from '../../../packages/release/src/session.ts'
import { RELEASE_STEPS } from '../../../packages/release/src/steps.ts'
import {
  APP,
  BUCKET,
  DB_INSTANCE,
  ECR_REPOSITORY,
  NAMESPACE,
  RELEASES,
  writeSampleService,
} from '../../../scripts/demo/sample-service.ts'
import { AWS, type Production, startProduction } from '../../../scripts/demo/stage.ts'

let p: Production
let gh: GitHubApi
const lines: string[] = []
const warnings: string[] = []

beforeAll(async () => {
  ;[p, gh] = await Promise.all([startProduction(), startGitHubApi()])
  // The guardrails' own AWS calls (identity, the tag's digest) run in this process, as in the
  // CLI's, with the shell's AWS settings: here, moto's.
  for (const [k, v] of Object.entries(p.env)) if (k.startsWith('AWS_')) process.env[k] = v
  await p.prometheus.waitForTargets()
}, 120_000)
afterAll(async () => {
  await Promise.all([p?.stop(), gh?.stop()])
})

/** Each release's commit (the tag's), and when it was committed: an hour before the test runs. */
const SHAS = [
  '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d',
  '2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e',
  '3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f',
]
const COMMITTED = new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z')

/** The environment a release gets here: this process's, without jest's flags, plus production's and the runner's GitHub. */
function env(sha = SHAS[0]!): NodeJS.ProcessEnv {
  const { NODE_OPTIONS: _, ...rest } = process.env
  return {
    ...rest,
    ...p.env,
    GITHUB_SHA: sha,
    GITHUB_TOKEN: 'ghs_release-test-token',
    GITHUB_API_URL: gh.url,
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
  }
}

/** A release as the CLI and the root action run it: the runbook's steps with the guardrails. */
async function release(i: number): Promise<ReleaseOutcome> {
  const r = RELEASES[i]!
  writeSampleService(p.workspace, p, r)
  gh.commits.set(SHAS[i]!, COMMITTED)
  const session = openSession({
    planFile: `${p.workspace}/release.yaml`,
    version: r.version,
    env: env(SHAS[i]),
    sink: (line) => lines.push(line),
  })
  try {
    return await releaseFromPlan(
      session,
      withGuardrails(
        RELEASE_STEPS,
        defaultGuardrailDeps((line) => warnings.push(line)),
      ),
    )
  } finally {
    session.close()
  }
}

const RUN_URL = 'https://github.com/acme/demo-shop/actions/runs/4242'
/** The calls the release made to the Deployments API since `from`, in order. */
const deploymentCalls = (from: number) =>
  gh.calls.slice(from).map((c) => {
    const b = c.body ?? {}
    return `${c.method} ${c.path.replace('/repos/acme/demo-shop', '')}${b.state ? ` ${b.state}` : ''}${b.environment ? ` ${b.environment}` : ''}${b.ref ? ` ${b.ref}` : ''}`
  })
/** What release i asks of GitHub: its commit's time, a deployment of it, three statuses in order. */
const callsOfRelease = (i: number, outcome: 'success' | 'failure') => [
  `GET /commits/${SHAS[i]}`,
  `POST /deployments production ${SHAS[i]}`,
  ...['queued', 'in_progress', outcome].map((state) => `POST /deployments/${gh.deployments[i]!.id}/statuses ${state}`),
]
/** Release i's deployment as it should be: its commit, production, its version and commit time. */
const deploymentOfRelease = (i: number, statuses: string[]) => ({
  ref: SHAS[i],
  sha: SHAS[i],
  environment: 'production',
  production: true,
  payload: { version: RELEASES[i]!.version, commit_time: COMMITTED },
  statuses,
})
/** One release's deployment: what it was created with and its statuses, oldest first. */
const deploymentOf = (i: number) => {
  const d = gh.deployments[i]!
  return {
    ref: d.ref,
    sha: d.sha,
    environment: d.environment,
    production: d.production_environment,
    payload: d.payload,
    statuses: d.statuses.map((s) => `${s.state}${s.log_url === RUN_URL ? '' : ` (log_url ${s.log_url})`}`),
  }
}

const aws = () => ({ ...AWS, endpoint: p.moto.endpoint })

async function ecrTags(): Promise<Record<string, string>> {
  const r = await new ECRClient(aws()).send(new DescribeImagesCommand({ repositoryName: ECR_REPOSITORY }))
  return Object.fromEntries((r.imageDetails ?? []).flatMap((d) => (d.imageTags ?? []).map((t) => [t, d.imageDigest!])))
}
async function snapshots(): Promise<string[]> {
  const r = await new RDSClient(aws()).send(new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: DB_INSTANCE }))
  // The release's manual snapshots (moto also lists an automated `rds:` one, as RDS does).
  return (r.DBSnapshots ?? [])
    .filter((s) => s.SnapshotType === 'manual')
    .map((s) => s.DBSnapshotIdentifier!)
    .sort()
}
async function schemaVersion(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: p.databaseUrl })
  await client.connect()
  try {
    const r = await client.query<{ version: string }>(
      'SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1',
    )
    return r.rows[0]?.version
  } finally {
    await client.end()
  }
}
type Deployment = KubeObject & { spec: { template: { spec: { containers: Array<{ image: string }> } } } }
async function deployment(name = APP): Promise<{ image?: string; revision?: string } | undefined> {
  const d = await p.objects.find<Deployment>({ apiVersion: 'apps/v1', kind: 'Deployment', name, namespace: NAMESPACE })
  if (!d) return undefined
  return {
    image: d.spec.template.spec.containers[0]?.image,
    revision: d.metadata?.annotations?.['deployment.kubernetes.io/revision'],
  }
}
async function routeWeights(): Promise<string> {
  const route = await p.objects.get<
    KubeObject & { spec: { rules: Array<{ backendRefs: Array<{ name: string; weight?: number }> }> } }
  >({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', name: APP, namespace: NAMESPACE })
  return route.spec.rules[0]!.backendRefs.map((b) => `${b.name}=${b.weight ?? 1}`).join(' ')
}
async function bucket(): Promise<string[]> {
  const r = await new S3Client({ ...aws(), forcePathStyle: true }).send(new ListObjectsV2Command({ Bucket: BUCKET }))
  // The site's objects (frontend-sync keeps its own state object beside them).
  return (r.Contents ?? [])
    .map((o) => o.Key!)
    .filter((k) => !k.startsWith('.frontend-sync/'))
    .sort()
}
async function page(): Promise<string> {
  const r = await new S3Client({ ...aws(), forcePathStyle: true }).send(
    new GetObjectCommand({ Bucket: BUCKET, Key: 'index.html' }),
  )
  return r.Body!.transformToString()
}
async function invalidations(): Promise<number> {
  const r = await new CloudFrontClient(aws()).send(new ListInvalidationsCommand({ DistributionId: p.distributionId }))
  return r.InvalidationList?.Quantity ?? 0
}
/** The image tags that serve now: the routing re-read, then the traffic of the next second. */
async function servingNow(): Promise<string[]> {
  await p.traffic.refresh()
  await new Promise((resolve) => setTimeout(resolve, 1200))
  return Object.keys(p.traffic.servedShare(900).byTag).sort()
}
const steps = (o: ReleaseOutcome) => o.result.timeline.map((e) => `${e.step}:${e.outcome}`)
const failOnError = (o: ReleaseOutcome) => {
  if (!o.result.ok)
    throw new Error(`${o.result.failure?.step}: ${o.result.failure?.reason}\n${lines.slice(-60).join('\n')}`)
}

let first: ReleaseOutcome
let second: ReleaseOutcome

test('v1.0.0: image pushed, snapshot, migrations, canary promoted, smoke passed, frontend published', async () => {
  const calls = gh.calls.length
  first = await release(0)
  failOnError(first)
  expect(steps(first)).toEqual([
    'schedule:skipped',
    'preflight:success',
    'checks:success',
    'announce:success',
    'maintenance-on:skipped',
    'image:success',
    'snapshot:success',
    'migrate:success',
    'canary:success',
    'maintenance-off:skipped',
    'smoke:success',
    'frontends:success',
    'conclude:success',
    'record:success',
  ])
  // The preflight listed the migrations before anything changed.
  expect(first.result.state.pending).toEqual({
    migrations: [
      { version: '1', description: 'create orders', script: 'V1__create_orders.sql' },
      { version: '1.1', description: 'seed orders', script: 'V1.1__seed_orders.sql' },
      { version: '', description: 'order totals', script: 'R__order_totals.sql' },
    ],
  })
  // One GitHub deployment of the tag's commit to production: queued, in_progress, success.
  expect(deploymentCalls(calls)).toEqual(callsOfRelease(0, 'success'))
  expect(deploymentOf(0)).toEqual(deploymentOfRelease(0, ['queued', 'in_progress', 'success']))
  expect(gh.deployments[0]!.statuses.at(-1)?.description).toBe('released v1.0.0')
  expect(first.result.timeline.find((e) => e.step === 'conclude')?.detail).toMatch(
    new RegExp(`^deployment ${gh.deployments[0]!.id} success; lead time 1h`),
  )
  const { image } = first.result.state
  const tags = await ecrTags()
  expect(tags['v1.0.0']).toBe(image?.digest)
  expect(image?.imageRef).toBe(`${p.registryHost}/${ECR_REPOSITORY}@${image?.digest}`)
  expect(await snapshots()).toEqual(['webshop-prod-pre-v1-0-0'])
  expect(await schemaVersion()).toBe('1.1')
  expect(first.result.state.migrated?.schemaVersion).toBe('1.1')
  expect(await deployment()).toEqual({
    image: `${p.registryHost}/${ECR_REPOSITORY}:v1.0.0@${image?.digest}`,
    revision: '2',
  })
  expect(await deployment(`${APP}-canary`)).toBeUndefined()
  expect(await routeWeights()).toBe(`${APP}=100`)
  expect(await bucket()).toEqual([
    'assets/main.3f2a9c1b.css',
    'assets/main.8c1d2e3f.js',
    'docs/index.html',
    'index.html',
    'site.webmanifest',
  ])
  expect(await page()).toContain('<footer>v1.0.0</footer>')
  expect(first.nextSteps).toEqual([])
}, 300_000)

test('plan for v1.1.0 (the CLI): the new tag, the pending migration, the Deployment diff, the files to upload', async () => {
  writeSampleService(p.workspace, p, RELEASES[1]!)
  const out = await new Promise<{ code: number; stdout: string }>((resolve) => {
    const child = spawn(process.execPath, [`${REPO_ROOT}/packages/release/src/cli.ts`, 'plan', '--version', 'v1.1.0'], {
      cwd: p.workspace,
      env: env(),
    })
    let stdout = ''
    child.stdout.on('data', (d) => {
      stdout += d
    })
    child.stderr.on('data', () => {})
    child.on('close', (code) => resolve({ code: code ?? 1, stdout }))
  })
  expect(out.code).toBe(0)
  expect(out.stdout).toContain('## Release plan: shop v1.1.0 → production')
  expect(out.stdout).toContain('- tag `v1.1.0`: new')
  expect(out.stdout).toMatch(
    /schema version now `1.1`; 1 pending migration\(s\):\n {2}- `2` order status \(`V2__order_status.sql`\)/,
  )
  // The cluster change as kubectl diff --server-side shows it: the live Deployment against the dry run.
  expect(out.stdout).toContain(
    `Once promoted (container \`app\` set to \`${p.registryHost}/${ECR_REPOSITORY}:v1.1.0\`), \`kubectl diff --server-side\` would show:`,
  )
  expect(out.stdout).toContain('--- LIVE/apps.v1.Deployment.shop.shop\n+++ MERGED/apps.v1.Deployment.shop.shop\n@@ ')
  expect(out.stdout).toMatch(/^- {2}generation: (\d+)\n\+ {2}generation: \d+$/m)
  expect(out.stdout).toContain(
    `\n-      - image: ${p.registryHost}/${ECR_REPOSITORY}:v1.0.0@${first.result.state.image?.digest}\n+      - image: ${p.registryHost}/${ECR_REPOSITORY}:v1.1.0\n`,
  )
  expect(out.stdout).toMatch(/`web` from `web`: 2 to upload, 0 to delete/)
  // Nothing changed.
  expect(await schemaVersion()).toBe('1.1')
  expect(await page()).toContain('<footer>v1.0.0</footer>')
}, 120_000)

test('v1.1.0: new migration and image, canary 10→50→100 under Prometheus analysis, promoted', async () => {
  const invalidationsBefore = await invalidations()
  const calls = gh.calls.length
  second = await release(1)
  failOnError(second)
  expect(second.result.state.pending).toEqual({
    schemaVersion: '1.1',
    migrations: [{ version: '2', description: 'order status', script: 'V2__order_status.sql' }],
  })
  expect(deploymentCalls(calls)).toEqual(callsOfRelease(1, 'success'))
  expect(deploymentOf(1)).toEqual(deploymentOfRelease(1, ['queued', 'in_progress', 'success']))
  // GitHub's auto_inactive: v1.0.0's deployment is no longer the environment's active one.
  expect(gh.deployments[0]!.statuses.map((x) => x.state)).toEqual(['queued', 'in_progress', 'success', 'inactive'])
  const { image, rollout } = second.result.state
  const tags = await ecrTags()
  expect(tags['v1.1.0']).toBe(image?.digest)
  expect(tags['v1.1.0']).not.toBe(tags['v1.0.0'])
  expect(await snapshots()).toEqual(['webshop-prod-pre-v1-0-0', 'webshop-prod-pre-v1-1-0'])
  expect(await schemaVersion()).toBe('2')
  expect(rollout?.result).toBe('promoted')
  expect(await deployment()).toEqual({
    image: `${p.registryHost}/${ECR_REPOSITORY}:v1.1.0@${image?.digest}`,
    revision: '3',
  })
  // The analysis ran on real data: the canary's log shows its error-rate measurements.
  expect(lines.join('\n')).toMatch(/error-rate/)
  expect(await servingNow()).toEqual(['v1.1.0'])
  const objects = await bucket()
  expect(objects).toContain('index.html')
  expect(objects.filter((k) => /^assets\/main\.[0-9a-f]{8}\.js$/.test(k))).toHaveLength(2) // the old one kept for open tabs
  expect(await page()).toContain('<footer>v1.1.0</footer>')
  expect(await invalidations()).toBe(invalidationsBefore + 1)
}, 300_000)

test('v1.2.0: a failing image; the canary aborts on the analysis, v1.1.0 keeps serving, nothing after it runs', async () => {
  const invalidationsBefore = await invalidations()
  const calls = gh.calls.length
  const third = await release(2)
  expect(third.result.ok).toBe(false)
  expect(third.result.failure?.step).toBe('canary')
  expect(third.result.failure?.reason).toMatch(/^canary aborted: check error-rate: 0\.\d+ > max 0\.05/)
  expect(steps(third).slice(5)).toEqual([
    'image:success',
    'snapshot:success',
    'migrate:success',
    'canary:failure',
    'maintenance-off:skipped',
    'smoke:skipped',
    'frontends:skipped',
    'conclude:success',
    'record:success',
  ])
  expect(third.result.state.pending).toEqual({ schemaVersion: '2', migrations: [] })
  // The release's deployment ends in failure, saying why; v1.1.0's stays the active one.
  expect(deploymentCalls(calls)).toEqual(callsOfRelease(2, 'failure'))
  expect(deploymentOf(2)).toEqual(deploymentOfRelease(2, ['queued', 'in_progress', 'failure']))
  // (GitHub keeps 140 characters of a status's description.)
  expect(gh.deployments[2]!.statuses.at(-1)?.description).toMatch(/^failed at canary: canary aborted: check error-rate/)
  expect(gh.deployments[1]!.statuses.at(-1)?.state).toBe('success')
  expect(gh.deployments).toHaveLength(3)
  expect(warnings).toEqual([])
  expect(Object.keys(await ecrTags()).sort()).toEqual(['v1.0.0', 'v1.1.0', 'v1.2.0-errors'])
  expect(await snapshots()).toEqual(['webshop-prod-pre-v1-0-0', 'webshop-prod-pre-v1-1-0', 'webshop-prod-pre-v1-2-0'])
  expect(await schemaVersion()).toBe('2')
  expect(await deployment()).toEqual({
    image: `${p.registryHost}/${ECR_REPOSITORY}:v1.1.0@${second.result.state.image?.digest}`,
    revision: '3',
  })
  expect(await deployment(`${APP}-canary`)).toBeUndefined()
  expect(await routeWeights()).toBe(`${APP}=100`)
  expect(await servingNow()).toEqual(['v1.1.0'])
  expect(await page()).toContain('<footer>v1.1.0</footer>')
  expect(await invalidations()).toBe(invalidationsBefore)
  expect(third.nextSteps[0]).toMatch(/^Application: the canary was aborted; shop still serves /)
  expect(third.nextSteps).toContain(
    '  npx deploy-actions restore --plan ' +
      `${p.workspace}/release.yaml --snapshot webshop-prod-pre-v1-2-0 --target webshop-prod-restored-v1-2-0`,
  )
}, 300_000)

test("DR drill: v1.1.0's snapshot restored into a new instance; the source untouched", async () => {
  const session = openSession({ planFile: `${p.workspace}/release.yaml`, env: env(), sink: (l) => lines.push(l) })
  const run = await restoreFromPlan(session, second.result.state.snapshot!.identifier, 'webshop-prod-drill').finally(
    () => session.close(),
  )
  expect(run.code).toBe(0)
  expect(run.outputs.endpoint).toBeTruthy()
  const rds = new RDSClient(aws())
  const drill = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'webshop-prod-drill' }))
  expect(drill.DBInstances?.[0]?.DBInstanceStatus).toBe('available')
  const source = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: DB_INSTANCE }))
  expect(source.DBInstances?.[0]?.DBInstanceStatus).toBe('available')
}, 120_000)
