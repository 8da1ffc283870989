// The simulator as client-node's typed APIs and Watch see it: CRUD, Status errors, optimistic
// concurrency, selectors, watches, and the deployment controller's observable behaviour.

import { type KubeSimulator, startKubeSimulator } from '@deploy-actions/testbed'
import * as k8s from '@kubernetes/client-node'
import { clients, deploymentBody, eventually, isComplete, statusOf } from './helpers.ts'

let sim: KubeSimulator
let c: ReturnType<typeof clients>
const ns = 'default'
const strategic = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch)
const jsonPatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch)
const mergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch)

beforeAll(async () => {
  sim = await startKubeSimulator({ podReadyDelayMs: 100, controllerTickMs: 20 })
  c = clients(sim)
})
afterAll(async () => {
  await sim?.stop()
})

async function rolledOut(name: string): Promise<k8s.V1Deployment> {
  return eventually(`deployment ${name} rolled out`, async () => {
    const d = await c.apps.readNamespacedDeployment({ name, namespace: ns })
    return isComplete(d) ? d : undefined
  })
}

async function _replicaSets(name: string): Promise<k8s.V1ReplicaSet[]> {
  const list = await c.apps.listNamespacedReplicaSet({ namespace: ns, labelSelector: `app=${name}` })
  return list.items
}

