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

describe('create (more)', () => {
  test('an Aurora cluster by db-cluster-identifier gets a cluster snapshot', async () => {
    await seedCluster(moto, 'shop-aurora')
    const r = await run({ 'db-cluster-identifier': 'shop-aurora' })
    expectSuccess(r)
    expect(r.outputs).toMatchObject({
      'snapshot-identifier': 'shop-aurora-pre-v2-1-0',
      'snapshot-arn': 'arn:aws:rds:us-east-1:123456789012:cluster-snapshot:shop-aurora-pre-v2-1-0',
      status: 'available',
    })
    expect(proxy.count('CreateDBClusterSnapshot')).toBe(1)
    expect(await tagsOf(r.outputs['snapshot-arn']!)).toMatchObject({
      'deploy-actions:managed': 'true',
      'deploy-actions:version': 'v2.1.0',
    })
  })

  test('an Aurora member instance is snapshotted as its cluster, saying so', async () => {
    await seedCluster(moto, 'shop-aurora')
    const r = await run({ 'db-instance-identifier': 'shop-aurora-1' })
    expectSuccess(r)
    expect(r.stdout).toContain('shop-aurora-1 is a member of Aurora cluster shop-aurora')
    expect(r.outputs['snapshot-identifier']).toBe('shop-aurora-pre-v2-1-0')
    expect(proxy.count('CreateDBSnapshot')).toBe(0)
    const out = await rdsClient(moto).send(
      new DescribeDBClusterSnapshotsCommand({ DBClusterIdentifier: 'shop-aurora', SnapshotType: 'manual' }),
    )
    expect(out.DBClusterSnapshots?.map((s) => s.DBClusterSnapshotIdentifier)).toEqual(['shop-aurora-pre-v2-1-0'])
    expect(r.summary).toContain('Aurora cluster `shop-aurora`')
  })

  test('a snapshot id taken by another DB is a clear error, and nothing is created', async () => {
    await seedInstance(moto, 'webshop-prod')
    await seedInstance(moto, 'webshop-staging')
    await seedSnapshot(moto, 'webshop-staging', 'release-snap', {})
    const r = await run({ 'db-instance-identifier': 'webshop-prod', 'snapshot-identifier': 'release-snap' })
    expect(r.code).not.toBe(0)
    expect(r.stdout).toContain(
      'snapshot-identifier "release-snap" is already taken by a snapshot of webshop-staging, not of webshop-prod',
    )
    expect(proxy.count('CreateDBSnapshot')).toBe(0)
  })

  test('a missing DB fails naming it', async () => {
    const r = await run({ 'db-instance-identifier': 'webshop-gone' })
    expect(r.code).not.toBe(0)
    expect(r.stdout).toContain('::error::DB instance "webshop-gone" was not found in us-east-1')
    expect(r.summary).toContain('**Failed:**')
    const c = await run({ 'db-cluster-identifier': 'aurora-gone' })
    expect(c.stdout).toContain('Aurora cluster "aurora-gone" was not found')
  })

  test('retain also prunes after creating', async () => {
    await seedInstance(moto, 'webshop-prod')
    for (const v of ['v1-0-0', 'v1-1-0'])
      await seedSnapshot(moto, 'webshop-prod', `webshop-prod-pre-${v}`, { 'deploy-actions:managed': 'true' })
    const r = await run({ 'db-instance-identifier': 'webshop-prod', retain: '2' })
    expectSuccess(r)
    expect(r.outputs.deleted).toBe('webshop-prod-pre-v1-0-0')
    expect(await manualSnapshots('webshop-prod')).toEqual(['webshop-prod-pre-v1-1-0', 'webshop-prod-pre-v2-1-0'])
  })
})

