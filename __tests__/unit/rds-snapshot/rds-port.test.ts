// The SDK port with an RDSClient whose `send` answers from memory: pagination by Marker, which
// snapshots get their sharing looked up, AWS errors turned into our answers, and the waits
// (kit's waitUntil over the describe calls) with their progress lines and timeout message.
import {
  CreateDBSnapshotCommand,
  type DBSnapshot,
  DeleteDBSnapshotCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotAttributesCommand,
  DescribeDBSnapshotsCommand,
  RDSClient,
} from '@aws-sdk/client-rds'
import { steppingClock } from '@deploy-actions/kit'
import { SnapshotExistsError, sdkRdsPort } from '../../../actions/rds-snapshot/src/ports.ts'
import { type WaitSettings, waitDbAvailable, waitSnapshotAvailable } from '../../../actions/rds-snapshot/src/waits.ts'

function fakeClient(answer: (command: unknown) => unknown) {
  const client = new RDSClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } })
  const sent: unknown[] = []
  client.send = (async (command: unknown) => {
    sent.push(command)
    const out = answer(command)
    if (out instanceof Error) throw out
    return out
  }) as RDSClient['send']
  return { client, sent }
}

const snapshot = (i: number, managed: boolean): DBSnapshot => ({
  DBSnapshotIdentifier: `s${i}`,
  DBInstanceIdentifier: 'db',
  Status: 'available',
  SnapshotType: 'manual',
  SnapshotCreateTime: new Date(Date.UTC(2026, 0, 1, 0, i)),
  AllocatedStorage: 20,
  TagList: managed ? [{ Key: 'deploy-actions:managed', Value: 'true' }] : [],
})

test('listSnapshots pages through Marker (pages of 100) and asks sharing only for managed manual ones', async () => {
  const all = Array.from({ length: 230 }, (_, i) => snapshot(i, i % 2 === 0))
  const pages: unknown[] = []
  const { client, sent } = fakeClient((command) => {
    if (command instanceof DescribeDBSnapshotsCommand) {
      // The paginator reuses one input object: note the page request as it is sent.
      pages.push([command.input.Marker, command.input.MaxRecords])
      const start = Number(command.input.Marker ?? 0)
      const size = command.input.MaxRecords ?? 100
      const next = start + size
      return { DBSnapshots: all.slice(start, next), Marker: next < all.length ? String(next) : undefined }
    }
    if (command instanceof DescribeDBSnapshotAttributesCommand) {
      const shared = command.input.DBSnapshotIdentifier === 's4' ? ['111122223333'] : []
      return {
        DBSnapshotAttributesResult: { DBSnapshotAttributes: [{ AttributeName: 'restore', AttributeValues: shared }] },
      }
    }
    throw new Error('unexpected command')
  })
  const port = sdkRdsPort(client)
  const list = await port.listSnapshots('instance', 'db', true)
  expect(list).toHaveLength(230)
  expect(pages).toEqual([
    [undefined, 100],
    ['100', 100],
    ['200', 100],
  ])
  expect(sent.filter((c) => c instanceof DescribeDBSnapshotAttributesCommand)).toHaveLength(115)
  expect(list.find((s) => s.id === 's4')?.sharedWith).toEqual(['111122223333'])
  expect(list[3]).toMatchObject({ id: 's3', dbId: 'db', type: 'manual', allocatedStorageGiB: 20, sharedWith: [] })

  sent.length = 0
  await port.listSnapshots('instance', 'db')
  expect(sent.every((c) => c instanceof DescribeDBSnapshotsCommand)).toBe(true)
})

function waitOptions(lines: string[], timeoutMs: number): WaitSettings {
  const clock = steppingClock(0)
  return {
    deadline: timeoutMs,
    timeoutMs,
    pollIntervalMs: 1000,
    progressEveryMs: 5000,
    log: (l) => lines.push(l),
    clock,
  }
}

test('AWS errors become answers or our own errors: AlreadyExists, NotFound on delete and describe', async () => {
  const { client } = fakeClient((command) => {
    if (command instanceof CreateDBSnapshotCommand)
      return Object.assign(new Error('exists'), { name: 'DBSnapshotAlreadyExistsFault' })
    if (command instanceof DeleteDBSnapshotCommand)
      return Object.assign(new Error('gone'), { name: 'DBSnapshotNotFoundFault' })
    if (command instanceof DescribeDBInstancesCommand)
      return Object.assign(new Error('no such db'), { name: 'DBInstanceNotFoundFault' })
    return Object.assign(new Error('denied'), { name: 'AccessDenied' })
  })
  const port = sdkRdsPort(client)
  await expect(port.createSnapshot('instance', 'db', 's1', {})).rejects.toBeInstanceOf(SnapshotExistsError)
  await expect(port.deleteSnapshot('instance', 's1')).resolves.toBe(false)
  await expect(port.describeDb({ kind: 'instance', id: 'db' })).resolves.toBeUndefined()
  await expect(port.describeSnapshot('instance', 's1')).rejects.toThrow('denied')
})

test('waitSnapshotAvailable prints status and PercentProgress while it polls', async () => {
  let polls = 0
  const { client } = fakeClient((command) => {
    if (!(command instanceof DescribeDBSnapshotsCommand)) throw new Error('unexpected')
    polls++
    const done = polls > 12
    return {
      DBSnapshots: [
        { ...snapshot(1, true), Status: done ? 'available' : 'creating', PercentProgress: done ? 100 : polls * 8 },
      ],
    }
  })
  const lines: string[] = []
  const s = await waitSnapshotAvailable(sdkRdsPort(client), 'instance', 's1', waitOptions(lines, 60_000))
  expect(s.status).toBe('available')
  expect(lines).toEqual([
    'waiting for snapshot s1 to be available: creating, 8%',
    'waiting for snapshot s1 to be available: 5.0s so far (creating, 48%)',
    'waiting for snapshot s1 to be available: 10.0s so far (creating, 88%)',
    'snapshot s1 to be available: done after 12.0s',
  ])
})

test('waitDbAvailable: errors are retried; a timeout says what was last seen', async () => {
  let polls = 0
  const { client } = fakeClient((command) => {
    if (!(command instanceof DescribeDBInstancesCommand)) throw new Error('unexpected')
    polls++
    if (polls === 2) return Object.assign(new Error('Rate exceeded'), { name: 'Throttling' })
    return { DBInstances: [{ DBInstanceIdentifier: 'db', DBInstanceStatus: 'modifying' }] }
  })
  const lines: string[] = []
  const error = await waitDbAvailable(
    sdkRdsPort(client),
    { kind: 'instance', id: 'db' },
    waitOptions(lines, 6000),
  ).catch((e: unknown) => e)
  expect(polls).toBe(7)
  expect((error as Error).name).toBe('WaitTimeoutError')
  expect((error as Error).message).toBe(
    'timed out after 6.0s waiting for DB instance db to be available (last seen: status modifying)',
  )
  expect(lines[0]).toBe('waiting for DB instance db to be available: status modifying')
})

test('a snapshot that fails is a DeployError, not a timeout', async () => {
  const { client } = fakeClient(() => ({ DBSnapshots: [{ ...snapshot(1, true), Status: 'failed' }] }))
  const error = await waitSnapshotAvailable(sdkRdsPort(client), 'instance', 's1', waitOptions([], 5000)).catch(
    (e: unknown) => e,
  )
  expect((error as Error).name).toBe('DeployError')
  expect((error as Error).message).toBe(
    'snapshot s1 to be available failed: it reached status "failed", which it will not leave by itself',
  )
})
