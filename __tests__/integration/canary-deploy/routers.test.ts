// 10→50→100 promoted on each weighted router (gateway-api, alb, nginx) through the bundle: each
// weight read back from the routing object equals the asked one, the stable Service never
// selects canary pods (canary labels changed, stated in the summary), the traffic emulator
// measures the split the objects ask for, and the stable image changes only at the end.
import type { KubeObject } from '@deploy-actions/kube'
import { startTrafficEmulator, type TrafficEmulator } from '@deploy-actions/testbed'
import { type Cluster, canary, deploymentRef, errorLine, imageOf, stableApp, startCluster } from './helpers.ts'

let c: Cluster
const emulators: TrafficEmulator[] = []
beforeAll(async () => {
  c = await startCluster()
})
afterAll(async () => {
  for (const e of emulators) await e.stop()
  await c?.sim.stop()
})

const backend = (svc: string) => ({ service: { name: svc, port: { number: 80 } } })
const ingress = (name: string, className: string): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name, namespace: 'default' },
  spec: {
    ingressClassName: className,
    rules: [
      { host: `${name}.example.com`, http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend(name) }] } },
    ],
  },
})
const httpRoute = (name: string): KubeObject => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name, namespace: 'default' },
  spec: {
    parentRefs: [{ name: 'public' }],
    rules: [
      {
        matches: [{ path: { type: 'PathPrefix', value: '/static' } }],
        backendRefs: [{ name: 'static-files', port: 80 }],
      },
      { matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name, port: 80 }] },
    ],
  },
})

const rows = (summary: string) => summary.split('\n').filter((l) => /^\| \d\d:\d\d:\d\d/.test(l))

it.each([
  ['gateway-api', { 'http-route': 'gw' }],
  ['alb', { ingress: 'alb' }],
  ['nginx', { ingress: 'ngx' }],
])(
  '%s: 10→50→100 promoted, every weight read back, stable Service never selects canary pods',
  async (router, extra) => {
    const app = Object.values(extra)[0]!
    await stableApp(c.objects, 'default', app, 4)
    if (router === 'gateway-api') await c.objects.create(httpRoute(app))
    else await c.objects.create(ingress(app, router))
    const emulator = await startTrafficEmulator({
      kube: { url: c.sim.url },
      ...(router === 'gateway-api' ? { httpRoute: app } : { ingress: app }),
      rps: 200,
      refreshMs: 50,
    })
    emulators.push(emulator)
    // What the emulator (reading the same objects) routes while the canary runs, every 100 ms.
    const seen = new Set<number>()
    const sampler = setInterval(() => seen.add(Math.round(emulator.expectedShare().canary * 100)), 100)
    const run = await canary(c.sim, {
      deployment: app,
      image: `registry.local/${app}:2`,
      'traffic-router': router,
      steps: '10,50,100',
      'step-duration': '2s',
      ...extra,
    })
    clearInterval(sampler)
    expect(errorLine(run)).toBe('')
    expect(run.outputs).toMatchObject({
      result: 'promoted',
      weight: '100',
      'previous-image': `registry.local/${app}:1`,
    })
    expect([...seen]).toEqual(expect.arrayContaining([0, 10, 50]))
    expect(Math.max(...seen)).toBe(50)
    const table = rows(run.summary)
    expect(table.find((r) => r.includes('| step 1/3 |'))).toMatch(/\| 10% \| 10% \|/)
    expect(table.find((r) => r.includes('| step 2/3 |'))).toMatch(/\| 50% \| 50% \|/)
    expect(run.summary).toMatch(
      new RegExp(
        `canary pods: app=${app} → app=${app}-canary plus track=canary, so Service ${app} \\(selector app=${app}\\) does not select them`,
      ),
    )
    expect(await imageOf(c.objects, 'default', app)).toBe(`registry.local/${app}:2`)
    expect(await c.objects.find(deploymentRef('default', `${app}-canary`))).toBeUndefined()
    expect(
      await c.objects.find({ apiVersion: 'v1', kind: 'Service', name: `${app}-canary`, namespace: 'default' }),
    ).toBeUndefined()
    // After promotion all traffic goes to the stable backend, which serves the new image.
    await emulator.refresh()
    expect(emulator.expectedShare()).toMatchObject({ canary: 0, stable: 1 })
  },
)

it('gateway-api with canary-header: pinned requests reach only the canary while the rest is split 90/10', async () => {
  await stableApp(c.objects, 'default', 'pin', 4)
  await c.objects.create(httpRoute('pin'))
  const pinned = await startTrafficEmulator({
    kube: { url: c.sim.url },
    httpRoute: 'pin',
    headers: { 'X-Canary': 'always' },
    rps: 50,
  })
  const plain = await startTrafficEmulator({ kube: { url: c.sim.url }, httpRoute: 'pin', rps: 50 })
  emulators.push(pinned, plain)
  const run = await canary(c.sim, {
    deployment: 'pin',
    image: 'registry.local/pin:2',
    'traffic-router': 'gateway-api',
    'http-route': 'pin',
    'canary-header': 'X-Canary: always',
    steps: '10',
  })
  expect(errorLine(run)).toBe('')
  expect(run.outputs).toMatchObject({ result: 'paused', weight: '10' })
  await Promise.all([pinned.refresh(), plain.refresh()])
  expect(pinned.expectedShare()).toMatchObject({ canary: 1, stable: 0 })
  expect(plain.expectedShare().canary).toBeCloseTo(0.1, 5)
  const abort = await canary(c.sim, { deployment: 'pin', action: 'abort' })
  expect(abort.outputs).toMatchObject({ result: 'aborted', weight: '0' })
  await Promise.all([pinned.refresh(), plain.refresh()])
  expect(pinned.expectedShare()).toMatchObject({ canary: 0, stable: 1 })
  expect(await imageOf(c.objects, 'default', 'pin')).toBe('registry.local/pin:1')
})
