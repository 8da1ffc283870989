// The canary controller's own cost, on the simulator run as its own process (as an API server
// would be), through the bundle as the runner runs it. Asserts nothing.
// 1. Orchestration overhead per step beyond the configured waits: `steps: 10` against
//    `steps: 10,20,30,40,50` (both end paused, gateway-api router, step-duration 1s): the
//    difference per extra step, minus the 1 s hold. Beside it, the same step done by hand with
//    kubectl (patch the HTTPRoute weights, read the route and the Endpoints back).
// 2. Time from a failing check to weight 0: an http check against a local server that starts
//    answering 500 while step 2 (50%) runs; the HTTPRoute is read every 20 ms from here, and the
//    time from the flip to the canary's weight reading 0 is printed, per analysis-interval.
// `node bench/canary-overhead.bench.ts` (needs dist/canary-deploy and kubectl)
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { createObjectsApi, type KubeObject, loadKubeConfig, type ObjectsApi } from '@deploy-actions/kube'
import {
  freePort,
  httpOk,
  REPO_ROOT,
  removeDir,
  requireBinary,
  runBundle,
  startService,
  tempDir,
} from '@deploy-actions/testbed'

const RUNS = Number(process.env.BENCH_RUNS ?? 3)
const kubectl = requireBinary('kubectl', 'apt-get install kubectl')
const dir = tempDir('canary-bench')
const kubeconfigPath = join(dir, 'kubeconfig')
let sim = undefined as unknown as Awaited<ReturnType<typeof startService>>
let kubeconfig = ''
let objects: ObjectsApi
/** A fresh simulator process per part, so one part's load does not linger into the next. */
async function startSim(): Promise<void> {
  const port = await freePort()
  sim = await startService({
    name: 'kube simulator',
    command: process.execPath,
    args: [
      join(REPO_ROOT, 'packages/testbed/src/cli.ts'),
      'kube',
      '--port',
      String(port),
      '--kubeconfig',
      kubeconfigPath,
      '--pod-ready-delay',
      '150',
      '--tick',
      '25',
    ],
    ready: () => httpOk(`http://127.0.0.1:${port}/version`, (s) => s < 500),
  })
  kubeconfig = readFileSync(kubeconfigPath, 'utf8')
  objects = await createObjectsApi((await loadKubeConfig({ kubeconfig })).kubeConfig)
}
await startSim()

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const fmt = (ms: number) => `${Math.round(ms)} ms`
const routeRef = (name: string) => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  name,
  namespace: 'default',
})
type Route = KubeObject & { spec: { rules: Array<{ backendRefs?: Array<{ name: string; weight?: number }> }> } }

async function app(name: string): Promise<void> {
  const labels = { app: name }
  await objects.create({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas: 4,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: `registry.local/${name}:1` }] } },
    },
  })
  await objects.create({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default' },
    spec: { selector: labels, ports: [{ port: 80 }] },
  })
  await objects.create({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name, namespace: 'default' },
    spec: { parentRefs: [{ name: 'public' }], rules: [{ backendRefs: [{ name, port: 80 }] }] },
  })
}

async function canaryWeight(name: string): Promise<number | undefined> {
  const route = await objects.find<Route>(routeRef(name))
  return route?.spec.rules.flatMap((r) => r.backendRefs ?? []).find((b) => b.name === `${name}-canary`)?.weight
}

let n = 0
async function deployPaused(steps: string): Promise<number> {
  const name = `ovh${++n}`
  await app(name)
  const started = performance.now()
  const run = await runBundle('canary-deploy', {
    inputs: {
      kubeconfig,
      deployment: name,
      image: `registry.local/${name}:2`,
      'traffic-router': 'gateway-api',
      'http-route': name,
      steps,
      'step-duration': '1s',
      'analysis-interval': '500ms',
    },
  })
  const wall = performance.now() - started
  if (run.outputs.result !== 'paused')
    throw new Error(`${name}: ${run.outputs.result} ${run.outputs.reason}\n${run.stdout}`)
  return wall
}

function kubectlRun(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(kubectl, ['--kubeconfig', kubeconfigPath, ...args], { stdio: 'ignore' })
    child.on('error', reject)
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`kubectl ${args.join(' ')} exited ${code}`)),
    )
  })
}

