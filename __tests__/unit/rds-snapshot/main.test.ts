// run() over an in-memory RdsPort: the paths moto cannot produce (races, slow snapshots, a
// source that is gone), with a virtual clock. What is not available becomes so after a few polls.
import { type Clock, DeployError, recordingLogger, WaitTimeoutError } from '@deploy-actions/kit'
import type { Inputs } from '../../../actions/rds-snapshot/src/inputs.ts'
import { run as runWith } from '../../../actions/rds-snapshot/src/main.ts'
import type { DbInfo, DbKind, SnapshotInfo } from '../../../actions/rds-snapshot/src/plan.ts'
import { type RdsPort, SnapshotExistsError } from '../../../actions/rds-snapshot/src/ports.ts'
import { newReport, type Report } from '../../../actions/rds-snapshot/src/report.ts'

function clock(): Clock {
  let t = Date.UTC(2026, 0, 1)
  return {
    now: () => t,
    sleep: async (ms) => {
      t += ms
    },
  }
}

const inputs = (over: Partial<Inputs> = {}): Inputs => ({
  mode: 'create',
  db: { kind: 'instance', id: 'webshop-prod' },
  snapshotId: undefined,
  version: 'v2.1.0',
  commit: 'abc',
  runUrl: undefined,
  tags: {},
  wait: true,
  timeoutMs: 60_000,
  retain: 0,
  targetId: undefined,
  dryRun: false,
  region: 'eu-west-1',
  pollIntervalMs: 1000,
  progressEveryMs: 20_000,
  ...over,
})

const db = (id: string, over: Partial<DbInfo> = {}): DbInfo => ({
  kind: 'instance',
  id,
  arn: `arn:db:${id}`,
  status: 'available',
  engine: 'postgres',
  securityGroupIds: [],
  tags: {},
  allocatedStorageGiB: 20,
  ...over,
})

const snap = (id: string, dbId: string, over: Partial<SnapshotInfo> = {}): SnapshotInfo => ({
  kind: 'instance',
  id,
  arn: `arn:snap:${id}`,
  dbId,
  status: 'available',
  type: 'manual',
  tags: {},
  sharedWith: [],
  ...over,
})

const run = (i: Inputs, deps: Parameters<typeof runWith>[1], report: Report = newReport(i)) => runWith(i, deps, report)

/** An in-memory RDS; methods can be overridden per test. What is not available is after 2 polls. */
function fakeRds(dbs: DbInfo[], snapshots: SnapshotInfo[] = [], over: Partial<RdsPort> = {}) {
  const calls: string[] = []
  const key = (kind: DbKind, id: string) => `${kind}:${id}`
  const dbMap = new Map(dbs.map((d) => [key(d.kind, d.id), d]))
  const snapMap = new Map(snapshots.map((s) => [key(s.kind, s.id), s]))
  const polls = new Map<string, number>()
  function ripen<T extends { id: string; status: string }>(map: Map<string, T>, k: string, done: Partial<T>) {
    const item = map.get(k)
    if (!item || item.status === 'available') return item
    const n = (polls.get(k) ?? 0) + 1
    polls.set(k, n)
    if (n < 3) return item
    calls.push(`available ${item.id}`)
    const ready = { ...item, status: 'available', ...done }
    map.set(k, ready)
    return ready
  }
  const port: RdsPort = {
    describeDb: async (ref) => ripen(dbMap, key(ref.kind, ref.id), {}),
    describeSnapshot: async (kind, id) => ripen(snapMap, key(kind, id), { percentProgress: 100 }),
    listSnapshots: async (kind, dbId) => [...snapMap.values()].filter((s) => s.kind === kind && s.dbId === dbId),
    createSnapshot: async (kind, dbId, id, tags) => {
      calls.push(`create ${id}`)
      const s = snap(id, dbId, { kind, tags, status: 'creating', percentProgress: 0 })
      snapMap.set(key(kind, id), s)
      return s
    },
    deleteSnapshot: async (kind, id) => {
      calls.push(`delete ${id}`)
      return snapMap.delete(key(kind, id))
    },
    restoreInstance: async (p) => {
      calls.push(`restore ${p.DBInstanceIdentifier}`)
      const d = db(p.DBInstanceIdentifier, { status: 'creating' })
      dbMap.set(key('instance', d.id), d)
      return d
    },
    restoreCluster: async (p) => {
      calls.push(`restore-cluster ${JSON.stringify(p)}`)
      const d = db(p.DBClusterIdentifier, {
        kind: 'cluster',
        status: 'creating',
        endpoint: `${p.DBClusterIdentifier}.cluster`,
        port: 5432,
      })
      dbMap.set(key('cluster', d.id), d)
      return d
    },
    createClusterInstance: async (p) => {
      calls.push(`writer ${p.DBInstanceIdentifier} ${p.DBInstanceClass}`)
      const d = db(p.DBInstanceIdentifier, { clusterId: p.DBClusterIdentifier })
      dbMap.set(key('instance', d.id), d)
      return d
    },
    ...over,
  }
  return { port, calls }
}

