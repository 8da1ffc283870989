import { recordingLogger } from '@deploy-actions/kit'
import {
  type Deployment,
  RolloutFailedError,
  retryOnConflict,
  updateDeployment,
  waitForRollout,
} from '@deploy-actions/kube'
import { ApiError, FakeApi } from './fake-api.ts'

function deployment(status: NonNullable<Deployment['status']>, generation = 2): Deployment {
  return {
    metadata: {
      name: 'web',
      namespace: 'default',
      uid: 'd1',
      generation,
      resourceVersion: '1',
      annotations: { 'deployment.kubernetes.io/revision': '2' },
    },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'web:2' }] } },
    },
    status: { observedGeneration: generation, ...status },
  }
}
const rolling = { replicas: 3, updatedReplicas: 1, availableReplicas: 2 }
const complete = { replicas: 2, updatedReplicas: 2, availableReplicas: 2 }

function options(log: ReturnType<typeof recordingLogger>, extra: object = {}) {
  return {
    namespace: 'default',
    name: 'web',
    timeoutMs: 5000,
    log: log.info,
    progressEveryMs: 60_000,
    reconnectDelayMs: 1,
    ...extra,
  }
}

test('an already complete rollout returns at once, without a watch', async () => {
  const api = new FakeApi(deployment(complete))
  const log = recordingLogger()
  const result = await waitForRollout(api, options(log))
  expect(result.message).toBe('deployment "web" successfully rolled out')
  expect(result.revision).toBe(2)
  expect(api.watches).toHaveLength(0)
  expect(log.lines).toEqual(['deployment "web" successfully rolled out'])
})

test("follows watch events to completion, printing kubectl's messages as they change", async () => {
  const api = new FakeApi(deployment(rolling))
  const log = recordingLogger()
  const done = waitForRollout(api, options(log))
  const w = await api.nextWatch()
  expect(w.resourceVersion).toBe('1')
  w.emit(
    'MODIFIED',
    api.set((d) => Object.assign(d.status!, { updatedReplicas: 2, replicas: 3 })),
  )
  w.emit('BOOKMARK', { metadata: { resourceVersion: '7' } })
  w.emit(
    'MODIFIED',
    api.set((d) => Object.assign(d.status!, { replicas: 2, availableReplicas: 1 })),
  )
  w.emit(
    'MODIFIED',
    api.set((d) => Object.assign(d.status!, complete)),
  )
  const result = await done
  expect(result.reconnects).toBe(0)
  expect(log.lines).toEqual([
    'Waiting for deployment "web" rollout to finish: 1 out of 2 new replicas have been updated...',
    'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...',
    'Waiting for deployment "web" rollout to finish: 1 of 2 updated replicas are available...',
    'deployment "web" successfully rolled out',
  ])
})

test('a dropped watch is re-established from a fresh read, and a change made meanwhile is seen', async () => {
  const api = new FakeApi(deployment(rolling))
  const log = recordingLogger()
  const done = waitForRollout(api, options(log))
  const first = await api.nextWatch()
  const second = api.nextWatch()
  api.set((d) => Object.assign(d.status!, { updatedReplicas: 2 })) // happens while disconnected
  first.drop(new Error('socket hang up'))
  const w2 = await second
  expect(w2.resourceVersion).toBe(api.deployment?.metadata?.resourceVersion)
  w2.emit(
    'MODIFIED',
    api.set((d) => Object.assign(d.status!, complete)),
  )
  const result = await done
  expect(result.reconnects).toBe(1)
  expect(log.lines).toContain('watch of deployment "web" rollout closed (socket hang up); reconnecting')
  expect(log.lines).toContain(
    'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...',
  )
})

