// The routers' pure transforms and read-backs, by table: what each writes, what it reads as live.
import * as alb from '../../../packages/kube/src/traffic/alb.ts'
import { canaryServiceFor, checkWeight, selects } from '../../../packages/kube/src/traffic/canary-service.ts'
import * as gw from '../../../packages/kube/src/traffic/gateway-api.ts'
import * as nginx from '../../../packages/kube/src/traffic/nginx.ts'
import type { CanaryRouting } from '../../../packages/kube/src/traffic/router.ts'

const routing: CanaryRouting = {
  namespace: 'prod',
  stable: 'web',
  stableService: 'web',
  canaryService: 'web-canary',
  canaryPodLabels: { app: 'web', track: 'canary' },
  httpRoute: 'web',
  ingress: 'web',
}
const pinned = { ...routing, header: { name: 'X-Canary', value: 'always' } }

describe('canary Service', () => {
  test('copies ports without node ports, keeps NodePort for ALB instance targets, selects only canary labels', () => {
    const svc = canaryServiceFor(
      {
        metadata: { name: 'web', labels: { app: 'web' } },
        spec: { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, nodePort: 31000 }] },
      },
      routing,
    )
    expect(svc.spec).toEqual({
      type: 'NodePort',
      selector: { app: 'web', track: 'canary' },
      ports: [{ name: 'http', port: 80 }],
    })
    expect(svc.metadata?.labels?.['app.kubernetes.io/managed-by']).toBe('deploy-actions')
  })
  test.each([
    [{ app: 'web' }, { app: 'web', track: 'canary' }, true],
    [{ app: 'web', track: 'stable' }, { app: 'web', track: 'canary' }, false],
    [{}, { app: 'web' }, false],
  ])('selects(%j, %j) = %s', (selector, labels, want) => {
    expect(selects(selector, labels)).toBe(want)
  })
  test.each([-1, 101, 2.5, Number.NaN])('weight %s is refused', (w) => {
    expect(() => checkWeight(w)).toThrow(RangeError)
  })
})

describe('gateway-api', () => {
  const route: gw.HttpRoute = {
    spec: {
      rules: [
        { backendRefs: [{ name: 'other', port: 80 }] },
        { matches: [{ path: { type: 'PathPrefix', value: '/api' } }], backendRefs: [{ name: 'web', port: 8080 }] },
      ],
    },
  }
  test('weights only the rule to stable; a ref to another namespace or kind is not stable', () => {
    const next = gw.withCanaryWeight(route, routing, 30, false)
    expect(next.spec?.rules?.[0]).toEqual(route.spec?.rules?.[0])
    expect(next.spec?.rules?.[1]?.backendRefs).toEqual([
      { name: 'web', port: 8080, weight: 70 },
      { group: '', kind: 'Service', name: 'web-canary', port: 8080, weight: 30 },
    ])
    expect(gw.refersTo({ name: 'web', namespace: 'other' }, 'web', 'prod')).toBe(false)
    expect(gw.refersTo({ name: 'web', kind: 'ServiceImport', group: 'multicluster.x-k8s.io' }, 'web', 'prod')).toBe(
      false,
    )
  })
  test('the header pin comes before its rule and goes with withoutCanary', () => {
    const next = gw.withCanaryWeight(route, pinned, 0, true)
    expect(next.spec?.rules).toHaveLength(3)
    expect(gw.isHeaderRule(next.spec!.rules![1]!, pinned)).toBe(true)
    expect(gw.withCanaryWeight(next, pinned, 0, true)).toEqual(next) // idempotent
    const back = gw.withoutCanary(next, pinned)
    expect(back.spec?.rules?.[1]?.backendRefs).toEqual([{ name: 'web', port: 8080, weight: 100 }])
    expect(back.spec?.rules).toHaveLength(2)
  })
  test.each([
    [[{ name: 'web' }, { name: 'web-canary' }], 50], // absent weights are 1 each
    [
      [
        { name: 'web', weight: 3 },
        { name: 'web-canary', weight: 1 },
      ],
      25,
    ],
    [
      [
        { name: 'web', weight: 0 },
        { name: 'web-canary', weight: 0 },
      ],
      0,
    ],
    [[{ name: 'web', weight: 2 }], 0],
  ])('backendRefs %j read as %s%%', (backendRefs, live) => {
    expect(gw.readWeight({ spec: { rules: [{ backendRefs }] } }, routing).live).toBe(live)
  })
})

