// The Gateway API kinds' structural schema and rules (pure): pruning, defaulting, and the
// validation causes a real API server with the standard-channel CRDs installed gives.
import { defaultGatewayObject, validateGatewayObject } from '../../../packages/testbed/src/kube/gateway-api.ts'

const route = (spec: Record<string, unknown>) => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name: 'r' },
  spec,
})
const fields = (o: Record<string, unknown>) =>
  validateGatewayObject('HTTPRoute', o).map((c) => `${c.field}: ${c.message}`)

test('unknown fields are pruned (and reported), status dropped on create', () => {
  const o: Record<string, unknown> = {
    ...route({ rules: [{ backendRefs: [{ name: 'a', port: 80, wieght: 5 }] }], extra: 1 }),
    status: { parents: [] },
    bogus: true,
  }
  expect(defaultGatewayObject('HTTPRoute', o, true)).toEqual([
    'bogus',
    'spec.rules[0].backendRefs[0].wieght',
    'spec.extra',
  ])
  expect(o.status).toBeUndefined()
  expect(o.spec).toEqual({
    rules: [
      {
        matches: [{ path: { type: 'PathPrefix', value: '/' } }],
        backendRefs: [{ group: '', kind: 'Service', name: 'a', port: 80, weight: 1 }],
      },
    ],
  })
})

test('a route with no rules gets the default catch-all rule', () => {
  const o = route({ parentRefs: [{ name: 'gw', sectionName: 'http' }] })
  defaultGatewayObject('HTTPRoute', o, true)
  expect(o.spec).toEqual({
    parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw', sectionName: 'http' }],
    rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }] }],
  })
  expect(fields(o)).toEqual([])
})

test('bounds, types and list sizes', () => {
  const refs = Array.from({ length: 17 }, (_, i) => ({ name: `s${i}`, port: 80, weight: 1 }))
  expect(fields(route({ rules: [{ backendRefs: refs }] }))).toEqual([
    'spec.rules[0].backendRefs: Too many: 17: must have at most 16 items',
  ])
  expect(fields(route({ rules: [{ backendRefs: [{ name: 'a', port: 70000, weight: '5' }] }] }))).toEqual([
    'spec.rules[0].backendRefs[0].port: Invalid value: 70000: spec.rules[0].backendRefs[0].port in body should be less than or equal to 65535',
    'spec.rules[0].backendRefs[0].weight: Invalid value: "string": spec.rules[0].backendRefs[0].weight in body must be of type integer: "string"',
  ])
  expect(fields(route({ hostnames: ['x'.repeat(254)] }))).toEqual([
    'spec.hostnames[0]: Too long: may not be more than 253 bytes',
  ])
  expect(validateGatewayObject('HTTPRoute', { metadata: { name: 'r' } })).toEqual([
    { reason: 'FieldValueRequired', message: 'Required value', field: 'spec' },
  ])
})

test('x-kubernetes-validations rules: filters, timeouts, redirect with backends, total matches', () => {
  const redirect = { type: 'RequestRedirect', requestRedirect: { statusCode: 301 } }
  expect(
    fields(route({ rules: [{ filters: [redirect, { type: 'URLRewrite' }], backendRefs: [{ name: 'a', port: 80 }] }] })),
  ).toEqual([
    'spec.rules[0].filters[1]: Invalid value: "object": filter.urlRewrite must be specified for URLRewrite filter.type',
    'spec.rules[0].filters: Invalid value: "array": May specify either httpRouteFilterRequestRedirect or httpRouteFilterRequestRewrite, but not both',
    'spec.rules[0]: Invalid value: "object": RequestRedirect filter must not be used together with backendRefs',
  ])
  expect(fields(route({ rules: [{ timeouts: { request: '1s', backendRequest: '2s' } }] }))).toEqual([
    'spec.rules[0].timeouts: Invalid value: "object": backendRequest timeout cannot be longer than request timeout',
  ])
  expect(fields(route({ rules: [{ timeouts: { request: '0s', backendRequest: '2s' } }] }))).toEqual([])
  const matches = Array.from({ length: 64 }, () => ({ path: { type: 'PathPrefix', value: '/' } }))
  expect(fields(route({ rules: [{ matches }, { matches }, { matches: [matches[0]] }] }))).toEqual([
    'spec.rules: Invalid value: "array": While 16 rules and 64 matches per rule are allowed, the total number of matches across all rules in a route must be less than 128',
  ])
})

test('Gateway: required fields, listener rules, pending status on create', () => {
  const gw: Record<string, unknown> = {
    metadata: { name: 'g' },
    spec: {
      gatewayClassName: 'alb',
      listeners: [{ name: 'tcp', port: 9000, protocol: 'TCP', hostname: 'a.example.com' }],
    },
  }
  defaultGatewayObject('Gateway', gw, true)
  expect((gw.status as { conditions: { type: string }[] }).conditions.map((c) => c.type)).toEqual([
    'Accepted',
    'Programmed',
  ])
  expect(validateGatewayObject('Gateway', gw).map((c) => c.message)).toEqual([
    `Invalid value: "array": hostname must not be specified for protocols ['TCP', 'UDP']`,
  ])
  expect(
    validateGatewayObject('Gateway', { metadata: { name: 'g' }, spec: { listeners: [] } }).map(
      (c) => `${c.field}: ${c.message}`,
    ),
  ).toEqual([
    'spec.gatewayClassName: Required value',
    'spec.listeners: Invalid value: []: spec.listeners in body should have at least 1 items',
  ])
})
