// The rollback bundle as the runner runs it, against the Kubernetes API simulator: to the previous
// revision, to a given one, to an image; a target that crash-loops reports the pod reason and
// Events; a running canary is refused, or aborted first with abort-canary (traffic back to stable
// through the canary's own router); bad input fails before any write.
import { recordingLogger } from '@deploy-actions/kit'
import {
  createRouter,
  type Deployment,
  type KubeApi,
  type KubeObject,
  type ObjectsApi,
  revisionOf,
} from '@deploy-actions/kube'
import { type KubeSimulator, runBundle } from '@deploy-actions/testbed'
import { type CanaryState, encodeState } from '../../../actions/canary-deploy/src/state.ts'
import { startSimulatorClients } from '../kube/simulator-clients.ts'
import { deploymentBody, withHistory as history, NS } from './helpers.ts'

let sim: KubeSimulator
let api: KubeApi
let objects: ObjectsApi

beforeAll(async () => {
  ;({ sim, api, objects } = await startSimulatorClients({
    podReadyDelayMs: 50,
    controllerTickMs: 20,
    // A Deployment's default 600 s progress deadline is 30 s here, well past the rollback's own
    // timeouts (4-5 s), as it is past them on a real cluster; a 10 s back-off is 0.5 s.
    timeScale: 0.05,
  }))
})
afterAll(async () => {
  await sim?.stop()
})

const imageOf = (d: Deployment) => d.spec?.template.spec?.containers[0]?.image
const rollback = (inputs: Record<string, string>) =>
  runBundle('rollback', {
    inputs: { kubeconfig: sim.kubeconfig, ...inputs },
    env: { DEPLOY_ACTIONS_PROGRESS_INTERVAL_MS: '1000' },
    timeoutMs: 90_000,
  })

