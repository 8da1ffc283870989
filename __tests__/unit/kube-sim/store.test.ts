import { resourceByKind } from '../../../packages/testbed/src/kube/resources.ts'
import { parseLabelSelector } from '../../../packages/testbed/src/kube/selectors.ts'
import { ApiError } from '../../../packages/testbed/src/kube/status.ts'
import { Store, type StoreEvent } from '../../../packages/testbed/src/kube/store.ts'
import { translate } from '../../../packages/testbed/src/kube/watch.ts'

const DEPLOYMENTS = resourceByKind('Deployment')
const CONFIGMAPS = resourceByKind('ConfigMap')

function deployment(replicas: number) {
  return { metadata: { name: 'web', namespace: 'default' }, spec: { replicas }, status: { replicas: 0 } }
}

function code(fn: () => unknown): number | undefined {
  try {
    fn()
  } catch (e) {
    return e instanceof ApiError ? e.code : -1
  }
  return undefined
}

test('create sets uid, creationTimestamp, generation 1 and a growing resourceVersion', () => {
  const store = new Store()
  const a = store.create(DEPLOYMENTS, deployment(1))
  const b = store.create(CONFIGMAPS, { metadata: { name: 'cfg', namespace: 'default' } })
  expect(a.metadata).toMatchObject({
    generation: 1,
    uid: expect.any(String),
    creationTimestamp: expect.stringMatching(/Z$/),
  })
  expect(a).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment' })
  expect(b.metadata.generation).toBeUndefined()
  expect(Number(b.metadata.resourceVersion)).toBeGreaterThan(Number(a.metadata.resourceVersion))
  expect(code(() => store.create(DEPLOYMENTS, deployment(1)))).toBe(409)
})

test('generation bumps on spec changes only; the main resource cannot write status, /status only status', () => {
  const store = new Store()
  const created = store.create(DEPLOYMENTS, deployment(1))
  const labelled = store.update(DEPLOYMENTS, {
    ...created,
    metadata: { ...created.metadata, labels: { a: 'b' } },
    status: { replicas: 9 },
  })
  expect(labelled.metadata.generation).toBe(1)
  expect(labelled.status).toEqual({ replicas: 0 })
  const scaled = store.update(DEPLOYMENTS, { ...labelled, spec: { replicas: 2 } })
  expect(scaled.metadata.generation).toBe(2)
  const status = store.update(
    DEPLOYMENTS,
    { ...scaled, spec: { replicas: 7 }, status: { replicas: 2 } },
    { statusOnly: true },
  )
  expect(status.spec.replicas).toBe(2)
  expect(status.status).toEqual({ replicas: 2 })
  expect(status.metadata.generation).toBe(2)
})

test('a stale resourceVersion is 409 Conflict; an unchanged write keeps the resourceVersion', () => {
  const store = new Store()
  const created = store.create(DEPLOYMENTS, deployment(1))
  const same = store.update(DEPLOYMENTS, created, { resourceVersion: created.metadata.resourceVersion })
  expect(same.metadata.resourceVersion).toBe(created.metadata.resourceVersion)
  store.update(DEPLOYMENTS, { ...created, spec: { replicas: 3 } })
  expect(
    code(() =>
      store.update(
        DEPLOYMENTS,
        { ...created, spec: { replicas: 4 } },
        { resourceVersion: created.metadata.resourceVersion },
      ),
    ),
  ).toBe(409)
  expect(code(() => store.get(DEPLOYMENTS, 'default', 'nope'))).toBe(404)
})

test('events can be replayed after a resourceVersion until compacted, then 410 Expired', () => {
  const store = new Store(3)
  const start = store.resourceVersion
  const created = store.create(CONFIGMAPS, { metadata: { name: 'a', namespace: 'default' } })
  store.update(CONFIGMAPS, { ...created, data: { k: '1' } })
  expect(store.eventsSince(CONFIGMAPS, start).map((e) => e.type)).toEqual(['ADDED', 'MODIFIED'])
  store.create(CONFIGMAPS, { metadata: { name: 'b', namespace: 'default' } })
  store.delete(CONFIGMAPS, 'default', 'a')
  try {
    store.eventsSince(CONFIGMAPS, start)
    throw new Error('expected 410')
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError)
    expect((e as ApiError).toStatus()).toMatchObject({
      code: 410,
      reason: 'Expired',
      message: expect.stringMatching(/^too old resource version: \d+ \(\d+\)$/),
    })
  }
})

test('listeners see every write with the object before it', () => {
  const store = new Store()
  const seen: string[] = []
  const off = store.subscribe((e) => seen.push(`${e.type} ${e.object.data?.k ?? ''} ${e.previous?.data?.k ?? ''}`))
  const created = store.create(CONFIGMAPS, { metadata: { name: 'a', namespace: 'default' }, data: { k: '1' } })
  store.update(CONFIGMAPS, { ...created, data: { k: '2' } })
  store.delete(CONFIGMAPS, 'default', 'a')
  off()
  store.create(CONFIGMAPS, { metadata: { name: 'b', namespace: 'default' } })
  expect(seen).toEqual(['ADDED 1 ', 'MODIFIED 2 1', 'DELETED 2 2'])
})

test.each([
  ['ADDED', { app: 'web' }, undefined, 'ADDED'],
  ['ADDED', { app: 'db' }, undefined, undefined],
  ['MODIFIED', { app: 'web' }, { app: 'web' }, 'MODIFIED'],
  ['MODIFIED', { app: 'web' }, { app: 'db' }, 'ADDED'],
  ['MODIFIED', { app: 'db' }, { app: 'web' }, 'DELETED'],
  ['MODIFIED', { app: 'db' }, { app: 'db' }, undefined],
  ['DELETED', { app: 'web' }, { app: 'web' }, 'DELETED'],
])('a %s of labels %j (before %j) reaches an app=web watcher as %s', (type, now, before, expected) => {
  const event: StoreEvent = {
    type: type as StoreEvent['type'],
    resource: CONFIGMAPS,
    rv: 5,
    object: { metadata: { name: 'x', labels: now } },
    ...(before ? { previous: { metadata: { name: 'x', labels: before } } } : {}),
  }
  expect(translate(event, { labels: parseLabelSelector('app=web') })?.type).toBe(expected)
})
