// The canary bundle on the replicas router against the Kubernetes simulator: promotion through
// 10→50→100 with the live share read back, pod-failure aborts, the manual gate (pause, then
// promote or abort from a later job), refusals before any write.
import type { KubeObject } from '@deploy-actions/kube'
import {
  type Cluster,
  canary,
  deploymentRef,
  errorLine,
  imageOf,
  namespace,
  stableApp,
  startCluster,
} from './helpers.ts'

let c: Cluster
beforeAll(async () => {
  c = await startCluster()
})
afterAll(async () => {
  await c?.sim.stop()
})

const timelineRows = (summary: string) => summary.split('\n').filter((l) => /^\| \d\d:\d\d:\d\d/.test(l))

it('promotes 10→50→100: live shares read back equal the asked weights, the stable image changes only at the end', async () => {
  await namespace(c.objects, 'shop')
  await stableApp(c.objects, 'shop', 'web', 9)
  const run = await canary(c.sim, {
    namespace: 'shop',
    deployment: 'web',
    image: 'registry.local/web:2',
    steps: '10,50,100',
  })
  expect(errorLine(run)).toBe('')
  expect(run.code).toBe(0)
  expect(run.outputs).toMatchObject({
    result: 'promoted',
    weight: '100',
    'previous-image': 'registry.local/web:1',
    revision: '2',
  })
  const rows = timelineRows(run.summary)
  expect(rows.find((r) => r.includes('| step 1/3 |'))).toMatch(/\| 10% \| 10% \| 1 canary \+ 9 stable ready pods/)
  expect(rows.find((r) => r.includes('| step 2/3 |'))).toMatch(/\| 50% \| 50% \| 9 canary \+ 9 stable ready pods/)
  expect(rows.find((r) => r.includes('| promote |'))).toBeDefined()
  expect(await imageOf(c.objects, 'shop', 'web')).toBe('registry.local/web:2')
  expect(await c.objects.find(deploymentRef('shop', 'web-canary'))).toBeUndefined()
})

it.each([
  ['crashloop', 'registry.local/api:2-crashloop', /CrashLoopBackOff|Error/],
  ['missing image', 'registry.local/api:2-missing', /ImagePullBackOff|ErrImagePull/],
])('a %s canary aborts with the pod reason; the stable is untouched', async (_, image, reason) => {
  await stableApp(c.objects, 'default', 'api', 4)
  const run = await canary(c.sim, { deployment: 'api', image, steps: '25,100' })
  expect(run.code).toBe(1)
  expect(run.outputs.result).toBe('aborted')
  expect(run.outputs.weight).toBe('0')
  expect(run.outputs.reason).toMatch(reason)
  expect(errorLine(run)).toMatch(/canary deleted, stable default\/api untouched at image registry.local\/api:1/)
  expect(await imageOf(c.objects, 'default', 'api')).toBe('registry.local/api:1')
  expect(await c.objects.find(deploymentRef('default', 'api-canary'))).toBeUndefined()
  await c.objects.delete(deploymentRef('default', 'api'))
  await c.objects.delete({ apiVersion: 'v1', kind: 'Service', name: 'api', namespace: 'default' })
})

it('steps ending below 100 pause; a second deploy is refused; status reports; a later job promotes', async () => {
  await stableApp(c.objects, 'default', 'shopfront', 4)
  const first = await canary(c.sim, { deployment: 'shopfront', image: 'registry.local/shopfront:2', steps: '20' })
  expect(errorLine(first)).toBe('')
  expect(first.outputs).toMatchObject({ result: 'paused', weight: '20' })
  expect(first.state.canary ?? '').toBe('') // nothing for the post step to clean up

  const second = await canary(c.sim, { deployment: 'shopfront', image: 'registry.local/shopfront:3' })
  expect(second.code).toBe(1)
  expect(errorLine(second)).toMatch(
    /a canary is already running: canary shopfront-canary of default\/shopfront: image registry.local\/shopfront:2 at weight 20%/,
  )

  const status = await canary(c.sim, { deployment: 'shopfront', action: 'status' })
  expect(status.outputs).toMatchObject({
    result: 'paused',
    weight: '20',
    'previous-image': 'registry.local/shopfront:1',
  })

  const promote = await canary(c.sim, { deployment: 'shopfront', action: 'promote' })
  expect(errorLine(promote)).toBe('')
  expect(promote.outputs).toMatchObject({
    result: 'promoted',
    weight: '100',
    'previous-image': 'registry.local/shopfront:1',
  })
  expect(await imageOf(c.objects, 'default', 'shopfront')).toBe('registry.local/shopfront:2')
  expect(await c.objects.find(deploymentRef('default', 'shopfront-canary'))).toBeUndefined()
  const again = await canary(c.sim, { deployment: 'shopfront', action: 'promote' })
  expect(again.code).toBe(0)
  expect(again.outputs.reason).toMatch(/nothing to promote/)
})