test('to the previous revision, then to a given revision, waiting for each rollout', async () => {
  await history(api, objects, 'shop', ['shop:1', 'shop:2', 'shop:3'])
  const previous = await rollback({ deployment: 'shop' })
  expect(previous.stderr).toBe('')
  expect(previous.code).toBe(0)
  expect(previous.outputs).toEqual({ revision: '4', image: 'shop:2', 'previous-image': 'shop:3' })
  expect(previous.stdout).toMatch(/deployment "shop" successfully rolled out/)
  expect(previous.summary).toMatch(/## rollback: default\/shop rolled back/)
  expect(previous.summary).toMatch(/\| Revision \| 3 \| 4 \(the template of revision 2\) \|/)
  expect(imageOf(await api.readDeployment(NS, 'shop'))).toBe('shop:2')

  const first = await rollback({ deployment: 'shop', 'to-revision': '1' })
  expect(first.code).toBe(0)
  expect(first.outputs).toEqual({ revision: '5', image: 'shop:1', 'previous-image': 'shop:2' })
  // The same again is kubectl's "skipped rollback": nothing changes, and it says so.
  const again = await rollback({ deployment: 'shop', 'to-revision': '5' })
  expect(again.code).toBe(0)
  expect(again.summary).toMatch(/already at the target/)
  expect(again.outputs.revision).toBe('5')
})

test('a re-run of the same step writes nothing: the undo is not undone', async () => {
  await history(api, objects, 'rerun', ['rerun:1', 'rerun:2'])
  const step = { GITHUB_RUN_ID: '4242', GITHUB_JOB: 'rollback', GITHUB_ACTION: 'undo' }
  const once = (attempt: string) =>
    runBundle('rollback', {
      inputs: { kubeconfig: sim.kubeconfig, deployment: 'rerun' },
      env: { ...step, GITHUB_RUN_ATTEMPT: attempt },
      timeoutMs: 90_000,
    })
  const first = await once('1')
  expect(first.code).toBe(0)
  expect(first.outputs).toEqual({ revision: '3', image: 'rerun:1', 'previous-image': 'rerun:2' })
  const second = await once('2')
  expect(second.code).toBe(0)
  expect(second.outputs).toEqual(first.outputs)
  expect(second.stdout).toMatch(/this step already rolled rerun back to revision 3 \(app=rerun:1\); nothing to write/)
  expect(second.summary).toMatch(/rollback: default\/rerun already rolled back by this step/)
  const d = await api.readDeployment(NS, 'rerun')
  expect([revisionOf(d), imageOf(d)]).toEqual([3, 'rerun:1'])
  // Another run is another rollback, as kubectl rollout undo is: back to rerun:2.
  const other = await runBundle('rollback', {
    inputs: { kubeconfig: sim.kubeconfig, deployment: 'rerun' },
    env: { ...step, GITHUB_RUN_ID: '4243' },
  })
  expect(other.outputs).toEqual({ revision: '4', image: 'rerun:2', 'previous-image': 'rerun:1' })
})

test('to a named image, without waiting', async () => {
  await history(api, objects, 'img', ['img:1', 'img:2'])
  const run = await rollback({ deployment: 'img', image: 'img:1.9', wait: 'false' })
  expect(run.code).toBe(0)
  expect(run.outputs).toEqual({ revision: '3', image: 'img:1.9', 'previous-image': 'img:2' })
  expect(run.summary).toMatch(/not awaited/)
})

test('a rollback whose target crash-loops fails with the pod reason and its Events, outputs set', async () => {
  await history(api, objects, 'crash', ['crash:1-crashloop', 'crash:2'])
  const run = await rollback({ deployment: 'crash', timeout: '5s' })
  expect(run.code).toBe(1)
  expect(run.stdout).toMatch(
    // At the deadline the container is waiting out its back-off or has just exited again.
    /::error::timed out after 5.0s waiting for deployment "crash" rollout to finish.*(CrashLoopBackOff|Error), \d+ restarts?/,
  )
  expect(run.stdout).toMatch(/Warning {2}BackOff {2}kubelet .*Back-off restarting failed container app/)
  expect(run.outputs).toEqual({ revision: '3', image: 'crash:1-crashloop', 'previous-image': 'crash:2' })
  expect(run.summary).toMatch(/### Failing pods/)
  expect(run.summary).toMatch(/\| crash-[a-z0-9]+-[a-z0-9]+ \| app \| (CrashLoopBackOff|Error) \| [1-9]\d* \|/)
  expect(run.summary).toMatch(/### Events[\s\S]*BackOff/)
  expect(run.summary).toMatch(/Left: crash rolled back to crash:1-crashloop, rollout not complete \(Timeout\)/)
  expect(run.stdout).toMatch(
    /::error::.*\(left: crash rolled back to crash:1-crashloop, rollout not complete \(Timeout\)\)/,
  )
  expect(run.summary).not.toMatch(/\*\*Failed\*\*:.*\(left:/)
})

test('cancelled while waiting: stops at once, outputs and summary say the undo is written', async () => {
  await history(api, objects, 'cancel', ['cancel:1-crashloop', 'cancel:2'])
  const run = await runBundle('rollback', {
    inputs: { kubeconfig: sim.kubeconfig, deployment: 'cancel', timeout: '5m' },
    cancelWhen: (stdout) => stdout.includes('Waiting for deployment "cancel" rollout to finish'),
    timeoutMs: 60_000,
  })
  expect(run.signalsSent).toEqual(['SIGINT'])
  expect(run.code).toBe(1)
  expect(run.stdout).toMatch(
    /::error::.*cancel.*\(left: cancel rolled back to cancel:1-crashloop \(written\), rollout not awaited\)/,
  )
  expect(run.outputs).toEqual({ revision: '3', image: 'cancel:1-crashloop', 'previous-image': 'cancel:2' })
  expect(run.summary).toMatch(/## rollback: default\/cancel cancelled/)
  expect(imageOf(await api.readDeployment(NS, 'cancel'))).toBe('cancel:1-crashloop')
})

test('bad input fails before any write, naming what is wrong', async () => {
  await history(api, objects, 'bad', ['bad:1', 'bad:2'])
  const before = (await api.readDeployment(NS, 'bad')).metadata?.resourceVersion
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ deployment: 'nope' }, /deployment "nope" not found in namespace "default"/],
    [{ deployment: 'bad', namespace: 'elsewhere' }, /namespace "elsewhere" not found/],
    [
      { deployment: 'bad', 'to-revision': '9' },
      /revision 9 is not in the history of deployment "bad"; revisions: 1, 2 \(current\)/,
    ],
    [
      { deployment: 'bad', timeout: 'soon' },
      /Invalid input timeout: expected a duration like 90s, 10m or 1h, got "soon"/,
    ],
    [
      { deployment: 'bad', image: 'bad:3', 'to-revision': '1' },
      /Invalid input image: either image or to-revision, not both/,
    ],
  ]
  for (const [inputs, message] of cases) {
    const run = await rollback(inputs)
    expect({ inputs, code: run.code, error: run.stdout.match(/::error::.*/)?.[0] }).toEqual({
      inputs,
      code: 1,
      error: expect.stringMatching(message),
    })
    expect(run.outputs).toEqual({})
  }
  expect((await api.readDeployment(NS, 'bad')).metadata?.resourceVersion).toBe(before)
})

describe('a running canary', () => {
  /** The stable `web` at web:2 (history web:1, web:2), its Service and HTTPRoute, a web-canary at 10%. */
  async function canaryAt10(): Promise<void> {
    await history(api, objects, 'web', ['web:1', 'web:2'])
    await objects.create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: NS },
      spec: { selector: { app: 'web', track: 'stable' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    })
    await objects.create({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'web', namespace: NS },
      spec: { parentRefs: [{ name: 'public' }], rules: [{ backendRefs: [{ name: 'web', port: 80 }] }] },
    })
    const routing = {
      namespace: NS,
      stable: 'web',
      stableService: 'web',
      canaryService: 'web-canary',
      canaryPodLabels: { app: 'web', track: 'canary' },
      httpRoute: 'web',
    }
    const router = createRouter('gateway-api', routing, objects)
    await router.prepare()
    await router.setWeight(10)
    const state: CanaryState = {
      v: 1,
      stable: 'web',
      namespace: NS,
      container: 'app',
      image: 'web:3',
      previousImage: 'web:2',
      router: 'gateway-api',
      httpRoute: 'web',
      stableService: 'web',
      canaryService: 'web-canary',
      canaryPodLabels: routing.canaryPodLabels,
      steps: [10, 50, 100],
      weight: 10,
      liveWeight: 10,
      phase: 'running',
      started: new Date().toISOString(),
      updated: new Date().toISOString(),
      startedBy: 'https://github.com/acme/webshop/actions/runs/7',
      checks: [],
    }
    const canary = deploymentBody('web-canary', 'web:3', routing.canaryPodLabels, 1)
    canary.metadata!.annotations = encodeState(state)
    await objects.create(canary)
  }

  const route = () =>
    objects.get<KubeObject & { spec: { rules: Array<{ backendRefs: Array<{ name: string; weight?: number }> }> } }>({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      name: 'web',
      namespace: NS,
    })

  test('is refused, changing nothing; with abort-canary it is aborted (100% stable) and the rollback runs', async () => {
    await canaryAt10()
    const refused = await rollback({ deployment: 'web' })
    expect(refused.code).toBe(1)
    expect(refused.stdout).toMatch(
      /::error::a canary of deployment "web" is running: canary web-canary \(image web:3, 10%25, running, router gateway-api, started by https:\/\/github.com\/acme\/webshop\/actions\/runs\/7\); abort it first .* or pass abort-canary: true/,
    )
    expect(refused.summary).toMatch(/rollback: default\/web refused/)
    expect(imageOf(await api.readDeployment(NS, 'web'))).toBe('web:2')
    expect((await route()).spec.rules[0]!.backendRefs.map((r) => [r.name, r.weight])).toEqual([
      ['web', 90],
      ['web-canary', 10],
    ])

    const log = recordingLogger()
    const aborted = await rollback({ deployment: 'web', 'abort-canary': 'true' })
    log.info(aborted.stdout)
    expect(aborted.code).toBe(0)
    expect(aborted.outputs).toEqual({ revision: '3', image: 'web:1', 'previous-image': 'web:2' })
    expect(aborted.summary).toMatch(/gateway-api router: 100% routed to web, canary routing objects removed/)
    expect(aborted.summary).toMatch(/deleted Deployment web-canary/)
    expect((await route()).spec.rules[0]!.backendRefs.map((r) => [r.name, r.weight])).toEqual([['web', 100]])
    expect(
      await objects.find({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web-canary', namespace: NS }),
    ).toBeUndefined()
    expect(await objects.find({ apiVersion: 'v1', kind: 'Service', name: 'web-canary', namespace: NS })).toBeUndefined()
  })

  test('with the replicas router (no routing objects), aborting deletes the canary Deployment', async () => {
    await history(api, objects, 'rep', ['rep:1', 'rep:2'])
    const state: CanaryState = {
      v: 1,
      stable: 'rep',
      namespace: NS,
      container: 'app',
      image: 'rep:3',
      previousImage: 'rep:2',
      router: 'replicas',
      canaryPodLabels: { app: 'rep', track: 'canary' },
      steps: [10, 100],
      weight: 10,
      liveWeight: 25,
      phase: 'paused',
      started: new Date().toISOString(),
      updated: new Date().toISOString(),
      checks: [],
    }
    const canary = deploymentBody('rep-canary', 'rep:3', state.canaryPodLabels, 1)
    canary.metadata!.annotations = encodeState(state)
    await objects.create(canary)
    const run = await rollback({ deployment: 'rep', 'abort-canary': 'true', wait: 'false' })
    expect(run.code).toBe(0)
    expect(run.summary).toMatch(/Canary: canary rep-canary \(image rep:3, 25%, paused, router replicas\)/)
    expect(run.summary).toMatch(/- deleted Deployment rep-canary/)
    expect(run.summary).not.toMatch(/router: 100% routed/)
    expect(run.outputs).toEqual({ revision: '3', image: 'rep:1', 'previous-image': 'rep:2' })
    expect(
      await objects.find({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'rep-canary', namespace: NS }),
    ).toBeUndefined()
  })
})
