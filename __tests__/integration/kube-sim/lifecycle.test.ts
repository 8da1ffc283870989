// The simulator's own lifecycle: stop() leaves nothing behind (its kubeconfig's temp dir
// included), and without a timeScale every duration runs on the one default clock, so the
// durations a Deployment declares keep their proportion to the kubelet's back-off.
import { existsSync } from 'node:fs'
import { dirname } from 'node:path'
import { DEFAULT_TIME_SCALE, type KubeSimulator, requireBinary, startKubeSimulator } from '@deploy-actions/testbed'
import { clients, deploymentBody, eventually, kubectlRunner } from './helpers.ts'

test('stop() removes the kubeconfig and its temp dir, and may be called twice', async () => {
  const sim = await startKubeSimulator({ podReadyDelayMs: 50, controllerTickMs: 20 })
  const dir = dirname(sim.kubeconfigPath)
  expect(existsSync(sim.kubeconfigPath)).toBe(true)
  await sim.stop()
  expect(existsSync(dir)).toBe(false)
  await sim.stop()
})

test('a timeScale that is not a positive number is refused', async () => {
  await expect(startKubeSimulator({ timeScale: 0 })).rejects.toThrow('timeScale must be a positive number, got 0')
  await expect(startKubeSimulator({ timeScale: Number.NaN })).rejects.toThrow('timeScale must be a positive number')
})

describe('without a timeScale', () => {
  let sim: KubeSimulator
  let c: ReturnType<typeof clients>
  let kubectl: ReturnType<typeof kubectlRunner>

  beforeAll(async () => {
    sim = await startKubeSimulator({ podReadyDelayMs: 50, controllerTickMs: 20 })
    c = clients(sim)
    kubectl = kubectlRunner(sim, requireBinary('kubectl', 'apt-get install kubernetes-client'))
  })
  afterAll(async () => {
    await sim?.stop()
  })

  test('the default is the small test clock, documented as such', () => {
    expect(DEFAULT_TIME_SCALE).toBe(0.01)
  })

  test('kubectl: progressDeadlineSeconds runs on the same clock as the kubelet (200 s of cluster time)', async () => {
    await c.apps.createNamespacedDeployment({
      namespace: 'default',
      body: deploymentBody('late', 'late:1-crashloop', 1, { progressDeadlineSeconds: 200 }),
    })
    // On the old wall-clock reading this would take 200 real seconds; at 0.01 it is 2.
    const r = await kubectl.run(['rollout', 'status', 'deployment/late', '--timeout=60s'])
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain('error: deployment "late" exceeded its progress deadline')
  }, 90_000)

  test('client-node: minReadySeconds runs on the same clock (500 s of cluster time)', async () => {
    await c.apps.createNamespacedDeployment({
      namespace: 'default',
      body: deploymentBody('steady', 'steady:1', 1, { minReadySeconds: 500 }),
    })
    const ready = await eventually('the pod ready but not yet available', async () => {
      const d = await c.apps.readNamespacedDeployment({ name: 'steady', namespace: 'default' })
      return d.status?.readyReplicas === 1 ? d : undefined
    })
    expect(ready.status?.availableReplicas ?? 0).toBe(0)
    const available = await eventually(
      'available after minReadySeconds',
      async () => {
        const d = await c.apps.readNamespacedDeployment({ name: 'steady', namespace: 'default' })
        return d.status?.availableReplicas === 1 ? d : undefined
      },
      60_000,
    )
    expect(available.status?.conditions?.find((x) => x.type === 'Available')?.status).toBe('True')
  }, 90_000)
})
