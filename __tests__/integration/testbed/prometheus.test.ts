// The testbed's real Prometheus: generated config, 1 s scrapes of loopback targets, targets
// added while running, PromQL answered by Prometheus itself, stopped by PID with its data gone.
import { existsSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type Prometheus, PromQLError, startPrometheus } from '@deploy-actions/testbed'

/** A loopback exporter whose counters grow by fixed steps every 100 ms: 5xx is a tenth of all requests. */
async function exporter(labels: string): Promise<{ url: string; server: Server; timer: NodeJS.Timeout }> {
  let ok = 0
  let errors = 0
  const timer = setInterval(() => {
    ok += 9
    errors += 1
  }, 100)
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' })
    res.end(
      [
        '# HELP http_requests_total Requests served.',
        '# TYPE http_requests_total counter',
        `http_requests_total{${labels},code="200"} ${ok}`,
        `http_requests_total{${labels},code="500"} ${errors}`,
        '',
      ].join('\n'),
    )
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`, server, timer }
}

let prom: Prometheus
const exporters: Awaited<ReturnType<typeof exporter>>[] = []

beforeAll(async () => {
  exporters.push(await exporter('version="canary"'))
  prom = await startPrometheus({ targets: [{ url: exporters[0]!.url, job: 'canary' }] })
})
afterAll(async () => {
  await prom?.stop()
  for (const e of exporters) {
    clearInterval(e.timer)
    e.server.close()
  }
})

test('a rate() ratio over scraped counters is a real ratio', async () => {
  await prom.waitForTargets()
  const query =
    'sum(rate(http_requests_total{version="canary",code=~"5.."}[5s])) / sum(rate(http_requests_total{version="canary"}[5s]))'
  let ratio: number | undefined
  for (let i = 0; i < 100 && (ratio === undefined || Number.isNaN(ratio)); i++) {
    ratio = await prom.queryValue(query)
    if (ratio === undefined || Number.isNaN(ratio)) await new Promise((r) => setTimeout(r, 200))
  }
  expect(ratio).toBeCloseTo(0.1, 2)
  const up = await prom.query('up')
  expect(up.map((s) => [s.metric.job, s.value])).toEqual([['canary', 1]])
})

test('a target added while running is scraped', async () => {
  exporters.push(await exporter('version="stable"'))
  await prom.addTarget({ url: exporters[1]!.url, job: 'stable', labels: { track: 'stable' } })
  await prom.waitForTargets()
  const up = await prom.query('up{job="stable"}')
  expect(up[0]?.metric).toMatchObject({ job: 'stable', track: 'stable' })
  await expect(prom.addTarget({ url: exporters[1]!.url, job: 'stable' })).rejects.toThrow(
    'job stable is already scraped',
  )
})

test('bad PromQL is a PromQLError with the parser message; an empty result is undefined', async () => {
  const error = await prom.query('sum(rate(http_requests_total[5s])').catch((e: unknown) => e)
  expect(error).toBeInstanceOf(PromQLError)
  expect(error).toMatchObject({ errorType: 'bad_data' })
  expect((error as Error).message).toContain('unclosed left parenthesis')
  expect(await prom.queryValue('http_requests_total{version="nope"}')).toBeUndefined()
  expect(await prom.queryValue('scalar(vector(0.25))')).toBe(0.25)
})

test('only loopback targets are accepted', async () => {
  await expect(startPrometheus({ targets: ['http://10.0.0.1:9100/metrics'] })).rejects.toThrow('only loopback targets')
})

test('stop ends the process by PID and removes the data dir', async () => {
  const other = await startPrometheus()
  expect(existsSync(other.dataDir)).toBe(true)
  await other.stop()
  expect(existsSync(other.dataDir)).toBe(false)
  expect(() => process.kill(other.pid, 0)).toThrow()
})
