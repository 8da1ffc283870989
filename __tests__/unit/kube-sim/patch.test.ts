import { jsonMergePatch, jsonPatch, strategicMergePatch } from '../../../packages/testbed/src/kube/patch.ts'
import { ApiError } from '../../../packages/testbed/src/kube/status.ts'
import type { KObj } from '../../../packages/testbed/src/kube/types.ts'

const deployment = {
  metadata: { name: 'web', labels: { app: 'web' }, annotations: { a: '1', b: '2' }, finalizers: ['x'] },
  spec: {
    replicas: 3,
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    template: {
      spec: {
        containers: [
          {
            name: 'app',
            image: 'app:1',
            env: [
              { name: 'A', value: '1' },
              { name: 'B', value: '2' },
            ],
            ports: [{ containerPort: 80, protocol: 'TCP' }],
          },
          { name: 'sidecar', image: 'proxy:1' },
        ],
        volumes: [{ name: 'data', emptyDir: {} }],
      },
    },
  },
}

describe('JSON merge patch (RFC 7386)', () => {
  test.each([
    ['sets a nested field', { spec: { replicas: 5 } }, (o: KObj) => o.spec.replicas === 5],
    [
      'null deletes a key',
      { metadata: { annotations: { a: null } } },
      (o: KObj) => !('a' in o.metadata.annotations) && o.metadata.annotations.b === '2',
    ],
    [
      'lists are replaced whole',
      { spec: { template: { spec: { containers: [{ name: 'app', image: 'app:2' }] } } } },
      (o: KObj) => o.spec.template.spec.containers.length === 1 && o.spec.template.spec.containers[0].env === undefined,
    ],
  ])('%s', (_name, patch, check) => {
    expect(check(jsonMergePatch(deployment, patch) as KObj)).toBe(true)
  })

  test('does not modify the original', () => {
    jsonMergePatch(deployment, { spec: { replicas: 9 } })
    expect(deployment.spec.replicas).toBe(3)
  })
})

describe('JSON patch (RFC 6902)', () => {
  test('kubectl rollout undo: replace /spec/template and /metadata/annotations', () => {
    const out = jsonPatch(deployment, [
      { op: 'replace', path: '/spec/template', value: { spec: { containers: [{ name: 'app', image: 'app:0' }] } } },
      { op: 'replace', path: '/metadata/annotations', value: { c: '3' } },
    ]) as KObj
    expect(out.spec.template.spec.containers).toEqual([{ name: 'app', image: 'app:0' }])
    expect(out.metadata.annotations).toEqual({ c: '3' })
  })

  test.each([
    [[{ op: 'add', path: '/metadata/labels/tier', value: 'db' }], (o: KObj) => o.metadata.labels.tier === 'db'],
    [
      [{ op: 'add', path: '/spec/template/spec/containers/-', value: { name: 'x' } }],
      (o: KObj) => o.spec.template.spec.containers[2].name === 'x',
    ],
    [
      [{ op: 'add', path: '/spec/template/spec/containers/0', value: { name: 'x' } }],
      (o: KObj) => o.spec.template.spec.containers[0].name === 'x',
    ],
    [
      [{ op: 'remove', path: '/spec/template/spec/containers/1' }],
      (o: KObj) => o.spec.template.spec.containers.length === 1,
    ],
    [[{ op: 'replace', path: '/spec/replicas', value: 0 }], (o: KObj) => o.spec.replicas === 0],
    [
      [{ op: 'add', path: '/metadata/annotations/a~1b', value: 'slash' }],
      (o: KObj) => o.metadata.annotations['a/b'] === 'slash',
    ],
    [
      [{ op: 'move', from: '/metadata/annotations/a', path: '/metadata/annotations/z' }],
      (o: KObj) => o.metadata.annotations.z === '1' && !o.metadata.annotations.a,
    ],
    [
      [{ op: 'copy', from: '/spec/replicas', path: '/spec/minReadySeconds' }],
      (o: KObj) => o.spec.minReadySeconds === 3,
    ],
    [
      [
        { op: 'test', path: '/spec/replicas', value: 3 },
        { op: 'replace', path: '/spec/replicas', value: 4 },
      ],
      (o: KObj) => o.spec.replicas === 4,
    ],
  ])('%j', (ops, check) => {
    expect(check(jsonPatch(deployment, ops) as KObj)).toBe(true)
  })

  test.each([
    [[{ op: 'replace', path: '/spec/missing', value: 1 }], 400],
    [[{ op: 'remove', path: '/metadata/annotations/none' }], 400],
    [[{ op: 'add', path: '/nope/deeper', value: 1 }], 400],
    [[{ op: 'test', path: '/spec/replicas', value: 4 }], 422],
    [[{ op: 'frobnicate', path: '/spec' }], 400],
  ])('%j fails with %d', (ops, code) => {
    try {
      jsonPatch(deployment, ops)
      throw new Error('expected a failure')
    } catch (e) {
      expect(e).toBeInstanceOf(ApiError)
      expect((e as ApiError).code).toBe(code)
    }
  })
})

