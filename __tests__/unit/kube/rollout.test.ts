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
/** Polls a condition (generous bound: the informer's steps are macrotasks). */
async function waitFor(condition: () => boolean, what = 'condition') {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((r) => setTimeout(r, 5))
  if (!condition()) throw new Error(`${what} never held`)
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

test('an already complete rollout returns at once from the list, without a watch', async () => {
  const api = new FakeApi(deployment(complete))
  const log = recordingLogger()
  const result = await waitForRollout(api, options(log))
  expect(result.message).toBe('deployment "web" successfully rolled out')
  expect(result.revision).toBe(2)
  expect(result.reconnects).toBe(0)
  expect(api.lists).toBe(1)
  expect(api.watches).toHaveLength(0)
  expect(log.lines).toEqual(['deployment "web" successfully rolled out'])
})

test("follows watch events from the list's resourceVersion to completion, printing kubectl's messages as they change", async () => {
  const api = new FakeApi(deployment(rolling))
  const log = recordingLogger()
  const done = waitForRollout(api, options(log))
  const w = await api.nextWatch()
  expect(w.resourceVersion).toBe('1')
  api.set((d) => Object.assign(d.status!, { updatedReplicas: 2, replicas: 3 }))
  w.emit('BOOKMARK', { metadata: { resourceVersion: '7' } })
  api.set((d) => Object.assign(d.status!, { replicas: 2, availableReplicas: 1 }))
  api.set((d) => Object.assign(d.status!, complete))
  const result = await done
  expect(result.reconnects).toBe(0)
  expect(result.deployment.metadata?.resourceVersion).toBe('4')
  expect(log.lines).toEqual([
    'Waiting for deployment "web" rollout to finish: 1 out of 2 new replicas have been updated...',
    'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...',
    'Waiting for deployment "web" rollout to finish: 1 of 2 updated replicas are available...',
    'deployment "web" successfully rolled out',
  ])
  expect(w.open).toBe(false) // closed once the wait returned
})

test('a cut watch is resumed from the last resourceVersion seen, and changes made meanwhile are replayed', async () => {
  const api = new FakeApi(deployment(rolling))
  const log = recordingLogger()
  const done = waitForRollout(api, options(log))
  const first = await api.nextWatch()
  api.set((d) => Object.assign(d.status!, { updatedReplicas: 2, replicas: 3 })) // seen: resourceVersion 2
  await waitFor(() => log.lines.some((l) => l.includes('old replicas are pending termination')))
  const second = api.nextWatch()
  first.drop(new Error('socket hang up'))
  api.set((d) => Object.assign(d.status!, { replicas: 2, availableReplicas: 1 })) // while disconnected
  const w2 = await second
  expect(w2.resourceVersion).toBe('2')
  api.set((d) => Object.assign(d.status!, complete))
  const result = await done
  expect(result.reconnects).toBe(1)
  expect(api.lists).toBe(1) // resumed, not relisted
  expect(log.lines).toContain('watch of deployment "web" rollout closed (socket hang up); reconnecting')
  expect(log.lines).toContain(
    'Waiting for deployment "web" rollout to finish: 1 of 2 updated replicas are available...',
  )
})

test('a routine close (server timeout, client inactivity) is re-watched at once and quietly', async () => {
  const api = new FakeApi(deployment(rolling))
  const log = recordingLogger()
  const done = waitForRollout(api, options(log, { reconnectDelayMs: 60_000 }))
  const first = await api.nextWatch()
  const second = api.nextWatch()
  first.drop() // clean end of stream
  const w2 = await second
  const third = api.nextWatch()
  w2.drop(new DOMException('The operation was aborted due to timeout', 'TimeoutError'))
  await third
  api.set((d) => Object.assign(d.status!, complete))
  const result = await done
  expect(result.reconnects).toBe(2)
  expect(api.lists).toBe(1)
  expect(log.lines.filter((l) => l.includes('closed'))).toEqual([])
})

test('a 410 Gone ERROR event ends the watch; the informer relists and watches from the new list', async () => {
  const api = new FakeApi(deployment(rolling))
  const log = recordingLogger()
  const done = waitForRollout(api, options(log))
  const first = await api.nextWatch()
  const second = api.nextWatch()
  first.emit('ERROR', { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version: 1 (5)' })
  const w2 = await second
  expect(api.lists).toBe(2)
  expect(first.open).toBe(false)
  api.set((d) => Object.assign(d.status!, complete))
  const result = await done
  expect(result.message).toBe('deployment "web" successfully rolled out')
  expect(result.reconnects).toBe(1)
  expect(w2.resourceVersion).toBe('1')
  expect(log.lines).toContain(
    'watch of deployment "web" rollout closed (410 Expired: too old resource version: 1 (5)); reconnecting',
  )
})

test('an ERROR event other than 410 ends the watch; it is resumed from the last resourceVersion', async () => {
  const api = new FakeApi(deployment(rolling))
  const log = recordingLogger()
  const done = waitForRollout(api, options(log))
  const first = await api.nextWatch()
  const second = api.nextWatch()
  first.emit('ERROR', { kind: 'Status', code: 500, reason: 'InternalError', message: 'etcd timeout' })
  await second
  api.set((d) => Object.assign(d.status!, complete))
  await done
  expect(api.lists).toBe(1)
  expect(log.lines).toContain(
    'watch of deployment "web" rollout closed (500 InternalError: etcd timeout); reconnecting',
  )
})

test('a cut watch whose resourceVersion was compacted away gets 410 on resuming, then relists', async () => {
  const api = new FakeApi(deployment(rolling))
  const log = recordingLogger()
  const done = waitForRollout(api, options(log))
  const first = await api.nextWatch()
  first.drop(new Error('read ECONNRESET'))
  api.set((d) => Object.assign(d.status!, complete))
  api.compact()
  const result = await done
  expect(result.message).toBe('deployment "web" successfully rolled out')
  expect(api.watches.map((w) => w.resourceVersion)).toEqual(['1', '1'])
  expect(api.lists).toBe(2)
  expect(log.lines).toEqual([
    'Waiting for deployment "web" rollout to finish: 1 out of 2 new replicas have been updated...',
    'watch of deployment "web" rollout closed (read ECONNRESET); reconnecting',
    'watch of deployment "web" rollout closed (410 Expired: too old resource version: 1 (2)); reconnecting',
    'deployment "web" successfully rolled out',
  ])
})

test('a relist that fails is retried with back-off until the API server answers', async () => {
  const api = new FakeApi(deployment(rolling))
  const log = recordingLogger()
  const done = waitForRollout(api, options(log, { reconnectDelayMs: 5 }))
  const first = await api.nextWatch()
  api.listFailures = [new ApiError(503, 'etcdserver: leader changed'), new Error('connect ECONNREFUSED 127.0.0.1:6443')]
  first.drop() // a routine close; then 410 on the resume, and two failed relists
  api.set((d) => Object.assign(d.status!, complete))
  api.compact()
  const result = await done
  expect(result.message).toBe('deployment "web" successfully rolled out')
  expect(api.lists).toBe(4)
  expect(log.lines.filter((l) => l.startsWith('watch of'))).toEqual([
    'watch of deployment "web" rollout closed (410 Expired: too old resource version: 1 (2)); reconnecting',
    'watch of deployment "web" rollout closed (etcdserver: leader changed); reconnecting',
    'watch of deployment "web" rollout closed (connect ECONNREFUSED 127.0.0.1:6443); reconnecting',
  ])
})

test('the deadline holds while the API server cannot be reached', async () => {
  const api = new FakeApi(deployment(rolling))
  const log = recordingLogger()
  const done = waitForRollout(api, options(log, { timeoutMs: 300, reconnectDelayMs: 5 }))
  const first = await api.nextWatch()
  api.listFailures = Array.from({ length: 10_000 }, () => new Error('connect ECONNREFUSED 127.0.0.1:6443'))
  first.drop(new Error('socket hang up'))
  api.set(() => {})
  api.compact()
  const error = await done.catch((e) => e)
  expect(error).toBeInstanceOf(RolloutFailedError)
  expect(error.reason).toBe('Timeout')
  expect(error.message).toMatch(/^timed out after 300ms waiting for deployment "web" rollout to finish: Waiting for/)
  // Back-off doubling from 5 ms (capped at 5 s): a handful of relists, not a tight loop.
  expect(api.lists).toBeLessThan(12)
  const listsAtEnd = api.lists
  await new Promise((r) => setTimeout(r, 100))
  expect(api.lists).toBe(listsAtEnd) // nothing runs on after the wait returned
})

test("the first list's failure is the wait's failure, as the first GET's was", async () => {
  const api = new FakeApi(deployment(rolling))
  api.listFailures = [new ApiError(403, 'deployments.apps is forbidden')]
  await expect(waitForRollout(api, options(recordingLogger()))).rejects.toMatchObject({ code: 403 })
  expect(api.watches).toHaveLength(0)
})

test('cancellation stops the wait with the signal reason and closes the watch', async () => {
  const api = new FakeApi(deployment(rolling))
  const controller = new AbortController()
  const done = waitForRollout(api, options(recordingLogger(), { signal: controller.signal }))
  const w = await api.nextWatch()
  controller.abort(new Error('cancelled by SIGINT'))
  await expect(done).rejects.toThrow('cancelled by SIGINT')
  expect(w.open).toBe(false)
  // An already aborted signal stops it before any request.
  const before = api.lists
  await expect(waitForRollout(api, options(recordingLogger(), { signal: controller.signal }))).rejects.toThrow(
    'cancelled by SIGINT',
  )
  expect(api.lists).toBe(before)
})

test('progress lines come while nothing changes', async () => {
  const api = new FakeApi(deployment(rolling))
  const log = recordingLogger()
  const done = waitForRollout(api, options(log, { progressEveryMs: 20 }))
  await api.nextWatch()
  await waitFor(() => log.lines.filter((l) => l.startsWith('waiting for deployment "web" rollout: ')).length >= 2)
  api.set((d) => Object.assign(d.status!, complete))
  await done
  const progress = log.lines.filter((l) => l.startsWith('waiting for deployment "web" rollout: '))
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
    await api.nextWatch()
    api.set(
      (d) => (d.status!.conditions = [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }]),
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

  test('deletion (an event, or a relist without it) and absence', async () => {
    const api = new FakeApi(deployment(rolling))
    const done = waitForRollout(api, options(recordingLogger()))
    await api.nextWatch()
    api.remove()
    await expect(done).rejects.toMatchObject({ reason: 'Deleted', message: 'object has been deleted' })

    const gone = new FakeApi(deployment(rolling))
    const relisted = waitForRollout(gone, options(recordingLogger()))
    const w = await gone.nextWatch()
    w.drop(new Error('socket hang up'))
    gone.remove()
    gone.compact()
    await expect(relisted).rejects.toMatchObject({ reason: 'Deleted', message: 'object has been deleted' })
    expect(gone.lists).toBe(2)

    const missing = await waitForRollout(new FakeApi(), options(recordingLogger())).catch((e) => e)
    expect(missing).toBeInstanceOf(RolloutFailedError)
    expect(missing).toMatchObject({ reason: 'NotFound', message: 'deployments.apps "web" not found' })
    expect(missing.leftState).toBe('no deployment to roll out')
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
  expect(api.lists).toBe(0)
})
