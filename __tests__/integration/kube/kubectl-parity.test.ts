// The same questions asked of kubectl and of packages/kube on one simulator must get the same
// answers: rollout history, rollout status's last line, undo results and undo errors.
import { recordingLogger } from '@deploy-actions/kit'
import {
  type Deployment,
  formatHistory,
  getRolloutHistory,
  type KubeApi,
  loadKubeConfig,
  undoRollout,
  updateDeployment,
  waitForRollout,
} from '@deploy-actions/kube'
import { type KubeSimulator, kubectlRunner, requireBinary } from '@deploy-actions/testbed'
import { startSimulatorClients } from './simulator-clients.ts'

let sim: KubeSimulator
let api: KubeApi
let kubectlBin: string

beforeAll(async () => {
  kubectlBin = requireBinary('kubectl', 'apt-get install kubectl')
  ;({ sim, api } = await startSimulatorClients({ podReadyDelayMs: 100, controllerTickMs: 20 }))
})
afterAll(async () => {
  await sim?.stop()
})

const kubectl = (...args: string[]) => kubectlRunner(kubectlBin, sim.kubeconfigPath).run(args)

const quiet = () => {}
async function deployWithHistory(name: string) {
  const k8s = await import('@kubernetes/client-node')
  const { kubeConfig } = await loadKubeConfig({ kubeconfig: sim.kubeconfig })
  await kubeConfig.makeApiClient(k8s.AppsV1Api).createNamespacedDeployment({
    namespace: 'default',
    body: {
      metadata: { name },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: name } },
        template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'web:1' }] } },
      },
    },
  })
  await waitForRollout(api, { namespace: 'default', name, timeoutMs: 30_000, log: quiet })
  for (const [image, cause] of [
    ['web:2', 'release 2'],
    ['web:3', undefined],
  ] as const) {
    await updateDeployment(api, 'default', name, (d) => {
      d.spec!.template.spec!.containers[0]!.image = image
      const annotations = { ...d.metadata!.annotations }
      if (cause) annotations['kubernetes.io/change-cause'] = cause
      else delete annotations['kubernetes.io/change-cause']
      d.metadata!.annotations = annotations
      return d
    })
    await waitForRollout(api, { namespace: 'default', name, timeoutMs: 30_000, log: quiet })
  }
}

/** A Deployment's template and annotations with its name swapped out, for comparing twins. */
function shape(d: Deployment, name: string) {
  const { template } = d.spec!
  const annotations = { ...d.metadata?.annotations }
  return JSON.parse(JSON.stringify({ template, annotations }).replaceAll(name, 'NAME'))
}

test('rollout history prints the same table', async () => {
  await deployWithHistory('hist')
  const ours = formatHistory((await getRolloutHistory(api, 'default', 'hist')).entries)
  const theirs = await kubectl('rollout', 'history', 'deployment/hist')
  expect(theirs.code).toBe(0)
  const lines = theirs.stdout.split('\n').map((l) => l.trimEnd())
  expect(lines[0]).toBe('deployment.apps/hist')
  expect(lines.slice(1).join('\n')).toBe(ours)
})

test('rollout status ends with the same line', async () => {
  await updateDeployment(api, 'default', 'hist', (d) => {
    d.spec!.template.spec!.containers[0]!.image = 'web:4'
    return d
  })
  const log = recordingLogger()
  const ours = await waitForRollout(api, { namespace: 'default', name: 'hist', timeoutMs: 30_000, log: log.info })
  const theirs = await kubectl('rollout', 'status', 'deployment/hist', '--timeout=30s')
  expect(theirs.code).toBe(0)
  expect(theirs.stdout.split('\n').at(-1)).toBe(ours.message)
})

test('undo (previous and to a revision) leaves the same Deployment as kubectl rollout undo', async () => {
  await deployWithHistory('viakubectl')
  await deployWithHistory('viaus')
  for (const to of [0, 1]) {
    const theirs = await kubectl('rollout', 'undo', 'deployment/viakubectl', ...(to ? [`--to-revision=${to}`] : []))
    expect(theirs).toMatchObject({ code: 0, stdout: 'deployment.apps/viakubectl rolled back' })
    const ours = await undoRollout(api, 'default', 'viaus', to)
    expect(ours.message).toBe('rolled back')
    // Compared once the controller has settled both (it bumps the revision annotation).
    const [a, b] = await Promise.all(
      ['viakubectl', 'viaus'].map(
        async (name) =>
          (await waitForRollout(api, { namespace: 'default', name, timeoutMs: 30_000, log: quiet })).deployment,
      ),
    )
    expect(shape(b!, 'viaus')).toEqual(shape(a!, 'viakubectl'))
  }
})

test("undo errors and no-ops read as kubectl's", async () => {
  const missing = await kubectl('rollout', 'undo', 'deployment/viakubectl', '--to-revision=42')
  expect(missing.code).not.toBe(0)
  await expect(undoRollout(api, 'default', 'viaus', 42)).rejects.toThrow(missing.stderr.replace(/^error: /, ''))
  const current = (await getRolloutHistory(api, 'default', 'viaus')).revision!
  const skipTheirs = await kubectl('rollout', 'undo', 'deployment/viakubectl', `--to-revision=${current}`)
  const skipOurs = await undoRollout(api, 'default', 'viaus', current)
  expect(skipTheirs.stdout).toBe(`deployment.apps/viakubectl ${skipOurs.message}`)
})
