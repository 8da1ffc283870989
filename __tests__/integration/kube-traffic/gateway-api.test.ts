// The gateway-api router against the simulator's gateway.networking.k8s.io/v1 HTTPRoutes through
// client-node: the two weighted backendRefs in the rule to the stable Service, other rules
// untouched, the header pin, every weight read back by the router and by kubectl, and remove()
// leaving the route sending only to stable.
import { createRouter, type KubeObject, RoutingError } from '@deploy-actions/kube'
import { NS, readyEndpoints, routerSimulator, routingFor, stableAndCanary } from './helpers.ts'

const env = routerSimulator()

interface Rule {
  matches?: Array<{ path?: unknown; headers?: unknown[] }>
  backendRefs?: Array<{ name: string; port?: number; weight?: number; kind?: string; group?: string }>
}
type Route = KubeObject & { spec: { rules: Rule[] } }
const routeRef = (name: string) => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  name,
  namespace: NS,
})

function httpRoute(name: string, service: string): KubeObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name, namespace: NS },
    spec: {
      parentRefs: [{ name: 'public' }],
      hostnames: ['shop.example.com'],
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: '/static' } }],
          backendRefs: [{ name: 'static-files', port: 80 }],
        },
        { matches: [{ path: { type: 'PathPrefix', value: '/api' } }], backendRefs: [{ name: service, port: 80 }] },
      ],
    },
  }
}

const weights = (rule: Rule | undefined) => (rule?.backendRefs ?? []).map((r) => [r.name, r.weight])

test('weights 10, 50, 100 on the rule to stable, read back by kubectl; other rules untouched; remove()', async () => {
  await stableAndCanary(env.objects, 'gw')
  const original = await env.objects.create<Route>(httpRoute('gw', 'gw'))
  const router = createRouter('gateway-api', routingFor('gw', { httpRoute: 'gw' }), env.objects)
  await router.check()
  const lines = await router.prepare()
  expect(lines.join('\n')).toMatch(
    /HTTPRoute default\/gw: rule 1 now sends to gw \(weight 100\) and gw-canary \(weight 0\)/,
  )
  await readyEndpoints(env.objects, 'gw-canary', 1)
  for (const weight of [10, 50, 100]) {
    const live = await router.setWeight(weight)
    expect(live).toMatchObject({ asked: weight, live: weight })
    expect(live.detail).toMatch(/rule 1: gw \d+, gw-canary \d+ \(gw: 3 ready pods, gw-canary: 1 ready pod\)/)
    const seen = (await env.kubectlGet('httproute', 'gw')) as Route
    expect(seen.spec.rules[0]).toEqual(original.spec.rules[0])
    expect(weights(seen.spec.rules[1])).toEqual([
      ['gw', 100 - weight],
      ['gw-canary', weight],
    ])
    expect(seen.spec.rules[1]!.backendRefs![1]).toMatchObject({ kind: 'Service', port: 80 })
  }
  await router.remove()
  const after = await env.objects.get<Route>(routeRef('gw'))
  expect(after.spec.rules[0]).toEqual(original.spec.rules[0])
  expect(weights(after.spec.rules[1])).toEqual([['gw', 100]])
  expect(after.spec.rules).toHaveLength(2)
  expect(
    await env.objects.find({ apiVersion: 'v1', kind: 'Service', name: 'gw-canary', namespace: NS }),
  ).toBeUndefined()
})

test('a header pin is a rule of its own sending only to the canary, gone after remove()', async () => {
  await stableAndCanary(env.objects, 'hdr')
  await env.objects.create(httpRoute('hdr', 'hdr'))
  const router = createRouter(
    'gateway-api',
    routingFor('hdr', { httpRoute: 'hdr', header: { name: 'X-Canary', value: 'always' } }),
    env.objects,
  )
  await router.prepare()
  await router.prepare()
  expect(await router.setWeight(20)).toMatchObject({ live: 20 })
  const seen = (await env.kubectlGet('httproute', 'hdr')) as Route
  expect(seen.spec.rules).toHaveLength(3)
  expect(seen.spec.rules[1]!.matches).toEqual([
    { path: { type: 'PathPrefix', value: '/api' }, headers: [{ type: 'Exact', name: 'X-Canary', value: 'always' }] },
  ])
  expect(weights(seen.spec.rules[1])).toEqual([['hdr-canary', 1]])
  expect(weights(seen.spec.rules[2])).toEqual([
    ['hdr', 80],
    ['hdr-canary', 20],
  ])
  await router.remove()
  const after = await env.objects.get<Route>(routeRef('hdr'))
  expect(after.spec.rules.map(weights)).toEqual([[['static-files', 1]], [['hdr', 100]]])
})

test('check() names a missing route, or one with no rule to the stable Service', async () => {
  await expect(
    createRouter('gateway-api', routingFor('x', { httpRoute: 'nope' }), env.objects).check(),
  ).rejects.toThrow(new RoutingError('HTTPRoute default/nope not found'))
  await env.objects.create(httpRoute('elsewhere', 'someone-else'))
  await expect(
    createRouter('gateway-api', routingFor('gw', { httpRoute: 'elsewhere' }), env.objects).check(),
  ).rejects.toThrow(/HTTPRoute default\/elsewhere has no rule with a backendRef to Service gw/)
})
