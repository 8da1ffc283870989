// What the data plane makes of each router's objects: the testbed's traffic emulator reads the
// live routing (HTTPRoute weights and header matches, the ALB forward action and its
// conditions.<service> header condition, the nginx canary Ingress, Service endpoints) as the
// controllers would, so the share it resolves after every setWeight must be
// the weight asked; a request with the pin header goes to the canary at any weight; after
// remove() the stable serves everything.
import { createRouter, type KubeObject, type ObjectsApi, type WeightedRouterKind } from '@deploy-actions/kube'
import {
  type KubeSimulator,
  SIMULATOR_TOKEN,
  startTrafficEmulator,
  type TrafficEmulator,
} from '@deploy-actions/testbed'
import { startSimulatorClients } from '../kube/simulator-clients.ts'
import { NS, readyEndpoints, routingFor, stableAndCanary } from './helpers.ts'

let sim: KubeSimulator
let objects: ObjectsApi
const emulators: TrafficEmulator[] = []

beforeAll(async () => {
  ;({ sim, objects } = await startSimulatorClients())
})
afterAll(async () => {
  for (const e of emulators) await e.stop()
  await sim?.stop()
})

const backend = (service: string) => ({ service: { name: service, port: { number: 80 } } })
const ingress = (name: string, className: string): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name, namespace: NS },
  spec: {
    ingressClassName: className,
    rules: [
      { host: 'shop.example.com', http: { paths: [{ path: '/api', pathType: 'Prefix', backend: backend(name) }] } },
    ],
  },
})
const httpRoute = (name: string): KubeObject => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name, namespace: NS },
  spec: {
    parentRefs: [{ name: 'public' }],
    hostnames: ['shop.example.com'],
    rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/api' } }], backendRefs: [{ name, port: 80 }] }],
  },
})

async function emulator(kind: WeightedRouterKind, name: string, headers: Record<string, string> = {}) {
  const e = await startTrafficEmulator({
    kube: { url: sim.url, token: SIMULATOR_TOKEN },
    namespace: NS,
    ...(kind === 'gateway-api' ? { httpRoute: name } : { ingress: name }),
    host: 'shop.example.com',
    path: '/api',
    headers,
    rps: 20,
    maxDurationMs: 60_000,
  })
  emulators.push(e)
  return e
}

test.each([
  ['gateway-api', 'gw-share'],
  ['alb', 'alb-share'],
  ['nginx', 'nginx-share'],
] as const)(
  '%s: the share the data plane resolves is the weight asked, the header pins, remove() restores',
  async (kind, name) => {
    await stableAndCanary(objects, name)
    await objects.create(kind === 'gateway-api' ? httpRoute(name) : ingress(name, kind))
    const routing = routingFor(name, {
      ...(kind === 'gateway-api' ? { httpRoute: name } : { ingress: name }),
      header: { name: 'X-Canary', value: 'always' },
    })
    const router = createRouter(kind, routing, objects)
    await router.prepare()
    await readyEndpoints(objects, `${name}-canary`, 1)
    await readyEndpoints(objects, name, 3)
    const plain = await emulator(kind, name)
    const pinned = await emulator(kind, name, { 'X-Canary': 'always' })
    for (const weight of [0, 10, 50, 100]) {
      const live = await router.setWeight(weight)
      expect(live.live).toBe(weight)
      await plain.refresh()
      await pinned.refresh()
      expect({ weight, via: plain.routing(), share: plain.expectedShare() }).toEqual({
        weight,
        via: expect.any(String),
        share: { canary: expect.closeTo(weight / 100, 6), stable: expect.closeTo(1 - weight / 100, 6), none: 0 },
      })
      expect({ weight, pinned: pinned.expectedShare().canary }).toEqual({ weight, pinned: 1 })
    }
    await router.remove()
    await plain.refresh()
    await pinned.refresh()
    expect(plain.expectedShare()).toEqual({ canary: 0, stable: 1, none: 0 })
    expect(pinned.expectedShare()).toEqual({ canary: 0, stable: 1, none: 0 })
  },
)