describe('prune', () => {
  async function seedPrunable(): Promise<void> {
    await seedInstance(moto, 'webshop-prod')
    for (let i = 1; i <= 5; i++) {
      await seedSnapshot(moto, 'webshop-prod', `webshop-prod-pre-v1-${i}`, {
        'deploy-actions:managed': 'true',
        'deploy-actions:version': `v1.${i}`,
      })
      await new Promise((r) => setTimeout(r, 20))
    }
    await seedSnapshot(moto, 'webshop-prod', 'hand-made-before-upgrade', { owner: 'dba' })
    await seedSnapshot(
      moto,
      'webshop-prod',
      'shared-with-analytics',
      { 'deploy-actions:managed': 'true' },
      { sharedWith: '111122223333' },
    )
  }

  test('retain 2 over five managed snapshots: only the three oldest managed ones go', async () => {
    await seedPrunable()
    const automated = (
      await rdsClient(moto).send(
        new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: 'webshop-prod', SnapshotType: 'automated' }),
      )
    ).DBSnapshots!
    expect(automated).toHaveLength(1)

    const dry = await run({ mode: 'prune', 'db-instance-identifier': 'webshop-prod', retain: '2', 'dry-run': 'true' })
    expectSuccess(dry)
    expect(dry.stdout).toContain('would delete webshop-prod-pre-v1-1')
    expect(dry.outputs.deleted).toBe('')
    expect(proxy.count('DeleteDBSnapshot')).toBe(0)
    expect(dry.summary).toContain('prune (dry run)')
    expect(dry.summary).toMatch(/`webshop-prod-pre-v1-3` \| would delete/)

    const r = await run({ mode: 'prune', 'db-instance-identifier': 'webshop-prod', retain: '2' })
    expectSuccess(r)
    expect(r.outputs.deleted).toBe('webshop-prod-pre-v1-3,webshop-prod-pre-v1-2,webshop-prod-pre-v1-1')
    expect(await manualSnapshots('webshop-prod')).toEqual([
      'hand-made-before-upgrade',
      'shared-with-analytics',
      'webshop-prod-pre-v1-4',
      'webshop-prod-pre-v1-5',
    ])
    const left = await rdsClient(moto).send(
      new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: 'webshop-prod', SnapshotType: 'automated' }),
    )
    expect(left.DBSnapshots).toHaveLength(1)
    expect(r.summary).toMatch(/`webshop-prod-pre-v1-1` \| deleted \| available \| 20 GiB/)
    expect(r.summary).toContain('1 automated')
    expect(r.summary).toContain('1 untagged')
    expect(r.summary).toContain('1 shared')

    const again = await run({ mode: 'prune', 'db-instance-identifier': 'webshop-prod', retain: '2' })
    expectSuccess(again)
    expect(again.outputs.deleted).toBe('')
    expect(again.stdout).toContain('nothing to prune')
  })

  test('Aurora cluster snapshots are pruned the same way', async () => {
    await seedCluster(moto, 'shop-aurora')
    for (let i = 1; i <= 3; i++) {
      await seedSnapshot(
        moto,
        'shop-aurora',
        `shop-aurora-pre-v${i}`,
        { 'deploy-actions:managed': 'true' },
        { cluster: true },
      )
      await new Promise((r) => setTimeout(r, 20))
    }
    const r = await run({ mode: 'prune', 'db-cluster-identifier': 'shop-aurora', retain: '1' })
    expectSuccess(r)
    expect(r.outputs.deleted).toBe('shop-aurora-pre-v2,shop-aurora-pre-v1')
    const out = await rdsClient(moto).send(
      new DescribeDBClusterSnapshotsCommand({ DBClusterIdentifier: 'shop-aurora' }),
    )
    expect(out.DBClusterSnapshots?.map((s) => s.DBClusterSnapshotIdentifier).sort()).toEqual([
      expect.stringMatching(/^rds:shop-aurora-/),
      'shop-aurora-pre-v3',
    ])
  })
})

