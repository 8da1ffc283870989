import {
  formatEvent,
  formatProblem,
  type KubeEvent,
  type Pod,
  podProblems,
  podsOfReplicaSet,
  recentEvents,
  summarizeProblems,
} from '@deploy-actions/kube'

function pod(name: string, status: Pod['status'], labels: Record<string, string> = {}): Pod {
  return { metadata: { name, labels }, status }
}
const container = (extra: object) => ({ name: 'app', ready: false, restartCount: 0, ...extra })

describe('podProblems', () => {
  test.each<[string, Pod, Array<Partial<ReturnType<typeof podProblems>[number]>>]>([
    [
      'healthy running pod',
      pod('a', { phase: 'Running', containerStatuses: [container({ ready: true, state: { running: {} } })] }),
      [],
    ],
    [
      'still creating',
      pod('a', {
        phase: 'Pending',
        containerStatuses: [container({ state: { waiting: { reason: 'ContainerCreating' } } })],
      }),
      [],
    ],
    [
      'image pull back-off',
      pod('a', {
        phase: 'Pending',
        containerStatuses: [
          container({
            state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "web:missing"' } },
          }),
        ],
      }),
      [
        {
          pod: 'a',
          container: 'app',
          reason: 'ImagePullBackOff',
          message: 'Back-off pulling image "web:missing"',
          restartCount: 0,
        },
      ],
    ],
    [
      'crash loop with the last termination',
      pod('a', {
        phase: 'Running',
        containerStatuses: [
          container({
            restartCount: 4,
            state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container' } },
            lastState: { terminated: { reason: 'Error', exitCode: 1 } },
          }),
        ],
      }),
      [{ reason: 'CrashLoopBackOff', restartCount: 4, lastTermination: 'Error (exit 1)' }],
    ],
    [
      'OOMKilled, running again',
      pod('a', {
        phase: 'Running',
        containerStatuses: [
          container({
            restartCount: 2,
            state: { running: {} },
            lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } },
          }),
        ],
      }),
      [{ reason: 'OOMKilled', restartCount: 2, lastTermination: 'OOMKilled (exit 137)' }],
    ],
    [
      'terminated with an error right now',
      pod('a', {
        phase: 'Running',
        containerStatuses: [
          container({ restartCount: 1, state: { terminated: { reason: 'OOMKilled', exitCode: 137 } } }),
        ],
      }),
      [{ reason: 'OOMKilled', restartCount: 1 }],
    ],
    [
      'unschedulable',
      pod('a', {
        phase: 'Pending',
        conditions: [
          { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available' },
        ],
      }),
      [{ container: undefined, reason: 'Unschedulable', message: '0/3 nodes are available' }],
    ],
    ['evicted', pod('a', { phase: 'Failed', reason: 'Evicted', message: 'low on memory' }), [{ reason: 'Evicted' }]],
    [
      'init container failing',
      pod('a', {
        phase: 'Pending',
        initContainerStatuses: [
          { ...container({ restartCount: 3 }), name: 'migrate', state: { waiting: { reason: 'CrashLoopBackOff' } } },
        ],
      }),
      [{ container: 'migrate', reason: 'CrashLoopBackOff' }],
    ],
  ])('%s', (_n, p, expected) => {
    const problems = podProblems(p)
    expect(problems).toHaveLength(expected.length)
    for (const [i, e] of expected.entries()) expect(problems[i]).toMatchObject(e)
  })
})

test('formatProblem and summarizeProblems read as an operator would write them', () => {
  const crash = {
    pod: 'web-1',
    container: 'app',
    reason: 'CrashLoopBackOff',
    message: 'back-off 40s',
    restartCount: 4,
    lastTermination: 'Error (exit 1)',
  }
  const oom = {
    pod: 'web-2',
    container: 'app',
    reason: 'OOMKilled',
    message: undefined,
    restartCount: 1,
    lastTermination: 'OOMKilled (exit 137)',
  }
  const pull = {
    pod: 'web-3',
    container: 'app',
    reason: 'ImagePullBackOff',
    message: undefined,
    restartCount: 0,
    lastTermination: undefined,
  }
  expect(formatProblem(crash)).toBe(
    'pod web-1 container app: CrashLoopBackOff, 4 restarts, last Error (exit 1): back-off 40s',
  )
  expect(formatProblem(oom)).toBe('pod web-2 container app: OOMKilled, 1 restart')
  expect(formatProblem(pull)).toBe('pod web-3 container app: ImagePullBackOff')
  expect(summarizeProblems([crash, { ...crash, pod: 'web-4', restartCount: 6 }, pull])).toBe(
    '2 pods CrashLoopBackOff (6 restarts), 1 pod ImagePullBackOff',
  )
})

test('podsOfReplicaSet: by controller owner uid, else by pod-template-hash', () => {
  const rs = { metadata: { uid: 'rs1', labels: { 'pod-template-hash': 'h1' } } }
  const owned = {
    metadata: { name: 'a', ownerReferences: [{ kind: 'ReplicaSet', name: 'x', uid: 'rs1', controller: true }] },
  }
  const other = {
    metadata: {
      name: 'b',
      ownerReferences: [{ kind: 'ReplicaSet', name: 'y', uid: 'rs2', controller: true }],
      labels: { 'pod-template-hash': 'h1' },
    },
  }
  const orphanSameHash = { metadata: { name: 'c', labels: { 'pod-template-hash': 'h1' } } }
  expect(podsOfReplicaSet(rs, [owned, other, orphanSameHash]).map((p) => p.metadata?.name)).toEqual(['a', 'c'])
})

describe('events', () => {
  const ev = (name: string, reason: string, last: string, extra: Partial<KubeEvent> = {}): KubeEvent => ({
    involvedObject: { kind: 'Pod', name },
    type: 'Warning',
    reason,
    message: `${reason} happened`,
    lastTimestamp: last,
    source: { component: 'kubelet' },
    ...extra,
  })
  const events = [
    ev('web-1', 'BackOff', '2026-01-01T00:00:05Z', { count: 5 }),
    ev('web-1', 'Pulled', '2026-01-01T00:00:01Z', { type: 'Normal' }),
    ev('web-2', 'Failed', '2026-01-01T00:00:03Z'),
    ev('web-1', 'Started', '', {
      eventTime: '2026-01-01T00:00:02Z',
      type: 'Normal',
      source: {},
      reportingComponent: 'kubelet',
    }),
  ]
  test("recentEvents keeps one object's newest events, oldest first", () => {
    expect(recentEvents(events, 'web-1').map((e) => e.reason)).toEqual(['Pulled', 'Started', 'BackOff'])
    expect(recentEvents(events, 'web-1', 2).map((e) => e.reason)).toEqual(['Started', 'BackOff'])
  })
  test('formatEvent', () => {
    expect(formatEvent(events[0]!)).toBe('Warning  BackOff  kubelet (x5)  BackOff happened')
    expect(formatEvent(events[3]!)).toBe('Normal  Started  kubelet  Started happened')
  })
})