describe('alb', () => {
  const ingress = {
    metadata: { annotations: { keep: 'me' } },
    spec: {
      rules: [
        {
          http: {
            paths: [
              { path: '/', backend: { service: { name: 'web', port: { name: 'http' } } } },
              { path: '/x', backend: { service: { name: 'x', port: { number: 80 } } } },
            ],
          },
        },
      ],
    },
  }
  test('a named port survives the round trip through the action', () => {
    const on = alb.withCanaryWeight(ingress, routing, 10, false)
    expect(JSON.parse(on.metadata!.annotations![alb.actionKey('web')]!).forwardConfig.targetGroups).toEqual([
      { serviceName: 'web', servicePort: 'http', weight: 90 },
      { serviceName: 'web-canary', servicePort: 'http', weight: 10 },
    ])
    expect(alb.readWeight(on, routing).live).toBe(10)
    expect(alb.withoutCanary(on, routing)).toEqual(ingress)
  })
  test('a stable path that bypasses the action reads as 0% live', () => {
    const on = alb.withCanaryWeight(ingress, routing, 40, false)
    on.spec!.rules![0]!.http!.paths[0]!.backend = { service: { name: 'web', port: { name: 'http' } } }
    expect(alb.readWeight(on, routing)).toMatchObject({ live: 0, line: expect.stringMatching(/0\/1 paths use it/) })
  })
  test("someone else's action named like the stable Service is not taken for ours", () => {
    const foreign = {
      spec: {
        rules: [{ http: { paths: [{ backend: { service: { name: 'web', port: { name: 'use-annotation' } } } }] } }],
      },
    }
    expect(alb.stablePaths(foreign, routing)).toEqual([])
  })
})

describe('nginx', () => {
  test.each([
    [{ 'nginx.ingress.kubernetes.io/canary': 'true', 'nginx.ingress.kubernetes.io/canary-weight': '10' }, 10],
    [
      {
        'nginx.ingress.kubernetes.io/canary': 'true',
        'nginx.ingress.kubernetes.io/canary-weight': '10',
        'nginx.ingress.kubernetes.io/canary-weight-total': '1000',
      },
      1,
    ],
    [{ 'nginx.ingress.kubernetes.io/canary-weight': '10' }, 0], // not a canary Ingress: serves nothing
  ])('%j reads as %s%%', (annotations, live) => {
    expect(nginx.readWeight({ metadata: { annotations } }).live).toBe(live)
  })
  test('the canary Ingress copies only the paths to stable, host by host', () => {
    const canary = nginx.canaryIngressFor(
      {
        metadata: { annotations: { 'kubernetes.io/ingress.class': 'nginx' } },
        spec: {
          rules: [
            {
              host: 'a',
              http: { paths: [{ path: '/', backend: { service: { name: 'web', port: { number: 80 } } } }] },
            },
            { host: 'b', http: { paths: [{ path: '/', backend: { service: { name: 'b', port: { number: 80 } } } }] } },
          ],
        },
      },
      pinned,
      0,
    )
    expect(canary?.spec?.rules).toEqual([
      {
        host: 'a',
        http: { paths: [{ path: '/', backend: { service: { name: 'web-canary', port: { number: 80 } } } }] },
      },
    ])
    expect(canary?.metadata?.annotations).toMatchObject({
      'kubernetes.io/ingress.class': 'nginx',
      'nginx.ingress.kubernetes.io/canary-by-header': 'X-Canary',
      'nginx.ingress.kubernetes.io/canary-by-header-value': 'always',
    })
  })
})
