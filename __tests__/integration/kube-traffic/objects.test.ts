// The generic object port against the Kubernetes API simulator through client-node: get/find,
// create, replace with resourceVersion (409 on a stale one), merge patch, server-side apply,
// delete with propagation, list by label selector, and the server's errors as our own types.
import {
  isConflict,
  type KubeObject,
  ObjectConflictError,
  ObjectInvalidError,
  ObjectNotFoundError,
  type ObjectsApi,
  UnknownKindError,
  updateObject,
} from '@deploy-actions/kube'
import type { KubeSimulator } from '@deploy-actions/testbed'
import { startSimulatorClients } from '../kube/simulator-clients.ts'

let sim: KubeSimulator
let objects: ObjectsApi
const NS = 'default'

beforeAll(async () => {
  ;({ sim, objects } = await startSimulatorClients())
})
afterAll(async () => {
  await sim?.stop()
})

const service = (name: string, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: NS, labels },
  spec: { selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
})
const ref = (name: string) => ({ apiVersion: 'v1', kind: 'Service', name, namespace: NS })

test('create, get, find and the errors of an absent or taken name', async () => {
  const created = await objects.create(service('web', { team: 'shop' }))
  expect(created.kind).toBe('Service')
  expect(created.metadata?.resourceVersion).toBeTruthy()
  expect(typeof created.metadata?.creationTimestamp).toBe('string')
  const read = await objects.get(ref('web'))
  expect((read.spec as { ports: unknown[] }).ports).toHaveLength(1)
  expect(await objects.find(ref('nope'))).toBeUndefined()
  const missing = await objects.get(ref('nope')).catch((e: unknown) => e)
  expect(missing).toBeInstanceOf(ObjectNotFoundError)
  expect((missing as Error).message).toMatch(/Service default\/nope not found: services "nope" not found/)
  const taken = await objects.create(service('web')).catch((e: unknown) => e)
  expect(taken).toBeInstanceOf(ObjectConflictError)
  expect((taken as ObjectConflictError).alreadyExists).toBe(true)
})

test('replace with a stale resourceVersion is a conflict; updateObject retries from a fresh read', async () => {
  const first = await objects.create(service('api'))
  const a = structuredClone(first)
  a.metadata!.labels = { version: 'a' }
  await objects.replace(a)
  const stale = structuredClone(first)
  stale.metadata!.labels = { version: 'b' }
  const conflict = await objects.replace(stale).catch((e: unknown) => e)
  expect(conflict).toBeInstanceOf(ObjectConflictError)
  expect(isConflict(conflict)).toBe(true)
  expect((conflict as ObjectConflictError).alreadyExists).toBe(false)

  // A concurrent writer changes the object between our read and our write once.
  let interfered = false
  const { object, changed } = await updateObject(objects, ref('api'), async (current) => {
    if (!interfered) {
      interfered = true
      await objects.mergePatch(ref('api'), { metadata: { labels: { other: 'writer' } } })
    }
    current.metadata!.labels = { ...current.metadata!.labels, version: 'c' }
    return current
  })
  expect(changed).toBe(true)
  expect(object.metadata?.labels).toEqual({ version: 'c', other: 'writer' })
  const unchanged = await updateObject(objects, ref('api'), () => undefined)
  expect(unchanged.changed).toBe(false)
})

test('merge patch sets and removes annotations; invalid objects carry the server message', async () => {
  await objects.create(service('patched'))
  await objects.mergePatch(ref('patched'), { metadata: { annotations: { a: '1', b: '2' } } })
  const after = await objects.mergePatch(ref('patched'), { metadata: { annotations: { a: null } } })
  expect(after.metadata?.annotations).toEqual({ b: '2' })
  const bad = await objects
    .create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'Bad_Name', namespace: NS },
      spec: { ports: [{ port: 80 }] },
    })
    .catch((e: unknown) => e)
  expect(bad).toBeInstanceOf(ObjectInvalidError)
  expect((bad as Error).message).toMatch(/Bad_Name/)
})

test('server-side apply creates, then updates the fields it manages', async () => {
  const body = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'shop', namespace: NS, annotations: { 'nginx.ingress.kubernetes.io/canary': 'true' } },
    spec: {
      rules: [
        {
          host: 'shop.example.com',
          http: {
            paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }],
          },
        },
      ],
    },
  }
  const created = await objects.apply(body, { fieldManager: 'deploy-actions' })
  expect(created.metadata?.annotations?.['nginx.ingress.kubernetes.io/canary']).toBe('true')
  const updated = await objects.apply(
    { ...body, metadata: { ...body.metadata, annotations: { 'nginx.ingress.kubernetes.io/canary-weight': '10' } } },
    { fieldManager: 'deploy-actions', force: true },
  )
  expect(updated.metadata?.annotations?.['nginx.ingress.kubernetes.io/canary-weight']).toBe('10')
  expect(updated.metadata?.uid).toBe(created.metadata?.uid)
})

test('list by label selector, delete with propagation, delete of an absent object is false', async () => {
  await objects.create(service('sel-a', { track: 'canary' }))
  await objects.create(service('sel-b', { track: 'stable' }))
  const canaries = await objects.list('v1', 'Service', NS, 'track=canary')
  expect(canaries.map((s) => s.metadata?.name)).toEqual(['sel-a'])
  expect(canaries[0]?.kind).toBe('Service')
  expect(await objects.delete(ref('sel-a'), { propagation: 'Foreground' })).toBe(true)
  expect(await objects.delete(ref('sel-a'))).toBe(false)
  expect(await objects.list('v1', 'Service', NS, 'track=canary')).toEqual([])
})

test('a Deployment deleted in the foreground takes its ReplicaSets with it', async () => {
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web-canary', namespace: NS },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web', track: 'canary' } },
      template: {
        metadata: { labels: { app: 'web', track: 'canary' } },
        spec: { containers: [{ name: 'app', image: 'web:2' }] },
      },
    },
  }
  await objects.create(deployment)
  const { waitUntil } = await import('@deploy-actions/kit')
  await waitUntil(
    async () => {
      const rs = await objects.list('apps/v1', 'ReplicaSet', NS, 'track=canary')
      return rs.length ? { done: rs } : { detail: 'no ReplicaSet yet' }
    },
    { what: 'the canary ReplicaSet', timeoutMs: 10_000, intervalMs: 50, log: () => {} },
  )
  await objects.delete(
    { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web-canary', namespace: NS },
    { propagation: 'Foreground' },
  )
  await waitUntil(
    async () => {
      const rs = await objects.list('apps/v1', 'ReplicaSet', NS, 'track=canary')
      return rs.length === 0 ? { done: true } : { detail: `${rs.length} left` }
    },
    { what: 'the canary ReplicaSets gone', timeoutMs: 10_000, intervalMs: 50, log: () => {} },
  )
})

test('a kind the server does not serve is named as such', async () => {
  const error = await objects
    .get({ apiVersion: 'example.com/v1', kind: 'Widget', name: 'w', namespace: NS })
    .catch((e: unknown) => e)
  expect(error).toBeInstanceOf(UnknownKindError)
  expect((error as Error).message).toMatch(/does not serve example.com\/v1 Widget/)
})