test('a routine close (server timeout, client inactivity) is re-watched quietly', async () => {
  const api = new FakeApi(deployment(rolling))
  const log = recordingLogger()
  const done = waitForRollout(api, options(log, { reconnectDelayMs: 60_000 }))
  const first = await api.nextWatch()
  const second = api.nextWatch()
  first.drop() // clean end of stream
  const w2 = await second
  const third = api.nextWatch()
  w2.drop(new DOMException('The operation was aborted due to timeout', 'TimeoutError'))
  const w3 = await third
  w3.emit(
    'MODIFIED',
    api.set((d) => Object.assign(d.status!, complete)),
  )
  const result = await done
  expect(result.reconnects).toBe(2)
  expect(log.lines.filter((l) => l.includes('closed'))).toEqual([])
})

test('a 410 Gone ERROR event starts over from a fresh read', async () => {
  const api = new FakeApi(deployment(rolling))
  const log = recordingLogger()
  const done = waitForRollout(api, options(log))
  const first = await api.nextWatch()
  api.set((d) => Object.assign(d.status!, complete))
  first.emit('ERROR', { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version: 1 (5)' })
  const result = await done // the re-read already shows completion, so no second watch is needed
  expect(result.reconnects).toBe(1)
  expect(api.reads).toBe(2)
  expect(api.watches).toHaveLength(1)
  expect(log.lines).toContain(
    'watch of deployment "web" rollout closed (410 Expired: too old resource version: 1 (5)); reconnecting',
  )
})

test('progress lines come while nothing changes', async () => {
  const api = new FakeApi(deployment(rolling))
  const log = recordingLogger()
  const done = waitForRollout(api, options(log, { progressEveryMs: 20 }))
  const w = await api.nextWatch()
  await new Promise((r) => setTimeout(r, 120))
  w.emit(
    'MODIFIED',
    api.set((d) => Object.assign(d.status!, complete)),
  )
  await done
  const progress = log.lines.filter((l) => l.startsWith('waiting for deployment "web" rollout: '))
  expect(progress.length).toBeGreaterThanOrEqual(2)
  expect(progress[0]).toContain('1 out of 2 new replicas have been updated')
})

describe('failures carry the failing pods and their events', () => {
  function failingApi(): FakeApi {
    const api = new FakeApi(deployment(rolling))
    api.replicaSets = [
      {
        metadata: {
          name: 'web-new',
          uid: 'rs-new',
          labels: { app: 'web', 'pod-template-hash': 'new' },
          annotations: { 'deployment.kubernetes.io/revision': '2' },
          ownerReferences: [{ kind: 'Deployment', name: 'web', uid: 'd1', controller: true }],
        },
        spec: { selector: {}, template: api.deployment!.spec!.template },
      },
    ]
    api.pods = [
      {
        metadata: {
          name: 'web-new-1',
          labels: { 'pod-template-hash': 'new' },
          ownerReferences: [{ kind: 'ReplicaSet', name: 'web-new', uid: 'rs-new', controller: true }],
        },
        status: {
          phase: 'Running',
          containerStatuses: [
            {
              name: 'app',
              ready: false,
              restartCount: 3,
              state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s' } },
              lastState: { terminated: { reason: 'Error', exitCode: 1 } },
            },
          ],
        },
      },
      {
        metadata: {
          name: 'web-old-1',
          labels: { 'pod-template-hash': 'old' },
          ownerReferences: [{ kind: 'ReplicaSet', name: 'web-old', uid: 'rs-old', controller: true }],
        },
        status: {
          phase: 'Running',
          containerStatuses: [
            {
              name: 'app',
              ready: true,
              restartCount: 9,
              state: { running: {} },
              lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } },
            },
          ],
        },
      },
    ]
    api.events = [
      {
        involvedObject: { kind: 'Pod', name: 'web-new-1' },
        type: 'Warning',
        reason: 'BackOff',
        message: 'Back-off restarting failed container app',
        count: 3,
        lastTimestamp: '2026-01-01T00:00:09Z',
        source: { component: 'kubelet' },
      },
      {
        involvedObject: { kind: 'Pod', name: 'web-old-1' },
        type: 'Warning',
        reason: 'OOMKilling',
        message: 'old pod',
        lastTimestamp: '2026-01-01T00:00:09Z',
      },
    ]
    return api
  }

  test('progress deadline exceeded', async () => {
    const api = failingApi()
    const log = recordingLogger()
    const done = waitForRollout(api, options(log))
    const w = await api.nextWatch()
    w.emit(
      'MODIFIED',
      api.set(
        (d) => (d.status!.conditions = [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }]),
      ),
    )
    const error = await done.catch((e) => e)
    expect(error).toBeInstanceOf(RolloutFailedError)
    expect(error.reason).toBe('ProgressDeadlineExceeded')
    expect(error.message).toBe(
      'deployment "web" exceeded its progress deadline; pod web-new-1 container app: CrashLoopBackOff, 3 restarts, last Error (exit 1): back-off 40s',
    )
    expect(error.leftState).toBe('deployment web at revision 2, rollout incomplete')
    expect(error.details).toEqual([
      'pod web-new-1 container app: CrashLoopBackOff, 3 restarts, last Error (exit 1): back-off 40s',
      '  web-new-1: Warning  BackOff  kubelet (x3)  Back-off restarting failed container app',
    ])
    expect(log.lines).toEqual(expect.arrayContaining(error.details))
  })

  test('timeout', async () => {
    const api = failingApi()
    const log = recordingLogger()
    const error = await waitForRollout(api, options(log, { timeoutMs: 50 })).catch((e) => e)
    expect(error).toBeInstanceOf(RolloutFailedError)
    expect(error.reason).toBe('Timeout')
    expect(error.message).toMatch(
      /^timed out after 50ms waiting for deployment "web" rollout to finish: Waiting for deployment "web" rollout to finish: 1 out of 2 new replicas have been updated\.\.\.; pod web-new-1/,
    )
    expect(error.problems.map((p: { pod: string }) => p.pod)).toEqual(['web-new-1'])
  })

  test('deletion and absence', async () => {
    const api = new FakeApi(deployment(rolling))
    const done = waitForRollout(api, options(recordingLogger()))
    const w = await api.nextWatch()
    w.emit('DELETED', api.deployment)
    await expect(done).rejects.toThrow('object has been deleted')
    await expect(waitForRollout(new FakeApi(), options(recordingLogger()))).rejects.toThrow(
      'deployments.apps "web" not found',
    )
  })
})