test('a snapshot created meanwhile by another run (AlreadyExists) is reused', async () => {
  const existing = snap('webshop-prod-pre-v2-1-0', 'webshop-prod')
  let looked = 0
  const { port } = fakeRds([db('webshop-prod')], [], {
    describeSnapshot: async () => (looked++ === 0 ? undefined : existing),
    createSnapshot: async () => {
      throw new SnapshotExistsError('webshop-prod-pre-v2-1-0')
    },
  })
  const log = recordingLogger()
  const report = await run(inputs(), { rds: port, clock: clock(), log })
  expect(log.lines).toContain('snapshot webshop-prod-pre-v2-1-0 was created meanwhile by another run: reusing it')
  expect(report.rows[0]).toMatchObject({ outcome: 'reused', status: 'available' })
})

test('wait: false returns at once with the status creating', async () => {
  const { port, calls } = fakeRds([db('webshop-prod')])
  const report = await run(inputs({ wait: false }), { rds: port, clock: clock(), log: recordingLogger() })
  expect(report.status).toBe('creating')
  expect(calls).toEqual(['create webshop-prod-pre-v2-1-0'])
})

test('a snapshot that outlives the timeout: a DeployError saying a re-run waits for it; outputs known', async () => {
  const slow = snap('webshop-prod-pre-v2-1-0', 'webshop-prod', { status: 'creating', percentProgress: 40 })
  const { port } = fakeRds([db('webshop-prod')], [], {
    createSnapshot: async () => slow,
    describeSnapshot: async () => slow,
  })
  const report = newReport(inputs())
  const error = await run(inputs(), { rds: port, clock: clock(), log: recordingLogger() }, report).catch(
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(DeployError)
  expect((error as DeployError).leftState).toBe(
    'snapshot webshop-prod-pre-v2-1-0 is still being created (creating); a re-run with the same inputs waits for it',
  )
  expect(report).toMatchObject({
    snapshotId: 'webshop-prod-pre-v2-1-0',
    snapshotArn: 'arn:snap:webshop-prod-pre-v2-1-0',
    status: 'creating',
  })
  expect(report.error).toContain(
    'timed out after 1m00s waiting for snapshot webshop-prod-pre-v2-1-0 to be available (last seen: creating, 40%)',
  )
  expect((error as DeployError).cause as Error).toBeInstanceOf(WaitTimeoutError)
})

test('a DB that is not available is waited for before the snapshot', async () => {
  const { port, calls } = fakeRds([db('webshop-prod', { status: 'backing-up' })])
  await run(inputs(), { rds: port, clock: clock(), log: recordingLogger() })
  expect(calls).toEqual([
    'available webshop-prod',
    'create webshop-prod-pre-v2-1-0',
    'available webshop-prod-pre-v2-1-0',
  ])
})

test('another snapshot in progress: polled on the clock until it is done, then the snapshot', async () => {
  const other = snap('rds:webshop-prod-2026-01-01', 'webshop-prod', {
    type: 'automated',
    status: 'creating',
    percentProgress: 30,
  })
  let polls = 0
  const { port, calls } = fakeRds([db('webshop-prod')], [], {
    listSnapshots: async () => (++polls < 4 ? [other] : [{ ...other, status: 'available' }]),
  })
  const log = recordingLogger()
  const c = clock()
  const t0 = c.now()
  await run(inputs({ pollIntervalMs: 15_000, wait: false }), { rds: port, clock: c, log })
  expect(polls).toBe(4)
  expect(c.now() - t0).toBe(45_000)
  expect(log.lines).toContain('waiting for other snapshots of webshop-prod to finish: rds:webshop-prod-2026-01-01 30%')
  expect(log.lines.some((l) => /^waiting for other snapshots of webshop-prod to finish: 30\.0s so far/.test(l))).toBe(
    true,
  )
  expect(calls[0]).toBe('create webshop-prod-pre-v2-1-0')
})

test('prune: a snapshot already gone is not an error', async () => {
  const managed = { 'deploy-actions:managed': 'true' }
  const snaps = [1, 2, 3].map((d) =>
    snap(`s${d}`, 'webshop-prod', { tags: managed, createdAt: new Date(Date.UTC(2026, 0, d)) }),
  )
  const { port } = fakeRds([db('webshop-prod')], snaps, {
    deleteSnapshot: async () => false,
  })
  const log = recordingLogger()
  const report = await run(inputs({ mode: 'prune', retain: 1 }), { rds: port, clock: clock(), log })
  expect(report.deleted).toEqual(['s2', 's1'])
  expect(log.lines).toContain('s2 was already gone')
})

test('prune: another deletion failure stops with what was already deleted', async () => {
  const managed = { 'deploy-actions:managed': 'true' }
  const snaps = [1, 2, 3].map((d) =>
    snap(`s${d}`, 'webshop-prod', { tags: managed, createdAt: new Date(Date.UTC(2026, 0, d)) }),
  )
  const { port } = fakeRds([db('webshop-prod')], snaps, {
    deleteSnapshot: async (_kind, id) => {
      if (id === 's1') throw Object.assign(new Error('snapshot is in use'), { name: 'InvalidDBSnapshotStateFault' })
      return true
    },
  })
  const error = await run(inputs({ mode: 'prune', retain: 1 }), {
    rds: port,
    clock: clock(),
    log: recordingLogger(),
  }).catch((e: unknown) => e)
  expect((error as DeployError).message).toBe('deleting snapshot s1 failed: snapshot is in use')
  expect((error as DeployError).leftState).toBe('already deleted: s2')
})

test('Aurora restore with the source cluster gone: snapshot engine, fallback writer class, a warning', async () => {
  const s = snap('shop-pre-v1', 'shop-aurora', { kind: 'cluster', engine: 'aurora-mysql', engineVersion: '8.0' })
  const { port, calls } = fakeRds([], [s])
  const log = recordingLogger()
  const report = await run(
    inputs({
      mode: 'restore',
      db: { kind: 'cluster', id: 'shop-aurora' },
      snapshotId: 'shop-pre-v1',
      targetId: 'shop-restored',
    }),
    { rds: port, clock: clock(), log },
  )
  expect(log.lines).toContain(
    "warning: The source DB shop-aurora no longer exists: the restore uses the snapshot's own settings and the RDS defaults.",
  )
  expect(calls).toEqual([
    'restore-cluster {"DBClusterIdentifier":"shop-restored","SnapshotIdentifier":"shop-pre-v1","Engine":"aurora-mysql","Tags":[{"Key":"deploy-actions:version","Value":"v2.1.0"},{"Key":"deploy-actions:commit","Value":"abc"},{"Key":"deploy-actions:managed","Value":"true"},{"Key":"deploy-actions:restored-from","Value":"shop-pre-v1"}],"EngineVersion":"8.0"}',
    'writer shop-restored-1 db.r6g.large',
    'available shop-restored',
  ])
  expect(report).toMatchObject({ endpoint: 'shop-restored.cluster', port: 5432, status: 'available', copied: [] })
  expect(report.nextStep).toContain('shop-restored.cluster:5432')
})

test('restore resumes a half-done Aurora restore: the cluster exists (ours), the writer is missing', async () => {
  const s = snap('shop-pre-v1', 'shop-aurora', { kind: 'cluster', engine: 'aurora-postgresql' })
  const restored = db('shop-restored', {
    kind: 'cluster',
    tags: { 'deploy-actions:restored-from': 'shop-pre-v1' },
    endpoint: 'e',
  })
  const { port, calls } = fakeRds([restored], [s])
  await run(
    inputs({
      mode: 'restore',
      db: { kind: 'cluster', id: 'shop-aurora' },
      snapshotId: 'shop-pre-v1',
      targetId: 'shop-restored',
    }),
    {
      rds: port,
      clock: clock(),
      log: recordingLogger(),
    },
  )
  expect(calls).toEqual(['writer shop-restored-1 db.r6g.large'])
})

test('an explicit snapshot id too long for a cluster (via an Aurora member) is a ConfigurationError before any write', async () => {
  const { port, calls } = fakeRds([db('shop-1', { clusterId: 'shop' }), db('shop', { kind: 'cluster' })])
  const error = await run(inputs({ db: { kind: 'instance', id: 'shop-1' }, snapshotId: `s${'x'.repeat(70)}` }), {
    rds: port,
    clock: clock(),
    log: recordingLogger(),
  }).catch((e: unknown) => e)
  expect((error as Error).message).toContain('snapshot-identifier: expected an RDS identifier')
  expect(calls).toEqual([])
})

test('restore without a DB input: the source is the DB the snapshot was taken of, its settings copied', async () => {
  const source = db('webshop-prod', { instanceClass: 'db.t4g.small', subnetGroup: 'private', multiAz: true })
  const s = snap('webshop-prod-pre-v2', 'webshop-prod')
  const { port, calls } = fakeRds([source], [s])
  const log = recordingLogger()
  const report = await run(
    inputs({ mode: 'restore', db: undefined, snapshotId: 'webshop-prod-pre-v2', targetId: 'webshop-dr' }),
    { rds: port, clock: clock(), log },
  )
  expect(log.lines).toContain('source DB webshop-prod found from snapshot webshop-prod-pre-v2')
  expect(calls).toEqual(['restore webshop-dr', 'available webshop-dr'])
  expect(report.db).toEqual({ kind: 'instance', id: 'webshop-prod' })
  expect(report.copied).toEqual([
    ['instance class', 'db.t4g.small'],
    ['subnet group', 'private'],
    ['Multi-AZ', 'true'],
  ])
})

test('restore without a DB input of an Aurora cluster snapshot: found as a cluster snapshot', async () => {
  const s = snap('shop-pre-v1', 'shop-aurora', { kind: 'cluster', engine: 'aurora-postgresql' })
  const { port, calls } = fakeRds([db('shop-aurora', { kind: 'cluster' })], [s])
  await run(inputs({ mode: 'restore', db: undefined, snapshotId: 'shop-pre-v1', targetId: 'shop-dr' }), {
    rds: port,
    clock: clock(),
    log: recordingLogger(),
  })
  expect(calls[0]).toMatch(/^restore-cluster .*"SnapshotIdentifier":"shop-pre-v1"/)
})

test('a snapshot that fails while it is awaited is a DeployError at once, not a timeout', async () => {
  const failed = snap('webshop-prod-pre-v2-1-0', 'webshop-prod', { status: 'failed' })
  const { port } = fakeRds([db('webshop-prod')], [], {
    createSnapshot: async () => ({ ...failed, status: 'creating' }),
    describeSnapshot: async () => failed,
  })
  const c = clock()
  const t0 = c.now()
  const error = await run(inputs(), { rds: port, clock: c, log: recordingLogger() }).catch((e: unknown) => e)
  expect((error as Error).message).toBe(
    'snapshot webshop-prod-pre-v2-1-0 to be available failed: it reached status "failed", which it will not leave by itself',
  )
  expect(c.now() - t0).toBe(0)
})

test('errors while polling are retried until the deadline, and said in the progress line', async () => {
  let n = 0
  const { port } = fakeRds([db('webshop-prod')], [], {
    describeSnapshot: async (kind, id) => {
      if (++n === 1) return undefined
      if (n < 30) throw new Error('socket hang up')
      return snap(id, 'webshop-prod', { kind })
    },
  })
  const log = recordingLogger()
  const report = await run(inputs({ progressEveryMs: 5000 }), { rds: port, clock: clock(), log })
  expect(report.status).toBe('available')
  expect(log.lines).toContain(
    'waiting for snapshot webshop-prod-pre-v2-1-0 to be available: 5.0s so far (socket hang up; retrying)',
  )
})
