import {
  ANNOTATIONS_TO_SKIP,
  applyRollback,
  type Deployment,
  equalIgnoreHash,
  findNewReplicaSet,
  formatHistory,
  historyRevision,
  ownedReplicaSets,
  planRollback,
  type ReplicaSet,
  revisionOf,
  rollbackTarget,
  rolloutHistory,
} from '@deploy-actions/kube'

const UID = 'dep-uid'
function template(image: string, hash?: string) {
  return {
    metadata: { labels: { app: 'web', ...(hash ? { 'pod-template-hash': hash } : {}) } },
    spec: { containers: [{ name: 'app', image, ports: [] as unknown[] }] },
  }
}
function rs(
  name: string,
  revision: string | undefined,
  image: string,
  opts: { owner?: string; created?: string; cause?: string } = {},
): ReplicaSet {
  return {
    metadata: {
      name,
      uid: `${name}-uid`,
      creationTimestamp: opts.created ?? '2026-01-01T00:00:00Z',
      labels: { app: 'web', 'pod-template-hash': name.split('-').pop()! },
      annotations: {
        ...(revision === undefined ? {} : { 'deployment.kubernetes.io/revision': revision }),
        ...(opts.cause ? { 'kubernetes.io/change-cause': opts.cause } : {}),
        'deployment.kubernetes.io/desired-replicas': '3',
        'team/owner': `${name}-team`,
      },
      ownerReferences: [{ kind: 'Deployment', name: 'web', uid: opts.owner ?? UID, controller: true }],
    },
    spec: { replicas: 0, selector: { matchLabels: { app: 'web' } }, template: template(image, name.split('-').pop()) },
    status: { replicas: 0 },
  }
}
function deployment(image: string, extra: Partial<Deployment['spec']> = {}): Deployment {
  return {
    metadata: {
      name: 'web',
      uid: UID,
      resourceVersion: '42',
      annotations: {
        'deployment.kubernetes.io/revision': '3',
        'kubectl.kubernetes.io/last-applied-configuration': '{}',
        'team/owner': 'current-team',
      },
    },
    spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: template(image), ...extra },
  }
}

const history = [
  rs('web-aaa', '1', 'web:1', { created: '2026-01-01T00:00:00Z', cause: 'first' }),
  rs('web-bbb', '2', 'web:2', { created: '2026-01-02T00:00:00Z' }),
  rs('web-ccc', '3', 'web:3', { created: '2026-01-03T00:00:00Z', cause: 'third' }),
  rs('web-zzz', '9', 'web:9', { owner: 'someone-else' }),
]

describe('revisionOf', () => {
  test.each([
    ['5', 5],
    [' 12 ', 12],
    [undefined, 0],
    ['abc', undefined],
    ['1.5', undefined],
  ])('%p → %p', (annotation, expected) => {
    expect(revisionOf(rs('web-x', annotation, 'i'))).toBe(expected)
  })
})

describe('ownership and the new ReplicaSet', () => {
  test('only ReplicaSets controlled by this Deployment count', () => {
    expect(ownedReplicaSets(deployment('web:3'), history).map((r) => r.metadata?.name)).toEqual([
      'web-aaa',
      'web-bbb',
      'web-ccc',
    ])
  })
  test('the new ReplicaSet is the one whose template equals the Deployment template ignoring the hash', () => {
    const owned = ownedReplicaSets(deployment('web:2'), history)
    expect(findNewReplicaSet(deployment('web:2'), owned)?.metadata?.name).toBe('web-bbb')
    expect(findNewReplicaSet(deployment('web:7'), owned)).toBeUndefined()
  })
  test.each<[string, unknown, unknown, boolean]>([
    ['hash label ignored', template('a', 'h1'), template('a', 'h2'), true],
    [
      'empty list equals absent',
      { spec: { containers: [{ name: 'app', image: 'a', env: [] }] } },
      { spec: { containers: [{ name: 'app', image: 'a' }] } },
      true,
    ],
    [
      'Date equals its ISO string',
      { metadata: { creationTimestamp: new Date(0) } },
      { metadata: { creationTimestamp: '1970-01-01T00:00:00.000Z' } },
      true,
    ],
    ['image differs', template('a'), template('b'), false],
    [
      'container order matters',
      { spec: { containers: [{ name: 'a' }, { name: 'b' }] } },
      { spec: { containers: [{ name: 'b' }, { name: 'a' }] } },
      false,
    ],
  ])('equalIgnoreHash: %s', (_n, a, b, expected) => {
    expect(equalIgnoreHash(a as never, b as never)).toBe(expected)
  })
})

