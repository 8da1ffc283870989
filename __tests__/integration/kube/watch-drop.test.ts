// The watch under `rollout status` when the network and the API server misbehave mid-rollout:
// connections cut, the API server unreachable for a while, a 410 Gone on resuming, the
// Deployment deleted, the wait cancelled. The client talks to the simulator through a TCP proxy
// that can cut every open connection, refuse new ones, answer the next watch with the 410 ERROR
// event an API server sends when the resourceVersion was compacted away, and records the
// requests it passes. Each rollout is held mid-way deterministically: the new image cannot be
// pulled, so the new ReplicaSet's first pod never becomes ready ("1 out of 3 new replicas have
// been updated"); a fixed image, written around the proxy, lets it finish.

import type { AddressInfo } from 'node:net'
import { connect, createServer, type Server, type Socket } from 'node:net'
import { recordingLogger } from '@deploy-actions/kit'
import {
  createKubeApi,
  type KubeApi,
  loadKubeConfig,
  RolloutFailedError,
  updateDeployment,
  waitForRollout,
} from '@deploy-actions/kube'
import { type KubeSimulator, startKubeSimulator } from '@deploy-actions/testbed'

const NS = 'default'
let sim: KubeSimulator
let direct: KubeApi // straight to the simulator: the writes that happen while the proxy is down
let proxied: KubeApi // through the proxy: the waits under test
let proxy: Server
const sockets = new Set<Socket>()
/** Client sockets whose current request is a watch, with the Deployment name it watches. */
const watching = new Map<Socket, string>()
const requests: URL[] = []
let refusing = false
let goneNext = false

beforeAll(async () => {
  sim = await startKubeSimulator({ podReadyDelayMs: 100, controllerTickMs: 20 })
  proxy = createServer((client) => {
    if (refusing) {
      client.destroy()
      return
    }
    const upstream = connect(sim.port, '127.0.0.1')
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.on('error', () => {})
      s.on('close', () => {
        sockets.delete(s)
        watching.delete(s)
      })
    }
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
    upstream.pipe(client)
    client.on('data', (chunk: Buffer) => {
      // A request head arrives in one chunk; a body (PUT) never starts with "GET ".
      const line = /^GET (\S+) HTTP\/1\.1\r\n/.exec(chunk.toString('latin1', 0, Math.min(chunk.length, 4096)))
      if (line) {
        const url = new URL(line[1]!, 'http://proxy')
        requests.push(url)
        const name = url.searchParams.get('fieldSelector')?.replace(/^metadata\.name=/, '')
        if (url.searchParams.get('watch') === 'true' && name) {
          watching.set(client, name)
          if (goneNext) {
            goneNext = false
            upstream.destroy()
            answerGone(client, url.searchParams.get('resourceVersion') ?? '0')
            return
          }
        } else watching.delete(client)
      }
      upstream.write(chunk)
    })
  })
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r))
  const port = (proxy.address() as AddressInfo).port
  direct = await createKubeApi((await loadKubeConfig({ kubeconfig: sim.kubeconfig })).kubeConfig)
  const kubeconfig = sim.kubeconfig.replace(sim.url, `http://127.0.0.1:${port}`)
  proxied = await createKubeApi((await loadKubeConfig({ kubeconfig })).kubeConfig)
})

afterAll(async () => {
  for (const s of sockets) s.destroy()
  await new Promise<void>((r) => proxy?.close(() => r()))
  await sim?.stop()
})

/** What an API server answers a watch from a compacted resourceVersion: the ERROR event, then the end. */
function answerGone(client: Socket, rv: string) {
  const frame = `${JSON.stringify({
    type: 'ERROR',
    object: {
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      message: `too old resource version: ${rv} (${Number(rv) + 1})`,
      reason: 'Expired',
      code: 410,
    },
  })}\n`
  client.end(
    'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n' +
      `${Buffer.byteLength(frame).toString(16)}\r\n${frame}\r\n0\r\n\r\n`,
  )
}

function cutAll() {
  const cut = sockets.size
  for (const s of sockets) s.destroy()
  return cut
}

const listsOf = (name: string) =>
  requests.filter(
    (u) => u.searchParams.get('fieldSelector') === `metadata.name=${name}` && u.searchParams.get('watch') !== 'true',
  ).length
const openWatches = (name: string) => [...watching.values()].filter((n) => n === name).length

async function until(condition: () => boolean, what: string) {
  for (let i = 0; i < 1200 && !condition(); i++) await new Promise((r) => setTimeout(r, 25))
  if (!condition()) throw new Error(`gave up waiting for ${what}`)
}

