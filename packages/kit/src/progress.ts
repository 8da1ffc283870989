import { type Clock, realClock } from './clock.ts'
import { formatDuration } from './duration.ts'
import { ConfigurationError } from './errors.ts'

export interface WaitOptions {
  /** What is awaited, for progress lines and the timeout message ("snapshot x to be available"). */
  what: string
  timeoutMs: number
  intervalMs: number
  /** Progress line at least this often (default 20 s, inside the 30 s promise). */
  progressEveryMs?: number
  log: (line: string) => void
  clock?: Clock
  /** Aborted (a cancelled job): the wait ends with the signal's reason. */
  signal?: AbortSignal
}

export class WaitTimeoutError extends Error {
  override name = 'WaitTimeoutError'
}

/**
 * Prints a progress line when at least `everyMs` passed since the last one.
 * `tick(detail)` is cheap to call on every poll.
 */
export function progressReporter(
  what: string,
  log: (line: string) => void,
  clock: Clock = realClock,
  everyMs = 20_000,
) {
  const started = clock.now()
  let last = started
  return {
    tick(detail?: string, force = false) {
      const now = clock.now()
      if (!force && now - last < everyMs) return
      last = now
      log(`waiting for ${what}: ${formatDuration(now - started)} so far${detail ? ` (${detail})` : ''}`)
    },
    elapsed: () => clock.now() - started,
  }
}

/**
 * Polls `check` until it returns a value other than undefined, with progress lines and a
 * bounded timeout. `check` returns `{ done: value }` or `{ detail }` describing the state seen.
 */
export async function waitUntil<T>(
  check: () => Promise<{ done: T } | { detail: string }>,
  options: WaitOptions,
): Promise<T> {
  const clock = options.clock ?? realClock
  if (options.timeoutMs <= 0) throw new ConfigurationError('timeout', 'a positive duration')
  const progress = progressReporter(options.what, options.log, clock, options.progressEveryMs)
  const deadline = clock.now() + options.timeoutMs
  let lastDetail = 'not checked yet'
  for (;;) {
    options.signal?.throwIfAborted()
    const result = await check()
    if ('done' in result) return result.done
    lastDetail = result.detail
    progress.tick(lastDetail)
    const left = deadline - clock.now()
    if (left <= 0) {
      throw new WaitTimeoutError(
        `timed out after ${formatDuration(options.timeoutMs)} waiting for ${options.what} (last seen: ${lastDetail})`,
      )
    }
    await clock.sleep(Math.min(options.intervalMs, left), options.signal)
  }
}
