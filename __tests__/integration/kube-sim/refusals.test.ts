// Honest refusals (issue item 9): what the simulator cannot do says so; logs of a container that
// never started fail as a kubelet refuses them; kubectl create ingress (protobuf) works;
// evictions honour PodDisruptionBudgets.
import { type KubeSimulator, requireBinary, startKubeSimulator } from '@deploy-actions/testbed'
import * as k8s from '@kubernetes/client-node'
import { clients, eventually, kubectlRunner, statusOf } from './helpers.ts'

let sim: KubeSimulator
let kubectl: ReturnType<typeof kubectlRunner>
let c: ReturnType<typeof clients>
const namespace = 'default'

beforeAll(async () => {
  const bin = requireBinary('kubectl', 'apt-get install kubernetes-client')
  sim = await startKubeSimulator({ podReadyDelayMs: 50, controllerTickMs: 20 })
  kubectl = kubectlRunner(sim, bin)
  c = clients(sim)
})
afterAll(async () => {
  await sim?.stop()
})

async function waitingReason(name: string, reason: string): Promise<void> {
  await eventually(reason, async () => {
    const p = await c.core.readNamespacedPod({ name, namespace })
    return p.status?.containerStatuses?.[0]?.state?.waiting?.reason === reason ? true : undefined
  })
}

describe('through kubectl', () => {
  test('logs of a container that never started fail as a real server answers', async () => {
    await kubectl.ok(['run', 'nopull', '--image=app:1-missing'])
    await waitingReason('nopull', 'ImagePullBackOff')
    const r = await kubectl.run(['logs', 'nopull'])
    expect(r.code).not.toBe(0)
    // validateContainerLogStatus words it by the waiting reason of the moment: ImagePullBackOff
    // between pulls, ErrImagePull during one (at 0.01 the back-off is 100 ms, so both occur).
    expect(r.stderr).toMatch(
      /^Error from server \(BadRequest\): container "nopull" in pod "nopull" is waiting to start: (trying and failing to pull image|image can't be pulled)\n$/,
    )
    await kubectl.ok(['run', 'fine', '--image=app:1'])
    await kubectl.ok(['wait', '--for=condition=Ready', 'pod/fine', '--timeout=30s'])
    expect(await kubectl.ok(['logs', 'fine'])).toContain('simulated container log')
    const previous = await kubectl.run(['logs', 'fine', '--previous'])
    expect(previous.stderr).toContain('previous terminated container "fine" in pod "fine" not found')
  })

  test('exec and attach are refused, saying the simulator does not serve them', async () => {
    const exec = await kubectl.run(['exec', 'fine', '--', 'ls'])
    expect(exec.code).not.toBe(0)
    expect(exec.stderr).toMatch(/Error from server/)
    expect(exec.stderr).not.toContain('the server could not find the requested resource')
    const proxy = await kubectl.run(['get', '--raw', '/api/v1/namespaces/default/pods/fine/proxy'])
    expect(proxy.stderr).toContain('pods/proxy is not supported by the testbed Kubernetes simulator')
  })

  test('kubectl create ingress works (its protobuf body is decoded)', async () => {
    expect(
      await kubectl.ok([
        'create',
        'ingress',
        'shop',
        '--class=alb',
        '--rule=shop.example.com/api*=api:8080,tls=shop-tls',
      ]),
    ).toBe('ingress.networking.k8s.io/shop created\n')
    const ing = JSON.parse(await kubectl.ok(['get', 'ingress', 'shop', '-o', 'json']))
    expect(ing.spec).toEqual({
      ingressClassName: 'alb',
      rules: [
        {
          host: 'shop.example.com',
          http: {
            paths: [
              { path: '/api', pathType: 'Prefix', backend: { service: { name: 'api', port: { number: 8080 } } } },
            ],
          },
        },
      ],
      tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }],
    })
  })
})

describe('through client-node', () => {
  test('reading logs of a pod held by a missing ConfigMap is a 400 naming the reason', async () => {
    await c.core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'held' },
        spec: { containers: [{ name: 'app', image: 'app:1', envFrom: [{ configMapRef: { name: 'absent' } }] }] },
      },
    })
    await waitingReason('held', 'CreateContainerConfigError')
    const error = await c.core.readNamespacedPodLog({ name: 'held', namespace }).catch((e) => e)
    expect(statusOf(error).code).toBe(400)
    expect(statusOf(error).body.message).toBe(
      'container "app" in pod "held" is waiting to start: CreateContainerConfigError',
    )
  })

  test('an eviction a PodDisruptionBudget forbids is a 429; one it allows deletes the pod', async () => {
    for (const name of ['e1', 'e2']) {
      await c.core.createNamespacedPod({
        namespace,
        body: {
          metadata: { name, labels: { app: 'evictable' } },
          spec: { containers: [{ name: 'app', image: 'app:1' }] },
        },
      })
    }
    const policy = c.kc.makeApiClient(k8s.PolicyV1Api)
    await policy.createNamespacedPodDisruptionBudget({
      namespace,
      body: {
        metadata: { name: 'evictable' },
        spec: { minAvailable: 1, selector: { matchLabels: { app: 'evictable' } } },
      },
    })
    await eventually('one disruption allowed', async () => {
      const p = await policy.readNamespacedPodDisruptionBudget({ name: 'evictable', namespace })
      return p.status?.disruptionsAllowed === 1 ? true : undefined
    })
    const evict = (name: string) =>
      c.core.createNamespacedPodEviction({ name, namespace, body: { metadata: { name, namespace } } })
    await evict('e1')
    const refused = await evict('e2').catch((e) => e)
    expect(statusOf(refused).code).toBe(429)
    expect(statusOf(refused).body.message).toBe("Cannot evict pod as it would violate the pod's disruption budget.")
    await eventually('e1 gone', async () =>
      (await c.core.readNamespacedPod({ name: 'e1', namespace }).catch(() => 'gone')) === 'gone' ? true : undefined,
    )
  })

  test('a subresource the simulator does not serve is a 405 that says so', async () => {
    const res = await fetch(`${sim.url}/api/v1/namespaces/default/pods/e2/attach?stdout=true`, { method: 'POST' })
    expect(res.status).toBe(405)
    expect(((await res.json()) as { message: string }).message).toBe(
      'pods/attach is not supported by the testbed Kubernetes simulator: its containers are not processes',
    )
  })
})
