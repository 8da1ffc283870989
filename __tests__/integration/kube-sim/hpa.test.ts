// HPAs without a metrics source (issue item 10): the Warning events and ScalingActive condition a
// real controller reports with no metrics API, and ScalingLimited kept after clamping.
import { type KubeSimulator, requireBinary, startKubeSimulator } from '@deploy-actions/testbed'
import { clients, deploymentBody, eventually, kubectlRunner } from './helpers.ts'

let sim: KubeSimulator
let kubectl: ReturnType<typeof kubectlRunner>
let c: ReturnType<typeof clients>
const namespace = 'default'
const NO_METRICS =
  'unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)'

beforeAll(async () => {
  const bin = requireBinary('kubectl', 'apt-get install kubernetes-client')
  sim = await startKubeSimulator({ podReadyDelayMs: 50, controllerTickMs: 20, timeScale: 0.01 })
  kubectl = kubectlRunner(sim, bin)
  c = clients(sim)
})
afterAll(async () => {
  await sim?.stop()
})

test('kubectl autoscale: FailedGetResourceMetric and FailedComputeMetricsReplicas, repeated each sync', async () => {
  await kubectl.ok(['create', 'deployment', 'web', '--image=web:1', '--replicas=2'])
  await kubectl.ok(['autoscale', 'deployment', 'web', '--min=2', '--max=5', '--cpu-percent=70'])
  const events = await eventually('the metric warnings, twice', async () => {
    const out = await kubectl.ok([
      'get',
      'events',
      '--field-selector',
      'involvedObject.kind=HorizontalPodAutoscaler',
      '-o',
      'custom-columns=T:.type,R:.reason,C:.count,M:.message',
      '--no-headers',
    ])
    return /FailedGetResourceMetric\s+([2-9]|\d\d)\s/.test(out) ? out : undefined
  })
  expect(events).toContain(`Warning   FailedGetResourceMetric`)
  expect(events).toContain(`failed to get cpu utilization: ${NO_METRICS}`)
  expect(events).toContain(
    `invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: failed to get cpu utilization: ${NO_METRICS}`,
  )
  const describe = await kubectl.ok(['describe', 'hpa', 'web'])
  expect(describe).toMatch(
    /ScalingActive\s+False\s+FailedGetResourceMetric\s+the HPA was unable to compute the replica count/,
  )
})

test('client-node: clamped to maxReplicas, ScalingLimited stays True with TooManyReplicas', async () => {
  await c.apps.createNamespacedDeployment({ namespace, body: deploymentBody('busy', 'busy:1', 6) })
  await c.autoscaling.createNamespacedHorizontalPodAutoscaler({
    namespace,
    body: {
      metadata: { name: 'busy' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'busy' },
        minReplicas: 1,
        maxReplicas: 3,
        metrics: [
          { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '200Mi' } } },
        ],
      },
    },
  })
  await eventually('scaled to 3', async () => {
    const d = await c.apps.readNamespacedDeployment({ name: 'busy', namespace })
    return d.spec?.replicas === 3 ? true : undefined
  })
  // Several syncs later (15 s of cluster time each), the condition set by clamping is still there.
  await new Promise((r) => setTimeout(r, 500))
  const hpa = await c.autoscaling.readNamespacedHorizontalPodAutoscaler({ name: 'busy', namespace })
  const conditions = Object.fromEntries((hpa.status?.conditions ?? []).map((x) => [x.type, x]))
  expect(conditions.ScalingLimited).toMatchObject({ status: 'True', reason: 'TooManyReplicas' })
  expect(conditions.ScalingActive).toMatchObject({ status: 'False', reason: 'FailedGetResourceMetric' })
  expect(conditions.ScalingActive?.message).toBe(
    'the HPA was unable to compute the replica count: failed to get memory resource metric value: failed to get memory usage: unable to get metrics for resource memory: unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)',
  )
  const events = await c.core.listNamespacedEvent({
    namespace,
    fieldSelector: 'involvedObject.name=busy,involvedObject.kind=HorizontalPodAutoscaler',
  })
  const reasons = events.items.map((e) => `${e.type} ${e.reason}`)
  expect(reasons).toEqual(
    expect.arrayContaining([
      'Normal SuccessfulRescale',
      'Warning FailedGetResourceMetric',
      'Warning FailedComputeMetricsReplicas',
    ]),
  )
})

test('the HPA rescales through the scale subresource as kube-controller-manager, so an apply setting replicas conflicts with it', async () => {
  await kubectl.ok(
    ['apply', '--server-side', '-f', '-'],
    `apiVersion: apps/v1
kind: Deployment
metadata: {name: owned}
spec:
  replicas: 6
  selector: {matchLabels: {app: owned}}
  template:
    metadata: {labels: {app: owned}}
    spec: {containers: [{name: app, image: owned:1}]}
`,
  )
  await kubectl.ok(['autoscale', 'deployment', 'owned', '--min=1', '--max=2', '--cpu-percent=70'])
  const d = await eventually('clamped to 2', async () => {
    const x = await c.apps.readNamespacedDeployment({ name: 'owned', namespace })
    return x.spec?.replicas === 2 ? x : undefined
  })
  const hpa = d.metadata?.managedFields?.find((e) => e.manager === 'kube-controller-manager')
  expect(hpa).toMatchObject({ operation: 'Update', apiVersion: 'apps/v1', subresource: 'scale' })
  expect(hpa?.fieldsV1).toEqual({ 'f:spec': { 'f:replicas': {} } })
  const applied = d.metadata?.managedFields?.find((e) => e.manager === 'kubectl')
  const spec = (applied?.fieldsV1 as { 'f:spec'?: Record<string, unknown> } | undefined)?.['f:spec']
  expect(spec).toBeDefined()
  expect(spec?.['f:replicas']).toBeUndefined()
  const r = await kubectl.run(
    ['apply', '--server-side', '-f', '-'],
    `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: owned}\nspec: {replicas: 6}\n`,
  )
  expect(r.code).not.toBe(0)
  expect(r.stderr).toContain(
    'Apply failed with 1 conflict: conflict with "kube-controller-manager" with subresource "scale" using apps/v1: .spec.replicas',
  )
})