describe('API machinery', () => {
  test('version and discovery answer as an API server does', async () => {
    const version = await c.kc.makeApiClient(k8s.VersionApi).getCode()
    expect(version.major).toBe('1')
    const groups = await c.kc.makeApiClient(k8s.ApisApi).getAPIVersions()
    expect(groups.groups.map((g) => g.name)).toEqual(
      expect.arrayContaining(['apps', 'batch', 'autoscaling', 'networking.k8s.io']),
    )
    const resources = await c.apps.getAPIResources()
    const deployments = resources.resources.find((r) => r.name === 'deployments')
    expect(deployments).toMatchObject({ kind: 'Deployment', namespaced: true, shortNames: ['deploy'] })
    expect(resources.resources.map((r) => r.name)).toEqual(
      expect.arrayContaining(['deployments/scale', 'deployments/status']),
    )
  })

  test('the default namespace exists; objects in a missing namespace are 404 namespaces "x" not found', async () => {
    const list = await c.core.listNamespace()
    expect(list.items.map((n) => n.metadata?.name)).toEqual(expect.arrayContaining(['default', 'kube-system']))
    const err = await c.apps
      .createNamespacedDeployment({ namespace: 'nowhere', body: deploymentBody('x', 'x:1') })
      .catch((e) => e)
    expect(statusOf(err)).toEqual({
      code: 404,
      body: expect.objectContaining({
        kind: 'Status',
        reason: 'NotFound',
        message: 'namespaces "nowhere" not found',
        code: 404,
      }),
    })
  })

  test('Status objects for 404 NotFound, 409 AlreadyExists, 409 Conflict and 422 Invalid', async () => {
    const missing = statusOf(await c.apps.readNamespacedDeployment({ name: 'ghost', namespace: ns }).catch((e) => e))
    expect(missing).toEqual({
      code: 404,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'deployments.apps "ghost" not found',
        reason: 'NotFound',
        details: { name: 'ghost', group: 'apps', kind: 'deployments' },
        code: 404,
      },
    })
    const pod = statusOf(await c.core.readNamespacedPod({ name: 'ghost', namespace: ns }).catch((e) => e))
    expect(pod.body).toMatchObject({ message: 'pods "ghost" not found', details: { name: 'ghost', kind: 'pods' } })

    await c.apps.createNamespacedDeployment({ namespace: ns, body: deploymentBody('dup', 'dup:1', 1) })
    const exists = statusOf(
      await c.apps
        .createNamespacedDeployment({ namespace: ns, body: deploymentBody('dup', 'dup:1', 1) })
        .catch((e) => e),
    )
    expect(exists.code).toBe(409)
    expect(exists.body).toMatchObject({ reason: 'AlreadyExists', message: 'deployments.apps "dup" already exists' })

    const current = await c.apps.readNamespacedDeployment({ name: 'dup', namespace: ns })
    const stale = { ...current, metadata: { ...current.metadata, resourceVersion: '1' } }
    const conflict = statusOf(
      await c.apps.replaceNamespacedDeployment({ name: 'dup', namespace: ns, body: stale }).catch((e) => e),
    )
    expect(conflict.code).toBe(409)
    expect(conflict.body).toMatchObject({
      reason: 'Conflict',
      message:
        'Operation cannot be fulfilled on deployments.apps "dup": the object has been modified; please apply your changes to the latest version and try again',
    })

    const bad = deploymentBody('bad', 'bad:1', -1)
    bad.spec!.template.metadata!.labels = { app: 'other' }
    const invalid = statusOf(await c.apps.createNamespacedDeployment({ namespace: ns, body: bad }).catch((e) => e))
    expect(invalid.code).toBe(422)
    expect(invalid.body).toMatchObject({
      reason: 'Invalid',
      details: {
        name: 'bad',
        group: 'apps',
        kind: 'Deployment',
        causes: [
          {
            reason: 'FieldValueInvalid',
            field: 'spec.replicas',
            message: 'Invalid value: -1: must be greater than or equal to 0',
          },
          {
            reason: 'FieldValueInvalid',
            field: 'spec.template.metadata.labels',
            message: 'Invalid value: map[string]string{"app":"other"}: `selector` does not match template `labels`',
          },
        ],
      },
    })
    expect(invalid.body.message).toMatch(/^Deployment\.apps "bad" is invalid: \[spec\.replicas: Invalid value: -1/)
  })

  test('resourceVersion grows with every write; an update with the current one succeeds', async () => {
    const a = await c.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'cfg' }, data: { a: '1' } },
    })
    const b = await c.core.replaceNamespacedConfigMap({ name: 'cfg', namespace: ns, body: { ...a, data: { a: '2' } } })
    expect(Number(b.metadata?.resourceVersion)).toBeGreaterThan(Number(a.metadata?.resourceVersion))
    const again = statusOf(
      await c.core
        .replaceNamespacedConfigMap({ name: 'cfg', namespace: ns, body: { ...a, data: { a: '3' } } })
        .catch((e) => e),
    )
    expect(again.code).toBe(409)
  })

  test('patches: strategic merge keeps other containers, JSON merge replaces lists, JSON patch; generation bumps only on spec change', async () => {
    const body = deploymentBody('patchy', 'patchy:1', 1)
    body.spec!.template.spec!.containers.push({ name: 'sidecar', image: 'proxy:1' })
    const created = await c.apps.createNamespacedDeployment({ namespace: ns, body })
    expect(created.metadata?.generation).toBe(1)

    const labelled = await c.apps.patchNamespacedDeployment(
      { name: 'patchy', namespace: ns, body: { metadata: { labels: { team: 'a' } } } },
      mergePatch,
    )
    expect(labelled.metadata?.generation).toBe(1)
    expect(labelled.metadata?.labels).toEqual({ app: 'patchy', team: 'a' })

    const sm = await c.apps.patchNamespacedDeployment(
      {
        name: 'patchy',
        namespace: ns,
        body: { spec: { template: { spec: { containers: [{ name: 'app', image: 'patchy:2' }] } } } },
      },
      strategic,
    )
    expect(sm.metadata?.generation).toBe(2)
    expect(sm.spec?.template.spec?.containers.map((x) => `${x.name}=${x.image}`)).toEqual([
      'app=patchy:2',
      'sidecar=proxy:1',
    ])

    const jp = await c.apps.patchNamespacedDeployment(
      { name: 'patchy', namespace: ns, body: [{ op: 'replace', path: '/spec/replicas', value: 2 }] },
      jsonPatch,
    )
    expect(jp.spec?.replicas).toBe(2)
    expect(jp.metadata?.generation).toBe(3)

    const stalePatch = statusOf(
      await c.apps
        .patchNamespacedDeployment(
          { name: 'patchy', namespace: ns, body: { metadata: { resourceVersion: '2' }, spec: { replicas: 3 } } },
          mergePatch,
        )
        .catch((e) => e),
    )
    expect(stalePatch.code).toBe(409)
  })

  test('label and field selectors on lists', async () => {
    await c.core.createNamespacedService({
      namespace: ns,
      body: {
        metadata: { name: 'sel-a', labels: { tier: 'web', env: 'prod' } },
        spec: { ports: [{ port: 80 }], selector: { app: 'x' } },
      },
    })
    await c.core.createNamespacedService({
      namespace: ns,
      body: { metadata: { name: 'sel-b', labels: { tier: 'db' } }, spec: { ports: [{ port: 5432 }] } },
    })
    const names = async (labelSelector?: string, fieldSelector?: string) =>
      (await c.core.listNamespacedService({ namespace: ns, labelSelector, fieldSelector })).items
        .map((s) => s.metadata?.name)
        .filter((n) => n?.startsWith('sel-'))
    expect(await names('tier=web')).toEqual(['sel-a'])
    expect(await names('tier in (web,db)')).toEqual(['sel-a', 'sel-b'])
    expect(await names('!env')).toEqual(['sel-b'])
    expect(await names(undefined, 'metadata.name=sel-b')).toEqual(['sel-b'])
    expect(await names('tier', 'metadata.name!=sel-b')).toEqual(['sel-a'])
    const unsupported = statusOf(
      await c.apps.listNamespacedDeployment({ namespace: ns, fieldSelector: 'spec.replicas=1' }).catch((e) => e),
    )
    expect(unsupported).toEqual({
      code: 400,
      body: expect.objectContaining({ reason: 'BadRequest', message: 'field label not supported: spec.replicas' }),
    })
    const svc = await c.core.readNamespacedService({ name: 'sel-a', namespace: ns })
    expect(svc.spec).toMatchObject({
      type: 'ClusterIP',
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
      sessionAffinity: 'None',
    })
    expect(svc.spec?.clusterIP).toMatch(/^10\.96\./)
  })

  test('finalizers hold a deleted object until they are removed', async () => {
    await c.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'held', finalizers: ['example.com/hold'] } },
    })
    await c.core.deleteNamespacedConfigMap({ name: 'held', namespace: ns })
    const held = await c.core.readNamespacedConfigMap({ name: 'held', namespace: ns })
    expect(held.metadata?.deletionTimestamp).toBeDefined()
    await c.core.patchNamespacedConfigMap(
      { name: 'held', namespace: ns, body: { metadata: { finalizers: null } } },
      mergePatch,
    )
    const gone = statusOf(await c.core.readNamespacedConfigMap({ name: 'held', namespace: ns }).catch((e) => e))
    expect(gone.code).toBe(404)
  })

  test('defaulting: Secret stringData becomes base64 data; LoadBalancer Services get node ports and a hostname', async () => {
    const secret = await c.core.createNamespacedSecret({
      namespace: ns,
      body: { metadata: { name: 'creds' }, stringData: { password: 's3cret' } },
    })
    expect(secret.type).toBe('Opaque')
    expect(secret.data).toEqual({ password: Buffer.from('s3cret').toString('base64') })
    expect(secret.stringData).toBeUndefined()
    const lb = await c.core.createNamespacedService({
      namespace: ns,
      body: {
        metadata: { name: 'public' },
        spec: { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 443, targetPort: 8443 }] },
      },
    })
    expect(lb.spec?.ports?.[0]?.nodePort).toBeGreaterThanOrEqual(30000)
    const ready = await eventually('a load balancer hostname', async () => {
      const s = await c.core.readNamespacedService({ name: 'public', namespace: ns })
      return s.status?.loadBalancer?.ingress?.[0]?.hostname
    })
    expect(ready).toMatch(/\.elb\.amazonaws\.com$/)
  })

  test('list paging with limit and continue', async () => {
    for (const n of ['page-1', 'page-2', 'page-3'])
      await c.core.createNamespacedConfigMap({
        namespace: ns,
        body: { metadata: { name: n, labels: { paged: 'yes' } } },
      })
    const first = await c.core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'paged=yes', limit: 2 })
    expect(first.items.map((i) => i.metadata?.name)).toEqual(['page-1', 'page-2'])
    expect(first.metadata?.remainingItemCount).toBe(1)
    const second = await c.core.listNamespacedConfigMap({
      namespace: ns,
      labelSelector: 'paged=yes',
      limit: 2,
      _continue: first.metadata?._continue,
    })
    expect(second.items.map((i) => i.metadata?.name)).toEqual(['page-3'])
    expect(second.metadata?._continue).toBeUndefined()
  })

  test('scale subresource reads and writes spec.replicas', async () => {
    await c.apps.createNamespacedDeployment({ namespace: ns, body: deploymentBody('scaled', 'scaled:1', 1) })
    const scale = await c.apps.readNamespacedDeploymentScale({ name: 'scaled', namespace: ns })
    expect(scale).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 1 } })
    await c.apps.patchNamespacedDeploymentScale(
      { name: 'scaled', namespace: ns, body: { spec: { replicas: 4 } } },
      mergePatch,
    )
    const d = await rolledOut('scaled')
    expect(d.spec?.replicas).toBe(4)
    expect((await c.apps.readNamespacedDeploymentScale({ name: 'scaled', namespace: ns })).status).toEqual({
      replicas: 4,
      selector: 'app=scaled',
    })
  })
})