describe('rollbackTarget (kubectl deploymentRevision)', () => {
  const owned = ownedReplicaSets(deployment('web:3'), history)
  test.each<[number, string]>([
    [0, 'web-bbb'],
    [1, 'web-aaa'],
    [2, 'web-bbb'],
    [3, 'web-ccc'],
  ])('to revision %d → %s', (to, expected) => {
    expect(rollbackTarget(deployment('web:3'), owned, to).metadata?.name).toBe(expected)
  })
  test('previous is found whatever the list order', () => {
    expect(rollbackTarget(deployment('web:3'), [...owned].reverse(), 0).metadata?.name).toBe('web-bbb')
  })
  test.each<[string, ReplicaSet[], number, string]>([
    ['unknown revision', owned, 7, 'unable to find specified revision 7 in history'],
    ['negative revision', owned, -1, 'unable to find specified revision -1 in history'],
    ['only one revision', [owned[0]!], 0, 'no rollout history found for deployment "web"'],
    ['no ReplicaSets', [], 0, 'no rollout history found for deployment "web"'],
  ])('%s → kubectl error', (_n, list, to, message) => {
    expect(() => rollbackTarget(deployment('web:3'), list, to)).toThrow(message)
  })
})

describe('planRollback (kubectl rollout undo)', () => {
  const owned = ownedReplicaSets(deployment('web:3'), history)
  test('copies the template without pod-template-hash, and the annotations as kubectl does', () => {
    const d = deployment('web:3')
    const plan = planRollback(d, owned, 0)
    if (plan.skipped) throw new Error('expected a rollback')
    expect(plan.message).toBe('rolled back')
    expect(plan.revision).toBe(2)
    expect(plan.template.metadata?.labels).toEqual({ app: 'web' })
    expect(plan.template.spec?.containers[0]?.image).toBe('web:2')
    // Skipped annotations keep the Deployment's values; the others come from the ReplicaSet.
    expect(plan.annotations).toEqual({
      'deployment.kubernetes.io/revision': '3',
      'kubectl.kubernetes.io/last-applied-configuration': '{}',
      'team/owner': 'web-bbb-team',
    })
    for (const k of ANNOTATIONS_TO_SKIP)
      if (k !== 'deployment.kubernetes.io/revision' && k !== 'kubectl.kubernetes.io/last-applied-configuration')
        expect(plan.annotations[k]).toBeUndefined()
    const next = applyRollback(d, plan)
    expect(next.spec?.template.spec?.containers[0]?.image).toBe('web:2')
    expect(next.metadata?.resourceVersion).toBe('42')
    expect(d.spec?.template.spec?.containers[0]?.image).toBe('web:3')
    // The source ReplicaSet keeps its hash label (the plan is a copy).
    expect(owned[1]!.spec?.template?.metadata?.labels?.['pod-template-hash']).toBe('bbb')
  })
  test("a target equal to the current template is skipped with kubectl's message", () => {
    const plan = planRollback(deployment('web:3'), owned, 3)
    expect(plan).toMatchObject({
      skipped: true,
      message: 'skipped rollback (current template already matches revision 3)',
    })
  })
  test('a paused deployment is refused', () => {
    expect(() => planRollback(deployment('web:3', { paused: true }), owned, 0)).toThrow(
      "you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume deployment/web' and try again",
    )
  })
})

describe('rolloutHistory', () => {
  const d = deployment('web:3')
  const entries = rolloutHistory(d, ownedReplicaSets(d, history))
  test('one entry per revision, ascending, with change-cause and the current one marked', () => {
    expect(entries.map((e) => [e.revision, e.changeCause, e.images, e.current])).toEqual([
      [1, 'first', ['web:1'], false],
      [2, undefined, ['web:2'], false],
      [3, 'third', ['web:3'], true],
    ])
  })
  test('formats as kubectl prints it', () => {
    expect(formatHistory(entries)).toBe('REVISION  CHANGE-CAUSE\n1         first\n2         <none>\n3         third')
    expect(formatHistory([])).toBe('No rollout history found.')
  })
  test("one revision, or kubectl's error", () => {
    expect(historyRevision(entries, 2).replicaSet).toBe('web-bbb')
    expect(() => historyRevision(entries, 8)).toThrow('unable to find the specified revision')
  })
})
