import type { Clock } from './clock.ts'

/**
 * A clock for tests: `sleep` returns at once and moves `now` forward by the time asked, and
 * every sleep is recorded, so backoff and deadlines are checked without real waiting.
 */
export function steppingClock(start = 0): Clock & { slept: number[] } {
  let now = start
  const slept: number[] = []
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms)
      now += ms
    },
  }
}
