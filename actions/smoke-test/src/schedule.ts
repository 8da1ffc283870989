// The retry/deadline scheduler: every check is tried until it has N consecutive successes or
// the overall deadline passes. Failures back off exponentially with jitter; at most
// `concurrency` requests are in flight (a check that is backing off holds no slot).
// No I/O of its own: the probe (one request) and the clock are injected.

import type { Attempt, Check, FailureKind, Probe } from '@deploy-actions/http-check'
import { backoffDelay, type Clock, formatDuration, limiter, progressReporter } from '@deploy-actions/kit'

export interface CheckOutcome {
  check: Check
  passed: boolean
  attempts: number
  /** Latency of the last answer received (a success, when passed). */
  latencyMs?: number
  status?: number
  /** Why it failed, or what passed ("HTTP 200"). */
  reason: string
  kind?: FailureKind
  elapsedMs: number
}

export interface ScheduleOptions {
  timeoutMs: number
  intervalMs: number
  requestTimeoutMs: number
  consecutiveSuccesses: number
  concurrency: number
  /** Longest pause between attempts (default: 30 s, or the interval when that is longer). */
  maxDelayMs?: number
  /** A progress line at least this often while checks are pending (default 20 s). */
  progressEveryMs?: number
  clock: Clock
  random?: () => number
  log: (line: string) => void
  /** Aborted (a cancelled job): no new attempt starts, the ones in flight are aborted. */
  signal?: AbortSignal
}

export async function runChecks(
  checks: readonly Check[],
  probe: Probe,
  options: ScheduleOptions,
): Promise<CheckOutcome[]> {
  const { clock, log, intervalMs, consecutiveSuccesses: needed, signal } = options
  const random = options.random ?? Math.random
  const maxDelayMs = options.maxDelayMs ?? Math.max(30_000, intervalMs)
  const started = clock.now()
  const deadline = started + options.timeoutMs
  const limit = limiter(options.concurrency)
  const pending = new Map<string, string>(checks.map((c) => [c.name, 'not tried yet']))

  const progressStop = new AbortController()
  const progress = progressReporter('smoke checks', log, clock, options.progressEveryMs ?? 20_000)
  const progressLoop = (async () => {
    const every = options.progressEveryMs ?? 20_000
    for (;;) {
      try {
        await clock.sleep(every, progressStop.signal)
      } catch {
        return
      }
      if (pending.size === 0) return
      const shown = [...pending].slice(0, 5).map(([name, state]) => `${name}: ${state}`)
      const more = pending.size > shown.length ? `; and ${pending.size - shown.length} more` : ''
      progress.tick(`${pending.size} of ${checks.length} pending, ${shown.join('; ')}${more}`, true)
    }
  })()

  const one = async (check: Check): Promise<CheckOutcome> => {
    let attempts = 0
    let streak = 0
    let failuresInRow = 0
    let last: Attempt | undefined
    const done = (passed: boolean, reason: string): CheckOutcome => {
      pending.delete(check.name)
      return {
        check,
        passed,
        attempts,
        reason,
        elapsedMs: clock.now() - started,
        ...(last?.latencyMs === undefined ? {} : { latencyMs: last.latencyMs }),
        ...(last?.status === undefined ? {} : { status: last.status }),
        ...(passed || !last || last.ok ? {} : { kind: last.kind }),
      }
    }
    const gaveUp = (why: string): CheckOutcome => {
      const lastSeen = last ? (last.ok ? `HTTP ${last.status}` : last.reason) : 'no attempt made'
      const streakNote = needed > 1 && streak > 0 ? `, ${streak} of ${needed} consecutive successes` : ''
      return done(false, `${why} after ${attempts} attempt${attempts === 1 ? '' : 's'}${streakNote}; last: ${lastSeen}`)
    }
    const cancelled = (): CheckOutcome => ({ ...gaveUp('cancelled'), kind: 'cancelled' })
    for (;;) {
      if (signal?.aborted) return cancelled()
      const attempt = await limit(async () => {
        const left = deadline - clock.now()
        if (signal?.aborted) return 'cancelled'
        return left > 0 ? probe(check, Math.min(options.requestTimeoutMs, left), signal) : undefined
      })
      if (attempt === 'cancelled') return cancelled()
      if (signal?.aborted) {
        if (attempt) {
          attempts++ // the one in flight when the job was cancelled
          last = attempt
        }
        return cancelled()
      }
      if (!attempt) return gaveUp(`deadline of ${formatDuration(options.timeoutMs)} reached`)
      attempts++
      last = attempt
      let delay: number
      if (attempt.ok) {
        streak++
        failuresInRow = 0
        const latency = formatDuration(attempt.latencyMs)
        if (streak >= needed) {
          log(`✓ ${check.name}: HTTP ${attempt.status} in ${latency}${needed > 1 ? ` (${streak} in a row)` : ''}`)
          return done(true, needed > 1 ? `HTTP ${attempt.status}, ${needed} in a row` : `HTTP ${attempt.status}`)
        }
        delay = intervalMs
        pending.set(check.name, `${streak} of ${needed} consecutive successes`)
        log(`· ${check.name}: HTTP ${attempt.status} in ${latency} (${streak} of ${needed} in a row)`)
      } else {
        streak = 0
        failuresInRow++
        delay = backoffDelay(failuresInRow, intervalMs, maxDelayMs, random)
        pending.set(check.name, `${attempt.reason} (attempt ${attempts})`)
        const left = deadline - Math.min(options.requestTimeoutMs, 1000) - clock.now()
        const next = left > 0 ? `; retrying in ${formatDuration(Math.min(delay, left))}` : ''
        log(`✗ ${check.name}: attempt ${attempts}: ${attempt.reason}${next}`)
      }
      // The last attempt starts early enough to get up to a second (or the request timeout) of time.
      const lastStart = deadline - Math.min(options.requestTimeoutMs, 1000) - clock.now()
      if (lastStart <= 0) return gaveUp(`deadline of ${formatDuration(options.timeoutMs)} reached`)
      try {
        await clock.sleep(Math.min(delay, lastStart), signal)
      } catch {
        return cancelled()
      }
    }
  }

  try {
    return await Promise.all(checks.map(one))
  } finally {
    progressStop.abort()
    await progressLoop
  }
}
