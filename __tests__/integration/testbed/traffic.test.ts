// The traffic emulator against the Kubernetes simulator and a real Prometheus: the served share
// follows the live routing (ready pods behind a Service, HTTPRoute weights, the ALB forward
// action, an nginx canary Ingress, header pins), the image tag picks the behaviour, and PromQL
// over the scraped counters and histogram gives the error rate and latency a canary check reads.
import {
  type KubeSimulator,
  type Prometheus,
  startKubeSimulator,
  startPrometheus,
  startTrafficEmulator,
  type TrafficEmulator,
} from '@deploy-actions/testbed'
import * as k8s from '@kubernetes/client-node'
import { clients, eventually } from '../kube-sim/helpers.ts'

let sim: KubeSimulator
let prom: Prometheus
let c: ReturnType<typeof clients>
const emulators: TrafficEmulator[] = []

beforeAll(async () => {
  sim = await startKubeSimulator({ podReadyDelayMs: 50, controllerTickMs: 20 })
  c = clients(sim)
  prom = await startPrometheus()
})
afterAll(async () => {
  for (const e of emulators) await e.stop()
  await prom?.stop()
  await sim?.stop()
})

async function namespace(name: string): Promise<string> {
  await c.core.createNamespace({ body: { metadata: { name } } })
  return name
}

function deployment(name: string, image: string, replicas: number, labels: Record<string, string>): k8s.V1Deployment {
  return {
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'app', image, ports: [{ containerPort: 8080 }] }] },
      },
    },
  }
}

/** A stable and a canary Deployment (`track: canary`), a Service selecting `stableSelector`, and `web-canary` selecting the canary. */
async function app(
  ns: string,
  o: { stable: number; canary: number; canaryImage: string; stableSelector: Record<string, string> },
) {
  await c.apps.createNamespacedDeployment({
    namespace: ns,
    body: deployment('web', 'shop/web:v1', o.stable, { app: 'web', track: 'stable' }),
  })
  await c.apps.createNamespacedDeployment({
    namespace: ns,
    body: deployment('web-canary', `shop/web:${o.canaryImage}`, o.canary, { app: 'web', track: 'canary' }),
  })
  const svc = (name: string, selector: Record<string, string>) => ({
    metadata: { name },
    spec: { selector, ports: [{ port: 80, targetPort: 8080 }] },
  })
  await c.core.createNamespacedService({ namespace: ns, body: svc('web', o.stableSelector) })
  await c.core.createNamespacedService({ namespace: ns, body: svc('web-canary', { app: 'web', track: 'canary' }) })
  await readyPods(ns, o.stable + o.canary)
}

async function readyPods(ns: string, n: number): Promise<void> {
  await eventually(`${n} ready pods in ${ns}`, async () => {
    const pods = await c.core.listNamespacedPod({ namespace: ns })
    const ready = pods.items.filter(
      (p) =>
        !p.metadata?.deletionTimestamp && p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True'),
    )
    return ready.length === n && pods.items.length === n ? true : undefined
  })
}

async function emulator(options: Omit<Parameters<typeof startTrafficEmulator>[0], 'kube'>): Promise<TrafficEmulator> {
  const e = await startTrafficEmulator({ kube: sim, rps: 200, ...options })
  emulators.push(e)
  return e
}

/**
 * Waits until the emulator has read routing that gives `expected`, then measures the next 200
 * requests sent. Counted, not timed: on a loaded machine the emulator's timers run late and one
 * second can hold far fewer requests than its rate.
 */
async function servedAfter(e: TrafficEmulator, expected: number): Promise<number> {
  await eventually(`routing giving canary ${expected}`, async () => {
    await e.refresh()
    return Math.abs(e.expectedShare().canary - expected) < 1e-9 ? true : undefined
  })
  const from = Date.now()
  const share = await eventually(
    '200 requests sent under the new routing',
    async () => {
      const s = e.servedShare(Date.now() - from)
      return s.total >= 200 ? s : undefined
    },
    30_000,
  )
  return share.canaryShare
}

describe('replicas router (one Service over stable and canary pods)', () => {
  test('the served share is the canary share of ready pods, and follows a replicas change', async () => {
    const ns = await namespace('replicas')
    await app(ns, { stable: 3, canary: 1, canaryImage: 'v2', stableSelector: { app: 'web' } })
    const e = await emulator({ namespace: ns, service: 'web' })
    expect(await servedAfter(e, 0.25)).toBeCloseTo(0.25, 1)
    expect(e.routing()).toBe('service web')

    await c.apps.patchNamespacedDeployment({
      name: 'web-canary',
      namespace: ns,
      body: [{ op: 'replace', path: '/spec/replicas', value: 3 }],
    })
    await readyPods(ns, 6)
    expect(await servedAfter(e, 0.5)).toBeCloseTo(0.5, 1)
    const share = e.servedShare(1000)
    expect(share.byTag).toEqual({ v1: expect.any(Number), v2: expect.any(Number) })
    expect(share.errors).toBe(0)
  })
})

