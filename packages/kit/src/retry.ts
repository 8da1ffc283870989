import { type Clock, realClock } from './clock.ts'

export interface RetryOptions {
  /** Total attempts including the first (default 5). */
  attempts?: number
  /** First backoff delay (default 500 ms); doubles each retry up to `maxDelayMs`. */
  baseDelayMs?: number
  maxDelayMs?: number
  /** Absolute deadline (clock ms): no retry is started whose delay would end past it. */
  deadline?: number
  /** Decides whether an error is worth another attempt (default: every error). */
  retryable?: (error: unknown) => boolean
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void
  clock?: Clock
  random?: () => number
  /** Aborted (a cancelled job): no further attempt starts, a backoff wait ends at once. */
  signal?: AbortSignal
}

/**
 * Exponential backoff with "full jitter" (a random delay between half and all of the
 * exponential step), so that many jobs retrying together do not retry in lock-step.
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random) {
  const step = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1))
  return Math.round(step / 2 + (random() * step) / 2)
}

export async function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const {
    attempts = 5,
    baseDelayMs = 500,
    maxDelayMs = 30_000,
    deadline,
    retryable = () => true,
    onRetry,
    clock = realClock,
    random = Math.random,
    signal,
  } = options
  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted()
    try {
      return await fn(attempt)
    } catch (error) {
      if (attempt >= attempts || !retryable(error) || signal?.aborted) throw error
      let delayMs = backoffDelay(attempt, baseDelayMs, maxDelayMs, random)
      if (deadline !== undefined) {
        const left = deadline - clock.now()
        if (left <= 0) throw error
        delayMs = Math.min(delayMs, left)
      }
      onRetry?.({ attempt, delayMs, error })
      await clock.sleep(delayMs, signal)
    }
  }
}

/** Network-level failures that a retry can fix (refused, reset, timed out, DNS hiccup). */
export function isTransientNetworkError(error: unknown): boolean {
  const code = errorCode(error)
  return (
    code !== undefined &&
    ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'ENOTFOUND'].includes(code)
  )
}

/** The `code` of an error or of any error in its `cause` chain. */
export function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string') return code
    e = (e as { cause?: unknown }).cause
  }
  return undefined
}