// 1. overhead per step
const PART = process.env.BENCH_PART ?? 'all'
if (PART !== 'fail') {
  const one: number[] = []
  const five: number[] = []
  for (let i = 0; i < RUNS; i++) {
    one.push(await deployPaused('10'))
    five.push(await deployPaused('10,20,30,40,50'))
  }
  const perStep = (median(five) - median(one)) / 4 - 1000
  const byHand: number[] = []
  await app('byhand')
  for (let i = 0; i < RUNS; i++) {
    for (const w of [20, 30, 40, 50]) {
      const started = performance.now()
      const patch = JSON.stringify([
        {
          op: 'replace',
          path: '/spec/rules/0/backendRefs',
          value: [
            { name: 'byhand', port: 80, weight: 100 - w },
            { name: 'byhand-canary', port: 80, weight: w },
          ],
        },
      ])
      await kubectlRun(['patch', 'httproute', 'byhand', '--type=json', '-p', patch])
      await kubectlRun(['get', 'httproute', 'byhand', '-o', 'json'])
      await kubectlRun(['get', 'endpoints', 'byhand', '-o', 'json'])
      byHand.push(performance.now() - started)
    }
  }
  console.log(
    'orchestration overhead per step beyond the configured waits (gateway-api, 4 pods, step-duration 1s, analysis every 500ms)',
  )
  console.log(`  bundle, steps 10:             median ${fmt(median(one))} wall (${one.map(fmt).join(', ')})`)
  console.log(`  bundle, steps 10,20,30,40,50: median ${fmt(median(five))} wall (${five.map(fmt).join(', ')})`)
  console.log(
    `  => per extra step: ${fmt(perStep)} beyond the 1 s hold (size canary, wait Ready, write + read back weight, state annotation, 2 analysis rounds)`,
  )
  console.log(
    `  by hand, kubectl patch + get route + get endpoints per step: median ${fmt(median(byHand))} (no readiness wait, no analysis, no state)`,
  )
}

await sim.stop()
await startSim()

// 2. failing check → weight 0
let failing = false
const server = createServer((_req, res) => res.writeHead(failing ? 500 : 200).end(failing ? 'broken' : 'ok'))
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
const checkUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`
console.log(
  '\ntime from a failing check to weight 0 (http check starts answering 500 during the 50% step; HTTPRoute read every 20 ms)',
)
for (const interval of (process.env.BENCH_INTERVALS ?? '500ms,2s').split(',')) {
  const times: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const name = `fail${++n}`
    await app(name)
    failing = false
    let flippedAt = 0
    let zeroAt = 0
    const watcher = setInterval(async () => {
      const w = await canaryWeight(name).catch(() => undefined)
      if (!flippedAt && w === 50) {
        flippedAt = performance.now()
        failing = true
      } else if (flippedAt && !zeroAt && (w === 0 || w === undefined)) zeroAt = performance.now()
    }, 20)
    const run = await runBundle('canary-deploy', {
      inputs: {
        kubeconfig,
        deployment: name,
        image: `registry.local/${name}:2`,
        'traffic-router': 'gateway-api',
        'http-route': name,
        steps: '10,50,100',
        'step-duration': '30s',
        'analysis-interval': interval,
        metrics: `- name: health\n  provider: http\n  url: ${checkUrl}\n`,
      },
      timeoutMs: 300_000,
    })
    clearInterval(watcher)
    if (run.outputs.result !== 'aborted' || !flippedAt || !zeroAt)
      throw new Error(
        `${name}: ${run.outputs.result} ${run.outputs.reason} (flipped ${Boolean(flippedAt)}, zero ${Boolean(zeroAt)}, exit ${run.code})\n${run.stdout.slice(-3000)}\n${run.stderr.slice(-2000)}`,
      )
    times.push(zeroAt - flippedAt)
    if (process.env.BENCH_DEBUG && zeroAt - flippedAt > 5000) console.log(run.stdout)
  }
  console.log(
    `  analysis-interval ${interval}: median ${fmt(median(times))} (${times.map(fmt).join(', ')}); the detection wait is at most one interval, the rest is the abort`,
  )
}
server.close()
await sim.stop()
removeDir(dir)
