import {
  clusterRestoreParams,
  type DbInfo,
  defaultSnapshotId,
  describeCopiedSettings,
  FALLBACK_AURORA_CLASS,
  instanceRestoreParams,
  MANAGED_TAG,
  nextStepAfterRestore,
  planPrune,
  rdsIdentifierProblem,
  type SnapshotInfo,
  snapshotTags,
  writerInstanceId,
} from '../../../actions/rds-snapshot/src/plan.ts'

describe('defaultSnapshotId', () => {
  test.each([
    ['webshop-prod', 'v2.1.0', 'instance', 'webshop-prod-pre-v2-1-0'],
    ['webshop-prod', 'abc1234', 'instance', 'webshop-prod-pre-abc1234'],
    ['shop-aurora', 'v1.0.0-rc.1', 'cluster', 'shop-aurora-pre-v1-0-0-rc-1'],
    ['db', 'release/2026_01', 'instance', 'db-pre-release-2026-01'],
    ['db', 'v2..1--', 'instance', 'db-pre-v2-1'],
  ] as const)('%s at %s (%s) → %s', (db, version, kind, expected) => {
    expect(defaultSnapshotId(db, version, kind)).toBe(expected)
  })

  test.each([
    ['cluster', 63],
    ['instance', 255],
  ] as const)('a too long %s id is shortened to %d with a short hash, and stays valid', (kind, max) => {
    const db = `a${'b'.repeat(62)}`
    const a = defaultSnapshotId(db, `v${'9'.repeat(250)}.1`, kind)
    const b = defaultSnapshotId(db, `v${'9'.repeat(250)}.2`, kind)
    expect(a.length).toBeLessThanOrEqual(max)
    expect(a).toMatch(/-[0-9a-f]{6}$/)
    expect(a).not.toBe(b)
    expect(rdsIdentifierProblem(a, max)).toBeUndefined()
  })
})

test.each([
  ['webshop-prod-pre-v2-1-0', 255, undefined],
  ['a', 63, undefined],
  ['', 63, 'empty'],
  ['1abc', 63, 'start with a letter'],
  ['a--b', 63, 'consecutive'],
  ['ab-', 63, 'hyphen'],
  ['a.b', 63, 'only letters'],
  [`a${'b'.repeat(63)}`, 63, 'at most 63'],
])('rdsIdentifierProblem(%j, %d)', (id, max, problem) => {
  const got = rdsIdentifierProblem(id, max)
  if (problem === undefined) expect(got).toBeUndefined()
  else expect(got).toContain(problem)
})

test('snapshotTags: version, commit, run URL, managed marker, plus user tags', () => {
  expect(
    snapshotTags(
      { version: 'v2.1.0', commit: 'abc', runUrl: 'https://github.com/o/r/actions/runs/1' },
      { team: 'shop' },
    ),
  ).toEqual({
    team: 'shop',
    'deploy-actions:version': 'v2.1.0',
    'deploy-actions:commit': 'abc',
    'deploy-actions:run-url': 'https://github.com/o/r/actions/runs/1',
    'deploy-actions:managed': 'true',
  })
  expect(snapshotTags({ version: 'local' }, {})).toEqual({
    'deploy-actions:version': 'local',
    'deploy-actions:managed': 'true',
  })
})

function snap(id: string, day: number | undefined, over: Partial<SnapshotInfo> = {}): SnapshotInfo {
  return {
    kind: 'instance',
    id,
    arn: `arn:${id}`,
    dbId: 'db',
    status: 'available',
    type: 'manual',
    ...(day === undefined ? {} : { createdAt: new Date(Date.UTC(2026, 0, day)) }),
    tags: { [MANAGED_TAG]: 'true' },
    sharedWith: [],
    ...over,
  }
}

