// The guardrails action's check (its bundle, as the runner runs it) blocks a release while
// something else is deploying the Deployment, on the Kubernetes simulator with moto as AWS: a
// rollout in progress (an image the kubelet cannot pull holds it at 1 of 2 updated), a canary the
// canary action left paused at 20% (its own bundle), even with break-glass overriding a freeze;
// a settled Deployment passes, and so does the canary's after the canary action aborted it.
import { waitUntil } from '@deploy-actions/kit'
import type { Deployment, KubeObject } from '@deploy-actions/kube'
import { type BundleRun, type Moto, runBundle, startMoto } from '@deploy-actions/testbed'
import { type Cluster, canary, deploymentRef, errorLine, stableApp, startCluster } from '../canary-deploy/helpers.ts'
import { rolledOut } from './shop-deployment.ts'

let c: Cluster
let moto: Moto
beforeAll(async () => {
  ;[c, moto] = await Promise.all([startCluster(), startMoto()])
}, 60_000)
afterAll(async () => {
  await Promise.all([c?.sim.stop(), moto?.stop()])
})

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10)

/** The check step of release.yml's preflight for one Deployment; `breakGlass` also puts a freeze around today. */
function check(deployment: string, breakGlass = ''): Promise<BundleRun> {
  return runBundle('guardrails', {
    inputs: {
      mode: 'check',
      version: 'v2.0.0',
      'aws-region': 'us-east-1',
      kubeconfig: c.sim.kubeconfig,
      deployment,
      ...(breakGlass ? { freeze: `${day(-1)}..${day(1)} Europe/Berlin`, 'break-glass': breakGlass } : {}),
    },
    env: moto.env,
    timeoutMs: 60_000,
  })
}

test('a settled Deployment passes: rolled out, no canary', async () => {
  await stableApp(c.objects, 'default', 'shop', 2)
  await rolledOut(c.sim.kubeconfig, 'shop')
  const run = await check('shop')
  expect(errorLine(run)).toBe('')
  expect(run.outputs.result).toBe('passed')
  expect(run.stdout).toContain(
    '✔ nothing deploying: no rollout in progress (deployment "shop" successfully rolled out), no canary running',
  )
})

test('a Deployment mid-rollout blocks, break-glass or not, naming the rollout and what to do', async () => {
  await stableApp(c.objects, 'default', 'cart', 2)
  // An image the kubelet cannot pull holds the rollout (maxUnavailable 0 of 2: the old pods stay);
  // a long progress deadline keeps it "in progress" rather than failed however slow the machine.
  await c.objects.mergePatch(deploymentRef('default', 'cart'), {
    spec: {
      progressDeadlineSeconds: 100_000,
      template: { spec: { containers: [{ name: 'app', image: 'registry.local/cart:2-missing' }] } },
    },
  })
  await waitUntil(
    async () => {
      const d = await c.objects.get<KubeObject & Deployment>(deploymentRef('default', 'cart'))
      const observed = (d.status?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1)
      return observed && d.status?.updatedReplicas === 1 ? { done: true } : { detail: JSON.stringify(d.status) }
    },
    { what: 'cart rolling out', timeoutMs: 30_000, intervalMs: 50, log: () => {} },
  )
  const run = await check('cart', 'INC-7 checkout down')
  expect(run.code).toBe(1)
  expect(run.outputs.result).toBe('blocked')
  // The freeze was overridden (a warning says so); the rollout was not.
  expect(run.outputs.override).toMatch(/reason: INC-7 checkout down$/)
  expect(run.outputs.reason).toContain(
    'nothing deploying: default/cart is still rolling out (Waiting for deployment "cart" rollout to finish: 1 out of 2 new replicas have been updated...): wait until it has rolled out (kubectl rollout status deployment/cart -n default)',
  )
  expect(errorLine(run)).toMatch(/release v2\.0\.0 blocked: nothing deploying: default\/cart is still rolling out/)
})

test('a canary left running blocks, break-glass or not; after the canary action aborts it, the check passes', async () => {
  await stableApp(c.objects, 'default', 'basket', 4)
  const paused = await canary(c.sim, { deployment: 'basket', image: 'registry.local/basket:2', steps: '20' })
  expect(errorLine(paused)).toBe('')
  expect(paused.outputs.result).toBe('paused')

  const blocked = await check('basket', 'INC-8')
  expect(blocked.code).toBe(1)
  expect(blocked.outputs.result).toBe('blocked')
  expect(blocked.outputs.reason).toMatch(
    /nothing deploying: a canary of default\/basket is running: canary basket-canary \(image registry\.local\/basket:2, 20%, paused, router replicas\); wait until it is promoted, or abort it with the canary action \(action: abort\)/,
  )

  const aborted = await canary(c.sim, { deployment: 'basket', action: 'abort' })
  expect(errorLine(aborted)).toBe('')
  expect(aborted.outputs.result).toBe('aborted')
  expect(await c.objects.find(deploymentRef('default', 'basket-canary'))).toBeUndefined()
  // The stable as the abort left it, once rolled out.
  await rolledOut(c.sim.kubeconfig, 'basket')
  const passed = await check('basket')
  expect(errorLine(passed)).toBe('')
  expect(passed.outputs.result).toBe('passed')
}, 180_000)