describe('restore', () => {
  test('into a new instance with the source settings copied; endpoint and the next step; a re-run reuses it', async () => {
    const net = await seedNetwork(moto)
    await seedInstance(moto, 'webshop-prod', net)
    await seedSnapshot(moto, 'webshop-prod', 'webshop-prod-pre-v2-1-0', { 'deploy-actions:managed': 'true' })
    const inputs = {
      mode: 'restore',
      'db-instance-identifier': 'webshop-prod',
      'target-identifier': 'webshop-restored',
    }
    const r = await run(inputs)
    expectSuccess(r)
    expect(r.outputs).toMatchObject({
      'snapshot-identifier': 'webshop-prod-pre-v2-1-0',
      status: 'available',
      endpoint: expect.stringMatching(/^webshop-restored\./),
    })
    const restored = (
      await rdsClient(moto).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'webshop-restored' }))
    ).DBInstances![0]!
    expect(restored.DBInstanceClass).toBe('db.m5.large')
    expect(restored.DBSubnetGroup?.DBSubnetGroupName).toBe(net.subnetGroup)
    expect(restored.VpcSecurityGroups?.map((g) => g.VpcSecurityGroupId).sort()).toEqual([...net.securityGroups].sort())
    expect(restored.DBParameterGroups?.[0]?.DBParameterGroupName).toBe(net.parameterGroup)
    expect(restored.MultiAZ).toBe(true)
    expect(restored.PubliclyAccessible).toBe(false)
    expect(r.stdout).toContain(`point the application at the new endpoint ${r.outputs.endpoint}:5432`)
    expect(r.summary).toContain('| subnet group | shop-private |')
    expect(r.summary).toContain('| Multi-AZ | true |')
    expect(r.summary).toContain('**Next step (by hand)')

    const again = await run(inputs)
    expectSuccess(again)
    expect(again.stdout).toContain('was already restored from webshop-prod-pre-v2-1-0')
    expect(again.outputs.endpoint).toBe(r.outputs.endpoint)
    expect(proxy.count('RestoreDBInstanceFromDBSnapshot')).toBe(1)
  })

  test('waits while the new instance is being created, with progress', async () => {
    await seedInstance(moto, 'webshop-prod')
    await seedSnapshot(moto, 'webshop-prod', 'snap1', {})
    proxy.rewriteStatus('DescribeDBInstances', 'creating', { match: 'webshop-restored', times: 4 })
    const r = await run({
      mode: 'restore',
      'db-instance-identifier': 'webshop-prod',
      'snapshot-identifier': 'snap1',
      'target-identifier': 'webshop-restored',
    })
    expectSuccess(r)
    expect(r.stdout).toMatch(/waiting for DB instance webshop-restored to be available: (.* so far \()?status creating/)
    expect(r.outputs.status).toBe('available')
  })

  test('a target that exists and was not restored by this action is refused', async () => {
    await seedInstance(moto, 'webshop-prod')
    await seedInstance(moto, 'webshop-other')
    await seedSnapshot(moto, 'webshop-prod', 'snap1', {})
    const r = await run({
      mode: 'restore',
      'db-instance-identifier': 'webshop-prod',
      'snapshot-identifier': 'snap1',
      'target-identifier': 'webshop-other',
    })
    expect(r.code).not.toBe(0)
    expect(r.stdout).toContain('target-identifier "webshop-other" already exists')
    expect(proxy.count('RestoreDBInstanceFromDBSnapshot')).toBe(0)
  })

  test('a DR restore from a snapshot id alone: the source DB is found from the snapshot, its settings copied', async () => {
    const net = await seedNetwork(moto)
    await seedInstance(moto, 'webshop-prod', net)
    await seedSnapshot(moto, 'webshop-prod', 'webshop-prod-pre-v2-0-0', {})
    const r = await run({
      mode: 'restore',
      'snapshot-identifier': 'webshop-prod-pre-v2-0-0',
      'target-identifier': 'webshop-dr',
    })
    expectSuccess(r)
    expect(r.stdout).toContain('source DB webshop-prod found from snapshot webshop-prod-pre-v2-0-0')
    const restored = (
      await rdsClient(moto).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'webshop-dr' }))
    ).DBInstances![0]!
    expect(restored.DBSubnetGroup?.DBSubnetGroupName).toBe(net.subnetGroup)
    expect(restored.MultiAZ).toBe(true)
    expect(r.outputs).toMatchObject({ 'snapshot-identifier': 'webshop-prod-pre-v2-0-0', status: 'available' })
    expect(r.summary).toContain('of DB instance `webshop-prod`')
  })

  test('a missing snapshot fails naming it', async () => {
    await seedInstance(moto, 'webshop-prod')
    const r = await run({
      mode: 'restore',
      'db-instance-identifier': 'webshop-prod',
      'target-identifier': 'webshop-restored',
    })
    expect(r.code).not.toBe(0)
    expect(r.stdout).toContain('snapshot "webshop-prod-pre-v2-1-0" was not found')
  })

  test('Aurora: RestoreDBClusterFromSnapshot plus a writer instance; the cluster endpoint is the output', async () => {
    const net = await seedNetwork(moto)
    await seedCluster(moto, 'shop-aurora', net)
    await seedSnapshot(moto, 'shop-aurora', 'shop-aurora-pre-v2-1-0', {}, { cluster: true })
    const r = await run({
      mode: 'restore',
      'db-cluster-identifier': 'shop-aurora',
      'target-identifier': 'shop-restored',
    })
    expectSuccess(r)
    const cluster = (
      await rdsClient(moto).send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'shop-restored' }))
    ).DBClusters![0]!
    expect(r.outputs.endpoint).toBe(cluster.Endpoint)
    expect(cluster.DBSubnetGroup).toBe(net.subnetGroup)
    expect(cluster.VpcSecurityGroups?.map((g) => g.VpcSecurityGroupId).sort()).toEqual([...net.securityGroups].sort())
    expect(cluster.DBClusterMembers?.map((m) => m.DBInstanceIdentifier)).toEqual(['shop-restored-1'])
    const writer = (
      await rdsClient(moto).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'shop-restored-1' }))
    ).DBInstances![0]!
    expect(writer.DBInstanceClass).toBe('db.r6g.xlarge')
    expect(r.stdout).toContain('Next step (by hand)')
  })
})

