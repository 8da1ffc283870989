// packages/kube's rollbackDeployment against the simulator: undo to the previous revision and to
// a given one, roll to a named image, wait for the rollout, and a target that crash-loops failing
// with the pod's reason and Events; checkRollbackTarget refusing before any write.
import { recordingLogger } from '@deploy-actions/kit'
import {
  checkRollbackTarget,
  type KubeApi,
  type ObjectsApi,
  RollbackError,
  RolloutFailedError,
  rollbackDeployment,
} from '@deploy-actions/kube'
import type { KubeSimulator } from '@deploy-actions/testbed'
import { startSimulatorClients } from '../kube/simulator-clients.ts'
import { withHistory as history, NS } from './helpers.ts'

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

test('undo to the previous revision, then to a given one, waiting for each rollout', async () => {
  await history(api, objects, 'undo', ['web:1', 'web:2', 'web:3'])
  const log = recordingLogger()
  const previous = await rollbackDeployment(api, { namespace: NS, name: 'undo', timeoutMs: 30_000, log: log.info })
  expect(previous).toMatchObject({
    message: 'rolled back',
    skipped: false,
    fromRevision: 3,
    restoredRevision: 2,
    revision: 4,
    images: ['app=web:2'],
    previousImages: ['app=web:3'],
  })
  expect(previous.rollout?.message).toBe('deployment "undo" successfully rolled out')
  const first = await rollbackDeployment(api, {
    namespace: NS,
    name: 'undo',
    toRevision: 1,
    timeoutMs: 30_000,
    log: log.info,
  })
  expect(first).toMatchObject({
    restoredRevision: 1,
    revision: 5,
    images: ['app=web:1'],
    previousImages: ['app=web:2'],
  })
  // Without waiting, the revision is still the controller's new number.
  const noWait = await rollbackDeployment(api, {
    namespace: NS,
    name: 'undo',
    wait: false,
    timeoutMs: 30_000,
    log: log.info,
  })
  expect(noWait).toMatchObject({ revision: 6, images: ['app=web:2'], rollout: undefined })
})

test('roll to a named image; the same image again is a no-op', async () => {
  await history(api, objects, 'img', ['web:1', 'web:2'])
  const log = recordingLogger()
  const set = await rollbackDeployment(api, {
    namespace: NS,
    name: 'img',
    image: 'web:1.9',
    timeoutMs: 30_000,
    log: log.info,
  })
  expect(set).toMatchObject({
    message: 'image app=web:1.9 set',
    revision: 3,
    images: ['app=web:1.9'],
    previousImages: ['app=web:2'],
  })
  const again = await rollbackDeployment(api, {
    namespace: NS,
    name: 'img',
    image: 'web:1.9',
    timeoutMs: 30_000,
    log: log.info,
  })
  expect(again).toMatchObject({ skipped: true, revision: 3 })
})

test('a target that crash-loops fails the wait with the pod reason and its Events', async () => {
  await history(api, objects, 'crash', ['web:1-crashloop', 'web:2'])
  const log = recordingLogger()
  const error = await rollbackDeployment(api, {
    namespace: NS,
    name: 'crash',
    timeoutMs: 4000,
    progressEveryMs: 1000,
    log: log.info,
  }).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(RolloutFailedError)
  const failed = error as RolloutFailedError
  expect(failed.reason).toBe('Timeout')
  // Sampled at the deadline, a crash-looping container is either waiting out its back-off
  // (CrashLoopBackOff) or just exited again (Error, with restarts), as kubectl get pods shows it.
  expect(failed.problems.map((p) => p.reason)).toEqual([expect.stringMatching(/^(CrashLoopBackOff|Error)$/)])
  expect(failed.problems[0]!.restartCount).toBeGreaterThan(0)
  expect(failed.message).toMatch(/(CrashLoopBackOff|Error), \d+ restarts?/)
  expect(failed.details.join('\n')).toMatch(/BackOff .*Back-off restarting failed container/)
})

test('checkRollbackTarget names a missing deployment and lists the revisions there are', async () => {
  await history(api, objects, 'check', ['web:1', 'web:2'])
  await expect(checkRollbackTarget(api, NS, 'check', 7)).rejects.toThrow(
    new RollbackError('revision 7 is not in the history of deployment "check"; revisions: 1, 2 (current)'),
  )
  await expect(checkRollbackTarget(api, NS, 'nope')).rejects.toThrow(
    'deployment "nope" not found in namespace "default"',
  )
  await history(api, objects, 'single', ['web:1'])
  await expect(checkRollbackTarget(api, NS, 'single')).rejects.toThrow(
    /has no previous revision to roll back to; revisions: 1 \(current\)/,
  )
  const { entries } = await checkRollbackTarget(api, NS, 'check', 1)
  expect(entries.map((e) => e.revision)).toEqual([1, 2])
})
