import {
  formatSelector,
  fromLabelSelector,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from '../../../packages/testbed/src/kube/selectors.ts'

const labels = { app: 'web', tier: 'frontend', env: 'prod' }

test.each([
  ['', true],
  ['app=web', true],
  ['app==web', true],
  ['app=api', false],
  ['app!=api', true],
  ['app!=web', false],
  ['missing!=x', true],
  ['app=web,tier=frontend', true],
  ['app=web,tier=backend', false],
  ['env in (prod, staging)', true],
  ['env in (dev)', false],
  ['env notin (dev,staging)', true],
  ['env notin (prod)', false],
  ['tier', true],
  ['!tier', false],
  ['!release', true],
  ['app=web, env in (prod), !release', true],
])('label selector %j matches: %s', (text, expected) => {
  expect(matchesLabels(parseLabelSelector(text), labels)).toBe(expected)
})

test.each(['app=web,', 'env in (prod', '=web', 'a b'])('%j is a 400', (text) => {
  expect(() => parseLabelSelector(text)).toThrow(expect.objectContaining({ code: 400 }))
})

test('LabelSelector objects: matchLabels and matchExpressions', () => {
  const sel = fromLabelSelector({
    matchLabels: { app: 'web' },
    matchExpressions: [
      { key: 'env', operator: 'In', values: ['prod'] },
      { key: 'legacy', operator: 'DoesNotExist' },
      { key: 'tier', operator: 'Exists' },
      { key: 'zone', operator: 'NotIn', values: ['b'] },
    ],
  })
  expect(matchesLabels(sel, labels)).toBe(true)
  expect(matchesLabels(sel, { ...labels, legacy: 'yes' })).toBe(false)
  expect(formatSelector(sel)).toBe('app=web,env in (prod),!legacy,tier,zone notin (b)')
  expect(fromLabelSelector(undefined)).toEqual([])
})

const event = {
  kind: 'Event',
  involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'default', uid: 'u1' },
  reason: 'BackOff',
  type: 'Warning',
  source: { component: 'kubelet', host: 'node' },
  metadata: { name: 'web-1.abc', namespace: 'default' },
}

test.each([
  ['involvedObject.name=web-1,involvedObject.kind=Pod', true],
  ['involvedObject.name==web-1', true],
  ['involvedObject.uid=u2', false],
  ['type!=Normal', true],
  ['reason=BackOff,type=Normal', false],
  ['source=kubelet', true],
  ['metadata.name=web-1.abc', true],
  ['involvedObject.fieldPath=', true],
])('field selector %j matches: %s', (text, expected) => {
  expect(matchesFields(parseFieldSelector(text), event)).toBe(expected)
})

test('field selector values may escape commas', () => {
  expect(parseFieldSelector('metadata.name=a\\,b,status.phase!=Running')).toEqual([
    { field: 'metadata.name', op: '=', value: 'a,b' },
    { field: 'status.phase', op: '!=', value: 'Running' },
  ])
})
