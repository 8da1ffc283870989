// Cancellation as the runner does it: SIGINT to the running step (SIGTERM 7.5 s later), then the
// post step with the state the main step saved. The stable is left serving 100%.
import { runBundle } from '@deploy-actions/testbed'
import { type Cluster, canary, deploymentRef, errorLine, imageOf, stableApp, startCluster } from './helpers.ts'

let c: Cluster
beforeAll(async () => {
  c = await startCluster()
})
afterAll(async () => {
  await c?.sim.stop()
})

it('SIGINT mid-step aborts the canary at once; the post step finds nothing left to do', async () => {
  await stableApp(c.objects, 'default', 'checkout', 4)
  const main = await runBundle('canary-deploy', {
    inputs: {
      kubeconfig: c.sim.kubeconfig,
      deployment: 'checkout',
      image: 'registry.local/checkout:2',
      steps: '20,100',
      'step-duration': '5m',
      'analysis-interval': '1s',
    },
    cancelWhen: (stdout) => stdout.includes('weight asked 20%'),
    timeoutMs: 60_000,
  })
  expect(main.signalsSent).toEqual(['SIGINT'])
  expect(main.code).toBe(1)
  expect(main.outputs).toMatchObject({ result: 'aborted', weight: '0', reason: 'the job was cancelled' })
  expect(errorLine(main)).toMatch(
    /canary deleted, stable default\/checkout untouched at image registry.local\/checkout:1/,
  )
  expect(main.state.canary ?? '').toBe('')
  const post = await runBundle('canary-deploy', { postOf: main })
  expect(post.code).toBe(0)
  expect(post.stdout).not.toMatch(/aborting/)
  expect(await imageOf(c.objects, 'default', 'checkout')).toBe('registry.local/checkout:1')
  expect(await c.objects.find(deploymentRef('default', 'checkout-canary'))).toBeUndefined()
})

it('the post step aborts a canary its job started and left running', async () => {
  await stableApp(c.objects, 'default', 'basket', 4)
  const paused = await canary(c.sim, { deployment: 'basket', image: 'registry.local/basket:2', steps: '20' })
  expect(paused.outputs.result).toBe('paused')
  // As if the main step had been killed before it could abort: the state still names the canary.
  const post = await runBundle('canary-deploy', {
    postOf: { ...paused, state: { ...paused.state, canary: 'default/basket' } },
  })
  expect(errorLine(post)).toBe('')
  expect(post.stdout).toMatch(/post: the canary this job started \(default\/basket\) was left running; aborting it/)
  expect(post.outputs).toMatchObject({ result: 'aborted', weight: '0' })
  expect(await imageOf(c.objects, 'default', 'basket')).toBe('registry.local/basket:1')
  expect(await c.objects.find(deploymentRef('default', 'basket-canary'))).toBeUndefined()
})
