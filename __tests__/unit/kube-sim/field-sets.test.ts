// Field sets as structured-merge-diff keeps them: FieldsV1, path strings, list keys, merge and compare.
import {
  compare,
  fromFieldsV1,
  iterationOrder,
  merge,
  pathString,
  rootType,
  SEP,
  toFieldSet,
  toFieldsV1,
} from '../../../packages/testbed/src/kube/field-sets.ts'
import type { KObj } from '../../../packages/testbed/src/kube/types.ts'

const deployment = rootType('V1Deployment')
const spec = (containers: KObj[], extra: KObj = {}) => ({
  spec: { ...extra, selector: { matchLabels: { app: 'web' } }, template: { spec: { containers } } },
})

test('an applied configuration owns its leaves, list items by key and atomic selectors whole', () => {
  const set = toFieldSet(
    {
      metadata: { labels: { app: 'web' } },
      ...spec([{ name: 'app', image: 'app:1', ports: [{ containerPort: 80 }], env: [{ name: 'A', value: '1' }] }], {
        replicas: 2,
      }),
    },
    deployment,
  )
  expect(toFieldsV1(set)).toEqual({
    'f:metadata': { 'f:labels': { 'f:app': {} } },
    'f:spec': {
      'f:replicas': {},
      'f:selector': {},
      'f:template': {
        'f:spec': {
          'f:containers': {
            'k:{"name":"app"}': {
              '.': {},
              'f:env': { 'k:{"name":"A"}': { '.': {}, 'f:name': {}, 'f:value': {} } },
              'f:image': {},
              'f:name': {},
              'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
            },
          },
        },
      },
    },
  })
  expect(fromFieldsV1(toFieldsV1(set))).toEqual(set)
})

test('paths print as fieldpath does', () => {
  const path = [
    'f:spec',
    'f:template',
    'f:spec',
    'f:containers',
    'k:{"name":"app"}',
    'f:ports',
    'k:{"containerPort":80,"protocol":"TCP"}',
  ].join(SEP)
  expect(pathString(path)).toBe('.spec.template.spec.containers[name="app"].ports[containerPort=80,protocol="TCP"]')
  expect(pathString(['f:metadata', 'f:finalizers', 'v:"x"'].join(SEP))).toBe('.metadata.finalizers[="x"]')
})

test('merge: containers by name, env by name, atomic lists replaced', () => {
  const live = spec([
    { name: 'app', image: 'app:1', env: [{ name: 'A', value: '1' }], args: ['a', 'b'] },
    { name: 'proxy', image: 'proxy:1' },
  ])
  const merged = merge(
    live,
    spec([{ name: 'app', image: 'app:2', env: [{ name: 'B', value: '2' }], args: ['c'] }]),
    deployment,
  ) as KObj
  expect(merged.spec.template.spec.containers).toEqual([
    {
      name: 'app',
      image: 'app:2',
      env: [
        { name: 'A', value: '1' },
        { name: 'B', value: '2' },
      ],
      args: ['c'],
    },
    { name: 'proxy', image: 'proxy:1' },
  ])
})

test('compare: a changed image is modified, a new env item added with its fields', () => {
  const c = compare(
    spec([{ name: 'app', image: 'app:1' }]),
    spec([{ name: 'app', image: 'app:2', env: [{ name: 'A', value: '1' }] }]),
    deployment,
  )
  const item = ['f:spec', 'f:template', 'f:spec', 'f:containers', 'k:{"name":"app"}'].join(SEP)
  expect([...c.modified]).toEqual([`${item}${SEP}f:image`])
  expect(toFieldsV1(c.added)).toEqual(
    toFieldsV1(
      new Set([
        // The list appears too (a real Update entry shows `f:env: {.: {}, ...}`).
        `${item}${SEP}f:env`,
        `${item}${SEP}f:env${SEP}k:{"name":"A"}`,
        `${item}${SEP}f:env${SEP}k:{"name":"A"}${SEP}f:name`,
        `${item}${SEP}f:env${SEP}k:{"name":"A"}${SEP}f:value`,
      ]),
    ),
  )
  expect(c.removed.size).toBe(0)
})

test('set iteration order: members of a level before its children, keys compared by value', () => {
  const ports = (port: number) => ['f:spec', 'f:ports', `k:{"port":${port},"protocol":"TCP"}`, 'f:targetPort'].join(SEP)
  const labels = ['f:metadata', 'f:labels'].join(SEP)
  const annotation = ['f:metadata', 'f:annotations', 'f:x'].join(SEP)
  expect(iterationOrder([ports(443), annotation, ports(80), labels])).toEqual([
    labels,
    annotation,
    ports(80),
    ports(443),
  ])
  // FieldsV1 lists keys the same way.
  expect(Object.keys(toFieldsV1(new Set([ports(443), ports(80)]))['f:spec']['f:ports'])).toEqual([
    'k:{"port":80,"protocol":"TCP"}',
    'k:{"port":443,"protocol":"TCP"}',
  ])
})

test('list markers: Job conditions atomic, other kinds keyed by type; Endpoint addresses a set', () => {
  const conditions = { status: { conditions: [{ type: 'Complete', status: 'True' }] } }
  expect([...toFieldSet(conditions, rootType('V1Job'))]).toEqual([['f:status', 'f:conditions'].join(SEP)])
  expect([...toFieldSet(conditions, rootType('V1Deployment'))]).toContain(
    ['f:status', 'f:conditions', 'k:{"type":"Complete"}', 'f:status'].join(SEP),
  )
  const slice = { endpoints: [{ addresses: ['10.0.0.1'] }] }
  // EndpointSlice endpoints are atomic; an Endpoint's addresses a set (discovery/v1 types.go).
  expect([...toFieldSet(slice, rootType('V1EndpointSlice'))]).toEqual(['f:endpoints'])
})