describe('watch', () => {
  test('streams ADDED/MODIFIED/DELETED from a resourceVersion, with bookmarks when allowed', async () => {
    const start = await c.core.listNamespacedConfigMap({ namespace: ns })
    const seen: string[] = []
    let bookmarks = 0
    const watch = new k8s.Watch(c.kc)
    const req = await watch.watch(
      `/api/v1/namespaces/${ns}/configmaps`,
      { resourceVersion: start.metadata?.resourceVersion, allowWatchBookmarks: true, labelSelector: 'watched=yes' },
      (type, obj) => {
        if (type === 'BOOKMARK') bookmarks++
        else seen.push(`${type} ${obj.metadata.name} ${obj.data?.v ?? ''}`)
      },
      () => {},
    )
    await c.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'w1', labels: { watched: 'yes' } }, data: { v: '1' } },
    })
    await c.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'w2', labels: { watched: 'no' } } },
    })
    await c.core.patchNamespacedConfigMap({ name: 'w1', namespace: ns, body: { data: { v: '2' } } }, mergePatch)
    // a label change that makes an object match is an ADDED, one that stops it matching a DELETED
    await c.core.patchNamespacedConfigMap(
      { name: 'w2', namespace: ns, body: { metadata: { labels: { watched: 'yes' } } } },
      mergePatch,
    )
    await c.core.patchNamespacedConfigMap(
      { name: 'w2', namespace: ns, body: { metadata: { labels: { watched: 'no' } } } },
      mergePatch,
    )
    await c.core.deleteNamespacedConfigMap({ name: 'w1', namespace: ns })
    await eventually(
      'watch events and a bookmark',
      async () => (seen.length >= 5 && bookmarks > 0 ? true : undefined),
      5000,
    )
    req.abort()
    expect(seen).toEqual(['ADDED w1 1', 'MODIFIED w1 2', 'ADDED w2 ', 'DELETED w2 ', 'DELETED w1 2'])
  })

  test('replays the events after an older resourceVersion', async () => {
    const before = (await c.core.listNamespacedConfigMap({ namespace: ns })).metadata?.resourceVersion
    await c.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'replayed' } } })
    await c.core.patchNamespacedConfigMap({ name: 'replayed', namespace: ns, body: { data: { k: 'v' } } }, mergePatch)
    const seen: string[] = []
    const req = await new k8s.Watch(c.kc).watch(
      `/api/v1/namespaces/${ns}/configmaps`,
      { resourceVersion: before, fieldSelector: 'metadata.name=replayed' },
      (type, obj) => seen.push(`${type} ${obj.metadata.name}`),
      () => {},
    )
    await eventually('the replayed events', async () => (seen.length >= 2 ? true : undefined), 5000)
    req.abort()
    expect(seen).toEqual(['ADDED replayed', 'MODIFIED replayed'])
  })

  test('watch-list: sendInitialEvents ends the initial ADDED events with an initial-events-end bookmark', async () => {
    const res = await fetch(
      `${sim.url}/api/v1/namespaces/${ns}/configmaps?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&labelSelector=paged%3Dyes&timeoutSeconds=1`,
    )
    const frames = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(frames.slice(0, 3).map((f) => `${f.type} ${f.object.metadata.name}`)).toEqual([
      'ADDED page-1',
      'ADDED page-2',
      'ADDED page-3',
    ])
    expect(frames[3]).toMatchObject({
      type: 'BOOKMARK',
      object: {
        kind: 'ConfigMap',
        apiVersion: 'v1',
        metadata: { annotations: { 'k8s.io/initial-events-end': 'true' } },
      },
    })
  })

  test('a watch on one deployment follows the controller to a complete rollout', async () => {
    const events: string[] = []
    const req = await new k8s.Watch(c.kc).watch(
      `/apis/apps/v1/namespaces/${ns}/deployments`,
      { fieldSelector: 'metadata.name=watched' },
      (type, d: k8s.V1Deployment) =>
        events.push(`${type} ${d.status?.updatedReplicas ?? 0}/${d.status?.availableReplicas ?? 0}`),
      () => {},
    )
    await c.apps.createNamespacedDeployment({ namespace: ns, body: deploymentBody('watched', 'watched:1', 2) })
    await eventually('the watch to see 2 available', async () =>
      events.some((e) => e.endsWith(' 2/2')) ? true : undefined,
    )
    req.abort()
    expect(events[0]).toBe('ADDED 0/0')
  })
})
