// smoke-test over 200 local endpoints (one node:http server, 200 paths, 10–50 ms random delay per
// request), through the bundle as the runner runs it and through run() in-process, at
// concurrency 10 and 50. Prints wall times; asserts nothing. `node bench/smoke-test.bench.ts`
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { recordInputGetter, recordingLogger } from '@deploy-actions/kit'
import { removeDir, runBundle, tempDir } from '@deploy-actions/testbed'
import { parseInputs } from '../actions/smoke-test/src/inputs.ts'
import { run } from '../actions/smoke-test/src/main.ts'
import { httpProbe, writeReportFile } from '../actions/smoke-test/src/ports.ts'
import { newReport } from '../actions/smoke-test/src/report.ts'

/** In-process runs throw when a check failed, so a bad run stops the bench. */
const deps = () => ({ log: recordingLogger(), probe: httpProbe(), writeFile: writeReportFile })

const ENDPOINTS = 200
const REPEATS = 3
const MIN_DELAY = 10
const MAX_DELAY = 50

let requests = 0
const firstSeen = new Set<string>()
let flaky = false
const server = createServer((req, res) => {
  requests++
  const path = req.url ?? '/'
  const delay = MIN_DELAY + Math.random() * (MAX_DELAY - MIN_DELAY)
  setTimeout(() => {
    // In the flaky round every endpoint answers 503 once before it is healthy.
    if (flaky && !firstSeen.has(path)) {
      firstSeen.add(path)
      res.writeHead(503).end('warming up')
      return
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(`{"status":"UP","path":"${path}"}`)
  }, delay)
})
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
const urls = Array.from({ length: ENDPOINTS }, (_, i) => `${base}/svc/${i}/health`).join('\n')
const dir = tempDir('smoke-bench')

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const rows: string[][] = []

async function measure(label: string, concurrency: number, once: () => Promise<void>) {
  const times: number[] = []
  for (let i = 0; i < REPEATS; i++) {
    firstSeen.clear()
    requests = 0
    const t0 = performance.now()
    await once()
    times.push(performance.now() - t0)
  }
  const m = median(times)
  rows.push([
    label,
    String(concurrency),
    `${m.toFixed(0)} ms`,
    times.map((t) => t.toFixed(0)).join(' / '),
    String(requests),
  ])
  console.log(
    `${label.padEnd(34)} c=${String(concurrency).padEnd(3)} median ${m.toFixed(0).padStart(5)} ms  (${times.map((t) => t.toFixed(0)).join(', ')}; ${requests} requests)`,
  )
}

const inputsFor = (concurrency: number) =>
  parseInputs(
    recordInputGetter({ urls, concurrency, interval: '100ms', timeout: '2m', 'expect-body': '"status":"UP"' }),
    { RUNNER_TEMP: dir },
  )

try {
  console.log(
    `smoke-test bench: ${ENDPOINTS} endpoints, ${MIN_DELAY}-${MAX_DELAY} ms server delay each, ${REPEATS} runs per row`,
  )
  for (const concurrency of [10, 50]) {
    await measure('bundle (process start to exit)', concurrency, async () => {
      const r = await runBundle('smoke-test', {
        inputs: { urls, concurrency, interval: '100ms', timeout: '2m', 'expect-body': '"status":"UP"' },
        env: { RUNNER_TEMP: dir },
      })
      if (r.code !== 0 || r.outputs.passed !== String(ENDPOINTS))
        throw new Error(`bundle run failed:\n${r.stdout.slice(-2000)}`)
    })
  }
  for (const concurrency of [10, 50]) {
    await measure('run() in-process', concurrency, async () => {
      await run(inputsFor(concurrency), deps(), newReport(inputsFor(concurrency)))
    })
  }
  flaky = true
  for (const concurrency of [10, 50]) {
    await measure('run(), every endpoint 503 once', concurrency, async () => {
      await run(inputsFor(concurrency), { ...deps(), random: () => 0.5 }, newReport(inputsFor(concurrency)))
    })
  }
  console.log('\n| mode | concurrency | median wall | runs | requests |\n|---|---|---|---|---|')
  for (const r of rows) console.log(`| ${r.join(' | ')} |`)
} finally {
  server.closeAllConnections()
  server.close()
  removeDir(dir)
}
