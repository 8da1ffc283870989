// Maintenance mode's switch of an HTTPRoute's and an Ingress's backends (pure), and its settings.
import { maintenanceSpec, parseMaintenance } from '../../../packages/release/src/guardrails/maintenance.ts'

test('HTTPRoute: every rule keeps its matches and sends everything to the maintenance Service', () => {
  const spec = {
    parentRefs: [{ name: 'public' }],
    rules: [
      {
        matches: [{ path: { type: 'PathPrefix', value: '/api' } }],
        backendRefs: [
          { name: 'api', port: 80, weight: 90 },
          { name: 'api-canary', port: 80, weight: 10 },
        ],
      },
      { backendRefs: [{ name: 'web', port: 80 }] },
    ],
  }
  expect(maintenanceSpec('HTTPRoute', spec, 'maintenance-page', 8080)).toEqual({
    parentRefs: [{ name: 'public' }],
    rules: [
      {
        matches: [{ path: { type: 'PathPrefix', value: '/api' } }],
        backendRefs: [{ name: 'maintenance-page', port: 8080, weight: 1 }],
      },
      { backendRefs: [{ name: 'maintenance-page', port: 8080, weight: 1 }] },
    ],
  })
})

test('Ingress: every path and the default backend go to the maintenance Service; hosts and TLS kept', () => {
  const backend = (name: string) => ({ service: { name, port: { number: 80 } } })
  const spec = {
    ingressClassName: 'alb',
    tls: [{ hosts: ['shop.example.com'] }],
    defaultBackend: backend('web'),
    rules: [
      { host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend('web') }] } },
    ],
  }
  const m = { service: { name: 'maintenance-page', port: { number: 8080 } } }
  expect(maintenanceSpec('Ingress', spec, 'maintenance-page', 8080)).toEqual({
    ingressClassName: 'alb',
    tls: [{ hosts: ['shop.example.com'] }],
    defaultBackend: m,
    rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: m }] } }],
  })
})

test.each([
  [
    { route: 'shop', service: 'down', port: 8080 },
    { kind: 'HTTPRoute', name: 'shop', namespace: 'web', service: 'down', port: 8080 },
  ],
  [
    { ingress: 'shop', service: 'down', namespace: 'edge' },
    { kind: 'Ingress', name: 'shop', namespace: 'edge', service: 'down', port: 80 },
  ],
])('parsed: %j', (value, expected) => {
  expect(parseMaintenance(value, 'web')).toEqual(expected)
})

test.each([
  [{ service: 'down' }, /maintenance: expected \{ route/],
  [{ route: 'a', ingress: 'b', service: 'down' }, /maintenance: expected/],
  [{ route: 'a' }, /maintenance\.service: expected the maintenance Service name/],
  [{ route: 'a', service: 'down', port: 70000 }, /maintenance\.port: expected a port number, got "70000"/],
])('refused: %j', (value, message) => {
  expect(() => parseMaintenance(value)).toThrow(message)
})
