// Container config errors (issue item 2) and image digests (item 7), as a kubelet reports them:
// a missing ConfigMap/Secret in the environment is CreateContainerConfigError, in a volume a
// FailedMount that leaves the pod ContainerCreating; neither is ever Ready until it appears.
import { type KubeSimulator, requireBinary, startKubeSimulator } from '@deploy-actions/testbed'
import type * as k8s from '@kubernetes/client-node'
import { clients, eventually, kubectlRunner } from './helpers.ts'

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

async function events(fieldSelector: string): Promise<string[]> {
  const list = await c.core.listNamespacedEvent({ namespace, fieldSelector })
  return list.items.map((e) => `${e.type} ${e.reason} ${e.message}`)
}

describe('through kubectl', () => {
  test('envFrom a missing ConfigMap: CreateContainerConfigError, never Ready, runs once it exists', async () => {
    await kubectl.ok(
      ['apply', '-f', '-'],
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: envfrom}
spec:
  replicas: 2
  selector: {matchLabels: {app: envfrom}}
  template:
    metadata: {labels: {app: envfrom}}
    spec:
      containers:
      - name: app
        image: app:1
        envFrom:
        - configMapRef: {name: app-config}
`,
    )
    await eventually('pods in CreateContainerConfigError', async () => {
      const out = await kubectl.ok(['get', 'pods', '-l', 'app=envfrom', '--no-headers'])
      const lines = out.trim().split('\n')
      return lines.length === 2 && lines.every((l) => /\s0\/1\s+CreateContainerConfigError\s+0\s/.test(l))
        ? out
        : undefined
    })
    const ev = await kubectl.ok([
      'get',
      'events',
      '--field-selector',
      'reason=Failed',
      '-o',
      'custom-columns=MSG:.message',
      '--no-headers',
    ])
    expect(ev).toContain('Error: configmap "app-config" not found')
    const status = await kubectl.run(['rollout', 'status', 'deployment/envfrom', '--timeout=1s'])
    expect(status.code).not.toBe(0)
    expect(status.stdout + status.stderr).toContain('0 of 2 updated replicas are available')

    await kubectl.ok(['create', 'configmap', 'app-config', '--from-literal=MODE=blue'])
    expect(await kubectl.ok(['rollout', 'status', 'deployment/envfrom', '--timeout=30s'])).toContain(
      'successfully rolled out',
    )
  })

  test('a missing Secret volume: ContainerCreating with FailedMount events', async () => {
    await kubectl.ok(
      ['apply', '-f', '-'],
      `apiVersion: v1
kind: Pod
metadata: {name: mounts}
spec:
  containers:
  - name: app
    image: app:1
    volumeMounts: [{name: tls, mountPath: /tls}]
  volumes:
  - name: tls
    secret: {secretName: tls-cert}
`,
    )
    await eventually('FailedMount', async () => {
      const out = await kubectl.ok(['describe', 'pod', 'mounts'])
      return out.includes('MountVolume.SetUp failed for volume "tls" : secret "tls-cert" not found') ? out : undefined
    })
    // Long past the time a pod takes to start here, it is still creating.
    await new Promise((r) => setTimeout(r, 300))
    expect(await kubectl.ok(['get', 'pod', 'mounts', '--no-headers'])).toMatch(
      /^mounts\s+0\/1\s+ContainerCreating\s+0\s/,
    )
    await kubectl.ok(['create', 'secret', 'generic', 'tls-cert', '--from-literal=tls.crt=x'])
    await kubectl.ok(['wait', '--for=condition=Ready', 'pod/mounts', '--timeout=30s'])
  })

  test('a pod pinned by digest reports that digest as its imageID', async () => {
    const digest = `sha256:${'ab12'.repeat(16)}`
    await kubectl.ok(['run', 'pinned', `--image=registry.example.com/team/api@${digest}`])
    await kubectl.ok(['wait', '--for=condition=Ready', 'pod/pinned', '--timeout=30s'])
    const id = await kubectl.ok(['get', 'pod', 'pinned', '-o', 'jsonpath={.status.containerStatuses[0].imageID}'])
    expect(id).toBe(`registry.example.com/team/api@${digest}`)
  })
})

describe('through client-node', () => {
  test('secretKeyRef: missing Secret, then a missing key, then Ready', async () => {
    const pod: k8s.V1Pod = {
      metadata: { name: 'db-client' },
      spec: {
        containers: [
          {
            name: 'app',
            image: 'app:1',
            env: [{ name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }],
          },
        ],
      },
    }
    await c.core.createNamespacedPod({ namespace, body: pod })
    const waiting = async (message: string) =>
      eventually(message, async () => {
        const p = await c.core.readNamespacedPod({ name: 'db-client', namespace })
        const s = p.status?.containerStatuses?.[0]
        return s?.state?.waiting?.reason === 'CreateContainerConfigError' && s.state.waiting.message === message
          ? p
          : undefined
      })
    const first = await waiting('secret "db" not found')
    expect(first.status?.phase).toBe('Pending')
    expect(first.status?.conditions?.find((x) => x.type === 'Ready')?.status).toBe('False')
    expect(first.status?.containerStatuses?.[0]?.imageID).toBe('')
    expect(await events('involvedObject.name=db-client,reason=Failed')).toContain(
      'Warning Failed Error: secret "db" not found',
    )

    await c.core.createNamespacedSecret({ namespace, body: { metadata: { name: 'db' }, stringData: { user: 'u' } } })
    await waiting("couldn't find key password in Secret default/db")
    await c.core.patchNamespacedSecret({
      name: 'db',
      namespace,
      body: [{ op: 'add', path: '/data/password', value: 'cA==' }],
    })
    const ready = await eventually('Ready', async () => {
      const p = await c.core.readNamespacedPod({ name: 'db-client', namespace })
      return p.status?.conditions?.find((x) => x.type === 'Ready')?.status === 'True' ? p : undefined
    })
    const id = ready.status?.containerStatuses?.[0]?.imageID ?? ''
    expect(id).toMatch(/^docker\.io\/library\/app@sha256:[0-9a-f]{64}$/)
  })

  test('an optional ConfigMap that is missing holds nothing up; a ConfigMap volume that is missing does', async () => {
    await c.core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'optional' },
        spec: {
          containers: [{ name: 'app', image: 'app:1', envFrom: [{ configMapRef: { name: 'nope', optional: true } }] }],
        },
      },
    })
    await c.core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'cm-volume' },
        spec: {
          containers: [{ name: 'app', image: 'app:1' }],
          volumes: [{ name: 'cfg', configMap: { name: 'settings' } }],
        },
      },
    })
    await eventually('optional pod Ready', async () => {
      const p = await c.core.readNamespacedPod({ name: 'optional', namespace })
      return p.status?.conditions?.find((x) => x.type === 'Ready')?.status === 'True' ? p : undefined
    })
    // The kubelet reaches the two pods in its own order: wait for its word on this one.
    await eventually('FailedMount for cm-volume', async () =>
      (await events('involvedObject.name=cm-volume')).includes(
        'Warning FailedMount MountVolume.SetUp failed for volume "cfg" : configmap "settings" not found',
      )
        ? true
        : undefined,
    )
    const held = await c.core.readNamespacedPod({ name: 'cm-volume', namespace })
    expect(held.status?.phase).toBe('Pending')
    expect(held.status?.containerStatuses?.[0]?.state?.waiting?.reason).toBe('ContainerCreating')
    // The image is not pulled before the volumes are set up.
    expect((await events('involvedObject.name=cm-volume')).some((e) => e.includes('Pulling'))).toBe(false)
  })

  test('imageID: a digest as pinned, a tag as a stable digest of the right form', async () => {
    const digest = `sha256:${'0f'.repeat(32)}`
    const images = {
      a: 'nginx:1.27',
      b: 'docker.io/library/nginx:1.27',
      pinned: `123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v2@${digest}`,
    }
    for (const [name, image] of Object.entries(images)) {
      await c.core.createNamespacedPod({
        namespace,
        body: { metadata: { name: `img-${name}` }, spec: { containers: [{ name: 'app', image }] } },
      })
    }
    const ids: Record<string, string> = {}
    for (const name of Object.keys(images)) {
      ids[name] = await eventually(`img-${name} running`, async () => {
        const p = await c.core.readNamespacedPod({ name: `img-${name}`, namespace })
        return p.status?.containerStatuses?.[0]?.imageID || undefined
      })
    }
    expect(ids.pinned).toBe(`123456789012.dkr.ecr.us-east-1.amazonaws.com/web@${digest}`)
    expect(ids.a).toMatch(/^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/)
    expect(ids.b).toBe(ids.a)
  })
})
