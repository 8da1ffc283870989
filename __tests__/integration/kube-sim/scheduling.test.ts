// Scheduling against capacity (issue item 6): requests of pods already bound count against the
// node's allocatable (2 cpu, 8Gi), so a surge pod that does not fit stays Pending with the
// scheduler's FailedScheduling message; QoS classes computed from requests and limits.
import { type KubeSimulator, requireBinary, startKubeSimulator } from '@deploy-actions/testbed'
import { clients, eventually, kubectlRunner } from './helpers.ts'

let sim: KubeSimulator
let kubectl: ReturnType<typeof kubectlRunner>
let c: ReturnType<typeof clients>
const namespace = 'default'
const INSUFFICIENT_CPU =
  '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.'

beforeAll(async () => {
  const bin = requireBinary('kubectl', 'apt-get install kubernetes-client')
  sim = await startKubeSimulator({ podReadyDelayMs: 50, controllerTickMs: 20 })
  kubectl = kubectlRunner(sim, bin)
  c = clients(sim)
})
afterAll(async () => {
  await sim?.stop()
})

async function noPods(): Promise<void> {
  await eventually('every pod gone', async () => {
    const pods = await c.core.listNamespacedPod({ namespace })
    return pods.items.length === 0 ? true : undefined
  })
}

describe('through kubectl', () => {
  test('a surge pod that does not fit stays Pending and the rollout waits; room made, it goes on', async () => {
    await kubectl.ok(
      ['apply', '-f', '-'],
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: big}
spec:
  replicas: 2
  strategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}
  selector: {matchLabels: {app: big}}
  template:
    metadata: {labels: {app: big}}
    spec:
      containers:
      - {name: app, image: "big:1", resources: {requests: {cpu: 800m}}}
`,
    )
    await kubectl.ok(['rollout', 'status', 'deployment/big', '--timeout=30s'])
    await kubectl.ok(['set', 'image', 'deployment/big', 'app=big:2'])
    const pending = await eventually('a Pending surge pod', async () => {
      const out = await kubectl.ok([
        'get',
        'pods',
        '-l',
        'app=big',
        '--field-selector',
        'status.phase=Pending',
        '-o',
        'name',
      ])
      return out.trim() || undefined
    })
    const events = await eventually('FailedScheduling', async () => {
      const out = await kubectl.ok([
        'get',
        'events',
        '--field-selector',
        'reason=FailedScheduling',
        '-o',
        'custom-columns=M:.message',
        '--no-headers',
      ])
      return out.trim() || undefined
    })
    expect(events).toContain(INSUFFICIENT_CPU)
    expect(await kubectl.ok(['get', pending, '-o', 'jsonpath={.status.conditions[0].reason}'])).toBe('Unschedulable')
    const stuck = await kubectl.run(['rollout', 'status', 'deployment/big', '--timeout=1s'])
    expect(stuck.code).not.toBe(0)
    // Scaling down frees 800m: the pending pod is scheduled on the scheduler's next try.
    await kubectl.ok(['scale', 'deployment/big', '--replicas=1'])
    await kubectl.ok(['rollout', 'status', 'deployment/big', '--timeout=30s'])
    await kubectl.ok(['delete', 'deployment', 'big'])
    await noPods()
  })

  test('limits alone default the requests and make the pod Guaranteed', async () => {
    await kubectl.ok([
      'run',
      'limited',
      '--image=app:1',
      '--overrides={"spec":{"containers":[{"name":"limited","image":"app:1","resources":{"limits":{"cpu":"500m","memory":"256Mi"}}}]}}',
    ])
    const pod = JSON.parse(await kubectl.ok(['get', 'pod', 'limited', '-o', 'json']))
    expect(pod.spec.containers[0].resources.requests).toEqual({ cpu: '500m', memory: '256Mi' })
    expect(pod.status.qosClass).toBe('Guaranteed')
    expect(await kubectl.ok(['describe', 'pod', 'limited'])).toMatch(/QoS Class:\s+Guaranteed/)
    await kubectl.ok(['delete', 'pod', 'limited', '--grace-period=0', '--force'])
    await noPods()
  })
})

describe('through client-node', () => {
  test('bound pods use up the node: the third 800m pod waits until one goes', async () => {
    for (const name of ['one', 'two', 'three']) {
      await c.core.createNamespacedPod({
        namespace,
        body: {
          metadata: { name },
          spec: {
            containers: [{ name: 'app', image: 'app:1', resources: { requests: { cpu: '800m', memory: '64Mi' } } }],
          },
        },
      })
    }
    const three = await eventually('three unschedulable', async () => {
      const p = await c.core.readNamespacedPod({ name: 'three', namespace })
      const cond = p.status?.conditions?.find((x) => x.type === 'PodScheduled')
      return cond?.reason === 'Unschedulable' ? { p, cond } : undefined
    })
    expect(three.cond.message).toBe(INSUFFICIENT_CPU)
    expect(three.p.spec?.nodeName).toBeUndefined()
    expect(three.p.status?.qosClass).toBe('Burstable')
    await c.core.deleteNamespacedPod({ name: 'one', namespace })
    await eventually('three scheduled', async () => {
      const p = await c.core.readNamespacedPod({ name: 'three', namespace })
      return p.spec?.nodeName
    })
  })

  test('QoS classes: BestEffort without resources, Burstable with requests below limits', async () => {
    await c.core.createNamespacedPod({
      namespace,
      body: { metadata: { name: 'besteffort' }, spec: { containers: [{ name: 'app', image: 'app:1' }] } },
    })
    await c.core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'burstable' },
        spec: {
          containers: [
            { name: 'app', image: 'app:1', resources: { requests: { memory: '64Mi' }, limits: { memory: '128Mi' } } },
          ],
        },
      },
    })
    expect((await c.core.readNamespacedPod({ name: 'besteffort', namespace })).status?.qosClass).toBe('BestEffort')
    expect((await c.core.readNamespacedPod({ name: 'burstable', namespace })).status?.qosClass).toBe('Burstable')
  })
})
