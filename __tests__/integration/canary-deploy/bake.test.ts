// Bake: after promotion the same checks keep running against the stable; a failure rolls the
// Deployment back to the previous revision and fails the job with the reason.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type Cluster, canary, errorLine, imageOf, stableApp, startCluster } from './helpers.ts'

let c: Cluster
let server: Server
let requests = 0
let failAfter = Number.POSITIVE_INFINITY
beforeAll(async () => {
  c = await startCluster()
  server = createServer((_req, res) => {
    requests++
    res.writeHead(requests > failAfter ? 503 : 200).end(requests > failAfter ? 'down' : 'ok')
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
})
afterAll(async () => {
  server?.close()
  await c?.sim.stop()
})

const metrics = () =>
  `- name: health\n  provider: http\n  url: http://127.0.0.1:${(server.address() as AddressInfo).port}/health\n`

it('a clean bake keeps the promotion', async () => {
  await stableApp(c.objects, 'default', 'ledger', 2)
  requests = 0
  failAfter = Number.POSITIVE_INFINITY
  const run = await canary(c.sim, {
    deployment: 'ledger',
    image: 'registry.local/ledger:2',
    steps: '50,100',
    bake: '1s',
    metrics: metrics(),
  })
  expect(errorLine(run)).toBe('')
  expect(run.outputs.result).toBe('promoted')
  expect(run.summary).toMatch(/\| bake \| {2}\| {2}\| passed 1.0s \|/)
  expect(await imageOf(c.objects, 'default', 'ledger')).toBe('registry.local/ledger:2')
})

it('a failure during bake rolls the stable back to the previous revision', async () => {
  await stableApp(c.objects, 'default', 'invoice', 2)
  requests = 0
  failAfter = 2 // the two measurements of the 50% step pass; the bake's first fails
  const run = await canary(c.sim, {
    deployment: 'invoice',
    image: 'registry.local/invoice:2',
    steps: '50,100',
    bake: '2s',
    metrics: metrics(),
  })
  expect(run.code).toBe(1)
  expect(run.outputs.result).toBe('aborted')
  expect(run.outputs.reason).toMatch(/^bake: check health: HTTP 503/)
  expect(errorLine(run)).toMatch(/invoice rolled back \(rolled back\) to registry.local\/invoice:1/)
  expect(await imageOf(c.objects, 'default', 'invoice')).toBe('registry.local/invoice:1')
})
