// Metric analysis with real parts: the traffic emulator sends load through the stable Service
// (replicas router) to per-version backends whose behaviour follows the image tag, a real
// Prometheus scrapes them, and the bundle's checks run real PromQL.
import { type Prometheus, startPrometheus, startTrafficEmulator, type TrafficEmulator } from '@deploy-actions/testbed'
import { type Cluster, canary, deploymentRef, errorLine, imageOf, stableApp, startCluster } from './helpers.ts'

let c: Cluster
let prometheus: Prometheus
const emulators: TrafficEmulator[] = []

beforeAll(async () => {
  c = await startCluster()
  prometheus = await startPrometheus()
})
afterAll(async () => {
  for (const e of emulators) await e.stop()
  await prometheus?.stop()
  await c?.sim.stop()
})

async function appWithTraffic(name: string): Promise<void> {
  await stableApp(c.objects, 'default', name, 2)
  const emulator = await startTrafficEmulator({ kube: { url: c.sim.url }, service: name, rps: 100, refreshMs: 100 })
  emulators.push(emulator)
  await prometheus.addTarget({ url: emulator.metricsUrl, job: name, labels: { app: name } })
}

// The canary's series appear only once it serves: early measurements have no data, which is
// inconclusive here (not a failure), and each step needs two measurements with data.
const errorRate = (app: string) => `
- name: error-rate
  provider: prometheus
  query: (sum(rate(http_requests_total{job="${app}",version="canary",code=~"5.."}[4s])) or vector(0)) / sum(rate(http_requests_total{job="${app}",version="canary"}[4s]))
  max: 0.05
  on-no-data: inconclusive
  min-samples: 2
`
const latency = (app: string) => `
- name: p90-latency
  provider: prometheus
  query: histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket{job="${app}",version="canary"}[4s])))
  max: 0.3
  on-no-data: inconclusive
  min-samples: 2
`
const inputs = (app: string, image: string, metrics: string) => ({
  deployment: app,
  image: `registry.local/${app}:${image}`,
  steps: '50,100',
  'step-duration': '8s',
  'analysis-interval': '1s',
  metrics,
  'prometheus-url': prometheus.url,
})

it('a good canary passes the error-rate check and is promoted', async () => {
  await appWithTraffic('orders')
  const run = await canary(c.sim, inputs('orders', '2', errorRate('orders')))
  expect(errorLine(run)).toBe('')
  expect(run.outputs.result).toBe('promoted')
  expect(run.summary).toMatch(/✅ error-rate: 0 \(≤ 0.05\)/)
  expect(await imageOf(c.objects, 'default', 'orders')).toBe('registry.local/orders:2')
})

it('an -errors canary fails the same check: weight 0, canary removed, reason with the values', async () => {
  await appWithTraffic('payments')
  const run = await canary(c.sim, inputs('payments', '2-errors', errorRate('payments')))
  expect(run.code).toBe(1)
  expect(run.outputs.result).toBe('aborted')
  expect(run.outputs.weight).toBe('0')
  expect(run.outputs.reason).toMatch(/check error-rate: 0\.\d+ > max 0.05; query: \(sum\(rate\(http_requests_total/)
  expect(await imageOf(c.objects, 'default', 'payments')).toBe('registry.local/payments:1')
  expect(await c.objects.find(deploymentRef('default', 'payments-canary'))).toBeUndefined()
})

it('a -slow canary fails a latency check', async () => {
  await appWithTraffic('catalog')
  const run = await canary(c.sim, inputs('catalog', '2-slow', latency('catalog')))
  expect(run.code).toBe(1)
  expect(run.outputs.reason).toMatch(/check p90-latency: \d+(\.\d+)? > max 0.3/)
  expect(await imageOf(c.objects, 'default', 'catalog')).toBe('registry.local/catalog:1')
})

it('a check with no data fails with "no data", not a pass', async () => {
  await appWithTraffic('billing')
  const metrics = `
- name: missing-metric
  provider: prometheus
  query: sum(rate(no_such_metric_total{version="canary"}[1m]))
  max: 1
`
  const run = await canary(c.sim, { ...inputs('billing', '2', metrics), 'step-duration': '2s' })
  expect(run.code).toBe(1)
  expect(run.outputs.result).toBe('aborted')
  expect(run.outputs.reason).toMatch(/check missing-metric: no data \(empty result\)/)
})
