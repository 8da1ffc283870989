// Shared by the router tests: a stable Deployment and Service, a canary Deployment whose pods
// only the canary Service selects, the simulator with kubectl as a second reader, and the
// routing they share.
import { waitUntil } from '@deploy-actions/kit'
import type { CanaryRouting, KubeObject, ObjectsApi } from '@deploy-actions/kube'
import { type KubeSimulator, kubectlRunner, requireBinary } from '@deploy-actions/testbed'
import { startSimulatorClients } from '../kube/simulator-clients.ts'
import { deploymentBody } from '../rollback/helpers.ts'

export const NS = 'default'

export function routingFor(name: string, extra: Partial<CanaryRouting> = {}): CanaryRouting {
  return {
    namespace: NS,
    stable: name,
    stableService: name,
    canaryService: `${name}-canary`,
    canaryPodLabels: { app: name, track: 'canary' },
    ...extra,
  }
}

/** Stable Deployment (3 pods, track=stable) and its Service, plus a 1-pod canary Deployment. */
export async function stableAndCanary(objects: ObjectsApi, name: string): Promise<void> {
  await objects.create(deploymentBody(name, `${name}:1`, { app: name, track: 'stable' }, 3))
  await objects.create(deploymentBody(`${name}-canary`, `${name}:2`, { app: name, track: 'canary' }, 1))
  await objects.create({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: NS, labels: { app: name } },
    spec: {
      selector: { app: name, track: 'stable' },
      ports: [{ name: 'http', port: 80, targetPort: 'http' }],
    },
  })
}

/** Waits until a Service's Endpoints hold `ready` ready addresses. */
export async function readyEndpoints(objects: ObjectsApi, service: string, ready: number): Promise<void> {
  await waitUntil(
    async () => {
      const ep = await objects.find<KubeObject & { subsets?: Array<{ addresses?: unknown[] }> }>({
        apiVersion: 'v1',
        kind: 'Endpoints',
        name: service,
        namespace: NS,
      })
      const n = (ep?.subsets ?? []).reduce((a, s) => a + (s.addresses?.length ?? 0), 0)
      return n === ready ? { done: true } : { detail: `${n} ready` }
    },
    { what: `${ready} ready endpoints of ${service}`, timeoutMs: 15_000, intervalMs: 50, log: () => {} },
  )
}

/**
 * A simulator, a client-node objects port on it and kubectl as a second reader, for one test
 * file: started before its tests, stopped after them. `kubectlGet` is an object as kubectl reads
 * it (`kubectl get <kind> <name> -o json`).
 */
export function routerSimulator() {
  let sim: KubeSimulator | undefined
  let objects: ObjectsApi | undefined
  let kubectlBin = ''
  beforeAll(async () => {
    kubectlBin = requireBinary('kubectl', 'apt-get install kubectl')
    ;({ sim, objects } = await startSimulatorClients())
  })
  afterAll(async () => {
    await sim?.stop()
  })
  return {
    get objects(): ObjectsApi {
      if (!objects) throw new Error('routerSimulator: used before its beforeAll')
      return objects
    },
    async kubectlGet(kind: string, name: string): Promise<KubeObject> {
      if (!sim) throw new Error('routerSimulator: used before its beforeAll')
      const out = await kubectlRunner(kubectlBin, sim.kubeconfigPath).ok(['get', kind, name, '-n', NS, '-o', 'json'])
      return JSON.parse(out) as KubeObject
    },
  }
}
