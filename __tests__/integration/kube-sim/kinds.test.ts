// Kinds and discovery real manifests need (issue item 4) and Endpoints by port name (item 5),
// through kubectl and client-node.
import { readFileSync } from 'node:fs'
import { type KubeSimulator, requireBinary, startKubeSimulator } from '@deploy-actions/testbed'
import * as k8s from '@kubernetes/client-node'
import { clients, eventually, kubectlRunner } from './helpers.ts'

let sim: KubeSimulator
let kubectl: ReturnType<typeof kubectlRunner>
let c: ReturnType<typeof clients>

const corpus = new URL('../../fixtures/kube/microservices-demo.yaml', import.meta.url)

beforeAll(async () => {
  const bin = requireBinary('kubectl', 'apt-get install kubernetes-client')
  sim = await startKubeSimulator({ podReadyDelayMs: 50, controllerTickMs: 20 })
  kubectl = kubectlRunner(sim, bin)
  c = clients(sim)
})
afterAll(async () => {
  await sim?.stop()
})

describe('through kubectl', () => {
  test('microservices-demo (ServiceAccounts included) applies with the default validation and rolls out', async () => {
    await kubectl.ok(['create', 'namespace', 'shop'])
    const out = await kubectl.ok(['apply', '-n', 'shop', '-f', '-'], readFileSync(corpus, 'utf8'))
    expect(out).toContain('serviceaccount/frontend created')
    expect(out).toContain('deployment.apps/frontend created')
    expect(await kubectl.ok(['rollout', 'status', '-n', 'shop', 'deployment/frontend', '--timeout=30s'])).toContain(
      'successfully rolled out',
    )
    const sa = await kubectl.ok([
      'get',
      'serviceaccounts',
      '-n',
      'shop',
      '--no-headers',
      '-o',
      'custom-columns=N:.metadata.name',
    ])
    expect(sa.trim().split('\n')).toHaveLength(12) // 11 from the manifest and the namespace's default
    const slices = await kubectl.ok([
      'get',
      'endpointslices',
      '-n',
      'shop',
      '-l',
      'kubernetes.io/service-name=frontend',
    ])
    expect(slices).toMatch(
      /^NAME\s+ADDRESSTYPE\s+PORTS\s+ENDPOINTS\s+AGE\nfrontend-[a-z0-9]{5}\s+IPv4\s+8080\s+10\.244\.\d+\.\d+\s/,
    )
    expect(await kubectl.ok(['describe', 'service', '-n', 'shop', 'frontend'])).toMatch(
      /Endpoints:\s+10\.244\.\d+\.\d+:8080/,
    )
  })

  test('a namespace comes with its default ServiceAccount and kube-root-ca.crt; default holds the kubernetes Service', async () => {
    await kubectl.ok(['create', 'namespace', 'fresh'])
    expect(await kubectl.ok(['get', 'serviceaccount', 'default', '-n', 'fresh', '-o', 'name'])).toBe(
      'serviceaccount/default\n',
    )
    expect(
      await kubectl.ok(['get', 'configmap', 'kube-root-ca.crt', '-n', 'fresh', '-o', 'jsonpath={.data.ca\\.crt}']),
    ).toContain('BEGIN CERTIFICATE')
    expect(await kubectl.ok(['get', 'service', 'kubernetes', '-n', 'default', '--no-headers'])).toMatch(
      /^kubernetes\s+ClusterIP\s+10\.96\.0\.1\s+<none>\s+443\/TCP\s/,
    )
  })

  test('a pod template naming a missing ServiceAccount gets no pods: FailedCreate and ReplicaFailure', async () => {
    await kubectl.ok(['create', 'deployment', 'lonely', '--image=app:1'])
    await kubectl.ok([
      'patch',
      'deployment',
      'lonely',
      '-p',
      '{"spec":{"template":{"spec":{"serviceAccountName":"robot"}}}}',
    ])
    const event = await eventually('FailedCreate', async () => {
      const out = await kubectl.ok([
        'get',
        'events',
        '--field-selector',
        'reason=FailedCreate',
        '-o',
        'custom-columns=M:.message',
        '--no-headers',
      ])
      return out.includes('robot') ? out : undefined
    })
    expect(event).toMatch(
      /Error creating: pods "lonely-[a-z0-9]+-" is forbidden: error looking up service account default\/robot: serviceaccount "robot" not found/,
    )
    const rs = await kubectl.ok([
      'get',
      'rs',
      '-l',
      'app=lonely',
      '-o',
      'jsonpath={.items[*].status.conditions[?(@.type=="ReplicaFailure")].reason}',
    ])
    expect(rs).toContain('FailedCreate')
    await kubectl.ok(['create', 'serviceaccount', 'robot'])
    await kubectl.ok(['rollout', 'status', 'deployment/lonely', '--timeout=30s'])
  })

  test('PodDisruptionBudgets, StatefulSets, CronJobs and IngressClasses are served; auth can-i says yes', async () => {
    await kubectl.ok(
      ['apply', '-f', '-'],
      `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: lonely}
spec:
  minAvailable: 1
  selector: {matchLabels: {app: lonely}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: postgres:16}]}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: job, image: busybox:1}]
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: alb}
spec: {controller: ingress.k8s.aws/alb}
`,
    )
    await eventually('pdb status', async () => {
      const out = await kubectl.ok(['get', 'pdb', 'lonely', '--no-headers'])
      return /^lonely\s+1\s+N\/A\s+0\s/.test(out) ? out : undefined
    })
    expect(await kubectl.ok(['get', 'cronjob', 'nightly', '--no-headers'])).toMatch(
      /^nightly\s+0 3 \* \* \*\s+<none>\s+False\s+0\s+<none>\s/,
    )
    expect(await kubectl.ok(['get', 'ingressclass', 'alb', '--no-headers'])).toMatch(
      /^alb\s+ingress\.k8s\.aws\/alb\s+<none>\s/,
    )
    expect(await kubectl.ok(['get', 'statefulset', 'db', '-o', 'jsonpath={.spec.podManagementPolicy}'])).toBe(
      'OrderedReady',
    )
    expect(await kubectl.ok(['auth', 'can-i', 'delete', 'nodes'])).toBe('yes\n')
  })

  test('an unknown kind is refused by kubectl from discovery, naming the kind', async () => {
    const r = await kubectl.run(
      ['apply', '-f', '-'],
      'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 1}\n',
    )
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain('no matches for kind "Widget" in version "example.com/v1"')
  })

  test('a pod without the named targetPort is left out of the Endpoints and the EndpointSlices', async () => {
    await kubectl.ok(
      ['apply', '-f', '-'],
      `apiVersion: v1
kind: Pod
metadata: {name: named, labels: {tier: web}}
spec: {containers: [{name: app, image: app:1, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: unnamed, labels: {tier: web}}
spec: {containers: [{name: app, image: app:1, ports: [{containerPort: 9090}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {tier: web}
  ports: [{name: web, port: 80, targetPort: http}]
`,
    )
    await kubectl.ok(['wait', '--for=condition=Ready', 'pod/named', 'pod/unnamed', '--timeout=30s'])
    const ip = await kubectl.ok(['get', 'pod', 'named', '-o', 'jsonpath={.status.podIP}'])
    const ep = JSON.parse(await kubectl.ok(['get', 'endpoints', 'web', '-o', 'json']))
    expect(ep.subsets).toEqual([
      { addresses: [expect.objectContaining({ ip })], ports: [{ name: 'web', port: 8080, protocol: 'TCP' }] },
    ])
    expect(await kubectl.ok(['get', 'endpoints', 'web', '--no-headers'])).toMatch(
      new RegExp(`^web\\s+${ip.replace(/\./g, '\\.')}:8080\\s`),
    )
    const slices = JSON.parse(
      await kubectl.ok(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=web', '-o', 'json']),
    )
    expect(slices.items).toHaveLength(1)
    expect(slices.items[0].endpoints.map((e: { addresses: string[] }) => e.addresses[0])).toEqual([ip])
  })
})

describe('through client-node', () => {
  test('ServiceAccounts, kube-root-ca.crt, PDB status, EndpointSlices and a self access review', async () => {
    await c.core.createNamespace({ body: { metadata: { name: 'cn' } } })
    const sas = await c.core.listNamespacedServiceAccount({ namespace: 'cn' })
    expect(sas.items.map((s) => s.metadata?.name)).toEqual(['default'])
    const ca = await c.core.readNamespacedConfigMap({ name: 'kube-root-ca.crt', namespace: 'cn' })
    expect(ca.data?.['ca.crt']).toContain('BEGIN CERTIFICATE')

    for (const name of ['p1', 'p2']) {
      await c.core.createNamespacedPod({
        namespace: 'cn',
        body: {
          metadata: { name, labels: { app: 'api' } },
          spec: { containers: [{ name: 'app', image: 'app:1', ports: [{ name: 'http', containerPort: 80 }] }] },
        },
      })
    }
    await c.core.createNamespacedService({
      namespace: 'cn',
      body: {
        metadata: { name: 'api' },
        spec: { selector: { app: 'api' }, ports: [{ port: 80, targetPort: 'http' }] },
      },
    })
    const policy = c.kc.makeApiClient(k8s.PolicyV1Api)
    await policy.createNamespacedPodDisruptionBudget({
      namespace: 'cn',
      body: { metadata: { name: 'api' }, spec: { maxUnavailable: '50%', selector: { matchLabels: { app: 'api' } } } },
    })
    const pdb = await eventually('pdb allows one disruption', async () => {
      const p = await policy.readNamespacedPodDisruptionBudget({ name: 'api', namespace: 'cn' })
      return p.status?.currentHealthy === 2 ? p : undefined
    })
    expect(pdb.status).toMatchObject({ expectedPods: 2, desiredHealthy: 1, disruptionsAllowed: 1 })
    expect(pdb.status?.conditions?.[0]).toMatchObject({
      type: 'DisruptionAllowed',
      status: 'True',
      reason: 'SufficientPods',
    })

    const discovery = c.kc.makeApiClient(k8s.DiscoveryV1Api)
    const slices = await eventually('two ready endpoints', async () => {
      const l = await discovery.listNamespacedEndpointSlice({
        namespace: 'cn',
        labelSelector: 'kubernetes.io/service-name=api',
      })
      const eps = l.items[0]?.endpoints ?? []
      return eps.length === 2 && eps.every((e) => e.conditions?.ready) ? l : undefined
    })
    expect(slices.items[0]?.ports).toEqual([{ name: '', port: 80, protocol: 'TCP' }])

    const auth = c.kc.makeApiClient(k8s.AuthorizationV1Api)
    const review = await auth.createSelfSubjectAccessReview({
      body: { spec: { resourceAttributes: { verb: 'delete', resource: 'deployments', group: 'apps' } } },
    })
    expect(review.status?.allowed).toBe(true)
    expect(review.status?.reason).toContain('simulator')
  })

  test('a named targetPort only some pods have: Endpoints list only those, no undefined ports', async () => {
    await c.core.createNamespacedPod({
      namespace: 'cn',
      body: {
        metadata: { name: 'p3', labels: { app: 'api' } },
        spec: { containers: [{ name: 'app', image: 'app:1' }] },
      },
    })
    await eventually('p3 running', async () => {
      const p = await c.core.readNamespacedPod({ name: 'p3', namespace: 'cn' })
      return p.status?.podIP
    })
    await new Promise((r) => setTimeout(r, 200))
    const ep = await c.core.readNamespacedEndpoints({ name: 'api', namespace: 'cn' })
    expect(ep.subsets).toHaveLength(1)
    expect(ep.subsets?.[0]?.ports).toEqual([{ port: 80, protocol: 'TCP' }])
    expect(ep.subsets?.[0]?.addresses?.map((a) => a.targetRef?.name).sort()).toEqual(['p1', 'p2'])
    expect(JSON.stringify(ep)).not.toContain('undefined')
  })
})
