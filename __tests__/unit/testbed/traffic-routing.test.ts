// The traffic emulator's reading of routing objects (pure): which outcome each request shape
// gets, with what probability, as the data planes (Gateway API, AWS LBC, ingress-nginx) decide.
import { behaviourOf, expectedShares, imageTag, type RoutingSnapshot, resolveRouting } from '@deploy-actions/testbed'

const pod = (name: string, image: string, track?: string) => ({
  metadata: { name, labels: { app: 'web', ...(track ? { track } : {}) } },
  spec: { containers: [{ name: 'app', image }] },
})
const endpoints = (name: string, pods: string[]) => ({
  metadata: { name },
  subsets: pods.length
    ? [{ addresses: pods.map((p) => ({ ip: '10.0.0.1', targetRef: { kind: 'Pod', name: p } })) }]
    : [],
})
const base: RoutingSnapshot = {
  pods: [
    pod('s1', 'shop/web:v1', 'stable'),
    pod('s2', 'shop/web:v1', 'stable'),
    pod('c1', 'shop/web:v2-errors', 'canary'),
  ],
  endpoints: [endpoints('web', ['s1', 's2']), endpoints('web-canary', ['c1']), endpoints('empty', [])],
  ingresses: [],
}
const get = { method: 'GET', path: '/', headers: {} }

test('image tags: registry ports, digests and no tag', () => {
  expect(imageTag('registry:5000/shop/web:v2-slow')).toBe('v2-slow')
  expect(imageTag('registry:5000/shop/web@sha256:abc')).toBe('latest')
  expect(imageTag('web:v3@sha256:abc')).toBe('v3')
  expect(imageTag('web')).toBe('latest')
})

test('behaviour by tag: -errors fails one request in five, -slow waits 400 ms', () => {
  const codes = Array.from({ length: 100 }, (_, n) => behaviourOf('v2-errors', n).code)
  expect(codes.filter((c) => c === 500)).toHaveLength(20)
  expect(behaviourOf('v2-slow', 0)).toEqual({ code: 200, delayMs: 400 })
  expect(behaviourOf('v2', 0)).toEqual({ code: 200, delayMs: 0 })
})

describe('HTTPRoute', () => {
  const route = (rules: unknown[], hostnames?: string[]) => ({ ...base, httpRoute: { spec: { hostnames, rules } } })
  const weighted = (stable: number, canary: number) => ({
    backendRefs: [
      { name: 'web', port: 80, weight: stable },
      { name: 'web-canary', port: 80, weight: canary },
    ],
  })

  test('weights split between Services, each Service evenly over its ready pods', () => {
    const r = resolveRouting(route([weighted(90, 10)]), { httpRoute: 'web' }, get)
    expect(expectedShares(r)).toEqual({ canary: 0.1, stable: 0.9, none: 0 })
    expect(r.outcomes.map((o) => (o.kind === 'pod' ? [o.backend.pod, o.p] : o))).toEqual([
      ['s1', 0.45],
      ['s2', 0.45],
      ['c1', 0.1],
    ])
  })

  test('all weights 0 is a 500; a Service without ready endpoints is a 503', () => {
    expect(resolveRouting(route([weighted(0, 0)]), { httpRoute: 'web' }, get).outcomes).toEqual([
      { kind: 'status', code: 500, reason: 'every backend has weight 0', p: 1 },
    ])
    const empty = resolveRouting(route([{ backendRefs: [{ name: 'empty', port: 80 }] }]), { httpRoute: 'web' }, get)
    expect(empty.outcomes).toEqual([
      { kind: 'status', code: 503, reason: 'service empty has no ready endpoints', p: 1 },
    ])
  })

  test('precedence: a header match outranks a bare prefix, an Exact path outranks both, ties keep rule order', () => {
    const header = {
      matches: [{ path: { type: 'PathPrefix', value: '/' }, headers: [{ name: 'X-Canary', value: 'always' }] }],
      ...weighted(0, 1),
    }
    const plain = { matches: [{ path: { type: 'PathPrefix', value: '/' } }], ...weighted(1, 0) }
    const exact = { matches: [{ path: { type: 'Exact', value: '/' } }], ...weighted(1, 1) }
    const pinned = { ...get, headers: { 'x-canary': 'always' } }
    expect(resolveRouting(route([plain, header]), { httpRoute: 'web' }, pinned).via).toContain('rule 1')
    expect(resolveRouting(route([plain, header]), { httpRoute: 'web' }, get).via).toContain('rule 0')
    expect(resolveRouting(route([plain, header, exact]), { httpRoute: 'web' }, pinned).via).toContain('rule 2')
    expect(resolveRouting(route([plain, plain]), { httpRoute: 'web' }, get).via).toContain('rule 0')
  })

  test('a path prefix matches whole segments; a host outside hostnames gets a 404', () => {
    const api = { matches: [{ path: { type: 'PathPrefix', value: '/api' } }], ...weighted(0, 1) }
    expect(resolveRouting(route([api]), { httpRoute: 'web' }, { ...get, path: '/api/x' }).outcomes[0]).toMatchObject({
      kind: 'pod',
    })
    expect(resolveRouting(route([api]), { httpRoute: 'web' }, { ...get, path: '/apix' }).outcomes[0]).toMatchObject({
      code: 404,
    })
    const hosted = route([weighted(1, 0)], ['*.example.com'])
    expect(
      resolveRouting(hosted, { httpRoute: 'web' }, { ...get, host: 'shop.example.com' }).outcomes[0],
    ).toMatchObject({ kind: 'pod' })
    expect(resolveRouting(hosted, { httpRoute: 'web' }, { ...get, host: 'other.org' }).outcomes[0]).toMatchObject({
      code: 404,
    })
  })
})