it('abort from a later job removes the canary and leaves the stable as it was', async () => {
  await stableApp(c.objects, 'default', 'cart', 4)
  const first = await canary(c.sim, { deployment: 'cart', image: 'registry.local/cart:2', steps: '20' })
  expect(first.outputs.result).toBe('paused')
  const abort = await canary(c.sim, { deployment: 'cart', action: 'abort' })
  expect(errorLine(abort)).toBe('')
  expect(abort.outputs).toMatchObject({ result: 'aborted', weight: '0', 'previous-image': 'registry.local/cart:1' })
  expect(await imageOf(c.objects, 'default', 'cart')).toBe('registry.local/cart:1')
  expect(await c.objects.find(deploymentRef('default', 'cart-canary'))).toBeUndefined()
})

it('an HPA-managed Deployment: sized from the HPA, never written replicas', async () => {
  await stableApp(c.objects, 'default', 'search', 4)
  await c.objects.create({
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'search', namespace: 'default' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'search' },
      minReplicas: 2,
      maxReplicas: 10,
    },
  })
  const before = await c.objects.get<KubeObject & { spec: { replicas: number } }>(deploymentRef('default', 'search'))
  const run = await canary(c.sim, { deployment: 'search', image: 'registry.local/search:2', steps: '20,100' })
  expect(errorLine(run)).toBe('')
  expect(run.outputs.result).toBe('promoted')
  expect(run.summary).toMatch(
    /HorizontalPodAutoscaler search scales search: the canary is sized from its current replicas \(4\)/,
  )
  const after = await c.objects.get<KubeObject & { spec: { replicas: number } }>(deploymentRef('default', 'search'))
  expect(after.spec.replicas).toBe(before.spec.replicas)
})

it.each<[string, Record<string, string>, RegExp]>([
  [
    '10% of 2 replicas',
    { deployment: 'tiny', steps: '10,100' },
    /steps: weight 10% cannot be served .* needs at least 6 stable replicas/,
  ],
  [
    'an unknown deployment',
    { deployment: 'nope' },
    /deployment: expected an existing Deployment in namespace default, got "nope"/,
  ],
  [
    'an unknown namespace',
    { deployment: 'tiny', namespace: 'ghost' },
    /namespace: expected an existing namespace, got "ghost"/,
  ],
  [
    'a container not in the pod spec',
    { deployment: 'tiny', container: 'sidecar' },
    /container "sidecar" is not in the pod spec of tiny; its containers: app/,
  ],
  [
    'alb without an ingress',
    { deployment: 'tiny', 'traffic-router': 'alb' },
    /ingress: the stable Ingress \(required with traffic-router: alb\)/,
  ],
  [
    'metrics naming an unknown provider',
    { deployment: 'tiny', metrics: '- name: x\n  provider: datadog\n  max: 1\n' },
    /metrics: line 1: check "x": provider: expected one of prometheus, cloudwatch, http, got "datadog"/,
  ],
  [
    'gateway-api without its HTTPRoute object',
    { deployment: 'tiny', 'traffic-router': 'gateway-api', 'http-route': 'missing-route' },
    /missing-route/,
  ],
])('refuses %s before any write', async (_, inputs, message) => {
  if (!(await c.objects.find(deploymentRef('default', 'tiny')))) await stableApp(c.objects, 'default', 'tiny', 2)
  const run = await canary(c.sim, { image: 'registry.local/tiny:2', ...inputs })
  expect(run.code).toBe(1)
  expect(errorLine(run)).toMatch(message)
  expect(await c.objects.find(deploymentRef('default', 'tiny-canary'))).toBeUndefined()
  expect(await imageOf(c.objects, 'default', 'tiny')).toBe('registry.local/tiny:1')
})