describe('gateway-api router', () => {
  let ns: string
  const routeBody = (canary: number) => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'web', namespace: ns },
    spec: {
      parentRefs: [{ name: 'gw' }],
      rules: [
        {
          matches: [{ headers: [{ name: 'X-Canary', value: 'always' }] }],
          backendRefs: [{ name: 'web-canary', port: 80 }],
        },
        {
          backendRefs: [
            { name: 'web', port: 80, weight: 100 - canary },
            { name: 'web-canary', port: 80, weight: canary },
          ],
        },
      ],
    },
  })
  const routes = () => c.kc.makeApiClient(k8s.CustomObjectsApi)

  test('the served share follows HTTPRoute weight changes 0 → 50 → 100; a header match pins the canary', async () => {
    ns = await namespace('gateway')
    await app(ns, { stable: 2, canary: 1, canaryImage: 'v2', stableSelector: { app: 'web', track: 'stable' } })
    const api = routes()
    const group = { group: 'gateway.networking.k8s.io', version: 'v1', namespace: ns, plural: 'httproutes' }
    await api.createNamespacedCustomObject({ ...group, body: routeBody(0) })
    const e = await emulator({ namespace: ns, httpRoute: 'web' })
    expect(await servedAfter(e, 0)).toBe(0)
    for (const w of [50, 100]) {
      await api.replaceNamespacedCustomObject({
        ...group,
        name: 'web',
        body: { ...routeBody(w), metadata: { name: 'web', namespace: ns } },
      })
      expect(await servedAfter(e, w / 100)).toBeCloseTo(w / 100, 1)
      expect(e.routing()).toBe(`httproute web rule 1: web=${100 - w} web-canary=${w}`)
    }
    const pinned = await emulator({ namespace: ns, httpRoute: 'web', headers: { 'x-canary': 'always' }, rps: 50 })
    expect(pinned.routing()).toBe('httproute web rule 0: web-canary=1')
    expect(pinned.expectedShare()).toEqual({ canary: 1, stable: 0, none: 0 })
  })
})

describe('ingress routers', () => {
  const ingress = (
    ns: string,
    name: string,
    service: string,
    port: Record<string, unknown>,
    annotations: Record<string, string>,
  ) => ({
    metadata: { name, namespace: ns, annotations },
    spec: {
      rules: [
        {
          host: 'shop.example.com',
          http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: service, port } } }] },
        },
      ],
    },
  })
  const action = (canary: number) =>
    JSON.stringify({
      type: 'forward',
      forwardConfig: {
        targetGroups: [
          { serviceName: 'web', servicePort: '80', weight: 100 - canary },
          { serviceName: 'web-canary', servicePort: '80', weight: canary },
        ],
      },
    })

  test('alb: the forward action annotation splits by target group weights', async () => {
    const ns = await namespace('alb')
    await app(ns, { stable: 2, canary: 1, canaryImage: 'v2', stableSelector: { app: 'web', track: 'stable' } })
    await c.networking.createNamespacedIngress({
      namespace: ns,
      body: ingress(
        ns,
        'web',
        'web',
        { name: 'use-annotation' },
        { 'alb.ingress.kubernetes.io/actions.web': action(10) },
      ),
    })
    const e = await emulator({ namespace: ns, ingress: 'web', host: 'shop.example.com' })
    expect(await servedAfter(e, 0.1)).toBeCloseTo(0.1, 1)
    await c.networking.patchNamespacedIngress({
      name: 'web',
      namespace: ns,
      body: [
        { op: 'replace', path: '/metadata/annotations/alb.ingress.kubernetes.io~1actions.web', value: action(50) },
      ],
    })
    expect(await servedAfter(e, 0.5)).toBeCloseTo(0.5, 1)
  })

  test('nginx: a canary Ingress splits by canary-weight; canary-by-header pins', async () => {
    const ns = await namespace('nginx')
    await app(ns, { stable: 2, canary: 1, canaryImage: 'v2', stableSelector: { app: 'web', track: 'stable' } })
    await c.networking.createNamespacedIngress({ namespace: ns, body: ingress(ns, 'web', 'web', { number: 80 }, {}) })
    const e = await emulator({ namespace: ns, ingress: 'web', host: 'shop.example.com' })
    expect(await servedAfter(e, 0)).toBe(0)
    await c.networking.createNamespacedIngress({
      namespace: ns,
      body: ingress(
        ns,
        'web-canary',
        'web-canary',
        { number: 80 },
        {
          'nginx.ingress.kubernetes.io/canary': 'true',
          'nginx.ingress.kubernetes.io/canary-weight': '25',
          'nginx.ingress.kubernetes.io/canary-by-header': 'X-Canary',
        },
      ),
    })
    expect(await servedAfter(e, 0.25)).toBeCloseTo(0.25, 1)
    const always = await emulator({ namespace: ns, ingress: 'web', headers: { 'X-Canary': 'always' }, rps: 50 })
    expect(always.expectedShare().canary).toBe(1)
    const never = await emulator({ namespace: ns, ingress: 'web', headers: { 'X-Canary': 'never' }, rps: 50 })
    expect(never.expectedShare().stable).toBe(1)
  })
})