describe('Ingress', () => {
  const ingress = (
    name: string,
    service: string,
    port: Record<string, unknown>,
    annotations: Record<string, string> = {},
  ) => ({
    metadata: { name, annotations },
    spec: {
      rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: service, port } } }] } }],
    },
  })

  test('alb: forward weights (default 1), fixed-response, a missing action', () => {
    const forward = JSON.stringify({
      type: 'forward',
      forwardConfig: {
        targetGroups: [
          { serviceName: 'web', servicePort: 80, weight: 3 },
          { serviceName: 'web-canary', servicePort: 80 },
        ],
      },
    })
    const snap = (action?: string) => ({
      ...base,
      ingresses: [
        ingress(
          'web',
          'web',
          { name: 'use-annotation' },
          action ? { 'alb.ingress.kubernetes.io/actions.web': action } : {},
        ),
      ],
    })
    expect(expectedShares(resolveRouting(snap(forward), { ingress: 'web' }, get))).toEqual({
      canary: 0.25,
      stable: 0.75,
      none: 0,
    })
    const fixed = JSON.stringify({
      type: 'fixed-response',
      fixedResponseConfig: { statusCode: '418', contentType: 'text/plain' },
    })
    expect(resolveRouting(snap(fixed), { ingress: 'web' }, get).outcomes[0]).toMatchObject({ code: 418 })
    expect(resolveRouting(snap(), { ingress: 'web' }, get).outcomes[0]).toMatchObject({
      code: 503,
      reason: 'alb.ingress.kubernetes.io/actions.web is missing',
    })
  })

  test('nginx: canary-by-header-value, then canary-weight out of canary-weight-total', () => {
    const snap = {
      ...base,
      ingresses: [
        ingress('web', 'web', { number: 80 }),
        ingress(
          'web-canary',
          'web-canary',
          { number: 80 },
          {
            'nginx.ingress.kubernetes.io/canary': 'true',
            'nginx.ingress.kubernetes.io/canary-weight': '30',
            'nginx.ingress.kubernetes.io/canary-weight-total': '60',
            'nginx.ingress.kubernetes.io/canary-by-header': 'X-Canary',
            'nginx.ingress.kubernetes.io/canary-by-header-value': 'me',
          },
        ),
      ],
    }
    expect(expectedShares(resolveRouting(snap, { ingress: 'web' }, get)).canary).toBe(0.5)
    expect(
      expectedShares(resolveRouting(snap, { ingress: 'web' }, { ...get, headers: { 'x-canary': 'me' } })).canary,
    ).toBe(1)
    // With a header value configured, `always` is just another value: the weight decides.
    expect(
      expectedShares(resolveRouting(snap, { ingress: 'web' }, { ...get, headers: { 'X-Canary': 'always' } })).canary,
    ).toBe(0.5)
  })

  test('an Ingress without an action or a canary routes to its Service', () => {
    const snap = { ...base, ingresses: [ingress('web', 'web', { number: 80 })] }
    expect(resolveRouting(snap, { ingress: 'web' }, get).via).toBe('ingress web: web')
  })
})