describe('planPrune', () => {
  const five = [snap('m3', 3), snap('m1', 1), snap('m5', 5), snap('m2', 2), snap('m4', 4)]
  const others = [
    snap('hand-made', 0, { tags: {} }),
    snap('rds:db-2026-01-01', 0, { type: 'automated' }),
    snap('shared-one', 0, { sharedWith: ['111122223333'] }),
    snap('other-db', 0, { dbId: 'other' }),
    snap('public', 0, { type: 'public' }),
    snap('tagged-false', 0, { tags: { [MANAGED_TAG]: 'false' } }),
  ]
  test.each([
    [2, ['m5', 'm4'], ['m3', 'm2', 'm1']],
    [1, ['m5'], ['m4', 'm3', 'm2', 'm1']],
    [5, ['m5', 'm4', 'm3', 'm2', 'm1'], []],
    [9, ['m5', 'm4', 'm3', 'm2', 'm1'], []],
    [0, ['m5', 'm4', 'm3', 'm2', 'm1'], []],
  ])('retain %d keeps %j and deletes %j; never others', (retain, keep, remove) => {
    const plan = planPrune([...others, ...five], 'db', retain)
    expect(plan.keep.map((s) => s.id)).toEqual(keep)
    expect(plan.remove.map((s) => s.id)).toEqual(remove)
    expect(Object.fromEntries(plan.ignored.map((i) => [i.snapshot.id, i.reason]))).toEqual({
      'hand-made': 'untagged',
      'rds:db-2026-01-01': 'automated',
      'shared-one': 'shared',
      'other-db': 'other DB',
      public: 'shared',
      'tagged-false': 'untagged',
    })
  })

  test('a snapshot still being created counts as the newest; old ones not available are left alone', () => {
    const plan = planPrune(
      [snap('new', undefined, { status: 'creating' }), snap('a', 2), snap('b', 1, { status: 'deleting' })],
      'db',
      1,
    )
    expect(plan.keep.map((s) => s.id)).toEqual(['new'])
    expect(plan.remove.map((s) => s.id)).toEqual(['a'])
    expect(plan.ignored).toEqual([{ snapshot: expect.objectContaining({ id: 'b' }), reason: 'not available' }])
  })
})

const source: DbInfo = {
  kind: 'instance',
  id: 'webshop-prod',
  arn: 'arn:db',
  status: 'available',
  engine: 'postgres',
  instanceClass: 'db.m5.large',
  subnetGroup: 'private',
  securityGroupIds: ['sg-1', 'sg-2'],
  parameterGroup: 'pg15-tuned',
  multiAz: true,
  publiclyAccessible: false,
  tags: {},
}

describe('instanceRestoreParams', () => {
  test('copies class, subnet group, security groups, parameter group, Multi-AZ and public access', () => {
    const p = instanceRestoreParams({ id: 'webshop-prod-pre-v2-1-0' }, 'webshop-restored', source, { team: 'shop' })
    expect(p).toEqual({
      DBInstanceIdentifier: 'webshop-restored',
      DBSnapshotIdentifier: 'webshop-prod-pre-v2-1-0',
      DBInstanceClass: 'db.m5.large',
      DBSubnetGroupName: 'private',
      VpcSecurityGroupIds: ['sg-1', 'sg-2'],
      DBParameterGroupName: 'pg15-tuned',
      MultiAZ: true,
      PubliclyAccessible: false,
      Tags: [
        { Key: 'team', Value: 'shop' },
        { Key: 'deploy-actions:restored-from', Value: 'webshop-prod-pre-v2-1-0' },
      ],
    })
    expect(describeCopiedSettings(p)).toEqual([
      ['instance class', 'db.m5.large'],
      ['subnet group', 'private'],
      ['VPC security groups', 'sg-1, sg-2'],
      ['parameter group', 'pg15-tuned'],
      ['Multi-AZ', 'true'],
      ['publicly accessible', 'false'],
    ])
  })

  test('without a source, only the identifiers and tags', () => {
    const p = instanceRestoreParams({ id: 's' }, 't', undefined, {})
    expect(p).toEqual({
      DBInstanceIdentifier: 't',
      DBSnapshotIdentifier: 's',
      Tags: [{ Key: 'deploy-actions:restored-from', Value: 's' }],
    })
    expect(describeCopiedSettings(p)).toEqual([])
  })

  test('an empty security group list is not sent', () => {
    expect(
      instanceRestoreParams({ id: 's' }, 't', { ...source, securityGroupIds: [] }, {}).VpcSecurityGroupIds,
    ).toBeUndefined()
  })
})