const setImage = (name: string, image: string) =>
  updateDeployment(direct, NS, name, (d) => {
    d.spec!.template.spec!.containers[0]!.image = image
    return d
  })

/** A 3-replica Deployment rolled out at web:1, then set to an image that cannot be pulled. */
async function stuckRollout(name: string) {
  const k8s = await import('@kubernetes/client-node')
  const { kubeConfig } = await loadKubeConfig({ kubeconfig: sim.kubeconfig })
  await kubeConfig.makeApiClient(k8s.AppsV1Api).createNamespacedDeployment({
    namespace: NS,
    body: {
      metadata: { name },
      spec: {
        replicas: 3,
        progressDeadlineSeconds: 100_000, // never reached in these tests, whatever the simulator's time scale
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        selector: { matchLabels: { app: name } },
        template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'web:1' }] } },
      },
    },
  })
  await waitForRollout(direct, { namespace: NS, name, timeoutMs: 60_000, log: () => {} })
  await setImage(name, 'web:2-missing')
}

/** Starts the wait through the proxy; resolves once it is held mid-rollout with its watch open. */
async function waitThroughProxy(name: string, signal?: AbortSignal) {
  const log = recordingLogger()
  const waiting = waitForRollout(proxied, { namespace: NS, name, timeoutMs: 90_000, log: log.info, signal })
  waiting.catch(() => {}) // awaited by the test
  const stuckLine = `Waiting for deployment "${name}" rollout to finish: 1 out of 3 new replicas have been updated...`
  await until(() => log.lines.includes(stuckLine) && openWatches(name) > 0, 'the rollout held with its watch open')
  return { log, waiting }
}

const closedLines = (lines: string[], name: string) =>
  lines.filter((l) => l.startsWith(`watch of deployment "${name}" rollout closed (`) && l.endsWith('; reconnecting'))

test('a watch cut mid-rollout, with the API server unreachable for a while, resumes where it was and sees what changed meanwhile', async () => {
  await stuckRollout('cut')
  const { log, waiting } = await waitThroughProxy('cut')
  refusing = true
  expect(cutAll()).toBeGreaterThan(0)
  await until(() => closedLines(log.lines, 'cut').length >= 2, 'two failed reconnects')
  await setImage('cut', 'web:3') // while the wait cannot reach the API server
  refusing = false
  const result = await waiting
  expect(result.message).toBe('deployment "cut" successfully rolled out')
  expect(result.deployment.spec?.template.spec?.containers[0]?.image).toBe('web:3')
  expect(result.reconnects).toBeGreaterThanOrEqual(2)
  // Resumed from the last resourceVersion (the simulator still had the events): one list only.
  expect(listsOf('cut')).toBe(1)
  expect(log.lines.at(-1)).toBe('deployment "cut" successfully rolled out')
})

test('a 410 Gone on resuming after a cut relists and watches on from the new list', async () => {
  await stuckRollout('gone')
  const { log, waiting } = await waitThroughProxy('gone')
  goneNext = true
  cutAll()
  await until(
    () => closedLines(log.lines, 'gone').some((l) => l.includes('(410 Expired: too old resource version: ')),
    'the 410',
  )
  await until(() => listsOf('gone') === 2 && openWatches('gone') > 0, 'the relist and a new watch')
  await setImage('gone', 'web:3')
  const result = await waiting
  expect(result.message).toBe('deployment "gone" successfully rolled out')
  expect(result.deployment.spec?.template.spec?.containers[0]?.image).toBe('web:3')
  expect(result.reconnects).toBeGreaterThanOrEqual(2) // after the cut, and after the 410
  expect(listsOf('gone')).toBe(2)
})

test('a Deployment deleted mid-rollout ends the wait as kubectl does', async () => {
  await stuckRollout('deleted')
  const { waiting } = await waitThroughProxy('deleted')
  const k8s = await import('@kubernetes/client-node')
  const { kubeConfig } = await loadKubeConfig({ kubeconfig: sim.kubeconfig })
  await kubeConfig.makeApiClient(k8s.AppsV1Api).deleteNamespacedDeployment({ namespace: NS, name: 'deleted' })
  const error = await waiting.catch((e) => e)
  expect(error).toBeInstanceOf(RolloutFailedError)
  expect(error).toMatchObject({ reason: 'Deleted', message: 'object has been deleted' })
})

test('a cancelled wait stops with the signal reason and closes its watch', async () => {
  await stuckRollout('cancelled')
  const controller = new AbortController()
  const { waiting } = await waitThroughProxy('cancelled', controller.signal)
  controller.abort(new Error('the job was cancelled'))
  await expect(waiting).rejects.toThrow('the job was cancelled')
  await until(() => openWatches('cancelled') === 0, 'the watch to close')
})