describe('conflict-safe updates', () => {
  test('a 409 is retried from a fresh read', async () => {
    const api = new FakeApi(deployment(complete))
    api.conflicts = 2
    const seen: string[] = []
    const result = await updateDeployment(api, 'default', 'web', (d) => {
      seen.push(d.metadata!.resourceVersion!)
      d.spec!.replicas = 5
      return d
    })
    expect(result.attempts).toBe(3)
    expect(new Set(seen).size).toBe(3) // each attempt read a newer object
    expect(api.deployment?.spec?.replicas).toBe(5)
    expect(api.replaced).toHaveLength(1)
  })
  test('no change asked, nothing written', async () => {
    const api = new FakeApi(deployment(complete))
    const result = await updateDeployment(api, 'default', 'web', () => undefined)
    expect(result).toMatchObject({ changed: false, attempts: 1 })
    expect(api.replaced).toHaveLength(0)
  })
  test('conflicts beyond the attempts, and other errors, are thrown', async () => {
    const api = new FakeApi(deployment(complete))
    api.conflicts = 10
    await expect(updateDeployment(api, 'default', 'web', (d) => d, { attempts: 3 })).rejects.toMatchObject({
      code: 409,
    })
    let calls = 0
    await expect(
      retryOnConflict(async () => {
        calls++
        throw new ApiError(422, 'invalid')
      }),
    ).rejects.toMatchObject({ code: 422 })
    expect(calls).toBe(1)
  })
})

test('a wait without a positive timeout is refused before any request', async () => {
  const api = new FakeApi(deployment(complete))
  await expect(waitForRollout(api, options(recordingLogger(), { timeoutMs: 0 }))).rejects.toThrow(
    'timeout: a positive duration such as 10m',
  )
  expect(api.reads).toBe(0)
})
