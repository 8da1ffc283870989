// packages/kube against the Kubernetes API simulator, as kubectl would use the real server:
// rollout status by watch (good, crash-looping, missing image, OOM, progress deadline), history
// and undo through ReplicaSet revisions, and conflict-safe updates on a real 409.
import { recordingLogger } from '@deploy-actions/kit'
import {
  type Deployment,
  formatHistory,
  getRolloutHistory,
  type KubeApi,
  loadKubeConfig,
  RolloutFailedError,
  undoRollout,
  updateDeployment,
  waitForRollout,
} from '@deploy-actions/kube'
import type { KubeSimulator } from '@deploy-actions/testbed'
import type { V1Deployment } from '@kubernetes/client-node'
import { startSimulatorClients } from './simulator-clients.ts'

let sim: KubeSimulator
let api: KubeApi
const NS = 'default'

beforeAll(async () => {
  // One clock for everything the simulator plays: at 0.01, a 300 s progress deadline is 3 s.
  ;({ sim, api } = await startSimulatorClients({ podReadyDelayMs: 100, controllerTickMs: 20, timeScale: 0.01 }))
})
afterAll(async () => {
  await sim?.stop()
})

async function create(name: string, image: string, spec: { replicas?: number; progressDeadlineSeconds?: number } = {}) {
  const { AppsV1Api } = await import('@kubernetes/client-node')
  const { kubeConfig } = await loadKubeConfig({ kubeconfig: sim.kubeconfig })
  const body: V1Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NS },
    spec: {
      replicas: spec.replicas ?? 2,
      progressDeadlineSeconds: spec.progressDeadlineSeconds,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image }] } },
    },
  }
  await kubeConfig.makeApiClient(AppsV1Api).createNamespacedDeployment({ namespace: NS, body })
}

function setImage(name: string, image: string, cause?: string) {
  return updateDeployment(api, NS, name, (d) => {
    d.spec!.template.spec!.containers[0]!.image = image
    if (cause) d.metadata!.annotations = { ...d.metadata!.annotations, 'kubernetes.io/change-cause': cause }
    return d
  })
}

const image = (d: Deployment) => d.spec?.template.spec?.containers[0]?.image

function wait(name: string, extra: { timeoutMs?: number } = {}) {
  const log = recordingLogger()
  const promise = waitForRollout(api, {
    namespace: NS,
    name,
    timeoutMs: 60_000,
    log: log.info,
    progressEveryMs: 1000,
    ...extra,
  })
  return { log, promise }
}

test("a good rollout completes with kubectl's messages", async () => {
  await create('good', 'web:1', { replicas: 3 })
  const first = await wait('good').promise
  expect(first.revision).toBe(1)
  await setImage('good', 'web:2')
  const { log, promise } = wait('good')
  const result = await promise
  expect(result.message).toBe('deployment "good" successfully rolled out')
  expect(result.revision).toBe(2)
  expect(result.deployment.status).toMatchObject({ replicas: 3, updatedReplicas: 3, availableReplicas: 3 })
  expect(log.lines.at(-1)).toBe('deployment "good" successfully rolled out')
  // Every intermediate line is one of kubectl's.
  for (const line of log.lines.slice(0, -1)) {
    expect(line).toMatch(
      /^(Waiting for deployment spec update to be observed\.\.\.|Waiting for deployment "good" rollout to finish: (\d+ out of 3 new replicas have been updated|\d+ old replicas are pending termination|\d+ of 3 updated replicas are available)\.\.\.|waiting for deployment "good" rollout: .*)$/,
    )
  }
})

test("a crash-looping rollout fails at its progress deadline with the pods' reasons and events", async () => {
  await create('crashy', 'web:1', { progressDeadlineSeconds: 300 })
  await wait('crashy').promise
  await setImage('crashy', 'web:2-crashloop')
  const { log, promise } = wait('crashy')
  const error = await promise.catch((e) => e)
  expect(error).toBeInstanceOf(RolloutFailedError)
  expect(error.reason).toBe('ProgressDeadlineExceeded')
  expect(error.message).toMatch(/^deployment "crashy" exceeded its progress deadline; pod crashy-/)
  // A crash-looping container is mostly waiting in CrashLoopBackOff, briefly running or just
  // terminated (Error) between back-offs; whichever moment the deadline hits, it has restarted.
  const crash = error.problems.find((p: { reason: string }) => /^(CrashLoopBackOff|Error)$/.test(p.reason))
  expect(crash).toBeDefined()
  expect(crash.restartCount).toBeGreaterThan(0)
  expect(error.details.some((l: string) => /^ {2}crashy-.*: Warning {2}BackOff/.test(l))).toBe(true)
  expect(log.lines).toEqual(expect.arrayContaining(error.details))
  // The old ReplicaSet keeps serving: kubectl's rule reports the stuck update, not an outage.
  expect(error.deployment.status.availableReplicas).toBeGreaterThan(0)
})

