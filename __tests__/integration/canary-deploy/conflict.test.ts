// run() in-process against the simulator, with a concurrent writer: the promotion's update of
// the stable Deployment meets a real 409 Conflict (its resourceVersion went stale) and is retried
// from a fresh read, keeping the other writer's change.
import { realClock, recordInputGetter, recordingLogger } from '@deploy-actions/kit'
import {
  createKubeApi,
  createObjectsApi,
  createRouter,
  type KubeObject,
  loadKubeConfig,
  type ObjectsApi,
} from '@deploy-actions/kube'
import { parseInputs } from '../../../actions/canary-deploy/src/inputs.ts'
import { run } from '../../../actions/canary-deploy/src/main.ts'
import { providers } from '../../../actions/canary-deploy/src/providers/index.ts'
import { newReport } from '../../../actions/canary-deploy/src/report.ts'
import { type Cluster, deploymentRef, imageOf, stableApp, startCluster } from './helpers.ts'

let c: Cluster
beforeAll(async () => {
  c = await startCluster()
})
afterAll(async () => {
  await c?.sim.stop()
})

it('a 409 on the stable update is retried from a fresh read', async () => {
  await stableApp(c.objects, 'default', 'web', 2)
  const { kubeConfig } = await loadKubeConfig({ kubeconfig: c.sim.kubeconfig })
  const objects = await createObjectsApi(kubeConfig)
  let conflicts = 0
  const raced: ObjectsApi = {
    ...objects,
    async replace<T extends KubeObject>(o: T, options?: { fieldManager?: string }) {
      if (o.kind === 'Deployment' && o.metadata?.name === 'web' && conflicts === 0) {
        conflicts++
        // Another writer changes the Deployment between our read and our write.
        await objects.mergePatch(deploymentRef('default', 'web'), {
          metadata: { annotations: { 'example.com/other-writer': 'was here' } },
        })
      }
      return objects.replace(o, options)
    },
  }
  const inputs = parseInputs(
    recordInputGetter({
      deployment: 'web',
      image: 'registry.local/web:2',
      steps: '50,100',
      'step-duration': '1s',
      'analysis-interval': '500ms',
      'rollout-timeout': '30s',
    }),
    {},
  )
  const report = newReport(inputs, Date.now())
  const log = recordingLogger()
  await run(
    inputs,
    {
      kube: await createKubeApi(kubeConfig),
      objects: raced,
      routerFor: (kind, routing) => createRouter(kind, routing, raced),
      measure: providers({ timeoutMs: 1000, now: Date.now }),
      clock: realClock,
      log,
      remember: () => {},
    },
    report,
  )
  expect(conflicts).toBe(1)
  expect(report.result).toBe('promoted')
  expect(await imageOf(c.objects, 'default', 'web')).toBe('registry.local/web:2')
  const web = await c.objects.get(deploymentRef('default', 'web'))
  expect(web.metadata?.annotations?.['example.com/other-writer']).toBe('was here')
})