describe('clusterRestoreParams', () => {
  const cluster: DbInfo = {
    kind: 'cluster',
    id: 'shop-aurora',
    arn: 'arn:c',
    status: 'available',
    engine: 'aurora-postgresql',
    engineVersion: '15.4',
    subnetGroup: 'private',
    securityGroupIds: ['sg-9'],
    parameterGroup: 'aurora-pg15',
    writerId: 'shop-aurora-1',
    tags: {},
  }
  const writer: DbInfo = {
    ...source,
    id: 'shop-aurora-1',
    instanceClass: 'db.r6g.xlarge',
    parameterGroup: 'inst-pg',
    publiclyAccessible: false,
  }

  test('cluster settings from the source cluster, writer settings from its writer', () => {
    const p = clusterRestoreParams(
      { id: 'snap', engine: 'aurora-postgresql', engineVersion: '15.4' },
      'shop-restored',
      cluster,
      writer,
      {},
    )
    expect(p.cluster).toEqual({
      DBClusterIdentifier: 'shop-restored',
      SnapshotIdentifier: 'snap',
      Engine: 'aurora-postgresql',
      EngineVersion: '15.4',
      DBSubnetGroupName: 'private',
      VpcSecurityGroupIds: ['sg-9'],
      DBClusterParameterGroupName: 'aurora-pg15',
      Tags: [{ Key: 'deploy-actions:restored-from', Value: 'snap' }],
    })
    expect(p.writer).toEqual({
      DBInstanceIdentifier: 'shop-restored-1',
      DBClusterIdentifier: 'shop-restored',
      Engine: 'aurora-postgresql',
      DBInstanceClass: 'db.r6g.xlarge',
      DBParameterGroupName: 'inst-pg',
      PubliclyAccessible: false,
      Tags: [{ Key: 'deploy-actions:restored-from', Value: 'snap' }],
    })
  })

  test('source gone: engine from the snapshot, fallback writer class', () => {
    const p = clusterRestoreParams({ id: 'snap', engine: 'aurora-mysql' }, 'x', undefined, undefined, {})
    expect(p.cluster).toEqual({
      DBClusterIdentifier: 'x',
      SnapshotIdentifier: 'snap',
      Engine: 'aurora-mysql',
      Tags: expect.any(Array),
    })
    expect(p.writer.DBInstanceClass).toBe(FALLBACK_AURORA_CLASS)
  })

  test('writer id stays a valid 63-character identifier', () => {
    const long = `a${'b'.repeat(62)}`
    const id = writerInstanceId(long)
    expect(id.length).toBeLessThanOrEqual(63)
    expect(rdsIdentifierProblem(id, 63)).toBeUndefined()
    expect(writerInstanceId('shop')).toBe('shop-1')
  })
})

test('the next step names the endpoint and the source left untouched', () => {
  expect(
    nextStepAfterRestore(
      { kind: 'instance', id: 'web-restored' },
      'web-restored.x.rds.amazonaws.com',
      5432,
      'webshop-prod',
    ),
  ).toBe(
    'Next step (by hand): point the application at the new endpoint web-restored.x.rds.amazonaws.com:5432 (update the database host in its config map or secret, then restart it); before that, check its migrations from the runner through the cluster: flyway-migrate with via: kubernetes, url: jdbc:postgresql://web-restored.x.rds.amazonaws.com:5432/<database>, command: validate. The restored instance web-restored is separate from webshop-prod, which was left untouched.',
  )
})