test('a missing image times out (bounded wait) with ImagePullBackOff and its events', async () => {
  await create('pull', 'web:1', { replicas: 1, progressDeadlineSeconds: 6000 })
  await wait('pull').promise
  await setImage('pull', 'web:2-missing')
  const error = await wait('pull', { timeoutMs: 2500 }).promise.catch((e) => e)
  expect(error).toBeInstanceOf(RolloutFailedError)
  expect(error.reason).toBe('Timeout')
  expect(error.message).toMatch(/^timed out after 2\.5s waiting for deployment "pull" rollout to finish: /)
  expect(error.problems.map((p: { reason: string }) => p.reason)).toEqual(
    expect.arrayContaining([expect.stringMatching(/^(ImagePullBackOff|ErrImagePull)$/)]),
  )
  expect(error.details.join('\n')).toMatch(/pull-.*: (Warning|Normal) {2}(Failed|BackOff|Pulling)/)
})

test('an OOM-killed rollout reports OOMKilled with restart counts', async () => {
  await create('oom', 'web:1', { replicas: 1, progressDeadlineSeconds: 300 })
  await wait('oom').promise
  await setImage('oom', 'web:2-oom')
  const error = await wait('oom').promise.catch((e) => e)
  expect(error).toBeInstanceOf(RolloutFailedError)
  const text = error.details.join('\n')
  expect(text).toMatch(/OOMKilled/)
  expect(error.problems.some((p: { restartCount: number }) => p.restartCount > 0)).toBe(true)
})

test('a deployment that never comes up hits ProgressDeadlineExceeded', async () => {
  await create('stuck', 'web:1-missing', { replicas: 1, progressDeadlineSeconds: 200 })
  const error = await wait('stuck').promise.catch((e) => e)
  expect(error).toBeInstanceOf(RolloutFailedError)
  expect(error.reason).toBe('ProgressDeadlineExceeded')
  expect(error.message).toMatch(/^deployment "stuck" exceeded its progress deadline/)
})

test('history and undo, to the previous revision and to a given one, as kubectl does', async () => {
  await create('hist', 'web:1', { replicas: 1 })
  await wait('hist').promise
  await setImage('hist', 'web:2', 'deploy v2')
  await wait('hist').promise
  await setImage('hist', 'web:3', 'deploy v3')
  await wait('hist').promise

  let h = await getRolloutHistory(api, NS, 'hist')
  expect(h.entries.map((e) => [e.revision, e.images[0], e.current])).toEqual([
    [1, 'web:1', false],
    [2, 'web:2', false],
    [3, 'web:3', true],
  ])
  expect(formatHistory(h.entries)).toBe(
    'REVISION  CHANGE-CAUSE\n1         <none>\n2         deploy v2\n3         deploy v3',
  )

  // undo → the previous revision (2); the controller reuses its ReplicaSet as revision 4.
  const undo = await undoRollout(api, NS, 'hist')
  expect(undo).toMatchObject({
    message: 'rolled back',
    skipped: false,
    restoredRevision: 2,
    images: ['web:2'],
    fromRevision: 3,
  })
  const after = await wait('hist').promise
  expect(after.revision).toBe(4)
  expect(image(after.deployment)).toBe('web:2')
  expect(after.deployment.spec?.template.metadata?.labels?.['pod-template-hash']).toBeUndefined()
  h = await getRolloutHistory(api, NS, 'hist')
  expect(h.entries.map((e) => e.revision)).toEqual([1, 3, 4])
  expect(h.entries.find((e) => e.revision === 4)?.changeCause).toBe('deploy v2')

  // undo --to-revision=1
  const to1 = await undoRollout(api, NS, 'hist', 1)
  expect(to1).toMatchObject({ message: 'rolled back', restoredRevision: 1, images: ['web:1'] })
  const back = await wait('hist').promise
  expect(back.revision).toBe(5)
  expect(image(back.deployment)).toBe('web:1')

  // kubectl's refusals and no-ops.
  await expect(undoRollout(api, NS, 'hist', 2)).rejects.toThrow('unable to find specified revision 2 in history')
  await expect(undoRollout(api, NS, 'hist', 5)).resolves.toMatchObject({
    skipped: true,
    message: 'skipped rollback (current template already matches revision 5)',
  })
})

test('a write on a stale resourceVersion gets 409 and is retried from a fresh read', async () => {
  await create('race', 'web:1', { replicas: 1 })
  // Settled first: a status write by the deployment controller between our read and write would
  // be one more conflict than the race below makes.
  await wait('race').promise
  let attempts = 0
  const result = await updateDeployment(api, NS, 'race', async (d) => {
    attempts++
    if (attempts === 1) {
      // Someone else writes between our read and our write.
      await updateDeployment(api, NS, 'race', (other) => {
        other.metadata!.annotations = { ...other.metadata!.annotations, 'example.com/other': 'yes' }
        return other
      })
    }
    d.spec!.replicas = 3
    return d
  })
  expect(result.attempts).toBe(2)
  const now = await api.readDeployment(NS, 'race')
  expect(now.spec?.replicas).toBe(3)
  expect(now.metadata?.annotations?.['example.com/other']).toBe('yes') // the other write survived
  // And a plain stale replace is a 409 from the server.
  const stale = { ...now, metadata: { ...now.metadata, resourceVersion: '1' } }
  await expect(api.replaceDeployment(NS, 'race', stale)).rejects.toMatchObject({ code: 409 })
})