describe('behaviour by image tag, through Prometheus', () => {
  test('-errors answers 5xx to 20% of canary requests and -slow adds 400 ms, as PromQL reads them', async () => {
    const ns = await namespace('metrics')
    await app(ns, { stable: 1, canary: 1, canaryImage: 'v2-errors', stableSelector: { app: 'web' } })
    await c.apps.createNamespacedDeployment({
      namespace: ns,
      body: deployment('slow', 'shop/web:v3-slow', 1, { app: 'web', track: 'slow' }),
    })
    await readyPods(ns, 3)
    const e = await emulator({ namespace: ns, service: 'web', rps: 150 })
    await prom.addTarget({ url: e.metricsUrl, job: 'emulator' })
    await prom.waitForTargets()
    const errorRate = (version: string) =>
      `sum(rate(http_requests_total{job="emulator",version="${version}",code=~"5.."}[5s])) / sum(rate(http_requests_total{job="emulator",version="${version}"}[5s]))`
    const canaryRate = await eventually(
      'a canary error rate over 5 s of scrapes',
      async () => {
        const v = await prom.queryValue(errorRate('canary'))
        const samples = await prom.queryValue('count_over_time(up{job="emulator"}[5s])')
        return v !== undefined && !Number.isNaN(v) && (samples ?? 0) >= 5 ? v : undefined
      },
      30_000,
    )
    expect(canaryRate).toBeCloseTo(0.2, 1)
    // Stable pods (v1 and the v3-slow one, both version "stable") never answer 5xx: the numerator has
    // no series, so the ratio is empty (no data, which a check must not read as a pass) unless the
    // query says `or vector(0)`.
    expect(await prom.queryValue(errorRate('stable'))).toBeUndefined()
    expect(
      await prom.queryValue(
        `(sum(rate(http_requests_total{job="emulator",version="stable",code=~"5.."}[5s])) or vector(0)) / sum(rate(http_requests_total{job="emulator",version="stable"}[5s]))`,
      ),
    ).toBe(0)
    const p90 = (tag: string) =>
      prom.queryValue(
        `histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket{job="emulator",image="${tag}"}[5s])))`,
      )
    expect(await p90('v3-slow')).toBeGreaterThan(0.4)
    // Latencies are wall time on a shared machine, so only what the 400 ms delay guarantees is
    // asserted: no slow request under 250 ms, and the slow version's mean ahead of v1's.
    expect(
      await prom.queryValue('sum(http_request_duration_seconds_bucket{job="emulator",image="v3-slow",le="0.25"})'),
    ).toBe(0)
    const mean = (tag: string) =>
      prom.queryValue(
        `sum(rate(http_request_duration_seconds_sum{job="emulator",image="${tag}"}[5s])) / sum(rate(http_request_duration_seconds_count{job="emulator",image="${tag}"}[5s]))`,
      )
    expect((await mean('v3-slow'))! - (await mean('v1'))!).toBeGreaterThan(0.3)
    const text = await (await fetch(e.metricsUrl)).text()
    expect(text).toContain('# TYPE http_requests_total counter')
    expect(text).toMatch(/http_requests_total\{version="canary",image="v2-errors",code="500"\} \d+/)
    expect(text).toMatch(/http_request_duration_seconds_bucket\{version="stable",image="v3-slow",le="0.5"\} \d+/)
  })

  test('a Service with no ready endpoints gets 503s from the load balancer, version "none"', async () => {
    const ns = await namespace('empty')
    await c.core.createNamespacedService({
      namespace: ns,
      body: { metadata: { name: 'web' }, spec: { selector: { app: 'nothing' }, ports: [{ port: 80 }] } },
    })
    const e = await emulator({ namespace: ns, service: 'web', rps: 50 })
    expect(e.expectedShare()).toEqual({ canary: 0, stable: 0, none: 1 })
    await new Promise((r) => setTimeout(r, 300))
    const share = e.servedShare(1000)
    expect(share.none).toBe(share.total)
    expect(share.errors).toBe(share.completed)
    expect(await (await fetch(e.metricsUrl)).text()).toMatch(
      /http_requests_total\{version="none",image="none",code="503"\} \d+/,
    )
  })
})