describe('faults (through the proxy)', () => {
  test('a DB stuck in modifying: waits with progress, then times out with a clear message', async () => {
    await seedInstance(moto, 'webshop-prod')
    proxy.rewriteStatus('DescribeDBInstances', 'modifying')
    const r = await run({ 'db-instance-identifier': 'webshop-prod', timeout: '3s' })
    expect(r.code).not.toBe(0)
    expect(r.stdout).toContain('DB instance webshop-prod is modifying: waiting until it is available')
    expect(r.stdout).toMatch(/waiting for DB instance webshop-prod to be available: .* so far \(status modifying\)/)
    expect(r.stdout).toContain(
      '::error::timed out after 3.0s waiting for DB instance webshop-prod to be available (last seen: status modifying) (left: no snapshot was created)',
    )
    expect(proxy.count('DescribeDBInstances')).toBeGreaterThan(3)
    expect(proxy.count('CreateDBSnapshot')).toBe(0)
  })

  test('a DB modifying for a while: waits, then snapshots', async () => {
    await seedInstance(moto, 'webshop-prod')
    proxy.rewriteStatus('DescribeDBInstances', 'modifying', { times: 4 })
    const r = await run({ 'db-instance-identifier': 'webshop-prod', timeout: '30s' })
    expectSuccess(r)
    expect(r.stdout).toContain('waiting for DB instance webshop-prod to be available: status modifying')
    expect(r.stdout).toContain('DB instance webshop-prod to be available: done after')
    expect(r.outputs.status).toBe('available')
  })

  test('another snapshot in progress is waited for, with its PercentProgress', async () => {
    await seedInstance(moto, 'webshop-prod')
    proxy.rewriteStatus('DescribeDBSnapshots', 'creating', {
      match: 'DBInstanceIdentifier=',
      times: 3,
      percentProgress: 60,
    })
    const r = await run({ 'db-instance-identifier': 'webshop-prod', timeout: '30s' })
    expectSuccess(r)
    expect(r.stdout).toMatch(/waiting for other snapshots of webshop-prod to finish: rds:webshop-prod-[\d-]+ 60%/)
  })

  test('Throttling for the first calls: the SDK retries and the run succeeds', async () => {
    await seedInstance(moto, 'webshop-prod')
    proxy.throttle('DescribeDBInstances', 2)
    proxy.throttle('CreateDBSnapshot', 3)
    const r = await run({ 'db-instance-identifier': 'webshop-prod', timeout: '1m' })
    expectSuccess(r)
    expect(proxy.requests.filter((q) => q.fault === 'throttle')).toHaveLength(5)
    expect(proxy.count('CreateDBSnapshot')).toBe(4)
    expect(await manualSnapshots('webshop-prod')).toEqual(['webshop-prod-pre-v2-1-0'])
  })

  test('a connection reset while waiting for the snapshot: the wait resumes', async () => {
    await seedInstance(moto, 'webshop-prod')
    proxy.rewriteStatus('CreateDBSnapshot', 'creating', { percentProgress: 0 })
    proxy.rewriteStatus('DescribeDBSnapshots', 'creating', {
      match: 'DBSnapshotIdentifier=',
      times: 3,
      percentProgress: 40,
    })
    proxy.resetOnce('DescribeDBSnapshots', { match: 'DBSnapshotIdentifier=', after: 2 })
    const r = await run({ 'db-instance-identifier': 'webshop-prod', timeout: '30s' })
    expectSuccess(r)
    expect(proxy.requests.filter((q) => q.fault === 'reset')).toHaveLength(1)
    // The first state seen is printed at once, later ones as progress lines ("… so far (creating, 40%)").
    expect(r.stdout).toMatch(
      /waiting for snapshot webshop-prod-pre-v2-1-0 to be available: (.* so far \()?creating, 40%/,
    )
    expect(r.outputs.status).toBe('available')
  })
})

describe('cancellation (the runner sends SIGINT, then SIGTERM 7.5 s later)', () => {
  function cancelled(inputs: Record<string, string>, when: string): Promise<BundleRun> {
    return runBundle('rds-snapshot', {
      inputs,
      env: { ...moto.env, ...RUNNER_ENV, AWS_ENDPOINT_URL: proxy.endpoint },
      cancelWhen: (out) => out.includes(when),
    })
  }

  test('while waiting for the DB: stops at SIGINT, creates nothing, says so', async () => {
    await seedInstance(moto, 'webshop-prod')
    proxy.rewriteStatus('DescribeDBInstances', 'modifying')
    const r = await cancelled({ 'db-instance-identifier': 'webshop-prod', timeout: '5m' }, 'waiting for DB instance')
    expect(r.signalsSent).toEqual(['SIGINT'])
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('received SIGINT')
    expect(r.stdout).toContain('left: no snapshot was created')
    expect(r.summary).toContain('rds-snapshot: create')
    expect(proxy.count('CreateDBSnapshot')).toBe(0)
    expect(await manualSnapshots('webshop-prod')).toEqual([])
  })

  test('while the snapshot is being created: says RDS completes it, and a re-run reuses it', async () => {
    await seedInstance(moto, 'webshop-prod')
    proxy.rewriteStatus('CreateDBSnapshot', 'creating', { percentProgress: 0 })
    proxy.rewriteStatus('DescribeDBSnapshots', 'creating', { match: 'DBSnapshotIdentifier=', percentProgress: 30 })
    const r = await cancelled({ 'db-instance-identifier': 'webshop-prod', timeout: '5m' }, 'waiting for snapshot')
    expect(r.code).toBe(1)
    expect(r.outputs['snapshot-identifier']).toBe('webshop-prod-pre-v2-1-0')
    expect(r.outputs.status).toBe('creating')
    expect(r.stdout).toContain(
      'left: snapshot webshop-prod-pre-v2-1-0 is being created by RDS (creating) and completes on its own; a re-run with the same inputs reuses it and waits',
    )
    proxy.clear()
    const again = await run({ 'db-instance-identifier': 'webshop-prod', timeout: '30s' })
    expectSuccess(again)
    expect(again.stdout).toContain('already exists')
    expect(proxy.count('CreateDBSnapshot')).toBe(0)
    expect(await manualSnapshots('webshop-prod')).toEqual(['webshop-prod-pre-v2-1-0'])
  })
})

test('the proxy forwards what it does not fault unchanged', async () => {
  await seedInstance(moto, 'webshop-prod')
  const direct = await fetch(`${moto.endpoint}/moto-api/data.json`)
  const proxied = await fetch(`${proxy.endpoint}/moto-api/data.json`)
  expect(proxied.status).toBe(direct.status)
  expect(proxied.headers.get('content-type')).toBe(direct.headers.get('content-type'))
  expect(Buffer.from(await proxied.arrayBuffer())).toEqual(Buffer.from(await direct.arrayBuffer()))
  const sdk = await rdsClient(moto).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'webshop-prod' }))
  const out = await rdsClient(moto, proxy.endpoint).send(
    new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'webshop-prod' }),
  )
  const stable = (list: typeof out.DBInstances) => list?.map(({ LatestRestorableTime: _now, ...rest }) => rest)
  expect(stable(out.DBInstances)).toEqual(stable(sdk.DBInstances))
  expect(proxy.requests.map((r) => r.action)).toEqual(['', 'DescribeDBInstances'])
})

describe('bad input fails before any call, naming the input', () => {
  test.each([
    [{ 'db-instance-identifier': 'webshop-prod', 'db-cluster-identifier': 'shop-aurora' }, 'db-instance-identifier'],
    [{}, 'db-instance-identifier'],
    [{ mode: 'restore', 'target-identifier': 'webshop-dr' }, 'snapshot-identifier'],
    [{ 'db-instance-identifier': 'webshop-prod', 'snapshot-identifier': 'pre--release_1' }, 'snapshot-identifier'],
    [{ 'db-instance-identifier': 'webshop-prod', mode: 'prune', retain: '-1' }, 'retain'],
    [{ 'db-instance-identifier': 'webshop-prod', timeout: 'soon' }, 'timeout'],
    [{ 'db-instance-identifier': 'webshop-prod', mode: 'delete' }, 'mode'],
    [{ 'db-instance-identifier': 'webshop-prod', mode: 'restore' }, 'target-identifier'],
  ])('%j', async (inputs, input) => {
    const r = await run(inputs)
    expect(r.code).not.toBe(0)
    expect(r.stdout).toContain(`::error::Invalid input ${input}:`)
    expect(proxy.count()).toBe(0)
  })
})