describe('strategic merge patch', () => {
  test('kubectl set image: containers merge by name, other containers and fields stay', () => {
    const out = strategicMergePatch(deployment, {
      spec: {
        template: {
          spec: {
            $setElementOrder: undefined,
            '$setElementOrder/containers': [{ name: 'app' }, { name: 'sidecar' }],
            containers: [{ image: 'app:2', name: 'app' }],
          },
        },
      },
    }) as KObj
    const [app, sidecar] = out.spec.template.spec.containers
    expect(app).toMatchObject({ name: 'app', image: 'app:2', ports: [{ containerPort: 80 }] })
    expect(app.env).toHaveLength(2)
    expect(sidecar).toEqual({ name: 'sidecar', image: 'proxy:1' })
  })

  test('env merges by name; new entries are appended', () => {
    const out = strategicMergePatch(deployment, {
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'app',
                env: [
                  { name: 'B', value: 'two' },
                  { name: 'C', value: '3' },
                ],
              },
            ],
          },
        },
      },
    }) as KObj
    expect(out.spec.template.spec.containers[0].env).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: 'two' },
      { name: 'C', value: '3' },
    ])
  })

  test('container ports merge by containerPort, Service ports by port', () => {
    const c = strategicMergePatch(deployment, {
      spec: { template: { spec: { containers: [{ name: 'app', ports: [{ containerPort: 443 }] }] } } },
    }) as KObj
    expect(c.spec.template.spec.containers[0].ports.map((p: KObj) => p.containerPort)).toEqual([80, 443])
    const svc = strategicMergePatch(
      { spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }] } },
      { spec: { ports: [{ port: 80, targetPort: 9090 }, { port: 443 }] } },
    ) as KObj
    expect(svc.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 9090 }, { port: 443 }])
  })

  test('$patch: delete removes a list element by merge key', () => {
    const out = strategicMergePatch(deployment, {
      spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } },
    }) as KObj
    expect(out.spec.template.spec.containers.map((c: KObj) => c.name)).toEqual(['app'])
  })

  test('$patch: replace replaces a map', () => {
    const out = strategicMergePatch(deployment, { metadata: { labels: { $patch: 'replace', tier: 'web' } } }) as KObj
    expect(out.metadata.labels).toEqual({ tier: 'web' })
  })

  test('$retainKeys drops the keys it does not list (strategy type change to Recreate)', () => {
    const out = strategicMergePatch(deployment, {
      spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: null } },
    }) as KObj
    expect(out.spec.strategy).toEqual({ type: 'Recreate' })
  })

  test('$setElementOrder reorders a merged list', () => {
    const out = strategicMergePatch(deployment, {
      spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'app' }] } } },
    }) as KObj
    expect(out.spec.template.spec.containers.map((c: KObj) => c.name)).toEqual(['sidecar', 'app'])
  })

  test('null deletes; lists without a merge key are replaced; finalizers merge as a set', () => {
    const out = strategicMergePatch(deployment, {
      metadata: { annotations: { a: null }, finalizers: ['y', 'x'] },
      spec: { template: { spec: { containers: [{ name: 'app', args: ['--a'] }] } } },
    }) as KObj
    expect(out.metadata.annotations).toEqual({ b: '2' })
    expect(out.metadata.finalizers).toEqual(['x', 'y'])
    expect(out.spec.template.spec.containers[0].args).toEqual(['--a'])
  })

  test('$deleteFromPrimitiveList removes values', () => {
    const out = strategicMergePatch(deployment, { metadata: { '$deleteFromPrimitiveList/finalizers': ['x'] } }) as KObj
    expect(out.metadata.finalizers).toEqual([])
  })
})
