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

  describe('alb: conditions.<service> and the controller path order', () => {
    const forward = (groups: Array<[string, number]>) =>
      JSON.stringify({
        type: 'forward',
        forwardConfig: {
          targetGroups: groups.map(([serviceName, weight]) => ({ serviceName, servicePort: 80, weight })),
        },
      })
    const viaAction = (service: string) => ({ service: { name: service, port: { name: 'use-annotation' } } })
    // The alb router's shape: the pin path (web-canary, with its condition) before the plain path.
    const albSnap = (conditions: unknown, paths?: unknown[], host?: string) => ({
      ...base,
      ingresses: [
        {
          metadata: {
            name: 'web',
            annotations: {
              'alb.ingress.kubernetes.io/actions.web': forward([
                ['web', 90],
                ['web-canary', 10],
              ]),
              'alb.ingress.kubernetes.io/actions.web-canary': forward([['web-canary', 100]]),
              'alb.ingress.kubernetes.io/conditions.web-canary':
                typeof conditions === 'string' ? conditions : JSON.stringify(conditions),
            },
          },
          spec: {
            ingressClassName: 'alb',
            rules: [
              {
                host,
                http: {
                  paths: paths ?? [
                    { path: '/api', pathType: 'Prefix', backend: viaAction('web-canary') },
                    { path: '/api', pathType: 'Prefix', backend: viaAction('web') },
                  ],
                },
              },
            ],
          },
        },
      ],
    })
    const header = (name: string, values: string[]) => ({
      field: 'http-header',
      httpHeaderConfig: { httpHeaderName: name, values },
    })
    const api = { ...get, path: '/api/orders' }
    const canaryShare = (snap: RoutingSnapshot, req: typeof get & Record<string, unknown>) =>
      expectedShares(resolveRouting(snap, { ingress: 'web' }, req)).canary

    test.each([
      ['no header: the plain path, its weights', {}, 0.1],
      ['the pinned value', { 'X-Canary': 'always' }, 1],
      ['header name and value compare case-insensitively', { 'x-canary': 'ALWAYS' }, 1],
      ['another value: the plain path', { 'X-Canary': 'never' }, 0.1],
    ])('http-header: %s', (_, headers, share) => {
      expect(canaryShare(albSnap([header('X-Canary', ['always'])]), { ...api, headers })).toBe(share)
    })

    test('the matched condition is named in the routing line', () => {
      const r = resolveRouting(
        albSnap([header('X-Canary', ['always'])]),
        { ingress: 'web' },
        {
          ...api,
          headers: { 'X-Canary': 'always' },
        },
      )
      expect(r.via).toBe(
        'ingress web alb.ingress.kubernetes.io/actions.web-canary (conditions.web-canary matched): web-canary=100',
      )
    })

    test.each([
      ['always', 1],
      ['yes', 1],
      ['yees', 0.1],
    ])('http-header values: * and ? wildcards, any value matches (%s)', (value, share) => {
      expect(
        canaryShare(albSnap([header('X-Canary', ['alw*', 'y?s'])]), { ...api, headers: { 'X-Canary': value } }),
      ).toBe(share)
    })

    test('separate conditions must all match: header and method', () => {
      const snap = albSnap([
        header('X-Canary', ['always']),
        { field: 'http-request-method', httpRequestMethodConfig: { values: ['POST'] } },
      ])
      const headers = { 'X-Canary': 'always' }
      expect(canaryShare(snap, { ...api, headers })).toBe(0.1)
      expect(canaryShare(snap, { ...api, method: 'POST', headers })).toBe(1)
    })

    test('host-header values join the rule host, path-pattern values join the path (either matches)', () => {
      const hosts = albSnap(
        [{ field: 'host-header', hostHeaderConfig: { values: ['*.test'] } }],
        undefined,
        'shop.example.com',
      )
      expect(canaryShare(hosts, { ...api, host: 'a.test' })).toBe(1)
      expect(canaryShare(hosts, { ...api, host: 'shop.example.com' })).toBe(1)
      expect(canaryShare(hosts, { ...api, host: 'other.org' })).toBe(0)
      const paths = albSnap(
        [{ field: 'path-pattern', pathPatternConfig: { values: ['/v2/*'] } }],
        [
          { path: '/api', pathType: 'Prefix', backend: viaAction('web-canary') },
          { path: '/', pathType: 'Prefix', backend: viaAction('web') },
        ],
      )
      expect(canaryShare(paths, { ...get, path: '/v2/x' })).toBe(1)
      expect(canaryShare(paths, { ...get, path: '/api' })).toBe(1)
      expect(canaryShare(paths, { ...get, path: '/apix' })).toBe(0.1)
    })

    test('query-string (key optional) and source-ip (the emulator sends from 127.0.0.1)', () => {
      const query = albSnap([
        { field: 'query-string', queryStringConfig: { values: [{ key: 'canary', value: 'on' }] } },
      ])
      expect(canaryShare(query, { ...get, path: '/api/x?canary=ON' })).toBe(1)
      expect(canaryShare(query, { ...get, path: '/api/x?canary=off' })).toBe(0.1)
      const from = (cidr: string) => albSnap([{ field: 'source-ip', sourceIPConfig: { values: [cidr] } }])
      expect(canaryShare(from('127.0.0.0/8'), api)).toBe(1)
      expect(canaryShare(from('10.0.0.0/8'), api)).toBe(0.1)
    })

    test('path order as the controller sorts it: Exact, then longest Prefix, whatever the order written', () => {
      const snap = albSnap(
        [],
        [
          { path: '/', pathType: 'Prefix', backend: viaAction('web') },
          { path: '/api', pathType: 'Prefix', backend: viaAction('web-canary') },
        ],
      )
      expect(canaryShare(snap, api)).toBe(1)
      const exact = albSnap(
        [],
        [
          { path: '/api', pathType: 'Prefix', backend: viaAction('web-canary') },
          { path: '/api', pathType: 'Exact', backend: viaAction('web') },
        ],
      )
      expect(canaryShare(exact, { ...get, path: '/api' })).toBe(0.1)
      expect(canaryShare(exact, api)).toBe(1)
    })

    test('a conditions annotation the controller would refuse: a 503 naming it', () => {
      expect(resolveRouting(albSnap('{'), { ingress: 'web' }, api).outcomes).toEqual([
        { kind: 'status', code: 503, reason: 'alb.ingress.kubernetes.io/conditions.web-canary is not JSON', p: 1 },
      ])
      expect(
        resolveRouting(albSnap([{ field: 'http-header', httpHeaderConfig: {} }]), { ingress: 'web' }, api).outcomes[0],
      ).toMatchObject({
        code: 503,
        reason: 'alb.ingress.kubernetes.io/conditions.web-canary: http-header needs httpHeaderConfig.values',
      })
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
