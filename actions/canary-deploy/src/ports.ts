// What the canary's orchestration needs from the world, and the real adapters: client-node
// through packages/kube (KubeApi for rollout/undo, ObjectsApi for any object, the weighted
// routers), the metric providers, the clock. Loaded only after the inputs are validated.
import { type Clock, errorCode, type Logger, retry } from '@deploy-actions/kit'
import type { CanaryRouting, KubeApi, ObjectsApi, TrafficRouter, WeightedRouterKind } from '@deploy-actions/kube'
import type { Inputs } from './inputs.ts'
import type { Measurer } from './providers/index.ts'

export interface Deps {
  kube: KubeApi
  objects: ObjectsApi
  routerFor(kind: WeightedRouterKind, routing: CanaryRouting): TrafficRouter
  measure: Measurer
  clock: Clock
  log: Logger
  /** Aborted on cancellation (SIGINT/SIGTERM): stop starting work, abort the canary. */
  signal?: AbortSignal
  /** Remembers for the post step which canary this job started ('' once it no longer needs cleanup). */
  remember(canary: string): void
  /** Renders a kustomization for `manifests`; packages/kube's `kubectl kustomize DIR` unless given. */
  kustomize?(dir: string): Promise<string>
}

export async function connectPorts(
  inputs: Inputs,
  options: { onSecret: (s: string) => void; env: NodeJS.ProcessEnv },
): Promise<Pick<Deps, 'kube' | 'objects' | 'routerFor' | 'measure'> & { source: string }> {
  const kube = await import('@deploy-actions/kube')
  const { providers } = await import('./providers/index.ts')
  const connection = await kube.connectKube(inputs.kube, {
    region: inputs.region,
    env: options.env,
    onSecret: options.onSecret,
  })
  const objects = await kube.createObjectsApi(connection.kubeConfig)
  return {
    kube: connection.api,
    objects,
    routerFor: (kind, routing) => kube.createRouter(kind, routing, objects),
    measure: providers({
      prometheusUrl: inputs.prometheusUrl,
      region: inputs.region,
      timeoutMs: Math.min(10_000, Math.max(1000, inputs.analysisIntervalMs)),
      now: () => Date.now(),
    }),
    source: connection.source,
  }
}

/** A connection that broke with no HTTP answer (a keep-alive socket closed under a request). */
const TRANSIENT = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
])
export function isTransient(error: unknown): boolean {
  if (typeof (error as { code?: unknown })?.code === 'number') return false // the server answered
  const code = errorCode(error)
  return (code !== undefined && TRANSIENT.has(code)) || (error as Error)?.message === 'fetch failed'
}

/**
 * Reads are retried (3 attempts, 200 ms apart) when the connection broke with no answer, as
 * client-go retries idempotent requests: a reset socket must not abort a healthy canary.
 * Writes are not retried here (conflict-safe writes have their own loop).
 */
export function retryingReads<T extends object>(api: T, reads: Array<keyof T & string>): T {
  const wrapped = { ...api } as Record<string, unknown>
  for (const name of reads) {
    const fn = (api as Record<string, unknown>)[name] as (...args: unknown[]) => Promise<unknown>
    wrapped[name] = (...args: unknown[]) =>
      retry(() => fn.apply(api, args), { attempts: 3, baseDelayMs: 200, maxDelayMs: 400, retryable: isTransient })
  }
  return wrapped as T
}
