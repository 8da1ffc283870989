// The demo's three releases, end to end, through the release runner and its plan file against
// the local production (moto's ECR/RDS/S3/CloudFront with a real registry behind ECR, dockerd,
// PostgreSQL, the Kubernetes simulator, real Prometheus fed by the traffic emulator through the
// service's HTTPRoute): the state after each release is read back from the services themselves.
import { spawn } from 'node:child_process'
import { CloudFrontClient, ListInvalidationsCommand } from '@aws-sdk/client-cloudfront'
import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr'
import { DescribeDBInstancesCommand, DescribeDBSnapshotsCommand, RDSClient } from '@aws-sdk/client-rds'
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3'
import type { KubeObject } from '@deploy-actions/kube'
import { REPO_ROOT } from '@deploy-actions/testbed'
import pg from 'pg'
import {
  openSession,
  type ReleaseOutcome,
  releaseFromPlan,
  restoreFromPlan,
} from '../../../packages/release/src/session.ts'
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
const lines: string[] = []

beforeAll(async () => {
  p = await startProduction()
  await p.prometheus.waitForTargets()
}, 120_000)
afterAll(async () => {
  await p?.stop()
})

/** The environment a release gets here: this process's, without jest's flags, plus production's. */
function env(): NodeJS.ProcessEnv {
  const { NODE_OPTIONS: _, ...rest } = process.env
  return { ...rest, ...p.env }
}

async function release(i: number): Promise<ReleaseOutcome> {
  const r = RELEASES[i]!
  writeSampleService(p.workspace, p, r)
  const session = openSession({
    planFile: `${p.workspace}/release.yaml`,
    version: r.version,
    env: env(),
    sink: (line) => lines.push(line),
  })
  try {
    return await releaseFromPlan(session)
  } finally {
    session.close()
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
  first = await release(0)
  failOnError(first)
  expect(steps(first)).toEqual([
    'preflight:success',
    'image:success',
    'snapshot:success',
    'migrate:success',
    'canary:success',
    'smoke:success',
    'frontends:success',
    'record:success',
  ])
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
  expect(out.stdout).toContain(`- app: ${p.registryHost}/${ECR_REPOSITORY}:v1.0.0@${first.result.state.image?.digest}`)
  expect(out.stdout).toMatch(/\+ app: \S+demo\/shop:v1\.1\.0/)
  expect(out.stdout).toMatch(/`web` from `web`: 2 to upload, 0 to delete/)
  // Nothing changed.
  expect(await schemaVersion()).toBe('1.1')
  expect(await page()).toContain('<footer>v1.0.0</footer>')
}, 120_000)

test('v1.1.0: new migration and image, canary 10→50→100 under Prometheus analysis, promoted', async () => {
  const invalidationsBefore = await invalidations()
  second = await release(1)
  failOnError(second)
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
  const third = await release(2)
  expect(third.result.ok).toBe(false)
  expect(third.result.failure?.step).toBe('canary')
  expect(third.result.failure?.reason).toMatch(/^canary aborted: check error-rate: 0\.\d+ > max 0\.05/)
  expect(steps(third).slice(4)).toEqual(['canary:failure', 'smoke:skipped', 'frontends:skipped', 'record:success'])
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
