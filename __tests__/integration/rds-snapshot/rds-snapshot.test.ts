// The rds-snapshot bundle against moto, through the fault proxy (which forwards everything
// untouched unless a test asks for a fault).
import {
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-rds'
import {
  type BundleRun,
  type FaultProxy,
  type Moto,
  runBundle,
  startFaultProxy,
  startMoto,
} from '@deploy-actions/testbed'
import { rdsClient, seedCluster, seedInstance, seedNetwork, seedSnapshot } from './seed.ts'

let moto: Moto
let proxy: FaultProxy

beforeAll(async () => {
  moto = await startMoto()
  proxy = await startFaultProxy(moto.endpoint)
})

afterAll(async () => {
  await proxy?.stop()
  await moto?.stop()
})

beforeEach(async () => {
  await moto.reset()
  proxy.clear()
})

const RUNNER_ENV = {
  GITHUB_REF: 'refs/tags/v2.1.0',
  GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_REPOSITORY: 'shop/webshop',
  GITHUB_RUN_ID: '4242',
  DEPLOY_ACTIONS_POLL_INTERVAL_MS: '100',
  DEPLOY_ACTIONS_PROGRESS_INTERVAL_MS: '400',
}

function run(inputs: Record<string, string>): Promise<BundleRun> {
  return runBundle('rds-snapshot', { inputs, env: { ...moto.env, ...RUNNER_ENV, AWS_ENDPOINT_URL: proxy.endpoint } })
}

function expectSuccess(r: BundleRun): void {
  if (r.code !== 0) throw new Error(`exit ${r.code}\n${r.stdout}\n${r.stderr}`)
}

async function manualSnapshots(dbId: string): Promise<string[]> {
  const out = await rdsClient(moto).send(
    new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: dbId, SnapshotType: 'manual' }),
  )
  return (out.DBSnapshots ?? []).map((s) => s.DBSnapshotIdentifier!).sort()
}

async function tagsOf(arn: string): Promise<Record<string, string>> {
  const out = await rdsClient(moto).send(new ListTagsForResourceCommand({ ResourceName: arn }))
  return Object.fromEntries((out.TagList ?? []).map((t) => [t.Key, t.Value]))
}

describe('create', () => {
  test('an instance snapshot named <db>-pre-<version>, tagged; a second run reuses it', async () => {
    await seedInstance(moto, 'webshop-prod')
    const first = await run({ 'db-instance-identifier': 'webshop-prod', tags: 'team=shop' })
    expectSuccess(first)
    expect(first.outputs).toMatchObject({
      'snapshot-identifier': 'webshop-prod-pre-v2-1-0',
      'snapshot-arn': 'arn:aws:rds:us-east-1:123456789012:snapshot:webshop-prod-pre-v2-1-0',
      status: 'available',
    })
    expect(await tagsOf(first.outputs['snapshot-arn']!)).toEqual({
      team: 'shop',
      'deploy-actions:version': 'v2.1.0',
      'deploy-actions:commit': RUNNER_ENV.GITHUB_SHA,
      'deploy-actions:run-url': 'https://github.com/shop/webshop/actions/runs/4242',
      'deploy-actions:managed': 'true',
    })
    expect(first.summary).toMatch(/\| snapshot \| `webshop-prod-pre-v2-1-0` \| created \| available \| 20 GiB \|/)

    const second = await run({ 'db-instance-identifier': 'webshop-prod', tags: 'team=shop' })
    expectSuccess(second)
    expect(second.stdout).toContain('already exists (available): reusing it')
    expect(second.outputs['snapshot-identifier']).toBe('webshop-prod-pre-v2-1-0')
    expect(second.summary).toMatch(/\| snapshot \| `webshop-prod-pre-v2-1-0` \| reused \|/)
    expect(proxy.count('CreateDBSnapshot')).toBe(1)
    expect(await manualSnapshots('webshop-prod')).toEqual(['webshop-prod-pre-v2-1-0'])
  })
})
