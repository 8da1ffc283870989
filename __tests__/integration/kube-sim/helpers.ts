// Shared by the simulator's integration tests: client-node clients and a poll-until helper.
import { execFile } from 'node:child_process'
import { waitUntil } from '@deploy-actions/kit'
import type { KubeSimulator } from '@deploy-actions/testbed'
import * as k8s from '@kubernetes/client-node'

export function clients(sim: KubeSimulator) {
  const kc = new k8s.KubeConfig()
  kc.loadFromString(sim.kubeconfig)
  return {
    kc,
    apps: kc.makeApiClient(k8s.AppsV1Api),
    core: kc.makeApiClient(k8s.CoreV1Api),
    batch: kc.makeApiClient(k8s.BatchV1Api),
    autoscaling: kc.makeApiClient(k8s.AutoscalingV2Api),
    networking: kc.makeApiClient(k8s.NetworkingV1Api),
  }
}

/** Polls until `check` returns a value (not undefined), failing after `timeoutMs` with the last state seen. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  return waitUntil<T>(
    async () => {
      const value = await check()
      return value === undefined ? { detail: 'not yet' } : { done: value as T }
    },
    { what, timeoutMs, intervalMs: 50, log: () => {} },
  )
}

export function deploymentBody(
  name: string,
  image: string,
  replicas = 3,
  extra: Partial<k8s.V1DeploymentSpec> = {},
): k8s.V1Deployment {
  return {
    metadata: { name, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image, ports: [{ containerPort: 8080 }] }] },
      },
      ...extra,
    },
  }
}

/** The body of an HTTP error from client-node (ApiException), parsed. */
export function statusOf(error: unknown): { code: number; body: Record<string, unknown> } {
  const e = error as { code?: number; body?: unknown }
  const body = typeof e.body === 'string' ? JSON.parse(e.body) : (e.body as Record<string, unknown>)
  return { code: e.code ?? 0, body }
}

export function isComplete(d: k8s.V1Deployment | undefined): boolean {
  if (!d?.status || !d.spec) return false
  const want = d.spec.replicas ?? 1
  const progressing = d.status.conditions?.find((c) => c.type === 'Progressing')
  return (
    (d.status.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0) &&
    (d.status.updatedReplicas ?? 0) === want &&
    (d.status.replicas ?? 0) === want &&
    (d.status.availableReplicas ?? 0) === want &&
    progressing?.reason === 'NewReplicaSetAvailable'
  )
}

export interface KubectlResult {
  code: number
  stdout: string
  stderr: string
}

/** kubectl, unchanged, against the simulator; `stdin` is piped when given (`apply -f -`). */
export function kubectlRunner(sim: KubeSimulator, bin: string) {
  const run = (args: string[], stdin?: string): Promise<KubectlResult> =>
    new Promise((resolve) => {
      const child = execFile(
        bin,
        ['--kubeconfig', sim.kubeconfigPath, ...args],
        { timeout: 60_000 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
          resolve({ code, stdout, stderr })
        },
      )
      if (stdin !== undefined) child.stdin?.end(stdin)
    })
  const ok = async (args: string[], stdin?: string): Promise<string> => {
    const r = await run(args, stdin)
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}${r.stdout}`)
    return r.stdout
  }
  return { run, ok }
}
