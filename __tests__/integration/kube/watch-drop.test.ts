// A watch that the network drops mid-rollout: rollout status re-reads, watches again and still
// sees the rollout complete. The drop is a TCP proxy in front of the simulator that cuts every
// open connection on demand.

import type { AddressInfo } from 'node:net'
import { connect, createServer, type Server, type Socket } from 'node:net'
import { recordingLogger } from '@deploy-actions/kit'
import { createKubeApi, type KubeApi, loadKubeConfig, updateDeployment, waitForRollout } from '@deploy-actions/kube'
import { type KubeSimulator, startKubeSimulator } from '@deploy-actions/testbed'

let sim: KubeSimulator
let proxy: Server
const open = new Set<Socket>()
let api: KubeApi

beforeAll(async () => {
  sim = await startKubeSimulator({ podReadyDelayMs: 700, controllerTickMs: 20 })
  proxy = createServer((client) => {
    const upstream = connect(sim.port, '127.0.0.1')
    client.pipe(upstream).pipe(client)
    for (const s of [client, upstream]) {
      open.add(s)
      s.on('error', () => {})
      s.on('close', () => open.delete(s))
    }
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
  })
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r))
  const port = (proxy.address() as AddressInfo).port
  const kubeconfig = sim.kubeconfig.replace(sim.url, `http://127.0.0.1:${port}`)
  api = await createKubeApi((await loadKubeConfig({ kubeconfig })).kubeConfig)
})

afterAll(async () => {
  for (const s of open) s.destroy()
  await new Promise<void>((r) => proxy?.close(() => r()))
  await sim?.stop()
})

test('rollout status survives a dropped watch and reports the reconnect', async () => {
  const k8s = await import('@kubernetes/client-node')
  const { kubeConfig } = await loadKubeConfig({ kubeconfig: sim.kubeconfig })
  await kubeConfig.makeApiClient(k8s.AppsV1Api).createNamespacedDeployment({
    namespace: 'default',
    body: {
      metadata: { name: 'web' },
      spec: {
        replicas: 3,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'web:1' }] } },
      },
    },
  })
  await waitForRollout(api, { namespace: 'default', name: 'web', timeoutMs: 60_000, log: () => {} })
  await updateDeployment(api, 'default', 'web', (d) => {
    d.spec!.template.spec!.containers[0]!.image = 'web:2'
    return d
  })
  const log = recordingLogger()
  const waiting = waitForRollout(api, { namespace: 'default', name: 'web', timeoutMs: 60_000, log: log.info })
  // Cut the connections once the watch is open and the rollout is under way.
  for (let i = 0; i < 200 && !log.lines.some((l) => l.includes('new replicas have been updated')); i++) {
    await new Promise((r) => setTimeout(r, 10))
  }
  await new Promise((r) => setTimeout(r, 200))
  const cut = open.size
  for (const s of open) s.destroy()
  const result = await waiting
  expect(cut).toBeGreaterThan(0)
  expect(result.message).toBe('deployment "web" successfully rolled out')
  expect(result.reconnects).toBeGreaterThanOrEqual(1)
  expect(log.lines.some((l) => /^watch of deployment "web" rollout closed.*; reconnecting$/.test(l))).toBe(true)
  expect(result.deployment.spec?.template.spec?.containers[0]?.image).toBe('web:2')
})
