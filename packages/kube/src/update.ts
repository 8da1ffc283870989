// Conflict-safe writes: read fresh, change, write back with the resourceVersion read; on
// 409 Conflict do it all again from a fresh read (client-go's RetryOnConflict, DefaultRetry:
// 5 attempts, ~10 ms apart).
import { type Clock, realClock, retry } from '@deploy-actions/kit'
import { isConflict, type KubeApi } from './client.ts'
import type { Deployment } from './types.ts'

export interface ConflictRetryOptions {
  attempts?: number
  clock?: Clock
  onConflict?: (attempt: number) => void
}

/** Runs `attempt` again on 409 Conflict; any other error, or the last conflict, is thrown. */
export function retryOnConflict<T>(attempt: (n: number) => Promise<T>, options: ConflictRetryOptions = {}): Promise<T> {
  return retry(attempt, {
    attempts: options.attempts ?? 5,
    baseDelayMs: 10,
    maxDelayMs: 100,
    retryable: isConflict,
    clock: options.clock ?? realClock,
    onRetry: ({ attempt: n }) => options.onConflict?.(n),
  })
}

export interface UpdateResult {
  deployment: Deployment
  /** False when `mutate` asked for no change. */
  changed: boolean
  attempts: number
}

/**
 * Reads the Deployment, lets `mutate` return the changed copy (or undefined for "no change"),
 * and replaces it with the resourceVersion read; a conflict starts over from a fresh read.
 */
export async function updateDeployment(
  api: KubeApi,
  namespace: string,
  name: string,
  mutate: (current: Deployment) => Deployment | undefined | Promise<Deployment | undefined>,
  options: ConflictRetryOptions = {},
): Promise<UpdateResult> {
  let attempts = 0
  return retryOnConflict(async (n) => {
    attempts = n
    const current = await api.readDeployment(namespace, name)
    const next = await mutate(current)
    if (!next) return { deployment: current, changed: false, attempts }
    const body = { ...next, metadata: { ...next.metadata, resourceVersion: current.metadata?.resourceVersion } }
    return { deployment: await api.replaceDeployment(namespace, name, body), changed: true, attempts }
  }, options)
}
