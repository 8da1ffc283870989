// Shared by the router tests: a stable Deployment and Service, a canary Deployment whose pods
// only the canary Service selects, kubectl as a second reader, and the routing they share.
import { spawn } from 'node:child_process'
import { waitUntil } from '@deploy-actions/kit'
import type { CanaryRouting, KubeObject, ObjectsApi } from '@deploy-actions/kube'
import type { KubeSimulator } from '@deploy-actions/testbed'

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

const deployment = (name: string, labels: Record<string, string>, image: string, replicas: number): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: NS },
  spec: {
    replicas,
    selector: { matchLabels: labels },
    template: {
      metadata: { labels },
      spec: { containers: [{ name: 'app', image, ports: [{ name: 'http', containerPort: 8080 }] }] },
    },
  },
})

/** Stable Deployment (3 pods, track=stable) and its Service, plus a 1-pod canary Deployment. */
export async function stableAndCanary(objects: ObjectsApi, name: string): Promise<void> {
  await objects.create(deployment(name, { app: name, track: 'stable' }, `${name}:1`, 3))
  await objects.create(deployment(`${name}-canary`, { app: name, track: 'canary' }, `${name}:2`, 1))
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

/** kubectl against the simulator, asynchronously (the simulator runs in this process). */
export function kubectl(
  bin: string,
  sim: KubeSimulator,
  ...args: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['--kubeconfig', sim.kubeconfigPath, ...args], { timeout: 60_000 })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => {
      stdout += d
    })
    child.stderr.on('data', (d) => {
      stderr += d
    })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout: stdout.trim(), stderr: stderr.trim() }))
  })
}

/** An object as kubectl reads it (`kubectl get <kind> <name> -o json`). */
export async function kubectlGet(bin: string, sim: KubeSimulator, kind: string, name: string): Promise<KubeObject> {
  const out = await kubectl(bin, sim, 'get', kind, name, '-n', NS, '-o', 'json')
  if (out.code !== 0) throw new Error(`kubectl get ${kind} ${name}: ${out.stderr}`)
  return JSON.parse(out.stdout) as KubeObject
}
